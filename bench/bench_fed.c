/*
 * bench_fed.c — node-to-node messaging as a federated node does it
 * (src/federate/node.c: publish, on_peer, record_msg, checkpoint), between
 * two processes on loopback, to set beside Cyclone alone
 * (scripts/ddsperf_raw.sh; scripts/bench_fed.sh runs both in one go).
 *
 * Per message the sender (node 0, this process) stamps a Track (the
 * largest common kind: about 300 bytes canonical, about 440 of CDR),
 * authenticates it (a pair MAC, HMAC-SHA-256; or, in the "sign every
 * message" variant, an Ed25519 signature), appends it to its SQLite ledger
 * as SENT and writes it with jmd_dds_write_enc. The receiver (node 1, a forked
 * child) takes it with its encoding (jmd_dds_take_enc), verifies the
 * authenticator over that encoding (jmd_ledger_auth_verify_given), checks
 * the sequence number, and appends it as RECEIVED. Both sides commit their
 * ledger transaction every COMMIT_EVERY entries and, every CKPT_EVERY
 * entries, make, sign (Ed25519) and store a checkpoint; the sender's
 * checkpoints also travel to the receiver (signed, verified, logged), as a
 * node broadcasts them. Cosigning is left out (one more signature per
 * checkpoint, not per message).
 *
 * Printed: the per-stage costs measured alone in this process (MAC,
 * verify, sign, log append, commit, checkpoint), the sustained throughput
 * of each variant after a warm-up (end to end: messages the receiver
 * processed per second, from the end of the warm-up at the sender to the
 * receiver's last message), the time each side spends per message in each
 * stage during that run (DDS write and take included), and a ping-pong
 * round trip with authentication and logging on both sides. Ledgers live in
 * a mkdtemp directory ($TMPDIR or /tmp) removed at the end. Asserts nothing (STYLE.md 11).
 *
 * Environment: JMD_BENCH_FED_DOMAIN (default 213), JMD_BENCH_FED_SECONDS
 * (measured seconds per variant after a 0.5 s warm-up, default 3),
 * JMD_BENCH_FED_TIME_EVERY (stages timed on one message in this many,
 * default 8), JMD_BENCH_FED_QUICK=1 (the MAC variant's throughput only),
 * JMD_BENCH_FED_COMMIT_EVERY and JMD_BENCH_FED_CKPT_EVERY (below).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jmd/error.h"
#include "jmd/federate.h"
#include "jmd/ledger.h"
#include "jmd/version.h"

#include "bench_util.h"

#ifndef JMD_BUILD_TYPE
#define JMD_BUILD_TYPE "unknown"
#endif

#define WARM_S 0.5
/* Ledger entries per transaction, and between signed checkpoints
 * (JMD_BENCH_FED_COMMIT_EVERY, JMD_BENCH_FED_CKPT_EVERY). A checkpoint's
 * consistency proof reads every stored leaf (jmd_ledger_log_checkpoint is
 * O(log size)), so its cost per message grows with the log. */
static uint64_t COMMIT_EVERY = 1000;
static uint64_t CKPT_EVERY = 10000;
#define NPING 2000
#define TAKE_MS 20000
#define MICRO_N 20000 /* iterations of each stage alone */

#define TRACK_DATA 12 /* track_id of a data message */
#define TRACK_END 13  /* track_id of the last message of a phase */

enum { V_MAC = 0, V_SIG = 1, NVARIANT };
/* JMD_BENCH_FED_QUICK=1: the MAC variant's throughput only (no stages
 * alone, no Ed25519 variant, no round trips), for scripts/bench_fed.sh's
 * rounds against ddsperf. */
static int quick = 0;
static const char *const variant_name[NVARIANT] = {"MAC per message",
                                                   "Ed25519 signature per message"};

/* The per-message stages (auth, append, DDS write or take) are timed on
 * one message in TIME_EVERY (JMD_BENCH_FED_TIME_EVERY, default 8): reading
 * the clock around every stage of every message was ~3 % of the machine
 * (perf: __vdso_clock_gettime), a cost a node does not have. Commits,
 * checkpoints and idle waits are timed every time; a sampled message whose
 * take had to wait is left out of the receiver's stage figures (its take
 * includes the wait). */
static uint64_t TIME_EVERY = 8;

/* Seconds spent per stage (sums) and counts, on one side of one phase:
 * auth, append and dds over the nt timed messages, the rest over all n. */
typedef struct {
    double auth, append, commit, ckpt, dds, wait;
    uint64_t n, nt, ncommit, nckpt;
} stages;

typedef struct {
    int failed;
    uint64_t taken;    /* data messages accepted in the phase */
    uint64_t last_seq; /* seq of the phase's last (end) message */
    double t_last;     /* monotonic time it was taken (system-wide clock) */
    uint64_t rejected; /* authentication or sequence failures */
    stages st;
} phase_result;

typedef struct {
    jmd_ledger_keypair kp[2];
    jmd_ledger_pair_key pair; /* this side's derivation of the pair key */
    jmd_ledger_log *log;
    jmd_dds *dds;
    int self;
    uint64_t entries_since_commit, entries_since_ckpt;
    uint64_t seq[JMD_MSG_KIND_MAX + 1];      /* last sent, per kind */
    uint64_t last_seq[JMD_MSG_KIND_MAX + 1]; /* last accepted, per kind */
} side;

static void track_msg(jmd_msg *m, int sender, uint64_t seq, uint64_t track_id)
{
    memset(m, 0, sizeof *m);
    m->kind = JMD_MSG_TRACK;
    m->sender = sender;
    m->receiver = 1 - sender;
    m->seq = seq;
    m->t = 100.0 + 0.001 * (double)(seq % 100000);
    jmd_msg_track *t = &m->u.track;
    t->track_id = track_id;
    t->status = JMD_MSG_TRACK_FIRM;
    t->t = m->t;
    for (int i = 0; i < 6; i++)
        t->x[i] = 1e6 * (i + 1) + (double)seq;
    for (int i = 0; i < 6; i++)
        for (int j = i; j < 6; j++)
            t->P[i][j] = t->P[j][i] = i == j ? 100.0 * (i + 1) : 0.5;
}

/* The ledger entry of message m sent (dir SENT) or received, with its
 * encoding data[0 .. len). */
static jmd_log_entry msg_entry(int dir, const jmd_msg *m, const uint8_t *data, size_t len)
{
    jmd_log_entry e;
    memset(&e, 0, sizeof e);
    e.dir = dir;
    e.peer = dir == JMD_LOG_SENT ? m->receiver : m->sender;
    e.kind = (int)m->kind;
    e.seq = m->seq;
    e.t = m->t;
    e.step = (int64_t)(m->seq / 100);
    e.data = data;
    e.len = len;
    return e;
}

static int log_msg(side *s, int dir, const jmd_msg *m)
{
    uint8_t buf[JMD_MSG_MAX_SIZE];
    size_t len = 0;
    int rc = jmd_msg_encode(m, buf, sizeof buf, &len);
    if (rc) return rc;
    jmd_log_entry e = msg_entry(dir, m, buf, len);
    return jmd_ledger_log_append(s->log, &e, NULL);
}

/* As node.c's record_enc: the encoding the authenticator was made or
 * checked over, recorded without encoding the message again. */
static int log_enc(side *s, int dir, const jmd_msg *m, const uint8_t *enc, size_t len)
{
    jmd_log_entry e = msg_entry(dir, m, enc, len);
    return jmd_ledger_log_append_msg(s->log, &e, m, NULL);
}

/* A signed checkpoint of s's ledger, stored, and (send) written to the
 * peer as node.c's checkpoint() does. */
static int checkpoint(side *s, int send)
{
    jmd_msg m;
    int rc = jmd_ledger_log_checkpoint(s->log, &s->kp[s->self], s->self, &m);
    if (rc) return rc;
    m.sender = s->self;
    m.receiver = 1 - s->self;
    m.seq = ++s->seq[JMD_MSG_CHECKPOINT];
    m.t = 100.0;
    if ((rc = jmd_ledger_auth_sign(&m, &s->kp[s->self]))) return rc;
    if ((rc = jmd_ledger_log_checkpoint_signed(s->log, &m))) return rc;
    if ((rc = log_msg(s, JMD_LOG_SENT, &m))) return rc;
    if (!send) return 0;
    jmd_frame f;
    memset(&f, 0, sizeof f);
    f.kind = JMD_FRAME_PEER;
    f.u.peer.m = m;
    f.u.peer.t_deliver = m.t;
    return jmd_dds_write(s->dds, &f);
}

/* After an append: commit every COMMIT_EVERY entries, checkpoint every
 * CKPT_EVERY (timed into st). */
static int after_append(side *s, stages *st, int send_ckpt)
{
    int rc = 0;
    if (++s->entries_since_ckpt >= CKPT_EVERY) {
        double t0 = bench_now();
        s->entries_since_ckpt = 0;
        rc = checkpoint(s, send_ckpt);
        st->ckpt += bench_now() - t0;
        st->nckpt++;
        if (rc) return rc;
    }
    if (++s->entries_since_commit >= COMMIT_EVERY) {
        double t0 = bench_now();
        s->entries_since_commit = 0;
        rc = jmd_ledger_log_commit(s->log);
        if (!rc) rc = jmd_ledger_log_begin(s->log);
        st->commit += bench_now() - t0;
        st->ncommit++;
    }
    return rc;
}

static int authenticate(side *s, jmd_msg *m, int variant, uint8_t *enc, size_t *len)
{
    return variant == V_SIG ? jmd_ledger_auth_sign_enc(m, &s->kp[s->self], enc, len)
                            : jmd_ledger_auth_mac_enc(m, &s->pair, enc, len);
}

/* Stamps, authenticates, logs and writes one Track. */
static int send_track(side *s, int variant, uint64_t track_id, stages *st)
{
    jmd_frame f;
    memset(&f, 0, sizeof f);
    f.kind = JMD_FRAME_PEER;
    jmd_msg *m = &f.u.peer.m;
    track_msg(m, s->self, ++s->seq[JMD_MSG_TRACK], track_id);
    f.u.peer.t_deliver = m->t + 0.5;
    uint8_t enc[JMD_MSG_MAX_SIZE];
    size_t elen = 0;
    int timed = st->n % TIME_EVERY == 0;
    double t0 = timed ? bench_now() : 0;
    int rc = authenticate(s, m, variant, enc, &elen);
    double t1 = timed ? bench_now() : 0;
    if (!rc) rc = log_enc(s, JMD_LOG_SENT, m, enc, elen);
    double t2 = timed ? bench_now() : 0;
    if (!rc) rc = jmd_dds_write_enc(s->dds, &f, enc, elen);
    if (timed) {
        double t3 = bench_now();
        st->auth += t1 - t0;
        st->append += t2 - t1;
        st->dds += t3 - t2;
        st->nt++;
    }
    st->n++;
    if (rc) return rc;
    return after_append(s, st, 1);
}

/* Takes the next frame (timed: the take itself in st->dds, waiting for
 * one in st->wait), verifies and sequence-checks it and logs it. 1 with
 * *m filled, 0 for a rejected frame, negative on error. */
static int receive(side *s, jmd_msg *m, stages *st, uint64_t *rejected)
{
    jmd_frame f;
    /* As node.c: the take's rule check is the message's encoding, which
     * the authenticator is checked over and the ledger records. */
    uint8_t enc[JMD_MSG_MAX_SIZE];
    size_t elen = 0;
    int timed = st->n % TIME_EVERY == 0;
    double t0 = timed ? bench_now() : 0;
    int rc = jmd_dds_take_enc(s->dds, &f, 0, enc, &elen);
    double t1 = timed ? bench_now() : 0;
    if (rc == 0) {
        /* Nothing there: waiting (always timed), and this message's
         * stages are not (the take that found it includes the wait). */
        double w0 = bench_now();
        rc = jmd_dds_take_enc(s->dds, &f, TAKE_MS, enc, &elen);
        st->wait += bench_now() - w0;
        timed = 0;
        if (rc == 0) return JMD_EIO;
    } else if (timed) {
        st->dds += t1 - t0;
    }
    if (rc == JMD_EPARSE) { /* invalid on the wire: counted, as a node would */
        jmd_frame_clear(&f);
        (*rejected)++;
        m->kind = 0;
        return 0;
    }
    if (rc < 0) return rc;
    *m = f.u.peer.m;
    jmd_frame_clear(&f);
    char why[160];
    int other = 1 - s->self;
    rc = jmd_ledger_auth_verify_given(m, s->kp[other].pk, &s->pair, enc, elen, why, sizeof why);
    double t2 = timed ? bench_now() : 0;
    if (timed) st->auth += t2 - t1;
    int dir = JMD_LOG_RECEIVED;
    if (rc == JMD_EVERIFY || m->sender != other || m->seq != s->last_seq[m->kind] + 1) {
        dir = JMD_LOG_REJECTED;
        (*rejected)++;
    } else if (rc) {
        return rc;
    } else {
        s->last_seq[m->kind] = m->seq;
    }
    rc = dir == JMD_LOG_RECEIVED ? log_enc(s, dir, m, enc, elen) : log_msg(s, dir, m);
    if (timed) {
        st->append += bench_now() - t2;
        st->nt++;
    }
    st->n++;
    if (rc) return rc;
    if ((rc = after_append(s, st, 0))) return rc;
    return dir == JMD_LOG_RECEIVED;
}

static int open_side(side *s, int self, uint32_t domain, const char *tag, const char *dir)
{
    char err[256], path[512];
    static const char *const names[2] = {"alpha", "bravo"};
    for (int p = 0; p < 2; p++) {
        uint8_t seed[JMD_LEDGER_SEED_SIZE];
        memset(seed, 0x40 + p, sizeof seed);
        if (jmd_ledger_keypair_from_seed(&s->kp[p], names[p], seed)) return JMD_EIO;
    }
    s->self = self;
    if (jmd_ledger_pair_key_derive(&s->kp[self], s->kp[1 - self].pk, &s->pair)) return JMD_EIO;
    snprintf(path, sizeof path, "%s/%s.ledger", dir, names[self]);
    if (jmd_ledger_log_open(path, names[self], s->kp[self].pk, 1, &s->log, err, sizeof err)) {
        fprintf(stderr, "bench_fed: node %d: %s\n", self, err);
        return JMD_EIO;
    }
    if (jmd_ledger_log_begin(s->log)) return JMD_EIO;
    if (jmd_dds_open(domain, self, 2, tag, &s->dds, err, sizeof err)) {
        fprintf(stderr, "bench_fed: node %d: jmd_dds_open: %s\n", self, err);
        return JMD_EIO;
    }
    if (jmd_dds_wait_matched(s->dds, 1, TAKE_MS)) {
        fprintf(stderr, "bench_fed: node %d: %s\n", self, jmd_dds_last_error(s->dds));
        return JMD_EIO;
    }
    return 0;
}

static void close_side(side *s)
{
    jmd_dds_close(s->dds);
    if (s->log) jmd_ledger_log_commit(s->log);
    jmd_ledger_log_close(s->log);
    jmd_ledger_keypair_wipe(&s->kp[0]);
    jmd_ledger_keypair_wipe(&s->kp[1]);
    jmd_ledger_pair_key_wipe(&s->pair);
}

/* Node 1: for each variant, takes the stream until its end message and
 * reports through the pipe; then echoes NPING pings of each variant. */
static int receiver(uint32_t domain, const char *tag, const char *dir, int out_fd)
{
    side s;
    memset(&s, 0, sizeof s);
    int failed = open_side(&s, 1, domain, tag, dir) != 0;
    for (int v = 0; v < (quick ? 1 : NVARIANT); v++) {
        phase_result r;
        memset(&r, 0, sizeof r);
        r.failed = failed;
        while (!r.failed) {
            jmd_msg m;
            int rc = receive(&s, &m, &r.st, &r.rejected);
            if (rc < 0) {
                fprintf(stderr, "bench_fed: node 1: %s (%s)\n", jmd_strerror(rc),
                        jmd_dds_last_error(s.dds));
                r.failed = 1;
                break;
            }
            if (rc == 0 || m.kind != JMD_MSG_TRACK) continue;
            r.taken++;
            if (m.u.track.track_id == TRACK_END) {
                r.last_seq = m.seq;
                r.t_last = bench_now();
                break;
            }
        }
        failed = r.failed;
        if (write(out_fd, &r, sizeof r) != (ssize_t)sizeof r) failed = 1;
    }
    for (int v = 0; v < (quick ? 0 : NVARIANT); v++) {
        stages st = {0};
        uint64_t rej = 0;
        for (int i = 0; i < NPING && !failed; i++) {
            jmd_msg m;
            int rc;
            do
                rc = receive(&s, &m, &st, &rej);
            while (rc >= 0 && m.kind != JMD_MSG_TRACK);
            if (rc < 0 || send_track(&s, v, TRACK_DATA, &st)) failed = 1;
        }
    }
    close_side(&s);
    return failed;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- the stages alone -------------------------------------------------- */

static void micro(const char *dir)
{
    side s;
    char err[256], path[512];
    stages st = {0};
    memset(&s, 0, sizeof s);
    uint8_t seed[JMD_LEDGER_SEED_SIZE];
    memset(seed, 0x40, sizeof seed);
    if (jmd_ledger_keypair_from_seed(&s.kp[0], "alpha", seed)) return;
    memset(seed, 0x41, sizeof seed);
    if (jmd_ledger_keypair_from_seed(&s.kp[1], "bravo", seed)) return;
    if (jmd_ledger_pair_key_derive(&s.kp[0], s.kp[1].pk, &s.pair)) return;
    snprintf(path, sizeof path, "%s/micro.ledger", dir);
    if (jmd_ledger_log_open(path, "alpha", s.kp[0].pk, 1, &s.log, err, sizeof err)) {
        fprintf(stderr, "bench_fed: %s\n", err);
        return;
    }
    jmd_msg m;
    track_msg(&m, 0, 1, TRACK_DATA);
    double t0 = bench_now();
    for (int i = 0; i < MICRO_N; i++)
        jmd_ledger_auth_mac(&m, &s.pair);
    double t_mac = (bench_now() - t0) / MICRO_N;
    t0 = bench_now();
    for (int i = 0; i < MICRO_N; i++)
        jmd_ledger_auth_verify(&m, NULL, &s.pair, NULL, 0);
    double t_macv = (bench_now() - t0) / MICRO_N;
    t0 = bench_now();
    for (int i = 0; i < MICRO_N / 4; i++)
        jmd_ledger_auth_sign(&m, &s.kp[0]);
    double t_sig = (bench_now() - t0) / (MICRO_N / 4);
    t0 = bench_now();
    for (int i = 0; i < MICRO_N / 4; i++)
        jmd_ledger_auth_verify(&m, s.kp[0].pk, NULL, NULL, 0);
    double t_sigv = (bench_now() - t0) / (MICRO_N / 4);
    jmd_ledger_auth_mac(&m, &s.pair);
    size_t enc = jmd_msg_encoded_size(&m);

    /* Appends in transactions of COMMIT_EVERY, checkpoints every
     * CKPT_EVERY: the sender's ledger work without the network. */
    jmd_ledger_log_begin(s.log);
    /* Alternately: encode and append (jmd_ledger_log_append decodes the
     * bytes to check them), and append the encoding a MAC was just made
     * over (jmd_ledger_log_append_msg, a node's path). */
    double t_app = 0, t_app_enc = 0;
    for (int i = 0; i < 5 * MICRO_N; i++) {
        m.seq = (uint64_t)i + 1;
        int rc;
        if (i % 2 == 0) {
            t0 = bench_now();
            rc = log_msg(&s, JMD_LOG_SENT, &m);
            t_app += bench_now() - t0;
        } else {
            uint8_t ebuf[JMD_MSG_MAX_SIZE];
            size_t elen = 0;
            rc = jmd_ledger_auth_mac_enc(&m, &s.pair, ebuf, &elen);
            t0 = bench_now();
            if (!rc) rc = log_enc(&s, JMD_LOG_SENT, &m, ebuf, elen);
            t_app_enc += bench_now() - t0;
        }
        if (rc || after_append(&s, &st, 0)) {
            fprintf(stderr, "bench_fed: append: %s\n", jmd_ledger_log_errmsg(s.log));
            break;
        }
    }
    jmd_ledger_log_commit(s.log);
    printf("stages alone (this process, no network; Track %zu bytes canonical with MAC):\n",
           enc);
    printf("  MAC (HMAC-SHA-256) make        %7.2f us\n", 1e6 * t_mac);
    printf("  MAC verify                     %7.2f us\n", 1e6 * t_macv);
    printf("  Ed25519 sign (message)         %7.2f us\n", 1e6 * t_sig);
    printf("  Ed25519 verify (message)       %7.2f us\n", 1e6 * t_sigv);
    printf("  ledger append (encode + entry) %7.2f us   (%d appends)\n",
           1e6 * t_app / (5 * MICRO_N / 2), 5 * MICRO_N / 2);
    printf("  ledger append of the MAC's encoding %7.2f us   (%d appends)\n",
           1e6 * t_app_enc / (5 * MICRO_N / 2), 5 * MICRO_N / 2);
    printf("  ledger commit of %llu entries %8.2f us   = %.2f us per message\n",
           (unsigned long long)COMMIT_EVERY,
           st.ncommit ? 1e6 * st.commit / (double)st.ncommit : 0.0,
           1e6 * st.commit / (5 * MICRO_N));
    printf(
        "  checkpoint (make, sign, store) %7.2f us   every %llu entries = %.2f us per message"
        " (mean over a log growing to %d entries)\n",
        st.nckpt ? 1e6 * st.ckpt / (double)st.nckpt : 0.0, (unsigned long long)CKPT_EVERY,
        1e6 * st.ckpt / (5 * MICRO_N), 5 * MICRO_N);
    jmd_ledger_log_close(s.log);
    unlink(path);
    jmd_ledger_keypair_wipe(&s.kp[0]);
    jmd_ledger_keypair_wipe(&s.kp[1]);
    jmd_ledger_pair_key_wipe(&s.pair);
}

static void print_stages(const char *who, const stages *st)
{
    double n = st->n ? (double)st->n : 1.0, nt = st->nt ? (double)st->nt : 1.0;
    printf("    %s per message: auth %.2f us, log append %.2f us, commit %.2f us, checkpoint "
           "%.2f us, DDS %s %.2f us, idle wait %.2f us\n",
           who, 1e6 * st->auth / nt, 1e6 * st->append / nt, 1e6 * st->commit / n,
           1e6 * st->ckpt / n, who[0] == 's' ? "write" : "take", 1e6 * st->dds / nt,
           1e6 * st->wait / n);
}

static void rm_dir(const char *dir)
{
    static const char *const files[] = {"alpha.ledger", "bravo.ledger", "micro.ledger"};
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    char path[700];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        for (size_t k = 0; k < sizeof sfx / sizeof sfx[0]; k++) {
            snprintf(path, sizeof path, "%s/%s%s", dir, files[i], sfx[k]);
            unlink(path);
        }
    if (rmdir(dir)) fprintf(stderr, "bench_fed: cannot remove %s: %s\n", dir, strerror(errno));
}

int main(void)
{
    struct utsname u;
    char cpu[128], tag[32], dir[256];
    int rc = 1, fds[2] = {-1, -1};
    pid_t child = -1;
    side s;
    double *rtt = NULL;
    const char *env = getenv("JMD_BENCH_FED_DOMAIN");
    uint32_t domain = env ? (uint32_t)strtoul(env, NULL, 10) : 213u;
    env = getenv("JMD_BENCH_FED_SECONDS");
    double secs = env ? strtod(env, NULL) : 3.0;
    if (!(secs > 0 && secs < 600)) secs = 3.0;
    quick = (env = getenv("JMD_BENCH_FED_QUICK")) && strcmp(env, "1") == 0;
    if ((env = getenv("JMD_BENCH_FED_TIME_EVERY")) && strtoull(env, NULL, 10) > 0)
        TIME_EVERY = strtoull(env, NULL, 10);
    if ((env = getenv("JMD_BENCH_FED_COMMIT_EVERY")) && strtoull(env, NULL, 10) > 0)
        COMMIT_EVERY = strtoull(env, NULL, 10);
    if ((env = getenv("JMD_BENCH_FED_CKPT_EVERY")) && strtoull(env, NULL, 10) > 0)
        CKPT_EVERY = strtoull(env, NULL, 10);

    memset(&s, 0, sizeof s);
    uname(&u);
    bench_cpu_model(cpu, sizeof cpu);
    printf("jmd %s bench_fed — build type %s, %s %s, %s, %ld CPUs online\n", jmd_version(),
           JMD_BUILD_TYPE, u.sysname, u.machine, cpu, sysconf(_SC_NPROCESSORS_ONLN));
    printf(
        "commit every %llu ledger entries, signed checkpoint every %llu entries (each side)\n",
        (unsigned long long)COMMIT_EVERY, (unsigned long long)CKPT_EVERY);
    const char *tmp = getenv("TMPDIR");
    int dn = snprintf(dir, sizeof dir, "%s/jmd-bench-fed-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (dn < 0 || (size_t)dn >= sizeof dir) {
        fprintf(stderr, "bench_fed: TMPDIR too long (at most %zu bytes)\n", sizeof dir - 24);
        return 1;
    }
    if (!mkdtemp(dir)) {
        perror("bench_fed: mkdtemp");
        return 1;
    }
    if (!quick) micro(dir);
    fflush(NULL);

    snprintf(tag, sizeof tag, "benchfed%ld", (long)getpid());
    if (pipe(fds)) goto out;
    /* Fork before either process touches DDS (Cyclone runs threads). */
    child = fork();
    if (child < 0) goto out;
    if (child == 0) {
        close(fds[0]);
        _exit(receiver(domain, tag, dir, fds[1]));
    }
    close(fds[1]);
    fds[1] = -1;
    if (!(rtt = malloc(NPING * sizeof *rtt))) goto out;
    if (open_side(&s, 0, domain, tag, dir)) goto out;

    for (int v = 0; v < (quick ? 1 : NVARIANT); v++) {
        stages st = {0}, st_warm = {0};
        double t0 = bench_now(), t_warm = 0, now = t0;
        uint64_t seq_warm = 0;
        int warm = 0;
        while (now - t0 < WARM_S + secs) {
            for (int k = 0; k < 32; k++)
                if (send_track(&s, v, TRACK_DATA, &st)) {
                    fprintf(stderr, "bench_fed: node 0: send: %s\n", jmd_dds_last_error(s.dds));
                    goto out;
                }
            now = bench_now();
            if (!warm && now - t0 >= WARM_S) {
                warm = 1;
                t_warm = now;
                seq_warm = s.seq[JMD_MSG_TRACK];
                st_warm = st;
            }
        }
        double t_sent = bench_now();
        if (send_track(&s, v, TRACK_END, &st)) goto out;
        /* Writes are batched: send the last ones before blocking on the
         * pipe. */
        jmd_dds_flush(s.dds);
        phase_result r;
        if (read(fds[0], &r, sizeof r) != (ssize_t)sizeof r || r.failed) {
            fprintf(stderr, "bench_fed: the receiving node failed\n");
            goto out;
        }
        uint64_t n = r.last_seq - seq_warm;
        jmd_msg sample;
        track_msg(&sample, 0, 1, TRACK_DATA);
        uint8_t enc_buf[JMD_MSG_MAX_SIZE];
        size_t enc_len = 0;
        if (authenticate(&s, &sample, v, enc_buf, &enc_len)) goto out;
        size_t enc = jmd_msg_encoded_size(&sample);
        double span = r.t_last - t_warm;
        stages d = st;
        d.auth -= st_warm.auth, d.append -= st_warm.append, d.commit -= st_warm.commit;
        d.ckpt -= st_warm.ckpt, d.dds -= st_warm.dds, d.n -= st_warm.n, d.nt -= st_warm.nt;
        printf("%s: Track node 0 -> node 1, %.1f s after %.1f s warm-up:\n", variant_name[v],
               secs, WARM_S);
        printf("  sustained %.0f messages/s end to end, %.1f MB/s of canonical messages "
               "(%zu B each; %llu messages; sender wrote %.0f /s; receiver took %llu, "
               "rejected %llu)\n",
               (double)n / span, (double)(n * enc) / span / 1e6, enc, (unsigned long long)n,
               (double)(s.seq[JMD_MSG_TRACK] - seq_warm) / (t_sent - t_warm),
               (unsigned long long)r.taken, (unsigned long long)r.rejected);
        print_stages("sender  ", &d);
        print_stages("receiver", &r.st);
    }

    for (int v = 0; v < (quick ? 0 : NVARIANT); v++) {
        stages st = {0};
        uint64_t rej = 0;
        for (int i = 0; i < NPING; i++) {
            jmd_msg m;
            double ts = bench_now();
            int r2;
            if (send_track(&s, v, TRACK_DATA, &st)) goto out;
            do
                r2 = receive(&s, &m, &st, &rej);
            while (r2 >= 0 && m.kind != JMD_MSG_TRACK);
            if (r2 != 1) {
                fprintf(stderr, "bench_fed: ping %d: %d %s\n", i, r2,
                        jmd_dds_last_error(s.dds));
                goto out;
            }
            rtt[i] = bench_now() - ts;
        }
        qsort(rtt, NPING, sizeof *rtt, cmp_double);
        printf("round trip, %s (stamp, auth, log, write; take, verify, log, reply ...), %d "
               "pings: median %.0f us, p99 %.0f us\n",
               variant_name[v], NPING, 1e6 * rtt[NPING / 2], 1e6 * rtt[NPING * 99 / 100]);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf(
        "peak resident memory of the sender %ld KiB (its writers keep their last 256 batches "
        "for late joiners)\n",
        ru.ru_maxrss);
    rc = 0;

out:
    close_side(&s);
    free(rtt);
    if (fds[0] >= 0) close(fds[0]);
    if (fds[1] >= 0) close(fds[1]);
    if (child > 0) {
        int st = 0;
        if (rc) kill(child, SIGTERM); /* our own child, by its pid */
        waitpid(child, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) rc = 1;
    }
    rm_dir(dir);
    fflush(NULL);
    return rc;
}
