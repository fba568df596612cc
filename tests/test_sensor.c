/*
 * test_sensor.c — radars and infrared early-warning satellites.
 *
 * Physics, not just "no crash": a radar whose view is blocked by the Earth
 * never detects; the detection frequency at the reference point is pd_ref
 * (binomial tolerance) and RCS^(1/4) range scaling holds; measurement noise
 * has the stated sigmas; field of view, elevation limits and instrumented
 * range are respected; the measurement function agrees with jmd_geo_aer,
 * its Jacobian with finite differences, and its inverse round-trips; false
 * alarms have a Poisson count and stay in the searched volume; an IR
 * satellite sees a boosting missile in view and not one behind the Earth,
 * and its launch-point errors have the stated sigma; sensors' random
 * streams are independent; invalid arguments give JMD_EINVAL.
 *
 * Statistical checks use fixed seeds and 4-sigma tolerances, so they are
 * deterministic. Runs in about a second (one MRBM targeting solve).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "jmd/flight.h"
#include "jmd/geo.h"
#include "jmd/rng.h"
#include "jmd/sensor.h"

#define PI 3.14159265358979323846
#define DEG (PI / 180.0)

/* An AN/TPY-2-like radar at Kürecik (../shared/reference §2), all round,
 * every elevation, so that only what a test sets limits it. */
static jmd_radar base_radar(void)
{
    jmd_radar r;
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "kurecik");
    r.lat = 38.35 * DEG;
    r.lon = 37.79 * DEG;
    r.h = 2085;
    r.boresight_az = 90 * DEG;
    r.boresight_el = 0;
    r.fov_az = PI;
    r.fov_el = PI;
    r.min_el = -PI / 2;
    r.max_el = PI / 2;
    r.range_ref = 1000e3;
    r.rcs_ref = 0.1;
    r.pd_ref = 0.5;
    r.pfa = 1e-6;
    r.max_range = 0;
    r.revisit = 10;
    r.sigma_range = 50;
    r.sigma_az = 1e-3;
    r.sigma_el = 2e-3;
    return r;
}

/* ECI position at time t of the point at (az, el, range) from the radar. */
static void aer_eci(const jmd_radar *r, double t, double az, double el, double range,
                    double eci[3])
{
    double ecef[3];
    assert_int_equal(jmd_geo_aer_to_ecef(r->lat, r->lon, r->h, az, el, range, ecef), 0);
    assert_int_equal(jmd_geo_ecef_to_eci(t, ecef, eci), 0);
}

/* ECI position at time t of a geodetic point. */
static void geo_eci(double t, double lat, double lon, double h, double eci[3])
{
    double ecef[3];
    assert_int_equal(jmd_geo_to_ecef(lat, lon, h, ecef), 0);
    assert_int_equal(jmd_geo_ecef_to_eci(t, ecef, eci), 0);
}

/* Detections in n looks. */
static int count_detections(const jmd_radar *r, double t, const double eci[3], double rcs,
                            jmd_rng *rng, int n)
{
    int hits = 0;
    for (int i = 0; i < n; i++) {
        jmd_measurement m;
        int det = -1;
        assert_int_equal(jmd_radar_observe(r, 0, t, eci, rcs, rng, &m, &det), 0);
        assert_true(det == 0 || det == 1);
        hits += det;
    }
    return hits;
}

/* |freq - p| within 4 binomial standard deviations. */
static void assert_binomial(int hits, int n, double p)
{
    double f = (double)hits / n, sd = sqrt(p * (1 - p) / n);
    if (fabs(f - p) > 4 * sd + 1e-12) fail_msg("frequency %g, expected %g (sd %g)", f, p, sd);
}

/* ---- Earth blockage ------------------------------------------------------ */

static void test_blocked_by_earth_never_detects(void **state)
{
    (void)state;
    jmd_radar r = base_radar();
    r.range_ref = 1e9; /* would detect anything it could see */
    r.pd_ref = 0.999;
    jmd_rng rng;
    jmd_rng_init(&rng, 1, "radar:kurecik", 0);
    double t = 1234.5, eci[3], lat2, lon2, azi2;
    int vis;

    /* (a) The other side of the Earth, 500 km up. */
    geo_eci(t, -r.lat, r.lon + PI, 500e3, eci);
    assert_int_equal(jmd_radar_visible(&r, t, eci, &vis), 0);
    assert_int_equal(vis, 0);
    assert_int_equal(count_detections(&r, t, eci, 100, &rng, 10000), 0);

    /* (b) Low and far: 10 km up, 1,000 km away; the geometric horizons
     * (2 km site: ~163 km; 10 km target: ~357 km) sum to ~520 km. */
    assert_int_equal(jmd_geo_direct(r.lat, r.lon, 45 * DEG, 1000e3, &lat2, &lon2, &azi2), 0);
    geo_eci(t, lat2, lon2, 10e3, eci);
    assert_int_equal(jmd_radar_visible(&r, t, eci, &vis), 0);
    assert_int_equal(vis, 0);
    assert_int_equal(count_detections(&r, t, eci, 100, &rng, 10000), 0);

    /* Control: the same ground point 300 km up is above the horizon. */
    geo_eci(t, lat2, lon2, 300e3, eci);
    assert_int_equal(jmd_radar_visible(&r, t, eci, &vis), 0);
    assert_int_equal(vis, 1);
    assert_true(count_detections(&r, t, eci, 100, &rng, 1000) > 990);

    /* Along a vertical at 1,000 km, visibility switches once, at the
     * height where the line of sight grazes the ellipsoid. */
    int prev = 0, switches = 0;
    for (double h = 0; h <= 200e3; h += 1e3) {
        geo_eci(t, lat2, lon2, h, eci);
        assert_int_equal(jmd_radar_visible(&r, t, eci, &vis), 0);
        switches += vis != prev;
        prev = vis;
    }
    assert_int_equal(switches, 1);
    assert_int_equal(prev, 1);

    /* The Earth's centre is not visible. */
    double zero[3] = {0, 0, 0};
    assert_int_equal(jmd_radar_visible(&r, t, zero, &vis), 0);
    assert_int_equal(vis, 0);
}

/* ---- detection probability ---------------------------------------------- */

static void test_pd_at_reference(void **state)
{
    (void)state;
    jmd_radar r = base_radar();
    jmd_rng rng;
    jmd_rng_init(&rng, 2, "radar:kurecik", 0);
    double t = 50, eci[3], pd, snr;
    const int n = 20000;

    /* Closed form at the reference point. */
    assert_int_equal(jmd_radar_pd(&r, r.range_ref, r.rcs_ref, &pd, &snr), 0);
    assert_true(fabs(pd - r.pd_ref) < 1e-12);
    assert_true(fabs(snr - (log(r.pfa) / log(r.pd_ref) - 1)) < 1e-9);

    /* Monte Carlo at the reference point. */
    aer_eci(&r, t, 45 * DEG, 30 * DEG, r.range_ref, eci);
    assert_binomial(count_detections(&r, t, eci, r.rcs_ref, &rng, n), n, r.pd_ref);

    /* RCS^(1/4): twice the RCS at 2^(1/4) the range has the same Pd. */
    double r2 = r.range_ref * pow(2.0, 0.25);
    assert_int_equal(jmd_radar_pd(&r, r2, 2 * r.rcs_ref, &pd, NULL), 0);
    assert_true(fabs(pd - r.pd_ref) < 1e-12);
    aer_eci(&r, t, 45 * DEG, 30 * DEG, r2, eci);
    assert_binomial(count_detections(&r, t, eci, 2 * r.rcs_ref, &rng, n), n, r.pd_ref);
    /* ... and the reference RCS there is detected less often. */
    assert_int_equal(jmd_radar_pd(&r, r2, r.rcs_ref, &pd, NULL), 0);
    assert_true(pd < r.pd_ref - 0.05);
    assert_binomial(count_detections(&r, t, eci, r.rcs_ref, &rng, n), n, pd);

    /* Another operating point: pd_ref 0.9 at pfa 1e-4, at 16x the RCS and
     * twice the range. */
    r.pd_ref = 0.9;
    r.pfa = 1e-4;
    assert_int_equal(jmd_radar_pd(&r, 2 * r.range_ref, 16 * r.rcs_ref, &pd, NULL), 0);
    assert_true(fabs(pd - 0.9) < 1e-12);

    /* Limits: no signal gives Pd = pfa; Pd falls with range. */
    assert_int_equal(jmd_radar_pd(&r, r.range_ref, 0, &pd, &snr), 0);
    assert_true(fabs(pd - r.pfa) < 1e-18 && snr == 0);
    double last = 1;
    for (double R = 100e3; R < 10000e3; R *= 1.3) {
        assert_int_equal(jmd_radar_pd(&r, R, r.rcs_ref, &pd, NULL), 0);
        assert_true(pd < last && pd >= r.pfa);
        last = pd;
    }
}

/* ---- noise ---------------------------------------------------------------- */

static void test_noise_statistics(void **state)
{
    (void)state;
    jmd_radar r = base_radar();
    r.range_ref = 1e9;
    r.pd_ref = 0.999;
    jmd_rng rng;
    jmd_rng_init(&rng, 3, "radar:kurecik", 0);
    double t = 600, eci[3], z[3];
    /* Azimuth 0.5 mrad: the noise wraps it across north half the time. */
    aer_eci(&r, t, 0.5e-3, 20 * DEG, 800e3, eci);
    assert_int_equal(jmd_radar_h(&r, t, eci, z, NULL), 0);

    const int n = 20000;
    double s[3] = {0}, s2[3] = {0};
    int k = 0, wrapped = 0;
    for (int i = 0; i < n; i++) {
        jmd_measurement m;
        int det;
        assert_int_equal(jmd_radar_observe(&r, 7, t, eci, 1.0, &rng, &m, &det), 0);
        if (!det) continue;
        assert_true(m.az >= 0 && m.az < 2 * PI);
        assert_true(m.t == t && m.sensor == 7 && m.truth == -1 && m.meas_id == -1);
        assert_true(m.snr > 0 && isfinite(m.snr));
        wrapped += m.az > PI;
        double d[3] = {m.range - z[0], remainder(m.az - z[1], 2 * PI), m.el - z[2]};
        for (int j = 0; j < 3; j++) {
            s[j] += d[j];
            s2[j] += d[j] * d[j];
        }
        k++;
    }
    assert_true(k > n * 0.99);
    assert_true(wrapped > k / 4 && wrapped < 3 * k / 4);
    double sig[3] = {r.sigma_range, r.sigma_az, r.sigma_el};
    for (int j = 0; j < 3; j++) {
        double mean = s[j] / k, sd = sqrt(s2[j] / k - mean * mean);
        if (fabs(mean) > 4 * sig[j] / sqrt(k)) fail_msg("axis %d: mean %g", j, mean);
        if (fabs(sd / sig[j] - 1) > 4 / sqrt(2.0 * k))
            fail_msg("axis %d: sd %g, sigma %g", j, sd, sig[j]);
    }

    /* No noise: the measurement is h(x). */
    r.sigma_range = r.sigma_az = r.sigma_el = 0;
    for (int i = 0; i < 10; i++) {
        jmd_measurement m;
        int det;
        assert_int_equal(jmd_radar_observe(&r, 0, t, eci, 1.0, &rng, &m, &det), 0);
        if (!det) continue;
        assert_true(fabs(m.range - z[0]) < 1e-9 && m.az == z[1] && m.el == z[2]);
    }

    /* Near the zenith, noise never gives an elevation above pi/2. */
    r.sigma_el = 0.05;
    aer_eci(&r, t, 1.0, PI / 2 - 1e-3, 800e3, eci);
    for (int i = 0; i < 2000; i++) {
        jmd_measurement m;
        int det;
        assert_int_equal(jmd_radar_observe(&r, 0, t, eci, 1.0, &rng, &m, &det), 0);
        if (det) assert_true(m.el <= PI / 2 && m.az >= 0 && m.az < 2 * PI);
    }
}

/* ---- field of view, elevation limits, range ----------------------------- */

static void test_fov_and_limits(void **state)
{
    (void)state;
    jmd_radar r = base_radar();
    r.boresight_az = 350 * DEG;
    r.fov_az = 30 * DEG;
    r.boresight_el = 20 * DEG;
    r.fov_el = 15 * DEG; /* 5..35 deg */
    r.min_el = 10 * DEG;
    r.max_el = 30 * DEG;
    r.max_range = 2000e3;
    r.range_ref = 1e9;
    r.pd_ref = 0.999;
    jmd_rng rng;
    jmd_rng_init(&rng, 4, "radar:kurecik", 0);
    static const struct {
        double az_deg, el_deg, range_km;
        int visible;
    } c[] = {
        {350, 20, 1000, 1}, {10, 20, 1000, 1},  /* across north */
        {325, 20, 1000, 1}, {19, 20, 1000, 1},  {315, 20, 1000, 0}, {25, 20, 1000, 0},
        {170, 20, 1000, 0},                     /* behind */
        {350, 12, 1000, 1}, {350, 8, 1000, 0},  /* below min_el, inside fov_el */
        {350, 29, 1000, 1}, {350, 32, 1000, 0}, /* above max_el, inside fov_el */
        {350, 20, 1990, 1}, {350, 20, 2010, 0}, /* instrumented range */
    };
    double t = 77;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        double eci[3];
        int vis;
        aer_eci(&r, t, c[i].az_deg * DEG, c[i].el_deg * DEG, c[i].range_km * 1e3, eci);
        assert_int_equal(jmd_radar_visible(&r, t, eci, &vis), 0);
        if (vis != c[i].visible)
            fail_msg("case %zu (az %g, el %g, %g km): visible %d", i, c[i].az_deg, c[i].el_deg,
                     c[i].range_km, vis);
        int hits = count_detections(&r, t, eci, 1.0, &rng, 200);
        if (c[i].visible)
            assert_true(hits > 190);
        else
            assert_int_equal(hits, 0);
    }
    /* The elevation field of view binds when it is narrower than the limits. */
    r.min_el = -PI / 2;
    r.max_el = PI / 2;
    static const double el_cases[][2] = {{4, 0}, {6, 1}, {34, 1}, {36, 0}};
    for (size_t i = 0; i < 4; i++) {
        double eci[3];
        int vis;
        aer_eci(&r, t, 350 * DEG, el_cases[i][0] * DEG, 1000e3, eci);
        assert_int_equal(jmd_radar_visible(&r, t, eci, &vis), 0);
        assert_int_equal(vis, (int)el_cases[i][1]);
    }
    /* All round when fov_az >= pi. */
    r.fov_az = PI;
    double eci[3];
    int vis;
    aer_eci(&r, t, 170 * DEG, 20 * DEG, 1000e3, eci);
    assert_int_equal(jmd_radar_visible(&r, t, eci, &vis), 0);
    assert_int_equal(vis, 1);
}

/* ---- measurement function ---------------------------------------------- */

/* Test points: ECI positions at various times, 100-2,000 km up within a few
 * thousand km of the radar. */
static void sample_point(const jmd_radar *r, jmd_rng *g, double *t, double eci[3])
{
    double lat2, lon2, azi2;
    *t = 86400 * jmd_rng_uniform(g);
    assert_int_equal(jmd_geo_direct(r->lat, r->lon, 2 * PI * jmd_rng_uniform(g),
                                    3000e3 * jmd_rng_uniform(g) + 10e3, &lat2, &lon2, &azi2),
                     0);
    geo_eci(*t, lat2, lon2, 100e3 + 1900e3 * jmd_rng_uniform(g), eci);
}

static void test_h_matches_geo_aer(void **state)
{
    (void)state;
    jmd_radar r = base_radar();
    jmd_rng g;
    jmd_rng_init(&g, 5, "test", 0);
    for (int i = 0; i < 200; i++) {
        double t, eci[3], ecef[3], z[3], az, el, range;
        sample_point(&r, &g, &t, eci);
        assert_int_equal(jmd_radar_h(&r, t, eci, z, NULL), 0);
        assert_int_equal(jmd_geo_eci_to_ecef(t, eci, ecef), 0);
        assert_int_equal(jmd_geo_aer(r.lat, r.lon, r.h, ecef, &az, &el, &range), 0);
        assert_true(fabs(z[0] - range) < 1e-6);
        assert_true(fabs(remainder(z[1] - az, 2 * PI)) < 1e-12);
        assert_true(fabs(z[2] - el) < 1e-12);
        assert_true(z[1] >= 0 && z[1] < 2 * PI);
    }
}

static void test_jacobian_finite_difference(void **state)
{
    (void)state;
    jmd_radar r = base_radar();
    jmd_rng g;
    jmd_rng_init(&g, 6, "test", 0);
    for (int i = 0; i < 100; i++) {
        double t, eci[3], z[3], H[3][3];
        sample_point(&r, &g, &t, eci);
        assert_int_equal(jmd_radar_h(&r, t, eci, z, H), 0);
        const double step = 1.0; /* m */
        for (int j = 0; j < 3; j++) {
            double xp[3] = {eci[0], eci[1], eci[2]}, xm[3] = {eci[0], eci[1], eci[2]};
            double zp[3], zm[3];
            xp[j] += step;
            xm[j] -= step;
            assert_int_equal(jmd_radar_h(&r, t, xp, zp, NULL), 0);
            assert_int_equal(jmd_radar_h(&r, t, xm, zm, NULL), 0);
            for (int k = 0; k < 3; k++) {
                double dz = zp[k] - zm[k];
                if (k == 1) dz = remainder(dz, 2 * PI);
                double fd = dz / (2 * step);
                /* Row scale: |d range/dx| = 1, angles ~ 1 / range. */
                double scale = k == 0 ? 1.0 : 1.0 / z[0];
                if (fabs(fd - H[k][j]) > 1e-6 * scale)
                    fail_msg("point %d H[%d][%d] = %g, finite difference %g", i, k, j, H[k][j],
                             fd);
            }
        }
    }
    /* On the site's vertical the azimuth has no derivative. */
    double eci[3], z[3], H[3][3];
    aer_eci(&r, 10, 0, PI / 2, 500e3, eci);
    double ecef[3], az, el, range;
    assert_int_equal(jmd_geo_eci_to_ecef(10, eci, ecef), 0);
    assert_int_equal(jmd_geo_aer(r.lat, r.lon, r.h, ecef, &az, &el, &range), 0);
    if (el == PI / 2) assert_int_equal(jmd_radar_h(&r, 10, eci, z, H), JMD_ERANGE);
}

static void test_inverse_round_trip(void **state)
{
    (void)state;
    jmd_radar r = base_radar();
    jmd_rng g;
    jmd_rng_init(&g, 7, "test", 0);
    for (int i = 0; i < 200; i++) {
        double t = 86400 * jmd_rng_uniform(&g);
        double z[3] = {50e3 + 4000e3 * jmd_rng_uniform(&g), 2 * PI * jmd_rng_uniform(&g),
                       (-5 + 90 * jmd_rng_uniform(&g)) * DEG};
        double eci[3], z2[3], cov[3][3], H[3][3];
        assert_int_equal(jmd_radar_to_eci(&r, t, z, eci, cov), 0);
        if (z[2] > 89.9 * DEG) continue;
        assert_int_equal(jmd_radar_h(&r, t, eci, z2, H), 0);
        assert_true(fabs(z2[0] - z[0]) < 1e-6);
        assert_true(fabs(remainder(z2[1] - z[1], 2 * PI)) < 1e-11);
        assert_true(fabs(z2[2] - z[2]) < 1e-11);
        /* H is the inverse of dr/dz: H cov H^T = diag(sigma^2). */
        double sig2[3] = {r.sigma_range * r.sigma_range, r.sigma_az * r.sigma_az,
                          r.sigma_el * r.sigma_el};
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                double v = 0;
                for (int p = 0; p < 3; p++)
                    for (int q = 0; q < 3; q++) v += H[a][p] * cov[p][q] * H[b][q];
                double want = a == b ? sig2[a] : 0;
                assert_true(fabs(v - want) < 1e-6 * sqrt(sig2[a] * sig2[b]));
            }
        /* The covariance is symmetric. */
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                assert_true(fabs(cov[a][b] - cov[b][a]) <= 1e-9 * (fabs(cov[a][b]) + 1e-30));
    }
}

/* ---- look scheduling ----------------------------------------------------- */

static void test_look_schedule(void **state)
{
    (void)state;
    jmd_radar r = base_radar(); /* revisit 10 s */
    double tn;
    int is;
    assert_int_equal(jmd_radar_next_look(&r, 5, 12, 0, &tn), 0);
    assert_true(tn == 15);
    assert_int_equal(jmd_radar_next_look(&r, 5, 0, 0, &tn), 0);
    assert_true(tn == 5);
    assert_int_equal(jmd_radar_next_look(&r, 5, 15.0000001, 1e-6, &tn), 0);
    assert_true(tn == 15);
    assert_int_equal(jmd_radar_next_look(&r, 5, 15.1, 1e-6, &tn), 0);
    assert_true(tn == 25);
    assert_int_equal(jmd_radar_is_look(&r, 5, 25.0000001, 1e-6, &is), 0);
    assert_int_equal(is, 1);
    assert_int_equal(jmd_radar_is_look(&r, 5, 24.9999999, 1e-6, &is), 0);
    assert_int_equal(is, 1);
    assert_int_equal(jmd_radar_is_look(&r, 5, 20, 1e-6, &is), 0);
    assert_int_equal(is, 0);
    assert_int_equal(jmd_radar_is_look(&r, 5, -5, 1e-6, &is), 0);
    assert_int_equal(is, 0);
    /* A 0.1 s clock summed 1,000 times finds every look with a 1e-9 tolerance. */
    double t = 0;
    int looks = 0;
    for (int i = 0; i <= 1000; i++, t += 0.1) {
        assert_int_equal(jmd_radar_is_look(&r, 0, t, 1e-9, &is), 0);
        looks += is;
    }
    assert_int_equal(looks, 11);
    r.revisit = 0;
    assert_int_equal(jmd_radar_is_look(&r, 5, 7.3, 0, &is), 0);
    assert_int_equal(is, 1);
    assert_int_equal(jmd_radar_next_look(&r, 5, 7.3, 0, &tn), 0);
    assert_true(tn == 7.3);
}

/* ---- false alarms -------------------------------------------------------- */

static void test_false_alarms(void **state)
{
    (void)state;
    jmd_radar r = base_radar();
    r.boresight_az = 350 * DEG;
    r.fov_az = 30 * DEG;
    r.boresight_el = 20 * DEG;
    r.fov_el = 15 * DEG;
    r.min_el = 10 * DEG;
    r.max_el = 30 * DEG;
    r.max_range = 2000e3;
    r.false_alarms_per_scan = 3.0;
    jmd_rng rng;
    jmd_rng_init(&rng, 8, "radar:kurecik", 0);
    const int scans = 5000;
    double s = 0, s2 = 0;
    long total = 0, near = 0;
    jmd_measurement m[64];
    for (int i = 0; i < scans; i++) {
        int n;
        assert_int_equal(jmd_radar_false_alarms(&r, 3, 40.0, &rng, m, 64, &n), 0);
        assert_true(n >= 0 && n <= 64);
        s += n;
        s2 += (double)n * n;
        for (int j = 0; j < n; j++) {
            assert_true(m[j].truth == -1 && m[j].sensor == 3 && m[j].t == 40.0);
            assert_true(m[j].az >= 0 && m[j].az < 2 * PI);
            assert_true(fabs(remainder(m[j].az - r.boresight_az, 2 * PI)) <= r.fov_az + 1e-12);
            assert_true(m[j].el >= 10 * DEG - 1e-12 && m[j].el <= 30 * DEG + 1e-12);
            assert_true(m[j].range > 0 && m[j].range <= r.max_range);
            near += m[j].range < r.max_range / 2;
            total++;
        }
    }
    double mean = s / scans, var = s2 / scans - mean * mean;
    assert_true(fabs(mean - 3.0) < 4 * sqrt(3.0 / scans));
    assert_true(fabs(var / 3.0 - 1) < 0.1); /* Poisson: variance = mean */
    /* Uniform in volume: 1/8 of the alarms inside half the range. */
    double f = (double)near / (double)total;
    assert_true(fabs(f - 0.125) < 4 * sqrt(0.125 * 0.875 / (double)total));

    /* Truncation: *n is the full count, only cap entries are written. */
    r.false_alarms_per_scan = 20;
    int n;
    m[1].range = -1;
    assert_int_equal(jmd_radar_false_alarms(&r, 0, 0, &rng, m, 1, &n), 0);
    assert_true(n > 1);
    assert_true(m[1].range == -1);
    /* None configured: none drawn, the stream untouched. */
    r.false_alarms_per_scan = 0;
    jmd_rng before = rng;
    assert_int_equal(jmd_radar_false_alarms(&r, 0, 0, &rng, NULL, 0, &n), 0);
    assert_int_equal(n, 0);
    assert_memory_equal(&before, &rng, sizeof rng);
}

/* ---- per-sensor streams ------------------------------------------------- */

static void run_scans(int with_third, jmd_measurement rec[2][300], int det[2][300])
{
    jmd_radar rad[3];
    jmd_rng rng[3];
    static const char *names[3] = {"radar:a", "radar:b", "radar:c"};
    for (int i = 0; i < 3; i++) {
        rad[i] = base_radar();
        rad[i].lon += i * DEG;
        rad[i].false_alarms_per_scan = 2;
        jmd_rng_init(&rng[i], 99, names[i], 0);
    }
    for (int k = 0; k < 300; k++) {
        double t = 10.0 * k, eci[3];
        aer_eci(&rad[0], t, 60 * DEG, 25 * DEG, 900e3 + 1e3 * k, eci);
        jmd_measurement fa[8];
        int nfa;
        assert_int_equal(
            jmd_radar_observe(&rad[0], 0, t, eci, 0.1, &rng[0], &rec[0][k], &det[0][k]), 0);
        if (with_third) {
            jmd_measurement m;
            int d;
            assert_int_equal(jmd_radar_observe(&rad[2], 2, t, eci, 0.1, &rng[2], &m, &d), 0);
            assert_int_equal(jmd_radar_false_alarms(&rad[2], 2, t, &rng[2], fa, 8, &nfa), 0);
        }
        assert_int_equal(
            jmd_radar_observe(&rad[1], 1, t, eci, 0.1, &rng[1], &rec[1][k], &det[1][k]), 0);
    }
}

static void test_stream_independence(void **state)
{
    (void)state;
    static jmd_measurement a[2][300], b[2][300];
    static int da[2][300], db[2][300];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    run_scans(0, a, da);
    run_scans(1, b, db);
    int hits = 0;
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < 300; k++) {
            assert_int_equal(da[s][k], db[s][k]);
            if (da[s][k]) {
                hits++;
                assert_memory_equal(&a[s][k], &b[s][k], sizeof a[s][k]);
            }
        }
    assert_true(hits > 100 && hits < 600); /* the draws are random, not all or nothing */
}

/* ---- infrared satellite --------------------------------------------------- */

typedef struct {
    jmd_trajectory tr;
    jmd_target_result res;
    double lat0, lon0, lat1, lon1;
} ir_fixture;

static int ir_setup(void **state)
{
    static ir_fixture fx;
    jmd_catalogue cat = {0};
    char err[256];
    jmd_flight_opts o;
    memset(&fx, 0, sizeof fx);
    if (jmd_catalogue_load_builtin(&cat, err, sizeof err)) {
        fprintf(stderr, "catalogue: %s\n", err);
        return -1;
    }
    const jmd_vehicle *v = jmd_catalogue_vehicle(&cat, "irbm-solid");
    if (!v) return -1;
    jmd_flight_opts_default(&o);
    /* A two-stage IRBM from central Iran towards Bucharest (~2,300 km),
     * launched at t = 100 s. */
    fx.lat0 = 32.0 * DEG;
    fx.lon0 = 53.0 * DEG;
    fx.lat1 = 44.43 * DEG;
    fx.lon1 = 26.10 * DEG;
    int rc = jmd_flight_target(v, fx.lat0, fx.lon0, fx.lat1, fx.lon1, JMD_TRAJ_MIN_ENERGY, 0,
                               100.0, &o, &fx.res, &fx.tr);
    jmd_catalogue_free(&cat);
    if (rc) {
        fprintf(stderr, "targeting: %s\n", jmd_strerror(rc));
        return -1;
    }
    *state = &fx;
    return 0;
}

static int ir_teardown(void **state)
{
    ir_fixture *fx = *state;
    if (fx) jmd_trajectory_free(&fx->tr);
    return 0;
}

static jmd_irsat geo_sat(double lon_deg)
{
    jmd_irsat s;
    memset(&s, 0, sizeof s);
    snprintf(s.name, sizeof s.name, "geo-%g", lon_deg);
    s.lat = 0;
    s.lon = lon_deg * DEG;
    s.h = 35786e3;
    s.min_alt = 10e3;
    s.delay = 30;
    s.sigma_pos = 2000;
    s.sigma_t = 1.0;
    s.sigma_az = 1 * DEG;
    return s;
}

static double height_at(const jmd_trajectory *tr, double t)
{
    jmd_state st;
    double ecef[3], lat, lon, h;
    assert_int_equal(jmd_trajectory_at(tr, t, &st), 0);
    assert_int_equal(jmd_geo_eci_to_ecef(st.t, st.r, ecef), 0);
    assert_int_equal(jmd_geo_from_ecef(ecef, &lat, &lon, &h), 0);
    return h;
}

static void test_irsat_sees_boost_in_view(void **state)
{
    ir_fixture *fx = *state;
    jmd_irsat s = geo_sat(60); /* over the Indian Ocean */
    jmd_rng rng;
    jmd_rng_init(&rng, 10, "irsat:geo-60", 0);
    jmd_launch_report rep;
    int det = -1;
    jmd_flight_event bo;
    assert_int_equal(jmd_trajectory_event(&fx->tr, JMD_EV_BURNOUT, &bo), 0);

    assert_int_equal(jmd_irsat_observe(&s, 4, &fx->tr, 9, &rng, &rep, &det), 0);
    assert_int_equal(det, 1);
    assert_int_equal(rep.sensor, 4);
    assert_int_equal(rep.truth, 9);
    double t_seen = rep.t - s.delay;
    assert_true(t_seen > 100.0 && t_seen <= bo.s.t);
    /* First seen as it climbs through min_alt (the satellite sees the
     * whole region): the height then is min_alt to within the 1 ms
     * bisection. */
    assert_true(fabs(height_at(&fx->tr, t_seen) - s.min_alt) < 5.0);
    assert_true(rep.sigma_pos == s.sigma_pos && rep.sigma_t == s.sigma_t &&
                rep.sigma_az == s.sigma_az);

    /* Without noise: the true launch time and point; the azimuth of the
     * early track agrees with the launch azimuth and the aim direction. */
    jmd_irsat exact = s;
    exact.sigma_pos = exact.sigma_t = exact.sigma_az = 0;
    assert_int_equal(jmd_irsat_observe(&exact, 0, &fx->tr, 0, &rng, &rep, &det), 0);
    assert_int_equal(det, 1);
    assert_true(fabs(rep.t_launch - 100.0) < 1e-9);
    assert_true(fabs(rep.lat - fx->lat0) < 1e-9 && fabs(rep.lon - fx->lon0) < 1e-9);
    double s12, azi1, azi2;
    assert_int_equal(jmd_geo_inverse(fx->lat0, fx->lon0, fx->lat1, fx->lon1, &s12, &azi1, &azi2),
                     0);
    assert_true(fabs(remainder(rep.azimuth - azi1, 2 * PI)) < 2 * DEG);
    assert_true(fabs(remainder(rep.azimuth - fx->res.launch.azimuth, 2 * PI)) < 2 * DEG);
    assert_true(rep.azimuth >= 0 && rep.azimuth < 2 * PI);

    /* A higher min_alt delays the first sighting; one above burnout
     * altitude means it is never seen (the plume is gone). */
    jmd_launch_report rep2;
    exact.min_alt = 50e3;
    assert_int_equal(jmd_irsat_observe(&exact, 0, &fx->tr, 0, &rng, &rep2, &det), 0);
    assert_int_equal(det, 1);
    assert_true(rep2.t > rep.t);
    exact.min_alt = fx->res.burnout_alt + 1e3;
    jmd_rng before = rng;
    assert_int_equal(jmd_irsat_observe(&exact, 0, &fx->tr, 0, &rng, &rep2, &det), 0);
    assert_int_equal(det, 0);
    assert_memory_equal(&before, &rng, sizeof rng);
}

static void test_irsat_behind_earth(void **state)
{
    ir_fixture *fx = *state;
    jmd_irsat s = geo_sat(-120); /* over the Pacific: Iran is behind the Earth */
    jmd_rng rng;
    jmd_rng_init(&rng, 11, "irsat:geo-120w", 0);
    jmd_launch_report rep;
    int det = -1;
    jmd_rng before = rng;
    assert_int_equal(jmd_irsat_observe(&s, 0, &fx->tr, 0, &rng, &rep, &det), 0);
    assert_int_equal(det, 0);
    assert_memory_equal(&before, &rng, sizeof rng); /* no draws */

    /* A free-flight (unpowered) trajectory has no plume: never seen. */
    jmd_trajectory ff = {0};
    jmd_target_result res;
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    assert_int_equal(jmd_flight_aim_free(fx->lat0, fx->lon0, 100e3, fx->lat1, fx->lon1,
                                         JMD_TRAJ_MIN_ENERGY, 0, 0, &o, &res, &ff),
                     0);
    s = geo_sat(60);
    assert_int_equal(jmd_irsat_observe(&s, 0, &ff, 0, &rng, &rep, &det), 0);
    assert_int_equal(det, 0);
    jmd_trajectory_free(&ff);
}

static void test_irsat_error_statistics(void **state)
{
    ir_fixture *fx = *state;
    jmd_irsat s = geo_sat(60);
    jmd_rng rng;
    jmd_rng_init(&rng, 12, "irsat:geo-60", 0);
    const int n = 4000;
    double sn = 0, sn2 = 0, se = 0, se2 = 0, st = 0, st2 = 0;
    for (int i = 0; i < n; i++) {
        jmd_launch_report rep;
        int det;
        double s12, azi1, azi2;
        assert_int_equal(jmd_irsat_observe(&s, 0, &fx->tr, 0, &rng, &rep, &det), 0);
        assert_int_equal(det, 1);
        assert_int_equal(jmd_geo_inverse(fx->lat0, fx->lon0, rep.lat, rep.lon, &s12, &azi1, &azi2),
                         0);
        double dn = s12 * cos(azi1), de = s12 * sin(azi1), dt = rep.t_launch - 100.0;
        sn += dn;
        sn2 += dn * dn;
        se += de;
        se2 += de * de;
        st += dt;
        st2 += dt * dt;
    }
    double mn = sn / n, me = se / n, mt = st / n;
    double sdn = sqrt(sn2 / n - mn * mn), sde = sqrt(se2 / n - me * me);
    double sdt = sqrt(st2 / n - mt * mt);
    double tol = 4 / sqrt(2.0 * n);
    assert_true(fabs(mn) < 4 * s.sigma_pos / sqrt(n) && fabs(me) < 4 * s.sigma_pos / sqrt(n));
    if (fabs(sdn / s.sigma_pos - 1) > tol || fabs(sde / s.sigma_pos - 1) > tol)
        fail_msg("launch point sd north %g, east %g, sigma %g", sdn, sde, s.sigma_pos);
    assert_true(fabs(mt) < 4 * s.sigma_t / sqrt(n));
    assert_true(fabs(sdt / s.sigma_t - 1) < tol);
}

/* ---- invalid arguments ----------------------------------------------------- */

static void test_invalid_arguments(void **state)
{
    (void)state;
    jmd_radar good = base_radar();
    jmd_rng rng;
    jmd_rng_init(&rng, 13, "radar", 0);
    double t = 5, eci[3], z[3], H[3][3], pd, tn, cov[3][3];
    int vis, det, n, is;
    jmd_measurement m;
    aer_eci(&good, t, 1, 0.5, 500e3, eci);
    assert_int_equal(jmd_radar_check(&good), 0);

    /* Bad configurations: every entry point refuses them. */
    jmd_radar bad[24];
    int nb = 0;
    for (int i = 0; i < 24; i++) bad[i] = good;
    bad[nb++].lat = 2;
    bad[nb++].lon = NAN;
    bad[nb++].h = INFINITY;
    bad[nb++].boresight_az = NAN;
    bad[nb++].fov_az = 0;
    bad[nb++].fov_el = -1;
    bad[nb].min_el = 0.5, bad[nb++].max_el = 0.4;
    bad[nb++].max_el = 2;
    bad[nb++].range_ref = 0;
    bad[nb++].rcs_ref = -1;
    bad[nb++].pd_ref = 1;
    bad[nb++].pd_ref = 1e-7; /* below pfa */
    bad[nb++].pfa = 0;
    bad[nb++].pfa = 0.6; /* above pd_ref */
    bad[nb++].max_range = NAN;
    bad[nb++].revisit = -1;
    bad[nb++].sigma_range = -1;
    bad[nb++].sigma_az = NAN;
    bad[nb++].sigma_el = INFINITY;
    bad[nb++].false_alarms_per_scan = -1;
    bad[nb++].false_alarms_per_scan = 1e9;
    for (int i = 0; i < nb; i++) {
        const jmd_radar *b = &bad[i];
        assert_int_equal(jmd_radar_check(b), JMD_EINVAL);
        assert_int_equal(jmd_radar_visible(b, t, eci, &vis), JMD_EINVAL);
        assert_int_equal(jmd_radar_observe(b, 0, t, eci, 1, &rng, &m, &det), JMD_EINVAL);
        assert_int_equal(jmd_radar_pd(b, 1e5, 1, &pd, NULL), JMD_EINVAL);
        assert_int_equal(jmd_radar_h(b, t, eci, z, H), JMD_EINVAL);
        assert_int_equal(jmd_radar_to_eci(b, t, (double[3]){1e5, 1, 0.5}, eci, cov), JMD_EINVAL);
        assert_int_equal(jmd_radar_false_alarms(b, 0, t, &rng, &m, 1, &n), JMD_EINVAL);
        assert_int_equal(jmd_radar_next_look(b, 0, t, 0, &tn), JMD_EINVAL);
        assert_int_equal(jmd_radar_is_look(b, 0, t, 0, &is), JMD_EINVAL);
    }
    assert_int_equal(jmd_radar_check(NULL), JMD_EINVAL);

    /* Bad arguments with a good radar. */
    double nan3[3] = {NAN, 0, 0};
    assert_int_equal(jmd_radar_visible(NULL, t, eci, &vis), JMD_EINVAL);
    assert_int_equal(jmd_radar_visible(&good, NAN, eci, &vis), JMD_EINVAL);
    assert_int_equal(jmd_radar_visible(&good, t, nan3, &vis), JMD_EINVAL);
    assert_int_equal(jmd_radar_visible(&good, t, NULL, &vis), JMD_EINVAL);
    assert_int_equal(jmd_radar_visible(&good, t, eci, NULL), JMD_EINVAL);
    assert_int_equal(jmd_radar_observe(&good, 0, t, eci, -1, &rng, &m, &det), JMD_EINVAL);
    assert_int_equal(jmd_radar_observe(&good, 0, t, eci, NAN, &rng, &m, &det), JMD_EINVAL);
    assert_int_equal(jmd_radar_observe(&good, 0, t, eci, INFINITY, &rng, &m, &det), JMD_EINVAL);
    assert_int_equal(jmd_radar_observe(&good, 0, t, eci, 1, NULL, &m, &det), JMD_EINVAL);
    assert_int_equal(jmd_radar_observe(&good, 0, t, eci, 1, &rng, NULL, &det), JMD_EINVAL);
    assert_int_equal(jmd_radar_observe(&good, 0, t, eci, 1, &rng, &m, NULL), JMD_EINVAL);
    assert_int_equal(jmd_radar_observe(&good, 0, INFINITY, eci, 1, &rng, &m, &det), JMD_EINVAL);
    assert_int_equal(jmd_radar_observe(&good, 0, t, nan3, 1, &rng, &m, &det), JMD_EINVAL);
    assert_int_equal(jmd_radar_pd(&good, 0, 1, &pd, NULL), JMD_EINVAL);
    assert_int_equal(jmd_radar_pd(&good, -5, 1, &pd, NULL), JMD_EINVAL);
    assert_int_equal(jmd_radar_pd(&good, 1e5, -1, &pd, NULL), JMD_EINVAL);
    assert_int_equal(jmd_radar_h(&good, t, eci, NULL, H), JMD_EINVAL);
    assert_int_equal(jmd_radar_h(&good, t, nan3, z, H), JMD_EINVAL);
    assert_int_equal(jmd_radar_to_eci(&good, t, (double[3]){0, 1, 0.5}, eci, cov), JMD_EINVAL);
    assert_int_equal(jmd_radar_to_eci(&good, t, (double[3]){1e5, 1, 2.0}, eci, cov), JMD_EINVAL);
    assert_int_equal(jmd_radar_to_eci(&good, t, (double[3]){1e5, NAN, 0.5}, eci, cov),
                     JMD_EINVAL);
    assert_int_equal(jmd_radar_to_eci(&good, t, NULL, eci, cov), JMD_EINVAL);
    assert_int_equal(jmd_radar_false_alarms(&good, 0, t, NULL, &m, 1, &n), JMD_EINVAL);
    assert_int_equal(jmd_radar_false_alarms(&good, 0, t, &rng, NULL, 1, &n), JMD_EINVAL);
    assert_int_equal(jmd_radar_false_alarms(&good, 0, t, &rng, &m, -1, &n), JMD_EINVAL);
    assert_int_equal(jmd_radar_false_alarms(&good, 0, t, &rng, &m, 1, NULL), JMD_EINVAL);
    assert_int_equal(jmd_radar_next_look(&good, 0, t, -1, &tn), JMD_EINVAL);
    assert_int_equal(jmd_radar_next_look(&good, NAN, t, 0, &tn), JMD_EINVAL);
    assert_int_equal(jmd_radar_is_look(&good, 0, t, 0, NULL), JMD_EINVAL);

    /* Extreme but finite inputs: an error, or a success with finite output. */
    static const double extreme[][3] = {{1e300, 1e300, 1e300}, {-1e308, 0, 1e308},
                                        {1e-300, 0, 0},        {0, 0, 0},
                                        {1e20, -1e20, 3e19}};
    jmd_radar keen = good;
    keen.range_ref = 1e12;
    for (size_t i = 0; i < sizeof extreme / sizeof extreme[0]; i++) {
        int rc = jmd_radar_observe(&keen, 0, t, extreme[i], 1, &rng, &m, &det);
        if (rc == 0 && det)
            assert_true(isfinite(m.range) && isfinite(m.az) && isfinite(m.el) &&
                        isfinite(m.snr));
        rc = jmd_radar_h(&keen, t, extreme[i], z, H);
        if (rc == 0)
            for (int a = 0; a < 3; a++) {
                assert_true(isfinite(z[a]));
                for (int b = 0; b < 3; b++) assert_true(isfinite(H[a][b]));
            }
        rc = jmd_radar_pd(&keen, fabs(extreme[i][0]) + 1e-300, 1, &pd, NULL);
        if (rc == 0) assert_true(isfinite(pd) && pd >= 0 && pd <= 1);
    }
    /* A target at (or within rounding of) the site: an error or finite. */
    double site_eci[3];
    geo_eci(t, good.lat, good.lon, good.h, site_eci);
    int rc = jmd_radar_observe(&keen, 0, t, site_eci, 1, &rng, &m, &det);
    if (rc == 0 && det) assert_true(isfinite(m.range) && isfinite(m.snr));

    /* Infrared satellite. */
    jmd_irsat s = geo_sat(60), sb;
    jmd_trajectory empty = {0};
    jmd_launch_report rep;
    jmd_state one = {0, {7e6, 0, 0}, {0, 0, 0}};
    jmd_trajectory tiny = {0};
    tiny.s = &one;
    tiny.n = tiny.cap = 1;
    assert_int_equal(jmd_irsat_check(&s), 0);
    assert_int_equal(jmd_irsat_check(NULL), JMD_EINVAL);
    assert_int_equal(jmd_irsat_observe(&s, 0, NULL, 0, &rng, &rep, &det), JMD_EINVAL);
    assert_int_equal(jmd_irsat_observe(&s, 0, &empty, 0, &rng, &rep, &det), JMD_EINVAL);
    assert_int_equal(jmd_irsat_observe(&s, 0, &tiny, 0, NULL, &rep, &det), JMD_EINVAL);
    assert_int_equal(jmd_irsat_observe(&s, 0, &tiny, 0, &rng, NULL, &det), JMD_EINVAL);
    assert_int_equal(jmd_irsat_observe(&s, 0, &tiny, 0, &rng, &rep, NULL), JMD_EINVAL);
    assert_int_equal(jmd_irsat_observe(NULL, 0, &tiny, 0, &rng, &rep, &det), JMD_EINVAL);
    assert_int_equal(jmd_irsat_observe(&s, 0, &tiny, 0, &rng, &rep, &det), 0);
    assert_int_equal(det, 0); /* no burnout event: no plume */
    jmd_irsat bads[8];
    int ns = 0;
    for (int i = 0; i < 8; i++) bads[i] = s;
    bads[ns++].lat = -3;
    bads[ns++].lon = NAN;
    bads[ns++].h = 0;
    bads[ns++].min_alt = NAN;
    bads[ns++].delay = -1;
    bads[ns++].sigma_pos = -1;
    bads[ns++].sigma_t = INFINITY;
    bads[ns++].sigma_az = NAN;
    for (int i = 0; i < ns; i++) {
        sb = bads[i];
        assert_int_equal(jmd_irsat_check(&sb), JMD_EINVAL);
        assert_int_equal(jmd_irsat_observe(&sb, 0, &tiny, 0, &rng, &rep, &det), JMD_EINVAL);
    }
}

int main(void)
{
    const struct CMUnitTest radar[] = {
        cmocka_unit_test(test_blocked_by_earth_never_detects),
        cmocka_unit_test(test_pd_at_reference),
        cmocka_unit_test(test_noise_statistics),
        cmocka_unit_test(test_fov_and_limits),
        cmocka_unit_test(test_h_matches_geo_aer),
        cmocka_unit_test(test_jacobian_finite_difference),
        cmocka_unit_test(test_inverse_round_trip),
        cmocka_unit_test(test_look_schedule),
        cmocka_unit_test(test_false_alarms),
        cmocka_unit_test(test_stream_independence),
        cmocka_unit_test(test_invalid_arguments),
    };
    const struct CMUnitTest irsat[] = {
        cmocka_unit_test(test_irsat_sees_boost_in_view),
        cmocka_unit_test(test_irsat_behind_earth),
        cmocka_unit_test(test_irsat_error_statistics),
    };
    int fails = cmocka_run_group_tests_name("radar", radar, NULL, NULL);
    fails += cmocka_run_group_tests_name("irsat", irsat, ir_setup, ir_teardown);
    return fails ? 1 : 0;
}
