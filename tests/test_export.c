/*
 * test_export.c — the KML and CZML exports (jmd/export.h).
 *
 * Runs the example scenarios (examples/salvo.yaml, one party; and
 * examples/europe-shared-threat.yaml, two parties with territories and
 * sectors) with the truth kept and checks what a viewer relies on:
 *  - KML: well-formed XML (a self-contained checker: balanced tags,
 *    quoted attributes, only the five entities and character references,
 *    no raw '<' or '&' in text, no forbidden control characters), the gx
 *    namespace declared, kml > Document > Folders, a named Placemark per
 *    sensor, site, asset and threat, one gx:Track per threat with as many
 *    <when> as <gx:coord>, starting at the launch point, increasing times.
 *  - CZML: parses as JSON (cJSON), the document packet first with version
 *    1.0 and a clock, every interval "START/STOP" valid ISO 8601 with
 *    start < stop, per threat a sampled position whose times start at 0,
 *    increase and end at its availability's stop, at its launch point
 *    first; intercept and impact packets match the result's fates.
 *  - names with XML and JSON specials survive, NULL arguments are
 *    rejected, output is byte-identical when repeated, and the epoch
 *    conversion is exact (a leap day, half a second).
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
#include <cjson/cJSON.h>

#include "jmd/error.h"
#include "jmd/export.h"
#include "jmd/scenario.h"
#include "jmd/sim.h"

#define DEG (180.0 / 3.14159265358979323846)

/* ---- helpers ---------------------------------------------------------- */

static jmd_scenario *load_example(const char *name)
{
    const char *dir = getenv("JMD_SOURCE_DIR");
    char path[4096], err[1024];
    jmd_scenario *sc = NULL;
#ifdef JMD_TEST_SOURCE_DIR
    if (!dir) dir = JMD_TEST_SOURCE_DIR;
#endif
    snprintf(path, sizeof path, "%s/examples/%s", dir ? dir : "..", name);
    int rc = jmd_scenario_load(path, &sc, err, sizeof err);
    if (rc != 0) fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    return sc;
}

static jmd_sim_result *run_kept(const jmd_scenario *sc)
{
    jmd_sim_opts o;
    jmd_sim_result *r = NULL;
    char err[512];
    jmd_sim_opts_default(&o);
    o.keep_truth = 1;
    int rc = jmd_sim_run(sc, sc->seed, &o, &r, err, sizeof err);
    if (rc != 0) fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    assert_non_null(r->truth);
    return r;
}

/* What an export wrote, as a NUL-terminated string (caller frees). */
typedef int (*export_fn)(FILE *, const jmd_scenario *, const jmd_sim_result *);

static int czml_scenario_epoch(FILE *f, const jmd_scenario *sc, const jmd_sim_result *r)
{
    return jmd_export_czml(f, sc, r, NAN);
}

static char *capture(export_fn fn, const jmd_scenario *sc, const jmd_sim_result *r)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fn(f, sc, r), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* ---- a small XML well-formedness checker ------------------------------ */

#define XML_MAX_DEPTH 64
#define XML_MAX_NAME 64

typedef struct {
    int ok;
    char why[160];
    size_t nplacemark, ntrack, nwhen, ncoord, nfolder, ndocument, nkml;
    int root_has_gx; /* the root declares xmlns:gx */
} xml_report;

static int name_char(char c, int first)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' ||
        (unsigned char)c >= 0x80)
        return 1;
    return !first && ((c >= '0' && c <= '9') || c == '-' || c == '.');
}

/* Checks an entity or character reference starting at p ('&'); returns
 * its length or 0 when it is not one. */
static size_t entity(const char *p)
{
    static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = 0; i < 5; i++)
        if (strncmp(p, ents[i], strlen(ents[i])) == 0) return strlen(ents[i]);
    if (p[1] == '#') {
        size_t i = 2;
        int hex = p[2] == 'x';
        if (hex) i++;
        size_t start = i;
        while ((p[i] >= '0' && p[i] <= '9') ||
               (hex && ((p[i] >= 'a' && p[i] <= 'f') || (p[i] >= 'A' && p[i] <= 'F'))))
            i++;
        if (i > start && p[i] == ';') return i + 1;
    }
    return 0;
}

static int bad_char(unsigned char c)
{
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

static void xml_fail(xml_report *rep, const char *s, const char *p, const char *why)
{
    if (!rep->ok) return;
    rep->ok = 0;
    snprintf(rep->why, sizeof rep->why, "offset %ld: %s", (long)(p - s), why);
}

static void xml_check(const char *s, xml_report *rep)
{
    char stack[XML_MAX_DEPTH][XML_MAX_NAME];
    int depth = 0, seen_root = 0;
    const char *p = s;
    memset(rep, 0, sizeof *rep);
    rep->ok = 1;
    if (strncmp(p, "<?xml ", 6) == 0) {
        const char *e = strstr(p, "?>");
        if (!e) return xml_fail(rep, s, p, "unterminated XML declaration");
        p = e + 2;
    }
    while (*p && rep->ok) {
        if (*p != '<') {
            if (*p == '&') {
                size_t n = entity(p);
                if (!n) return xml_fail(rep, s, p, "raw '&' in text");
                p += n;
                continue;
            }
            if (*p == '>') return xml_fail(rep, s, p, "raw '>' in text");
            if (bad_char((unsigned char)*p)) return xml_fail(rep, s, p, "control character");
            if (depth == 0 && *p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
                return xml_fail(rep, s, p, "text outside the root element");
            p++;
            continue;
        }
        if (strncmp(p, "<!--", 4) == 0) {
            const char *e = strstr(p + 4, "-->");
            if (!e) return xml_fail(rep, s, p, "unterminated comment");
            p = e + 3;
            continue;
        }
        int closing = p[1] == '/';
        const char *q = p + 1 + closing;
        char name[XML_MAX_NAME];
        size_t n = 0;
        if (!name_char(*q, 1)) return xml_fail(rep, s, p, "bad tag name");
        while (name_char(q[n], 0)) {
            if (n + 1 >= sizeof name) return xml_fail(rep, s, p, "tag name too long");
            name[n] = q[n];
            n++;
        }
        name[n] = '\0';
        q += n;
        if (closing) {
            while (*q == ' ')
                q++;
            if (*q != '>') return xml_fail(rep, s, q, "bad end tag");
            if (depth == 0 || strcmp(stack[depth - 1], name) != 0)
                return xml_fail(rep, s, p, "end tag does not match the open element");
            depth--;
            p = q + 1;
            continue;
        }
        /* attributes */
        int self_closing = 0;
        for (;;) {
            int sp = 0;
            while (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r')
                q++, sp = 1;
            if (*q == '>') {
                q++;
                break;
            }
            if (q[0] == '/' && q[1] == '>') {
                self_closing = 1;
                q += 2;
                break;
            }
            if (!sp || !name_char(*q, 1)) return xml_fail(rep, s, q, "bad attribute");
            const char *an = q;
            while (name_char(*q, 0))
                q++;
            size_t alen = (size_t)(q - an);
            if (*q++ != '=') return xml_fail(rep, s, q, "attribute without '='");
            char quote = *q++;
            if (quote != '"' && quote != '\'') return xml_fail(rep, s, q, "unquoted attribute");
            if (depth == 0 && alen == 8 && strncmp(an, "xmlns:gx", 8) == 0)
                rep->root_has_gx = 1;
            while (*q && *q != quote) {
                if (*q == '<') return xml_fail(rep, s, q, "'<' in an attribute value");
                if (*q == '&') {
                    size_t en = entity(q);
                    if (!en) return xml_fail(rep, s, q, "raw '&' in an attribute value");
                    q += en;
                    continue;
                }
                q++;
            }
            if (!*q) return xml_fail(rep, s, q, "unterminated attribute value");
            q++;
        }
        if (depth == 0) {
            if (seen_root) return xml_fail(rep, s, p, "a second root element");
            seen_root = 1;
        }
        if (strcmp(name, "Placemark") == 0)
            rep->nplacemark++;
        else if (strcmp(name, "gx:Track") == 0)
            rep->ntrack++;
        else if (strcmp(name, "when") == 0)
            rep->nwhen++;
        else if (strcmp(name, "gx:coord") == 0)
            rep->ncoord++;
        else if (strcmp(name, "Folder") == 0)
            rep->nfolder++;
        else if (strcmp(name, "Document") == 0)
            rep->ndocument++;
        else if (strcmp(name, "kml") == 0)
            rep->nkml++;
        if (!self_closing) {
            if (depth == XML_MAX_DEPTH) return xml_fail(rep, s, p, "nested too deeply");
            memcpy(stack[depth++], name, n + 1);
        }
        p = q;
    }
    if (rep->ok && depth != 0) xml_fail(rep, s, p, "unclosed elements at the end");
    if (rep->ok && !seen_root) xml_fail(rep, s, p, "no root element");
}

static void test_xml_checker_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "<a><b></a></b>", "<a>x & y</a>",    "<a>x < y</a>",
        "<a b=c></a>",    "<a></a><b></b>",  "<a>",
        "</a>",           "<a b=\"<\"></a>", "<a>\x01</a>",
        "<a>&bogus;</a>", "text<a></a>",     "<a><1/></a>",
    };
    static const char *const good[] = {"<a/>", "<?xml version=\"1.0\"?>\n<a x='1'>&amp;&#65;"
                                               "&#x41;<b/><!-- c --></a>\n"};
    xml_report rep;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        xml_check(bad[i], &rep);
        if (rep.ok) fprintf(stderr, "accepted: %s\n", bad[i]);
        assert_false(rep.ok);
    }
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        xml_check(good[i], &rep);
        if (!rep.ok) fprintf(stderr, "rejected: %s (%s)\n", good[i], rep.why);
        assert_true(rep.ok);
    }
}

/* ---- ISO 8601 ----------------------------------------------------------- */

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DDThh:mm:ss[.sss]Z" to ms since 1970; -1 when malformed. */
static int parse_iso(const char *s, size_t len, int64_t *ms)
{
    int y, mo, d, h, mi, sec, frac = 0, n = 0;
    char buf[64];
    if (len >= sizeof buf) return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (sscanf(buf, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
        n != 19)
        return -1;
    if (buf[19] == '.') {
        if (len != 24 || sscanf(buf + 20, "%3d", &frac) != 1) return -1;
    } else if (len != 20) {
        return -1;
    }
    if (buf[len - 1] != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        sec > 59)
        return -1;
    *ms = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + sec * 1000 + frac;
    return 0;
}

/* A CZML interval "START/STOP": valid with start < stop. */
static void check_interval(const char *iv, int64_t *t0, int64_t *t1)
{
    const char *slash = strchr(iv, '/');
    assert_non_null(slash);
    assert_int_equal(parse_iso(iv, (size_t)(slash - iv), t0), 0);
    assert_int_equal(parse_iso(slash + 1, strlen(slash + 1), t1), 0);
    if (!(*t0 < *t1)) fprintf(stderr, "interval %s\n", iv);
    assert_true(*t0 < *t1);
}

/* ---- KML ---------------------------------------------------------------- */

static void put_escaped(char *dst, size_t len, const char *name)
{
    size_t k = 0;
    for (; *name && k + 8 < len; name++) {
        const char *e = *name == '&'    ? "&amp;"
                        : *name == '<'  ? "&lt;"
                        : *name == '>'  ? "&gt;"
                        : *name == '"'  ? "&quot;"
                        : *name == '\'' ? "&apos;"
                                        : NULL;
        if (e) {
            memcpy(dst + k, e, strlen(e));
            k += strlen(e);
        } else {
            dst[k++] = (unsigned char)*name < 0x20 && *name != '\t' ? '?' : *name;
        }
    }
    dst[k] = '\0';
}

static void has_placemark(const char *kml, const char *name)
{
    char want[512], esc[400];
    put_escaped(esc, sizeof esc, name);
    snprintf(want, sizeof want, "<Placemark><name>%s</name>", esc);
    if (!strstr(kml, want)) fprintf(stderr, "no %s\n", want);
    assert_non_null(strstr(kml, want));
}

static void check_kml(const jmd_scenario *sc, const jmd_sim_result *r)
{
    char *kml = capture(jmd_export_kml, sc, r);
    xml_report rep;
    xml_check(kml, &rep);
    if (!rep.ok) fprintf(stderr, "KML not well-formed: %s\n", rep.why);
    assert_true(rep.ok);
    assert_true(rep.root_has_gx);
    assert_non_null(strstr(kml, "<kml xmlns=\"http://www.opengis.net/kml/2.2\""));
    assert_int_equal(rep.nkml, 1);
    assert_int_equal(rep.ndocument, 1);
    assert_int_equal(rep.nfolder, 5);
    assert_int_equal(rep.ntrack, sc->nthreats);
    size_t nends = 0;
    for (size_t i = 0; i < sc->nthreats; i++)
        if (r->threats[i].fate == JMD_FATE_INTERCEPTED || r->threats[i].fate == JMD_FATE_LEAKED)
            nends++;
    /* when: one per track sample plus one per TimeStamp */
    assert_int_equal(rep.nwhen, rep.ncoord + nends);
    assert_true(rep.nplacemark >=
                sc->nradars + sc->nirsats + sc->nsites + sc->nassets + sc->nthreats + nends);
    for (size_t i = 0; i < sc->nradars; i++)
        has_placemark(kml, sc->radars[i].name);
    for (size_t i = 0; i < sc->nirsats; i++)
        has_placemark(kml, sc->irsats[i].name);
    for (size_t i = 0; i < sc->nsites; i++)
        has_placemark(kml, sc->sites[i].name);
    for (size_t i = 0; i < sc->nassets; i++)
        has_placemark(kml, sc->assets[i].name);
    for (size_t i = 0; i < sc->nthreats; i++)
        has_placemark(kml, sc->threats[i].name);
    for (size_t p = 0; p < sc->nparties; p++)
        if (sc->parties[p].nterritory > 0) assert_non_null(strstr(kml, "<Polygon>"));

    /* each track: increasing times, first coordinate at the launch point */
    const char *p = kml;
    for (size_t i = 0; i < sc->nthreats; i++) {
        p = strstr(p, "<gx:Track>");
        assert_non_null(p);
        const char *end = strstr(p, "</gx:Track>");
        assert_non_null(end);
        assert_non_null(strstr(p, "<altitudeMode>absolute</altitudeMode>"));
        int64_t prev = INT64_MIN, t;
        size_t nw = 0, nc = 0;
        for (const char *w = strstr(p, "<when>"); w && w < end; w = strstr(w + 1, "<when>")) {
            const char *we = strstr(w, "</when>");
            assert_int_equal(parse_iso(w + 6, (size_t)(we - w - 6), &t), 0);
            assert_true(t > prev);
            prev = t;
            nw++;
        }
        for (const char *c = strstr(p, "<gx:coord>"); c && c < end;
             c = strstr(c + 1, "<gx:coord>"))
            nc++;
        assert_int_equal(nw, nc);
        assert_true(nc >= 2);
        double lon, lat, h;
        assert_int_equal(sscanf(strstr(p, "<gx:coord>") + 10, "%lf %lf %lf", &lon, &lat, &h),
                         3);
        assert_true(fabs(lon - sc->threats[i].lon0 * DEG) < 1e-3);
        assert_true(fabs(lat - sc->threats[i].lat0 * DEG) < 1e-3);
        assert_true(h >= 0 && h < 100);
        p = end;
    }
    free(kml);
}

/* ---- CZML --------------------------------------------------------------- */

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void check_czml(const jmd_scenario *sc, const jmd_sim_result *r)
{
    char *text = capture(czml_scenario_epoch, sc, r);
    cJSON *doc = cJSON_Parse(text);
    if (!doc) fprintf(stderr, "CZML does not parse near: %.60s\n", cJSON_GetErrorPtr());
    assert_non_null(doc);
    assert_true(cJSON_IsArray(doc));
    const cJSON *first = cJSON_GetArrayItem(doc, 0);
    assert_string_equal(str_of(first, "id"), "document");
    assert_string_equal(str_of(first, "version"), "1.0");
    assert_non_null(str_of(first, "name"));
    const cJSON *clock = cJSON_GetObjectItemCaseSensitive(first, "clock");
    assert_non_null(clock);
    int64_t c0, c1, cur;
    check_interval(str_of(clock, "interval"), &c0, &c1);
    const char *ct = str_of(clock, "currentTime");
    assert_int_equal(parse_iso(ct, strlen(ct), &cur), 0);
    assert_true(cur >= c0 && cur <= c1);
    assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(clock, "multiplier")));
    /* the clock starts at the scenario epoch (no threat launches before it) */
    assert_int_equal(c0, sc->epoch_unix * 1000 + (int64_t)llround(sc->epoch_frac * 1000));

    size_t nthreat = 0, nend = 0, nstatic = 0, idx = 0;
    const cJSON *pk;
    cJSON_ArrayForEach(pk, doc)
    {
        const char *id = str_of(pk, "id");
        assert_non_null(id);
        if (idx++ > 0) assert_string_not_equal(id, "document");
        const char *av = str_of(pk, "availability");
        int64_t a0 = 0, a1 = 0;
        if (av) {
            check_interval(av, &a0, &a1);
            assert_true(a0 >= c0 && a1 <= c1);
        }
        if (!strncmp(id, "sensor/", 7) || !strncmp(id, "site/", 5) ||
            !strncmp(id, "asset/", 6)) {
            const cJSON *cd = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(pk, "position"), "cartographicDegrees");
            assert_int_equal(cJSON_GetArraySize(cd), 3);
            nstatic++;
        } else if (!strncmp(id, "threat/", 7)) {
            size_t i = nthreat++;
            assert_true(i < sc->nthreats);
            assert_string_equal(str_of(pk, "name"), sc->threats[i].name);
            assert_non_null(av);
            assert_non_null(cJSON_GetObjectItemCaseSensitive(pk, "path"));
            const cJSON *pos = cJSON_GetObjectItemCaseSensitive(pk, "position");
            const char *ep = str_of(pos, "epoch");
            int64_t e;
            assert_int_equal(parse_iso(ep, strlen(ep), &e), 0);
            assert_int_equal(e, a0); /* sampled from launch */
            const cJSON *cd = cJSON_GetObjectItemCaseSensitive(pos, "cartographicDegrees");
            int n = cJSON_GetArraySize(cd);
            assert_true(n >= 8 && n % 4 == 0);
            double prev = -1;
            for (int k = 0; k < n; k += 4) {
                double t = cJSON_GetArrayItem(cd, k)->valuedouble;
                double lon = cJSON_GetArrayItem(cd, k + 1)->valuedouble;
                double lat = cJSON_GetArrayItem(cd, k + 2)->valuedouble;
                double h = cJSON_GetArrayItem(cd, k + 3)->valuedouble;
                assert_true(k == 0 ? t == 0 : t > prev);
                assert_true(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90);
                assert_true(h >= 0 && h < 5e6);
                if (k == 0) {
                    assert_true(fabs(lon - sc->threats[i].lon0 * DEG) < 1e-3);
                    assert_true(fabs(lat - sc->threats[i].lat0 * DEG) < 1e-3);
                }
                prev = t;
            }
            /* the samples end where the availability does (ms rounding) */
            assert_true(llabs(e + (int64_t)llround(prev * 1000) - a1) <= 1);
            if (r->threats[i].fate == JMD_FATE_INTERCEPTED ||
                r->threats[i].fate == JMD_FATE_LEAKED)
                assert_true(llabs(a1 - (c0 + (int64_t)llround(r->threats[i].t_end * 1000))) <=
                            1);
        } else if (!strncmp(id, "intercept/", 10) || !strncmp(id, "impact/", 7)) {
            assert_non_null(av);
            nend++;
        } else {
            assert_true(!strncmp(id, "party/", 6) || !strcmp(id, "document"));
        }
    }
    assert_int_equal(nthreat, sc->nthreats);
    assert_int_equal(nstatic, sc->nradars + sc->nirsats + sc->nsites + sc->nassets);
    size_t want_end = 0;
    for (size_t i = 0; i < sc->nthreats; i++)
        want_end +=
            r->threats[i].fate == JMD_FATE_INTERCEPTED || r->threats[i].fate == JMD_FATE_LEAKED;
    assert_int_equal(nend, want_end);
    cJSON_Delete(doc);
    free(text);
}

/* ---- the tests ---------------------------------------------------------- */

static void exports_of(const char *example)
{
    jmd_scenario *sc = load_example(example);
    jmd_sim_result *r = run_kept(sc);
    check_kml(sc, r);
    check_czml(sc, r);
    /* same inputs, same bytes */
    char *a = capture(jmd_export_kml, sc, r), *b = capture(jmd_export_kml, sc, r);
    assert_string_equal(a, b);
    free(a);
    free(b);
    a = capture(czml_scenario_epoch, sc, r);
    b = capture(czml_scenario_epoch, sc, r);
    assert_string_equal(a, b);
    free(a);
    free(b);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
}

static void test_salvo(void **state)
{
    (void)state;
    exports_of("salvo.yaml");
}

static void test_two_parties(void **state)
{
    (void)state;
    jmd_scenario *sc = load_example("europe-shared-threat.yaml");
    assert_true(sc->nparties >= 2 && sc->parties[0].nterritory > 0 &&
                sc->parties[0].nsector > 0);
    jmd_scenario_free(sc);
    exports_of("europe-shared-threat.yaml");
}

static void test_names_escaped(void **state)
{
    (void)state;
    jmd_scenario *sc = load_example("salvo.yaml");
    jmd_sim_result *r = run_kept(sc);
    static const char *const nasty = "A&B <x> \"q\" 'a' \\ \t\x01 \xc3\xbc";
    snprintf(sc->threats[0].name, sizeof sc->threats[0].name, "%s", nasty);
    snprintf(sc->assets[0].name, sizeof sc->assets[0].name, "</name>%s", nasty);
    snprintf(sc->name, sizeof sc->name, "]]><!-- %s", nasty);
    check_kml(sc, r);
    check_czml(sc, r);
    char *text = capture(czml_scenario_epoch, sc, r);
    cJSON *doc = cJSON_Parse(text);
    assert_non_null(doc);
    int found = 0;
    const cJSON *pk;
    cJSON_ArrayForEach(pk, doc)
    {
        const char *name = str_of(pk, "name");
        if (name && strcmp(name, nasty) == 0) found++;
    }
    assert_true(found >= 2); /* the threat and its end point */
    cJSON_Delete(doc);
    free(text);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
}

static void test_scenario_only_and_errors(void **state)
{
    (void)state;
    jmd_scenario *sc = load_example("europe-shared-threat.yaml");
    char *kml = capture(jmd_export_kml, sc, NULL);
    xml_report rep;
    xml_check(kml, &rep);
    assert_true(rep.ok);
    assert_int_equal(rep.ntrack, 0);
    for (size_t i = 0; i < sc->nsites; i++)
        has_placemark(kml, sc->sites[i].name);
    free(kml);
    char *czml = capture(czml_scenario_epoch, sc, NULL);
    cJSON *doc = cJSON_Parse(czml);
    assert_non_null(doc);
    assert_string_equal(str_of(cJSON_GetArrayItem(doc, 0), "id"), "document");
    cJSON_Delete(doc);
    free(czml);

    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(jmd_export_kml(NULL, sc, NULL), JMD_EINVAL);
    assert_int_equal(jmd_export_kml(f, NULL, NULL), JMD_EINVAL);
    assert_int_equal(jmd_export_czml(NULL, sc, NULL, NAN), JMD_EINVAL);
    assert_int_equal(jmd_export_czml(f, NULL, NULL, NAN), JMD_EINVAL);
    assert_int_equal(jmd_export_czml(f, sc, NULL, 1e300), JMD_EINVAL);
    assert_int_equal(jmd_export_czml(f, sc, NULL, INFINITY), JMD_EINVAL);
    /* a result of another scenario (different threat count) */
    jmd_sim_result other = {0};
    other.nthreats = sc->nthreats + 1;
    assert_int_equal(jmd_export_kml(f, sc, &other), JMD_EINVAL);
    assert_int_equal(jmd_export_czml(f, sc, &other, NAN), JMD_EINVAL);
    fclose(f);
    jmd_scenario_free(sc);
}

static void test_epoch_exact(void **state)
{
    (void)state;
    jmd_scenario *sc = load_example("salvo.yaml");
    /* the scenario's epoch: 2012-06-01T00:00:00Z */
    assert_int_equal(sc->epoch_unix, 1338508800);
    char *czml = capture(czml_scenario_epoch, sc, NULL);
    assert_non_null(strstr(czml, "\"currentTime\":\"2012-06-01T00:00:00.000Z\""));
    free(czml);
    /* an explicit epoch: 2000-02-29T00:00:00.5Z (a leap day, half a second) */
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(jmd_export_czml(f, sc, NULL, 951782400.5), 0);
    long n = ftell(f);
    rewind(f);
    char *buf = calloc((size_t)n + 1, 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    assert_non_null(
        strstr(buf, "\"interval\":\"2000-02-29T00:00:00.500Z/2000-02-29T00:30:00.500Z\""));
    free(buf);
    jmd_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_checker_rejects),
        cmocka_unit_test(test_salvo),
        cmocka_unit_test(test_two_parties),
        cmocka_unit_test(test_names_escaped),
        cmocka_unit_test(test_scenario_only_and_errors),
        cmocka_unit_test(test_epoch_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
