/*
 * merkle.c — RFC 9162 §2.1 Merkle trees over SHA-256: tree hash, inclusion
 * and consistency proofs and their verification, and the append-only
 * frontier (compact range) a party's log keeps.
 *
 * Invariants: a tree of n > 1 leaves is split at k, the largest power of
 * two smaller than n (left subtree k leaves, right n - k); leaf hashes carry
 * the 0x00 prefix and node hashes 0x01, so a leaf can never pass for a node
 * (second-preimage resistance). The frontier of a log of size s holds one
 * perfect-subtree root per set bit of s, largest first; folding them right
 * to left gives exactly the tree hash, because the largest one is the left
 * half of the RFC's split at every level.
 *
 * Workload: leaf hashes and frontier appends are on the per-message path
 * (one SHA-256 of the message plus one node hash amortised); proofs are
 * built from leaf hashes in memory in O(n) and verified in O(log n), at
 * checkpoints and in `jmd verify`. Recursion depth is at most 64. Pure
 * but for the hash: SHA-256 is OpenSSL's (ledger__sha.h; sha.c says why:
 * the SHA extensions make a node hash about 3x cheaper than libsodium's),
 * with its algorithm fetched once per process and one context per thread,
 * so a hash can fail (JMD_ENOMEM / JMD_EIO, on a thread's first hash
 * only) and every function that hashes says so.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/ledger.h"
#include "ledger/ledger__sha.h"

/* ---- hashing ----------------------------------------------------------- */

void jmd_merkle_empty_root(jmd_merkle_hash *out)
{
    /* SHA-256 of the empty string (FIPS 180-4 and RFC 9162 §2.1.1: the
     * hash of an empty list); a constant, so this cannot fail. */
    static const jmd_merkle_hash empty = {{
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
        0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
        0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
    }};
    if (out) *out = empty;
}

int jmd_merkle_leaf_hash(const void *data, size_t len, jmd_merkle_hash *out)
{
    if (!out || (!data && len > 0)) return JMD_EINVAL;
    static const unsigned char prefix = 0x00;
    return jmd_ledger__sha256(&prefix, 1, data, len, out->b);
}

/* Node hash without argument checks (the internal hot path). out may
 * alias; on failure it is unchanged. */
static int node_hash(const jmd_merkle_hash *l, const jmd_merkle_hash *r, jmd_merkle_hash *out)
{
    unsigned char buf[1 + 2 * JMD_MERKLE_HASH_SIZE];
    buf[0] = 0x01;
    memcpy(buf + 1, l->b, JMD_MERKLE_HASH_SIZE);
    memcpy(buf + 1 + JMD_MERKLE_HASH_SIZE, r->b, JMD_MERKLE_HASH_SIZE);
    uint8_t h[JMD_MERKLE_HASH_SIZE];
    int rc = jmd_ledger__sha256(buf, sizeof buf, NULL, 0, h);
    if (rc == 0) memcpy(out->b, h, sizeof h);
    return rc;
}

int jmd_merkle_node_hash(const jmd_merkle_hash *left, const jmd_merkle_hash *right,
                         jmd_merkle_hash *out)
{
    if (!left || !right || !out) return JMD_EINVAL;
    return node_hash(left, right, out);
}

/* The largest power of two strictly smaller than n; n >= 2. */
static uint64_t split_point(uint64_t n)
{
    uint64_t k = 1;
    while (k < n - k) k <<= 1; /* k < n/2 without overflow: double while 2k < n */
    return k;
}

static unsigned popcount64(uint64_t x)
{
    unsigned c = 0;
    for (; x; x &= x - 1) c++;
    return c;
}

static int hash_equal(const jmd_merkle_hash *a, const jmd_merkle_hash *b)
{
    return memcmp(a->b, b->b, JMD_MERKLE_HASH_SIZE) == 0;
}

/* Where subtree roots come from: an array of leaf hashes (every root
 * computed, O(n)), or a jmd_merkle_tree whose perfect aligned subtrees are
 * kept (a root is a lookup, any other subtree O(log n) of them). */
typedef struct {
    const jmd_merkle_hash *leaves;
    const jmd_merkle_tree *tree;
} leaf_src;

/* MTH(D[lo .. lo+n-1]), n >= 1; 0 or a hash's error. */
static int subtree_root(const leaf_src *src, uint64_t lo, uint64_t n, jmd_merkle_hash *out)
{
    if (src->tree && (n & (n - 1)) == 0 && lo % n == 0) {
        unsigned level = 0;
        while ((UINT64_C(1) << level) < n) level++;
        *out = src->tree->level[level][lo >> level];
        return JMD_OK;
    }
    if (n == 1) {
        *out = src->leaves[lo];
        return JMD_OK;
    }
    uint64_t k = split_point(n);
    jmd_merkle_hash l, r;
    int rc = subtree_root(src, lo, k, &l);
    if (rc == 0) rc = subtree_root(src, lo + k, n - k, &r);
    if (rc == 0) rc = node_hash(&l, &r, out);
    return rc;
}

int jmd_merkle_root(const jmd_merkle_hash *leaves, uint64_t n, jmd_merkle_hash *root)
{
    if (!root || (!leaves && n > 0)) return JMD_EINVAL;
    leaf_src src = {leaves, NULL};
    if (n == 0) {
        jmd_merkle_empty_root(root);
        return JMD_OK;
    }
    return subtree_root(&src, 0, n, root);
}

/* ---- proofs ------------------------------------------------------------ */

/* A proof being written: hashes beyond cap are counted, not stored; rc
 * keeps the first hash error. */
typedef struct {
    jmd_merkle_hash *out;
    size_t cap;
    size_t len;
    int rc;
} proof_sink;

static void push_subtree(proof_sink *s, const leaf_src *leaves, uint64_t lo, uint64_t n)
{
    if (s->len < s->cap && s->rc == 0) s->rc = subtree_root(leaves, lo, n, &s->out[s->len]);
    s->len++;
}

/* PATH(m, D[lo .. lo+n-1]) of RFC 9162 §2.1.3.1, deepest sibling first. */
static void inclusion_path(proof_sink *s, const leaf_src *leaves, uint64_t lo, uint64_t n,
                           uint64_t m)
{
    if (n <= 1) return;
    uint64_t k = split_point(n);
    if (m < k) {
        inclusion_path(s, leaves, lo, k, m);
        push_subtree(s, leaves, lo + k, n - k);
    } else {
        inclusion_path(s, leaves, lo + k, n - k, m - k);
        push_subtree(s, leaves, lo, k);
    }
}

int jmd_merkle_inclusion_proof(const jmd_merkle_hash *leaves, uint64_t tree_size,
                               uint64_t index, jmd_merkle_hash *proof, size_t cap,
                               size_t *len)
{
    if (!leaves || !len || (!proof && cap > 0) || index >= tree_size) return JMD_EINVAL;
    proof_sink s = {proof, cap, 0, 0};
    leaf_src src = {leaves, NULL};
    inclusion_path(&s, &src, 0, tree_size, index);
    *len = s.len;
    if (s.rc) return s.rc;
    return s.len <= cap ? JMD_OK : JMD_ERANGE;
}

/* SUBPROOF(m, D[lo .. lo+n-1], b) of RFC 9162 §2.1.4.1. */
static void consistency_subproof(proof_sink *s, const leaf_src *leaves, uint64_t lo,
                                 uint64_t n, uint64_t m, int complete)
{
    if (m == n) {
        if (!complete) push_subtree(s, leaves, lo, n);
        return;
    }
    uint64_t k = split_point(n);
    if (m <= k) {
        consistency_subproof(s, leaves, lo, k, m, complete);
        push_subtree(s, leaves, lo + k, n - k);
    } else {
        consistency_subproof(s, leaves, lo + k, n - k, m - k, 0);
        push_subtree(s, leaves, lo, k);
    }
}

int jmd_merkle_consistency_proof(const jmd_merkle_hash *leaves, uint64_t size1,
                                 uint64_t size2, jmd_merkle_hash *proof, size_t cap,
                                 size_t *len)
{
    if (!len || (!proof && cap > 0) || size1 > size2 || (!leaves && size2 > 0))
        return JMD_EINVAL;
    proof_sink s = {proof, cap, 0, 0};
    leaf_src src = {leaves, NULL};
    if (size1 > 0 && size1 < size2) consistency_subproof(&s, &src, 0, size2, size1, 1);
    *len = s.len;
    if (s.rc) return s.rc;
    return s.len <= cap ? JMD_OK : JMD_ERANGE;
}

/* ---- verification ------------------------------------------------------ */

int jmd_merkle_inclusion_verify(uint64_t index, uint64_t tree_size,
                                const jmd_merkle_hash *leaf_hash,
                                const jmd_merkle_hash *proof, size_t len,
                                const jmd_merkle_hash *root)
{
    if (!leaf_hash || !root || (!proof && len > 0) || index >= tree_size) return JMD_EINVAL;
    uint64_t fn = index, sn = tree_size - 1;
    jmd_merkle_hash r = *leaf_hash;
    for (size_t i = 0; i < len; i++) {
        if (sn == 0) return JMD_EVERIFY; /* proof longer than the path */
        int rc;
        if ((fn & 1) || fn == sn) {
            if ((rc = node_hash(&proof[i], &r, &r)) != 0) return rc;
            if (!(fn & 1)) /* right edge of a ragged tree: climb past the absent siblings */
                while (fn != 0 && !(fn & 1)) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else if ((rc = node_hash(&r, &proof[i], &r)) != 0) {
            return rc;
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0) return JMD_EVERIFY; /* proof shorter than the path */
    return hash_equal(&r, root) ? JMD_OK : JMD_EVERIFY;
}

int jmd_merkle_consistency_verify(uint64_t size1, uint64_t size2,
                                  const jmd_merkle_hash *root1,
                                  const jmd_merkle_hash *root2,
                                  const jmd_merkle_hash *proof, size_t len)
{
    if (!root1 || !root2 || (!proof && len > 0) || size1 > size2) return JMD_EINVAL;
    if (size1 == size2)
        return len == 0 && hash_equal(root1, root2) ? JMD_OK : JMD_EVERIFY;
    if (size1 == 0) {
        jmd_merkle_hash empty;
        jmd_merkle_empty_root(&empty);
        return len == 0 && hash_equal(root1, &empty) ? JMD_OK : JMD_EVERIFY;
    }
    if (len == 0) return JMD_EVERIFY;

    /* When size1 is a power of two the old root is itself the first node of
     * the path (RFC 9162 §2.1.4.2 step 2: prepend first_hash). */
    size_t i = 0;
    jmd_merkle_hash fr, sr;
    if ((size1 & (size1 - 1)) == 0) {
        fr = sr = *root1;
    } else {
        fr = sr = proof[0];
        i = 1;
    }
    uint64_t fn = size1 - 1, sn = size2 - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    for (; i < len; i++) {
        if (sn == 0) return JMD_EVERIFY; /* proof too long */
        int rc;
        if ((fn & 1) || fn == sn) {
            if ((rc = node_hash(&proof[i], &fr, &fr)) != 0 ||
                (rc = node_hash(&proof[i], &sr, &sr)) != 0)
                return rc;
            if (!(fn & 1))
                while (fn != 0 && !(fn & 1)) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else if ((rc = node_hash(&sr, &proof[i], &sr)) != 0) {
            return rc;
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0) return JMD_EVERIFY; /* proof too short */
    return hash_equal(&fr, root1) && hash_equal(&sr, root2) ? JMD_OK : JMD_EVERIFY;
}

/* ---- the append-only frontier ------------------------------------------ */

int jmd_merkle_frontier_init(jmd_merkle_frontier *f)
{
    if (!f) return JMD_EINVAL;
    memset(f, 0, sizeof *f);
    return JMD_OK;
}

int jmd_merkle_frontier_append(jmd_merkle_frontier *f, const jmd_merkle_hash *leaf_hash)
{
    if (!f || !leaf_hash) return JMD_EINVAL;
    if (f->size == UINT64_MAX) return JMD_ERANGE;
    unsigned cnt = popcount64(f->size);
    jmd_merkle_hash x = *leaf_hash;
    /* Each trailing 1 bit of size is a perfect subtree the same size as the
     * one being carried: merge them, like binary addition of 1. Only x is
     * written until the end: a failed hash leaves f as it was. */
    for (uint64_t s = f->size; s & 1; s >>= 1) {
        int rc = node_hash(&f->node[--cnt], &x, &x);
        if (rc) return rc;
    }
    f->node[cnt] = x;
    f->size++;
    return JMD_OK;
}

int jmd_merkle_frontier_root(const jmd_merkle_frontier *f, jmd_merkle_hash *root)
{
    if (!f || !root) return JMD_EINVAL;
    unsigned cnt = popcount64(f->size);
    if (cnt == 0) {
        jmd_merkle_empty_root(root);
        return JMD_OK;
    }
    jmd_merkle_hash r = f->node[cnt - 1];
    for (unsigned i = cnt - 1; i-- > 0;) {
        int rc = node_hash(&f->node[i], &r, &r);
        if (rc) return rc;
    }
    *root = r;
    return JMD_OK;
}

/* ---- the tree with its perfect subtrees kept ---------------------------- */

void jmd_merkle_tree_init(jmd_merkle_tree *t)
{
    if (t) memset(t, 0, sizeof *t);
}

void jmd_merkle_tree_free(jmd_merkle_tree *t)
{
    if (!t) return;
    for (unsigned l = 0; l < 64; l++) free(t->level[l]);
    memset(t, 0, sizeof *t);
}

/* Room for index i at level l. */
static int level_room(jmd_merkle_tree *t, unsigned l, uint64_t i)
{
    if (i < t->cap[l]) return JMD_OK;
    uint64_t c = t->cap[l] ? t->cap[l] : 64;
    while (c <= i) c *= 2;
    if (c > SIZE_MAX / sizeof(jmd_merkle_hash)) return JMD_ENOMEM;
    jmd_merkle_hash *q = realloc(t->level[l], (size_t)c * sizeof *q);
    if (!q) return JMD_ENOMEM;
    t->level[l] = q;
    t->cap[l] = c;
    return JMD_OK;
}

int jmd_merkle_tree_append(jmd_merkle_tree *t, const jmd_merkle_hash *leaf_hash)
{
    if (!t || !leaf_hash) return JMD_EINVAL;
    if (t->size == UINT64_MAX) return JMD_ERANGE;
    uint64_t i = t->size;
    /* Every level whose block completes with this leaf gets its root:
     * level l when the count i + 1 is a multiple of 2^l. Room first, so a
     * failure leaves the tree as it was. */
    for (unsigned l = 0; l < 64 && ((i + 1) & ((UINT64_C(1) << l) - 1)) == 0; l++)
        if (level_room(t, l, i >> l) != JMD_OK) return JMD_ENOMEM;
    /* The slots written here are beyond size until it moves: a failed
     * hash leaves the tree as it was. */
    t->level[0][i] = *leaf_hash;
    for (unsigned l = 1; l < 64 && ((i + 1) & ((UINT64_C(1) << l) - 1)) == 0; l++) {
        uint64_t j = i >> l;
        int rc = node_hash(&t->level[l - 1][2 * j], &t->level[l - 1][2 * j + 1], &t->level[l][j]);
        if (rc) return rc;
    }
    t->size = i + 1;
    return JMD_OK;
}

int jmd_merkle_tree_truncate(jmd_merkle_tree *t, uint64_t size)
{
    if (!t || size > t->size) return JMD_EINVAL;
    t->size = size; /* the kept roots of complete blocks below size stay valid */
    return JMD_OK;
}

int jmd_merkle_tree_root(const jmd_merkle_tree *t, uint64_t size, jmd_merkle_hash *root)
{
    if (!t || !root || size > t->size) return JMD_EINVAL;
    if (size == 0) {
        jmd_merkle_empty_root(root);
        return JMD_OK;
    }
    leaf_src src = {t->level[0], t};
    return subtree_root(&src, 0, size, root);
}

int jmd_merkle_tree_inclusion_proof(const jmd_merkle_tree *t, uint64_t tree_size,
                                    uint64_t index, jmd_merkle_hash *proof, size_t cap,
                                    size_t *len)
{
    if (!t || !len || (!proof && cap > 0) || index >= tree_size || tree_size > t->size)
        return JMD_EINVAL;
    proof_sink s = {proof, cap, 0, 0};
    leaf_src src = {t->level[0], t};
    inclusion_path(&s, &src, 0, tree_size, index);
    *len = s.len;
    if (s.rc) return s.rc;
    return s.len <= cap ? JMD_OK : JMD_ERANGE;
}

int jmd_merkle_tree_consistency_proof(const jmd_merkle_tree *t, uint64_t size1,
                                      uint64_t size2, jmd_merkle_hash *proof, size_t cap,
                                      size_t *len)
{
    if (!t || !len || (!proof && cap > 0) || size1 > size2 || size2 > t->size)
        return JMD_EINVAL;
    proof_sink s = {proof, cap, 0, 0};
    leaf_src src = {t->level[0], t};
    if (size1 > 0 && size1 < size2) consistency_subproof(&s, &src, 0, size2, size1, 1);
    *len = s.len;
    if (s.rc) return s.rc;
    return s.len <= cap ? JMD_OK : JMD_ERANGE;
}
