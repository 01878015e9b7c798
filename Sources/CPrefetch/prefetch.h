#ifndef CASEFINDER_CPREFETCH_H
#define CASEFINDER_CPREFETCH_H
// A hint to bring the cache line holding `address` towards the core before it is read, so
// that several cache misses overlap instead of following one another. Swift has no spelling
// for it; GCC and Clang's builtin compiles to one instruction (PREFETCHT0 on x86-64) and
// never faults, whatever the address.
static inline void casefind_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
#endif
