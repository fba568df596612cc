/* test_models.c — the cooperation models' invariants, end to end through
 * the engine (issue 4 §5): under `independent` no party receives another's
 * data; under `early-warning` nothing but warnings is sent; under `joint`
 * nothing is launched without the quorum's consent or a pre-delegation;
 * under `sectoral` every engagement's intercept point lies in the engaging
 * party's sector; release policies are obeyed (kinds); common random
 * numbers give every model the same sensor draws; the cost of the joint
 * model's decision latency. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "jmd/govern.h"
#include "jmd/scenario.h"
#include "jmd/sim.h"

#define PI 3.14159265358979323846

/* Two parties against a shared threat from near Tabriz: NATO (Kürecik
 * radar, Deveselu SM-3 IIA, Bucharest), Russia (Armavir radar, an exo
 * interceptor near Rostov, Rostov-on-Don and Krasnodar). Sectors split at
 * 36 E. %s: extra governance keys; %s: extra top-level keys. Figures as in
 * examples/ (sources there); illustrative here. */
static const char *fmt =
    "name: two-party test\n"
    "duration_s: 1500\n"
    "step_s: 1\n"
    "seed: 5\n"
    "governance:\n"
    "  model: independent\n"
    "%s"
    "parties:\n"
    "  - name: NATO\n"
    "    territory: [[[40, 20], [48, 20], [48, 30], [40, 30]]]\n"
    "    sector: [[[30, 10], [60, 10], [60, 36], [30, 36]]]\n"
    "    assets:\n"
    "      - {name: Bucharest, lat_deg: 44.43, lon_deg: 26.10, value: 10, lethal_radius_km: 5}\n"
    "  - name: Russia\n"
    "    territory: [[[43, 36], [52, 36], [52, 48], [43, 48]]]\n"
    "    sector: [[[30, 36], [60, 36], [60, 60], [30, 60]]]\n"
    "    assets:\n"
    "      - {name: Rostov, lat_deg: 47.24, lon_deg: 39.71, value: 5, lethal_radius_km: 5}\n"
    "sensors:\n"
    "  - {type: radar, name: kurecik, owner: NATO, lat_deg: 38.35, lon_deg: 37.79, alt_m: 2085,\n"
    "     boresight_az_deg: 95, boresight_el_deg: 20, fov_az_deg: 60, fov_el_deg: 40,\n"
    "     min_el_deg: 0.5, max_el_deg: 60, range_km: 1500, ref_rcs_m2: 0.1, pd_ref: 0.5,\n"
    "     pfa: 1.0e-6, revisit_s: 1, sigma_range_m: 10, sigma_az_mrad: 0.5, sigma_el_mrad: 0.5}\n"
    "  - {type: radar, name: armavir, owner: Russia, lat_deg: 44.9, lon_deg: 41.0, alt_m: 150,\n"
    "     boresight_az_deg: 150, boresight_el_deg: 20, fov_az_deg: 60, fov_el_deg: 40,\n"
    "     min_el_deg: 0.5, max_el_deg: 60, range_km: 4000, ref_rcs_m2: 1, pd_ref: 0.5,\n"
    "     pfa: 1.0e-6, revisit_s: 2, sigma_range_m: 50, sigma_az_mrad: 1, sigma_el_mrad: 1}\n"
    "sites:\n"
    "  - {name: deveselu, owner: NATO, lat_deg: 44.08, lon_deg: 24.40, interceptor: sm3-block-iia,\n"
    "     inventory: 24, launchers: 24, reload_s: 0, pk: 0.7, assess_delay_s: 10}\n"
    "  - {name: rostov-site, owner: Russia, lat_deg: 47.0, lon_deg: 39.5, interceptor: a235-exo-class,\n"
    "     inventory: 16, launchers: 16, reload_s: 0, pk: 0.7, assess_delay_s: 10}\n"
    "threats:\n"
    "  - {name: to-bucharest, launch_lat_deg: 38.08, launch_lon_deg: 46.29, target: Bucharest,\n"
    "     launch_time_s: 30, vehicle: irbm-solid, rcs_m2: 0.1, salvo: 2, spacing_s: 30}\n"
    "  - {name: to-rostov, launch_lat_deg: 38.08, launch_lon_deg: 46.29, target: Rostov,\n"
    "     launch_time_s: 60, vehicle: mrbm-liquid, rcs_m2: 0.1, salvo: 2, spacing_s: 30}\n"
    "%s";

static jmd_scenario *make(const char *gov_extra, const char *top_extra)
{
    static char text[8192];
    char err[512];
    jmd_scenario *sc = NULL;
    int n = snprintf(text, sizeof text, fmt, gov_extra, top_extra);
    assert_true(n > 0 && (size_t)n < sizeof text);
    int rc = jmd_scenario_parse(text, (size_t)n, "models.yaml", NULL, &sc, err, sizeof err);
    if (rc != 0) fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    return sc;
}

static jmd_sim_result *run(const jmd_scenario *sc, jmd_gov_model m, uint64_t seed, FILE *ev)
{
    jmd_sim_opts o;
    jmd_sim_result *r = NULL;
    char err[512];
    jmd_sim_opts_default(&o);
    o.model = (int)m;
    o.events = ev;
    int rc = jmd_sim_run(sc, seed, &o, &r, err, sizeof err);
    if (rc != 0) fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    return r;
}

static long total_msgs(const jmd_sim_result *r)
{
    long n = 0;
    for (size_t i = 0; i < r->nparties * r->nparties; i++) n += r->msgs[i];
    return n;
}

static void test_independent_sends_nothing(void **state)
{
    (void)state;
    jmd_scenario *sc = make("", "");
    jmd_sim_result *r = run(sc, JMD_GOV_INDEPENDENT, 1, NULL);
    assert_int_equal(total_msgs(r), 0);
    for (int k = 0; k <= JMD_MSG_KIND_MAX; k++) assert_int_equal(r->msgs_by_kind[k], 0);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
}

static void test_early_warning_sends_only_warnings(void **state)
{
    (void)state;
    jmd_scenario *sc = make("", "");
    jmd_sim_result *r = run(sc, JMD_GOV_EARLY_WARNING, 1, NULL);
    assert_true(r->msgs_by_kind[JMD_MSG_LAUNCH_WARNING] > 0);
    for (int k = 0; k <= JMD_MSG_KIND_MAX; k++)
        if (k != JMD_MSG_LAUNCH_WARNING) assert_int_equal(r->msgs_by_kind[k], 0);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
}

static void test_connected_shares_tracks_release_obeyed(void **state)
{
    (void)state;
    jmd_scenario *sc = make("", "");
    jmd_sim_result *r = run(sc, JMD_GOV_CONNECTED, 1, NULL);
    assert_true(r->msgs_by_kind[JMD_MSG_TRACK] > 0);
    assert_int_equal(r->msgs_by_kind[JMD_MSG_PROPOSAL], 0);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
    /* A release policy under which Russia releases nothing to NATO. */
    sc = make("", "release:\n  - {from: Russia, to: NATO, kinds: []}\n");
    r = run(sc, JMD_GOV_CONNECTED, 1, NULL);
    assert_int_equal(r->msgs[1 * 2 + 0], 0);
    assert_true(r->msgs[0 * 2 + 1] > 0);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
}

/* Joint with votes that can never arrive in time: nothing is launched
 * (hold on timeout); with pre-delegation, each party launches only in
 * defense of its own assets, from its own sites. */
static void test_joint_needs_consent(void **state)
{
    (void)state;
    jmd_scenario *sc = make("  decision_timeout_s: 5\n  on_timeout: hold\n"
                            "  decision_latency_s: 1000\n",
                            "");
    jmd_sim_result *r = run(sc, JMD_GOV_JOINT, 1, NULL);
    assert_int_equal(r->fired, 0);
    int proposals = 0, timeouts = 0;
    for (size_t p = 0; p < r->nparties; p++) {
        proposals += r->party[p].proposals;
        timeouts += r->party[p].timeouts;
    }
    assert_true(proposals > 0);
    assert_int_equal(timeouts, proposals);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);

    sc = make("  decision_timeout_s: 5\n  on_timeout: hold\n  decision_latency_s: 1000\n"
              "  predelegate_own_territory: true\n",
              "");
    char *buf = NULL;
    size_t len = 0;
    FILE *ev = open_memstream(&buf, &len);
    r = run(sc, JMD_GOV_JOINT, 1, ev);
    fclose(ev);
    assert_true(r->fired > 0);
    /* Every launch was pre-delegated: its site's owner defends its own asset. */
    for (size_t i = 0; i < r->nthreats; i++) {
        if (r->threats[i].rounds == 0) continue;
        int owner = sc->assets[sc->threats[i].target].owner;
        if (r->threats[i].killer_site >= 0)
            assert_int_equal(sc->sites[r->threats[i].killer_site].owner, owner);
    }
    for (size_t s = 0; s < r->nsites; s++)
        if (r->site_fired[s] > 0) {
            /* Deveselu fires only at threats to Bucharest, the Russian site at Rostov's. */
            const char *want = s == 0 ? "to-bucharest" : "to-rostov";
            const char *other = s == 0 ? "to-rostov" : "to-bucharest";
            char site_tag[64];
            snprintf(site_tag, sizeof site_tag, "\"site\":\"%s\"", sc->sites[s].name);
            for (char *l = buf; l && *l;) {
                char *nl = strchr(l, '\n');
                if (nl) *nl = '\0';
                if (strstr(l, "interceptor_order") && strstr(l, site_tag)) {
                    assert_null(strstr(l, other));
                    assert_non_null(strstr(l, want));
                }
                if (nl) *nl = '\n';
                l = nl ? nl + 1 : NULL;
            }
        }
    free(buf);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
}

/* Sectoral: every interceptor order's planned intercept point lies in the
 * sector of the ordering party (or in no sector, for its own defense). */
static void test_sectoral_intercepts_in_own_sector(void **state)
{
    (void)state;
    jmd_scenario *sc = make("", "");
    char *buf = NULL;
    size_t len = 0;
    FILE *ev = open_memstream(&buf, &len);
    jmd_sim_result *r = run(sc, JMD_GOV_SECTORAL, 1, ev);
    fclose(ev);
    jmd_sector sec[2];
    for (int p = 0; p < 2; p++) {
        sec[p].poly = sc->parties[p].sector;
        sec[p].n = sc->parties[p].nsector;
    }
    int orders = 0;
    for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
        if (!strstr(l, "interceptor_order")) continue;
        double lat, lon;
        char *a = strstr(l, "\"lat_deg\":"), *b = strstr(l, "\"lon_deg\":");
        assert_non_null(a);
        assert_non_null(b);
        lat = atof(a + 10) * PI / 180.0;
        lon = atof(b + 10) * PI / 180.0;
        int owner = -2;
        assert_int_equal(jmd_govern_sector_owner(sec, 2, (jmd_latlon){lat, lon}, &owner), 0);
        int party = strstr(l, "\"party\":\"NATO\"") ? 0 : 1;
        assert_true(owner == party || owner == -1);
        orders++;
    }
    assert_true(orders > 0);
    free(buf);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
}

/* Common random numbers: each radar's draws on each threat are the same in
 * every model, so first detections agree across models. */
static void test_common_random_numbers(void **state)
{
    (void)state;
    jmd_scenario *sc = make("", "");
    jmd_sim_result *r[JMD_GOV_NMODELS];
    for (int m = 0; m < JMD_GOV_NMODELS; m++) r[m] = run(sc, (jmd_gov_model)m, 77, NULL);
    for (int m = 1; m < JMD_GOV_NMODELS; m++)
        for (size_t i = 0; i < sc->nthreats; i++) {
            double a = r[0]->threats[i].t_detect, b = r[m]->threats[i].t_detect;
            assert_true((isnan(a) && isnan(b)) || a == b);
            assert_true(r[0]->threats[i].t_launch == r[m]->threats[i].t_launch);
        }
    for (int m = 0; m < JMD_GOV_NMODELS; m++) jmd_sim_result_free(r[m]);
    jmd_scenario_free(sc);
}

/* The joint model's decision latency costs protection: with votes that
 * take longer than the engagement windows allow, fewer threats are
 * intercepted than with prompt votes (same seed, same draws). */
static void test_joint_latency_costs(void **state)
{
    (void)state;
    int intercepted[2];
    const char *lat[2] = {"  decision_latency_s: 0\n", "  decision_latency_s: 600\n"};
    for (int k = 0; k < 2; k++) {
        jmd_scenario *sc = make(lat[k], "");
        jmd_sim_result *r = run(sc, JMD_GOV_JOINT, 3, NULL);
        intercepted[k] = r->intercepted;
        jmd_sim_result_free(r);
        jmd_scenario_free(sc);
    }
    assert_true(intercepted[0] > intercepted[1]);
}

/* On the flagship example: the joint model's cost rises with the parties'
 * decision latency (prompt votes, then votes slower than the engagement
 * windows): more leakers, more assets hit. Same seed, same draws. */
static void test_flagship_latency_sweep(void **state)
{
    (void)state;
    const char *src = getenv("JMD_SOURCE_DIR");
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/examples/europe-shared-threat.yaml", src ? src : ".");
    jmd_scenario *sc = NULL;
    int rc = jmd_scenario_load(path, &sc, err, sizeof err);
    if (rc != 0) fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    const double latency[3] = {0.0, 45.0, 1000.0};
    int leaked[3], hit[3];
    for (int k = 0; k < 3; k++) {
        for (size_t p = 0; p < sc->nparties; p++) {
            sc->party_latency[p].kind = JMD_DIST_FIXED;
            sc->party_latency[p].mean = latency[k];
        }
        jmd_sim_result *r = run(sc, JMD_GOV_JOINT, 11, NULL);
        leaked[k] = r->leaked;
        hit[k] = 0;
        for (size_t p = 0; p < r->nparties; p++) hit[k] += r->party[p].assets_hit;
        jmd_sim_result_free(r);
    }
    assert_true(leaked[0] <= leaked[1] && leaked[1] <= leaked[2]);
    assert_true(leaked[0] < leaked[2]);
    assert_true(hit[0] <= hit[2]);
    jmd_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_independent_sends_nothing),
        cmocka_unit_test(test_early_warning_sends_only_warnings),
        cmocka_unit_test(test_connected_shares_tracks_release_obeyed),
        cmocka_unit_test(test_joint_needs_consent),
        cmocka_unit_test(test_sectoral_intercepts_in_own_sector),
        cmocka_unit_test(test_common_random_numbers),
        cmocka_unit_test(test_joint_latency_costs),
        cmocka_unit_test(test_flagship_latency_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
