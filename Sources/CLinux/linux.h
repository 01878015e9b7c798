#ifndef CASEFINDER_CLINUX_H
#define CASEFINDER_CLINUX_H
// What Swift's Glibc module leaves out, declared here (header only, nothing to link).

// A hint to bring the cache line holding `address` towards the core before it is read, so
// that several cache misses overlap instead of following one another. Swift has no spelling
// for it; GCC and Clang's builtin compiles to one instruction (PREFETCHT0 on x86-64) and
// never faults, whatever the address.
static inline void casefind_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

// syncfs(2) (glibc 2.14, Linux 2.6.39): writes out every dirty page and inode of the file
// system holding `fd`, with one journal commit. glibc declares it only under _GNU_SOURCE,
// which Swift's Glibc module is not built with.
int syncfs(int fd);

// renameat2(2) (glibc 2.28, Linux 3.15): with RENAME_EXCHANGE, swaps two paths (here two
// folders) in one step; a file system that cannot do it says EINVAL. Also _GNU_SOURCE only.
int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);
static const unsigned int casefind_rename_exchange = 1u << 1;
#endif
