/*
 * test_flight.c — the flight core: US 1976 atmosphere against the
 * standard's tables; the propagator against Kepler (vacuum, point mass),
 * its invariants with J2 (energy, polar angular momentum), its events and
 * dense output; powered flight (staging, cut-off, drag); targeting (miss,
 * the ordering of lofted / minimum-energy / depressed, minimality of the
 * minimum-energy shot, out-of-reach); free-flight aiming against the closed
 * form; the built-in catalogue's ranges against their nominal figures; and
 * a bad-input corpus where every case must be JMD_EINVAL.
 *
 * Runs in a few seconds at -O2 (about 40 targeting solves' worth of
 * flights); tests never assert times.
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
#include "jmd/orbit.h"

#define PI 3.14159265358979323846
#define DEG (PI / 180.0)
#define MU JMD_WGS84_GM

/* The catalogue's icbm-solid (data/threats.yaml), kept here so the physics
 * tests do not depend on the YAML; test_catalogue_matches_static checks the
 * two agree. */
static const jmd_vehicle icbm = {
    .name = "icbm-solid",
    .cls = "ICBM",
    .nstages = 3,
    .stage = {{23077, 20785, 279, 60, 2.19, 0.3},
              {7032, 6237, 300, 66, 1.39, 0.3},
              {3306, 2943, 298, 61, 1.39, 0.3}},
    .payload_mass = 1150,
    .rv_beta = 10000,
    .vertical_time = 10,
};

static const jmd_vehicle srbm = {
    .name = "srbm-liquid",
    .cls = "SRBM",
    .nstages = 1,
    .stage = {{4915, 3700, 235, 62, 0.608, 0.3}},
    .payload_mass = 985,
    .rv_beta = 3200,
    .vertical_time = 5,
};

static double rel(double a, double b)
{
    return fabs(a - b) / fabs(b);
}

static double dist3(const double a[3], const double b[3])
{
    double d[3] = {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    return jmd_vec_norm(d);
}

static double height(const double r[3])
{
    double lat, lon, h;
    assert_int_equal(jmd_geo_from_ecef(r, &lat, &lon, &h), 0);
    return h;
}

/* Geodetic impact point of a trajectory. */
static void impact_point(const jmd_trajectory *tr, double *lat, double *lon)
{
    jmd_flight_event ev;
    double ecef[3], h;
    assert_int_equal(jmd_trajectory_event(tr, JMD_EV_IMPACT, &ev), 0);
    assert_int_equal(jmd_geo_eci_to_ecef(ev.s.t, ev.s.r, ecef), 0);
    assert_int_equal(jmd_geo_from_ecef(ecef, lat, lon, &h), 0);
}

static double geodesic(double lat1, double lon1, double lat2, double lon2)
{
    double s, a1, a2;
    assert_int_equal(jmd_geo_inverse(lat1, lon1, lat2, lon2, &s, &a1, &a2), 0);
    return s;
}

static jmd_flight_opts vacuum_opts(void)
{
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    o.j2 = 0;
    o.drag = 0;
    return o;
}

/* ---- atmosphere --------------------------------------------------------- */

static void test_atmosphere_tables(void **state)
{
    (void)state;
    double rho, p, t, c;
    /* Sea level (US 1976, Table 2 / Table I). */
    assert_int_equal(jmd_atmosphere(0, &rho, &p, &t, &c), 0);
    assert_true(rel(rho, 1.225) < 1e-4);
    assert_true(rel(p, 101325.0) < 1e-9);
    assert_true(fabs(t - 288.15) < 1e-9);
    assert_true(fabs(c - 340.294) < 0.01);
    /* Table I, geometric altitude: density (4 significant figures printed). */
    static const double zr[][2] = {
        {11000, 0.36480},    {20000, 0.088910},   {50000, 1.0269e-3},  {86000, 6.958e-6},
        {90000, 3.416e-6},   {100000, 5.604e-7},  {110000, 9.708e-8},  {150000, 2.076e-9},
        {200000, 2.541e-10}, {300000, 1.916e-11}, {500000, 5.215e-13}, {700000, 3.070e-14},
        {1000000, 3.561e-15}};
    for (size_t i = 0; i < sizeof zr / sizeof zr[0]; i++) {
        assert_int_equal(jmd_atmosphere(zr[i][0], &rho, NULL, NULL, NULL), 0);
        if (rel(rho, zr[i][1]) > 6e-4)
            fail_msg("density at %g m: %g, table %g", zr[i][0], rho, zr[i][1]);
    }
    /* 0.3639 kg/m^3 is the tropopause value: 11 km geopotential, which is
     * 11,019 m geometric (z = r0 H / (r0 - H), r0 = 6,356,766 m). */
    assert_int_equal(
        jmd_atmosphere(6356766.0 * 11000 / (6356766.0 - 11000), &rho, &p, &t, NULL), 0);
    assert_true(fabs(rho - 0.3639) < 1e-4);
    assert_true(rel(p, 22632.06) < 1e-6 && fabs(t - 216.65) < 1e-6);
    /* Temperatures: layer values and the closed forms above 86 km. */
    static const double zt[][2] = {{-5000, 320.676}, {11000, 216.774}, {20000, 216.65},
                                   {47400, 270.65},  {86000, 186.87},  {100000, 195.08},
                                   {110000, 240.0},  {120000, 360.0},  {150000, 634.39},
                                   {500000, 999.24}};
    for (size_t i = 0; i < sizeof zt / sizeof zt[0]; i++) {
        assert_int_equal(jmd_atmosphere(zt[i][0], NULL, NULL, &t, NULL), 0);
        if (fabs(t - zt[i][1]) > 0.01)
            fail_msg("temperature at %g m: %g, table %g", zt[i][0], t, zt[i][1]);
    }
    /* Pressures at Table I rows above 86 km reproduce the table. */
    static const double zp[][2] = {
        {100000, 3.2011e-2}, {150000, 4.5422e-4}, {500000, 3.0236e-7}};
    for (size_t i = 0; i < sizeof zp / sizeof zp[0]; i++) {
        assert_int_equal(jmd_atmosphere(zp[i][0], NULL, &p, NULL, NULL), 0);
        assert_true(rel(p, zp[i][1]) < 1e-3);
    }
    assert_int_equal(jmd_atmosphere(20000, NULL, &p, NULL, &c), 0);
    assert_true(rel(p, 5529.3) < 1e-4); /* Table I: 55.293 mb */
    assert_true(fabs(c - 295.07) < 0.01);
}

static void test_atmosphere_shape(void **state)
{
    (void)state;
    double prev = INFINITY, rho, p, t;
    /* Density falls monotonically and continuously (no jump > 2 % per 100 m). */
    for (double h = -5000; h <= 1.2e6; h += 100) {
        assert_int_equal(jmd_atmosphere(h, &rho, &p, &t, NULL), 0);
        assert_true(rho > 0 && isfinite(rho) && p > 0 && t > 150);
        assert_true(rho < prev);
        if (isfinite(prev)) assert_true(rho / prev > 0.98);
        prev = rho;
    }
    /* Continuity across 86 km, where the formulas meet the table. */
    double lo, hi;
    assert_int_equal(jmd_atmosphere(86000 - 1e-6, &lo, NULL, NULL, NULL), 0);
    assert_int_equal(jmd_atmosphere(86000 + 1e-6, &hi, NULL, NULL, NULL), 0);
    assert_true(rel(lo, hi) < 1e-3);
    /* Above 1,000 km the density keeps falling exponentially. */
    assert_int_equal(jmd_atmosphere(2e6, &rho, NULL, NULL, NULL), 0);
    assert_true(rho > 0 && rho < 3.561e-15 * 0.1);
    assert_int_equal(jmd_atmosphere(0, NULL, NULL, NULL, NULL), 0);
}

/* ---- propagation -------------------------------------------------------- */

/* Vacuum, point mass: every dense sample within 1 m of Kepler (universal
 * variables), over 30 min of LEO and over a ballistic arc to impact. */
static void test_coast_matches_kepler(void **state)
{
    (void)state;
    jmd_flight_opts o = vacuum_opts();
    o.max_time = 1800;
    const jmd_state starts[2] = {
        {.t = 100.0, .r = {6778e3, 0, 0}, .v = {0, 7668.6, 1000}},    /* LEO, 400 km */
        {.t = 0.0, .r = {6478e3, 0, 1000e3}, .v = {3000, 5500, 500}}, /* ballistic */
    };
    for (int k = 0; k < 2; k++) {
        jmd_trajectory tr = {0};
        assert_int_equal(jmd_flight_coast(&starts[k], 0, &o, &tr), 0);
        assert_true(tr.n > 100);
        double worst = 0;
        for (size_t i = 0; i < tr.n; i++) {
            double r[3], v[3];
            assert_int_equal(
                jmd_orbit_kepler(MU, starts[k].r, starts[k].v, tr.s[i].t - starts[k].t, r, v),
                0);
            worst = fmax(worst, dist3(r, tr.s[i].r));
            if (i > 0) assert_true(tr.s[i].t > tr.s[i - 1].t);
        }
        print_message("coast vs Kepler (%s): worst %.3g m over %zu samples\n",
                      k ? "ballistic" : "LEO 30 min", worst, tr.n);
        assert_true(worst < 1.0);
        /* Interpolation between samples stays on Kepler too. */
        for (double t = starts[k].t + 0.37; t < tr.s[tr.n - 1].t; t += 97.1) {
            jmd_state s;
            double r[3], v[3];
            assert_int_equal(jmd_trajectory_at(&tr, t, &s), 0);
            assert_int_equal(
                jmd_orbit_kepler(MU, starts[k].r, starts[k].v, t - starts[k].t, r, v), 0);
            assert_true(dist3(r, s.r) < 1.0);
        }
        jmd_trajectory_free(&tr);
    }
}

/* Apogee, re-entry and impact land on their definitions: the analytic
 * apogee time within 1 ms, heights within 1 m. */
static void test_coast_events(void **state)
{
    (void)state;
    jmd_flight_opts o = vacuum_opts();
    const jmd_state s0 = {.t = 50.0, .r = {6478e3, 0, 0}, .v = {3200, 5400, 0}};
    jmd_trajectory tr = {0};
    jmd_flight_event ap, re, im;
    assert_int_equal(jmd_flight_coast(&s0, 0, &o, &tr), 0);
    assert_int_equal(jmd_trajectory_event(&tr, JMD_EV_APOGEE, &ap), 0);
    assert_int_equal(jmd_trajectory_event(&tr, JMD_EV_REENTRY, &re), 0);
    assert_int_equal(jmd_trajectory_event(&tr, JMD_EV_IMPACT, &im), 0);
    assert_true(ap.s.t < re.s.t && re.s.t < im.s.t);
    assert_int_equal(ap.stage, -1);

    jmd_elements el;
    assert_int_equal(jmd_orbit_elements(MU, s0.r, s0.v, &el), 0);
    double n = sqrt(MU / (el.a * el.a * el.a));
    double E = 2 * atan(sqrt((1 - el.e) / (1 + el.e)) * tan(el.nu / 2));
    double t_apo = s0.t + (PI - (E - el.e * sin(E))) / n;
    print_message("apogee time error %.3g s\n", ap.s.t - t_apo);
    assert_true(fabs(ap.s.t - t_apo) < 1e-3);
    assert_true(fabs(height(re.s.r) - JMD_REENTRY_ALT) < 1.0);
    assert_true(fabs(height(im.s.r) - o.impact_alt) < 1.0);
    /* The flight ends at impact; events are also samples. */
    assert_true(tr.s[tr.n - 1].t == im.s.t);
    int found = 0;
    for (size_t i = 0; i < tr.n; i++)
        found += tr.s[i].t == ap.s.t;
    assert_int_equal(found, 1);
    /* A 1 s output grid from the start. */
    assert_true(fabs(tr.s[1].t - (s0.t + 1.0)) < 1e-9);

    /* Impact at a height: the flight stops 5 km up. */
    o.impact_alt = 5000;
    assert_int_equal(jmd_flight_coast(&s0, 0, &o, &tr), JMD_EINVAL); /* tr ends after s0.t */
    jmd_trajectory_free(&tr);
    assert_int_equal(jmd_flight_coast(&s0, 0, &o, &tr), 0);
    assert_int_equal(jmd_trajectory_event(&tr, JMD_EV_IMPACT, &im), 0);
    assert_true(fabs(height(im.s.r) - 5000) < 1.0);
    /* Starting below the impact height and falling: impact at once. */
    jmd_trajectory tr2 = {0};
    jmd_state low = im.s;
    low.t = 1e4;
    o.impact_alt = 6000;
    assert_int_equal(jmd_flight_coast(&low, 0, &o, &tr2), 0);
    assert_int_equal(jmd_trajectory_event(&tr2, JMD_EV_IMPACT, &im), 0);
    assert_true(im.s.t == low.t);
    jmd_trajectory_free(&tr);
    jmd_trajectory_free(&tr2);
}

/* With J2 and no drag the field is conservative and axisymmetric about the
 * ECI z axis: energy and the polar angular momentum are integrals. J2 moves
 * a 10,000 km arc's impact by kilometres. */
static void test_j2_invariants(void **state)
{
    (void)state;
    jmd_flight_opts o = vacuum_opts();
    o.j2 = 1;
    o.max_time = 3 * 3600;
    const jmd_state s0 = {.t = 0, .r = {6578e3, 0, 0}, .v = {0, 5500, 5500}}; /* 51 deg LEO */
    jmd_trajectory tr = {0};
    assert_int_equal(jmd_flight_coast(&s0, 0, &o, &tr), 0);
    const double J2 = 1.08262668e-3, A = JMD_WGS84_A;
    double e0 = 0, hz0 = 0, de = 0, dh = 0;
    for (size_t i = 0; i < tr.n; i++) {
        const double *r = tr.s[i].r, *v = tr.s[i].v;
        double rn = jmd_vec_norm(r), s = r[2] / rn;
        double u = -MU / rn * (1 - J2 * (A / rn) * (A / rn) * 0.5 * (3 * s * s - 1));
        double e = 0.5 * jmd_vec_dot(v, v) + u;
        double hz = r[0] * v[1] - r[1] * v[0];
        if (i == 0) {
            e0 = e;
            hz0 = hz;
        }
        de = fmax(de, fabs(e - e0) / fabs(e0));
        dh = fmax(dh, fabs(hz - hz0) / fabs(hz0));
    }
    print_message("J2, 3 h: energy drift %.2g, h_z drift %.2g (relative)\n", de, dh);
    assert_true(de < 1e-9 && dh < 1e-9);
    jmd_trajectory_free(&tr);

    /* J2 on vs off on a ballistic arc (~10,000 km). */
    const jmd_state b = {.t = 0, .r = {6578e3, 0, 0}, .v = {2600, 6200, 2000}};
    jmd_trajectory t1 = {0}, t2 = {0};
    double la1, lo1, la2, lo2;
    assert_int_equal(jmd_flight_coast(&b, 0, &o, &t1), 0);
    o.j2 = 0;
    assert_int_equal(jmd_flight_coast(&b, 0, &o, &t2), 0);
    impact_point(&t1, &la1, &lo1);
    impact_point(&t2, &la2, &lo2);
    double d = geodesic(la1, lo1, la2, lo2), rng = geodesic(0, 0, la2, lo2);
    print_message("J2 moves the impact of a %.0f km arc by %.1f km\n", rng / 1e3, d / 1e3);
    assert_true(rng > 8e6);
    assert_true(d > 1e3 && d < 100e3);
    jmd_trajectory_free(&t1);
    jmd_trajectory_free(&t2);
}

/* ---- powered flight ------------------------------------------------------ */

static void test_fly_staging(void **state)
{
    (void)state;
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    jmd_launch l = {40 * DEG, -100 * DEG, 300.0, 1000.0, 60 * DEG, 20 * DEG, 0};
    jmd_trajectory tr = {0};
    assert_int_equal(jmd_flight_fly(&icbm, &l, &o, &tr), 0);
    /* launch, three burnouts, apogee, re-entry, impact */
    assert_int_equal(tr.nev, 7);
    assert_int_equal(tr.ev[0].kind, JMD_EV_LAUNCH);
    const double tb[3] = {60, 126, 187};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(tr.ev[1 + i].kind, JMD_EV_BURNOUT);
        assert_int_equal(tr.ev[1 + i].stage, i);
        assert_true(fabs(tr.ev[1 + i].s.t - (l.t0 + tb[i])) < 1e-9);
    }
    assert_int_equal(tr.ev[4].kind, JMD_EV_APOGEE);
    assert_int_equal(tr.ev[5].kind, JMD_EV_REENTRY);
    assert_int_equal(tr.ev[6].kind, JMD_EV_IMPACT);
    jmd_flight_event bo;
    assert_int_equal(jmd_trajectory_event(&tr, JMD_EV_BURNOUT, &bo), 0);
    assert_int_equal(bo.stage, 2);
    /* Burnout ~6.5-7 km/s at a few hundred km: an ICBM. */
    double v = jmd_vec_norm(bo.s.v), h = height(bo.s.r);
    print_message("icbm burnout %.3f km/s at %.1f km\n", v / 1e3, h / 1e3);
    assert_true(v > 6000 && v < 7600 && h > 150e3 && h < 500e3);
    /* The first sample is at rest on the launch pad. */
    double ecef[3], vecef[3];
    assert_int_equal(jmd_geo_eci_to_ecef_state(tr.s[0].t, tr.s[0].r, tr.s[0].v, ecef, vecef),
                     0);
    assert_true(jmd_vec_norm(vecef) < 1e-6);
    assert_true(fabs(height(tr.s[0].r) - 300.0) < 1e-6);
    for (size_t i = 1; i < tr.n; i++)
        assert_true(tr.s[i].t > tr.s[i - 1].t);

    /* Thrust termination inside stage 2: burnouts of stages 0 and 1 only,
     * the second at the cut-off. */
    l.cutoff = 100.0;
    assert_int_equal(jmd_flight_fly(&icbm, &l, &o, &tr), 0);
    int nbo = 0;
    for (int i = 0; i < tr.nev; i++)
        if (tr.ev[i].kind == JMD_EV_BURNOUT) {
            nbo++;
            if (tr.ev[i].stage == 1) assert_true(fabs(tr.ev[i].s.t - (l.t0 + 100.0)) < 1e-9);
        }
    assert_int_equal(nbo, 2);

    /* max_time shorter than the boost: the flight stops there, no burnout. */
    l.cutoff = 0;
    o.max_time = 30.0;
    assert_int_equal(jmd_flight_fly(&icbm, &l, &o, &tr), 0);
    assert_int_equal(tr.nev, 1);
    assert_true(fabs(tr.s[tr.n - 1].t - (l.t0 + 30.0)) < 1e-9);
    assert_true(height(tr.s[tr.n - 1].r) > 1e3);
    jmd_trajectory_free(&tr);
}

/* Drag shortens the range; an SRBM's range and apogee are in its class. */
static void test_drag_reduces_range(void **state)
{
    (void)state;
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    jmd_launch l = {30 * DEG, 40 * DEG, 0, 0, 45 * DEG, 10 * DEG, 0};
    jmd_trajectory tr = {0};
    double la, lo, with, without;
    assert_int_equal(jmd_flight_fly(&srbm, &l, &o, &tr), 0);
    impact_point(&tr, &la, &lo);
    with = geodesic(l.lat, l.lon, la, lo);
    o.drag = 0;
    assert_int_equal(jmd_flight_fly(&srbm, &l, &o, &tr), 0);
    impact_point(&tr, &la, &lo);
    without = geodesic(l.lat, l.lon, la, lo);
    print_message("srbm range with drag %.1f km, without %.1f km\n", with / 1e3, without / 1e3);
    assert_true(with < without - 5e3);
    assert_true(with > 200e3 && with < 400e3);
    jmd_trajectory_free(&tr);
}

/* ---- targeting -------------------------------------------------------------- */

/* A 10,000 km ICBM shot on each trajectory type: the impact is on the aim. */
static void test_target_icbm_10000km(void **state)
{
    (void)state;
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    double lat0 = 40 * DEG, lon0 = -100 * DEG, lat1, lon1, az2;
    assert_int_equal(jmd_geo_direct(lat0, lon0, 60 * DEG, 10000e3, &lat1, &lon1, &az2), 0);
    jmd_target_result res[3];
    for (int type = 0; type < 3; type++) {
        jmd_trajectory tr = {0};
        jmd_target_result *r = &res[type];
        assert_int_equal(jmd_flight_target(&icbm, lat0, lon0, lat1, lon1, (jmd_traj_type)type,
                                           0, 500.0, &o, r, &tr),
                         0);
        print_message("10,000 km, type %d: miss %.2f m, kick %.2f deg, cutoff %.2f s, burnout "
                      "%.3f km/s, apogee %.0f km, %.1f min\n",
                      type, r->miss, r->launch.kick / DEG, r->launch.cutoff,
                      r->burnout_speed / 1e3, r->apogee_alt / 1e3, r->flight_time / 60);
        assert_true(r->miss < 100.0);
        assert_true(fabs(r->ground_range - 10000e3) < 1.0);
        /* The result agrees with the trajectory it returned. */
        double la, lo;
        impact_point(&tr, &la, &lo);
        assert_true(geodesic(la, lo, lat1, lon1) < 100.0);
        assert_true(fabs(la - r->impact_lat) < 1e-9 && fabs(lo - r->impact_lon) < 1e-9);
        assert_true(fabs(tr.s[tr.n - 1].t - 500.0 - r->flight_time) < 1e-6);
        assert_true(r->launch.t0 == 500.0 && r->launch.lat == lat0 && r->launch.lon == lon0);
        assert_true(r->burnout_time > 100 && r->burnout_time <= 187.0 + 1e-9);
        assert_true(r->impact_speed > 500 && r->impact_speed < 8000);
        jmd_trajectory_free(&tr);
    }
    /* Ordering at the same range: lofted above minimum energy above depressed. */
    assert_true(res[JMD_TRAJ_LOFTED].apogee_alt > res[JMD_TRAJ_MIN_ENERGY].apogee_alt + 50e3);
    assert_true(res[JMD_TRAJ_MIN_ENERGY].apogee_alt >
                res[JMD_TRAJ_DEPRESSED].apogee_alt + 50e3);
    assert_true(res[JMD_TRAJ_LOFTED].flight_time > res[JMD_TRAJ_DEPRESSED].flight_time);
    assert_true(res[JMD_TRAJ_LOFTED].burnout_gamma > res[JMD_TRAJ_DEPRESSED].burnout_gamma);
    /* Minimum energy cuts the thrust; the others burn to depletion. */
    assert_true(res[JMD_TRAJ_MIN_ENERGY].launch.cutoff > 0);
    assert_true(res[JMD_TRAJ_LOFTED].launch.cutoff == 0 &&
                res[JMD_TRAJ_DEPRESSED].launch.cutoff == 0);

    /* J2 matters: flying the solved launch without J2 misses by kilometres. */
    jmd_trajectory tr = {0};
    double la, lo;
    o.j2 = 0;
    assert_int_equal(jmd_flight_fly(&icbm, &res[0].launch, &o, &tr), 0);
    impact_point(&tr, &la, &lo);
    double d = geodesic(la, lo, lat1, lon1);
    print_message("the same launch without J2 misses by %.1f km\n", d / 1e3);
    assert_true(d > 1e3 && d < 100e3);
    jmd_trajectory_free(&tr);
}

/* Given apogees: hit, with that apogee; the bounds of each branch. */
static void test_target_apogee(void **state)
{
    (void)state;
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    double lat0 = 55 * DEG, lon0 = 40 * DEG, lat1, lon1, az2;
    assert_int_equal(jmd_geo_direct(lat0, lon0, 330 * DEG, 6000e3, &lat1, &lon1, &az2), 0);
    jmd_target_result me, r;
    assert_int_equal(jmd_flight_target(&icbm, lat0, lon0, lat1, lon1, JMD_TRAJ_MIN_ENERGY, 0, 0,
                                       &o, &me, NULL),
                     0);
    const double lofted = me.apogee_alt + 600e3, depressed = me.apogee_alt - 400e3;
    assert_int_equal(jmd_flight_target(&icbm, lat0, lon0, lat1, lon1, JMD_TRAJ_LOFTED, lofted,
                                       0, &o, &r, NULL),
                     0);
    print_message("lofted to %.0f km: apogee %.3f km, miss %.2f m\n", lofted / 1e3,
                  r.apogee_alt / 1e3, r.miss);
    assert_true(fabs(r.apogee_alt - lofted) < 100.0 && r.miss < 100.0);
    assert_true(r.launch.cutoff > me.launch.cutoff);
    assert_int_equal(jmd_flight_target(&icbm, lat0, lon0, lat1, lon1, JMD_TRAJ_DEPRESSED,
                                       depressed, 0, &o, &r, NULL),
                     0);
    print_message("depressed to %.0f km: apogee %.3f km, miss %.2f m\n", depressed / 1e3,
                  r.apogee_alt / 1e3, r.miss);
    assert_true(fabs(r.apogee_alt - depressed) < 100.0 && r.miss < 100.0);
    /* A lofted apogee below the minimum-energy one, a depressed one above
     * it, and apogees beyond full burn have no solution. */
    assert_int_equal(jmd_flight_target(&icbm, lat0, lon0, lat1, lon1, JMD_TRAJ_LOFTED,
                                       depressed, 0, &o, &r, NULL),
                     JMD_ENOSOL);
    assert_int_equal(jmd_flight_target(&icbm, lat0, lon0, lat1, lon1, JMD_TRAJ_DEPRESSED,
                                       lofted, 0, &o, &r, NULL),
                     JMD_ENOSOL);
    assert_int_equal(jmd_flight_target(&icbm, lat0, lon0, lat1, lon1, JMD_TRAJ_LOFTED, 20000e3,
                                       0, &o, &r, NULL),
                     JMD_ENOSOL);
    assert_int_equal(jmd_flight_target(&icbm, lat0, lon0, lat1, lon1, JMD_TRAJ_DEPRESSED, 20e3,
                                       0, &o, &r, NULL),
                     JMD_ENOSOL);
}

/* The minimum-energy shot is the least: at its cut-off no kick goes
 * farther, and with a shorter burn none reaches the aim. */
static void test_min_energy_is_least(void **state)
{
    (void)state;
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    double lat0 = 20 * DEG, lon0 = 10 * DEG, lat1, lon1, az2;
    assert_int_equal(jmd_geo_direct(lat0, lon0, 100 * DEG, 5000e3, &lat1, &lon1, &az2), 0);
    jmd_target_result me;
    assert_int_equal(jmd_flight_target(&icbm, lat0, lon0, lat1, lon1, JMD_TRAJ_MIN_ENERGY, 0, 0,
                                       &o, &me, NULL),
                     0);
    assert_true(me.miss < 100.0);
    jmd_trajectory tr = {0};
    const double dts[2] = {0.0, -2.0};
    for (int k = 0; k < 2; k++) {
        double best = 0, best_kick = 0;
        for (double kick = me.launch.kick * 0.5; kick <= me.launch.kick * 1.6;
             kick += me.launch.kick * 0.02) {
            jmd_launch l = me.launch;
            l.kick = kick;
            l.cutoff = me.launch.cutoff + dts[k];
            double la, lo;
            assert_int_equal(jmd_flight_fly(&icbm, &l, &o, &tr), 0);
            impact_point(&tr, &la, &lo);
            double s = geodesic(lat0, lon0, la, lo);
            jmd_flight_event bo;
            assert_int_equal(jmd_trajectory_event(&tr, JMD_EV_BURNOUT, &bo), 0);
            if (s > best) {
                best = s;
                best_kick = kick;
            }
            /* Anything reaching the aim has at least the minimum-energy burnout speed. */
            if (s >= me.ground_range - 100.0)
                assert_true(jmd_vec_norm(bo.s.v) >= me.burnout_speed - 1.0);
        }
        print_message(
            "cut-off %+.0f s: farthest %.3f km at kick %.2f deg (aim %.3f km, kick %.2f deg)\n",
            dts[k], best / 1e3, best_kick / DEG, me.ground_range / 1e3, me.launch.kick / DEG);
        if (k == 0)
            assert_true(best < me.ground_range + 200.0);
        else
            assert_true(best < me.ground_range - 10e3);
    }
    jmd_trajectory_free(&tr);
}

static void test_target_out_of_reach(void **state)
{
    (void)state;
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    jmd_target_result r;
    double lat1, lon1, az2;
    assert_int_equal(jmd_geo_direct(30 * DEG, 40 * DEG, 90 * DEG, 1000e3, &lat1, &lon1, &az2),
                     0);
    for (int type = 0; type < 3; type++)
        assert_int_equal(jmd_flight_target(&srbm, 30 * DEG, 40 * DEG, lat1, lon1,
                                           (jmd_traj_type)type, 0, 0, &o, &r, NULL),
                         JMD_ENOSOL);
    /* Within reach: a short SRBM shot. */
    assert_int_equal(jmd_geo_direct(30 * DEG, 40 * DEG, 90 * DEG, 200e3, &lat1, &lon1, &az2),
                     0);
    assert_int_equal(jmd_flight_target(&srbm, 30 * DEG, 40 * DEG, lat1, lon1,
                                       JMD_TRAJ_MIN_ENERGY, 0, 0, &o, &r, NULL),
                     0);
    print_message("srbm 200 km: miss %.2f m, cutoff %.2f s\n", r.miss, r.launch.cutoff);
    assert_true(r.miss < 100.0 && r.launch.cutoff > 0 && r.launch.cutoff < 62);
}

/* ---- free-flight aiming -------------------------------------------------------- */

/* On the equator, burnout on the surface: the closed form (BMW 6.2) for the
 * solved burnout speed and angle gives the range angle and time of flight;
 * the impact longitude is that angle less the Earth's turn. */
static void test_aim_free_closed_form(void **state)
{
    (void)state;
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    jmd_target_result r;
    jmd_trajectory tr = {0};
    assert_int_equal(
        jmd_flight_aim_free(0, 0, 0, 0, 80 * DEG, JMD_TRAJ_MIN_ENERGY, 0, 0, &o, &r, &tr), 0);
    double psi, tof;
    assert_int_equal(jmd_orbit_free_flight(MU, JMD_WGS84_A, r.burnout_speed, r.burnout_gamma,
                                           JMD_WGS84_A, &psi, &tof),
                     0);
    double lon = psi - JMD_EARTH_OMEGA * tof;
    print_message("free aim: closed-form impact %.3f m from the aim, time %.2g s off\n",
                  fabs(lon - 80 * DEG) * JMD_WGS84_A, tof - r.flight_time);
    assert_true(fabs(lon - 80 * DEG) * JMD_WGS84_A < 1.0);
    assert_true(fabs(tof - r.flight_time) < 1e-3);
    assert_true(r.miss < 1.0);
    assert_true(fabs(r.launch.azimuth - 90 * DEG) < 1e-6);
    /* Against the closed-form minimum energy for the same inertial range
     * angle: the rotating target costs a little more, never less. */
    jmd_ballistic me;
    assert_int_equal(jmd_orbit_min_energy(MU, JMD_WGS84_A, psi, &me), 0);
    assert_true(r.burnout_speed >= me.speed - 1e-6);
    assert_true(rel(r.burnout_speed, me.speed) < 2e-3);
    /* The reference table (shared/reference §4), 10,000 km on a sphere:
     * 7.198 km/s; ours is on the rotating ellipsoid, eastward. */
    assert_true(r.burnout_speed > 6.5e3 && r.burnout_speed < 7.6e3);
    /* Events: burnout at t0, apogee, re-entry, impact. */
    assert_int_equal(tr.nev, 4);
    assert_int_equal(tr.ev[0].kind, JMD_EV_BURNOUT);
    assert_int_equal(tr.ev[3].kind, JMD_EV_IMPACT);
    assert_true(fabs(height(tr.ev[2].s.r) - JMD_REENTRY_ALT) < 1.0);
    jmd_trajectory_free(&tr);
}

static void test_aim_free_types(void **state)
{
    (void)state;
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    jmd_target_result me, lo, de;
    double lat0 = 62.9 * DEG, lon0 = 40.6 * DEG, lat1 = 38.9 * DEG, lon1 = -77.0 * DEG;
    assert_int_equal(jmd_flight_aim_free(lat0, lon0, 200e3, lat1, lon1, JMD_TRAJ_MIN_ENERGY, 0,
                                         0, &o, &me, NULL),
                     0);
    assert_int_equal(jmd_flight_aim_free(lat0, lon0, 200e3, lat1, lon1, JMD_TRAJ_LOFTED,
                                         me.apogee_alt + 1000e3, 0, &o, &lo, NULL),
                     0);
    assert_int_equal(jmd_flight_aim_free(lat0, lon0, 200e3, lat1, lon1, JMD_TRAJ_DEPRESSED,
                                         me.apogee_alt - 500e3, 0, &o, &de, NULL),
                     0);
    print_message(
        "free aim %.0f km: speeds %.4f / %.4f / %.4f km/s, apogees %.0f / %.0f / %.0f km\n",
        me.ground_range / 1e3, me.burnout_speed / 1e3, lo.burnout_speed / 1e3,
        de.burnout_speed / 1e3, me.apogee_alt / 1e3, lo.apogee_alt / 1e3, de.apogee_alt / 1e3);
    assert_true(me.miss < 1.0 && lo.miss < 1.0 && de.miss < 1.0);
    assert_true(fabs(lo.apogee_alt - (me.apogee_alt + 1000e3)) < 1.0);
    assert_true(fabs(de.apogee_alt - (me.apogee_alt - 500e3)) < 1.0);
    assert_true(lo.burnout_speed > me.burnout_speed && de.burnout_speed > me.burnout_speed);
    assert_true(lo.flight_time > me.flight_time && me.flight_time > de.flight_time);
    assert_true(fabs(me.burnout_alt - 200e3) < 1e-3);
    /* Lofted below the minimum-energy apogee: no solution. */
    assert_int_equal(jmd_flight_aim_free(lat0, lon0, 200e3, lat1, lon1, JMD_TRAJ_LOFTED,
                                         me.apogee_alt - 100e3, 0, &o, &lo, NULL),
                     JMD_ENOSOL);
    assert_int_equal(jmd_flight_aim_free(lat0, lon0, 200e3, lat1, lon1, JMD_TRAJ_DEPRESSED,
                                         me.apogee_alt + 100e3, 0, &o, &de, NULL),
                     JMD_ENOSOL);
}

/* ---- the catalogue --------------------------------------------------------------- */

/* Nominal ranges (km) stated in data/threats.yaml with their sources. */
static const struct {
    const char *name;
    double range_km;
} nominal[] = {{"srbm-liquid", 300},
               {"mrbm-liquid", 1300},
               {"irbm-solid", 3500},
               {"icbm-solid", 10000},
               {"icbm-liquid", 10000}};

/* Greatest range over the kick at full burn, launched due north from the
 * equator (as the catalogue was tuned): scan, then golden section. */
static double max_range(const jmd_vehicle *v)
{
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    o.output_step = 100;
    jmd_trajectory tr = {0};
    double kicks[40], ranges[40];
    int n = 0, ib = 0;
    for (double k = 0.5 * DEG; k < 80 * DEG && n < 40; k *= 1.25, n++) {
        jmd_launch l = {0, 0, 0, 0, 0, k, 0};
        double la, lo;
        kicks[n] = k;
        assert_int_equal(jmd_flight_fly(v, &l, &o, &tr), 0);
        impact_point(&tr, &la, &lo);
        ranges[n] = geodesic(0, 0, la, lo);
        if (ranges[n] > ranges[ib]) ib = n;
    }
    double a = kicks[ib > 0 ? ib - 1 : 0], b = kicks[ib + 1 < n ? ib + 1 : n - 1],
           best = ranges[ib];
    for (int it = 0; it < 25; it++) {
        double m1 = a + 0.382 * (b - a), m2 = a + 0.618 * (b - a), r1, r2, la, lo;
        jmd_launch l1 = {0, 0, 0, 0, 0, m1, 0}, l2 = {0, 0, 0, 0, 0, m2, 0};
        assert_int_equal(jmd_flight_fly(v, &l1, &o, &tr), 0);
        impact_point(&tr, &la, &lo);
        r1 = geodesic(0, 0, la, lo);
        assert_int_equal(jmd_flight_fly(v, &l2, &o, &tr), 0);
        impact_point(&tr, &la, &lo);
        r2 = geodesic(0, 0, la, lo);
        best = fmax(best, fmax(r1, r2));
        if (r1 > r2)
            b = m2;
        else
            a = m1;
    }
    jmd_trajectory_free(&tr);
    return best;
}

static void test_catalogue_ranges(void **state)
{
    (void)state;
    jmd_catalogue cat = {0};
    char err[256];
    assert_int_equal(jmd_catalogue_load_builtin(&cat, err, sizeof err), 0);
    for (size_t i = 0; i < sizeof nominal / sizeof nominal[0]; i++) {
        const jmd_vehicle *v = jmd_catalogue_vehicle(&cat, nominal[i].name);
        if (!v) fail_msg("catalogue has no %s", nominal[i].name);
        double r = max_range(v) / 1e3;
        print_message("%-12s full-burn max range %8.1f km, nominal %6.0f km (%+.1f %%)\n",
                      v->name, r, nominal[i].range_km, 100 * (r / nominal[i].range_km - 1));
        assert_true(fabs(r / nominal[i].range_km - 1) < 0.15);
    }
    jmd_catalogue_free(&cat);
}

static void test_catalogue_matches_static(void **state)
{
    (void)state;
    jmd_catalogue cat = {0};
    char err[256];
    assert_int_equal(jmd_catalogue_load_builtin(&cat, err, sizeof err), 0);
    const jmd_vehicle *mine[2] = {&icbm, &srbm};
    for (int k = 0; k < 2; k++) {
        const jmd_vehicle *v = jmd_catalogue_vehicle(&cat, mine[k]->name);
        assert_non_null(v);
        assert_int_equal(v->nstages, mine[k]->nstages);
        assert_true(v->payload_mass == mine[k]->payload_mass &&
                    v->rv_beta == mine[k]->rv_beta &&
                    v->vertical_time == mine[k]->vertical_time);
        assert_memory_equal(v->stage, mine[k]->stage, sizeof(jmd_stage) * (size_t)v->nstages);
    }
    jmd_catalogue_free(&cat);
}

/* ---- bad input ------------------------------------------------------------------- */

static void test_bad_input(void **state)
{
    (void)state;
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    jmd_trajectory tr = {0};
    jmd_target_result r;
    jmd_launch l = {0.5, 0.5, 0, 0, 1.0, 0.2, 0};
    const jmd_state s0 = {.t = 0, .r = {6478e3, 0, 0}, .v = {3000, 5000, 0}};

    /* atmosphere */
    assert_int_equal(jmd_atmosphere(-5001, NULL, NULL, NULL, NULL), JMD_EINVAL);
    assert_int_equal(jmd_atmosphere(NAN, NULL, NULL, NULL, NULL), JMD_EINVAL);
    assert_int_equal(jmd_atmosphere(INFINITY, NULL, NULL, NULL, NULL), JMD_EINVAL);
    /* options */
    jmd_flight_opts_default(NULL);
    const jmd_flight_opts good = o;
    jmd_flight_opts bad[8];
    for (int i = 0; i < 8; i++)
        bad[i] = good;
    bad[0].rtol = 0;
    bad[1].atol = NAN;
    bad[2].output_step = 0;
    bad[3].max_time = -1;
    bad[4].impact_alt = NAN;
    bad[5].j2 = 2;
    bad[6].output_step = 1e-9; /* 1e13 samples */
    bad[7].max_time = INFINITY;
    for (int i = 0; i < 8; i++) {
        assert_int_equal(jmd_flight_coast(&s0, 0, &bad[i], &tr), JMD_EINVAL);
        assert_int_equal(jmd_flight_fly(&icbm, &l, &bad[i], &tr), JMD_EINVAL);
    }
    /* coast */
    assert_int_equal(jmd_flight_coast(NULL, 0, &o, &tr), JMD_EINVAL);
    assert_int_equal(jmd_flight_coast(&s0, 0, NULL, &tr), JMD_EINVAL);
    assert_int_equal(jmd_flight_coast(&s0, 0, &o, NULL), JMD_EINVAL);
    assert_int_equal(jmd_flight_coast(&s0, NAN, &o, &tr), JMD_EINVAL);
    jmd_state sn = s0;
    sn.v[1] = NAN;
    assert_int_equal(jmd_flight_coast(&sn, 0, &o, &tr), JMD_EINVAL);
    sn = s0;
    sn.r[0] = 10; /* at the centre of the Earth */
    assert_int_equal(jmd_flight_coast(&sn, 0, &o, &tr), JMD_EINVAL);

    /* vehicles */
    jmd_vehicle v[10];
    for (int i = 0; i < 10; i++)
        v[i] = icbm;
    v[0].nstages = 0;
    v[1].nstages = JMD_MAX_STAGES + 1;
    v[2].stage[1].mass_gross = -1;
    v[3].stage[0].mass_prop = v[3].stage[0].mass_gross;
    v[4].payload_mass = -5;
    v[5].stage[2].isp = NAN;
    v[6].stage[0].burn_time = 0;
    v[7].rv_beta = -1;
    v[8].vertical_time = NAN;
    v[9].stage[0].mass_prop = 1; /* cannot lift off: thrust below weight */
    for (int i = 0; i < 10; i++) {
        assert_int_equal(jmd_flight_fly(&v[i], &l, &o, &tr), JMD_EINVAL);
        assert_int_equal(jmd_flight_target(&v[i], 0.5, 0.5, 0.6, 0.7, JMD_TRAJ_MIN_ENERGY, 0, 0,
                                           &o, &r, NULL),
                         JMD_EINVAL);
    }
    assert_int_equal(jmd_flight_fly(NULL, &l, &o, &tr), JMD_EINVAL);
    assert_int_equal(jmd_flight_fly(&icbm, NULL, &o, &tr), JMD_EINVAL);
    assert_int_equal(jmd_flight_fly(&icbm, &l, &o, NULL), JMD_EINVAL);
    /* launches */
    jmd_launch lb[6];
    for (int i = 0; i < 6; i++)
        lb[i] = l;
    lb[0].lat = 2.0;
    lb[1].lon = NAN;
    lb[2].kick = -0.1;
    lb[3].kick = PI / 2;
    lb[4].t0 = INFINITY;
    lb[5].cutoff = NAN;
    for (int i = 0; i < 6; i++)
        assert_int_equal(jmd_flight_fly(&icbm, &lb[i], &o, &tr), JMD_EINVAL);
    assert_int_equal(tr.n, 0);

    /* targeting */
    assert_int_equal(
        jmd_flight_target(&icbm, 0.5, 0.5, 0.6, 0.7, JMD_TRAJ_MIN_ENERGY, 0, 0, &o, NULL, NULL),
        JMD_EINVAL);
    assert_int_equal(
        jmd_flight_target(&icbm, 0.5, 0.5, 0.6, 0.7, JMD_TRAJ_MIN_ENERGY, 0, 0, NULL, &r, NULL),
        JMD_EINVAL);
    assert_int_equal(
        jmd_flight_target(&icbm, NAN, 0.5, 0.6, 0.7, JMD_TRAJ_MIN_ENERGY, 0, 0, &o, &r, NULL),
        JMD_EINVAL);
    assert_int_equal(
        jmd_flight_target(&icbm, 0.5, 0.5, -1.6, 0.7, JMD_TRAJ_MIN_ENERGY, 0, 0, &o, &r, NULL),
        JMD_EINVAL);
    assert_int_equal(jmd_flight_target(&icbm, 0.5, 0.5, 0.6, INFINITY, JMD_TRAJ_MIN_ENERGY, 0,
                                       0, &o, &r, NULL),
                     JMD_EINVAL);
    assert_int_equal(
        jmd_flight_target(&icbm, 0.5, 0.5, 0.6, 0.7, (jmd_traj_type)7, 0, 0, &o, &r, NULL),
        JMD_EINVAL);
    assert_int_equal(
        jmd_flight_target(&icbm, 0.5, 0.5, 0.6, 0.7, JMD_TRAJ_LOFTED, NAN, 0, &o, &r, NULL),
        JMD_EINVAL);
    assert_int_equal(
        jmd_flight_target(&icbm, 0.5, 0.5, 0.6, 0.7, JMD_TRAJ_LOFTED, 0, NAN, &o, &r, NULL),
        JMD_EINVAL);
    assert_int_equal(
        jmd_flight_target(&icbm, 0.5, 0.5, 0.5, 0.5, JMD_TRAJ_MIN_ENERGY, 0, 0, &o, &r, NULL),
        JMD_EINVAL);
    assert_int_equal(jmd_flight_target(&icbm, 0.5, 0.5, 0.6, 0.7, JMD_TRAJ_MIN_ENERGY, 0, 0,
                                       &bad[0], &r, NULL),
                     JMD_EINVAL);

    /* free aim */
    assert_int_equal(
        jmd_flight_aim_free(0.5, 0.5, 0, 0.6, 0.7, JMD_TRAJ_MIN_ENERGY, 0, 0, &o, NULL, NULL),
        JMD_EINVAL);
    assert_int_equal(
        jmd_flight_aim_free(0.5, 0.5, 0, 0.6, 0.7, JMD_TRAJ_LOFTED, 0, 0, &o, &r, NULL),
        JMD_EINVAL);
    assert_int_equal(
        jmd_flight_aim_free(0.5, 0.5, 0, 0.6, 0.7, JMD_TRAJ_DEPRESSED, -1, 0, &o, &r, NULL),
        JMD_EINVAL);
    assert_int_equal(
        jmd_flight_aim_free(0.5, 0.5, NAN, 0.6, 0.7, JMD_TRAJ_MIN_ENERGY, 0, 0, &o, &r, NULL),
        JMD_EINVAL);
    assert_int_equal(
        jmd_flight_aim_free(1.7, 0.5, 0, 0.6, 0.7, JMD_TRAJ_MIN_ENERGY, 0, 0, &o, &r, NULL),
        JMD_EINVAL);
    assert_int_equal(
        jmd_flight_aim_free(0.5, 0.5, 0, 0.5, 0.5, JMD_TRAJ_MIN_ENERGY, 0, 0, &o, &r, NULL),
        JMD_EINVAL);
    assert_int_equal(
        jmd_flight_aim_free(0.5, 0.5, 0, 0.6, 0.7, (jmd_traj_type)-1, 0, 0, &o, &r, NULL),
        JMD_EINVAL);
    assert_int_equal(
        jmd_flight_aim_free(0.5, 0.5, 0, 0.6, 0.7, JMD_TRAJ_MIN_ENERGY, 0, 0, NULL, &r, NULL),
        JMD_EINVAL);
    jmd_trajectory_free(&tr);
    jmd_trajectory_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_atmosphere_tables),
        cmocka_unit_test(test_atmosphere_shape),
        cmocka_unit_test(test_coast_matches_kepler),
        cmocka_unit_test(test_coast_events),
        cmocka_unit_test(test_j2_invariants),
        cmocka_unit_test(test_fly_staging),
        cmocka_unit_test(test_drag_reduces_range),
        cmocka_unit_test(test_target_icbm_10000km),
        cmocka_unit_test(test_target_apogee),
        cmocka_unit_test(test_min_energy_is_least),
        cmocka_unit_test(test_target_out_of_reach),
        cmocka_unit_test(test_aim_free_closed_form),
        cmocka_unit_test(test_aim_free_types),
        cmocka_unit_test(test_catalogue_ranges),
        cmocka_unit_test(test_catalogue_matches_static),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
