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
} jmd_party_opts;

void jmd_party_opts_default(jmd_party_opts *o);

/* A launch order: the engagement as planned (site is the SCENARIO's site
 * index) and the node's shot id for the later kill assessment. */
typedef struct {
    jmd_engagement e;
    int shot_id;
} jmd_party_order;

typedef struct jmd_party_node jmd_party_node;

/* Create the node of party `party` (index into sc->parties). The scenario
 * must outlive the node (it is referenced, not copied). JMD_EINVAL,
 * JMD_ENOMEM, or the tracker's / battle's errors. A party without firing
 * sites tracks and evaluates but never orders. */
int jmd_party_create(const jmd_scenario *sc, int party, const jmd_party_opts *opts,
                     jmd_party_node **out);
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
