/* test_assure_report.c — the transparency analysis's map layer in the HTML
 * report (issue 6 §2, docs/assure.md, docs/report.md): `jmd assure --out`
 * writes DIR/report.html with the assure documents inlined in the data
 * object. Checks: the file is written; the data holds one trajectory
 * feature per solved trajectory of the result (the app draws one
 * path.assure-track each in g#assure-layer) and the result's sites; the
 * page loads nothing from the network; text that could close the <script>
 * element is escaped; bad layer arguments are refused; without the layer
 * the bytes are those of jmd_report_write_html; the same inputs give the
 * same bytes. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "page_stream.h"

#include "jmd/assure.h"
#include "jmd/error.h"
#include "jmd/report.h"
#include "jmd/scenario.h"

static char scenario_path[4096];

typedef struct {
    jmd_scenario *sc;
    jmd_assure_result *res;
    char *json, *geojson;
} fixture;

static char *doc(const jmd_scenario *sc, const jmd_assure_result *r, int geo)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    assert_non_null(m);
    assert_int_equal(geo ? jmd_assure_write_geojson(sc, r, m) : jmd_assure_write_json(sc, r, m), 0);
    assert_int_equal(fclose(m), 0);
    return buf;
}

static int setup(void **state)
{
    const char *src = getenv("JMD_SOURCE_DIR");
    snprintf(scenario_path, sizeof scenario_path, "%s/tests/scenarios/good/strategic.yaml",
             src ? src : "..");
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    char err[512];
    if (jmd_scenario_load(scenario_path, &fx->sc, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    int east = -1;
    for (size_t i = 0; i < fx->sc->nparties; i++)
        if (strcmp(fx->sc->parties[i].name, "East") == 0) east = (int)i;
    if (east < 0) return -1;
    jmd_assure_opts o;
    jmd_assure_opts_default(&o);
    o.samples = 8;
    if (jmd_assure_run(fx->sc, east, &o, &fx->res) != 0) return -1;
    fx->json = doc(fx->sc, fx->res, 0);
    fx->geojson = doc(fx->sc, fx->res, 1);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    if (!fx) return 0;
    free(fx->json);
    free(fx->geojson);
    jmd_assure_free(fx->res);
    jmd_scenario_free(fx->sc);
    free(fx);
    return 0;
}

static char *page(const jmd_scenario *sc, const jmd_report_input *in,
                  const jmd_report_assure *as, size_t *len)
{
    page_stream *ms = page_open();
    assert_int_equal(jmd_report_write_html_assure(sc, in, as, ms->f), 0);
    return page_close(ms, len);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + k, needle)) n++;
    return n;
}

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

/* Nothing the browser would fetch (as in test_report.c). */
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

static void test_file_written(void **state)
{
    fixture *fx = *state;
    char dir[] = "/tmp/jmd-assure-report-XXXXXX", path[4200];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/report.html", dir);
    jmd_report_input in = {scenario_path, NULL, NULL, 0, fx->sc->seed};
    jmd_report_assure as = {fx->json, fx->geojson};
    assert_int_equal(jmd_report_write_file_assure(path, fx->sc, &in, &as), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 100000); /* vendor bundle and shapes inlined */
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *buf = malloc((size_t)st.st_size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
    buf[st.st_size] = '\0';
    fclose(f);
    /* the same bytes as the stream version */
    size_t len;
    char *html = page(fx->sc, &in, &as, &len);
    assert_int_equal(len, (size_t)st.st_size);
    assert_memory_equal(html, buf, len);
    free(html);
    free(buf);
    unlink(path);
    rmdir(dir);
}

static void test_layer_data(void **state)
{
    fixture *fx = *state;
    jmd_report_input in = {scenario_path, NULL, NULL, 0, fx->sc->seed};
    jmd_report_assure as = {fx->json, fx->geojson};
    char *html = page(fx->sc, &in, &as, NULL);
    assert_null(strstr(html, "@@"));
    assert_offline(html);
    /* the app draws the layer: g#assure-layer, path.assure-track */
    assert_non_null(strstr(html, "'assure-layer'"));
    assert_non_null(strstr(html, "'assure-track "));
    assert_non_null(strstr(html, "id=\"assure-variant\""));
    assert_non_null(strstr(html, "id=\"assure-table\""));
    char *data = data_of(html);
    assert_non_null(strstr(data, "\"mode\":\"assure\""));
    assert_non_null(strstr(data, "\"assure\":{\"result\":"));
    /* one trajectory feature (one assure-track) per solved trajectory */
    size_t ok = 0;
    for (size_t j = 0; j < fx->res->ntraj; j++) ok += fx->res->trajs[j].ok != 0;
    assert_true(ok > 0);
    assert_int_equal(count(data, "\"kind\": \"trajectory\""), ok);
    assert_int_equal(count(data, "\"kind\": \"site\""), fx->res->nsites);
    assert_int_equal(count(data, "\"index\": "), 2 * fx->res->ntraj - (fx->res->ntraj - ok));
    /* every variant of the selector and the flip speeds are there */
    assert_non_null(strstr(data, "\"variants\": [\"kinematic\", \"own\", \"shared\", \"sectoral\"]"));
    assert_int_equal(count(data, "\"flip_speed_km_s\": "), 4 * fx->res->nsites);
    free(data);
    /* deterministic */
    char *again = page(fx->sc, &in, &as, NULL);
    assert_string_equal(html, again);
    free(again);
    free(html);
}

static void test_escaped(void **state)
{
    fixture *fx = *state;
    jmd_report_input in = {scenario_path, NULL, NULL, 0, fx->sc->seed};
    jmd_report_assure as = {"{\"deterrent\": \"</script><b>&\", \"sites\": []}",
                            "{\"type\": \"FeatureCollection\", \"features\": []}"};
    char *html = page(fx->sc, &in, &as, NULL);
    char *data = data_of(html);
    assert_non_null(strstr(data, "\\u003c/script\\u003e\\u003cb\\u003e\\u0026"));
    assert_null(strstr(data, "<b>"));
    free(data);
    free(html);
}

static void test_errors_and_no_layer(void **state)
{
    fixture *fx = *state;
    jmd_report_input in = {scenario_path, NULL, NULL, 0, fx->sc->seed};
    FILE *f = fopen("/dev/null", "w");
    assert_non_null(f);
    jmd_report_assure half = {fx->json, NULL}, bad = {"[1]", fx->geojson};
    assert_int_equal(jmd_report_write_html_assure(fx->sc, &in, &half, f), JMD_EINVAL);
    assert_int_equal(jmd_report_write_json_assure(fx->sc, &in, &bad, f), JMD_EINVAL);
    assert_int_equal(jmd_assure_write_geojson(NULL, fx->res, f), JMD_EINVAL);
    fclose(f);
    /* no layer: the bytes of jmd_report_write_html, with "assure": null */
    char *a = page(fx->sc, &in, NULL, NULL), *b = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&b, &n);
    assert_non_null(m);
    assert_int_equal(jmd_report_write_html(fx->sc, &in, m), 0);
    assert_int_equal(fclose(m), 0);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "\"assure\":null"));
    assert_non_null(strstr(a, "\"mode\":\"run\""));
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_written),
        cmocka_unit_test(test_layer_data),
        cmocka_unit_test(test_escaped),
        cmocka_unit_test(test_errors_and_no_layer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
