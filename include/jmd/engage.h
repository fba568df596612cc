/*
 * jmd/engage.h — threat evaluation and engagement: predicted impact point
 * and its uncertainty from a track, the defended assets at risk, launch
 * windows per firing site from the reach model, weapon–target assignment,
 * shoot-look-shoot, inventory, launchers and reload, kill assessment.
 *
 * Configuration structs are plain data filled by the scenario loader (SI,
 * radians). Pure policy and physics: no I/O, no global state; random draws
 * (kill outcomes) only from streams the caller passes. Every function
 * returns 0 or a negative JMD_E* code; on failure outputs are zeroed or
 * unspecified as stated, never a success with a non-finite result.
 * Methods, sources and what is left out: docs/engage.md.
 *
 * Workload: impact prediction costs ~13 flights (ms) per track update;
 * a window ~1-2 reach calls (~1 ms each); planning runs once per
 * simulation step over sites x threats windows; all are reentrant, and a
 * jmd_battle is single-threaded (one per deciding party).
 */
#ifndef JMD_ENGAGE_H
#define JMD_ENGAGE_H

#include <stddef.h>

#include "jmd/error.h"
#include "jmd/flight.h"
#include "jmd/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A defended asset (a city, a base). */
typedef struct {
    char name[JMD_NAME_MAX];
    int owner;       /* party index */
    double lat, lon; /* rad */
    double value;    /* relative value (> 0) for weapon-target assignment */
    double radius;   /* m: an impact within this distance destroys the asset (lethal radius) */
} jmd_asset;

/* A firing site (a battery, an Aegis Ashore site, a ship held at a point). */
typedef struct {
    char name[JMD_NAME_MAX];
    int owner;           /* party index */
    double lat, lon, h;  /* rad / m */
    jmd_interceptor ic;  /* interceptor class (copied from the catalogue) */
    int inventory;       /* interceptors on hand */
    int launchers;       /* simultaneous launch positions */
    double reload;       /* s for a launcher to be ready again after a launch */
    double pk;           /* single-shot kill probability, [0, 1] */
    double assess_delay; /* s after an intercept before its kill assessment is known */
} jmd_site;

/* ======================================================================
 * Threat evaluation: predicted impact point and its uncertainty.
 * Method and sources: docs/engage.md §1–2.
 * ==================================================================== */

/* Options of jmd_engage_predict_impact. */
typedef struct {
    jmd_flight_opts flight; /* propagation to the ground (j2, drag, tolerances,
                               impact_alt, max_time); output_step is the
                               spacing of the mean trajectory's samples */
    double beta;            /* kg/m^2, ballistic coefficient of the body
                               (<= 0 or infinite: no drag) */
    double confidence;      /* probability content of the impact ellipse,
                               in (0, 1); 0.95 gives the chi-square(2)
                               scale 5.991 */
} jmd_impact_opts;

/* Defaults: jmd_flight_opts_default() (J2 and drag on, impact at 0 m,
 * 3 h), beta 0 (no drag), confidence 0.95. */
void jmd_impact_opts_default(jmd_impact_opts *o);

/* A predicted impact: the impact of the estimate's own (mean) state, and
 * the spread of the impacts of the state's uncertainty, as a Gaussian in
 * the local East-North plane at the predicted point. */
typedef struct {
    double t_impact;       /* s since epoch, impact of the mean state */
    double time_to_impact; /* s, t_impact - the estimate's time (>= 0) */
    double lat, lon;       /* rad, predicted (mean-state) impact point */
    double mean_en[2];   /* m, mean of the impact distribution (E, N) relative to (lat, lon) */
    double cov_en[2][2]; /* m^2, covariance of the impact point in the local
                            East-North plane at (lat, lon), about mean_en */
    double sigma_t;      /* s, standard deviation of the impact time */
    double confidence;   /* probability content of the ellipse below */
    double semi_major, semi_minor; /* m, ellipse semi-axes at `confidence`:
                              sqrt(k2 * eigenvalue), k2 = -2 ln(1 - confidence) */
    double orientation;            /* rad, azimuth of the major axis, clockwise from
                                      north, in [0, pi) */
    double impact_speed;           /* m/s, Earth-relative speed at impact (mean state) */
} jmd_impact;

/* Predict the impact of a ballistic body from a track estimate: ECI state
 * `s` (r m, v m/s at time s->t) and its 6x6 covariance `cov` (row-major,
 * order x y z vx vy vz; m^2, m^2/s, m^2/s^2; symmetric positive
 * semi-definite, NULL or all zero for an exact state). The mean state is
 * flown to the ground with jmd_flight_coast; the spread by the unscented
 * transform (12 symmetric sigma points along the covariance's
 * eigenvectors, equal weights 1/12 — Julier & Uhlmann 1997 with kappa 0)
 * through the same flight, projected onto the East-North plane at the
 * predicted point. If `mean_traj` is not NULL (a zero-initialised or
 * earlier-filled trajectory) it receives the mean state's
 * trajectory (emptied first, owned by the caller; free it with
 * jmd_trajectory_free) with an impact event — the predicted trajectory to
 * hand to the planner. Cost: 1 + (number of non-zero eigenvalues) * 2
 * flights, about 1 ms each.
 * Errors: JMD_EINVAL for NULL s/o/out, a non-finite state, a covariance
 * that is not finite, not symmetric (relative 1e-9) or has an eigenvalue
 * below -1e-9 of its largest, invalid opts (confidence outside (0, 1), the
 * flight opts' own checks), a state inside the Earth; JMD_ENOSOL when the
 * mean state or a sigma point does not come down within opts->flight.max_time;
 * JMD_ENOMEM. On error *out is zeroed and mean_traj left empty. */
int jmd_engage_predict_impact(const jmd_state *s, const double cov[6][6],
                              const jmd_impact_opts *o, jmd_impact *out,
                              jmd_trajectory *mean_traj);

/* Probability that the impact falls within `radius` (m, >= 0) of the
 * ground point (lat, lon) (rad), for the Gaussian impact distribution of
 * `imp` (mean_en, cov_en), by integrating the 2-D normal density over the
 * disc (exact along one principal axis with erfc, Simpson's rule along the
 * other; accurate to ~1e-6). The point is placed in the azimuthal-
 * equidistant plane about the predicted impact (geodesic distance and
 * azimuth), the plane cov_en lives in.
 * A zero covariance gives 1 or 0 (point mass). JMD_EINVAL for NULL
 * pointers, non-finite or out-of-range inputs, a covariance that is not
 * symmetric positive semi-definite. */
int jmd_engage_hit_probability(const jmd_impact *imp, double lat, double lon, double radius,
                               double *p);

/* One defended asset at risk from one threat. */
typedef struct {
    int asset;       /* index into the asset array */
    double p;        /* probability that the impact falls within the asset's lethal radius */
    double distance; /* m, geodesic distance from the predicted impact point to the asset */
} jmd_asset_risk;

/* The defended assets at risk from a predicted impact: those whose lethal
 * radius contains the predicted point or whose hit probability is >= p_min
 * (in [0, 1]; p_min 0 lists assets with any p > 0 — use e.g. 1e-3). `out`
 * has room for n entries; *nout receives how many were written, in asset
 * order. *value_at_risk (may be NULL) receives sum(value * p) over ALL
 * assets — the threat's value for weapon-target assignment. JMD_EINVAL for
 * NULL pointers (assets may be NULL when n is 0) or an asset with a
 * non-finite position, a negative radius or a negative value. */
int jmd_engage_assets_at_risk(const jmd_impact *imp, const jmd_asset *assets, size_t n,
                              double p_min, jmd_asset_risk *out, size_t *nout,
                              double *value_at_risk);

/* ======================================================================
 * Launch windows per firing site (reach model, docs/reach.md).
 * ==================================================================== */

/* What jmd_engage_window computes beyond the window for a commit now. */
#define JMD_WINDOW_LATEST 1u /* bisect the latest commit time (about 12 more reach calls) */

typedef struct {
    jmd_reach now; /* jmd_flight_reach for a commit at t_now */
    int feasible;  /* now.feasible */
    /* With a commit now (launch at t_now) the round is aimed at the
     * earliest feasible intercept, now.t_first (intercept far forward,
     * time left to look and shoot again). */
    double t_intercept;   /* s, = now.t_first when feasible */
    double t_launch;      /* s, launch time for that intercept, in [t_now,
                             t_intercept - burn_time): the reach model's
                             least-speed launch (waiting pays when the coast
                             left would be longer than the minimum-energy
                             one; docs/reach.md §1.4) */
    double lat, lon, alt; /* rad, rad, m: threat's ground point and altitude there */
    /* The latest commit time (s) that still gives a window, to 0.25 s
     * (feasible and JMD_WINDOW_LATEST); else NAN. */
    double t_commit_last;
    /* Shoot-look-shoot from the same site: a second round committed when
     * the first one's kill assessment is known (t_intercept +
     * site->assess_delay) still has a window. */
    int sls;
    double t_look;       /* s, t_intercept + assess_delay (feasible), else NAN */
    double t_intercept2; /* s, earliest intercept of the second round (sls), else NAN */
} jmd_window;

/* Launch window of `site` against a predicted threat trajectory at time
 * t_now (s). Feasibility uses site->ic, site->lat/lon/h; SLS uses
 * site->assess_delay; inventory and launchers are not looked at here. A
 * trajectory that ends before t_now gives an infeasible window (reason
 * JMD_REACH_TOO_LATE). JMD_EINVAL for NULL pointers, non-finite t_now,
 * a negative or non-finite assess_delay, unknown flags, or whatever
 * jmd_flight_reach rejects. */
int jmd_engage_window(const jmd_site *site, const jmd_trajectory *threat, double t_now,
                      unsigned flags, jmd_window *out);

/* ======================================================================
 * Weapon-target assignment (static, one decision epoch).
 * Greedy maximum marginal return (Manne 1958; den Broeder, Ellison &
 * Emerling 1959): docs/engage.md §4.
 * ==================================================================== */

/* A static WTA problem: nsites sites (weapon types) with rounds[i] rounds
 * available now, nthreats threats of value value[j] (> = 0, the expected
 * value they destroy if they leak) which already survive the rounds in
 * flight with probability survival[j] (NULL: all 1); pk[i * nthreats + j]
 * is the single-shot kill probability of a round of site i against threat
 * j (0 where there is no window or the rules forbid it); cap[j] limits the
 * rounds threat j may receive in this decision (NULL: no limit). A round
 * is assigned only when its marginal expected value exceeds round_cost
 * (>= 0: the worth of keeping an interceptor for later threats). */
typedef struct {
    size_t nsites, nthreats;
    const int *rounds;      /* [nsites], >= 0 */
    const double *value;    /* [nthreats], >= 0 */
    const double *survival; /* [nthreats] in [0, 1], or NULL */
    const double *pk;       /* [nsites * nthreats] in [0, 1] */
    const int *cap;         /* [nthreats] >= 0, or NULL */
    double round_cost;      /* >= 0 */
} jmd_wta_problem;

/* Expected defended value of assignment x ([nsites * nthreats] rounds):
 * sum_j value[j] * (1 - survival[j] * prod_i (1 - pk[i,j])^x[i,j]).
 * JMD_EINVAL for an invalid problem or a negative x (x may break the
 * rounds and caps; this only evaluates). */
int jmd_engage_wta_value(const jmd_wta_problem *p, const int *x, double *value);

/* Greedy maximum marginal return: repeatedly give one round to the
 * (site, threat) pair of largest value[j] * S[j] * pk[i,j] (S: the
 * threat's current survival probability), among sites with rounds left
 * and threats below their cap, while that gain exceeds round_cost; ties go
 * to the lower threat index, then the lower site index (deterministic).
 * Optimal when every site's pk against a threat is the same (identical
 * weapons, den Broeder et al. 1959); otherwise at least half the optimal
 * gain without caps (monotone submodular objective over a partition
 * matroid, Fisher, Nemhauser & Wolsey 1978). Writes x ([nsites *
 * nthreats], caller's array) and, if value is not NULL, the expected
 * defended value. Cost O(R * nsites * nthreats) for R rounds assigned.
 * JMD_EINVAL for NULL p/x, NULL arrays with non-zero sizes, values out of
 * range or non-finite. */
int jmd_engage_wta_greedy(const jmd_wta_problem *p, int *x, double *value);

/* ======================================================================
 * Kill assessment.
 * ==================================================================== */

typedef struct {
    int killed;      /* 1 when the intercept destroyed the threat */
    double t_assess; /* s, t_intercept + assess_delay: when the outcome becomes known */
} jmd_kill;

/* Draw an intercept's outcome: killed with probability pk (one uniform
 * from `rng`, always exactly one, so the stream does not depend on pk).
 * Pure apart from advancing rng. JMD_EINVAL for NULL pointers, pk outside
 * [0, 1], non-finite times or a negative assess_delay. */
int jmd_engage_resolve(double pk, double t_intercept, double assess_delay, jmd_rng *rng,
                       jmd_kill *out);

/* ======================================================================
 * Battle state: one defender's (or one joint command's) engagement
 * bookkeeping, called by a simulation engine or a party node each step.
 * ==================================================================== */

/* Doctrine of a planned round. */
enum {
    JMD_SHOT_SLS = 1,  /* shoot-look-shoot: one round; the threat is held
                          until its assessment, then re-planned */
    JMD_SHOT_SALVO = 2 /* no look possible: one of `salvo` rounds fired together */
};

/* One round to launch now. */
typedef struct {
    int site;           /* index into the battle's sites */
    int track_id;       /* the threat */
    int doctrine;       /* JMD_SHOT_* */
    int salvo;          /* rounds planned at this threat in this decision (1 for SLS) */
    double t_commit;    /* s, decision time (= the plan's t_now): the launcher
                           and the round are taken from then on */
    double t_launch;    /* s, >= t_commit: when the interceptor leaves (jmd_window.t_launch) */
    double t_intercept; /* s, predicted intercept time */
    double lat, lon, alt; /* predicted intercept point (rad, rad, m) */
    double pk;            /* the site's single-shot kill probability */
} jmd_engagement;

/* Rules of engagement hook: return non-zero when `site` (index) may engage
 * threat `track_id` through window `w` (whose intercept point a sectoral
 * rule tests). Called only for feasible windows; must be pure. */
typedef int (*jmd_engage_filter)(void *ctx, int site, int track_id, const jmd_window *w);

typedef struct {
    int salvo_max;     /* >= 1: rounds per threat per decision when no look is possible */
    int sls;           /* 1: shoot-look-shoot when the window allows; 0: always salvo */
    double round_cost; /* >= 0, see jmd_wta_problem */
    jmd_engage_filter filter; /* NULL: every site may engage every threat */
    void *filter_ctx;
} jmd_battle_opts;

/* Defaults: salvo_max 2, sls 1, round_cost 0, no filter. */
void jmd_battle_opts_default(jmd_battle_opts *o);

typedef struct jmd_battle jmd_battle; /* opaque */

/* Create a battle over nsites firing sites (copied: the caller's array may
 * go away). Site inventories and launchers are the battle's from now on.
 * JMD_EINVAL for NULL pointers, nsites 0, a site with negative inventory,
 * launchers < 1, a negative or non-finite reload or assess_delay, pk
 * outside [0, 1], non-finite position, or invalid opts; JMD_ENOMEM. */
int jmd_battle_create(const jmd_site *sites, size_t nsites, const jmd_battle_opts *opts,
                      jmd_battle **out);
void jmd_battle_free(jmd_battle *b); /* accepts NULL */

/* Register a threat, or update it (new prediction from its track): its
 * predicted trajectory (deep-copied; the caller keeps its own) and its
 * value (>= 0: expected value destroyed if it leaks, e.g. the
 * value_at_risk of jmd_engage_assets_at_risk). Rounds in flight and the
 * kill status are kept across updates. A threat of value 0 is tracked but
 * never engaged (the WTA gains nothing): give a threat aimed at no defended
 * asset a small positive value to engage it anyway. JMD_EINVAL for NULL, a trajectory
 * with fewer than 2 samples, a negative or non-finite value; JMD_ENOMEM. */
int jmd_battle_threat(jmd_battle *b, int track_id, const jmd_trajectory *pred, double value);
/* Forget a threat (track dropped, impacted). Rounds in flight at it stay
 * counted against the launchers and inventory; their outcomes are then
 * accepted and ignored. JMD_ENOTFOUND when unknown. */
int jmd_battle_threat_remove(jmd_battle *b, int track_id);

/* The rounds to launch at t_now (s, non-decreasing from call to call):
 * windows of every site with free rounds (min(inventory, free launchers))
 * against every live threat not held by an unassessed shoot-look-shoot
 * round, filtered by the rules hook, then greedy WTA (threat value x
 * survival of the rounds in flight). When opts.sls is set, no round is in
 * flight at the threat and some allowed site's window allows a second
 * look (jmd_window.sls), the threat gets at most one round, from such a
 * site (JMD_SHOT_SLS); otherwise up to salvo_max less the rounds in flight
 * (JMD_SHOT_SALVO). Writes at most cap entries (out may be NULL when cap
 * is 0), in threat registration order then site order; *n receives the
 * count (> cap means entries were dropped). Does not change the battle
 * (apart from caching closed windows): call jmd_battle_launch for each
 * round fired. JMD_EINVAL for NULL b/n, non-finite t_now; JMD_ENOMEM. */
int jmd_battle_plan(jmd_battle *b, double t_now, jmd_engagement *out, size_t cap, size_t *n);

/* Record a launch (as planned, or the caller's own): decrements the
 * site's inventory, occupies a launcher from e->t_commit until
 * e->t_launch + reload and puts the round in flight; *shot_id (may be
 * NULL) receives its id. JMD_EINVAL for an unknown site or threat, no
 * inventory, no launcher free at e->t_commit, non-finite times,
 * t_launch < t_commit, an unknown doctrine or pk outside [0, 1]. */
int jmd_battle_launch(jmd_battle *b, const jmd_engagement *e, int *shot_id);

/* Record a round's kill assessment (killed 1/0): a kill marks the threat
 * dead (never planned again); a miss releases the threat for re-planning.
 * JMD_ENOTFOUND for an unknown or already assessed shot. */
int jmd_battle_outcome(jmd_battle *b, int shot_id, int killed);

/* Site state at time t: interceptors left and launchers free at t. */
int jmd_battle_site_state(const jmd_battle *b, int site, double t, int *inventory,
                          int *free_launchers);

/* Threat state: killed (assessed), rounds fired at it, rounds unassessed. */
typedef struct {
    int killed;
    int fired;
    int in_flight;
    double survival; /* product of (1 - pk) over its unassessed rounds */
} jmd_battle_threat_info;
int jmd_battle_threat_state(const jmd_battle *b, int track_id, jmd_battle_threat_info *out);

#ifdef __cplusplus
}
#endif
#endif /* JMD_ENGAGE_H */
