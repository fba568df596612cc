/* test_geo.c — the geo module: WGS-84 geodetic <-> ECEF (known points, dense
 * round trips, every point of space), ECEF <-> ECI, ENU and AER, geodesics
 * against published values, line of sight, radar horizon, vector helpers,
 * and the argument contract (NULL, NaN, Inf, out-of-range latitude; no
 * non-finite output with a 0 return). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <cmocka.h>

#include "jmd/geo.h"

#define PI 3.14159265358979323846
#define DEG (PI / 180.0)
#define WGS84_F (1.0 / JMD_WGS84_INV_F)
#define WGS84_B (JMD_WGS84_A * (1.0 - WGS84_F))
#define WGS84_E2 (WGS84_F * (2.0 - WGS84_F))

static void assert_near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol)) {
        print_error("got %.17g, want %.17g (tolerance %.3g, off by %.3g)\n", got, want, tol,
                    fabs(got - want));
        fail();
    }
}

/* Difference of two angles, reduced to [-pi, pi]. */
static double angle_diff(double x, double y)
{
    double d = remainder(x - y, 2 * PI);
    return d;
}

static void assert_angle_near(double got, double want, double tol)
{
    if (!(fabs(angle_diff(got, want)) <= tol)) {
        print_error("angle got %.17g, want %.17g (tolerance %.3g)\n", got, want, tol);
        fail();
    }
}

static double dist3(const double a[3], const double b[3])
{
    double d[3] = {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    return jmd_vec_norm(d);
}

/* Deterministic uniform numbers in [0, 1) (64-bit LCG, Knuth's MMIX
 * constants): the same points on every run and machine. */
static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static double rng_uniform(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng_state >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- geodetic <-> ECEF ------------------------------------------------ */

static void test_to_ecef_known(void **state)
{
    double p[3];
    (void)state;
    /* On the equator at lon 0 the point is (a, 0, 0). */
    assert_int_equal(jmd_geo_to_ecef(0, 0, 0, p), 0);
    assert_near(p[0], JMD_WGS84_A, 1e-9);
    assert_near(p[1], 0, 1e-9);
    assert_near(p[2], 0, 1e-9);
    /* The pole is (0, 0, b), b = a (1 - f) = 6356752.314245 m
     * (NIMA TR8350.2 Table 3.3). */
    assert_near(WGS84_B, 6356752.314245, 1e-6);
    assert_int_equal(jmd_geo_to_ecef(PI / 2, 0, 0, p), 0);
    assert_near(p[0], 0, 1e-9);
    assert_near(p[1], 0, 1e-9);
    assert_near(p[2], WGS84_B, 1e-9);
    assert_int_equal(jmd_geo_to_ecef(-PI / 2, 1.0, 100, p), 0);
    assert_near(hypot(p[0], p[1]), 0, 1e-9);
    assert_near(p[2], -WGS84_B - 100, 1e-9);
    /* lon 90 E, 180. */
    assert_int_equal(jmd_geo_to_ecef(0, PI / 2, 1000, p), 0);
    assert_near(p[0], 0, 1e-9);
    assert_near(p[1], JMD_WGS84_A + 1000, 1e-9);
    assert_int_equal(jmd_geo_to_ecef(0, PI, 0, p), 0);
    assert_near(p[0], -JMD_WGS84_A, 1e-9);
    /* 45 N: x = N cos(lat), z = N (1 - e^2) sin(lat), N = a / sqrt(1 - e^2 sin^2). */
    double n = JMD_WGS84_A / sqrt(1 - WGS84_E2 * 0.5);
    assert_int_equal(jmd_geo_to_ecef(PI / 4, 0, 0, p), 0);
    assert_near(p[0], n * sqrt(0.5), 1e-8);
    assert_near(p[2], n * (1 - WGS84_E2) * sqrt(0.5), 1e-8);
    /* 90 * (pi / 180) is accepted as the pole. */
    assert_int_equal(jmd_geo_to_ecef(90 * DEG, 0, 0, p), 0);
}

static void test_from_ecef_known(void **state)
{
    double lat, lon, h;
    (void)state;
    const double eq[3] = {JMD_WGS84_A, 0, 0};
    assert_int_equal(jmd_geo_from_ecef(eq, &lat, &lon, &h), 0);
    assert_near(lat, 0, 1e-15);
    assert_near(lon, 0, 1e-15);
    assert_near(h, 0, 1e-9);

    const double np[3] = {0, 0, WGS84_B};
    assert_int_equal(jmd_geo_from_ecef(np, &lat, &lon, &h), 0);
    assert_near(lat, PI / 2, 1e-15);
    assert_true(lon == 0); /* lon = 0 on the axis */
    assert_near(h, 0, 1e-9);

    const double sp[3] = {-0.0, 0.0, -WGS84_B - 1000};
    assert_int_equal(jmd_geo_from_ecef(sp, &lat, &lon, &h), 0);
    assert_near(lat, -PI / 2, 1e-15);
    assert_true(lon == 0);
    assert_near(h, 1000, 1e-9);

    /* Longitude in (-pi, pi]: -0 in y on the negative x axis is +pi. */
    const double w[3] = {-JMD_WGS84_A, -0.0, 0};
    assert_int_equal(jmd_geo_from_ecef(w, &lat, &lon, &h), 0);
    assert_true(lon == PI);

    /* The centre of the Earth: both poles are nearest, at distance b; we get
     * the north pole and h = -b, finite. */
    const double c[3] = {0, 0, 0};
    assert_int_equal(jmd_geo_from_ecef(c, &lat, &lon, &h), 0);
    assert_near(lat, PI / 2, 1e-15);
    assert_true(lon == 0);
    assert_near(h, -WGS84_B, 1e-6);

    /* Just off the centre, each side: finite and consistent. */
    const double tiny[][3] = {
        {1e-300, 0, 0}, {0, 0, -1e-300}, {1e-3, 1e-3, 1e-3}, {5e-324, 0, 0}};
    for (size_t i = 0; i < sizeof tiny / sizeof tiny[0]; i++) {
        double back[3];
        assert_int_equal(jmd_geo_from_ecef(tiny[i], &lat, &lon, &h), 0);
        assert_true(isfinite(lat) && isfinite(lon) && isfinite(h));
        assert_int_equal(jmd_geo_to_ecef(lat, lon, h, back), 0);
        assert_true(dist3(back, tiny[i]) < 1e-6);
    }
    /* Below the south pole by a hair: the south pole. */
    const double ms[3] = {0, 0, -1e-300};
    assert_int_equal(jmd_geo_from_ecef(ms, &lat, &lon, &h), 0);
    assert_near(lat, -PI / 2, 1e-15);

    /* Geostationary radius on the equator at 100 E. */
    const double geo[3] = {42164000 * cos(100 * DEG), 42164000 * sin(100 * DEG), 0};
    assert_int_equal(jmd_geo_from_ecef(geo, &lat, &lon, &h), 0);
    assert_near(lat, 0, 1e-15);
    assert_near(lon, 100 * DEG, 1e-15);
    assert_near(h, 42164000 - JMD_WGS84_A, 1e-8);

    /* Very far (beyond 5.7e22 m, where the Earth is a point) and huge
     * coordinates whose squares would overflow: finite or JMD_ERANGE. */
    const double far[3] = {1e25, 0, 1e25};
    assert_int_equal(jmd_geo_from_ecef(far, &lat, &lon, &h), 0);
    assert_near(lat, PI / 4, 1e-15);
    assert_near(h, sqrt(2) * 1e25, 1e11);
    const double huge[3] = {1e300, 1e300, 0};
    assert_int_equal(jmd_geo_from_ecef(huge, &lat, &lon, &h), 0);
    assert_near(lon, PI / 4, 1e-15);
    const double top[3] = {1.7e308, 1.7e308, 1.7e308};
    assert_int_equal(jmd_geo_from_ecef(top, &lat, &lon, &h), JMD_ERANGE);
}

/* Dense grid of geodetic points, heights -10 km .. 50,000 km, every
 * latitude including the poles, the equator and points a hair from each:
 * geodetic -> ECEF -> geodetic to 1e-11 rad and 1 mm (issue requirement);
 * prints the largest errors found. */
static void test_round_trip_grid(void **state)
{
    (void)state;
    static const double heights[] = {-10000, -5000, -1000, -1,  0,   1e-3,   1,       100, 1e3,
                                     1e4,    1e5,   4e5,   1e6, 7e6, 2.02e7, 35786e3, 4e7, 5e7};
    static const double lons_deg[] = {-180, -179.999, -135.3, -90,   -0.7,   0,
                                      1e-9, 45,       90,     123.4, 179.99, 180};
    static const double extra_deg[] = {90,         -90,         89.9999,    -89.9999,
                                       89.9999999, -89.9999999, 90 - 1e-12, -90 + 1e-12,
                                       1e-9,       -1e-9,       1e-14,      45.0000001};
    double max_dlat = 0, max_dlon_m = 0, max_dh = 0, max_dxyz = 0;
    long n = 0;
    const int nlat = 721 + (int)(sizeof extra_deg / sizeof extra_deg[0]);

    for (int i = 0; i < nlat; i++) {
        double lat = i < 721 ? (-90 + 0.25 * i) * DEG : extra_deg[i - 721] * DEG;
        if (lat > PI / 2) lat = PI / 2;
        if (lat < -PI / 2) lat = -PI / 2;
        for (size_t j = 0; j < sizeof lons_deg / sizeof lons_deg[0]; j++) {
            double lon = lons_deg[j] * DEG;
            for (size_t k = 0; k < sizeof heights / sizeof heights[0]; k++) {
                double p[3], q[3], lat2, lon2, h2;
                assert_int_equal(jmd_geo_to_ecef(lat, lon, heights[k], p), 0);
                assert_int_equal(jmd_geo_from_ecef(p, &lat2, &lon2, &h2), 0);
                assert_int_equal(jmd_geo_to_ecef(lat2, lon2, h2, q), 0);
                double dlat = fabs(lat2 - lat);
                /* Longitude error as a distance: meaningless on the axis. */
                double dlon_m = fabs(angle_diff(lon2, lon)) * hypot(p[0], p[1]);
                double dh = fabs(h2 - heights[k]);
                double dxyz = dist3(p, q);
                max_dlat = fmax(max_dlat, dlat);
                max_dlon_m = fmax(max_dlon_m, dlon_m);
                max_dh = fmax(max_dh, dh);
                max_dxyz = fmax(max_dxyz, dxyz);
                if (!(dlat <= 1e-11 && dh <= 1e-3 && dlon_m <= 1e-3 && dxyz <= 1e-3)) {
                    print_error("lat %.17g lon %.17g h %.17g -> %.17g %.17g %.17g\n", lat, lon,
                                heights[k], lat2, lon2, h2);
                    fail();
                }
                assert_true(lon2 > -PI && lon2 <= PI);
                assert_true(lat2 >= -PI / 2 && lat2 <= PI / 2);
                n++;
            }
        }
    }
    printf("[   INFO   ] %ld round trips: max |dlat| %.3g rad, max lon error %.3g m, "
           "max |dh| %.3g m, max ECEF re-error %.3g m\n",
           n, max_dlat, max_dlon_m, max_dh, max_dxyz);
}

/* Every point of space, the interior of the Earth and the evolute included:
 * ECEF -> geodetic -> ECEF returns the point (the geodetic inverse is a
 * right inverse of the forward formula everywhere). */
static void test_ecef_round_trip_everywhere(void **state)
{
    (void)state;
    double worst = 0;
    for (int i = 0; i < 200000; i++) {
        /* Radii log-uniform from 1 m to 1e8 m; directions uniform-ish;
         * a quarter in the evolute's neighbourhood (|r| < 100 km). */
        double rad = i % 4 == 0 ? 1e5 * rng_uniform() : pow(10, 8 * rng_uniform());
        double z = 2 * rng_uniform() - 1, phi = 2 * PI * rng_uniform();
        double s = sqrt(1 - z * z);
        double p[3] = {rad * s * cos(phi), rad * s * sin(phi), rad * z};
        if (i % 7 == 0) p[2] = 0; /* the equatorial plane, where the evolute's cusp lies */
        double lat, lon, h, q[3];
        assert_int_equal(jmd_geo_from_ecef(p, &lat, &lon, &h), 0);
        assert_int_equal(jmd_geo_to_ecef(lat, lon, h, q), 0);
        double err = dist3(p, q);
        worst = fmax(worst, err);
        if (!(err <= 1e-8 + 1e-15 * jmd_vec_norm(p))) {
            print_error("(%.17g, %.17g, %.17g) -> %.17g %.17g %.17g back off by %.3g m\n", p[0],
                        p[1], p[2], lat, lon, h, err);
            fail();
        }
    }
    printf("[   INFO   ] ECEF -> geodetic -> ECEF over 200000 points: max error %.3g m\n",
           worst);
}

/* The height is the distance to the nearest point of the ellipsoid: checked
 * against brute force on a meridian section for points outside the
 * evolute. */
static void test_from_ecef_is_nearest_point(void **state)
{
    (void)state;
    static const double pts[][2] = {
        {7e6, 1e6}, {1e6, 7e6}, {3e6, -3e6}, {6e6, 10}, {100, 6.3e6}};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        double p[3] = {pts[i][0], 0, pts[i][1]}, lat, lon, h;
        assert_int_equal(jmd_geo_from_ecef(p, &lat, &lon, &h), 0);
        /* Golden-section search over the parametric latitude of the
         * ellipse point (a cos t, b sin t). */
        double lo = -PI / 2, hi = PI / 2, g = (sqrt(5) - 1) / 2;
        for (int it = 0; it < 200; it++) {
            double t1 = hi - g * (hi - lo), t2 = lo + g * (hi - lo);
            double d1 = hypot(p[0] - JMD_WGS84_A * cos(t1), p[2] - WGS84_B * sin(t1));
            double d2 = hypot(p[0] - JMD_WGS84_A * cos(t2), p[2] - WGS84_B * sin(t2));
            if (d1 < d2)
                hi = t2;
            else
                lo = t1;
        }
        double t = (lo + hi) / 2;
        double dmin = hypot(p[0] - JMD_WGS84_A * cos(t), p[2] - WGS84_B * sin(t));
        assert_near(fabs(h), dmin, 1e-6);
    }
}

/* ---- ECEF <-> ECI --------------------------------------------------------- */

static void test_eci_rotation(void **state)
{
    (void)state;
    const double x[3] = {JMD_WGS84_A, 0, 1000}, sv0[3] = {0, 0, 0};
    double e[3], b[3], r[3], v[3];
    /* t = 0: the frames coincide. */
    assert_int_equal(jmd_geo_ecef_to_eci(0, x, e), 0);
    assert_true(e[0] == x[0] && e[1] == x[1] && e[2] == x[2]);
    /* A quarter turn: a point fixed on lon 0 is on the ECI +y axis. */
    double tq = (PI / 2) / JMD_EARTH_OMEGA;
    assert_int_equal(jmd_geo_ecef_to_eci(tq, x, e), 0);
    assert_near(e[0], 0, 1e-6);
    assert_near(e[1], JMD_WGS84_A, 1e-6);
    assert_near(e[2], 1000, 0);
    assert_int_equal(jmd_geo_eci_to_ecef(tq, e, b), 0);
    assert_true(dist3(b, x) < 1e-8);
    /* In place. */
    double y[3] = {x[0], x[1], x[2]};
    assert_int_equal(jmd_geo_ecef_to_eci(1234.5, y, y), 0);
    assert_int_equal(jmd_geo_eci_to_ecef(1234.5, y, y), 0);
    assert_true(dist3(y, x) < 1e-8);
    /* One turn, 2 pi / omega = 86164.10 s (the stellar day, 86164.099 s;
     * the IERS constant is rounded to 8 digits), brings the frames back. */
    assert_near(2 * PI / JMD_EARTH_OMEGA, 86164.099, 0.002);
    assert_int_equal(jmd_geo_ecef_to_eci(2 * PI / JMD_EARTH_OMEGA, x, e), 0);
    assert_true(dist3(e, x) < 1e-6);
    /* A point at rest on the equator moves east at omega a = 465.10 m/s. */
    assert_int_equal(jmd_geo_ecef_to_eci_state(0, x, sv0, r, v), 0);
    assert_near(v[0], 0, 1e-12);
    assert_near(v[1], JMD_EARTH_OMEGA * JMD_WGS84_A, 1e-9);
    assert_near(v[1], 465.10, 0.005);
    assert_near(v[2], 0, 0);
}

static void test_eci_state_round_trip_and_derivative(void **state)
{
    (void)state;
    for (int i = 0; i < 1000; i++) {
        double t = -1e5 + 2e5 * rng_uniform();
        double r[3], v[3], re[3], ve[3], r2[3], v2[3];
        for (int k = 0; k < 3; k++) {
            r[k] = 2e7 * (rng_uniform() - 0.5);
            v[k] = 1e4 * (rng_uniform() - 0.5);
        }
        assert_int_equal(jmd_geo_ecef_to_eci_state(t, r, v, re, ve), 0);
        assert_int_equal(jmd_geo_eci_to_ecef_state(t, re, ve, r2, v2), 0);
        assert_true(dist3(r, r2) < 1e-8);
        assert_true(dist3(v, v2) < 1e-10);
        /* Position part equals the position transform. */
        double rp[3];
        assert_int_equal(jmd_geo_ecef_to_eci(t, r, rp), 0);
        assert_true(dist3(rp, re) == 0);
        /* v_eci is the time derivative of the ECI position of a point moving
         * with v in ECEF: central difference over +-dt. */
        double dt = 1e-3, rm[3], rpl[3], pm[3], ppl[3];
        for (int k = 0; k < 3; k++) {
            pm[k] = r[k] - v[k] * dt;
            ppl[k] = r[k] + v[k] * dt;
        }
        assert_int_equal(jmd_geo_ecef_to_eci(t - dt, pm, rm), 0);
        assert_int_equal(jmd_geo_ecef_to_eci(t + dt, ppl, rpl), 0);
        for (int k = 0; k < 3; k++)
            assert_near((rpl[k] - rm[k]) / (2 * dt), ve[k], 1e-4);
    }
    /* A point at rest in ECI drifts west in ECEF: v_ecef = -w x r. */
    const double r0[3] = {7e6, 0, 0}, v0[3] = {0, 0, 0};
    double rr[3], vv[3];
    assert_int_equal(jmd_geo_eci_to_ecef_state(0, r0, v0, rr, vv), 0);
    assert_near(vv[1], -JMD_EARTH_OMEGA * 7e6, 1e-9);
}

/* ---- ENU and AER -------------------------------------------------------------- */

static void test_enu_matrix(void **state)
{
    (void)state;
    double m[3][3];
    assert_int_equal(jmd_geo_enu_matrix(0, 0, m), 0);
    /* At (0, 0): east = +y, north = +z, up = +x. */
    const double want[3][3] = {{0, 1, 0}, {0, 0, 1}, {1, 0, 0}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            assert_near(m[i][j], want[i][j], 1e-16);
    /* Orthonormal and right-handed (E x N = U) everywhere, poles included. */
    for (int i = 0; i <= 36; i++) {
        double lat = (-90 + 5 * i) * DEG, lon = (-180 + 10 * i) * DEG;
        if (lat > PI / 2) lat = PI / 2;
        assert_int_equal(jmd_geo_enu_matrix(lat, lon, m), 0);
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                assert_near(jmd_vec_dot(m[a], m[b]), a == b, 1e-15);
        double u[3];
        jmd_vec_cross(m[0], m[1], u);
        assert_true(dist3(u, m[2]) < 1e-15);
    }
    /* Up is the geodetic normal: at 40 N it is 3.3 mrad from the geocentric
     * direction (shared/reference/README.md sec. 6), precisely
     * lat - atan((1 - e^2) tan lat). */
    double p[3], rhat[3];
    assert_int_equal(jmd_geo_enu_matrix(40 * DEG, 0, m), 0);
    assert_int_equal(jmd_geo_to_ecef(40 * DEG, 0, 0, p), 0);
    double r = jmd_vec_norm(p);
    for (int k = 0; k < 3; k++)
        rhat[k] = p[k] / r;
    double ang = acos(jmd_vec_dot(m[2], rhat));
    assert_near(ang, 40 * DEG - atan((1 - WGS84_E2) * tan(40 * DEG)), 1e-9);
    assert_near(ang, 3.3e-3, 0.05e-3);
}

static void test_aer_directions(void **state)
{
    (void)state;
    const double lat0 = 38.35 * DEG, lon0 = 37.79 * DEG, h0 = 2085; /* Kurecik, ref. README */
    double p[3], az, el, rng;
    /* Straight up: el = pi/2, range = the height difference. */
    assert_int_equal(jmd_geo_to_ecef(lat0, lon0, h0 + 1000, p), 0);
    assert_int_equal(jmd_geo_aer(lat0, lon0, h0, p, &az, &el, &rng), 0);
    assert_near(el, PI / 2, 1e-12);
    assert_near(rng, 1000, 1e-8);
    assert_true(az >= 0 && az < 2 * PI);
    /* Due north, east, south, west along the local horizontal. */
    static const double enu_dirs[4][3] = {{0, 1e4, 0}, {1e4, 0, 0}, {0, -1e4, 0}, {-1e4, 0, 0}};
    static const double want_az[4] = {0, PI / 2, PI, 3 * PI / 2};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(jmd_geo_enu_to_ecef(lat0, lon0, h0, enu_dirs[i], p), 0);
        assert_int_equal(jmd_geo_aer(lat0, lon0, h0, p, &az, &el, &rng), 0);
        assert_near(az, want_az[i], 1e-12);
        assert_near(el, 0, 1e-12);
        assert_near(rng, 1e4, 1e-8);
    }
    /* A point on the same meridian, further north on the ground: azimuth 0,
     * below the horizontal (the Earth curves away). */
    assert_int_equal(jmd_geo_to_ecef(lat0 + 1 * DEG, lon0, h0, p), 0);
    assert_int_equal(jmd_geo_aer(lat0, lon0, h0, p, &az, &el, &rng), 0);
    assert_near(az, 0, 1e-12);
    assert_true(el < 0 && el > -1 * DEG);
    /* Just west of north: azimuth close to 2 pi but below it. */
    const double nw[3] = {-1e-9, 1e4, 0};
    assert_int_equal(jmd_geo_enu_to_ecef(lat0, lon0, h0, nw, p), 0);
    assert_int_equal(jmd_geo_aer(lat0, lon0, h0, p, &az, &el, &rng), 0);
    assert_true(az >= 0 && az < 2 * PI);
    /* From the north pole every direction on the ground is "south": along
     * the lon-0 meridian from the pole, the ENU(lat 90, lon 0) north axis
     * points to -x, so the point (x > 0) is due south. */
    assert_int_equal(jmd_geo_to_ecef(89 * DEG, 0, 0, p), 0);
    assert_int_equal(jmd_geo_aer(PI / 2, 0, 0, p, &az, &el, &rng), 0);
    assert_near(az, PI, 1e-12);
    /* The origin itself has no direction. */
    assert_int_equal(jmd_geo_to_ecef(lat0, lon0, h0, p), 0);
    assert_int_equal(jmd_geo_aer(lat0, lon0, h0, p, &az, &el, &rng), JMD_EINVAL);
}

static void test_enu_aer_round_trips(void **state)
{
    (void)state;
    for (int i = 0; i < 5000; i++) {
        double lat0 = (rng_uniform() - 0.5) * PI, lon0 = (rng_uniform() - 0.5) * 2 * PI;
        double h0 = -1e4 + 1e5 * rng_uniform();
        double az = 2 * PI * rng_uniform(), el = (rng_uniform() - 0.5) * PI;
        double rng = 1 + 5e7 * rng_uniform();
        double p[3], az2, el2, rng2, enu[3], q[3];
        assert_int_equal(jmd_geo_aer_to_ecef(lat0, lon0, h0, az, el, rng, p), 0);
        assert_int_equal(jmd_geo_aer(lat0, lon0, h0, p, &az2, &el2, &rng2), 0);
        assert_near(rng2, rng, 1e-8 + 1e-14 * rng);
        assert_near(el2, el, 1e-8 / rng + 1e-13);
        if (fabs(el) < PI / 2 - 1e-6) /* azimuth undefined at the zenith/nadir */
            assert_angle_near(az2, az, 1e-8 / (rng * cos(el)) + 1e-13);
        assert_true(az2 >= 0 && az2 < 2 * PI);
        assert_int_equal(jmd_geo_ecef_to_enu(lat0, lon0, h0, p, enu), 0);
        assert_int_equal(jmd_geo_enu_to_ecef(lat0, lon0, h0, enu, q), 0);
        assert_true(dist3(p, q) < 1e-8 + 1e-15 * rng);
        assert_near(jmd_vec_norm(enu), rng, 1e-8 + 1e-14 * rng);
    }
}

/* ---- geodesics -------------------------------------------------------------- */

/* C. F. F. Karney, GeographicLib tests/geodtest.c, testcases[] (MIT/X11),
 * drawn from his geodesic test set GeodTest.dat (doi:10.5281/zenodo.32156),
 * computed with high-precision arithmetic: lat1, lon1, azi1, lat2, lon2,
 * azi2 (degrees), s12 (m). */
static const double karney_cases[][7] = {
    {35.60777, -139.44815, 111.098748429560326, -11.17491, -69.95921, 129.289270889708762,
     8935244.5604818305},
    {55.52454, 106.05087, 22.020059880982801, 77.03196, 197.18234, 109.112041110671519,
     4105086.1713924406},
    {-21.97856, 142.59065, -32.44456876433189, 41.84138, 98.56635, -41.84359951440466,
     8394328.894657671},
    {-66.99028, 112.2363, 173.73491240878403, -12.70631, 285.90344, 2.512956620913668,
     11150344.2312080241},
    {-17.42761, 173.34268, -159.033557661192928, -15.84784, 5.93557, -20.787484651536988,
     16076603.1631180673},
};

static void test_geodesic_karney_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof karney_cases / sizeof karney_cases[0]; i++) {
        const double *c = karney_cases[i];
        double s12, azi1, azi2, lat2, lon2, az2;
        assert_int_equal(
            jmd_geo_inverse(c[0] * DEG, c[1] * DEG, c[3] * DEG, c[4] * DEG, &s12, &azi1, &azi2),
            0);
        assert_near(s12, c[6], 1e-8);
        assert_angle_near(azi1, c[2] * DEG, 1e-13);
        assert_angle_near(azi2, c[5] * DEG, 1e-13);
        assert_true(azi1 >= 0 && azi1 < 2 * PI && azi2 >= 0 && azi2 < 2 * PI);
        assert_int_equal(
            jmd_geo_direct(c[0] * DEG, c[1] * DEG, c[2] * DEG, c[6], &lat2, &lon2, &az2), 0);
        assert_near(lat2, c[3] * DEG, 1e-13);
        assert_angle_near(lon2, c[4] * DEG, 1e-13);
        assert_true(lon2 > -PI && lon2 <= PI);
        assert_angle_near(az2, c[5] * DEG, 1e-13);
    }
}

static void test_geodesic_well_known(void **state)
{
    (void)state;
    double s, a1, a2, lat, lon, az;
    /* A quarter of the equator: a pi / 2 = 10,018,754.171 m, due east. */
    assert_int_equal(jmd_geo_inverse(0, 0, 0, PI / 2, &s, &a1, &a2), 0);
    assert_near(s, 10018754.171394622, 1e-6);
    assert_near(a1, PI / 2, 1e-14);
    assert_near(a2, PI / 2, 1e-14);
    /* The meridian quadrant, equator to pole: 10,001,965.729 m on WGS-84
     * (Wikipedia, "Earth quadrant" / "Meridian arc", WGS-84 values). */
    assert_int_equal(jmd_geo_inverse(0, 0, PI / 2, 0, &s, &a1, &a2), 0);
    assert_near(s, 10001965.729, 1e-3);
    assert_near(a1, 0, 1e-14);
    /* Pole to pole: twice the quadrant. */
    assert_int_equal(jmd_geo_inverse(PI / 2, 0, -PI / 2, 0, &s, &a1, &a2), 0);
    assert_near(s, 2 * 10001965.7293, 2e-3);
    /* Antipodes on the equator: on an oblate ellipsoid the shortest path
     * runs over a pole (the equator is longer, pi a), so twice the quadrant. */
    assert_int_equal(jmd_geo_inverse(0, 0, 0, PI, &s, &a1, &a2), 0);
    assert_near(s, 2 * 10001965.7293, 2e-3);
    /* Across the antimeridian at the equator: 179.5 E to 179.5 W is one
     * degree of equator, a pi / 180 = 111,319.491 m, heading east. */
    assert_int_equal(jmd_geo_inverse(0, 179.5 * DEG, 0, -179.5 * DEG, &s, &a1, &a2), 0);
    assert_near(s, JMD_WGS84_A * PI / 180, 1e-6);
    assert_near(a1, PI / 2, 1e-12);
    assert_near(a2, PI / 2, 1e-12);
    /* Coincident points. */
    assert_int_equal(jmd_geo_inverse(0.3, 0.4, 0.3, 0.4, &s, &a1, &a2), 0);
    assert_near(s, 0, 0);
    /* Direct: a quarter of the equator east lands on lon 90 E. */
    assert_int_equal(jmd_geo_direct(0, 0, PI / 2, 10018754.171394622, &lat, &lon, &az), 0);
    assert_near(lat, 0, 1e-15);
    assert_near(lon, PI / 2, 1e-14);
    assert_near(az, PI / 2, 1e-14);
    /* ... and crossing the antimeridian comes back in (-pi, pi]. */
    assert_int_equal(
        jmd_geo_direct(0, 179.5 * DEG, PI / 2, JMD_WGS84_A * PI / 180, &lat, &lon, &az), 0);
    assert_near(lon, -179.5 * DEG, 1e-12);
    /* Exactly to 180: +pi, never -pi. */
    assert_int_equal(
        jmd_geo_direct(0, 0, 3 * PI / 2, 2 * 10018754.171394622 - 1e-7, &lat, &lon, &az), 0);
    assert_true(lon > -PI && lon <= PI);
    /* Direct north by the quadrant reaches the pole; by a negative distance
     * from the pole, back to the equator. */
    assert_int_equal(jmd_geo_direct(0, 0, 0, 10001965.729313, &lat, &lon, &az), 0);
    assert_near(lat, PI / 2, 1e-12);
    assert_true(lat <= PI / 2);
    assert_int_equal(jmd_geo_direct(0, 0.5, 0, -1000, &lat, &lon, &az), 0);
    assert_true(lat < 0);
    assert_near(lon, 0.5, 1e-15);
}

static void test_geodesic_round_trips(void **state)
{
    (void)state;
    for (int i = 0; i < 2000; i++) {
        double lat1 = (rng_uniform() - 0.5) * PI, lon1 = (rng_uniform() - 0.5) * 2 * PI;
        /* Below (1 - f) pi a = 19,970 km, the length of the shortest
         * geodesic that reaches its cut locus (the equator's): every such
         * geodesic is the shortest path, so the inverse gives s back. */
        double azi1 = 2 * PI * rng_uniform(), s = 1.995e7 * rng_uniform();
        if (i == 0) lat1 = PI / 2;
        if (i == 1) lat1 = -PI / 2;
        double lat2, lon2, azi2, s2, b1, b2;
        assert_int_equal(jmd_geo_direct(lat1, lon1, azi1, s, &lat2, &lon2, &azi2), 0);
        assert_int_equal(jmd_geo_inverse(lat1, lon1, lat2, lon2, &s2, &b1, &b2), 0);
        assert_near(s2, s, 1e-6);
        if (i > 1 && s < 1.9e7) /* azimuth unique off the poles, short of antipodes */
            assert_angle_near(b1, azi1, 1e-9);
    }
}

/* ---- line of sight and radar horizon --------------------------------------- */

static int los(const double a[3], const double b[3], double clearance)
{
    int v = -1;
    assert_int_equal(jmd_geo_line_of_sight(a, b, clearance, &v), 0);
    assert_true(v == 0 || v == 1);
    return v;
}

static void test_line_of_sight(void **state)
{
    (void)state;
    const double a = JMD_WGS84_A, b = WGS84_B;
    double p[3], q[3];
    /* Opposite sides of the Earth: blocked, for the bare ellipsoid and any
     * clearance; even 1000 km up on each side. */
    const double e1[3] = {a + 1e6, 0, 0}, e2[3] = {-a - 1e6, 0, 0};
    assert_false(los(e1, e2, 0));
    assert_false(los(e1, e2, 1e5));
    /* Two high points close together (500 km up, 100 km apart): visible. */
    assert_int_equal(jmd_geo_to_ecef(50 * DEG, 30 * DEG, 5e5, p), 0);
    assert_int_equal(jmd_geo_to_ecef(50.9 * DEG, 30 * DEG, 5e5, q), 0);
    assert_true(los(p, q, 0));
    assert_true(los(p, q, 1e5));
    /* A point on the ground and its zenith: visible; the order does not
     * matter.  With 100 m clearance the ground point is under the raised
     * surface, so blocked (documented); from 200 m up, visible again. */
    assert_int_equal(jmd_geo_to_ecef(45 * DEG, 10 * DEG, 0, p), 0);
    assert_int_equal(jmd_geo_to_ecef(45 * DEG, 10 * DEG, 1e6, q), 0);
    assert_true(los(p, q, 0));
    assert_true(los(q, p, 0));
    assert_false(los(p, q, 100));
    assert_int_equal(jmd_geo_to_ecef(45 * DEG, 10 * DEG, 200, p), 0);
    assert_true(los(p, q, 100));
    /* Ground points at every latitude see their zenith: the sensor standing
     * on the surface is not blocked by rounding. */
    for (int i = -90; i <= 90; i += 3) {
        assert_int_equal(jmd_geo_to_ecef(i * DEG, i * 2 * DEG, 0, p), 0);
        assert_int_equal(jmd_geo_to_ecef(i * DEG, i * 2 * DEG, 10, q), 0);
        assert_true(los(p, q, 0));
    }
    /* Tangents.  In the equatorial plane the ellipsoid is a circle of
     * radius a: the chord x = a touches it at (a, 0, 0). */
    const double L = 2e6;
    double t1[3] = {a, -L, 0}, t2[3] = {a, L, 0};
    assert_true(los(t1, t2, 0)); /* grazing counts as clear */
    t1[0] = t2[0] = a - 0.01;
    assert_false(los(t1, t2, 0)); /* 1 cm under */
    t1[0] = t2[0] = a + 0.01;
    assert_true(los(t1, t2, 0));
    t1[0] = t2[0] = a + 5000 - 0.01;
    assert_false(los(t1, t2, 5000));
    t1[0] = t2[0] = a + 5000 + 0.01;
    assert_true(los(t1, t2, 5000));
    /* Over the pole: the plane z = b touches at the pole. */
    double u1[3] = {-L, 0, b - 0.01}, u2[3] = {L, 0, b - 0.01};
    assert_false(los(u1, u2, 0));
    u1[2] = u2[2] = b + 0.01;
    assert_true(los(u1, u2, 0));
    /* A tangent segment that ends before reaching the tangent point is
     * clear even if its extension would dip: only the segment counts. */
    const double s1[3] = {a - 10, -2 * L, 0}, s2[3] = {a - 10, -L, 0};
    assert_true(los(s1, s2, 0));
    /* Degenerate: one point above the surface, one inside the Earth. */
    const double in[3] = {1000, 2000, 3000};
    assert_false(los(e1, in, 0));
    assert_false(los(in, in, 0));
    assert_true(los(e1, e1, 0));
}

/* Sensor and target in the equatorial plane (a circle of radius a) at the
 * geometric horizon of each other: the tangent distance matches
 * jmd_geo_radar_horizon with k = 1, and line of sight flips there. */
static void test_horizon_matches_line_of_sight(void **state)
{
    (void)state;
    const double a = JMD_WGS84_A, h1 = 30, h2 = 100e3;
    double th1 = acos(a / (a + h1)), th2 = acos(a / (a + h2)), d;
    assert_int_equal(jmd_geo_radar_horizon(h1, h2, a, 1.0, &d), 0);
    for (int k = -1; k <= 1; k += 2) {
        double th = th1 + th2 + k * 1e-6; /* 6 m of arc short of / beyond */
        double s[3] = {a + h1, 0, 0};
        double t[3] = {(a + h2) * cos(th), (a + h2) * sin(th), 0};
        assert_int_equal(los(s, t, 0), k < 0);
        if (k < 0) assert_near(dist3(s, t), d, 10);
    }
}

static void test_radar_horizon(void **state)
{
    (void)state;
    double d;
    /* 4/3-Earth rule of thumb: d_km = 4.12 (sqrt(h1_m) + sqrt(h2_m)), the
     * textbook form of sqrt(2 k R h) with k R = 8495 km (e.g. Skolnik,
     * Introduction to Radar Systems, 3rd ed., on refraction). */
    static const double hs[][2] = {{10, 1000}, {30, 30}, {0, 10000}, {100, 0}, {20, 300}};
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
        assert_int_equal(
            jmd_geo_radar_horizon(hs[i][0], hs[i][1], JMD_EARTH_RMEAN, 4.0 / 3.0, &d), 0);
        double rule = 4.12e3 * (sqrt(hs[i][0]) + sqrt(hs[i][1]));
        assert_near(d, rule, 2e-3 * rule);
    }
    /* The exact formula. */
    const double kr = 4.0 / 3.0 * 6371e3;
    assert_int_equal(jmd_geo_radar_horizon(500, 2e5, 6371e3, 4.0 / 3.0, &d), 0);
    assert_near(
        d, sqrt((kr + 500) * (kr + 500) - kr * kr) + sqrt((kr + 2e5) * (kr + 2e5) - kr * kr),
        1e-6);
    /* Both on the ground: zero. */
    assert_int_equal(jmd_geo_radar_horizon(0, 0, 6371e3, 1, &d), 0);
    assert_true(d == 0);
    /* Invalid arguments. */
    assert_int_equal(jmd_geo_radar_horizon(-1, 0, 6371e3, 1, &d), JMD_EINVAL);
    assert_int_equal(jmd_geo_radar_horizon(0, -1, 6371e3, 1, &d), JMD_EINVAL);
    assert_int_equal(jmd_geo_radar_horizon(1, 1, 0, 1, &d), JMD_EINVAL);
    assert_int_equal(jmd_geo_radar_horizon(1, 1, 6371e3, 0, &d), JMD_EINVAL);
    assert_int_equal(jmd_geo_radar_horizon(1, 1, 6371e3, -1, &d), JMD_EINVAL);
    assert_int_equal(jmd_geo_radar_horizon(NAN, 1, 6371e3, 1, &d), JMD_EINVAL);
    assert_int_equal(jmd_geo_radar_horizon(1, INFINITY, 6371e3, 1, &d), JMD_EINVAL);
    assert_int_equal(jmd_geo_radar_horizon(1, 1, NAN, 1, &d), JMD_EINVAL);
    assert_int_equal(jmd_geo_radar_horizon(1, 1, 6371e3, NAN, &d), JMD_EINVAL);
    assert_int_equal(jmd_geo_radar_horizon(1, 1, 6371e3, 1, NULL), JMD_EINVAL);
}

/* ---- vectors ------------------------------------------------------------------ */

static void test_vec(void **state)
{
    (void)state;
    const double x[3] = {1, 0, 0}, y[3] = {0, 1, 0}, v[3] = {3, 4, 12};
    double c[3];
    assert_true(jmd_vec_dot(v, v) == 169);
    assert_true(jmd_vec_dot(x, y) == 0);
    assert_true(jmd_vec_norm(v) == 13);
    jmd_vec_cross(x, y, c);
    assert_true(c[0] == 0 && c[1] == 0 && c[2] == 1);
    jmd_vec_cross(y, x, c);
    assert_true(c[2] == -1);
    /* a x b is orthogonal to both; out may alias an input. */
    double a[3] = {1.5, -2, 0.25};
    const double b[3] = {-3, 0.5, 7};
    jmd_vec_cross(a, b, c);
    assert_near(jmd_vec_dot(c, a), 0, 1e-14);
    assert_near(jmd_vec_dot(c, b), 0, 1e-14);
    jmd_vec_cross(a, b, a);
    assert_true(a[0] == c[0] && a[1] == c[1] && a[2] == c[2]);
}

/* ---- the contract: invalid arguments ----------------------------------------- */

static void test_invalid_arguments(void **state)
{
    (void)state;
    const double ok[3] = {JMD_WGS84_A, 0, 0}, nan3[3] = {NAN, 0, 0}, inf3[3] = {0, INFINITY, 0};
    const double above = nextafter(PI / 2, 4); /* first double above pi/2 */
    double o[3], o2[3], m[3][3], x, y, z;
    int vis;

    assert_int_equal(jmd_geo_to_ecef(above, 0, 0, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_to_ecef(-above, 0, 0, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_to_ecef(2, 0, 0, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_to_ecef(NAN, 0, 0, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_to_ecef(0, INFINITY, 0, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_to_ecef(0, 0, -INFINITY, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_to_ecef(0, 0, 0, NULL), JMD_EINVAL);
    /* Finite inputs whose result overflows: JMD_ERANGE, not Inf. */
    const double big[3] = {-1.7e308, 0, 0};
    assert_int_equal(jmd_geo_ecef_to_enu(0, 0, 1.7e308, big, o), JMD_ERANGE);

    assert_int_equal(jmd_geo_from_ecef(NULL, &x, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_from_ecef(ok, NULL, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_from_ecef(ok, &x, NULL, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_from_ecef(ok, &x, &y, NULL), JMD_EINVAL);
    assert_int_equal(jmd_geo_from_ecef(nan3, &x, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_from_ecef(inf3, &x, &y, &z), JMD_EINVAL);

    assert_int_equal(jmd_geo_ecef_to_eci(NAN, ok, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_eci(INFINITY, ok, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_eci(0, nan3, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_eci(0, NULL, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_eci(0, ok, NULL), JMD_EINVAL);
    assert_int_equal(jmd_geo_eci_to_ecef(NAN, ok, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_eci_to_ecef(0, inf3, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_eci_to_ecef(0, NULL, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_eci_to_ecef(0, ok, NULL), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_eci_state(0, ok, nan3, o, o2), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_eci_state(0, inf3, ok, o, o2), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_eci_state(NAN, ok, ok, o, o2), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_eci_state(0, NULL, ok, o, o2), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_eci_state(0, ok, NULL, o, o2), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_eci_state(0, ok, ok, NULL, o2), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_eci_state(0, ok, ok, o, NULL), JMD_EINVAL);
    assert_int_equal(jmd_geo_eci_to_ecef_state(0, ok, nan3, o, o2), JMD_EINVAL);
    assert_int_equal(jmd_geo_eci_to_ecef_state(0, inf3, ok, o, o2), JMD_EINVAL);
    assert_int_equal(jmd_geo_eci_to_ecef_state(-INFINITY, ok, ok, o, o2), JMD_EINVAL);
    assert_int_equal(jmd_geo_eci_to_ecef_state(0, NULL, ok, o, o2), JMD_EINVAL);
    assert_int_equal(jmd_geo_eci_to_ecef_state(0, ok, NULL, o, o2), JMD_EINVAL);
    assert_int_equal(jmd_geo_eci_to_ecef_state(0, ok, ok, NULL, o2), JMD_EINVAL);
    assert_int_equal(jmd_geo_eci_to_ecef_state(0, ok, ok, o, NULL), JMD_EINVAL);

    assert_int_equal(jmd_geo_enu_matrix(above, 0, m), JMD_EINVAL);
    assert_int_equal(jmd_geo_enu_matrix(0, NAN, m), JMD_EINVAL);
    assert_int_equal(jmd_geo_enu_matrix(0, 0, NULL), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_enu(above, 0, 0, ok, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_enu(0, INFINITY, 0, ok, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_enu(0, 0, NAN, ok, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_enu(0, 0, 0, nan3, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_enu(0, 0, 0, NULL, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_ecef_to_enu(0, 0, 0, ok, NULL), JMD_EINVAL);
    assert_int_equal(jmd_geo_enu_to_ecef(-above, 0, 0, ok, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_enu_to_ecef(0, 0, 0, inf3, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_enu_to_ecef(0, 0, 0, NULL, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_enu_to_ecef(0, 0, 0, ok, NULL), JMD_EINVAL);

    const double up[3] = {JMD_WGS84_A + 10, 0, 0};
    assert_int_equal(jmd_geo_aer(above, 0, 0, up, &x, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_aer(0, NAN, 0, up, &x, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_aer(0, 0, 0, nan3, &x, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_aer(0, 0, 0, NULL, &x, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_aer(0, 0, 0, up, NULL, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_aer(0, 0, 0, up, &x, NULL, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_aer(0, 0, 0, up, &x, &y, NULL), JMD_EINVAL);
    assert_int_equal(jmd_geo_aer_to_ecef(0, 0, 0, NAN, 0, 1, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_aer_to_ecef(0, 0, 0, 0, above, 1, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_aer_to_ecef(0, 0, 0, 0, 0, -1, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_aer_to_ecef(0, 0, 0, 0, 0, INFINITY, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_aer_to_ecef(above, 0, 0, 0, 0, 1, o), JMD_EINVAL);
    assert_int_equal(jmd_geo_aer_to_ecef(0, 0, 0, 0, 0, 1, NULL), JMD_EINVAL);

    assert_int_equal(jmd_geo_inverse(above, 0, 0, 0, &x, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_inverse(0, 0, -above, 0, &x, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_inverse(0, NAN, 0, 0, &x, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_inverse(0, 0, 0, INFINITY, &x, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_inverse(0, 0, 0, 0, NULL, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_inverse(0, 0, 0, 0, &x, NULL, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_inverse(0, 0, 0, 0, &x, &y, NULL), JMD_EINVAL);
    assert_int_equal(jmd_geo_direct(above, 0, 0, 1, &x, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_direct(0, NAN, 0, 1, &x, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_direct(0, 0, INFINITY, 1, &x, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_direct(0, 0, 0, NAN, &x, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_direct(0, 0, 0, 1, NULL, &y, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_direct(0, 0, 0, 1, &x, NULL, &z), JMD_EINVAL);
    assert_int_equal(jmd_geo_direct(0, 0, 0, 1, &x, &y, NULL), JMD_EINVAL);

    assert_int_equal(jmd_geo_line_of_sight(NULL, ok, 0, &vis), JMD_EINVAL);
    assert_int_equal(jmd_geo_line_of_sight(ok, NULL, 0, &vis), JMD_EINVAL);
    assert_int_equal(jmd_geo_line_of_sight(ok, ok, 0, NULL), JMD_EINVAL);
    assert_int_equal(jmd_geo_line_of_sight(nan3, ok, 0, &vis), JMD_EINVAL);
    assert_int_equal(jmd_geo_line_of_sight(ok, inf3, 0, &vis), JMD_EINVAL);
    assert_int_equal(jmd_geo_line_of_sight(ok, ok, NAN, &vis), JMD_EINVAL);
    assert_int_equal(jmd_geo_line_of_sight(ok, ok, INFINITY, &vis), JMD_EINVAL);
    assert_int_equal(jmd_geo_line_of_sight(ok, ok, -WGS84_B, &vis), JMD_EINVAL);
}

/* Never a non-finite output with a 0 return: every function on extreme
 * finite inputs (huge, tiny, subnormal, signed zeros) either fails with a
 * code or returns finite numbers. */
static void test_no_nan_on_success(void **state)
{
    (void)state;
    static const double v[] = {0.0,   -0.0,  5e-324, -5e-324, 1e-300,  1.0,
                               -1.0,  1.5,   1e7,    -1e7,    1e154,   -1e154,
                               1e200, 1e300, -1e300, 1.7e308, -1.7e308};
    const size_t nv = sizeof v / sizeof v[0];
    double o[3], o2[3], m[3][3], x, y, z;
    int vis;
#define FINITE3(p) (isfinite((p)[0]) && isfinite((p)[1]) && isfinite((p)[2]))
    for (size_t i = 0; i < nv; i++)
        for (size_t j = 0; j < nv; j++)
            for (size_t k = 0; k < nv; k++) {
                const double p[3] = {v[i], v[j], v[k]}, q[3] = {v[k], v[i], v[j]};
                int rc;
                rc = jmd_geo_to_ecef(v[i], v[j], v[k], o);
                assert_true(rc < 0 || FINITE3(o));
                rc = jmd_geo_from_ecef(p, &x, &y, &z);
                assert_true(rc < 0 || (isfinite(x) && isfinite(y) && isfinite(z)));
                rc = jmd_geo_ecef_to_eci(v[i], q, o);
                assert_true(rc < 0 || FINITE3(o));
                rc = jmd_geo_eci_to_ecef(v[j], p, o);
                assert_true(rc < 0 || FINITE3(o));
                rc = jmd_geo_ecef_to_eci_state(v[k], p, q, o, o2);
                assert_true(rc < 0 || (FINITE3(o) && FINITE3(o2)));
                rc = jmd_geo_eci_to_ecef_state(v[k], q, p, o, o2);
                assert_true(rc < 0 || (FINITE3(o) && FINITE3(o2)));
                rc = jmd_geo_enu_matrix(v[i], v[j], m);
                assert_true(rc < 0 || (FINITE3(m[0]) && FINITE3(m[1]) && FINITE3(m[2])));
                rc = jmd_geo_ecef_to_enu(v[i], v[j], v[k], q, o);
                assert_true(rc < 0 || FINITE3(o));
                rc = jmd_geo_enu_to_ecef(v[i], v[j], v[k], q, o);
                assert_true(rc < 0 || FINITE3(o));
                rc = jmd_geo_aer(v[i], v[j], v[k], q, &x, &y, &z);
                assert_true(rc < 0 || (isfinite(x) && isfinite(y) && isfinite(z)));
                rc = jmd_geo_aer_to_ecef(v[k], v[j], v[i], v[j], v[i], v[k], o);
                assert_true(rc < 0 || FINITE3(o));
                rc = jmd_geo_inverse(v[i], v[j], v[k], v[i], &x, &y, &z);
                assert_true(rc < 0 || (isfinite(x) && isfinite(y) && isfinite(z)));
                rc = jmd_geo_direct(v[i], v[j], v[k], v[k] > 1e10 ? 1e10 : v[k], &x, &y, &z);
                assert_true(rc < 0 || (isfinite(x) && isfinite(y) && isfinite(z)));
                rc = jmd_geo_line_of_sight(p, q, v[i], &vis);
                assert_true(rc < 0 || vis == 0 || vis == 1);
                rc = jmd_geo_radar_horizon(v[i], v[j], v[k], v[i], &x);
                assert_true(rc < 0 || isfinite(x));
            }
#undef FINITE3
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_to_ecef_known),
        cmocka_unit_test(test_from_ecef_known),
        cmocka_unit_test(test_round_trip_grid),
        cmocka_unit_test(test_ecef_round_trip_everywhere),
        cmocka_unit_test(test_from_ecef_is_nearest_point),
        cmocka_unit_test(test_eci_rotation),
        cmocka_unit_test(test_eci_state_round_trip_and_derivative),
        cmocka_unit_test(test_enu_matrix),
        cmocka_unit_test(test_aer_directions),
        cmocka_unit_test(test_enu_aer_round_trips),
        cmocka_unit_test(test_geodesic_karney_cases),
        cmocka_unit_test(test_geodesic_well_known),
        cmocka_unit_test(test_geodesic_round_trips),
        cmocka_unit_test(test_line_of_sight),
        cmocka_unit_test(test_horizon_matches_line_of_sight),
        cmocka_unit_test(test_radar_horizon),
        cmocka_unit_test(test_vec),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_no_nan_on_success),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
