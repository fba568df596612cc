/* test_sha.c — the ledger's SHA-256 and HMAC-SHA-256, which are OpenSSL's
 * libcrypto (src/ledger/sha.c), against an independent implementation,
 * libsodium's (what the ledger used before, so every stored leaf and MAC
 * must stay the same): the Merkle leaf hash on every length 0 .. 2000 of
 * seeded random bytes, the node hash, the HMAC on every length 0 .. 2000
 * under several random keys, the log's streamed leaf hash against the
 * hash of its serialised bytes, the published vectors (FIPS 180-2 "abc",
 * the empty string, RFC 4231 test cases 1 - 4), and the same hashes from
 * several threads at once (one context per thread). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "jmd/ledger.h"
#include "ledger/ledger__sha.h"

#define MAXLEN 2000

/* splitmix64: a fixed-seed byte stream (the test is deterministic). */
static uint64_t rng_state = 0x6a6d642d73686131ull;
static uint8_t rnd_byte(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (uint8_t)(z ^ (z >> 31));
}
static void rnd_fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = rnd_byte();
}

static void unhex(const char *h, uint8_t *out, size_t n)
{
    assert_int_equal(strlen(h), 2 * n);
    assert_int_equal(jmd_ledger_unhex(h, out, n), 0);
}

static int setup(void **state)
{
    (void)state;
    return sodium_init() < 0 ? -1 : 0;
}

static void test_vectors(void **state)
{
    (void)state;
    uint8_t h[32], want[32];
    /* FIPS 180-2 appendix B.1: SHA-256("abc"). */
    assert_int_equal(jmd_ledger__sha256("abc", 3, NULL, 0, h), 0);
    unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want, 32);
    assert_memory_equal(h, want, 32);
    /* Split anywhere, the same hash. */
    assert_int_equal(jmd_ledger__sha256("a", 1, "bc", 2, h), 0);
    assert_memory_equal(h, want, 32);
    /* FIPS 180-2 B.2, two blocks. */
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_int_equal(jmd_ledger__sha256(two, strlen(two), NULL, 0, h), 0);
    unhex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", want, 32);
    assert_memory_equal(h, want, 32);
    /* The empty string: jmd_merkle_empty_root is this constant. */
    assert_int_equal(jmd_ledger__sha256(NULL, 0, NULL, 0, h), 0);
    unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want, 32);
    assert_memory_equal(h, want, 32);
    jmd_merkle_hash e;
    jmd_merkle_empty_root(&e);
    assert_memory_equal(e.b, want, 32);
    /* RFC 6962 / 9162: the leaf hash of the empty leaf. */
    assert_int_equal(jmd_merkle_leaf_hash(NULL, 0, &e), 0);
    unhex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", want, 32);
    assert_memory_equal(e.b, want, 32);
}

/* RFC 4231 section 4, test cases 1 - 4 (HMAC-SHA-256). The pair key is
 * 32 bytes: a shorter RFC key is zero-padded to 32, which HMAC does
 * anyway (padding to the 64-byte block), so the tags are the RFC's. The
 * 20-byte keys of cases 1 and 3 and the 25-byte key of case 4 fit; case
 * 2's key "Jefe" too. */
static void test_rfc4231(void **state)
{
    (void)state;
    static const struct {
        const char *key, *data, *mac;
    } tc[4] = {
        {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
         "dddddddddddddddddddd",
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {"0102030405060708090a0b0c0d0e0f10111213141516171819",
         "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
         "cdcdcdcdcdcdcdcdcdcd",
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
    };
    for (int i = 0; i < 4; i++) {
        jmd_ledger_pair_key k;
        memset(&k, 0, sizeof k);
        size_t kl = strlen(tc[i].key) / 2, dl = strlen(tc[i].data) / 2;
        uint8_t data[64], want[32], mac[32];
        unhex(tc[i].key, k.key, kl);
        unhex(tc[i].data, data, dl);
        unhex(tc[i].mac, want, 32);
        assert_int_equal(jmd_ledger_mac(&k, data, dl, mac), 0);
        assert_memory_equal(mac, want, 32);
        assert_int_equal(jmd_ledger_mac_verify(&k, data, dl, want), 0);
        want[31] ^= 1;
        assert_int_equal(jmd_ledger_mac_verify(&k, data, dl, want), JMD_EVERIFY);
    }
}

/* Leaf and node hashes against libsodium's SHA-256 on every length. */
static void test_hash_differential(void **state)
{
    (void)state;
    static uint8_t buf[1 + MAXLEN];
    for (size_t len = 0; len <= MAXLEN; len++) {
        buf[0] = 0x00;
        rnd_fill(buf + 1, len);
        jmd_merkle_hash got;
        uint8_t want[32];
        assert_int_equal(jmd_merkle_leaf_hash(len ? buf + 1 : NULL, len, &got), 0);
        crypto_hash_sha256(want, buf, 1 + len);
        assert_memory_equal(got.b, want, 32);
        /* The two-part form split at every 97th byte. */
        size_t cut = len % 97 < len ? len % 97 : len;
        assert_int_equal(jmd_ledger__sha256(buf, 1 + cut, buf + 1 + cut, len - cut, got.b), 0);
        assert_memory_equal(got.b, want, 32);
    }
    for (int i = 0; i < 500; i++) {
        jmd_merkle_hash l, r, got;
        uint8_t node[65], want[32];
        rnd_fill(l.b, 32);
        rnd_fill(r.b, 32);
        node[0] = 0x01;
        memcpy(node + 1, l.b, 32);
        memcpy(node + 33, r.b, 32);
        crypto_hash_sha256(want, node, sizeof node);
        assert_int_equal(jmd_merkle_node_hash(&l, &r, &got), 0);
        assert_memory_equal(got.b, want, 32);
        assert_int_equal(jmd_merkle_node_hash(&l, &r, &l), 0); /* out may alias */
        assert_memory_equal(l.b, want, 32);
    }
}

/* The pair MAC against libsodium's crypto_auth_hmacsha256 on every
 * length: under a derived pair key (its precomputed HMAC states), a fresh
 * one every 100 lengths, and under the same key edited by hand (the states
 * no longer match it: computed from the key) and made by hand (no states);
 * every tag verifies and a flipped tag bit does not. */
static void test_hmac_differential(void **state)
{
    (void)state;
    static uint8_t msg[MAXLEN];
    jmd_ledger_pair_key k, edited, plain;
    memset(&plain, 0, sizeof plain);
    for (size_t len = 0; len <= MAXLEN; len++) {
        if (len % 100 == 0) {
            uint8_t sa[32], sb[32];
            jmd_ledger_keypair a, b;
            rnd_fill(sa, sizeof sa);
            rnd_fill(sb, sizeof sb);
            assert_int_equal(jmd_ledger_keypair_from_seed(&a, "A", sa), 0);
            assert_int_equal(jmd_ledger_keypair_from_seed(&b, "B", sb), 0);
            assert_int_equal(jmd_ledger_pair_key_derive(&a, b.pk, &k), 0);
            edited = k;
            edited.key[len % 32] ^= 0x40;
            rnd_fill(plain.key, sizeof plain.key);
            jmd_ledger_keypair_wipe(&a);
            jmd_ledger_keypair_wipe(&b);
        }
        rnd_fill(msg, len);
        const jmd_ledger_pair_key *keys[3] = {&k, &edited, &plain};
        for (int w = 0; w < 3; w++) {
            uint8_t got[32], want[32];
            assert_int_equal(jmd_ledger_mac(keys[w], len ? msg : NULL, len, got), 0);
            crypto_auth_hmacsha256(want, msg, len, keys[w]->key);
            assert_memory_equal(got, want, 32);
            assert_int_equal(jmd_ledger_mac_verify(keys[w], len ? msg : NULL, len, want), 0);
            want[len % 32] ^= (uint8_t)(1u << (len % 8));
            assert_int_equal(jmd_ledger_mac_verify(keys[w], len ? msg : NULL, len, want),
                             JMD_EVERIFY);
        }
    }
    jmd_ledger_pair_key_wipe(&k);
    jmd_ledger_pair_key_wipe(&edited);
    jmd_ledger_pair_key_wipe(&plain);
}

/* The log's leaf hash (streamed, never serialised) is the leaf hash of
 * the serialised bytes, for notes with data and reasons of many sizes. */
static void test_log_leaf_streamed(void **state)
{
    (void)state;
    static uint8_t data[MAXLEN], bytes[64 + MAXLEN + JMD_LOG_REASON_MAX];
    char reason[JMD_LOG_REASON_MAX + 1];
    for (size_t len = 0; len <= MAXLEN; len += 7) {
        rnd_fill(data, len);
        size_t rlen = (len * 13) % (JMD_LOG_REASON_MAX + 1);
        for (size_t i = 0; i < rlen; i++)
            reason[i] = (char)('a' + rnd_byte() % 26);
        reason[rlen] = '\0';
        jmd_log_entry e;
        memset(&e, 0, sizeof e);
        e.dir = JMD_LOG_NOTE;
        e.peer = JMD_LOG_PEER_NONE;
        e.kind = (int)(len % 256);
        e.seq = len * 1000003u;
        e.t = len % 3 == 0 ? -0.0 : 1.5 * (double)len;
        e.step = (int64_t)len - 1000;
        e.data = len ? data : NULL;
        e.len = len;
        e.reason = len % 5 == 0 ? NULL : reason;
        size_t n = 0;
        assert_int_equal(jmd_ledger_log_leaf_bytes(&e, bytes, sizeof bytes, &n), 0);
        jmd_merkle_hash got, want;
        assert_int_equal(jmd_ledger_log_leaf_hash(&e, &got), 0);
        assert_int_equal(jmd_merkle_leaf_hash(bytes, n, &want), 0);
        assert_memory_equal(got.b, want.b, 32);
    }
}

/* Threads MAC and hash at once (no shared state): the same answers. */
static void *thread_main(void *arg)
{
    uint8_t *ok = arg, msg[300], mac[32], want[32];
    jmd_ledger_pair_key k;
    memset(&k, 0, sizeof k);
    for (int i = 0; i < 32; i++)
        k.key[i] = (uint8_t)(i * 5 + *ok);
    for (int i = 0; i < 300; i++)
        msg[i] = (uint8_t)(i ^ *ok);
    crypto_auth_hmacsha256(want, msg, sizeof msg, k.key);
    *ok = 1;
    for (int it = 0; it < 2000; it++)
        if (jmd_ledger_mac(&k, msg, sizeof msg, mac) != 0 || memcmp(mac, want, 32) != 0)
            *ok = 0;
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    pthread_t th[4];
    uint8_t ok[4];
    for (int i = 0; i < 4; i++) {
        ok[i] = (uint8_t)(i + 1);
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, &ok[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(ok[i], 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),           cmocka_unit_test(test_rfc4231),
        cmocka_unit_test(test_hash_differential), cmocka_unit_test(test_hmac_differential),
        cmocka_unit_test(test_log_leaf_streamed), cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
