/*
 * test_reach.c — the kinematic reach model (src/flight/reach.c,
 * docs/reach.md). Threat trajectories are built without the flight
 * integrator: a drag-free Kepler arc (jmd_orbit_lambert for the burnout
 * velocity, jmd_orbit_kepler for the samples) from a surface point to
 * another on the rotating Earth, sampled every second into a
 * jmd_trajectory with jmd__traj_push.
 *
 * What is asserted:
 *  - analytic: from a site at the pole (no Earth-rotation speed, fixed in
 *    inertial space) with time to spare, the least burnout speed that
 *    reaches the threat is the minimum-energy speed sqrt(mu (2/r1 - 2/s))
 *    minimised along the trajectory; feasibility flips just above/below it;
 *  - cross-check: for an ordinary site the flip matches a brute-force
 *    minimum over (intercept time, coast time) grids of the same arc model;
 *  - a site far behind the threat never engages (out of reach);
 *  - an altitude band the threat never enters gives BELOW/ABOVE reasons;
 *  - later commit: the window only shrinks, then TOO_LATE;
 *  - higher burnout speed: the window only grows;
 *  - a ground-range limit only removes intercepts;
 *  - invalid arguments give JMD_EINVAL; successes are always finite.
 * It also prints (asserts nothing on) the time of one reach computation
 * against a 30-minute ICBM trajectory.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "flight/flight__traj.h"
#include "jmd/flight.h"
#include "jmd/geo.h"
#include "jmd/orbit.h"

#define DEG (3.14159265358979323846 / 180.0)
#define MU JMD_WGS84_GM

/* A Kepler arc launched at t = 0 from (lat0, lon0) on the ground that lands
 * on (lat1, lon1) after tof seconds, sampled every second; samples whose
 * geodetic height is below min_h are left out (to cut a trajectory to its
 * high part). */
static void make_threat(double lat0, double lon0, double lat1, double lon1, double tof,
                        double min_h, jmd_trajectory *tr)
{
    double r0[3], r1e[3], r1[3], h[3], v0[3], v1[3];
    memset(tr, 0, sizeof *tr);
    assert_int_equal(jmd_geo_to_ecef(lat0 * DEG, lon0 * DEG, 0, r0), 0); /* ECI = ECEF at t 0 */
    assert_int_equal(jmd_geo_to_ecef(lat1 * DEG, lon1 * DEG, 0, r1e), 0);
    assert_int_equal(jmd_geo_ecef_to_eci(tof, r1e, r1), 0);
    jmd_vec_cross(r0, r1, h);
    assert_int_equal(jmd_orbit_lambert(MU, r0, r1, tof, h[2] < 0, v0, v1), 0);
    for (double t = 0;; t += 1.0) {
        if (t > tof) t = tof;
        jmd_state s;
        s.t = t;
        assert_int_equal(jmd_orbit_kepler(MU, r0, v0, t, s.r, s.v), 0);
        double ecef[3], la, lo, alt;
        assert_int_equal(jmd_geo_eci_to_ecef(t, s.r, ecef), 0);
        assert_int_equal(jmd_geo_from_ecef(ecef, &la, &lo, &alt), 0);
        if (alt >= min_h || (min_h <= 0 && (t == 0 || t == tof)))
            assert_int_equal(jmd__traj_push(tr, &s), 0);
        if (t == tof) break;
    }
}

static double apogee_alt(const jmd_trajectory *tr)
{
    double best = -1e9;
    for (size_t i = 0; i < tr->n; i++) {
        double ecef[3], la, lo, alt;
        jmd_geo_eci_to_ecef(tr->s[i].t, tr->s[i].r, ecef);
        jmd_geo_from_ecef(ecef, &la, &lo, &alt);
        if (alt > best) best = alt;
    }
    return best;
}

static jmd_interceptor interceptor(double speed, double burn, double min_alt, double max_alt)
{
    jmd_interceptor ic;
    memset(&ic, 0, sizeof ic);
    strcpy(ic.name, "test");
    ic.burnout_speed = speed;
    ic.burn_time = burn;
    ic.min_alt = min_alt;
    ic.max_alt = max_alt;
    return ic;
}

static void assert_finite_reach(const jmd_reach *r)
{
    const double *f = &r->t_first;
    for (int i = 0; i < 10; i++) assert_true(isfinite(f[i]));
}

/* The medium-range threat used by several tests: Tehran -> Berlin
 * (~3,500 km) in 16 minutes; Deveselu as the site (reference §2). */
#define MRBM_FROM 35.69, 51.39
#define MRBM_TO 52.52, 13.40
#define MRBM_TOF 960.0
#define DEVESELU 44.08 * DEG, 24.40 * DEG, 0.0

/* ---- analytic: minimum-energy speed from the pole ----------------------- */

/* The inertial minimum-energy speed from r1 to r2 (Lagrange: a_m = s/2). */
static double min_energy_speed(const double r1[3], const double r2[3])
{
    double d[3] = {r2[0] - r1[0], r2[1] - r1[1], r2[2] - r1[2]};
    double n1 = jmd_vec_norm(r1), n2 = jmd_vec_norm(r2), c = jmd_vec_norm(d);
    double s = 0.5 * (n1 + n2 + c);
    return sqrt(MU * (2.0 / n1 - 2.0 / s));
}

static void test_analytic_pole(void **state)
{
    (void)state;
    jmd_trajectory tr;
    make_threat(60.0, 0.0, 60.0, 90.0, 900.0, 0.0, &tr);
    double pole[3];
    assert_int_equal(jmd_geo_to_ecef(90.0 * DEG, 0.0, 0.0, pole), 0);
    /* Least minimum-energy speed along the trajectory: a fine scan, then
     * golden-section refinement around the best sample. */
    double best = INFINITY, tb = 0;
    for (double t = 0; t <= 900.0; t += 0.5) {
        jmd_state s;
        assert_int_equal(jmd_trajectory_at(&tr, t, &s), 0);
        double v = min_energy_speed(pole, s.r);
        if (v < best) {
            best = v;
            tb = t;
        }
    }
    double a = fmax(0, tb - 0.5), b = fmin(900.0, tb + 0.5);
    for (int i = 0; i < 60; i++) {
        double m1 = a + (b - a) * 0.382, m2 = a + (b - a) * 0.618;
        jmd_state s1, s2;
        jmd_trajectory_at(&tr, m1, &s1);
        jmd_trajectory_at(&tr, m2, &s2);
        if (min_energy_speed(pole, s1.r) < min_energy_speed(pole, s2.r)) b = m2;
        else a = m1;
    }
    jmd_state s;
    jmd_trajectory_at(&tr, 0.5 * (a + b), &s);
    double vstar = fmin(best, min_energy_speed(pole, s.r));
    assert_true(vstar > 1000 && vstar < 8000);

    /* Committed long before, so every coast time is open. */
    jmd_reach r;
    jmd_interceptor ic = interceptor(vstar * (1 + 1e-3), 10, 0, 5000e3);
    assert_int_equal(jmd_flight_reach(&ic, 90.0 * DEG, 0.0, 0.0, &tr, -3000, &r), 0);
    assert_true(r.feasible);
    assert_int_equal(r.reason, JMD_REACH_OK);
    assert_finite_reach(&r);
    assert_true(r.t_first <= r.t_last);
    assert_true(r.speed_first <= ic.burnout_speed && r.speed_first >= vstar * (1 - 1e-6));
    assert_true(r.speed_last <= ic.burnout_speed && r.speed_last >= vstar * (1 - 1e-6));
    /* The window brackets the best point. */
    assert_true(r.t_first <= 0.5 * (a + b) + 0.5 && r.t_last >= 0.5 * (a + b) - 0.5);

    ic.burnout_speed = vstar * (1 - 1e-3);
    assert_int_equal(jmd_flight_reach(&ic, 90.0 * DEG, 0.0, 0.0, &tr, -3000, &r), 0);
    assert_false(r.feasible);
    assert_int_equal(r.reason, JMD_REACH_OUT_OF_REACH);
    jmd_trajectory_free(&tr);
}

/* ---- cross-check against brute force ------------------------------------ */

/* The model's speed for one (t, tau), written independently of reach.c. */
static double bf_speed(const double site[3], const jmd_trajectory *tr, double t, double tau)
{
    jmd_state s;
    double r1[3], h[3], v1[3], v2[3];
    if (jmd_trajectory_at(tr, t, &s) != 0) return INFINITY;
    jmd_geo_ecef_to_eci(t - tau, site, r1);
    jmd_vec_cross(r1, s.r, h);
    if (jmd_orbit_lambert(MU, r1, s.r, tau, h[2] < 0, v1, v2) != 0) return INFINITY;
    if (jmd_vec_dot(v1, r1) < 0) return INFINITY;
    double w = JMD_EARTH_OMEGA;
    double vr[3] = {v1[0] + w * r1[1], v1[1] - w * r1[0], v1[2]};
    return jmd_vec_norm(vr);
}

static void test_brute_force_flip(void **state)
{
    (void)state;
    jmd_trajectory tr;
    make_threat(MRBM_FROM, MRBM_TO, MRBM_TOF, 0.0, &tr);
    double site[3];
    jmd_geo_to_ecef(DEVESELU, site);
    const double burn = 30, t_commit = 120, lo = 70e3, hi = 2000e3;
    /* Grids over the intercept time t and the coast tau, then a fine grid
     * around the best cell. */
    double best = INFINITY, bt = 0, btau = 0;
    for (double t = 0; t <= MRBM_TOF; t += 4) {
        jmd_state s;
        double ecef[3], la, lon, alt;
        jmd_trajectory_at(&tr, t, &s);
        jmd_geo_eci_to_ecef(t, s.r, ecef);
        jmd_geo_from_ecef(ecef, &la, &lon, &alt);
        if (alt < lo || alt > hi) continue;
        for (double tau = 1; tau <= t - t_commit - burn; tau += 4) {
            double v = bf_speed(site, &tr, t, tau);
            if (v < best) {
                best = v;
                bt = t;
                btau = tau;
            }
        }
    }
    assert_true(isfinite(best));
    for (double t = bt - 4; t <= bt + 4; t += 0.25)
        for (double tau = btau - 4; tau <= btau + 4; tau += 0.25) {
            if (tau < 0.5 || tau > t - t_commit - burn || t < 0 || t > MRBM_TOF) continue;
            jmd_state s;
            double ecef[3], la, lon, alt;
            jmd_trajectory_at(&tr, t, &s);
            jmd_geo_eci_to_ecef(t, s.r, ecef);
            jmd_geo_from_ecef(ecef, &la, &lon, &alt);
            if (alt < lo || alt > hi) continue;
            double v = bf_speed(site, &tr, t, tau);
            if (v < best) best = v;
        }

    jmd_reach r;
    jmd_interceptor ic = interceptor(best * 1.002, burn, lo, hi);
    assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, t_commit, &r), 0);
    assert_true(r.feasible);
    assert_finite_reach(&r);
    assert_true(r.speed_first >= best * 0.999 && r.speed_last >= best * 0.999);
    ic.burnout_speed = best * 0.998;
    assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, t_commit, &r), 0);
    assert_false(r.feasible);
    jmd_trajectory_free(&tr);
}

/* Brute-force least speed at intercept time t (coast grid of 0.25 s), or
 * +inf when the threat is outside the band there. */
static double bf_min_speed(const double site[3], const jmd_trajectory *tr, double t,
                           double tau_max, double lo, double hi)
{
    jmd_state s;
    double ecef[3], la, lon, alt;
    if (jmd_trajectory_at(tr, t, &s) != 0) return INFINITY;
    jmd_geo_eci_to_ecef(t, s.r, ecef);
    jmd_geo_from_ecef(ecef, &la, &lon, &alt);
    if (alt < lo || alt > hi) return INFINITY;
    double best = INFINITY;
    for (double tau = 0.5; tau <= tau_max; tau += 0.25) {
        double v = bf_speed(site, tr, t, tau);
        if (v < best) best = v;
    }
    if (tau_max >= 0.5) best = fmin(best, bf_speed(site, tr, t, tau_max));
    return best;
}

/* The window's edges agree with brute force: feasible at the reported
 * edges, infeasible 0.5 s outside them (unless the trajectory ends there). */
static void test_brute_force_edges(void **state)
{
    (void)state;
    jmd_trajectory tr;
    make_threat(MRBM_FROM, MRBM_TO, MRBM_TOF, 0.0, &tr);
    double site[3];
    jmd_geo_to_ecef(DEVESELU, site);
    const double lo = 70e3, hi = 1500e3, burn = 40;
    const double speeds[] = {3200, 4500, 6000};
    const double commits[] = {0, 150, 300};
    int checked = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            jmd_interceptor ic = interceptor(speeds[i], burn, lo, hi);
            jmd_reach r;
            double tc = commits[j];
            assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, tc, &r), 0);
            if (!r.feasible) continue;
            double v = speeds[i];
            double e1 = bf_min_speed(site, &tr, r.t_first, r.t_first - tc - burn, lo, hi);
            double e2 = bf_min_speed(site, &tr, r.t_last, r.t_last - tc - burn, lo, hi);
            assert_true(e1 <= v * (1 + 1e-4));
            assert_true(e2 <= v * (1 + 1e-4));
            /* The reported speeds are the least ones (within the grid). */
            assert_true(fabs(r.speed_first - e1) <= 1e-4 * v);
            assert_true(fabs(r.speed_last - e2) <= 1e-4 * v);
            if (r.t_first - 0.5 > 0) {
                double o = bf_min_speed(site, &tr, r.t_first - 0.5, r.t_first - 0.5 - tc - burn,
                                        lo, hi);
                assert_true(o > v * (1 - 1e-4));
            }
            if (r.t_last + 0.5 < MRBM_TOF) {
                double o = bf_min_speed(site, &tr, r.t_last + 0.5, r.t_last + 0.5 - tc - burn,
                                        lo, hi);
                assert_true(o > v * (1 - 1e-4));
            }
            checked++;
        }
    assert_true(checked >= 5);
    jmd_trajectory_free(&tr);
}

/* ---- geometry and band -------------------------------------------------- */

static void test_far_behind(void **state)
{
    (void)state;
    jmd_trajectory tr;
    make_threat(MRBM_FROM, MRBM_TO, MRBM_TOF, 0.0, &tr);
    /* ~4,500 km uprange of the launch point (Myanmar), 4.5 km/s. */
    jmd_interceptor ic = interceptor(4500, 40, 70e3, 1500e3);
    jmd_reach r;
    assert_int_equal(jmd_flight_reach(&ic, 15.0 * DEG, 95.0 * DEG, 0, &tr, 0, &r), 0);
    assert_false(r.feasible);
    assert_int_equal(r.reason, JMD_REACH_OUT_OF_REACH);
    assert_string_equal(jmd_reach_reason(r.reason), "out of reach");
    /* Even committed long before the launch. */
    assert_int_equal(jmd_flight_reach(&ic, 15.0 * DEG, 95.0 * DEG, 0, &tr, -3600, &r), 0);
    assert_int_equal(r.reason, JMD_REACH_OUT_OF_REACH);
    /* The same interceptor at Deveselu, committed at the launch, does reach. */
    assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, 0, &r), 0);
    assert_true(r.feasible);
    assert_true(r.alt_first >= 70e3 - 1 && r.alt_first <= 1500e3 + 1);
    assert_true(r.alt_last >= 70e3 - 1 && r.alt_last <= 1500e3 + 1);
    jmd_trajectory_free(&tr);
}

static void test_altitude_band(void **state)
{
    (void)state;
    jmd_trajectory tr;
    make_threat(MRBM_FROM, MRBM_TO, MRBM_TOF, 0.0, &tr);
    double apo = apogee_alt(&tr);
    assert_true(apo > 400e3 && apo < 1200e3);
    jmd_reach r;
    /* A band above the apogee: fast enough, but every point is too low. */
    jmd_interceptor ic = interceptor(6000, 30, apo + 100e3, apo + 1000e3);
    assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, 0, &r), 0);
    assert_false(r.feasible);
    assert_int_equal(r.reason, JMD_REACH_BELOW_MIN_ALT);
    /* Only the high part of the trajectory, and a band below it. */
    jmd_trajectory high;
    make_threat(MRBM_FROM, MRBM_TO, MRBM_TOF, 200e3, &high);
    ic = interceptor(6000, 30, 0, 100e3);
    assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &high, 0, &r), 0);
    assert_false(r.feasible);
    assert_int_equal(r.reason, JMD_REACH_ABOVE_MAX_ALT);
    /* The band around the apogee does engage. */
    ic = interceptor(6000, 30, apo - 50e3, apo + 50e3);
    assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &high, 0, &r), 0);
    assert_true(r.feasible);
    assert_true(r.alt_first >= apo - 50e3 - 1 && r.alt_last >= apo - 50e3 - 1);
    jmd_trajectory_free(&tr);
    jmd_trajectory_free(&high);
}

static void test_ground_range_limit(void **state)
{
    (void)state;
    jmd_trajectory tr;
    make_threat(MRBM_FROM, MRBM_TO, MRBM_TOF, 0.0, &tr);
    jmd_interceptor ic = interceptor(4500, 40, 70e3, 1500e3);
    jmd_reach free_r, r;
    assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, 0, &free_r), 0);
    assert_true(free_r.feasible);
    /* A limit only removes intercepts; a tiny one removes them all. */
    for (double lim = 2000e3; lim >= 100e3; lim -= 300e3) {
        ic.max_range = lim;
        assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, 0, &r), 0);
        if (!r.feasible) continue;
        assert_true(r.t_first >= free_r.t_first - 0.1 && r.t_last <= free_r.t_last + 0.1);
        double s12, a1, a2;
        jmd_geo_inverse(44.08 * DEG, 24.40 * DEG, r.lat_first, r.lon_first, &s12, &a1, &a2);
        assert_true(s12 <= lim + 1);
        jmd_geo_inverse(44.08 * DEG, 24.40 * DEG, r.lat_last, r.lon_last, &s12, &a1, &a2);
        assert_true(s12 <= lim + 1);
    }
    ic.max_range = 10e3;
    assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, 0, &r), 0);
    assert_false(r.feasible);
    assert_int_equal(r.reason, JMD_REACH_OUT_OF_REACH);
    jmd_trajectory_free(&tr);
}

/* ---- monotonicity ------------------------------------------------------- */

static void test_later_commit(void **state)
{
    (void)state;
    jmd_trajectory tr;
    make_threat(MRBM_FROM, MRBM_TO, MRBM_TOF, 0.0, &tr);
    jmd_interceptor ic = interceptor(4500, 40, 70e3, 1500e3);
    jmd_reach prev = {0};
    int have = 0, n_ok = 0, n_late = 0;
    for (double tc = 0; tc <= 1000; tc += 40) {
        jmd_reach r;
        assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, tc, &r), 0);
        if (r.feasible) {
            assert_finite_reach(&r);
            assert_true(r.t_first >= tc + ic.burn_time);
            n_ok++;
            if (have) {
                assert_true(prev.feasible); /* never feasible again once lost */
                assert_true(r.t_first >= prev.t_first - 0.1);
                assert_true(r.t_last <= prev.t_last + 0.1);
            }
        } else {
            assert_int_equal(r.reason, JMD_REACH_TOO_LATE);
            assert_string_equal(jmd_reach_reason(r.reason), "too late");
            n_late++;
        }
        prev = r;
        have = 1;
    }
    assert_true(n_ok >= 3 && n_late >= 3);
    jmd_trajectory_free(&tr);
}

static void test_faster_interceptor(void **state)
{
    (void)state;
    jmd_trajectory tr;
    make_threat(MRBM_FROM, MRBM_TO, MRBM_TOF, 0.0, &tr);
    jmd_reach prev = {0};
    int have = 0, n_ok = 0, n_no = 0;
    for (double v = 1000; v <= 8000; v += 250) {
        jmd_interceptor ic = interceptor(v, 40, 70e3, 1500e3);
        jmd_reach r;
        assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, 120, &r), 0);
        if (r.feasible) {
            assert_finite_reach(&r);
            assert_true(r.speed_first <= v && r.speed_last <= v);
            n_ok++;
            if (have && prev.feasible) {
                assert_true(r.t_first <= prev.t_first + 0.1);
                assert_true(r.t_last >= prev.t_last - 0.1);
            }
        } else {
            assert_true(!have || !prev.feasible); /* never lost once gained */
            n_no++;
        }
        prev = r;
        have = 1;
    }
    assert_true(n_ok >= 3 && n_no >= 1);
    jmd_trajectory_free(&tr);
}

/* Trajectory events: intercepts end at the impact event; TOO_LATE is
 * judged against the launch event, even when the samples start later. */
static void test_events(void **state)
{
    (void)state;
    jmd_trajectory tr;
    make_threat(MRBM_FROM, MRBM_TO, MRBM_TOF, 0.0, &tr);
    /* A terminal interceptor at the aim point. */
    jmd_interceptor ic = interceptor(2800, 15, 15e3, 150e3);
    jmd_reach r;
    assert_int_equal(jmd_flight_reach(&ic, 52.52 * DEG, 13.40 * DEG, 0, &tr, 0, &r), 0);
    assert_true(r.feasible);
    double t_imp = r.t_last - 10;
    jmd_state s;
    assert_int_equal(jmd_trajectory_at(&tr, t_imp, &s), 0);
    assert_int_equal(jmd__traj_event(&tr, JMD_EV_IMPACT, -1, &s), 0);
    assert_int_equal(jmd_flight_reach(&ic, 52.52 * DEG, 13.40 * DEG, 0, &tr, 0, &r), 0);
    assert_true(r.feasible);
    assert_true(r.t_last <= t_imp);
    assert_true(r.t_last >= t_imp - 0.1);

    /* Samples from t = 300 s only (say, from the first radar track), launch
     * event at 0: committed at 850 s it is too late. */
    jmd_trajectory late = {0};
    for (size_t i = 0; i < tr.n; i++)
        if (tr.s[i].t >= 300) assert_int_equal(jmd__traj_push(&late, &tr.s[i]), 0);
    ic = interceptor(4500, 40, 70e3, 1500e3);
    assert_int_equal(jmd__traj_event(&late, JMD_EV_LAUNCH, -1, &tr.s[0]), 0);
    assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &late, 850, &r), 0);
    assert_false(r.feasible);
    assert_int_equal(r.reason, JMD_REACH_TOO_LATE);
    jmd_trajectory_free(&late);
    jmd_trajectory_free(&tr);
}

/* ---- arguments ------------------------------------------------------------ */

static void test_invalid_arguments(void **state)
{
    (void)state;
    jmd_trajectory tr;
    make_threat(MRBM_FROM, MRBM_TO, MRBM_TOF, 0.0, &tr);
    jmd_interceptor ok = interceptor(4500, 40, 70e3, 1500e3), ic;
    jmd_reach r;
    const double nan = NAN, inf = INFINITY;
    assert_int_equal(jmd_flight_reach(NULL, DEVESELU, &tr, 0, &r), JMD_EINVAL);
    assert_int_equal(jmd_flight_reach(&ok, DEVESELU, NULL, 0, &r), JMD_EINVAL);
    assert_int_equal(jmd_flight_reach(&ok, DEVESELU, &tr, 0, NULL), JMD_EINVAL);
    assert_int_equal(jmd_flight_reach(&ok, nan, 0, 0, &tr, 0, &r), JMD_EINVAL);
    assert_int_equal(jmd_flight_reach(&ok, 1.6, 0, 0, &tr, 0, &r), JMD_EINVAL);
    assert_int_equal(jmd_flight_reach(&ok, 0.7, inf, 0, &tr, 0, &r), JMD_EINVAL);
    assert_int_equal(jmd_flight_reach(&ok, 0.7, 0.4, nan, &tr, 0, &r), JMD_EINVAL);
    assert_int_equal(jmd_flight_reach(&ok, DEVESELU, &tr, nan, &r), JMD_EINVAL);
    assert_int_equal(jmd_flight_reach(&ok, DEVESELU, &tr, -inf, &r), JMD_EINVAL);
    double bad_speed[] = {0, -1, nan, inf};
    for (int i = 0; i < 4; i++) {
        ic = ok;
        ic.burnout_speed = bad_speed[i];
        assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, 0, &r), JMD_EINVAL);
    }
    ic = ok;
    ic.burn_time = -1;
    assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, 0, &r), JMD_EINVAL);
    ic.burn_time = nan;
    assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, 0, &r), JMD_EINVAL);
    ic = ok;
    ic.min_alt = nan;
    assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, 0, &r), JMD_EINVAL);
    ic = ok;
    ic.max_alt = ic.min_alt - 1;
    assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, 0, &r), JMD_EINVAL);
    ic = ok;
    ic.max_range = nan;
    assert_int_equal(jmd_flight_reach(&ic, DEVESELU, &tr, 0, &r), JMD_EINVAL);
    assert_false(r.feasible);

    jmd_trajectory empty = {0};
    assert_int_equal(jmd_flight_reach(&ok, DEVESELU, &empty, 0, &r), JMD_EINVAL);
    jmd_trajectory one = {0};
    assert_int_equal(jmd__traj_push(&one, &tr.s[0]), 0);
    assert_int_equal(jmd_flight_reach(&ok, DEVESELU, &one, 0, &r), JMD_EINVAL);
    jmd_trajectory_free(&one);
    double keep = tr.s[10].r[1];
    tr.s[10].r[1] = nan;
    assert_int_equal(jmd_flight_reach(&ok, DEVESELU, &tr, 0, &r), JMD_EINVAL);
    tr.s[10].r[1] = keep;
    double keept = tr.s[10].t;
    tr.s[10].t = tr.s[9].t;
    assert_int_equal(jmd_flight_reach(&ok, DEVESELU, &tr, 0, &r), JMD_EINVAL);
    tr.s[10].t = keept;

    /* Edge cases that are valid: no burn, zero-width band, commit after
     * impact, a site at the pole or on the antimeridian. Never a success
     * with non-finite outputs. */
    struct {
        double speed, burn, lo, hi, range, lat, lon, h, tc;
    } cases[] = {
        {4500, 0, 70e3, 1500e3, 0, 44.08, 24.40, 0, 0},
        {4500, 40, 300e3, 300e3, 0, 44.08, 24.40, 0, 0},
        {4500, 40, 70e3, 1500e3, 0, 44.08, 24.40, 0, 5000},
        {4500, 40, 70e3, 1500e3, 0, 90, 0, 0, 0},
        {4500, 40, 70e3, 1500e3, 0, -90, 0, 0, 0},
        {4500, 40, 70e3, 1500e3, 0, 10, 180, 0, 0},
        {14000, 1, 0, 1e7, 0, 35.69, 51.39, 2000, -100},
        {100, 1, 0, 1e7, 1, 35.69, 51.39, 0, 0},
        {4500, 40, -1e3, 1500e3, 1e7, 52.52, 13.40, 0, 300},
        {4500, 40, 70e3, 1500e3, 0, 44.08, 24.40, 0, -1e15},
        {4500, 1e9, 70e3, 1500e3, 0, 44.08, 24.40, 0, -1e9},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ic = interceptor(cases[i].speed, cases[i].burn, cases[i].lo, cases[i].hi);
        ic.max_range = cases[i].range;
        int rc = jmd_flight_reach(&ic, cases[i].lat * DEG, cases[i].lon * DEG, cases[i].h, &tr,
                                  cases[i].tc, &r);
        assert_int_equal(rc, 0);
        assert_finite_reach(&r);
        assert_true(r.reason >= JMD_REACH_OK && r.reason <= JMD_REACH_ABOVE_MAX_ALT);
        assert_int_equal(r.feasible, r.reason == JMD_REACH_OK);
        if (r.feasible) assert_true(r.speed_first <= ic.burnout_speed);
    }
    assert_string_equal(jmd_reach_reason(JMD_REACH_BELOW_MIN_ALT),
                        "below the minimum intercept altitude");
    assert_string_equal(jmd_reach_reason(JMD_REACH_ABOVE_MAX_ALT),
                        "above the maximum intercept altitude");
    assert_string_equal(jmd_reach_reason(99), "unknown reason");
    jmd_trajectory_free(&tr);
}

/* ---- timing (printed, not asserted) -------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void test_timing_icbm(void **state)
{
    (void)state;
    jmd_trajectory tr;
    /* ~9,000 km over the pole in 30 minutes. */
    make_threat(56.0, 60.0, 40.0, -100.0, 1800.0, 0.0, &tr);
    struct {
        const char *what;
        double lat, lon, speed, burn, lo, hi, tc;
    } runs[] = {
        {"midcourse, GBI-class 7 km/s from Alaska", 63.9, -145.7, 7000, 170, 100e3, 2000e3, 60},
        {"SM-3 IIA-class 4.5 km/s from Poland (chase)", 54.48, 17.10, 4500, 40, 70e3, 1000e3, 60},
        {"terminal 2.8 km/s at the aim point", 40.0, -100.0, 2800, 15, 15e3, 150e3, 0},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        jmd_interceptor ic =
            interceptor(runs[i].speed, runs[i].burn, runs[i].lo, runs[i].hi);
        jmd_reach r;
        int n = 20;
        double t0 = now_s();
        for (int k = 0; k < n; k++)
            assert_int_equal(
                jmd_flight_reach(&ic, runs[i].lat * DEG, runs[i].lon * DEG, 0, &tr, runs[i].tc, &r),
                0);
        double dt = (now_s() - t0) / n;
        printf("  reach vs 30-min ICBM, %s: %.2f ms per call (%s", runs[i].what, dt * 1e3,
               jmd_reach_reason(r.reason));
        if (r.feasible)
            printf(", t %.1f-%.1f s, alt %.0f-%.0f km", r.t_first, r.t_last, r.alt_first / 1e3,
                   r.alt_last / 1e3);
        printf(")\n");
    }
    jmd_trajectory_free(&tr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analytic_pole),      cmocka_unit_test(test_brute_force_flip),
        cmocka_unit_test(test_brute_force_edges),
        cmocka_unit_test(test_far_behind),         cmocka_unit_test(test_altitude_band),
        cmocka_unit_test(test_ground_range_limit), cmocka_unit_test(test_later_commit),
        cmocka_unit_test(test_faster_interceptor),
        cmocka_unit_test(test_events), cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_timing_icbm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
