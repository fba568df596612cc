/*
 * ledger__sha.h — SHA-256 and HMAC-SHA-256 through OpenSSL's libcrypto,
 * shared by the Merkle tree (merkle.c) and the pair MAC (auth.c); sha.c
 * says why libcrypto and not libsodium. Not installed; not part of the API.
 */
#ifndef JMD_LEDGER__SHA_H
#define JMD_LEDGER__SHA_H

#include <stddef.h>
#include <stdint.h>

#define JMD_LEDGER__SHA256_SIZE 32

/* One piece of a hashed message (p may be NULL when len is 0). */
typedef struct {
    const void *p;
    size_t len;
} jmd_ledger__part;

/* SHA-256 of the n parts, in order, into out: the pieces are hashed where
 * they lie, never copied together. 0, or JMD_ENOMEM / JMD_EIO when
 * libcrypto cannot allocate this thread's context or provide SHA-256;
 * out is then unspecified. Reentrant and thread-safe. */
int jmd_ledger__sha256v(const jmd_ledger__part *parts, int n,
                        uint8_t out[JMD_LEDGER__SHA256_SIZE]);

/* jmd_ledger__sha256v of a[0 .. alen) then b[0 .. blen). */
int jmd_ledger__sha256(const void *a, size_t alen, const void *b, size_t blen,
                       uint8_t out[JMD_LEDGER__SHA256_SIZE]);

/* HMAC-SHA-256 (RFC 2104) of msg[0 .. len) under a 32-byte key into mac.
 * Errors as jmd_ledger__sha256; the padded key is wiped before return. */
int jmd_ledger__hmac_sha256(const uint8_t key[32], const uint8_t *msg, size_t len,
                            uint8_t mac[JMD_LEDGER__SHA256_SIZE]);

#endif
