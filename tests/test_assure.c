/*
 * test_assure.c — the transparency analysis (jmd/assure.h, docs/assure.md):
 *   - analytic flip: from a site at the pole against a threat held at a
 *     fixed inertial point, the engageable fraction flips at the Lagrange
 *     minimum-energy burnout speed sqrt(mu (2/r1 - 2/s)), also when the
 *     threat is there only until the minimum-energy time of flight, and
 *     later (a faster speed) when it leaves earlier;
 *   - a site far behind the launch point never engages; an interceptor whose
 *     minimum intercept altitude lies above the threat's apogee never engages;
 *   - cooperation: shared sensors give a fraction >= own sensors (and strictly
 *     more where only the deterrent's radar sees the threat); sectoral <=
 *     shared <= kinematic; more radar range never delays the first track;
 *   - determinism (same bytes twice), argument errors.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream, mkdtemp */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "jmd/assure.h"
#include "jmd/geo.h"
#include "jmd/scenario.h"

#define DEG (3.14159265358979323846 / 180.0)
#define PI 3.14159265358979323846

static char g_root[1024];

static void find_root(void)
{
    const char *env = getenv("JMD_SOURCE_DIR");
    if (env && *env) {
        snprintf(g_root, sizeof g_root, "%s", env);
        return;
    }
    snprintf(g_root, sizeof g_root, "%s", __FILE__);
    char *t = strstr(g_root, "/tests/test_assure.c");
    if (t)
        *t = '\0';
    else
        snprintf(g_root, sizeof g_root, ".");
}

/* Two parties; West has a site at the north pole, East a radar that looks
 * straight up at 70 N 0 E. */
static const char *POLE_YAML =
    "duration_s: 7200\n"
    "parties:\n"
    "  - name: West\n"
    "  - name: East\n"
    "sensors:\n"
    "  - {type: radar, name: east-up, owner: East, lat_deg: 70, lon_deg: 0, boresight_el_deg: "
    "90,\n"
    "     fov_az_deg: 180, fov_el_deg: 90, min_el_deg: 0, max_el_deg: 90, range_km: 5000,\n"
    "     revisit_s: 5}\n"
    "sites:\n"
    "  - {name: pole, owner: West, lat_deg: 90, lon_deg: 0, interceptor: sm3-block-iia,\n"
    "     inventory: 1, pk: 1}\n";

static jmd_scenario *parse(const char *text)
{
    char err[512];
    jmd_scenario *s = NULL;
    int rc = jmd_scenario_parse(text, strlen(text), "test.yaml", NULL, &s, err, sizeof err);
    if (rc) fail_msg("%s", err);
    return s;
}

/* A threat held at the ECI point p from t = 0 to t_end, sampled every 1 s. */
static void hold_at(jmd_assure_traj *x, const double p[3], double t_end)
{
    memset(x, 0, sizeof *x);
    size_t n = (size_t)floor(t_end) + 1 + (t_end > floor(t_end));
    x->tr.s = calloc(n, sizeof *x->tr.s);
    assert_non_null(x->tr.s);
    x->tr.n = x->tr.cap = n;
    for (size_t i = 0; i < n; i++) {
        x->tr.s[i].t = i + 1 < n ? (double)i : t_end;
        memcpy(x->tr.s[i].r, p, sizeof x->tr.s[i].r);
    }
    x->ok = 1;
    x->rcs = 1.0;
}

static void opts_small(jmd_assure_opts *o)
{
    jmd_assure_opts_default(o);
    o->speed_lo = 2000;
    o->speed_hi = 8000;
    o->speed_step = 500;
    o->speed_tol = 2;
}

/* The analytic flip: distance known (chord c), time known (>= or exactly
 * the minimum-energy time of flight). */
static void test_flip_analytic(void **state)
{
    (void)state;
    jmd_scenario *s = parse(POLE_YAML);
    jmd_site *site = &s->sites[0];
    site->ic.burn_time = 0;
    site->ic.min_alt = 0;
    site->ic.max_alt = 1e7;
    site->ic.max_range = 0;
    double r1v[3], p[3];
    jmd_geo_to_ecef(90 * DEG, 0, 0, r1v);
    jmd_geo_to_ecef(70 * DEG, 0, 500e3, p); /* ECEF = ECI at t = 0; held fixed in ECI */
    double r1 = jmd_vec_norm(r1v), r2 = jmd_vec_norm(p), d[3];
    for (int i = 0; i < 3; i++)
        d[i] = p[i] - r1v[i];
    double c = jmd_vec_norm(d), sp = 0.5 * (r1 + r2 + c), mu = JMD_WGS84_GM;
    double v_me = sqrt(mu * (2 / r1 - 2 / sp));
    double beta = 2 * asin(sqrt((sp - c) / sp)), a = sp / 2;
    double t_me = sqrt(a * a * a / mu) * (PI - beta + sin(beta));
    print_message("chord %.1f km, v_me %.4f km/s, t_me %.1f s\n", c / 1e3, v_me / 1e3, t_me);

    jmd_assure_opts o;
    opts_small(&o);
    o.nrange_scale = 0;
    /* Time to spare, exactly the minimum-energy time, and 70 % of it. */
    const double ends[3] = {3 * t_me, t_me, 0.7 * t_me};
    double flips[3];
    for (int k = 0; k < 3; k++) {
        jmd_assure_traj *x = calloc(1, sizeof *x);
        hold_at(x, p, ends[k]);
        jmd_assure_result *r = NULL;
        assert_int_equal(jmd_assure_eval(s, 1, &o, x, 1, &r), 0);
        assert_int_equal(r->nsites, 1);
        flips[k] = r->sites[0].flip_speed[JMD_ASSURE_KINEMATIC];
        print_message("end %.1f s: flip %.4f km/s (kinematic), shared %.4f, own %g\n", ends[k],
                      flips[k] / 1e3, r->sites[0].flip_speed[JMD_ASSURE_SHARED] / 1e3,
                      r->sites[0].flip_speed[JMD_ASSURE_OWN]);
        /* West has no radar: its own sensors never form a track. */
        assert_true(isinf(r->sites[0].flip_speed[JMD_ASSURE_OWN]));
        assert_int_equal(r->sites[0].cells[JMD_ASSURE_OWN].sensed, 0);
        /* The fraction is 0 below the flip and 1 from the next grid speed on. */
        for (int i = 0; i < r->nspeeds; i++)
            assert_true(r->sites[0].speed_fraction[0][i] ==
                        (r->speeds[i] >= flips[k] ? 1.0 : 0.0));
        jmd_assure_free(r);
    }
    /* Stated tolerance: 0.5 % (grid of the intercept times, 2 s, and the
     * coast-time search of docs/reach.md; the closed form is exact). */
    assert_true(fabs(flips[0] - v_me) <= 0.005 * v_me);
    assert_true(fabs(flips[1] - v_me) <= 0.005 * v_me);
    assert_true(flips[2] > 1.02 * v_me); /* less time than the least-energy arc: faster */
    jmd_scenario_free(s);
}

/* Shared sensors: East's radar sees the held threat, West has none. */
static void test_shared_strict(void **state)
{
    (void)state;
    jmd_scenario *s = parse(POLE_YAML);
    s->sites[0].ic.min_alt = 0;
    s->sites[0].ic.burnout_speed = 6000; /* above the 4.8 km/s least-energy speed */
    double p[3];
    jmd_geo_to_ecef(70 * DEG, 0, 500e3, p);
    jmd_assure_opts o;
    opts_small(&o);
    jmd_assure_traj *x = calloc(1, sizeof *x);
    hold_at(x, p, 3000);
    jmd_assure_result *r = NULL;
    assert_int_equal(jmd_assure_eval(s, 1, &o, x, 1, &r), 0);
    const jmd_assure_site *S = &r->sites[0];
    print_message("shared: sensed %d commit %g reason %d latest %g\n", S->cells[2].sensed,
                  S->cells[2].t_commit, S->cells[2].reason, S->cells[2].t_latest);
    assert_true(S->fraction[JMD_ASSURE_OWN] == 0);
    assert_true(S->fraction[JMD_ASSURE_SHARED] == 1);
    const jmd_assure_cell *c = &S->cells[JMD_ASSURE_SHARED];
    assert_true(c->sensed);
    /* First track: 3 looks at 5 s from t = 0 -> t = 10 s; + 10 s track delay. */
    assert_true(fabs(c->t_commit - 20.0) < 1e-9);
    assert_true(c->margin > 0);
    /* No sectors: the sectoral variant never engages. */
    assert_true(S->fraction[JMD_ASSURE_SECTORAL] == 0);
    /* Radar range x0.5 (2,500 km) still sees a target 500 km up. */
    assert_true(S->range_fraction[JMD_ASSURE_SHARED][0] == 1);
    jmd_assure_free(r);
    jmd_scenario_free(s);
}

static const char *LINE_YAML =
    "duration_s: 7200\n"
    "parties:\n"
    "  - name: West\n"
    "  - name: East\n"
    "sites:\n"
    "  - {name: behind, owner: West, lat_deg: 0, lon_deg: 0, interceptor: sm3-block-ib,\n"
    "     inventory: 1, pk: 1}\n"
    "  - {name: under, owner: West, lat_deg: 0, lon_deg: 0, interceptor: gbi-2stage-postol,\n"
    "     inventory: 1, pk: 1}\n";

/* A Kepler ICBM arc from Kozelsk to Washington (free flight, fast). */
static void kozelsk_washington(jmd_assure_traj *x)
{
    jmd_flight_opts fo;
    jmd_flight_opts_default(&fo);
    memset(x, 0, sizeof *x);
    x->lat0 = 54.03 * DEG;
    x->lon0 = 35.78 * DEG;
    x->lat1 = 38.9 * DEG;
    x->lon1 = -77.04 * DEG;
    assert_int_equal(jmd_flight_aim_free(x->lat0, x->lon0, 0, x->lat1, x->lon1,
                                         JMD_TRAJ_MIN_ENERGY, 0, 0, &fo, &x->res, &x->tr),
                     0);
    x->ok = 1;
    x->rcs = 0.1;
}

static void test_behind_and_above(void **state)
{
    (void)state;
    jmd_scenario *s = parse(LINE_YAML);
    jmd_assure_traj *x = calloc(1, sizeof *x);
    kozelsk_washington(x);
    /* "behind": 4,500 km from the launch point, opposite the aim azimuth. */
    double s12, az1, az2, lat, lon;
    assert_int_equal(jmd_geo_inverse(x->lat0, x->lon0, x->lat1, x->lon1, &s12, &az1, &az2), 0);
    assert_int_equal(jmd_geo_direct(x->lat0, x->lon0, az1 + PI, 4500e3, &lat, &lon, &az2), 0);
    s->sites[0].lat = lat;
    s->sites[0].lon = lon;
    /* "under": below the trajectory's midpoint, but the band starts above apogee. */
    assert_int_equal(jmd_geo_direct(x->lat0, x->lon0, az1, 0.5 * s12, &lat, &lon, &az2), 0);
    s->sites[1].lat = lat;
    s->sites[1].lon = lon;
    s->sites[1].ic.min_alt = x->res.apogee_alt + 50e3;
    s->sites[1].ic.max_alt = x->res.apogee_alt + 500e3;
    jmd_assure_opts o;
    opts_small(&o);
    o.nrange_scale = 0;
    jmd_assure_result *r = NULL;
    assert_int_equal(jmd_assure_eval(s, 1, &o, x, 1, &r), 0);
    for (int v = 0; v < JMD_ASSURE_NVARIANTS; v++) {
        assert_int_equal(r->sites[0].engageable[v], 0);
        assert_int_equal(r->sites[1].engageable[v], 0);
    }
    assert_int_equal(r->sites[0].cells[JMD_ASSURE_KINEMATIC].reason, JMD_REACH_OUT_OF_REACH);
    assert_int_equal(r->sites[1].cells[JMD_ASSURE_KINEMATIC].reason, JMD_REACH_BELOW_MIN_ALT);
    /* No speed of the sweep helps the altitude band. */
    assert_true(isinf(r->sites[1].flip_speed[JMD_ASSURE_KINEMATIC]));
    assert_true(isinf(r->sites[1].cells[JMD_ASSURE_KINEMATIC].t_latest));
    jmd_assure_free(r);
    jmd_scenario_free(s);
}

static void run_good(jmd_assure_result **out, size_t samples, jmd_scenario **sp)
{
    char path[1200], err[512];
    snprintf(path, sizeof path, "%s/tests/scenarios/good/strategic.yaml", g_root);
    jmd_scenario *s = NULL;
    if (jmd_scenario_load(path, &s, err, sizeof err)) fail_msg("%s", err);
    jmd_assure_opts o;
    jmd_assure_opts_default(&o);
    o.samples = samples;
    int east = jmd_scenario_party(s, "East");
    assert_int_equal(jmd_assure_run(s, east, &o, out), 0);
    *sp = s;
}

static void test_cooperation_order(void **state)
{
    (void)state;
    jmd_scenario *s;
    jmd_assure_result *r;
    run_good(&r, 10, &s);
    assert_int_equal(r->ntraj, 10);
    assert_int_equal(r->nsites, 2); /* East's own site is not assessed */
    size_t solved = 0;
    for (size_t j = 0; j < r->ntraj; j++)
        solved += (size_t)r->trajs[j].ok;
    assert_true(solved >= 5);
    for (size_t i = 0; i < r->nsites; i++) {
        const jmd_assure_site *S = &r->sites[i];
        print_message("%s: kin %.2f own %.2f shared %.2f sectoral %.2f; flip kin %.2f km/s\n",
                      S->site, S->fraction[0], S->fraction[1], S->fraction[2], S->fraction[3],
                      S->flip_speed[0] / 1e3);
        assert_true(S->fraction[JMD_ASSURE_SHARED] >= S->fraction[JMD_ASSURE_OWN]);
        assert_true(S->fraction[JMD_ASSURE_KINEMATIC] >= S->fraction[JMD_ASSURE_SHARED]);
        assert_true(S->fraction[JMD_ASSURE_SHARED] >= S->fraction[JMD_ASSURE_SECTORAL]);
        for (int k = 0; k < r->nspeeds; k++) {
            assert_true(S->speed_fraction[JMD_ASSURE_SHARED][k] >=
                        S->speed_fraction[JMD_ASSURE_OWN][k]);
            if (k) assert_true(S->speed_fraction[1][k] >= S->speed_fraction[1][k - 1]);
        }
        for (size_t j = 0; j < r->ntraj; j++) {
            if (!r->trajs[j].ok) continue;
            const jmd_assure_cell *c = &S->cells[j * JMD_ASSURE_NVARIANTS];
            assert_true(c[JMD_ASSURE_SHARED].t_commit <= c[JMD_ASSURE_OWN].t_commit);
            /* engageable exactly when the commit is no later than the latest one */
            for (int v = 0; v < JMD_ASSURE_NVARIANTS; v++)
                if (c[v].engageable) assert_true(c[v].margin >= -r->opts.commit_tol);
        }
        for (int q = 1; q < r->opts.nrange_scale; q++)
            assert_true(S->range_fraction[JMD_ASSURE_OWN][q] >=
                        S->range_fraction[JMD_ASSURE_OWN][q - 1]);
    }
    /* Determinism: the same JSON twice. */
    char *b1 = NULL, *b2 = NULL;
    size_t n1 = 0, n2 = 0;
    FILE *f = open_memstream(&b1, &n1);
    assert_int_equal(jmd_assure_write_json(s, r, f), 0);
    fclose(f);
    jmd_assure_free(r);
    jmd_scenario_free(s);
    run_good(&r, 10, &s);
    f = open_memstream(&b2, &n2);
    assert_int_equal(jmd_assure_write_json(s, r, f), 0);
    fclose(f);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(b1);
    free(b2);
    jmd_assure_free(r);
    jmd_scenario_free(s);
}

static void test_first_track_range(void **state)
{
    (void)state;
    jmd_scenario *s = parse(POLE_YAML);
    jmd_assure_traj x;
    kozelsk_washington(&x);
    unsigned char use[1] = {1};
    double prev = INFINITY;
    for (double k = 0.25; k <= 2.0; k += 0.25) {
        double t;
        assert_int_equal(jmd_assure_first_track(s->radars, use, 1, &x.tr, 0.1, 0.5, 3, k, &t),
                         0);
        assert_true(t <= prev);
        prev = t;
    }
    double t;
    assert_int_equal(jmd_assure_first_track(s->radars, use, 1, &x.tr, 0.1, 1.5, 3, 1, &t),
                     JMD_EINVAL);
    jmd_trajectory_free(&x.tr);
    jmd_scenario_free(s);
}

/* GeoJSON: a ground track that crosses the antimeridian is split there
 * (RFC 7946 §3.1.9), each part ending and starting at +-180. */
static void test_geojson_antimeridian(void **state)
{
    (void)state;
    jmd_scenario *s = parse(POLE_YAML);
    double p[3];
    /* Held in inertial space, the ground point drifts west with the Earth's
     * rotation (~15 deg/h): from 179.5 W across 180. */
    jmd_geo_to_ecef(70 * DEG, -179.5 * DEG, 500e3, p);
    jmd_assure_opts o;
    opts_small(&o);
    o.nrange_scale = 0;
    jmd_assure_traj *x = calloc(1, sizeof *x);
    hold_at(x, p, 600);
    jmd_assure_result *r = NULL;
    assert_int_equal(jmd_assure_eval(s, 1, &o, x, 1, &r), 0);
    char dir[] = "/tmp/test_assure_XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    assert_int_equal(jmd_assure_write(s, r, dir), 0);
    snprintf(path, sizeof path, "%s/assure.geojson", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    assert_true(n > 0);
    assert_non_null(strstr(buf, "\"MultiLineString\""));
    assert_non_null(strstr(buf, "[-180.0000, "));
    assert_non_null(strstr(buf, "]], [[180.0000, "));
    free(buf);
    remove(path);
    snprintf(path, sizeof path, "%s/assure.json", dir);
    remove(path);
    remove(dir);
    jmd_assure_free(r);
    jmd_scenario_free(s);
}

static void test_errors(void **state)
{
    (void)state;
    jmd_scenario *s = parse(POLE_YAML);
    jmd_assure_opts o;
    jmd_assure_opts_default(&o);
    jmd_assure_result *r = (jmd_assure_result *)1;
    assert_int_equal(jmd_assure_run(s, 1, &o, &r), JMD_ENOTFOUND); /* no strategic entry */
    assert_int_equal(jmd_assure_run(s, 5, &o, &r), JMD_EINVAL);
    assert_null(r);
    o.samples = 0;
    assert_int_equal(jmd_assure_eval(s, 1, &o, NULL, 0, &r), JMD_EINVAL);
    jmd_assure_opts_default(&o);
    o.speed_step = 1; /* a sweep of 5,001 points */
    assert_int_equal(jmd_assure_eval(s, 1, &o, NULL, 0, &r), JMD_EINVAL);
    jmd_assure_free(NULL);
    jmd_assure_trajs_free(NULL, 3);
    assert_string_equal(jmd_assure_variant_name(JMD_ASSURE_SHARED), "shared");
    jmd_scenario_free(s);
}

int main(void)
{
    find_root();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flip_analytic),
        cmocka_unit_test(test_shared_strict),
        cmocka_unit_test(test_behind_and_above),
        cmocka_unit_test(test_cooperation_order),
        cmocka_unit_test(test_first_track_range),
        cmocka_unit_test(test_geojson_antimeridian),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
