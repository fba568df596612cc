/*
 * test_scenario.c — the scenario loader: a scenario using every key reads
 * into the right SI fields; defaults; salvo expansion; references; the
 * examples load; the bad-scenario corpus (tests/scenarios/bad/NAME.yaml, each
 * file's first line "# expect: MESSAGE" is the exact message, with {dir}
 * standing for the folder of the corpus); every model's knobs, links and
 * release policies; the polygon and epoch helpers; and the fuzz corpus
 * (tests/fuzz/corpus/scenario) replayed through the loader: every input
 * either loads or fails with a message of the form "fuzz[:line:col]: ...".
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jmd/scenario.h"
#include "scenario/scenario__util.h"

#define DEG (3.14159265358979323846 / 180.0)

static char g_root[1024]; /* source tree root */

static void find_root(void)
{
    const char *env = getenv("JMD_SOURCE_DIR");
    if (env && *env) {
        snprintf(g_root, sizeof g_root, "%s", env);
        return;
    }
    /* __FILE__ is .../tests/test_scenario.c */
    snprintf(g_root, sizeof g_root, "%s", __FILE__);
    char *t = strstr(g_root, "/tests/test_scenario.c");
    if (t) *t = '\0';
    else snprintf(g_root, sizeof g_root, ".");
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *p = realloc(buf, (cap *= 2) + 1);
            if (!p) {
                free(buf);
                buf = NULL;
            } else buf = p;
        }
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    *len = n;
    return buf;
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted regular file names (not starting with '.') ending in suffix. */
static size_t list_dir(const char *dir, const char *suffix, char ***out)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    *out = NULL;
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name), sl = strlen(suffix);
        if (e->d_name[0] == '.' || l < sl || strcmp(e->d_name + l - sl, suffix) != 0) continue;
        char **p = realloc(*out, (n + 1) * sizeof *p);
        assert_non_null(p);
        *out = p;
        p[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(*out, n, sizeof **out, cmpstr);
    return n;
}

static void free_list(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

static jmd_scenario *parse_ok(const char *text)
{
    jmd_scenario *s = NULL;
    char err[512];
    int rc = jmd_scenario_parse(text, strlen(text), "t.yaml", NULL, &s, err, sizeof err);
    if (rc) fail_msg("unexpected error %d: %s", rc, err);
    assert_non_null(s);
    return s;
}

static void expect_err(const char *text, const char *msg)
{
    jmd_scenario *s = (jmd_scenario *)1;
    char err[512];
    int rc = jmd_scenario_parse(text, strlen(text), "t.yaml", NULL, &s, err, sizeof err);
    assert_int_equal(rc, JMD_EPARSE);
    assert_null(s);
    assert_string_equal(err, msg);
}

/* ---- good ------------------------------------------------------------------- */

static void test_full(void **state)
{
    (void)state;
    char path[1200], err[512];
    snprintf(path, sizeof path, "%s/tests/scenarios/good/full.yaml", g_root);
    jmd_scenario *s = NULL;
    int rc = jmd_scenario_load(path, &s, err, sizeof err);
    if (rc) fail_msg("%s", err);
    assert_string_equal(s->name, "test: every key");
    assert_string_equal(s->epoch, "2012-05-20T12:00:00.5Z");
    assert_true(s->epoch_unix == 1337515200);
    assert_true(fabs(s->epoch_frac - 0.5) < 1e-12);
    assert_true(s->duration == 1800 && s->step == 0.5);
    assert_true(s->seed == UINT64_MAX);
    assert_int_equal(s->gov.model, JMD_GOV_JOINT);
    assert_int_equal(s->gov.quorum, JMD_QUORUM_MAJORITY);
    assert_int_equal(s->gov.veto, 0);
    assert_int_equal(s->gov.timeout_proceed, 1);
    assert_int_equal(s->gov.predelegate_own, 1);
    assert_true(s->gov.decision_timeout == 30 && s->gov.decision_latency == 20);
    /* Decision latency: Blue its own lognormal, Red the governance default. */
    assert_int_equal(s->party_latency[0].kind, JMD_DIST_LOGNORMAL);
    assert_true(s->party_latency[0].mean == 40 && s->party_latency[0].sd == 15);
    assert_int_equal(s->party_latency[1].kind, JMD_DIST_FIXED);
    assert_true(s->party_latency[1].mean == 20 && s->party_latency[1].sd == 0);
    /* Links: row = sender; Blue -> Red listed, Red -> Blue the default. */
    assert_true(s->links[0 * 2 + 1].latency == 2 && s->links[0 * 2 + 1].loss == 0.05);
    assert_true(s->links[1 * 2 + 0].latency == 1.5 && s->links[1 * 2 + 0].loss == 0.01);
    assert_true(s->links[0].latency == 0 && s->links[3].loss == 0); /* diagonal */
    /* Release: Red <-> Blue both ways, every kind; the default is overridden. */
    unsigned all = JMD_MSG_BIT(JMD_MSG_LAUNCH_WARNING) | JMD_MSG_BIT(JMD_MSG_TRACK) |
                   JMD_MSG_BIT(JMD_MSG_PROPOSAL) | JMD_MSG_BIT(JMD_MSG_VOTE) |
                   JMD_MSG_BIT(JMD_MSG_LAUNCH_ORDER) | JMD_MSG_BIT(JMD_MSG_OUTCOME);
    for (int k = 1; k <= 2; k++) {
        assert_int_equal(s->release_set[k], 1);
        assert_int_equal(s->release[k].kinds, all);
        assert_true(s->release[k].precision == 500 && s->release[k].delay == 2);
    }
    assert_true(s->release_set[0] == 0 && s->release_set[3] == 0 && s->release[0].kinds == 0);

    assert_int_equal(s->nparties, 2);
    assert_string_equal(s->parties[0].name, "Blue");
    assert_int_equal(s->parties[0].nterritory, 1);
    assert_int_equal(s->parties[0].territory[0].n, 4); /* closing vertex dropped */
    assert_true(fabs(s->parties[0].territory[0].v[1].lon - 20 * DEG) < 1e-15);
    assert_int_equal(s->parties[0].nsector, 1);
    assert_int_equal(s->nassets, 3);
    assert_string_equal(s->assets[2].name, "Red City");
    assert_int_equal(s->assets[2].owner, 1);
    assert_true(s->assets[0].value == 10 && s->assets[0].radius == 20e3);
    assert_true(s->assets[1].value == 1 && s->assets[1].radius == 5e3); /* defaults */

    assert_int_equal(s->nradars, 1);
    const jmd_radar *r = &s->radars[0];
    assert_string_equal(r->name, "fbr");
    assert_int_equal(r->owner, 0);
    assert_true(fabs(r->lat - 38.35 * DEG) < 1e-15 && r->h == 2085);
    assert_true(fabs(r->boresight_az - 120 * DEG) < 1e-15);
    assert_true(fabs(r->fov_az - 60 * DEG) < 1e-15 && fabs(r->fov_el - 40 * DEG) < 1e-15);
    assert_true(fabs(r->min_el - 1 * DEG) < 1e-15 && fabs(r->max_el - 70 * DEG) < 1e-15);
    assert_true(r->range_ref == 1500e3 && r->max_range == 3000e3 && r->rcs_ref == 1);
    assert_true(r->pd_ref == 0.9 && r->pfa == 1e-8 && r->revisit == 2);
    assert_true(r->sigma_range == 5 && fabs(r->sigma_az - 0.5e-3) < 1e-18 &&
                fabs(r->sigma_el - 0.6e-3) < 1e-18);
    assert_int_equal(s->nirsats, 1);
    const jmd_irsat *ir = &s->irsats[0];
    assert_int_equal(ir->owner, 1);
    assert_true(ir->h == 35786e3 && ir->min_alt == 12e3 && ir->delay == 30);
    assert_true(ir->sigma_pos == 2e3 && ir->sigma_t == 3 && fabs(ir->sigma_az - 4 * DEG) < 1e-15);

    assert_int_equal(s->nsites, 2);
    const jmd_site *f = &s->sites[0];
    assert_string_equal(f->ic.name, "test-ic");
    assert_true(f->ic.burnout_speed == 3000);
    assert_true(f->inventory == 24 && f->launchers == 3 && f->reload == 300 && f->pk == 0.7 &&
                f->assess_delay == 15 && f->h == 100);
    assert_string_equal(s->sites[1].ic.name, "extra-ic"); /* from the include */
    assert_int_equal(s->sites[1].launchers, 4);            /* default: inventory */
    assert_true(s->sites[1].assess_delay == 10 && s->sites[1].reload == 0);

    assert_int_equal(s->nthreat_decls, 2);
    assert_int_equal(s->nthreats, 4);
    assert_string_equal(s->threats[0].name, "raid-1");
    assert_string_equal(s->threats[2].name, "raid-3");
    assert_string_equal(s->threats[3].name, "single");
    assert_int_equal(s->threats[2].salvo_index, 2);
    assert_int_equal(s->threats[3].decl, 1);
    assert_true(s->threats[2].t_launch == 80);
    assert_int_equal(s->threats[0].target, 0);
    assert_true(s->threats[0].lat1 == s->assets[0].lat && s->threats[0].lon1 == s->assets[0].lon);
    assert_int_equal(s->threats[0].traj, JMD_TRAJ_LOFTED);
    assert_true(s->threats[0].apogee == 900e3 && s->threats[0].rcs == 0.05);
    assert_string_equal(s->threats[0].veh.name, "test-mrbm");
    assert_string_equal(s->threats[3].veh.name, "mrbm-liquid"); /* built-in */
    assert_int_equal(s->threats[3].target, -1);
    assert_int_equal(s->threats[3].traj, JMD_TRAJ_MIN_ENERGY);
    assert_true(s->threats[3].rcs == 0.1 && s->threats[3].t_launch == 0);

    assert_int_equal(jmd_scenario_party(s, "Red"), 1);
    assert_int_equal(jmd_scenario_party(s, "Green"), -1);
    assert_int_equal(jmd_scenario_asset(s, "Port"), 1);
    assert_non_null(jmd_catalogue_interceptor(&s->cat, "sm3-block-iia"));
    jmd_scenario_free(s);
}

static void test_defaults(void **state)
{
    (void)state;
    jmd_scenario *s = parse_ok("duration_s: 60\n"
                               "parties: [{name: A}]\n"
                               "sensors:\n"
                               "  - {type: radar, name: r, owner: A, lat_deg: 1, lon_deg: 2, range_km: 100}\n"
                               "  - {type: ir-satellite, name: s, owner: A, lon_deg: 2}\n");
    assert_string_equal(s->epoch, "2012-01-01T00:00:00Z");
    assert_true(s->epoch_unix == 1325376000 && s->epoch_frac == 0);
    assert_true(s->step == 1 && s->seed == 1);
    assert_int_equal(s->gov.model, JMD_GOV_INDEPENDENT);
    assert_int_equal(s->nthreats, 0);
    assert_null(s->threats);
    const jmd_radar *r = &s->radars[0];
    assert_true(r->pd_ref == 0.5 && r->pfa == 1e-6 && r->rcs_ref == 1 && r->max_range == 0);
    assert_true(fabs(r->fov_az - 180 * DEG) < 1e-15 && fabs(r->max_el - 90 * DEG) < 1e-15);
    assert_true(r->min_el == 0 && r->revisit == 1 && r->sigma_range == 10);
    const jmd_irsat *ir = &s->irsats[0];
    assert_true(ir->h == 35786e3 && ir->delay == 60 && ir->min_alt == 10e3);
    assert_string_equal(jmd_gov_model_name(s->gov.model), "independent");
    assert_int_equal(s->gov.quorum, JMD_QUORUM_ALL);
    assert_true(s->gov.veto == 1 && s->gov.decision_timeout == 0 && s->gov.timeout_proceed == 0);
    assert_true(s->gov.predelegate_own == 0 && s->gov.decision_latency == 0);
    assert_int_equal(s->party_latency[0].kind, JMD_DIST_FIXED);
    assert_true(s->party_latency[0].mean == 0);
    assert_true(s->links[0].latency == 0 && s->release_set[0] == 0);
    jmd_scenario_free(s);
    /* Two parties, nothing said: links 0.5 s without loss, no release set. */
    s = parse_ok("duration_s: 60\nparties: [{name: A}, {name: B}]\ngovernance: {model: joint}\n");
    assert_int_equal(s->gov.model, JMD_GOV_JOINT);
    for (int k = 0; k < 4; k++) {
        double lat = k == 1 || k == 2 ? 0.5 : 0;
        assert_true(s->links[k].latency == lat && s->links[k].loss == 0);
        assert_int_equal(s->release_set[k], 0);
        assert_int_equal(s->release[k].kinds, 0);
    }
    jmd_scenario_free(s);
}

/* Every model's knobs are read whatever the model (jmd run --models all);
 * every distribution form; links both ways; release without a default. */
static void test_every_model(void **state)
{
    (void)state;
    char path[1200], err[512];
    snprintf(path, sizeof path, "%s/tests/scenarios/good/every-model.yaml", g_root);
    jmd_scenario *s = NULL;
    int rc = jmd_scenario_load(path, &s, err, sizeof err);
    if (rc) fail_msg("%s", err);
    assert_int_equal(s->nparties, 3);
    assert_int_equal(s->gov.model, JMD_GOV_SECTORAL);
    assert_int_equal(s->gov.quorum, JMD_QUORUM_K);
    assert_int_equal(s->gov.quorum_k, 2);
    assert_true(s->gov.veto == 1 && s->gov.decision_timeout == 90 && s->gov.timeout_proceed == 0);
    assert_true(s->gov.decision_latency == 30); /* the uniform default's mean */
    const jmd_dist *d = s->party_latency;
    assert_int_equal(d[0].kind, JMD_DIST_EXPONENTIAL);
    assert_true(d[0].mean == 30);
    assert_int_equal(d[1].kind, JMD_DIST_FIXED);
    assert_true(d[1].mean == 12.5);
    assert_int_equal(d[2].kind, JMD_DIST_FIXED); /* its own, not the default */
    assert_true(d[2].mean == 0 && d[2].min == 0 && d[2].max == 0);
    /* West 0, East 1, South 2; row = sender. */
    const jmd_link *l = s->links;
    assert_true(l[0 * 3 + 1].latency == 3 && l[0 * 3 + 1].loss == 0.1);
    assert_true(l[1 * 3 + 0].latency == 3 && l[1 * 3 + 0].loss == 0.1); /* both ways */
    assert_true(l[2 * 3 + 0].latency == 0.25 && l[2 * 3 + 0].loss == 0.2);
    assert_true(l[0 * 3 + 2].latency == 0.25 && l[0 * 3 + 2].loss == 0);
    assert_true(l[1 * 3 + 2].latency == 0.25 && l[2 * 3 + 1].latency == 0.25);
    assert_true(l[0].latency == 0 && l[4].latency == 0 && l[8].latency == 0);
    const jmd_release_policy *r = s->release;
    assert_int_equal(s->release_set[0 * 3 + 1], 1);
    assert_int_equal(r[0 * 3 + 1].kinds,
                     JMD_MSG_BIT(JMD_MSG_LAUNCH_WARNING) | JMD_MSG_BIT(JMD_MSG_TRACK));
    assert_true(r[0 * 3 + 1].precision == 5e3 && r[0 * 3 + 1].delay == 10);
    assert_int_equal(s->release_set[1 * 3 + 0], 1);
    assert_int_equal(r[1 * 3 + 0].kinds, 0); /* set: release nothing */
    for (int k = 2; k < 9; k++)
        if (k != 3) assert_int_equal(s->release_set[k], 0); /* the model's default */
    assert_int_equal(s->parties[0].nsector, 1);
    assert_int_equal(s->parties[2].nsector, 0); /* loads; the engine warns */
    jmd_scenario_free(s);
    /* Joint knobs under another model load (the old rule refused them). */
    s = parse_ok("duration_s: 60\nparties: [{name: A}]\n"
                 "governance: {model: independent, quorum: 1, on_timeout: proceed}\n");
    assert_int_equal(s->gov.model, JMD_GOV_INDEPENDENT);
    assert_true(s->gov.quorum == JMD_QUORUM_K && s->gov.timeout_proceed == 1);
    jmd_scenario_free(s);
    /* The message kinds in a release mask are JMD_MSG_BIT(kind). */
    s = parse_ok("duration_s: 60\nparties: [{name: A}, {name: B}]\n"
                 "release_default: {kinds: [vote, outcome, launch-order, proposal]}\n");
    for (int k = 1; k <= 2; k++) {
        assert_int_equal(s->release_set[k], 1);
        assert_int_equal(s->release[k].kinds, (1u << 5) | (1u << 7) | (1u << 6) | (1u << 4));
        assert_true(s->release[k].precision == 0 && s->release[k].delay == 0);
    }
    assert_int_equal(s->release_set[0], 0);
    jmd_scenario_free(s);
}

/* `outages:` in a `links` entry: parsed in order, copied by both_ways,
 * absent or empty for none; at most JMD_LINK_OUTAGES_MAX (the rest of the
 * errors are in the bad corpus, link-outage*.yaml). */
static void test_link_outages(void **state)
{
    (void)state;
    jmd_scenario *s;
    const jmd_link *l;
    expect_err("duration_s: 60\nparties: [{name: A}, {name: B}]\n"
               "links: [{from: A, to: B, outages: [{start_s: 100, duration_s: 60}, "
               "{start_s: 0, duration_s: 1}]}]\n",
               "t.yaml:3:78: links[0].outages[1].start_s: expected outages sorted by start_s, "
               "found 0 after outages[0] at 100");
    s = parse_ok("duration_s: 600\nparties: [{name: A}, {name: B}, {name: C}]\n"
                 "link_default: {latency_s: 0.25}\n"
                 "links:\n"
                 "  - from: A\n"
                 "    to: B\n"
                 "    both_ways: true\n"
                 "    outages:\n"
                 "      - {start_s: 100, duration_s: 60}\n"
                 "      - {start_s: 160, duration_s: 30.5}\n"
                 "      - {start_s: 500, duration_s: 1}\n"
                 "  - {from: C, to: A, latency_s: 2, outages: []}\n"
                 "  - {from: B, to: C, outages: ~}\n");
    l = s->links;
    for (int dir = 0; dir < 2; dir++) {
        const jmd_link *k = dir ? &l[1 * 3 + 0] : &l[0 * 3 + 1];
        assert_true(k->latency == 0.25 && k->loss == 0);
        assert_int_equal(k->noutages, 3);
        assert_true(k->outages[0].start == 100 && k->outages[0].duration == 60);
        assert_true(k->outages[1].start == 160 && k->outages[1].duration == 30.5);
        assert_true(k->outages[2].start == 500 && k->outages[2].duration == 1);
        assert_int_equal(jmd_govern_link_check(k), 0);
        double up = 0;
        assert_int_equal(jmd_link_down(k, 170, &up), 1);
        assert_true(up == 190.5); /* the two windows touch */
        assert_int_equal(jmd_link_down(k, 190.5, &up), 0);
    }
    assert_true(l[2 * 3 + 0].latency == 2 && l[2 * 3 + 0].noutages == 0);
    assert_int_equal(l[1 * 3 + 2].noutages, 0);
    assert_int_equal(l[0 * 3 + 2].noutages, 0); /* the default: none */
    jmd_scenario_free(s);
    /* Eight windows is the cap, and fits. */
    s = parse_ok("duration_s: 600\nparties: [{name: A}, {name: B}]\n"
                 "links: [{from: A, to: B, outages: [{start_s: 0, duration_s: 1}, "
                 "{start_s: 1, duration_s: 1}, {start_s: 2, duration_s: 1}, "
                 "{start_s: 3, duration_s: 1}, {start_s: 4, duration_s: 1}, "
                 "{start_s: 5, duration_s: 1}, {start_s: 6, duration_s: 1}, "
                 "{start_s: 86399, duration_s: 86400}]}]\n");
    assert_int_equal(s->links[1].noutages, JMD_LINK_OUTAGES_MAX);
    assert_true(s->links[1].outages[7].start == 86399);
    jmd_scenario_free(s);
    expect_err("duration_s: 60\nparties: [{name: A}, {name: B}]\n"
               "links: [{from: A, to: B, outages: [5]}]\n",
               "t.yaml:3:36: links[0].outages[0]: expected a mapping (an outage: start_s, "
               "duration_s), found \"5\"");
}

static void test_builtin_off(void **state)
{
    (void)state;
    jmd_scenario *s = parse_ok("duration_s: 60\nbuiltin_catalogue: false\nparties: [{name: A}]\n");
    assert_int_equal(s->cat.nvehicles, 0);
    jmd_scenario_free(s);
    expect_err("duration_s: 600\nbuiltin_catalogue: false\nparties: [{name: A}]\n"
               "threats:\n  - {name: x, launch_lat_deg: 0, launch_lon_deg: 0, aim_lat_deg: 1,"
               " aim_lon_deg: 1, vehicle: mrbm-liquid}\n",
               "t.yaml:5:94: threats[0].vehicle: unknown vehicle \"mrbm-liquid\" (none is defined)");
}

static void test_flow_catalogue(void **state)
{
    (void)state;
    /* Inline catalogue in flow style inside a flow root: positions kept. */
    jmd_scenario *s = parse_ok(
        "{duration_s: 60, parties: [{name: A}], catalogue: {interceptors: [{name: x-ic, "
        "source: s, burnout_speed_km_s: 2, burn_s: 10, min_alt_km: 0, max_alt_km: 50}]}}");
    assert_non_null(jmd_catalogue_interceptor(&s->cat, "x-ic"));
    jmd_scenario_free(s);
    expect_err("{duration_s: 60, parties: [{name: A}], catalogue: {interceptors: [{name: x-ic, "
               "source: s, burnout_speed_km_s: 2, burn_s: 10, min_alt_km: 0, max_alt_km: -1}]}}",
               "t.yaml:1:153: catalogue.interceptors[0].max_alt_km: expected a number in [0, "
               "50000], found -1");
}

static void test_messages(void **state)
{
    (void)state;
    expect_err("", "t.yaml:1:1: expected a scenario (a mapping with at least \"duration_s\" and "
                   "\"parties\"), found an empty document");
    expect_err("duration_s: 60\nparties: [{name: A}]\nsensors:\n  - {type: radar, name: r, owner: "
               "A, lat_deg: 1, lon_deg: 2, range_km: far}\n",
               "t.yaml:4:72: sensors[0].range_km: expected a positive number, found \"far\"");
    expect_err("duration_s: 60\nparties: [{name: A}]\nseed: -1\n",
               "t.yaml:3:7: seed: expected an integer in [0, 18446744073709551615], found \"-1\"");
    expect_err("duration_s: 60\nparties: [{name: A}]\n\xff", "t.yaml:3:1: expected UTF-8 text, "
                                                             "found the byte 0xff");
}

static void test_args_and_caps(void **state)
{
    (void)state;
    jmd_scenario *s = NULL;
    char err[256];
    assert_int_equal(jmd_scenario_parse(NULL, 3, "x", NULL, &s, err, sizeof err), JMD_EINVAL);
    assert_int_equal(jmd_scenario_parse("a", 1, "x", NULL, NULL, err, sizeof err), JMD_EINVAL);
    assert_int_equal(jmd_scenario_load(NULL, &s, err, sizeof err), JMD_EINVAL);
    assert_int_equal(jmd_scenario_load("/nonexistent/x.yaml", &s, err, sizeof err), JMD_EIO);
    assert_null(s);
    size_t big = (size_t)JMD_SCENARIO_MAX_BYTES + 1;
    char *text = malloc(big);
    assert_non_null(text);
    memset(text, ' ', big);
    assert_int_equal(jmd_scenario_parse(text, big, "big", NULL, &s, err, sizeof err), JMD_EPARSE);
    assert_string_equal(err, "big: input is 1048577 bytes; at most 1048576 are accepted");
    free(text);
    /* A tiny error buffer is still terminated. */
    char tiny[8];
    assert_int_equal(jmd_scenario_parse("x: 1", 4, "name.yaml", NULL, &s, tiny, sizeof tiny),
                     JMD_EPARSE);
    assert_int_equal(strlen(tiny), 7);
    jmd_scenario_free(NULL);
}

/* A salvo over the threat cap, and many vertices, stay fast and bounded. */
static void test_big_salvo(void **state)
{
    (void)state;
    char text[2048];
    snprintf(text, sizeof text,
             "duration_s: 86400\nparties: [{name: A}]\nthreats:\n"
             "  - {name: a, launch_lat_deg: 0, launch_lon_deg: 0, aim_lat_deg: 1, aim_lon_deg: 1,"
             " vehicle: mrbm-liquid, salvo: 1000, spacing_s: 1}\n");
    jmd_scenario *s = parse_ok(text);
    assert_int_equal(s->nthreats, 1000);
    assert_string_equal(s->threats[999].name, "a-1000");
    assert_true(s->threats[999].t_launch == 999);
    jmd_scenario_free(s);
}

/* ---- helpers ------------------------------------------------------------------- */

static void test_polygon(void **state)
{
    (void)state;
    long a, b;
    jmd_latlon sq[4] = {{0, 0}, {0, 1}, {1, 1}, {1, 0}};
    assert_int_equal(jmd__scen_polygon_check(sq, 4, &a, &b), 0);
    jmd_latlon bow[4] = {{0, 0}, {1, 1}, {0, 1}, {1, 0}}; /* bow tie */
    assert_int_equal(jmd__scen_polygon_check(bow, 4, &a, &b), 1);
    assert_true(a == 0 && b == 2);
    jmd_latlon line[3] = {{0, 0}, {0, 1}, {0, 2}}; /* collinear */
    assert_int_equal(jmd__scen_polygon_check(line, 3, &a, &b), 1);
    jmd_latlon dup[4] = {{0, 0}, {0, 1}, {0, 1}, {1, 0}};
    assert_int_equal(jmd__scen_polygon_check(dup, 4, &a, &b), 1);
    assert_true(a == 2 && b == 2);
    /* A vertex touching a non-adjacent edge. */
    jmd_latlon touch[5] = {{0, 0}, {0, 2}, {2, 2}, {1, 1.0}, {2, 0}};
    assert_int_equal(jmd__scen_polygon_check(touch, 5, &a, &b), 0);
    jmd_latlon touch2[5] = {{0, 0}, {0, 2}, {2, 2}, {0, 1}, {2, 0}};
    assert_int_equal(jmd__scen_polygon_check(touch2, 5, &a, &b), 1);
    /* Concave but simple. */
    jmd_latlon c[6] = {{0, 0}, {0, 3}, {3, 3}, {3, 2}, {1, 2}, {1, 0}};
    assert_int_equal(jmd__scen_polygon_check(c, 6, &a, &b), 0);
}

static void test_epoch(void **state)
{
    (void)state;
    int64_t t;
    double f;
    assert_int_equal(jmd__scen_epoch("1970-01-01T00:00:00Z", 20, &t, &f), 0);
    assert_true(t == 0 && f == 0);
    assert_int_equal(jmd__scen_epoch("2000-01-01T12:00:00Z", 20, &t, &f), 0);
    assert_true(t == 946728000);
    assert_int_equal(jmd__scen_epoch("2012-02-29T23:59:59.25+00:00", 28, &t, &f), 0);
    assert_true(t == 1330559999 && f == 0.25);
    assert_int_equal(jmd__scen_epoch("2011-02-29T00:00:00Z", 20, &t, &f), -1);
    assert_int_equal(jmd__scen_epoch("2012-01-01T24:00:00Z", 20, &t, &f), -1);
    assert_int_equal(jmd__scen_epoch("2012-01-01T00:00:00", 19, &t, &f), -1);
    assert_int_equal(jmd__scen_epoch("2012-01-01T00:00:00+01:00", 25, &t, &f), -1);
    assert_int_equal(jmd__scen_epoch("2012-01-01 00:00:00Z", 20, &t, &f), -1);
    assert_int_equal(jmd__scen_epoch("2012-01-01T00:00:00.Z", 21, &t, &f), -1);
}

/* ---- corpora ----------------------------------------------------------------- */

static void load_dir_ok(const char *sub)
{
    char dir[1200], path[1500], err[512];
    snprintf(dir, sizeof dir, "%s/%s", g_root, sub);
    char **names;
    size_t n = list_dir(dir, ".yaml", &names);
    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        jmd_scenario *s = NULL;
        int rc = jmd_scenario_load(path, &s, err, sizeof err);
        if (rc) fail_msg("%s: %s", names[i], err);
        jmd_scenario_free(s);
    }
    free_list(names, n);
}

static void test_good_corpus(void **state)
{
    (void)state;
    load_dir_ok("tests/scenarios/good");
}

static void test_examples(void **state)
{
    (void)state;
    char dir[1200], err[512];
    snprintf(dir, sizeof dir, "%s/examples", g_root);
    char **names;
    size_t n = list_dir(dir, ".yaml", &names);
    for (size_t i = 0; i < n; i++) {
        char path[1500];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        jmd_scenario *s = NULL;
        int rc = jmd_scenario_load(path, &s, err, sizeof err);
        if (rc) fail_msg("%s: %s", names[i], err);
        assert_true(s->nthreats >= 1 && s->nsites >= 1);
        jmd_scenario_free(s);
    }
    free_list(names, n);
}

/* The complete example of docs/scenario.md §9 loads (its include resolved
 * against tests/scenarios/inc, which holds an extra.yaml). */
static void test_doc_example(void **state)
{
    (void)state;
    char path[1200], dir[1200], err[512];
    snprintf(path, sizeof path, "%s/docs/scenario.md", g_root);
    snprintf(dir, sizeof dir, "%s/tests/scenarios/inc", g_root);
    size_t len;
    char *md = read_all(path, &len);
    assert_non_null(md);
    char *a = strstr(md, "```yaml\n# Two parties");
    assert_non_null(a);
    a += strlen("```yaml\n");
    char *b = strstr(a, "```");
    assert_non_null(b);
    jmd_scenario *s = NULL;
    int rc = jmd_scenario_parse(a, (size_t)(b - a), "scenario.md", dir, &s, err, sizeof err);
    if (rc) fail_msg("%s", err);
    assert_int_equal(s->nthreats, 3);
    assert_string_equal(s->threats[1].name, "raid-2");
    assert_int_equal(s->nsites, 2);
    assert_string_equal(s->sites[1].ic.name, "my-endo");
    assert_int_equal(s->gov.model, JMD_GOV_JOINT);
    assert_int_equal(s->party_latency[0].kind, JMD_DIST_LOGNORMAL);
    assert_true(s->party_latency[1].kind == JMD_DIST_FIXED && s->party_latency[1].mean == 45);
    assert_true(s->links[1].latency == 2 && s->links[2].latency == 2 && s->links[2].loss == 0.01);
    assert_true(s->release_set[1] && s->release_set[2]);
    assert_true(s->release[1].precision == 1e3 && s->release[1].delay == 5);
    assert_int_equal(s->release[2].kinds, JMD_MSG_BIT(JMD_MSG_LAUNCH_WARNING));
    assert_true(s->parties[0].nsector == 1 && s->parties[1].nsector == 1);
    jmd_scenario_free(s);
    free(md);
}

/* Each bad file: "# expect: MESSAGE" on its first line; the file is parsed
 * under its base name with includes resolved against its folder. */
static void test_bad_corpus(void **state)
{
    (void)state;
    char dir[1200], path[1500], err[1024];
    snprintf(dir, sizeof dir, "%s/tests/scenarios/bad", g_root);
    char **names;
    size_t n = list_dir(dir, ".yaml", &names);
    assert_true(n >= 30);
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t len;
        char *text = read_all(path, &len);
        assert_non_null(text);
        const char *tag = "# expect: ";
        if (strncmp(text, tag, strlen(tag)) != 0) fail_msg("%s: no '# expect: ' line", names[i]);
        const char *m = text + strlen(tag);
        size_t ml = strcspn(m, "\n");
        char expect[1024], *o = expect;
        /* {dir} stands for the corpus folder. */
        for (size_t k = 0; k < ml && o < expect + sizeof expect - 1;) {
            if (strncmp(m + k, "{dir}", 5) == 0) {
                o += snprintf(o, (size_t)(expect + sizeof expect - o), "%s", dir);
                k += 5;
            } else *o++ = m[k++];
        }
        *o = '\0';
        jmd_scenario *s = (jmd_scenario *)1;
        int rc = jmd_scenario_parse(text, len, names[i], dir, &s, err, sizeof err);
        if (rc == 0 || s != NULL) {
            print_error("%s: loaded, expected: %s\n", names[i], expect);
            failures++;
            jmd_scenario_free(s);
        } else if (strcmp(err, expect) != 0) {
            print_error("%s:\n  expected: %s\n  found:    %s\n", names[i], expect, err);
            failures++;
        }
        free(text);
    }
    free_list(names, n);
    assert_int_equal(failures, 0);
}

/* Replays tests/fuzz/corpus/scenario through the loader (the same checks
 * as tests/fuzz/fuzz_scenario.c). */
static void test_fuzz_corpus(void **state)
{
    (void)state;
    char dir[1200], path[1500], err[512];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/scenario", g_root);
    char **names;
    size_t n = list_dir(dir, "", &names);
    assert_true(n >= 10);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t len;
        char *text = read_all(path, &len);
        assert_non_null(text);
        /* An exact-size copy, so over-reads trip the sanitizers. */
        char *exact = malloc(len ? len : 1);
        assert_non_null(exact);
        memcpy(exact, text, len);
        free(text);
        jmd_scenario *s = NULL;
        int rc = jmd_scenario_parse(exact, len, "fuzz", "/nonexistent", &s, err, sizeof err);
        free(exact);
        if (rc == 0) {
            assert_non_null(s);
            assert_true(s->nparties >= 1 && s->duration > 0);
            jmd_scenario_free(s);
            continue;
        }
        assert_null(s);
        if (rc != JMD_EPARSE && rc != JMD_EIO) fail_msg("%s: rc %d: %s", names[i], rc, err);
        if (strncmp(err, "fuzz:", 5) != 0) fail_msg("%s: message %s", names[i], err);
        const char *q = err + 5;
        if (*q >= '0' && *q <= '9') {
            while (*q >= '0' && *q <= '9') q++;
            if (*q++ != ':') fail_msg("%s: message %s", names[i], err);
            while (*q >= '0' && *q <= '9') q++;
            if (*q != ':') fail_msg("%s: message %s", names[i], err);
            q++;
        }
        if (*q != ' ' || strlen(q) < 5) fail_msg("%s: message %s", names[i], err);
    }
    free_list(names, n);
}

int main(void)
{
    find_root();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),         cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_model),  cmocka_unit_test(test_link_outages),
        cmocka_unit_test(test_builtin_off),  cmocka_unit_test(test_flow_catalogue),
        cmocka_unit_test(test_messages),     cmocka_unit_test(test_args_and_caps),
        cmocka_unit_test(test_big_salvo),    cmocka_unit_test(test_polygon),
        cmocka_unit_test(test_epoch),        cmocka_unit_test(test_good_corpus),
        cmocka_unit_test(test_examples),     cmocka_unit_test(test_doc_example),
        cmocka_unit_test(test_bad_corpus),
        cmocka_unit_test(test_fuzz_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
