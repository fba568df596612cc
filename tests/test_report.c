/* test_report.c — the HTML report (jmd/report.h): the page is written and
 * self-contained (the template, stylesheet, vendor and app scripts and
 * the data are inlined; nothing is loaded from the network: no script
 * src, no link href, no url() or import of a remote address), the data
 * object is there with one track per threat of each replay, one replay
 * and one statistics entry per model of a study, the scenario's sources,
 * text that could close the <script> element is escaped, and the same
 * inputs give the same bytes. The DOM the app builds from it is tested in
 * a real browser (the browser test of issue 5 §3). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "page_stream.h"

#include "jmd/error.h"
#include "jmd/report.h"
#include "jmd/scenario.h"
#include "jmd/sim.h"
#include "jmd/study.h"

static char scenario_path[4096];

static jmd_scenario *load(void)
{
    const char *src = getenv("JMD_SOURCE_DIR");
    snprintf(scenario_path, sizeof scenario_path, "%s/examples/salvo.yaml", src ? src : "..");
    jmd_scenario *sc = NULL;
    char err[512];
    int rc = jmd_scenario_load(scenario_path, &sc, err, sizeof err);
    if (rc != 0) fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    return sc;
}

static jmd_sim_result *run(const jmd_scenario *sc, int model, uint64_t seed)
{
    jmd_sim_opts so;
    jmd_sim_opts_default(&so);
    so.model = model;
    so.keep_truth = 1;
    jmd_sim_result *r = NULL;
    char err[512];
    assert_int_equal(jmd_sim_run(sc, seed, &so, &r, err, sizeof err), 0);
    return r;
}

/* The page as a NUL-terminated string (caller frees). */
static char *page(const jmd_scenario *sc, const jmd_report_input *in, size_t *len)
{
    page_stream *ms = page_open();
    assert_int_equal(jmd_report_write_html(sc, in, ms->f), 0);
    return page_close(ms, len);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + k, needle)) n++;
    return n;
}

/* The inlined data: between the data element's opening tag and the next
 * "</script" (which must be its own end). Caller frees. */
static char *data_of(const char *html)
{
    const char *open = "<script id=\"jmd-data\" type=\"application/json\">";
    const char *a = strstr(html, open);
    assert_non_null(a);
    a += strlen(open);
    const char *b = strstr(a, "</script>");
    assert_non_null(b);
    char *out = malloc((size_t)(b - a) + 1);
    assert_non_null(out);
    memcpy(out, a, (size_t)(b - a));
    out[b - a] = '\0';
    return out;
}

/* Nothing the browser would fetch: no src/href attributes at all, no
 * url() or @import of anything but a fragment, no fetch or XHR. Vendor
 * licence comments may name web sites; those are never loaded. */
static void assert_offline(const char *html)
{
    assert_null(strstr(html, "<script src"));
    assert_null(strstr(html, " src="));
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "href="));
    assert_null(strstr(html, "@import"));
    assert_null(strstr(html, "fetch("));
    assert_null(strstr(html, "XMLHttpRequest"));
    for (const char *p = strstr(html, "url("); p; p = strstr(p + 4, "url(")) {
        const char *q = p + 4;
        while (*q == '\'' || *q == '"' || *q == ' ') q++;
        assert_true(*q == '#');
    }
    /* Every "http" is a licence comment of a vendor file ("// https://" or
     * inside a comment opened on the same line) or the SVG namespace name,
     * which names and never loads. */
    for (const char *p = strstr(html, "http"); p; p = strstr(p + 4, "http")) {
        if (strncmp(p, "http://www.w3.org/2000/svg'", 27) == 0) continue;
        const char *line = p;
        while (line > html && line[-1] != '\n') line--;
        int in_comment = 0;
        for (const char *c = line; c < p; c++)
            if ((c[0] == '/' && c[1] == '/') || (c[0] == '/' && c[1] == '*')) in_comment = 1;
        if (!in_comment) {
            fprintf(stderr, "uncommented address: %.60s\n", p);
            fail();
        }
    }
}

static void test_single_run_page(void **state)
{
    (void)state;
    jmd_scenario *sc = load();
    jmd_sim_result *r = run(sc, -1, sc->seed);
    const jmd_sim_result *replays[1] = {r};
    jmd_report_input in = {scenario_path, NULL, replays, 1, sc->seed};
    size_t len;
    char *html = page(sc, &in, &len);
    assert_true(len > 100000); /* the vendor bundle and the country shapes are inlined */
    assert_non_null(strstr(html, "<!DOCTYPE html>"));
    assert_null(strstr(html, "@@")); /* every template marker replaced */
    assert_non_null(strstr(html, "<svg id=\"map\""));
    assert_non_null(strstr(html, "id=\"replay-slider\" type=\"range\""));
    assert_non_null(strstr(html, "<table id=\"comparison\">"));
    assert_non_null(strstr(html, "<section id=\"timeline\">"));
    assert_non_null(strstr(html, "<section id=\"sources\">"));
    assert_non_null(strstr(html, "var JMD_WORLD")); /* Natural Earth shapes */
    assert_non_null(strstr(html, "geoAzimuthalEqualArea"));
    assert_non_null(strstr(html, "@media print"));
    /* three scripts (vendor, data, app), each closed once */
    assert_int_equal(count(html, "<script"), 3);
    assert_int_equal(count(html, "</script>"), 3);
    assert_offline(html);

    char *data = data_of(html);
    assert_non_null(strstr(data, "\"format\":\"jmd-report-1\""));
    assert_non_null(strstr(data, "\"mode\":\"run\""));
    assert_non_null(strstr(data, "\"study\":null"));
    assert_null(strstr(data, "</"));
    /* one replay, one track per threat, each threat by name */
    assert_int_equal(count(data, "\"intercepted\":"), 1);
    assert_int_equal(count(data, "\"track\":[["), sc->nthreats);
    for (size_t i = 0; i < sc->nthreats; i++) {
        char key[128];
        snprintf(key, sizeof key, "{\"name\":\"%s\",\"fate\":", sc->threats[i].name);
        assert_int_equal(count(data, key), 1);
    }
    assert_int_equal(count(data, "\"fate\":\"intercepted\""), (size_t)r->intercepted);
    assert_int_equal(count(data, "\"fate\":\"leaked\""), (size_t)r->leaked);
    /* geometry and sources */
    assert_non_null(strstr(data, "\"name\":\"Kurecik TPY-2\""));
    assert_non_null(strstr(data, "\"name\":\"Deveselu\""));
    assert_non_null(strstr(data, "\"key\":\"alt_m\",\"value\":\"2085\",\"source\":\"reference"));
    assert_non_null(strstr(data, "\"key\":\"range_km\",\"value\":\"1500\""));
    assert_null(strstr(data, ":nan"));
    assert_null(strstr(data, ":-nan"));
    assert_null(strstr(data, ":inf"));

    /* determinism: the same inputs, the same bytes */
    size_t len2;
    char *again = page(sc, &in, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(html, again, len);
    free(again);
    free(data);
    free(html);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
}

/* Text from the scenario that tries to close the data's <script>. */
static void test_escaping(void **state)
{
    (void)state;
    jmd_scenario *sc = load();
    snprintf(sc->name, sizeof sc->name, "%s", "A</script><script>alert(1)</script>&\"");
    snprintf(sc->threats[0].name, sizeof sc->threats[0].name, "%s", "t</script>");
    jmd_sim_result *r = run(sc, -1, sc->seed);
    const jmd_sim_result *replays[1] = {r};
    jmd_report_input in = {NULL, NULL, replays, 1, sc->seed};
    char *html = page(sc, &in, NULL);
    assert_int_equal(count(html, "</script>"), 3);
    assert_int_equal(count(html, "<script"), 3);
    assert_non_null(strstr(html, "<title>A&lt;/script&gt;&lt;script&gt;alert(1)"));
    char *data = data_of(html);
    assert_non_null(strstr(data, "\"title\":\"A\\u003c/script\\u003e"));
    assert_non_null(strstr(data, "\"name\":\"t\\u003c/script\\u003e\""));
    assert_non_null(strstr(data, "\"sources\":[]")); /* no scenario file given */
    free(data);
    free(html);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
}

/* A comparison: one replay and one statistics entry per model. */
static void test_study_page(void **state)
{
    (void)state;
    jmd_scenario *sc = load();
    jmd_study_opts o;
    jmd_study_opts_default(&o);
    o.nmodels = 2;
    o.models[0] = JMD_GOV_INDEPENDENT;
    o.models[1] = JMD_GOV_JOINT;
    o.trials = 2;
    o.seed = sc->seed;
    jmd_study *s = NULL;
    char err[512];
    assert_int_equal(jmd_study_run(sc, &o, &s, err, sizeof err), 0);
    uint64_t seed0 = jmd_study_trial_seed(o.seed, 0);
    jmd_sim_result *r0 = run(sc, o.models[0], seed0), *r1 = run(sc, o.models[1], seed0);
    const jmd_sim_result *replays[2] = {r0, r1};
    jmd_report_input in = {scenario_path, s, replays, 2, seed0};

    char path[] = "/tmp/jmd-test-report-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(jmd_report_write_file(path, sc, &in), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *html = malloc((size_t)n + 1);
    assert_non_null(html);
    assert_int_equal(fread(html, 1, (size_t)n, f), (size_t)n);
    html[n] = '\0';
    fclose(f);
    unlink(path);

    assert_offline(html);
    char *data = data_of(html);
    assert_non_null(strstr(data, "\"mode\":\"compare\""));
    assert_non_null(strstr(data, "\"trials\":2,"));
    /* one statistics entry and one replay per model, each named */
    assert_int_equal(count(data, "\"no_leaker\":"), 2);
    assert_int_equal(count(data, "\"model\":\"independent\""), 1);
    assert_int_equal(count(data, "\"model\":\"joint\""), 1);
    assert_int_equal(count(data, "{\"name\":\"independent\",\"no_leaker\""), 1);
    assert_int_equal(count(data, "{\"name\":\"joint\",\"no_leaker\""), 1);
    /* per party statistics and dependence */
    assert_int_equal(count(data, "\"no_asset_hit\":"), 2 * sc->nparties);
    assert_int_equal(count(data, "\"dep_consent\":"), 2 * sc->nparties);
    /* a track per threat per replay */
    assert_int_equal(count(data, "\"track\":[["), 2 * sc->nthreats);

    assert_int_equal(jmd_report_write_file("/nonexistent-dir/x/report.html", sc, &in), JMD_EIO);
    assert_int_equal(jmd_report_write_html(NULL, &in, stdout), JMD_EINVAL);
    assert_int_equal(jmd_report_write_json(sc, NULL, stdout), JMD_EINVAL);
    free(data);
    free(html);
    jmd_sim_result_free(r0);
    jmd_sim_result_free(r1);
    jmd_study_free(s);
    jmd_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_run_page),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_study_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
