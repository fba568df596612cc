/*
 * jmd/assure.h — the transparency analysis (DESIGN.md §4 `assure`): can one
 * party's missile defense reach another party's strategic deterrent?
 *
 * For a deterrent party D (its `strategic:` section in the scenario) the
 * analysis samples D's strategic trajectories deterministically (launch
 * points x aim points x vehicles x trajectory types), flies each once with
 * the flight core (jmd_flight_target), and asks of every firing site of
 * every other party: can it engage the trajectory? An engagement needs
 *   - kinematic reach (jmd_flight_reach, docs/reach.md), with the site's
 *     earliest launch (t_commit) set by
 *   - sensor support: the first time the trajectory is held by one of the
 *     supporting radars with single-look Pd >= pd_min on `looks`
 *     consecutive looks (the radar's revisit), plus a track-formation
 *     delay and a decision delay.
 * Three cooperation variants: `own` (the site's party's radars), `shared`
 * (those plus D's radars, as under the joint and data-exchange proposals)
 * and `sectoral` (shared sensors, but the site may engage only where the
 * intercept lies over its own party's sector; Medvedev 2010). A
 * `kinematic` variant (t_commit = the threat's launch, perfect sensors) is
 * the upper bound every variant lies under.
 *
 * Outputs per site: the engageable fraction per variant, the timeline
 * margin (latest commit time that still leaves an intercept, minus the
 * commit the sensors allow: > 0 early, < 0 late), the reachable intercept
 * points; and sensitivity curves over the interceptor's burnout speed and
 * the radars' range, with the speed at which the answer flips.
 *
 * Method, assumptions, what the analysis leaves out: docs/assure.md.
 * SI units and radians; times in s since the scenario epoch.
 *
 * Ownership: jmd_assure_traj arrays and jmd_assure_result are allocated
 * here and owned by the caller (jmd_assure_trajs_free, jmd_assure_free).
 * The scenario is only read and must outlive nothing: results copy what
 * they report.
 *
 * Workload: cold to warm — a CLI run or a sweep. Cost is dominated by the
 * trajectories (~15-25 ms each, computed once and cached) and by the reach
 * calls (~0.5-2 ms each; a few per site and trajectory per variant, a
 * bisection over the speed grid, a bisection for the latest commit).
 */
#ifndef JMD_ASSURE_H
#define JMD_ASSURE_H

#include <stddef.h>
#include <stdio.h>

#include "jmd/flight.h"
#include "jmd/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Cooperation variants. */
enum {
    JMD_ASSURE_KINEMATIC = 0, /* perfect sensors: commit at the threat's launch (upper bound) */
    JMD_ASSURE_OWN,           /* the site's party's own radars */
    JMD_ASSURE_SHARED,        /* plus the deterrent party's radars */
    JMD_ASSURE_SECTORAL,      /* shared radars, intercept over the site party's own sector */
    JMD_ASSURE_NVARIANTS
};

/* Text of a variant ("kinematic", "own", "shared", "sectoral"). */
const char *jmd_assure_variant_name(int v);

/* Most points of a sweep. */
#define JMD_ASSURE_MAX_SWEEP 64

typedef struct {
    size_t samples;     /* most trajectories sampled (>= 1; default 64) */
    double pd_min;      /* single-look Pd for a look to count, (0, 1) (default 0.5) */
    int looks;          /* consecutive looks for a firm track, >= 1 (default 3) */
    double track_delay; /* s from the firm track to a fire-control track (default 10) */
    double
        decision_delay; /* s from the fire-control track to the earliest launch (default 0) */
    double commit_tol;  /* s, bisection tolerance of the latest commit (default 1) */
    double speed_lo, speed_hi,
        speed_step;   /* m/s, burnout-speed sweep (default 3, 8, 0.5 km/s) */
    double speed_tol; /* m/s, refinement of the flip speed (default 5) */
    double range_scale[JMD_ASSURE_MAX_SWEEP]; /* radar-range factors (default 0.5 .. 1.5 by
                                                 0.25) */
    int nrange_scale;                         /* 0: no radar-range sweep */
    double track_step; /* s between points of the ground tracks kept for maps (default 30) */
} jmd_assure_opts;

void jmd_assure_opts_default(jmd_assure_opts *o);

/* One sampled strategic trajectory. */
typedef struct {
    int launch, target, vehicle, traj; /* indices into the party's jmd_strategic lists */
    double lat0, lon0, lat1, lon1;     /* rad, the sampled launch and aim points */
    jmd_traj_type type;
    double apogee_req;     /* m, the requested apogee (0: minimum energy / full burn) */
    double rcs;            /* m^2 */
    int ok;                /* 1 when the trajectory was solved (else skipped) */
    jmd_target_result res; /* the targeting solution */
    jmd_trajectory tr;     /* owned; empty when !ok */
} jmd_assure_traj;

/* Samples and flies the deterrent party's strategic trajectories: every
 * combination of launch point x aim point x vehicle x trajectory type,
 * with polygon launch areas contributing several points (a Halton
 * sequence inside the polygon, first the vertex mean when inside), cut
 * down to at most o->samples by an even stride over the combinations (the
 * same scenario and options give the same sample). Combinations a vehicle
 * cannot fly are kept with ok = 0. *out (n entries) is owned by the
 * caller: jmd_assure_trajs_free. JMD_EINVAL: bad arguments;
 * JMD_ENOTFOUND: the party has no `strategic:` entry. */
int jmd_assure_sample(const jmd_scenario *s, int deterrent, const jmd_assure_opts *o,
                      jmd_assure_traj **out, size_t *n);
void jmd_assure_trajs_free(jmd_assure_traj *t, size_t n); /* accepts NULL */

/* The answer for one site x trajectory x variant. */
typedef struct {
    int engageable;  /* 1: sensor support in time and kinematic reach */
    int reason;      /* JMD_REACH_* of the reach call at t_commit */
    int sensed;      /* 1: the supporting radars form a track at all */
    double t_commit; /* s, earliest launch the sensors allow (inf: never) */
    double t_latest; /* s, latest commit that still leaves an intercept (-inf: none) */
    double margin;   /* s, t_latest - t_commit (NAN when either is infinite) */
    jmd_reach reach; /* the window at t_commit (ground points of first and last) */
} jmd_assure_cell;

typedef struct {
    char site[JMD_NAME_MAX];
    char interceptor[JMD_NAME_MAX];
    int owner; /* party of the site */
    double lat, lon, h;
    jmd_interceptor ic; /* as analysed (nominal figures) */
    size_t nvalid;      /* trajectories that were solved */
    size_t engageable[JMD_ASSURE_NVARIANTS];
    double fraction[JMD_ASSURE_NVARIANTS]; /* engageable / nvalid (0 when nvalid = 0) */
    double
        margin_best[JMD_ASSURE_NVARIANTS]; /* s, largest margin over trajectories (NAN: none) */
    double margin_median[JMD_ASSURE_NVARIANTS]; /* s, median margin of engageable ones (NAN:
                                                   none) */
    jmd_assure_cell *cells; /* [ntraj * JMD_ASSURE_NVARIANTS], row = trajectory */
    /* Sensitivity: fraction of trajectories engageable at each speed of the sweep
     * (own and shared variants; the kinematic bound too), and the flip speed
     * (m/s): the least speed at which the fraction exceeds 0 (refined to
     * speed_tol between grid points), or +inf when none up to speed_hi. */
    double speed_fraction[JMD_ASSURE_NVARIANTS][JMD_ASSURE_MAX_SWEEP];
    double flip_speed[JMD_ASSURE_NVARIANTS];
    double range_fraction[JMD_ASSURE_NVARIANTS][JMD_ASSURE_MAX_SWEEP]; /* per range factor */
} jmd_assure_site;

typedef struct {
    int deterrent; /* party index */
    jmd_assure_opts opts;
    jmd_assure_traj *trajs; /* owned */
    size_t ntraj;
    jmd_assure_site *sites; /* every site of every other party, in file order */
    size_t nsites;
    double speeds[JMD_ASSURE_MAX_SWEEP]; /* m/s, the sweep grid */
    int nspeeds;
    size_t reach_calls; /* jmd_flight_reach calls made */
} jmd_assure_result;

/* Runs the analysis on trajectories already flown (taking ownership of
 * trajs: they are freed with the result, also on failure). deterrent:
 * party index. *out is owned by the caller: jmd_assure_free. */
int jmd_assure_eval(const jmd_scenario *s, int deterrent, const jmd_assure_opts *o,
                    jmd_assure_traj *trajs, size_t ntraj, jmd_assure_result **out);

/* jmd_assure_sample then jmd_assure_eval. */
int jmd_assure_run(const jmd_scenario *s, int deterrent, const jmd_assure_opts *o,
                   jmd_assure_result **out);

void jmd_assure_free(jmd_assure_result *r); /* accepts NULL */

/* The first time (s) a trajectory is firmly tracked by the radars in
 * `use` (nradars flags, 1 = supporting): looks every radar revisit (1 s
 * when revisit is 0) from the trajectory's start; a look counts when the
 * target is visible and its single-look Pd (rcs m^2) >= pd_min; `looks`
 * consecutive counting looks of one radar make a firm track at the last
 * of them. Radar range_ref and max_range are multiplied by range_scale.
 * +inf when never. */
int jmd_assure_first_track(const jmd_radar *radars, const unsigned char *use, size_t nradars,
                           const jmd_trajectory *tr, double rcs, double pd_min, int looks,
                           double range_scale, double *t_track);

/* Writes DIR/assure.json and DIR/assure.geojson (DIR must exist). JMD_EIO
 * when a file cannot be written. */
int jmd_assure_write(const jmd_scenario *s, const jmd_assure_result *r, const char *dir);

/* The JSON document on a stream. */
int jmd_assure_write_json(const jmd_scenario *s, const jmd_assure_result *r, FILE *f);

/* The GeoJSON document (assure.geojson) on a stream: one "trajectory"
 * feature per solved trajectory, one "site" feature per site x
 * interceptor, two "intercept" features (first and last reachable point)
 * per engageable cell. JMD_EINVAL for NULL arguments, JMD_EIO when
 * writing fails. */
int jmd_assure_write_geojson(const jmd_scenario *s, const jmd_assure_result *r, FILE *f);

#ifdef __cplusplus
}
#endif
#endif /* JMD_ASSURE_H */
