/*
 * ledger__sha.h — SHA-256 and HMAC-SHA-256 through OpenSSL's libcrypto,
 * shared by the Merkle tree (merkle.c) and the pair MAC (auth.c); sha.c
 * says why libcrypto and not libsodium. Not installed; not part of the API.
 */
#ifndef JMD_LEDGER__SHA_H
#define JMD_LEDGER__SHA_H

#include <stddef.h>
#include <stdint.h>

#include "jmd/ledger.h"

#define JMD_LEDGER__SHA256_SIZE 32

/* One piece of a hashed message (p may be NULL when len is 0). */
typedef struct {
    const void *p;
    size_t len;
} jmd_ledger__part;

/* Bytes an HMAC key's inner and outer SHA-256 states take
 * (jmd_ledger_pair_key.mid; sha.c checks they fit). */
#define JMD_LEDGER__HMAC_MID_SIZE JMD_LEDGER_PAIR_KEY_MID_SIZE

/* SHA-256 of the n parts, in order, into out: the pieces are hashed where
 * they lie, never copied together. 0, or JMD_EIO when libcrypto fails
 * (it does not allocate here); out is then unspecified. Reentrant and
 * thread-safe. */
int jmd_ledger__sha256v(const jmd_ledger__part *parts, int n,
                        uint8_t out[JMD_LEDGER__SHA256_SIZE]);

/* jmd_ledger__sha256v of a[0 .. alen) then b[0 .. blen). */
int jmd_ledger__sha256(const void *a, size_t alen, const void *b, size_t blen,
                       uint8_t out[JMD_LEDGER__SHA256_SIZE]);

/* HMAC-SHA-256 (RFC 2104) of msg[0 .. len) under a 32-byte key into mac.
 * Errors as jmd_ledger__sha256; the padded key is wiped before return. */
int jmd_ledger__hmac_sha256(const uint8_t key[32], const uint8_t *msg, size_t len,
                            uint8_t mac[JMD_LEDGER__SHA256_SIZE]);

/* The same in two steps: prepare hashes the padded key once into mid (the
 * inner and outer states: as secret as the key), and hmac_mid MACs a
 * message from a copy of them (two compressions fewer per message). */
int jmd_ledger__hmac_prepare(const uint8_t key[32], uint8_t mid[JMD_LEDGER__HMAC_MID_SIZE]);
int jmd_ledger__hmac_mid(const uint8_t mid[JMD_LEDGER__HMAC_MID_SIZE], const uint8_t *msg,
                         size_t len, uint8_t mac[JMD_LEDGER__SHA256_SIZE]);

#endif
