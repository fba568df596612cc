/*
 * jmd/sensor.h — sensors and the measurements they make: ground (or ship)
 * radars and infrared early-warning satellites.
 *
 * A radar sees a target when the line of sight clears the WGS-84
 * ellipsoid, the elevation lies within its limits, the direction lies
 * within its field of view about the boresight, and the range is within
 * its instrumented range; it then detects with the Swerling I probability
 * for the signal-to-noise ratio at that range and radar cross-section
 * (SNR scales as RCS / R^4, so detection range scales as RCS^(1/4)), at the
 * radar's false-alarm probability, once per revisit interval, and reports
 * range, azimuth and elevation with Gaussian noise. An infrared
 * early-warning satellite sees a booster while it burns and reports, after
 * a delay, the launch time, launch point and azimuth with stated accuracy.
 *
 * Configuration structs are plain data filled by the scenario loader (SI,
 * radians); measurement generation draws only from the jmd_rng the caller
 * passes — one stream per sensor (jmd/rng.h). Hot path: one call per
 * sensor per target per scan; nothing here allocates. The IR satellite
 * reads a truth jmd_trajectory, so this header includes jmd/flight.h
 * (sensor sits below flight in the include graph; flight never includes
 * sensor). Models and sources: docs/sensor.md.
 */
#ifndef JMD_SENSOR_H
#define JMD_SENSOR_H

#include "jmd/common.h"
#include "jmd/flight.h"
#include "jmd/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A radar. Detection performance is given as `range_ref`: the range at
 * which a target of `rcs_ref` is detected on one look with probability
 * `pd_ref` at false-alarm probability `pfa` (Swerling I); that fixes the
 * reference SNR. */
typedef struct {
    char name[JMD_NAME_MAX];
    int owner;               /* party index */
    double lat, lon, h;      /* geodetic site, rad / m */
    double boresight_az;     /* rad, clockwise from north */
    double boresight_el;     /* rad */
    double fov_az;           /* rad, half-width about the boresight azimuth (>= pi: all round) */
    double fov_el;           /* rad, half-width about the boresight elevation */
    double min_el, max_el;   /* rad, elevation limits */
    double range_ref;        /* m, detection range against rcs_ref at pd_ref */
    double rcs_ref;          /* m^2 */
    double pd_ref;           /* single-look Pd at range_ref, in (pfa, 1) */
    double pfa;              /* false-alarm probability per resolution cell */
    double max_range;        /* m, instrumented range (<= 0: no limit) */
    double revisit;          /* s between looks at a target */
    double sigma_range;      /* m, 1-sigma range noise */
    double sigma_az;         /* rad, 1-sigma azimuth noise */
    double sigma_el;         /* rad, 1-sigma elevation noise */
    /* Added after the first release of this struct (zero-initialised
     * radars keep the old meaning): */
    double false_alarms_per_scan; /* mean number of false alarms per scan (Poisson), >= 0, <= 1e4 */
} jmd_radar;

/* An infrared early-warning satellite (geostationary or any fixed
 * sub-satellite point and altitude; jmd models it as fixed in ECEF). */
typedef struct {
    char name[JMD_NAME_MAX];
    int owner;
    double lat, lon, h;      /* sub-satellite point, rad, and altitude, m */
    double min_alt;          /* m, booster altitude above which the plume is seen (cloud tops) */
    double delay;            /* s from first sighting to the report */
    double sigma_pos;        /* m, 1-sigma error of the reported launch point (each horizontal axis) */
    double sigma_t;          /* s, 1-sigma error of the reported launch time */
    double sigma_az;         /* rad, 1-sigma error of the reported launch azimuth */
} jmd_irsat;

/* One radar measurement (a detection). */
typedef struct {
    double t;            /* s since epoch: the scan time */
    int sensor;          /* index of the radar in the scenario */
    long meas_id;        /* unique per run */
    double range;        /* m */
    double az;           /* rad, clockwise from north, [0, 2pi) */
    double el;           /* rad above the local (geodetic) horizontal */
    double snr;          /* linear signal-to-noise ratio of the detection */
    int truth;           /* truth object index, -1 for a false alarm: for scoring only, never for tracking */
} jmd_measurement;

/* A launch report from an early-warning satellite (the JDEC content that
 * a satellite can give: launch time, launch point, azimuth). */
typedef struct {
    double t;            /* s since epoch: when the report is issued */
    int sensor;          /* index of the satellite in the scenario */
    double t_launch;     /* s, estimated launch time */
    double lat, lon;     /* rad, estimated launch point */
    double azimuth;      /* rad, estimated launch azimuth, clockwise from north */
    double sigma_pos, sigma_t, sigma_az; /* the stated accuracies */
    int truth;           /* truth object index: for scoring only */
} jmd_launch_report;


/* ---- radar ----------------------------------------------------------------
 *
 * Geometry: the radar sits at its geodetic site (lat, lon, h), fixed in
 * ECEF; it measures in its ENU frame on the geodetic normal at the site
 * (jmd/geo.h). A target position is given in jmd's ECI frame at time t
 * (s since epoch) and rotated to ECEF at that t. The measurement vector is
 * z = (range m, azimuth rad clockwise from north in [0, 2pi), elevation rad).
 *
 * Every function returns 0, or JMD_EINVAL for a NULL pointer, a non-finite
 * argument or a radar that fails jmd_radar_check; on failure the outputs
 * are unspecified (never a success with a non-finite output: that is
 * JMD_ERANGE). None allocates; all are reentrant (a jmd_rng is used by one
 * thread at a time). */

/* 0 when the radar's configuration is usable, else JMD_EINVAL: lat in
 * [-pi/2, pi/2], lon and h finite; boresight finite; fov_az > 0 and
 * fov_el > 0; -pi/2 <= min_el <= max_el <= pi/2; range_ref > 0;
 * rcs_ref > 0; 0 < pfa < pd_ref < 1; max_range finite; revisit >= 0;
 * sigmas >= 0; 0 <= false_alarms_per_scan <= 1e4. */
int jmd_radar_check(const jmd_radar *radar);

/* Geometry only: *visible = 1 when the target at ECI position r_eci at time
 * t is in the radar's view: the straight line of sight clears the bare
 * WGS-84 ellipsoid (jmd_geo_line_of_sight, no refraction); the elevation
 * is within [min_el, max_el]; the direction lies in the field of view, an
 * azimuth-elevation box |az - boresight_az| <= fov_az (difference wrapped
 * to (-pi, pi]; fov_az >= pi: all round) and |el - boresight_el| <= fov_el;
 * and the range is at most max_range (when max_range > 0). A target at the
 * site itself is not visible. Draws nothing. */
int jmd_radar_visible(const jmd_radar *radar, double t, const double r_eci[3], int *visible);

/* The Swerling I single-look detection probability and mean SNR (linear)
 * of a target of radar cross-section rcs (m^2, >= 0) at slant range
 * `range` (m, > 0): SNR = SNR_ref (rcs / rcs_ref) (range_ref / range)^4 with
 * SNR_ref = ln(pfa) / ln(pd_ref) - 1, and Pd = pfa^(1 / (1 + SNR)). So a
 * target of 2 rcs has the same Pd at 2^(1/4) times the range. Either
 * out-pointer may be NULL. Geometry is not checked (see jmd_radar_visible). */
int jmd_radar_pd(const jmd_radar *radar, double range, double rcs, double *pd, double *snr);

/* One look of the radar at one target at time t (the caller schedules the
 * looks: see jmd_radar_next_look). When the target is visible
 * (jmd_radar_visible) the detection is a Bernoulli draw with
 * jmd_radar_pd's Pd; on a detection *detected = 1 and *out holds t,
 * sensor = sensor_index, the range, azimuth and elevation with independent
 * Gaussian noise (sigma_range, sigma_az, sigma_el; azimuth wrapped to
 * [0, 2pi); an elevation pushed past +-pi/2 by noise is reflected over the
 * zenith, azimuth turned by pi), and snr = the mean SNR of the target (the
 * model's value, for scoring and display). meas_id is set to -1 and truth
 * to -1: the caller (who numbers measurements and knows the truth object)
 * must fill both. Otherwise *detected = 0 and *out is untouched.
 * Random draws, from `rng` only: none when the target is not visible; one
 * uniform for the detection; three normals when detected. rcs: m^2, >= 0. */
int jmd_radar_observe(const jmd_radar *radar, int sensor_index, double t, const double r_eci[3],
                      double rcs, jmd_rng *rng, jmd_measurement *out, int *detected);

/* False alarms of one scan at time t: a Poisson count N with mean
 * radar->false_alarms_per_scan, each uniform in the searched volume (the
 * field-of-view box intersected with the elevation limits, uniform in
 * solid angle, out to max_range, or to 4 range_ref when max_range <= 0,
 * uniform in volume: range = R u^(1/3)). A false alarm is noise in a
 * resolution cell, so Earth blockage does not apply. The first
 * min(N, cap) are written to out[] (meas_id -1, truth -1, snr 0, no
 * further noise); *n = N, so N > cap says some were dropped. Draws: the
 * Poisson count, then three uniforms per written alarm. out may be NULL
 * when cap is 0. */
int jmd_radar_false_alarms(const jmd_radar *radar, int sensor_index, double t, jmd_rng *rng,
                           jmd_measurement *out, int cap, int *n);

/* Look scheduling. The radar looks at t_first, t_first + revisit,
 * t_first + 2 revisit, ...; *t_next = the first look time >= t - tol
 * (t_first itself when t < t_first). revisit = 0 means every call is a
 * look (*t_next = t). tol >= 0 (s) absorbs the rounding of a simulation
 * clock that steps by a dt which does not divide revisit exactly. */
int jmd_radar_next_look(const jmd_radar *radar, double t_first, double t, double tol,
                        double *t_next);
/* *is_look = 1 when |t - look time| <= tol for some look time
 * t_first + k revisit, k >= 0 (revisit = 0: always 1). */
int jmd_radar_is_look(const jmd_radar *radar, double t_first, double t, double tol, int *is_look);

/* The measurement function for a tracker: z = h(r_eci) = (range, az, el)
 * of the ECI position at time t, exactly what jmd_geo_aer gives after
 * jmd_geo_eci_to_ecef, and, when H is not NULL, its analytic Jacobian
 * H[i][j] = dz_i / dr_eci_j (rows range, az, el; 1, 1/m, 1/m). JMD_ERANGE
 * when the position is at the site or, with H requested, on the site's
 * vertical (azimuth undefined). */
int jmd_radar_h(const jmd_radar *radar, double t, const double r_eci[3], double z[3],
                double H[3][3]);

/* The inverse, for track initiation: the ECI position at time t of the
 * measurement z = (range > 0, az, el in [-pi/2, pi/2]), and, when cov is
 * not NULL, its first-order covariance G diag(sigma_range^2, sigma_az^2,
 * sigma_el^2) G^T (m^2) with G = dr_eci/dz, using the radar's sigmas. */
int jmd_radar_to_eci(const jmd_radar *radar, double t, const double z[3], double r_eci[3],
                     double cov[3][3]);

/* ---- infrared early-warning satellite -------------------------------------
 *
 * The satellite is fixed in ECEF at its sub-satellite point and altitude
 * (geostationary: lat 0, h 35,786 km). Same error conventions as above. */

/* 0 when the satellite's configuration is usable, else JMD_EINVAL: lat in
 * [-pi/2, pi/2], lon finite, h > 0, min_alt finite, delay >= 0, sigmas >= 0
 * and finite. */
int jmd_irsat_check(const jmd_irsat *sat);

/* Looks at a whole truth trajectory at once. The satellite first sees the
 * booster at the earliest time t_seen in the burn — from the launch (the
 * JMD_EV_LAUNCH event, else the first sample) to the last JMD_EV_BURNOUT
 * event — at which the booster is above min_alt (height above the
 * ellipsoid) and the line of sight from the satellite clears the WGS-84
 * ellipsoid (found on the samples, refined by bisection to 1 ms). A
 * trajectory without a burnout event, or whose last burnout is at its
 * start (jmd_flight_aim_free's free flight), has no plume: never seen.
 * On a sighting *detected = 1 and *out holds: t = t_seen + delay (the
 * caller delivers the report at that time); sensor = sensor_index; truth =
 * truth_index; t_launch = true launch time + N(0, sigma_t); lat, lon = the
 * true launch point moved sigma_pos N(0,1) metres north and east (local
 * radii of curvature; lon in (-pi, pi]); azimuth = the geodesic azimuth
 * from the true launch point to the booster's ground point at min(t, last
 * burnout) (the track the satellite has watched) + N(0, sigma_az), wrapped
 * to [0, 2pi); and the stated sigmas. Otherwise *detected = 0 and *out is
 * untouched. Draws, from `rng` only: four normals (time, north, east,
 * azimuth) when detected, none otherwise. JMD_EINVAL for NULL pointers, a
 * satellite failing jmd_irsat_check, or an empty trajectory. The
 * trajectory is only read; no allocation. */
int jmd_irsat_observe(const jmd_irsat *sat, int sensor_index, const jmd_trajectory *truth,
                      int truth_index, jmd_rng *rng, jmd_launch_report *out, int *detected);

#ifdef __cplusplus
}
#endif
#endif /* JMD_SENSOR_H */
