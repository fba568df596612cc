/*
 * jmd/ledger.h — the joint record (DESIGN.md §6): each party's append-only
 * log hashed as a Merkle tree, and the keys, MACs and signatures that bind
 * messages and checkpoints to their senders. docs/ledger.md explains it.
 *
 * Merkle tree part: RFC 9162 §2.1 exactly (SHA-256; leaf = SHA-256(0x00 ||
 * d), node = SHA-256(0x01 || left || right), a tree of n > 1 leaves split
 * at the largest power of two smaller than n; the empty tree hashes to
 * SHA-256 of nothing), its inclusion and consistency proofs, and a compact
 * append-only frontier that yields the root after each append in O(log n)
 * memory. Everything here is pure: no allocation, no global state,
 * reentrant. Hashes go through libcrypto's SHA-256 (src/ledger/sha.c: the
 * CPU's SHA extensions), which needs no initialisation; the bytes are
 * SHA-256's (tests/test_sha.c checks them against libsodium).
 *
 * Workload: one leaf hash and O(1) amortised node hashes per logged message
 * (hot: every message sent or received); roots per checkpoint; proofs and
 * their verification at checkpoints, cosigning and `jmd verify` (warm).
 *
 * Errors: JMD_EINVAL for NULL pointers and impossible indices or sizes
 * (a leaf index not below the tree size, size1 > size2); JMD_ERANGE when a
 * caller's proof buffer is too small or a frontier is full; JMD_EVERIFY when
 * a well-formed proof does not verify (wrong hashes, wrong length).
 */
#ifndef JMD_LEDGER_H
#define JMD_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "jmd/error.h"
#include "jmd/msg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Merkle tree (RFC 9162) ---- */

/* Bytes in a hash (SHA-256). */
#define JMD_MERKLE_HASH_SIZE 32
/* The longest inclusion or consistency proof for any tree size below 2^64:
 * ceil(log2 n) + 1 hashes. A buffer of this many always suffices. */
#define JMD_MERKLE_PROOF_MAX 65

/* A SHA-256 value, as a struct so that it copies and compares by value. */
typedef struct {
    uint8_t b[JMD_MERKLE_HASH_SIZE];
} jmd_merkle_hash;

/* The hash of the empty tree: SHA-256 of no bytes
 * (e3b0c442…7852b855). Never fails. */
void jmd_merkle_empty_root(jmd_merkle_hash *out);

/* Leaf hash of the len bytes at data: SHA-256(0x00 || data). data may be
 * NULL only when len is 0. The input is read, not kept.
 * Returns 0, or JMD_EINVAL (out NULL, or data NULL with len > 0). */
int jmd_merkle_leaf_hash(const void *data, size_t len, jmd_merkle_hash *out);

/* Interior node hash: SHA-256(0x01 || left || right). out may alias left
 * or right. Returns 0, or JMD_EINVAL for a NULL pointer. */
int jmd_merkle_node_hash(const jmd_merkle_hash *left, const jmd_merkle_hash *right,
                         jmd_merkle_hash *out);

/* The Merkle Tree Hash (root) of the tree whose n leaf hashes are
 * leaves[0..n-1] (already leaf-hashed with jmd_merkle_leaf_hash); n = 0
 * gives the empty root and leaves may then be NULL. O(n) hashes, O(log n)
 * stack. Returns 0, or JMD_EINVAL for a NULL pointer. */
int jmd_merkle_root(const jmd_merkle_hash *leaves, uint64_t n, jmd_merkle_hash *root);

/* Inclusion proof (RFC 9162 §2.1.3.1, the audit path) for leaf index in the
 * tree of the first tree_size leaf hashes of leaves[]: the sibling hashes
 * from the leaf up to the root, written to proof[0..*len-1] (cap entries
 * available; JMD_MERKLE_PROOF_MAX always suffice). O(tree_size) hashes.
 * Returns 0; JMD_EINVAL (NULL pointer, index >= tree_size); JMD_ERANGE when
 * cap is too small (*len then holds the length needed, proof is partly
 * written). */
int jmd_merkle_inclusion_proof(const jmd_merkle_hash *leaves, uint64_t tree_size,
                               uint64_t index, jmd_merkle_hash *proof, size_t cap,
                               size_t *len);

/* Verifies (RFC 9162 §2.1.3.2) that leaf_hash is leaf index of the tree of
 * tree_size leaves with the given root, by the len hashes of proof (NULL
 * allowed when len is 0). Returns 0 when it verifies; JMD_EVERIFY when it
 * does not (any wrong hash, a proof too short or too long); JMD_EINVAL for
 * a NULL pointer or index >= tree_size. */
int jmd_merkle_inclusion_verify(uint64_t index, uint64_t tree_size,
                                const jmd_merkle_hash *leaf_hash,
                                const jmd_merkle_hash *proof, size_t len,
                                const jmd_merkle_hash *root);

/* Consistency proof (RFC 9162 §2.1.4.1) that the tree of the first size1
 * leaves is a prefix of the tree of the first size2 leaves of leaves[],
 * written like jmd_merkle_inclusion_proof. Empty when size1 is 0 or equal
 * to size2. O(size2) hashes. Returns 0; JMD_EINVAL (NULL pointer, size1 >
 * size2); JMD_ERANGE when cap is too small (*len holds the length needed). */
int jmd_merkle_consistency_proof(const jmd_merkle_hash *leaves, uint64_t size1,
                                 uint64_t size2, jmd_merkle_hash *proof, size_t cap,
                                 size_t *len);

/* Verifies (RFC 9162 §2.1.4.2) that root2 (size2 leaves) extends root1
 * (size1 leaves) by the len hashes of proof. size1 == size2 verifies iff the
 * proof is empty and the roots are equal; size1 == 0 verifies iff the proof
 * is empty and root1 is the empty root (every tree extends the empty one).
 * Returns 0 when it verifies; JMD_EVERIFY when it does not; JMD_EINVAL for a
 * NULL pointer or size1 > size2. */
int jmd_merkle_consistency_verify(uint64_t size1, uint64_t size2,
                                  const jmd_merkle_hash *root1,
                                  const jmd_merkle_hash *root2,
                                  const jmd_merkle_hash *proof, size_t len);

/* An append-only Merkle log kept as its frontier (a compact range): the
 * roots of the perfect subtrees the leaves so far decompose into, one per
 * set bit of size, largest (leftmost) first in node[0..popcount(size)-1].
 * 2 KiB, no pointers: copy it, or store size and the popcount(size) hashes
 * to resume a log without its leaves. Initialise with
 * jmd_merkle_frontier_init (or zero it). */
typedef struct {
    uint64_t size;                     /* leaves appended so far */
    jmd_merkle_hash node[64];          /* perfect-subtree roots, left to right */
} jmd_merkle_frontier;

/* Empties f (size 0). JMD_EINVAL when f is NULL. */
int jmd_merkle_frontier_init(jmd_merkle_frontier *f);

/* Appends one leaf hash (from jmd_merkle_leaf_hash; copied). O(1)
 * amortised, at most 63 node hashes. Returns 0; JMD_EINVAL for a NULL
 * pointer; JMD_ERANGE when size is already 2^64 - 1 (f unchanged). */
int jmd_merkle_frontier_append(jmd_merkle_frontier *f, const jmd_merkle_hash *leaf_hash);

/* The root of the log so far (the empty root for size 0), equal to
 * jmd_merkle_root of all leaves appended. At most 63 node hashes.
 * Returns 0, or JMD_EINVAL for a NULL pointer. */
int jmd_merkle_frontier_root(const jmd_merkle_frontier *f, jmd_merkle_hash *root);

/* An append-only Merkle tree that keeps its leaf hashes and the root of
 * every perfect aligned subtree (about 2n hashes for n leaves), so that
 * the root at any size and any inclusion or consistency proof cost
 * O(log^2 n) node hashes instead of rehashing the leaves: what a party's
 * ledger keeps in memory to sign a checkpoint at any size. Results equal
 * jmd_merkle_root / _inclusion_proof / _consistency_proof over the same
 * leaves. Initialise with jmd_merkle_tree_init, free with
 * jmd_merkle_tree_free; owns its arrays. */
typedef struct {
    uint64_t size;                 /* leaves appended */
    jmd_merkle_hash *level[64];    /* level[l][i]: root of leaves [i 2^l, (i+1) 2^l) */
    uint64_t cap[64];              /* allocated entries per level */
} jmd_merkle_tree;

void jmd_merkle_tree_init(jmd_merkle_tree *t);
void jmd_merkle_tree_free(jmd_merkle_tree *t); /* accepts NULL */
/* Appends a leaf hash: O(1) amortised. JMD_ENOMEM (tree unchanged),
 * JMD_ERANGE at 2^64 - 1 leaves, JMD_EINVAL for NULL. */
int jmd_merkle_tree_append(jmd_merkle_tree *t, const jmd_merkle_hash *leaf_hash);
/* Forgets the leaves from size on (a rolled-back append); JMD_EINVAL when
 * size is above the tree's. */
int jmd_merkle_tree_truncate(jmd_merkle_tree *t, uint64_t size);
/* The root at `size` <= t->size (the empty root for 0). */
int jmd_merkle_tree_root(const jmd_merkle_tree *t, uint64_t size, jmd_merkle_hash *root);
/* As jmd_merkle_inclusion_proof / jmd_merkle_consistency_proof over the
 * tree's leaves; sizes above t->size are JMD_EINVAL. */
int jmd_merkle_tree_inclusion_proof(const jmd_merkle_tree *t, uint64_t tree_size,
                                    uint64_t index, jmd_merkle_hash *proof, size_t cap,
                                    size_t *len);
int jmd_merkle_tree_consistency_proof(const jmd_merkle_tree *t, uint64_t size1,
                                      uint64_t size2, jmd_merkle_hash *proof, size_t cap,
                                      size_t *len);

/* ---- keys and signatures ---- */

/* A party's identity is one Ed25519 key pair (RFC 8032, via libsodium).
 * Its X25519 key for pair agreement is derived from it
 * (crypto_sign_ed25519_{pk,sk}_to_curve25519), so one key file and one
 * published public key per party serve both signatures and MACs.
 * Decisive messages carry an Ed25519 signature (JMD_MSG_AUTH_SIG, 64
 * bytes); high-rate ones an HMAC-SHA-256 (JMD_MSG_AUTH_MAC, 32 bytes)
 * under the pair key both parties derive. Both cover the message's
 * encoding [0, JMD_MSG_HEADER_SIZE + payload): header and payload.
 * docs/ledger.md, "Keys and signatures", gives the formats.
 *
 * Every function is reentrant; libsodium is initialised on first use
 * (sodium_init, thread-safe). Secrets are wiped (sodium_memzero) from
 * every temporary; the caller wipes its own structs with
 * jmd_ledger_keypair_wipe / jmd_ledger_pair_key_wipe. */

#define JMD_LEDGER_PK_SIZE 32       /* Ed25519 public key */
#define JMD_LEDGER_SEED_SIZE 32     /* Ed25519 secret key (RFC 8032: the 32-byte seed) */
#define JMD_LEDGER_SIG_SIZE 64      /* Ed25519 signature */
#define JMD_LEDGER_MAC_SIZE 32      /* HMAC-SHA-256 tag */
#define JMD_LEDGER_PAIR_KEY_SIZE 32 /* per-pair MAC key */
#define JMD_LEDGER_PARTY_MAX 63     /* bytes of a party name */
#define JMD_LEDGER_KEYFILE_MAX 4096 /* bytes of a key file */

/* A party's key pair. sk is libsodium's expanded form (seed || pk); the
 * key file stores the seed. Plain data: copy with =, wipe when done. */
typedef struct {
    char party[JMD_LEDGER_PARTY_MAX + 1]; /* NUL-terminated, see jmd_ledger_party_name_check */
    uint8_t pk[JMD_LEDGER_PK_SIZE];
    uint8_t sk[64];
} jmd_ledger_keypair;

/* The MAC key two parties share; both derive the same bytes. The rest is
 * derived from key by jmd_ledger_pair_key_derive for speed (the HMAC's
 * inner and outer hash states, src/ledger/sha.c) and used only while it
 * matches key (mid_key equal to key, mid_ok set), so a key made or changed
 * by hand still MACs correctly, only slower; copying the struct copies
 * both. As secret as the key; jmd_ledger_pair_key_wipe wipes it all. */
#define JMD_LEDGER_PAIR_KEY_MID_SIZE 256
typedef struct {
    uint8_t key[JMD_LEDGER_PAIR_KEY_SIZE];
    uint8_t mid_key[JMD_LEDGER_PAIR_KEY_SIZE];
    uint32_t mid_ok;
    uint8_t mid[JMD_LEDGER_PAIR_KEY_MID_SIZE];
} jmd_ledger_pair_key;

/* 0 when libsodium is ready (sodium_init; may be called any number of
 * times from any thread), JMD_EIO when it cannot be initialised. Every
 * function below calls it. */
int jmd_ledger_crypto_init(void);

/* 0 when name is a valid party name: 1 .. JMD_LEDGER_PARTY_MAX bytes of
 * [A-Za-z0-9_.-], starting with a letter or digit; else JMD_EINVAL. */
int jmd_ledger_party_name_check(const char *name);

/* A fresh key pair from the system's random source (crypto_sign_keypair).
 * JMD_EINVAL for a NULL kp or a bad party name; JMD_EIO if libsodium
 * cannot start. */
int jmd_ledger_keypair_generate(jmd_ledger_keypair *kp, const char *party);

/* The key pair of a 32-byte RFC 8032 secret key (deterministic; tests and
 * key files). Errors as jmd_ledger_keypair_generate. */
int jmd_ledger_keypair_from_seed(jmd_ledger_keypair *kp, const char *party,
                                 const uint8_t seed[JMD_LEDGER_SEED_SIZE]);

/* Zeroes kp (NULL is a no-op). */
void jmd_ledger_keypair_wipe(jmd_ledger_keypair *kp);

/* Ed25519 signature of msg[0 .. len) into sig. JMD_EINVAL for NULL
 * pointers (msg may be NULL when len is 0). */
int jmd_ledger_sign(const jmd_ledger_keypair *kp, const uint8_t *msg, size_t len,
                    uint8_t sig[JMD_LEDGER_SIG_SIZE]);

/* 0 when sig is a valid Ed25519 signature of msg[0 .. len) under pk
 * (libsodium's strict checks: canonical S, small-order keys and R
 * refused); JMD_EVERIFY when it is not; JMD_EINVAL for NULL pointers. */
int jmd_ledger_verify(const uint8_t pk[JMD_LEDGER_PK_SIZE], const uint8_t *msg, size_t len,
                      const uint8_t sig[JMD_LEDGER_SIG_SIZE]);

/* The pair key of self and a peer, from X25519 of self's secret and the
 * peer's public key (both converted from Ed25519):
 *   key = BLAKE2b-256("jmd-ledger-pair-key-v1" || shared || pkLo || pkHi)
 * where pkLo < pkHi are the two Ed25519 public keys in byte order, so both
 * parties derive the same key. JMD_EINVAL for NULL pointers, a peer key
 * equal to self's, a peer key that is not a valid point, or an all-zero
 * shared secret (small-order key). */
int jmd_ledger_pair_key_derive(const jmd_ledger_keypair *self,
                               const uint8_t peer_pk[JMD_LEDGER_PK_SIZE],
                               jmd_ledger_pair_key *out);

/* Zeroes k (NULL is a no-op). */
void jmd_ledger_pair_key_wipe(jmd_ledger_pair_key *k);

/* HMAC-SHA-256 of msg[0 .. len) under k into mac; verify is constant-time
 * and returns 0 when mac matches, JMD_EVERIFY when it does not,
 * JMD_EINVAL for NULL pointers; JMD_EIO when libcrypto (which computes
 * it, src/ledger/sha.c) fails. */
int jmd_ledger_mac(const jmd_ledger_pair_key *k, const uint8_t *msg, size_t len,
                   uint8_t mac[JMD_LEDGER_MAC_SIZE]);
int jmd_ledger_mac_verify(const jmd_ledger_pair_key *k, const uint8_t *msg, size_t len,
                          const uint8_t mac[JMD_LEDGER_MAC_SIZE]);

/* Fill m->auth: an Ed25519 signature by kp (scheme SIG), or a MAC under
 * the pair key (scheme MAC), over m's header and payload. m must pass
 * jmd_msg_check apart from its old auth (which is ignored and replaced).
 * JMD_EINVAL for NULLs or an invalid message; m is untouched on failure. */
int jmd_ledger_auth_sign(jmd_msg *m, const jmd_ledger_keypair *kp);
int jmd_ledger_auth_mac(jmd_msg *m, const jmd_ledger_pair_key *k);

/* Check m->auth: a SIG needs the sender's public key pk, a MAC the pair
 * key of sender and receiver; the other may be NULL. 0 when the
 * authenticator is valid; JMD_EVERIFY when it is not (a failed check,
 * scheme NONE, a scheme whose key was not given, a bad length);
 * JMD_EINVAL for a NULL m or a message that fails jmd_msg_check. The
 * reason goes to err (NUL-terminated, truncated to errlen; err may be NULL
 * when errlen is 0). */
int jmd_ledger_auth_verify(const jmd_msg *m, const uint8_t *pk, const jmd_ledger_pair_key *k,
                           char *err, size_t errlen);

/* The same, each also giving the message's canonical encoding with its
 * authenticator in enc[0 .. *len): exactly jmd_msg_encode's bytes, taken
 * from the one encoding the authenticator was computed over or checked
 * against (a node records them in its ledger without encoding the message
 * again; jmd_ledger_log_append_msg). enc holds JMD_MSG_MAX_SIZE bytes; on
 * failure its contents and *len are unspecified. */
int jmd_ledger_auth_sign_enc(jmd_msg *m, const jmd_ledger_keypair *kp,
                             uint8_t enc[JMD_MSG_MAX_SIZE], size_t *len);
int jmd_ledger_auth_mac_enc(jmd_msg *m, const jmd_ledger_pair_key *k,
                            uint8_t enc[JMD_MSG_MAX_SIZE], size_t *len);
int jmd_ledger_auth_verify_enc(const jmd_msg *m, const uint8_t *pk, const jmd_ledger_pair_key *k,
                               uint8_t enc[JMD_MSG_MAX_SIZE], size_t *len, char *err,
                               size_t errlen);

/* jmd_ledger_auth_verify over an encoding the caller already has: enc[0 ..
 * len) must be m's canonical encoding with its authenticator (as
 * jmd_dds_take_enc or jmd_msg_encode give it); it is compared with m
 * cheaply (jmd_msg_encoding_matches: every byte in debug builds; its
 * trailer against m's authenticator always), and the authenticator is
 * checked over its covered bytes without encoding m again. So in release
 * builds the bytes are what is proven authentic: the caller must
 * guarantee they are m's encoding (as the take does), since another m of
 * the same length, kind, sequence number and authenticator would pass.
 * JMD_EINVAL when enc is found not to be m's; otherwise as
 * jmd_ledger_auth_verify. */
int jmd_ledger_auth_verify_given(const jmd_msg *m, const uint8_t *pk,
                                 const jmd_ledger_pair_key *k, const uint8_t *enc, size_t len,
                                 char *err, size_t errlen);

/* Lowercase hex of n bytes into out (2n + 1 bytes with the NUL). */
void jmd_ledger_hex(const uint8_t *bytes, size_t n, char *out);

/* Exactly 2*n hex digits (either case) into out; JMD_EINVAL otherwise. */
int jmd_ledger_unhex(const char *text, uint8_t *out, size_t n);

/* Key files (docs/ledger.md):
 *   # comment lines and blank lines anywhere
 *   jmd-key 1
 *   party NAME
 *   public HEX   (64 hex digits: the Ed25519 public key)
 *   secret HEX   (64 hex digits: the RFC 8032 secret key, the seed)
 * jmd_ledger_key_format writes that text (NUL-terminated) into
 * buf[0 .. cap): JMD_ERANGE when cap is too small (512 bytes always do).
 * jmd_ledger_key_parse reads len bytes of untrusted text; name is the file
 * name used in errors "NAME:LINE:COL: expected ..., found ...". The
 * public key must be the secret key's. JMD_EPARSE on any error (*out is
 * then zeroed), JMD_EINVAL for NULL pointers. */
int jmd_ledger_key_format(const jmd_ledger_keypair *kp, char *buf, size_t cap);
int jmd_ledger_key_parse(const char *text, size_t len, const char *name,
                         jmd_ledger_keypair *out, char *err, size_t errlen);

/* Read and parse a key file (at most JMD_LEDGER_KEYFILE_MAX bytes):
 * JMD_EIO when it cannot be read, else as jmd_ledger_key_parse. */
int jmd_ledger_key_load(const char *path, jmd_ledger_keypair *out, char *err, size_t errlen);

/* Write kp's key file at path, created with mode 0600; an existing file
 * is never overwritten. JMD_EIO (with the reason in err) when path
 * exists or cannot be written; a partly written file is removed. */
int jmd_ledger_key_save(const char *path, const jmd_ledger_keypair *kp, char *err,
                        size_t errlen);

/* ---- approval signatures ---- */

/* A party approves a proposal by signing it (DESIGN.md §6: a launch under
 * the joint model needs a signature of each required party over the same
 * canonical proposal). The signed bytes are the 16-byte domain separator
 * "jmd-approval-v1\0" followed by the encoding of the canonical proposal:
 * the message with seq 0, receiver broadcast and authenticator NONE (the
 * number and addressee of one copy are not part of what is approved; each
 * partner gets its own numbered copy). Sender, t and the whole payload are
 * bound, so an approval cannot be moved to another proposal or to any
 * other kind of message (the prefix keeps it apart from envelope
 * signatures over the same bytes).
 * The signature travels in the Vote (sig) and is quoted by the LaunchOrder
 * (approvals[k].sig). JMD_EINVAL when a pointer is NULL or proposal is not
 * a valid Proposal message (jmd_msg_check, kind PROPOSAL; its auth is
 * ignored); verify returns JMD_EVERIFY when sig is not pk's approval of
 * exactly this proposal. */
int jmd_ledger_approval_sign(const jmd_ledger_keypair *kp, const jmd_msg *proposal,
                             uint8_t sig[JMD_LEDGER_SIG_SIZE]);
int jmd_ledger_approval_verify(const uint8_t pk[JMD_LEDGER_PK_SIZE], const jmd_msg *proposal,
                               const uint8_t sig[JMD_LEDGER_SIG_SIZE]);

/* ---- the persistent log (src/ledger/log.c; docs/ledger.md, "The log") ----
 *
 * One SQLite file per party (WAL, synchronous=NORMAL), append-only: every
 * message the party sent, received or rejected, its inputs from the
 * simulated world and operational notes, each entry hashed into an RFC
 * 9162 tree whose root the party signs in checkpoints, and stored (with
 * its leaf hash) in block rows of up to 64 consecutive entries
 * (docs/ledger.md, "Blocks"). The handle keeps the tree in memory, so the
 * root after an append costs O(log n) and proofs read nothing. Callers
 * batch one simulation step per transaction (begin/commit): a crash loses
 * at most the open transaction, never a committed entry.
 * One handle per file and per thread; the handle is not thread-safe. */

/* Directions of an entry (stored; part of the leaf). */
enum {
    JMD_LOG_SENT = 1,     /* a message this party sent */
    JMD_LOG_RECEIVED = 2, /* a message it accepted */
    JMD_LOG_REJECTED = 3, /* a frame it refused; reason says why */
    JMD_LOG_INPUT = 4,    /* an input from the simulated world: opaque bytes the node defines */
    JMD_LOG_NOTE = 5      /* an operational record (a link outage, a restart): UTF-8 text */
};

/* Special values of jmd_log_entry.peer besides a party index 0 .. 31. */
#define JMD_LOG_PEER_NONE (-1)        /* no peer */
#define JMD_LOG_PEER_WORLD 0xFE       /* the simulated world */
#define JMD_LOG_PEER_BROADCAST 0xFF   /* every other party */
#define JMD_LOG_FORMAT_VERSION 2      /* the schema (2: entries in block rows) */
#define JMD_LOG_LEAF_VERSION 1        /* first byte of every leaf */
#define JMD_LOG_DATA_MAX (1u << 20)   /* bytes of data in one entry */
#define JMD_LOG_REASON_MAX 1024u      /* bytes of a reason */

/* One entry, as appended. For SENT and RECEIVED, data is the message's
 * canonical encoding with its authenticator (it must decode, and kind and
 * seq must be the message's); for REJECTED, that encoding, or the raw
 * bytes of a frame that did not decode (kind 0 then); for INPUT and NOTE,
 * the node's bytes (kind is the node's own tag, 0 .. 255). peer: the other
 * party of the message (receiver of a SENT one, sender of a RECEIVED one),
 * JMD_LOG_PEER_WORLD, JMD_LOG_PEER_BROADCAST or JMD_LOG_PEER_NONE. t: the
 * simulation time, s, finite (-0.0 is recorded as +0.0). step: the
 * simulation step. reason: NUL-terminated, NULL or "" for none. index is
 * ignored by append (the log assigns it). Pointers are read, not kept. */
typedef struct {
    uint64_t index;
    int dir;
    int peer;
    int kind;
    uint64_t seq;
    double t;
    int64_t step;
    const uint8_t *data;
    size_t len;
    const char *reason;
} jmd_log_entry;

/* An entry read back: e's data and reason point into the owned copies
 * below (reason is NULL when the entry has none). Free with
 * jmd_ledger_log_entry_free; zero-initialise before the first get. */
typedef struct {
    jmd_log_entry e;
    uint8_t *data_owned;
    char *reason_owned;
} jmd_log_entry_buf;

typedef struct jmd_ledger_log jmd_ledger_log;

/* The canonical serialisation of an entry's fields, the bytes its leaf
 * hashes (docs/ledger.md, "Leaf"): u8 version 1, u8 dir, i32 peer, u8
 * kind, u64 seq, u64 bits of t, i64 step, u32 len, data, u32 reason
 * length, reason; little-endian. Written into buf[0 .. cap), the length to
 * *n (JMD_ERANGE with *n the size needed when cap is too small; buf may be
 * NULL with cap 0 to ask). JMD_EINVAL for an entry append would refuse. */
int jmd_ledger_log_leaf_bytes(const jmd_log_entry *e, uint8_t *buf, size_t cap, size_t *n);

/* The entry's leaf hash: jmd_merkle_leaf_hash of its serialisation. */
int jmd_ledger_log_leaf_hash(const jmd_log_entry *e, jmd_merkle_hash *out);

/* Opens the log at path, or creates it when create is non-zero (then the
 * file must not exist; meta records the format version, party name and
 * public key). On open, party and pk must equal the stored ones, and the
 * tree is rebuilt from the stored entries while every entry's bytes, its
 * stored leaf hash and the entry rules are checked, and the indexes
 * against 0, 1, 2 ...
 * *out receives a handle to close with jmd_ledger_log_close. Errors, with
 * one line in err naming the file (and the entry): JMD_EINVAL (NULL
 * pointer, bad party name), JMD_EIO (cannot open or create; the file
 * exists when creating, or not when opening), JMD_EPARSE (not a jmd log,
 * or another format version, party or key), JMD_EVERIFY (stored bytes
 * that are not an entry, a stored leaf hash that does not match its
 * entry, an entry that breaks the rules, a block whose count does not
 * match, an index missing), JMD_ENOMEM. */
int jmd_ledger_log_open(const char *path, const char *party, const uint8_t pk[JMD_LEDGER_PK_SIZE],
                        int create, jmd_ledger_log **out, char *err, size_t errlen);

/* Rolls back an open transaction (its entries are lost, as in a crash)
 * and closes. NULL is a no-op. */
void jmd_ledger_log_close(jmd_ledger_log *log);

/* The last error's one-line text (owned by the handle, valid until the
 * next call on it): what failed and where. */
const char *jmd_ledger_log_errmsg(const jmd_ledger_log *log);

/* Records party `index` (0 .. 31) with its name and Ed25519 public key,
 * which verify uses to check that party's signatures. Registering the same
 * name and key again is a no-op; another name or key for a registered
 * index is JMD_EINVAL. Also JMD_EINVAL for a bad name or index, JMD_EIO on
 * a write error. */
int jmd_ledger_log_register_peer(jmd_ledger_log *log, int index, const char *name,
                                 const uint8_t pk[JMD_LEDGER_PK_SIZE]);

/* Transactions: begin opens one (JMD_EINVAL when one is open), commit
 * makes its appends durable (JMD_EINVAL when none is open; JMD_EIO when
 * the write fails: the transaction is then rolled back and the in-memory
 * tree restored to the state at begin). An append outside begin/commit
 * is its own transaction. */
int jmd_ledger_log_begin(jmd_ledger_log *log);
int jmd_ledger_log_commit(jmd_ledger_log *log);

/* Appends e (see jmd_log_entry for the rules; JMD_EINVAL when broken,
 * nothing appended) and writes its index to *index (may be NULL). JMD_EIO
 * on a write error: outside a transaction nothing is appended; inside
 * one, the entries wait in an open block that becomes a row when full, and
 * a row that cannot be written rolls the whole transaction back (as a
 * failed commit: the tree as at begin, no transaction open). */
int jmd_ledger_log_append(jmd_ledger_log *log, const jmd_log_entry *e, uint64_t *index);

/* The same for a SENT or RECEIVED entry whose data the caller made from
 * message m (jmd_msg_encode, or the *_enc functions above): the bytes are
 * not decoded again but checked against m (length, kind, sequence number;
 * JMD_EINVAL when they differ). For a node's hot path: a message is then
 * encoded once for its authenticator and its ledger row. */
int jmd_ledger_log_append_msg(jmd_ledger_log *log, const jmd_log_entry *e, const jmd_msg *m,
                              uint64_t *index);

/* Entries so far (committed or in the open transaction) and the root of
 * the tree of all of them. */
uint64_t jmd_ledger_log_size(const jmd_ledger_log *log);
int jmd_ledger_log_root(const jmd_ledger_log *log, jmd_merkle_hash *root);

/* Reads entry index into out (frees out's previous copies first).
 * JMD_ENOTFOUND when index >= size, JMD_ENOMEM, JMD_EIO, JMD_EVERIFY when
 * its block row no longer reads as the entries this handle checked (the
 * file was changed behind the handle's back). */
int jmd_ledger_log_get(jmd_ledger_log *log, uint64_t index, jmd_log_entry_buf *out);
/* Frees out's copies and zeroes it; NULL is a no-op. */
void jmd_ledger_log_entry_free(jmd_log_entry_buf *out);

/* Proofs over the stored leaves (O(size) reads and hashes), written like
 * jmd_merkle_inclusion_proof: proof has room for JMD_MERKLE_PROOF_MAX
 * hashes, *n receives the count. Inclusion of entry index in the tree of
 * the first size entries; consistency of the first size1 entries with
 * the first size2. JMD_EINVAL for index >= size, size1 > size2 or a size
 * above the log's; JMD_ENOMEM, JMD_EIO. */
int jmd_ledger_log_inclusion_proof(jmd_ledger_log *log, uint64_t index, uint64_t size,
                                   jmd_merkle_hash *proof, size_t *n);
int jmd_ledger_log_consistency_proof(jmd_ledger_log *log, uint64_t size1, uint64_t size2,
                                     jmd_merkle_hash *proof, size_t *n);

/* ---- checkpoints and cosigning (docs/ledger.md, "Checkpoints") ----
 *
 * Protocol: a party makes a checkpoint of its own log (checkpoint), stamps
 * and signs the envelope (jmd_ledger_auth_sign), stores the signed message
 * (checkpoint_signed) and broadcasts it. A peer checks it (cosign_check:
 * signature, origin, and that it extends the last checkpoint of that log
 * the peer cosigned), signs a Checkpoint with the same payload (origin =
 * the checked party) and sends it back; the origin stores it
 * (cosignature_store). A party that rewrote its history can then no
 * longer show a log consistent with what its peers cosigned. */

/* Fills out with a Checkpoint of this log as it stands: kind CHECKPOINT,
 * sender self, receiver broadcast, seq 0 and t 0 (the caller stamps
 * them), origin self, log_size the current size, its root, prev_size the
 * size of this log's previous checkpoint (0 for the first) and the
 * consistency proof from it. The (size, root, step of the last entry) is
 * stored in the checkpoints table; a checkpoint at the size of the
 * previous one repeats it (empty proof). kp must be the log's key pair
 * (JMD_EINVAL otherwise, or for a bad self); JMD_ERANGE past 2^47
 * entries (the proof would not fit); JMD_EIO. */
int jmd_ledger_log_checkpoint(jmd_ledger_log *log, const jmd_ledger_keypair *kp, int self,
                              jmd_msg *out);

/* Stores the signed checkpoint message that the caller made from
 * checkpoint's output: it must be this log's (origin == sender, size and
 * root of a stored checkpoint) and its signature must verify under the
 * log's key (JMD_EVERIFY otherwise). The first signed message of a size
 * is kept. JMD_EINVAL for a non-Checkpoint, JMD_EIO. */
int jmd_ledger_log_checkpoint_signed(jmd_ledger_log *log, const jmd_msg *signed_msg);

/* Before cosigning a peer's checkpoint: verifies its Ed25519 envelope
 * signature under peer_pk (and that peer_pk is the registered key of the
 * sender, when registered), that origin == sender, that prev_size equals
 * the size of this log's last cosigned checkpoint of that peer (0 at
 * first), and that its consistency proof takes the last cosigned root to
 * the new root (RFC 9162 §2.1.4.2). Then records it as cosigned (peer,
 * size, root, the peer's signed message) and returns 0; the caller builds
 * and signs the cosignature. Any failure returns JMD_EVERIFY with one line
 * in err and changes nothing. JMD_EINVAL (NULL, not a valid Checkpoint),
 * JMD_EIO. */
int jmd_ledger_log_cosign_check(jmd_ledger_log *log, const jmd_msg *peer_cp,
                                const uint8_t peer_pk[JMD_LEDGER_PK_SIZE], char *err,
                                size_t errlen);

/* Stores a peer's cosignature of one of this log's checkpoints: a
 * Checkpoint signed by the cosigner (verified under cosigner_pk), whose
 * origin is not the cosigner and whose (log_size, root) equal a stored
 * checkpoint of this log. JMD_EVERIFY with the reason otherwise (nothing
 * stored); JMD_EINVAL, JMD_EIO. */
int jmd_ledger_log_cosignature_store(jmd_ledger_log *log, const jmd_msg *cosig,
                                     const uint8_t cosigner_pk[JMD_LEDGER_PK_SIZE], char *err,
                                     size_t errlen);

/* ---- jmd verify (src/ledger/verify.c; docs/ledger.md, "jmd verify") ---- */

/* What a verification found. Counts describe what was checked; when ok is
 * 0, the bad_* fields name the first failure. */
typedef struct {
    int ok;                                /* 1 every check passed */
    char party[JMD_LEDGER_PARTY_MAX + 1];  /* the log's party */
    char peer_party[JMD_LEDGER_PARTY_MAX + 1]; /* the peer log's, "" without one */
    uint64_t entries, peer_entries;        /* rows checked in each log */
    uint64_t checkpoints;                  /* checkpoints checked (both logs) */
    uint64_t unsigned_checkpoints;         /* of them, never signed (a crash in between) */
    uint64_t included;                     /* inclusion proofs verified */
    uint64_t signatures;                   /* message signatures verified */
    uint64_t approvals;                    /* approval signatures verified */
    uint64_t approvals_unchecked;          /* approvals whose proposal is not in the log */
    uint64_t cosigned;                     /* cosigned checkpoints checked (both ways) */
    uint64_t cosignatures;                 /* stored cosignatures checked */
    uint64_t crossed;                      /* messages found in the other log */
    uint64_t in_flight;                    /* sent within the window, not required */
    /* the first failure */
    char bad_file[256];                    /* the log it is in */
    int64_t bad_index;                     /* entry index, -1 when no single entry */
    int bad_dir, bad_kind;
    uint64_t bad_seq;
    char what[512];                        /* what failed */
} jmd_ledger_verify_result;

/* Verifies the log at path, and with peer_path (may be NULL) the peer's
 * log against it (docs/ledger.md lists every check). window_s >= 0: a
 * message sent within window_s seconds of the end of the receiver's log is
 * in flight (not required in it). Opens both read-only and changes
 * nothing. Returns 0 when the checks ran (res->ok tells the outcome);
 * JMD_EIO when a file cannot be read and JMD_EPARSE when it is not a jmd
 * log (err names the file and what was found); JMD_EINVAL; JMD_ENOMEM. */
int jmd_ledger_log_verify(const char *path, const char *peer_path, double window_s,
                          jmd_ledger_verify_result *res, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif /* JMD_LEDGER_H */
