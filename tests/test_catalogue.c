/*
 * test_catalogue.c — the YAML catalogue loader (src/flight/catalogue.c):
 * a full file read back in SI units, every bad case of the fuzz corpus
 * (tests/fuzz/corpus/catalogue/bad-*.yaml) with its exact message and
 * position, the catalogue left unchanged after any error, duplicates
 * within a file and against earlier entries, the input cap, file errors,
 * the built-in catalogue, and a replay of the whole corpus with the
 * invariants the fuzz target checks.
 *
 * The corpus is found under $JMD_SOURCE_DIR (set by ctest), else next to
 * this source file.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jmd/flight.h"

static char corpus_dir[1024];

static void find_corpus(void)
{
    const char *src = getenv("JMD_SOURCE_DIR");
    if (src && *src) {
        snprintf(corpus_dir, sizeof corpus_dir, "%s/tests/fuzz/corpus/catalogue", src);
        return;
    }
    /* __FILE__ is .../tests/test_catalogue.c */
    char here[900];
    snprintf(here, sizeof here, "%s", __FILE__);
    char *slash = strrchr(here, '/');
    if (slash) *slash = '\0';
    else snprintf(here, sizeof here, "tests");
    snprintf(corpus_dir, sizeof corpus_dir, "%s/fuzz/corpus/catalogue", here);
}

/* Reads a corpus file; returns malloc'd bytes (NUL-terminated) and *len. */
static char *read_corpus(const char *file, size_t *len)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/%s", corpus_dir, file);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    char *buf = malloc(1 << 21);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 21) - 1, f);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int parse_file(jmd_catalogue *cat, const char *file, char *err, size_t errlen)
{
    size_t len;
    char *text = read_corpus(file, &len);
    int rc = jmd_catalogue_parse(cat, text, len, file, err, errlen);
    free(text);
    return rc;
}

/* ---- a good file, read back --------------------------------------------- */

static void test_good_round_trip(void **state)
{
    (void)state;
    jmd_catalogue cat = {0};
    char err[256];
    assert_int_equal(parse_file(&cat, "good-full.yaml", err, sizeof err), 0);
    assert_string_equal(err, "");
    assert_int_equal(cat.nvehicles, 2);
    assert_int_equal(cat.ninterceptors, 2);

    const jmd_vehicle *v = jmd_catalogue_vehicle(&cat, "srbm-liquid");
    assert_non_null(v);
    assert_ptr_equal(v, &cat.vehicles[0]);
    assert_string_equal(v->cls, "SRBM");
    assert_int_equal(v->nstages, 1);
    assert_float_equal(v->payload_mass, 985, 0);
    assert_float_equal(v->rv_beta, 5000, 0);
    assert_float_equal(v->vertical_time, 5, 0);
    assert_float_equal(v->stage[0].mass_gross, 5900, 0);
    assert_float_equal(v->stage[0].mass_prop, 3700, 0);
    assert_float_equal(v->stage[0].isp, 226, 0);
    assert_float_equal(v->stage[0].burn_time, 62, 0);
    assert_float_equal(v->stage[0].area, 0.62, 0);
    assert_float_equal(v->stage[0].cd, 0.3, 0);

    v = jmd_catalogue_vehicle(&cat, "icbm-3");
    assert_non_null(v);
    assert_string_equal(v->cls, "ICBM");
    assert_int_equal(v->nstages, 3);
    assert_float_equal(v->payload_mass, 1200, 0);
    assert_float_equal(v->rv_beta, 15000, 0);
    assert_float_equal(v->stage[2].mass_gross, 3000, 0);
    assert_float_equal(v->stage[2].isp, 300, 0);
    assert_float_equal(v->stage[1].area, 2.0, 0);

    const jmd_interceptor *ic = jmd_catalogue_interceptor(&cat, "sm3-block-ia");
    assert_non_null(ic);
    assert_float_equal(ic->burnout_speed, 3000, 1e-9); /* km/s -> m/s */
    assert_float_equal(ic->burn_time, 40, 0);
    assert_float_equal(ic->min_alt, 70e3, 1e-9); /* km -> m */
    assert_float_equal(ic->max_alt, 500e3, 1e-9);
    assert_float_equal(ic->max_range, 0, 0); /* absent: 0 */
    ic = jmd_catalogue_interceptor(&cat, "terminal");
    assert_non_null(ic);
    assert_float_equal(ic->burnout_speed, 2800, 1e-9);
    assert_float_equal(ic->burn_time, 15.5, 0);
    assert_float_equal(ic->min_alt, 0, 0);
    assert_float_equal(ic->max_alt, 150e3, 1e-9);
    assert_float_equal(ic->max_range, 200e3, 1e-9);

    assert_null(jmd_catalogue_vehicle(&cat, "sm3-block-ia")); /* kinds are separate */
    assert_null(jmd_catalogue_interceptor(&cat, "srbm"));
    assert_null(jmd_catalogue_interceptor(NULL, "terminal"));
    jmd_catalogue_free(&cat);

    /* CR LF line breaks, a folded double-quoted source across them. */
    assert_int_equal(parse_file(&cat, "good-crlf.yaml", err, sizeof err), 0);
    assert_non_null(jmd_catalogue_interceptor(&cat, "crlf"));
    assert_null(jmd_catalogue_interceptor(&cat, NULL));
    jmd_catalogue_free(&cat);
    assert_null(cat.vehicles);
    assert_int_equal(cat.nvehicles, 0);
    jmd_catalogue_free(&cat); /* twice: still fine */
    jmd_catalogue_free(NULL);
}

static void test_empty_inputs(void **state)
{
    (void)state;
    static const char *const texts[] = {"", "# only a comment\n", "---\n", "threats:\n",
                                        "{}", "threats: []\ninterceptors: ~\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        jmd_catalogue cat = {0};
        char err[128];
        assert_int_equal(jmd_catalogue_parse(&cat, texts[i], strlen(texts[i]), "e", err, sizeof err),
                         0);
        assert_int_equal(cat.nvehicles + cat.ninterceptors, 0);
        jmd_catalogue_free(&cat);
    }
    /* Not NUL-terminated: only len bytes are read. */
    const char text[] = "interceptors: []XXXX";
    jmd_catalogue cat = {0};
    assert_int_equal(jmd_catalogue_parse(&cat, text, 16, "n", NULL, 0), 0);
}

/* ---- bad cases: exact messages ------------------------------------------- */

typedef struct {
    const char *file;
    const char *msg; /* the whole message */
} bad_case;

static const bad_case bad_cases[] = {
    {"bad-type-number.yaml",
     "bad-type-number.yaml:4:25: interceptors[0].burnout_speed_km_s: expected a positive "
     "number, found \"fast\""},
    {"bad-unknown-key-suggest.yaml",
     "bad-unknown-key-suggest.yaml:11:9: threats[0].stages[0]: unknown key \"isp\"; did you mean "
     "\"isp_s\"?"},
    {"bad-missing-unit.yaml",
     "bad-missing-unit.yaml:4:5: interceptors[0]: unknown key \"burnout_speed\"; did you mean "
     "\"burnout_speed_km_s\"?"},
    {"bad-unknown-key-list.yaml",
     "bad-unknown-key-list.yaml:6:5: interceptors[0]: unknown key \"colour\"; expected one of: "
     "name, source, notes, burnout_speed_km_s, burn_s, min_alt_km, max_alt_km, max_range_km"},
    {"bad-top-unknown.yaml",
     "bad-top-unknown.yaml:1:1: unknown key \"threat\"; did you mean \"threats\"?"},
    {"bad-missing-key.yaml",
     "bad-missing-key.yaml:2:5: interceptors[0]: missing required key \"burn_s\""},
    {"bad-source-missing.yaml",
     "bad-source-missing.yaml:2:5: interceptors[0]: missing required key \"source\""},
    {"bad-not-sequence.yaml",
     "bad-not-sequence.yaml:2:3: interceptors: expected a sequence of interceptor classes, "
     "found a mapping"},
    {"bad-entry-scalar.yaml",
     "bad-entry-scalar.yaml:2:5: interceptors[0]: expected a mapping (an interceptor class), "
     "found \"ic-a\""},
    {"bad-stage-scalar.yaml",
     "bad-stage-scalar.yaml:8:14: threats[0].stages[0]: expected a mapping (a stage), found \"5\""},
    {"bad-notes-map.yaml",
     "bad-notes-map.yaml:6:12: interceptors[0].notes: expected a string, found a mapping"},
    {"bad-key-not-scalar.yaml",
     "bad-key-not-scalar.yaml:6:7: interceptors[0]: expected a key, found a sequence"},
    {"bad-root-sequence.yaml",
     "bad-root-sequence.yaml:1:1: expected a mapping with the keys \"threats\" and "
     "\"interceptors\", found a sequence"},
    {"bad-root-scalar.yaml",
     "bad-root-scalar.yaml:1:1: expected a mapping with the keys \"threats\" and "
     "\"interceptors\", found \"hello\""},
    {"bad-range-negative.yaml",
     "bad-range-negative.yaml:5:13: interceptors[0].burn_s: expected a number in (0, 1000], "
     "found -5"},
    {"bad-range-zero.yaml",
     "bad-range-zero.yaml:4:25: interceptors[0].burnout_speed_km_s: expected a number in "
     "(0, 15], found 0"},
    {"bad-range-high.yaml",
     "bad-range-high.yaml:11:16: threats[0].stages[0].isp_s: expected a number in (0, 1000], "
     "found 2260"},
    {"bad-vertical-negative.yaml",
     "bad-vertical-negative.yaml:7:17: threats[0].vertical_s: expected a number in [0, 600], "
     "found -1"},
    {"bad-interceptor-range.yaml",
     "bad-interceptor-range.yaml:8:19: interceptors[0].max_range_km: expected a number in "
     "[0, 21000], found 30000"},
    {"bad-nonfinite.yaml",
     "bad-nonfinite.yaml:4:25: interceptors[0].burnout_speed_km_s: expected a finite number "
     "in (0, 15], found .inf"},
    {"bad-nan.yaml",
     "bad-nan.yaml:14:13: threats[0].stages[0].cd: expected a finite number in [0, 10], "
     "found .nan"},
    {"bad-overflow.yaml",
     "bad-overflow.yaml:6:20: threats[0].rv_beta_kg_m2: expected a finite number in "
     "(0, 1000000], found 1e999"},
    {"bad-quoted-number.yaml",
     "bad-quoted-number.yaml:11:16: threats[0].stages[0].isp_s: expected a positive number, "
     "found the string \"226\" (write numbers without quotes)"},
    {"bad-number-hex.yaml",
     "bad-number-hex.yaml:5:17: threats[0].payload_kg: expected a positive number, found "
     "\"0x3d9\""},
    {"bad-null-number.yaml",
     "bad-null-number.yaml:5:13: interceptors[0].burn_s: expected a positive number, found "
     "nothing"},
    {"bad-dup-name.yaml",
     "bad-dup-name.yaml:8:11: interceptors[1].name: duplicate name \"ic-a\" (first at line 2)"},
    {"bad-dup-key.yaml",
     "bad-dup-key.yaml:6:5: interceptors[0]: duplicate key \"burn_s\" (first at line 5)"},
    {"bad-name-long.yaml",
     "bad-name-long.yaml:2:11: interceptors[0].name: expected a name of at most 47 characters, "
     "found 60 characters"},
    {"bad-name-chars.yaml",
     "bad-name-chars.yaml:2:11: interceptors[0].name: expected a name of lowercase letters, "
     "digits and '-', found \"SM3_IA\""},
    {"bad-name-null.yaml",
     "bad-name-null.yaml:2:5: interceptors[0].name: expected a name (lowercase letters, digits "
     "and '-'), found nothing"},
    {"bad-source-empty.yaml",
     "bad-source-empty.yaml:3:13: interceptors[0].source: expected a source (a citation), found "
     "an empty string"},
    /* Single-quoted scalars are unescaped and folded by the loader itself
     * (libfyaml 0.7.12 leaks on runs of ''; found by fuzzing). */
    {"bad-name-folded.yaml",
     "bad-name-folded.yaml:2:11: interceptors[0].name: expected a name of lowercase letters, "
     "digits and '-', found \"x\\x0ay z's\""},
    {"bad-name-quote-run.yaml",
     "bad-name-quote-run.yaml:2:11: interceptors[0].name: expected a name of lowercase letters, "
     "digits and '-', found \"sm3''''''''''''ia\""},
    {"bad-class.yaml",
     "bad-class.yaml:3:12: threats[0].class: expected one of SRBM, MRBM, IRBM, ICBM, SLBM, found "
     "\"XRBM\""},
    {"bad-stages-count.yaml",
     "bad-stages-count.yaml:9:7: threats[0].stages: expected 1 to 4 stages, found 5"},
    {"bad-stages-empty.yaml",
     "bad-stages-empty.yaml:8:13: threats[0].stages: expected 1 to 4 stages, found 0"},
    {"bad-mass.yaml",
     "bad-mass.yaml:10:23: threats[0].stages[0].mass_prop_kg: expected less than mass_gross_kg "
     "(5900), found 5900"},
    {"bad-alt-order.yaml",
     "bad-alt-order.yaml:7:17: interceptors[0].max_alt_km: expected more than min_alt_km (70), "
     "found 50"},
    {"bad-syntax-flow.yaml",
     "bad-syntax-flow.yaml:2:1: YAML syntax error: flow sequence without a closing bracket"},
    {"bad-syntax-tab.yaml",
     "bad-syntax-tab.yaml:2:1: YAML syntax error: tab character may not be used as indentation"},
    {"bad-syntax-nested.yaml",
     "bad-syntax-nested.yaml:1:16: YAML syntax error: invalid nested block mapping on the same "
     "line"},
    {"bad-alias.yaml",
     "bad-alias.yaml:6:13: expected a value, found the alias \"*src\" (aliases are not "
     "supported)"},
    {"bad-utf8.yaml", "bad-utf8.yaml:2:15: expected UTF-8 text, found the byte 0xe9"},
    /* Found by fuzzing: libfyaml 0.7.12 loops forever on invalid UTF-8 in
     * a directive line; the loader must refuse it before libfyaml. */
    {"bad-utf8-directive-hang.yaml",
     "bad-utf8-directive-hang.yaml:5:13: expected UTF-8 text, found the byte 0xac"},
    /* CR LF and lone CR line breaks count as one line each. */
    {"bad-crlf.yaml",
     "bad-crlf.yaml:4:25: interceptors[0].burnout_speed_km_s: expected a positive number, "
     "found \"fast\""},
    {"bad-utf8-cr.yaml", "bad-utf8-cr.yaml:2:15: expected UTF-8 text, found the byte 0xe9"},
    {"bad-two-documents.yaml",
     "bad-two-documents.yaml:2:1: expected a single YAML document, found a second one"},
};

/* A snapshot of a catalogue's contents, to prove an error changed nothing. */
typedef struct {
    size_t nv, ni;
    jmd_vehicle *v;
    jmd_interceptor *i;
    const jmd_vehicle *vp;
    const jmd_interceptor *ip;
} snapshot;

static void snap(const jmd_catalogue *cat, snapshot *s)
{
    s->nv = cat->nvehicles;
    s->ni = cat->ninterceptors;
    s->vp = cat->vehicles;
    s->ip = cat->interceptors;
    s->v = malloc(s->nv * sizeof *s->v + 1);
    s->i = malloc(s->ni * sizeof *s->i + 1);
    if (s->nv) memcpy(s->v, cat->vehicles, s->nv * sizeof *s->v);
    if (s->ni) memcpy(s->i, cat->interceptors, s->ni * sizeof *s->i);
}

static void assert_unchanged(const jmd_catalogue *cat, snapshot *s)
{
    assert_int_equal(cat->nvehicles, s->nv);
    assert_int_equal(cat->ninterceptors, s->ni);
    if (s->nv) assert_memory_equal(cat->vehicles, s->v, s->nv * sizeof *s->v);
    if (s->ni) assert_memory_equal(cat->interceptors, s->i, s->ni * sizeof *s->i);
    free(s->v);
    free(s->i);
}

static void test_bad_cases(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof bad_cases / sizeof bad_cases[0]; k++) {
        const bad_case *bc = &bad_cases[k];
        /* Into an empty catalogue and into one already holding entries. */
        for (int pre = 0; pre < 2; pre++) {
            jmd_catalogue cat = {0};
            char err[512];
            if (pre) assert_int_equal(parse_file(&cat, "good-full.yaml", err, sizeof err), 0);
            snapshot s;
            snap(&cat, &s);
            int rc = parse_file(&cat, bc->file, err, sizeof err);
            if (rc != JMD_EPARSE || strcmp(err, bc->msg) != 0)
                fail_msg("%s: rc %d, message\n  got:  %s\n  want: %s", bc->file, rc, err, bc->msg);
            assert_unchanged(&cat, &s);
            jmd_catalogue_free(&cat);
        }
    }
}

/* Every bad-*.yaml of the corpus has its expected message above. */
static void test_bad_cases_cover_corpus(void **state)
{
    (void)state;
    DIR *d = opendir(corpus_dir);
    assert_non_null(d);
    struct dirent *e;
    size_t nbad = 0;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "bad-", 4) != 0) continue;
        nbad++;
        size_t k = 0;
        while (k < sizeof bad_cases / sizeof bad_cases[0] &&
               strcmp(bad_cases[k].file, e->d_name) != 0)
            k++;
        if (k == sizeof bad_cases / sizeof bad_cases[0])
            fail_msg("corpus file %s has no expected message in test_catalogue.c", e->d_name);
    }
    closedir(d);
    assert_int_equal(nbad, sizeof bad_cases / sizeof bad_cases[0]);
}

static void test_duplicates_against_catalogue(void **state)
{
    (void)state;
    jmd_catalogue cat = {0};
    char err[256];
    assert_int_equal(parse_file(&cat, "good-full.yaml", err, sizeof err), 0);
    snapshot s;
    snap(&cat, &s);
    assert_int_equal(parse_file(&cat, "good-full.yaml", err, sizeof err), JMD_EPARSE);
    assert_string_equal(err, "good-full.yaml:4:11: threats[0].name: duplicate name "
                             "\"srbm-liquid\" (already in the catalogue)");
    assert_unchanged(&cat, &s);

    /* A new threat plus an interceptor whose name is taken: nothing added. */
    const char *text = "threats:\n"
                       "  - {name: new-one, class: MRBM, source: s, payload_kg: 1,\n"
                       "     rv_beta_kg_m2: 1, vertical_s: 0, stages: [{mass_gross_kg: 2,\n"
                       "     mass_prop_kg: 1, isp_s: 1, burn_s: 1, area_m2: 1, cd: 0}]}\n"
                       "interceptors:\n"
                       "  - {name: terminal, source: s, burnout_speed_km_s: 1, burn_s: 1,\n"
                       "     min_alt_km: 0, max_alt_km: 1}\n";
    snap(&cat, &s);
    assert_int_equal(jmd_catalogue_parse(&cat, text, strlen(text), "x.yaml", err, sizeof err),
                     JMD_EPARSE);
    assert_string_equal(err, "x.yaml:6:12: interceptors[0].name: duplicate name \"terminal\" "
                             "(already in the catalogue)");
    assert_unchanged(&cat, &s);
    assert_null(jmd_catalogue_vehicle(&cat, "new-one"));

    /* The same text with a fresh interceptor name goes in whole. */
    const char *ok = "interceptors:\n"
                     "  - {name: other, source: s, burnout_speed_km_s: 1, burn_s: 1,\n"
                     "     min_alt_km: 0, max_alt_km: 1}\n";
    assert_int_equal(jmd_catalogue_parse(&cat, ok, strlen(ok), "y.yaml", err, sizeof err), 0);
    assert_int_equal(cat.ninterceptors, 3);
    assert_non_null(jmd_catalogue_interceptor(&cat, "other"));
    assert_non_null(jmd_catalogue_interceptor(&cat, "terminal"));
    jmd_catalogue_free(&cat);
}

static void test_input_cap_and_arguments(void **state)
{
    (void)state;
    jmd_catalogue cat = {0};
    char err[256];
    size_t big = (1u << 20) + 1;
    char *text = malloc(big);
    assert_non_null(text);
    memset(text, '#', big);
    assert_int_equal(jmd_catalogue_parse(&cat, text, big, "big.yaml", err, sizeof err),
                     JMD_EPARSE);
    assert_string_equal(err, "big.yaml: input is 1048577 bytes; at most 1048576 are accepted");
    /* Exactly at the cap is accepted (a comment-only file). */
    assert_int_equal(jmd_catalogue_parse(&cat, text, big - 1, "big.yaml", err, sizeof err), 0);
    free(text);

    assert_int_equal(jmd_catalogue_parse(NULL, "", 0, "n", err, sizeof err), JMD_EINVAL);
    assert_int_equal(jmd_catalogue_parse(&cat, NULL, 3, "n", err, sizeof err), JMD_EINVAL);
    assert_int_equal(jmd_catalogue_parse(&cat, NULL, 0, "n", err, sizeof err), 0);
    /* No name: "<input>"; err may be NULL or tiny (always NUL-terminated). */
    assert_int_equal(jmd_catalogue_parse(&cat, "x: 1", 4, NULL, err, sizeof err), JMD_EPARSE);
    assert_string_equal(err, "<input>:1:1: unknown key \"x\"; expected one of: threats, "
                             "interceptors");
    assert_int_equal(jmd_catalogue_parse(&cat, "x: 1", 4, NULL, NULL, 0), JMD_EPARSE);
    char tiny[8];
    memset(tiny, 'Z', sizeof tiny);
    assert_int_equal(jmd_catalogue_parse(&cat, "x: 1", 4, "n", tiny, sizeof tiny), JMD_EPARSE);
    assert_int_equal(strlen(tiny), sizeof tiny - 1);
    assert_int_equal(cat.nvehicles + cat.ninterceptors, 0);

    assert_int_equal(jmd_catalogue_load(&cat, "/nonexistent/dir/cat.yaml", err, sizeof err),
                     JMD_EIO);
    assert_string_equal(err, "/nonexistent/dir/cat.yaml: cannot open: No such file or directory");
    assert_int_equal(jmd_catalogue_load(NULL, "x", err, sizeof err), JMD_EINVAL);
    assert_int_equal(jmd_catalogue_load(&cat, NULL, err, sizeof err), JMD_EINVAL);
    assert_int_equal(jmd_catalogue_load_builtin(NULL, err, sizeof err), JMD_EINVAL);
    jmd_catalogue_free(&cat);
}

static void test_load_file(void **state)
{
    (void)state;
    char path[1400];
    snprintf(path, sizeof path, "%s/good-full.yaml", corpus_dir);
    jmd_catalogue cat = {0};
    char err[1600];
    assert_int_equal(jmd_catalogue_load(&cat, path, err, sizeof err), 0);
    assert_int_equal(cat.nvehicles, 2);
    snprintf(path, sizeof path, "%s/bad-type-number.yaml", corpus_dir);
    assert_int_equal(jmd_catalogue_load(&cat, path, err, sizeof err), JMD_EPARSE);
    /* The label is the path as given. */
    char want[1600];
    snprintf(want, sizeof want,
             "%s:4:25: interceptors[0].burnout_speed_km_s: expected a positive number, found "
             "\"fast\"",
             path);
    assert_string_equal(err, want);
    assert_int_equal(cat.nvehicles, 2);
    jmd_catalogue_free(&cat);
}

static void test_builtin(void **state)
{
    (void)state;
    jmd_catalogue cat = {0};
    char err[512];
    int rc = jmd_catalogue_load_builtin(&cat, err, sizeof err);
    if (rc != 0) fail_msg("built-in catalogue: %s", err);
    for (size_t i = 0; i < cat.ninterceptors; i++) {
        const jmd_interceptor *ic = &cat.interceptors[i];
        assert_ptr_equal(jmd_catalogue_interceptor(&cat, ic->name), ic);
        assert_true(ic->burnout_speed > 0 && ic->burn_time > 0);
        assert_true(ic->max_alt > ic->min_alt);
    }
    for (size_t i = 0; i < cat.nvehicles; i++)
        assert_ptr_equal(jmd_catalogue_vehicle(&cat, cat.vehicles[i].name), &cat.vehicles[i]);
    /* data/interceptors.yaml: the sourced figures of reference §3, §3b. */
    const jmd_interceptor *ic = jmd_catalogue_interceptor(&cat, "sm3-block-ia");
    assert_non_null(ic);
    assert_float_equal(ic->burnout_speed, 3000, 1e-9);
    ic = jmd_catalogue_interceptor(&cat, "sm3-block-iia");
    assert_non_null(ic);
    assert_float_equal(ic->burnout_speed, 4500, 1e-9);
    assert_float_equal(ic->max_alt, 1400e3, 1e-6);
    ic = jmd_catalogue_interceptor(&cat, "sm3-block-iib");
    assert_non_null(ic);
    assert_float_equal(ic->burnout_speed, 5500, 1e-9);
    ic = jmd_catalogue_interceptor(&cat, "gbi-2stage-mda");
    assert_non_null(ic);
    assert_float_equal(ic->burnout_speed, 6300, 1e-9);
    ic = jmd_catalogue_interceptor(&cat, "gbi-2stage-postol");
    assert_non_null(ic);
    assert_float_equal(ic->burnout_speed, 7700, 1e-9);
    assert_non_null(jmd_catalogue_interceptor(&cat, "sm3-block-ib"));
    /* Loading it again collides on every name and changes nothing. */
    if (cat.nvehicles + cat.ninterceptors > 0) {
        snapshot s;
        snap(&cat, &s);
        assert_int_equal(jmd_catalogue_load_builtin(&cat, err, sizeof err), JMD_EPARSE);
        assert_non_null(strstr(err, "(already in the catalogue)"));
        assert_unchanged(&cat, &s);
    }
    jmd_catalogue_free(&cat);
}

/* ---- corpus replay (the fuzz target's invariants, under gcc) ------------- */

static void check_one(const char *name, const char *text, size_t len)
{
    jmd_catalogue cat = {0};
    char err[512];
    memset(err, 'Z', sizeof err);
    int rc = jmd_catalogue_parse(&cat, text, len, name, err, sizeof err);
    if (rc != 0) {
        if (rc != JMD_EPARSE) fail_msg("%s: rc %d (%s)", name, rc, err);
        assert_int_equal(cat.nvehicles + cat.ninterceptors, 0);
        assert_null(cat.vehicles);
        assert_true(strlen(err) > strlen(name));
        assert_memory_equal(err, name, strlen(name));
        return;
    }
    assert_string_equal(err, "");
    for (size_t i = 0; i < cat.ninterceptors; i++) {
        const jmd_interceptor *ic = &cat.interceptors[i];
        assert_true(ic->burnout_speed > 0 && ic->max_alt > ic->min_alt && ic->max_range >= 0);
    }
    for (size_t i = 0; i < cat.nvehicles; i++) {
        const jmd_vehicle *v = &cat.vehicles[i];
        assert_true(v->nstages >= 1 && v->nstages <= JMD_MAX_STAGES);
        for (int j = 0; j < v->nstages; j++)
            assert_true(v->stage[j].mass_prop < v->stage[j].mass_gross);
    }
    /* A second load of the same text collides (or adds nothing). */
    size_t n = cat.nvehicles + cat.ninterceptors;
    rc = jmd_catalogue_parse(&cat, text, len, name, err, sizeof err);
    assert_int_equal(rc, n ? JMD_EPARSE : 0);
    assert_int_equal(cat.nvehicles + cat.ninterceptors, n);
    jmd_catalogue_free(&cat);
}

static void test_corpus_replay(void **state)
{
    (void)state;
    DIR *d = opendir(corpus_dir);
    assert_non_null(d);
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        size_t len;
        char *text = read_corpus(e->d_name, &len);
        check_one(e->d_name, text, len);
        free(text);
        n++;
    }
    closedir(d);
    assert_true(n >= 40);
}

int main(void)
{
    find_corpus();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_round_trip),
        cmocka_unit_test(test_empty_inputs),
        cmocka_unit_test(test_bad_cases),
        cmocka_unit_test(test_bad_cases_cover_corpus),
        cmocka_unit_test(test_duplicates_against_catalogue),
        cmocka_unit_test(test_input_cap_and_arguments),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_corpus_replay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
