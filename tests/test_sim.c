/* test_sim.c — end-to-end scenario tests of the simulation engine (sim,
 * party, and everything under them), each asserting a physical or
 * doctrinal property: a radar blocked by the Earth never detects; a threat
 * out of every site's reach is never engaged; with no interceptors every
 * threat leaks; inventory is never exceeded; a perfect sensor and Pk = 1
 * intercept every reachable threat; the same seed gives the same bytes. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "jmd/scenario.h"
#include "jmd/sim.h"

/* A scenario: one party defending Bucharest with Deveselu against IRBMs
 * from near Tabriz (geometry as examples/salvo.yaml), with the pieces
 * each test varies as printf arguments: radar position, site interceptor,
 * inventory, Pk, radar noise, salvo size. */
static const char *base_fmt =
    "name: test\n"
    "duration_s: 1500\n"
    "step_s: 1\n"
    "seed: 11\n"
    "parties:\n"
    "  - name: NATO\n"
    "    assets:\n"
    "      - {name: Bucharest, lat_deg: 44.43, lon_deg: 26.10, value: 10, lethal_radius_km: 5}\n"
    "sensors:\n"
    "  - type: radar\n"
    "    name: r1\n"
    "    owner: NATO\n"
    "    lat_deg: %s\n"
    "    lon_deg: %s\n"
    "    alt_m: 2085\n"
    "    boresight_az_deg: 95\n"
    "    boresight_el_deg: 20\n"
    "    fov_az_deg: 180\n"
    "    fov_el_deg: 90\n"
    "    min_el_deg: 0.5\n"
    "    max_el_deg: 89\n"
    "    range_km: 3000\n"
    "    ref_rcs_m2: 0.1\n"
    "    pd_ref: 0.99\n"
    "    pfa: 1.0e-6\n"
    "    revisit_s: 1\n"
    "    sigma_range_m: %s\n"
    "    sigma_az_mrad: %s\n"
    "    sigma_el_mrad: %s\n"
    "sites:\n"
    "  - name: S1\n"
    "    owner: NATO\n"
    "    lat_deg: %s\n"
    "    lon_deg: %s\n"
    "    interceptor: %s\n"
    "    inventory: %d\n"
    "    launchers: 24\n"
    "    reload_s: 0\n"
    "    pk: %s\n"
    "    assess_delay_s: 10\n"
    "threats:\n"
    "  - name: irbm\n"
    "    launch_lat_deg: 38.08\n"
    "    launch_lon_deg: 46.29\n"
    "    target: Bucharest\n"
    "    launch_time_s: 30\n"
    "    vehicle: irbm-solid\n"
    "    trajectory: minimum-energy\n"
    "    rcs_m2: 0.1\n"
    "    salvo: %d\n"
    "    spacing_s: 20\n";

typedef struct {
    const char *radar_lat, *radar_lon;
    const char *sig_r, *sig_az, *sig_el;
    const char *site_lat, *site_lon, *interceptor;
    int inventory;
    const char *pk;
    int salvo;
} knobs;

static const knobs defaults = {"38.35", "37.79", "10",  "0.5", "0.5", "44.08",
                               "24.40", "sm3-block-iia", 24, "0.7", 3};

static jmd_scenario *make(const knobs *k)
{
    char text[4096], err[512];
    jmd_scenario *sc = NULL;
    int n = snprintf(text, sizeof text, base_fmt, k->radar_lat, k->radar_lon, k->sig_r,
                     k->sig_az, k->sig_el, k->site_lat, k->site_lon, k->interceptor,
                     k->inventory, k->pk, k->salvo);
    assert_true(n > 0 && (size_t)n < sizeof text);
    int rc = jmd_scenario_parse(text, (size_t)n, "test.yaml", NULL, &sc, err, sizeof err);
    if (rc != 0) fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    return sc;
}

static jmd_sim_result *run(const jmd_scenario *sc, uint64_t seed, FILE *events)
{
    jmd_sim_opts o;
    jmd_sim_result *r = NULL;
    char err[512];
    jmd_sim_opts_default(&o);
    o.events = events;
    int rc = jmd_sim_run(sc, seed, &o, &r, err, sizeof err);
    if (rc != 0) fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    return r;
}

/* Every threat ends: intercepted or leaked, never both, and the counts add up. */
static void check_accounting(const jmd_sim_result *r)
{
    int icpt = 0, leak = 0;
    for (size_t i = 0; i < r->nthreats; i++) {
        assert_true(r->threats[i].fate == JMD_FATE_INTERCEPTED ||
                    r->threats[i].fate == JMD_FATE_LEAKED);
        icpt += r->threats[i].fate == JMD_FATE_INTERCEPTED;
        leak += r->threats[i].fate == JMD_FATE_LEAKED;
    }
    assert_int_equal(icpt, r->intercepted);
    assert_int_equal(leak, r->leaked);
    assert_true(r->wasted <= r->fired);
}

static void test_blocked_radar_never_detects(void **state)
{
    (void)state;
    knobs k = defaults;
    /* The antipode of the launch area: the Earth is between them. */
    k.radar_lat = "-38.08";
    k.radar_lon = "-133.71";
    jmd_scenario *sc = make(&k);
    jmd_sim_result *r = run(sc, 1, NULL);
    assert_int_equal(r->measurements, 0);
    for (size_t i = 0; i < r->nthreats; i++) {
        assert_true(isnan(r->threats[i].t_detect));
        assert_int_equal(r->threats[i].rounds, 0);
        assert_int_equal(r->threats[i].fate, JMD_FATE_LEAKED);
    }
    assert_int_equal(r->fired, 0);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
}

static void test_out_of_reach_never_engaged(void **state)
{
    (void)state;
    knobs k = defaults;
    /* A terminal interceptor 2,000 km from the threat's path (Lisbon). */
    k.site_lat = "38.72";
    k.site_lon = "-9.14";
    k.interceptor = "terminal-lower-tier";
    jmd_scenario *sc = make(&k);
    jmd_sim_result *r = run(sc, 1, NULL);
    check_accounting(r);
    assert_int_equal(r->fired, 0);
    assert_int_equal(r->leaked, (int)r->nthreats);
    for (size_t i = 0; i < r->nthreats; i++) assert_true(isfinite(r->threats[i].t_track));
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
}

static void test_no_interceptors_all_leak(void **state)
{
    (void)state;
    knobs k = defaults;
    k.inventory = 0;
    jmd_scenario *sc = make(&k);
    jmd_sim_result *r = run(sc, 1, NULL);
    check_accounting(r);
    assert_int_equal(r->fired, 0);
    assert_int_equal(r->leaked, (int)r->nthreats);
    assert_int_equal(r->party_assets_hit[(size_t)0], 1); /* every IRBM lands on Bucharest */
    for (size_t i = 0; i < r->nthreats; i++) assert_int_equal(r->threats[i].assets_hit, 1);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
}

static void test_inventory_never_exceeded(void **state)
{
    (void)state;
    knobs k = defaults;
    k.inventory = 2;
    k.salvo = 5;
    k.pk = "0.5";
    jmd_scenario *sc = make(&k);
    for (uint64_t seed = 1; seed <= 4; seed++) {
        jmd_sim_result *r = run(sc, seed, NULL);
        check_accounting(r);
        assert_true(r->fired <= 2);
        assert_true(r->site_fired[0] <= 2);
        assert_true(r->intercepted <= r->fired);
        jmd_sim_result_free(r);
    }
    jmd_scenario_free(sc);
}

static void test_perfect_sensor_pk1_intercepts_all(void **state)
{
    (void)state;
    knobs k = defaults;
    k.sig_r = "1";
    k.sig_az = "0.01";
    k.sig_el = "0.01";
    k.pk = "1";
    jmd_scenario *sc = make(&k);
    jmd_sim_result *r = run(sc, 3, NULL);
    check_accounting(r);
    assert_int_equal(r->intercepted, (int)r->nthreats);
    assert_int_equal(r->leaked, 0);
    assert_int_equal(r->party_assets_hit[(size_t)0], 0);
    for (size_t i = 0; i < r->nthreats; i++) {
        const jmd_sim_threat *t = &r->threats[i];
        /* The timeline is ordered: launch, detection, track, engagement, intercept. */
        assert_true(t->t_launch <= t->t_detect);
        assert_true(t->t_detect <= t->t_track);
        assert_true(t->t_track <= t->t_engage);
        assert_true(t->t_engage < t->t_end);
        assert_true(t->alt >= sc->sites[0].ic.min_alt && t->alt <= sc->sites[0].ic.max_alt);
    }
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
}

static char *run_to_text(const jmd_scenario *sc, uint64_t seed, size_t *len)
{
    char *buf = NULL, *sum = NULL;
    size_t n = 0, ns = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    jmd_sim_result *r = run(sc, seed, f);
    FILE *g = open_memstream(&sum, &ns);
    assert_non_null(g);
    assert_int_equal(jmd_sim_write_summary(sc, seed, r, g), 0);
    assert_int_equal(jmd_sim_write_account(sc, r, g), 0);
    fclose(g);
    fputs(sum, f);
    fclose(f);
    free(sum);
    jmd_sim_result_free(r);
    *len = n; /* the log and, appended, the summary and the account */
    return buf;
}

static void test_determinism(void **state)
{
    (void)state;
    knobs k = defaults;
    k.pk = "0.5";
    jmd_scenario *sc = make(&k);
    size_t n1, n2, n3;
    char *a = run_to_text(sc, 99, &n1);
    char *b = run_to_text(sc, 99, &n2);
    char *c = run_to_text(sc, 100, &n3);
    assert_true(n1 > 0);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    /* Another seed draws other noise: the event log differs. */
    assert_true(n1 != n3 || memcmp(a, c, n1) != 0);
    free(a);
    free(b);
    free(c);
    jmd_scenario_free(sc);
}

static void test_unreachable_aim_is_an_error(void **state)
{
    (void)state;
    const char *text = "duration_s: 600\n"
                       "parties: [{name: A}]\n"
                       "threats:\n"
                       "  - {name: far, launch_lat_deg: 38, launch_lon_deg: 46, aim_lat_deg: 52,\n"
                       "     aim_lon_deg: 0, launch_time_s: 0, vehicle: srbm-liquid, rcs_m2: 1}\n";
    jmd_scenario *sc = NULL;
    char err[512];
    int rc = jmd_scenario_parse(text, strlen(text), "far.yaml", NULL, &sc, err, sizeof err);
    if (rc != 0) fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    jmd_sim_result *r = NULL;
    rc = jmd_sim_run(sc, 1, NULL, &r, err, sizeof err);
    assert_int_equal(rc, JMD_ENOSOL);
    assert_null(r);
    assert_non_null(strstr(err, "threats[0] \"far\": vehicle srbm-liquid cannot be aimed"));
    jmd_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocked_radar_never_detects),
        cmocka_unit_test(test_out_of_reach_never_engaged),
        cmocka_unit_test(test_no_interceptors_all_leak),
        cmocka_unit_test(test_inventory_never_exceeded),
        cmocka_unit_test(test_perfect_sensor_pk1_intercepts_all),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_unreachable_aim_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
