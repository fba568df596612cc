/* test_dds.c — the Cyclone DDS transport (jmd/federate.h, src/federate/dds.c,
 * docs/federation.md "Transport"), between real processes on loopback:
 * every frame kind round-trips field by field between the world and a node;
 * PEER messages of all eight kinds (typical and edge values) round-trip
 * bit-exactly between nodes, a broadcast reaching each other party exactly
 * once; partitions isolate parties; a late joiner and a restarted node
 * receive what was written before they existed (transient-local), up to
 * the durability history's bounds (2,048 frames, 256 PEER batches) and no
 * more; PEER messages travel in
 * batches (several per sample) and keep each kind's order across batch
 * boundaries and flushes, for a live reader and a late one alike, a raw
 * sample never overtakes queued ones, a bad message inside a batch costs
 * only itself, batches larger than a datagram (fragmented) arrive whole,
 * and a batch that cannot be written is reported, whichever thread sent it;
 * hand-built invalid samples are reported as JMD_EPARSE, not dropped and
 * not a crash; argument errors of open and write.
 *
 * Each case forks its roles as child processes (the parent never touches
 * DDS, so no process forks with Cyclone's threads running) on a domain of
 * its own (150 + case) with the pid in the run tag, so a test_dds of
 * another build folder on the same host cannot mix in. A child reports a
 * failure on stderr and through its exit status. `test_dds roundtrip` runs
 * only the round-trip cases (the netns ctest entry). */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <dds/dds.h> /* dds_sleepfor */

#include "federate/federate__dds.h"
#include "jmd.h" /* the generated IDL types, for hand-built invalid samples */
#include "jmd/error.h"
#include "jmd/federate.h"
#include "msg_sample.h"

#define PI 3.14159265358979323846
#define TAKE_MS 10000 /* generous: a loaded CI machine; a pass takes milliseconds */

static char tag[40];

/* ---- child processes ------------------------------------------------------ */

/* A failed check in a child: say what, exit 1 (the parent asserts 0). */
#define CHK(cond, ...)                                                   \
    do {                                                                 \
        if (!(cond)) {                                                   \
            fprintf(stderr, "[child %d] %s:%d: ", (int)getpid(), __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                                \
            fputc('\n', stderr);                                         \
            _exit(1);                                                    \
        }                                                                \
    } while (0)

typedef void (*role_fn)(int arg);

static pid_t spawn(role_fn fn, int arg)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(30); /* a hung child must not hang the suite */
        fn(arg);
        _exit(0);
    }
    return pid;
}

/* Waits for the children started here; every one must exit 0. */
static void reap(const pid_t *pids, int n)
{
    int failed = 0;
    for (int i = 0; i < n; i++) {
        int st = 0;
        pid_t r;
        while ((r = waitpid(pids[i], &st, 0)) < 0 && errno == EINTR) {}
        assert_int_equal(r, pids[i]);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "child %d (role %d) ended with status 0x%x\n", (int)pids[i], i, st);
            failed = 1;
        }
    }
    assert_int_equal(failed, 0);
}

/* Pipes between roles: one byte says "go". */
static int sync_pipe[2][2];

static void signal_go(int which)
{
    char c = 1;
    CHK(write(sync_pipe[which][1], &c, 1) == 1, "signal pipe %d", which);
}

static void wait_go(int which)
{
    char c;
    CHK(read(sync_pipe[which][0], &c, 1) == 1, "wait pipe %d", which);
}

static void open_pipes(void)
{
    for (int i = 0; i < 2; i++) assert_int_equal(pipe(sync_pipe[i]), 0);
}

static void close_pipes(void)
{
    for (int i = 0; i < 2; i++) {
        close(sync_pipe[i][0]);
        close(sync_pipe[i][1]);
    }
}

static jmd_dds *open_or_die(uint32_t domain, int self, int nparties)
{
    jmd_dds *d = NULL;
    char err[256];
    int rc = jmd_dds_open(domain, self, nparties, tag, &d, err, sizeof err);
    CHK(rc == 0 && d, "jmd_dds_open(%u, %d, %d): %d %s", (unsigned)domain, self, nparties, rc, err);
    return d;
}

static void take_or_die(jmd_dds *d, jmd_frame *f)
{
    int rc = jmd_dds_take(d, f, TAKE_MS);
    CHK(rc == 1, "take: expected a frame, found %d (%s)", rc, jmd_dds_last_error(d));
}

/* Nothing more arrives within ms. */
static void expect_quiet(jmd_dds *d, int ms)
{
    jmd_frame f;
    int rc = jmd_dds_take(d, &f, ms);
    CHK(rc == 0, "take: expected nothing more, found %d (kind %d, %s)", rc, (int)f.kind,
        jmd_dds_last_error(d));
}

/* ---- frames with every field set ------------------------------------------- */

/* A valid message of each kind (typical values, or edge values: extremes of
 * every range, -0.0, subnormals, maximal ids and counts). */
static void sample_msg(jmd_msg *m, int kind, int edge, int sender, int receiver, uint64_t seq)
{
    memset(m, 0, sizeof *m);
    m->kind = (jmd_msg_kind)kind;
    m->sender = sender;
    m->receiver = receiver;
    m->seq = edge ? UINT64_MAX - seq : seq;
    m->t = edge ? -0.0 : 123.5;
    if (edge) {
        m->auth.scheme = JMD_MSG_AUTH_SIG;
        m->auth.len = 64;
        for (int i = 0; i < 64; i++) m->auth.bytes[i] = (uint8_t)(0xA0 + i);
    } else {
        m->auth.scheme = JMD_MSG_AUTH_MAC;
        m->auth.len = 32;
        for (int i = 0; i < 32; i++) m->auth.bytes[i] = (uint8_t)(0x11 * i + 3);
    }
    sample_payload(m, kind, edge, sender, sender, edge ? JMD_MSG_MAX_PARTIES - 1 : sender);
}

/* The canonical encoding is what the MAC and signature cover: equal
 * encodings (and equal envelope fields) mean a bit-exact round trip. */
static void check_msg_equal(const jmd_msg *a, const jmd_msg *b, const char *what)
{
    uint8_t ea[JMD_MSG_MAX_SIZE], eb[JMD_MSG_MAX_SIZE];
    size_t la = 0, lb = 0;
    char err[200];
    CHK(jmd_msg_check(b, err, sizeof err) == 0, "%s: received message invalid: %s", what, err);
    CHK(a->kind == b->kind && a->sender == b->sender && a->receiver == b->receiver &&
            a->seq == b->seq && memcmp(&a->t, &b->t, sizeof a->t) == 0,
        "%s: envelope differs (kind %d/%d sender %d/%d receiver %d/%d)", what, a->kind, b->kind,
        a->sender, b->sender, a->receiver, b->receiver);
    CHK(a->auth.scheme == b->auth.scheme && a->auth.len == b->auth.len &&
            memcmp(a->auth.bytes, b->auth.bytes, a->auth.len) == 0,
        "%s: authenticator differs", what);
    CHK(jmd_msg_encode(a, ea, sizeof ea, &la) == 0 && jmd_msg_encode(b, eb, sizeof eb, &lb) == 0,
        "%s: encode", what);
    CHK(la == lb && memcmp(ea, eb, la) == 0, "%s: canonical encodings differ (%zu / %zu bytes)",
        what, la, lb);
}

/* Lockstep frames with every field set to a distinctive value (step
 * selects variants, so ordering is checked too). */
static void sample_frame(jmd_frame *f, jmd_frame_kind kind, int party, int64_t step)
{
    memset(f, 0, sizeof *f);
    f->kind = kind;
    switch (kind) {
    case JMD_FRAME_HELLO:
        f->u.hello = (jmd_frame_hello){party, step - 1, 7u};
        break;
    case JMD_FRAME_TICK: {
        jmd_frame_tick *t = &f->u.tick;
        t->party = party;
        t->step = step;
        t->t = 10.0 * (double)step + 0.125;
        t->nassess = 1;
        t->ncue = 2;
        t->nscan = 3;
        for (int i = 0; i < JMD_MSG_MAX_PARTIES; i++) t->expect[i] = (uint64_t)i * 1000003u + 1;
        t->expect[31] = UINT64_MAX;
        t->end = step == 99;
        t->seed = UINT64_MAX - (uint64_t)step; /* every bit of the 64 in use */
        t->model = (int)(step % JMD_GOV_NMODELS);
        break;
    }
    case JMD_FRAME_SCAN: {
        jmd_frame_scan *s = &f->u.scan;
        s->party = party;
        s->step = step;
        s->index = (uint32_t)step + 4;
        s->radar = 65534;
        s->t = -0.0;
        s->n = (size_t)(step % 4); /* includes an empty scan */
        if (s->n) s->m = calloc(s->n, sizeof *s->m);
        for (size_t i = 0; i < s->n; i++)
            s->m[i] = (jmd_measurement){.t = 1e-300 * (double)(i + 1), .sensor = (int)i + 2,
                                        .meas_id = 1000000000000L + (long)i, .range = 4e6,
                                        .az = 6.2, .el = -1.5, .snr = 4.9e-324, .truth = -1};
        break;
    }
    case JMD_FRAME_CUE:
        f->u.cue = (jmd_frame_cue){party, step, 2u,
                                   {.t = 61.5, .sensor = 3, .t_launch = 30.25, .lat = -0.7,
                                    .lon = 3.1, .azimuth = 0.0, .sigma_pos = 5e3, .sigma_t = 2.0,
                                    .sigma_az = 0.01, .truth = -1}};
        break;
    case JMD_FRAME_ASSESS:
        f->u.assess = (jmd_frame_assess){party, step, 9u, 123456, 1};
        break;
    case JMD_FRAME_DONE: {
        jmd_frame_done *d = &f->u.done;
        d->party = party;
        d->step = step;
        for (int i = 0; i < JMD_MSG_MAX_PARTIES; i++) d->sent[i] = (uint64_t)i * 17u;
        d->nconfirmed = 2;
        d->confirmed = calloc(2, sizeof *d->confirmed);
        d->confirmed[0] = (jmd_fed_track_note){5, -1};
        d->confirmed[1] = (jmd_fed_track_note){6, 77};
        d->norders = 1;
        d->orders = calloc(1, sizeof *d->orders);
        d->orders[0] = (jmd_fed_order){{{.site = 3, .track_id = 6, .doctrine = JMD_SHOT_SALVO,
                                          .salvo = 2, .t_commit = 400, .t_launch = 401.5,
                                          .t_intercept = 650, .lat = 0.8, .lon = -2.9,
                                          .alt = 1.2e5, .pk = 0.85},
                                         11, 1, 0},
                                        77};
        d->nupdates = 3;
        d->updates = calloc(3, sizeof *d->updates);
        for (int i = 0; i < 3; i++)
            d->updates[i] = (jmd_fed_update){10 + i, i != 1, {1e6 * i, -2e6, -0.0}};
        d->nwarn_sent = 0; /* an empty sequence too */
        d->nwarn_recv = 1;
        d->warn_recv = calloc(1, sizeof *d->warn_recv);
        d->warn_recv[0] = (jmd_fed_warn_recv){party == 0 ? 1 : 0, 42, 88.5};
        d->rejected = 3;
        break;
    }
    case JMD_FRAME_FINAL: {
        jmd_frame_final *x = &f->u.final;
        x->party = party;
        x->stats = (jmd_party_stats){.proposals = 1, .approvals = 2, .vetoes = 3, .timeouts = 4,
                                     .rejected = 5, .late = 6, .warnings_sent = 7,
                                     .tracks_sent = 8, .cues_received = 9, .remote_tracks = 10,
                                     .bad_approvals = 11, .bad_orders = 12,
                                     .unsigned_refused = 13};
        for (int i = 0; i < JMD_MSG_MAX_PARTIES; i++) {
            x->msgs[i] = (uint64_t)i;
            x->bytes[i] = (uint64_t)i * 400u;
        }
        for (int i = 0; i <= JMD_MSG_KIND_MAX; i++) x->by_kind[i] = (uint64_t)i + 100u;
        x->rejected = 2;
        for (int i = 0; i < 32; i++) x->log_root[i] = (uint8_t)(255 - i);
        x->log_size = 1u << 20;
        break;
    }
    default:
        break;
    }
}

/* Field-by-field comparison; doubles compared by bit pattern. */
#define FEQ(a, b, field)                                                            \
    CHK(memcmp(&(a)->field, &(b)->field, sizeof(a)->field) == 0, "%s: field %s differs", \
        what, #field)

static void check_frame_equal(const jmd_frame *a, const jmd_frame *b, const char *what)
{
    CHK(a->kind == b->kind, "%s: kind expected %d, found %d", what, (int)a->kind, (int)b->kind);
    switch (a->kind) {
    case JMD_FRAME_HELLO:
        FEQ(a, b, u.hello.party);
        FEQ(a, b, u.hello.last_step);
        FEQ(a, b, u.hello.incarnation);
        break;
    case JMD_FRAME_TICK:
        FEQ(a, b, u.tick.party);
        FEQ(a, b, u.tick.step);
        FEQ(a, b, u.tick.t);
        FEQ(a, b, u.tick.nassess);
        FEQ(a, b, u.tick.ncue);
        FEQ(a, b, u.tick.nscan);
        FEQ(a, b, u.tick.expect);
        FEQ(a, b, u.tick.end);
        FEQ(a, b, u.tick.seed);
        FEQ(a, b, u.tick.model);
        break;
    case JMD_FRAME_SCAN:
        FEQ(a, b, u.scan.party);
        FEQ(a, b, u.scan.step);
        FEQ(a, b, u.scan.index);
        FEQ(a, b, u.scan.radar);
        FEQ(a, b, u.scan.t);
        FEQ(a, b, u.scan.n);
        for (size_t i = 0; i < a->u.scan.n; i++) {
            FEQ(a, b, u.scan.m[i].t);
            FEQ(a, b, u.scan.m[i].sensor);
            FEQ(a, b, u.scan.m[i].meas_id);
            FEQ(a, b, u.scan.m[i].range);
            FEQ(a, b, u.scan.m[i].az);
            FEQ(a, b, u.scan.m[i].el);
            FEQ(a, b, u.scan.m[i].snr);
            CHK(b->u.scan.m[i].truth == -1, "%s: truth travelled", what);
        }
        break;
    case JMD_FRAME_CUE:
        FEQ(a, b, u.cue.party);
        FEQ(a, b, u.cue.step);
        FEQ(a, b, u.cue.index);
        FEQ(a, b, u.cue.r.t);
        FEQ(a, b, u.cue.r.sensor);
        FEQ(a, b, u.cue.r.t_launch);
        FEQ(a, b, u.cue.r.lat);
        FEQ(a, b, u.cue.r.lon);
        FEQ(a, b, u.cue.r.azimuth);
        FEQ(a, b, u.cue.r.sigma_pos);
        FEQ(a, b, u.cue.r.sigma_t);
        FEQ(a, b, u.cue.r.sigma_az);
        CHK(b->u.cue.r.truth == -1, "%s: truth travelled", what);
        break;
    case JMD_FRAME_ASSESS:
        FEQ(a, b, u.assess.party);
        FEQ(a, b, u.assess.step);
        FEQ(a, b, u.assess.index);
        FEQ(a, b, u.assess.shot_id);
        FEQ(a, b, u.assess.killed);
        break;
    case JMD_FRAME_DONE:
        FEQ(a, b, u.done.party);
        FEQ(a, b, u.done.step);
        FEQ(a, b, u.done.sent);
        FEQ(a, b, u.done.rejected);
        FEQ(a, b, u.done.nconfirmed);
        FEQ(a, b, u.done.norders);
        FEQ(a, b, u.done.nupdates);
        FEQ(a, b, u.done.nwarn_sent);
        FEQ(a, b, u.done.nwarn_recv);
        for (size_t i = 0; i < a->u.done.nconfirmed; i++) {
            FEQ(a, b, u.done.confirmed[i].track_id);
            FEQ(a, b, u.done.confirmed[i].last_meas_id);
        }
        for (size_t i = 0; i < a->u.done.norders; i++) {
            FEQ(a, b, u.done.orders[i].o.e.site);
            FEQ(a, b, u.done.orders[i].o.e.track_id);
            FEQ(a, b, u.done.orders[i].o.e.doctrine);
            FEQ(a, b, u.done.orders[i].o.e.salvo);
            FEQ(a, b, u.done.orders[i].o.e.t_commit);
            FEQ(a, b, u.done.orders[i].o.e.t_launch);
            FEQ(a, b, u.done.orders[i].o.e.t_intercept);
            FEQ(a, b, u.done.orders[i].o.e.lat);
            FEQ(a, b, u.done.orders[i].o.e.lon);
            FEQ(a, b, u.done.orders[i].o.e.alt);
            FEQ(a, b, u.done.orders[i].o.e.pk);
            FEQ(a, b, u.done.orders[i].o.shot_id);
            FEQ(a, b, u.done.orders[i].o.foreign_data);
            FEQ(a, b, u.done.orders[i].o.consent);
            FEQ(a, b, u.done.orders[i].last_meas_id);
        }
        for (size_t i = 0; i < a->u.done.nupdates; i++) {
            FEQ(a, b, u.done.updates[i].shot_id);
            FEQ(a, b, u.done.updates[i].found);
            FEQ(a, b, u.done.updates[i].r);
        }
        for (size_t i = 0; i < a->u.done.nwarn_sent; i++) {
            FEQ(a, b, u.done.warn_sent[i].track_id);
            FEQ(a, b, u.done.warn_sent[i].last_meas_id);
        }
        for (size_t i = 0; i < a->u.done.nwarn_recv; i++) {
            FEQ(a, b, u.done.warn_recv[i].sender);
            FEQ(a, b, u.done.warn_recv[i].track_id);
            FEQ(a, b, u.done.warn_recv[i].t_deliver);
        }
        break;
    case JMD_FRAME_FINAL:
        FEQ(a, b, u.final.party);
        FEQ(a, b, u.final.stats);
        FEQ(a, b, u.final.msgs);
        FEQ(a, b, u.final.bytes);
        FEQ(a, b, u.final.by_kind);
        FEQ(a, b, u.final.rejected);
        FEQ(a, b, u.final.log_root);
        FEQ(a, b, u.final.log_size);
        break;
    case JMD_FRAME_PEER:
        check_msg_equal(&a->u.peer.m, &b->u.peer.m, what);
        FEQ(a, b, u.peer.t_deliver);
        break;
    }
}

/* ---- world <-> node: every lockstep frame kind ----------------------------- */

#define D_ROUNDTRIP 150

static const jmd_frame_kind world_kinds[] = {JMD_FRAME_TICK, JMD_FRAME_SCAN, JMD_FRAME_CUE,
                                             JMD_FRAME_ASSESS};
static const jmd_frame_kind node_kinds[] = {JMD_FRAME_HELLO, JMD_FRAME_DONE, JMD_FRAME_FINAL};
#define NSTEPS 4 /* each world kind at steps 0..3 (scans of 0..3 detections) */

static void role_rt_world(int unused)
{
    (void)unused;
    jmd_dds *d = open_or_die(D_ROUNDTRIP, JMD_FED_WORLD, 2);
    jmd_frame f, g;
    /* Transient-local data lives in the writer: one that closed before its
     * reader was even discovered would take it along, so meet first. */
    CHK(jmd_dds_wait_matched(d, 1, TAKE_MS) == 0, "matched: %s", jmd_dds_last_error(d));
    /* What the world may not write. */
    sample_frame(&f, JMD_FRAME_HELLO, 0, 0);
    CHK(jmd_dds_write(d, &f) == JMD_EINVAL, "world wrote a HELLO");
    sample_msg(&f.u.peer.m, JMD_MSG_TRACK, 0, 0, 1, 1);
    f.kind = JMD_FRAME_PEER;
    CHK(jmd_dds_write(d, &f) == JMD_EINVAL, "world wrote a PEER");
    sample_frame(&f, JMD_FRAME_TICK, 2, 0);
    CHK(jmd_dds_write(d, &f) == JMD_EINVAL, "world wrote to party 2 of 2");
    CHK(strstr(jmd_dds_last_error(d), "expected a party index 0 .. 1, found 2"), "error: %s",
        jmd_dds_last_error(d));
    sample_frame(&f, JMD_FRAME_TICK, 0, 0);
    f.u.tick.t = NAN;
    CHK(jmd_dds_write(d, &f) == JMD_EINVAL && strstr(jmd_dds_last_error(d), "tick.t"),
        "world wrote a NaN time: %s", jmd_dds_last_error(d));
    sample_frame(&f, JMD_FRAME_TICK, 0, 0);
    f.u.tick.model = JMD_GOV_NMODELS; /* 5: no such model */
    CHK(jmd_dds_write(d, &f) == JMD_EINVAL && strstr(jmd_dds_last_error(d), "tick.model"),
        "world wrote model %d: %s", JMD_GOV_NMODELS, jmd_dds_last_error(d));

    for (int64_t s = 0; s < NSTEPS; s++)
        for (size_t k = 0; k < sizeof world_kinds / sizeof world_kinds[0]; k++) {
            sample_frame(&f, world_kinds[k], 0, s);
            CHK(jmd_dds_write(d, &f) == 0, "write: %s", jmd_dds_last_error(d));
            jmd_frame_clear(&f);
        }
    /* The node's three reports, each once. */
    int seen[JMD_FRAME_KIND_MAX + 1] = {0};
    for (int i = 0; i < 3; i++) {
        take_or_die(d, &g);
        CHK(g.kind == JMD_FRAME_HELLO || g.kind == JMD_FRAME_DONE || g.kind == JMD_FRAME_FINAL,
            "world took kind %d", (int)g.kind);
        CHK(!seen[g.kind]++, "world took kind %d twice", (int)g.kind);
        sample_frame(&f, g.kind, 0, 5);
        check_frame_equal(&f, &g, "node report");
        jmd_frame_clear(&f);
        jmd_frame_clear(&g);
    }
    expect_quiet(d, 200);
    jmd_dds_close(d);
}

static void role_rt_node(int unused)
{
    (void)unused;
    jmd_dds *d = open_or_die(D_ROUNDTRIP, 0, 2);
    jmd_frame f, g;
    /* Transient-local data lives in the writer: one that closed before its
     * reader was even discovered would take it along, so meet first. */
    CHK(jmd_dds_wait_matched(d, 1, TAKE_MS) == 0, "matched: %s", jmd_dds_last_error(d));
    /* What a node may not write. */
    sample_frame(&f, JMD_FRAME_TICK, 0, 0);
    CHK(jmd_dds_write(d, &f) == JMD_EINVAL, "node wrote a TICK");
    sample_frame(&f, JMD_FRAME_HELLO, 1, 0);
    CHK(jmd_dds_write(d, &f) == JMD_EINVAL, "node 0 wrote party 1's HELLO");
    sample_msg(&f.u.peer.m, JMD_MSG_TRACK, 0, 1, 0, 1);
    f.kind = JMD_FRAME_PEER;
    CHK(jmd_dds_write(d, &f) == JMD_EINVAL, "node 0 wrote party 1's message");
    sample_msg(&f.u.peer.m, JMD_MSG_TRACK, 0, 0, 0, 1);
    CHK(jmd_dds_write(d, &f) == JMD_EINVAL, "node 0 wrote to itself");
    f.kind = (jmd_frame_kind)99;
    CHK(jmd_dds_write(d, &f) == JMD_EINVAL, "unknown kind written");

    for (size_t k = 0; k < sizeof node_kinds / sizeof node_kinds[0]; k++) {
        sample_frame(&f, node_kinds[k], 0, 5);
        CHK(jmd_dds_write(d, &f) == 0, "write: %s", jmd_dds_last_error(d));
        jmd_frame_clear(&f);
    }
    /* Frames of one writer arrive in the order written: per kind, steps
     * 0, 1, 2, 3. */
    int64_t next[JMD_FRAME_KIND_MAX + 1] = {0};
    for (int i = 0; i < NSTEPS * 4; i++) {
        take_or_die(d, &g);
        CHK(g.kind >= JMD_FRAME_TICK && g.kind <= JMD_FRAME_ASSESS, "node took kind %d",
            (int)g.kind);
        int64_t step = g.kind == JMD_FRAME_TICK ? g.u.tick.step
                       : g.kind == JMD_FRAME_SCAN ? g.u.scan.step
                       : g.kind == JMD_FRAME_CUE  ? g.u.cue.step
                                                  : g.u.assess.step;
        CHK(step == next[g.kind], "kind %d: expected step %lld, found %lld", (int)g.kind,
            (long long)next[g.kind], (long long)step);
        next[g.kind]++;
        sample_frame(&f, g.kind, 0, step);
        check_frame_equal(&f, &g, "world frame");
        jmd_frame_clear(&f);
        jmd_frame_clear(&g);
    }
    expect_quiet(d, 200);
    jmd_dds_close(d);
}

static void test_roundtrip_world_node(void **state)
{
    (void)state;
    pid_t p[2] = {spawn(role_rt_world, 0), spawn(role_rt_node, 0)};
    reap(p, 2);
}

/* ---- node <-> node: the eight PEER kinds, unicast and broadcast ------------ */

#define D_PEER 151

static void role_peer(int self)
{
    jmd_dds *d = open_or_die(D_PEER, self, 3);
    jmd_frame f, g;
    /* Transient-local data lives in the writer: one that closed before its
     * reader was even discovered would take it along, so meet first. */
    CHK(jmd_dds_wait_matched(d, 2, TAKE_MS) == 0, "matched: %s", jmd_dds_last_error(d));
    if (self == 0) {
        /* Every kind, typical and edge values, to party 1; then two
         * broadcasts (to 1 and 2). */
        for (int kind = 1; kind <= JMD_MSG_KIND_MAX; kind++)
            for (int edge = 0; edge < 2; edge++) {
                memset(&f, 0, sizeof f);
                f.kind = JMD_FRAME_PEER;
                sample_msg(&f.u.peer.m, kind, edge, 0, 1, (uint64_t)(kind * 2 + edge));
                f.u.peer.t_deliver = edge ? -0.0 : 130.75;
                CHK(jmd_dds_write(d, &f) == 0, "write kind %d: %s", kind, jmd_dds_last_error(d));
            }
        for (int kind = JMD_MSG_LAUNCH_WARNING; kind <= JMD_MSG_TRACK; kind++) {
            memset(&f, 0, sizeof f);
            f.kind = JMD_FRAME_PEER;
            sample_msg(&f.u.peer.m, kind, 0, 0, JMD_MSG_BROADCAST, 1000u + (uint64_t)kind);
            f.u.peer.t_deliver = 200;
            CHK(jmd_dds_write(d, &f) == 0, "broadcast: %s", jmd_dds_last_error(d));
        }
        /* An invalid message is refused on the way out, with the reason. */
        sample_msg(&f.u.peer.m, JMD_MSG_TRACK, 0, 0, 1, 5);
        f.u.peer.m.u.track.P[0][1] = 1.0;
        CHK(jmd_dds_write(d, &f) == JMD_EINVAL, "asymmetric P written");
        CHK(strstr(jmd_dds_last_error(d), "peer track"), "error: %s", jmd_dds_last_error(d));
        expect_quiet(d, 100); /* nobody writes to 0 */
    } else {
        int want_unicast = self == 1 ? 2 * JMD_MSG_KIND_MAX : 0;
        int got_unicast = 0, got_bcast[JMD_MSG_KIND_MAX + 1] = {0};
        for (int i = 0; i < want_unicast + 2; i++) {
            take_or_die(d, &g);
            CHK(g.kind == JMD_FRAME_PEER, "kind %d", (int)g.kind);
            const jmd_msg *m = &g.u.peer.m;
            if (m->receiver == JMD_MSG_BROADCAST) {
                CHK(m->kind == JMD_MSG_LAUNCH_WARNING || m->kind == JMD_MSG_TRACK,
                    "broadcast kind %d", m->kind);
                got_bcast[m->kind]++;
                memset(&f, 0, sizeof f);
                f.kind = JMD_FRAME_PEER;
                sample_msg(&f.u.peer.m, (int)m->kind, 0, 0, JMD_MSG_BROADCAST,
                           1000u + (unsigned)m->kind);
                f.u.peer.t_deliver = 200;
            } else {
                CHK(m->receiver == self, "receiver %d at %d", m->receiver, self);
                int edge = m->seq > 1000000u;
                memset(&f, 0, sizeof f);
                f.kind = JMD_FRAME_PEER;
                sample_msg(&f.u.peer.m, (int)m->kind, edge, 0, 1,
                           (uint64_t)((int)m->kind * 2 + edge));
                f.u.peer.t_deliver = edge ? -0.0 : 130.75;
                got_unicast++;
            }
            check_frame_equal(&f, &g, jmd_msg_kind_name((int)m->kind));
        }
        CHK(got_unicast == want_unicast, "unicast: expected %d, found %d", want_unicast,
            got_unicast);
        CHK(got_bcast[JMD_MSG_LAUNCH_WARNING] == 1 && got_bcast[JMD_MSG_TRACK] == 1,
            "each broadcast exactly once, found %d and %d", got_bcast[JMD_MSG_LAUNCH_WARNING],
            got_bcast[JMD_MSG_TRACK]);
        expect_quiet(d, 300); /* exactly once: no second copy follows */
    }
    jmd_dds_close(d);
}

static void test_roundtrip_peer(void **state)
{
    (void)state;
    pid_t p[3] = {spawn(role_peer, 0), spawn(role_peer, 1), spawn(role_peer, 2)};
    reap(p, 3);
}

/* ---- partitions: party 1 never receives what is written to party 0 -------- */

#define D_PARTITION 152

static void role_part(int self)
{
    jmd_frame f, g;
    if (self == JMD_FED_WORLD) {
        jmd_dds *d = open_or_die(D_PARTITION, JMD_FED_WORLD, 3);
        for (int64_t s = 0; s < 5; s++) {
            sample_frame(&f, JMD_FRAME_TICK, 0, s);
            CHK(jmd_dds_write(d, &f) == 0, "write: %s", jmd_dds_last_error(d));
        }
        sample_frame(&f, JMD_FRAME_TICK, 1, 50);
        CHK(jmd_dds_write(d, &f) == 0, "write: %s", jmd_dds_last_error(d));
        CHK(jmd_dds_wait_matched(d, 3, TAKE_MS) == 0, "matched: %s", jmd_dds_last_error(d));
        wait_go(0); /* until the nodes are done */
        wait_go(0);
        wait_go(0);
        jmd_dds_close(d);
        return;
    }
    jmd_dds *d = open_or_die(D_PARTITION, self, 3);
    if (self == 2) {
        /* A unicast from 2 to 0: 1 must not see it either. Written with
         * its encoding (a node's path), after two writes the encoding
         * refuses: another message's, and a frame that is not a PEER. */
        memset(&f, 0, sizeof f);
        f.kind = JMD_FRAME_PEER;
        sample_msg(&f.u.peer.m, JMD_MSG_OUTCOME, 0, 2, 0, 1);
        uint8_t enc[JMD_MSG_MAX_SIZE];
        size_t elen = 0;
        CHK(jmd_msg_encode(&f.u.peer.m, enc, sizeof enc, &elen) == 0, "encode");
        f.u.peer.m.seq++;
        CHK(jmd_dds_write_enc(d, &f, enc, elen) == JMD_EINVAL &&
                strstr(jmd_dds_last_error(d), "the encoding given with it is not its own"),
            "another message's encoding: %s", jmd_dds_last_error(d));
        f.u.peer.m.seq--;
        sample_frame(&g, JMD_FRAME_HELLO, 2, 0);
        CHK(jmd_dds_write_enc(d, &g, enc, elen) == JMD_EINVAL &&
                strstr(jmd_dds_last_error(d), "expected a peer frame"),
            "a HELLO with an encoding: %s", jmd_dds_last_error(d));
        CHK(jmd_dds_write_enc(d, &f, enc, elen) == 0, "write: %s", jmd_dds_last_error(d));
        /* 2 reaches every receiver: the world and both other parties. */
        CHK(jmd_dds_wait_matched(d, 3, TAKE_MS) == 0, "matched: %s", jmd_dds_last_error(d));
        expect_quiet(d, 500);
    } else if (self == 0) {
        int ticks = 0, peers = 0;
        for (int i = 0; i < 6; i++) {
            /* jmd_dds_take_enc gives no encoding with a frame not PEER. */
            uint8_t enc[JMD_MSG_MAX_SIZE];
            size_t elen = 0;
            int rc = jmd_dds_take_enc(d, &g, TAKE_MS, enc, &elen);
            CHK(rc == 1, "take: expected a frame, found %d (%s)", rc, jmd_dds_last_error(d));
            CHK((g.kind == JMD_FRAME_PEER) == (elen > 0), "frame kind %d with %zu bytes",
                (int)g.kind, elen);
            if (g.kind == JMD_FRAME_TICK) {
                CHK(g.u.tick.party == 0 && g.u.tick.step == ticks, "tick %d: party %d step %lld",
                    ticks, g.u.tick.party, (long long)g.u.tick.step);
                ticks++;
            } else {
                CHK(g.kind == JMD_FRAME_PEER && g.u.peer.m.sender == 2, "kind %d", (int)g.kind);
                peers++;
            }
        }
        CHK(ticks == 5 && peers == 1, "ticks %d peers %d", ticks, peers);
        expect_quiet(d, 500);
    } else {
        take_or_die(d, &g);
        CHK(g.kind == JMD_FRAME_TICK && g.u.tick.party == 1 && g.u.tick.step == 50,
            "party 1 took kind %d (party %d)", (int)g.kind, g.u.tick.party);
        /* Long enough for anything misrouted to have arrived. */
        expect_quiet(d, 1000);
    }
    signal_go(0);
    jmd_dds_close(d);
}

static void test_partition_isolation(void **state)
{
    (void)state;
    open_pipes();
    pid_t p[4] = {spawn(role_part, JMD_FED_WORLD), spawn(role_part, 0), spawn(role_part, 1),
                  spawn(role_part, 2)};
    reap(p, 4);
    close_pipes();
}

/* ---- late joiner and restart: transient-local ------------------------------- */

#define D_LATE 153
#define LATE_N 20

static void role_late(int self)
{
    jmd_frame f, g;
    if (self == JMD_FED_WORLD) {
        jmd_dds *d = open_or_die(D_LATE, JMD_FED_WORLD, 1);
        for (int64_t s = 0; s < LATE_N; s++) {
            sample_frame(&f, s % 2 ? JMD_FRAME_SCAN : JMD_FRAME_TICK, 0, s);
            CHK(jmd_dds_write(d, &f) == 0, "write: %s", jmd_dds_last_error(d));
            jmd_frame_clear(&f);
        }
        signal_go(0); /* written, with no node in existence */
        wait_go(1);   /* the node took everything, twice */
        jmd_dds_close(d);
        return;
    }
    wait_go(0);
    for (int incarnation = 0; incarnation < 2; incarnation++) {
        /* A new participant each time: a restarted node. */
        jmd_dds *d = open_or_die(D_LATE, 0, 1);
        /* Ticks (even steps) and scans (odd) are separate writers: each
         * arrives in its own order. */
        int64_t next_tick = 0, next_scan = 1;
        for (int i = 0; i < LATE_N; i++) {
            take_or_die(d, &g);
            int64_t step = g.kind == JMD_FRAME_TICK ? g.u.tick.step : g.u.scan.step;
            int64_t *next = g.kind == JMD_FRAME_TICK ? &next_tick : &next_scan;
            CHK(step == *next, "incarnation %d, kind %d: expected step %lld, found %lld",
                incarnation, (int)g.kind, (long long)*next, (long long)step);
            *next += 2;
            sample_frame(&f, g.kind, 0, step);
            check_frame_equal(&f, &g, "late frame");
            jmd_frame_clear(&f);
            jmd_frame_clear(&g);
        }
        expect_quiet(d, 200);
        jmd_dds_close(d);
    }
    signal_go(1);
}

static void test_late_joiner(void **state)
{
    (void)state;
    open_pipes();
    pid_t p[2] = {spawn(role_late, JMD_FED_WORLD), spawn(role_late, 0)};
    reap(p, 2);
    close_pipes();
}

/* ---- batches and the bounded history --------------------------------------
 * Node 0 writes NBATCH_TRACK tracks and NBATCH_OUT outcomes to node 1,
 * interleaved, some flushed mid-batch: node 1 takes each kind complete and
 * in order, then a second incarnation of node 1 (a restarted node) gets it
 * all again from the history. The world writes HISTORY_N ticks with no node
 * there: a late node gets the last 2048 (src/federate/dds.c HISTORY_DEPTH)
 * and not the first: the history is bounded. */

#define D_BATCH 156
#define NBATCH_TRACK (2 * 128 + 7) /* dds.c BATCH_MAX is 128: several full batches and a partial one */
#define NBATCH_OUT (128 + 2)
#define HISTORY_DEPTH_EXPECTED 2048
#define HISTORY_N (HISTORY_DEPTH_EXPECTED + 100)

static void role_batch(int self)
{
    jmd_frame f, g;
    if (self == JMD_FED_WORLD) {
        jmd_dds *d = open_or_die(D_BATCH, JMD_FED_WORLD, 2);
        for (int64_t s = 0; s < HISTORY_N; s++) {
            sample_frame(&f, JMD_FRAME_TICK, 1, s);
            CHK(jmd_dds_write(d, &f) == 0, "write tick: %s", jmd_dds_last_error(d));
            jmd_frame_clear(&f);
        }
        jmd_dds_flush(d);
        signal_go(0);
        wait_go(1); /* node 1 is done */
        jmd_dds_close(d);
        return;
    }
    if (self == 0) {
        jmd_dds *d = open_or_die(D_BATCH, 0, 2);
        /* Node 1's first incarnation reads live, its second from the
         * history. */
        CHK(jmd_dds_wait_matched(d, 1, TAKE_MS) == 0, "matched: %s", jmd_dds_last_error(d));
        uint64_t nt = 0, no = 0;
        while (nt < NBATCH_TRACK || no < NBATCH_OUT) {
            int kind = (nt < NBATCH_TRACK && (nt % 3 != 2 || no >= NBATCH_OUT))
                           ? JMD_MSG_TRACK
                           : JMD_MSG_OUTCOME;
            uint64_t *n = kind == JMD_MSG_TRACK ? &nt : &no;
            memset(&f, 0, sizeof f);
            f.kind = JMD_FRAME_PEER;
            sample_msg(&f.u.peer.m, kind, 0, 0, 1, ++*n);
            f.u.peer.t_deliver = 130.75 + (double)*n;
            CHK(jmd_dds_write(d, &f) == 0, "write: %s", jmd_dds_last_error(d));
            if (nt == 100 && kind == JMD_MSG_TRACK) jmd_dds_flush(d); /* a partial batch */
        }
        jmd_dds_flush(d);
        wait_go(1); /* read by both incarnations before this writer goes */
        jmd_dds_close(d);
        return;
    }
    wait_go(0); /* the world's ticks are all written */
    for (int incarnation = 0; incarnation < 2; incarnation++) {
        jmd_dds *d = open_or_die(D_BATCH, 1, 2);
        uint64_t next[JMD_MSG_KIND_MAX + 1] = {0};
        next[JMD_MSG_TRACK] = next[JMD_MSG_OUTCOME] = 1;
        int64_t next_tick = HISTORY_N - HISTORY_DEPTH_EXPECTED;
        int want = NBATCH_TRACK + NBATCH_OUT + HISTORY_DEPTH_EXPECTED;
        for (int i = 0; i < want; i++) {
            take_or_die(d, &g);
            if (g.kind == JMD_FRAME_TICK) {
                CHK(g.u.tick.step == next_tick,
                    "incarnation %d: expected the tick of step %lld (the history keeps the "
                    "last %d), found %lld",
                    incarnation, (long long)next_tick, HISTORY_DEPTH_EXPECTED,
                    (long long)g.u.tick.step);
                next_tick++;
                jmd_frame_clear(&g);
                continue;
            }
            CHK(g.kind == JMD_FRAME_PEER, "kind %d", (int)g.kind);
            const jmd_msg *m = &g.u.peer.m;
            CHK(m->kind == JMD_MSG_TRACK || m->kind == JMD_MSG_OUTCOME, "msg kind %d",
                (int)m->kind);
            CHK(m->seq == next[m->kind], "incarnation %d, %s: expected seq %llu, found %llu",
                incarnation, jmd_msg_kind_name((int)m->kind),
                (unsigned long long)next[m->kind], (unsigned long long)m->seq);
            memset(&f, 0, sizeof f);
            f.kind = JMD_FRAME_PEER;
            sample_msg(&f.u.peer.m, (int)m->kind, 0, 0, 1, m->seq);
            f.u.peer.t_deliver = 130.75 + (double)m->seq;
            check_frame_equal(&f, &g, "batched message");
            next[m->kind]++;
        }
        expect_quiet(d, 200);
        jmd_dds_close(d);
    }
    signal_go(1);
    signal_go(1);
}

static void test_batches_and_history(void **state)
{
    (void)state;
    open_pipes();
    pid_t p[3] = {spawn(role_batch, JMD_FED_WORLD), spawn(role_batch, 0),
                  spawn(role_batch, 1)};
    reap(p, 3);
    close_pipes();
}

/* ---- the PEER history's bound ----------------------------------------------
 * Node 0 writes NPEER_HIST tracks to node 1, each flushed alone (one batch
 * each), before node 1 exists: node 1 gets the last 256 batches
 * (src/federate/dds.c PEER_HISTORY_DEPTH) and not the first. */

#define D_PEERHIST 158
#define PEER_HISTORY_EXPECTED 256
#define NPEER_HIST (PEER_HISTORY_EXPECTED + 40)

static void role_peer_history(int self)
{
    jmd_frame f, g;
    if (self == 0) {
        jmd_dds *d = open_or_die(D_PEERHIST, 0, 2);
        for (uint64_t q = 1; q <= NPEER_HIST; q++) {
            memset(&f, 0, sizeof f);
            f.kind = JMD_FRAME_PEER;
            sample_msg(&f.u.peer.m, JMD_MSG_TRACK, 0, 0, 1, q);
            f.u.peer.t_deliver = 200.0;
            CHK(jmd_dds_write(d, &f) == 0, "write: %s", jmd_dds_last_error(d));
            CHK(jmd_dds_flush(d) == 0, "flush: %s", jmd_dds_last_error(d)); /* a batch of one */
        }
        signal_go(0);
        wait_go(1);
        jmd_dds_close(d);
        return;
    }
    wait_go(0);
    jmd_dds *d = open_or_die(D_PEERHIST, 1, 2);
    for (uint64_t q = NPEER_HIST - PEER_HISTORY_EXPECTED + 1; q <= NPEER_HIST; q++) {
        take_or_die(d, &g);
        CHK(g.kind == JMD_FRAME_PEER && g.u.peer.m.seq == q,
            "expected seq %llu (the history keeps the last %d batches), found %llu",
            (unsigned long long)q, PEER_HISTORY_EXPECTED, (unsigned long long)g.u.peer.m.seq);
    }
    expect_quiet(d, 200);
    jmd_dds_close(d);
    signal_go(1);
}

static void test_peer_history_bound(void **state)
{
    (void)state;
    open_pipes();
    pid_t p[2] = {spawn(role_peer_history, 0), spawn(role_peer_history, 1)};
    reap(p, 2);
    close_pipes();
}

/* ---- batches larger than a datagram ---------------------------------------
 * 130 LaunchOrders with 32 approval signatures each (~2.2 kB apiece): a
 * full batch of 128 is ~280 kB, several 62 kB fragments, reassembled by
 * the reader; all arrive, in order, bit-exact. */

#define D_LARGE 159
#define NLARGE 130

static void role_large(int self)
{
    jmd_frame f, g;
    jmd_dds *d = open_or_die(D_LARGE, self, 2);
    CHK(jmd_dds_wait_matched(d, 1, TAKE_MS) == 0, "matched: %s", jmd_dds_last_error(d));
    if (self == 0) {
        for (uint64_t q = 1; q <= NLARGE; q++) {
            memset(&f, 0, sizeof f);
            f.kind = JMD_FRAME_PEER;
            sample_msg(&f.u.peer.m, JMD_MSG_LAUNCH_ORDER, 1, 0, 1, q);
            f.u.peer.t_deliver = 300.0;
            CHK(jmd_dds_write(d, &f) == 0, "write: %s", jmd_dds_last_error(d));
        }
        CHK(jmd_dds_flush(d) == 0, "flush: %s", jmd_dds_last_error(d));
        wait_go(0);
        jmd_dds_close(d);
        return;
    }
    for (uint64_t q = 1; q <= NLARGE; q++) {
        take_or_die(d, &g);
        memset(&f, 0, sizeof f);
        f.kind = JMD_FRAME_PEER;
        sample_msg(&f.u.peer.m, JMD_MSG_LAUNCH_ORDER, 1, 0, 1, q);
        f.u.peer.t_deliver = 300.0;
        CHK(g.kind == JMD_FRAME_PEER && g.u.peer.m.seq == f.u.peer.m.seq,
            "message %llu: expected seq %llu, found %llu", (unsigned long long)q,
            (unsigned long long)f.u.peer.m.seq, (unsigned long long)g.u.peer.m.seq);
        check_frame_equal(&f, &g, "large launch order");
    }
    expect_quiet(d, 200);
    signal_go(0);
    jmd_dds_close(d);
}

static void test_large_batches(void **state)
{
    (void)state;
    open_pipes();
    pid_t p[2] = {spawn(role_large, 0), spawn(role_large, 1)};
    reap(p, 2);
    close_pipes();
}

/* ---- a batch that cannot be written is reported ------------------------------
 * In one process, with no reader needed: batch writes made to fail
 * (jmd_dds__fail_batches). A message sent by the flusher thread (the
 * caller waits, calls nothing) fails the caller's next write with the
 * reason; one sent by jmd_dds_flush fails the flush; once writes work
 * again, so do flushes. */

#define D_FAIL 160

static void role_fail(int unused)
{
    (void)unused;
    jmd_frame f;
    jmd_dds *d = open_or_die(D_FAIL, 0, 2);
    memset(&f, 0, sizeof f);
    f.kind = JMD_FRAME_PEER;
    sample_msg(&f.u.peer.m, JMD_MSG_TRACK, 0, 0, 1, 1);
    f.u.peer.t_deliver = 200.0;
    jmd_dds__fail_batches(d, 1);
    CHK(jmd_dds_write(d, &f) == 0, "queued: %s", jmd_dds_last_error(d));
    dds_sleepfor(DDS_MSECS(50)); /* the flusher sends after ~1 ms */
    f.u.peer.m.seq = 2;
    int rc = jmd_dds_write(d, &f);
    CHK(rc == JMD_EIO, "the flusher's failure: expected JMD_EIO from the next write, found %d",
        rc);
    CHK(strstr(jmd_dds_last_error(d), "write Track (1 messages)") != NULL, "reason: %s",
        jmd_dds_last_error(d));
    f.u.peer.m.seq = 3;
    CHK(jmd_dds_write(d, &f) == 0, "queued: %s", jmd_dds_last_error(d));
    rc = jmd_dds_flush(d);
    CHK(rc == JMD_EIO && strstr(jmd_dds_last_error(d), "write Track"),
        "flush: expected JMD_EIO with the reason, found %d (%s)", rc, jmd_dds_last_error(d));
    jmd_dds__fail_batches(d, 0);
    f.u.peer.m.seq = 4;
    CHK(jmd_dds_write(d, &f) == 0, "write: %s", jmd_dds_last_error(d));
    CHK(jmd_dds_flush(d) == 0, "flush: %s", jmd_dds_last_error(d));
    jmd_dds_close(d);
}

static void test_batch_failure_reported(void **state)
{
    (void)state;
    pid_t p[1] = {spawn(role_fail, 0)};
    reap(p, 1);
}

/* ---- a raw batch among queued messages -------------------------------------
 * Node 1 queues three tracks (jmd_dds_write), then writes a raw batch of
 * three whose middle one is invalid (an asymmetric covariance), then one
 * more track: node 0 takes the three queued ones first (a raw sample never
 * overtakes what is queued on its writer), then the batch's first, a
 * JMD_EPARSE for its second, its third, and the last: one bad message in a
 * batch costs only itself. */

#define D_MIXED 157

/* The IDL item of a Track, field by field (src/federate/jmd.idl). */
static void track_item(jmd_Track *o, jmd_msg *m, double t_deliver)
{
    memset(o, 0, sizeof *o);
    o->env.sender = m->sender;
    o->env.receiver = m->receiver;
    o->env.seq = m->seq;
    o->env.t = m->t;
    o->env.t_deliver = t_deliver;
    o->env.auth_scheme = m->auth.scheme;
    o->env.auth._length = o->env.auth._maximum = m->auth.len;
    o->env.auth._buffer = m->auth.bytes;
    o->track_id = m->u.track.track_id;
    o->status = m->u.track.status;
    o->t = m->u.track.t;
    memcpy(o->x, m->u.track.x, sizeof o->x);
    memcpy(o->P, m->u.track.P, sizeof o->P);
    o->precision = m->u.track.precision;
}

static void role_mixed(int self)
{
    jmd_frame f, g;
    jmd_dds *d = open_or_die(D_MIXED, self, 2);
    CHK(jmd_dds_wait_matched(d, 1, TAKE_MS) == 0, "matched: %s", jmd_dds_last_error(d));
    if (self == 1) {
        for (uint64_t q = 1; q <= 3; q++) {
            memset(&f, 0, sizeof f);
            f.kind = JMD_FRAME_PEER;
            sample_msg(&f.u.peer.m, JMD_MSG_TRACK, 0, 1, 0, q);
            f.u.peer.t_deliver = 200.0;
            CHK(jmd_dds_write(d, &f) == 0, "write: %s", jmd_dds_last_error(d));
        }
        jmd_msg m[3];
        jmd_Track items[3];
        for (int i = 0; i < 3; i++) {
            sample_msg(&m[i], JMD_MSG_TRACK, 0, 1, 0, 10u + (uint64_t)i);
            track_item(&items[i], &m[i], 200.0);
        }
        items[1].P[0][1] = 1.0; /* asymmetric: refused by jmd_msg_check */
        CHK(jmd_dds__write_raw_batch(d, JMD_MSG_TRACK, 0, items, 3) == 0, "raw batch: %s",
            jmd_dds_last_error(d));
        memset(&f, 0, sizeof f);
        f.kind = JMD_FRAME_PEER;
        sample_msg(&f.u.peer.m, JMD_MSG_TRACK, 0, 1, 0, 13);
        f.u.peer.t_deliver = 200.0;
        CHK(jmd_dds_write(d, &f) == 0, "write: %s", jmd_dds_last_error(d));
        CHK(jmd_dds_flush(d) == 0, "flush: %s", jmd_dds_last_error(d));
        wait_go(0); /* node 0 took everything */
        jmd_dds_close(d);
        return;
    }
    static const uint64_t want[] = {1, 2, 3, 10, 0, 12, 13}; /* 0: refused */
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        /* Taken with their encodings (jmd_dds_take_enc, a node's path):
         * the same frames and reasons as jmd_dds_take gives, each accepted
         * one with exactly jmd_msg_encode's bytes, a refused one with none. */
        uint8_t enc[JMD_MSG_MAX_SIZE], again[JMD_MSG_MAX_SIZE];
        size_t elen = 12345, alen = 0;
        int rc = jmd_dds_take_enc(d, &g, TAKE_MS, enc, &elen);
        if (want[i] == 0) {
            CHK(rc == JMD_EPARSE, "message %zu: expected JMD_EPARSE, found %d", i, rc);
            CHK(elen == 0, "refused message: expected no encoding, found %zu bytes", elen);
            CHK(strstr(jmd_dds_last_error(d), "P[0][1]") != NULL, "reason: %s",
                jmd_dds_last_error(d));
            CHK(g.kind == JMD_FRAME_PEER && g.u.peer.m.sender == 1, "refused frame's sender");
            continue;
        }
        CHK(rc == 1, "message %zu: expected a frame, found %d (%s)", i, rc,
            jmd_dds_last_error(d));
        CHK(g.kind == JMD_FRAME_PEER && g.u.peer.m.seq == want[i],
            "message %zu: expected seq %llu, found %llu", i, (unsigned long long)want[i],
            (unsigned long long)g.u.peer.m.seq);
        CHK(jmd_msg_encode(&g.u.peer.m, again, sizeof again, &alen) == 0 && alen == elen &&
                memcmp(again, enc, elen) == 0,
            "message %zu: the encoding given (%zu bytes) is not jmd_msg_encode's (%zu)", i, elen,
            alen);
        memset(&f, 0, sizeof f);
        f.kind = JMD_FRAME_PEER;
        sample_msg(&f.u.peer.m, JMD_MSG_TRACK, 0, 1, 0, want[i]);
        f.u.peer.t_deliver = 200.0;
        check_frame_equal(&f, &g, "track");
    }
    expect_quiet(d, 200);
    signal_go(0);
    jmd_dds_close(d);
}

static void test_raw_batch_among_queued(void **state)
{
    (void)state;
    open_pipes();
    pid_t p[2] = {spawn(role_mixed, 0), spawn(role_mixed, 1)};
    reap(p, 2);
    close_pipes();
}

/* ---- invalid input: JMD_EPARSE with a reason, then the next frame ----------- */

#define D_INVALID 154

static void role_invalid(int self)
{
    jmd_frame g;
    if (self == JMD_FED_WORLD) {
        jmd_dds *d = open_or_die(D_INVALID, JMD_FED_WORLD, 3);
        jmd_Tick t;
        memset(&t, 0, sizeof t);
        t.party = 0;
        t.t = NAN;
        CHK(jmd_dds__write_raw(d, JMD_FRAME_TICK, 0, 0, &t) == 0, "raw tick");
        t.t = 1.0;
        t.party = 1; /* in party 0's partition: misrouted */
        CHK(jmd_dds__write_raw(d, JMD_FRAME_TICK, 0, 0, &t) == 0, "raw tick");
        t.party = 0;
        t.step = -5;
        CHK(jmd_dds__write_raw(d, JMD_FRAME_TICK, 0, 0, &t) == 0, "raw tick");
        jmd_Detection det = {.meas_id = 1, .sensor = 0, .t = 1, .range = -3, .snr = 1};
        jmd_Scan s;
        memset(&s, 0, sizeof s);
        s.party = 0;
        s.m._length = s.m._maximum = 1;
        s.m._buffer = &det;
        CHK(jmd_dds__write_raw(d, JMD_FRAME_SCAN, 0, 0, &s) == 0, "raw scan");
        signal_go(0);
        wait_go(1);
        jmd_dds_close(d);
        return;
    }
    jmd_dds *d = open_or_die(D_INVALID, self, 3);
    if (self == 1) {
        /* Hand-built PEER samples from party 1 to party 0. */
        jmd_Track tr;
        memset(&tr, 0, sizeof tr);
        tr.env.sender = 1;
        tr.env.receiver = 0;
        tr.P[0][1] = 1.0; /* asymmetric */
        CHK(jmd_dds__write_raw(d, JMD_FRAME_PEER, JMD_MSG_TRACK, 0, &tr) == 0, "raw track");
        jmd_Vote v;
        uint8_t sig[10] = {0};
        memset(&v, 0, sizeof v);
        v.env.sender = 1;
        v.env.receiver = 2; /* addressed to another party */
        v.approve = 0;
        CHK(jmd_dds__write_raw(d, JMD_FRAME_PEER, JMD_MSG_VOTE, 0, &v) == 0, "raw vote");
        v.env.receiver = 0;
        v.approve = 1;
        v.sig._length = v.sig._maximum = 10;
        v.sig._buffer = sig;
        CHK(jmd_dds__write_raw(d, JMD_FRAME_PEER, JMD_MSG_VOTE, 0, &v) == 0, "raw vote");
        jmd_Outcome o;
        memset(&o, 0, sizeof o);
        o.env.sender = 77; /* no such party */
        o.env.receiver = 0;
        CHK(jmd_dds__write_raw(d, JMD_FRAME_PEER, JMD_MSG_OUTCOME, 0, &o) == 0, "raw outcome");
        signal_go(0);
        wait_go(1);
        jmd_dds_close(d);
        return;
    }
    /* Party 0: wait until both wrote, so the order per writer is known. */
    wait_go(0);
    wait_go(0);
    int n_tick = 0, n_scan = 0, n_peer = 0;
    for (int i = 0; i < 8; i++) {
        int rc = jmd_dds_take(d, &g, TAKE_MS);
        CHK(rc == JMD_EPARSE, "sample %d: expected JMD_EPARSE, found %d", i, rc);
        const char *e = jmd_dds_last_error(d);
        switch (g.kind) {
        case JMD_FRAME_TICK: {
            /* One writer: in the order written. */
            static const char *why[] = {"tick.t: expected a finite number",
                                        "Tick party: expected this node 0, found 1",
                                        "step: expected >= 0, found -5"};
            CHK(n_tick < 3 && strstr(e, why[n_tick]), "tick %d: \"%s\"", n_tick, e);
            CHK(g.u.tick.party == (n_tick == 1 ? 1 : 0), "claimed party %d", g.u.tick.party);
            n_tick++;
            break;
        }
        case JMD_FRAME_SCAN:
            CHK(strstr(e, "scan.m.range: expected a finite number >= 0, found -3"), "scan: \"%s\"",
                e);
            CHK(g.u.scan.n == 0 && g.u.scan.m == NULL, "a rejected scan owns nothing");
            n_scan++;
            break;
        case JMD_FRAME_PEER: {
            /* Per topic in order; tracks, votes and outcomes interleave. */
            int k = (int)g.u.peer.m.kind;
            CHK(g.u.peer.m.sender == (strstr(e, "sender") ? -1 : 1), "sender %d (%s)",
                g.u.peer.m.sender, e);
            CHK((k == JMD_MSG_TRACK && strstr(e, "peer track")) ||
                    (k == JMD_MSG_VOTE && (strstr(e, "peer receiver: expected 0 or broadcast, "
                                                     "found 2") ||
                                           strstr(e, "sig_len"))) ||
                    (k == JMD_MSG_OUTCOME && strstr(e, "sender")),
                "peer kind %d: \"%s\"", k, e);
            n_peer++;
            break;
        }
        default:
            CHK(0, "kind %d: \"%s\"", (int)g.kind, e);
        }
        jmd_frame_clear(&g);
    }
    CHK(n_tick == 3 && n_scan == 1 && n_peer == 4, "ticks %d scans %d peers %d", n_tick, n_scan,
        n_peer);
    expect_quiet(d, 100);
    signal_go(1);
    signal_go(1);
    jmd_dds_close(d);
}

static void test_invalid_input(void **state)
{
    (void)state;
    open_pipes();
    pid_t p[3] = {spawn(role_invalid, JMD_FED_WORLD), spawn(role_invalid, 1),
                  spawn(role_invalid, 0)};
    reap(p, 3);
    close_pipes();
}

/* ---- argument errors (no DDS involved: the parent may run them) ----------- */

static void open_fails(uint32_t domain, int self, int nparties, const char *run_tag, int use_out,
                       const char *why)
{
    jmd_dds *d = (jmd_dds *)&d; /* must be reset to NULL */
    char err[256] = "unchanged";
    int rc = jmd_dds_open(domain, self, nparties, run_tag, use_out ? &d : NULL, err, sizeof err);
    assert_int_equal(rc, JMD_EINVAL);
    if (use_out) assert_null(d);
    if (!strstr(err, why)) fail_msg("expected \"%s\" in \"%s\"", why, err);
}

static void test_open_arguments(void **state)
{
    (void)state;
    open_fails(233, 0, 2, "t", 1, "domain: expected 0 .. 232, found 233");
    open_fails(1, 0, 0, "t", 1, "nparties: expected 1 .. 32, found 0");
    open_fails(1, 0, 33, "t", 1, "nparties: expected 1 .. 32, found 33");
    open_fails(1, 2, 2, "t", 1, "self: expected a party index 0 .. 1 or JMD_FED_WORLD");
    open_fails(1, -1, 2, "t", 1, "found -1");
    open_fails(1, 0xFD, 2, "t", 1, "found 253");
    open_fails(1, 0, 2, NULL, 1, "run_tag");
    open_fails(1, 0, 2, "", 1, "run_tag: expected 1 .. 32 characters, found 0");
    open_fails(1, 0, 2, "abcdefghijklmnopqrstuvwxyz0123456", 1, "found 33");
    open_fails(1, 0, 2, "a b", 1, "found byte 0x20 at 1");
    open_fails(1, 0, 2, "a.b", 1, "found byte 0x2e at 1");
    open_fails(1, 0, 2, "t", 0, "out: expected a pointer");
    /* NULL handles. */
    jmd_dds_close(NULL);
    jmd_frame_clear(NULL);
    assert_string_equal(jmd_dds_last_error(NULL), "");
    jmd_frame f;
    assert_int_equal(jmd_dds_write(NULL, &f), JMD_EINVAL);
    assert_int_equal(jmd_dds_take(NULL, &f, 0), JMD_EINVAL);
    assert_int_equal(jmd_dds_wait_matched(NULL, 1, 0), JMD_EINVAL);
    /* jmd_frame_clear frees and zeroes. */
    memset(&f, 0, sizeof f);
    f.kind = JMD_FRAME_DONE;
    f.u.done.orders = malloc(16);
    f.u.done.norders = 1;
    jmd_frame_clear(&f);
    assert_int_equal(f.kind, 0);
    assert_null(f.u.done.orders);
}

/* Two jmd_dds in one process share the domain; discovery on the open
 * handles; take with a zero timeout. In a child: the parent stays free of
 * Cyclone's threads. */
static void role_same_process(int unused)
{
    (void)unused;
    jmd_dds *w = open_or_die(155, JMD_FED_WORLD, 1);
    jmd_dds *n = open_or_die(155, 0, 1);
    jmd_frame f;
    CHK(jmd_dds_take(n, &f, 0) == 0, "take on an empty reader");
    CHK(jmd_dds_wait_matched(w, 1, TAKE_MS) == 0, "world matched: %s", jmd_dds_last_error(w));
    CHK(jmd_dds_wait_matched(n, 1, TAKE_MS) == 0, "node matched: %s", jmd_dds_last_error(n));
    CHK(jmd_dds_wait_matched(n, 2, 50) == JMD_EIO, "2 receivers of a 1-party node");
    CHK(strstr(jmd_dds_last_error(n), "expected 2 of 1 receivers"), "%s", jmd_dds_last_error(n));
    sample_frame(&f, JMD_FRAME_ASSESS, 0, 1);
    CHK(jmd_dds_write(w, &f) == 0, "write: %s", jmd_dds_last_error(w));
    jmd_dds_close(w); /* the node's participant keeps the shared domain alive */
    jmd_frame g;
    take_or_die(n, &g);
    check_frame_equal(&f, &g, "same-process frame");
    jmd_dds_close(n);
}

static void test_same_process(void **state)
{
    (void)state;
    pid_t p[1] = {spawn(role_same_process, 0)};
    reap(p, 1);
}

int main(int argc, char **argv)
{
    snprintf(tag, sizeof tag, "t%ld", (long)getpid());
    const struct CMUnitTest roundtrip[] = {
        cmocka_unit_test(test_roundtrip_world_node),
        cmocka_unit_test(test_roundtrip_peer),
    };
    const struct CMUnitTest all[] = {
        cmocka_unit_test(test_open_arguments),
        cmocka_unit_test(test_roundtrip_world_node),
        cmocka_unit_test(test_roundtrip_peer),
        cmocka_unit_test(test_partition_isolation),
        cmocka_unit_test(test_late_joiner),
        cmocka_unit_test(test_batches_and_history),
        cmocka_unit_test(test_raw_batch_among_queued),
        cmocka_unit_test(test_peer_history_bound),
        cmocka_unit_test(test_large_batches),
        cmocka_unit_test(test_batch_failure_reported),
        cmocka_unit_test(test_invalid_input),
        cmocka_unit_test(test_same_process),
    };
    if (argc > 1 && strcmp(argv[1], "roundtrip") == 0)
        return cmocka_run_group_tests(roundtrip, NULL, NULL);
    return cmocka_run_group_tests(all, NULL, NULL);
}
