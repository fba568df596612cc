/* test_merkle.c — the RFC 9162 Merkle tree of the ledger: the published
 * transparency-dev/merkle vectors (leaf and node hashes, the roots of every
 * size 0..8, compact ranges, inclusion and consistency proofs), a brute-force
 * check that every proof for m <= n <= 64 verifies and that any flipped bit,
 * wrong index or size, or truncated or extended proof fails, the frontier
 * root against the tree hash for every size, and the argument contracts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "jmd/ledger.h"

/* ---- vectors: transparency-dev/merkle testonly/constants.go ---- */

/* LeafInputs(), hex. */
static const char *const leaf_inputs[8] = {
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

/* NodeHashes(): level 0 (leaf hashes) to level 3. */
static const char *const node_hashes[4][8] = {
    {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
     "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
     "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
     "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
     "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
     "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
     "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"},
    {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
     "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"},
    {"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
    {"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"},
};

/* RootHashes(): sizes 0..8 (size 0: SHA-256 of nothing). */
static const char *const root_hashes[9] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

/* CompactTrees(): the frontier of each size 0..8 as (level, index) pairs
 * into node_hashes, largest subtree first; -1 ends a list. */
static const int compact_trees[9][4][2] = {
    {{-1, 0}},
    {{0, 0}, {-1, 0}},
    {{1, 0}, {-1, 0}},
    {{1, 0}, {0, 2}, {-1, 0}},
    {{2, 0}, {-1, 0}},
    {{2, 0}, {0, 4}, {-1, 0}},
    {{2, 0}, {1, 2}, {-1, 0}},
    {{2, 0}, {1, 2}, {0, 6}, {-1, 0}},
    {{3, 0}, {-1, 0}},
};

/* A proof probe: for inclusion (a = leaf index, b = tree size, h1 = root,
 * h2 = leaf hash); for consistency (a = size1, b = size2, h1 = root1,
 * h2 = root2). From transparency-dev/merkle testdata/{inclusion,
 * consistency}/{0..4}/happy-path.json (base64 there, hex here). */
typedef struct {
    uint64_t a, b;
    const char *h1, *h2;
    size_t len;
    const char *proof[3];
} probe;

static const probe inclusion_probes[] = {
    {0, 1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
     "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", 0, {NULL}},
    {0, 8, "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
     "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", 3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5, 8, "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
     "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658", 3,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
     "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7", 1,
     {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1, 5, "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
     "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", 3,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

static const probe consistency_probes[] = {
    {1, 1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
     "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", 0, {NULL}},
    {1, 8, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
     "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328", 3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6, 8, "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
     "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328", 3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 5, "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
     "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4", 2,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6, 7, "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
     "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c", 3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

#define NPROBES(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ---- */

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s) / 2;
    assert_true(n <= cap);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

static jmd_merkle_hash H(const char *hex)
{
    jmd_merkle_hash h;
    assert_int_equal(strlen(hex), 64);
    unhex(hex, h.b, sizeof h.b);
    return h;
}

static void assert_hash(const jmd_merkle_hash *got, const char *hex)
{
    jmd_merkle_hash want = H(hex);
    assert_memory_equal(got->b, want.b, JMD_MERKLE_HASH_SIZE);
}

static int hash_eq(const jmd_merkle_hash *a, const jmd_merkle_hash *b)
{
    return memcmp(a->b, b->b, JMD_MERKLE_HASH_SIZE) == 0;
}

/* The 8 published leaves' hashes. */
static void vector_leaves(jmd_merkle_hash leaves[8])
{
    for (int i = 0; i < 8; i++) {
        uint8_t buf[16];
        size_t n = unhex(leaf_inputs[i], buf, sizeof buf);
        assert_int_equal(jmd_merkle_leaf_hash(n ? buf : NULL, n, &leaves[i]), 0);
    }
}

#define NMAX 64

/* NMAX distinct leaf hashes: the published 8, then leaves of "jmd <i>". */
static void brute_leaves(jmd_merkle_hash leaves[NMAX])
{
    vector_leaves(leaves);
    for (int i = 8; i < NMAX; i++) {
        char buf[16];
        int n = snprintf(buf, sizeof buf, "jmd %d", i);
        assert_int_equal(jmd_merkle_leaf_hash(buf, (size_t)n, &leaves[i]), 0);
    }
}

/* ---- published vectors ---- */

static void test_vector_hashes(void **state)
{
    (void)state;
    jmd_merkle_hash leaves[8], h;
    vector_leaves(leaves);
    for (int i = 0; i < 8; i++) assert_hash(&leaves[i], node_hashes[0][i]);
    for (int level = 1; level < 4; level++)
        for (int i = 0; i < (8 >> level); i++) {
            jmd_merkle_hash l = H(node_hashes[level - 1][2 * i]);
            jmd_merkle_hash r = H(node_hashes[level - 1][2 * i + 1]);
            assert_int_equal(jmd_merkle_node_hash(&l, &r, &h), 0);
            assert_hash(&h, node_hashes[level][i]);
        }
    jmd_merkle_empty_root(&h);
    assert_hash(&h, root_hashes[0]);
    for (uint64_t n = 0; n <= 8; n++) {
        assert_int_equal(jmd_merkle_root(leaves, n, &h), 0);
        assert_hash(&h, root_hashes[n]);
    }
    assert_int_equal(jmd_merkle_root(NULL, 0, &h), 0);
    assert_hash(&h, root_hashes[0]);
}

static void test_vector_frontier(void **state)
{
    (void)state;
    jmd_merkle_hash leaves[8], h;
    vector_leaves(leaves);
    jmd_merkle_frontier f;
    assert_int_equal(jmd_merkle_frontier_init(&f), 0);
    for (uint64_t n = 0; n <= 8; n++) {
        if (n > 0) assert_int_equal(jmd_merkle_frontier_append(&f, &leaves[n - 1]), 0);
        assert_true(f.size == n);
        int k = 0;
        for (; compact_trees[n][k][0] >= 0; k++)
            assert_hash(&f.node[k], node_hashes[compact_trees[n][k][0]][compact_trees[n][k][1]]);
        assert_int_equal(k, __builtin_popcountll(n));
        assert_int_equal(jmd_merkle_frontier_root(&f, &h), 0);
        assert_hash(&h, root_hashes[n]);
    }
}

static void test_vector_inclusion(void **state)
{
    (void)state;
    jmd_merkle_hash leaves[8], proof[JMD_MERKLE_PROOF_MAX];
    vector_leaves(leaves);
    for (size_t t = 0; t < NPROBES(inclusion_probes); t++) {
        const probe *p = &inclusion_probes[t];
        jmd_merkle_hash want[3], root = H(p->h1), leaf = H(p->h2);
        for (size_t i = 0; i < p->len; i++) want[i] = H(p->proof[i]);
        size_t len = 99;
        assert_int_equal(jmd_merkle_inclusion_proof(leaves, p->b, p->a, proof,
                                                    JMD_MERKLE_PROOF_MAX, &len), 0);
        assert_int_equal(len, p->len);
        for (size_t i = 0; i < len; i++) assert_true(hash_eq(&proof[i], &want[i]));
        assert_hash(&leaves[p->a], p->h2);
        assert_int_equal(jmd_merkle_inclusion_verify(p->a, p->b, &leaf, want, p->len, &root), 0);
    }
}

static void test_vector_consistency(void **state)
{
    (void)state;
    jmd_merkle_hash leaves[8], proof[JMD_MERKLE_PROOF_MAX];
    vector_leaves(leaves);
    for (size_t t = 0; t < NPROBES(consistency_probes); t++) {
        const probe *p = &consistency_probes[t];
        jmd_merkle_hash want[3], r1 = H(p->h1), r2 = H(p->h2);
        for (size_t i = 0; i < p->len; i++) want[i] = H(p->proof[i]);
        size_t len = 99;
        assert_int_equal(jmd_merkle_consistency_proof(leaves, p->a, p->b, proof,
                                                      JMD_MERKLE_PROOF_MAX, &len), 0);
        assert_int_equal(len, p->len);
        for (size_t i = 0; i < len; i++) assert_true(hash_eq(&proof[i], &want[i]));
        assert_int_equal(jmd_merkle_consistency_verify(p->a, p->b, &r1, &r2, want, p->len), 0);
        /* swapped roots (the testdata's "swapped-roots" case) fail */
        if (!hash_eq(&r1, &r2))
            assert_int_equal(jmd_merkle_consistency_verify(p->a, p->b, &r2, &r1, want, p->len),
                             JMD_EVERIFY);
    }
}

/* ---- brute force, m <= n <= NMAX ---- */

/* Bits flipped per proof hash: every bit for small trees, a spread of 16
 * per hash (one per 2 bytes, rotating bit position) above, to keep the
 * sanitizer build fast. */
static int flip_bit(uint64_t n, int bit)
{
    return n <= 16 || bit % 16 == (bit / 16) % 8;
}

static void test_brute_roots(void **state)
{
    (void)state;
    jmd_merkle_hash leaves[NMAX], root, froot;
    brute_leaves(leaves);
    jmd_merkle_frontier f;
    jmd_merkle_frontier_init(&f);
    for (uint64_t n = 0; n <= NMAX; n++) {
        if (n > 0) assert_int_equal(jmd_merkle_frontier_append(&f, &leaves[n - 1]), 0);
        assert_int_equal(jmd_merkle_root(leaves, n, &root), 0);
        assert_int_equal(jmd_merkle_frontier_root(&f, &froot), 0);
        assert_true(hash_eq(&root, &froot));
        /* the roots of different sizes all differ */
        for (uint64_t m = 0; m < n; m++) {
            jmd_merkle_hash r;
            jmd_merkle_root(leaves, m, &r);
            assert_false(hash_eq(&r, &root));
        }
    }
}

static void test_brute_inclusion(void **state)
{
    (void)state;
    jmd_merkle_hash leaves[NMAX], proof[JMD_MERKLE_PROOF_MAX + 1], root;
    brute_leaves(leaves);
    for (uint64_t n = 1; n <= NMAX; n++) {
        jmd_merkle_root(leaves, n, &root);
        for (uint64_t m = 0; m < n; m++) {
            size_t len;
            assert_int_equal(jmd_merkle_inclusion_proof(leaves, n, m, proof,
                                                        JMD_MERKLE_PROOF_MAX, &len), 0);
            /* length = depth of leaf m: ceil(log2 n) at most */
            assert_true(len <= 6 && (n == 1 || len >= 1));
            assert_int_equal(jmd_merkle_inclusion_verify(m, n, &leaves[m], proof, len, &root), 0);
            for (size_t i = 0; i < len; i++)
                for (int bit = 0; bit < 256; bit++) {
                    if (!flip_bit(n, bit)) continue;
                    proof[i].b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                    assert_int_equal(jmd_merkle_inclusion_verify(m, n, &leaves[m], proof, len, &root),
                                     JMD_EVERIFY);
                    proof[i].b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                }
            for (int bit = 0; bit < 256; bit++) {
                if (!flip_bit(n, bit)) continue;
                jmd_merkle_hash leaf = leaves[m], r = root;
                leaf.b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                r.b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                assert_int_equal(jmd_merkle_inclusion_verify(m, n, &leaf, proof, len, &root), JMD_EVERIFY);
                assert_int_equal(jmd_merkle_inclusion_verify(m, n, &leaves[m], proof, len, &r), JMD_EVERIFY);
            }
            /* another leaf, another index, another size, truncated or extended */
            if (n > 1) {
                uint64_t o = (m + 1) % n;
                assert_int_equal(jmd_merkle_inclusion_verify(m, n, &leaves[o], proof, len, &root), JMD_EVERIFY);
                assert_int_equal(jmd_merkle_inclusion_verify(o, n, &leaves[m], proof, len, &root), JMD_EVERIFY);
                assert_int_equal(jmd_merkle_inclusion_verify(m, n, &leaves[m], proof, len - 1, &root), JMD_EVERIFY);
            }
            /* (A wrong tree size alone may still verify when the path has
             * the same shape, e.g. leaf 0 in sizes 5..8: the root, which
             * differs per size, is what binds the size; RFC 9162 §2.1.3.) */
            proof[len] = leaves[0];
            assert_int_equal(jmd_merkle_inclusion_verify(m, n, &leaves[m], proof, len + 1, &root), JMD_EVERIFY);
        }
    }
}

static void test_brute_consistency(void **state)
{
    (void)state;
    jmd_merkle_hash leaves[NMAX], proof[JMD_MERKLE_PROOF_MAX + 1], r1, r2;
    brute_leaves(leaves);
    for (uint64_t n = 0; n <= NMAX; n++) {
        jmd_merkle_root(leaves, n, &r2);
        for (uint64_t m = 0; m <= n; m++) {
            jmd_merkle_root(leaves, m, &r1);
            size_t len;
            assert_int_equal(jmd_merkle_consistency_proof(leaves, m, n, proof,
                                                          JMD_MERKLE_PROOF_MAX, &len), 0);
            assert_true(len <= 7);
            assert_true((m == 0 || m == n) == (len == 0));
            assert_int_equal(jmd_merkle_consistency_verify(m, n, &r1, &r2, proof, len), 0);
            for (size_t i = 0; i < len; i++)
                for (int bit = 0; bit < 256; bit++) {
                    if (!flip_bit(n, bit)) continue;
                    proof[i].b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                    assert_int_equal(jmd_merkle_consistency_verify(m, n, &r1, &r2, proof, len),
                                     JMD_EVERIFY);
                    proof[i].b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                }
            for (int bit = 0; bit < 256; bit++) {
                if (!flip_bit(n, bit)) continue;
                jmd_merkle_hash a = r1, b = r2;
                a.b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                b.b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                assert_int_equal(jmd_merkle_consistency_verify(m, n, &a, &r2, proof, len), JMD_EVERIFY);
                /* size1 0: every tree extends the empty one, root2 is free */
                assert_int_equal(jmd_merkle_consistency_verify(m, n, &r1, &b, proof, len),
                                 m == 0 && n > 0 ? 0 : JMD_EVERIFY);
            }
            /* other sizes, truncated, extended */
            if (len > 0)
                assert_int_equal(jmd_merkle_consistency_verify(m, n, &r1, &r2, proof, len - 1), JMD_EVERIFY);
            proof[len] = leaves[0];
            assert_int_equal(jmd_merkle_consistency_verify(m, n, &r1, &r2, proof, len + 1), JMD_EVERIFY);
            /* (As for inclusion, the roots bind the sizes, not the proof.) */
            if (m > 0 && m < n) {
                /* a different history of the same size does not verify */
                jmd_merkle_hash alt[NMAX];
                memcpy(alt, leaves, sizeof alt);
                alt[m - 1].b[0] ^= 1;
                jmd_merkle_hash ar2;
                jmd_merkle_root(alt, n, &ar2);
                assert_int_equal(jmd_merkle_consistency_verify(m, n, &r1, &ar2, proof, len), JMD_EVERIFY);
            }
        }
    }
}

/* ---- contracts ---- */

static void test_contracts(void **state)
{
    (void)state;
    jmd_merkle_hash leaves[8], h, proof[JMD_MERKLE_PROOF_MAX];
    vector_leaves(leaves);
    size_t len = 0;
    assert_int_equal(jmd_merkle_leaf_hash(NULL, 1, &h), JMD_EINVAL);
    assert_int_equal(jmd_merkle_leaf_hash("x", 1, NULL), JMD_EINVAL);
    assert_int_equal(jmd_merkle_node_hash(NULL, &h, &h), JMD_EINVAL);
    assert_int_equal(jmd_merkle_root(NULL, 1, &h), JMD_EINVAL);
    assert_int_equal(jmd_merkle_root(leaves, 1, NULL), JMD_EINVAL);
    /* indices and sizes */
    assert_int_equal(jmd_merkle_inclusion_proof(leaves, 8, 8, proof, 65, &len), JMD_EINVAL);
    assert_int_equal(jmd_merkle_inclusion_proof(leaves, 0, 0, proof, 65, &len), JMD_EINVAL);
    assert_int_equal(jmd_merkle_inclusion_verify(8, 8, &h, proof, 0, &h), JMD_EINVAL);
    assert_int_equal(jmd_merkle_inclusion_verify(0, 0, &h, proof, 0, &h), JMD_EINVAL);
    assert_int_equal(jmd_merkle_inclusion_verify(0, 1, &h, NULL, 1, &h), JMD_EINVAL);
    assert_int_equal(jmd_merkle_consistency_proof(leaves, 5, 4, proof, 65, &len), JMD_EINVAL);
    assert_int_equal(jmd_merkle_consistency_verify(5, 4, &h, &h, proof, 0), JMD_EINVAL);
    assert_int_equal(jmd_merkle_consistency_verify(1, 4, NULL, &h, proof, 0), JMD_EINVAL);
    /* a buffer too small reports the length needed */
    assert_int_equal(jmd_merkle_inclusion_proof(leaves, 8, 3, proof, 2, &len), JMD_ERANGE);
    assert_int_equal(len, 3);
    assert_int_equal(jmd_merkle_inclusion_proof(leaves, 8, 3, NULL, 0, &len), JMD_ERANGE);
    assert_int_equal(len, 3);
    assert_int_equal(jmd_merkle_consistency_proof(leaves, 3, 8, NULL, 0, &len), JMD_ERANGE);
    assert_int_equal(len, 4);
    /* empty and equal sizes */
    jmd_merkle_hash empty, r5;
    jmd_merkle_empty_root(&empty);
    jmd_merkle_root(leaves, 5, &r5);
    assert_int_equal(jmd_merkle_consistency_verify(0, 5, &empty, &r5, NULL, 0), 0);
    assert_int_equal(jmd_merkle_consistency_verify(0, 5, &r5, &r5, NULL, 0), JMD_EVERIFY);
    assert_int_equal(jmd_merkle_consistency_verify(0, 5, &empty, &r5, leaves, 1), JMD_EVERIFY);
    assert_int_equal(jmd_merkle_consistency_verify(5, 5, &r5, &r5, NULL, 0), 0);
    assert_int_equal(jmd_merkle_consistency_verify(5, 5, &r5, &empty, NULL, 0), JMD_EVERIFY);
    assert_int_equal(jmd_merkle_consistency_verify(5, 5, &r5, &r5, leaves, 1), JMD_EVERIFY);
    assert_int_equal(jmd_merkle_consistency_verify(3, 5, &r5, &r5, NULL, 0), JMD_EVERIFY);
    /* a leaf hash is not a node hash: the 0x00/0x01 prefixes differ */
    jmd_merkle_hash node;
    jmd_merkle_node_hash(&leaves[0], &leaves[1], &node);
    uint8_t raw[64];
    memcpy(raw, leaves[0].b, 32);
    memcpy(raw + 32, leaves[1].b, 32);
    jmd_merkle_leaf_hash(raw, sizeof raw, &h);
    assert_false(hash_eq(&h, &node));
    /* frontier */
    jmd_merkle_frontier f;
    assert_int_equal(jmd_merkle_frontier_init(NULL), JMD_EINVAL);
    jmd_merkle_frontier_init(&f);
    assert_int_equal(jmd_merkle_frontier_append(&f, NULL), JMD_EINVAL);
    assert_int_equal(jmd_merkle_frontier_append(NULL, &h), JMD_EINVAL);
    assert_int_equal(jmd_merkle_frontier_root(&f, NULL), JMD_EINVAL);
    f.size = UINT64_MAX;
    assert_int_equal(jmd_merkle_frontier_append(&f, &h), JMD_ERANGE);
    assert_true(f.size == UINT64_MAX);
    /* 2^64 - 2 leaves (63 subtrees) still take one more */
    f.size = UINT64_MAX - 1;
    assert_int_equal(jmd_merkle_frontier_append(&f, &h), 0);
    assert_true(f.size == UINT64_MAX);
    assert_int_equal(jmd_merkle_frontier_root(&f, &h), 0);
    assert_string_equal(jmd_strerror(JMD_EVERIFY), "verification failed");
}

/* The tree that keeps its perfect subtrees gives exactly what the leaf
 * arrays give: roots at every size, every inclusion proof, every
 * consistency proof (all pairs up to 130 leaves, then a sample to 1,000),
 * also after a truncation and regrowth with other leaves. */
static void test_tree_matches_arrays(void **state)
{
    (void)state;
    enum { N = 1000 };
    static jmd_merkle_hash leaves[N], other[N];
    for (int i = 0; i < N; i++) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "leaf %d", i);
        assert_int_equal(jmd_merkle_leaf_hash(buf, (size_t)n, &leaves[i]), 0);
        n = snprintf(buf, sizeof buf, "other %d", i);
        assert_int_equal(jmd_merkle_leaf_hash(buf, (size_t)n, &other[i]), 0);
    }
    jmd_merkle_tree t;
    jmd_merkle_tree_init(&t);
    jmd_merkle_hash p1[JMD_MERKLE_PROOF_MAX], p2[JMD_MERKLE_PROOF_MAX], r1, r2;
    size_t n1, n2;
    for (uint64_t n = 1; n <= N; n++) {
        assert_int_equal(jmd_merkle_tree_append(&t, &leaves[n - 1]), 0);
        assert_int_equal(jmd_merkle_root(leaves, n, &r1), 0);
        assert_int_equal(jmd_merkle_tree_root(&t, n, &r2), 0);
        assert_memory_equal(r1.b, r2.b, 32);
        int all = n <= 130;
        for (uint64_t m = 0; m <= n; m += all ? 1 : 97) {
            assert_int_equal(jmd_merkle_consistency_proof(leaves, m, n, p1, JMD_MERKLE_PROOF_MAX, &n1), 0);
            assert_int_equal(jmd_merkle_tree_consistency_proof(&t, m, n, p2, JMD_MERKLE_PROOF_MAX, &n2), 0);
            assert_int_equal(n1, n2);
            assert_memory_equal(p1, p2, n1 * sizeof *p1);
            if (m < n) {
                assert_int_equal(jmd_merkle_inclusion_proof(leaves, n, m, p1, JMD_MERKLE_PROOF_MAX, &n1), 0);
                assert_int_equal(jmd_merkle_tree_inclusion_proof(&t, n, m, p2, JMD_MERKLE_PROOF_MAX, &n2), 0);
                assert_int_equal(n1, n2);
                assert_memory_equal(p1, p2, n1 * sizeof *p1);
            }
        }
    }
    /* a rolled-back tail, regrown with other leaves */
    assert_int_equal(jmd_merkle_tree_truncate(&t, 333), 0);
    static jmd_merkle_hash mix[N];
    memcpy(mix, leaves, 333 * sizeof *mix);
    for (int i = 333; i < 700; i++) {
        mix[i] = other[i];
        assert_int_equal(jmd_merkle_tree_append(&t, &other[i]), 0);
    }
    for (uint64_t n = 333; n <= 700; n += 37) {
        assert_int_equal(jmd_merkle_root(mix, n, &r1), 0);
        assert_int_equal(jmd_merkle_tree_root(&t, n, &r2), 0);
        assert_memory_equal(r1.b, r2.b, 32);
        assert_int_equal(jmd_merkle_consistency_proof(mix, 333, n, p1, JMD_MERKLE_PROOF_MAX, &n1), 0);
        assert_int_equal(jmd_merkle_tree_consistency_proof(&t, 333, n, p2, JMD_MERKLE_PROOF_MAX, &n2), 0);
        assert_int_equal(n1, n2);
        assert_memory_equal(p1, p2, n1 * sizeof *p1);
    }
    /* contracts */
    assert_int_equal(jmd_merkle_tree_root(&t, 701, &r1), JMD_EINVAL);
    assert_int_equal(jmd_merkle_tree_truncate(&t, 701), JMD_EINVAL);
    assert_int_equal(jmd_merkle_tree_consistency_proof(&t, 5, 4, p1, 64, &n1), JMD_EINVAL);
    assert_int_equal(jmd_merkle_tree_inclusion_proof(&t, 700, 700, p1, 64, &n1), JMD_EINVAL);
    assert_int_equal(jmd_merkle_tree_append(NULL, &r1), JMD_EINVAL);
    jmd_merkle_tree_free(&t);
    jmd_merkle_tree_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_hashes),
        cmocka_unit_test(test_vector_frontier),
        cmocka_unit_test(test_vector_inclusion),
        cmocka_unit_test(test_vector_consistency),
        cmocka_unit_test(test_brute_roots),
        cmocka_unit_test(test_brute_inclusion),
        cmocka_unit_test(test_brute_consistency),
        cmocka_unit_test(test_contracts),
        cmocka_unit_test(test_tree_matches_arrays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
