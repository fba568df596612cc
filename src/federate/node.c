/*
 * node.c — one party's node process (`jmd node`): the party's driver
 * (tracker, release policy, fusion, planning, governance; jmd/party.h)
 * fed by the world's frames and its peers' messages over DDS, in the
 * lockstep of jmd/federate.h, with every message authenticated and every
 * frame it sends, receives or refuses written to its ledger.
 *
 * Sending goes through an in-process bus (jmd/exchange.h) of the node's
 * own: the same code stamps sequence numbers, applies the links' latency
 * and loss draws and counts messages as in `jmd run`, so a federated run
 * gives the same deliveries; each message the bus releases is then
 * authenticated for its receiver (a MAC per pair, or an Ed25519
 * signature for the decisive kinds) and written to DDS.
 *
 * Receiving: a message is accepted only if its sender is another party of
 * the federation, it is addressed to this party (or to all), its
 * authenticator verifies (the scheme its kind requires), and its sequence
 * number is above every one accepted from that sender for that kind (DDS
 * keeps one writer's order per kind, so anything else is a replay or out
 * of order). Everything refused is recorded with the reason.
 */
#define _POSIX_C_SOURCE 200809L /* raise(SIGKILL) */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core__grow.h"
#include "jmd/error.h"
#include "jmd/exchange.h"
#include "jmd/federate.h"
#include "jmd/ledger.h"

typedef struct {
    jmd_msg m;
    double t_deliver;
} inmsg;

typedef struct {
    const jmd_scenario *sc;
    const jmd_node_opts *o;
    int self, np;
    jmd_dds *dds;
    jmd_bus *bus;                  /* sending side: seq, latency, loss, counters */
    jmd_node_driver *drv;
    jmd_ledger_pair_key pair[JMD_MSG_MAX_PARTIES];
    uint64_t last_seq[JMD_MSG_MAX_PARTIES][JMD_MSG_KIND_MAX + 1];
    uint64_t received[JMD_MSG_MAX_PARTIES]; /* accepted from each party */
    uint64_t sent[JMD_MSG_MAX_PARTIES];     /* written to each party */
    uint64_t rejected;
    inmsg *q;                      /* accepted, not yet delivered */
    size_t nq, capq;
    jmd_frame *in;                 /* the world's inputs not yet applied */
    size_t nin, capin;
    jmd_frame tick;                /* the TICK of the current step, when kind != 0 */
    jmd_frame *later;              /* TICKs of later steps (a restarted node catching up
                                      receives the world's history at once) */
    size_t nlater, caplater;
    int64_t step;                  /* the next step to apply */
    uint64_t seed;                 /* the run's, from the world's TICKs */
    int model;
    int done;
    int replaying;                 /* rebuilding from the ledger: no sending, no logging */
    int resyncing;                 /* restarted, first live step not yet applied */
    uint64_t resync_dups;          /* repeats re-received while resyncing */
    uint64_t ctl_seq;              /* sequence numbers of checkpoints (their own space) */
    int64_t last_ckpt_step;
    jmd_frame last_done;           /* the DONE of the last step (re-sent after a restart) */
    jmd_frame last_final;          /* the FINAL a replay rebuilt (the run had ended) */
    int8_t link_state[2][JMD_MSG_MAX_PARTIES]; /* [0] self->q, [1] q->self: 1 down */
    int noutage_notes;
    jmd_node_report *rep;
    /* The encoding jmd_dds_take_enc gave with the frame being handled
     * (rx_len 0: none; set only around on_frame in the take loop). */
    const uint8_t *rx_enc;
    size_t rx_len;
    char *err;
    size_t errlen;
} node;


/* Decisive kinds are signed, high-rate ones carry a pair MAC. */
static int signed_kind(int kind)
{
    return kind == JMD_MSG_PROPOSAL || kind == JMD_MSG_VOTE || kind == JMD_MSG_LAUNCH_ORDER ||
           kind == JMD_MSG_CHECKPOINT;
}

/* ---- the ledger ---------------------------------------------------------- */

/* The ledger entry of message m (may be NULL: a refusal of something that
 * did not decode) at this step, with its encoding data[0 .. len). */
static jmd_log_entry msg_entry(const node *n, int dir, int peer, const jmd_msg *m,
                               const uint8_t *data, size_t len, double t)
{
    jmd_log_entry e;
    memset(&e, 0, sizeof e);
    e.dir = dir;
    e.peer = peer;
    e.kind = m ? (int)m->kind : 0;
    e.seq = m ? m->seq : 0;
    e.t = t;
    e.step = n->step;
    e.data = data;
    e.len = len;
    return e;
}

static int record_msg(node *n, int dir, int peer, const jmd_msg *m, double t,
                      const char *reason)
{
    if (dir == JMD_LOG_REJECTED) {
        n->rejected++;
        if (n->rep) n->rep->rejected++;
    }
    if (!n->o->log || n->replaying) return 0;
    uint8_t buf[JMD_MSG_MAX_SIZE];
    size_t len = 0;
    if (m && jmd_msg_encode(m, buf, sizeof buf, &len) != 0) len = 0;
    jmd_log_entry e = msg_entry(n, dir, peer, m, buf, len, t);
    e.reason = reason;
    return jmd_ledger_log_append(n->o->log, &e, NULL);
}

/* A message accepted or sent, with the encoding its authenticator was made
 * or checked over (jmd_ledger_auth_*_enc): recorded without encoding it
 * again. */
static int record_enc(node *n, int dir, int peer, const jmd_msg *m, const uint8_t *enc,
                      size_t len, double t)
{
    if (!n->o->log || n->replaying) return 0;
    jmd_log_entry e = msg_entry(n, dir, peer, m, enc, len, t);
    return jmd_ledger_log_append_msg(n->o->log, &e, m, NULL);
}

static int record_note(node *n, int peer, const char *text)
{
    if (!n->o->log || n->replaying) return 0;
    jmd_log_entry e;
    memset(&e, 0, sizeof e);
    e.dir = JMD_LOG_NOTE;
    e.peer = peer;
    e.step = n->step;
    e.data = (const uint8_t *)text;
    e.len = strlen(text);
    return jmd_ledger_log_append(n->o->log, &e, NULL);
}

/* Ends the ledger's transaction (one per step: a crash loses at most the
 * step in progress) and, with again, opens the next. */
static int log_commit(node *n, int again)
{
    if (!n->o->log || n->replaying) return 0;
    int rc = jmd_ledger_log_commit(n->o->log);
    if (rc == 0 && again) rc = jmd_ledger_log_begin(n->o->log);
    return rc;
}

/* A world frame, as an INPUT entry (its bytes: src/federate/input.c). */
static int record_input(node *n, const jmd_frame *f)
{
    if (!n->o->log || n->replaying) return 0;
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = jmd_fed_input_encode(f, n->np, &buf, &len);
    if (rc != 0) return rc;
    jmd_log_entry e;
    memset(&e, 0, sizeof e);
    e.dir = JMD_LOG_INPUT;
    e.peer = JMD_LOG_PEER_WORLD;
    e.kind = (int)f->kind;
    e.t = f->kind == JMD_FRAME_TICK ? f->u.tick.t : f->kind == JMD_FRAME_SCAN ? f->u.scan.t : 0.0;
    e.step = n->step;
    e.data = buf;
    e.len = len;
    rc = jmd_ledger_log_append(n->o->log, &e, NULL);
    free(buf);
    return rc;
}

/* ---- receiving ----------------------------------------------------------- */

/* A refusal on the record. t is the frame's claimed time when it is a
 * number, else the step the node is at (a hostile frame's time is not to be
 * trusted, and the ledger takes finite times only); the peer is the claimed
 * sender when it is a party index, else none. */
static int reject(node *n, const jmd_msg *m, double t, const char *why)
{
    if (n->rep && n->rep->nreasons < JMD_NODE_REASONS_MAX)
        snprintf(n->rep->reasons[n->rep->nreasons++], sizeof n->rep->reasons[0], "%s", why);
    if (!isfinite(t)) t = (double)n->step * n->sc->step;
    int peer = m && m->sender >= 0 && m->sender < JMD_MSG_MAX_PARTIES ? m->sender : -1;
    return record_msg(n, JMD_LOG_REJECTED, peer, m, t, why);
}

/* ---- checkpoints ----------------------------------------------------------
 *
 * Checkpoints and cosignatures travel outside the simulated links (they
 * are the record's, not the cooperation's): straight to DDS, with
 * sequence numbers from JMD_NODE_CTL_SEQ up, so the simulation's own
 * numbering stays that of `jmd run`. */

#define JMD_NODE_CTL_SEQ (UINT64_C(1) << 62)

static int write_ctl(node *n, jmd_msg *m, int to, double t)
{
    m->sender = n->self;
    m->receiver = to;
    m->seq = JMD_NODE_CTL_SEQ + ++n->ctl_seq;
    m->t = t;
    int rc = jmd_ledger_auth_sign(m, &n->o->key);
    if (rc != 0) return rc;
    /* Signed, so the same bytes go to everyone: one entry says so. It is
     * committed before it leaves: a crash after the write must not give
     * the next incarnation the same control sequence number for another
     * checkpoint (a restart writes it again from the ledger instead). */
    rc = record_msg(n, JMD_LOG_SENT, to == JMD_MSG_BROADCAST ? JMD_LOG_PEER_BROADCAST : to, m,
                    t, NULL);
    if (rc == 0) rc = log_commit(n, 1);
    if (rc != 0) return rc;
    jmd_frame f;
    memset(&f, 0, sizeof f);
    f.kind = JMD_FRAME_PEER;
    f.u.peer.m = *m;
    f.u.peer.t_deliver = t;
    return jmd_dds_write(n->dds, &f);
}

/* A signed checkpoint of the ledger as it stands, to every peer. */
static int checkpoint(node *n, double t)
{
    if (n->replaying) n->last_ckpt_step = n->step;
    if (!n->o->log || n->replaying) return 0;
    jmd_msg m;
    int rc = jmd_ledger_log_checkpoint(n->o->log, &n->o->key, n->self, &m);
    if (rc != 0) return rc;
    m.sender = n->self;
    m.receiver = JMD_MSG_BROADCAST;
    m.seq = JMD_NODE_CTL_SEQ + n->ctl_seq + 1;
    m.t = t;
    if ((rc = jmd_ledger_auth_sign(&m, &n->o->key)) != 0) return rc;
    if ((rc = jmd_ledger_log_checkpoint_signed(n->o->log, &m)) != 0) return rc;
    n->last_ckpt_step = n->step;
    return write_ctl(n, &m, JMD_MSG_BROADCAST, t);
}

/* A peer's checkpoint: cosigned (and the cosignature sent back) only if it
 * extends the last one this party cosigned; a peer's cosignature of one
 * of ours: stored. Either failure is a refusal on the record. */
static int on_checkpoint(node *n, const jmd_msg *m, double t)
{
    char why[400], err[300];
    int rc;
    if (!n->o->log) return 0;
    if ((rc = record_msg(n, JMD_LOG_RECEIVED, m->sender, m, t, NULL)) != 0) return rc;
    const jmd_msg_checkpoint *c = &m->u.checkpoint;
    if (c->origin == (uint8_t)m->sender) {
        rc = jmd_ledger_log_cosign_check(n->o->log, m, n->o->pk[m->sender], err, sizeof err);
        if (rc == JMD_EVERIFY) {
            snprintf(why, sizeof why, "checkpoint of party %d at size %llu not cosigned: %s",
                     m->sender, (unsigned long long)c->log_size, err);
            return reject(n, m, t, why);
        }
        if (rc != 0) return rc;
        jmd_msg co = *m;
        memset(&co.auth, 0, sizeof co.auth);
        return write_ctl(n, &co, m->sender, t);
    }
    if (c->origin == (uint8_t)n->self) {
        rc = jmd_ledger_log_cosignature_store(n->o->log, m, n->o->pk[m->sender], err, sizeof err);
        if (rc == JMD_EVERIFY) {
            snprintf(why, sizeof why, "cosignature by party %d refused: %s", m->sender, err);
            return reject(n, m, t, why);
        }
        return rc;
    }
    snprintf(why, sizeof why, "a checkpoint of party %d relayed by party %d", (int)c->origin,
             m->sender);
    return reject(n, m, t, why);
}

static int on_peer(node *n, const jmd_frame_peer *pf)
{
    const jmd_msg *m = &pf->m;
    char why[200];
    if (m->sender < 0 || m->sender >= n->np || m->sender == n->self) {
        snprintf(why, sizeof why, "unknown sender %d: not another party of the federation",
                 m->sender);
        return reject(n, m, pf->t_deliver, why);
    }
    if (m->receiver != n->self && m->receiver != JMD_MSG_BROADCAST) {
        snprintf(why, sizeof why, "addressed to party %d, not to this party", m->receiver);
        return reject(n, m, pf->t_deliver, why);
    }
    if (!isfinite(pf->t_deliver) || pf->t_deliver < m->t) {
        snprintf(why, sizeof why, "delivery time %.17g before sending time %.17g",
                 pf->t_deliver, m->t);
        return reject(n, m, pf->t_deliver, why);
    }
    int want = signed_kind((int)m->kind) ? JMD_MSG_AUTH_SIG : JMD_MSG_AUTH_MAC;
    if (m->auth.scheme != want) {
        snprintf(why, sizeof why, "a %s must carry %s, found scheme %d",
                 jmd_msg_kind_name((int)m->kind),
                 want == JMD_MSG_AUTH_SIG ? "an Ed25519 signature" : "a pair MAC",
                 (int)m->auth.scheme);
        return reject(n, m, pf->t_deliver, why);
    }
    char aerr[160];
    uint8_t buf[JMD_MSG_MAX_SIZE];
    const uint8_t *enc = buf;
    size_t elen = 0;
    int rc;
    if (n->rx_len > 0) {
        /* The take's encoding: the message is not walked again. */
        enc = n->rx_enc;
        elen = n->rx_len;
        rc = jmd_ledger_auth_verify_given(m, n->o->pk[m->sender], &n->pair[m->sender], enc,
                                          elen, aerr, sizeof aerr);
    } else {
        rc = jmd_ledger_auth_verify_enc(m, n->o->pk[m->sender], &n->pair[m->sender], buf, &elen,
                                        aerr, sizeof aerr);
    }
    if (rc != 0) {
        snprintf(why, sizeof why, "authentication failed: %s", aerr);
        return reject(n, m, pf->t_deliver, why);
    }
    if ((m->kind == JMD_MSG_CHECKPOINT) != (m->seq >= JMD_NODE_CTL_SEQ)) {
        snprintf(why, sizeof why,
                 "a %s with sequence number %llu: checkpoints are numbered from 2^62 up, every "
                 "other kind below",
                 jmd_msg_kind_name((int)m->kind), (unsigned long long)m->seq);
        return reject(n, m, pf->t_deliver, why);
    }
    uint64_t *last = &n->last_seq[m->sender][m->kind];
    if (m->seq <= *last && n->resyncing) {
        n->resync_dups++; /* history re-sent to a restarted node: already in its ledger */
        return 0;
    }
    if (m->seq <= *last) {
        snprintf(why, sizeof why,
                 "replayed or out of order: seq %llu from party %d, %s already accepted up "
                 "to seq %llu",
                 (unsigned long long)m->seq, m->sender, jmd_msg_kind_name((int)m->kind),
                 (unsigned long long)*last);
        return reject(n, m, pf->t_deliver, why);
    }
    *last = m->seq;
    if (m->kind == JMD_MSG_CHECKPOINT) return on_checkpoint(n, m, pf->t_deliver);
    n->received[m->sender]++;
    if ((rc = jmd__grow((void **)&n->q, &n->capq, n->nq + 1, sizeof *n->q)) != 0) return rc;
    n->q[n->nq++] = (inmsg){*m, pf->t_deliver};
    return record_enc(n, JMD_LOG_RECEIVED, m->sender, m, enc, elen, pf->t_deliver);
}

static int inmsg_cmp(const void *a, const void *b)
{
    const inmsg *x = a, *y = b;
    if (x->t_deliver != y->t_deliver) return x->t_deliver < y->t_deliver ? -1 : 1;
    if (x->m.sender != y->m.sender) return x->m.sender < y->m.sender ? -1 : 1;
    return x->m.seq < y->m.seq ? -1 : x->m.seq > y->m.seq;
}

/* Messages due by t, in the in-process bus's order (delivery time,
 * sender, sequence number). Only messages sent before this step count:
 * in `jmd run` a message sent at step s (even with no latency) is first
 * polled at step s+1, and a fast peer's message of this very step must not
 * make the result depend on who ran first. */
static int deliver_due(node *n, double t)
{
    if (n->nq == 0) return 0;
    qsort(n->q, n->nq, sizeof *n->q, inmsg_cmp);
    size_t keep = 0;
    for (size_t k = 0; k < n->nq; k++) {
        if (n->q[k].t_deliver <= t && n->q[k].m.t < t) {
            int rc = jmd_node_driver_receive(n->drv, &n->q[k].m, n->q[k].t_deliver);
            if (rc != 0) return rc;
        } else {
            n->q[keep++] = n->q[k];
        }
    }
    n->nq = keep;
    return 0;
}

/* ---- sending ------------------------------------------------------------- */

typedef struct {
    node *n;
    int to;
    int rc;
    inmsg *buf;   /* what the bus released for this receiver, to be sorted */
    size_t nbuf, capbuf;
} send_ctx;

static void collect(void *ctx, const jmd_msg *m, double t_deliver)
{
    send_ctx *c = ctx;
    if (c->rc != 0) return;
    if ((c->rc = jmd__grow((void **)&c->buf, &c->capbuf, c->nbuf + 1, sizeof *c->buf)) != 0)
        return;
    c->buf[c->nbuf++] = (inmsg){*m, t_deliver};
}

static int seq_cmp(const void *a, const void *b)
{
    const inmsg *x = a, *y = b;
    return x->m.seq < y->m.seq ? -1 : x->m.seq > y->m.seq;
}

static void publish(send_ctx *c, const jmd_msg *m0, double t_deliver)
{
    node *n = c->n;
    if (c->rc != 0) return;
    jmd_frame f;
    memset(&f, 0, sizeof f);
    f.kind = JMD_FRAME_PEER;
    f.u.peer.m = *m0;
    f.u.peer.t_deliver = t_deliver;
    jmd_msg *m = &f.u.peer.m;
    if (n->replaying) { /* rebuilding: the ledger already holds it */
        n->sent[c->to]++;
        return;
    }
    /* A broadcast travels to each party as its own frame (its MAC is per
     * pair); the envelope still says broadcast. */
    uint8_t enc[JMD_MSG_MAX_SIZE];
    size_t elen = 0;
    int rc = signed_kind((int)m->kind) ? jmd_ledger_auth_sign_enc(m, &n->o->key, enc, &elen)
                                       : jmd_ledger_auth_mac_enc(m, &n->pair[c->to], enc, &elen);
    if (rc == 0) rc = record_enc(n, JMD_LOG_SENT, c->to, m, enc, elen, t_deliver);
    if (rc == 0) rc = jmd_dds_write_enc(n->dds, &f, enc, elen);
    if (rc == 0) n->sent[c->to]++;
    c->rc = rc;
}

static int send_outbox(node *n, double t)
{
    const jmd_party_out *out;
    size_t nout;
    jmd_node_driver_outbox(n->drv, &out, &nout);
    for (size_t i = 0; i < nout; i++) {
        jmd_msg m = out[i].m;
        m.sender = n->self;
        m.t = t;
        int rc = jmd_bus_send(n->bus, n->self, out[i].to, &m, t, out[i].delay, NULL);
        if (rc == JMD_ENOMEM) return rc;
    }
    /* The bus releases a receiver's messages in delivery-time order; they
     * are written in sequence order, so that each kind's writer carries
     * them in the order the receiver's replay check expects (messages of
     * one step with different release delays would otherwise cross). */
    for (int q = 0; q < n->np; q++) {
        if (q == n->self) continue;
        send_ctx c = {n, q, 0, NULL, 0, 0};
        int rc = jmd_bus_poll(n->bus, q, INFINITY, 0, collect, &c, NULL);
        if (rc == 0) rc = c.rc;
        if (rc == 0 && c.nbuf > 1) qsort(c.buf, c.nbuf, sizeof *c.buf, seq_cmp);
        for (size_t i = 0; rc == 0 && i < c.nbuf; i++) {
            publish(&c, &c.buf[i].m, c.buf[i].t_deliver);
            rc = c.rc;
        }
        free(c.buf);
        if (rc != 0) return rc;
    }
    return 0;
}

/* ---- the world's frames -------------------------------------------------- */

static int in_step(const jmd_frame *f, int64_t *step, uint32_t *index)
{
    *step = -1;
    *index = 0;
    switch (f->kind) {
    case JMD_FRAME_ASSESS: *step = f->u.assess.step, *index = f->u.assess.index; return 1;
    case JMD_FRAME_CUE: *step = f->u.cue.step, *index = f->u.cue.index; return 2;
    case JMD_FRAME_SCAN: *step = f->u.scan.step, *index = f->u.scan.index; return 3;
    default: return 0;
    }
}

static int in_cmp(const void *a, const void *b)
{
    int64_t sa, sb;
    uint32_t ia, ib;
    int ka = in_step(a, &sa, &ia), kb = in_step(b, &sb, &ib);
    if (sa != sb) return sa < sb ? -1 : 1;
    if (ka != kb) return ka < kb ? -1 : 1;
    return ia < ib ? -1 : ia > ib;
}

/* Whether everything step `step` needs is here. */
/* A TICK that came early becomes the current step's when its step comes. */
static int on_frame(node *n, jmd_frame *f);
static int promote_tick(node *n)
{
    if (n->tick.kind == JMD_FRAME_TICK) return 0;
    for (size_t i = 0; i < n->nlater; i++) {
        if (n->later[i].u.tick.step != n->step) continue;
        jmd_frame f = n->later[i];
        n->later[i] = n->later[--n->nlater];
        return on_frame(n, &f);
    }
    return 0;
}

static int ready(node *n)
{
    if (n->tick.kind != JMD_FRAME_TICK) return 0;
    const jmd_frame_tick *k = &n->tick.u.tick;
    /* The world counts what each peer wrote by the end of the last step; a
     * fast peer may already have written this step's messages too, which
     * must not stand in for a late one of the last step (frames of
     * different kinds travel on different writers, unordered). */
    uint64_t early[JMD_MSG_MAX_PARTIES] = {0};
    for (size_t i = 0; i < n->nq; i++)
        if (n->q[i].m.t >= k->t) early[n->q[i].m.sender]++;
    for (int p = 0; p < n->np; p++)
        if (p != n->self && n->received[p] - early[p] < k->expect[p]) return 0;
    if (k->end) return 1;
    uint32_t na = 0, nc = 0, ns = 0;
    for (size_t i = 0; i < n->nin; i++) {
        int64_t s;
        uint32_t ix;
        int kind = in_step(&n->in[i], &s, &ix);
        if (s != n->step) continue;
        na += kind == 1, nc += kind == 2, ns += kind == 3;
    }
    return na >= k->nassess && nc >= k->ncue && ns >= k->nscan;
}

static int final_frame(node *n)
{
    jmd_frame f;
    memset(&f, 0, sizeof f);
    f.kind = JMD_FRAME_FINAL;
    jmd_frame_final *x = &f.u.final;
    x->party = n->self;
    jmd_party_stats_get(jmd_node_driver_party(n->drv), &x->stats);
    for (int q = 0; q < n->np; q++) {
        jmd_bus_counts c;
        if (q == n->self || jmd_bus_stats(n->bus, n->self, q, JMD_BUS_ANY, &c) != 0) continue;
        x->msgs[q] = c.sent;
        x->bytes[q] = c.bytes_sent;
    }
    for (int k = 1; k <= JMD_MSG_KIND_MAX; k++) {
        jmd_bus_counts c;
        if (jmd_bus_stats(n->bus, n->self, JMD_BUS_ANY, k, &c) == 0) x->by_kind[k] = c.sent;
    }
    x->rejected = n->rejected;
    if (n->o->log) {
        jmd_merkle_hash root;
        x->log_size = jmd_ledger_log_size(n->o->log);
        if (jmd_ledger_log_root(n->o->log, &root) == 0) memcpy(x->log_root, root.b, 32);
    }
    if (n->rep) {
        n->rep->stats = x->stats;
        n->rep->log_size = x->log_size;
    }
    if (n->replaying) { /* the world may never have had it: written after the replay */
        n->last_final = f;
        return 0;
    }
    return jmd_dds_write(n->dds, &f);
}

/* Link outages (the scenario's fault injection, applied by the sending
 * bus) go on the record of both parties: each node notes when a link to or
 * from it goes down and comes back. */
static int note_links(node *n, double t)
{
    for (int q = 0; q < n->np; q++) {
        if (q == n->self) continue;
        for (int dir = 0; dir < 2; dir++) {
            int from = dir == 0 ? n->self : q, to = dir == 0 ? q : n->self;
            const jmd_link *l = &n->sc->links[(size_t)from * (size_t)n->np + (size_t)to];
            double t_up = t;
            int down = jmd_link_down(l, t, &t_up);
            if (down == n->link_state[dir][q]) continue;
            n->link_state[dir][q] = (int8_t)down;
            char note[200];
            if (down)
                snprintf(note, sizeof note, "link %s>%s down at %.3f s until %.3f s (outage)",
                         n->sc->parties[from].name, n->sc->parties[to].name, t, t_up);
            else
                snprintf(note, sizeof note, "link %s>%s up again at %.3f s",
                         n->sc->parties[from].name, n->sc->parties[to].name, t);
            int rc = record_note(n, q, note);
            if (rc != 0) return rc;
            if (n->rep && n->rep->nnotes < JMD_NODE_REASONS_MAX)
                snprintf(n->rep->notes[n->rep->nnotes++], sizeof n->rep->notes[0], "%s", note);
        }
    }
    return 0;
}

static int apply_step(node *n)
{
    const jmd_frame_tick *k = &n->tick.u.tick;
    int rc = 0;
    if (k->end) {
        n->done = 1;
        if ((rc = record_note(n, JMD_FED_WORLD, "end of run")) != 0) return rc;
        if ((rc = checkpoint(n, k->t)) != 0) return rc;
        if ((rc = log_commit(n, 0)) != 0) return rc;
        return final_frame(n);
    }
    if ((rc = note_links(n, k->t)) != 0) return rc;
    if (n->nin > 1) qsort(n->in, n->nin, sizeof *n->in, in_cmp);
    size_t used = 0;
    int delivered = 0;
    for (size_t i = 0; i < n->nin && rc == 0; i++) {
        jmd_frame *f = &n->in[i];
        int64_t s;
        uint32_t ix;
        int kind = in_step(f, &s, &ix);
        if (s > n->step) break;
        used = i + 1;
        if (s < n->step) continue; /* a restart's repeat */
        if (kind == 3 && !delivered) {
            delivered = 1;
            if ((rc = deliver_due(n, k->t)) != 0) break;
        }
        if (kind == 1) rc = jmd_node_driver_assess(n->drv, f->u.assess.shot_id, f->u.assess.killed);
        else if (kind == 2) rc = jmd_node_driver_cue(n->drv, &f->u.cue.r);
        else rc = jmd_node_driver_scan(n->drv, f->u.scan.radar, f->u.scan.t, f->u.scan.m,
                                       f->u.scan.n);
    }
    if (rc == 0 && !delivered) rc = deliver_due(n, k->t);
    for (size_t i = 0; i < used; i++) jmd_frame_clear(&n->in[i]);
    if (used > 0) {
        memmove(n->in, n->in + used, (n->nin - used) * sizeof *n->in);
        n->nin -= used;
    }
    if (rc != 0) return rc;
    jmd_frame f;
    memset(&f, 0, sizeof f);
    f.kind = JMD_FRAME_DONE;
    double t_next = (double)(n->step + 1) * n->sc->step;
    if ((rc = jmd_node_driver_step(n->drv, n->step, k->t, t_next, &f.u.done)) != 0) return rc;
    if ((rc = send_outbox(n, k->t)) != 0) goto out;
    /* Fault injection (tests, docs/federation.md): die the hard way in the
     * middle of a step, its messages out but its ledger not committed. */
    if (n->o->crash_at_step >= 0 && n->step == n->o->crash_at_step && !n->replaying) {
        fflush(NULL);
        raise(SIGKILL);
    }
    if (n->o->checkpoint_every > 0 && n->step - n->last_ckpt_step >= n->o->checkpoint_every &&
        (rc = checkpoint(n, k->t)) != 0)
        goto out;
    memcpy(f.u.done.sent, n->sent, sizeof f.u.done.sent);
    f.u.done.rejected = n->rejected;
    /* The step is in the ledger before the world hears it is done. */
    if ((rc = log_commit(n, 1)) != 0) goto out;
    if (!n->replaying) {
        rc = jmd_dds_write(n->dds, &f);
        if (rc == 0 && n->resyncing) {
            /* Caught up: what was dropped meanwhile goes on the record. */
            char note[160];
            snprintf(note, sizeof note,
                     "caught up after the restart: %llu copies of messages already in the "
                     "ledger were re-received and dropped",
                     (unsigned long long)n->resync_dups);
            rc = record_note(n, -1, note);
        }
        n->resyncing = 0;
    }
    if (n->rep) n->rep->steps++;
    /* Kept for a restart: the world may still wait for it. */
    jmd_frame_clear(&n->last_done);
    n->last_done = f;
    memset(&f, 0, sizeof f);
out:
    jmd_frame_clear(&f);
    n->step++;
    n->tick.kind = 0;
    return rc;
}

/* Approval signatures for the joint model (jmd_party_set_approver): this
 * party's Ed25519 key signs, every party's public key checks. */
static int approve_sign(void *ctx, const jmd_msg *proposal, uint8_t sig[JMD_MSG_AUTH_MAX])
{
    const node *n = ctx;
    int rc = jmd_ledger_approval_sign(&n->o->key, proposal, sig);
    /* Fault injection (tests): a signature that does not verify. */
    if (rc == 0 && n->o->fault_bad_approvals) sig[0] ^= 0x01;
    return rc;
}

static int approve_verify(void *ctx, int party, const jmd_msg *proposal,
                          const uint8_t sig[JMD_MSG_AUTH_MAX])
{
    const node *n = ctx;
    if (party < 0 || party >= n->np) return JMD_EVERIFY;
    return jmd_ledger_approval_verify(n->o->pk[party], proposal, sig);
}

/* The run's seed and model come with the world's TICKs: the driver and
 * the sending bus start with the first, and every later one must agree. */
static int start(node *n, const jmd_frame_tick *k)
{
    int rc;
    if (n->drv) {
        if (k->seed == n->seed && k->model == n->model) return 0;
        snprintf(n->err, n->errlen,
                 "the world changed the run at step %lld (seed %llu model %d, was %llu / %d)",
                 (long long)k->step, (unsigned long long)k->seed, k->model,
                 (unsigned long long)n->seed, n->model);
        return JMD_EINVAL;
    }
    if (k->model < 0 || k->model >= JMD_GOV_NMODELS) {
        snprintf(n->err, n->errlen, "the world's TICK names model %d: expected 0 to %d",
                 k->model, JMD_GOV_NMODELS - 1);
        return JMD_EINVAL;
    }
    if (n->o->model >= 0 && n->o->model != k->model) {
        snprintf(n->err, n->errlen, "the world runs model %s, this node was told %s",
                 jmd_gov_model_name((jmd_gov_model)k->model),
                 jmd_gov_model_name((jmd_gov_model)n->o->model));
        return JMD_EINVAL;
    }
    n->seed = k->seed;
    n->model = k->model;
    if ((rc = jmd_bus_inproc_create(n->np, n->sc->links, n->seed, &n->bus)) != 0) {
        snprintf(n->err, n->errlen, "message bus cannot start: %s", jmd_strerror(rc));
        return rc;
    }
    if ((rc = jmd_node_driver_create(n->sc, n->self, (jmd_gov_model)n->model, n->seed,
                                     &n->o->party_opts, &n->drv)) != 0) {
        snprintf(n->err, n->errlen, "party \"%s\": node cannot start: %s",
                 n->sc->parties[n->self].name, jmd_strerror(rc));
        return rc;
    }
    jmd_party_set_approver(jmd_node_driver_party(n->drv), approve_sign, approve_verify, n);
    return 0;
}

static int on_frame(node *n, jmd_frame *f)
{
    int rc = 0;
    switch (f->kind) {
    case JMD_FRAME_PEER:
        rc = on_peer(n, &f->u.peer);
        break;
    case JMD_FRAME_TICK:
        if (f->u.tick.party == n->self && f->u.tick.step == n->step &&
            n->tick.kind != JMD_FRAME_TICK) {
            if ((rc = start(n, &f->u.tick)) != 0) break;
            if ((rc = record_input(n, f)) != 0) break;
            n->tick = *f;
            return 0;
        }
        if (f->u.tick.party == n->self && f->u.tick.step > n->step) {
            /* Kept until its step comes (it is logged then). */
            if ((rc = jmd__grow((void **)&n->later, &n->caplater, n->nlater + 1,
                                sizeof *n->later)) != 0)
                break;
            n->later[n->nlater++] = *f;
            return 0;
        }
        break;
    case JMD_FRAME_ASSESS:
    case JMD_FRAME_CUE:
    case JMD_FRAME_SCAN: {
        int64_t s;
        uint32_t ix;
        int kind = in_step(f, &s, &ix);
        if (s < n->step) break;
        int dup = 0; /* a restart's second copy of a frame it holds */
        for (size_t i = 0; i < n->nin && !dup; i++) {
            int64_t s2;
            uint32_t ix2;
            dup = in_step(&n->in[i], &s2, &ix2) == kind && s2 == s && ix2 == ix;
        }
        if (dup) break;
        if ((rc = record_input(n, f)) != 0) break;
        if ((rc = jmd__grow((void **)&n->in, &n->capin, n->nin + 1, sizeof *n->in)) != 0) break;
        n->in[n->nin++] = *f; /* the frame's arrays change hands */
        return 0;
    }
    default:
        break;
    }
    jmd_frame_clear(f);
    return rc;
}

/* ---- restart ------------------------------------------------------------
 *
 * A node restarted after a crash rebuilds its state from its own ledger:
 * every world input and every accepted message, replayed through a fresh
 * driver in the order they were logged, gives back the same state and
 * the same messages (the sending bus draws the same numbers); nothing is
 * sent or logged while replaying, and the replay's own messages must match
 * the ledger's count of sent ones, or the ledger is not this node's run.
 * Then the node writes again what a peer or the world may have missed:
 * the messages of its last two steps (peers refuse copies they hold as
 * replays) and the DONE of its last step (the world drops an old one). */

static int replay_ledger(node *n, uint64_t *entries)
{
    jmd_ledger_log *log = n->o->log;
    uint64_t size = jmd_ledger_log_size(log);
    uint64_t logged[JMD_MSG_MAX_PARTIES] = {0};
    int rc = 0;
    n->replaying = 1;
    for (uint64_t i = 0; i < size && rc == 0; i++) {
        jmd_log_entry_buf eb;
        memset(&eb, 0, sizeof eb);
        if ((rc = jmd_ledger_log_get(log, i, &eb)) != 0) break;
        const jmd_log_entry *e = &eb.e;
        if (e->dir == JMD_LOG_INPUT) {
            jmd_frame f;
            char why[200];
            rc = jmd_fed_input_decode(e->data, e->len, n->np, &f, why, sizeof why);
            if (rc != 0) {
                snprintf(n->err, n->errlen, "ledger entry %llu (an input): %s",
                         (unsigned long long)i, why);
            } else {
                rc = on_frame(n, &f);
            }
        } else if (e->dir == JMD_LOG_RECEIVED || e->dir == JMD_LOG_SENT) {
            jmd_msg m;
            char why[200];
            rc = jmd_msg_decode(e->data, e->len, &m, why, sizeof why);
            if (rc != 0) {
                snprintf(n->err, n->errlen, "ledger entry %llu: %s", (unsigned long long)i, why);
            } else if (m.kind == JMD_MSG_CHECKPOINT) {
                if (e->dir == JMD_LOG_SENT && m.seq - JMD_NODE_CTL_SEQ > n->ctl_seq)
                    n->ctl_seq = m.seq - JMD_NODE_CTL_SEQ;
                if (e->dir == JMD_LOG_RECEIVED && m.seq > n->last_seq[m.sender][m.kind])
                    n->last_seq[m.sender][m.kind] = m.seq;
            } else if (e->dir == JMD_LOG_SENT) {
                if (e->peer >= 0 && e->peer < n->np) logged[e->peer]++;
            } else if (m.sender >= 0 && m.sender < n->np) {
                n->last_seq[m.sender][m.kind] = m.seq;
                n->received[m.sender]++;
                if ((rc = jmd__grow((void **)&n->q, &n->capq, n->nq + 1, sizeof *n->q)) == 0)
                    n->q[n->nq++] = (inmsg){m, e->t};
            }
        } else if (e->dir == JMD_LOG_REJECTED) {
            n->rejected++;
        }
        jmd_ledger_log_entry_free(&eb);
        while (rc == 0 && !n->done && (rc = promote_tick(n)) == 0 && ready(n))
            rc = apply_step(n);
    }
    n->replaying = 0;
    if (rc != 0) return rc;
    for (int q = 0; q < n->np; q++)
        if (n->sent[q] != logged[q]) {
            snprintf(n->err, n->errlen,
                     "replaying the ledger sends %llu messages to party \"%s\", the ledger "
                     "records %llu: it is not this node's run",
                     (unsigned long long)n->sent[q], n->sc->parties[q].name,
                     (unsigned long long)logged[q]);
            return JMD_EVERIFY;
        }
    *entries = size;
    return 0;
}

/* After the replay: what the others may have missed, and a note. */
static int resend(node *n, uint64_t entries)
{
    jmd_ledger_log *log = n->o->log;
    int rc = 0;
    uint64_t again = 0;
    for (uint64_t i = 0; i < entries && rc == 0; i++) {
        jmd_log_entry_buf eb;
        memset(&eb, 0, sizeof eb);
        if ((rc = jmd_ledger_log_get(log, i, &eb)) != 0) break;
        if (eb.e.dir == JMD_LOG_SENT && eb.e.step >= n->step - 2 &&
            ((eb.e.peer >= 0 && eb.e.peer < n->np) || eb.e.peer == JMD_LOG_PEER_BROADCAST)) {
            jmd_frame f;
            memset(&f, 0, sizeof f);
            f.kind = JMD_FRAME_PEER;
            if (jmd_msg_decode(eb.e.data, eb.e.len, &f.u.peer.m, NULL, 0) == 0) {
                f.u.peer.t_deliver = eb.e.t;
                rc = jmd_dds_write(n->dds, &f);
                again++;
            }
        }
        jmd_ledger_log_entry_free(&eb);
    }
    if (rc == 0 && n->last_done.kind == JMD_FRAME_DONE) rc = jmd_dds_write(n->dds, &n->last_done);
    /* The ledger's run had ended: the world may still wait for the FINAL. */
    if (rc == 0 && n->done && n->last_final.kind == JMD_FRAME_FINAL)
        rc = jmd_dds_write(n->dds, &n->last_final);
    if (rc == 0) {
        char note[200];
        snprintf(note, sizeof note,
                 "restarted from the ledger: %llu entries replayed, resuming at step %lld; %llu "
                 "messages of the last steps written again",
                 (unsigned long long)entries, (long long)n->step, (unsigned long long)again);
        rc = record_note(n, -1, note);
    }
    return rc;
}

void jmd_node_opts_default(jmd_node_opts *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->model = -1;
    jmd_party_opts_default(&o->party_opts);
    snprintf(o->run_tag, sizeof o->run_tag, "run");
    o->timeout_ms = 60000;
    o->checkpoint_every = 50;
    o->crash_at_step = -1;
}

int jmd_node_run(const jmd_scenario *sc, const jmd_node_opts *o, jmd_node_report *rep,
                 char *err, size_t errlen)
{
    node n;
    int rc;
    if (!sc || !o || !err || errlen == 0) return JMD_EINVAL;
    err[0] = '\0';
    memset(&n, 0, sizeof n);
    n.sc = sc;
    n.o = o;
    n.self = o->party;
    n.np = (int)sc->nparties;
    n.rep = rep;
    n.err = err;
    n.errlen = errlen;
    if (rep) {
        memset(rep, 0, sizeof *rep);
        rep->resumed_at = -1;
    }
    if (n.self < 0 || n.self >= n.np || n.np > JMD_MSG_MAX_PARTIES) return JMD_EINVAL;
    for (int q = 0; q < n.np; q++) {
        if (q == n.self) continue;
        if ((rc = jmd_ledger_pair_key_derive(&o->key, o->pk[q], &n.pair[q])) != 0) {
            snprintf(err, errlen, "party \"%s\": its public key cannot be used for a pair key",
                     sc->parties[q].name);
            goto done;
        }
    }
    uint64_t replayed = 0;
    if (o->resume) {
        if (!o->log) {
            rc = JMD_EINVAL;
            snprintf(err, errlen, "a restart needs the node's ledger");
            goto done;
        }
        if ((rc = replay_ledger(&n, &replayed)) != 0) goto done;
        n.resyncing = 1;
        if (rep) rep->resumed_at = n.step, rep->replayed = replayed;
    }
    if (o->log && (rc = jmd_ledger_log_begin(o->log)) != 0) {
        snprintf(err, errlen, "ledger: cannot start a transaction: %s", jmd_strerror(rc));
        goto done;
    }
    if ((rc = jmd_dds_open(o->domain, n.self, n.np, o->run_tag, &n.dds, err, errlen)) != 0)
        goto done;
    if (o->resume && (rc = resend(&n, replayed)) != 0) goto done;
    {
        jmd_frame h;
        memset(&h, 0, sizeof h);
        h.kind = JMD_FRAME_HELLO;
        h.u.hello.party = n.self;
        h.u.hello.last_step = n.step - 1;
        h.u.hello.incarnation = o->resume ? 1u : 0u;
        if ((rc = jmd_dds_write(n.dds, &h)) != 0) goto done;
    }
    while (!n.done) {
        while (!n.done && (rc = promote_tick(&n)) == 0 && ready(&n))
            if ((rc = apply_step(&n)) != 0) goto done;
        if (rc != 0) goto done;
        if (n.done) break;
        jmd_frame f;
        uint8_t rx[JMD_MSG_MAX_SIZE];
        size_t rxlen = 0;
        memset(&f, 0, sizeof f);
        rc = jmd_dds_take_enc(n.dds, &f, o->timeout_ms, rx, &rxlen);
        if (rc == 0) {
            /* Say what is missing: the world's TICK, or a peer's messages. */
            int m = snprintf(err, errlen, "nothing usable for %.0f s at step %lld: ",
                             o->timeout_ms / 1e3, (long long)n.step);
            size_t at = m > 0 && (size_t)m < errlen ? (size_t)m : errlen - 1;
            if (n.tick.kind != JMD_FRAME_TICK) {
                snprintf(err + at, errlen - at, "no TICK from the world (is it running?)");
            } else {
                int any = 0;
                for (int p = 0; p < n.np && at < errlen - 1; p++) {
                    if (p == n.self || n.received[p] >= n.tick.u.tick.expect[p]) continue;
                    m = snprintf(err + at, errlen - at,
                                 "%s%llu message(s) of party \"%s\" accepted, the world says "
                                 "it wrote %llu",
                                 any ? "; " : "", (unsigned long long)n.received[p],
                                 sc->parties[p].name,
                                 (unsigned long long)n.tick.u.tick.expect[p]);
                    if (m > 0) at += (size_t)m < errlen - at ? (size_t)m : errlen - at - 1;
                    any = 1;
                }
                if (!any)
                    snprintf(err + at, errlen - at,
                             "the world's inputs for the step are incomplete");
            }
            rc = JMD_EIO;
            goto done;
        }
        if (rc == JMD_EPARSE) {
            /* A frame that did not even decode: refused and recorded. */
            char why[300];
            snprintf(why, sizeof why, "malformed frame: %s", jmd_dds_last_error(n.dds));
            /* dated with the step the node is at: the frame's own time is
             * not to be trusted */
            if ((rc = reject(&n, NULL, (double)n.step * sc->step, why)) != 0) goto done;
            continue;
        }
        if (rc < 0) goto done;
        n.rx_enc = rx;
        n.rx_len = rxlen;
        rc = on_frame(&n, &f);
        n.rx_enc = NULL;
        n.rx_len = 0;
        if (rc != 0) goto done;
    }
    /* The last frames (FINAL) out, or the reason they are not. */
    if ((rc = jmd_dds_flush(n.dds)) != 0) {
        snprintf(err, errlen, "the last frames could not be written: %s",
                 jmd_dds_last_error(n.dds));
        goto done;
    }
    if (rep) rep->resync_dups = n.resync_dups;
done:
    if (rc != 0 && !err[0]) snprintf(err, errlen, "node failed: %s", jmd_strerror(rc));
    jmd_dds_close(n.dds);
    for (size_t i = 0; i < n.nin; i++) jmd_frame_clear(&n.in[i]);
    free(n.in);
    free(n.q);
    jmd_frame_clear(&n.tick);
    free(n.later);
    jmd_frame_clear(&n.last_done);
    /* A failed step is not committed: a restart replays to the last whole
     * step (closing the log rolls the open transaction back). */
    if (o->log && rc == 0) jmd_ledger_log_commit(o->log);
    jmd_node_driver_free(n.drv);
    jmd_bus_destroy(n.bus);
    for (int q = 0; q < JMD_MSG_MAX_PARTIES; q++) jmd_ledger_pair_key_wipe(&n.pair[q]);
    return rc;
}
