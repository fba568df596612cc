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
 * sensor per target per scan.
 */
#ifndef JMD_SENSOR_H
#define JMD_SENSOR_H

#include "jmd/common.h"
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

#ifdef __cplusplus
}
#endif
#endif /* JMD_SENSOR_H */
