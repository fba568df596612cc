/*
 * jmd/flight.h — powered and free flight of threats and interceptors.
 *
 * A point mass is propagated in jmd's ECI frame (see jmd/geo.h) with WGS-84
 * J2 gravity and aerodynamic drag in the US Standard Atmosphere 1976, with
 * events: burnout of each stage, apogee, re-entry (100 km) and impact
 * (the WGS-84 ellipsoid plus an impact height). Multi-stage boosters fly a
 * vertical rise, a pitch kick and a gravity turn; targeting searches the
 * launch azimuth, kick angle and thrust cut-off that put the re-entry
 * vehicle on an aim point on the rotating Earth. Interceptor reach uses the
 * kinematic model of the open literature (Lambert arcs from the site,
 * burnout speed as the limit; see docs/reach.md).
 *
 * Time t is in seconds since the scenario epoch (the instant ECI and ECEF
 * coincide). SI units and radians throughout. Functions return 0 or a
 * negative JMD_E* code. Ownership: a jmd_trajectory filled by a function is
 * owned by the caller and released with jmd_trajectory_free(); catalogue
 * records are owned by their catalogue.
 *
 * Workload: one targeting solve runs tens of full trajectories; reach runs
 * many Lambert solves per threat; both are inner loops of Monte Carlo and
 * sweeps, so they avoid allocation in their loops.
 */
#ifndef JMD_FLIGHT_H
#define JMD_FLIGHT_H

#include <stddef.h>

#include "jmd/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define JMD_G0 9.80665          /* standard gravity, m/s^2 (Isp conversion) */
#define JMD_MAX_STAGES 4

#define JMD_REENTRY_ALT 100e3   /* re-entry interface altitude, m */

/* ---- standard atmosphere ------------------------------------------------ */

/* US Standard Atmosphere 1976 at geometric altitude h (m): density (kg/m^3),
 * pressure (Pa), temperature (K) and speed of sound (m/s); any out-pointer
 * may be NULL. Valid from -5 km to 1,000 km; above 1,000 km the density is
 * extrapolated exponentially, below -5 km JMD_EINVAL. */
int jmd_atmosphere(double h, double *density, double *pressure, double *temperature,
                   double *sound_speed);

/* ---- vehicles ------------------------------------------------------------ */

typedef struct {
    double mass_gross; /* kg, stage mass at ignition, propellant included (not upper stages) */
    double mass_prop;  /* kg, propellant burned by the stage */
    double isp;        /* s, specific impulse (vacuum) */
    double burn_time;  /* s; thrust = mass_prop / burn_time * isp * JMD_G0 */
    double area;       /* m^2, drag reference area while this stage burns */
    double cd;         /* drag coefficient (constant) */
} jmd_stage;

/* A ballistic missile. Each number in a catalogue file carries its source. */
typedef struct {
    char name[JMD_NAME_MAX];
    char cls[16];          /* class label: SRBM, MRBM, IRBM, ICBM, SLBM */
    int nstages;           /* 1 .. JMD_MAX_STAGES */
    jmd_stage stage[JMD_MAX_STAGES];
    double payload_mass;   /* kg carried to last burnout (RV, bus) */
    double rv_beta;        /* kg/m^2, ballistic coefficient m/(Cd A) of the RV after burnout */
    double vertical_time;  /* s of vertical rise before the pitch kick */
} jmd_vehicle;

/* An interceptor class for the kinematic reach model. */
typedef struct {
    char name[JMD_NAME_MAX];
    double burnout_speed;  /* m/s, speed at burnout */
    double burn_time;      /* s, from launch to burnout */
    double min_alt;        /* m, lowest intercept altitude (endo: ~15 km; exo: ~70-100 km) */
    double max_alt;        /* m, highest intercept altitude */
    double max_range;      /* m, ground range limit from the site (<= 0: only burnout speed limits) */
} jmd_interceptor;

/* ---- trajectories ---------------------------------------------------- */

typedef struct {
    double t;       /* s since epoch */
    double r[3];    /* ECI position, m */
    double v[3];    /* ECI velocity, m/s */
} jmd_state;

enum {
    JMD_EV_LAUNCH = 0,
    JMD_EV_BURNOUT,  /* stage field says which (0-based) */
    JMD_EV_APOGEE,
    JMD_EV_REENTRY,  /* descending through JMD_REENTRY_ALT */
    JMD_EV_IMPACT
};

typedef struct {
    int kind;        /* JMD_EV_* */
    int stage;       /* for JMD_EV_BURNOUT, else -1 */
    jmd_state s;
} jmd_flight_event;

#define JMD_MAX_EVENTS 16

/* Time-tagged ECI states at increasing t (dense output on a fixed step plus
 * every event), and the events themselves. The sample array is owned by the
 * trajectory; free with jmd_trajectory_free(). A zero-initialised struct is
 * a valid empty trajectory. */
typedef struct {
    jmd_state *s;
    size_t n, cap;
    jmd_flight_event ev[JMD_MAX_EVENTS];
    int nev;
} jmd_trajectory;

void jmd_trajectory_free(jmd_trajectory *tr); /* accepts NULL; leaves it empty */
/* State at time t by cubic Hermite interpolation between samples;
 * JMD_ERANGE when t lies outside [s[0].t, s[n-1].t]. */
int jmd_trajectory_at(const jmd_trajectory *tr, double t, jmd_state *out);
/* The first event of a kind (for burnouts: the last stage's), or JMD_ENOTFOUND. */
int jmd_trajectory_event(const jmd_trajectory *tr, int kind, jmd_flight_event *out);

/* ---- propagation ----------------------------------------------------- */

typedef struct {
    int j2;              /* 1: J2 gravity; 0: point mass */
    int drag;            /* 1: drag in the US 1976 atmosphere; 0: vacuum */
    double rtol, atol;   /* integrator tolerances (relative; absolute, m and m/s) */
    double output_step;  /* s between dense output samples (> 0) */
    double impact_alt;   /* m above the ellipsoid at which impact is declared */
    double max_time;     /* s of flight after which propagation stops (no impact) */
} jmd_flight_opts;

/* Defaults: J2 and drag on, the integrator tolerances documented in
 * docs/flight.md, 1 s output, impact at 0 m, max 3 h. */
void jmd_flight_opts_default(jmd_flight_opts *o);

/* Unpowered flight of a body of ballistic coefficient beta (kg/m^2; <= 0 or
 * infinite: no drag) from `start` until impact or start.t + opts->max_time.
 * Appends to `out` (which may hold earlier samples ending at start.t). */
int jmd_flight_coast(const jmd_state *start, double beta, const jmd_flight_opts *opts,
                     jmd_trajectory *out);

/* Launch of a vehicle from the ground. */
typedef struct {
    double lat, lon, h;   /* launch point, geodetic rad / m */
    double t0;            /* launch time, s since epoch */
    double azimuth;       /* launch azimuth, rad clockwise from north (Earth-relative) */
    double kick;          /* pitch-kick angle from the vertical, rad */
    double cutoff;        /* s after launch at which thrust is terminated (<= 0: burn to depletion) */
} jmd_launch;

/* Powered flight (vertical rise, kick, gravity turn, staging) then free
 * flight to impact. Fills `out` (emptied first) with samples and events. */
int jmd_flight_fly(const jmd_vehicle *veh, const jmd_launch *launch,
                   const jmd_flight_opts *opts, jmd_trajectory *out);

/* ---- targeting --------------------------------------------------------- */

typedef enum {
    JMD_TRAJ_MIN_ENERGY = 0,
    JMD_TRAJ_LOFTED,
    JMD_TRAJ_DEPRESSED
} jmd_traj_type;

typedef struct {
    jmd_launch launch;      /* the solved launch parameters */
    double miss;            /* m, geodesic distance from impact to aim point */
    double ground_range;    /* m, geodesic launch point -> aim point */
    double burnout_speed;   /* m/s, inertial speed at last burnout */
    double burnout_gamma;   /* rad, inertial flight-path angle at last burnout */
    double burnout_alt;     /* m */
    double burnout_time;    /* s after launch */
    double apogee_alt;      /* m */
    double flight_time;     /* s, launch to impact */
    double impact_lat, impact_lon; /* rad */
    double impact_speed;    /* m/s, Earth-relative */
} jmd_target_result;

/* Aim a vehicle from (lat0, lon0) at (lat1, lon1) on the rotating Earth.
 * apogee_alt (m) is required for LOFTED and DEPRESSED (<= 0: the lofted or
 * depressed trajectory at full burn); ignored for MIN_ENERGY. `out` may be
 * NULL. JMD_ENOSOL when the vehicle cannot reach the aim point on that
 * trajectory type. */
int jmd_flight_target(const jmd_vehicle *veh, double lat0, double lon0, double lat1,
                      double lon1, jmd_traj_type type, double apogee_alt, double t0,
                      const jmd_flight_opts *opts, jmd_target_result *res,
                      jmd_trajectory *out);

/* Free flight without a booster: the burnout (at height h0 above the launch
 * point at time t0) velocity that puts a drag-free, J2-free Kepler arc on
 * the aim point (lat1, lon1, height 0) on the rotating Earth, for the given
 * trajectory type (apogee_alt as for jmd_flight_target). res->launch holds
 * position, time and, as azimuth, the heading of the Earth-relative burnout
 * velocity (kick and cutoff are 0). `out` may be NULL. */
int jmd_flight_aim_free(double lat0, double lon0, double h0, double lat1, double lon1,
                        jmd_traj_type type, double apogee_alt, double t0,
                        const jmd_flight_opts *opts, jmd_target_result *res,
                        jmd_trajectory *out);

/* ---- interceptor reach ------------------------------------------------- */

enum {
    JMD_REACH_OK = 0,
    JMD_REACH_OUT_OF_REACH,   /* never within the interceptor's kinematic reach */
    JMD_REACH_TOO_LATE,       /* reachable only before the commit time allows */
    JMD_REACH_BELOW_MIN_ALT,  /* reachable points all below the minimum altitude */
    JMD_REACH_ABOVE_MAX_ALT   /* reachable points all above the maximum altitude */
};

typedef struct {
    int feasible;           /* 1 when an intercept window exists */
    int reason;             /* JMD_REACH_* (JMD_REACH_OK when feasible) */
    double t_first, t_last; /* s since epoch, earliest and latest intercept */
    double alt_first, alt_last; /* m */
    double lat_first, lon_first, lat_last, lon_last; /* rad, ground points */
    double speed_first, speed_last; /* m/s, flyout speed the arc needs at burnout */
} jmd_reach;

/* Kinematic reach of an interceptor fired at t_commit from the site
 * (lat, lon rad; h m) against a threat trajectory. */
int jmd_flight_reach(const jmd_interceptor *ic, double lat, double lon, double h,
                     const jmd_trajectory *threat, double t_commit, jmd_reach *out);

/* Earth-relative burnout speed (m/s) of the short-way Lambert arc that
 * leaves a ground site (ECEF site_ecef, m, turning with the Earth) at
 * t - tau and reaches the ECI point r2 at t (s; tau > 0 the coast time):
 * |v1 - w x r1|, the speed the interceptor must have at burnout. +INFINITY
 * when there is no such arc, when it would leave the site downward, or for
 * invalid arguments. The reach model's building block (docs/reach.md). */
double jmd_flight_arc_speed(const double site_ecef[3], double t, const double r2[3], double tau);

/* Text for a JMD_REACH_* reason ("out of reach", ...). */
const char *jmd_reach_reason(int reason);

/* ---- catalogue ----------------------------------------------------------- */

/* Vehicle and interceptor classes read from YAML (see docs/catalogue.md).
 * Owned by the caller; free with jmd_catalogue_free(). */
typedef struct {
    jmd_vehicle *vehicles;
    size_t nvehicles;
    jmd_interceptor *interceptors;
    size_t ninterceptors;
} jmd_catalogue;

/* Parse YAML text (len bytes, need not be NUL-terminated); `name` labels
 * error messages (a file name). Adds to *cat, which may already hold
 * entries (start from a zero-initialised struct). On error returns
 * JMD_EPARSE (or JMD_EINVAL, JMD_ENOMEM) and writes "name:line:col: what:
 * expected ..., found ..." to err (errlen bytes, always NUL-terminated);
 * *cat is left as it was before the call. */
int jmd_catalogue_parse(jmd_catalogue *cat, const char *text, size_t len, const char *name,
                        char *err, size_t errlen);
/* Read and parse a file (JMD_EIO when it cannot be read). */
int jmd_catalogue_load(jmd_catalogue *cat, const char *path, char *err, size_t errlen);
/* Add the catalogue built into the library (the data folder's YAML files, embedded at build time). */
int jmd_catalogue_load_builtin(jmd_catalogue *cat, char *err, size_t errlen);
void jmd_catalogue_free(jmd_catalogue *cat); /* accepts NULL; leaves it empty */
/* Lookup by exact name; NULL when absent. Pointers stay valid until the
 * catalogue is freed or added to. */
const jmd_vehicle *jmd_catalogue_vehicle(const jmd_catalogue *cat, const char *name);
const jmd_interceptor *jmd_catalogue_interceptor(const jmd_catalogue *cat, const char *name);

#ifdef __cplusplus
}
#endif
#endif /* JMD_FLIGHT_H */
