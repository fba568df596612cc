/*
 * jmd/party.h — one party's national node: its tracker (fed by its own
 * sensors), threat evaluation (predicted impact and the party's assets at
 * risk), engagement planning with its own firing sites, and the bookkeeping
 * of its launches and kill assessments. The same code runs inside `jmd
 * run` (one process, driven by the sim engine) and, later, `jmd node`.
 *
 * A node never sees the truth: it receives radar scans of its own radars,
 * launch reports of its own satellites and the kill assessments of its own
 * shots; it returns launch orders. Deterministic: the same inputs in the
 * same order give the same orders. Workload: one call per scan and one
 * step per engine step; threat evaluation (about 13 ballistic flights) is
 * rate-limited per track.
 */
#ifndef JMD_PARTY_H
#define JMD_PARTY_H

#include <stddef.h>

#include "jmd/engage.h"
#include "jmd/govern.h"
#include "jmd/msg.h"
#include "jmd/scenario.h"
#include "jmd/sensor.h"
#include "jmd/track.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double eval_interval; /* s between threat evaluations of one track (default 4; four
                             times that once the threat is in the planner); a track
                             without new measurements is not evaluated again */
    int min_hits;         /* measurement updates a confirmed track needs before it is
                             evaluated (default 6): early boost-phase impact predictions
                             are short and would waste interceptors */
    double asset_p_min;   /* smallest hit probability that counts an asset at risk (1e-3) */
    double boost_window;  /* s after a track's first detection (or cued launch time) during
                             which the tracker allows for thrust (default 150) */
    double max_ellipse;   /* m: a threat is engaged only once its 95 % impact ellipse's
                             semi-major axis is below this (fire-control quality; default
                             50 km): a poorer prediction would aim rounds at the wrong point */
    double plan_interval; /* s between engagement plans when nothing changed (default 4);
                             a new threat or a kill assessment plans at once */
} jmd_party_opts;

void jmd_party_opts_default(jmd_party_opts *o);

/* A launch order: the engagement as planned (site is the SCENARIO's site
 * index) and the node's shot id for the later kill assessment. */
typedef struct {
    jmd_engagement e;
    int shot_id;
    int foreign_data;     /* 1: the track behind it used another party's data */
    int consent;          /* 1: it was authorised with another party's vote */
} jmd_party_order;

/* A message the node wants sent: to a party (or JMD_MSG_BROADCAST), after
 * its release delay. */
typedef struct {
    jmd_msg m;
    int to;
    double delay;
} jmd_party_out;

/* Counters of the node's part in the cooperation. */
typedef struct {
    int proposals;        /* engagement proposals made (joint) */
    int approvals, vetoes;/* votes cast yes / no (joint) */
    int timeouts;         /* its proposals that timed out */
    int rejected;         /* its proposals rejected */
    int late;             /* authorised too late: the window had closed */
    int warnings_sent, tracks_sent, cues_received, remote_tracks;
    int bad_approvals;    /* approvals refused: no or an invalid signature (federated) */
    int bad_orders;       /* partners' launch orders whose approvals did not verify */
    int unsigned_refused; /* its own authorised rounds not fired for a missing signature */
} jmd_party_stats;

typedef struct jmd_party_node jmd_party_node;

/* Create the node of party `party` (index into sc->parties) running the
 * cooperation model `model`, with `seed` for its decision draws (stream
 * "decision:PARTY"). The scenario must outlive the node (it is
 * referenced, not copied). JMD_EINVAL, JMD_ENOMEM, or the tracker's /
 * battle's errors. A party without firing sites tracks and evaluates but
 * never orders.
 *
 * What the model changes (docs/governance.md):
 *  independent    own sensors, own sites, own assets; sends nothing;
 *  early-warning  sends launch warnings (JDEC content); a received warning
 *                 only cues its tracker;
 *  connected      also sends its firm tracks (release policy: kinds,
 *                 precision with covariance inflation, delay); a received
 *                 track is associated with its own and fused by covariance
 *                 intersection, or evaluated alone; own sites, own assets;
 *  joint          one picture from every party's radars (the engine feeds
 *                 every radar's scans to every node: a replicated data
 *                 fusion centre); every site may engage for every asset;
 *                 each engagement is proposed by the site's owner and needs
 *                 the quorum's votes (or pre-delegation);
 *  sectoral       tracks shared as in connected; a party engages every
 *                 threat whose planned intercept point lies in its sector,
 *                 whoever's asset it threatens. */
int jmd_party_create(const jmd_scenario *sc, int party, jmd_gov_model model, uint64_t seed,
                     const jmd_party_opts *opts, jmd_party_node **out);

/* Approval signatures (joint model, federated; docs/federation.md
 * "Approval signatures"). sign(ctx, proposal, sig) makes this party's
 * approval signature over a canonical proposal; verify(ctx, party,
 * proposal, sig) checks party's (0 when valid). With them set, the node
 * signs every approval it gives (its own proposals and its yes votes),
 * counts a partner's approval only with a valid signature, fires an
 * authorised round only when it holds a valid signature from every party
 * whose approval the decision counted (the launch order quotes them), and
 * counts a partner's launch only when the approvals it quotes verify.
 * Without them (jmd run) approvals carry no signature. NULL clears. */
typedef int (*jmd_party_sign_fn)(void *ctx, const jmd_msg *proposal,
                                 uint8_t sig[JMD_MSG_AUTH_MAX]);
typedef int (*jmd_party_verify_fn)(void *ctx, int party, const jmd_msg *proposal,
                                   const uint8_t sig[JMD_MSG_AUTH_MAX]);
void jmd_party_set_approver(jmd_party_node *p, jmd_party_sign_fn sign,
                            jmd_party_verify_fn verify, void *ctx);

/* A message delivered to the node at time t. */
int jmd_party_receive(jmd_party_node *p, const jmd_msg *m, double t);
/* The messages the node wants sent since the last call: *out points to
 * the node's array (valid until the next call into the node), *n its count;
 * the outbox is then empty. */
void jmd_party_outbox(jmd_party_node *p, const jmd_party_out **out, size_t *n);
void jmd_party_stats_get(const jmd_party_node *p, jmd_party_stats *out);
void jmd_party_free(jmd_party_node *p); /* accepts NULL */

/* One scan of the party's own radar sc->radars[radar] at time t (every
 * look, also an empty one, so that misses count). */
int jmd_party_scan(jmd_party_node *p, int radar, double t, const jmd_measurement *m, size_t n);
/* A launch report of one of the party's satellites. */
int jmd_party_cue(jmd_party_node *p, const jmd_launch_report *r);
/* Threat evaluation and planning at time t: writes up to cap orders (the
 * launches are recorded in the node's battle state); *n gets the count.
 * Orders beyond cap are not launched. */
int jmd_party_step(jmd_party_node *p, double t, jmd_party_order *orders, size_t cap,
                   size_t *n);
/* The kill assessment of one of the node's shots. */
int jmd_party_outcome(jmd_party_node *p, int shot_id, int killed);
/* The node's current estimate of track `track_id` propagated to time t
 * (ECI position, m): the in-flight target update an interceptor gets.
 * JMD_ENOTFOUND when the track no longer exists. */
int jmd_party_track_position(const jmd_party_node *p, long track_id, double t, double r[3]);
/* The node's tracker (read-only access for statistics and reports). */
const jmd_tracker *jmd_party_tracker(const jmd_party_node *p);

#ifdef __cplusplus
}
#endif
#endif /* JMD_PARTY_H */
