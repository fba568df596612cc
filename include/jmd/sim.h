/*
 * jmd/sim.h — the simulation engine: the world's truth (threat flights,
 * sensors' measurements, intercept outcomes) and the clock, running every
 * party's node in one process.
 *
 * The engine flies each threat (targeted on its aim point, full physics),
 * steps the clock by the scenario's step, lets each radar look on its
 * revisit schedule and each satellite watch for boosters, hands every
 * party only what its own sensors saw, executes the launch orders the
 * nodes return, resolves intercepts against the truth (the interceptor
 * homes on the node's in-flight target update; the kill is drawn with the
 * site's Pk) and reports kill assessments back after the site's delay.
 *
 * Determinism: the same scenario and seed give byte-identical events and
 * results. Random streams (jmd/rng.h) are keyed by component kind and
 * name: "radar:NAME" with the threat's index for that radar's draws on
 * that threat (0 for its false alarms), "irsat:NAME", and "kill:THREAT"
 * whose n-th uniform decides the n-th round resolved against that threat.
 * Adding a component does not change another's draws, and every
 * governance model sees the same draws (common random numbers).
 */
#ifndef JMD_SIM_H
#define JMD_SIM_H

#include <stdint.h>
#include <stdio.h>

#include "jmd/party.h"
#include "jmd/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    FILE *events;        /* JSON Lines, one event per line (NULL: none) */
    double kv_basket;    /* m: largest miss between the true threat and the aim point
                            (the node's last estimate) the kill vehicle can divert
                            out (default 20 km) */
    jmd_party_opts party; /* options of every node */
    int model;            /* jmd_gov_model to run under, or -1: the scenario's own */
    int keep_truth;       /* 1: the result keeps every threat's truth trajectory (reports) */
} jmd_sim_opts;

void jmd_sim_opts_default(jmd_sim_opts *o);

enum { JMD_FATE_NONE = 0, JMD_FATE_INTERCEPTED, JMD_FATE_LEAKED, JMD_FATE_IN_FLIGHT };

/* What happened to one threat; times in s since epoch, NAN when it did
 * not happen. */
typedef struct {
    int fate;               /* JMD_FATE_* */
    double t_launch, t_impact_nominal; /* flight of the truth trajectory */
    double t_detect;        /* first radar detection by any party */
    int detect_radar;       /* its radar index, -1 */
    double t_track;         /* first confirmed track of it by any party */
    double t_warning;       /* first launch report received by any party */
    double t_decision;      /* first engagement decision on it (joint: authorisation) */
    double t_engage;        /* first interceptor launch at it */
    double t_end;           /* intercept (killed) or impact (leaked) */
    double lat, lon, alt;   /* where it ended (rad, rad, m) */
    int killer_site;        /* site index for an intercept, -1 */
    int engage_site;        /* site of the first interceptor launched at it, -1 */
    int rounds;             /* interceptors launched at it */
    int assets_hit;         /* assets within their lethal radius of its impact */
} jmd_sim_threat;

/* Per party: what it defended and whom it depended on (DESIGN.md §5
 * "dependence"), and its share of the joint decisions. */
typedef struct {
    int assets_hit;          /* its assets destroyed */
    int threatened;          /* threats aimed within the lethal radius of one of its assets */
    int defended;            /* of those, intercepted */
    int relied_data;         /* of those defended, the engaging party's track used another party's data */
    int relied_consent;      /* ... the engagement needed another party's vote */
    int relied_interceptor;  /* ... another party's interceptor made the kill */
    int proposals;           /* engagement proposals it made (joint) */
    int approvals, vetoes, timeouts; /* votes it cast yes / no; its proposals that timed out */
} jmd_sim_party;

typedef struct {
    jmd_gov_model model;        /* the model the trial ran under */
    size_t nthreats;
    jmd_sim_threat *threats;    /* [nthreats], scenario order */
    size_t nassets;
    int *asset_hit;             /* [nassets]: 1 when destroyed */
    size_t nsites;
    int *site_fired;            /* [nsites] interceptors launched */
    int *site_wasted;           /* [nsites] rounds that killed nothing */
    size_t nparties;
    int *party_assets_hit;      /* [nparties] */
    jmd_sim_party *party;       /* [nparties] */
    long *msgs, *bytes;         /* [nparties * nparties]: messages and bytes sent from row to column */
    long msgs_by_kind[JMD_MSG_KIND_MAX + 1]; /* messages sent over the bus, by jmd_msg_kind */
    jmd_trajectory *truth;      /* [nthreats] with opts.keep_truth: each threat's flight from
                                   launch to impact (ECI, 1 s samples), whatever its fate
                                   (t_end says where it ended); else NULL. Owned by the result */
    long measurements;          /* radar detections made (incl. false alarms) */
    long events;                /* event lines written */
    int intercepted, leaked, fired, wasted;
} jmd_sim_result;

/* Run one trial of the scenario with `seed` (the scenario's own seed when
 * you pass sc->seed). On success *out is a new result owned by the caller
 * (jmd_sim_result_free). JMD_ENOSOL when a threat cannot reach its aim
 * point (err names the threat), JMD_EIO when writing events fails,
 * JMD_ENOMEM, JMD_EINVAL. err (errlen bytes) gets one line on failure. */
int jmd_sim_run(const jmd_scenario *sc, uint64_t seed, const jmd_sim_opts *opts,
                jmd_sim_result **out, char *err, size_t errlen);
void jmd_sim_result_free(jmd_sim_result *r); /* accepts NULL */

/* ---- the engine with its nodes elsewhere --------------------------------
 *
 * The engine reaches the nodes only through a port: jmd_sim_run uses an
 * in-process one (every party's jmd_node_driver and an in-process bus);
 * the world process (`jmd world`) uses one whose nodes are other processes
 * (jmd/federate.h). Per step the engine calls, in this order: assess (the
 * kill assessments due), cue (launch reports due), deliver (peer messages
 * due by t; a federated port does nothing: nodes deliver their own), scan
 * (each radar's look), then step, which runs every node's step and fills
 * rep[0 .. nparties) (arrays owned by the engine afterwards). finish fills
 * fin[0 .. nparties) with each node's counters at the end. Every op
 * returns 0 or a negative JMD_E* code that ends the run. */
typedef struct jmd_sim_port jmd_sim_port;
typedef struct jmd_frame_done jmd_frame_done;   /* jmd/federate.h */
typedef struct jmd_frame_final jmd_frame_final; /* jmd/federate.h */
typedef struct {
    int (*assess)(jmd_sim_port *p, int party, int shot_id, int killed);
    int (*cue)(jmd_sim_port *p, int party, const jmd_launch_report *r);
    int (*deliver)(jmd_sim_port *p, double t);
    int (*scan)(jmd_sim_port *p, int party, int radar, double t, const jmd_measurement *m,
                size_t n);
    int (*step)(jmd_sim_port *p, int64_t step, double t, double t_next, jmd_frame_done *rep);
    int (*finish)(jmd_sim_port *p, jmd_frame_final *fin);
} jmd_sim_port_ops;
struct jmd_sim_port {
    const jmd_sim_port_ops *ops;
};

/* jmd_sim_run with the nodes behind `port` (not owned). */
int jmd_sim_run_port(const jmd_scenario *sc, uint64_t seed, const jmd_sim_opts *opts,
                     jmd_sim_port *port, jmd_sim_result **out, char *err, size_t errlen);

/* The result as one JSON document (summary.json). */
int jmd_sim_write_summary(const jmd_scenario *sc, uint64_t seed, const jmd_sim_result *r,
                          FILE *out);
/* The readable account: per threat, what happened and when. */
int jmd_sim_write_account(const jmd_scenario *sc, const jmd_sim_result *r, FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* JMD_SIM_H */
