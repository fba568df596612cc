/*
 * sha.c — SHA-256 and HMAC-SHA-256 for the ledger (ledger__sha.h): the
 * Merkle leaf and node hashes (merkle.c) and the pair MAC (auth.c).
 *
 * Why libcrypto and not libsodium (which still does Ed25519, X25519,
 * BLAKE2b and randomness): libsodium's SHA-256 is portable C, while
 * OpenSSL's uses the x86 SHA extensions (sha_ni) where the CPU has them.
 * On the AMD EPYC of bench/bench_fed (2 CPUs, OpenSSL 3.0), for a 300-byte
 * message: libsodium crypto_auth_hmacsha256 2.9 - 3.0 us, this HMAC about
 * 0.4 us; a 65-byte node hash 0.5 - 0.75 us against 0.11 us (stand-alone
 * loops of 10^6 calls; bench_fed's "stages alone" shows the effect on MAC
 * make / verify and ledger append). One implementation, no fallback: the
 * results are byte-identical to libsodium's (tests/test_sha.c checks both
 * on every length 0 .. 2000 and the FIPS 180-2 / RFC 4231 vectors).
 *
 * Why the SHA256_Init/Update/Final interface, which OpenSSL 3 marks as
 * deprecated in favour of EVP (OPENSSL_API_COMPAT below keeps it declared
 * without the warning): it is the same compression code with none of EVP's
 * per-call dispatch, which costs more than hashing a 65-byte node (EVP
 * 0.20 us, this 0.11 us), and its context is a plain struct — so a hash
 * needs no allocation, no per-thread state, and an HMAC key's inner and
 * outer states (RFC 2104: the padded key hashed once) can be kept by
 * value inside jmd_ledger_pair_key and copied per message, which saves two
 * of an HMAC's compressions and the key padding.
 *
 * Workload: every message (one HMAC made or checked, one leaf hash, about
 * one node hash per log append). No allocation at all.
 */
#define OPENSSL_API_COMPAT 0x10100000L
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "jmd/error.h"
#include "ledger/ledger__sha.h"

_Static_assert(2 * sizeof(SHA256_CTX) <= JMD_LEDGER__HMAC_MID_SIZE,
               "the HMAC midstates fit jmd_ledger_pair_key's room for them");

int jmd_ledger__sha256v(const jmd_ledger__part *parts, int n,
                        uint8_t out[JMD_LEDGER__SHA256_SIZE])
{
    SHA256_CTX c;
    if (!SHA256_Init(&c)) return JMD_EIO;
    /* Empty parts are skipped, so that a NULL never reaches libcrypto. */
    for (int i = 0; i < n; i++)
        if (parts[i].len && !SHA256_Update(&c, parts[i].p, parts[i].len)) return JMD_EIO;
    if (!SHA256_Final(out, &c)) return JMD_EIO;
    return 0;
}

int jmd_ledger__sha256(const void *a, size_t alen, const void *b, size_t blen,
                       uint8_t out[JMD_LEDGER__SHA256_SIZE])
{
    const jmd_ledger__part parts[2] = {{a, alen}, {b, blen}};
    return jmd_ledger__sha256v(parts, 2, out);
}

int jmd_ledger__hmac_prepare(const uint8_t key[32], uint8_t mid[JMD_LEDGER__HMAC_MID_SIZE])
{
    /* RFC 2104 with B = 64: the 32-byte key zero-padded to a block, XORed
     * with ipad (inner) and opad (outer), each hashed as the first block. */
    uint8_t pad[64];
    SHA256_CTX st[2];
    int rc = JMD_EIO;
    for (int k = 0; k < 2; k++) {
        uint8_t x = k == 0 ? 0x36 : 0x5c;
        for (int i = 0; i < 64; i++)
            pad[i] = (uint8_t)((i < 32 ? key[i] : 0) ^ x);
        if (!SHA256_Init(&st[k]) || !SHA256_Update(&st[k], pad, sizeof pad)) goto done;
    }
    memcpy(mid, st, sizeof st);
    rc = 0;
done:
    OPENSSL_cleanse(pad, sizeof pad);
    OPENSSL_cleanse(st, sizeof st);
    return rc;
}

int jmd_ledger__hmac_mid(const uint8_t mid[JMD_LEDGER__HMAC_MID_SIZE], const uint8_t *msg,
                         size_t len, uint8_t mac[JMD_LEDGER__SHA256_SIZE])
{
    SHA256_CTX st[2];
    uint8_t inner[JMD_LEDGER__SHA256_SIZE];
    int rc = JMD_EIO;
    memcpy(st, mid, sizeof st);
    if ((len && !SHA256_Update(&st[0], msg, len)) || !SHA256_Final(inner, &st[0])) goto done;
    if (!SHA256_Update(&st[1], inner, sizeof inner) || !SHA256_Final(mac, &st[1])) goto done;
    rc = 0;
done:
    OPENSSL_cleanse(st, sizeof st);
    OPENSSL_cleanse(inner, sizeof inner);
    return rc;
}

int jmd_ledger__hmac_sha256(const uint8_t key[32], const uint8_t *msg, size_t len,
                            uint8_t mac[JMD_LEDGER__SHA256_SIZE])
{
    uint8_t mid[JMD_LEDGER__HMAC_MID_SIZE];
    int rc = jmd_ledger__hmac_prepare(key, mid);
    if (rc == 0) rc = jmd_ledger__hmac_mid(mid, msg, len, mac);
    OPENSSL_cleanse(mid, sizeof mid);
    return rc;
}
