/* test_ledger_log.c — the persistent log, checkpoints and cosigning, and
 * jmd verify (jmd/ledger.h; docs/ledger.md): append/reopen round trips
 * whose root equals the RFC 9162 root of the leaves; two parties that
 * exchange signed and MACed messages, checkpoint and cosign each other;
 * cosigning refuses forks, bad signatures and skipped sizes; verify passes
 * clean logs and names the first bad entry of edited, rewritten, truncated
 * and pruned ones; approval signatures bind the exact proposal. Each test
 * works in its own temporary directory. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "tamper.h"

#include "ledger/ledger__log.h"

#include "jmd/ledger.h"

/* ---- fixtures ---------------------------------------------------------------- */

typedef struct {
    char dir[256];
    char pa[300], pb[300]; /* the two logs */
    jmd_ledger_keypair ka, kb;
    jmd_ledger_pair_key pair;
    jmd_ledger_log *a, *b;
    uint64_t seq[2];
    double t;
    int64_t step;
} world;

static void keys(world *w)
{
    uint8_t sa[32], sb[32];
    for (int i = 0; i < 32; i++)
        sa[i] = (uint8_t)(i + 1), sb[i] = (uint8_t)(200 - i);
    assert_int_equal(jmd_ledger_keypair_from_seed(&w->ka, "NATO", sa), 0);
    assert_int_equal(jmd_ledger_keypair_from_seed(&w->kb, "RUS", sb), 0);
    assert_int_equal(jmd_ledger_pair_key_derive(&w->ka, w->kb.pk, &w->pair), 0);
}

static void open_both(world *w, int create)
{
    char err[300];
    assert_int_equal(
        jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, create, &w->a, err, sizeof err), 0);
    assert_int_equal(
        jmd_ledger_log_open(w->pb, "RUS", w->kb.pk, create, &w->b, err, sizeof err), 0);
    if (create) {
        for (int k = 0; k < 2; k++) {
            jmd_ledger_log *l = k ? w->b : w->a;
            assert_int_equal(jmd_ledger_log_register_peer(l, 0, "NATO", w->ka.pk), 0);
            assert_int_equal(jmd_ledger_log_register_peer(l, 1, "RUS", w->kb.pk), 0);
        }
    }
}

static void close_both(world *w)
{
    jmd_ledger_log_close(w->a);
    jmd_ledger_log_close(w->b);
    w->a = w->b = NULL;
}

static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    snprintf(w->dir, sizeof w->dir, "/tmp/jmd-test-ledger-XXXXXX");
    if (!mkdtemp(w->dir)) return -1;
    snprintf(w->pa, sizeof w->pa, "%s/nato.jmdlog", w->dir);
    snprintf(w->pb, sizeof w->pb, "%s/rus.jmdlog", w->dir);
    keys(w);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    close_both(w);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->dir);
    if (system(cmd) != 0) return -1;
    free(w);
    return 0;
}

static void sample_proposal(jmd_msg *m, uint64_t id)
{
    memset(m, 0, sizeof *m);
    m->kind = JMD_MSG_PROPOSAL;
    m->sender = 0;
    m->receiver = 1;
    jmd_msg_proposal *p = &m->u.proposal;
    p->proposal_id = id;
    p->proposer = 0;
    p->track_id = 12;
    p->site = 2;
    p->t_commit = 400;
    p->t_launch = 410;
    p->t_intercept = 700;
    p->icpt_lat = 0.7;
    p->icpt_lon = 0.5;
    p->icpt_alt = 150e3;
    p->asset = 4;
    p->value = 0.95;
}

static void sample_track(jmd_msg *m, int sender, double t)
{
    memset(m, 0, sizeof *m);
    m->kind = JMD_MSG_TRACK;
    m->sender = sender;
    m->receiver = 1 - sender;
    m->u.track.track_id = 7;
    m->u.track.status = JMD_MSG_TRACK_FIRM;
    m->u.track.t = t;
    for (int i = 0; i < 6; i++) {
        m->u.track.x[i] = 1e6 * (i + 1) + t;
        m->u.track.P[i][i] = 100.0;
    }
}

/* Party `from` sends m to the other: stamps, authenticates (signature for
 * decisive kinds, MAC otherwise), logs SENT at the sender and RECEIVED at
 * the receiver (unless lost). */
static void deliver(world *w, int from, jmd_msg *m, int lost)
{
    jmd_ledger_log *src = from ? w->b : w->a, *dst = from ? w->a : w->b;
    m->sender = from;
    m->receiver = 1 - from;
    m->seq = ++w->seq[from];
    m->t = w->t;
    int sig = m->kind == JMD_MSG_PROPOSAL || m->kind == JMD_MSG_VOTE ||
              m->kind == JMD_MSG_LAUNCH_ORDER || m->kind == JMD_MSG_CHECKPOINT;
    if (sig)
        assert_int_equal(jmd_ledger_auth_sign(m, from ? &w->kb : &w->ka), 0);
    else
        assert_int_equal(jmd_ledger_auth_mac(m, &w->pair), 0);
    uint8_t buf[JMD_MSG_MAX_SIZE];
    size_t n = 0;
    assert_int_equal(jmd_msg_encode(m, buf, sizeof buf, &n), 0);
    jmd_log_entry e = {.dir = JMD_LOG_SENT,
                       .peer = 1 - from,
                       .kind = (int)m->kind,
                       .seq = m->seq,
                       .t = w->t,
                       .step = w->step,
                       .data = buf,
                       .len = n};
    assert_int_equal(jmd_ledger_log_append(src, &e, NULL), 0);
    if (!lost) {
        e.dir = JMD_LOG_RECEIVED;
        e.peer = from;
        e.t = w->t + 0.5;
        assert_int_equal(jmd_ledger_log_append(dst, &e, NULL), 0);
    }
}

/* Party `who` checkpoints; the other checks and cosigns; the cosignature
 * is stored back. */
static void checkpoint_round(world *w, int who, jmd_msg *out_cp)
{
    jmd_ledger_log *own = who ? w->b : w->a, *other = who ? w->a : w->b;
    const jmd_ledger_keypair *kown = who ? &w->kb : &w->ka, *kother = who ? &w->ka : &w->kb;
    jmd_msg cp, co;
    char err[300];
    assert_int_equal(jmd_ledger_log_checkpoint(own, kown, who, &cp), 0);
    cp.seq = ++w->seq[who];
    cp.t = w->t;
    assert_int_equal(jmd_ledger_auth_sign(&cp, kown), 0);
    assert_int_equal(jmd_ledger_log_checkpoint_signed(own, &cp), 0);
    if (jmd_ledger_log_cosign_check(other, &cp, kown->pk, err, sizeof err) != 0)
        fail_msg("cosign_check: %s", err);
    co = cp;
    co.sender = 1 - who;
    co.receiver = who;
    co.seq = ++w->seq[1 - who];
    assert_int_equal(jmd_ledger_auth_sign(&co, kother), 0);
    if (jmd_ledger_log_cosignature_store(own, &co, kother->pk, err, sizeof err) != 0)
        fail_msg("cosignature_store: %s", err);
    if (out_cp) *out_cp = cp;
}

/* A session: proposals, a signed approving vote, a launch order quoting
 * the approvals, MACed tracks, notes and inputs, two checkpoint rounds
 * each way, then a little traffic after the last checkpoints. */
static void session(world *w, jmd_msg cps[2][2])
{
    open_both(w, 1);
    jmd_msg m, prop;
    for (int s = 0; s < 2; s++) {
        assert_int_equal(jmd_ledger_log_begin(w->a), 0);
        assert_int_equal(jmd_ledger_log_begin(w->b), 0);
        for (int k = 0; k < 3; k++) {
            w->t += 1.0;
            sample_track(&m, k % 2, w->t);
            deliver(w, k % 2, &m, 0);
        }
        sample_proposal(&prop, (uint64_t)(100 + s));
        deliver(w, 0, &prop, 0);
        /* RUS approves: its approval signature goes in the vote. */
        memset(&m, 0, sizeof m);
        m.kind = JMD_MSG_VOTE;
        m.u.vote.proposal_id = prop.u.proposal.proposal_id;
        m.u.vote.voter = 1;
        m.u.vote.approve = 1;
        m.u.vote.t_decision = w->t;
        m.u.vote.sig_len = 64;
        assert_int_equal(jmd_ledger_approval_sign(&w->kb, &prop, m.u.vote.sig), 0);
        uint8_t rus_sig[64];
        memcpy(rus_sig, m.u.vote.sig, 64);
        deliver(w, 1, &m, 0);
        memset(&m, 0, sizeof m);
        m.kind = JMD_MSG_LAUNCH_ORDER;
        m.u.order.proposal_id = prop.u.proposal.proposal_id;
        m.u.order.track_id = 12;
        m.u.order.site = 2;
        m.u.order.t_launch = 410;
        m.u.order.t_intercept = 700;
        m.u.order.napprovals = 2;
        m.u.order.approvals[0].party = 0;
        m.u.order.approvals[0].sig_len = 64;
        assert_int_equal(jmd_ledger_approval_sign(&w->ka, &prop, m.u.order.approvals[0].sig),
                         0);
        m.u.order.approvals[1].party = 1;
        m.u.order.approvals[1].sig_len = 64;
        memcpy(m.u.order.approvals[1].sig, rus_sig, 64);
        deliver(w, 0, &m, 0);
        const char *note = "link NATO>RUS restored";
        jmd_log_entry e = {.dir = JMD_LOG_NOTE,
                           .peer = JMD_LOG_PEER_NONE,
                           .t = w->t,
                           .step = w->step,
                           .data = (const uint8_t *)note,
                           .len = strlen(note)};
        assert_int_equal(jmd_ledger_log_append(w->a, &e, NULL), 0);
        uint8_t input[5] = {1, 2, 3, 4, 5};
        jmd_log_entry in = {.dir = JMD_LOG_INPUT,
                            .peer = JMD_LOG_PEER_WORLD,
                            .kind = 9,
                            .t = w->t,
                            .step = w->step,
                            .data = input,
                            .len = sizeof input};
        assert_int_equal(jmd_ledger_log_append(w->b, &in, NULL), 0);
        uint8_t junk[3] = {9, 9, 9};
        jmd_log_entry rej = {.dir = JMD_LOG_REJECTED,
                             .peer = 0,
                             .t = w->t,
                             .step = w->step,
                             .data = junk,
                             .len = 3,
                             .reason = "byte 0: version: expected 1"};
        assert_int_equal(jmd_ledger_log_append(w->b, &rej, NULL), 0);
        assert_int_equal(jmd_ledger_log_commit(w->a), 0);
        assert_int_equal(jmd_ledger_log_commit(w->b), 0);
        checkpoint_round(w, 0, cps ? &cps[0][s] : NULL);
        checkpoint_round(w, 1, cps ? &cps[1][s] : NULL);
        w->step++;
    }
    /* after the last checkpoints: a track each way, then a late note at
     * RUS so that both are well before the end of RUS's log */
    w->t += 1.0;
    sample_track(&m, 0, w->t);
    deliver(w, 0, &m, 0);
    sample_track(&m, 1, w->t);
    deliver(w, 1, &m, 0);
    w->t += 100.0;
    const char *note = "restart";
    jmd_log_entry e = {.dir = JMD_LOG_NOTE,
                       .peer = JMD_LOG_PEER_NONE,
                       .t = w->t,
                       .step = w->step,
                       .data = (const uint8_t *)note,
                       .len = strlen(note)};
    assert_int_equal(jmd_ledger_log_append(w->b, &e, NULL), 0);
    assert_int_equal(jmd_ledger_log_append(w->a, &e, NULL), 0);
}

/* Runs verify and asserts the outcome: ok, or the failure's entry index
 * (-2: any) and a phrase of its text. */
static void expect_verify(const char *pa, const char *pb, int ok, int64_t index, int dir,
                          const char *what)
{
    jmd_ledger_verify_result r;
    char err[300];
    assert_int_equal(jmd_ledger_log_verify(pa, pb, 0.0, &r, err, sizeof err), 0);
    if (ok) {
        if (!r.ok)
            fail_msg("verify failed: %s entry %lld: %s", r.bad_file, (long long)r.bad_index,
                     r.what);
        return;
    }
    if (r.ok) fail_msg("verify passed, expected \"%s\"", what);
    if ((index != -2 && r.bad_index != index) || (dir && r.bad_dir != dir) ||
        !strstr(r.what, what))
        fail_msg("verify: %s entry %lld dir %d: \"%s\"; expected entry %lld dir %d \"%s\"",
                 r.bad_file, (long long)r.bad_index, r.bad_dir, r.what, (long long)index, dir,
                 what);
}

static void sql(const char *path, const char *stmt)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *e = NULL;
    if (sqlite3_exec(db, stmt, NULL, NULL, &e) != SQLITE_OK) fail_msg("%s: %s", stmt, e);
    sqlite3_close(db);
}

/* Edits for tamper_entry (tests/support/tamper.h). */
static void set_step_5(jmd_log_entry *e, void *ctx)
{
    (void)ctx;
    e->step = 5;
}

static void set_step_77(jmd_log_entry *e, void *ctx)
{
    (void)ctx;
    e->step = 77;
}

static void set_data_4_bytes(jmd_log_entry *e, void *ctx)
{
    (void)ctx;
    static const uint8_t junk[4] = {0x00, 0x11, 0x22, 0x33};
    e->data = junk;
    e->len = sizeof junk;
}

/* ---- tests ------------------------------------------------------------------- */

static void test_round_trip(void **state)
{
    world *w = *state;
    char err[300];
    jmd_ledger_log *l;
    assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, 1, &l, err, sizeof err), 0);
    jmd_merkle_hash leaves[40], root, r2;
    jmd_merkle_empty_root(&r2);
    assert_int_equal(jmd_ledger_log_root(l, &root), 0);
    assert_memory_equal(root.b, r2.b, 32);
    uint8_t data[40][8];
    assert_int_equal(jmd_ledger_log_begin(l), 0);
    assert_int_equal(jmd_ledger_log_begin(l), JMD_EINVAL);
    for (int i = 0; i < 40; i++) {
        for (int k = 0; k < 8; k++)
            data[i][k] = (uint8_t)(i * 8 + k);
        jmd_log_entry e = {.dir = i % 2 ? JMD_LOG_INPUT : JMD_LOG_NOTE,
                           .peer = i % 2 ? JMD_LOG_PEER_WORLD : JMD_LOG_PEER_NONE,
                           .kind = i % 7,
                           .seq = (uint64_t)i,
                           .t = i == 3 ? -0.0 : 0.25 * i,
                           .step = -i,
                           .data = data[i],
                           .len = (size_t)(i % 9),
                           .reason = i % 5 ? NULL : "why"};
        uint64_t idx = 99;
        assert_int_equal(jmd_ledger_log_append(l, &e, &idx), 0);
        assert_int_equal(idx, (uint64_t)i);
        assert_int_equal(jmd_ledger_log_leaf_hash(&e, &leaves[i]), 0);
        if (i == 20) assert_int_equal(jmd_ledger_log_commit(l), 0);
        if (i == 20) assert_int_equal(jmd_ledger_log_begin(l), 0);
    }
    assert_int_equal(jmd_ledger_log_commit(l), 0);
    assert_int_equal(jmd_ledger_log_commit(l), JMD_EINVAL);
    assert_int_equal(jmd_ledger_log_size(l), 40);
    assert_int_equal(jmd_ledger_log_root(l, &root), 0);
    assert_int_equal(jmd_merkle_root(leaves, 40, &r2), 0);
    assert_memory_equal(root.b, r2.b, 32);
    /* a transaction left open is lost at close, as in a crash */
    assert_int_equal(jmd_ledger_log_begin(l), 0);
    jmd_log_entry lost = {
        .dir = JMD_LOG_NOTE, .peer = -1, .data = (const uint8_t *)"x", .len = 1};
    assert_int_equal(jmd_ledger_log_append(l, &lost, NULL), 0);
    jmd_ledger_log_close(l);

    assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, 0, &l, err, sizeof err), 0);
    assert_int_equal(jmd_ledger_log_size(l), 40);
    assert_int_equal(jmd_ledger_log_root(l, &root), 0);
    assert_memory_equal(root.b, r2.b, 32);
    jmd_log_entry_buf b = {0};
    for (int i = 0; i < 40; i++) {
        assert_int_equal(jmd_ledger_log_get(l, (uint64_t)i, &b), 0);
        assert_int_equal(b.e.index, (uint64_t)i);
        assert_int_equal(b.e.kind, i % 7);
        assert_int_equal(b.e.step, -i);
        assert_true(b.e.t == (i == 3 ? 0.0 : 0.25 * i));
        assert_int_equal(b.e.len, (size_t)(i % 9));
        assert_memory_equal(b.e.data, data[i], b.e.len);
        if (i % 5)
            assert_null(b.e.reason);
        else
            assert_string_equal(b.e.reason, "why");
        jmd_merkle_hash h;
        assert_int_equal(jmd_ledger_log_leaf_hash(&b.e, &h), 0);
        assert_memory_equal(h.b, leaves[i].b, 32);
    }
    assert_int_equal(jmd_ledger_log_get(l, 40, &b), JMD_ENOTFOUND);
    jmd_ledger_log_entry_free(&b);
    jmd_ledger_log_entry_free(NULL);
    /* proofs over the stored leaves verify against the root */
    jmd_merkle_hash proof[JMD_MERKLE_PROOF_MAX], r17;
    size_t n = 0;
    assert_int_equal(jmd_ledger_log_inclusion_proof(l, 13, 40, proof, &n), 0);
    assert_int_equal(jmd_merkle_inclusion_verify(13, 40, &leaves[13], proof, n, &root), 0);
    assert_int_equal(jmd_ledger_log_consistency_proof(l, 17, 40, proof, &n), 0);
    assert_int_equal(jmd_merkle_root(leaves, 17, &r17), 0);
    assert_int_equal(jmd_merkle_consistency_verify(17, 40, &r17, &root, proof, n), 0);
    assert_int_equal(jmd_ledger_log_inclusion_proof(l, 40, 40, proof, &n), JMD_EINVAL);
    assert_int_equal(jmd_ledger_log_consistency_proof(l, 17, 41, proof, &n), JMD_EINVAL);
    /* refused entries append nothing */
    jmd_log_entry badent = {.dir = 6, .peer = -1};
    assert_int_equal(jmd_ledger_log_append(l, &badent, NULL), JMD_EINVAL);
    assert_non_null(strstr(jmd_ledger_log_errmsg(l), "dir: expected 1 .. 5, found 6"));
    badent.dir = JMD_LOG_NOTE, badent.peer = 40;
    assert_int_equal(jmd_ledger_log_append(l, &badent, NULL), JMD_EINVAL);
    badent.peer = -1, badent.t = 1.0 / 0.0;
    assert_int_equal(jmd_ledger_log_append(l, &badent, NULL), JMD_EINVAL);
    uint8_t junk[4] = {1, 2, 3, 4};
    jmd_log_entry notmsg = {.dir = JMD_LOG_SENT, .peer = 1, .kind = 5, .data = junk, .len = 4};
    assert_int_equal(jmd_ledger_log_append(l, &notmsg, NULL), JMD_EINVAL);
    assert_non_null(strstr(jmd_ledger_log_errmsg(l), "data: not a message"));
    assert_int_equal(jmd_ledger_log_size(l), 40);
    jmd_ledger_log_close(l);

    /* open refuses another party, another key, a missing or existing file */
    assert_int_equal(jmd_ledger_log_open(w->pa, "RUS", w->ka.pk, 0, &l, err, sizeof err),
                     JMD_EPARSE);
    assert_non_null(strstr(err, "expected the log of party RUS, found party NATO"));
    assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->kb.pk, 0, &l, err, sizeof err),
                     JMD_EPARSE);
    assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, 1, &l, err, sizeof err),
                     JMD_EIO);
    assert_non_null(strstr(err, "expected a new file"));
    assert_int_equal(jmd_ledger_log_open(w->pb, "NATO", w->ka.pk, 0, &l, err, sizeof err),
                     JMD_EIO);
    assert_null(l);
    /* a file that is not a log */
    FILE *f = fopen(w->pb, "w");
    fputs("not a database\n", f);
    fclose(f);
    assert_int_equal(jmd_ledger_log_open(w->pb, "NATO", w->ka.pk, 0, &l, err, sizeof err),
                     JMD_EPARSE);
    assert_non_null(strstr(err, "rus.jmdlog: expected a jmd log"));
    remove(w->pb);
    /* a stored leaf that does not match its row is named on open */
    assert_int_equal(tamper_entry(w->pa, 7, set_step_5, NULL, 0), 0);
    assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, 0, &l, err, sizeof err),
                     JMD_EVERIFY);
    assert_non_null(strstr(err, "entry 7"));
    assert_non_null(strstr(err, "the stored leaf hash does not match its fields"));
}

/* Entries in block rows (format 2): a transaction of 300 entries spans
 * several rows and every entry reads back alone, from the open block
 * before its row is written, from the rows, and after reopening; appends
 * outside a transaction are rows of their own. A block whose count lies,
 * bytes cut inside an entry and a log of format 1 are named on open and
 * by verify. */
static void test_blocks(void **state)
{
    world *w = *state;
    char err[300];
    jmd_ledger_log *l;
    enum { N = 300 };
    static uint8_t data[N + 2][200];
    jmd_merkle_hash leaves[N + 2], root, r2;
    jmd_log_entry_buf b = {0};
    assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, 1, &l, err, sizeof err), 0);
    assert_int_equal(jmd_ledger_log_begin(l), 0);
    for (int i = 0; i < N + 2; i++) {
        memset(data[i], i & 0xFF, sizeof data[i]);
        jmd_log_entry e = {.dir = JMD_LOG_INPUT,
                           .peer = JMD_LOG_PEER_WORLD,
                           .kind = 3,
                           .seq = (uint64_t)i,
                           .t = 0.5 * i,
                           .step = i / 10,
                           .data = data[i],
                           .len = (size_t)(i % 200),
                           .reason = i % 3 ? NULL : "r"};
        if (i == N) assert_int_equal(jmd_ledger_log_commit(l), 0);
        uint64_t idx = 0;
        assert_int_equal(jmd_ledger_log_append(l, &e, &idx), 0);
        assert_int_equal(idx, (uint64_t)i);
        assert_int_equal(jmd_ledger_log_leaf_hash(&e, &leaves[i]), 0);
        /* the entry just appended, and one from a row already written */
        assert_int_equal(jmd_ledger_log_get(l, (uint64_t)i, &b), 0);
        assert_int_equal(b.e.len, e.len);
        assert_memory_equal(b.e.data, data[i], e.len);
        assert_int_equal(jmd_ledger_log_get(l, (uint64_t)(i / 2), &b), 0);
        assert_int_equal(b.e.seq, (uint64_t)(i / 2));
        assert_int_equal(b.e.len, (size_t)(i / 2 % 200));
    }
    assert_int_equal(jmd_ledger_log_root(l, &root), 0);
    assert_int_equal(jmd_merkle_root(leaves, N + 2, &r2), 0);
    assert_memory_equal(root.b, r2.b, 32);
    jmd_ledger_log_close(l);

    /* 64 entries a row: 5 rows for the transaction, 1 for each append
     * outside one */
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(w->pa, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*), sum(count) FROM blocks", -1, &st,
                                        NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 7);
    assert_int_equal(sqlite3_column_int(st, 1), N + 2);
    sqlite3_finalize(st);
    sqlite3_close(db);

    assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, 0, &l, err, sizeof err), 0);
    assert_int_equal(jmd_ledger_log_size(l), N + 2);
    assert_int_equal(jmd_ledger_log_root(l, &root), 0);
    assert_memory_equal(root.b, r2.b, 32);
    for (int i = N + 1; i >= 0; i--) {
        assert_int_equal(jmd_ledger_log_get(l, (uint64_t)i, &b), 0);
        assert_int_equal(b.e.index, (uint64_t)i);
        assert_int_equal(b.e.seq, (uint64_t)i);
        assert_int_equal(b.e.step, i / 10);
        assert_memory_equal(b.e.data, data[i], b.e.len);
        if (i % 3)
            assert_null(b.e.reason);
        else
            assert_string_equal(b.e.reason, "r");
        jmd_merkle_hash h;
        assert_int_equal(jmd_ledger_log_leaf_hash(&b.e, &h), 0);
        assert_memory_equal(h.b, leaves[i].b, 32);
    }
    jmd_ledger_log_entry_free(&b);
    jmd_ledger_log_close(l);
    expect_verify(w->pa, NULL, 1, 0, 0, NULL);

    /* blocks of shapes a log never writes, each named at its first entry
     * by open and by verify: more entries than a block holds, an empty
     * block after the last one (it would take the next block's index),
     * a block that does not start where the one before ends */
    static const struct {
        const char *edit, *undo, *open_says, *verify_says;
        int64_t index;
    } shapes[] = {
        {"UPDATE blocks SET count = 65 WHERE first = 64",
         "UPDATE blocks SET count = 64 WHERE first = 64",
         "entry 64: its block says 65 entries, expected 1 .. 64", "its block says 65 entries",
         64},
        {"INSERT INTO blocks VALUES(302, 0, x'', x'')", "DELETE FROM blocks WHERE first = 302",
         "entry 302: its block says 0 entries", "its block says 0 entries", 302},
        {"UPDATE blocks SET first = 1000 WHERE first = 301",
         "UPDATE blocks SET first = 301 WHERE first = 1000",
         "entry 301: a block starts at index 1000, expected 301",
         "a block starts at index 1000", 301},
        /* one entry more than the count says: it has no stored leaf */
        {"CREATE TABLE saved AS SELECT leaves FROM blocks WHERE first = 64; "
         "UPDATE blocks SET count = 63, leaves = substr(leaves, 1, 2016) WHERE first = 64",
         NULL, "entry 127 (", "the stored leaf hash does not match", 127},
    };
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        sql(w->pa, shapes[k].edit);
        l = NULL;
        assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, 0, &l, err, sizeof err),
                         JMD_EVERIFY);
        assert_null(l);
        if (!strstr(err, shapes[k].open_says))
            fail_msg("open: \"%s\", expected \"%s\"", err, shapes[k].open_says);
        expect_verify(w->pa, NULL, 0, shapes[k].index, 0, shapes[k].verify_says);
        if (shapes[k].undo) sql(w->pa, shapes[k].undo);
    }
    /* the count put right, the last leaf hash not */
    sql(w->pa, "UPDATE blocks SET count = 64, leaves = leaves || zeroblob(32) WHERE first = 64");
    assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, 0, &l, err, sizeof err),
                     JMD_EVERIFY);
    assert_non_null(strstr(err, "entry 127 ("));
    expect_verify(w->pa, NULL, 0, 127, 0, "the stored leaf hash does not match");
    sql(w->pa, "UPDATE blocks SET leaves = (SELECT leaves FROM saved) WHERE first = 64; "
               "DROP TABLE saved");
    expect_verify(w->pa, NULL, 1, 0, 0, NULL);
    /* the last bytes of a block cut off: its last entry (191) is named */
    sql(w->pa, "UPDATE blocks SET body = substr(body, 1, length(body) - 5) WHERE first = 128");
    assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, 0, &l, err, sizeof err),
                     JMD_EVERIFY);
    assert_non_null(strstr(err, "entry 191: the stored bytes"));
    expect_verify(w->pa, NULL, 0, 191, 0, "the stored bytes are not entries");
    /* a log of the first format (an entry per row) */
    sql(w->pa, "UPDATE meta SET value = '1' WHERE key = 'version'");
    assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, 0, &l, err, sizeof err),
                     JMD_EPARSE);
    assert_non_null(strstr(err, "expected format version 2, found \"1\""));
}

/* A block row that cannot be written (here a trigger refuses it, as a full
 * disk would) takes the whole transaction back: the tree, the size and
 * the file are as they were at begin, and the log goes on. */
static void test_block_write_fails(void **state)
{
    world *w = *state;
    char err[300];
    jmd_ledger_log *l;
    uint8_t data[16] = {1, 2, 3};
    jmd_log_entry e = {.dir = JMD_LOG_NOTE, .peer = -1, .data = data, .len = sizeof data};
    jmd_merkle_hash root0, root;
    assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, 1, &l, err, sizeof err), 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(jmd_ledger_log_append(l, &e, NULL), 0);
    assert_int_equal(jmd_ledger_log_root(l, &root0), 0);
    jmd_ledger_log_close(l);
    sql(w->pa, "CREATE TRIGGER full BEFORE INSERT ON blocks WHEN NEW.first >= 100 BEGIN "
               "SELECT RAISE(ABORT, 'disk full'); END");
    assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, 0, &l, err, sizeof err), 0);
    assert_int_equal(jmd_ledger_log_begin(l), 0);
    int rc = 0, i;
    for (i = 0; i < 200 && rc == 0; i++)
        rc = jmd_ledger_log_append(l, &e, NULL);
    /* the rows of entries 10 .. 73 and 74 .. 137 go in; 138 .. 201 cannot */
    assert_int_equal(rc, JMD_EIO);
    assert_int_equal(i, 192); /* the append of entry 201 fills the third */
    assert_non_null(strstr(jmd_ledger_log_errmsg(l), "cannot write entries 138 .. 201"));
    assert_non_null(strstr(jmd_ledger_log_errmsg(l), "the transaction is rolled back"));
    assert_int_equal(jmd_ledger_log_size(l), 10);
    assert_int_equal(jmd_ledger_log_root(l, &root), 0);
    assert_memory_equal(root.b, root0.b, 32);
    assert_int_equal(jmd_ledger_log_commit(l), JMD_EINVAL); /* no transaction now */
    /* the log goes on below the trigger's limit */
    assert_int_equal(jmd_ledger_log_append(l, &e, NULL), 0);
    jmd_log_entry_buf b = {0};
    assert_int_equal(jmd_ledger_log_get(l, 10, &b), 0);
    assert_memory_equal(b.e.data, data, sizeof data);
    jmd_ledger_log_entry_free(&b);
    jmd_ledger_log_close(l);
    assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, 0, &l, err, sizeof err), 0);
    assert_int_equal(jmd_ledger_log_size(l), 11);
    jmd_ledger_log_close(l);
}

static void test_leaf_serialisation(void **state)
{
    (void)state;
    /* Pinned: version 1, dir, peer i32, kind, seq, t bits, step, len,
     * data, reason length, reason (docs/ledger.md). */
    const uint8_t d[2] = {0xAB, 0xCD};
    jmd_log_entry e = {.dir = JMD_LOG_RECEIVED,
                       .peer = -1,
                       .kind = 0,
                       .seq = 0x0102,
                       .t = 1.0,
                       .step = -2,
                       .data = d,
                       .len = 2,
                       .reason = "r"};
    e.dir = JMD_LOG_REJECTED;
    uint8_t buf[64];
    size_t n = 0;
    assert_int_equal(jmd_ledger_log_leaf_bytes(&e, NULL, 0, &n), JMD_ERANGE);
    assert_int_equal(n, 1 + 1 + 4 + 1 + 8 + 8 + 8 + 4 + 2 + 4 + 1);
    assert_int_equal(jmd_ledger_log_leaf_bytes(&e, buf, sizeof buf, &n), 0);
    static const uint8_t want[] = {
        1,    3,    0xFF, 0xFF, 0xFF, 0xFF, 0, 0x02, 0x01, 0,    0,    0,    0,    0,
        0,    0,    0,    0,    0,    0,    0, 0xF0, 0x3F, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 2,    0,    0,    0, 0xAB, 0xCD, 1,    0,    0,    0,    'r'};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(buf, want, sizeof want);
}

/* jmd_ledger_log_append_msg: the encoding a MAC was made over is appended
 * as jmd_ledger_log_append would append it (same leaf, same root), and
 * bytes that are not the given message's encoding are refused with the
 * reason, nothing appended. */
static void test_append_msg(void **state)
{
    world *w = *state;
    open_both(w, 1);
    jmd_msg m;
    sample_track(&m, 0, 10.0);
    m.seq = 0x1122334455667788u;
    uint8_t enc[JMD_MSG_MAX_SIZE];
    size_t n = 0;
    assert_int_equal(jmd_ledger_auth_mac_enc(&m, &w->pair, enc, &n), 0);
    jmd_log_entry e = {.dir = JMD_LOG_SENT, .peer = 1, .kind = JMD_MSG_TRACK, .seq = m.seq,
                       .t = 10.0, .step = 1, .data = enc, .len = n};
    uint64_t ia = 99, ib = 99;
    assert_int_equal(jmd_ledger_log_append_msg(w->a, &e, &m, &ia), 0);
    assert_int_equal(jmd_ledger_log_append(w->b, &e, &ib), 0);
    assert_int_equal(ia, 0);
    assert_int_equal(ib, 0);
    jmd_merkle_hash ra, rb;
    assert_int_equal(jmd_ledger_log_root(w->a, &ra), 0);
    assert_int_equal(jmd_ledger_log_root(w->b, &rb), 0);
    assert_memory_equal(ra.b, rb.b, sizeof ra.b);
    /* Not the message's bytes: another seq in the header, a short or long
     * buffer, another kind; and columns that disagree with the message. */
    uint8_t bad[JMD_MSG_MAX_SIZE];
    memcpy(bad, enc, n);
    bad[4] ^= 1;
    e.data = bad;
    assert_int_equal(jmd_ledger_log_append_msg(w->a, &e, &m, NULL), JMD_EINVAL);
    assert_non_null(strstr(jmd_ledger_log_errmsg(w->a), "not the encoding of the track"));
    memcpy(bad, enc, n);
    bad[1] = JMD_MSG_OUTCOME;
    assert_int_equal(jmd_ledger_log_append_msg(w->a, &e, &m, NULL), JMD_EINVAL);
    e.data = enc;
    e.len = n - 1;
    assert_int_equal(jmd_ledger_log_append_msg(w->a, &e, &m, NULL), JMD_EINVAL);
    e.len = n;
    e.seq = m.seq + 1;
    assert_int_equal(jmd_ledger_log_append_msg(w->a, &e, &m, NULL), JMD_EINVAL);
    assert_non_null(strstr(jmd_ledger_log_errmsg(w->a), "expected the message's kind"));
    e.seq = m.seq;
    assert_int_equal(jmd_ledger_log_append_msg(w->a, &e, NULL, NULL), JMD_EINVAL);
    assert_int_equal(jmd_ledger_log_size(w->a), 1);
    /* What was appended verifies like any entry. */
    close_both(w);
    expect_verify(w->pa, NULL, 1, 0, 0, NULL);
}

/* The WAL is checkpointed into the database by the log's own thread while
 * the log is open and written (src/ledger/log.c, "the WAL checkpointer"):
 * after ~40 MB of entries the database file itself holds most of them, and
 * the log reopens whole. */
static void test_wal_checkpointer(void **state)
{
    world *w = *state;
    open_both(w, 1);
    static uint8_t data[4000];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 7);
    struct stat sb;
    off_t before = stat(w->pa, &sb) == 0 ? sb.st_size : -1;
    assert_true(before >= 0);
    const int n = 10000; /* 10,000 notes of 4 kB: 40 MB, past 16 MiB of WAL twice */
    for (int i = 0; i < n; i++) {
        if (i % 500 == 0) assert_int_equal(jmd_ledger_log_begin(w->a), 0);
        jmd_log_entry e = {.dir = JMD_LOG_NOTE, .peer = -1, .t = (double)i, .step = i,
                           .data = data, .len = sizeof data};
        assert_int_equal(jmd_ledger_log_append(w->a, &e, NULL), 0);
        if (i % 500 == 499) assert_int_equal(jmd_ledger_log_commit(w->a), 0);
    }
    /* The checkpoint runs beside the writer: wait for it (at most 10 s). */
    off_t after = before;
    for (int k = 0; k < 1000 && after < 16 * 1024 * 1024; k++) {
        if (stat(w->pa, &sb) == 0) after = sb.st_size;
        if (after < 16 * 1024 * 1024) nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    assert_true(after >= 16 * 1024 * 1024);
    /* The WAL is rewound, not grown without end: past 32 MiB of WAL the
     * writer restarts it itself (src/ledger/log.c, "Restarting the WAL"),
     * so 40 MB of entries leave a WAL file smaller than they are. */
    char wal[sizeof w->pa + 8];
    snprintf(wal, sizeof wal, "%s-wal", w->pa);
    assert_int_equal(stat(wal, &sb), 0);
    assert_true(sb.st_size < (off_t)n * (off_t)sizeof data);
    /* ... by the writer's own restart (the tail or the cap). */
    jmd_ledger__ckpt_stats cs;
    jmd_ledger__log_ckpt_stats(w->a, &cs);
    assert_true(cs.tail + cs.cap >= 1);
    jmd_merkle_hash r1, r2;
    assert_int_equal(jmd_ledger_log_root(w->a, &r1), 0);
    close_both(w);
    open_both(w, 0);
    assert_int_equal(jmd_ledger_log_size(w->a), (uint64_t)n);
    assert_int_equal(jmd_ledger_log_root(w->a, &r2), 0);
    assert_memory_equal(r1.b, r2.b, sizeof r1.b);
}

/* Salt-1 of the WAL file's header (SQLite's WAL format: bytes 16 .. 19,
 * big-endian), which a restart of the WAL changes when the next frame is
 * written; 0 when the file cannot be read. The file is only read (SQLite
 * keeps no lock on it). */
static uint32_t wal_salt1(const char *db)
{
    char wal[400];
    snprintf(wal, sizeof wal, "%s-wal", db);
    FILE *f = fopen(wal, "rb");
    if (!f) return 0;
    unsigned char h[20];
    size_t got = fread(h, 1, sizeof h, f);
    fclose(f);
    if (got != sizeof h) return 0;
    return (uint32_t)h[16] << 24 | (uint32_t)h[17] << 16 | (uint32_t)h[18] << 8 | h[19];
}

/* Appends n notes of `len` bytes (step from *step on), committing every
 * `every`. */
static void append_notes(jmd_ledger_log *l, int n, int every, const uint8_t *data, size_t len,
                         int64_t *step)
{
    for (int i = 0; i < n; i++) {
        if (i % every == 0) assert_int_equal(jmd_ledger_log_begin(l), 0);
        jmd_log_entry e = {.dir = JMD_LOG_NOTE, .peer = -1, .t = (double)*step, .step = *step,
                           .data = data, .len = len};
        (*step)++;
        assert_int_equal(jmd_ledger_log_append(l, &e, NULL), 0);
        if (i % every == every - 1 || i == n - 1) assert_int_equal(jmd_ledger_log_commit(l), 0);
    }
}

/* Small commits, 20 ms apart, until the WAL's salt-1 differs from `was`
 * (at most 10 s): 1 when it did. */
static int wait_restart(jmd_ledger_log *l, const char *path, uint32_t was, int64_t *step)
{
    static const uint8_t one[8] = {1};
    for (int k = 0; k < 500; k++) {
        append_notes(l, 1, 1, one, sizeof one, step);
        uint32_t now = wal_salt1(path);
        if (now != 0 && now != was) return 1;
        nanosleep(&(struct timespec){0, 20000000}, NULL);
    }
    return 0;
}

/* The other way the WAL is rewound (src/ledger/log.c, "Restarting the
 * WAL"): below the 32 MiB cap, when a checkpoint pass ends near the WAL's
 * live end while the writer keeps committing, the writer's next commit
 * restarts it. That needs passes to end a little behind the writer: not
 * far behind (a writer faster than the disk reaches the cap first) and not
 * level with it (SQLite then rewinds the WAL by itself). Which one a
 * stream of commits gives depends on the disk, so the stream adapts: 400
 * kB commits, with a pause after each that doubles when the writer hit
 * the cap and halves when SQLite rewound by itself, until the writer has
 * restarted a WAL from the tail (at most 4,000 commits); everything then
 * reopens. */
static void test_wal_restart_tail(void **state)
{
    world *w = *state;
    open_both(w, 1);
    static uint8_t data[4000];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 11);
    int64_t step = 0;
    jmd_ledger__ckpt_stats cs = {0}, was;
    long pause_us = 0;
    int restarted = 0; /* the writer restarted the WAL at the last commit */
    for (int k = 0; k < 4000 && cs.tail == 0; k++) {
        append_notes(w->a, 100, 100, data, sizeof data, &step);
        if (pause_us) nanosleep(&(struct timespec){0, pause_us * 1000}, NULL);
        was = cs;
        jmd_ledger__log_ckpt_stats(w->a, &cs);
        /* A rewind seen at this commit is SQLite's own unless the writer
         * restarted the WAL at the one before (seen one commit later). */
        int own = restarted;
        restarted = cs.tail + cs.cap > was.tail + was.cap;
        if (cs.cap > was.cap && pause_us < 64000)
            pause_us = pause_us ? 2 * pause_us : 500;
        else if (cs.rewound > was.rewound && !own && pause_us > 0)
            pause_us /= 2;
    }
    assert_true(cs.tail >= 1);
    jmd_merkle_hash r1, r2;
    assert_int_equal(jmd_ledger_log_root(w->a, &r1), 0);
    uint64_t n = jmd_ledger_log_size(w->a);
    assert_int_equal(n, (uint64_t)step);
    close_both(w);
    open_both(w, 0);
    assert_int_equal(jmd_ledger_log_size(w->a), n);
    assert_int_equal(jmd_ledger_log_root(w->a, &r2), 0);
    assert_memory_equal(r1.b, r2.b, sizeof r1.b);
}

/* A reader of the file in another connection (as jmd verify of a live log
 * would be) holds a snapshot while 40 MB are written, past the cap: the
 * writer neither fails nor waits on it (the restart meets the reader and
 * gives up at once; the WAL grows meanwhile), and once the reader is gone
 * the WAL is rewound again. */
static void test_wal_reader_in_the_way(void **state)
{
    world *w = *state;
    open_both(w, 1);
    sqlite3 *rd = NULL;
    assert_int_equal(sqlite3_open_v2(w->pa, &rd, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(rd, "BEGIN; SELECT count(*) FROM blocks;", NULL, NULL, NULL),
                     SQLITE_OK);
    static uint8_t data[4000];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 13);
    int64_t step = 0;
    append_notes(w->a, 10000, 500, data, sizeof data, &step);
    char wal[sizeof w->pa + 8];
    snprintf(wal, sizeof wal, "%s-wal", w->pa);
    struct stat sb;
    assert_int_equal(stat(wal, &sb), 0);
    assert_true(sb.st_size >= 40000000); /* held: nothing could be rewound */
    /* The writer tried (at the cap at least) and gave up at once. */
    jmd_ledger__ckpt_stats cs;
    jmd_ledger__log_ckpt_stats(w->a, &cs);
    assert_true(cs.failed >= 1);
    assert_int_equal(cs.tail + cs.cap, 0);
    int rewound = cs.rewound;
    uint32_t salt = wal_salt1(w->pa);
    assert_int_equal(sqlite3_exec(rd, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(rd);
    assert_true(wait_restart(w->a, w->pa, salt, &step));
    jmd_ledger__log_ckpt_stats(w->a, &cs);
    assert_true(cs.rewound > rewound);
    assert_int_equal(jmd_ledger_log_size(w->a), (uint64_t)step);
    close_both(w);
    expect_verify(w->pa, NULL, 1, 0, 0, NULL);
}

static void test_approval(void **state)
{
    world *w = *state;
    jmd_msg p, q;
    uint8_t sig[64];
    sample_proposal(&p, 7);
    p.seq = 3, p.t = 5.0;
    assert_int_equal(jmd_ledger_approval_sign(&w->ka, &p, sig), 0);
    assert_int_equal(jmd_ledger_approval_verify(w->ka.pk, &p, sig), 0);
    /* the proposal's authenticator is not part of what is approved */
    q = p;
    assert_int_equal(jmd_ledger_auth_sign(&q, &w->kb), 0);
    assert_int_equal(jmd_ledger_approval_verify(w->ka.pk, &q, sig), 0);
    /* nor are the copy's sequence number and addressee (each partner gets
     * its own numbered copy of one proposal) */
    q = p, q.seq++;
    assert_int_equal(jmd_ledger_approval_verify(w->ka.pk, &q, sig), 0);
    q = p, q.receiver = JMD_MSG_BROADCAST;
    assert_int_equal(jmd_ledger_approval_verify(w->ka.pk, &q, sig), 0);
    /* any change of the proposal, its sender or time, or the key fails */
    q = p, q.u.proposal.t_launch += 1e-9;
    assert_int_equal(jmd_ledger_approval_verify(w->ka.pk, &q, sig), JMD_EVERIFY);
    q = p, q.t += 1e-9;
    assert_int_equal(jmd_ledger_approval_verify(w->ka.pk, &q, sig), JMD_EVERIFY);
    q = p, q.sender = (q.sender + 1) % 2;
    assert_int_equal(jmd_ledger_approval_verify(w->ka.pk, &q, sig), JMD_EVERIFY);
    assert_int_equal(jmd_ledger_approval_verify(w->kb.pk, &p, sig), JMD_EVERIFY);
    sig[10] ^= 1;
    assert_int_equal(jmd_ledger_approval_verify(w->ka.pk, &p, sig), JMD_EVERIFY);
    /* an approval is not an envelope signature of the same message */
    q = p;
    assert_int_equal(jmd_ledger_auth_sign(&q, &w->ka), 0);
    assert_int_equal(jmd_ledger_approval_verify(w->ka.pk, &p, q.auth.bytes), JMD_EVERIFY);
    /* not a proposal, or invalid */
    q = p, q.kind = JMD_MSG_VOTE;
    memset(&q.u, 0, sizeof q.u);
    assert_int_equal(jmd_ledger_approval_sign(&w->ka, &q, sig), JMD_EINVAL);
    assert_int_equal(jmd_ledger_approval_verify(w->ka.pk, &q, sig), JMD_EINVAL);
    q = p, q.u.proposal.icpt_lat = 3.0;
    assert_int_equal(jmd_ledger_approval_sign(&w->ka, &q, sig), JMD_EINVAL);
    assert_int_equal(jmd_ledger_approval_sign(NULL, &p, sig), JMD_EINVAL);
}

static void test_cosign(void **state)
{
    world *w = *state;
    jmd_msg cps[2][2];
    session(w, cps);
    char err[300];
    /* A's second checkpoint was accepted by B; rebuild variants of it. */
    jmd_msg good = cps[0][1], m;
    /* the same checkpoint again: prev_size is now the last cosigned size */
    assert_int_equal(jmd_ledger_log_cosign_check(w->b, &good, w->ka.pk, err, sizeof err),
                     JMD_EVERIFY);
    assert_non_null(strstr(err, "prev_size"));
    /* a new checkpoint of A over more entries is accepted */
    jmd_msg next;
    assert_int_equal(jmd_ledger_log_checkpoint(w->a, &w->ka, 0, &next), 0);
    next.seq = 1000, next.t = w->t;
    assert_int_equal(jmd_ledger_auth_sign(&next, &w->ka), 0);
    /* forked history: another root at the new size, properly signed */
    m = next;
    m.u.checkpoint.root[0] ^= 1;
    assert_int_equal(jmd_ledger_auth_sign(&m, &w->ka), 0);
    assert_int_equal(jmd_ledger_log_cosign_check(w->b, &m, w->ka.pk, err, sizeof err),
                     JMD_EVERIFY);
    assert_non_null(strstr(err, "a forked history"));
    /* a rewritten history: a proof from another old root */
    m = next;
    m.u.checkpoint.proof[0][5] ^= 0x40;
    assert_int_equal(jmd_ledger_auth_sign(&m, &w->ka), 0);
    assert_int_equal(jmd_ledger_log_cosign_check(w->b, &m, w->ka.pk, err, sizeof err),
                     JMD_EVERIFY);
    /* a wrong signature */
    m = next;
    m.auth.bytes[3] ^= 1;
    assert_int_equal(jmd_ledger_log_cosign_check(w->b, &m, w->ka.pk, err, sizeof err),
                     JMD_EVERIFY);
    assert_non_null(strstr(err, "signature does not verify"));
    assert_int_equal(jmd_ledger_log_cosign_check(w->b, &next, w->kb.pk, err, sizeof err),
                     JMD_EVERIFY);
    /* prev_size skipping the last cosigned size */
    m = next;
    m.u.checkpoint.prev_size = 0;
    m.u.checkpoint.nproof = 0;
    assert_int_equal(jmd_ledger_auth_sign(&m, &w->ka), 0);
    assert_int_equal(jmd_ledger_log_cosign_check(w->b, &m, w->ka.pk, err, sizeof err),
                     JMD_EVERIFY);
    assert_non_null(strstr(err, "prev_size 0, expected"));
    /* a cosignature passed off as a checkpoint */
    m = next;
    m.sender = 1;
    assert_int_equal(jmd_ledger_auth_sign(&m, &w->kb), 0);
    assert_int_equal(jmd_ledger_log_cosign_check(w->b, &m, w->kb.pk, err, sizeof err),
                     JMD_EVERIFY);
    /* none of that changed anything: the good one is still accepted */
    if (jmd_ledger_log_cosign_check(w->b, &next, w->ka.pk, err, sizeof err) != 0)
        fail_msg("%s", err);
    /* a cosignature of a root A never checkpointed is not stored */
    m = next;
    m.sender = 1;
    m.u.checkpoint.root[1] ^= 1;
    assert_int_equal(jmd_ledger_auth_sign(&m, &w->kb), 0);
    assert_int_equal(jmd_ledger_log_cosignature_store(w->a, &m, w->kb.pk, err, sizeof err),
                     JMD_EVERIFY);
    /* checkpoint_signed refuses a message the log's key did not sign */
    m = next;
    assert_int_equal(jmd_ledger_auth_sign(&m, &w->kb), 0);
    assert_int_equal(jmd_ledger_log_checkpoint_signed(w->a, &m), JMD_EVERIFY);
    assert_int_equal(jmd_ledger_log_checkpoint_signed(w->a, &next), 0);
    assert_int_equal(jmd_ledger_log_checkpoint(w->a, &w->kb, 0, &m), JMD_EINVAL);
}

static void test_verify_clean(void **state)
{
    world *w = *state;
    session(w, NULL);
    close_both(w);
    expect_verify(w->pa, NULL, 1, 0, 0, NULL);
    expect_verify(w->pb, NULL, 1, 0, 0, NULL);
    expect_verify(w->pa, w->pb, 1, 0, 0, NULL);
    expect_verify(w->pb, w->pa, 1, 0, 0, NULL);
    jmd_ledger_verify_result r;
    char err[300];
    assert_int_equal(jmd_ledger_log_verify(w->pa, w->pb, 0.0, &r, err, sizeof err), 0);
    assert_string_equal(r.party, "NATO");
    assert_string_equal(r.peer_party, "RUS");
    assert_true(r.checkpoints == 4 && r.unsigned_checkpoints == 0 && r.cosigned == 4);
    assert_true(r.cosignatures == 4 && r.signatures > 0 && r.approvals == 12);
    assert_true(r.included > 0 && r.crossed > 10 && r.in_flight == 0);
    /* the logs reopen for appending; a checkpoint made but never signed
     * (a crash in between) is counted, not failed */
    open_both(w, 0);
    assert_int_equal(jmd_ledger_log_size(w->a) > 10, 1);
    jmd_log_entry e = {.dir = JMD_LOG_NOTE, .peer = -1, .t = 1e4, .data = (const uint8_t *)"x",
                       .len = 1};
    assert_int_equal(jmd_ledger_log_append(w->a, &e, NULL), 0);
    jmd_msg cp;
    assert_int_equal(jmd_ledger_log_checkpoint(w->a, &w->ka, 0, &cp), 0);
    close_both(w);
    assert_int_equal(jmd_ledger_log_verify(w->pa, NULL, 0.0, &r, err, sizeof err), 0);
    assert_true(r.ok && r.checkpoints == 3 && r.unsigned_checkpoints == 1);
    /* errors: files that are not logs */
    assert_int_equal(jmd_ledger_log_verify("/nonexistent/x", NULL, 0, &r, err, sizeof err),
                     JMD_EIO);
    assert_non_null(strstr(err, "/nonexistent/x: cannot be read"));
    char p[400];
    snprintf(p, sizeof p, "%s/text", w->dir);
    FILE *f = fopen(p, "w");
    fputs("hello\n", f);
    fclose(f);
    assert_int_equal(jmd_ledger_log_verify(p, NULL, 0, &r, err, sizeof err), JMD_EPARSE);
    assert_int_equal(jmd_ledger_log_verify(w->pa, p, 0, &r, err, sizeof err), JMD_EPARSE);
    assert_non_null(strstr(err, "text: expected a jmd log"));
}

/* An edited data blob: the first bad entry is named by its leaf hash. */
static void test_verify_edited_blob(void **state)
{
    world *w = *state;
    session(w, NULL);
    close_both(w);
    assert_int_equal(tamper_entry(w->pa, 4, set_data_4_bytes, NULL, 0), 0);
    assert_int_equal(tamper_entry(w->pa, 9, set_data_4_bytes, NULL, 0), 0);
    expect_verify(w->pa, NULL, 0, 4, 0, "the stored leaf hash does not match");
}

/* An edited row whose leaf hash was recomputed: the checkpoint root
 * catches it. */
static void test_verify_rewritten_row(void **state)
{
    world *w = *state;
    session(w, NULL);
    close_both(w);
    /* the editor's change, with the stored leaf hash recomputed */
    assert_int_equal(tamper_entry(w->pa, 2, set_step_77, NULL, 1), 0);
    expect_verify(w->pa, NULL, 0, -1, 0, "its root is not the root of entries");
}

/* A log truncated below what the peer cosigned (checkpoints and
 * cosignatures dropped too, so it is self-consistent): --peer catches it. */
static void test_verify_truncated(void **state)
{
    world *w = *state;
    jmd_msg cps[2][2];
    session(w, cps);
    close_both(w);
    uint64_t keep = cps[0][0].u.checkpoint.log_size + 1;
    assert_int_equal(tamper_truncate(w->pa, keep), 0);
    expect_verify(w->pa, NULL, 1, 0, 0, NULL);
    expect_verify(w->pa, w->pb, 0, -1, 0, "RUS cosigned this log at size");
    expect_verify(w->pa, w->pb, 0, -1, 0, "(truncated)");
}

/* A RECEIVED entry deleted (after the last checkpoint, indexes renumbered):
 * the sender's SENT entry is not found at the receiver. */
static void test_verify_deleted_received(void **state)
{
    world *w = *state;
    session(w, NULL);
    jmd_ledger_log *b = w->b;
    uint64_t nb = jmd_ledger_log_size(b);
    close_both(w);
    /* RUS's entries end: ..., RECEIVED track from NATO, SENT track, NOTE */
    assert_int_equal(tamper_delete(w->pb, nb - 3), 0);
    expect_verify(w->pb, NULL, 1, 0, 0, NULL);
    jmd_ledger_log *a;
    char err[300];
    assert_int_equal(jmd_ledger_log_open(w->pa, "NATO", w->ka.pk, 0, &a, err, sizeof err), 0);
    uint64_t na = jmd_ledger_log_size(a);
    jmd_ledger_log_close(a);
    /* NATO's entries end: ..., SENT track, RECEIVED track, NOTE */
    expect_verify(w->pa, w->pb, 0, (int64_t)(na - 3), JMD_LOG_SENT, "not in RUS's log");
    /* within the in-flight window it is not required */
    jmd_ledger_verify_result r;
    assert_int_equal(jmd_ledger_log_verify(w->pa, w->pb, 1000.0, &r, err, sizeof err), 0);
    assert_true(r.ok && r.in_flight > 0);
}

/* A forged message in a log (a vote whose signature is not the voter's)
 * and a launch order whose quoted approval is not over the proposal. */
static void test_verify_signatures(void **state)
{
    world *w = *state;
    session(w, NULL);
    /* NATO logs a launch order whose RUS approval is over another
     * proposal: well-formed and signed by NATO, but the approval fails. */
    jmd_msg prop, m;
    sample_proposal(&prop, 100);
    prop.seq = 4; /* not the proposal as sent */
    memset(&m, 0, sizeof m);
    m.kind = JMD_MSG_LAUNCH_ORDER;
    m.u.order.proposal_id = 100;
    m.u.order.napprovals = 1;
    m.u.order.approvals[0].party = 1;
    m.u.order.approvals[0].sig_len = 64;
    assert_int_equal(jmd_ledger_approval_sign(&w->kb, &prop, m.u.order.approvals[0].sig), 0);
    w->t += 1;
    deliver(w, 0, &m, 1);
    uint64_t idx = jmd_ledger_log_size(w->a) - 1;
    close_both(w);
    expect_verify(w->pa, NULL, 0, (int64_t)idx, JMD_LOG_SENT,
                  "approval 0 (party 1) does not verify");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_write_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leaf_serialisation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_msg, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wal_checkpointer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wal_restart_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wal_reader_in_the_way, setup, teardown),
        cmocka_unit_test_setup_teardown(test_approval, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cosign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_clean, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_edited_blob, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_rewritten_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_deleted_received, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_signatures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
