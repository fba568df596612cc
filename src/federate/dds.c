/*
 * federate/dds.c — the Cyclone DDS transport of the federated system
 * (include/jmd/federate.h; docs/federation.md "Transport").
 *
 * One participant per process, on a domain created here with a
 * loopback-only configuration built in code (never CYCLONEDDS_URI), so a
 * missing or wrong environment cannot make a process send anywhere but
 * 127.0.0.1, nor multicast. Every frame kind is a topic of its own IDL type
 * (src/federate/jmd.idl); a PEER frame is one topic per jmd_msg kind. The
 * topic names carry the run tag ("jmd_<tag>_<Kind>").
 *
 * Routing is by partition: a frame for party k is written in partition
 * "jmd.p<k>", one for the world in "jmd.world", and a participant
 * subscribes to its own partition only, so what is written to party 0 never
 * reaches party 1's process at all. A broadcast PEER message is written,
 * unchanged (receiver stays JMD_MSG_BROADCAST), once into each other
 * party's partition.
 *
 * QoS everywhere: reliable, keep-all history, transient-local durability,
 * no resource limits. The writer's history is kept until every matched
 * reader has acknowledged it (keep-all: a full queue blocks the writer, it
 * never drops a sample a reader has not had); of what is acknowledged, the
 * durability service keeps the last HISTORY_DEPTH samples per writer for
 * late joiners (PEER_HISTORY_DEPTH batches for a PEER writer), so a node
 * restarted as a new participant receives again the last frames of every
 * kind written to it. That is all a
 * restart needs: the lockstep keeps every peer and the world within a step
 * of the restarted node (the world waits for its DONE), and it replays its
 * own ledger up to its last committed step, so what it lacks is at most the
 * frames of its last two or three steps (docs/federation.md, "Restart").
 * Keeping every sample instead grew a writer by ~7 kB per sample written
 * and cost two thirds of the transport's throughput (bench/bench_dds.c:
 * 58 k -> 196 k samples/s, 510 MB -> 12 MB resident after 2 s).
 *
 * Input is untrusted: every taken sample is converted and validated (the
 * PEER message with jmd_msg_check, the rest for party indices, counts and
 * finite numbers) by the same checks jmd_dds_write applies to output, and
 * a failure is reported as JMD_EPARSE with a reason, never dropped.
 *
 * PEER messages travel in batches: each kind's topic type is a sequence of
 * up to BATCH_MAX messages (jmd.idl). jmd_dds_write queues a message for
 * its (receiver, kind) and writes the batch when it is full or flushed
 * (below), so a burst costs Cyclone one sample — one serialisation set-up,
 * one history entry, one acknowledgement to track, one sample info to
 * read — instead of one per message: bench/bench_dds.c went from ~190 k to
 * ~320 k messages/s. Order is kept (one writer per receiver and kind,
 * queued in write order; a raw sample first sends what is queued ahead of
 * it), and a taker gets the messages one by one, each validated alone.
 *
 * Writes are batched (Cyclone's <Internal><WriteBatch>): dds_write packs
 * a sample into its writer's pending packet and sends the packet when it
 * is full or flushed, so a burst of frames costs one sendmsg and one
 * wake-up of the receiver per ~14 kB packet instead of one per frame.
 * Cyclone never sends a partly filled packet by itself, and a frame must
 * not wait there whatever the caller does next (block on a pipe, sleep,
 * compute), so every writer written since the last flush is flushed (its
 * queued batch written first):
 *  - at the start of every jmd_dds_take and jmd_dds_wait_matched, by
 *    jmd_dds_flush and by jmd_dds_close (the caller's thread), and
 *  - FLUSH_DELAY_US after the first write of a burst by a flusher thread of
 *    the handle, which sleeps on a condition variable while nothing is
 *    pending; so a written frame leaves within about a millisecond even if
 *    the writer never calls into DDS again.
 * A write that blocks on a full reliable queue flushes its writer itself
 * (Cyclone's throttle_writer). dds_write and dds_write_flush both hold the
 * writer's lock, so the flusher and the caller never use a writer's
 * packet at once. Batching changes neither order (one writer, one packet
 * stream, sequence numbers assigned at write) nor reliability (the sample
 * is in the writer's history cache before it is packed; a lost packet is
 * repaired by the usual heartbeat and NACK). A batch the flusher thread
 * cannot write fails the caller's next write or take, with the reason.
 *
 * Workload: a few thousand frames per simulated minute per node in a run;
 * tens of thousands of frames/s in bench/. The cost is Cyclone's
 * (serialisation, loopback UDP) and the kernel's; the conversions here are
 * a few copies per frame, with no allocation per PEER frame (a queue per
 * receiver and kind grows from 8 to 128 messages as needed).
 *
 * The flush lock is held across a batch's dds_write, which blocks while
 * the writer's reliable queue is full (at most WRITE_BLOCK_S): meanwhile
 * the caller's next write or take waits for the lock too. That keeps one
 * writer's batches in order without a second queue; a receiver that stops
 * taking for that long is stuck anyway, and the write then fails with the
 * reason.
 */
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dds/dds.h>

#include "federate/federate__dds.h"
#include "jmd/error.h"
#include "jmd/federate.h"
#include "jmd.h" /* generated from src/federate/jmd.idl by idlc */

/* Topics: the eight PEER kinds (index = jmd_msg_kind - 1), then the
 * lockstep frames in jmd_frame_kind order. */
enum {
    T_HELLO = JMD_MSG_KIND_MAX,
    T_TICK,
    T_SCAN,
    T_CUE,
    T_ASSESS,
    T_DONE,
    T_FINAL,
    NTOPIC
};

/* A PEER topic's type is the batch of its kind (jmd.idl); item_size is
 * the size of one message in the batch's sequence. */
static const struct {
    const char *name;
    const dds_topic_descriptor_t *desc;
    size_t item_size;
} topic_info[NTOPIC] = {
    {"Measurement", &jmd_MeasurementBatch_desc, sizeof(jmd_Measurement)},
    {"LaunchWarning", &jmd_LaunchWarningBatch_desc, sizeof(jmd_LaunchWarning)},
    {"Track", &jmd_TrackBatch_desc, sizeof(jmd_Track)},
    {"Proposal", &jmd_ProposalBatch_desc, sizeof(jmd_Proposal)},
    {"Vote", &jmd_VoteBatch_desc, sizeof(jmd_Vote)},
    {"LaunchOrder", &jmd_LaunchOrderBatch_desc, sizeof(jmd_LaunchOrder)},
    {"Outcome", &jmd_OutcomeBatch_desc, sizeof(jmd_Outcome)},
    {"Checkpoint", &jmd_CheckpointBatch_desc, sizeof(jmd_Checkpoint)},
    {"Hello", &jmd_Hello_desc, 0},
    {"Tick", &jmd_Tick_desc, 0},
    {"Scan", &jmd_Scan_desc, 0},
    {"Cue", &jmd_Cue_desc, 0},
    {"Assess", &jmd_Assess_desc, 0},
    {"Done", &jmd_Done_desc, 0},
    {"Final", &jmd_Final_desc, 0},
};

/* Every batch type is one sequence: the same layout for all kinds, which
 * the batching code relies on. */
typedef struct {
    uint32_t _maximum;
    uint32_t _length;
    void *_buffer;
    bool _release;
} any_batch;
#define SAME_LAYOUT(T)                                                                    \
    _Static_assert(sizeof(T) == sizeof(any_batch) &&                                      \
                       offsetof(T, items._length) == offsetof(any_batch, _length) &&      \
                       offsetof(T, items._buffer) == offsetof(any_batch, _buffer) &&      \
                       offsetof(T, items._release) == offsetof(any_batch, _release),      \
                   #T " is one sequence")
SAME_LAYOUT(jmd_MeasurementBatch);
SAME_LAYOUT(jmd_LaunchWarningBatch);
SAME_LAYOUT(jmd_TrackBatch);
SAME_LAYOUT(jmd_ProposalBatch);
SAME_LAYOUT(jmd_VoteBatch);
SAME_LAYOUT(jmd_LaunchOrderBatch);
SAME_LAYOUT(jmd_OutcomeBatch);
SAME_LAYOUT(jmd_CheckpointBatch);

/* Messages per PEER sample: jmd.idl's sequence bound. */
#define BATCH_MAX 128

/* The IDL arrays mirror the C arrays; a change to either must show here. */
_Static_assert(JMD_MSG_KIND_MAX == 8, "one PEER topic per message kind");
_Static_assert(JMD_MSG_MAX_PARTIES == 32, "Tick.expect, Done.sent, Final.msgs are [32]");
_Static_assert(JMD_MSG_AUTH_MAX == 64, "auth and signature sequences are bounded by 64");
_Static_assert(sizeof(((jmd_Track *)0)->P) == sizeof(((jmd_msg_track *)0)->P), "Track.P");
_Static_assert(sizeof(((jmd_Final *)0)->by_kind) == sizeof(((jmd_frame_final *)0)->by_kind),
               "Final.by_kind");
_Static_assert(sizeof(((jmd_Final *)0)->log_root) == sizeof(((jmd_frame_final *)0)->log_root),
               "Final.log_root");
/* A counter added to jmd_party_stats must be added to jmd.idl's Stats and
 * to the FINAL conversions here, or it would silently not travel. */
_Static_assert(sizeof(jmd_party_stats) == 13 * sizeof(int), "jmd_party_stats vs Stats");
_Static_assert(JMD_MSG_CKPT_PROOF_MAX == 48, "Checkpoint.proof is bounded by 48");

/* Most elements of an unbounded sequence (a scan's detections, a DONE's
 * arrays) accepted on input: far above any scenario, low enough that a
 * corrupt count cannot make a node allocate gigabytes. */
#define SEQ_MAX 1000000u

/* Acknowledged samples each writer keeps for a late joiner (a restarted
 * node): its last two or three steps' frames of one kind to one receiver
 * must fit (a step of the flagship writes at most a few tens per kind and
 * receiver). A restart that needs more than this fails loudly: the node
 * times out naming the messages the world says it should hold. */
#define HISTORY_DEPTH 2048

/* The same for a PEER writer, whose samples are batches: one per step and
 * receiver at most in a run (a few kB), but up to 128 messages (~56 kB)
 * under a sustained stream, so fewer are kept (at most ~14 MB per writer);
 * 256 batches still cover far more steps than a restart can need. */
#define PEER_HISTORY_DEPTH 256

/* How long a write may wait for room in the reliable queue before it is
 * reported: a receiver that takes nothing for this long is stuck. */
#define WRITE_BLOCK_S 10

/* How long jmd_dds_close waits for acknowledgements, all writers
 * together (the lease, so a dead reader costs no more than its lease). */
#define CLOSE_ACK_MS 2000

#define ERR_MAX 256

/* How long the flusher lets a burst of writes gather before it sends
 * them: bounds how long a frame can wait in a partly filled packet. */
#define FLUSH_DELAY_US 1000

/* Writers: (party or world) x topic. */
#define NWRITER ((JMD_MSG_MAX_PARTIES + 1) * NTOPIC)

/* Samples taken from a reader at once. */
#define TAKE_BATCH 64

/* Samples taken from one reader in one dds_take (a loan of Cyclone's),
 * handed out one per jmd_dds_take: one take per burst, not per sample. */
typedef struct {
    void *buf[TAKE_BATCH];
    dds_sample_info_t info[TAKE_BATCH];
    int n, pos;
    uint32_t item;  /* next message of sample pos, on a PEER topic */
} take_batch;

struct jmd_dds {
    uint32_t domain_id;
    dds_entity_t participant;
    dds_entity_t waitset;
    int self;     /* party index or JMD_FED_WORLD */
    int nparties;
    /* wr[dest][topic]: dest 0 .. nparties-1 a party, nparties the world;
     * 0 where this participant does not write. */
    dds_entity_t wr[JMD_MSG_MAX_PARTIES + 1][NTOPIC];
    dds_entity_t rd[NTOPIC]; /* 0 where this participant does not read */
    take_batch batch[NTOPIC];
    /* jmd_dds_take_enc, for the length of one call: where accept_sample
     * puts a PEER message's encoding (NULL otherwise). */
    uint8_t *take_enc;
    size_t *take_len;
    int next;                /* topic to try first on the next take (fairness) */
    /* Writers written since the last flush (each once), to flush; under
     * flush_lock, shared with the flusher thread. */
    pthread_mutex_t flush_lock;
    pthread_cond_t flush_cond;  /* signalled on the first write after a flush, and to stop */
    pthread_t flusher;
    int flusher_running, flusher_stop;
    int dirty[NWRITER];      /* dest * NTOPIC + topic */
    uint8_t is_dirty[JMD_MSG_MAX_PARTIES + 1][NTOPIC];
    int ndirty;
    /* PEER messages written and not yet sent, per receiver and kind (made
     * on first use); under flush_lock. */
    struct pending *pend[JMD_MSG_MAX_PARTIES][JMD_MSG_KIND_MAX];
    /* A failed send of the flusher thread, reported by the next call of
     * the caller's (under flush_lock). */
    int deferred_rc;
    int fail_batches;        /* tests (jmd_dds__fail_batches): batch writes fail */
    char deferred_err[ERR_MAX];
    char err[ERR_MAX];
};

static int flush_all(jmd_dds *d);
static void *flusher_main(void *arg);

/* ---- the loopback-only configuration ------------------------------------ */

/* PLATFORM.md "Cyclone DDS on loopback only", with a 2 s lease (a crashed
 * peer is noticed in 2 s, not 10) and room for the world, 32 nodes, their
 * restarts and test participants on one host (the default is 9). */
static const char config_xml[] =
    "<CycloneDDS xmlns=\"https://cdds.io/config\"><Domain Id=\"any\">"
    "<General>"
    "<Interfaces><NetworkInterface name=\"lo\"/></Interfaces>"
    "<AllowMulticast>false</AllowMulticast>"
    /* Loopback's MTU is 64 KiB: a batch of PEER messages (up to ~56 kB)
     * goes as one datagram instead of Cyclone's default 1344-byte
     * fragments, which the reader reassembles (bench_dds: ~350 k ->
     * ~500 k messages/s). Only for loopback, which is all this config
     * allows. */
    "<MaxMessageSize>65000B</MaxMessageSize><FragmentSize>62000B</FragmentSize>"
    "</General>"
    "<Discovery>"
    "<ParticipantIndex>auto</ParticipantIndex>"
    "<MaxAutoParticipantIndex>40</MaxAutoParticipantIndex>"
    "<Peers><Peer address=\"127.0.0.1\"/></Peers>"
    "<LeaseDuration>2 s</LeaseDuration>"
    "</Discovery>"
    "<Internal><WriteBatch>true</WriteBatch></Internal>"
    "</Domain></CycloneDDS>";

const char *jmd_dds__config(void)
{
    return config_xml;
}

/* A Cyclone domain can be created once per process; several jmd_dds in one
 * process (tests) share it, and the last one to close deletes it. */
static pthread_mutex_t domains_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    dds_entity_t handle;
    int refs;
} domains[JMD_FED_DOMAIN_MAX + 1];

static int domain_acquire(uint32_t id, char *err, size_t errlen)
{
    int rc = 0;
    pthread_mutex_lock(&domains_lock);
    if (domains[id].refs == 0) {
        dds_entity_t h = dds_create_domain(id, config_xml);
        if (h < 0) {
            snprintf(err, errlen,
                     "DDS domain %u: dds_create_domain refused the loopback configuration: %s%s",
                     (unsigned)id, dds_strretcode(h),
                     h == DDS_RETCODE_PRECONDITION_NOT_MET
                         ? " (this process already has that domain with another configuration)"
                         : "");
            rc = JMD_EIO;
            goto out;
        }
        domains[id].handle = h;
    }
    domains[id].refs++;
out:
    pthread_mutex_unlock(&domains_lock);
    return rc;
}

static void domain_release(uint32_t id)
{
    pthread_mutex_lock(&domains_lock);
    if (domains[id].refs > 0 && --domains[id].refs == 0) {
        dds_delete(domains[id].handle);
        domains[id].handle = 0;
    }
    pthread_mutex_unlock(&domains_lock);
}

/* ---- helpers ------------------------------------------------------------- */

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

static int topic_of(jmd_frame_kind fk, int msg_kind)
{
    if (fk == JMD_FRAME_PEER)
        return (msg_kind >= 1 && msg_kind <= JMD_MSG_KIND_MAX) ? msg_kind - 1 : -1;
    if (fk >= JMD_FRAME_HELLO && fk <= JMD_FRAME_FINAL) return T_HELLO + (int)(fk - JMD_FRAME_HELLO);
    return -1;
}

static int is_world_frame(int topic) /* written by the world, read by a node */
{
    return topic == T_TICK || topic == T_SCAN || topic == T_CUE || topic == T_ASSESS;
}

static int is_node_report(int topic) /* written by a node, read by the world */
{
    return topic == T_HELLO || topic == T_DONE || topic == T_FINAL;
}

/* ---- validation: one set of rules for what is written and what is taken -- */

#define CHECK_FINITE(v, what)                                                                   \
    do {                                                                                        \
        if (!isfinite(v)) return fail(err, errlen, JMD_EINVAL, "%s: expected a finite number, " \
                                      "found %g", what, (double)(v));                           \
    } while (0)
#define CHECK_NONNEG(v, what)                                                                   \
    do {                                                                                        \
        if (!isfinite(v) || (v) < 0)                                                            \
            return fail(err, errlen, JMD_EINVAL, "%s: expected a finite number >= 0, found %g", \
                        what, (double)(v));                                                     \
    } while (0)
#define CHECK_BOOL(v, what)                                                                  \
    do {                                                                                     \
        if ((v) != 0 && (v) != 1)                                                            \
            return fail(err, errlen, JMD_EINVAL, "%s: expected 0 or 1, found %d", what,      \
                        (int)(v));                                                           \
    } while (0)
#define CHECK_COUNT(n, p, what)                                                              \
    do {                                                                                     \
        if ((n) > SEQ_MAX)                                                                   \
            return fail(err, errlen, JMD_EINVAL, "%s: expected at most %u entries, found %zu", \
                        what, SEQ_MAX, (size_t)(n));                                         \
        if ((n) > 0 && !(p))                                                                 \
            return fail(err, errlen, JMD_EINVAL, "%s: %zu entries but no array", what,       \
                        (size_t)(n));                                                        \
    } while (0)

static int check_party(int party, int nparties, const char *what, char *err, size_t errlen)
{
    if (party < 0 || party >= nparties)
        return fail(err, errlen, JMD_EINVAL, "%s: expected a party index 0 .. %d, found %d",
                    what, nparties - 1, party);
    return 0;
}

static int check_step(int64_t step, char *err, size_t errlen)
{
    if (step < 0)
        return fail(err, errlen, JMD_EINVAL, "step: expected >= 0, found %lld", (long long)step);
    return 0;
}

static int check_track_notes(const jmd_fed_track_note *n, size_t cnt, const char *what, char *err,
                             size_t errlen)
{
    CHECK_COUNT(cnt, n, what);
    for (size_t i = 0; i < cnt; i++) {
        if (n[i].track_id < 0 || n[i].last_meas_id < -1)
            return fail(err, errlen, JMD_EINVAL,
                        "%s[%zu]: expected track_id >= 0 and last_meas_id >= -1, found %ld, %ld",
                        what, i, n[i].track_id, n[i].last_meas_id);
    }
    return 0;
}

static int check_done(const jmd_frame_done *f, int nparties, char *err, size_t errlen)
{
    int rc = check_step(f->step, err, errlen);
    if (rc) return rc;
    if ((rc = check_track_notes(f->confirmed, f->nconfirmed, "done.confirmed", err, errlen)))
        return rc;
    if ((rc = check_track_notes(f->warn_sent, f->nwarn_sent, "done.warn_sent", err, errlen)))
        return rc;
    CHECK_COUNT(f->norders, f->orders, "done.orders");
    for (size_t i = 0; i < f->norders; i++) {
        const jmd_fed_order *o = &f->orders[i];
        const jmd_engagement *e = &o->o.e;
        if (e->site < 0 || e->track_id < 0 || o->o.shot_id < 0 || e->salvo < 1 ||
            o->last_meas_id < -1)
            return fail(err, errlen, JMD_EINVAL,
                        "done.orders[%zu]: expected site, track_id, shot_id >= 0, salvo >= 1, "
                        "last_meas_id >= -1, found %d, %d, %d, %d, %ld",
                        i, e->site, e->track_id, o->o.shot_id, e->salvo, o->last_meas_id);
        if (e->doctrine != JMD_SHOT_SLS && e->doctrine != JMD_SHOT_SALVO)
            return fail(err, errlen, JMD_EINVAL,
                        "done.orders[%zu].doctrine: expected %d or %d, found %d", i,
                        JMD_SHOT_SLS, JMD_SHOT_SALVO, e->doctrine);
        CHECK_BOOL(o->o.foreign_data, "done.orders.foreign_data");
        CHECK_BOOL(o->o.consent, "done.orders.consent");
        CHECK_FINITE(e->t_commit, "done.orders.t_commit");
        CHECK_FINITE(e->t_launch, "done.orders.t_launch");
        CHECK_FINITE(e->t_intercept, "done.orders.t_intercept");
        CHECK_FINITE(e->lat, "done.orders.lat");
        CHECK_FINITE(e->lon, "done.orders.lon");
        CHECK_FINITE(e->alt, "done.orders.alt");
        if (!(e->pk >= 0 && e->pk <= 1))
            return fail(err, errlen, JMD_EINVAL, "done.orders[%zu].pk: expected 0 .. 1, found %g",
                        i, e->pk);
    }
    CHECK_COUNT(f->nupdates, f->updates, "done.updates");
    for (size_t i = 0; i < f->nupdates; i++) {
        const jmd_fed_update *u = &f->updates[i];
        if (u->shot_id < 0)
            return fail(err, errlen, JMD_EINVAL,
                        "done.updates[%zu].shot_id: expected >= 0, found %d", i, u->shot_id);
        CHECK_BOOL(u->found, "done.updates.found");
        for (int k = 0; k < 3; k++) CHECK_FINITE(u->r[k], "done.updates.r");
    }
    CHECK_COUNT(f->nwarn_recv, f->warn_recv, "done.warn_recv");
    for (size_t i = 0; i < f->nwarn_recv; i++) {
        const jmd_fed_warn_recv *w = &f->warn_recv[i];
        if ((rc = check_party(w->sender, nparties, "done.warn_recv.sender", err, errlen)))
            return rc;
        if (w->track_id < 0)
            return fail(err, errlen, JMD_EINVAL,
                        "done.warn_recv[%zu].track_id: expected >= 0, found %ld", i, w->track_id);
        CHECK_FINITE(w->t_deliver, "done.warn_recv.t_deliver");
    }
    return 0;
}

static int check_final(const jmd_frame_final *f, char *err, size_t errlen)
{
    const jmd_party_stats *s = &f->stats;
    const int v[] = {s->proposals,     s->approvals,   s->vetoes,        s->timeouts,
                     s->rejected,      s->late,        s->warnings_sent, s->tracks_sent,
                     s->cues_received, s->remote_tracks, s->bad_approvals,
                     s->bad_orders,    s->unsigned_refused};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (v[i] < 0)
            return fail(err, errlen, JMD_EINVAL,
                        "final.stats counter %zu: expected >= 0, found %d", i, v[i]);
    return 0;
}

/* Checks frame f as written by `writer` (a party or JMD_FED_WORLD) to
 * `reader`: the sender and receiver it names must be exactly those. */
static int check_frame(const jmd_frame *f, int writer, int reader, int nparties, int msg_checked,
                       char *err, size_t errlen)
{
    int rc = 0;
    switch (f->kind) {
    case JMD_FRAME_PEER: {
        const jmd_msg *m = &f->u.peer.m;
        char why[200];
        /* msg_checked: the writer encoded m (jmd_dds_write_enc), which
         * applied every rule of jmd_msg_check. */
        if (!msg_checked && jmd_msg_check(m, why, sizeof why))
            return fail(err, errlen, JMD_EINVAL, "peer %s: %s", jmd_msg_kind_name((int)m->kind), why);
        if ((rc = check_party(m->sender, nparties, "peer sender", err, errlen))) return rc;
        if (m->sender != writer)
            return fail(err, errlen, JMD_EINVAL, "peer sender: expected %d, found %d", writer,
                        m->sender);
        if (m->receiver != JMD_MSG_BROADCAST) {
            if ((rc = check_party(m->receiver, nparties, "peer receiver", err, errlen))) return rc;
            if (m->receiver == m->sender)
                return fail(err, errlen, JMD_EINVAL,
                            "peer receiver: expected another party than the sender %d", m->sender);
        }
        if (reader != -1 && m->receiver != JMD_MSG_BROADCAST && m->receiver != reader)
            return fail(err, errlen, JMD_EINVAL, "peer receiver: expected %d or broadcast, found %d",
                        reader, m->receiver);
        CHECK_FINITE(f->u.peer.t_deliver, "peer t_deliver");
        return 0;
    }
    case JMD_FRAME_HELLO:
        if (f->u.hello.last_step < -1)
            return fail(err, errlen, JMD_EINVAL, "hello.last_step: expected >= -1, found %lld",
                        (long long)f->u.hello.last_step);
        return 0;
    case JMD_FRAME_TICK:
        if ((rc = check_step(f->u.tick.step, err, errlen))) return rc;
        CHECK_FINITE(f->u.tick.t, "tick.t");
        CHECK_BOOL(f->u.tick.end, "tick.end");
        if (f->u.tick.model < 0 || f->u.tick.model >= JMD_GOV_NMODELS)
            return fail(err, errlen, JMD_EINVAL, "tick.model: expected 0 .. %d, found %d",
                        JMD_GOV_NMODELS - 1, f->u.tick.model);
        return 0;
    case JMD_FRAME_SCAN: {
        const jmd_frame_scan *s = &f->u.scan;
        if ((rc = check_step(s->step, err, errlen))) return rc;
        if (s->radar < 0 || s->radar >= JMD_MSG_MAX_SITES)
            return fail(err, errlen, JMD_EINVAL, "scan.radar: expected 0 .. %d, found %d",
                        JMD_MSG_MAX_SITES - 1, s->radar);
        CHECK_FINITE(s->t, "scan.t");
        CHECK_COUNT(s->n, s->m, "scan.m");
        for (size_t i = 0; i < s->n; i++) {
            const jmd_measurement *m = &s->m[i];
            if (m->meas_id < 0 || m->sensor < 0)
                return fail(err, errlen, JMD_EINVAL,
                            "scan.m[%zu]: expected meas_id >= 0 and sensor >= 0, found %ld, %d", i,
                            m->meas_id, m->sensor);
            CHECK_FINITE(m->t, "scan.m.t");
            CHECK_NONNEG(m->range, "scan.m.range");
            CHECK_FINITE(m->az, "scan.m.az");
            CHECK_FINITE(m->el, "scan.m.el");
            CHECK_NONNEG(m->snr, "scan.m.snr");
        }
        return 0;
    }
    case JMD_FRAME_CUE: {
        const jmd_launch_report *r = &f->u.cue.r;
        if ((rc = check_step(f->u.cue.step, err, errlen))) return rc;
        if (r->sensor < 0)
            return fail(err, errlen, JMD_EINVAL, "cue.sensor: expected >= 0, found %d", r->sensor);
        CHECK_FINITE(r->t, "cue.t");
        CHECK_FINITE(r->t_launch, "cue.t_launch");
        CHECK_FINITE(r->lat, "cue.lat");
        CHECK_FINITE(r->lon, "cue.lon");
        CHECK_FINITE(r->azimuth, "cue.azimuth");
        CHECK_NONNEG(r->sigma_pos, "cue.sigma_pos");
        CHECK_NONNEG(r->sigma_t, "cue.sigma_t");
        CHECK_NONNEG(r->sigma_az, "cue.sigma_az");
        return 0;
    }
    case JMD_FRAME_ASSESS:
        if ((rc = check_step(f->u.assess.step, err, errlen))) return rc;
        if (f->u.assess.shot_id < 0)
            return fail(err, errlen, JMD_EINVAL, "assess.shot_id: expected >= 0, found %d",
                        f->u.assess.shot_id);
        CHECK_BOOL(f->u.assess.killed, "assess.killed");
        return 0;
    case JMD_FRAME_DONE:
        return check_done(&f->u.done, nparties, err, errlen);
    case JMD_FRAME_FINAL:
        return check_final(&f->u.final, err, errlen);
    }
    return fail(err, errlen, JMD_EINVAL, "frame kind: expected 1 .. %d, found %d",
                JMD_FRAME_KIND_MAX, (int)f->kind);
}

/* The party a lockstep frame names (its receiver for a world frame, its
 * sender for a node report); -1 for a PEER frame. */
static int frame_party(const jmd_frame *f)
{
    switch (f->kind) {
    case JMD_FRAME_HELLO: return f->u.hello.party;
    case JMD_FRAME_TICK: return f->u.tick.party;
    case JMD_FRAME_SCAN: return f->u.scan.party;
    case JMD_FRAME_CUE: return f->u.cue.party;
    case JMD_FRAME_ASSESS: return f->u.assess.party;
    case JMD_FRAME_DONE: return f->u.done.party;
    case JMD_FRAME_FINAL: return f->u.final.party;
    default: return -1;
    }
}

static void frame_party_set(jmd_frame *f, int party)
{
    switch (f->kind) {
    case JMD_FRAME_HELLO: f->u.hello.party = party; break;
    case JMD_FRAME_TICK: f->u.tick.party = party; break;
    case JMD_FRAME_SCAN: f->u.scan.party = party; break;
    case JMD_FRAME_CUE: f->u.cue.party = party; break;
    case JMD_FRAME_ASSESS: f->u.assess.party = party; break;
    case JMD_FRAME_DONE: f->u.done.party = party; break;
    case JMD_FRAME_FINAL: f->u.final.party = party; break;
    default: break;
    }
}

/* ---- conversion: frame -> sample (output) --------------------------------
 * Samples point into `scratch` (a copy of the message, arrays made for the
 * sequences); nothing in them is freed by Cyclone (_release false). */

typedef union {
    jmd_Measurement measurement;
    jmd_LaunchWarning warning;
    jmd_Track track;
    jmd_Proposal proposal;
    jmd_Vote vote;
    jmd_LaunchOrder order;
    jmd_Outcome outcome;
    jmd_Checkpoint checkpoint;
    jmd_Hello hello;
    jmd_Tick tick;
    jmd_Scan scan;
    jmd_Cue cue;
    jmd_Assess assess;
    jmd_Done done;
    jmd_Final final;
} sample_u;

typedef struct {
    jmd_msg m;                                     /* the PEER message, copied */
    jmd_Approval approvals[JMD_MSG_MAX_PARTIES];
    void *heap[5];                                 /* DONE / SCAN arrays, freed after the write */
} scratch;

/* The PEER messages of one (receiver, kind) waiting for their batch: each
 * with the scratch its sample points into, and the batch's array. */
typedef struct pending {
    int n, cap;         /* queued; room in the arrays (grows to BATCH_MAX) */
    scratch *sc;
    double *t_deliver;
    unsigned char *arr; /* cap items of the kind's type, plus a sample_u of slack */
} pending;

static void pending_free(pending *p)
{
    if (!p) return;
    free(p->sc);
    free(p->t_deliver);
    free(p->arr);
    free(p);
}

/* Room for one more message: the arrays grow by doubling, from 8 to
 * BATCH_MAX, so a (receiver, kind) that carries a few messages per flush
 * holds a few kB, not a full batch's ~400 kB. Nothing points into them
 * between writes (samples are made at send time), so they may move. */
static int pending_room(pending *p, size_t item_size)
{
    if (p->n < p->cap) return 0;
    int cap = p->cap ? 2 * p->cap : 8;
    if (cap > BATCH_MAX) cap = BATCH_MAX;
    scratch *sc = realloc(p->sc, (size_t)cap * sizeof *sc);
    if (!sc) return JMD_ENOMEM;
    p->sc = sc;
    double *td = realloc(p->t_deliver, (size_t)cap * sizeof *td);
    if (!td) return JMD_ENOMEM;
    p->t_deliver = td;
    unsigned char *arr = realloc(p->arr, (size_t)cap * item_size + sizeof(sample_u));
    if (!arr) return JMD_ENOMEM;
    p->arr = arr;
    p->cap = cap;
    return 0;
}

#define SEQ_SET(seq, buf, n)                                                       \
    do {                                                                           \
        (seq)._maximum = (seq)._length = (uint32_t)(n);                            \
        (seq)._buffer = (buf);                                                     \
        (seq)._release = false;                                                    \
    } while (0)

static void env_out(jmd_msg *m, double t_deliver, jmd_Envelope *e)
{
    e->sender = m->sender;
    e->receiver = m->receiver;
    e->seq = m->seq;
    e->t = m->t;
    e->t_deliver = t_deliver;
    e->auth_scheme = m->auth.scheme;
    SEQ_SET(e->auth, m->auth.bytes, m->auth.len); /* len <= 64: jmd_msg_check passed */
}

static void peer_out(scratch *sc, double t_deliver, sample_u *s)
{
    jmd_msg *m = &sc->m;
    switch (m->kind) {
    case JMD_MSG_MEASUREMENT: {
        const jmd_msg_measurement *p = &m->u.measurement;
        env_out(m, t_deliver, &s->measurement.env);
        s->measurement.radar = p->radar;
        s->measurement.t = p->t;
        s->measurement.range = p->range;
        s->measurement.az = p->az;
        s->measurement.el = p->el;
        break;
    }
    case JMD_MSG_LAUNCH_WARNING: {
        const jmd_msg_launch_warning *p = &m->u.warning;
        jmd_LaunchWarning *w = &s->warning;
        env_out(m, t_deliver, &w->env);
        w->track_id = p->track_id;
        w->flags = p->flags;
        w->t_launch = p->t_launch;
        w->launch_lat = p->launch_lat;
        w->launch_lon = p->launch_lon;
        w->azimuth = p->azimuth;
        w->impact_lat = p->impact_lat;
        w->impact_lon = p->impact_lon;
        w->t_impact = p->t_impact;
        w->sigma_launch_pos = p->sigma_launch_pos;
        w->sigma_t_launch = p->sigma_t_launch;
        w->sigma_az = p->sigma_az;
        w->sigma_impact_pos = p->sigma_impact_pos;
        w->sigma_t_impact = p->sigma_t_impact;
        break;
    }
    case JMD_MSG_TRACK: {
        const jmd_msg_track *p = &m->u.track;
        env_out(m, t_deliver, &s->track.env);
        s->track.track_id = p->track_id;
        s->track.status = p->status;
        s->track.t = p->t;
        memcpy(s->track.x, p->x, sizeof s->track.x);
        memcpy(s->track.P, p->P, sizeof s->track.P);
        s->track.precision = p->precision;
        break;
    }
    case JMD_MSG_PROPOSAL: {
        const jmd_msg_proposal *p = &m->u.proposal;
        jmd_Proposal *q = &s->proposal;
        env_out(m, t_deliver, &q->env);
        q->proposal_id = p->proposal_id;
        q->proposer = p->proposer;
        q->track_id = p->track_id;
        q->site = p->site;
        q->t_commit = p->t_commit;
        q->t_launch = p->t_launch;
        q->t_intercept = p->t_intercept;
        q->icpt_lat = p->icpt_lat;
        q->icpt_lon = p->icpt_lon;
        q->icpt_alt = p->icpt_alt;
        q->asset = p->asset;
        q->value = p->value;
        break;
    }
    case JMD_MSG_VOTE: {
        jmd_msg_vote *p = &m->u.vote;
        env_out(m, t_deliver, &s->vote.env);
        s->vote.proposal_id = p->proposal_id;
        s->vote.voter = p->voter;
        s->vote.approve = p->approve;
        s->vote.t_decision = p->t_decision;
        SEQ_SET(s->vote.sig, p->sig, p->sig_len);
        break;
    }
    case JMD_MSG_LAUNCH_ORDER: {
        jmd_msg_launch_order *p = &m->u.order;
        env_out(m, t_deliver, &s->order.env);
        s->order.proposal_id = p->proposal_id;
        s->order.track_id = p->track_id;
        s->order.site = p->site;
        s->order.t_launch = p->t_launch;
        s->order.t_intercept = p->t_intercept;
        for (unsigned k = 0; k < p->napprovals; k++) {
            sc->approvals[k].party = p->approvals[k].party;
            SEQ_SET(sc->approvals[k].sig, p->approvals[k].sig, p->approvals[k].sig_len);
        }
        SEQ_SET(s->order.approvals, sc->approvals, p->napprovals);
        break;
    }
    case JMD_MSG_OUTCOME: {
        const jmd_msg_outcome *p = &m->u.outcome;
        env_out(m, t_deliver, &s->outcome.env);
        s->outcome.shot_id = p->shot_id;
        s->outcome.track_id = p->track_id;
        s->outcome.site = p->site;
        s->outcome.killed = p->killed;
        s->outcome.t_intercept = p->t_intercept;
        break;
    }
    case JMD_MSG_CHECKPOINT: {
        jmd_msg_checkpoint *p = &m->u.checkpoint;
        env_out(m, t_deliver, &s->checkpoint.env);
        s->checkpoint.log_size = p->log_size;
        memcpy(s->checkpoint.root, p->root, sizeof s->checkpoint.root);
        s->checkpoint.origin = p->origin;
        s->checkpoint.prev_size = p->prev_size;
        SEQ_SET(s->checkpoint.proof, p->proof, p->nproof);
        break;
    }
    }
}

static void note_out(const jmd_fed_track_note *n, size_t cnt, jmd_TrackNote *o)
{
    for (size_t i = 0; i < cnt; i++) {
        o[i].track_id = n[i].track_id;
        o[i].last_meas_id = n[i].last_meas_id;
    }
}

/* Fills the sample of lockstep frame f; JMD_ENOMEM. */
static int frame_out(const jmd_frame *f, scratch *sc, sample_u *s)
{
    switch (f->kind) {
    case JMD_FRAME_HELLO:
        s->hello.party = f->u.hello.party;
        s->hello.last_step = f->u.hello.last_step;
        s->hello.incarnation = f->u.hello.incarnation;
        return 0;
    case JMD_FRAME_TICK: {
        const jmd_frame_tick *t = &f->u.tick;
        s->tick.party = t->party;
        s->tick.step = t->step;
        s->tick.t = t->t;
        s->tick.nassess = t->nassess;
        s->tick.ncue = t->ncue;
        s->tick.nscan = t->nscan;
        memcpy(s->tick.expect, t->expect, sizeof s->tick.expect);
        s->tick.end_of_run = t->end != 0;
        s->tick.seed = t->seed;
        s->tick.model = t->model;
        return 0;
    }
    case JMD_FRAME_SCAN: {
        const jmd_frame_scan *c = &f->u.scan;
        jmd_Detection *det = NULL;
        if (c->n > 0 && !(det = sc->heap[0] = malloc(c->n * sizeof *det))) return JMD_ENOMEM;
        for (size_t i = 0; i < c->n; i++) {
            det[i].meas_id = c->m[i].meas_id;
            det[i].sensor = c->m[i].sensor;
            det[i].t = c->m[i].t;
            det[i].range = c->m[i].range;
            det[i].az = c->m[i].az;
            det[i].el = c->m[i].el;
            det[i].snr = c->m[i].snr;
        }
        s->scan.party = c->party;
        s->scan.step = c->step;
        s->scan.index = c->index;
        s->scan.radar = c->radar;
        s->scan.t = c->t;
        SEQ_SET(s->scan.m, det, c->n);
        return 0;
    }
    case JMD_FRAME_CUE: {
        const jmd_launch_report *r = &f->u.cue.r;
        s->cue.party = f->u.cue.party;
        s->cue.step = f->u.cue.step;
        s->cue.index = f->u.cue.index;
        s->cue.t = r->t;
        s->cue.sensor = r->sensor;
        s->cue.t_launch = r->t_launch;
        s->cue.lat = r->lat;
        s->cue.lon = r->lon;
        s->cue.azimuth = r->azimuth;
        s->cue.sigma_pos = r->sigma_pos;
        s->cue.sigma_t = r->sigma_t;
        s->cue.sigma_az = r->sigma_az;
        return 0;
    }
    case JMD_FRAME_ASSESS:
        s->assess.party = f->u.assess.party;
        s->assess.step = f->u.assess.step;
        s->assess.index = f->u.assess.index;
        s->assess.shot_id = f->u.assess.shot_id;
        s->assess.killed = f->u.assess.killed != 0;
        return 0;
    case JMD_FRAME_DONE: {
        const jmd_frame_done *d = &f->u.done;
        jmd_TrackNote *conf = NULL, *ws = NULL;
        jmd_Order *ord = NULL;
        jmd_Update *upd = NULL;
        jmd_WarnRecv *wr = NULL;
        if ((d->nconfirmed && !(conf = sc->heap[0] = malloc(d->nconfirmed * sizeof *conf))) ||
            (d->norders && !(ord = sc->heap[1] = malloc(d->norders * sizeof *ord))) ||
            (d->nupdates && !(upd = sc->heap[2] = malloc(d->nupdates * sizeof *upd))) ||
            (d->nwarn_sent && !(ws = sc->heap[3] = malloc(d->nwarn_sent * sizeof *ws))) ||
            (d->nwarn_recv && !(wr = sc->heap[4] = malloc(d->nwarn_recv * sizeof *wr))))
            return JMD_ENOMEM;
        note_out(d->confirmed, d->nconfirmed, conf);
        note_out(d->warn_sent, d->nwarn_sent, ws);
        for (size_t i = 0; i < d->norders; i++) {
            const jmd_fed_order *o = &d->orders[i];
            const jmd_engagement *e = &o->o.e;
            ord[i].e.site = e->site;
            ord[i].e.track_id = e->track_id;
            ord[i].e.doctrine = e->doctrine;
            ord[i].e.salvo = e->salvo;
            ord[i].e.t_commit = e->t_commit;
            ord[i].e.t_launch = e->t_launch;
            ord[i].e.t_intercept = e->t_intercept;
            ord[i].e.lat = e->lat;
            ord[i].e.lon = e->lon;
            ord[i].e.alt = e->alt;
            ord[i].e.pk = e->pk;
            ord[i].shot_id = o->o.shot_id;
            ord[i].foreign_data = o->o.foreign_data != 0;
            ord[i].consent = o->o.consent != 0;
            ord[i].last_meas_id = o->last_meas_id;
        }
        for (size_t i = 0; i < d->nupdates; i++) {
            upd[i].shot_id = d->updates[i].shot_id;
            upd[i].found = d->updates[i].found != 0;
            memcpy(upd[i].r, d->updates[i].r, sizeof upd[i].r);
        }
        for (size_t i = 0; i < d->nwarn_recv; i++) {
            wr[i].sender = d->warn_recv[i].sender;
            wr[i].track_id = d->warn_recv[i].track_id;
            wr[i].t_deliver = d->warn_recv[i].t_deliver;
        }
        s->done.party = d->party;
        s->done.step = d->step;
        memcpy(s->done.sent, d->sent, sizeof s->done.sent);
        SEQ_SET(s->done.confirmed, conf, d->nconfirmed);
        SEQ_SET(s->done.orders, ord, d->norders);
        SEQ_SET(s->done.updates, upd, d->nupdates);
        SEQ_SET(s->done.warn_sent, ws, d->nwarn_sent);
        SEQ_SET(s->done.warn_recv, wr, d->nwarn_recv);
        s->done.rejected = d->rejected;
        return 0;
    }
    case JMD_FRAME_FINAL: {
        const jmd_frame_final *x = &f->u.final;
        const jmd_party_stats *st = &x->stats;
        s->final.party = x->party;
        s->final.stats.proposals = st->proposals;
        s->final.stats.approvals = st->approvals;
        s->final.stats.vetoes = st->vetoes;
        s->final.stats.timeouts = st->timeouts;
        s->final.stats.rejected = st->rejected;
        s->final.stats.late = st->late;
        s->final.stats.warnings_sent = st->warnings_sent;
        s->final.stats.tracks_sent = st->tracks_sent;
        s->final.stats.cues_received = st->cues_received;
        s->final.stats.remote_tracks = st->remote_tracks;
        s->final.stats.bad_approvals = st->bad_approvals;
        s->final.stats.bad_orders = st->bad_orders;
        s->final.stats.unsigned_refused = st->unsigned_refused;
        memcpy(s->final.msgs, x->msgs, sizeof s->final.msgs);
        memcpy(s->final.bytes, x->bytes, sizeof s->final.bytes);
        memcpy(s->final.by_kind, x->by_kind, sizeof s->final.by_kind);
        s->final.rejected = x->rejected;
        memcpy(s->final.log_root, x->log_root, sizeof s->final.log_root);
        s->final.log_size = x->log_size;
        return 0;
    }
    default:
        return JMD_EINVAL; /* PEER goes through peer_out */
    }
}

/* ---- conversion: sample -> frame (input, untrusted) ----------------------
 * Structural checks only (sequence lengths against the C arrays); the
 * value rules are check_frame's. Returns 0 or JMD_EPARSE/JMD_ENOMEM with
 * err; arrays allocated into f are f's (jmd_frame_clear). */

static int octets_in(const dds_sequence_octet *s, uint8_t *dst, size_t cap, uint8_t *len,
                     const char *what, char *err, size_t errlen)
{
    if (s->_length > cap || (s->_length > 0 && !s->_buffer))
        return fail(err, errlen, JMD_EPARSE, "%s: expected at most %zu bytes, found %u", what, cap,
                    (unsigned)s->_length);
    if (s->_length) memcpy(dst, s->_buffer, s->_length);
    *len = (uint8_t)s->_length;
    return 0;
}

static int env_in(const jmd_Envelope *e, jmd_msg *m, double *t_deliver, char *err, size_t errlen)
{
    m->sender = e->sender;
    m->receiver = e->receiver;
    m->seq = e->seq;
    m->t = e->t;
    *t_deliver = e->t_deliver;
    m->auth.scheme = e->auth_scheme;
    return octets_in(&e->auth, m->auth.bytes, sizeof m->auth.bytes, &m->auth.len, "peer auth", err,
                     errlen);
}

static int peer_in(int topic, const void *sample, jmd_frame_peer *out, char *err, size_t errlen)
{
    jmd_msg *m = &out->m;
    m->kind = (jmd_msg_kind)(topic + 1);
    switch (m->kind) {
    case JMD_MSG_MEASUREMENT: {
        const jmd_Measurement *s = sample;
        jmd_msg_measurement *p = &m->u.measurement;
        p->radar = s->radar;
        p->t = s->t;
        p->range = s->range;
        p->az = s->az;
        p->el = s->el;
        return env_in(&s->env, m, &out->t_deliver, err, errlen);
    }
    case JMD_MSG_LAUNCH_WARNING: {
        const jmd_LaunchWarning *w = sample;
        jmd_msg_launch_warning *p = &m->u.warning;
        p->track_id = w->track_id;
        p->flags = w->flags;
        p->t_launch = w->t_launch;
        p->launch_lat = w->launch_lat;
        p->launch_lon = w->launch_lon;
        p->azimuth = w->azimuth;
        p->impact_lat = w->impact_lat;
        p->impact_lon = w->impact_lon;
        p->t_impact = w->t_impact;
        p->sigma_launch_pos = w->sigma_launch_pos;
        p->sigma_t_launch = w->sigma_t_launch;
        p->sigma_az = w->sigma_az;
        p->sigma_impact_pos = w->sigma_impact_pos;
        p->sigma_t_impact = w->sigma_t_impact;
        return env_in(&w->env, m, &out->t_deliver, err, errlen);
    }
    case JMD_MSG_TRACK: {
        const jmd_Track *s = sample;
        jmd_msg_track *p = &m->u.track;
        p->track_id = s->track_id;
        p->status = s->status;
        p->t = s->t;
        memcpy(p->x, s->x, sizeof p->x);
        memcpy(p->P, s->P, sizeof p->P);
        p->precision = s->precision;
        return env_in(&s->env, m, &out->t_deliver, err, errlen);
    }
    case JMD_MSG_PROPOSAL: {
        const jmd_Proposal *s = sample;
        jmd_msg_proposal *p = &m->u.proposal;
        p->proposal_id = s->proposal_id;
        p->proposer = s->proposer;
        p->track_id = s->track_id;
        p->site = s->site;
        p->t_commit = s->t_commit;
        p->t_launch = s->t_launch;
        p->t_intercept = s->t_intercept;
        p->icpt_lat = s->icpt_lat;
        p->icpt_lon = s->icpt_lon;
        p->icpt_alt = s->icpt_alt;
        p->asset = s->asset;
        p->value = s->value;
        return env_in(&s->env, m, &out->t_deliver, err, errlen);
    }
    case JMD_MSG_VOTE: {
        const jmd_Vote *s = sample;
        jmd_msg_vote *p = &m->u.vote;
        p->proposal_id = s->proposal_id;
        p->voter = s->voter;
        p->approve = s->approve;
        p->t_decision = s->t_decision;
        int rc = octets_in(&s->sig, p->sig, sizeof p->sig, &p->sig_len, "vote sig", err, errlen);
        if (rc) return rc;
        return env_in(&s->env, m, &out->t_deliver, err, errlen);
    }
    case JMD_MSG_LAUNCH_ORDER: {
        const jmd_LaunchOrder *s = sample;
        jmd_msg_launch_order *p = &m->u.order;
        p->proposal_id = s->proposal_id;
        p->track_id = s->track_id;
        p->site = s->site;
        p->t_launch = s->t_launch;
        p->t_intercept = s->t_intercept;
        if (s->approvals._length > JMD_MSG_MAX_PARTIES ||
            (s->approvals._length > 0 && !s->approvals._buffer))
            return fail(err, errlen, JMD_EPARSE,
                        "launch-order approvals: expected at most %d, found %u",
                        JMD_MSG_MAX_PARTIES, (unsigned)s->approvals._length);
        p->napprovals = (uint8_t)s->approvals._length;
        for (unsigned k = 0; k < p->napprovals; k++) {
            const jmd_Approval *a = &s->approvals._buffer[k];
            p->approvals[k].party = a->party;
            int rc = octets_in(&a->sig, p->approvals[k].sig, sizeof p->approvals[k].sig,
                               &p->approvals[k].sig_len, "launch-order approval sig", err, errlen);
            if (rc) return rc;
        }
        return env_in(&s->env, m, &out->t_deliver, err, errlen);
    }
    case JMD_MSG_OUTCOME: {
        const jmd_Outcome *s = sample;
        jmd_msg_outcome *p = &m->u.outcome;
        p->shot_id = s->shot_id;
        p->track_id = s->track_id;
        p->site = s->site;
        p->killed = s->killed;
        p->t_intercept = s->t_intercept;
        return env_in(&s->env, m, &out->t_deliver, err, errlen);
    }
    case JMD_MSG_CHECKPOINT: {
        const jmd_Checkpoint *s = sample;
        jmd_msg_checkpoint *p = &m->u.checkpoint;
        p->log_size = s->log_size;
        memcpy(p->root, s->root, sizeof p->root);
        p->origin = s->origin;
        p->prev_size = s->prev_size;
        if (s->proof._length > JMD_MSG_CKPT_PROOF_MAX ||
            (s->proof._length > 0 && !s->proof._buffer))
            return fail(err, errlen, JMD_EPARSE, "checkpoint proof: expected at most %d hashes, "
                        "found %u", JMD_MSG_CKPT_PROOF_MAX, (unsigned)s->proof._length);
        p->nproof = (uint8_t)s->proof._length;
        if (p->nproof) memcpy(p->proof, s->proof._buffer, p->nproof * sizeof p->proof[0]);
        return env_in(&s->env, m, &out->t_deliver, err, errlen);
    }
    }
    return fail(err, errlen, JMD_EPARSE, "internal: topic %d is no PEER topic", topic);
}

/* Copies an unbounded sequence's length after checking it; JMD_EPARSE. */
static int seq_len_in(uint32_t len, const void *buf, size_t *n, const char *what, char *err,
                      size_t errlen)
{
    if (len > SEQ_MAX || (len > 0 && !buf))
        return fail(err, errlen, JMD_EPARSE, "%s: expected at most %u entries, found %u", what,
                    SEQ_MAX, (unsigned)len);
    *n = len;
    return 0;
}

#define ALLOC_IN(dst, n)                                                 \
    do {                                                                 \
        if ((n) > 0 && !((dst) = calloc((n), sizeof *(dst)))) return JMD_ENOMEM; \
    } while (0)

static int frame_in(int topic, const void *sample, jmd_frame *f, char *err, size_t errlen)
{
    int rc;
    switch (topic) {
    case T_HELLO: {
        const jmd_Hello *s = sample;
        f->kind = JMD_FRAME_HELLO;
        f->u.hello.party = s->party;
        f->u.hello.last_step = s->last_step;
        f->u.hello.incarnation = s->incarnation;
        return 0;
    }
    case T_TICK: {
        const jmd_Tick *s = sample;
        f->kind = JMD_FRAME_TICK;
        f->u.tick.party = s->party;
        f->u.tick.step = s->step;
        f->u.tick.t = s->t;
        f->u.tick.nassess = s->nassess;
        f->u.tick.ncue = s->ncue;
        f->u.tick.nscan = s->nscan;
        memcpy(f->u.tick.expect, s->expect, sizeof f->u.tick.expect);
        f->u.tick.end = s->end_of_run ? 1 : 0;
        f->u.tick.seed = s->seed;
        f->u.tick.model = s->model;
        return 0;
    }
    case T_SCAN: {
        const jmd_Scan *s = sample;
        jmd_frame_scan *c = &f->u.scan;
        f->kind = JMD_FRAME_SCAN;
        c->party = s->party;
        c->step = s->step;
        c->index = s->index;
        c->radar = s->radar;
        c->t = s->t;
        if ((rc = seq_len_in(s->m._length, s->m._buffer, &c->n, "scan.m", err, errlen))) return rc;
        ALLOC_IN(c->m, c->n);
        for (size_t i = 0; i < c->n; i++) {
            const jmd_Detection *x = &s->m._buffer[i];
            c->m[i].meas_id = x->meas_id;
            c->m[i].sensor = x->sensor;
            c->m[i].t = x->t;
            c->m[i].range = x->range;
            c->m[i].az = x->az;
            c->m[i].el = x->el;
            c->m[i].snr = x->snr;
            c->m[i].truth = -1; /* never on the wire: nodes do not see the truth */
        }
        return 0;
    }
    case T_CUE: {
        const jmd_Cue *s = sample;
        jmd_launch_report *r = &f->u.cue.r;
        f->kind = JMD_FRAME_CUE;
        f->u.cue.party = s->party;
        f->u.cue.step = s->step;
        f->u.cue.index = s->index;
        r->t = s->t;
        r->sensor = s->sensor;
        r->t_launch = s->t_launch;
        r->lat = s->lat;
        r->lon = s->lon;
        r->azimuth = s->azimuth;
        r->sigma_pos = s->sigma_pos;
        r->sigma_t = s->sigma_t;
        r->sigma_az = s->sigma_az;
        r->truth = -1;
        return 0;
    }
    case T_ASSESS: {
        const jmd_Assess *s = sample;
        f->kind = JMD_FRAME_ASSESS;
        f->u.assess.party = s->party;
        f->u.assess.step = s->step;
        f->u.assess.index = s->index;
        f->u.assess.shot_id = s->shot_id;
        f->u.assess.killed = s->killed ? 1 : 0;
        return 0;
    }
    case T_DONE: {
        const jmd_Done *s = sample;
        jmd_frame_done *d = &f->u.done;
        f->kind = JMD_FRAME_DONE;
        d->party = s->party;
        d->step = s->step;
        memcpy(d->sent, s->sent, sizeof d->sent);
        d->rejected = s->rejected;
        if ((rc = seq_len_in(s->confirmed._length, s->confirmed._buffer, &d->nconfirmed,
                             "done.confirmed", err, errlen)) ||
            (rc = seq_len_in(s->orders._length, s->orders._buffer, &d->norders, "done.orders",
                             err, errlen)) ||
            (rc = seq_len_in(s->updates._length, s->updates._buffer, &d->nupdates,
                             "done.updates", err, errlen)) ||
            (rc = seq_len_in(s->warn_sent._length, s->warn_sent._buffer, &d->nwarn_sent,
                             "done.warn_sent", err, errlen)) ||
            (rc = seq_len_in(s->warn_recv._length, s->warn_recv._buffer, &d->nwarn_recv,
                             "done.warn_recv", err, errlen))) {
            /* Counts without arrays would make the frame lie to its clearer. */
            d->nconfirmed = d->norders = d->nupdates = d->nwarn_sent = d->nwarn_recv = 0;
            return rc;
        }
        ALLOC_IN(d->confirmed, d->nconfirmed);
        ALLOC_IN(d->orders, d->norders);
        ALLOC_IN(d->updates, d->nupdates);
        ALLOC_IN(d->warn_sent, d->nwarn_sent);
        ALLOC_IN(d->warn_recv, d->nwarn_recv);
        for (size_t i = 0; i < d->nconfirmed; i++) {
            d->confirmed[i].track_id = s->confirmed._buffer[i].track_id;
            d->confirmed[i].last_meas_id = s->confirmed._buffer[i].last_meas_id;
        }
        for (size_t i = 0; i < d->nwarn_sent; i++) {
            d->warn_sent[i].track_id = s->warn_sent._buffer[i].track_id;
            d->warn_sent[i].last_meas_id = s->warn_sent._buffer[i].last_meas_id;
        }
        for (size_t i = 0; i < d->norders; i++) {
            const jmd_Order *o = &s->orders._buffer[i];
            jmd_fed_order *q = &d->orders[i];
            q->o.e.site = o->e.site;
            q->o.e.track_id = o->e.track_id;
            q->o.e.doctrine = o->e.doctrine;
            q->o.e.salvo = o->e.salvo;
            q->o.e.t_commit = o->e.t_commit;
            q->o.e.t_launch = o->e.t_launch;
            q->o.e.t_intercept = o->e.t_intercept;
            q->o.e.lat = o->e.lat;
            q->o.e.lon = o->e.lon;
            q->o.e.alt = o->e.alt;
            q->o.e.pk = o->e.pk;
            q->o.shot_id = o->shot_id;
            q->o.foreign_data = o->foreign_data ? 1 : 0;
            q->o.consent = o->consent ? 1 : 0;
            q->last_meas_id = o->last_meas_id;
        }
        for (size_t i = 0; i < d->nupdates; i++) {
            d->updates[i].shot_id = s->updates._buffer[i].shot_id;
            d->updates[i].found = s->updates._buffer[i].found ? 1 : 0;
            memcpy(d->updates[i].r, s->updates._buffer[i].r, sizeof d->updates[i].r);
        }
        for (size_t i = 0; i < d->nwarn_recv; i++) {
            d->warn_recv[i].sender = s->warn_recv._buffer[i].sender;
            d->warn_recv[i].track_id = s->warn_recv._buffer[i].track_id;
            d->warn_recv[i].t_deliver = s->warn_recv._buffer[i].t_deliver;
        }
        return 0;
    }
    case T_FINAL: {
        const jmd_Final *s = sample;
        jmd_frame_final *x = &f->u.final;
        jmd_party_stats *st = &x->stats;
        f->kind = JMD_FRAME_FINAL;
        x->party = s->party;
        st->proposals = s->stats.proposals;
        st->approvals = s->stats.approvals;
        st->vetoes = s->stats.vetoes;
        st->timeouts = s->stats.timeouts;
        st->rejected = s->stats.rejected;
        st->late = s->stats.late;
        st->warnings_sent = s->stats.warnings_sent;
        st->tracks_sent = s->stats.tracks_sent;
        st->cues_received = s->stats.cues_received;
        st->remote_tracks = s->stats.remote_tracks;
        st->bad_approvals = s->stats.bad_approvals;
        st->bad_orders = s->stats.bad_orders;
        st->unsigned_refused = s->stats.unsigned_refused;
        memcpy(x->msgs, s->msgs, sizeof x->msgs);
        memcpy(x->bytes, s->bytes, sizeof x->bytes);
        memcpy(x->by_kind, s->by_kind, sizeof x->by_kind);
        x->rejected = s->rejected;
        memcpy(x->log_root, s->log_root, sizeof x->log_root);
        x->log_size = s->log_size;
        return 0;
    }
    }
    return fail(err, errlen, JMD_EPARSE, "internal: topic %d is no lockstep topic", topic);
}

/* ---- open / close -------------------------------------------------------- */

static int check_tag(const char *tag, char *err, size_t errlen)
{
    if (!tag)
        return fail(err, errlen, JMD_EINVAL, "run_tag: expected 1 .. 32 letters, digits, '-' "
                    "or '_', found NULL");
    size_t n = strlen(tag);
    if (n == 0 || n > 32)
        return fail(err, errlen, JMD_EINVAL,
                    "run_tag: expected 1 .. 32 characters, found %zu", n);
    for (size_t i = 0; i < n; i++) {
        char c = tag[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return fail(err, errlen, JMD_EINVAL,
                        "run_tag: expected letters, digits, '-' or '_', found byte 0x%02x at %zu",
                        (unsigned)(unsigned char)c, i);
    }
    return 0;
}

static dds_qos_t *make_qos(int32_t depth)
{
    dds_qos_t *q = dds_create_qos();
    if (!q) return NULL;
    dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_SECS(WRITE_BLOCK_S));
    dds_qset_history(q, DDS_HISTORY_KEEP_ALL, 0);
    dds_qset_durability(q, DDS_DURABILITY_TRANSIENT_LOCAL);
    /* The writer keeps for late joiners what its durability service says
     * (Cyclone's default: the last sample only); unacknowledged samples are
     * kept whatever it says (keep-all history). */
    dds_qset_durability_service(q, 0, DDS_HISTORY_KEEP_LAST, depth,
                                DDS_LENGTH_UNLIMITED, DDS_LENGTH_UNLIMITED,
                                DDS_LENGTH_UNLIMITED);
    dds_qset_resource_limits(q, DDS_LENGTH_UNLIMITED, DDS_LENGTH_UNLIMITED, DDS_LENGTH_UNLIMITED);
    /* One writer per (topic, receiver) is the only writer of its samples:
     * destination order by reception keeps the writer's order. */
    return q;
}

static dds_entity_t make_group(dds_entity_t pp, int publisher, const char *partition)
{
    dds_qos_t *q = dds_create_qos();
    if (!q) return DDS_RETCODE_OUT_OF_RESOURCES;
    dds_qset_partition1(q, partition);
    dds_entity_t e = publisher ? dds_create_publisher(pp, q, NULL)
                               : dds_create_subscriber(pp, q, NULL);
    dds_delete_qos(q);
    return e;
}

static void dest_partition(const jmd_dds *d, int dest, char *buf, size_t n)
{
    if (dest == d->nparties) snprintf(buf, n, "jmd.world");
    else snprintf(buf, n, "jmd.p%d", dest);
}

int jmd_dds_open(uint32_t domain, int self, int nparties, const char *run_tag, jmd_dds **out,
                 char *err, size_t errlen)
{
    int rc = 0;
    dds_qos_t *qos = NULL, *qos_peer = NULL;
    jmd_dds *d = NULL;
    dds_entity_t topics[NTOPIC] = {0};
    int have_domain = 0;
    char name[128], part[32];

    if (err && errlen) err[0] = '\0';
    if (!out) return fail(err, errlen, JMD_EINVAL, "out: expected a pointer, found NULL");
    *out = NULL;
    if (domain > JMD_FED_DOMAIN_MAX)
        return fail(err, errlen, JMD_EINVAL, "domain: expected 0 .. %d, found %u",
                    JMD_FED_DOMAIN_MAX, (unsigned)domain);
    if (nparties < 1 || nparties > JMD_MSG_MAX_PARTIES)
        return fail(err, errlen, JMD_EINVAL, "nparties: expected 1 .. %d, found %d",
                    JMD_MSG_MAX_PARTIES, nparties);
    if (self != JMD_FED_WORLD && (self < 0 || self >= nparties))
        return fail(err, errlen, JMD_EINVAL,
                    "self: expected a party index 0 .. %d or JMD_FED_WORLD (%d), found %d",
                    nparties - 1, JMD_FED_WORLD, self);
    if ((rc = check_tag(run_tag, err, errlen))) return rc;

    if (!(d = calloc(1, sizeof *d))) return fail(err, errlen, JMD_ENOMEM, "out of memory");
    if (pthread_mutex_init(&d->flush_lock, NULL)) {
        free(d);
        return fail(err, errlen, JMD_ENOMEM, "out of memory (mutex)");
    }
    if (pthread_cond_init(&d->flush_cond, NULL)) {
        pthread_mutex_destroy(&d->flush_lock);
        free(d);
        return fail(err, errlen, JMD_ENOMEM, "out of memory (condition variable)");
    }
    d->domain_id = domain;
    d->self = self;
    d->nparties = nparties;
    if (!(qos = make_qos(HISTORY_DEPTH)) || !(qos_peer = make_qos(PEER_HISTORY_DEPTH))) {
        rc = fail(err, errlen, JMD_ENOMEM, "out of memory (QoS)");
        goto fail;
    }
    if ((rc = domain_acquire(domain, err, errlen))) goto fail;
    have_domain = 1;

    /* The domain exists (with our configuration) before the participant,
     * so the participant never falls back to the environment's. */
    d->participant = dds_create_participant(domain, NULL, NULL);
    if (d->participant < 0) {
        rc = fail(err, errlen, JMD_EIO, "DDS domain %u: cannot create the participant: %s",
                  (unsigned)domain, dds_strretcode(d->participant));
        goto fail;
    }
    for (int t = 0; t < NTOPIC; t++) {
        snprintf(name, sizeof name, "jmd_%s_%s", run_tag, topic_info[t].name);
        topics[t] = dds_create_topic(d->participant, topic_info[t].desc, name, qos, NULL);
        if (topics[t] < 0) {
            rc = fail(err, errlen, JMD_EIO, "DDS topic %s: %s", name, dds_strretcode(topics[t]));
            goto fail;
        }
    }

    /* Writers: a world writes the four world frames to every node; a node
     * writes its reports to the world and PEER messages to every other
     * party, each receiver in its own partition. */
    for (int dest = 0; dest <= nparties; dest++) {
        int world_dest = dest == nparties;
        if (dest == self || (self == JMD_FED_WORLD && world_dest)) continue;
        dest_partition(d, dest, part, sizeof part);
        dds_entity_t pub = make_group(d->participant, 1, part);
        if (pub < 0) {
            rc = fail(err, errlen, JMD_EIO, "DDS publisher %s: %s", part, dds_strretcode(pub));
            goto fail;
        }
        for (int t = 0; t < NTOPIC; t++) {
            int writes = self == JMD_FED_WORLD ? is_world_frame(t)
                                               : (world_dest ? is_node_report(t) : t < T_HELLO);
            if (!writes) continue;
            d->wr[dest][t] =
                dds_create_writer(pub, topics[t], t < T_HELLO ? qos_peer : qos, NULL);
            if (d->wr[dest][t] < 0) {
                rc = fail(err, errlen, JMD_EIO, "DDS writer %s in %s: %s", topic_info[t].name,
                          part, dds_strretcode(d->wr[dest][t]));
                d->wr[dest][t] = 0;
                goto fail;
            }
        }
    }

    /* Readers: in this participant's own partition only. */
    dest_partition(d, self == JMD_FED_WORLD ? nparties : self, part, sizeof part);
    dds_entity_t sub = make_group(d->participant, 0, part);
    if (sub < 0) {
        rc = fail(err, errlen, JMD_EIO, "DDS subscriber %s: %s", part, dds_strretcode(sub));
        goto fail;
    }
    d->waitset = dds_create_waitset(d->participant);
    if (d->waitset < 0) {
        rc = fail(err, errlen, JMD_EIO, "DDS waitset: %s", dds_strretcode(d->waitset));
        goto fail;
    }
    for (int t = 0; t < NTOPIC; t++) {
        int reads = self == JMD_FED_WORLD ? is_node_report(t) : (t < T_HELLO || is_world_frame(t));
        if (!reads) continue;
        d->rd[t] = dds_create_reader(sub, topics[t], qos, NULL);
        if (d->rd[t] < 0) {
            rc = fail(err, errlen, JMD_EIO, "DDS reader %s in %s: %s", topic_info[t].name, part,
                      dds_strretcode(d->rd[t]));
            d->rd[t] = 0;
            goto fail;
        }
        dds_entity_t cond = dds_create_readcondition(d->rd[t], DDS_ANY_STATE);
        dds_return_t ret = cond < 0 ? cond : dds_waitset_attach(d->waitset, cond, t);
        if (ret < 0) {
            rc = fail(err, errlen, JMD_EIO, "DDS read condition %s: %s", topic_info[t].name,
                      dds_strretcode(ret));
            goto fail;
        }
    }
    if (pthread_create(&d->flusher, NULL, flusher_main, d)) {
        rc = fail(err, errlen, JMD_ENOMEM, "cannot start the write flusher thread");
        goto fail;
    }
    d->flusher_running = 1;
    dds_delete_qos(qos);
    dds_delete_qos(qos_peer);
    *out = d;
    return 0;

fail:
    /* Deleting the participant deletes everything created under it. */
    if (d->participant > 0) dds_delete(d->participant);
    if (have_domain) domain_release(domain);
    dds_delete_qos(qos);
    dds_delete_qos(qos_peer);
    pthread_cond_destroy(&d->flush_cond);
    pthread_mutex_destroy(&d->flush_lock);
    free(d);
    return rc;
}

void jmd_dds_close(jmd_dds *d)
{
    if (!d) return;
    if (d->flusher_running) {
        pthread_mutex_lock(&d->flush_lock);
        d->flusher_stop = 1;
        pthread_cond_signal(&d->flush_cond);
        pthread_mutex_unlock(&d->flush_lock);
        pthread_join(d->flusher, NULL);
    }
    flush_all(d);
    dds_time_t deadline = dds_time() + DDS_MSECS(CLOSE_ACK_MS);
    for (int dest = 0; dest <= d->nparties; dest++)
        for (int t = 0; t < NTOPIC; t++) {
            if (!d->wr[dest][t]) continue;
            dds_duration_t left = deadline - dds_time();
            /* A timeout only means a reader went away unacknowledged. */
            (void)dds_wait_for_acks(d->wr[dest][t], left > 0 ? left : 0);
        }
    for (int t = 0; t < NTOPIC; t++)
        if (d->batch[t].n) dds_return_loan(d->rd[t], d->batch[t].buf, d->batch[t].n);
    dds_delete(d->participant);
    domain_release(d->domain_id);
    for (int q = 0; q < JMD_MSG_MAX_PARTIES; q++)
        for (int t = 0; t < JMD_MSG_KIND_MAX; t++)
            pending_free(d->pend[q][t]);
    pthread_cond_destroy(&d->flush_cond);
    pthread_mutex_destroy(&d->flush_lock);
    free(d);
}

const char *jmd_dds_last_error(const jmd_dds *d)
{
    return d ? d->err : "";
}

/* ---- write ---------------------------------------------------------------- */

/* Converts the pending messages of (di, topic) into their batch and writes
 * it (Cyclone serialises it before dds_write returns, so the buffers are
 * free again at once); flush_lock held. On failure the message goes to
 * err. */
static int send_batch_locked(jmd_dds *d, int di, int topic, char *err, size_t errlen)
{
    pending *p = d->pend[di][topic];
    if (!p || p->n == 0) return 0;
    size_t isz = topic_info[topic].item_size;
    for (int i = 0; i < p->n; i++) {
        /* arr has a sample_u of slack after the last item, so a slot seen
         * as the union stays inside the allocation */
        sample_u *slot = (sample_u *)(void *)(p->arr + (size_t)i * isz);
        memset(slot, 0, isz);
        peer_out(&p->sc[i], p->t_deliver[i], slot);
    }
    any_batch b = {(uint32_t)p->n, (uint32_t)p->n, p->arr, false};
    int n = p->n;
    p->n = 0;
    dds_return_t ret = d->fail_batches ? DDS_RETCODE_ERROR : dds_write(d->wr[di][topic], &b);
    if (ret == DDS_RETCODE_TIMEOUT)
        return fail(err, errlen, JMD_EIO,
                    "write %s (%d messages): the reliable queue stayed full for %d s (receiver "
                    "not taking)",
                    topic_info[topic].name, n, WRITE_BLOCK_S);
    if (ret < 0)
        return fail(err, errlen, JMD_EIO, "write %s (%d messages): %s", topic_info[topic].name,
                    n, dds_strretcode(ret));
    return 0;
}

/* Marks (di, topic) for the next flush; flush_lock held. */
static void mark_dirty_locked(jmd_dds *d, int di, int topic)
{
    if (d->is_dirty[di][topic]) return;
    d->is_dirty[di][topic] = 1;
    d->dirty[d->ndirty++] = di * NTOPIC + topic;
    if (d->ndirty == 1) pthread_cond_signal(&d->flush_cond);
}

/* Sends the pending batches and packets of every writer written since the
 * last flush; flush_lock held. The first failure is returned (its message
 * in err); the other writers are still flushed. */
static int flush_locked(jmd_dds *d, char *err, size_t errlen)
{
    int rc = 0;
    for (int i = 0; i < d->ndirty; i++) {
        int di = d->dirty[i] / NTOPIC, t = d->dirty[i] % NTOPIC;
        if (t < T_HELLO) {
            int r = send_batch_locked(d, di, t, rc ? NULL : err, rc ? 0 : errlen);
            if (!rc) rc = r;
        }
        dds_write_flush(d->wr[di][t]);
    }
    if (d->ndirty) memset(d->is_dirty, 0, sizeof d->is_dirty);
    d->ndirty = 0;
    return rc;
}

/* In the caller's thread: flushes, and reports a failure of the flusher
 * thread's since the last call as well as its own. */
static int flush_all(jmd_dds *d)
{
    pthread_mutex_lock(&d->flush_lock);
    /* The flusher's failure first: it is the older one, likely the cause. */
    int rc = d->deferred_rc;
    if (rc) snprintf(d->err, sizeof d->err, "%s", d->deferred_err);
    d->deferred_rc = 0;
    int r = flush_locked(d, rc ? NULL : d->err, rc ? 0 : sizeof d->err);
    if (!rc) rc = r;
    pthread_mutex_unlock(&d->flush_lock);
    return rc;
}

int jmd_dds_flush(jmd_dds *d)
{
    if (!d) return 0;
    d->err[0] = '\0';
    return flush_all(d);
}

/* The flusher: asleep while nothing is pending; after the first write of a
 * burst, waits FLUSH_DELAY_US for the burst to gather, then flushes. */
static void *flusher_main(void *arg)
{
    jmd_dds *d = arg;
    pthread_mutex_lock(&d->flush_lock);
    while (!d->flusher_stop) {
        if (d->ndirty == 0) {
            pthread_cond_wait(&d->flush_cond, &d->flush_lock);
            continue;
        }
        pthread_mutex_unlock(&d->flush_lock);
        dds_sleepfor(DDS_USECS(FLUSH_DELAY_US));
        pthread_mutex_lock(&d->flush_lock);
        char err[ERR_MAX];
        int rc = flush_locked(d, err, sizeof err);
        if (rc && !d->deferred_rc) {
            d->deferred_rc = rc;
            snprintf(d->deferred_err, sizeof d->deferred_err, "%s", err);
        }
    }
    pthread_mutex_unlock(&d->flush_lock);
    return NULL;
}

/* Writes sample s on writer wr[di][topic] and marks the writer for the
 * next flush (after the write, so a flush in between cannot miss it). */
static int write_sample(jmd_dds *d, int di, int topic, const void *s, const char *what)
{
    dds_entity_t w = d->wr[di][topic];
    dds_return_t ret;
    pthread_mutex_lock(&d->flush_lock);
    if (topic < T_HELLO) {
        /* A single PEER message (jmd_dds__write_raw): a batch of one, after
         * what is pending on its writer (one writer, one order). */
        int rc = send_batch_locked(d, di, topic, d->err, sizeof d->err);
        if (rc) {
            pthread_mutex_unlock(&d->flush_lock);
            return rc;
        }
        any_batch b = {1, 1, (void *)(uintptr_t)s, false};
        ret = dds_write(w, &b);
    } else {
        ret = dds_write(w, s);
    }
    mark_dirty_locked(d, di, topic);
    pthread_mutex_unlock(&d->flush_lock);
    if (ret == DDS_RETCODE_TIMEOUT)
        return fail(d->err, sizeof d->err, JMD_EIO,
                    "write %s: the reliable queue stayed full for %d s (receiver not taking)",
                    what, WRITE_BLOCK_S);
    if (ret < 0)
        return fail(d->err, sizeof d->err, JMD_EIO, "write %s: %s", what, dds_strretcode(ret));
    return 0;
}

/* Queues PEER message m for receiver di on its kind's writer, sending the
 * batch when it is full (else the next flush sends it). */
static int queue_peer(jmd_dds *d, int di, int topic, const jmd_msg *m, double t_deliver)
{
    int rc = 0;
    pthread_mutex_lock(&d->flush_lock);
    pending *p = d->pend[di][topic];
    if (!p && (p = d->pend[di][topic] = calloc(1, sizeof *p)) == NULL) {
        rc = fail(d->err, sizeof d->err, JMD_ENOMEM, "out of memory (batch)");
        goto out;
    }
    if (pending_room(p, topic_info[topic].item_size) != 0) {
        rc = fail(d->err, sizeof d->err, JMD_ENOMEM, "out of memory (batch)");
        goto out;
    }
    p->sc[p->n].m = *m;
    p->t_deliver[p->n] = t_deliver;
    p->n++;
    mark_dirty_locked(d, di, topic);
    if (p->n == BATCH_MAX) rc = send_batch_locked(d, di, topic, d->err, sizeof d->err);
out:
    pthread_mutex_unlock(&d->flush_lock);
    return rc;
}

static int write_frame(jmd_dds *d, const jmd_frame *f, int msg_checked);

int jmd_dds_write(jmd_dds *d, const jmd_frame *f)
{
    return write_frame(d, f, 0);
}

int jmd_dds_write_enc(jmd_dds *d, const jmd_frame *f, const uint8_t *enc, size_t len)
{
    if (!d || !f || !enc) return JMD_EINVAL;
    d->err[0] = '\0';
    if (f->kind != JMD_FRAME_PEER)
        return fail(d->err, sizeof d->err, JMD_EINVAL,
                    "write with an encoding: expected a peer frame, found frame kind %d",
                    (int)f->kind);
    const jmd_msg *m = &f->u.peer.m;
    if (!jmd_msg_encoding_matches(m, enc, len))
        return fail(d->err, sizeof d->err, JMD_EINVAL,
                    "peer %s seq %llu: the encoding given with it is not its own",
                    jmd_msg_kind_name((int)m->kind), (unsigned long long)m->seq);
    return write_frame(d, f, 1);
}

/* jmd_dds_write; msg_checked when the PEER message passed every rule as it
 * was encoded (jmd_dds_write_enc). */
static int write_frame(jmd_dds *d, const jmd_frame *f, int msg_checked)
{
    int rc = 0;
    sample_u s;
    scratch sc_buf; /* on the stack: no allocation per frame */
    scratch *sc = &sc_buf;

    if (!d || !f) return JMD_EINVAL;
    d->err[0] = '\0';
    /* A batch the flusher thread could not send fails this write. */
    pthread_mutex_lock(&d->flush_lock);
    if (d->deferred_rc) {
        rc = d->deferred_rc;
        snprintf(d->err, sizeof d->err, "%s", d->deferred_err);
        d->deferred_rc = 0;
    }
    pthread_mutex_unlock(&d->flush_lock);
    if (rc) return rc;
    /* The scratch and sample serve the lockstep frames; a PEER message is
     * queued as it is (queue_peer) and converted when its batch is sent. */
    memset(sc->heap, 0, sizeof sc->heap);
    if (f->kind != JMD_FRAME_PEER) memset(&s, 0, sizeof s);

    if (f->kind == JMD_FRAME_PEER) {
        const jmd_msg *m = &f->u.peer.m;
        if (d->self == JMD_FED_WORLD) {
            rc = fail(d->err, sizeof d->err, JMD_EINVAL,
                      "peer frame: the world writes no peer messages");
            goto out;
        }
        if ((rc = check_frame(f, d->self, -1, d->nparties, msg_checked, d->err, sizeof d->err)))
            goto out;
        int topic = (int)m->kind - 1;
        for (int dest = 0; dest < d->nparties; dest++) {
            if (dest == d->self || (m->receiver != JMD_MSG_BROADCAST && m->receiver != dest))
                continue;
            if ((rc = queue_peer(d, dest, topic, m, f->u.peer.t_deliver))) goto out;
        }
        goto out;
    }

    int topic = topic_of(f->kind, 0);
    if (topic < 0) {
        rc = fail(d->err, sizeof d->err, JMD_EINVAL, "frame kind: expected 1 .. %d, found %d",
                  JMD_FRAME_KIND_MAX, (int)f->kind);
        goto out;
    }
    int party = frame_party(f);
    int dest;
    if (is_world_frame(topic)) {
        if (d->self != JMD_FED_WORLD) {
            rc = fail(d->err, sizeof d->err, JMD_EINVAL,
                      "%s frame: only the world writes it, this is party %d",
                      topic_info[topic].name, d->self);
            goto out;
        }
        if ((rc = check_party(party, d->nparties, "frame party", d->err, sizeof d->err)))
            goto out;
        dest = party;
    } else {
        if (d->self == JMD_FED_WORLD || party != d->self) {
            rc = fail(d->err, sizeof d->err, JMD_EINVAL,
                      "%s frame: expected a node writing its own (party %d), found party %d "
                      "written by %s",
                      topic_info[topic].name, d->self == JMD_FED_WORLD ? -1 : d->self, party,
                      d->self == JMD_FED_WORLD ? "the world" : "a node");
            goto out;
        }
        dest = d->nparties;
    }
    if ((rc = check_frame(f, d->self, dest == d->nparties ? JMD_FED_WORLD : dest, d->nparties, 0,
                          d->err, sizeof d->err)))
        goto out;
    if ((rc = frame_out(f, sc, &s))) {
        fail(d->err, sizeof d->err, rc, "out of memory");
        goto out;
    }
    rc = write_sample(d, dest, topic, &s, topic_info[topic].name);

out:
    for (size_t i = 0; i < sizeof sc->heap / sizeof sc->heap[0]; i++) free(sc->heap[i]);
    return rc;
}

void jmd_dds__fail_batches(jmd_dds *d, int on)
{
    if (!d) return;
    pthread_mutex_lock(&d->flush_lock);
    d->fail_batches = on;
    pthread_mutex_unlock(&d->flush_lock);
}

int jmd_dds__write_raw_batch(jmd_dds *d, int msg_kind, int dest, const void *items, uint32_t n)
{
    int topic = topic_of(JMD_FRAME_PEER, msg_kind);
    if (!d || (!items && n) || n > BATCH_MAX || topic < 0 || dest < 0 || dest >= d->nparties ||
        !d->wr[dest][topic])
        return JMD_EINVAL;
    pthread_mutex_lock(&d->flush_lock);
    /* After what is queued on the writer (one writer, one order). */
    int rc = send_batch_locked(d, dest, topic, d->err, sizeof d->err);
    if (!rc) {
        any_batch b = {n, n, (void *)(uintptr_t)items, false};
        dds_return_t ret = dds_write(d->wr[dest][topic], &b);
        mark_dirty_locked(d, dest, topic);
        if (ret < 0)
            rc = fail(d->err, sizeof d->err, JMD_EIO, "write %s batch: %s",
                      topic_info[topic].name, dds_strretcode(ret));
    }
    pthread_mutex_unlock(&d->flush_lock);
    return rc;
}

int jmd_dds__write_raw(jmd_dds *d, jmd_frame_kind fk, int msg_kind, int dest, const void *sample)
{
    int topic = topic_of(fk, msg_kind);
    int di = dest == JMD_FED_WORLD ? (d ? d->nparties : 0) : dest;
    if (!d || !sample || topic < 0 || di < 0 || di > d->nparties || !d->wr[di][topic])
        return JMD_EINVAL;
    return write_sample(d, di, topic, sample, topic_info[topic].name);
}

/* ---- take ----------------------------------------------------------------- */

/* Converts and validates one taken sample into *out: 1, or JMD_EPARSE with
 * the reason (out then holds the kind and claimed sender), JMD_ENOMEM. */
static int accept_sample(jmd_dds *d, int topic, const void *sample, jmd_frame *out)
{
    int rc;
    if (topic < T_HELLO) {
        out->kind = JMD_FRAME_PEER;
        rc = peer_in(topic, sample, &out->u.peer, d->err, sizeof d->err);
        /* jmd_dds_take_enc: the rules checked by encoding the message (the
         * encoding applies every one jmd_msg_check does), which the caller
         * then has; a message that does not encode is checked again below
         * for the reason. */
        int checked = 0;
        if (!rc && d->take_enc) {
            if (jmd_msg_encode(&out->u.peer.m, d->take_enc, JMD_MSG_MAX_SIZE, d->take_len) == 0)
                checked = 1;
            else
                *d->take_len = 0;
        }
        if (!rc)
            rc = check_frame(out, out->u.peer.m.sender, d->self, d->nparties, checked, d->err,
                             sizeof d->err);
        if (!rc && out->u.peer.m.sender == d->self)
            rc = fail(d->err, sizeof d->err, JMD_EINVAL,
                      "peer sender: expected another party than this one (%d)", d->self);
        if (rc) {
            int sender = out->u.peer.m.sender;
            if (d->take_len) *d->take_len = 0;
            jmd_frame_clear(out);
            out->kind = JMD_FRAME_PEER;
            out->u.peer.m.kind = (jmd_msg_kind)(topic + 1);
            out->u.peer.m.sender = (sender >= 0 && sender < d->nparties) ? sender : -1;
        }
    } else {
        rc = frame_in(topic, sample, out, d->err, sizeof d->err);
        int party = frame_party(out);
        if (!rc) {
            /* A world frame must name this node; a report names its sender. */
            if (is_world_frame(topic) && party != d->self)
                rc = fail(d->err, sizeof d->err, JMD_EINVAL,
                          "%s party: expected this node %d, found %d", topic_info[topic].name,
                          d->self, party);
            else
                rc = check_party(party, d->nparties, "frame party", d->err, sizeof d->err);
        }
        if (!rc) rc = check_frame(out, party, d->self, d->nparties, 0, d->err, sizeof d->err);
        if (rc) {
            jmd_frame_kind kind = out->kind;
            jmd_frame_clear(out);
            out->kind = kind;
            frame_party_set(out, (party >= 0 && party < d->nparties) ? party : -1);
        }
    }
    if (rc == JMD_ENOMEM) return rc;
    return rc ? JMD_EPARSE : 1;
}

/* Hands out the next valid-data sample of topic t (on a PEER topic, the
 * next message of its batches) from what was taken, taking more when it is
 * used up (unless !refill): 1 (or JMD_EPARSE) with *out, 0 when there is
 * none. */
static int take_topic(jmd_dds *d, int t, int refill, jmd_frame *out)
{
    take_batch *b = &d->batch[t];
    for (;;) {
        if (b->pos == b->n) {
            if (!refill) return 0;
            if (b->n) dds_return_loan(d->rd[t], b->buf, b->n);
            b->n = b->pos = 0;
            b->item = 0;
            b->buf[0] = NULL; /* NULL: Cyclone lends its own buffer */
            dds_return_t n = dds_take(d->rd[t], b->buf, b->info, TAKE_BATCH, TAKE_BATCH);
            if (n < 0)
                return fail(d->err, sizeof d->err, JMD_EIO, "take %s: %s", topic_info[t].name,
                            dds_strretcode(n));
            if (n == 0) return 0;
            b->n = n;
        }
        int i = b->pos;
        /* Invalid-data samples only say a writer went away: skip them. */
        if (!b->info[i].valid_data) {
            b->pos++;
            continue;
        }
        const void *sample = b->buf[i];
        if (t < T_HELLO) {
            const any_batch *batch = sample;
            if (b->item >= batch->_length) { /* done with this batch (an empty one carries nothing) */
                b->pos++;
                b->item = 0;
                continue;
            }
            sample = (const char *)batch->_buffer + (size_t)b->item++ * topic_info[t].item_size;
        } else {
            b->pos++;
        }
        int rc = accept_sample(d, t, sample, out);
        if (rc) return rc;
    }
}

static int take(jmd_dds *d, jmd_frame *out, int timeout_ms);

int jmd_dds_take(jmd_dds *d, jmd_frame *out, int timeout_ms)
{
    if (!d || !out || timeout_ms < 0) return JMD_EINVAL;
    return take(d, out, timeout_ms);
}

int jmd_dds_take_enc(jmd_dds *d, jmd_frame *out, int timeout_ms,
                     uint8_t enc[JMD_MSG_MAX_SIZE], size_t *len)
{
    if (!d || !out || timeout_ms < 0 || !enc || !len) return JMD_EINVAL;
    *len = 0;
    d->take_enc = enc;
    d->take_len = len;
    int rc = take(d, out, timeout_ms);
    d->take_enc = NULL;
    d->take_len = NULL;
    if (rc != 1 || out->kind != JMD_FRAME_PEER) *len = 0;
    return rc;
}

static int take(jmd_dds *d, jmd_frame *out, int timeout_ms)
{
    d->err[0] = '\0';
    memset(out, 0, sizeof *out);
    /* What this process wrote must be on its way before it takes (and
     * perhaps waits for) what it expects in reply. */
    int frc = flush_all(d);
    if (frc) return frc;
    /* What is left of the last topic's loan is handed out first: one
     * dds_take per loan of samples, not a round of every reader per message
     * (with batched PEER samples that round was most of a take's cost). The
     * round-robin below still visits every reader once the loan is used
     * up, so a busy topic delays another by at most one loan (64 samples:
     * up to 64 x 128 messages of a PEER topic, which in a run means a few
     * steps' worth at most, since a step writes one batch per kind). */
    int last = (d->next + NTOPIC - 1) % NTOPIC;
    if (d->rd[last]) {
        int rc = take_topic(d, last, 0, out);
        if (rc != 0) return rc;
    }
    dds_time_t deadline = dds_time() + DDS_MSECS(timeout_ms);
    for (;;) {
        /* Round-robin from after the topic last taken, so a busy topic
         * (scans) cannot starve another (ticks). */
        for (int i = 0; i < NTOPIC; i++) {
            int t = (d->next + i) % NTOPIC;
            if (!d->rd[t]) continue;
            int rc = take_topic(d, t, 1, out);
            if (rc != 0) {
                d->next = (t + 1) % NTOPIC;
                return rc;
            }
        }
        dds_duration_t left = deadline - dds_time();
        if (left <= 0) return 0;
        dds_return_t ret = dds_waitset_wait(d->waitset, NULL, 0, left);
        if (ret < 0)
            return fail(d->err, sizeof d->err, JMD_EIO, "waitset: %s", dds_strretcode(ret));
    }
}

/* ---- discovery ------------------------------------------------------------- */

int jmd_dds_wait_matched(jmd_dds *d, int n, int timeout_ms)
{
    if (!d || n < 0 || timeout_ms < 0) return JMD_EINVAL;
    d->err[0] = '\0';
    int frc = flush_all(d);
    if (frc) return frc;
    dds_time_t deadline = dds_time() + DDS_MSECS(timeout_ms);
    int matched, receivers;
    for (;;) {
        matched = receivers = 0;
        for (int dest = 0; dest <= d->nparties; dest++) {
            int has = 0, all = 1;
            for (int t = 0; t < NTOPIC; t++) {
                if (!d->wr[dest][t]) continue;
                dds_publication_matched_status_t st;
                dds_return_t ret = dds_get_publication_matched_status(d->wr[dest][t], &st);
                if (ret < 0)
                    return fail(d->err, sizeof d->err, JMD_EIO, "matched status: %s",
                                dds_strretcode(ret));
                has = 1;
                if (st.current_count < 1) all = 0;
            }
            receivers += has;
            matched += has && all;
        }
        if (matched >= n) return 0;
        if (dds_time() >= deadline) break;
        dds_sleepfor(DDS_MSECS(2));
    }
    return fail(d->err, sizeof d->err, JMD_EIO,
                "discovery: expected %d of %d receivers matched on every topic within %d ms, "
                "found %d",
                n, receivers, timeout_ms, matched);
}
