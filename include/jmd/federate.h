/*
 * jmd/federate.h — the federated system (DESIGN.md §2, §6): the world
 * process (`jmd world`, the simulated truth) and one node process per party
 * (`jmd node`), run in lockstep over Cyclone DDS.
 *
 * Two layers live here:
 *  - frames: the plain-data units the processes exchange. A PEER frame is
 *    one jmd_msg between nodes (with its delivery time); the others are the
 *    world's lockstep protocol (a step's inputs to a node, the node's
 *    reports back). Arrays inside a frame are owned by the frame
 *    (jmd_frame_clear frees them).
 *  - the DDS transport (src/federate/dds.c, IDL in src/federate/jmd.idl):
 *    one participant per process on a domain of its own, configured in
 *    code for loopback only (docs/federation.md); every frame kind is its
 *    own IDL-generated topic type; partitions route a frame to exactly its
 *    receiver, so a party's measurements reach only that party's node.
 *    Reliable, keep-all, transient-local with a bounded durability history:
 *    a node that restarts receives again the last frames of every kind
 *    written to it, which covers the steps it lost (it drops what its
 *    ledger already holds).
 *
 * Lockstep (docs/federation.md "Lockstep"): for step s at time t the world
 * writes, to each node, the step's kill assessments, launch reports and
 * radar scans (each numbered within the step), then a TICK that says how
 * many of each it wrote and how many peer messages each other node had
 * sent to this node by the end of step s-1. A node applies a step only
 * once it holds all of that, in the order of `jmd run` (assessments, cues,
 * peer messages due by t, scans, step), then writes its peer messages and a
 * DONE. The world waits for every DONE before step s+1. Nothing depends on
 * machine speed or scheduling, so a federated run gives the events and
 * outcomes of `jmd run`.
 */
#ifndef JMD_FEDERATE_H
#define JMD_FEDERATE_H

#include <stddef.h>
#include <stdint.h>

#include "jmd/ledger.h"
#include "jmd/msg.h"
#include "jmd/party.h"
#include "jmd/sensor.h"
#include "jmd/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The world's index where a party index goes (sender or receiver). */
#define JMD_FED_WORLD 0xFE
/* Largest DDS domain id Cyclone accepts. */
#define JMD_FED_DOMAIN_MAX 232

typedef enum {
    JMD_FRAME_PEER = 1, /* node -> node: one jmd_msg (every kind but Measurement) */
    JMD_FRAME_HELLO,    /* node -> world: joined (or rejoined after a restart) */
    JMD_FRAME_TICK,     /* world -> node: step s is complete, apply it */
    JMD_FRAME_SCAN,     /* world -> node: one scan of one of the party's radars (or, under
                           joint, of any radar) */
    JMD_FRAME_CUE,      /* world -> node: a satellite launch report */
    JMD_FRAME_ASSESS,   /* world -> node: the kill assessment of one of its shots */
    JMD_FRAME_DONE,     /* node -> world: step s applied, with what the world needs of it */
    JMD_FRAME_FINAL     /* node -> world: its counters at the end of the run */
} jmd_frame_kind;

#define JMD_FRAME_KIND_MAX 8

typedef struct {
    jmd_msg m;          /* stamped (sender, receiver, seq, t) and authenticated */
    double t_deliver;   /* simulation time at which the receiver may use it */
} jmd_frame_peer;

typedef struct {
    int party;
    int64_t last_step;  /* last step the node completed (-1: none, a fresh start) */
    uint32_t incarnation; /* 0 on a first start, +1 per restart */
} jmd_frame_hello;

typedef struct {
    int party;          /* receiver */
    int64_t step;
    double t;
    uint32_t nassess, ncue, nscan; /* inputs of this step written to this node */
    uint64_t expect[JMD_MSG_MAX_PARTIES]; /* peer messages from each party to this one
                                             (broadcasts included) written by the end of
                                             step - 1, cumulative */
    int end;            /* 1: the run is over (no inputs): write FINAL and stop */
    uint64_t seed;      /* the run's seed and model (every TICK carries them, so a node */
    int model;          /* cannot run a different run than the world: jmd_gov_model) */
} jmd_frame_tick;

typedef struct {
    int party;          /* receiver */
    int64_t step;
    uint32_t index;     /* 0, 1, ... within the step, in the order to apply */
    int radar;          /* scenario radar index */
    double t;
    size_t n;
    jmd_measurement *m; /* [n], owned by the frame; truth is always -1 on the wire */
} jmd_frame_scan;

typedef struct {
    int party;
    int64_t step;
    uint32_t index;
    jmd_launch_report r; /* truth -1 on the wire */
} jmd_frame_cue;

typedef struct {
    int party;
    int64_t step;
    uint32_t index;
    int shot_id;
    int killed;
} jmd_frame_assess;

/* A track named by a node, with its last measurement (the world maps
 * measurement ids to the truth; nodes never see it). */
typedef struct {
    long track_id;
    long last_meas_id;  /* -1: none */
} jmd_fed_track_note;

typedef struct {
    jmd_party_order o;  /* e.site is the scenario's site index */
    long last_meas_id;  /* of the order's track, -1 */
} jmd_fed_order;

/* The node's in-flight target update for one of its shots: its estimate of
 * the track at the shot's intercept time. */
typedef struct {
    int shot_id;
    int found;          /* 0: the node no longer holds the track */
    double r[3];        /* ECI, m */
} jmd_fed_update;

typedef struct {
    int sender;
    long track_id;      /* the sender's track named in a launch warning */
    double t_deliver;
} jmd_fed_warn_recv;

struct jmd_frame_done {
    int party;
    int64_t step;
    uint64_t sent[JMD_MSG_MAX_PARTIES]; /* peer messages written to each party so far
                                           (cumulative; lost ones are never written) */
    size_t nconfirmed;  jmd_fed_track_note *confirmed; /* newly confirmed tracks, before the step */
    size_t norders;     jmd_fed_order *orders;
    size_t nupdates;    jmd_fed_update *updates;       /* for its shots due by the next step */
    size_t nwarn_sent;  jmd_fed_track_note *warn_sent; /* warnings it sent naming a track */
    size_t nwarn_recv;  jmd_fed_warn_recv *warn_recv;  /* warnings delivered to it this step */
    uint64_t rejected;  /* frames it rejected so far (authentication, sequence, validation) */
};

struct jmd_frame_final {
    int party;
    jmd_party_stats stats;
    uint64_t msgs[JMD_MSG_MAX_PARTIES], bytes[JMD_MSG_MAX_PARTIES]; /* sent to each party */
    uint64_t by_kind[JMD_MSG_KIND_MAX + 1];  /* messages sent, by jmd_msg_kind */
    uint64_t rejected;
    uint8_t log_root[32]; /* its ledger's root and size at the end */
    uint64_t log_size;
};

typedef struct {
    jmd_frame_kind kind;
    union {
        jmd_frame_peer peer;
        jmd_frame_hello hello;
        jmd_frame_tick tick;
        jmd_frame_scan scan;
        jmd_frame_cue cue;
        jmd_frame_assess assess;
        jmd_frame_done done;
        jmd_frame_final final;
    } u;
} jmd_frame;

/* Frees the arrays a frame owns and zeroes it. NULL is a no-op. */
void jmd_frame_clear(jmd_frame *f);
/* Frees the arrays of a DONE report and zeroes it. NULL is a no-op. */
void jmd_fed_done_free(jmd_frame_done *rep);

/* The canonical bytes of a world frame (TICK, ASSESS, CUE, SCAN) as a
 * node's ledger keeps it (src/federate/input.c gives the layout). encode:
 * *out is the caller's (free). decode: untrusted bytes into *f (the
 * caller clears it); JMD_EPARSE with "byte N: expected ..., found ..." in
 * err. nparties sizes a TICK's expect counts. */
int jmd_fed_input_encode(const jmd_frame *f, int nparties, uint8_t **out, size_t *len);
int jmd_fed_input_decode(const uint8_t *buf, size_t len, int nparties, jmd_frame *f, char *err,
                         size_t errlen);

/* ---- the node driver ----------------------------------------------------
 *
 * One party's node as the world drives it, one step at a time; used by the
 * in-process engine (jmd_sim_run) and by the node process alike, so both
 * give the same results. Per step the calls come in this order:
 * assessments, cues, messages delivered (due by t), scans, then step. */

typedef struct jmd_node_driver jmd_node_driver;

/* A node of `party` under `model` (jmd_party_create's arguments); the
 * scenario must outlive it. *out is the caller's: jmd_node_driver_free. */
int jmd_node_driver_create(const jmd_scenario *sc, int party, jmd_gov_model model,
                           uint64_t seed, const jmd_party_opts *opts, jmd_node_driver **out);
void jmd_node_driver_free(jmd_node_driver *d); /* accepts NULL */
jmd_party_node *jmd_node_driver_party(jmd_node_driver *d);
int jmd_node_driver_assess(jmd_node_driver *d, int shot_id, int killed);
int jmd_node_driver_cue(jmd_node_driver *d, const jmd_launch_report *r);
int jmd_node_driver_receive(jmd_node_driver *d, const jmd_msg *m, double t_deliver);
int jmd_node_driver_scan(jmd_node_driver *d, int radar, double t, const jmd_measurement *m,
                         size_t n);
/* Step `step` at time t (t_next: the next step's time): fills *rep (its
 * arrays are the caller's: jmd_fed_done_free; rep->sent is left 0 for the
 * caller to fill). */
int jmd_node_driver_step(jmd_node_driver *d, int64_t step, double t, double t_next,
                         jmd_frame_done *rep);
/* The messages the node wants sent, collected by the last step (valid
 * until the next call into the driver); taking them empties the list. */
void jmd_node_driver_outbox(jmd_node_driver *d, const jmd_party_out **out, size_t *n);

/* ---- the Cyclone DDS transport ----------------------------------------- */

typedef struct jmd_dds jmd_dds;

/* Joins DDS domain `domain` (0 .. JMD_FED_DOMAIN_MAX) as `self` (a party
 * index 0 .. nparties-1, or JMD_FED_WORLD) of a federation of nparties,
 * with the loopback-only configuration applied in code (never the
 * environment's CYCLONEDDS_URI). `run_tag` (letters, digits, '-', '_'; at
 * most 32) is put into every topic name so two federations on one domain
 * cannot mix. *out is owned by the caller: jmd_dds_close. JMD_EINVAL,
 * JMD_EIO when DDS refuses (err says why), JMD_ENOMEM. */
int jmd_dds_open(uint32_t domain, int self, int nparties, const char *run_tag, jmd_dds **out,
                 char *err, size_t errlen);

/* Writes f to its receiver: PEER to m.receiver (a broadcast to every other
 * party), HELLO/DONE/FINAL to the world, TICK/SCAN/CUE/ASSESS to the
 * frame's party. Blocks while the reliable queue is full (up to 10 s, then
 * JMD_EIO). JMD_EINVAL, with the reason in jmd_dds_last_error, for a frame
 * this participant may not write (a node writing a TICK, a PEER whose
 * sender is not self, ...) or one failing the checks jmd_dds_take applies;
 * JMD_EIO. */
int jmd_dds_write(jmd_dds *d, const jmd_frame *f);

/* jmd_dds_write for a PEER frame whose message the caller has just encoded
 * (jmd_msg_encode, or jmd_ledger_auth_*_enc for its authenticator) into
 * enc[0 .. len): the message is not walked again for the rules, which the
 * encoding applied; enc is compared with it cheaply
 * (jmd_msg_encoding_matches; every byte in debug builds). A node's hot
 * path: one walk per message sent. JMD_EINVAL for another frame kind or an
 * encoding that is not the message's; otherwise as jmd_dds_write. */
int jmd_dds_write_enc(jmd_dds *d, const jmd_frame *f, const uint8_t *enc, size_t len);

/* Takes the next frame written to this participant, waiting up to
 * timeout_ms (0: do not wait). Returns 1 with *out filled (the caller
 * clears it), 0 on timeout, or a negative JMD_E* code. Frames of one
 * writer arrive in the order written; frames of different writers or
 * kinds may interleave in any order.
 * A received sample that fails validation (a PEER message failing
 * jmd_msg_check or not addressed to this party, a frame for another party,
 * a count, index or party out of range, a non-finite number) is consumed
 * and reported, never dropped silently: JMD_EPARSE, with the reason in
 * jmd_dds_last_error and *out zeroed but for its kind and the claimed
 * sender (PEER: u.peer.m.kind and .sender; other kinds: the party field; -1
 * when that is itself out of range), so the node can count the rejection
 * (jmd_frame_clear is still safe to call on it). Taking again continues. */
int jmd_dds_take(jmd_dds *d, jmd_frame *out, int timeout_ms);

/* jmd_dds_take that also gives a PEER message's canonical encoding (with
 * its authenticator) in enc[0 .. *len) (enc holds JMD_MSG_MAX_SIZE bytes):
 * the take checks the message's rules by encoding it (the encoding applies
 * every rule of jmd_msg_check), so the caller can check the authenticator
 * (jmd_ledger_auth_verify_given) and record the message
 * (jmd_ledger_log_append_msg) without walking it again. A node's hot path:
 * one walk per message received. *len is 0 for any other frame, a
 * rejected one (JMD_EPARSE) and when nothing was taken. JMD_EINVAL for a
 * NULL enc or len; otherwise as jmd_dds_take. */
int jmd_dds_take_enc(jmd_dds *d, jmd_frame *out, int timeout_ms,
                     uint8_t enc[JMD_MSG_MAX_SIZE], size_t *len);

/* Waits until `n` receivers of this participant (the world and each other
 * party it writes to, a world counting each node) are matched on every
 * topic this participant writes to them (discovery), up to timeout_ms.
 * 0, or JMD_EIO on timeout with the counts in jmd_dds_last_error. */
int jmd_dds_wait_matched(jmd_dds *d, int n, int timeout_ms);

/* The reason of the last failure of jmd_dds_write, jmd_dds_take or
 * jmd_dds_wait_matched on d ("" when none); owned by d, valid until the
 * next call on d. Never NULL ("" for a NULL d). */
const char *jmd_dds_last_error(const jmd_dds *d);

/* Sends now the frames jmd_dds_write has queued. PEER messages are queued
 * in batches per receiver and kind and writes are packed into packets
 * (docs/federation.md "Batches"): a frame waits until its batch or packet
 * fills, until jmd_dds_flush, jmd_dds_take, jmd_dds_wait_matched or
 * jmd_dds_close (each flushes first), or at most about 1 ms, when the
 * handle's flusher thread sends it. No call is needed for delivery; call
 * it before blocking elsewhere (a pipe, a sleep) to save that millisecond,
 * and before jmd_dds_close to learn whether the last frames went out: 0,
 * or JMD_EIO with the reason in jmd_dds_last_error (also a failure of the
 * flusher thread's since the last call). NULL is a no-op (0). */
int jmd_dds_flush(jmd_dds *d);

/* Waits (up to 2 s in all) until the readers matched to this participant's
 * writers acknowledged everything written, so a FINAL written just before
 * is not lost, then deletes the participant (peers notice at once, not
 * after the lease). It reports nothing: call jmd_dds_flush first to learn
 * whether the last frames could be written. NULL is a no-op. */
void jmd_dds_close(jmd_dds *d);

/* ---- the federation file ---------------------------------------------------
 *
 * Every party's public key and, optionally, the DDS domain
 * (docs/federation.md "Federation file"; src/federate/fedfile.c). */

typedef struct {
    size_t n;
    char name[JMD_MSG_MAX_PARTIES][JMD_LEDGER_PARTY_MAX + 1];
    uint8_t pk[JMD_MSG_MAX_PARTIES][JMD_LEDGER_PK_SIZE];
    int has_domain;
    uint32_t domain;
} jmd_federation;

/* Parses len bytes of untrusted text (name is the file name used in
 * errors "NAME:LINE:COL: expected ..., found ..."). JMD_EPARSE (and *out
 * zeroed) on any error, JMD_EINVAL for NULL pointers. */
int jmd_federation_parse(const char *text, size_t len, const char *name, jmd_federation *out,
                         char *err, size_t errlen);
/* Reads (at most 1 MiB) and parses a file: JMD_EIO when it cannot be read. */
int jmd_federation_load(const char *path, jmd_federation *out, char *err, size_t errlen);
/* pk[p] = the key of the scenario's party p; JMD_ENOTFOUND (err names the
 * party; name is the file's) when the file does not list one. */
int jmd_federation_keys(const jmd_federation *f, const jmd_scenario *sc,
                        uint8_t pk[][JMD_LEDGER_PK_SIZE], const char *name, char *err,
                        size_t errlen);

/* ---- the node process ---------------------------------------------------- */

#define JMD_NODE_REASONS_MAX 64

typedef struct {
    int party;                /* index into the scenario's parties */
    int model;                /* jmd_gov_model the node insists on, or -1: the world's
                                 (the seed and model always come from the world's TICKs) */
    jmd_party_opts party_opts;
    jmd_ledger_keypair key;   /* this party's key pair */
    uint8_t pk[JMD_MSG_MAX_PARTIES][JMD_LEDGER_PK_SIZE]; /* every party's public key */
    uint32_t domain;
    char run_tag[33];
    jmd_ledger_log *log;      /* the party's ledger, open (not owned); NULL: none */
    int timeout_ms;           /* how long to wait for any frame (default 60 s) */
    int checkpoint_every;     /* steps between signed checkpoints (default 50; 0: only at
                                 the end) */
    int resume;               /* 1: log is an earlier run of this node that stopped (a
                                 crash): replay it, then carry on (docs/federation.md) */
    int64_t crash_at_step;    /* fault injection: SIGKILL itself in the middle of this step,
                                 after sending, before committing (-1: never) */
    int fault_bad_approvals;  /* fault injection: its approval signatures do not verify */
} jmd_node_opts;

/* What a node did, for its command's summary and for tests. */
typedef struct {
    int64_t steps;            /* steps applied */
    int64_t resumed_at;       /* with resume: the step it carried on from (-1: a fresh start) */
    uint64_t replayed;        /* with resume: ledger entries replayed */
    uint64_t resync_dups;     /* with resume: copies of accepted messages re-received */
    uint64_t rejected;        /* frames refused (and recorded) */
    int nreasons;             /* the first JMD_NODE_REASONS_MAX reasons */
    char reasons[JMD_NODE_REASONS_MAX][200];
    int nnotes;               /* the first JMD_NODE_REASONS_MAX operational notes (outages) */
    char notes[JMD_NODE_REASONS_MAX][200];
    jmd_party_stats stats;
    uint64_t log_size;
} jmd_node_report;

void jmd_node_opts_default(jmd_node_opts *o);

/* Runs party o->party's node until the world ends the run: HELLO, then
 * one step per TICK (see Lockstep above). 0 at the end of the run;
 * JMD_EIO when DDS fails or nothing arrives for o->timeout_ms (err says
 * at which step); the driver's and the ledger's errors. rep (may be NULL)
 * gets what the node did. */
int jmd_node_run(const jmd_scenario *sc, const jmd_node_opts *o, jmd_node_report *rep,
                 char *err, size_t errlen);

/* ---- the world process ------------------------------------------------ */

typedef struct {
    uint32_t domain;          /* DDS domain id, 0 .. JMD_FED_DOMAIN_MAX */
    char run_tag[33];         /* see jmd_dds_open */
    int join_timeout_ms;      /* how long to wait for every node's HELLO (default 60 s) */
    int step_timeout_ms;      /* how long to wait for a node's DONE (default 60 s) */
} jmd_world_opts;

void jmd_world_opts_default(jmd_world_opts *o);

/* jmd_sim_run with every party's node in its own process: waits for each
 * node's HELLO, then runs the engine in lockstep (see above). Same result,
 * events and errors as jmd_sim_run, plus JMD_EIO when DDS fails or a node
 * is silent for longer than the timeouts (err names the party). */
int jmd_world_run(const jmd_scenario *sc, uint64_t seed, const jmd_sim_opts *so,
                  const jmd_world_opts *wo, jmd_sim_result **out, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif /* JMD_FEDERATE_H */
