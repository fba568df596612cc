/*
 * log.c — a party's persistent, append-only log (jmd/ledger.h, "the
 * persistent log"; docs/ledger.md, "The log"): one SQLite file; the
 * entries in blocks of up to BLOCK_ENTRIES consecutive entries per row,
 * each entry stored as its canonical serialisation (the exact bytes its
 * RFC 9162 leaf hashes) beside its leaf hash; the checkpoints this party
 * signed, the peers' checkpoints it checked and cosigned, and the
 * cosignatures it received of its own.
 *
 * Why blocks: SQLite costs ~1-2 us per row whatever the row holds (the
 * VDBE program, the B-tree cursor, the record), as much as the rest of a
 * node's work on a message; a row per 64 entries cut bench_fed's
 * node-to-node rate's ledger share by more than half (docs/federation.md
 * §12). Each entry is still its own leaf, indexed, proven and verified
 * alone.
 *
 * Invariants: blocks.first is 0, then the previous first + count, without
 * gaps; a block's body is its count entries' serialisations back to back
 * and its leaves their 32-byte leaf hashes; the in-memory frontier holds
 * the tree of exactly the entries appended through this handle that are
 * written or in the open block (committed or in the open transaction), so
 * a root costs O(log n) and never a read. The open block (entries not yet
 * in a row) exists only inside a transaction and is written when full and
 * at commit. Rows are only ever inserted (no UPDATE of an entry, no
 * DELETE); the one UPDATE fills a checkpoint's signature once. The file is
 * WAL with synchronous=NORMAL: a crash loses at most the open transaction.
 *
 * Workload: one serialisation (a copy) and one leaf hash per entry, one
 * INSERT per block (every message a node sends or receives: the hot path,
 * ~1 us with a message encoded once, jmd_ledger_log_append_msg); roots per
 * checkpoint; proofs from the in-memory tree (jmd_merkle_tree). Every
 * SQLite return code is checked; errors name the file.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "core/core__fail.h"
#include "jmd/error.h"
#include "jmd/ledger.h"
#include "ledger/ledger__log.h"
#include "ledger/ledger__sha.h"

enum { Q_APPEND, Q_GET, Q_NQ };

/* A block row holds at most this many entries, and is written once its
 * body reaches BLOCK_BYTES (ledger__log.h). */
#define BLOCK_ENTRIES JMD_LEDGER__BLOCK_ENTRIES
#define BLOCK_BYTES JMD_LEDGER__BLOCK_BYTES

/* Entries in memory: the open block (bytes and leaf hashes), or a copy of
 * the block row get read last. */
typedef struct {
    uint8_t *body;
    size_t len, cap;
    uint8_t *leaves;
    size_t lcap;
    uint64_t first;
    uint32_t n;
} block;

struct jmd_ledger_log {
    sqlite3 *db;
    char *path;
    uint8_t pk[JMD_LEDGER_PK_SIZE];
    char party[JMD_LEDGER_PARTY_MAX + 1];
    sqlite3_stmt *q[Q_NQ];
    jmd_merkle_frontier f;       /* the tree of every entry appended: in rows or the open block */
    jmd_merkle_frontier f_begin; /* the tree at begin, restored on a failed commit */
    jmd_merkle_tree tree;        /* every leaf hash and perfect subtree root, in memory:
                                    proofs (checkpoints) without rereading the rows */
    int64_t last_step;           /* step of the last entry, for checkpoints */
    int64_t last_step_begin;
    int in_tx;
    block open;   /* entries appended in the transaction, not yet in a row */
    block cache;  /* the row jmd_ledger_log_get read last (n 0: none) */
    char msg[512];
    /* The WAL checkpointer (see checkpointer_main): its own connection and
     * thread; ckpt_pending under ckpt_lock. */
    sqlite3 *ckpt_db;
    pthread_t ckpt_thread;
    pthread_mutex_t ckpt_lock;
    pthread_cond_t ckpt_cond;
    int ckpt_running, ckpt_pending, ckpt_stop;
    int ckpt_busy;   /* a pass is running */
    int ckpt_passed; /* a pass ended since the last restart, ckpt_done after it */
    int ckpt_done;   /* frames of the WAL in the database after that pass */
    int ckpt_retry;  /* WAL pages below which no restart is tried (one met a reader) */
    int ckpt_last;   /* the WAL's pages at the last commit: fewer now means rewound */
    unsigned ckpt_gen; /* WALs since open (a rewind starts a new one) */
    jmd_ledger__ckpt_stats ckpt_stats;
    pthread_cond_t ckpt_idle; /* signalled when a pass ends (monotonic clock) */
    int ckpt_pages, ckpt_tail, ckpt_cap; /* CKPT_BYTES, _TAIL, _CAP in this file's pages */
};

/* ---- the WAL checkpointer ---------------------------------------------------
 *
 * SQLite copies the WAL back into the database ("checkpoint") every 1,000
 * pages by default, in the thread that commits, and with synchronous=NORMAL
 * that copy ends in two fsyncs: the committing thread waits on the disk.
 * Here the committing connection only counts (a WAL hook) and, past
 * CKPT_BYTES of WAL (16 MiB: 1,024 pages of 16 KiB), wakes a thread of the
 * log's own that checkpoints through a second connection
 * (SQLITE_CHECKPOINT_PASSIVE: it never blocks the writer, who goes on
 * appending to the WAL meanwhile). Durability is unchanged (the same WAL,
 * the same synchronous=NORMAL; a crash loses at most the open transaction);
 * only who waits for the fsync changes. bench_fed: commit of 1,000 entries
 * in-run 1.3-1.9 ms -> ~0.6 ms. If the second connection or the thread
 * cannot start, SQLite's own automatic checkpoint stays in place. A failed
 * checkpoint is retried at the next wake-up; closing the log checkpoints
 * whatever is left (sqlite3_close of the last connection).
 *
 * Restarting the WAL. A passive checkpoint copies frames but never lets the
 * WAL start again from its beginning: SQLite rewinds it only when a writer
 * begins while every frame is already in the database, and a writer that
 * commits more often than a checkpoint takes never sees that. Under a
 * steady stream the WAL then grew without end (bench_fed: 490 MB a ledger
 * after 6 s, every frame a new block of the file system to allocate). So
 * the writer rewinds it itself, in the hook after a commit, with
 * SQLITE_CHECKPOINT_RESTART on its own connection (which copies what is
 * left and syncs both files while the writer waits):
 *  - when the last pass ended less than CKPT_TAIL behind the WAL's live
 *    end (the pages the hook is given, not the size the pass started
 *    from) and no pass is running: a short tail to copy;
 *  - at CKPT_CAP of WAL whatever the distance, after waiting (at most
 *    CKPT_WAIT_MS) for a running pass to end: SQLite does not wait for the
 *    checkpoint lock, so the writer waits on ckpt_idle. The WAL stays
 *    bounded, and a writer faster than the disk goes at the disk's pace.
 * Each pass ends by syncing the database and WAL files through the
 * checkpointer's own file handles (a pass that does not reach the live end
 * leaves the database unsynced, and synchronous=NORMAL syncs the WAL only
 * when a checkpoint starts), so the restart has only the last pages to
 * sync. The restart runs with no busy handler: a reader in another process
 * (jmd verify of a live log) holds it off at once rather than holding the
 * writer (the frames are still copied up to the reader's snapshot), and
 * no restart is tried again until the WAL has grown by a quarter of
 * CKPT_BYTES (but at the cap, whatever the distance). The hook notices a
 * rewind (fewer pages than at the last commit: its own restart, or
 * SQLite's when a pass had copied every frame) and forgets what it knew
 * of the old WAL: the last pass's position and the retry point; a pass
 * that ran over a WAL since rewound is not taken as a position. Note that
 * RESTART itself does not rewrite the WAL: it makes the next write start
 * from the WAL's beginning. */

#define CKPT_BYTES (16 << 20)
#define CKPT_TAIL (4 << 20)
#define CKPT_CAP (32 << 20)
#define CKPT_WAIT_MS 5000
/* The busy timeout of a log's connections (a writer of another handle, a
 * checkpoint in the way). */
#define LOG_BUSY_MS 5000

/* Syncs the database (op SQLITE_FCNTL_FILE_POINTER) or WAL
 * (SQLITE_FCNTL_JOURNAL_POINTER) file of connection db to the disk;
 * best effort (a failure leaves the sync to the checkpoint). */
static void sync_file(sqlite3 *db, int op)
{
    sqlite3_file *f = NULL;
    if (sqlite3_file_control(db, "main", op, &f) == SQLITE_OK && f && f->pMethods)
        (void)f->pMethods->xSync(f, SQLITE_SYNC_NORMAL);
}

static void *checkpointer_main(void *arg)
{
    jmd_ledger_log *log = arg;
    pthread_mutex_lock(&log->ckpt_lock);
    for (;;) {
        while (!log->ckpt_pending && !log->ckpt_stop)
            pthread_cond_wait(&log->ckpt_cond, &log->ckpt_lock);
        if (log->ckpt_stop) break;
        log->ckpt_pending = 0;
        log->ckpt_busy = 1;
        unsigned gen = log->ckpt_gen;
        pthread_mutex_unlock(&log->ckpt_lock);
        int nlog = -1, ndone = -1;
        int rc = sqlite3_wal_checkpoint_v2(log->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                           &nlog, &ndone);
        if (rc == SQLITE_OK) {
            sync_file(log->ckpt_db, SQLITE_FCNTL_FILE_POINTER);
            sync_file(log->ckpt_db, SQLITE_FCNTL_JOURNAL_POINTER);
        }
        pthread_mutex_lock(&log->ckpt_lock);
        log->ckpt_busy = 0;
        /* A pass over a WAL since rewound says nothing about this one. */
        if (rc == SQLITE_OK && ndone >= 0 && gen == log->ckpt_gen) {
            log->ckpt_done = ndone;
            log->ckpt_passed = 1;
        }
        pthread_cond_broadcast(&log->ckpt_idle);
    }
    pthread_mutex_unlock(&log->ckpt_lock);
    return NULL;
}

/* Waits (ckpt_lock held) until no pass runs, at most CKPT_WAIT_MS: 1 when
 * none does. */
static int wait_idle_locked(jmd_ledger_log *log)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += CKPT_WAIT_MS / 1000;
    until.tv_nsec += (long)(CKPT_WAIT_MS % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    while (log->ckpt_busy)
        if (pthread_cond_timedwait(&log->ckpt_idle, &log->ckpt_lock, &until) != 0) break;
    return !log->ckpt_busy;
}

/* sqlite3_wal_hook: after every commit, in the committing thread, with the
 * WAL's size in pages. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    jmd_ledger_log *log = arg;
    int restart = 0, cap = 0;
    int q = log->ckpt_pages / 4;
    pthread_mutex_lock(&log->ckpt_lock);
    if (pages < log->ckpt_last) {
        /* Rewound since the last commit (by this hook's restart, or by
         * SQLite itself when a pass had copied every frame): what was
         * known of the old WAL no longer holds. */
        log->ckpt_gen++;
        log->ckpt_passed = 0;
        log->ckpt_retry = 0;
        log->ckpt_stats.rewound++;
    }
    log->ckpt_last = pages;
    if (pages >= log->ckpt_pages && pages >= log->ckpt_retry) {
        if (pages >= log->ckpt_cap) {
            cap = 1;
            restart = wait_idle_locked(log);
            /* A pass longer than the wait: not again before 4 MiB more. */
            if (!restart) log->ckpt_retry = pages + q;
        } else {
            restart = !log->ckpt_busy && log->ckpt_passed && log->ckpt_done <= pages &&
                      pages - log->ckpt_done <= log->ckpt_tail;
        }
    }
    if (restart) {
        /* Nothing of the checkpointer's in the way meanwhile: a pass asked
         * for earlier is dropped (the restart copies what it would). */
        log->ckpt_pending = 0;
        log->ckpt_passed = 0;
    } else if (pages >= log->ckpt_pages && !log->ckpt_busy) {
        log->ckpt_pending = 1;
        pthread_cond_signal(&log->ckpt_cond);
    }
    pthread_mutex_unlock(&log->ckpt_lock);
    if (restart) {
        sqlite3_busy_timeout(db, 0);
        int rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
        sqlite3_busy_timeout(db, LOG_BUSY_MS);
        pthread_mutex_lock(&log->ckpt_lock);
        if (rc == SQLITE_OK) {
            /* The next write starts the WAL again (ckpt_last then sees it). */
            log->ckpt_retry = 0;
            if (cap)
                log->ckpt_stats.cap++;
            else
                log->ckpt_stats.tail++;
        } else {
            /* A reader in the way: tried again 4 MiB on, and at the cap
             * whatever the distance. */
            int next = pages + q;
            log->ckpt_retry = pages >= log->ckpt_cap || next < log->ckpt_cap ? next : log->ckpt_cap;
            log->ckpt_stats.failed++;
        }
        pthread_mutex_unlock(&log->ckpt_lock);
    }
    return SQLITE_OK;
}

void jmd_ledger__log_ckpt_stats(jmd_ledger_log *log, jmd_ledger__ckpt_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!log || !log->ckpt_running) return;
    pthread_mutex_lock(&log->ckpt_lock);
    *out = log->ckpt_stats;
    pthread_mutex_unlock(&log->ckpt_lock);
}

/* Starts the checkpointer; on any failure leaves SQLite's own automatic
 * checkpoint in place (it is the default) and returns nothing. */
static void checkpointer_start(jmd_ledger_log *log)
{
    /* Two connections on two threads need a thread-safe SQLite. */
    if (!sqlite3_threadsafe()) return;
    /* The threshold in this file's pages (a file keeps the page size it
     * was made with). */
    sqlite3_stmt *st = NULL;
    int page = 0;
    if (sqlite3_prepare_v2(log->db, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        page = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (page < 512) return;
    log->ckpt_pages = CKPT_BYTES / page;
    log->ckpt_tail = CKPT_TAIL / page;
    log->ckpt_cap = CKPT_CAP / page;
    if (pthread_mutex_init(&log->ckpt_lock, NULL) != 0) return;
    if (pthread_cond_init(&log->ckpt_cond, NULL) != 0) {
        pthread_mutex_destroy(&log->ckpt_lock);
        return;
    }
    /* The writer's wait at the cap counts on the monotonic clock. */
    pthread_condattr_t ca;
    int cok = 0;
    if (pthread_condattr_init(&ca) == 0) {
        cok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
              pthread_cond_init(&log->ckpt_idle, &ca) == 0;
        pthread_condattr_destroy(&ca);
    }
    if (!cok) {
        pthread_cond_destroy(&log->ckpt_cond);
        pthread_mutex_destroy(&log->ckpt_lock);
        return;
    }
    if (sqlite3_open_v2(log->path, &log->ckpt_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        goto fail;
    sqlite3_busy_timeout(log->ckpt_db, LOG_BUSY_MS);
    /* A connection opens its file lazily; until it has read it, it does
     * not know the file is WAL and a checkpoint does nothing. */
    if (sqlite3_exec(log->ckpt_db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    if (pthread_create(&log->ckpt_thread, NULL, checkpointer_main, log) != 0) goto fail;
    log->ckpt_running = 1;
    sqlite3_wal_hook(log->db, wal_hook, log); /* replaces the automatic checkpoint */
    return;
fail:
    sqlite3_close(log->ckpt_db);
    log->ckpt_db = NULL;
    pthread_cond_destroy(&log->ckpt_idle);
    pthread_cond_destroy(&log->ckpt_cond);
    pthread_mutex_destroy(&log->ckpt_lock);
}

static void checkpointer_stop(jmd_ledger_log *log)
{
    if (!log->ckpt_running) return;
    sqlite3_wal_hook(log->db, NULL, NULL);
    pthread_mutex_lock(&log->ckpt_lock);
    log->ckpt_stop = 1;
    pthread_cond_signal(&log->ckpt_cond);
    pthread_mutex_unlock(&log->ckpt_lock);
    pthread_join(log->ckpt_thread, NULL);
    sqlite3_close(log->ckpt_db);
    log->ckpt_db = NULL;
    log->ckpt_running = 0;
    pthread_cond_destroy(&log->ckpt_idle);
    pthread_cond_destroy(&log->ckpt_cond);
    pthread_mutex_destroy(&log->ckpt_lock);
}

const char *const jmd_ledger__log_schema =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE peers(idx INTEGER PRIMARY KEY, name TEXT NOT NULL, pk BLOB NOT NULL);"
    "CREATE TABLE blocks(first INTEGER PRIMARY KEY, count INTEGER NOT NULL, body BLOB NOT "
    "NULL, leaves BLOB NOT NULL);"
    "CREATE TABLE checkpoints(size INTEGER PRIMARY KEY, root BLOB NOT NULL, step INTEGER NOT "
    "NULL, msg BLOB);"
    "CREATE TABLE cosigned(peer INTEGER NOT NULL, size INTEGER NOT NULL, root BLOB NOT NULL, "
    "msg BLOB NOT NULL, PRIMARY KEY(peer, size));"
    "CREATE TABLE cosignatures(cosigner INTEGER NOT NULL, size INTEGER NOT NULL, msg BLOB NOT "
    "NULL, PRIMARY KEY(cosigner, size));";

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
lfail(jmd_ledger_log *log, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(log->msg, sizeof log->msg, fmt, ap);
    va_end(ap);
    return rc;
}


static int dbfail(jmd_ledger_log *log, const char *what)
{
    return lfail(log, JMD_EIO, "%s: %s: %s", log->path, what, sqlite3_errmsg(log->db));
}

/* ---- the leaf --------------------------------------------------------------- */

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The entry's rules; a message entry's bytes are decoded only with
 * decode (else the caller vouches that they are m's encoding, and they are
 * checked against m cheaply: length, kind and sequence number). */
static int entry_check(const jmd_log_entry *e, const jmd_msg *m, char *why, size_t whylen);

int jmd_ledger__entry_check(const jmd_log_entry *e, char *why, size_t whylen)
{
    return entry_check(e, NULL, why, whylen);
}

static int entry_check(const jmd_log_entry *e, const jmd_msg *known, char *why, size_t whylen)
{
    if (!e) return jmd__fail(JMD_EINVAL, why, whylen, "NULL entry");
    if (e->dir < JMD_LOG_SENT || e->dir > JMD_LOG_NOTE)
        return jmd__fail(JMD_EINVAL, why, whylen, "dir: expected 1 .. 5, found %d", e->dir);
    if (!(e->peer == JMD_LOG_PEER_NONE || (e->peer >= 0 && e->peer < JMD_MSG_MAX_PARTIES) ||
          e->peer == JMD_LOG_PEER_WORLD || e->peer == JMD_LOG_PEER_BROADCAST))
        return jmd__fail(JMD_EINVAL, why, whylen,
                     "peer: expected -1, a party index below %d, 254 or 255, found %d",
                     JMD_MSG_MAX_PARTIES, e->peer);
    if (e->kind < 0 || e->kind > 255)
        return jmd__fail(JMD_EINVAL, why, whylen, "kind: expected 0 .. 255, found %d", e->kind);
    if (!isfinite(e->t)) return jmd__fail(JMD_EINVAL, why, whylen, "t: expected a finite time");
    if (e->len > JMD_LOG_DATA_MAX || (!e->data && e->len))
        return jmd__fail(JMD_EINVAL, why, whylen, "data: expected at most %u bytes",
                     JMD_LOG_DATA_MAX);
    if (e->reason && strlen(e->reason) > JMD_LOG_REASON_MAX)
        return jmd__fail(JMD_EINVAL, why, whylen, "reason: expected at most %u bytes",
                     JMD_LOG_REASON_MAX);
    if ((e->dir == JMD_LOG_SENT || e->dir == JMD_LOG_RECEIVED) && known) {
        /* The encoding of a message the caller holds decoded (it made or
         * checked its authenticator over these very bytes): compared with
         * the message cheaply (length, kind, sequence number; every byte
         * in debug builds, the sanitizer tests among them). */
        if (!jmd_msg_encoding_matches(known, e->data, e->len))
            return jmd__fail(JMD_EINVAL, why, whylen,
                             "data: not the encoding of the %s seq %llu given with it",
                             jmd_msg_kind_name((int)known->kind),
                             (unsigned long long)known->seq);
        if ((int)known->kind != e->kind || known->seq != e->seq)
            return jmd__fail(JMD_EINVAL, why, whylen,
                         "kind %d seq %llu: expected the message's kind %d seq %llu", e->kind,
                         (unsigned long long)e->seq, (int)known->kind,
                         (unsigned long long)known->seq);
    } else if (e->dir == JMD_LOG_SENT || e->dir == JMD_LOG_RECEIVED) {
        /* A message entry holds exactly the bytes that travelled; its
         * columns must say the same as the message (verify relies on it). */
        jmd_msg m;
        char merr[200];
        if (jmd_msg_decode(e->data, e->len, &m, merr, sizeof merr) != 0)
            return jmd__fail(JMD_EINVAL, why, whylen, "data: not a message: %s", merr);
        if ((int)m.kind != e->kind || m.seq != e->seq)
            return jmd__fail(JMD_EINVAL, why, whylen,
                         "kind %d seq %llu: expected the message's kind %d seq %llu", e->kind,
                         (unsigned long long)e->seq, (int)m.kind, (unsigned long long)m.seq);
    }
    return 0;
}

/* Bytes of the serialisation before the data: version, dir, peer, kind,
 * seq, t, step, data length. */
#define LEAF_HEAD (1 + 1 + 4 + 1 + 8 + 8 + 8 + 4)

/* The fixed head of e's serialisation into head, the reason's length to
 * *rlen; only the sizes are checked (verify hashes rows as they are
 * stored, before judging them). */
static int leaf_head(const jmd_log_entry *e, uint8_t head[LEAF_HEAD], size_t *rlen)
{
    *rlen = e->reason ? strlen(e->reason) : 0;
    if (e->len > JMD_LOG_DATA_MAX || *rlen > JMD_LOG_REASON_MAX || (!e->data && e->len))
        return JMD_EINVAL;
    double t = e->t == 0.0 ? 0.0 : e->t; /* -0.0 is recorded as +0.0 */
    uint64_t tb;
    memcpy(&tb, &t, sizeof tb);
    uint8_t *p = head;
    *p++ = JMD_LOG_LEAF_VERSION;
    *p++ = (uint8_t)e->dir;
    put_le(p, (uint32_t)(int32_t)e->peer, 4), p += 4;
    *p++ = (uint8_t)e->kind;
    put_le(p, e->seq, 8), p += 8;
    put_le(p, tb, 8), p += 8;
    put_le(p, (uint64_t)e->step, 8), p += 8;
    put_le(p, e->len, 4);
    return 0;
}

/* The serialisation without the entry rules: head, data, reason length,
 * reason. */
static int serialise(const jmd_log_entry *e, uint8_t *buf, size_t cap, size_t *n)
{
    uint8_t head[LEAF_HEAD];
    size_t rlen;
    int rc = leaf_head(e, head, &rlen);
    if (rc) return rc;
    size_t need = LEAF_HEAD + e->len + 4 + rlen;
    *n = need;
    if (cap < need) return JMD_ERANGE;
    uint8_t *p = buf;
    memcpy(p, head, LEAF_HEAD), p += LEAF_HEAD;
    if (e->len) memcpy(p, e->data, e->len), p += e->len;
    put_le(p, rlen, 4), p += 4;
    if (rlen) memcpy(p, e->reason, rlen);
    return 0;
}

int jmd_ledger_log_leaf_bytes(const jmd_log_entry *e, uint8_t *buf, size_t cap, size_t *n)
{
    if (!n || (!buf && cap)) return JMD_EINVAL;
    int rc = jmd_ledger__entry_check(e, NULL, 0);
    if (rc) return rc;
    return serialise(e, buf, cap, n);
}

int jmd_ledger__leaf_hash_raw(const jmd_log_entry *e, jmd_merkle_hash *out)
{
    /* The leaf hash of serialise()'s bytes, hashed in place: the data
     * (up to JMD_LOG_DATA_MAX) is never copied, nothing is allocated. */
    static const uint8_t leaf_prefix = 0x00; /* RFC 9162: leaf, as jmd_merkle_leaf_hash */
    uint8_t head[LEAF_HEAD], rl[4];
    size_t rlen;
    int rc = leaf_head(e, head, &rlen);
    if (rc) return rc;
    put_le(rl, rlen, 4);
    const jmd_ledger__part parts[5] = {
        {&leaf_prefix, 1}, {head, LEAF_HEAD}, {e->data, e->len}, {rl, 4}, {e->reason, rlen},
    };
    return jmd_ledger__sha256v(parts, 5, out->b);
}

int jmd_ledger_log_leaf_hash(const jmd_log_entry *e, jmd_merkle_hash *out)
{
    if (!e || !out) return JMD_EINVAL;
    int rc = jmd_ledger__entry_check(e, NULL, 0);
    return rc ? rc : jmd_ledger__leaf_hash_raw(e, out);
}

/* The frontier after the tree's newest leaf, copied from the roots the
 * tree keeps instead of hashed again (jmd_merkle_frontier_append would
 * redo the node hashes jmd_merkle_tree_append just did). f holds the
 * tree less that leaf, size s = t->size - 1. With L the trailing 1 bits
 * of s, the frontier's last L nodes merge into the perfect subtree of
 * 2^L leaves ending at the new one: the tree's level[L][s >> L]. */
static void frontier_from_tree(jmd_merkle_frontier *f, const jmd_merkle_tree *t)
{
    uint64_t s = f->size;
    unsigned ones = 0, cnt = 0;
    while ((s >> ones) & 1) ones++;
    for (uint64_t x = s; x; x &= x - 1) cnt++;
    f->node[cnt - ones] = t->level[ones][s >> ones];
    f->size = s + 1;
}

/* ---- blocks ----------------------------------------------------------------- */

int jmd_ledger__serialise(const jmd_log_entry *e, uint8_t *buf, size_t cap, size_t *n)
{
    return serialise(e, buf, cap, n);
}

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

int jmd_ledger__block_shape(int64_t first, int64_t count, size_t body_len, size_t leaves_len,
                            uint64_t expect, char *why, size_t whylen)
{
    if (first < 0 || (uint64_t)first != expect)
        return jmd__fail(JMD_EVERIFY, why, whylen,
                         "a block starts at index %lld, expected %llu (indexes 0, 1, 2 ...)",
                         (long long)first, (unsigned long long)expect);
    if (count < 1 || count > BLOCK_ENTRIES)
        return jmd__fail(JMD_EVERIFY, why, whylen,
                         "its block says %lld entries, expected 1 .. %d", (long long)count,
                         BLOCK_ENTRIES);
    if (leaves_len != (size_t)count * JMD_MERKLE_HASH_SIZE)
        return jmd__fail(JMD_EVERIFY, why, whylen,
                         "its block says %lld entries with %zu bytes of leaf hashes, expected "
                         "%lld",
                         (long long)count, leaves_len,
                         (long long)count * JMD_MERKLE_HASH_SIZE);
    if (body_len > JMD_LEDGER__BLOCK_BODY_MAX)
        return jmd__fail(JMD_EVERIFY, why, whylen,
                         "its block holds %zu bytes, more than a log writes (%zu)", body_len,
                         (size_t)JMD_LEDGER__BLOCK_BODY_MAX);
    return 0;
}

void jmd_ledger__blk_init(jmd_ledger__blk *b, uint64_t first, const void *body, size_t len,
                          const void *leaves, size_t llen)
{
    b->p = body;
    b->end = b->p ? b->p + len : NULL;
    b->leaf = leaves;
    b->leaf_end = b->leaf ? b->leaf + llen : NULL;
    b->index = first;
}

int jmd_ledger__blk_next(jmd_ledger__blk *b, jmd_log_entry *e, const uint8_t **bytes,
                         size_t *nbytes, jmd_merkle_hash *leaf, int *leaf_ok, char *why,
                         size_t whylen)
{
    if (!b->p || b->p == b->end) return 0;
    size_t left = (size_t)(b->end - b->p);
    const uint8_t *p = b->p;
    if (left < LEAF_HEAD)
        return jmd__fail(JMD_EVERIFY, why, whylen,
                         "the stored bytes end %zu bytes into an entry's %d-byte head", left,
                         LEAF_HEAD);
    if (p[0] != JMD_LOG_LEAF_VERSION)
        return jmd__fail(JMD_EVERIFY, why, whylen,
                         "the stored bytes: expected leaf version %d, found %u",
                         JMD_LOG_LEAF_VERSION, p[0]);
    uint64_t tb = get_le(p + 15, 8);
    uint64_t len = get_le(p + 31, 4);
    if (len > JMD_LOG_DATA_MAX || len > left - LEAF_HEAD || left - LEAF_HEAD - len < 4)
        return jmd__fail(JMD_EVERIFY, why, whylen,
                         "the stored bytes: data of %llu bytes, %zu bytes left",
                         (unsigned long long)len, left - LEAF_HEAD);
    uint64_t rlen = get_le(p + LEAF_HEAD + len, 4);
    size_t used = LEAF_HEAD + (size_t)len + 4;
    if (rlen > JMD_LOG_REASON_MAX || rlen > left - used)
        return jmd__fail(JMD_EVERIFY, why, whylen,
                         "the stored bytes: a reason of %llu bytes, %zu bytes left",
                         (unsigned long long)rlen, left - used);
    /* Only the canonical serialisation is an entry (the stored bytes are
     * then exactly what serialise() makes of the fields they hold). */
    if (tb == 0x8000000000000000ull)
        return jmd__fail(JMD_EVERIFY, why, whylen,
                         "the stored bytes: t is -0.0 (the log records +0.0)");
    const uint8_t *r = p + used;
    if (rlen && memchr(r, 0, (size_t)rlen))
        return jmd__fail(JMD_EVERIFY, why, whylen, "the stored bytes: a NUL inside the reason");
    memcpy(b->reason, r, (size_t)rlen);
    b->reason[rlen] = '\0';
    e->index = b->index;
    e->dir = p[1];
    e->peer = (int)(int32_t)(uint32_t)get_le(p + 2, 4);
    e->kind = p[6];
    e->seq = get_le(p + 7, 8);
    memcpy(&e->t, &tb, sizeof tb);
    e->step = (int64_t)get_le(p + 23, 8);
    e->len = (size_t)len;
    e->data = p + LEAF_HEAD;
    e->reason = rlen ? b->reason : NULL;
    used += (size_t)rlen;
    if (bytes) *bytes = p;
    if (nbytes) *nbytes = used;
    if (leaf_ok) {
        *leaf_ok = b->leaf && b->leaf_end - b->leaf >= JMD_MERKLE_HASH_SIZE;
        if (*leaf_ok && leaf) memcpy(leaf->b, b->leaf, JMD_MERKLE_HASH_SIZE);
    }
    if (b->leaf && b->leaf_end - b->leaf >= JMD_MERKLE_HASH_SIZE)
        b->leaf += JMD_MERKLE_HASH_SIZE;
    else
        b->leaf = b->leaf_end;
    b->p += used;
    b->index++;
    return 1;
}

static int exec(jmd_ledger_log *log, const char *sql)
{
    return sqlite3_exec(log->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : dbfail(log, sql);
}

static int meta_put(jmd_ledger_log *log, const char *key, const void *v, int n)
{
    sqlite3_stmt *st = NULL;
    int rc = JMD_EIO;
    if (sqlite3_prepare_v2(log->db, "INSERT INTO meta VALUES(?, ?)", -1, &st, NULL) !=
        SQLITE_OK)
        return dbfail(log, "prepare meta");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, v, n, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : dbfail(log, "write meta");
    sqlite3_finalize(st);
    return rc;
}

/* Meta value of key into buf (cap bytes), its size to *n; JMD_EPARSE when
 * the table or the key is missing. */
int jmd_ledger__meta_get(sqlite3 *db, const char *key, void *buf, size_t cap, size_t *n)
{
    sqlite3_stmt *st = NULL;
    int rc = JMD_EPARSE;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return JMD_EPARSE;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const void *v = sqlite3_column_blob(st, 0);
        size_t len = (size_t)sqlite3_column_bytes(st, 0);
        if (len <= cap) {
            if (len) memcpy(buf, v, len);
            *n = len;
            rc = 0;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Reads and checks meta: format "jmd-log", version, party, pk. Writes the
 * stored party and pk (either may be NULL). JMD_EPARSE with a reason. */
int jmd_ledger__meta_check(sqlite3 *db, char party[JMD_LEDGER_PARTY_MAX + 1],
                           uint8_t pk[JMD_LEDGER_PK_SIZE], char *why, size_t whylen)
{
    char buf[128];
    size_t n = 0;
    if (jmd_ledger__meta_get(db, "format", buf, sizeof buf - 1, &n) != 0 || n != 7 ||
        memcmp(buf, "jmd-log", 7) != 0)
        return jmd__fail(JMD_EPARSE, why, whylen,
                     "expected a jmd log, found no jmd-log meta table");
    if (jmd_ledger__meta_get(db, "version", buf, sizeof buf - 1, &n) != 0)
        return jmd__fail(JMD_EPARSE, why, whylen, "expected a format version, found none");
    buf[n] = '\0';
    char want[16];
    snprintf(want, sizeof want, "%d", JMD_LOG_FORMAT_VERSION);
    if (strcmp(buf, want) != 0)
        return jmd__fail(JMD_EPARSE, why, whylen, "expected format version %d, found \"%s\"",
                     JMD_LOG_FORMAT_VERSION, buf);
    if (jmd_ledger__meta_get(db, "party", buf, JMD_LEDGER_PARTY_MAX, &n) != 0)
        return jmd__fail(JMD_EPARSE, why, whylen, "expected a party name, found none");
    buf[n] = '\0';
    if (jmd_ledger_party_name_check(buf) != 0)
        return jmd__fail(JMD_EPARSE, why, whylen, "expected a party name, found \"%s\"", buf);
    if (party) memcpy(party, buf, n + 1);
    uint8_t key[JMD_LEDGER_PK_SIZE];
    if (jmd_ledger__meta_get(db, "public_key", key, sizeof key, &n) != 0 || n != sizeof key)
        return jmd__fail(JMD_EPARSE, why, whylen, "expected a 32-byte public key, found none");
    if (pk) memcpy(pk, key, sizeof key);
    return 0;
}

/* ---- open and close --------------------------------------------------------- */

static int prepare_all(jmd_ledger_log *log)
{
    static const char *const sql[Q_NQ] = {
        "INSERT INTO blocks VALUES(?, ?, ?, ?)",
        "SELECT first, count, body, leaves FROM blocks WHERE first <= ? ORDER BY first DESC "
        "LIMIT 1",
    };
    for (int i = 0; i < Q_NQ; i++)
        if (sqlite3_prepare_v3(log->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &log->q[i],
                               NULL) != SQLITE_OK)
            return dbfail(log, "prepare");
    return 0;
}

/* Rebuilds the frontier from the stored blocks, checking each entry. */
static int reload(jmd_ledger_log *log)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, s;
    jmd_ledger__blk *b = malloc(sizeof *b);
    if (!b) return lfail(log, JMD_ENOMEM, "%s: out of memory", log->path);
    jmd_merkle_frontier_init(&log->f);
    jmd_merkle_tree_free(&log->tree);
    log->last_step = 0;
    if (sqlite3_prepare_v2(log->db, "SELECT first, count, body, leaves FROM blocks ORDER BY first",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = dbfail(log, "read entries");
        goto done;
    }
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t first_i = sqlite3_column_int64(st, 0);
        int64_t count = sqlite3_column_int64(st, 1);
        char why[256];
        if (jmd_ledger__block_shape(first_i, count, (size_t)sqlite3_column_bytes(st, 2),
                                    (size_t)sqlite3_column_bytes(st, 3), log->f.size, why,
                                    sizeof why) != 0) {
            rc = lfail(log, JMD_EVERIFY, "%s: entry %llu: %s", log->path,
                       (unsigned long long)log->f.size, why);
            goto done;
        }
        uint64_t first = (uint64_t)first_i;
        jmd_ledger__blk_init(b, first, sqlite3_column_blob(st, 2),
                             (size_t)sqlite3_column_bytes(st, 2), sqlite3_column_blob(st, 3),
                             (size_t)sqlite3_column_bytes(st, 3));
        jmd_log_entry e;
        const uint8_t *bytes;
        size_t nbytes;
        jmd_merkle_hash stored, h;
        int leaf_ok = 0, got;
        while ((got = jmd_ledger__blk_next(b, &e, &bytes, &nbytes, &stored, &leaf_ok, why,
                                           sizeof why)) == 1) {
            if (jmd_merkle_leaf_hash(bytes, nbytes, &h) != 0 || !leaf_ok ||
                memcmp(h.b, stored.b, sizeof h.b) != 0) {
                rc = lfail(log, JMD_EVERIFY,
                           "%s: entry %llu (%s): the stored leaf hash does not match its fields",
                           log->path, (unsigned long long)e.index, jmd_msg_kind_name(e.kind));
                goto done;
            }
            if (jmd_ledger__entry_check(&e, why, sizeof why) != 0) {
                rc = lfail(log, JMD_EVERIFY, "%s: entry %llu: the row breaks the entry rules: %s",
                           log->path, (unsigned long long)e.index, why);
                goto done;
            }
            if ((rc = jmd_merkle_tree_append(&log->tree, &h)) != 0) {
                lfail(log, rc, "%s: %s", log->path,
                      rc == JMD_ENOMEM ? "out of memory" : "cannot hash the tree");
                goto done;
            }
            frontier_from_tree(&log->f, &log->tree);
            log->last_step = e.step;
        }
        if (got < 0) {
            rc = lfail(log, JMD_EVERIFY, "%s: entry %llu: %s", log->path,
                       (unsigned long long)b->index, why);
            goto done;
        }
        if (count != (int64_t)(b->index - first)) {
            rc = lfail(log, JMD_EVERIFY,
                       "%s: the block from entry %llu: expected %lld entries, found %llu",
                       log->path, (unsigned long long)first, (long long)count,
                       (unsigned long long)(b->index - first));
            goto done;
        }
    }
    if (s != SQLITE_DONE) rc = dbfail(log, "read entries");
done:
    sqlite3_finalize(st);
    free(b);
    return rc;
}

static void block_free(block *k)
{
    free(k->body);
    free(k->leaves);
    memset(k, 0, sizeof *k);
}

int jmd_ledger_log_open(const char *path, const char *party,
                        const uint8_t pk[JMD_LEDGER_PK_SIZE], int create, jmd_ledger_log **out,
                        char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!path || !party || !pk || !out) return jmd__fail(JMD_EINVAL, err, errlen, "NULL argument");
    *out = NULL;
    if (jmd_ledger_party_name_check(party) != 0)
        return jmd__fail(JMD_EINVAL, err, errlen, "%s: expected a party name, found \"%s\"", path,
                     party);
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (create && exists)
        return jmd__fail(JMD_EIO, err, errlen, "%s: expected a new file, found an existing one",
                     path);
    if (!create && !exists)
        return jmd__fail(JMD_EIO, err, errlen, "%s: cannot be opened: no such file", path);

    int rc = JMD_ENOMEM;
    jmd_ledger_log *log = calloc(1, sizeof *log);
    if (!log) goto fail_alloc;
    log->path = strdup(path);
    if (!log->path) goto fail_path;
    memcpy(log->pk, pk, JMD_LEDGER_PK_SIZE);
    snprintf(log->party, sizeof log->party, "%s", party);
    /* NOMUTEX: a log handle is used by one thread at a time (its
     * in-memory tree has no lock either), so SQLite's per-call connection
     * mutex is pure cost (~8 % of an append). */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &log->db, flags, NULL) != SQLITE_OK) {
        rc = jmd__fail(JMD_EIO, err, errlen, "%s: cannot be opened: %s", path,
                   log->db ? sqlite3_errmsg(log->db) : "out of memory");
        goto fail_db;
    }
    sqlite3_busy_timeout(log->db, LOG_BUSY_MS);
    if (create) {
        /* 16 KiB pages (set before the first table; a file keeps its page
         * size). A commit rewrites the last, partly filled page of the
         * blocks and the pages above it: with 16 KiB pages a commit of a
         * thousand ~370-byte entries puts 1.13 bytes into the WAL per byte
         * of entries, with 64 KiB pages 1.8 (and 4 KiB pages spread a
         * block row over more overflow pages). The WAL's bytes are written
         * twice (the WAL, then the checkpoint) and flushed to the disk,
         * which on a VM's disk is the ledger's largest cost: bench_fed,
         * 8 s runs, 158-178k -> 170-191k messages/s. */
        if ((rc = exec(log, "PRAGMA page_size=16384")) != 0) goto fail_setup;
        if ((rc = exec(log, "PRAGMA journal_mode=WAL")) != 0) goto fail_setup;
        char ver[8];
        snprintf(ver, sizeof ver, "%d", JMD_LOG_FORMAT_VERSION);
        if ((rc = exec(log, "BEGIN")) != 0 || (rc = exec(log, jmd_ledger__log_schema)) != 0 ||
            (rc = meta_put(log, "format", "jmd-log", 7)) != 0 ||
            (rc = meta_put(log, "version", ver, (int)strlen(ver))) != 0 ||
            (rc = meta_put(log, "party", party, (int)strlen(party))) != 0 ||
            (rc = meta_put(log, "public_key", pk, JMD_LEDGER_PK_SIZE)) != 0 ||
            (rc = exec(log, "COMMIT")) != 0)
            goto fail_setup;
    } else {
        char stored_party[JMD_LEDGER_PARTY_MAX + 1];
        uint8_t stored_pk[JMD_LEDGER_PK_SIZE];
        char why[200];
        rc = jmd_ledger__meta_check(log->db, stored_party, stored_pk, why, sizeof why);
        if (rc) {
            lfail(log, rc, "%s: %s", path, why);
            goto fail_setup;
        }
        if (strcmp(stored_party, party) != 0) {
            rc = lfail(log, JMD_EPARSE, "%s: expected the log of party %s, found party %s",
                       path, party, stored_party);
            goto fail_setup;
        }
        if (memcmp(stored_pk, pk, sizeof stored_pk) != 0) {
            rc = lfail(log, JMD_EPARSE,
                       "%s: expected the log of %s's public key, found another key", path,
                       party);
            goto fail_setup;
        }
        /* WAL after the meta check: a file that is not a log is reported
         * as such, not as a failed pragma. */
        if ((rc = exec(log, "PRAGMA journal_mode=WAL")) != 0) goto fail_setup;
        if ((rc = reload(log)) != 0) goto fail_setup;
    }
    if ((rc = exec(log, "PRAGMA synchronous=NORMAL")) != 0 || (rc = prepare_all(log)) != 0)
        goto fail_setup;
    checkpointer_start(log);
    *out = log;
    return 0;

fail_setup:
    if (!(err && err[0])) jmd__fail(rc, err, errlen, "%s", log->msg);
    for (int i = 0; i < Q_NQ; i++)
        sqlite3_finalize(log->q[i]);
fail_db:
    sqlite3_close(log->db);
    if (create && !exists) remove(path);
    free(log->path);
fail_path:
    jmd_merkle_tree_free(&log->tree);
    free(log);
fail_alloc:
    if (rc == JMD_ENOMEM) jmd__fail(rc, err, errlen, "%s: out of memory", path);
    return rc;
}

void jmd_ledger_log_close(jmd_ledger_log *log)
{
    if (!log) return;
    if (log->in_tx) sqlite3_exec(log->db, "ROLLBACK", NULL, NULL, NULL);
    checkpointer_stop(log);
    for (int i = 0; i < Q_NQ; i++)
        sqlite3_finalize(log->q[i]);
    sqlite3_close(log->db);
    jmd_merkle_tree_free(&log->tree);
    block_free(&log->open);
    block_free(&log->cache);
    free(log->path);
    free(log);
}

const char *jmd_ledger_log_errmsg(const jmd_ledger_log *log)
{
    return log ? log->msg : "NULL log";
}

int jmd_ledger_log_register_peer(jmd_ledger_log *log, int index, const char *name,
                                 const uint8_t pk[JMD_LEDGER_PK_SIZE])
{
    if (!log || !name || !pk) return JMD_EINVAL;
    if (index < 0 || index >= JMD_MSG_MAX_PARTIES)
        return lfail(log, JMD_EINVAL, "%s: peer index: expected 0 .. %d, found %d", log->path,
                     JMD_MSG_MAX_PARTIES - 1, index);
    if (jmd_ledger_party_name_check(name) != 0)
        return lfail(log, JMD_EINVAL, "%s: peer %d: expected a party name, found \"%s\"",
                     log->path, index, name);
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(log->db, "SELECT name, pk FROM peers WHERE idx = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return dbfail(log, "read peers");
    sqlite3_bind_int(st, 1, index);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        const char *old = (const char *)sqlite3_column_text(st, 0);
        const void *opk = sqlite3_column_blob(st, 1);
        int same = old && strcmp(old, name) == 0 && opk &&
                   sqlite3_column_bytes(st, 1) == JMD_LEDGER_PK_SIZE &&
                   memcmp(opk, pk, JMD_LEDGER_PK_SIZE) == 0;
        rc = same ? 0
                  : lfail(log, JMD_EINVAL,
                          "%s: peer %d: already registered as %s with another name or key",
                          log->path, index, old ? old : "?");
        sqlite3_finalize(st);
        return rc;
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE) return dbfail(log, "read peers");
    if (sqlite3_prepare_v2(log->db, "INSERT INTO peers VALUES(?, ?, ?)", -1, &st, NULL) !=
        SQLITE_OK)
        return dbfail(log, "write peers");
    sqlite3_bind_int(st, 1, index);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, pk, JMD_LEDGER_PK_SIZE, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : dbfail(log, "write peers");
    sqlite3_finalize(st);
    return rc;
}

/* The registered key of peer index into pk: 1 found, 0 not, <0 error. */
static int peer_key(jmd_ledger_log *log, int index, uint8_t pk[JMD_LEDGER_PK_SIZE])
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(log->db, "SELECT pk FROM peers WHERE idx = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return dbfail(log, "read peers");
    sqlite3_bind_int(st, 1, index);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW && sqlite3_column_bytes(st, 0) == JMD_LEDGER_PK_SIZE) {
        memcpy(pk, sqlite3_column_blob(st, 0), JMD_LEDGER_PK_SIZE);
        rc = 1;
    } else if (s != SQLITE_ROW && s != SQLITE_DONE) {
        rc = dbfail(log, "read peers");
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- transactions and appends ------------------------------------------------ */

int jmd_ledger_log_begin(jmd_ledger_log *log)
{
    if (!log) return JMD_EINVAL;
    if (log->in_tx)
        return lfail(log, JMD_EINVAL, "%s: begin: a transaction is open", log->path);
    int rc = exec(log, "BEGIN IMMEDIATE");
    if (rc) return rc;
    log->f_begin = log->f;
    log->last_step_begin = log->last_step;
    log->in_tx = 1;
    return 0;
}

/* Takes the open transaction back: its rows (ROLLBACK), the open block,
 * and the tree, to what the file holds. */
static void tx_abort(jmd_ledger_log *log)
{
    sqlite3_exec(log->db, "ROLLBACK", NULL, NULL, NULL);
    log->in_tx = 0;
    log->f = log->f_begin;
    jmd_merkle_tree_truncate(&log->tree, log->f.size);
    log->last_step = log->last_step_begin;
    log->open.len = 0;
    log->open.n = 0;
    log->cache.n = 0; /* it may hold a row the rollback took back */
}

/* SQLite rolls a transaction back by itself after some errors (a full
 * disk, an I/O error, out of memory) in any statement of it: then the
 * open transaction is gone though this handle still counts it open, and a
 * later row would go in by itself, after a gap. JMD_EIO (and the state
 * taken back) when that happened. */
static int tx_check(jmd_ledger_log *log)
{
    if (!log->in_tx || !sqlite3_get_autocommit(log->db)) return 0;
    tx_abort(log);
    return lfail(log, JMD_EIO,
                 "%s: the transaction was rolled back by SQLite after an earlier error; its "
                 "entries are lost",
                 log->path);
}

/* Writes the open block as one row (nothing to do when it is empty). */
static int block_write(jmd_ledger_log *log)
{
    block *k = &log->open;
    if (!k->n) return 0;
    int rc = tx_check(log);
    if (rc) return rc;
    sqlite3_stmt *st = log->q[Q_APPEND];
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, (sqlite3_int64)k->first);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)k->n);
    sqlite3_bind_blob64(st, 3, k->body, k->len, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 4, k->leaves, (sqlite3_uint64)k->n * JMD_MERKLE_HASH_SIZE,
                        SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (s != SQLITE_DONE)
        return lfail(log, JMD_EIO, "%s: cannot write entries %llu .. %llu: %s", log->path,
                     (unsigned long long)k->first,
                     (unsigned long long)(k->first + k->n - 1), sqlite3_errmsg(log->db));
    k->len = 0;
    k->n = 0;
    return 0;
}

int jmd_ledger_log_commit(jmd_ledger_log *log)
{
    if (!log) return JMD_EINVAL;
    if (!log->in_tx)
        return lfail(log, JMD_EINVAL, "%s: commit: no transaction is open", log->path);
    int rc = block_write(log);
    if (rc == 0) rc = tx_check(log);
    if (rc) {
        if (log->in_tx) tx_abort(log);
        return rc;
    }
    log->in_tx = 0;
    if (sqlite3_exec(log->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        /* The appends are lost: take the tree back to what the file holds. */
        rc = dbfail(log, "commit");
        tx_abort(log);
        return rc;
    }
    return 0;
}

static int append(jmd_ledger_log *log, const jmd_log_entry *e, const jmd_msg *m,
                  uint64_t *index);

/* append() inside a transaction: its own when none is open. */
static int append_tx(jmd_ledger_log *log, const jmd_log_entry *e, const jmd_msg *m,
                     uint64_t *index)
{
    if (!log || !e) return JMD_EINVAL;
    if (log->in_tx) return append(log, e, m, index);
    int rc = jmd_ledger_log_begin(log);
    if (rc) return rc;
    if ((rc = append(log, e, m, index)) != 0) {
        tx_abort(log);
        return rc;
    }
    return jmd_ledger_log_commit(log);
}

int jmd_ledger_log_append(jmd_ledger_log *log, const jmd_log_entry *e, uint64_t *index)
{
    return append_tx(log, e, NULL, index);
}

int jmd_ledger_log_append_msg(jmd_ledger_log *log, const jmd_log_entry *e, const jmd_msg *m,
                              uint64_t *index)
{
    if (!m) return JMD_EINVAL;
    return append_tx(log, e, m, index);
}

/* Room for need more bytes and one more leaf hash in k. */
static int block_reserve(block *k, size_t need)
{
    if (k->cap - k->len < need) {
        size_t cap = k->cap ? k->cap : BLOCK_BYTES + 4096;
        while (cap - k->len < need) cap *= 2;
        uint8_t *p = realloc(k->body, cap);
        if (!p) return JMD_ENOMEM;
        k->body = p;
        k->cap = cap;
    }
    if (k->lcap < (size_t)k->n + 1) {
        size_t lcap = k->lcap ? k->lcap * 2 : BLOCK_ENTRIES;
        uint8_t *p = realloc(k->leaves, lcap * JMD_MERKLE_HASH_SIZE);
        if (!p) return JMD_ENOMEM;
        k->leaves = p;
        k->lcap = lcap;
    }
    return 0;
}

/* Appends e to the open block (a transaction is open); the block becomes
 * a row when full. A failed row write takes the whole transaction back. */
static int append(jmd_ledger_log *log, const jmd_log_entry *e, const jmd_msg *m,
                  uint64_t *index)
{
    char why[256];
    int rc = entry_check(e, m, why, sizeof why);
    if (rc)
        return lfail(log, rc, "%s: entry %llu: %s", log->path, (unsigned long long)log->f.size,
                     why);
    if (log->f.size >= (uint64_t)INT64_MAX)
        return lfail(log, JMD_ERANGE, "%s: the log is full", log->path);
    block *k = &log->open;
    size_t rlen = e->reason ? strlen(e->reason) : 0;
    size_t need = LEAF_HEAD + e->len + 4 + rlen, n = 0;
    if (block_reserve(k, need) != 0)
        return lfail(log, JMD_ENOMEM, "%s: out of memory", log->path);
    /* The entry's bytes go straight into the block, and the leaf hashes
     * exactly those bytes (checked just above: a message entry decoded
     * once, or, from jmd_ledger_log_append_msg, compared with its message). */
    jmd_merkle_hash h;
    uint8_t *at = k->body + k->len;
    if ((rc = serialise(e, at, need, &n)) != 0 || (rc = jmd_merkle_leaf_hash(at, n, &h)) != 0)
        return lfail(log, rc, "%s: entry %llu: cannot hash it", log->path,
                     (unsigned long long)log->f.size);
    if ((rc = jmd_merkle_tree_append(&log->tree, &h)) != 0)
        return lfail(log, rc, "%s: %s", log->path,
                     rc == JMD_ENOMEM ? "out of memory" : "cannot hash the tree");
    if (!k->n) k->first = log->f.size;
    memcpy(k->leaves + (size_t)k->n * JMD_MERKLE_HASH_SIZE, h.b, JMD_MERKLE_HASH_SIZE);
    k->len += n;
    k->n++;
    if (index) *index = log->f.size;
    frontier_from_tree(&log->f, &log->tree);
    log->last_step = e->step;
    if ((k->n >= BLOCK_ENTRIES || k->len >= BLOCK_BYTES) && (rc = block_write(log)) != 0) {
        char msg[sizeof log->msg];
        memcpy(msg, log->msg, sizeof msg);
        if (log->in_tx) tx_abort(log);
        return lfail(log, rc, "%s (the transaction is rolled back)", msg);
    }
    return 0;
}

uint64_t jmd_ledger_log_size(const jmd_ledger_log *log)
{
    return log ? log->f.size : 0;
}

int jmd_ledger_log_root(const jmd_ledger_log *log, jmd_merkle_hash *root)
{
    if (!log || !root) return JMD_EINVAL;
    return jmd_merkle_frontier_root(&log->f, root);
}

void jmd_ledger_log_entry_free(jmd_log_entry_buf *out)
{
    if (!out) return;
    free(out->data_owned);
    free(out->reason_owned);
    memset(out, 0, sizeof *out);
}

/* Points k at the block holding entry index: the open block, the cached
 * row, or the row read now into the cache. */
static int block_of(jmd_ledger_log *log, uint64_t index, const block **out)
{
    block *k = &log->open;
    if (k->n && index >= k->first) {
        *out = k;
        return 0;
    }
    k = &log->cache;
    if (k->n && index >= k->first && index - k->first < k->n) {
        *out = k;
        return 0;
    }
    sqlite3_stmt *st = log->q[Q_GET];
    int rc = 0;
    k->n = 0;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = dbfail(log, "read entry");
        goto done;
    }
    int64_t count = sqlite3_column_int64(st, 1);
    size_t len = (size_t)sqlite3_column_bytes(st, 2);
    size_t llen = (size_t)sqlite3_column_bytes(st, 3);
    if (count < 1 || count > UINT32_MAX) {
        rc = lfail(log, JMD_EVERIFY, "%s: entry %llu: a block of %lld entries", log->path,
                   (unsigned long long)index, (long long)count);
        goto done;
    }
    if (len > k->cap) {
        uint8_t *p = realloc(k->body, len);
        if (!p) goto no_mem;
        k->body = p;
        k->cap = len;
    }
    if (llen > k->lcap * JMD_MERKLE_HASH_SIZE) {
        size_t lcap = (llen + JMD_MERKLE_HASH_SIZE - 1) / JMD_MERKLE_HASH_SIZE;
        uint8_t *p = realloc(k->leaves, lcap * JMD_MERKLE_HASH_SIZE);
        if (!p) goto no_mem;
        k->leaves = p;
        k->lcap = lcap;
    }
    if (len) memcpy(k->body, sqlite3_column_blob(st, 2), len);
    if (llen) memcpy(k->leaves, sqlite3_column_blob(st, 3), llen);
    k->len = len;
    k->first = (uint64_t)sqlite3_column_int64(st, 0);
    k->n = (uint32_t)count;
    *out = k;
    goto done;
no_mem:
    rc = lfail(log, JMD_ENOMEM, "%s: out of memory", log->path);
done:
    sqlite3_reset(st);
    return rc;
}

int jmd_ledger_log_get(jmd_ledger_log *log, uint64_t index, jmd_log_entry_buf *out)
{
    if (!log || !out) return JMD_EINVAL;
    jmd_ledger_log_entry_free(out);
    if (index >= log->f.size)
        return lfail(log, JMD_ENOTFOUND, "%s: entry %llu: the log has %llu entries", log->path,
                     (unsigned long long)index, (unsigned long long)log->f.size);
    const block *k = NULL;
    int rc = block_of(log, index, &k);
    if (rc) return rc;
    jmd_ledger__blk *b = malloc(sizeof *b);
    if (!b) return lfail(log, JMD_ENOMEM, "%s: out of memory", log->path);
    jmd_ledger__blk_init(b, k->first, k->body, k->len, NULL, 0);
    jmd_log_entry e;
    char why[256];
    int got;
    /* Entries were checked as they were appended or reloaded; a block that
     * no longer parses was changed behind this handle's back. */
    do
        got = jmd_ledger__blk_next(b, &e, NULL, NULL, NULL, NULL, why, sizeof why);
    while (got == 1 && e.index < index);
    if (got != 1 || e.index != index) {
        rc = lfail(log, JMD_EVERIFY, "%s: entry %llu: %s", log->path, (unsigned long long)index,
                   got < 0 ? why : "not in its block");
        goto done;
    }
    /* +1: malloc(0) may return NULL, and an empty blob is still data. */
    out->data_owned = malloc(e.len + 1);
    out->reason_owned = e.reason ? strdup(e.reason) : NULL;
    if (!out->data_owned || (e.reason && !out->reason_owned)) {
        jmd_ledger_log_entry_free(out);
        rc = lfail(log, JMD_ENOMEM, "%s: out of memory", log->path);
        goto done;
    }
    if (e.len) memcpy(out->data_owned, e.data, e.len);
    out->e = e;
    out->e.data = out->data_owned;
    out->e.reason = out->reason_owned;
done:
    free(b);
    return rc;
}

/* ---- proofs ----------------------------------------------------------------- */

int jmd_ledger_log_inclusion_proof(jmd_ledger_log *log, uint64_t index, uint64_t size,
                                   jmd_merkle_hash *proof, size_t *n)
{
    if (!log || !proof || !n) return JMD_EINVAL;
    if (index >= size || size > log->f.size)
        return lfail(log, JMD_EINVAL, "%s: inclusion of %llu in %llu of %llu entries",
                     log->path, (unsigned long long)index, (unsigned long long)size,
                     (unsigned long long)log->f.size);
    return jmd_merkle_tree_inclusion_proof(&log->tree, size, index, proof,
                                           JMD_MERKLE_PROOF_MAX, n);
}

int jmd_ledger_log_consistency_proof(jmd_ledger_log *log, uint64_t size1, uint64_t size2,
                                     jmd_merkle_hash *proof, size_t *n)
{
    if (!log || !proof || !n) return JMD_EINVAL;
    if (size1 > size2 || size2 > log->f.size)
        return lfail(log, JMD_EINVAL, "%s: consistency of %llu with %llu of %llu entries",
                     log->path, (unsigned long long)size1, (unsigned long long)size2,
                     (unsigned long long)log->f.size);
    return jmd_merkle_tree_consistency_proof(&log->tree, size1, size2, proof,
                                             JMD_MERKLE_PROOF_MAX, n);
}

/* ---- checkpoints and cosigning ------------------------------------------------ */

/* One int64 from a query with one optional int64 parameter; *found 0 when
 * no row. */
static int query_i64(jmd_ledger_log *log, const char *sql, int nbind, int64_t a, int64_t *out,
                     int *found)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(log->db, sql, -1, &st, NULL) != SQLITE_OK) return dbfail(log, sql);
    if (nbind) sqlite3_bind_int64(st, 1, a);
    int s = sqlite3_step(st), rc = 0;
    *found = s == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
    if (*found) *out = sqlite3_column_int64(st, 0);
    if (s != SQLITE_ROW && s != SQLITE_DONE) rc = dbfail(log, sql);
    sqlite3_finalize(st);
    return rc;
}

int jmd_ledger_log_checkpoint(jmd_ledger_log *log, const jmd_ledger_keypair *kp, int self,
                              jmd_msg *out)
{
    if (!log || !kp || !out) return JMD_EINVAL;
    if (memcmp(kp->pk, log->pk, JMD_LEDGER_PK_SIZE) != 0)
        return lfail(log, JMD_EINVAL,
                     "%s: checkpoint: expected the log's key pair, found another", log->path);
    if (self < 0 || self >= JMD_MSG_MAX_PARTIES)
        return lfail(log, JMD_EINVAL, "%s: checkpoint: self: expected a party index, found %d",
                     log->path, self);
    uint64_t size = log->f.size;
    if (size >= ((uint64_t)1 << 47))
        return lfail(log, JMD_ERANGE, "%s: checkpoint: the log is too large for a proof",
                     log->path);
    int64_t prev = 0;
    int found = 0;
    int rc = query_i64(log, "SELECT max(size) FROM checkpoints", 0, 0, &prev, &found);
    if (rc) return rc;
    if (!found) prev = 0;
    jmd_merkle_hash root, proof[JMD_MERKLE_PROOF_MAX];
    size_t n = 0;
    jmd_merkle_frontier_root(&log->f, &root);
    if ((rc = jmd_ledger_log_consistency_proof(log, (uint64_t)prev, size, proof, &n)) != 0)
        return rc;
    if (n > JMD_MSG_CKPT_PROOF_MAX)
        return lfail(log, JMD_ERANGE, "%s: checkpoint: a proof of %zu hashes", log->path, n);

    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(log->db, "INSERT OR IGNORE INTO checkpoints VALUES(?, ?, ?, NULL)",
                           -1, &st, NULL) != SQLITE_OK)
        return dbfail(log, "write checkpoint");
    sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
    sqlite3_bind_blob(st, 2, root.b, sizeof root.b, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, log->last_step);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : dbfail(log, "write checkpoint");
    sqlite3_finalize(st);
    if (rc) return rc;

    memset(out, 0, sizeof *out);
    out->kind = JMD_MSG_CHECKPOINT;
    out->sender = self;
    out->receiver = JMD_MSG_BROADCAST;
    jmd_msg_checkpoint *c = &out->u.checkpoint;
    c->origin = (uint8_t)self;
    c->log_size = size;
    memcpy(c->root, root.b, sizeof c->root);
    c->prev_size = (uint64_t)prev;
    c->nproof = (uint8_t)n;
    for (size_t k = 0; k < n; k++)
        memcpy(c->proof[k], proof[k].b, 32);
    return 0;
}

/* The stored root of this log's checkpoint at size: 1 found, 0 not. */
static int checkpoint_root(jmd_ledger_log *log, uint64_t size, uint8_t root[32], int *has_msg)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(log->db,
                           "SELECT root, msg IS NOT NULL FROM checkpoints WHERE size = ?", -1,
                           &st, NULL) != SQLITE_OK)
        return dbfail(log, "read checkpoints");
    sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
    int s = sqlite3_step(st), rc = 0;
    if (s == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
        memcpy(root, sqlite3_column_blob(st, 0), 32);
        if (has_msg) *has_msg = sqlite3_column_int(st, 1);
        rc = 1;
    } else if (s != SQLITE_ROW && s != SQLITE_DONE) {
        rc = dbfail(log, "read checkpoints");
    }
    sqlite3_finalize(st);
    return rc;
}

static int encode_msg(const jmd_msg *m, uint8_t buf[JMD_MSG_MAX_SIZE], size_t *n)
{
    return jmd_msg_encode(m, buf, JMD_MSG_MAX_SIZE, n);
}

int jmd_ledger_log_checkpoint_signed(jmd_ledger_log *log, const jmd_msg *signed_msg)
{
    if (!log || !signed_msg) return JMD_EINVAL;
    const jmd_msg *m = signed_msg;
    char why[256];
    if (m->kind != JMD_MSG_CHECKPOINT || jmd_msg_check(m, NULL, 0) != 0)
        return lfail(log, JMD_EINVAL, "%s: checkpoint_signed: expected a valid Checkpoint",
                     log->path);
    if (m->u.checkpoint.origin != m->sender)
        return lfail(log, JMD_EVERIFY, "%s: checkpoint_signed: origin %u is not the sender %d",
                     log->path, (unsigned)m->u.checkpoint.origin, m->sender);
    if (jmd_ledger_auth_verify(m, log->pk, NULL, why, sizeof why) != 0)
        return lfail(log, JMD_EVERIFY, "%s: checkpoint_signed: %s", log->path, why);
    uint8_t root[32];
    int has = 0;
    int rc = checkpoint_root(log, m->u.checkpoint.log_size, root, &has);
    if (rc < 0) return rc;
    if (rc == 0 || memcmp(root, m->u.checkpoint.root, 32) != 0)
        return lfail(
            log, JMD_EVERIFY,
            "%s: checkpoint_signed: size %llu and root are not a checkpoint of this log",
            log->path, (unsigned long long)m->u.checkpoint.log_size);
    if (has) return 0; /* the first signed message of a size is kept */
    uint8_t buf[JMD_MSG_MAX_SIZE];
    size_t n = 0;
    if (encode_msg(m, buf, &n) != 0) return JMD_EINVAL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(log->db,
                           "UPDATE checkpoints SET msg = ? WHERE size = ? AND msg IS NULL", -1,
                           &st, NULL) != SQLITE_OK)
        return dbfail(log, "write checkpoint");
    sqlite3_bind_blob(st, 1, buf, (int)n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)m->u.checkpoint.log_size);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : dbfail(log, "write checkpoint");
    sqlite3_finalize(st);
    return rc;
}

int jmd_ledger_log_cosign_check(jmd_ledger_log *log, const jmd_msg *peer_cp,
                                const uint8_t peer_pk[JMD_LEDGER_PK_SIZE], char *err,
                                size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!log || !peer_cp || !peer_pk) return jmd__fail(JMD_EINVAL, err, errlen, "NULL argument");
    const jmd_msg *m = peer_cp;
    const jmd_msg_checkpoint *c = &m->u.checkpoint;
    char why[256];
    if (m->kind != JMD_MSG_CHECKPOINT || jmd_msg_check(m, why, sizeof why) != 0)
        return jmd__fail(JMD_EINVAL, err, errlen, "cosign: expected a valid Checkpoint");
    uint8_t reg[JMD_LEDGER_PK_SIZE];
    int rc = peer_key(log, m->sender, reg);
    if (rc < 0) return jmd__fail(rc, err, errlen, "%s", log->msg);
    if (rc == 1 && memcmp(reg, peer_pk, sizeof reg) != 0)
        return jmd__fail(JMD_EVERIFY, err, errlen,
                     "checkpoint from party %d: the key given is not its registered key",
                     m->sender);
    if (jmd_ledger_auth_verify(m, peer_pk, NULL, why, sizeof why) != 0)
        return jmd__fail(JMD_EVERIFY, err, errlen, "%s", why);
    if (c->origin != m->sender)
        return jmd__fail(JMD_EVERIFY, err, errlen,
                     "checkpoint from party %d: origin %u is not the sender (a cosignature, "
                     "not a checkpoint to cosign)",
                     m->sender, (unsigned)c->origin);

    /* The last checkpoint of this peer that we cosigned. */
    uint64_t last = 0;
    jmd_merkle_hash last_root, new_root, proof[JMD_MSG_CKPT_PROOF_MAX];
    jmd_merkle_empty_root(&last_root);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(log->db,
                           "SELECT size, root FROM cosigned WHERE peer = ? ORDER BY size DESC "
                           "LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return jmd__fail(dbfail(log, "read cosigned"), err, errlen, "%s", log->msg);
    sqlite3_bind_int(st, 1, m->sender);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW && sqlite3_column_bytes(st, 1) == 32) {
        last = (uint64_t)sqlite3_column_int64(st, 0);
        memcpy(last_root.b, sqlite3_column_blob(st, 1), 32);
    }
    sqlite3_finalize(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return jmd__fail(dbfail(log, "read cosigned"), err, errlen, "%s", log->msg);
    if (c->prev_size != last)
        return jmd__fail(JMD_EVERIFY, err, errlen,
                     "checkpoint from party %d size %llu: prev_size %llu, expected %llu (the "
                     "last size cosigned)",
                     m->sender, (unsigned long long)c->log_size,
                     (unsigned long long)c->prev_size, (unsigned long long)last);
    memcpy(new_root.b, c->root, 32);
    for (unsigned k = 0; k < c->nproof; k++)
        memcpy(proof[k].b, c->proof[k], 32);
    if (jmd_merkle_consistency_verify(last, c->log_size, &last_root, &new_root, proof,
                                      c->nproof) != 0)
        return jmd__fail(JMD_EVERIFY, err, errlen,
                     "checkpoint from party %d size %llu: the consistency proof does not take "
                     "the cosigned root at size %llu to the new root (a forked history)",
                     m->sender, (unsigned long long)c->log_size, (unsigned long long)last);

    uint8_t buf[JMD_MSG_MAX_SIZE];
    size_t n = 0;
    if (encode_msg(m, buf, &n) != 0) return jmd__fail(JMD_EINVAL, err, errlen, "cannot encode");
    if (sqlite3_prepare_v2(log->db, "INSERT OR IGNORE INTO cosigned VALUES(?, ?, ?, ?)", -1,
                           &st, NULL) != SQLITE_OK)
        return jmd__fail(dbfail(log, "write cosigned"), err, errlen, "%s", log->msg);
    sqlite3_bind_int(st, 1, m->sender);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)c->log_size);
    sqlite3_bind_blob(st, 3, c->root, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, buf, (int)n, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : dbfail(log, "write cosigned");
    sqlite3_finalize(st);
    return rc ? jmd__fail(rc, err, errlen, "%s", log->msg) : 0;
}

int jmd_ledger_log_cosignature_store(jmd_ledger_log *log, const jmd_msg *cosig,
                                     const uint8_t cosigner_pk[JMD_LEDGER_PK_SIZE], char *err,
                                     size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!log || !cosig || !cosigner_pk) return jmd__fail(JMD_EINVAL, err, errlen, "NULL argument");
    const jmd_msg *m = cosig;
    char why[256];
    if (m->kind != JMD_MSG_CHECKPOINT || jmd_msg_check(m, NULL, 0) != 0)
        return jmd__fail(JMD_EINVAL, err, errlen, "cosignature: expected a valid Checkpoint");
    if (jmd_ledger_auth_verify(m, cosigner_pk, NULL, why, sizeof why) != 0)
        return jmd__fail(JMD_EVERIFY, err, errlen, "cosignature: %s", why);
    if (m->u.checkpoint.origin == m->sender)
        return jmd__fail(JMD_EVERIFY, err, errlen,
                     "cosignature from party %d: origin is the sender (a checkpoint, not a "
                     "cosignature)",
                     m->sender);
    uint8_t root[32];
    int rc = checkpoint_root(log, m->u.checkpoint.log_size, root, NULL);
    if (rc < 0) return jmd__fail(rc, err, errlen, "%s", log->msg);
    if (rc == 0 || memcmp(root, m->u.checkpoint.root, 32) != 0)
        return jmd__fail(JMD_EVERIFY, err, errlen,
                     "cosignature from party %d: size %llu and root are not a checkpoint of "
                     "this log",
                     m->sender, (unsigned long long)m->u.checkpoint.log_size);
    uint8_t buf[JMD_MSG_MAX_SIZE];
    size_t n = 0;
    if (encode_msg(m, buf, &n) != 0) return jmd__fail(JMD_EINVAL, err, errlen, "cannot encode");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(log->db, "INSERT OR IGNORE INTO cosignatures VALUES(?, ?, ?)", -1,
                           &st, NULL) != SQLITE_OK)
        return jmd__fail(dbfail(log, "write cosignatures"), err, errlen, "%s", log->msg);
    sqlite3_bind_int(st, 1, m->sender);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)m->u.checkpoint.log_size);
    sqlite3_bind_blob(st, 3, buf, (int)n, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : dbfail(log, "write cosignatures");
    sqlite3_finalize(st);
    return rc ? jmd__fail(rc, err, errlen, "%s", log->msg) : 0;
}
