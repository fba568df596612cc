/*
 * tamper.h — an attacker's edits of a party's log file, made straight
 * through SQLite behind the log's back (docs/ledger.md, "The log"): the
 * changes jmd verify, a reopened log and a peer at its next checkpoint
 * must catch. For tests only (tests/test_ledger_log.c, tests/fed/attacker.c).
 * Each call rewrites the whole entry table in one transaction (the logs of
 * tests are small) and returns 0, or -1 with a line on stderr.
 */
#ifndef JMD_TESTS_TAMPER_H
#define JMD_TESTS_TAMPER_H

#include <stdint.h>

#include "jmd/ledger.h"

/* Changes the fields of entry index: fn gets the entry as stored and may
 * change any field (data may then point at memory of ctx's that lives
 * until the call returns). The entry is stored again as its new fields'
 * serialisation; its stored leaf hash is recomputed when fix_leaf (a
 * careful attacker) and kept otherwise. */
typedef void (*tamper_fn)(jmd_log_entry *e, void *ctx);
int tamper_entry(const char *path, uint64_t index, tamper_fn fn, void *ctx, int fix_leaf);

/* Keeps the entries below keep, and the checkpoints and cosignatures of
 * sizes up to keep: the log looks whole; only a peer remembers more. */
int tamper_truncate(const char *path, uint64_t keep);

/* Deletes entry index; the later entries move down one index. */
int tamper_delete(const char *path, uint64_t index);

#endif
