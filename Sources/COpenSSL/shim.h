#ifndef CASEFINDER_COPENSSL_SHIM_H
#define CASEFINDER_COPENSSL_SHIM_H
// OpenSSL's libcrypto (Debian package libssl-dev): SHA-256 with the CPU's SHA extensions.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#endif
