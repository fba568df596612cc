/*
 * tamper.c — see tamper.h. Reads every block row of the log into a list of
 * entries (each its stored bytes and stored leaf hash), applies the edit,
 * and writes the list back as block rows of 64 entries numbered from 0, in
 * one transaction. Uses the log's own reader and serialiser
 * (src/ledger/ledger__log.h), so what it writes is what a log could hold.
 */
#include "tamper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ledger/ledger__log.h"

typedef struct {
    uint8_t *bytes;
    size_t len;
    uint8_t leaf[32];
} item;

typedef struct {
    sqlite3 *db;
    item *v;
    size_t n, cap;
} list;

static void list_free(list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].bytes);
    free(l->v);
    sqlite3_close(l->db);
    memset(l, 0, sizeof *l);
}

static int complain(const char *path, const char *what)
{
    fprintf(stderr, "tamper: %s: %s\n", path, what);
    return -1;
}

static int load(const char *path, list *l)
{
    sqlite3_stmt *st = NULL;
    jmd_ledger__blk *b = malloc(sizeof *b);
    int rc = -1, s;
    memset(l, 0, sizeof *l);
    if (!b) return complain(path, "out of memory");
    if (sqlite3_open(path, &l->db) != SQLITE_OK ||
        sqlite3_prepare_v2(l->db, "SELECT first, body, leaves FROM blocks ORDER BY first", -1,
                           &st, NULL) != SQLITE_OK) {
        complain(path, l->db ? sqlite3_errmsg(l->db) : "cannot open");
        goto out;
    }
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        jmd_ledger__blk_init(b, (uint64_t)sqlite3_column_int64(st, 0),
                             sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
                             sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2));
        jmd_log_entry e;
        const uint8_t *bytes;
        size_t nb;
        jmd_merkle_hash leaf;
        int ok = 0, got;
        while ((got = jmd_ledger__blk_next(b, &e, &bytes, &nb, &leaf, &ok, NULL, 0)) == 1) {
            if (l->n == l->cap) {
                size_t cap = l->cap ? 2 * l->cap : 256;
                item *v = realloc(l->v, cap * sizeof *v);
                if (!v) goto oom;
                l->v = v;
                l->cap = cap;
            }
            item *it = &l->v[l->n];
            if (!(it->bytes = malloc(nb))) goto oom;
            memcpy(it->bytes, bytes, nb);
            it->len = nb;
            if (ok)
                memcpy(it->leaf, leaf.b, 32);
            else
                memset(it->leaf, 0, 32);
            l->n++;
        }
        if (got < 0) {
            complain(path, "a block does not read as entries");
            goto out;
        }
    }
    if (s != SQLITE_DONE) {
        complain(path, sqlite3_errmsg(l->db));
        goto out;
    }
    rc = 0;
    goto out;
oom:
    complain(path, "out of memory");
out:
    sqlite3_finalize(st);
    free(b);
    if (rc) list_free(l);
    return rc;
}

/* Replaces every block row with the list, 64 entries a row. */
static int store(const char *path, list *l)
{
    sqlite3_stmt *st = NULL;
    uint8_t *body = NULL, *leaves = NULL;
    int rc = -1;
    if (sqlite3_exec(l->db, "BEGIN IMMEDIATE; DELETE FROM blocks", NULL, NULL, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(l->db, "INSERT INTO blocks VALUES(?, ?, ?, ?)", -1, &st, NULL) !=
            SQLITE_OK) {
        complain(path, sqlite3_errmsg(l->db));
        goto out;
    }
    for (size_t i = 0; i < l->n; i += 64) {
        size_t n = l->n - i < 64 ? l->n - i : 64, len = 0;
        for (size_t k = 0; k < n; k++)
            len += l->v[i + k].len;
        free(body);
        free(leaves);
        body = malloc(len + 1);
        leaves = malloc(32 * n);
        if (!body || !leaves) {
            complain(path, "out of memory");
            goto out;
        }
        len = 0;
        for (size_t k = 0; k < n; k++) {
            memcpy(body + len, l->v[i + k].bytes, l->v[i + k].len);
            len += l->v[i + k].len;
            memcpy(leaves + 32 * k, l->v[i + k].leaf, 32);
        }
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)n);
        sqlite3_bind_blob(st, 3, body, (int)len, SQLITE_STATIC);
        sqlite3_bind_blob(st, 4, leaves, (int)(32 * n), SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            complain(path, sqlite3_errmsg(l->db));
            goto out;
        }
    }
    if (sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        complain(path, sqlite3_errmsg(l->db));
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    free(body);
    free(leaves);
    return rc;
}

int tamper_entry(const char *path, uint64_t index, tamper_fn fn, void *ctx, int fix_leaf)
{
    list l;
    jmd_ledger__blk *b = NULL;
    uint8_t *buf = NULL;
    int rc = -1;
    if (load(path, &l)) return -1;
    if (index >= l.n) {
        complain(path, "no such entry");
        goto out;
    }
    item *it = &l.v[index];
    if (!(b = malloc(sizeof *b))) goto out;
    jmd_ledger__blk_init(b, index, it->bytes, it->len, NULL, 0);
    jmd_log_entry e;
    if (jmd_ledger__blk_next(b, &e, NULL, NULL, NULL, NULL, NULL, 0) != 1) {
        complain(path, "the entry does not read");
        goto out;
    }
    fn(&e, ctx);
    size_t n = 0;
    jmd_ledger__serialise(&e, NULL, 0, &n);
    if (!(buf = malloc(n + 1)) || jmd_ledger__serialise(&e, buf, n, &n) != 0) {
        complain(path, "the edited entry cannot be stored");
        goto out;
    }
    free(it->bytes);
    it->bytes = buf;
    it->len = n;
    buf = NULL;
    if (fix_leaf) {
        jmd_merkle_hash h;
        jmd_merkle_leaf_hash(it->bytes, it->len, &h);
        memcpy(it->leaf, h.b, 32);
    }
    rc = store(path, &l);
out:
    free(buf);
    free(b);
    list_free(&l);
    return rc;
}

int tamper_truncate(const char *path, uint64_t keep)
{
    list l;
    char sql[200];
    int rc = -1;
    if (load(path, &l)) return -1;
    if (keep >= l.n) {
        complain(path, "nothing to truncate");
        goto out;
    }
    while (l.n > keep)
        free(l.v[--l.n].bytes);
    if (store(path, &l)) goto out;
    snprintf(sql, sizeof sql,
             "DELETE FROM checkpoints WHERE size > %llu; DELETE FROM cosignatures WHERE size > "
             "%llu;",
             (unsigned long long)keep, (unsigned long long)keep);
    if (sqlite3_exec(l.db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        complain(path, sqlite3_errmsg(l.db));
        goto out;
    }
    rc = 0;
out:
    list_free(&l);
    return rc;
}

int tamper_delete(const char *path, uint64_t index)
{
    list l;
    int rc = -1;
    if (load(path, &l)) return -1;
    if (index >= l.n) {
        complain(path, "no such entry");
        goto out;
    }
    free(l.v[index].bytes);
    memmove(&l.v[index], &l.v[index + 1], (l.n - index - 1) * sizeof *l.v);
    l.n--;
    rc = store(path, &l);
out:
    list_free(&l);
    return rc;
}
