/*
 * test_engage.c — threat evaluation and engagement (src/engage/,
 * docs/engage.md).
 *
 * What is asserted:
 *  - impact prediction: from an exact state (zero covariance) on a
 *    drag-free, J2-free arc the predicted impact matches an independent
 *    Kepler + bisection solution to a metre and the aim point within the
 *    targeting miss; on a full-physics IRBM flight (J2, drag) it matches
 *    the trajectory's own impact; the ellipse is zero;
 *  - the unscented impact covariance matches the sample covariance of a
 *    Monte Carlo of the same flights (within 10 %), with the ellipse's
 *    axes and orientation;
 *  - hit probability over a lethal disc: closed forms (circular, centred;
 *    degenerate line; point mass) to 1e-6, and Monte Carlo for off-centre
 *    correlated cases; assets at risk and the value at risk;
 *  - windows: the reach window for a commit now, its launch time, the
 *    latest commit by bisection (feasible at it, not 0.5 s later), SLS
 *    possible with a short assessment delay and not with a long one; a
 *    site far away has no window;
 *  - WTA: greedy equals brute force for identical weapons, and gets at
 *    least half the optimal gain otherwise (the mean ratio is printed);
 *  - battle: a threat out of every site's reach is never engaged; zero
 *    inventory engages nothing; SLS when the window allows, a salvo
 *    otherwise, launchers limiting the salvo; held until assessment,
 *    re-planned after a miss; the rules filter is obeyed; over random
 *    campaigns inventory and launchers are never exceeded, a killed threat
 *    is never engaged again, and with Pk = 1 every reachable threat dies;
 *  - kill draw frequency and its single draw; invalid arguments give
 *    JMD_EINVAL, never a success with a non-finite output.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jmd/engage.h"
#include "jmd/flight.h"
#include "jmd/geo.h"
#include "jmd/orbit.h"
#include "jmd/rng.h"

#define PI 3.14159265358979323846
#define DEG (PI / 180.0)
#define MU JMD_WGS84_GM

/* ---- shared fixtures (built once) ------------------------------------- */

static jmd_catalogue g_cat;
static jmd_trajectory g_irbm; /* irbm-solid Tehran -> Bucharest, t0 = 0, full physics */
static jmd_target_result g_irbm_res;

static int group_setup(void **state)
{
    (void)state;
    char err[256];
    memset(&g_cat, 0, sizeof g_cat);
    if (jmd_catalogue_load_builtin(&g_cat, err, sizeof err) != 0) {
        fprintf(stderr, "catalogue: %s\n", err);
        return -1;
    }
    const jmd_vehicle *v = jmd_catalogue_vehicle(&g_cat, "irbm-solid");
    if (!v) return -1;
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    memset(&g_irbm, 0, sizeof g_irbm);
    if (jmd_flight_target(v, 35.69 * DEG, 51.39 * DEG, 44.43 * DEG, 26.10 * DEG,
                          JMD_TRAJ_MIN_ENERGY, 0, 0.0, &o, &g_irbm_res, &g_irbm) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    jmd_trajectory_free(&g_irbm);
    jmd_catalogue_free(&g_cat);
    return 0;
}

static jmd_site make_site(const char *name, double lat_deg, double lon_deg, const char *ic,
                          int inventory, int launchers, double reload, double pk,
                          double assess_delay)
{
    jmd_site s;
    memset(&s, 0, sizeof s);
    snprintf(s.name, sizeof s.name, "%s", name);
    s.lat = lat_deg * DEG;
    s.lon = lon_deg * DEG;
    const jmd_interceptor *p = jmd_catalogue_interceptor(&g_cat, ic);
    assert_non_null(p);
    s.ic = *p;
    s.inventory = inventory;
    s.launchers = launchers;
    s.reload = reload;
    s.pk = pk;
    s.assess_delay = assess_delay;
    return s;
}

static double geodesic(double lat1, double lon1, double lat2, double lon2)
{
    double s, a1, a2;
    assert_int_equal(jmd_geo_inverse(lat1, lon1, lat2, lon2, &s, &a1, &a2), 0);
    return s;
}

static double height_eci(double t, const double r[3])
{
    double e[3], la, lo, h;
    assert_int_equal(jmd_geo_eci_to_ecef(t, r, e), 0);
    assert_int_equal(jmd_geo_from_ecef(e, &la, &lo, &h), 0);
    return h;
}

/* Lower-triangular Cholesky factor of an n x n SPD matrix (row-major). */
static void cholesky(int n, const double *a, double *l)
{
    memset(l, 0, (size_t)(n * n) * sizeof *l);
    for (int j = 0; j < n; j++) {
        double d = a[j * n + j];
        for (int k = 0; k < j; k++)
            d -= l[j * n + k] * l[j * n + k];
        assert_true(d > 0);
        l[j * n + j] = sqrt(d);
        for (int i = j + 1; i < n; i++) {
            double s = a[i * n + j];
            for (int k = 0; k < j; k++)
                s -= l[i * n + k] * l[j * n + k];
            l[i * n + j] = s / l[j * n + j];
        }
    }
}

/* ---- impact prediction -------------------------------------------------- */

/* Independent impact of a Kepler arc on the rotating ellipsoid: scan with
 * jmd_orbit_kepler for the first descent below 0 m, then bisect. */
static void kepler_impact(const jmd_state *s, double *t_imp, double *lat, double *lon)
{
    double r[3], v[3], dt = 0, step = 5.0;
    for (;;) {
        assert_int_equal(jmd_orbit_kepler(MU, s->r, s->v, dt + step, r, v), 0);
        if (height_eci(s->t + dt + step, r) < 0) break;
        dt += step;
        assert_true(dt < 7200);
    }
    double a = dt, b = dt + step;
    while (b - a > 1e-7) {
        double m = 0.5 * (a + b);
        assert_int_equal(jmd_orbit_kepler(MU, s->r, s->v, m, r, v), 0);
        if (height_eci(s->t + m, r) < 0)
            b = m;
        else
            a = m;
    }
    assert_int_equal(jmd_orbit_kepler(MU, s->r, s->v, a, r, v), 0);
    double e[3], h;
    assert_int_equal(jmd_geo_eci_to_ecef(s->t + a, r, e), 0);
    assert_int_equal(jmd_geo_from_ecef(e, lat, lon, &h), 0);
    *t_imp = s->t + a;
}

static void test_impact_exact_kepler(void **state)
{
    (void)state;
    jmd_flight_opts fo;
    jmd_flight_opts_default(&fo);
    fo.j2 = 0;
    fo.drag = 0;
    jmd_target_result res;
    jmd_trajectory arc = {0};
    /* Free flight Tehran -> Bucharest, burnout at 0 m. */
    assert_int_equal(jmd_flight_aim_free(35.69 * DEG, 51.39 * DEG, 0.0, 44.43 * DEG,
                                         26.10 * DEG, JMD_TRAJ_MIN_ENERGY, 0, 0.0, &fo, &res,
                                         &arc),
                     0);
    jmd_impact_opts io;
    jmd_impact_opts_default(&io);
    io.flight = fo;
    const double zero[6][6] = {{0}};
    for (size_t k = 120; k < arc.n; k += 200) { /* several points along the arc */
        const jmd_state *s = &arc.s[k];
        if (height_eci(s->t, s->r) < 1000) continue;
        jmd_impact imp;
        jmd_trajectory mt = {0};
        assert_int_equal(jmd_engage_predict_impact(s, zero, &io, &imp, &mt), 0);
        double t_k, la_k, lo_k;
        kepler_impact(s, &t_k, &la_k, &lo_k);
        double d_k = geodesic(imp.lat, imp.lon, la_k, lo_k);
        double d_aim = geodesic(imp.lat, imp.lon, 44.43 * DEG, 26.10 * DEG);
        printf("  from t = %5.0f s: impact %.3f s vs Kepler %.3f s, %.3f m from Kepler, "
               "%.2f m from the aim point (targeting miss %.2f m)\n",
               s->t, imp.t_impact, t_k, d_k, d_aim, res.miss);
        assert_true(d_k < 1.0);
        assert_true(fabs(imp.t_impact - t_k) < 1e-3);
        assert_true(d_aim < res.miss + 1.0);
        assert_true(fabs(imp.time_to_impact - (t_k - s->t)) < 1e-3);
        assert_true(imp.semi_major == 0.0 && imp.semi_minor == 0.0 && imp.sigma_t == 0.0);
        /* The mean trajectory ends with an impact event at the same time. */
        jmd_flight_event ev;
        assert_int_equal(jmd_trajectory_event(&mt, JMD_EV_IMPACT, &ev), 0);
        assert_true(fabs(ev.s.t - imp.t_impact) < 1e-9);
        jmd_trajectory_free(&mt);
        /* NULL covariance is the same as zero. */
        jmd_impact imp2;
        assert_int_equal(jmd_engage_predict_impact(s, NULL, &io, &imp2, NULL), 0);
        assert_true(imp2.lat == imp.lat && imp2.lon == imp.lon);
    }
    jmd_trajectory_free(&arc);
}

static void test_impact_full_physics(void **state)
{
    (void)state;
    /* From a sample of the IRBM's descent (J2 and drag on, the RV's beta),
     * the prediction is the trajectory's own impact. */
    const jmd_vehicle *v = jmd_catalogue_vehicle(&g_cat, "irbm-solid");
    jmd_flight_event bo, imp_ev;
    assert_int_equal(jmd_trajectory_event(&g_irbm, JMD_EV_BURNOUT, &bo), 0);
    assert_int_equal(jmd_trajectory_event(&g_irbm, JMD_EV_IMPACT, &imp_ev), 0);
    jmd_impact_opts io;
    jmd_impact_opts_default(&io);
    io.beta = v->rv_beta;
    for (size_t k = 0; k < g_irbm.n; k++) {
        const jmd_state *s = &g_irbm.s[k];
        if (s->t < bo.s.t + 1 || fmod(s->t, 150.0) != 0.0) continue;
        jmd_impact imp;
        assert_int_equal(jmd_engage_predict_impact(s, NULL, &io, &imp, NULL), 0);
        double d = geodesic(imp.lat, imp.lon, g_irbm_res.impact_lat, g_irbm_res.impact_lon);
        printf("  IRBM from t = %4.0f s: %.3f m from the flight's impact, dt %.2e s\n", s->t, d,
               imp.t_impact - imp_ev.s.t);
        assert_true(d < 5.0);
        assert_true(fabs(imp.t_impact - imp_ev.s.t) < 0.05);
        assert_true(imp.impact_speed > 1000.0);
    }
}

static void test_impact_ellipse_vs_monte_carlo(void **state)
{
    (void)state;
    /* A midcourse state of the IRBM with a correlated covariance. */
    jmd_state s;
    assert_int_equal(jmd_trajectory_at(&g_irbm, 400.0, &s), 0);
    double A[36] = {0}, P[36], L[36];
    const double sd[6] = {400, 250, 300, 4, 3, 5};
    for (int i = 0; i < 6; i++)
        A[i * 6 + i] = sd[i];
    A[3 * 6 + 0] = 0.004; /* vx correlated with x */
    A[1 * 6 + 2] = 150;   /* y with z */
    A[5 * 6 + 4] = 2.0;   /* vz with vy */
    A[0 * 6 + 4] = 100.0; /* x with vy */
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            double acc = 0;
            for (int k = 0; k < 6; k++)
                acc += A[i * 6 + k] * A[j * 6 + k];
            P[i * 6 + j] = acc;
        }
    double cov[6][6];
    memcpy(cov, P, sizeof cov);
    cholesky(6, P, L);

    jmd_impact_opts io;
    jmd_impact_opts_default(&io);
    io.flight.drag = 0; /* J2 on, vacuum */
    jmd_impact imp;
    assert_int_equal(jmd_engage_predict_impact(&s, (const double(*)[6])cov, &io, &imp, NULL),
                     0);

    /* Monte Carlo of the same flights. */
    const int N = 3000;
    jmd_rng rng;
    jmd_rng_init(&rng, 2024, "test:impact-mc", 0);
    jmd_flight_opts fo = io.flight;
    fo.output_step = 60.0;
    jmd_trajectory tr = {0};
    double se = 0, sn = 0, see = 0, snn = 0, sen = 0, st = 0, stt = 0;
    for (int m = 0; m < N; m++) {
        double z[6], dx[6];
        for (int i = 0; i < 6; i++)
            z[i] = jmd_rng_normal(&rng);
        for (int i = 0; i < 6; i++) {
            dx[i] = 0;
            for (int k = 0; k <= i; k++)
                dx[i] += L[i * 6 + k] * z[k];
        }
        jmd_state x = s;
        for (int i = 0; i < 3; i++) {
            x.r[i] += dx[i];
            x.v[i] += dx[i + 3];
        }
        tr.n = 0;
        tr.nev = 0;
        assert_int_equal(jmd_flight_coast(&x, 0, &fo, &tr), 0);
        jmd_flight_event ev;
        assert_int_equal(jmd_trajectory_event(&tr, JMD_EV_IMPACT, &ev), 0);
        double e[3], la, lo, h, sd12, a1, a2;
        jmd_geo_eci_to_ecef(ev.s.t, ev.s.r, e);
        jmd_geo_from_ecef(e, &la, &lo, &h);
        assert_int_equal(jmd_geo_inverse(imp.lat, imp.lon, la, lo, &sd12, &a1, &a2), 0);
        double E = sd12 * sin(a1), Nn = sd12 * cos(a1), dt = ev.s.t - imp.t_impact;
        se += E;
        sn += Nn;
        see += E * E;
        snn += Nn * Nn;
        sen += E * Nn;
        st += dt;
        stt += dt * dt;
    }
    jmd_trajectory_free(&tr);
    double me = se / N, mn = sn / N, mt = st / N;
    double cee = see / N - me * me, cnn = snn / N - mn * mn, cen = sen / N - me * mn;
    double vt = stt / N - mt * mt;
    /* The sample ellipse. */
    double tr2 = cee + cnn, det = cee * cnn - cen * cen;
    double l1 = 0.5 * tr2 + sqrt(0.25 * tr2 * tr2 - det), l2 = tr2 - l1;
    double k2 = -2.0 * log(1 - 0.95);
    double a_mc = sqrt(k2 * l1), b_mc = sqrt(k2 * l2);
    /* Major-axis eigenvector (E, N) = (cen, l1 - cee); azimuth = atan2(E, N). */
    double az_mc = atan2(cen, l1 - cee);
    if (az_mc < 0) az_mc += PI;
    if (az_mc >= PI) az_mc -= PI;
    double daz = fabs(az_mc - imp.orientation);
    if (daz > PI / 2) daz = PI - daz;
    printf("  UT : var E %.4g N %.4g EN %.4g m^2, axes %.0f x %.0f m at %.2f deg, sigma_t %.3f "
           "s\n",
           imp.cov_en[0][0], imp.cov_en[1][1], imp.cov_en[0][1], imp.semi_major, imp.semi_minor,
           imp.orientation / DEG, imp.sigma_t);
    printf(
        "  MC : var E %.4g N %.4g EN %.4g m^2, axes %.0f x %.0f m at %.2f deg, sigma_t %.3f s "
        "(N = %d)\n",
        cee, cnn, cen, a_mc, b_mc, az_mc / DEG, sqrt(vt), N);
    printf("  mean offset UT (%.1f, %.1f) m, MC (%.1f, %.1f) m\n", imp.mean_en[0],
           imp.mean_en[1], me, mn);
    assert_true(fabs(imp.semi_major / a_mc - 1) < 0.10);
    assert_true(fabs(imp.semi_minor / b_mc - 1) < 0.10);
    assert_true(fabs(imp.cov_en[0][0] / cee - 1) < 0.10 ||
                fabs(imp.cov_en[0][0] - cee) < 0.1 * l1);
    assert_true(fabs(imp.cov_en[1][1] / cnn - 1) < 0.10 ||
                fabs(imp.cov_en[1][1] - cnn) < 0.1 * l1);
    assert_true(fabs(imp.cov_en[0][1] - cen) < 0.1 * l1);
    assert_true(daz < 5 * DEG);
    assert_true(fabs(imp.sigma_t / sqrt(vt) - 1) < 0.10);
    /* Means agree within 4 standard errors. */
    assert_true(fabs(imp.mean_en[0] - me) < 4 * sqrt(cee / N) + 1.0);
    assert_true(fabs(imp.mean_en[1] - mn) < 4 * sqrt(cnn / N) + 1.0);
}

/* ---- hit probability -------------------------------------------------- */

static jmd_impact make_impact(double lat_deg, double lon_deg, double mE, double mN, double cee,
                              double cnn, double cen)
{
    jmd_impact imp;
    memset(&imp, 0, sizeof imp);
    imp.lat = lat_deg * DEG;
    imp.lon = lon_deg * DEG;
    imp.mean_en[0] = mE;
    imp.mean_en[1] = mN;
    imp.cov_en[0][0] = cee;
    imp.cov_en[1][1] = cnn;
    imp.cov_en[0][1] = imp.cov_en[1][0] = cen;
    imp.confidence = 0.95;
    return imp;
}

/* The ground point at (E, N) metres from the impact point (azimuthal
 * equidistant, as the library projects). */
static void point_at(const jmd_impact *imp, double E, double N, double *lat, double *lon)
{
    double s = hypot(E, N), az = atan2(E, N), az2;
    if (s == 0) {
        *lat = imp->lat;
        *lon = imp->lon;
        return;
    }
    assert_int_equal(jmd_geo_direct(imp->lat, imp->lon, az, s, lat, lon, &az2), 0);
}

static double normal_cdf(double x)
{
    return 0.5 * erfc(-x / sqrt(2.0));
}

static void test_hit_probability_closed_forms(void **state)
{
    (void)state;
    double p, la, lo;
    /* Circular, centred: 1 - exp(-R^2 / (2 s^2)) (Rayleigh). */
    const double sig[] = {50, 300, 2000, 20000};
    const double R[] = {10, 300, 1500, 5000};
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            jmd_impact imp = make_impact(44, 26, 0, 0, sig[i] * sig[i], sig[i] * sig[i], 0);
            assert_int_equal(jmd_engage_hit_probability(&imp, imp.lat, imp.lon, R[j], &p), 0);
            double ex = -expm1(-R[j] * R[j] / (2 * sig[i] * sig[i]));
            assert_true(fabs(p - ex) < 1e-6);
        }
    /* Degenerate along one axis (a line at 30 deg azimuth), centred: the
     * 1-D normal mass within +-R. */
    double s1 = 1000, az = 30 * DEG;
    double ue = sin(az), un = cos(az);
    jmd_impact line =
        make_impact(44, 26, 0, 0, s1 * s1 * ue * ue, s1 * s1 * un * un, s1 * s1 * ue * un);
    assert_int_equal(jmd_engage_hit_probability(&line, line.lat, line.lon, 700, &p), 0);
    assert_true(fabs(p - (normal_cdf(0.7) - normal_cdf(-0.7))) < 1e-6);
    /* The line passes 400 m beside an asset: the chord is 2 sqrt(R^2 - 400^2). */
    point_at(&line, 400 * un, -400 * ue, &la, &lo); /* perpendicular to the line */
    assert_int_equal(jmd_engage_hit_probability(&line, la, lo, 500, &p), 0);
    assert_true(fabs(p - (normal_cdf(0.3) - normal_cdf(-0.3))) < 1e-5);
    assert_int_equal(jmd_engage_hit_probability(&line, la, lo, 399, &p), 0);
    assert_true(p == 0.0);
    /* Point mass. */
    jmd_impact pt = make_impact(44, 26, 30, 40, 0, 0, 0);
    point_at(&pt, 0, 0, &la, &lo);
    assert_int_equal(jmd_engage_hit_probability(&pt, la, lo, 49, &p), 0);
    assert_true(p == 0.0);
    assert_int_equal(jmd_engage_hit_probability(&pt, la, lo, 51, &p), 0);
    assert_true(p == 1.0);
    /* Far away: 0, not a tiny negative or NaN. */
    jmd_impact far = make_impact(44, 26, 0, 0, 1e6, 4e6, 1e5);
    assert_int_equal(jmd_engage_hit_probability(&far, 50 * DEG, 30 * DEG, 10000, &p), 0);
    assert_true(p == 0.0);
}

static void test_hit_probability_vs_monte_carlo(void **state)
{
    (void)state;
    struct {
        double mE, mN, cee, cnn, cen, aE, aN, R;
    } cs[] = {
        {0, 0, 4e6, 1e6, 1.5e6, 1500, -800, 1000},     /* correlated, off centre */
        {200, -300, 9e4, 2.5e5, -1e5, -400, 600, 300}, /* small disc at 1-2 sigma */
        {0, 0, 1e8, 1e6, 0, 15000, 0, 5000}, /* elongated, disc out on the major axis */
        {1000, 0, 1e4, 1e4, 0, 0, 0, 1050},  /* disc edge across an off-centre peak */
        {0, 0, 1e8, 1e-2, 0, 3000, 0, 1000}, /* nearly a line (1e-5 aspect) */
    };
    jmd_rng rng;
    jmd_rng_init(&rng, 7, "test:hit-mc", 0);
    const int N = 200000;
    for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++) {
        jmd_impact imp =
            make_impact(50.0, 20.0, cs[c].mE, cs[c].mN, cs[c].cee, cs[c].cnn, cs[c].cen);
        double la, lo, p;
        point_at(&imp, cs[c].aE, cs[c].aN, &la, &lo);
        assert_int_equal(jmd_engage_hit_probability(&imp, la, lo, cs[c].R, &p), 0);
        double l11 = sqrt(cs[c].cee), l21 = cs[c].cen / l11, l22 = sqrt(cs[c].cnn - l21 * l21);
        int hits = 0;
        for (int m = 0; m < N; m++) {
            double z1 = jmd_rng_normal(&rng), z2 = jmd_rng_normal(&rng);
            double E = cs[c].mE + l11 * z1, Nn = cs[c].mN + l21 * z1 + l22 * z2;
            if (hypot(E - cs[c].aE, Nn - cs[c].aN) <= cs[c].R) hits++;
        }
        double pm = (double)hits / N, se = sqrt(fmax(pm * (1 - pm), 1e-6) / N);
        printf("  case %zu: P = %.5f, Monte Carlo %.5f +- %.5f\n", c, p, pm, se);
        assert_true(fabs(p - pm) < 4 * se + 1e-4);
    }
}

static void test_assets_at_risk(void **state)
{
    (void)state;
    jmd_impact imp = make_impact(44.43, 26.10, 0, 0, 1e6, 1e6, 0); /* 1 km sigma */
    jmd_asset as[4];
    memset(as, 0, sizeof as);
    double la, lo;
    as[0].lat = imp.lat; /* at the predicted point */
    as[0].lon = imp.lon;
    as[0].value = 10;
    as[0].radius = 2000;
    point_at(&imp, 3000, 0, &la, &lo); /* 3 km away, 1 km radius */
    as[1].lat = la;
    as[1].lon = lo;
    as[1].value = 5;
    as[1].radius = 1000;
    point_at(&imp, 0, 300e3, &la, &lo); /* far */
    as[2].lat = la;
    as[2].lon = lo;
    as[2].value = 100;
    as[2].radius = 5000;
    as[3] = as[0]; /* worthless but in reach */
    as[3].value = 0;
    jmd_asset_risk r[4];
    size_t n;
    double var;
    assert_int_equal(jmd_engage_assets_at_risk(&imp, as, 4, 1e-3, r, &n, &var), 0);
    assert_int_equal(n, 3);
    assert_int_equal(r[0].asset, 0);
    assert_int_equal(r[1].asset, 1);
    assert_int_equal(r[2].asset, 3);
    assert_true(fabs(r[0].p - (-expm1(-2.0))) < 1e-6); /* R = 2 sigma */
    assert_true(r[0].distance < 1e-6);
    assert_true(fabs(r[1].distance - 3000) < 1e-3);
    assert_true(r[1].p > 0.01 && r[1].p < 0.2);
    assert_true(fabs(var - (10 * r[0].p + 5 * r[1].p)) < 1e-9);
    /* An asset whose radius contains the predicted point is listed even
     * when its probability is below the threshold (a zero covariance
     * offset far away cannot do that, so use a huge spread). */
    jmd_impact wide = make_impact(44.43, 26.10, 0, 0, 1e12, 1e12, 0);
    assert_int_equal(jmd_engage_assets_at_risk(&wide, as, 1, 0.5, r, &n, NULL), 0);
    assert_int_equal(n, 1);
    assert_true(r[0].p < 1e-4);
    /* Invalid. */
    as[1].radius = -1;
    assert_int_equal(jmd_engage_assets_at_risk(&imp, as, 4, 1e-3, r, &n, &var), JMD_EINVAL);
    assert_int_equal(n, 0);
    assert_int_equal(jmd_engage_assets_at_risk(&imp, as, 1, 1.5, r, &n, &var), JMD_EINVAL);
    assert_int_equal(jmd_engage_assets_at_risk(&imp, NULL, 0, 0.1, NULL, &n, &var), 0);
}

/* ---- windows ------------------------------------------------------------- */

static void test_window(void **state)
{
    (void)state;
    /* Block IB from Deveselu: one window, but no second look (its latest
     * commit comes before the first intercept plus the assessment). */
    jmd_site dev = make_site("deveselu", 44.08, 24.40, "sm3-block-ib", 24, 24, 0, 0.8, 10);
    jmd_window w;
    jmd_reach r;
    assert_int_equal(jmd_engage_window(&dev, &g_irbm, 0.0, JMD_WINDOW_LATEST, &w), 0);
    printf("  Deveselu IB vs IRBM: intercept %.1f s (launch %.1f s) at %.1f km, latest commit "
           "%.1f s, SLS %d\n",
           w.t_intercept, w.t_launch, w.alt / 1e3, w.t_commit_last, w.sls);
    assert_true(w.feasible && !w.sls && isnan(w.t_intercept2));
    assert_true(fabs(w.t_intercept - 692.5) < 2.0); /* `jmd reach` gives 692.5 s */
    assert_true(w.t_commit_last < w.t_look);

    /* Block IIA: a long window. */
    dev = make_site("deveselu", 44.08, 24.40, "sm3-block-iia", 24, 24, 0, 0.8, 10);
    assert_int_equal(jmd_engage_window(&dev, &g_irbm, 0.0, JMD_WINDOW_LATEST, &w), 0);
    printf("  Deveselu IIA vs IRBM: intercept %.1f s (launch %.1f s) at %.1f km, latest commit "
           "%.1f s, SLS %d (second intercept %.1f s)\n",
           w.t_intercept, w.t_launch, w.alt / 1e3, w.t_commit_last, w.sls, w.t_intercept2);
    assert_true(w.feasible);
    assert_true(fabs(w.t_intercept - 454.5) < 2.0); /* `jmd reach` gives 454.5 s */
    assert_true(w.t_launch >= 0.0 && w.t_launch <= w.t_intercept - dev.ic.burn_time);
    /* Launching then still allows that intercept. */
    assert_int_equal(
        jmd_flight_reach(&dev.ic, dev.lat, dev.lon, dev.h, &g_irbm, w.t_launch, &r), 0);
    assert_true(r.feasible && r.t_first <= w.t_intercept + 1.0);
    /* Latest commit: feasible at it, not 0.5 s later. */
    assert_int_equal(
        jmd_flight_reach(&dev.ic, dev.lat, dev.lon, dev.h, &g_irbm, w.t_commit_last, &r), 0);
    assert_true(r.feasible);
    assert_int_equal(
        jmd_flight_reach(&dev.ic, dev.lat, dev.lon, dev.h, &g_irbm, w.t_commit_last + 0.5, &r),
        0);
    assert_false(r.feasible);
    /* SLS: a 10 s assessment leaves time for a second round. */
    assert_true(w.sls);
    assert_true(w.t_intercept2 >= w.t_look && w.t_look == w.t_intercept + 10);
    /* A long assessment does not. */
    dev.assess_delay = 400;
    assert_int_equal(jmd_engage_window(&dev, &g_irbm, 0.0, 0, &w), 0);
    assert_true(w.feasible && !w.sls && isnan(w.t_intercept2) && isnan(w.t_commit_last));
    /* Later commit: a later intercept. */
    jmd_window w2;
    assert_int_equal(jmd_engage_window(&dev, &g_irbm, 700.0, 0, &w2), 0);
    assert_true(w2.feasible && w2.t_intercept > 740.0 && w2.t_launch >= 700.0);
    /* After the window: closed, too late. */
    assert_int_equal(jmd_engage_window(&dev, &g_irbm, 900.0, 0, &w2), 0);
    assert_true(!w2.feasible && w2.now.reason == JMD_REACH_TOO_LATE);
    /* A site in Portugal never reaches it. */
    jmd_site lis = make_site("lisbon", 38.7, -9.1, "sm3-block-ia", 24, 24, 0, 0.8, 10);
    assert_int_equal(jmd_engage_window(&lis, &g_irbm, 0.0, JMD_WINDOW_LATEST, &w2), 0);
    assert_true(!w2.feasible && w2.now.reason == JMD_REACH_OUT_OF_REACH);
    assert_true(isnan(w2.t_commit_last) && isnan(w2.t_intercept));
    /* Invalid. */
    assert_int_equal(jmd_engage_window(NULL, &g_irbm, 0.0, 0, &w2), JMD_EINVAL);
    assert_int_equal(jmd_engage_window(&dev, &g_irbm, NAN, 0, &w2), JMD_EINVAL);
    assert_int_equal(jmd_engage_window(&dev, &g_irbm, 0.0, 8u, &w2), JMD_EINVAL);
    dev.assess_delay = -1;
    assert_int_equal(jmd_engage_window(&dev, &g_irbm, 0.0, 0, &w2), JMD_EINVAL);
    jmd_trajectory empty = {0};
    dev.assess_delay = 1;
    assert_int_equal(jmd_engage_window(&dev, &empty, 0.0, 0, &w2), JMD_EINVAL);
}

/* ---- weapon-target assignment ---------------------------------------- */

static double g_best;

/* Brute force: every distribution of each site's rounds (used or not). */
static void brute(const jmd_wta_problem *p, int *x, size_t cell, int *left, int *got)
{
    size_t ns = p->nsites, nt = p->nthreats;
    if (cell == ns * nt) {
        double v;
        assert_int_equal(jmd_engage_wta_value(p, x, &v), 0);
        if (v > g_best) g_best = v;
        return;
    }
    size_t i = cell / nt, j = cell % nt;
    int maxk = left[i];
    if (p->cap && p->cap[j] - got[j] < maxk) maxk = p->cap[j] - got[j];
    if (p->pk[i * nt + j] == 0) maxk = 0;
    for (int k = 0; k <= maxk; k++) {
        x[cell] = k;
        left[i] -= k;
        got[j] += k;
        brute(p, x, cell + 1, left, got);
        left[i] += k;
        got[j] -= k;
    }
    x[cell] = 0;
}

static double brute_force(const jmd_wta_problem *p)
{
    int x[64] = {0}, left[8], got[8] = {0};
    for (size_t i = 0; i < p->nsites; i++)
        left[i] = p->rounds[i];
    g_best = -1;
    brute(p, x, 0, left, got);
    return g_best;
}

static void test_wta_greedy_vs_brute_force(void **state)
{
    (void)state;
    jmd_rng rng;
    jmd_rng_init(&rng, 11, "test:wta", 0);
    double worst = 1, sum_ratio = 0;
    int ninst = 0;
    for (int inst = 0; inst < 300; inst++) {
        int identical = inst % 2 == 0;
        size_t ns = 1 + (size_t)(jmd_rng_u64(&rng) % 3),
               nt = 1 + (size_t)(jmd_rng_u64(&rng) % 4);
        int rounds[8], cap[8];
        double value[8], surv[8], pk[64];
        for (size_t i = 0; i < ns; i++)
            rounds[i] = (int)(jmd_rng_u64(&rng) % 4);
        for (size_t j = 0; j < nt; j++) {
            value[j] = 1 + 9 * jmd_rng_uniform(&rng);
            surv[j] = jmd_rng_uniform(&rng) < 0.3 ? 0.5 : 1.0;
            cap[j] = 1 + (int)(jmd_rng_u64(&rng) % 3);
        }
        for (size_t j = 0; j < nt; j++) {
            double pj = 0.2 + 0.75 * jmd_rng_uniform(&rng);
            for (size_t i = 0; i < ns; i++)
                pk[i * nt + j] = identical ? pj : 0.1 + 0.85 * jmd_rng_uniform(&rng);
        }
        /* Some pairs without a window (non-identical instances only). */
        if (!identical)
            for (size_t k = 0; k < ns * nt; k++)
                if (jmd_rng_uniform(&rng) < 0.2) pk[k] = 0;
        jmd_wta_problem p = {ns, nt, rounds, value, surv, pk, NULL, 0.0};
        int x[64];
        double vg, vb, v0;
        int zero[64] = {0};
        assert_int_equal(jmd_engage_wta_greedy(&p, x, &vg), 0);
        assert_int_equal(jmd_engage_wta_value(&p, zero, &v0), 0);
        /* Rounds respected. */
        for (size_t i = 0; i < ns; i++) {
            int used = 0;
            for (size_t j = 0; j < nt; j++) {
                used += x[i * nt + j];
                if (pk[i * nt + j] == 0) assert_int_equal(x[i * nt + j], 0);
            }
            assert_true(used <= rounds[i]);
        }
        vb = brute_force(&p);
        assert_true(vg <= vb + 1e-12);
        if (identical) {
            assert_true(fabs(vg - vb) < 1e-9);
        } else if (vb - v0 > 1e-12) {
            double ratio = (vg - v0) / (vb - v0);
            assert_true(ratio >= 0.5 - 1e-12); /* Fisher-Nemhauser-Wolsey bound */
            if (ratio < worst) worst = ratio;
            sum_ratio += ratio;
            ninst++;
        }
        /* With caps: respected, and never better than the capped optimum. */
        p.cap = cap;
        assert_int_equal(jmd_engage_wta_greedy(&p, x, &vg), 0);
        for (size_t j = 0; j < nt; j++) {
            int g = 0;
            for (size_t i = 0; i < ns; i++)
                g += x[i * nt + j];
            assert_true(g <= cap[j]);
        }
        vb = brute_force(&p);
        assert_true(vg <= vb + 1e-12);
        assert_true(vg - v0 >= (vb - v0) / 3.0 - 1e-12); /* two matroids: 1/3 */
    }
    printf("  non-identical weapons, no caps: greedy/optimal gain mean %.4f, worst %.4f "
           "(%d instances)\n",
           sum_ratio / ninst, worst, ninst);
}

static void test_wta_round_cost_and_invalid(void **state)
{
    (void)state;
    int rounds[2] = {5, 5};
    double value[2] = {10, 1}, pk[4] = {0.5, 0.5, 0.5, 0.5};
    jmd_wta_problem p = {2, 2, rounds, value, NULL, pk, NULL, 0.9};
    int x[4];
    double v;
    assert_int_equal(jmd_engage_wta_greedy(&p, x, &v), 0);
    /* Threat 0: gains 5, 2.5, 1.25, 0.625 -> 3 rounds; threat 1 (0.5) none. */
    assert_int_equal(x[0] + x[2], 3);
    assert_int_equal(x[1] + x[3], 0);
    /* Ties to the lower site: site 0 gets the first rounds. */
    assert_int_equal(x[0], 3);
    p.round_cost = 0;
    value[1] = -1;
    assert_int_equal(jmd_engage_wta_greedy(&p, x, &v), JMD_EINVAL);
    value[1] = 1;
    pk[2] = 1.5;
    assert_int_equal(jmd_engage_wta_greedy(&p, x, &v), JMD_EINVAL);
    pk[2] = NAN;
    assert_int_equal(jmd_engage_wta_value(&p, x, &v), JMD_EINVAL);
    pk[2] = 0.5;
    rounds[0] = -1;
    assert_int_equal(jmd_engage_wta_greedy(&p, x, &v), JMD_EINVAL);
    rounds[0] = 1;
    p.round_cost = NAN;
    assert_int_equal(jmd_engage_wta_greedy(&p, x, &v), JMD_EINVAL);
    p.round_cost = 0;
    assert_int_equal(jmd_engage_wta_greedy(NULL, x, &v), JMD_EINVAL);
    assert_int_equal(jmd_engage_wta_greedy(&p, NULL, &v), JMD_EINVAL);
}

/* ---- kill draw -------------------------------------------------------- */

static void test_resolve(void **state)
{
    (void)state;
    jmd_rng a, b;
    jmd_rng_init(&a, 5, "intercept", 0);
    int kills = 0;
    const int N = 100000;
    jmd_kill k;
    for (int i = 0; i < N; i++) {
        assert_int_equal(jmd_engage_resolve(0.7, 100.0, 8.0, &a, &k), 0);
        kills += k.killed;
        assert_true(k.t_assess == 108.0);
    }
    assert_true(fabs((double)kills / N - 0.7) < 4 * sqrt(0.21 / N));
    /* One draw each, whatever pk. */
    jmd_rng_init(&a, 5, "x", 0);
    jmd_rng_init(&b, 5, "x", 0);
    assert_int_equal(jmd_engage_resolve(1.0, 0, 0, &a, &k), 0);
    assert_true(k.killed == 1);
    assert_int_equal(jmd_engage_resolve(0.0, 0, 0, &a, &k), 0);
    assert_true(k.killed == 0);
    jmd_rng_uniform(&b);
    jmd_rng_uniform(&b);
    assert_true(jmd_rng_u64(&a) == jmd_rng_u64(&b));
    assert_int_equal(jmd_engage_resolve(1.5, 0, 0, &a, &k), JMD_EINVAL);
    assert_int_equal(jmd_engage_resolve(0.5, NAN, 0, &a, &k), JMD_EINVAL);
    assert_int_equal(jmd_engage_resolve(0.5, 0, -1, &a, &k), JMD_EINVAL);
    assert_int_equal(jmd_engage_resolve(0.5, 0, 0, NULL, &k), JMD_EINVAL);
}

/* ---- battle --------------------------------------------------------- */

static void test_battle_sls_and_salvo(void **state)
{
    (void)state;
    jmd_battle_opts bo;
    jmd_battle_opts_default(&bo);
    jmd_engagement e[8];
    size_t n;
    int shot;

    /* Short assessment: one SLS round, the threat held until assessed. */
    jmd_site s = make_site("deveselu", 44.08, 24.40, "sm3-block-iia", 4, 4, 30, 0.7, 10);
    jmd_battle *b;
    assert_int_equal(jmd_battle_create(&s, 1, &bo, &b), 0);
    assert_int_equal(jmd_battle_threat(b, 7, &g_irbm, 100.0), 0);
    assert_int_equal(jmd_battle_plan(b, 0.0, e, 8, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].doctrine, JMD_SHOT_SLS);
    assert_int_equal(e[0].track_id, 7);
    assert_int_equal(e[0].salvo, 1);
    assert_true(e[0].t_launch >= 0 && e[0].t_intercept > 400);
    assert_int_equal(jmd_battle_launch(b, &e[0], &shot), 0);
    assert_int_equal(jmd_battle_plan(b, 10.0, e, 8, &n), 0);
    assert_int_equal(n, 0); /* held */
    double t_assess = e[0].t_intercept + s.assess_delay;
    jmd_battle_threat_info ti;
    assert_int_equal(jmd_battle_threat_state(b, 7, &ti), 0);
    assert_true(ti.in_flight == 1 && fabs(ti.survival - 0.3) < 1e-12 && !ti.killed);
    /* Miss: re-planned after the look. */
    assert_int_equal(jmd_battle_outcome(b, shot, 0), 0);
    assert_int_equal(jmd_battle_outcome(b, shot, 0), JMD_ENOTFOUND);
    assert_int_equal(jmd_battle_plan(b, t_assess, e, 8, &n), 0);
    assert_true(n >= 1);
    assert_true(e[0].t_intercept >= t_assess);
    printf("  SLS: first intercept %.1f s, look %.1f s, second intercept %.1f s (%s)\n",
           t_assess - s.assess_delay, t_assess, e[0].t_intercept,
           e[0].doctrine == JMD_SHOT_SLS ? "SLS" : "salvo");
    assert_int_equal(jmd_battle_launch(b, &e[0], &shot), 0);
    assert_int_equal(jmd_battle_outcome(b, shot, 1), 0);
    assert_int_equal(jmd_battle_plan(b, t_assess + 1, e, 8, &n), 0);
    assert_int_equal(n, 0); /* killed */
    int inv, fl;
    assert_int_equal(jmd_battle_site_state(b, 0, t_assess + 1, &inv, &fl), 0);
    assert_int_equal(inv, 2);
    jmd_battle_free(b);

    /* Long assessment: no look possible -> a salvo of salvo_max. */
    s.assess_delay = 400;
    assert_int_equal(jmd_battle_create(&s, 1, &bo, &b), 0);
    assert_int_equal(jmd_battle_threat(b, 7, &g_irbm, 100.0), 0);
    assert_int_equal(jmd_battle_plan(b, 0.0, e, 8, &n), 0);
    assert_int_equal(n, 2);
    assert_true(e[0].doctrine == JMD_SHOT_SALVO && e[1].doctrine == JMD_SHOT_SALVO);
    assert_true(e[0].salvo == 2 && e[0].t_intercept == e[1].t_intercept);
    /* cap smaller than the plan: count still reported. */
    assert_int_equal(jmd_battle_plan(b, 0.0, e, 1, &n), 0);
    assert_int_equal(n, 2);
    jmd_battle_free(b);

    /* SLS switched off by doctrine: salvo even with a short assessment. */
    s.assess_delay = 10;
    bo.sls = 0;
    bo.salvo_max = 3;
    assert_int_equal(jmd_battle_create(&s, 1, &bo, &b), 0);
    assert_int_equal(jmd_battle_threat(b, 7, &g_irbm, 100.0), 0);
    assert_int_equal(jmd_battle_plan(b, 0.0, e, 8, &n), 0);
    assert_int_equal(n, 3);
    jmd_battle_free(b);

    /* One launcher with a long reload: a salvo of one now, the second
     * round after the reload (while no look is possible). */
    jmd_battle_opts_default(&bo);
    s.launchers = 1;
    s.reload = 60;
    s.assess_delay = 400;
    assert_int_equal(jmd_battle_create(&s, 1, &bo, &b), 0);
    assert_int_equal(jmd_battle_threat(b, 7, &g_irbm, 100.0), 0);
    assert_int_equal(jmd_battle_plan(b, 0.0, e, 8, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(jmd_battle_launch(b, &e[0], &shot), 0);
    double busy = e[0].t_launch + s.reload;
    assert_int_equal(jmd_battle_site_state(b, 0, busy - 0.01, &inv, &fl), 0);
    assert_true(inv == 3 && fl == 0);
    assert_int_equal(jmd_battle_plan(b, busy - 0.01, e, 8, &n), 0);
    assert_int_equal(n, 0);
    /* A launch with no free launcher is refused. */
    jmd_engagement forced = e[0];
    forced.t_commit = forced.t_launch = busy - 0.01;
    forced.track_id = 7;
    forced.site = 0;
    forced.doctrine = JMD_SHOT_SALVO;
    forced.pk = 0.7;
    assert_int_equal(jmd_battle_launch(b, &forced, NULL), JMD_EINVAL);
    assert_int_equal(jmd_battle_plan(b, busy, e, 8, &n), 0);
    if (busy < 760) { /* the window is still open: the second round of the salvo */
        assert_int_equal(n, 1);
        assert_int_equal(e[0].salvo, 1);
    }
    jmd_battle_free(b);
}

static int no_site0(void *ctx, int site, int track_id, const jmd_window *w)
{
    (void)track_id;
    int *calls = ctx;
    (*calls)++;
    assert_true(w->feasible);
    return site != 0;
}

/* Sectoral rule: only intercepts east of a meridian. */
static int east_of(void *ctx, int site, int track_id, const jmd_window *w)
{
    (void)site;
    (void)track_id;
    return w->lon > *(const double *)ctx;
}

static void test_battle_filter_and_reach(void **state)
{
    (void)state;
    jmd_battle_opts bo;
    jmd_battle_opts_default(&bo);
    int calls = 0;
    bo.filter = no_site0;
    bo.filter_ctx = &calls;
    jmd_site s[2] = {make_site("a", 44.08, 24.40, "sm3-block-ib", 4, 4, 0, 0.7, 10),
                     make_site("b", 44.08, 24.40, "sm3-block-ib", 4, 4, 0, 0.5, 10)};
    jmd_battle *b;
    jmd_engagement e[8];
    size_t n;
    assert_int_equal(jmd_battle_create(s, 2, &bo, &b), 0);
    assert_int_equal(jmd_battle_threat(b, 1, &g_irbm, 10.0), 0);
    assert_int_equal(jmd_battle_plan(b, 0.0, e, 8, &n), 0);
    assert_int_equal(n, 2);         /* a salvo: Block IB cannot look and shoot again here */
    assert_int_equal(e[0].site, 1); /* site 0 has the better pk but is forbidden */
    assert_int_equal(e[1].site, 1);
    assert_int_equal(calls, 2);
    jmd_battle_free(b);

    /* Sectoral: the intercept point at ~31.5 deg E; a sector east of 35 E
     * forbids it, one east of 20 E allows it. */
    double meridian = 35 * DEG;
    bo.filter = east_of;
    bo.filter_ctx = &meridian;
    assert_int_equal(jmd_battle_create(s, 1, &bo, &b), 0);
    assert_int_equal(jmd_battle_threat(b, 1, &g_irbm, 10.0), 0);
    assert_int_equal(jmd_battle_plan(b, 0.0, e, 8, &n), 0);
    assert_int_equal(n, 0);
    meridian = 20 * DEG;
    assert_int_equal(jmd_battle_plan(b, 0.0, e, 8, &n), 0);
    assert_int_equal(n, 2);
    jmd_battle_free(b);

    /* Out of every site's reach: never engaged, at any time. */
    jmd_battle_opts_default(&bo);
    jmd_site far[2] = {make_site("lisbon", 38.7, -9.1, "sm3-block-iia", 24, 4, 0, 1, 10),
                       make_site("oslo", 59.9, 10.7, "terminal-upper-tier", 24, 4, 0, 1, 10)};
    assert_int_equal(jmd_battle_create(far, 2, &bo, &b), 0);
    assert_int_equal(jmd_battle_threat(b, 1, &g_irbm, 1000.0), 0);
    for (double t = 0; t < 900; t += 30) {
        assert_int_equal(jmd_battle_plan(b, t, e, 8, &n), 0);
        assert_int_equal(n, 0);
    }
    jmd_battle_free(b);

    /* Zero inventory: nothing, ever. */
    jmd_site empty = make_site("deveselu", 44.08, 24.40, "sm3-block-ib", 0, 4, 0, 1, 10);
    assert_int_equal(jmd_battle_create(&empty, 1, &bo, &b), 0);
    assert_int_equal(jmd_battle_threat(b, 1, &g_irbm, 1000.0), 0);
    for (double t = 0; t < 900; t += 30) {
        assert_int_equal(jmd_battle_plan(b, t, e, 8, &n), 0);
        assert_int_equal(n, 0);
    }
    jmd_battle_free(b);
}

/* A random campaign: several IRBMs at several aim points, two sites, the
 * battle's plan launched each step, outcomes drawn and reported at their
 * assessment time. */
typedef struct {
    int shot, track, killed;
    double t_assess;
    int done;
} pending;

static void campaign(const jmd_trajectory *thr, int nthr, const jmd_site *sites, int nsites,
                     double pk_all, uint64_t seed, int *nkilled, int *nlaunched, int *reachable)
{
    jmd_site s[4];
    for (int i = 0; i < nsites; i++) {
        s[i] = sites[i];
        if (pk_all >= 0) s[i].pk = pk_all;
    }
    jmd_battle_opts bo;
    jmd_battle_opts_default(&bo);
    jmd_battle *b;
    assert_int_equal(jmd_battle_create(s, (size_t)nsites, &bo, &b), 0);
    for (int j = 0; j < nthr; j++) {
        assert_int_equal(jmd_battle_threat(b, 100 + j, &thr[j], 1.0 + j), 0);
        reachable[j] = 0;
        for (int i = 0; i < nsites; i++) {
            jmd_window w;
            assert_int_equal(jmd_engage_window(&s[i], &thr[j], 0.0, 0, &w), 0);
            if (w.feasible) reachable[j] = 1;
        }
    }
    jmd_rng rng;
    jmd_rng_init(&rng, seed, "test:campaign", 0);
    pending pend[256];
    int np = 0, truth_dead[8] = {0}, launched[4] = {0};
    double busy_lo[4][64], busy_hi[4][64]; /* each launch's occupation */
    *nlaunched = 0;
    for (double t = 0; t <= 900; t += 5) {
        for (int k = 0; k < np; k++)
            if (!pend[k].done && pend[k].t_assess <= t) {
                assert_int_equal(jmd_battle_outcome(b, pend[k].shot, pend[k].killed), 0);
                pend[k].done = 1;
            }
        jmd_engagement e[32];
        size_t n;
        assert_int_equal(jmd_battle_plan(b, t, e, 32, &n), 0);
        assert_true(n <= 32);
        for (size_t k = 0; k < n; k++) {
            int j = e[k].track_id - 100, i = e[k].site;
            jmd_battle_threat_info ti;
            assert_int_equal(jmd_battle_threat_state(b, e[k].track_id, &ti), 0);
            assert_false(ti.killed); /* never re-engage a killed threat */
            int shot;
            assert_int_equal(jmd_battle_launch(b, &e[k], &shot), 0);
            assert_true(launched[i] < 64);
            busy_lo[i][launched[i]] = e[k].t_commit;
            busy_hi[i][launched[i]] = e[k].t_launch + s[i].reload;
            launched[i]++;
            (*nlaunched)++;
            assert_true(e[k].t_intercept > e[k].t_launch && e[k].t_launch >= t);
            jmd_kill kl;
            assert_int_equal(
                jmd_engage_resolve(e[k].pk, e[k].t_intercept, s[i].assess_delay, &rng, &kl), 0);
            if (truth_dead[j]) kl.killed = 0; /* already destroyed by an earlier round */
            if (kl.killed) truth_dead[j] = 1;
            assert_true(np < 256);
            pend[np++] = (pending){shot, j, kl.killed, kl.t_assess, 0};
        }
        /* Invariants. */
        for (int i = 0; i < nsites; i++) {
            int inv, fl;
            assert_int_equal(jmd_battle_site_state(b, i, t, &inv, &fl), 0);
            assert_true(inv >= 0 && inv == s[i].inventory - launched[i]);
            assert_true(fl >= 0 && fl <= s[i].launchers);
            /* At every launch's commit time, occupied launchers <= launchers. */
            for (int a = 0; a < launched[i]; a++) {
                int busy = 0;
                for (int c = 0; c < launched[i]; c++)
                    if (busy_lo[i][c] <= busy_lo[i][a] && busy_lo[i][a] < busy_hi[i][c]) busy++;
                assert_true(busy <= s[i].launchers);
            }
        }
    }
    *nkilled = 0;
    for (int j = 0; j < nthr; j++)
        *nkilled += truth_dead[j];
    jmd_battle_free(b);
}

static void test_battle_campaigns(void **state)
{
    (void)state;
    const jmd_vehicle *v = jmd_catalogue_vehicle(&g_cat, "irbm-solid");
    jmd_flight_opts o;
    jmd_flight_opts_default(&o);
    o.output_step = 2.0;
    /* Tehran -> Bucharest, Sofia, Ankara, Athens; staggered launches. */
    const double aim[4][2] = {{44.43, 26.10}, {42.70, 23.32}, {41.01, 28.98}, {37.98, 23.73}};
    jmd_trajectory thr[4];
    memset(thr, 0, sizeof thr);
    for (int j = 0; j < 4; j++) {
        jmd_target_result res;
        assert_int_equal(jmd_flight_target(v, 35.69 * DEG, 51.39 * DEG, aim[j][0] * DEG,
                                           aim[j][1] * DEG, JMD_TRAJ_MIN_ENERGY, 0, 15.0 * j,
                                           &o, &res, &thr[j]),
                         0);
    }
    jmd_site sites[2] = {
        make_site("deveselu", 44.08, 24.40, "sm3-block-ib", 3, 2, 20, 0.7, 10),
        make_site("bucharest", 44.43, 26.10, "terminal-upper-tier", 4, 1, 15, 0.8, 5)};
    int nk, nl, reach[4];
    for (uint64_t seed = 1; seed <= 3; seed++) {
        campaign(thr, 4, sites, 2, -1, seed, &nk, &nl, reach);
        printf("  campaign seed %d: %d launched (inventory 7), %d of 4 killed; reachable "
               "%d%d%d%d\n",
               (int)seed, nl, nk, reach[0], reach[1], reach[2], reach[3]);
        assert_true(nl <= 7);
    }
    /* Pk = 1, ample inventory and launchers: every reachable threat dies. */
    jmd_site ample[2] = {sites[0], sites[1]};
    ample[0].inventory = ample[1].inventory = 24;
    ample[0].launchers = ample[1].launchers = 8;
    campaign(thr, 4, ample, 2, 1.0, 9, &nk, &nl, reach);
    int nreach = reach[0] + reach[1] + reach[2] + reach[3];
    printf("  Pk = 1: %d launched, %d killed of %d reachable\n", nl, nk, nreach);
    assert_true(nreach >= 2);
    assert_int_equal(nk, nreach);
    /* No interceptors: every threat leaks. */
    ample[0].inventory = ample[1].inventory = 0;
    campaign(thr, 4, ample, 2, 1.0, 9, &nk, &nl, reach);
    assert_int_equal(nl, 0);
    assert_int_equal(nk, 0);
    for (int j = 0; j < 4; j++)
        jmd_trajectory_free(&thr[j]);
}

/* ---- invalid arguments ------------------------------------------------ */

static void test_invalid(void **state)
{
    (void)state;
    jmd_state s;
    assert_int_equal(jmd_trajectory_at(&g_irbm, 400.0, &s), 0);
    jmd_impact_opts io;
    jmd_impact_opts_default(&io);
    jmd_impact imp;
    double cov[6][6] = {{0}};
    assert_int_equal(jmd_engage_predict_impact(NULL, cov, &io, &imp, NULL), JMD_EINVAL);
    assert_int_equal(jmd_engage_predict_impact(&s, cov, NULL, &imp, NULL), JMD_EINVAL);
    assert_int_equal(jmd_engage_predict_impact(&s, cov, &io, NULL, NULL), JMD_EINVAL);
    jmd_state bad = s;
    bad.v[1] = NAN;
    assert_int_equal(jmd_engage_predict_impact(&bad, cov, &io, &imp, NULL), JMD_EINVAL);
    assert_true(imp.lat == 0 && imp.t_impact == 0);
    bad = s;
    bad.r[0] = bad.r[1] = bad.r[2] = 1000; /* inside the Earth */
    assert_int_equal(jmd_engage_predict_impact(&bad, cov, &io, &imp, NULL), JMD_EINVAL);
    cov[0][1] = 5; /* not symmetric */
    assert_int_equal(jmd_engage_predict_impact(&s, cov, &io, &imp, NULL), JMD_EINVAL);
    cov[1][0] = 5; /* symmetric but indefinite (zero diagonal) */
    assert_int_equal(jmd_engage_predict_impact(&s, cov, &io, &imp, NULL), JMD_EINVAL);
    memset(cov, 0, sizeof cov);
    cov[2][2] = INFINITY;
    assert_int_equal(jmd_engage_predict_impact(&s, cov, &io, &imp, NULL), JMD_EINVAL);
    cov[2][2] = -1;
    assert_int_equal(jmd_engage_predict_impact(&s, cov, &io, &imp, NULL), JMD_EINVAL);
    cov[2][2] = 0;
    io.confidence = 1.0;
    assert_int_equal(jmd_engage_predict_impact(&s, cov, &io, &imp, NULL), JMD_EINVAL);
    io.confidence = 0.95;
    io.flight.output_step = 0;
    assert_int_equal(jmd_engage_predict_impact(&s, cov, &io, &imp, NULL), JMD_EINVAL);
    /* Escaping: no impact -> JMD_ENOSOL. */
    jmd_impact_opts_default(&io);
    io.flight.max_time = 600;
    jmd_state up = s;
    double rn = jmd_vec_norm(up.r);
    for (int i = 0; i < 3; i++)
        up.v[i] = up.r[i] / rn * 12000.0;
    jmd_trajectory mt = {0};
    assert_int_equal(jmd_engage_predict_impact(&up, NULL, &io, &imp, &mt), JMD_ENOSOL);
    assert_true(mt.n == 0 && imp.lat == 0);
    jmd_trajectory_free(&mt);

    /* Hit probability. */
    jmd_impact ok = make_impact(44, 26, 0, 0, 1, 1, 0);
    double p;
    assert_int_equal(jmd_engage_hit_probability(&ok, 44 * DEG, 26 * DEG, -1, &p), JMD_EINVAL);
    assert_int_equal(jmd_engage_hit_probability(&ok, 44 * DEG, NAN, 1, &p), JMD_EINVAL);
    assert_int_equal(jmd_engage_hit_probability(&ok, 2.0, 0, 1, &p), JMD_EINVAL);
    assert_int_equal(jmd_engage_hit_probability(NULL, 0, 0, 1, &p), JMD_EINVAL);
    jmd_impact nonpsd = make_impact(44, 26, 0, 0, 1, 1, 2);
    assert_int_equal(jmd_engage_hit_probability(&nonpsd, 44 * DEG, 26 * DEG, 1, &p),
                     JMD_EINVAL);
    jmd_impact nan_mean = make_impact(44, 26, NAN, 0, 1, 1, 0);
    assert_int_equal(jmd_engage_hit_probability(&nan_mean, 44 * DEG, 26 * DEG, 1, &p),
                     JMD_EINVAL);

    /* Battle. */
    jmd_battle_opts bo;
    jmd_battle_opts_default(&bo);
    jmd_site st = make_site("x", 44.08, 24.40, "sm3-block-ib", 2, 1, 0, 0.7, 10);
    jmd_battle *b = (jmd_battle *)&bo;
    st.pk = 1.5;
    assert_int_equal(jmd_battle_create(&st, 1, &bo, &b), JMD_EINVAL);
    assert_null(b);
    st.pk = 0.7;
    st.launchers = 0;
    assert_int_equal(jmd_battle_create(&st, 1, &bo, &b), JMD_EINVAL);
    st.launchers = 1;
    st.reload = NAN;
    assert_int_equal(jmd_battle_create(&st, 1, &bo, &b), JMD_EINVAL);
    st.reload = 0;
    st.inventory = -1;
    assert_int_equal(jmd_battle_create(&st, 1, &bo, &b), JMD_EINVAL);
    st.inventory = 2;
    bo.salvo_max = 0;
    assert_int_equal(jmd_battle_create(&st, 1, &bo, &b), JMD_EINVAL);
    bo.salvo_max = 2;
    assert_int_equal(jmd_battle_create(&st, 0, &bo, &b), JMD_EINVAL);
    assert_int_equal(jmd_battle_create(&st, 1, &bo, &b), 0);
    jmd_trajectory one = {0};
    assert_int_equal(jmd_battle_threat(b, 1, &one, 1.0), JMD_EINVAL);
    assert_int_equal(jmd_battle_threat(b, 1, &g_irbm, NAN), JMD_EINVAL);
    assert_int_equal(jmd_battle_threat(b, 1, &g_irbm, -1), JMD_EINVAL);
    assert_int_equal(jmd_battle_threat_remove(b, 1), JMD_ENOTFOUND);
    assert_int_equal(jmd_battle_threat(b, 1, &g_irbm, 1), 0);
    assert_int_equal(jmd_battle_threat(b, 1, &g_irbm, 2), 0); /* update */
    size_t n;
    jmd_engagement e[4];
    assert_int_equal(jmd_battle_plan(b, NAN, e, 4, &n), JMD_EINVAL);
    assert_int_equal(jmd_battle_plan(b, 0, NULL, 4, &n), JMD_EINVAL);
    assert_int_equal(jmd_battle_plan(b, 0, e, 4, &n), 0);
    assert_int_equal(n, 1);
    jmd_engagement bad_e = e[0];
    bad_e.site = 3;
    assert_int_equal(jmd_battle_launch(b, &bad_e, NULL), JMD_EINVAL);
    bad_e = e[0];
    bad_e.track_id = 99;
    assert_int_equal(jmd_battle_launch(b, &bad_e, NULL), JMD_EINVAL);
    bad_e = e[0];
    bad_e.t_launch = bad_e.t_commit - 1;
    assert_int_equal(jmd_battle_launch(b, &bad_e, NULL), JMD_EINVAL);
    bad_e = e[0];
    bad_e.pk = NAN;
    assert_int_equal(jmd_battle_launch(b, &bad_e, NULL), JMD_EINVAL);
    bad_e = e[0];
    bad_e.doctrine = 0;
    assert_int_equal(jmd_battle_launch(b, &bad_e, NULL), JMD_EINVAL);
    int shot;
    assert_int_equal(jmd_battle_launch(b, &e[0], &shot), 0);
    assert_int_equal(jmd_battle_outcome(b, shot + 1, 1), JMD_ENOTFOUND);
    assert_int_equal(jmd_battle_outcome(b, shot, 2), JMD_EINVAL);
    /* Inventory exhausted: a further launch is refused. */
    e[0].t_commit = e[0].t_launch = 1000;
    assert_int_equal(jmd_battle_launch(b, &e[0], NULL), 0);
    e[0].t_commit = e[0].t_launch = 2000;
    assert_int_equal(jmd_battle_launch(b, &e[0], NULL), JMD_EINVAL);
    assert_int_equal(jmd_battle_site_state(b, 1, 0, NULL, NULL), JMD_EINVAL);
    assert_int_equal(jmd_battle_threat_remove(b, 1), 0);
    assert_int_equal(jmd_battle_outcome(b, shot, 0), 0); /* accepted, ignored */
    jmd_battle_free(b);
    jmd_battle_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_impact_exact_kepler),
        cmocka_unit_test(test_impact_full_physics),
        cmocka_unit_test(test_impact_ellipse_vs_monte_carlo),
        cmocka_unit_test(test_hit_probability_closed_forms),
        cmocka_unit_test(test_hit_probability_vs_monte_carlo),
        cmocka_unit_test(test_assets_at_risk),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_wta_greedy_vs_brute_force),
        cmocka_unit_test(test_wta_round_cost_and_invalid),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_battle_sls_and_salvo),
        cmocka_unit_test(test_battle_filter_and_reach),
        cmocka_unit_test(test_battle_campaigns),
        cmocka_unit_test(test_invalid),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
