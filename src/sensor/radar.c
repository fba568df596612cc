/*
 * radar.c — ground radars: view geometry (Earth blockage over the WGS-84
 * ellipsoid, elevation limits, azimuth-elevation field of view, instrumented
 * range), Swerling I detection scaled by the radar equation, noisy range /
 * azimuth / elevation measurements, per-scan false alarms, look scheduling,
 * and the measurement function with its Jacobian and inverse for trackers.
 *
 * Invariants: a radar is fixed in ECEF and measures in its ENU frame on the
 * geodetic normal at its site; targets come in jmd's ECI frame at time t.
 * Random draws come only from the caller's jmd_rng (one per sensor), in the
 * documented order, so adding a sensor never shifts another's draws.
 *
 * Workload: jmd_radar_visible / _observe run once per sensor per target per
 * scan and jmd_radar_h once per track update — the hot path. Nothing here
 * allocates; each call costs a few trigonometric functions (the site's ECEF
 * position and ENU matrix are recomputed per call because jmd_radar is
 * plain configuration data, not a cache).
 */
#include <math.h>
#include <stddef.h>

#include "jmd/sensor.h"
#include "sensor/sensor__internal.h"

/* Beyond this mean count a scan's false alarms would swamp any tracker;
 * also bounds the Poisson draw's cost. */
#define RADAR__MAX_FA_MEAN 1e4
/* Without an instrumented range, false alarms fill the volume out to this
 * many reference ranges: there a reference target's SNR is SNR_ref / 256. */
#define RADAR__FA_RANGE_FACTOR 4.0

int jmd_radar_check(const jmd_radar *r)
{
    if (!r) return JMD_EINVAL;
    if (!sensor__lat_ok(r->lat) || !isfinite(r->lon) || !isfinite(r->h)) return JMD_EINVAL;
    if (!isfinite(r->boresight_az) || !isfinite(r->boresight_el)) return JMD_EINVAL;
    if (!(r->fov_az > 0) || !(r->fov_el > 0) || !isfinite(r->fov_az) || !isfinite(r->fov_el))
        return JMD_EINVAL;
    if (!sensor__lat_ok(r->min_el) || !sensor__lat_ok(r->max_el) || r->min_el > r->max_el)
        return JMD_EINVAL;
    if (!(r->range_ref > 0) || !isfinite(r->range_ref)) return JMD_EINVAL;
    if (!(r->rcs_ref > 0) || !isfinite(r->rcs_ref)) return JMD_EINVAL;
    if (!(r->pfa > 0) || !(r->pd_ref > r->pfa) || !(r->pd_ref < 1)) return JMD_EINVAL;
    if (!isfinite(r->max_range)) return JMD_EINVAL;
    if (!(r->revisit >= 0) || !isfinite(r->revisit)) return JMD_EINVAL;
    if (!(r->sigma_range >= 0) || !isfinite(r->sigma_range) || !(r->sigma_az >= 0) ||
        !isfinite(r->sigma_az) || !(r->sigma_el >= 0) || !isfinite(r->sigma_el))
        return JMD_EINVAL;
    if (!(r->false_alarms_per_scan >= 0) || !(r->false_alarms_per_scan <= RADAR__MAX_FA_MEAN))
        return JMD_EINVAL;
    return JMD_OK;
}

/* ---- geometry --------------------------------------------------------- */

/* The target as the radar sees it at time t. */
typedef struct {
    double ecef[3]; /* target, ECEF */
    double site[3]; /* radar site, ECEF */
    double enu[3];  /* target relative to the site, ENU */
    double range, az, el;
} radar__geom;

/* ECEF -> ENU matrix rows and ECEF site of the radar. */
static int radar__frame(const jmd_radar *r, double site[3], double m[3][3])
{
    int rc = jmd_geo_to_ecef(r->lat, r->lon, r->h, site);
    if (rc) return rc;
    return jmd_geo_enu_matrix(r->lat, r->lon, m);
}

static void matvec(const double m[3][3], const double v[3], double out[3])
{
    for (int i = 0; i < 3; i++) out[i] = m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2];
}

/* Range, azimuth and elevation of an ENU vector, as jmd_geo_aer computes
 * them (atan2 for the elevation: exact near the zenith). */
static void radar__aer(const double enu[3], double *range, double *az, double *el)
{
    double horiz = hypot(enu[0], enu[1]);
    *range = hypot(horiz, enu[2]);
    *az = sensor__wrap_2pi(atan2(enu[0], enu[1]));
    *el = atan2(enu[2], horiz);
}

/* Fills g for an ECI position at time t. JMD_ERANGE when the result is not
 * finite (a position far beyond any physical range). */
static int radar__geometry(const jmd_radar *r, double t, const double r_eci[3], radar__geom *g)
{
    double m[3][3], d[3];

    int rc = jmd_geo_eci_to_ecef(t, r_eci, g->ecef);
    if (rc) return rc;
    rc = radar__frame(r, g->site, m);
    if (rc) return rc;
    for (int i = 0; i < 3; i++) d[i] = g->ecef[i] - g->site[i];
    matvec(m, d, g->enu);
    radar__aer(g->enu, &g->range, &g->az, &g->el);
    if (!isfinite(g->range)) return JMD_ERANGE;
    return JMD_OK;
}

static int radar__in_view(const jmd_radar *r, const radar__geom *g, int *visible)
{
    *visible = 0;
    if (g->range == 0) return JMD_OK; /* at the site: no direction */
    if (r->max_range > 0 && g->range > r->max_range) return JMD_OK;
    if (g->el < r->min_el || g->el > r->max_el) return JMD_OK;
    if (fabs(g->el - r->boresight_el) > r->fov_el) return JMD_OK;
    if (r->fov_az < SENSOR__PI && fabs(sensor__wrap_pi(g->az - r->boresight_az)) > r->fov_az)
        return JMD_OK;
    /* Last, being the dearest: the Earth in the way. */
    return jmd_geo_line_of_sight(g->site, g->ecef, 0.0, visible);
}

int jmd_radar_visible(const jmd_radar *radar, double t, const double r_eci[3], int *visible)
{
    radar__geom g;

    if (!visible || !r_eci || !sensor__finite3(r_eci) || !isfinite(t)) return JMD_EINVAL;
    int rc = jmd_radar_check(radar);
    if (rc) return rc;
    rc = radar__geometry(radar, t, r_eci, &g);
    if (rc) return rc;
    return radar__in_view(radar, &g, visible);
}

/* ---- detection ---------------------------------------------------------- */

/*
 * Swerling I (slowly fluctuating, exponential RCS) with a square-law
 * detector on one pulse (or one coherently integrated dwell): the detection
 * probability at threshold T = -ln(pfa) (noise-normalised) is
 * Pd = exp(-T / (1 + SNR)) = pfa^(1 / (1 + SNR)) (Richards, Fundamentals of
 * Radar Signal Processing, 2nd ed., §6.3; Skolnik, Introduction to Radar
 * Systems, 3rd ed., §10.3). Inverted at the reference point it gives
 * SNR_ref = ln(pfa) / ln(pd_ref) - 1, and the radar equation scales the SNR
 * as RCS / R^4 with everything else fixed.
 */
static int radar__pd(const jmd_radar *r, double range, double rcs, double *pd, double *snr)
{
    double snr_ref = log(r->pfa) / log(r->pd_ref) - 1.0;
    double q = r->range_ref / range;
    double q2 = q * q;
    double s = snr_ref * (rcs / r->rcs_ref) * (q2 * q2);
    if (!isfinite(s)) return JMD_ERANGE;
    *snr = s;
    *pd = exp(log(r->pfa) / (1.0 + s));
    return JMD_OK;
}

int jmd_radar_pd(const jmd_radar *radar, double range, double rcs, double *pd, double *snr)
{
    double p, s;

    if (!isfinite(range) || !(range > 0) || !isfinite(rcs) || !(rcs >= 0)) return JMD_EINVAL;
    int rc = jmd_radar_check(radar);
    if (rc) return rc;
    rc = radar__pd(radar, range, rcs, &p, &s);
    if (rc) return rc;
    if (pd) *pd = p;
    if (snr) *snr = s;
    return JMD_OK;
}

/* Elevation pushed past a pole of the sphere of directions by noise:
 * reflect over it and turn the azimuth by pi (the same direction). */
static void radar__fold(double *az, double *el)
{
    if (*el > SENSOR__HALF_PI) {
        *el = SENSOR__PI - *el;
        *az += SENSOR__PI;
    } else if (*el < -SENSOR__HALF_PI) {
        *el = -SENSOR__PI - *el;
        *az += SENSOR__PI;
    }
    *az = sensor__wrap_2pi(*az);
}

int jmd_radar_observe(const jmd_radar *radar, int sensor_index, double t, const double r_eci[3],
                      double rcs, jmd_rng *rng, jmd_measurement *out, int *detected)
{
    radar__geom g;
    int vis;
    double pd, snr;

    if (!r_eci || !rng || !out || !detected || !isfinite(t) || !sensor__finite3(r_eci) ||
        !isfinite(rcs) || !(rcs >= 0))
        return JMD_EINVAL;
    int rc = jmd_radar_check(radar);
    if (rc) return rc;
    rc = radar__geometry(radar, t, r_eci, &g);
    if (rc) return rc;
    rc = radar__in_view(radar, &g, &vis);
    if (rc) return rc;
    if (!vis) {
        *detected = 0;
        return JMD_OK;
    }
    rc = radar__pd(radar, g.range, rcs, &pd, &snr);
    if (rc) return rc;
    if (!(jmd_rng_uniform(rng) < pd)) {
        *detected = 0;
        return JMD_OK;
    }
    double range = g.range + radar->sigma_range * jmd_rng_normal(rng);
    double az = g.az + radar->sigma_az * jmd_rng_normal(rng);
    double el = g.el + radar->sigma_el * jmd_rng_normal(rng);
    radar__fold(&az, &el);
    if (!isfinite(range) || !isfinite(az) || !isfinite(el)) return JMD_ERANGE;
    out->t = t;
    out->sensor = sensor_index;
    out->meas_id = -1;
    out->range = range;
    out->az = az;
    out->el = el;
    out->snr = snr;
    out->truth = -1;
    *detected = 1;
    return JMD_OK;
}

/* ---- false alarms ----------------------------------------------------- */

/* Poisson count by Knuth's product of uniforms (Knuth, TAOCP vol. 2,
 * §3.4.1), in chunks of mean <= 200 so that exp(-mean) never underflows
 * (a sum of independent Poisson counts is Poisson). Cost ~ mean uniforms. */
static long radar__poisson(jmd_rng *rng, double mean)
{
    long n = 0;
    while (mean > 0) {
        double m = mean > 200 ? 200 : mean;
        mean -= m;
        double lim = exp(-m), p = jmd_rng_uniform(rng);
        while (p > lim) {
            n++;
            p *= jmd_rng_uniform(rng);
        }
    }
    return n;
}

int jmd_radar_false_alarms(const jmd_radar *radar, int sensor_index, double t, jmd_rng *rng,
                           jmd_measurement *out, int cap, int *n)
{
    if (!rng || !n || cap < 0 || (cap > 0 && !out) || !isfinite(t)) return JMD_EINVAL;
    int rc = jmd_radar_check(radar);
    if (rc) return rc;

    double el_lo = fmax(radar->min_el, radar->boresight_el - radar->fov_el);
    double el_hi = fmin(radar->max_el, radar->boresight_el + radar->fov_el);
    if (radar->false_alarms_per_scan == 0 || el_lo > el_hi) {
        *n = 0;
        return JMD_OK;
    }
    double s_lo = sin(el_lo), s_hi = sin(el_hi);
    double az_lo, az_w;
    if (radar->fov_az >= SENSOR__PI) {
        az_lo = 0;
        az_w = SENSOR__TWO_PI;
    } else {
        az_lo = radar->boresight_az - radar->fov_az;
        az_w = 2 * radar->fov_az;
    }
    double rmax = radar->max_range > 0 ? radar->max_range : RADAR__FA_RANGE_FACTOR * radar->range_ref;

    long count = radar__poisson(rng, radar->false_alarms_per_scan);
    long nw = count < cap ? count : cap;
    for (long i = 0; i < nw; i++) {
        jmd_measurement *m = &out[i];
        /* Uniform in solid angle: azimuth uniform, sin(elevation) uniform;
         * uniform in volume: range^3 uniform (1 - u in (0, 1], so range > 0). */
        m->az = sensor__wrap_2pi(az_lo + az_w * jmd_rng_uniform(rng));
        double se = s_lo + (s_hi - s_lo) * jmd_rng_uniform(rng);
        m->el = asin(fmax(-1.0, fmin(1.0, se)));
        m->range = rmax * cbrt(1.0 - jmd_rng_uniform(rng));
        m->t = t;
        m->sensor = sensor_index;
        m->meas_id = -1;
        m->snr = 0;
        m->truth = -1;
    }
    *n = count > 2147483647L ? 2147483647 : (int)count;
    return JMD_OK;
}

/* ---- look scheduling ------------------------------------------------- */

int jmd_radar_next_look(const jmd_radar *radar, double t_first, double t, double tol,
                        double *t_next)
{
    if (!t_next || !isfinite(t_first) || !isfinite(t) || !isfinite(tol) || !(tol >= 0))
        return JMD_EINVAL;
    int rc = jmd_radar_check(radar);
    if (rc) return rc;
    if (radar->revisit == 0) {
        *t_next = t < t_first ? t_first : t;
        return JMD_OK;
    }
    double k = ceil((t - tol - t_first) / radar->revisit);
    if (k < 0) k = 0;
    double tn = t_first + k * radar->revisit;
    if (!isfinite(tn)) return JMD_ERANGE;
    *t_next = tn;
    return JMD_OK;
}

int jmd_radar_is_look(const jmd_radar *radar, double t_first, double t, double tol, int *is_look)
{
    if (!is_look || !isfinite(t_first) || !isfinite(t) || !isfinite(tol) || !(tol >= 0))
        return JMD_EINVAL;
    int rc = jmd_radar_check(radar);
    if (rc) return rc;
    if (radar->revisit == 0) {
        *is_look = t >= t_first - tol;
        return JMD_OK;
    }
    double k = nearbyint((t - t_first) / radar->revisit);
    if (k < 0) k = 0;
    *is_look = fabs(t - (t_first + k * radar->revisit)) <= tol;
    return JMD_OK;
}

/* ---- measurement function, Jacobian, inverse ------------------------- */

/* a = M R(t): the linear map from ECI to the radar's ENU axes, where R(t)
 * is jmd_geo_eci_to_ecef's rotation (its columns are the images of the ECI
 * unit vectors, so this follows geo's convention whatever it is). */
static int radar__eci_to_enu_matrix(const jmd_radar *r, double t, double a[3][3])
{
    double m[3][3], rot[3][3], site[3];

    int rc = radar__frame(r, site, m);
    if (rc) return rc;
    for (int j = 0; j < 3; j++) {
        double e[3] = {0, 0, 0}, c[3];
        e[j] = 1;
        rc = jmd_geo_eci_to_ecef(t, e, c);
        if (rc) return rc;
        for (int i = 0; i < 3; i++) rot[i][j] = c[i];
    }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            a[i][j] = m[i][0] * rot[0][j] + m[i][1] * rot[1][j] + m[i][2] * rot[2][j];
    return JMD_OK;
}

int jmd_radar_h(const jmd_radar *radar, double t, const double r_eci[3], double z[3],
                double H[3][3])
{
    radar__geom g;
    double a[3][3];

    if (!r_eci || !z || !isfinite(t) || !sensor__finite3(r_eci)) return JMD_EINVAL;
    int rc = jmd_radar_check(radar);
    if (rc) return rc;
    rc = radar__geometry(radar, t, r_eci, &g);
    if (rc) return rc;
    if (g.range == 0) return JMD_ERANGE;
    if (H) {
        double e = g.enu[0], n = g.enu[1], u = g.enu[2];
        double rho2 = e * e + n * n, rho = sqrt(rho2), r2 = g.range * g.range;
        if (rho == 0 || !isfinite(r2) || r2 == 0 || rho2 == 0) return JMD_ERANGE;
        /* d(range, az, el) / d(e, n, u). */
        double d[3][3] = {
            {e / g.range, n / g.range, u / g.range},
            {n / rho2, -e / rho2, 0},
            {-u * e / (r2 * rho), -u * n / (r2 * rho), rho / r2},
        };
        rc = radar__eci_to_enu_matrix(radar, t, a);
        if (rc) return rc;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                H[i][j] = d[i][0] * a[0][j] + d[i][1] * a[1][j] + d[i][2] * a[2][j];
                if (!isfinite(H[i][j])) return JMD_ERANGE;
            }
    }
    z[0] = g.range;
    z[1] = g.az;
    z[2] = g.el;
    return JMD_OK;
}

int jmd_radar_to_eci(const jmd_radar *radar, double t, const double z[3], double r_eci[3],
                     double cov[3][3])
{
    double ecef[3], a[3][3];

    if (!z || !r_eci || !isfinite(t) || !sensor__finite3(z) || !(z[0] > 0) ||
        !sensor__lat_ok(z[2]))
        return JMD_EINVAL;
    int rc = jmd_radar_check(radar);
    if (rc) return rc;
    rc = jmd_geo_aer_to_ecef(radar->lat, radar->lon, radar->h, z[1], z[2], z[0], ecef);
    if (rc) return rc;
    rc = jmd_geo_ecef_to_eci(t, ecef, r_eci);
    if (rc) return rc;
    if (cov) {
        double range = z[0], sa = sin(z[1]), ca = cos(z[1]), se = sin(z[2]), ce = cos(z[2]);
        /* d enu / d(range, az, el), columns. */
        double d[3][3] = {
            {ce * sa, range * ce * ca, -range * se * sa},
            {ce * ca, -range * ce * sa, -range * se * ca},
            {se, 0, range * ce},
        };
        double sig[3] = {radar->sigma_range, radar->sigma_az, radar->sigma_el};
        double gm[3][3];
        rc = radar__eci_to_enu_matrix(radar, t, a);
        if (rc) return rc;
        /* G = A^T D (A is a rotation), scaled column-wise by the sigmas. */
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                gm[i][j] = (a[0][i] * d[0][j] + a[1][i] * d[1][j] + a[2][i] * d[2][j]) * sig[j];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                cov[i][j] = gm[i][0] * gm[j][0] + gm[i][1] * gm[j][1] + gm[i][2] * gm[j][2];
                if (!isfinite(cov[i][j])) return JMD_ERANGE;
            }
    }
    return JMD_OK;
}
