/*
 * ledger__log.h — private pieces the log (log.c) and its verifier
 * (verify.c) share: the schema, reading a block row entry by entry, the meta
 * checks and the entry rules. Not installed; not part of the API.
 */
#ifndef JMD_LEDGER__LOG_H
#define JMD_LEDGER__LOG_H

#include <stddef.h>

#include <sqlite3.h>

#include "jmd/ledger.h"

/* The CREATE TABLE statements of a log file (format version 2). */
extern const char *const jmd_ledger__log_schema;

/* 0 when append would take e; else JMD_EINVAL with the rule broken in why
 * (NUL-terminated, truncated to whylen; why may be NULL when whylen is 0). */
int jmd_ledger__entry_check(const jmd_log_entry *e, char *why, size_t whylen);

/* The leaf hash of e's serialisation without checking the entry rules
 * (only the sizes): JMD_EINVAL when data or reason is too long. */
int jmd_ledger__leaf_hash_raw(const jmd_log_entry *e, jmd_merkle_hash *out);

/* The canonical serialisation of e (the bytes its leaf hashes) without
 * the entry rules, only the sizes: JMD_EINVAL when data or reason is too
 * long, JMD_ERANGE (with *n the size needed) when cap is too small. */
int jmd_ledger__serialise(const jmd_log_entry *e, uint8_t *buf, size_t cap, size_t *n);

/* A block row holds 1 .. JMD_LEDGER__BLOCK_ENTRIES entries; the log
 * writes it once its body reaches JMD_LEDGER__BLOCK_BYTES, so no body is
 * longer than JMD_LEDGER__BLOCK_BODY_MAX (one byte short of that, plus the
 * largest entry). Readers refuse other shapes: a file holding them was not
 * written by a log. */
#define JMD_LEDGER__BLOCK_ENTRIES 64
#define JMD_LEDGER__BLOCK_BYTES 32768
#define JMD_LEDGER__BLOCK_BODY_MAX                                                            \
    ((size_t)JMD_LEDGER__BLOCK_BYTES - 1 + 35 + JMD_LOG_DATA_MAX + 4 + JMD_LOG_REASON_MAX)

/* 0 when a block row's columns have a shape a log writes: first is
 * expect (the entries before it), count 1 .. JMD_LEDGER__BLOCK_ENTRIES,
 * leaves 32 bytes per entry, body at most JMD_LEDGER__BLOCK_BODY_MAX;
 * else JMD_EVERIFY with what is wrong in why. Whether the body holds
 * count entries is known only once it is read (jmd_ledger__blk_next). */
int jmd_ledger__block_shape(int64_t first, int64_t count, size_t body_len, size_t leaves_len,
                            uint64_t expect, char *why, size_t whylen);

/* Reading a block row (blocks.body and blocks.leaves) entry by entry. */
typedef struct {
    const uint8_t *p, *end;         /* the body not yet read */
    const uint8_t *leaf, *leaf_end; /* the stored leaf hashes not yet read */
    uint64_t index;                 /* the next entry's index */
    char reason[JMD_LOG_REASON_MAX + 1];
} jmd_ledger__blk;

/* Starts reading the block whose first entry has index first; body and
 * leaves (either may be NULL when its length is 0) must outlive the
 * reading. */
void jmd_ledger__blk_init(jmd_ledger__blk *b, uint64_t first, const void *body, size_t len,
                          const void *leaves, size_t llen);

/* The next entry: 1 with it in *e (data points into the body, reason into
 * b->reason; index set), the bytes it was read from (its leaf's preimage)
 * to *bytes and *nbytes, and, with leaf_ok non-NULL, its stored leaf hash
 * to *leaf with *leaf_ok 0 when the leaves ran out (any of the outputs may
 * be NULL); 0 at the end of the body; JMD_EVERIFY when the bytes are not
 * an entry's canonical serialisation (why says what). Only the
 * serialisation is checked here, not the entry rules. */
int jmd_ledger__blk_next(jmd_ledger__blk *b, jmd_log_entry *e, const uint8_t **bytes,
                         size_t *nbytes, jmd_merkle_hash *leaf, int *leaf_ok, char *why,
                         size_t whylen);

/* The meta value of key into buf[0 .. cap), its size to *n; JMD_EPARSE
 * when the table or key is missing or the value is longer than cap. */
int jmd_ledger__meta_get(sqlite3 *db, const char *key, void *buf, size_t cap, size_t *n);

/* Checks meta (format "jmd-log", version JMD_LOG_FORMAT_VERSION, a party name, a 32-byte key)
 * and writes the party and key (either may be NULL). JMD_EPARSE with the
 * reason in why. */
int jmd_ledger__meta_check(sqlite3 *db, char party[JMD_LEDGER_PARTY_MAX + 1],
                           uint8_t pk[JMD_LEDGER_PK_SIZE], char *why, size_t whylen);

/* What the WAL checkpointer did since the log was opened (log.c,
 * "Restarting the WAL"): restarts by the writer after a pass ended near the
 * WAL's end (tail) or at the cap (cap), restarts a reader held off
 * (failed), and rewinds the writer noticed (rewound: its own and SQLite's).
 * For tests; all 0 without a checkpointer thread. */
typedef struct {
    int tail, cap, failed, rewound;
} jmd_ledger__ckpt_stats;

void jmd_ledger__log_ckpt_stats(jmd_ledger_log *log, jmd_ledger__ckpt_stats *out);

#endif
