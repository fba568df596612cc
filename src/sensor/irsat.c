/*
 * irsat.c — infrared early-warning satellites: the first sighting of a
 * burning booster over the Earth's limb and the launch report (launch time,
 * launch point, azimuth) issued after a delay, with stated accuracy.
 *
 * Model: the satellite is fixed in ECEF (a geostationary satellite, or any
 * fixed sub-satellite point and altitude). It sees the plume while the
 * booster burns — from launch to the last stage's burnout — once the booster
 * is above min_alt (cloud tops and the water-vapour absorption that hides a
 * plume low in the atmosphere) and the straight line of sight clears the
 * WGS-84 ellipsoid. It does not model sensitivity, plume brightness, sun
 * glint or revisit of a scanning sensor (see docs/sensor.md).
 *
 * Workload: one call per satellite per threat, over the burn's samples (a
 * few hundred at the default 1 s output) plus a short bisection; no
 * allocation. Draws only from the caller's jmd_rng, in the documented order.
 */
#include <math.h>
#include <stddef.h>

#include "jmd/sensor.h"
#include "sensor/sensor__internal.h"

/* The bisection on the first-sighting time stops below this (s). */
#define IRSAT__T_TOL 1e-3

int jmd_irsat_check(const jmd_irsat *s)
{
    if (!s) return JMD_EINVAL;
    if (!sensor__lat_ok(s->lat) || !isfinite(s->lon) || !isfinite(s->h) || !(s->h > 0))
        return JMD_EINVAL;
    if (!isfinite(s->min_alt) || !isfinite(s->delay) || !(s->delay >= 0)) return JMD_EINVAL;
    if (!isfinite(s->sigma_pos) || !(s->sigma_pos >= 0) || !isfinite(s->sigma_t) ||
        !(s->sigma_t >= 0) || !isfinite(s->sigma_az) || !(s->sigma_az >= 0))
        return JMD_EINVAL;
    return JMD_OK;
}

/* Is the booster in state st seen from sat_ecef? */
static int irsat__seen(const jmd_irsat *s, const double sat_ecef[3], const jmd_state *st,
                       int *seen)
{
    double ecef[3], lat, lon, h;

    *seen = 0;
    int rc = jmd_geo_eci_to_ecef(st->t, st->r, ecef);
    if (rc) return rc;
    rc = jmd_geo_from_ecef(ecef, &lat, &lon, &h);
    if (rc) return rc;
    if (!(h > s->min_alt)) return JMD_OK;
    return jmd_geo_line_of_sight(sat_ecef, ecef, 0.0, seen);
}

/* Geodetic point under an ECI state. */
static int irsat__ground(const jmd_state *st, double *lat, double *lon, double *h)
{
    double ecef[3];
    int rc = jmd_geo_eci_to_ecef(st->t, st->r, ecef);
    if (rc) return rc;
    return jmd_geo_from_ecef(ecef, lat, lon, h);
}

/* Earliest time in [t0, t1] at which the booster is seen, *found = 0 when
 * never: scan the samples, then bisect between the last unseen and the
 * first seen instant (on the interpolated trajectory). */
static int irsat__first_sighting(const jmd_irsat *s, const double sat_ecef[3],
                                 const jmd_trajectory *tr, double t0, double t1, double *t_seen,
                                 int *found)
{
    jmd_state st;
    int seen, rc;
    double t_prev = t0; /* latest instant known unseen (or t0) */
    int have_prev = 0;

    *found = 0;
    for (size_t i = 0; i < tr->n; i++) {
        const jmd_state *p = &tr->s[i];
        if (p->t < t0) continue;
        if (p->t > t1) break;
        rc = irsat__seen(s, sat_ecef, p, &seen);
        if (rc) return rc;
        if (!seen) {
            t_prev = p->t;
            have_prev = 1;
            continue;
        }
        double lo = t_prev, hi = p->t;
        if (have_prev) {
            while (hi - lo > IRSAT__T_TOL) {
                double mid = 0.5 * (lo + hi);
                rc = jmd_trajectory_at(tr, mid, &st);
                if (rc) return rc;
                rc = irsat__seen(s, sat_ecef, &st, &seen);
                if (rc) return rc;
                if (seen)
                    hi = mid;
                else
                    lo = mid;
            }
        }
        *t_seen = hi;
        *found = 1;
        return JMD_OK;
    }
    return JMD_OK;
}

/* Azimuth (rad, [0, 2pi)) of the booster's track from the launch point to
 * its ground point at time t; when the two coincide (vertical rise), the
 * heading of the Earth-relative velocity there. */
static int irsat__azimuth(const jmd_trajectory *tr, double lat0, double lon0, double t,
                          double *az)
{
    jmd_state st;
    double lat, lon, h, s12, azi2;

    int rc = jmd_trajectory_at(tr, t, &st);
    if (rc) return rc;
    rc = irsat__ground(&st, &lat, &lon, &h);
    if (rc) return rc;
    rc = jmd_geo_inverse(lat0, lon0, lat, lon, &s12, az, &azi2);
    if (rc) return rc;
    if (s12 < 1.0) {
        double r_ecef[3], v_ecef[3], m[3][3];
        rc = jmd_geo_eci_to_ecef_state(st.t, st.r, st.v, r_ecef, v_ecef);
        if (rc) return rc;
        rc = jmd_geo_enu_matrix(lat, lon, m);
        if (rc) return rc;
        double ve = m[0][0] * v_ecef[0] + m[0][1] * v_ecef[1] + m[0][2] * v_ecef[2];
        double vn = m[1][0] * v_ecef[0] + m[1][1] * v_ecef[1] + m[1][2] * v_ecef[2];
        *az = atan2(ve, vn);
    }
    *az = sensor__wrap_2pi(*az);
    return JMD_OK;
}

int jmd_irsat_observe(const jmd_irsat *sat, int sensor_index, const jmd_trajectory *truth,
                      int truth_index, jmd_rng *rng, jmd_launch_report *out, int *detected)
{
    jmd_flight_event ev;
    double sat_ecef[3], lat0, lon0, h0, t_seen, az;
    int found;

    if (!truth || !rng || !out || !detected || truth->n == 0 || !truth->s) return JMD_EINVAL;
    int rc = jmd_irsat_check(sat);
    if (rc) return rc;

    /* The burn: launch to the last burnout. */
    jmd_state launch = truth->s[0];
    if (jmd_trajectory_event(truth, JMD_EV_LAUNCH, &ev) == JMD_OK) launch = ev.s;
    double t_bo = -INFINITY;
    for (int i = 0; i < truth->nev && i < JMD_MAX_EVENTS; i++)
        if (truth->ev[i].kind == JMD_EV_BURNOUT && truth->ev[i].s.t > t_bo)
            t_bo = truth->ev[i].s.t;
    if (!isfinite(launch.t) || !sensor__finite3(launch.r)) return JMD_EINVAL;
    if (!(t_bo > launch.t)) { /* no burnout, or free flight from burnout: no plume */
        *detected = 0;
        return JMD_OK;
    }

    rc = jmd_geo_to_ecef(sat->lat, sat->lon, sat->h, sat_ecef);
    if (rc) return rc;
    rc = irsat__first_sighting(sat, sat_ecef, truth, launch.t, t_bo, &t_seen, &found);
    if (rc) return rc;
    if (!found) {
        *detected = 0;
        return JMD_OK;
    }
    double t_rep = t_seen + sat->delay;

    rc = irsat__ground(&launch, &lat0, &lon0, &h0);
    if (rc) return rc;
    rc = irsat__azimuth(truth, lat0, lon0, t_rep < t_bo ? t_rep : t_bo, &az);
    if (rc) return rc;

    /* Draws, in this order: time, north, east, azimuth. */
    double dt = sat->sigma_t * jmd_rng_normal(rng);
    double dn = sat->sigma_pos * jmd_rng_normal(rng);
    double de = sat->sigma_pos * jmd_rng_normal(rng);
    double daz = sat->sigma_az * jmd_rng_normal(rng);

    /* Metres to radians with the meridional and prime-vertical radii of
     * curvature at the launch point. */
    double sl = sin(lat0), cl = cos(lat0);
    double w = sqrt(1.0 - SENSOR__E2 * sl * sl);
    double rn = JMD_WGS84_A / w;
    double rm = rn * (1.0 - SENSOR__E2) / (w * w);
    double lat = lat0 + dn / (rm + h0);
    double lon = lon0 + (cl > 1e-12 ? de / ((rn + h0) * cl) : 0.0);
    if (lat > SENSOR__HALF_PI) { /* over a pole: come down the other side */
        lat = SENSOR__PI - lat;
        lon += SENSOR__PI;
    } else if (lat < -SENSOR__HALF_PI) {
        lat = -SENSOR__PI - lat;
        lon += SENSOR__PI;
    }
    lon = sensor__wrap_pi(lon);
    double t_launch = launch.t + dt;
    az = sensor__wrap_2pi(az + daz);
    if (!isfinite(lat) || !isfinite(lon) || !isfinite(t_launch) || !isfinite(az) ||
        !isfinite(t_rep))
        return JMD_ERANGE;

    out->t = t_rep;
    out->sensor = sensor_index;
    out->t_launch = t_launch;
    out->lat = lat;
    out->lon = lon;
    out->azimuth = az;
    out->sigma_pos = sat->sigma_pos;
    out->sigma_t = sat->sigma_t;
    out->sigma_az = sat->sigma_az;
    out->truth = truth_index;
    *detected = 1;
    return JMD_OK;
}
