/*
 * verify.c — the checks of `jmd verify` (jmd/ledger.h,
 * jmd_ledger_log_verify; docs/ledger.md, "jmd verify"): one party's log on
 * its own (integrity, checkpoints, proofs, signatures, approvals) and, with
 * a peer's log, the two against each other (cosigned checkpoints, and
 * every message one says it sent found in the other's log, byte for byte).
 *
 * The verifier trusts nothing in the file: it opens it read-only, reads
 * every block row into memory entry by entry, recomputes every leaf from
 * the entry's fields and every root from the leaves, and checks
 * signatures under the keys the log registered. It stops at the first failure and names it (file, entry,
 * direction, kind, sequence number, what failed), checks running in the
 * order docs/ledger.md lists. The CLI only prints the result.
 *
 * Workload: offline, O(n log n) hashes for n entries (the inclusion proof
 * of every entry), one signature check per decisive message; the logs are
 * held in memory (a few hundred bytes per entry).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "core/core__fail.h"
#include "jmd/error.h"
#include "jmd/ledger.h"
#include "ledger/ledger__log.h"

typedef struct {
    jmd_log_entry e; /* data and reason owned (freed with the log) */
    int decoded;     /* SENT/RECEIVED/REJECTED whose data decodes: m is valid */
    jmd_msg m;
} ventry;

/* A row of checkpoints, cosigned or cosignatures. */
typedef struct {
    int peer; /* cosigned: the peer; cosignatures: the cosigner; checkpoints: 0 */
    uint64_t size;
    uint8_t root[32];
    uint8_t *msg; /* the signed message (owned) */
    size_t len;   /* its length; 0 for a checkpoint never signed */
} vco;

typedef struct {
    const char *path;
    char party[JMD_LEDGER_PARTY_MAX + 1];
    uint8_t pk[JMD_LEDGER_PK_SIZE];
    int has_peer[JMD_MSG_MAX_PARTIES];
    char peer_name[JMD_MSG_MAX_PARTIES][JMD_LEDGER_PARTY_MAX + 1];
    uint8_t peer_pk[JMD_MSG_MAX_PARTIES][JMD_LEDGER_PK_SIZE];
    int self; /* own party index, -1 until known */
    uint64_t n;
    ventry *rows;
    jmd_merkle_hash *leaves; /* recomputed from the rows */
    vco *ck;
    size_t nck;
    vco *cosigned, *cosigs;
    size_t ncosigned, ncosigs;
    double t_end; /* the latest entry time */
    jmd_merkle_frontier
        fr; /* root_at's cursor: roots asked in increasing size cost O(n) in all */
    struct prop_ix {
        uint64_t id, row;
    } * props; /* proposals by id (first of each), sorted */
    size_t nprops;
    int unparsed; /* the stored bytes stopped reading as entries ... */
    uint64_t unparsed_index; /* ... at this entry index */
    char unparsed_why[256];
} vlog;


/* Records the first failure in res; returns 1 (stop). e may be NULL. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int
bad(jmd_ledger_verify_result *res, const vlog *v, const ventry *e, const char *fmt, ...)
{
    res->ok = 0;
    snprintf(res->bad_file, sizeof res->bad_file, "%s", v->path);
    res->bad_index = e ? (int64_t)e->e.index : -1;
    res->bad_dir = e ? e->e.dir : 0;
    res->bad_kind = e ? e->e.kind : 0;
    res->bad_seq = e ? e->e.seq : 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->what, sizeof res->what, fmt, ap);
    va_end(ap);
    return 1;
}

static void vlog_free(vlog *v)
{
    for (uint64_t i = 0; v->rows && i < v->n; i++) {
        free((void *)v->rows[i].e.data);
        free((void *)v->rows[i].e.reason);
    }
    free(v->rows);
    free(v->leaves);
    for (size_t i = 0; i < v->nck; i++)
        free(v->ck[i].msg);
    free(v->ck);
    for (size_t i = 0; i < v->ncosigned; i++)
        free(v->cosigned[i].msg);
    free(v->cosigned);
    for (size_t i = 0; i < v->ncosigs; i++)
        free(v->cosigs[i].msg);
    free(v->cosigs);
    free(v->props);
    memset(v, 0, sizeof *v);
}

static void *dup_bytes(const void *p, size_t n)
{
    uint8_t *q = malloc(n + 1);
    if (q && n) memcpy(q, p, n);
    return q;
}

/* ---- loading ---------------------------------------------------------------- */

/* Reads the rows of one of the three checkpoint tables. */
static int load_co(sqlite3 *db, const char *sql, int has_root, vco **out, size_t *nout)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0, n = 0;
    vco *a = NULL;
    int rc = JMD_EPARSE, s;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) goto done;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            vco *b = realloc(a, (cap = cap ? 2 * cap : 16) * sizeof *a);
            if (!b) {
                rc = JMD_ENOMEM;
                goto done;
            }
            a = b;
        }
        vco *c = &a[n];
        memset(c, 0, sizeof *c);
        c->peer = sqlite3_column_int(st, 0);
        c->size = (uint64_t)sqlite3_column_int64(st, 1);
        if (has_root && sqlite3_column_bytes(st, 2) == 32)
            memcpy(c->root, sqlite3_column_blob(st, 2), 32);
        int col = has_root ? 3 : 2;
        c->len = (size_t)sqlite3_column_bytes(st, col);
        c->msg = dup_bytes(sqlite3_column_blob(st, col), c->len);
        if (!c->msg) {
            rc = JMD_ENOMEM;
            goto done;
        }
        n++;
    }
    if (s == SQLITE_DONE) rc = 0;
done:
    sqlite3_finalize(st);
    *out = a;
    *nout = n;
    return rc;
}

static int load(vlog *v, const char *path, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = 0, s;
    char why[256];
    struct stat sb;
    jmd_ledger__blk *b = NULL;
    memset(v, 0, sizeof *v);
    v->path = path;
    v->self = -1;
    if (stat(path, &sb) != 0)
        return jmd__fail(JMD_EIO, err, errlen, "%s: cannot be read: no such file", path);
    if (!S_ISREG(sb.st_mode))
        return jmd__fail(JMD_EIO, err, errlen,
                     "%s: expected a log file, found a directory or device", path);
    if (!(b = malloc(sizeof *b))) return jmd__fail(JMD_ENOMEM, err, errlen, "out of memory");
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = jmd__fail(JMD_EIO, err, errlen, "%s: cannot be read: %s", path,
                   db ? sqlite3_errmsg(db) : "out of memory");
        goto done;
    }
    if (jmd_ledger__meta_check(db, v->party, v->pk, why, sizeof why) != 0) {
        rc = jmd__fail(JMD_EPARSE, err, errlen, "%s: %s", path, why);
        goto done;
    }
    /* peers */
    if (sqlite3_prepare_v2(db, "SELECT idx, name, pk FROM peers", -1, &st, NULL) != SQLITE_OK)
        goto not_log;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int i = sqlite3_column_int(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        if (i < 0 || i >= JMD_MSG_MAX_PARTIES || !name ||
            sqlite3_column_bytes(st, 2) != JMD_LEDGER_PK_SIZE)
            continue; /* an unusable row: its party's signatures then fail to verify */
        v->has_peer[i] = 1;
        snprintf(v->peer_name[i], sizeof v->peer_name[i], "%s", name);
        memcpy(v->peer_pk[i], sqlite3_column_blob(st, 2), JMD_LEDGER_PK_SIZE);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (s != SQLITE_DONE) goto not_log;
    /* entries, block by block; the counts are the file's word, so the
     * arrays grow as entries are found */
    if (sqlite3_prepare_v2(db, "SELECT first, count, body, leaves FROM blocks ORDER BY first",
                           -1, &st, NULL) != SQLITE_OK)
        goto not_log;
    uint64_t cap = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW && !v->unparsed) {
        int64_t first_i = sqlite3_column_int64(st, 0);
        int64_t count = sqlite3_column_int64(st, 1);
        if (jmd_ledger__block_shape(first_i, count, (size_t)sqlite3_column_bytes(st, 2),
                                    (size_t)sqlite3_column_bytes(st, 3), v->n, why,
                                    sizeof why) != 0) {
            v->unparsed = 1;
            v->unparsed_index = v->n;
            snprintf(v->unparsed_why, sizeof v->unparsed_why, "%s", why);
            break;
        }
        uint64_t first = (uint64_t)first_i;
        jmd_ledger__blk_init(b, first, sqlite3_column_blob(st, 2),
                             (size_t)sqlite3_column_bytes(st, 2), sqlite3_column_blob(st, 3),
                             (size_t)sqlite3_column_bytes(st, 3));
        jmd_log_entry e;
        int leaf_ok = 0, got;
        for (;;) {
            if (v->n == cap) {
                uint64_t ncap = cap ? 2 * cap : 1024;
                ventry *rows = realloc(v->rows, (size_t)ncap * sizeof *rows);
                if (rows) v->rows = rows;
                jmd_merkle_hash *lv = realloc(v->leaves, (size_t)ncap * sizeof *lv);
                if (lv) v->leaves = lv;
                if (!rows || !lv) goto no_mem;
                cap = ncap;
            }
            got = jmd_ledger__blk_next(b, &e, NULL, NULL, &v->leaves[v->n], &leaf_ok, why,
                                       sizeof why);
            if (got != 1) break;
            if (!leaf_ok) memset(v->leaves[v->n].b, 0, 32); /* compared later: fails */
            ventry *r = &v->rows[v->n];
            memset(r, 0, sizeof *r);
            r->e = e;
            r->e.data = dup_bytes(e.data, e.len);
            r->e.reason =
                e.reason ? (const char *)dup_bytes(e.reason, strlen(e.reason) + 1) : NULL;
            v->n++;
            if (!r->e.data || (e.reason && !r->e.reason)) goto no_mem;
        }
        /* What does not read as entries is reported by check_rows, after
         * the entries before it (so the first bad entry is named). */
        if (got < 0) {
            v->unparsed = 1;
            v->unparsed_index = b->index;
            snprintf(v->unparsed_why, sizeof v->unparsed_why, "%s", why);
        } else if (count != (int64_t)(b->index - first)) {
            v->unparsed = 1;
            v->unparsed_index = first;
            snprintf(v->unparsed_why, sizeof v->unparsed_why,
                     "its block says %lld entries, and holds %llu", (long long)count,
                     (unsigned long long)(b->index - first));
        }
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE) goto not_log;
    sqlite3_finalize(st);
    st = NULL;
    rc = load_co(db, "SELECT 0, size, root, msg FROM checkpoints ORDER BY size", 1, &v->ck,
                 &v->nck);
    if (rc == JMD_ENOMEM) goto no_mem;
    if (rc) goto not_log;
    rc = load_co(db, "SELECT peer, size, root, msg FROM cosigned ORDER BY peer, size", 1,
                 &v->cosigned, &v->ncosigned);
    if (rc == JMD_ENOMEM) goto no_mem;
    if (rc) goto not_log;
    rc = load_co(db, "SELECT cosigner, size, msg FROM cosignatures ORDER BY cosigner, size", 0,
                 &v->cosigs, &v->ncosigs);
    if (rc == JMD_ENOMEM) goto no_mem;
    if (rc) goto not_log;
    rc = 0;
    goto done;
not_log:
    rc = jmd__fail(JMD_EPARSE, err, errlen, "%s: expected a jmd log, found a damaged schema: %s",
               path, sqlite3_errmsg(db));
    goto done;
no_mem:
    rc = jmd__fail(JMD_ENOMEM, err, errlen, "%s: out of memory", path);
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(b);
    if (rc) vlog_free(v);
    return rc;
}

/* ---- one log ---------------------------------------------------------------- */

static const uint8_t *key_of(const vlog *v, int party)
{
    if (party == v->self) return v->pk;
    if (party >= 0 && party < JMD_MSG_MAX_PARTIES && v->has_peer[party])
        return v->peer_pk[party];
    return NULL;
}

static int is_signed_kind(int kind)
{
    return kind == JMD_MSG_PROPOSAL || kind == JMD_MSG_VOTE || kind == JMD_MSG_LAUNCH_ORDER ||
           kind == JMD_MSG_CHECKPOINT;
}

/* Integrity: indexes, leaf hashes, message entries that say what their
 * message says; the log's own party index. */
static int check_rows(vlog *v, jmd_ledger_verify_result *res)
{
    char why[256];
    for (uint64_t i = 0; i < v->n; i++) {
        ventry *r = &v->rows[i];
        jmd_merkle_hash h;
        if (r->e.index != i)
            return bad(res, v, r, "expected index %llu (indexes 0, 1, 2 ... without gaps)",
                       (unsigned long long)i);
        if (jmd_ledger__leaf_hash_raw(&r->e, &h) != 0 || memcmp(h.b, v->leaves[i].b, 32) != 0)
            return bad(res, v, r,
                       "the stored leaf hash does not match the row's fields (the "
                       "row was edited)");
        if (jmd_ledger__entry_check(&r->e, why, sizeof why) != 0)
            return bad(res, v, r, "the row breaks the entry rules: %s", why);
        if (r->e.dir <= JMD_LOG_REJECTED)
            r->decoded = jmd_msg_decode(r->e.data, r->e.len, &r->m, NULL, 0) == 0;
        if (r->e.t > v->t_end || i == 0) v->t_end = r->e.t;
    }
    if (v->unparsed) {
        ventry at;
        memset(&at, 0, sizeof at);
        at.e.index = v->unparsed_index;
        return bad(res, v, &at, "the stored bytes are not entries: %s", v->unparsed_why);
    }
    /* Own index: the sender of what this log sent, or of its checkpoints. */
    for (uint64_t i = 0; i < v->n && v->self < 0; i++)
        if (v->rows[i].e.dir == JMD_LOG_SENT) v->self = v->rows[i].m.sender;
    for (size_t i = 0; i < v->nck && v->self < 0; i++) {
        jmd_msg m;
        if (v->ck[i].len && jmd_msg_decode(v->ck[i].msg, v->ck[i].len, &m, NULL, 0) == 0)
            v->self = m.sender;
    }
    for (uint64_t i = 0; i < v->n; i++) {
        ventry *r = &v->rows[i];
        const jmd_msg *m = &r->m;
        int rcv = m->receiver == JMD_MSG_BROADCAST ? JMD_LOG_PEER_BROADCAST : m->receiver;
        if (r->e.dir == JMD_LOG_SENT) {
            if (m->sender != v->self)
                return bad(res, v, r, "sent by party %d, but this log's party is %d", m->sender,
                           v->self);
            if (r->e.peer != rcv)
                return bad(res, v, r, "peer %d, but the message's receiver is %d", r->e.peer,
                           rcv);
        } else if (r->e.dir == JMD_LOG_RECEIVED) {
            if (r->e.peer != m->sender)
                return bad(res, v, r, "peer %d, but the message's sender is %d", r->e.peer,
                           m->sender);
            if (v->self >= 0 && m->receiver != v->self && m->receiver != JMD_MSG_BROADCAST)
                return bad(res, v, r,
                           "received a message for party %d, but this log's party "
                           "is %d",
                           m->receiver, v->self);
        }
    }
    return 0;
}

/* Envelope signatures of decisive kinds; the voter of a vote. */
static int check_signatures(vlog *v, jmd_ledger_verify_result *res)
{
    char why[256];
    for (uint64_t i = 0; i < v->n; i++) {
        ventry *r = &v->rows[i];
        if ((r->e.dir != JMD_LOG_SENT && r->e.dir != JMD_LOG_RECEIVED) ||
            !is_signed_kind(r->e.kind))
            continue;
        const uint8_t *pk = key_of(v, r->m.sender);
        if (!pk)
            return bad(res, v, r,
                       "sender %d is not a registered party (no key to check its "
                       "signature)",
                       r->m.sender);
        if (jmd_ledger_auth_verify(&r->m, pk, NULL, why, sizeof why) != 0)
            return bad(res, v, r, "%s", why);
        if (r->e.kind == JMD_MSG_VOTE && r->m.u.vote.voter != r->m.sender)
            return bad(res, v, r, "a vote of party %u sent by party %d",
                       (unsigned)r->m.u.vote.voter, r->m.sender);
        res->signatures++;
    }
    return 0;
}

static int prop_cmp(const void *x, const void *y)
{
    const struct prop_ix *a = x, *b = y;
    if (a->id != b->id) return a->id < b->id ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

/* Indexes the proposals the log holds by id (the first of each id). */
static int index_proposals(vlog *v)
{
    v->props = malloc((size_t)(v->n + 1) * sizeof *v->props);
    if (!v->props) return JMD_ENOMEM;
    v->nprops = 0;
    for (uint64_t i = 0; i < v->n; i++) {
        const ventry *r = &v->rows[i];
        if ((r->e.dir == JMD_LOG_SENT || r->e.dir == JMD_LOG_RECEIVED) &&
            r->e.kind == JMD_MSG_PROPOSAL)
            v->props[v->nprops++] = (struct prop_ix){r->m.u.proposal.proposal_id, i};
    }
    qsort(v->props, v->nprops, sizeof *v->props, prop_cmp);
    return 0;
}

static const jmd_msg *find_proposal(const vlog *v, uint64_t id)
{
    size_t lo = 0, hi = v->nprops; /* the first entry with this id */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->props[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < v->nprops && v->props[lo].id == id ? &v->rows[v->props[lo].row].m : NULL;
}

/* Approval signatures in approving votes and launch orders, against the
 * proposal they name when the log holds it. */
static int check_approvals(vlog *v, jmd_ledger_verify_result *res)
{
    if (index_proposals(v) != 0) return bad(res, v, NULL, "out of memory");
    for (uint64_t i = 0; i < v->n; i++) {
        ventry *r = &v->rows[i];
        if (r->e.dir != JMD_LOG_SENT && r->e.dir != JMD_LOG_RECEIVED) continue;
        if (r->e.kind == JMD_MSG_VOTE && r->m.u.vote.approve && r->m.u.vote.sig_len) {
            const jmd_msg *p = find_proposal(v, r->m.u.vote.proposal_id);
            const uint8_t *pk = key_of(v, r->m.u.vote.voter);
            if (!p) {
                res->approvals_unchecked++;
                continue;
            }
            if (!pk || jmd_ledger_approval_verify(pk, p, r->m.u.vote.sig) != 0)
                return bad(res, v, r,
                           "the approval signature of party %u does not verify over "
                           "proposal %llu",
                           (unsigned)r->m.u.vote.voter,
                           (unsigned long long)r->m.u.vote.proposal_id);
            res->approvals++;
        } else if (r->e.kind == JMD_MSG_LAUNCH_ORDER) {
            const jmd_msg_launch_order *o = &r->m.u.order;
            const jmd_msg *p = find_proposal(v, o->proposal_id);
            for (unsigned k = 0; k < o->napprovals; k++) {
                const jmd_msg_approval *a = &o->approvals[k];
                if (!a->sig_len) continue;
                if (!p) {
                    res->approvals_unchecked++;
                    continue;
                }
                const uint8_t *pk = key_of(v, a->party);
                if (!pk || jmd_ledger_approval_verify(pk, p, a->sig) != 0)
                    return bad(res, v, r,
                               "approval %u (party %u) does not verify over proposal "
                               "%llu",
                               k, (unsigned)a->party, (unsigned long long)o->proposal_id);
                res->approvals++;
            }
        }
    }
    return 0;
}

/* Verifies the inclusion proof of every leaf of the tree of size leaves
 * under root. path holds the sibling roots from the top down to depth. */
static int include_all(const jmd_merkle_hash *lv, uint64_t lo, uint64_t n, uint64_t size,
                       const jmd_merkle_hash *root, jmd_merkle_hash *path, size_t depth,
                       uint64_t *bad_leaf)
{
    if (n == 1) {
        jmd_merkle_hash proof[JMD_MERKLE_PROOF_MAX];
        for (size_t k = 0; k < depth; k++)
            proof[k] = path[depth - 1 - k];
        if (jmd_merkle_inclusion_verify(lo, size, &lv[lo], proof, depth, root) != 0) {
            *bad_leaf = lo;
            return 1;
        }
        return 0;
    }
    uint64_t k = 1;
    while (k < n - k)
        k <<= 1;
    jmd_merkle_hash l, r;
    jmd_merkle_root(lv + lo, k, &l);
    jmd_merkle_root(lv + lo + k, n - k, &r);
    path[depth] = r;
    if (include_all(lv, lo, k, size, root, path, depth + 1, bad_leaf)) return 1;
    path[depth] = l;
    return include_all(lv, lo + k, n - k, size, root, path, depth + 1, bad_leaf);
}

/* The root of the first size recomputed leaves (size <= v->n). The
 * frontier moves forward from the last size asked and restarts only when
 * a smaller size is asked. */
static void root_at(vlog *v, uint64_t size, jmd_merkle_hash *out)
{
    if (size < v->fr.size) jmd_merkle_frontier_init(&v->fr);
    while (v->fr.size < size)
        jmd_merkle_frontier_append(&v->fr, &v->leaves[v->fr.size]);
    jmd_merkle_frontier_root(&v->fr, out);
}

static int check_checkpoints(vlog *v, jmd_ledger_verify_result *res)
{
    char why[256];
    jmd_merkle_hash prev_root, root, proof[JMD_MERKLE_PROOF_MAX];
    uint64_t prev = 0;
    jmd_merkle_empty_root(&prev_root);
    for (size_t i = 0; i < v->nck; i++) {
        const vco *c = &v->ck[i];
        if (c->size > v->n)
            return bad(res, v, NULL,
                       "checkpoint at size %llu: the log has only %llu entries "
                       "(truncated)",
                       (unsigned long long)c->size, (unsigned long long)v->n);
        root_at(v, c->size, &root);
        if (memcmp(root.b, c->root, 32) != 0)
            return bad(res, v, NULL,
                       "checkpoint at size %llu: its root is not the root of "
                       "entries 0 .. %llu (an entry in %llu .. %llu was changed)",
                       (unsigned long long)c->size, (unsigned long long)c->size - 1,
                       (unsigned long long)prev, (unsigned long long)c->size - 1);
        if (c->len) {
            jmd_msg m;
            if (jmd_msg_decode(c->msg, c->len, &m, why, sizeof why) != 0 ||
                m.kind != JMD_MSG_CHECKPOINT)
                return bad(res, v, NULL,
                           "checkpoint at size %llu: the stored message is not a "
                           "checkpoint",
                           (unsigned long long)c->size);
            if (m.u.checkpoint.origin != m.sender || (v->self >= 0 && m.sender != v->self))
                return bad(res, v, NULL,
                           "checkpoint at size %llu: origin %u, sender %d: not "
                           "this log's",
                           (unsigned long long)c->size, (unsigned)m.u.checkpoint.origin,
                           m.sender);
            if (jmd_ledger_auth_verify(&m, v->pk, NULL, why, sizeof why) != 0)
                return bad(res, v, NULL, "checkpoint at size %llu: %s (the log's key)",
                           (unsigned long long)c->size, why);
            if (m.u.checkpoint.log_size != c->size || memcmp(m.u.checkpoint.root, c->root, 32))
                return bad(res, v, NULL,
                           "checkpoint at size %llu: the signed message says "
                           "size %llu and another root",
                           (unsigned long long)c->size,
                           (unsigned long long)m.u.checkpoint.log_size);
            /* The proof the peers were given. */
            jmd_merkle_hash p[JMD_MSG_CKPT_PROOF_MAX];
            for (unsigned k = 0; k < m.u.checkpoint.nproof; k++)
                memcpy(p[k].b, m.u.checkpoint.proof[k], 32);
            /* prev_size is the previous checkpoint's size, or this one's when
             * the message repeats a checkpoint (no entries in between). */
            uint64_t ps = m.u.checkpoint.prev_size;
            const jmd_merkle_hash *pr = ps == c->size ? &root : &prev_root;
            if ((ps != prev && ps != c->size) ||
                jmd_merkle_consistency_verify(ps, c->size, pr, &root, p,
                                              m.u.checkpoint.nproof) != 0)
                return bad(res, v, NULL,
                           "checkpoint at size %llu: its consistency proof from "
                           "size %llu does not verify",
                           (unsigned long long)c->size,
                           (unsigned long long)m.u.checkpoint.prev_size);
        } else {
            res->unsigned_checkpoints++;
        }
        /* And one generated afresh from the leaves. */
        size_t np = 0;
        if (jmd_merkle_consistency_proof(v->leaves, prev, c->size, proof, JMD_MERKLE_PROOF_MAX,
                                         &np) != 0 ||
            jmd_merkle_consistency_verify(prev, c->size, &prev_root, &root, proof, np) != 0)
            return bad(res, v, NULL, "checkpoints at sizes %llu and %llu: not consistent",
                       (unsigned long long)prev, (unsigned long long)c->size);
        prev = c->size;
        prev_root = root;
        res->checkpoints++;
    }
    if (v->nck > 0 && prev > 0) {
        jmd_merkle_hash path[JMD_MERKLE_PROOF_MAX];
        uint64_t leaf = 0;
        if (include_all(v->leaves, 0, prev, prev, &prev_root, path, 0, &leaf))
            return bad(res, v, &v->rows[leaf],
                       "its inclusion proof in the checkpoint at size "
                       "%llu does not verify",
                       (unsigned long long)prev);
        res->included += prev;
    }
    return 0;
}

/* Cosignatures this log received of its checkpoints, and the peers'
 * checkpoints it cosigned: signatures and sizes. */
static int check_cosigs(vlog *v, jmd_ledger_verify_result *res)
{
    char why[256];
    jmd_merkle_hash root;
    for (size_t i = 0; i < v->ncosigs; i++) {
        const vco *c = &v->cosigs[i];
        jmd_msg m;
        const uint8_t *pk = key_of(v, c->peer);
        if (jmd_msg_decode(c->msg, c->len, &m, NULL, 0) != 0 || m.kind != JMD_MSG_CHECKPOINT ||
            m.sender != c->peer)
            return bad(res, v, NULL,
                       "cosignature by party %d of size %llu: not a checkpoint "
                       "from that party",
                       c->peer, (unsigned long long)c->size);
        if (!pk || jmd_ledger_auth_verify(&m, pk, NULL, why, sizeof why) != 0)
            return bad(res, v, NULL,
                       "cosignature by party %d of size %llu: the signature does "
                       "not verify under its registered key",
                       c->peer, (unsigned long long)c->size);
        if (m.u.checkpoint.log_size > v->n)
            return bad(res, v, NULL,
                       "party %d cosigned size %llu, but the log has only %llu "
                       "entries (truncated)",
                       c->peer, (unsigned long long)m.u.checkpoint.log_size,
                       (unsigned long long)v->n);
        root_at(v, m.u.checkpoint.log_size, &root);
        if (memcmp(root.b, m.u.checkpoint.root, 32) != 0)
            return bad(res, v, NULL,
                       "party %d cosigned a root at size %llu that the entries do "
                       "not give (the history was rewritten)",
                       c->peer, (unsigned long long)m.u.checkpoint.log_size);
        res->cosignatures++;
    }
    for (size_t i = 0; i < v->ncosigned; i++) {
        const vco *c = &v->cosigned[i];
        jmd_msg m;
        const uint8_t *pk = key_of(v, c->peer);
        if (jmd_msg_decode(c->msg, c->len, &m, NULL, 0) != 0 || m.kind != JMD_MSG_CHECKPOINT ||
            m.sender != c->peer || m.u.checkpoint.log_size != c->size ||
            memcmp(m.u.checkpoint.root, c->root, 32) != 0)
            return bad(res, v, NULL,
                       "cosigned checkpoint of party %d at size %llu: the stored "
                       "message does not match",
                       c->peer, (unsigned long long)c->size);
        if (!pk || jmd_ledger_auth_verify(&m, pk, NULL, why, sizeof why) != 0)
            return bad(res, v, NULL,
                       "cosigned checkpoint of party %d at size %llu: the "
                       "signature does not verify under its registered key",
                       c->peer, (unsigned long long)c->size);
    }
    return 0;
}

static int check_log(vlog *v, jmd_ledger_verify_result *res)
{
    return check_rows(v, res) || check_checkpoints(v, res) || check_signatures(v, res) ||
           check_approvals(v, res) || check_cosigs(v, res);
}

/* ---- two logs --------------------------------------------------------------- */

/* The index under which a registers b (by name and key); -1 when none. */
static int index_of(const vlog *a, const vlog *b)
{
    for (int i = 0; i < JMD_MSG_MAX_PARTIES; i++)
        if (a->has_peer[i] && strcmp(a->peer_name[i], b->party) == 0) return i;
    return -1;
}

/* What a checked of b's log: every cosigned checkpoint of b must be a
 * tree head of b's entries. */
static int check_cosigned_by(const vlog *a, int ib, vlog *b, jmd_ledger_verify_result *res)
{
    jmd_merkle_hash root;
    for (size_t i = 0; i < a->ncosigned; i++) {
        const vco *c = &a->cosigned[i];
        if (c->peer != ib) continue;
        if (c->size > b->n)
            return bad(res, b, NULL,
                       "%s cosigned this log at size %llu, but it has only %llu "
                       "entries (truncated)",
                       a->party, (unsigned long long)c->size, (unsigned long long)b->n);
        root_at(b, c->size, &root);
        if (memcmp(root.b, c->root, 32) != 0)
            return bad(res, b, NULL,
                       "%s cosigned this log's root at size %llu; the entries give "
                       "another root (the history was rewritten)",
                       a->party, (unsigned long long)c->size);
        res->cosigned++;
    }
    return 0;
}

typedef struct {
    jmd_merkle_hash h;
    uint64_t index;
} hrow;

static int hcmp(const void *x, const void *y)
{
    return memcmp(((const hrow *)x)->h.b, ((const hrow *)y)->h.b, 32);
}

/* Hashes (SHA-256 with the leaf prefix) of the data of a's entries with
 * direction d1 or d2 whose message's sender is `from` (any when -1). */
static hrow *hashes(const vlog *a, int d1, int d2, int from, size_t *n)
{
    hrow *h = malloc((size_t)(a->n + 1) * sizeof *h);
    *n = 0;
    if (!h) return NULL;
    for (uint64_t i = 0; i < a->n; i++) {
        const ventry *r = &a->rows[i];
        if ((r->e.dir != d1 && r->e.dir != d2) || !r->decoded) continue;
        if (from >= 0 && r->m.sender != from) continue;
        jmd_merkle_leaf_hash(r->e.data, r->e.len, &h[*n].h);
        h[(*n)++].index = i;
    }
    qsort(h, *n, sizeof *h, hcmp);
    return h;
}

/* a's messages to b against b's log, and b's receipts from a against a's. */
static int cross(vlog *a, int ia, vlog *b, int ib, double window_s,
                 jmd_ledger_verify_result *res, int *oom)
{
    size_t nrecv = 0, nsent = 0;
    hrow *recv = hashes(b, JMD_LOG_RECEIVED, JMD_LOG_REJECTED, ia, &nrecv);
    hrow *sent = hashes(a, JMD_LOG_SENT, JMD_LOG_SENT, -1, &nsent);
    int rc = 0;
    if (!recv || !sent) {
        *oom = 1;
        goto done;
    }
    for (uint64_t i = 0; i < a->n && !rc; i++) {
        const ventry *r = &a->rows[i];
        if (r->e.dir != JMD_LOG_SENT ||
            !(r->e.peer == ib || r->e.peer == JMD_LOG_PEER_BROADCAST))
            continue;
        hrow key;
        jmd_merkle_leaf_hash(r->e.data, r->e.len, &key.h);
        if (bsearch(&key, recv, nrecv, sizeof *recv, hcmp)) {
            res->crossed++;
        } else if (r->e.t > b->t_end - window_s) {
            res->in_flight++; /* may still be on its way when b's log ends */
        } else {
            rc = bad(res, a, r, "sent to %s, but not in %s's log as received or rejected",
                     b->party, b->party);
        }
    }
    for (uint64_t i = 0; i < b->n && !rc; i++) {
        const ventry *r = &b->rows[i];
        if (r->e.dir != JMD_LOG_RECEIVED || r->m.sender != ia) continue;
        hrow key;
        jmd_merkle_leaf_hash(r->e.data, r->e.len, &key.h);
        if (!bsearch(&key, sent, nsent, sizeof *sent, hcmp))
            rc = bad(res, b, r, "received from %s, but %s's log has not sent these bytes",
                     a->party, a->party);
    }
done:
    free(recv);
    free(sent);
    return rc;
}

static int check_pair(vlog *a, vlog *b, double window_s, jmd_ledger_verify_result *res,
                      int *oom)
{
    int ib = index_of(a, b), ia = index_of(b, a);
    if (ib < 0)
        return bad(res, a, NULL, "party %s (the peer log) is not a registered peer", b->party);
    if (ia < 0)
        return bad(res, b, NULL, "party %s (the log) is not a registered peer", a->party);
    if (memcmp(a->peer_pk[ib], b->pk, JMD_LEDGER_PK_SIZE) != 0)
        return bad(res, a, NULL, "registers %s with another key than its log's", b->party);
    if (memcmp(b->peer_pk[ia], a->pk, JMD_LEDGER_PK_SIZE) != 0)
        return bad(res, b, NULL, "registers %s with another key than its log's", a->party);
    if ((a->self >= 0 && a->self != ia) || (b->self >= 0 && b->self != ib))
        return bad(res, a, NULL, "party indexes disagree: %s is %d here and %d in %s", a->party,
                   a->self, ia, b->path);
    return check_cosigned_by(b, ia, a, res) || check_cosigned_by(a, ib, b, res) ||
           cross(a, ia, b, ib, window_s, res, oom) ||
           (!*oom && cross(b, ib, a, ia, window_s, res, oom));
}

int jmd_ledger_log_verify(const char *path, const char *peer_path, double window_s,
                          jmd_ledger_verify_result *res, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!path || !res || !(window_s >= 0))
        return jmd__fail(JMD_EINVAL, err, errlen, "invalid argument");
    memset(res, 0, sizeof *res);
    res->bad_index = -1;
    vlog a, b;
    int rc = load(&a, path, err, errlen);
    if (rc) return rc;
    memset(&b, 0, sizeof b);
    if (peer_path && (rc = load(&b, peer_path, err, errlen)) != 0) goto done;
    snprintf(res->party, sizeof res->party, "%s", a.party);
    if (peer_path) snprintf(res->peer_party, sizeof res->peer_party, "%s", b.party);
    res->entries = a.n;
    res->peer_entries = b.n;
    res->ok = 1;
    int oom = 0;
    if (check_log(&a, res)) goto done;
    if (peer_path) {
        if (check_log(&b, res)) goto done;
        if (check_pair(&a, &b, window_s, res, &oom)) goto done;
        if (oom) rc = jmd__fail(JMD_ENOMEM, err, errlen, "out of memory");
    }
done:
    vlog_free(&a);
    vlog_free(&b);
    return rc;
}
