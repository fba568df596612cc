/*
 * ledger__log.h — private pieces the log (log.c) and its verifier
 * (verify.c) share: the schema, reading a row into an entry, the meta
 * checks and the entry rules. Not installed; not part of the API.
 */
#ifndef JMD_LEDGER__LOG_H
#define JMD_LEDGER__LOG_H

#include <stddef.h>

#include <sqlite3.h>

#include "jmd/ledger.h"

/* The CREATE TABLE statements of a log file (format version 1). */
extern const char *const jmd_ledger__log_schema;

/* 0 when append would take e; else JMD_EINVAL with the rule broken in why
 * (NUL-terminated, truncated to whylen; why may be NULL when whylen is 0). */
int jmd_ledger__entry_check(const jmd_log_entry *e, char *why, size_t whylen);

/* The leaf hash of e's serialisation without checking the entry rules
 * (only the sizes): JMD_EINVAL when data or reason is too long. */
int jmd_ledger__leaf_hash_raw(const jmd_log_entry *e, jmd_merkle_hash *out);

/* The entry of the current row of a statement selecting idx, dir, peer,
 * kind, seq, t, step, data, reason, leaf in that order. data and reason
 * point into the statement's row (valid until it steps or resets). With
 * leaf non-NULL, the stored leaf hash goes there and *leaf_ok says whether
 * it was 32 bytes. */
void jmd_ledger__row_entry(sqlite3_stmt *st, jmd_log_entry *e, jmd_merkle_hash *leaf,
                           int *leaf_ok);

/* The meta value of key into buf[0 .. cap), its size to *n; JMD_EPARSE
 * when the table or key is missing or the value is longer than cap. */
int jmd_ledger__meta_get(sqlite3 *db, const char *key, void *buf, size_t cap, size_t *n);

/* Checks meta (format "jmd-log", version 1, a party name, a 32-byte key)
 * and writes the party and key (either may be NULL). JMD_EPARSE with the
 * reason in why. */
int jmd_ledger__meta_check(sqlite3 *db, char party[JMD_LEDGER_PARTY_MAX + 1],
                           uint8_t pk[JMD_LEDGER_PK_SIZE], char *why, size_t whylen);

#endif
