/*
 * jmd/track.h — tracking of ballistic targets from radar measurements:
 * the filter, the assignment solver, the multi-target tracker, fusion and
 * consistency statistics.
 *
 * Filter: an extended Kalman filter in jmd's ECI frame (jmd/geo.h) on the
 * state x = (r, v) (m, m/s) with a 6x6 covariance. Dynamics are point-mass
 * plus J2 gravity (no drag), integrated with fixed-step RK4 together with
 * the state-transition matrix; process noise is continuous white
 * acceleration of power spectral density q (m^2/s^3), large while the
 * target may be boosting or is in the atmosphere. Updates are in range,
 * azimuth, elevation of a radar at a WGS-84 site (ENU on the geodetic
 * normal, azimuth innovations wrapped to (-pi, pi]), with the Joseph-form
 * covariance update; covariances are kept symmetric and positive definite.
 *
 * Tracker: per scan of one radar, chi-square gating, global nearest
 * neighbour association solved optimally (Kuhn-Munkres, jmd_track_assign),
 * M-of-N confirmation, deletion after misses or covariance growth,
 * initiation from two unassociated measurements (position differencing) or
 * from an early-warning launch report (cue). Deterministic: no randomness,
 * the same calls give the same bytes. See docs/track.md.
 *
 * Time t is in seconds since the scenario epoch (ECI = ECEF at t = 0).
 * Functions return 0 or a negative JMD_E* code; on failure outputs are
 * unspecified unless stated. Ownership: a jmd_tracker is created and owned
 * by the caller (jmd_tracker_destroy); everything else is plain data copied
 * in and out. A tracker is not thread-safe; distinct trackers are
 * independent. Workload: jmd_tracker_scan is the hot path (one call per
 * sensor scan; cost ~ tracks x measurements for gating plus one filter
 * update per association).
 */
#ifndef JMD_TRACK_H
#define JMD_TRACK_H

#include <stddef.h>

#include "jmd/common.h"
#include "jmd/sensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the filter ---------------------------------------------------------- */

/* A state estimate at time t: x = (r, v) in ECI (m, m/s); P its covariance
 * (row-major, symmetric positive definite). */
typedef struct {
    double t;
    double x[6];
    double P[6][6];
} jmd_track_est;

/* Dynamics and process noise. */
typedef struct {
    int j2;              /* 1: J2 gravity (default); 0: point mass */
    double max_step;     /* s, largest RK4 step (default 10; > 0) */
    double q_free;       /* m^2/s^3, white-acceleration PSD in exo-atmospheric free flight (default 1) */
    double q_boost;      /* m^2/s^3, PSD while the target may be boosting or is in the
                            atmosphere (default 1e4: ~100 m/s^2 over a 1 s scan) */
    double boost_window; /* s after launch (cued tracks) or after the first detection
                            during which q_boost applies (default 240) */
    double atmo_alt;     /* m, below this geodetic height q_boost applies (drag; default 80e3) */
} jmd_track_model;

void jmd_track_model_default(jmd_track_model *m);

/* A radar site prepared for measurement updates: geodetic position (rad,
 * m), its ECEF position and the ECEF->ENU rotation (rows E, N, U). Fill
 * with jmd_track_site_init. */
typedef struct {
    double lat, lon, h;
    double ecef[3];
    double enu[3][3];
} jmd_track_site;

/* JMD_EINVAL for non-finite input or |lat| > pi/2. */
int jmd_track_site_init(jmd_track_site *s, double lat, double lon, double h);

/* Propagate e to time t (earlier or later) under the model's gravity with
 * white-acceleration PSD q (m^2/s^3, >= 0): RK4 in steps of at most
 * m->max_step, P <- F P F' + Q with F the transition matrix integrated
 * along and Q the continuous white-noise-acceleration matrix (Bar-Shalom
 * et al. 2001, sec. 6.2.2) over |t - e->t|. JMD_EINVAL for bad arguments,
 * JMD_ERANGE when the state passes within 1,000 km of the Earth's centre. */
int jmd_track_predict(const jmd_track_model *m, double q, jmd_track_est *e, double t);

/* The process-noise PSD the tracker uses for an estimate whose boost
 * window ends at t_boost_end: q_boost while e->t < t_boost_end or the
 * geodetic height of e's position is below m->atmo_alt, else q_free. */
double jmd_track_q(const jmd_track_model *m, const jmd_track_est *e, double t_boost_end);

/* Predicted measurement (range m, azimuth rad in [0, 2pi), elevation rad)
 * of e at its time e->t from the site, its innovation covariance S (3x3,
 * with noise sigma = range m, az rad, el rad) and, if z is not NULL, the
 * innovation z - h (azimuth wrapped to (-pi, pi]) and the normalised
 * innovation squared *d2 = nu' S^-1 nu. Any out-pointer may be NULL.
 * JMD_EINVAL when the target coincides with the site. */
int jmd_track_innovation(const jmd_track_site *s, const double sigma[3], const jmd_track_est *e,
                         const double z[3], double h[3], double S[3][3], double nu[3],
                         double *d2);

/* EKF measurement update of e (already at the measurement time) with
 * z = (range m, az rad, el rad) and 1-sigma noise sigma[3]; Joseph-form
 * covariance, symmetrised, with a small diagonal load if needed to stay
 * positive definite. *nis (may be NULL) gets the normalised innovation
 * squared before the update. JMD_EINVAL for bad input (e left as it was). */
int jmd_track_update(const jmd_track_site *s, const double z[3], const double sigma[3],
                     jmd_track_est *e, double *nis);

/* ---- consistency and fusion ------------------------------------------- */

/* Normalised estimation error squared (x - x_true)' P^-1 (x - x_true)
 * (6 degrees of freedom when e is consistent). JMD_EINVAL when P is not
 * positive definite. */
int jmd_track_nees(const jmd_track_est *e, const double x_true[6], double *nees);

/* Quantile x of the chi-square distribution with dof degrees of freedom
 * (P(X <= x) = p, 0 < p < 1, dof > 0), by bisection on the regularised
 * incomplete gamma function to 1e-12 relative. */
int jmd_track_chi2_quantile(double p, double dof, double *x);

/* Track-to-track fusion by covariance intersection (Julier & Uhlmann
 * 1997): P^-1 = w Pa^-1 + (1-w) Pb^-1, x = P (w Pa^-1 xa + (1-w) Pb^-1 xb)
 * with w in [0, 1] minimising trace P (golden-section search). a and b
 * must be at the same time (predict one first); *w may be NULL. Consistent
 * whatever the unknown correlation between a and b. */
int jmd_track_ci(const jmd_track_est *a, const jmd_track_est *b, jmd_track_est *out,
                 double *w);

/* ---- optimal assignment ------------------------------------------------ */

/* Minimum-cost partial assignment (Kuhn-Munkres / Hungarian algorithm with
 * potentials, O((nr+nc)^3)): each row is matched to at most one column and
 * each column to at most one row; a matched pair (i, j) costs
 * cost[i*nc + j], a row left unmatched costs row_miss[i], a column left
 * unmatched col_miss[j] (NULL: 0 for all). cost entries that are +INFINITY
 * (or NaN) are forbidden pairs; all other costs and the miss costs must be
 * finite (may be negative). To force as many matches as possible, give
 * misses a large cost. row_to_col[i] gets the column of row i or -1;
 * *total (may be NULL) the minimum total cost. JMD_ENOMEM, JMD_EINVAL. */
int jmd_track_assign(size_t nr, size_t nc, const double *cost, const double *row_miss,
                     const double *col_miss, int *row_to_col, double *total);

/* ---- the multi-target tracker ------------------------------------------ */

typedef struct {
    jmd_track_model model;
    double gate_prob;      /* chi-square gate probability on 3 dof (default 0.999) */
    int confirm_m, confirm_n; /* confirmed after confirm_m hits within the first confirm_n
                              scans that should have seen the track (default 3 of 5;
                              1 <= m <= n <= 32) */
    int delete_misses;     /* confirmed tracks are deleted after this many consecutive
                              misses (default 5) */
    double max_pos_sigma;  /* m, delete when the largest position standard deviation
                              (sqrt of the largest diagonal element) exceeds it (default 50e3) */
    double max_speed;      /* m/s, two-point initiation: largest speed (default 8000) */
    double seed_max_age;   /* s, an unassociated measurement can seed a track for this long
                              (default 30) */
    double cue_timeout;    /* s after the report after which an unused cue is dropped
                              (default 600) */
    double init_accel;     /* m/s^2, unmodelled acceleration allowed for at initiation: it
                              sizes a cue's prior and widens a two-point velocity (default 30) */
} jmd_tracker_config;

void jmd_tracker_config_default(jmd_tracker_config *c);

enum { JMD_TRACK_TENTATIVE = 0, JMD_TRACK_CONFIRMED = 1 };

typedef struct {
    long id;               /* 1, 2, ... in order of creation; never reused */
    int status;            /* JMD_TRACK_TENTATIVE or JMD_TRACK_CONFIRMED */
    int cued;              /* 1 when started from a launch report */
    int hits;              /* measurement updates */
    int misses;            /* consecutive scans in coverage without an update */
    double t_first;        /* s, time of the first measurement (or the cue's launch time) */
    double t_update;       /* s, time of the last measurement update */
    long last_meas_id;     /* meas_id of the last measurement used */
    jmd_track_est est;     /* current estimate (at the last scan time) */
} jmd_track_info;

typedef struct {
    long scans, measurements, updates; /* updates: measurements used by tracks */
    long started, confirmed, deleted;  /* track counts since creation */
} jmd_tracker_stats;

typedef struct jmd_tracker jmd_tracker;

/* Create a tracker (cfg NULL: defaults). The config is copied. JMD_EINVAL
 * for a bad config, JMD_ENOMEM. */
int jmd_tracker_create(const jmd_tracker_config *cfg, jmd_tracker **out);
void jmd_tracker_destroy(jmd_tracker *tk); /* accepts NULL */

/* Process one scan of a radar at time t (non-decreasing from call to call;
 * JMD_EINVAL otherwise, or for a measurement with a non-finite value, a
 * range <= 0 or |el| > pi/2, or a radar whose sigma_* are not > 0: the
 * tracker is then unchanged). Every track is predicted to t; measurements
 * m[0..n) (their own t field is ignored) are gated, assigned (confirmed
 * tracks first, then tentative tracks and cues, then two-point seeds) and
 * used; a track whose predicted measurement lies inside the radar's
 * coverage but that got no measurement counts a miss. Coverage: elevation
 * in [min_el, max_el] (no limit when max_el <= min_el), within fov_az /
 * fov_el of the boresight (no limit when <= 0; fov_az >= pi is all round),
 * range <= max_range (no limit when <= 0). The life cycle then advances.
 * The radar's site and sigma_* give the measurement model; m is not kept.
 * JMD_ENOMEM leaves the tracker valid but the scan only partly applied. */
int jmd_tracker_scan(jmd_tracker *tk, const jmd_radar *radar, double t,
                     const jmd_measurement *m, size_t n);

/* Register an early-warning launch report: a cue whose prior (centred
 * above the reported launch point, with a covariance that grows with the
 * time since launch) competes for measurements in later scans; the first
 * measurement it wins starts a tentative track with boost process noise
 * from the reported launch time. JMD_EINVAL, JMD_ENOMEM. */
int jmd_tracker_cue(jmd_tracker *tk, const jmd_launch_report *r);

/* Live tracks, in order of id. */
size_t jmd_tracker_count(const jmd_tracker *tk);
/* Track number i (0 <= i < count); JMD_ERANGE otherwise. */
int jmd_tracker_track(const jmd_tracker *tk, size_t i, jmd_track_info *out);
/* Estimate of track i propagated to any time t (the tracker's own dynamics
 * and process noise; the track itself is unchanged). */
int jmd_tracker_predict(const jmd_tracker *tk, size_t i, double t, jmd_track_est *out);
/* Pending cues (not yet turned into tracks). */
size_t jmd_tracker_cue_count(const jmd_tracker *tk);
void jmd_tracker_stats_get(const jmd_tracker *tk, jmd_tracker_stats *out);

/* ECI estimate -> ECEF state (position, Earth-relative velocity
 * v_ecef = C v_eci - w x r_ecef) and its 6x6 covariance (J P J'). */
int jmd_track_to_ecef(const jmd_track_est *e, double x_ecef[6], double P_ecef[6][6]);

#ifdef __cplusplus
}
#endif
#endif /* JMD_TRACK_H */
