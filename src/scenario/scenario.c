/*
 * scenario.c — the scenario schema: a YAML tree (src/core/yaml.c) to a validated
 * jmd_scenario in SI units and radians, with messages that say where
 * (name:line:col), which key (a path such as sensors[2].range_km), what was
 * expected and what was found. docs/scenario.md is the schema.
 *
 * Order of the walk: top-level scalars (epoch, duration, step, seed), the
 * catalogue (built-in, then `include:` files, then the inline `catalogue:`
 * block, which is handed to jmd_catalogue_parse as the scenario text with
 * everything outside the block blanked, so its messages keep their lines
 * and columns), parties and their assets (and their decision latency),
 * governance (every model's knobs, whatever `model` says), links (with
 * their outage windows),
 * release policies, sensors, sites, threats (salvos expanded), strategic
 * forces (`strategic:`, for jmd assure). References
 * are resolved as they are read, so a scenario refers only to names
 * declared anywhere above in that order; parties come before everything
 * that names an owner.
 *
 * Invariant: on success every field of the result satisfies the ranges of
 * docs/scenario.md; on failure the partial result is freed and *out is
 * NULL. Every list is capped (jmd/scenario.h), so the cost of any input is
 * bounded (polygon checks are quadratic in a capped vertex count).
 *
 * Workload: cold — one file at start-up.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core__yaml.h"
#include "jmd/scenario.h"
#include "scenario/scenario__util.h"

#define DEG (3.14159265358979323846 / 180.0)

typedef jmd__yaml_node ynode;

/* The walk's state. */
typedef struct {
    jmd__yaml_ctx c;
    jmd_scenario *s;
    const char *text;
    size_t len;
    const char *base_dir;
    size_t nvert;             /* polygon vertices read so far */
    const ynode **asset_at;   /* name node of each asset */
    const ynode **party_at;   /* name node of each party */
    unsigned char *latency_set; /* [nparties] 1: the party gave its own decision_latency_s */
} walk;

typedef jmd__yaml_keyspec keyspec;

typedef struct {
    double lo, hi;
    int lo_open, hi_open;
} nrange;

/* ---- generic readers ----------------------------------------------------- */

static void join(char *out, size_t n, const char *path, const char *key)
{
    if (snprintf(out, n, "%s%s%s", path, *path ? "." : "", key) < 0) out[0] = '\0';
}

/* path[i] into out (cut when too long). */
static void idx(char *out, size_t n, const char *path, size_t i)
{
    if (snprintf(out, n, "%s[%zu]", path, i) < 0) out[0] = '\0';
}

static int fail_type(walk *w, const ynode *v, const char *path, const char *what)
{
    char buf[64];
    return jmd__yaml_fail(&w->c, v, path, "expected %s, found %s", what,
                          jmd__yaml_found(v, buf, sizeof buf));
}

/* The closest candidate to word within a distance small against the
 * words' length, or NULL. cands: n records of `stride` bytes whose first
 * member is a NUL-terminated name. */
static const char *nearest(const char *word, const void *cands, size_t stride, size_t n)
{
    size_t best = (size_t)-1;
    const char *bn = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *nm = (const char *)cands + i * stride;
        size_t d = jmd__yaml_edit_distance(word, nm, 1);
        if (d < best) {
            best = d;
            bn = nm;
        }
    }
    if (!bn || best == (size_t)-1) return NULL;
    size_t l1 = strlen(word), l2 = strlen(bn), lmax = l1 > l2 ? l1 : l2;
    return 3 * best <= lmax + 1 ? bn : NULL;
}

static int unknown_key(walk *w, const ynode *k, const char *path, const keyspec *ks, size_t nk)
{
    return jmd__yaml_unknown_key(&w->c, k, path, ks, nk, 1);
}

/* A mapping whose keys are all in ks, none twice, every required one
 * present; vals[i] gets the value of ks[i] (NULL when absent). `what`
 * names the mapping for the type message. */
static int check_keys(walk *w, const ynode *map, const char *path, const char *what,
                      const keyspec *ks, size_t nk, const ynode **vals)
{
    char buf[64];
    const ynode *keys[32];
    if (map->type != JMD__YAML_MAP) return fail_type(w, map, path, what);
    for (size_t i = 0; i < nk; i++) vals[i] = keys[i] = NULL;
    for (const ynode *k = map->first; k; k = k->next ? k->next->next : NULL) {
        const ynode *v = k->next;
        if (!v) break;
        if (k->type != JMD__YAML_SCALAR)
            return jmd__yaml_fail(&w->c, k, path, "expected a key, found %s",
                                  jmd__yaml_found(k, buf, sizeof buf));
        size_t i = 0;
        while (i < nk && !jmd__yaml_is(k, ks[i].key)) i++;
        if (i == nk) return unknown_key(w, k, path, ks, nk);
        if (vals[i])
            return jmd__yaml_fail(&w->c, k, path, "duplicate key \"%s\" (first at line %d)",
                                  ks[i].key, keys[i]->line + 1);
        vals[i] = v;
        keys[i] = k;
    }
    for (size_t i = 0; i < nk; i++)
        if (ks[i].required && !vals[i])
            return jmd__yaml_fail(&w->c, map, path, "missing required key \"%s\"", ks[i].key);
    return 0;
}

static void range_text(nrange r, char *buf, size_t n)
{
    snprintf(buf, n, "%s%.10g, %.10g%s", r.lo_open ? "(" : "[", r.lo, r.hi, r.hi_open ? ")" : "]");
}

/* The number at v (key `key` under `path`) in range r. v NULL: *out keeps
 * its default. */
static int get_number(walk *w, const ynode *v, const char *path, const char *key, nrange r,
                      double *out)
{
    char p[320], buf[64], rt[80];
    if (!v) return 0;
    join(p, sizeof p, path, key);
    range_text(r, rt, sizeof rt);
    const char *kind = r.lo == 0 && r.lo_open ? "a positive number"
                       : r.lo == 0            ? "a non-negative number"
                                              : "a number";
    if (v->type != JMD__YAML_SCALAR || jmd__yaml_is_null(v))
        return jmd__yaml_fail(&w->c, v, p, "expected %s, found %s", kind,
                              jmd__yaml_found(v, buf, sizeof buf));
    if (!v->plain || strlen(v->text) != v->len) {
        jmd__yaml_quote(v->text, v->len, buf, sizeof buf);
        return jmd__yaml_fail(&w->c, v, p,
                              "expected %s, found the string %s (write numbers without quotes)",
                              kind, buf);
    }
    if (jmd__yaml_nonfinite_form(v->text))
        return jmd__yaml_fail(&w->c, v, p, "expected a finite number in %s, found %s", rt,
                              v->text);
    if (!jmd__yaml_decimal_form(v->text, v->len)) {
        jmd__yaml_quote(v->text, v->len, buf, sizeof buf);
        return jmd__yaml_fail(&w->c, v, p, "expected %s, found %s", kind, buf);
    }
    double x = strtod(v->text, NULL) + 0.0;
    if (!isfinite(x) || x < r.lo || (r.lo_open && x == r.lo) || x > r.hi ||
        (r.hi_open && x == r.hi)) {
        jmd__yaml_quote(v->text, v->len, buf, sizeof buf);
        return jmd__yaml_fail(&w->c, v, p, "expected a number in %s, found %s", rt, v->text);
    }
    *out = x;
    return 0;
}

/* A decimal integer in [lo, hi]; v NULL keeps the default. */
static int get_int(walk *w, const ynode *v, const char *path, const char *key, long lo, long hi,
                   long *out)
{
    char p[320], buf[64];
    if (!v) return 0;
    join(p, sizeof p, path, key);
    int ok = v->type == JMD__YAML_SCALAR && v->plain && v->len > 0 && v->len < 19 &&
             strlen(v->text) == v->len;
    for (size_t i = 0; ok && i < v->len; i++)
        if (!((v->text[i] >= '0' && v->text[i] <= '9') || (i == 0 && v->text[i] == '-' && v->len > 1)))
            ok = 0;
    if (!ok)
        return jmd__yaml_fail(&w->c, v, p, "expected an integer in [%ld, %ld], found %s", lo, hi,
                              jmd__yaml_found(v, buf, sizeof buf));
    long x = strtol(v->text, NULL, 10);
    if (x < lo || x > hi)
        return jmd__yaml_fail(&w->c, v, p, "expected an integer in [%ld, %ld], found %s", lo, hi,
                              v->text);
    *out = x;
    return 0;
}

static int get_bool(walk *w, const ynode *v, const char *path, const char *key, int *out)
{
    char p[320], buf[64];
    if (!v) return 0;
    join(p, sizeof p, path, key);
    if (v->type == JMD__YAML_SCALAR && v->plain) {
        if (jmd__yaml_is(v, "true") || jmd__yaml_is(v, "True") || jmd__yaml_is(v, "TRUE")) {
            *out = 1;
            return 0;
        }
        if (jmd__yaml_is(v, "false") || jmd__yaml_is(v, "False") || jmd__yaml_is(v, "FALSE")) {
            *out = 0;
            return 0;
        }
    }
    return jmd__yaml_fail(&w->c, v, p, "expected true or false, found %s",
                          jmd__yaml_found(v, buf, sizeof buf));
}

/* One of names[0..n-1]; *out gets its index. */
static int get_enum(walk *w, const ynode *v, const char *path, const char *key,
                    const char *const *names, size_t n, int *out)
{
    char p[320], buf[64], list[200];
    if (!v) return 0;
    join(p, sizeof p, path, key);
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && o < sizeof list; i++) {
        int k = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", names[i]);
        if (k < 0) break;
        o += (size_t)k;
    }
    for (size_t i = 0; i < n; i++)
        if (jmd__yaml_is(v, names[i])) {
            *out = (int)i;
            return 0;
        }
    return jmd__yaml_fail(&w->c, v, p, "expected one of %s, found %s", list,
                          jmd__yaml_found(v, buf, sizeof buf));
}

/* A string scalar of 1..cap-1 bytes of printable ASCII, copied into out. */
static int get_text(walk *w, const ynode *v, const char *path, const char *key, char *out,
                    size_t cap)
{
    char p[320], buf[64];
    if (!v) return 0;
    join(p, sizeof p, path, key);
    if (v->type != JMD__YAML_SCALAR || jmd__yaml_is_null(v) || v->len == 0)
        return jmd__yaml_fail(&w->c, v, p, "expected a string, found %s",
                              v->type == JMD__YAML_SCALAR && !v->plain && v->len == 0
                                  ? "an empty string"
                                  : jmd__yaml_found(v, buf, sizeof buf));
    if (v->len >= cap)
        return jmd__yaml_fail(&w->c, v, p,
                              "expected a string of at most %zu characters, found %zu", cap - 1,
                              v->len);
    memcpy(out, v->text, v->len);
    out[v->len] = '\0';
    return 0;
}

/* A name: 1..cap-1 characters of letters, digits, '-', '_', '.', and
 * spaces inside. */
static int get_name(walk *w, const ynode *v, const char *path, const char *key, char *out,
                    size_t cap)
{
    char p[320], buf[64];
    join(p, sizeof p, path, key);
    if (v->type != JMD__YAML_SCALAR || jmd__yaml_is_null(v) || v->len == 0)
        return fail_type(w, v, p, "a name");
    for (size_t i = 0; i < v->len; i++) {
        char ch = v->text[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '-' || ch == '_' || ch == '.' || (ch == ' ' && i > 0 && i + 1 < v->len);
        if (!ok) {
            jmd__yaml_quote(v->text, v->len, buf, sizeof buf);
            return jmd__yaml_fail(&w->c, v, p,
                                  "expected a name of letters, digits, '-', '_', '.' and inner "
                                  "spaces, found %s",
                                  buf);
        }
    }
    if (v->len >= cap)
        return jmd__yaml_fail(&w->c, v, p,
                              "expected a name of at most %zu characters, found %zu characters",
                              cap - 1, v->len);
    memcpy(out, v->text, v->len);
    out[v->len] = '\0';
    return 0;
}

/* A reference by name into n records (name first, `stride` bytes each);
 * *out gets the index. `what`: "party", "asset", ... */
static int get_ref(walk *w, const ynode *v, const char *path, const char *key, const char *what,
                   const void *recs, size_t stride, size_t n, int *out)
{
    char p[320], buf[64];
    join(p, sizeof p, path, key);
    if (v->type != JMD__YAML_SCALAR || jmd__yaml_is_null(v) || v->len == 0 ||
        strlen(v->text) != v->len) {
        char what2[64];
        snprintf(what2, sizeof what2, "the name of a %s", what);
        return fail_type(w, v, p, what2);
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp((const char *)recs + i * stride, v->text) == 0) {
            *out = (int)i;
            return 0;
        }
    jmd__yaml_quote(v->text, v->len, buf, sizeof buf);
    const char *near = nearest(v->text, recs, stride, n);
    if (near)
        return jmd__yaml_fail(&w->c, v, p, "unknown %s %s; did you mean \"%s\"?", what, buf, near);
    if (n == 0) return jmd__yaml_fail(&w->c, v, p, "unknown %s %s (none is defined)", what, buf);
    if (n <= 8) {
        char list[8 * (JMD_NAME_MAX + 2) + 1];
        size_t o = 0;
        list[0] = '\0';
        for (size_t i = 0; i < n; i++) {
            int k = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "",
                             (const char *)recs + i * stride);
            if (k < 0 || (size_t)k >= sizeof list - o) break;
            o += (size_t)k;
        }
        return jmd__yaml_fail(&w->c, v, p, "unknown %s %s; expected one of: %s", what, buf, list);
    }
    return jmd__yaml_fail(&w->c, v, p, "unknown %s %s (%zu are defined)", what, buf, n);
}

/* A sequence (or null/absent: 0 items) of at most max items. */
static int get_seq(walk *w, const ynode *v, const char *path, const char *what, size_t max,
                   size_t *n)
{
    *n = 0;
    if (!v || jmd__yaml_is_null(v)) return 0;
    if (v->type != JMD__YAML_SEQ) return fail_type(w, v, path, what);
    if (v->count > max)
        return jmd__yaml_fail(&w->c, v, path, "expected at most %zu entries, found %zu", max,
                              v->count);
    *n = v->count;
    return 0;
}

static void *xcalloc(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

/* ---- ranges ---------------------------------------------------------------- */

static const nrange R_LAT = {-90, 90, 0, 0};
static const nrange R_LON = {-180, 180, 0, 0};
static const nrange R_ALT_M = {-500, 20000, 0, 0};
static const nrange R_DURATION = {0, 86400, 1, 0};
/* A step under 10 ms would make a day-long run take millions of steps for
 * no gain (sensor revisits are seconds). */
static const nrange R_STEP = {0.01, 3600, 0, 0};
static const nrange R_VALUE = {0, 1e9, 1, 0};
static const nrange R_LETHAL_KM = {0, 1000, 1, 0};
static const nrange R_AZ_DEG = {0, 360, 0, 1};
static const nrange R_EL_DEG = {-90, 90, 0, 0};
static const nrange R_FOV_AZ = {0, 180, 1, 0};
static const nrange R_FOV_EL = {0, 90, 1, 0};
static const nrange R_RANGE_KM = {0, 50000, 1, 0};
static const nrange R_RCS = {0, 1e4, 1, 0};
static const nrange R_PROB_OPEN = {0, 1, 1, 1};
static const nrange R_PFA = {0, 0.1, 1, 0};
static const nrange R_REVISIT = {0, 3600, 1, 0};
static const nrange R_SIGMA_M = {0, 1e5, 0, 0};
static const nrange R_SIGMA_MRAD = {0, 1000, 0, 0};
static const nrange R_SAT_ALT_KM = {100, 100000, 0, 0};
static const nrange R_PLUME_KM = {0, 200, 0, 0};
static const nrange R_DELAY = {0, 3600, 0, 0};
static const nrange R_SIGMA_KM = {0, 1000, 0, 0};
static const nrange R_SIGMA_T = {0, 600, 0, 0};
static const nrange R_SIGMA_DEG = {0, 180, 0, 0};
static const nrange R_RELOAD = {0, 86400, 0, 0};
static const nrange R_PK = {0, 1, 0, 0};
static const nrange R_APOGEE_KM = {0, 10000, 1, 0};
static const nrange R_RCS_THREAT = {0, 1000, 1, 0};
static const nrange R_SPACING = {0, 3600, 0, 0};
static const nrange R_LATENCY = {0, 86400, 0, 0};
static const nrange R_LATENCY_POS = {0, 86400, 1, 0};
static const nrange R_LOSS = {0, 1, 0, 1};
static const nrange R_PRECISION_KM = {0, 20000, 0, 0};

/* ---- delay distributions ------------------------------------------------- */

enum { D_DIST, D_MEAN, D_SD, D_MIN, D_MAX, D_NKEYS };
static const keyspec dist_keys[D_NKEYS] = {
    {"dist", 1}, {"mean_s", 0}, {"sd_s", 0}, {"min_s", 0}, {"max_s", 0}};
static const char *const dist_names[] = {"fixed", "exponential", "lognormal", "uniform"};
/* Keys each dist takes (bit D_x), in the order of jmd_dist_kind. */
static const unsigned dist_takes[] = {
    1u << D_MEAN, 1u << D_MEAN, 1u << D_MEAN | 1u << D_SD, 1u << D_MIN | 1u << D_MAX};

/* The dists that take key k, as text ("fixed, exponential or lognormal"). */
static void dists_taking(int k, char *buf, size_t n)
{
    const char *names[4];
    size_t m = 0, o = 0;
    for (size_t d = 0; d < 4; d++)
        if (dist_takes[d] & (1u << k)) names[m++] = dist_names[d];
    buf[0] = '\0';
    for (size_t i = 0; i < m && o < n; i++) {
        int r = snprintf(buf + o, n - o, "%s%s", i == 0 ? "" : i + 1 == m ? " or " : ", ", names[i]);
        if (r < 0) break;
        o += (size_t)r;
    }
}

/* A delay distribution at v (key `key` under `path`): a number of seconds
 * (fixed), or a mapping {dist, mean_s, sd_s, min_s, max_s} with exactly the
 * keys its dist takes. v NULL: *out keeps its default. */
static int get_dist(walk *w, const ynode *v, const char *path, const char *key, jmd_dist *out)
{
    char p[320], kp[352], buf[64];
    if (!v) return 0;
    join(p, sizeof p, path, key);
    if (v->type == JMD__YAML_SCALAR && !jmd__yaml_is_null(v)) {
        double x = 0;
        int rc = get_number(w, v, path, key, R_LATENCY, &x);
        if (rc) return rc;
        memset(out, 0, sizeof *out);
        out->kind = JMD_DIST_FIXED;
        out->mean = x;
        return 0;
    }
    if (v->type != JMD__YAML_MAP)
        return fail_type(w, v, p, "a number of seconds or a mapping with the key \"dist\"");
    const ynode *d[D_NKEYS];
    int rc = check_keys(w, v, p, "a mapping (a distribution)", dist_keys, D_NKEYS, d);
    if (rc) return rc;
    int kind = 0;
    if ((rc = get_enum(w, d[D_DIST], p, "dist", dist_names, 4, &kind))) return rc;
    for (int k = D_MEAN; k < D_NKEYS; k++) {
        int takes = (dist_takes[kind] >> k) & 1u;
        join(kp, sizeof kp, p, dist_keys[k].key);
        if (d[k] && !takes) {
            dists_taking(k, buf, sizeof buf);
            return jmd__yaml_fail(&w->c, d[k], kp, "applies only to dist %s, found dist %s", buf,
                                  dist_names[kind]);
        }
        if (!d[k] && takes)
            return jmd__yaml_fail(&w->c, v, p, "missing required key \"%s\" for dist %s",
                                  dist_keys[k].key, dist_names[kind]);
    }
    jmd_dist r;
    memset(&r, 0, sizeof r);
    r.kind = (jmd_dist_kind)kind;
    nrange rmean = kind == JMD_DIST_FIXED ? R_LATENCY : R_LATENCY_POS;
    if ((rc = get_number(w, d[D_MEAN], p, "mean_s", rmean, &r.mean)) ||
        (rc = get_number(w, d[D_SD], p, "sd_s", R_LATENCY, &r.sd)) ||
        (rc = get_number(w, d[D_MIN], p, "min_s", R_LATENCY, &r.min)))
        return rc;
    if (kind == JMD_DIST_UNIFORM) {
        nrange rmax = {r.min, R_LATENCY.hi, 0, 0};
        if ((rc = get_number(w, d[D_MAX], p, "max_s", rmax, &r.max))) return rc;
        r.mean = 0.5 * (r.min + r.max);
    }
    *out = r;
    return 0;
}

/* ---- polygons ------------------------------------------------------------- */

static int get_polygon(walk *w, const ynode *v, const char *path, jmd_polygon *out)
{
    char p[320], buf[64];
    if (v->type != JMD__YAML_SEQ)
        return fail_type(w, v, path, "a polygon (a sequence of [lat_deg, lon_deg] points)");
    size_t n = v->count;
    if (n > JMD_SCENARIO_MAX_POLYGON)
        return jmd__yaml_fail(&w->c, v, path, "expected at most %d vertices, found %zu",
                              JMD_SCENARIO_MAX_POLYGON, n);
    if (w->nvert + n > JMD_SCENARIO_MAX_VERTICES)
        return jmd__yaml_fail(&w->c, v, path,
                              "expected at most %d polygon vertices in all, found more",
                              JMD_SCENARIO_MAX_VERTICES);
    w->nvert += n;
    out->v = xcalloc(n, sizeof *out->v);
    if (!out->v) return JMD_ENOMEM;
    const ynode **at = xcalloc(n, sizeof *at);
    if (!at) return JMD_ENOMEM;
    size_t i = 0;
    int rc = 0;
    for (const ynode *pt = v->first; pt && rc == 0; pt = pt->next, i++) {
        idx(p, sizeof p, path, i);
        at[i] = pt;
        if (pt->type != JMD__YAML_SEQ || pt->count != 2) {
            rc = jmd__yaml_fail(&w->c, pt, p, "expected a point [lat_deg, lon_deg], found %s",
                                pt->type == JMD__YAML_SEQ ? "a sequence of another length"
                                                        : jmd__yaml_found(pt, buf, sizeof buf));
            break;
        }
        double lat = 0, lon = 0;
        char pl[300];
        idx(pl, sizeof pl, p, 0);
        if ((rc = get_number(w, pt->first, "", pl, R_LAT, &lat))) break;
        idx(pl, sizeof pl, p, 1);
        if ((rc = get_number(w, pt->first->next, "", pl, R_LON, &lon))) break;
        out->v[i].lat = lat * DEG;
        out->v[i].lon = lon * DEG;
    }
    if (rc == 0) {
        out->n = n;
        /* A closing vertex equal to the first is dropped. */
        if (n >= 2 && out->v[n - 1].lat == out->v[0].lat && out->v[n - 1].lon == out->v[0].lon)
            out->n = n - 1;
        long ea, eb;
        if (out->n < 3)
            rc = jmd__yaml_fail(&w->c, v, path,
                                "expected a polygon of at least 3 distinct vertices, found %zu",
                                out->n);
        else if (jmd__scen_polygon_check(out->v, out->n, &ea, &eb)) {
            if (ea < 0)
                rc = jmd__yaml_fail(&w->c, v, path,
                                    "expected a simple polygon, found one of zero area");
            else if (ea == eb)
                rc = jmd__yaml_fail(&w->c, at[ea], path,
                                    "expected a simple polygon, found vertex [%ld] repeating the "
                                    "one before it",
                                    ea);
            else
                rc = jmd__yaml_fail(&w->c, at[eb], path,
                                    "expected a simple polygon, found edges [%ld]-[%ld] and "
                                    "[%ld]-[%ld] crossing or touching",
                                    ea, (ea + 1) % (long)out->n, eb, (eb + 1) % (long)out->n);
        }
    }
    free(at);
    return rc;
}

static int get_polygons(walk *w, const ynode *v, const char *path, jmd_polygon **out, size_t *n)
{
    size_t cnt;
    int rc = get_seq(w, v, path, "a sequence of polygons", JMD_SCENARIO_MAX_POLYGON, &cnt);
    if (rc || cnt == 0) return rc;
    *out = xcalloc(cnt, sizeof **out);
    if (!*out) return JMD_ENOMEM;
    size_t i = 0;
    for (const ynode *e = v->first; e; e = e->next, i++) {
        char p[320];
        idx(p, sizeof p, path, i);
        *n = i + 1; /* so that the vertices allocated so far are freed */
        if ((rc = get_polygon(w, e, p, &(*out)[i]))) return rc;
    }
    return 0;
}

/* ---- catalogue --------------------------------------------------------- */

/* Moves the catalogue's message into ours, adding `prefix` after the
 * "name:line:col: " part. */
static void prefix_catalogue_error(walk *w, const char *msg)
{
    const char *rest = msg;
    size_t nl = strlen(w->c.name);
    if (strncmp(msg, w->c.name, nl) == 0 && msg[nl] == ':') {
        const char *q = msg + nl + 1;
        int colons = 0;
        while (*q && colons < 2) {
            if (*q == ':') colons++;
            else if (*q < '0' || *q > '9') break;
            q++;
        }
        if (colons == 2 && *q == ' ') rest = q + 1;
    }
    int has_path = strncmp(rest, "threats", 7) == 0 || strncmp(rest, "interceptors", 12) == 0;
    jmd__yaml_set_err(w->c.err, w->c.errlen, "%.*s%s%s", (int)(rest - msg), msg,
                      has_path ? "catalogue." : "catalogue: ", rest);
}

static int read_catalogue(walk *w, const ynode *builtin, const ynode *inc, const ynode *inl)
{
    jmd_scenario *s = w->s;
    char err[512];
    int use_builtin = 1, rc;
    if ((rc = get_bool(w, builtin, "", "builtin_catalogue", &use_builtin))) return rc;
    if (use_builtin && (rc = jmd_catalogue_load_builtin(&s->cat, err, sizeof err))) {
        jmd__yaml_set_err(w->c.err, w->c.errlen, "%s: built-in catalogue: %s", w->c.name, err);
        return rc;
    }
    size_t ninc;
    if ((rc = get_seq(w, inc, "include", "a sequence of catalogue file names",
                      JMD_SCENARIO_MAX_INCLUDES, &ninc)))
        return rc;
    size_t i = 0;
    for (const ynode *e = ninc ? inc->first : NULL; e; e = e->next, i++) {
        char p[64], file[1024];
        idx(p, sizeof p, "include", i);
        if (e->type != JMD__YAML_SCALAR || jmd__yaml_is_null(e) || e->len == 0 ||
            strlen(e->text) != e->len)
            return fail_type(w, e, p, "a file name");
        int n;
        if (e->text[0] == '/' || !w->base_dir || !*w->base_dir)
            n = snprintf(file, sizeof file, "%s", e->text);
        else n = snprintf(file, sizeof file, "%s/%s", w->base_dir, e->text);
        if (n < 0 || (size_t)n >= sizeof file)
            return jmd__yaml_fail(&w->c, e, p, "expected a shorter file name");
        rc = jmd_catalogue_load(&s->cat, file, err, sizeof err);
        if (rc) {
            jmd__yaml_fail(&w->c, e, p, "%s", err);
            return rc == JMD_EIO ? JMD_EIO : rc == JMD_ENOMEM ? JMD_ENOMEM : JMD_EPARSE;
        }
    }
    if (!inl || jmd__yaml_is_null(inl)) return 0;
    if (inl->type != JMD__YAML_MAP)
        return fail_type(w, inl, "catalogue",
                         "a mapping with the keys \"threats\" and \"interceptors\"");
    /* The block alone, at its own lines and columns. */
    char *copy = malloc(w->len ? w->len : 1);
    if (!copy) return JMD_ENOMEM;
    for (size_t k = 0; k < w->len; k++) {
        char ch = w->text[k];
        copy[k] = (k >= inl->pos && k < inl->end) || ch == '\n' || ch == '\r' ? ch : ' ';
    }
    rc = jmd_catalogue_parse(&s->cat, copy, w->len, w->c.name, err, sizeof err);
    free(copy);
    if (rc) {
        prefix_catalogue_error(w, err);
        return rc == JMD_ENOMEM ? JMD_ENOMEM : JMD_EPARSE;
    }
    return 0;
}

/* ---- parties and assets ---------------------------------------------------- */

enum { A_NAME, A_LAT, A_LON, A_VALUE, A_RADIUS, A_NKEYS };
static const keyspec asset_keys[A_NKEYS] = {
    {"name", 1}, {"lat_deg", 1}, {"lon_deg", 1}, {"value", 0}, {"lethal_radius_km", 0},
};

enum { P_NAME, P_TERRITORY, P_SECTOR, P_ASSETS, P_LATENCY, P_NKEYS };
static const keyspec party_keys[P_NKEYS] = {
    {"name", 1}, {"territory", 0}, {"sector", 0}, {"assets", 0}, {"decision_latency_s", 0}};

static int read_asset(walk *w, const ynode *m, const char *path, int owner)
{
    jmd_scenario *s = w->s;
    const ynode *v[A_NKEYS];
    int rc = check_keys(w, m, path, "a mapping (an asset)", asset_keys, A_NKEYS, v);
    if (rc) return rc;
    jmd_asset *a = &s->assets[s->nassets];
    double lat = 0, lon = 0, value = 1, radius_km = 5;
    if ((rc = get_name(w, v[A_NAME], path, "name", a->name, sizeof a->name))) return rc;
    for (size_t i = 0; i < s->nassets; i++)
        if (strcmp(s->assets[i].name, a->name) == 0) {
            char p[320];
            join(p, sizeof p, path, "name");
            return jmd__yaml_fail(&w->c, v[A_NAME], p,
                                  "duplicate asset name \"%s\" (first at line %d)", a->name,
                                  w->asset_at[i]->line + 1);
        }
    if ((rc = get_number(w, v[A_LAT], path, "lat_deg", R_LAT, &lat)) ||
        (rc = get_number(w, v[A_LON], path, "lon_deg", R_LON, &lon)) ||
        (rc = get_number(w, v[A_VALUE], path, "value", R_VALUE, &value)) ||
        (rc = get_number(w, v[A_RADIUS], path, "lethal_radius_km", R_LETHAL_KM, &radius_km)))
        return rc;
    a->owner = owner;
    a->lat = lat * DEG;
    a->lon = lon * DEG;
    a->value = value;
    a->radius = radius_km * 1e3;
    w->asset_at[s->nassets++] = v[A_NAME];
    return 0;
}

static int read_parties(walk *w, const ynode *list)
{
    jmd_scenario *s = w->s;
    size_t n;
    int rc;
    if (list->type != JMD__YAML_SEQ)
        return fail_type(w, list, "parties", "a sequence of at least one party");
    if (list->count == 0)
        return jmd__yaml_fail(&w->c, list, "parties",
                              "expected at least one party, found an empty sequence");
    if ((rc = get_seq(w, list, "parties", "a sequence of parties", JMD_SCENARIO_MAX_PARTIES, &n)))
        return rc;
    size_t nassets = 0;
    for (const ynode *e = list->first; e; e = e->next)
        if (e->type == JMD__YAML_MAP)
            for (const ynode *k = e->first; k && k->next; k = k->next->next)
                if (jmd__yaml_is(k, "assets") && k->next->type == JMD__YAML_SEQ)
                    nassets += k->next->count;
    if (nassets > JMD_SCENARIO_MAX_ASSETS)
        return jmd__yaml_fail(&w->c, list, "parties",
                              "expected at most %d assets in all, found %zu",
                              JMD_SCENARIO_MAX_ASSETS, nassets);
    s->parties = xcalloc(n, sizeof *s->parties);
    w->party_at = xcalloc(n, sizeof *w->party_at);
    s->assets = xcalloc(nassets, sizeof *s->assets);
    w->asset_at = xcalloc(nassets, sizeof *w->asset_at);
    s->party_latency = xcalloc(n, sizeof *s->party_latency);
    w->latency_set = xcalloc(n, sizeof *w->latency_set);
    if (!s->parties || !w->party_at || !s->assets || !w->asset_at || !s->party_latency ||
        !w->latency_set)
        return JMD_ENOMEM;
    size_t i = 0;
    for (const ynode *e = list->first; e; e = e->next, i++) {
        char path[64], p[96];
        const ynode *v[P_NKEYS];
        idx(path, sizeof path, "parties", i);
        if ((rc = check_keys(w, e, path, "a mapping (a party)", party_keys, P_NKEYS, v)))
            return rc;
        jmd_party *pa = &s->parties[i];
        s->nparties = i + 1;
        if ((rc = get_name(w, v[P_NAME], path, "name", pa->name, sizeof pa->name))) return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->parties[j].name, pa->name) == 0) {
                join(p, sizeof p, path, "name");
                return jmd__yaml_fail(&w->c, v[P_NAME], p,
                                      "duplicate party name \"%s\" (first at line %d)", pa->name,
                                      w->party_at[j]->line + 1);
            }
        w->party_at[i] = v[P_NAME];
        join(p, sizeof p, path, "territory");
        if ((rc = get_polygons(w, v[P_TERRITORY], p, &pa->territory, &pa->nterritory))) return rc;
        join(p, sizeof p, path, "sector");
        if ((rc = get_polygons(w, v[P_SECTOR], p, &pa->sector, &pa->nsector))) return rc;
        if ((rc = get_dist(w, v[P_LATENCY], path, "decision_latency_s", &s->party_latency[i])))
            return rc;
        w->latency_set[i] = v[P_LATENCY] != NULL;
        size_t na;
        join(p, sizeof p, path, "assets");
        if ((rc = get_seq(w, v[P_ASSETS], p, "a sequence of assets", JMD_SCENARIO_MAX_ASSETS, &na)))
            return rc;
        size_t j = 0;
        for (const ynode *a = na ? v[P_ASSETS]->first : NULL; a; a = a->next, j++) {
            char ap[128];
            idx(ap, sizeof ap, p, j);
            if ((rc = read_asset(w, a, ap, (int)i))) return rc;
        }
    }
    return 0;
}

/* ---- governance ---------------------------------------------------------- */

enum { G_MODEL, G_QUORUM, G_VETO, G_TIMEOUT, G_ON_TIMEOUT, G_PREDELEGATE, G_LATENCY, G_NKEYS };
static const keyspec gov_keys[G_NKEYS] = {
    {"model", 0},     {"quorum", 0},   {"veto", 0}, {"decision_timeout_s", 0},
    {"on_timeout", 0}, {"predelegate_own_territory", 0}, {"decision_latency_s", 0},
};

static const char *const model_names[] = {"independent", "early-warning", "connected", "joint",
                                          "sectoral"};

/* The governance block. Every model's knobs are read whatever `model`
 * says, so one scenario runs under every model (`jmd run --models all`).
 * Runs after read_parties: the quorum's range and the parties' default
 * decision latency need them. */
static int read_governance(walk *w, const ynode *m)
{
    jmd_scenario *s = w->s;
    jmd_governance *g = &s->gov;
    jmd_dist lat;
    memset(g, 0, sizeof *g);
    memset(&lat, 0, sizeof lat);
    lat.kind = JMD_DIST_FIXED;
    g->model = JMD_GOV_INDEPENDENT;
    g->quorum = JMD_QUORUM_ALL;
    g->veto = 1;
    const ynode *v[G_NKEYS];
    for (int i = 0; i < G_NKEYS; i++) v[i] = NULL;
    int rc = 0;
    if (m && !jmd__yaml_is_null(m) &&
        (rc = check_keys(w, m, "governance", "a mapping (the governance block)", gov_keys,
                         G_NKEYS, v)))
        return rc;
    int model = 0;
    if ((rc = get_enum(w, v[G_MODEL], "governance", "model", model_names, 5, &model))) return rc;
    g->model = (jmd_gov_model)model;
    const ynode *q = v[G_QUORUM];
    if (q) {
        if (jmd__yaml_is(q, "all")) g->quorum = JMD_QUORUM_ALL;
        else if (jmd__yaml_is(q, "majority")) g->quorum = JMD_QUORUM_MAJORITY;
        else {
            long k = 0;
            char buf[64];
            int isint = q->type == JMD__YAML_SCALAR && q->plain && q->len > 0 && q->len < 10;
            for (size_t i = 0; isint && i < q->len; i++)
                if (q->text[i] < '0' || q->text[i] > '9') isint = 0;
            if (!isint)
                return jmd__yaml_fail(&w->c, q, "governance.quorum",
                                      "expected all, majority or a number of parties, found %s",
                                      jmd__yaml_found(q, buf, sizeof buf));
            if ((rc = get_int(w, q, "governance", "quorum", 1, (long)s->nparties, &k)))
                return rc;
            g->quorum = JMD_QUORUM_K;
            g->quorum_k = (int)k;
        }
    }
    static const char *const on_to[] = {"hold", "proceed"};
    if ((rc = get_bool(w, v[G_VETO], "governance", "veto", &g->veto)) ||
        (rc = get_number(w, v[G_TIMEOUT], "governance", "decision_timeout_s", R_LATENCY,
                         &g->decision_timeout)) ||
        (rc = get_enum(w, v[G_ON_TIMEOUT], "governance", "on_timeout", on_to, 2,
                       &g->timeout_proceed)) ||
        (rc = get_bool(w, v[G_PREDELEGATE], "governance", "predelegate_own_territory",
                       &g->predelegate_own)) ||
        (rc = get_dist(w, v[G_LATENCY], "governance", "decision_latency_s", &lat)))
        return rc;
    g->decision_latency = lat.mean;
    for (size_t i = 0; i < s->nparties; i++)
        if (!w->latency_set[i]) s->party_latency[i] = lat;
    return 0;
}

/* ---- links and release policies ----------------------------------------- */

/* Allocates the n * n pair arrays (n >= 1 after read_parties). */
static int alloc_pairs(walk *w)
{
    jmd_scenario *s = w->s;
    size_t nn = s->nparties * s->nparties;
    s->links = xcalloc(nn, sizeof *s->links);
    s->release = xcalloc(nn, sizeof *s->release);
    s->release_set = xcalloc(nn, sizeof *s->release_set);
    return s->links && s->release && s->release_set ? 0 : JMD_ENOMEM;
}

/* The from/to/both_ways part of a `links` or `release` entry: *from, *to
 * (party indices, distinct) and the pair(s) not listed before; at[] holds
 * the entry that first listed each pair (n * n). */
static int read_pair(walk *w, const ynode *e, const char *path, const ynode *vfrom,
                     const ynode *vto, const ynode *vboth, const ynode **at, const char *what,
                     int *from, int *to, int *both)
{
    jmd_scenario *s = w->s;
    char p[320];
    int rc;
    *both = 0;
    if ((rc = get_ref(w, vfrom, path, "from", "party", s->parties, sizeof(jmd_party), s->nparties,
                      from)) ||
        (rc = get_ref(w, vto, path, "to", "party", s->parties, sizeof(jmd_party), s->nparties, to)) ||
        (rc = get_bool(w, vboth, path, "both_ways", both)))
        return rc;
    if (*from == *to) {
        join(p, sizeof p, path, "to");
        return jmd__yaml_fail(&w->c, vto, p, "expected a party other than from (\"%s\"), found \"%s\"",
                              s->parties[*from].name, s->parties[*to].name);
    }
    size_t n = s->nparties;
    for (int dir = 0; dir <= *both; dir++) {
        int a = dir ? *to : *from, b = dir ? *from : *to;
        const ynode *first = at[(size_t)a * n + (size_t)b];
        if (first)
            return jmd__yaml_fail(&w->c, e, path, "duplicate %s \"%s\" -> \"%s\" (first at line %d)",
                                  what, s->parties[a].name, s->parties[b].name, first->line + 1);
        at[(size_t)a * n + (size_t)b] = e;
    }
    return 0;
}

enum { L_FROM, L_TO, L_LATENCY, L_LOSS, L_BOTH, L_OUTAGES, L_NKEYS };
static const keyspec link_keys[L_NKEYS] = {{"from", 1},      {"to", 1},
                                           {"latency_s", 0}, {"loss", 0},
                                           {"both_ways", 0}, {"outages", 0}};
static const keyspec link_default_keys[2] = {{"latency_s", 0}, {"loss", 0}};

enum { O_START, O_DURATION, O_NKEYS };
static const keyspec outage_keys[O_NKEYS] = {{"start_s", 1}, {"duration_s", 1}};

/* A link's `outages:` (path: "links[i]"): at most JMD_LINK_OUTAGES_MAX
 * windows, each starting at or after the end of the one before (the bus
 * and jmd_link_down rely on that order). v NULL or null: none. */
static int read_outages(walk *w, const ynode *v, const char *path, jmd_link *l)
{
    char p[96], q[128];
    size_t cnt, i = 0;
    int rc;
    join(p, sizeof p, path, "outages");
    l->noutages = 0;
    if ((rc = get_seq(w, v, p, "a sequence of outages ({start_s, duration_s} mappings)",
                      JMD_LINK_OUTAGES_MAX, &cnt)) ||
        cnt == 0)
        return rc;
    for (const ynode *e = v->first; e; e = e->next, i++) {
        const ynode *ov[O_NKEYS];
        jmd_outage o = {0, 0};
        idx(q, sizeof q, p, i);
        if ((rc = check_keys(w, e, q, "a mapping (an outage: start_s, duration_s)", outage_keys,
                             O_NKEYS, ov)) ||
            (rc = get_number(w, ov[O_START], q, "start_s", R_LATENCY, &o.start)) ||
            (rc = get_number(w, ov[O_DURATION], q, "duration_s", R_LATENCY_POS, &o.duration)))
            return rc;
        if (i > 0) {
            const jmd_outage *b = &l->outages[i - 1];
            double end = b->start + b->duration;
            char r[192];
            join(r, sizeof r, q, "start_s");
            if (o.start < b->start)
                return jmd__yaml_fail(&w->c, ov[O_START], r,
                                      "expected outages sorted by start_s, found %.10g after "
                                      "outages[%zu] at %.10g",
                                      o.start, i - 1, b->start);
            if (o.start < end)
                return jmd__yaml_fail(&w->c, ov[O_START], r,
                                      "expected a start at or after %.10g (outages[%zu] is "
                                      "[%.10g, %.10g) s; windows may not overlap), found %.10g",
                                      end, i - 1, b->start, end, o.start);
        }
        l->outages[i] = o;
        l->noutages = (int)i + 1;
    }
    return 0;
}

/* `link_default` then `links`: every pair gets the default, listed pairs
 * their own values (keys an entry leaves out come from the default). */
static int read_links(walk *w, const ynode *deflt, const ynode *list)
{
    jmd_scenario *s = w->s;
    size_t n = s->nparties, cnt;
    jmd_link d = {.latency = 0.5, .loss = 0};
    int rc;
    if (deflt && !jmd__yaml_is_null(deflt)) {
        const ynode *v[2];
        /* Outages are per pair: one shared by every link would be a
         * blackout, which a list of per-pair entries says explicitly. */
        if (deflt->type == JMD__YAML_MAP)
            for (const ynode *k = deflt->first; k; k = k->next ? k->next->next : NULL)
                if (k->type == JMD__YAML_SCALAR && jmd__yaml_is(k, "outages"))
                    return jmd__yaml_fail(&w->c, k, "link_default",
                                          "unknown key \"outages\" (outages are per pair of "
                                          "parties: give them in a `links` entry)");
        if ((rc = check_keys(w, deflt, "link_default", "a mapping (the default link)",
                             link_default_keys, 2, v)) ||
            (rc = get_number(w, v[0], "link_default", "latency_s", R_LATENCY, &d.latency)) ||
            (rc = get_number(w, v[1], "link_default", "loss", R_LOSS, &d.loss)))
            return rc;
    }
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++)
            if (a != b) s->links[a * n + b] = d;
    if ((rc = get_seq(w, list, "links", "a sequence of links", JMD_SCENARIO_MAX_PAIRS, &cnt)) ||
        cnt == 0)
        return rc;
    const ynode **at = xcalloc(n * n, sizeof *at);
    if (!at) return JMD_ENOMEM;
    size_t i = 0;
    for (const ynode *e = list->first; e && rc == 0; e = e->next, i++) {
        char path[64];
        const ynode *v[L_NKEYS];
        int from, to, both;
        jmd_link l = d;
        idx(path, sizeof path, "links", i);
        if ((rc = check_keys(w, e, path, "a mapping (a link)", link_keys, L_NKEYS, v)) ||
            (rc = read_pair(w, e, path, v[L_FROM], v[L_TO], v[L_BOTH], at, "link", &from, &to,
                            &both)) ||
            (rc = get_number(w, v[L_LATENCY], path, "latency_s", R_LATENCY, &l.latency)) ||
            (rc = get_number(w, v[L_LOSS], path, "loss", R_LOSS, &l.loss)) ||
            (rc = read_outages(w, v[L_OUTAGES], path, &l)))
            break;
        s->links[(size_t)from * n + (size_t)to] = l;
        if (both) s->links[(size_t)to * n + (size_t)from] = l;
    }
    free(at);
    return rc;
}

/* Release kinds by name, in the order of jmd_msg_kind from LAUNCH_WARNING;
 * records of 16 bytes so that get_ref can look them up. */
static const char kind_names[6][16] = {"launch-warning", "track",        "proposal",
                                       "vote",           "launch-order", "outcome"};
static const jmd_msg_kind kind_values[6] = {JMD_MSG_LAUNCH_WARNING, JMD_MSG_TRACK,
                                            JMD_MSG_PROPOSAL,       JMD_MSG_VOTE,
                                            JMD_MSG_LAUNCH_ORDER,   JMD_MSG_OUTCOME};

enum { RL_FROM, RL_TO, RL_KINDS, RL_PRECISION, RL_DELAY, RL_BOTH, RL_NKEYS };
static const keyspec release_keys[RL_NKEYS] = {
    {"from", 1},         {"to", 1},     {"kinds", 1},
    {"precision_km", 0}, {"delay_s", 0}, {"both_ways", 0}};
static const keyspec release_default_keys[3] = {
    {"kinds", 1}, {"precision_km", 0}, {"delay_s", 0}};

/* kinds, precision_km, delay_s of a release entry into *out. */
static int read_policy(walk *w, const char *path, const ynode *kinds, const ynode *prec,
                       const ynode *delay, jmd_release_policy *out)
{
    char p[320], kp[352];
    size_t cnt;
    int rc;
    double prec_km = 0;
    memset(out, 0, sizeof *out);
    join(p, sizeof p, path, "kinds");
    if (kinds && jmd__yaml_is_null(kinds))
        return fail_type(w, kinds, p, "a sequence of message kinds (launch-warning, track, "
                                      "proposal, vote, launch-order, outcome)");
    if ((rc = get_seq(w, kinds, p, "a sequence of message kinds (launch-warning, track, proposal, "
                      "vote, launch-order, outcome)", 6, &cnt)))
        return rc;
    size_t i = 0;
    for (const ynode *k = cnt ? kinds->first : NULL; k; k = k->next, i++) {
        int ki = 0;
        idx(kp, sizeof kp, p, i);
        if ((rc = get_ref(w, k, "", kp, "message kind", kind_names, sizeof kind_names[0], 6, &ki)))
            return rc;
        unsigned bit = JMD_MSG_BIT(kind_values[ki]);
        if (out->kinds & bit)
            return jmd__yaml_fail(&w->c, k, kp, "duplicate message kind \"%s\"", kind_names[ki]);
        out->kinds |= bit;
    }
    if ((rc = get_number(w, prec, path, "precision_km", R_PRECISION_KM, &prec_km)) ||
        (rc = get_number(w, delay, path, "delay_s", R_LATENCY, &out->delay)))
        return rc;
    out->precision = prec_km * 1e3;
    return 0;
}

/* `release_default` then `release`: pairs set by either get release_set. */
static int read_release(walk *w, const ynode *deflt, const ynode *list)
{
    jmd_scenario *s = w->s;
    size_t n = s->nparties, cnt;
    int rc;
    if (deflt && !jmd__yaml_is_null(deflt)) {
        const ynode *v[3];
        jmd_release_policy d;
        if ((rc = check_keys(w, deflt, "release_default", "a mapping (the default release policy)",
                             release_default_keys, 3, v)) ||
            (rc = read_policy(w, "release_default", v[0], v[1], v[2], &d)))
            return rc;
        for (size_t a = 0; a < n; a++)
            for (size_t b = 0; b < n; b++)
                if (a != b) {
                    s->release[a * n + b] = d;
                    s->release_set[a * n + b] = 1;
                }
    }
    if ((rc = get_seq(w, list, "release", "a sequence of release policies", JMD_SCENARIO_MAX_PAIRS,
                      &cnt)) ||
        cnt == 0)
        return rc;
    const ynode **at = xcalloc(n * n, sizeof *at);
    if (!at) return JMD_ENOMEM;
    size_t i = 0;
    for (const ynode *e = list->first; e && rc == 0; e = e->next, i++) {
        char path[64];
        const ynode *v[RL_NKEYS];
        int from, to, both;
        jmd_release_policy r;
        idx(path, sizeof path, "release", i);
        if ((rc = check_keys(w, e, path, "a mapping (a release policy)", release_keys, RL_NKEYS,
                             v)) ||
            (rc = read_pair(w, e, path, v[RL_FROM], v[RL_TO], v[RL_BOTH], at, "release policy",
                            &from, &to, &both)) ||
            (rc = read_policy(w, path, v[RL_KINDS], v[RL_PRECISION], v[RL_DELAY], &r)))
            break;
        for (int dir = 0; dir <= both; dir++) {
            size_t k = dir ? (size_t)to * n + (size_t)from : (size_t)from * n + (size_t)to;
            s->release[k] = r;
            s->release_set[k] = 1;
        }
    }
    free(at);
    return rc;
}

/* ---- sensors ---------------------------------------------------------------- */

enum {
    R_TYPE, R_NAME, R_OWNER, R_LATK, R_LONK, R_ALT, R_BAZ, R_BEL, R_FOVAZ, R_FOVEL, R_MINEL,
    R_MAXEL, R_RANGE, R_RCSK, R_PD, R_PFAK, R_MAXR, R_REV, R_SR, R_SAZ, R_SEL, R_NKEYS
};
static const keyspec radar_keys[R_NKEYS] = {
    {"type", 1},          {"name", 1},           {"owner", 1},         {"lat_deg", 1},
    {"lon_deg", 1},       {"alt_m", 0},          {"boresight_az_deg", 0}, {"boresight_el_deg", 0},
    {"fov_az_deg", 0},    {"fov_el_deg", 0},     {"min_el_deg", 0},    {"max_el_deg", 0},
    {"range_km", 1},      {"ref_rcs_m2", 0},     {"pd_ref", 0},        {"pfa", 0},
    {"max_range_km", 0},  {"revisit_s", 0},      {"sigma_range_m", 0}, {"sigma_az_mrad", 0},
    {"sigma_el_mrad", 0},
};

enum {
    S_TYPE, S_NAME, S_OWNER, S_LATK, S_LONK, S_ALTK, S_MINALT, S_DELAY, S_SPOS, S_ST, S_SAZ,
    S_NKEYS
};
static const keyspec irsat_keys[S_NKEYS] = {
    {"type", 1},       {"name", 1},       {"owner", 1},        {"lat_deg", 0},
    {"lon_deg", 1},    {"altitude_km", 0}, {"min_alt_km", 0},  {"delay_s", 0},
    {"sigma_pos_km", 0}, {"sigma_t_s", 0}, {"sigma_az_deg", 0},
};

static const char *const sensor_types[] = {"radar", "ir-satellite"};

static int owner_ref(walk *w, const ynode *v, const char *path, int *owner)
{
    return get_ref(w, v, path, "owner", "party", w->s->parties, sizeof(jmd_party),
                   w->s->nparties, owner);
}

static int read_radar(walk *w, const ynode *m, const char *path, jmd_radar *r)
{
    const ynode *v[R_NKEYS];
    int rc = check_keys(w, m, path, "a mapping (a sensor)", radar_keys, R_NKEYS, v);
    if (rc) return rc;
    double lat = 0, lon = 0, alt = 0, baz = 0, bel = 0, faz = 180, fel = 90, minel = 0,
           maxel = 90, range = 0, rcs = 1, pd = 0.5, pfa = 1e-6, maxr = 0, rev = 1, sr = 10,
           saz = 1, sel = 1;
    if ((rc = get_name(w, v[R_NAME], path, "name", r->name, sizeof r->name)) ||
        (rc = owner_ref(w, v[R_OWNER], path, &r->owner)) ||
        (rc = get_number(w, v[R_LATK], path, "lat_deg", R_LAT, &lat)) ||
        (rc = get_number(w, v[R_LONK], path, "lon_deg", R_LON, &lon)) ||
        (rc = get_number(w, v[R_ALT], path, "alt_m", R_ALT_M, &alt)) ||
        (rc = get_number(w, v[R_BAZ], path, "boresight_az_deg", R_AZ_DEG, &baz)) ||
        (rc = get_number(w, v[R_BEL], path, "boresight_el_deg", R_EL_DEG, &bel)) ||
        (rc = get_number(w, v[R_FOVAZ], path, "fov_az_deg", R_FOV_AZ, &faz)) ||
        (rc = get_number(w, v[R_FOVEL], path, "fov_el_deg", R_FOV_EL, &fel)) ||
        (rc = get_number(w, v[R_MINEL], path, "min_el_deg", R_EL_DEG, &minel)) ||
        (rc = get_number(w, v[R_MAXEL], path, "max_el_deg", R_EL_DEG, &maxel)) ||
        (rc = get_number(w, v[R_RANGE], path, "range_km", R_RANGE_KM, &range)) ||
        (rc = get_number(w, v[R_RCSK], path, "ref_rcs_m2", R_RCS, &rcs)) ||
        (rc = get_number(w, v[R_PD], path, "pd_ref", R_PROB_OPEN, &pd)) ||
        (rc = get_number(w, v[R_PFAK], path, "pfa", R_PFA, &pfa)) ||
        (rc = get_number(w, v[R_MAXR], path, "max_range_km", R_RANGE_KM, &maxr)) ||
        (rc = get_number(w, v[R_REV], path, "revisit_s", R_REVISIT, &rev)) ||
        (rc = get_number(w, v[R_SR], path, "sigma_range_m", R_SIGMA_M, &sr)) ||
        (rc = get_number(w, v[R_SAZ], path, "sigma_az_mrad", R_SIGMA_MRAD, &saz)) ||
        (rc = get_number(w, v[R_SEL], path, "sigma_el_mrad", R_SIGMA_MRAD, &sel)))
        return rc;
    char p[320];
    if (!(maxel > minel)) {
        join(p, sizeof p, path, v[R_MAXEL] ? "max_el_deg" : "min_el_deg");
        return jmd__yaml_fail(&w->c, v[R_MAXEL] ? v[R_MAXEL] : v[R_MINEL], p,
                              "expected max_el_deg (%.10g) above min_el_deg (%.10g)", maxel, minel);
    }
    if (!(pd > pfa)) {
        join(p, sizeof p, path, "pd_ref");
        return jmd__yaml_fail(&w->c, v[R_PD] ? v[R_PD] : m, p,
                              "expected more than pfa (%.10g), found %.10g", pfa, pd);
    }
    r->lat = lat * DEG;
    r->lon = lon * DEG;
    r->h = alt;
    r->boresight_az = baz * DEG;
    r->boresight_el = bel * DEG;
    r->fov_az = faz * DEG;
    r->fov_el = fel * DEG;
    r->min_el = minel * DEG;
    r->max_el = maxel * DEG;
    r->range_ref = range * 1e3;
    r->rcs_ref = rcs;
    r->pd_ref = pd;
    r->pfa = pfa;
    r->max_range = maxr * 1e3;
    r->revisit = rev;
    r->sigma_range = sr;
    r->sigma_az = saz * 1e-3;
    r->sigma_el = sel * 1e-3;
    return 0;
}

static int read_irsat(walk *w, const ynode *m, const char *path, jmd_irsat *r)
{
    const ynode *v[S_NKEYS];
    int rc = check_keys(w, m, path, "a mapping (a sensor)", irsat_keys, S_NKEYS, v);
    if (rc) return rc;
    double lat = 0, lon = 0, alt = 35786, minalt = 10, delay = 60, spos = 5, st = 5, saz = 5;
    if ((rc = get_name(w, v[S_NAME], path, "name", r->name, sizeof r->name)) ||
        (rc = owner_ref(w, v[S_OWNER], path, &r->owner)) ||
        (rc = get_number(w, v[S_LATK], path, "lat_deg", R_LAT, &lat)) ||
        (rc = get_number(w, v[S_LONK], path, "lon_deg", R_LON, &lon)) ||
        (rc = get_number(w, v[S_ALTK], path, "altitude_km", R_SAT_ALT_KM, &alt)) ||
        (rc = get_number(w, v[S_MINALT], path, "min_alt_km", R_PLUME_KM, &minalt)) ||
        (rc = get_number(w, v[S_DELAY], path, "delay_s", R_DELAY, &delay)) ||
        (rc = get_number(w, v[S_SPOS], path, "sigma_pos_km", R_SIGMA_KM, &spos)) ||
        (rc = get_number(w, v[S_ST], path, "sigma_t_s", R_SIGMA_T, &st)) ||
        (rc = get_number(w, v[S_SAZ], path, "sigma_az_deg", R_SIGMA_DEG, &saz)))
        return rc;
    r->lat = lat * DEG;
    r->lon = lon * DEG;
    r->h = alt * 1e3;
    r->min_alt = minalt * 1e3;
    r->delay = delay;
    r->sigma_pos = spos * 1e3;
    r->sigma_t = st;
    r->sigma_az = saz * DEG;
    return 0;
}

static int read_sensors(walk *w, const ynode *list)
{
    jmd_scenario *s = w->s;
    size_t n;
    int rc = get_seq(w, list, "sensors", "a sequence of sensors", JMD_SCENARIO_MAX_SENSORS, &n);
    if (rc || n == 0) return rc;
    s->radars = xcalloc(n, sizeof *s->radars);
    s->irsats = xcalloc(n, sizeof *s->irsats);
    const ynode **at = xcalloc(n, sizeof *at);
    if (!s->radars || !s->irsats || !at) {
        free(at);
        return JMD_ENOMEM;
    }
    size_t i = 0;
    for (const ynode *e = list->first; e && rc == 0; e = e->next, i++) {
        char path[64], p[96];
        idx(path, sizeof path, "sensors", i);
        const ynode *type = NULL, *name = NULL;
        if (e->type != JMD__YAML_MAP) {
            rc = fail_type(w, e, path, "a mapping (a sensor)");
            break;
        }
        for (const ynode *k = e->first; k && k->next; k = k->next->next) {
            if (jmd__yaml_is(k, "type") && !type) type = k->next;
            if (jmd__yaml_is(k, "name") && !name) name = k->next;
        }
        if (!type) {
            rc = jmd__yaml_fail(&w->c, e, path, "missing required key \"type\" (radar or ir-satellite)");
            break;
        }
        int t = 0;
        if ((rc = get_enum(w, type, path, "type", sensor_types, 2, &t))) break;
        const char *nm;
        if (t == 0) {
            rc = read_radar(w, e, path, &s->radars[s->nradars]);
            nm = s->radars[s->nradars].name;
        } else {
            rc = read_irsat(w, e, path, &s->irsats[s->nirsats]);
            nm = s->irsats[s->nirsats].name;
        }
        if (rc) break;
        for (size_t j = 0; j < i; j++) {
            /* Names of earlier sensors: compare through their nodes. */
            if (at[j] && strlen(nm) == at[j]->len && strcmp(at[j]->text, nm) == 0) {
                join(p, sizeof p, path, "name");
                rc = jmd__yaml_fail(&w->c, name, p,
                                    "duplicate sensor name \"%s\" (first at line %d)", nm,
                                    at[j]->line + 1);
                break;
            }
        }
        at[i] = name;
        if (t == 0) s->nradars++;
        else s->nirsats++;
    }
    free(at);
    return rc;
}

/* ---- sites ---------------------------------------------------------------------- */

enum { F_NAME, F_OWNER, F_LAT, F_LON, F_ALT, F_IC, F_INV, F_LAUNCHERS, F_RELOAD, F_PK, F_ASSESS, F_NKEYS };
static const keyspec site_keys[F_NKEYS] = {
    {"name", 1},      {"owner", 1},     {"lat_deg", 1},  {"lon_deg", 1},
    {"alt_m", 0},     {"interceptor", 1}, {"inventory", 1}, {"launchers", 0},
    {"reload_s", 0},  {"pk", 1},        {"assess_delay_s", 0},
};

static int read_sites(walk *w, const ynode *list)
{
    jmd_scenario *s = w->s;
    size_t n;
    int rc = get_seq(w, list, "sites", "a sequence of firing sites", JMD_SCENARIO_MAX_SITES, &n);
    if (rc || n == 0) return rc;
    s->sites = xcalloc(n, sizeof *s->sites);
    const ynode **at = xcalloc(n, sizeof *at);
    if (!s->sites || !at) {
        free(at);
        return JMD_ENOMEM;
    }
    size_t i = 0;
    for (const ynode *e = list->first; e && rc == 0; e = e->next, i++) {
        char path[64], p[96];
        const ynode *v[F_NKEYS];
        idx(path, sizeof path, "sites", i);
        if ((rc = check_keys(w, e, path, "a mapping (a firing site)", site_keys, F_NKEYS, v)))
            break;
        jmd_site *f = &s->sites[i];
        double lat = 0, lon = 0, alt = 0, reload = 0, pk = 0, assess = 10;
        long inv = 0, launchers = -1;
        int ic = -1;
        if ((rc = get_name(w, v[F_NAME], path, "name", f->name, sizeof f->name))) break;
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->sites[j].name, f->name) == 0) {
                join(p, sizeof p, path, "name");
                rc = jmd__yaml_fail(&w->c, v[F_NAME], p,
                                    "duplicate site name \"%s\" (first at line %d)", f->name,
                                    at[j]->line + 1);
                break;
            }
        if (rc) break;
        at[i] = v[F_NAME];
        if ((rc = owner_ref(w, v[F_OWNER], path, &f->owner)) ||
            (rc = get_number(w, v[F_LAT], path, "lat_deg", R_LAT, &lat)) ||
            (rc = get_number(w, v[F_LON], path, "lon_deg", R_LON, &lon)) ||
            (rc = get_number(w, v[F_ALT], path, "alt_m", R_ALT_M, &alt)) ||
            (rc = get_ref(w, v[F_IC], path, "interceptor", "interceptor", s->cat.interceptors,
                          sizeof(jmd_interceptor), s->cat.ninterceptors, &ic)) ||
            (rc = get_int(w, v[F_INV], path, "inventory", 0, 100000, &inv)) ||
            (rc = get_int(w, v[F_LAUNCHERS], path, "launchers", 1, 100000, &launchers)) ||
            (rc = get_number(w, v[F_RELOAD], path, "reload_s", R_RELOAD, &reload)) ||
            (rc = get_number(w, v[F_PK], path, "pk", R_PK, &pk)) ||
            (rc = get_number(w, v[F_ASSESS], path, "assess_delay_s", R_DELAY, &assess)))
            break;
        f->lat = lat * DEG;
        f->lon = lon * DEG;
        f->h = alt;
        f->ic = s->cat.interceptors[ic];
        f->inventory = (int)inv;
        f->launchers = launchers > 0 ? (int)launchers : (inv > 0 ? (int)inv : 1);
        f->reload = reload;
        f->pk = pk;
        f->assess_delay = assess;
        s->nsites = i + 1;
    }
    free(at);
    return rc;
}

/* ---- threats ---------------------------------------------------------------- */

enum {
    T_NAME, T_LLAT, T_LLON, T_ALAT, T_ALON, T_TARGET, T_TIME, T_VEHICLE, T_TRAJ, T_APOGEE, T_RCS,
    T_SALVO, T_SPACING, T_NKEYS
};
static const keyspec threat_keys[T_NKEYS] = {
    {"name", 1},       {"launch_lat_deg", 1}, {"launch_lon_deg", 1}, {"aim_lat_deg", 0},
    {"aim_lon_deg", 0}, {"target", 0},        {"launch_time_s", 0},  {"vehicle", 1},
    {"trajectory", 0}, {"apogee_km", 0},      {"rcs_m2", 0},         {"salvo", 0},
    {"spacing_s", 0},
};

static const char *const traj_names[] = {"minimum-energy", "lofted", "depressed"};

/* Great-circle distance on a sphere of radius 6371 km (m). */
static double sphere_distance(double lat0, double lon0, double lat1, double lon1)
{
    double a = sin((lat1 - lat0) / 2), b = sin((lon1 - lon0) / 2);
    double h = a * a + cos(lat0) * cos(lat1) * b * b;
    if (h > 1) h = 1;
    return 2 * 6371e3 * asin(sqrt(h));
}

typedef struct {
    const char *name;
    size_t idx;
} name_ix;

static int cmp_name_ix(const void *a, const void *b)
{
    const name_ix *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

static int read_threats(walk *w, const ynode *list)
{
    jmd_scenario *s = w->s;
    size_t n;
    int rc = get_seq(w, list, "threats", "a sequence of threats", JMD_SCENARIO_MAX_THREATS, &n);
    if (rc || n == 0) return rc;
    /* First pass for the total after expansion: read each entry, keeping
     * the expanded count under the cap as we go. */
    size_t cap = n, total = 0;
    s->threats = xcalloc(cap, sizeof *s->threats);
    const ynode **at = xcalloc(n, sizeof *at);
    if (!s->threats || !at) {
        free(at);
        return JMD_ENOMEM;
    }
    size_t i = 0;
    for (const ynode *e = list->first; e && rc == 0; e = e->next, i++) {
        char path[64], p[96];
        const ynode *v[T_NKEYS];
        idx(path, sizeof path, "threats", i);
        if ((rc = check_keys(w, e, path, "a mapping (a threat)", threat_keys, T_NKEYS, v))) break;
        jmd_threat t;
        memset(&t, 0, sizeof t);
        double lat0 = 0, lon0 = 0, lat1 = 0, lon1 = 0, t0 = 0, apogee = 0, rcs = 0.1, spacing = 0;
        long salvo = 1;
        int veh = -1, traj = 0;
        t.target = -1;
        at[i] = v[T_NAME];
        if ((rc = get_name(w, v[T_NAME], path, "name", t.name, sizeof t.name)) ||
            (rc = get_number(w, v[T_LLAT], path, "launch_lat_deg", R_LAT, &lat0)) ||
            (rc = get_number(w, v[T_LLON], path, "launch_lon_deg", R_LON, &lon0)))
            break;
        if (v[T_TARGET]) {
            const ynode *both = v[T_ALAT] ? v[T_ALAT] : v[T_ALON];
            if (both) {
                join(p, sizeof p, path, v[T_ALAT] ? "aim_lat_deg" : "aim_lon_deg");
                rc = jmd__yaml_fail(&w->c, both, p,
                                    "expected either target or aim_lat_deg/aim_lon_deg, found both");
                break;
            }
            if ((rc = get_ref(w, v[T_TARGET], path, "target", "asset", s->assets,
                              sizeof(jmd_asset), s->nassets, &t.target)))
                break;
            lat1 = s->assets[t.target].lat / DEG;
            lon1 = s->assets[t.target].lon / DEG;
        } else {
            if (!v[T_ALAT] || !v[T_ALON]) {
                rc = jmd__yaml_fail(&w->c, e, path,
                                    "missing required key \"%s\" (or give \"target\")",
                                    v[T_ALAT] ? "aim_lon_deg" : "aim_lat_deg");
                break;
            }
            if ((rc = get_number(w, v[T_ALAT], path, "aim_lat_deg", R_LAT, &lat1)) ||
                (rc = get_number(w, v[T_ALON], path, "aim_lon_deg", R_LON, &lon1)))
                break;
        }
        nrange rt = {0, s->duration, 0, 0};
        if ((rc = get_number(w, v[T_TIME], path, "launch_time_s", rt, &t0)) ||
            (rc = get_ref(w, v[T_VEHICLE], path, "vehicle", "vehicle", s->cat.vehicles,
                          sizeof(jmd_vehicle), s->cat.nvehicles, &veh)) ||
            (rc = get_enum(w, v[T_TRAJ], path, "trajectory", traj_names, 3, &traj)))
            break;
        if (v[T_APOGEE] && traj == 0) {
            join(p, sizeof p, path, "apogee_km");
            rc = jmd__yaml_fail(&w->c, v[T_APOGEE], p,
                                "applies only to lofted or depressed trajectories, found "
                                "trajectory minimum-energy");
            break;
        }
        if ((rc = get_number(w, v[T_APOGEE], path, "apogee_km", R_APOGEE_KM, &apogee)) ||
            (rc = get_number(w, v[T_RCS], path, "rcs_m2", R_RCS_THREAT, &rcs)) ||
            (rc = get_int(w, v[T_SALVO], path, "salvo", 1, JMD_SCENARIO_MAX_SALVO, &salvo)) ||
            (rc = get_number(w, v[T_SPACING], path, "spacing_s", R_SPACING, &spacing)))
            break;
        if (sphere_distance(lat0 * DEG, lon0 * DEG, lat1 * DEG, lon1 * DEG) < 10e3) {
            const ynode *where = v[T_TARGET] ? v[T_TARGET] : v[T_ALAT];
            join(p, sizeof p, path, v[T_TARGET] ? "target" : "aim_lat_deg");
            rc = jmd__yaml_fail(&w->c, where, p,
                                "expected an aim point at least 10 km from the launch point");
            break;
        }
        if (salvo > 1 && strlen(t.name) > JMD_NAME_MAX - 6) {
            join(p, sizeof p, path, "name");
            rc = jmd__yaml_fail(&w->c, v[T_NAME], p,
                                "expected a name of at most %d characters for a salvo, found %zu",
                                JMD_NAME_MAX - 6, strlen(t.name));
            break;
        }
        if (total + (size_t)salvo > JMD_SCENARIO_MAX_THREATS) {
            join(p, sizeof p, path, "salvo");
            rc = jmd__yaml_fail(&w->c, v[T_SALVO] ? v[T_SALVO] : e, p,
                                "expected at most %d threats in all after salvo expansion",
                                JMD_SCENARIO_MAX_THREATS);
            break;
        }
        if (t0 + (double)(salvo - 1) * spacing > s->duration) {
            join(p, sizeof p, path, "spacing_s");
            rc = jmd__yaml_fail(&w->c, v[T_SPACING] ? v[T_SPACING] : e, p,
                                "expected the salvo's last launch (%.10g s) within duration_s "
                                "(%.10g s)",
                                t0 + (double)(salvo - 1) * spacing, s->duration);
            break;
        }
        if (total + (size_t)salvo > cap) {
            size_t ncap = cap * 2 > total + (size_t)salvo ? cap * 2 : total + (size_t)salvo;
            jmd_threat *np = realloc(s->threats, ncap * sizeof *np);
            if (!np) {
                rc = JMD_ENOMEM;
                break;
            }
            s->threats = np;
            cap = ncap;
        }
        t.decl = (int)i;
        t.veh = s->cat.vehicles[veh];
        t.lat0 = lat0 * DEG;
        t.lon0 = lon0 * DEG;
        t.lat1 = lat1 * DEG;
        t.lon1 = lon1 * DEG;
        t.traj = (jmd_traj_type)traj;
        t.apogee = apogee * 1e3;
        t.rcs = rcs;
        for (long k = 0; k < salvo; k++) {
            jmd_threat *o = &s->threats[total++];
            *o = t;
            o->salvo_index = (int)k;
            o->t_launch = t0 + (double)k * spacing;
            /* A long name may lose the end of its suffix; the uniqueness
             * check below then reports the collision at the name. */
            if (salvo > 1 && snprintf(o->name, sizeof o->name, "%s-%ld", t.name, k + 1) < 0)
                o->name[0] = '\0';
        }
        s->nthreats = total;
    }
    s->nthreat_decls = i;
    /* Expanded names must be unique. */
    if (rc == 0 && total > 1) {
        name_ix *ix = malloc(total * sizeof *ix);
        if (!ix) rc = JMD_ENOMEM;
        for (size_t k = 0; rc == 0 && k < total; k++) {
            ix[k].name = s->threats[k].name;
            ix[k].idx = k;
        }
        if (rc == 0) qsort(ix, total, sizeof *ix, cmp_name_ix);
        for (size_t k = 1; rc == 0 && k < total; k++)
            if (strcmp(ix[k - 1].name, ix[k].name) == 0) {
                size_t a = ix[k - 1].idx, b = ix[k].idx;
                if (a > b) {
                    size_t tmp = a;
                    a = b;
                    b = tmp;
                }
                int da = s->threats[a].decl, db = s->threats[b].decl;
                char p[64];
                snprintf(p, sizeof p, "threats[%d].name", db);
                rc = jmd__yaml_fail(&w->c, at[db], p,
                                    "duplicate threat name \"%s\" (first at line %d%s)",
                                    s->threats[b].name, at[da]->line + 1,
                                    da == db || s->threats[a].salvo_index ||
                                            s->threats[b].salvo_index
                                        ? ", after salvo expansion"
                                        : "");
            }
        free(ix);
    }
    free(at);
    return rc;
}

/* ---- strategic forces (the transparency analysis) ------------------------ */

enum { SG_PARTY, SG_LAUNCH, SG_TARGETS, SG_VEHICLES, SG_TRAJS, SG_RCS, SG_NKEYS };
static const keyspec strategic_keys[SG_NKEYS] = {
    {"party", 1},   {"launch_areas", 1}, {"targets", 1},
    {"vehicles", 1}, {"trajectories", 0}, {"rcs_m2", 0},
};
enum { SA_NAME, SA_LAT, SA_LON, SA_POLY, SA_NKEYS };
static const keyspec sarea_keys[SA_NKEYS] = {
    {"name", 1}, {"lat_deg", 0}, {"lon_deg", 0}, {"polygon", 0}};
static const keyspec starget_keys[3] = {{"name", 1}, {"lat_deg", 1}, {"lon_deg", 1}};
enum { ST_TYPE, ST_APOGEE, ST_NKEYS };
static const keyspec straj_keys[ST_NKEYS] = {{"type", 1}, {"apogee_km", 0}};

/* Launch areas (polygons allowed) or targets (points only) of one entry. */
static int read_strategic_areas(walk *w, const ynode *list, const char *path, int polygons,
                                jmd_strategic_area **out, size_t *nout)
{
    size_t n;
    int rc = get_seq(w, list, path,
                     polygons ? "a sequence of launch areas" : "a sequence of targets",
                     JMD_SCENARIO_MAX_STRATEGIC_AREAS, &n);
    if (rc) return rc;
    if (n == 0)
        return jmd__yaml_fail(&w->c, list, path, "expected at least one entry, found none");
    *out = xcalloc(n, sizeof **out);
    if (!*out) return JMD_ENOMEM;
    size_t i = 0;
    for (const ynode *e = list->first; e && rc == 0; e = e->next, i++) {
        char p[160], q[200];
        const ynode *v[SA_NKEYS];
        idx(p, sizeof p, path, i);
        jmd_strategic_area *a = &(*out)[i];
        *nout = i + 1; /* so that a polygon allocated so far is freed */
        if (polygons)
            rc = check_keys(w, e, p, "a mapping (a launch area)", sarea_keys, SA_NKEYS, v);
        else {
            rc = check_keys(w, e, p, "a mapping (a target)", starget_keys, 3, v);
            v[SA_POLY] = NULL;
        }
        if (rc || (rc = get_name(w, v[SA_NAME], p, "name", a->name, sizeof a->name))) break;
        for (size_t j = 0; j < i; j++)
            if (strcmp((*out)[j].name, a->name) == 0) {
                join(q, sizeof q, p, "name");
                rc = jmd__yaml_fail(&w->c, v[SA_NAME], q, "duplicate name \"%s\" in %s",
                                    a->name, path);
                break;
            }
        if (rc) break;
        if (v[SA_POLY]) {
            if (v[SA_LAT] || v[SA_LON]) {
                const ynode *b = v[SA_LAT] ? v[SA_LAT] : v[SA_LON];
                join(q, sizeof q, p, v[SA_LAT] ? "lat_deg" : "lon_deg");
                rc = jmd__yaml_fail(&w->c, b, q,
                                    "expected either a point (lat_deg, lon_deg) or a polygon, "
                                    "found both");
                break;
            }
            join(q, sizeof q, p, "polygon");
            if ((rc = get_polygon(w, v[SA_POLY], q, &a->area))) break;
            double sl = 0, so = 0;
            for (size_t k = 0; k < a->area.n; k++) {
                sl += a->area.v[k].lat;
                so += a->area.v[k].lon;
            }
            a->lat = sl / (double)a->area.n;
            a->lon = so / (double)a->area.n;
        } else {
            if (!v[SA_LAT] || !v[SA_LON]) {
                rc = jmd__yaml_fail(&w->c, e, p, "missing required key \"%s\"%s",
                                    v[SA_LAT] ? "lon_deg" : "lat_deg",
                                    polygons ? " (or give \"polygon\")" : "");
                break;
            }
            double lat = 0, lon = 0;
            if ((rc = get_number(w, v[SA_LAT], p, "lat_deg", R_LAT, &lat)) ||
                (rc = get_number(w, v[SA_LON], p, "lon_deg", R_LON, &lon)))
                break;
            a->lat = lat * DEG;
            a->lon = lon * DEG;
        }
    }
    return rc;
}

static int read_strategic(walk *w, const ynode *list)
{
    jmd_scenario *s = w->s;
    size_t n;
    int rc = get_seq(w, list, "strategic", "a sequence of strategic forces (one per party)",
                     JMD_SCENARIO_MAX_PARTIES, &n);
    if (rc || n == 0) return rc;
    s->strategic = xcalloc(n, sizeof *s->strategic);
    if (!s->strategic) return JMD_ENOMEM;
    size_t i = 0;
    for (const ynode *e = list->first; e && rc == 0; e = e->next, i++) {
        char path[64], p[200], q[240];
        const ynode *v[SG_NKEYS];
        idx(path, sizeof path, "strategic", i);
        jmd_strategic *g = &s->strategic[i];
        s->nstrategic = i + 1;
        g->rcs = 0.1;
        if ((rc = check_keys(w, e, path, "a mapping (one party's strategic forces)",
                             strategic_keys, SG_NKEYS, v)) ||
            (rc = get_ref(w, v[SG_PARTY], path, "party", "party", s->parties,
                          sizeof(jmd_party), s->nparties, &g->party)))
            break;
        for (size_t j = 0; j < i; j++)
            if (s->strategic[j].party == g->party) {
                join(p, sizeof p, path, "party");
                rc = jmd__yaml_fail(&w->c, v[SG_PARTY], p,
                                    "expected one strategic entry per party, found a second "
                                    "for \"%s\"",
                                    s->parties[g->party].name);
                break;
            }
        if (rc) break;
        join(p, sizeof p, path, "launch_areas");
        if ((rc = read_strategic_areas(w, v[SG_LAUNCH], p, 1, &g->launch, &g->nlaunch))) break;
        join(p, sizeof p, path, "targets");
        if ((rc = read_strategic_areas(w, v[SG_TARGETS], p, 0, &g->targets, &g->ntargets)))
            break;
        /* vehicles: a sequence of catalogue names */
        join(p, sizeof p, path, "vehicles");
        if ((rc = get_seq(w, v[SG_VEHICLES], p, "a sequence of vehicle names",
                          JMD_SCENARIO_MAX_STRATEGIC_KINDS, &g->nvehicles)))
            break;
        if (g->nvehicles == 0) {
            rc = jmd__yaml_fail(&w->c, v[SG_VEHICLES], p,
                                "expected at least one vehicle, found none");
            break;
        }
        g->vehicles = xcalloc(g->nvehicles, sizeof *g->vehicles);
        if (!g->vehicles) return JMD_ENOMEM;
        size_t k = 0;
        for (const ynode *x = v[SG_VEHICLES]->first; x && rc == 0; x = x->next, k++) {
            int vi = -1;
            idx(q, sizeof q, p, k);
            if ((rc = get_ref(w, x, "", q, "vehicle", s->cat.vehicles, sizeof(jmd_vehicle),
                              s->cat.nvehicles, &vi)))
                break;
            for (size_t j = 0; j < k; j++)
                if (strcmp(g->vehicles[j].name, s->cat.vehicles[vi].name) == 0)
                    rc = jmd__yaml_fail(&w->c, x, q, "duplicate vehicle \"%s\"",
                                        s->cat.vehicles[vi].name);
            if (rc) break;
            g->vehicles[k] = s->cat.vehicles[vi];
        }
        if (rc) break;
        /* trajectories: default minimum-energy only */
        join(p, sizeof p, path, "trajectories");
        size_t nt = 0;
        if ((rc = get_seq(w, v[SG_TRAJS], p, "a sequence of trajectory types",
                          JMD_SCENARIO_MAX_STRATEGIC_KINDS, &nt)))
            break;
        g->trajs = xcalloc(nt ? nt : 1, sizeof *g->trajs);
        if (!g->trajs) return JMD_ENOMEM;
        if (nt == 0) {
            if (v[SG_TRAJS] && !jmd__yaml_is_null(v[SG_TRAJS])) {
                rc = jmd__yaml_fail(&w->c, v[SG_TRAJS], p,
                                    "expected at least one trajectory type, found none");
                break;
            }
            g->ntrajs = 1;
            g->trajs[0].type = JMD_TRAJ_MIN_ENERGY;
        }
        k = 0;
        for (const ynode *x = nt ? v[SG_TRAJS]->first : NULL; x && rc == 0; x = x->next, k++) {
            const ynode *tv[ST_NKEYS];
            int type = 0;
            double apogee = 0;
            idx(q, sizeof q, p, k);
            if ((rc = check_keys(w, x, q, "a mapping (a trajectory type)", straj_keys, ST_NKEYS,
                                 tv)) ||
                (rc = get_enum(w, tv[ST_TYPE], q, "type", traj_names, 3, &type)))
                break;
            if (tv[ST_APOGEE] && type == 0) {
                char r[280];
                join(r, sizeof r, q, "apogee_km");
                rc = jmd__yaml_fail(&w->c, tv[ST_APOGEE], r,
                                    "applies only to lofted or depressed trajectories, found "
                                    "type minimum-energy");
                break;
            }
            if ((rc = get_number(w, tv[ST_APOGEE], q, "apogee_km", R_APOGEE_KM, &apogee))) break;
            g->trajs[k].type = (jmd_traj_type)type;
            g->trajs[k].apogee = apogee * 1e3;
            for (size_t j = 0; j < k; j++)
                if (g->trajs[j].type == g->trajs[k].type &&
                    g->trajs[j].apogee == g->trajs[k].apogee)
                    rc = jmd__yaml_fail(&w->c, x, q, "duplicate trajectory type");
            g->ntrajs = k + 1;
        }
        if (rc) break;
        if ((rc = get_number(w, v[SG_RCS], path, "rcs_m2", R_RCS_THREAT, &g->rcs))) break;
    }
    return rc;
}

/* ---- top level ---------------------------------------------------------------- */

enum {
    K_NAME, K_DESC, K_EPOCH, K_DURATION, K_STEP, K_SEED, K_BUILTIN, K_INCLUDE, K_CATALOGUE,
    K_GOVERNANCE, K_LINKS, K_LINK_DEFAULT, K_RELEASE, K_RELEASE_DEFAULT, K_PARTIES, K_SENSORS,
    K_SITES, K_THREATS, K_STRATEGIC, K_FEDERATION, K_NKEYS
};
static const keyspec top_keys[K_NKEYS] = {
    {"name", 0},      {"description", 0}, {"epoch", 0},      {"duration_s", 1},
    {"step_s", 0},    {"seed", 0},        {"builtin_catalogue", 0}, {"include", 0},
    {"catalogue", 0}, {"governance", 0},  {"links", 0},      {"link_default", 0},
    {"release", 0},   {"release_default", 0}, {"parties", 1},  {"sensors", 0},
    {"sites", 0},     {"threats", 0},       {"strategic", 0},
    {"federation", 0},
};

#define DEFAULT_EPOCH "2012-01-01T00:00:00Z"

static int read_seed(walk *w, const ynode *v, uint64_t *out)
{
    char buf[64];
    if (!v) return 0;
    int ok = v->type == JMD__YAML_SCALAR && v->plain && v->len > 0 && v->len <= 20 &&
             strlen(v->text) == v->len;
    for (size_t i = 0; ok && i < v->len; i++)
        if (v->text[i] < '0' || v->text[i] > '9') ok = 0;
    unsigned long long x = 0;
    if (ok) {
        errno = 0;
        x = strtoull(v->text, NULL, 10);
        if (errno == ERANGE) ok = 0;
    }
    if (!ok)
        return jmd__yaml_fail(&w->c, v, "seed",
                              "expected an integer in [0, 18446744073709551615], found %s",
                              jmd__yaml_found(v, buf, sizeof buf));
    *out = (uint64_t)x;
    return 0;
}

static int read_root(walk *w, const ynode *root)
{
    jmd_scenario *s = w->s;
    const ynode *v[K_NKEYS];
    char buf[64];
    if (!root || jmd__yaml_is_null(root)) {
        jmd__yaml_node at = {.line = 0, .col = 0};
        return jmd__yaml_fail(&w->c, &at, "",
                              "expected a scenario (a mapping with at least \"duration_s\" and "
                              "\"parties\"), found an empty document");
    }
    int rc = check_keys(w, root, "", "a scenario (a mapping of keys such as \"parties\")", top_keys,
                        K_NKEYS, v);
    if (rc) return rc;
    if ((rc = get_text(w, v[K_NAME], "", "name", s->name, sizeof s->name))) return rc;
    if (v[K_FEDERATION]) {
        /* The federation file (docs/federation.md §2): a path, relative to
         * the scenario's folder; read by the federated commands, not here. */
        const ynode *e = v[K_FEDERATION];
        if (e->type != JMD__YAML_SCALAR || jmd__yaml_is_null(e) || e->len == 0 ||
            strlen(e->text) != e->len)
            return fail_type(w, e, "federation", "a file name");
        int n = e->text[0] == '/' || !w->base_dir || !*w->base_dir
                    ? snprintf(s->federation, sizeof s->federation, "%s", e->text)
                    : snprintf(s->federation, sizeof s->federation, "%s/%s", w->base_dir,
                               e->text);
        if (n < 0 || (size_t)n >= sizeof s->federation)
            return jmd__yaml_fail(&w->c, e, "federation",
                                  "expected a file name of at most %zu bytes, found %zu",
                                  sizeof s->federation - 1, e->len);
    }
    if (v[K_DESC] && (v[K_DESC]->type != JMD__YAML_SCALAR))
        return fail_type(w, v[K_DESC], "description", "a string");
    snprintf(s->epoch, sizeof s->epoch, "%s", DEFAULT_EPOCH);
    if (v[K_EPOCH]) {
        const ynode *e = v[K_EPOCH];
        if (e->type != JMD__YAML_SCALAR || e->len >= sizeof s->epoch ||
            jmd__scen_epoch(e->text, e->len, &s->epoch_unix, &s->epoch_frac) != 0)
            return jmd__yaml_fail(&w->c, e, "epoch",
                                  "expected an ISO 8601 UTC time such as 2012-05-20T12:00:00Z, "
                                  "found %s",
                                  jmd__yaml_found(e, buf, sizeof buf));
        memcpy(s->epoch, e->text, e->len);
        s->epoch[e->len] = '\0';
    } else if (jmd__scen_epoch(s->epoch, strlen(s->epoch), &s->epoch_unix, &s->epoch_frac) != 0) {
        return JMD_EINVAL;
    }
    s->step = 1;
    s->seed = 1;
    if ((rc = get_number(w, v[K_DURATION], "", "duration_s", R_DURATION, &s->duration)) ||
        (rc = get_number(w, v[K_STEP], "", "step_s", R_STEP, &s->step)) ||
        (rc = read_seed(w, v[K_SEED], &s->seed)))
        return rc;
    if (s->step > s->duration)
        return jmd__yaml_fail(&w->c, v[K_STEP], "step_s",
                              "expected at most duration_s (%.10g), found %.10g", s->duration,
                              s->step);
    if ((rc = read_catalogue(w, v[K_BUILTIN], v[K_INCLUDE], v[K_CATALOGUE])) ||
        (rc = read_parties(w, v[K_PARTIES])) || (rc = read_governance(w, v[K_GOVERNANCE])) ||
        (rc = alloc_pairs(w)) || (rc = read_links(w, v[K_LINK_DEFAULT], v[K_LINKS])) ||
        (rc = read_release(w, v[K_RELEASE_DEFAULT], v[K_RELEASE])) ||
        (rc = read_sensors(w, v[K_SENSORS])) || (rc = read_sites(w, v[K_SITES])) ||
        (rc = read_threats(w, v[K_THREATS])) || (rc = read_strategic(w, v[K_STRATEGIC])))
        return rc;
    return 0;
}

/* ---- public ------------------------------------------------------------------ */

static void free_polygons(jmd_polygon *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++) free(p[i].v);
    free(p);
}

void jmd_scenario_free(jmd_scenario *s)
{
    if (!s) return;
    for (size_t i = 0; s->parties && i < s->nparties; i++) {
        free_polygons(s->parties[i].territory, s->parties[i].nterritory);
        free_polygons(s->parties[i].sector, s->parties[i].nsector);
    }
    free(s->parties);
    free(s->assets);
    free(s->radars);
    free(s->irsats);
    free(s->sites);
    free(s->threats);
    free(s->party_latency);
    free(s->links);
    free(s->release);
    free(s->release_set);
    for (size_t i = 0; s->strategic && i < s->nstrategic; i++) {
        jmd_strategic *g = &s->strategic[i];
        for (size_t k = 0; g->launch && k < g->nlaunch; k++) free(g->launch[k].area.v);
        free(g->launch);
        free(g->targets);
        free(g->vehicles);
        free(g->trajs);
    }
    free(s->strategic);
    jmd_catalogue_free(&s->cat);
    free(s);
}

int jmd_scenario_parse(const char *text, size_t len, const char *name, const char *base_dir,
                       jmd_scenario **out, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!name) name = "<input>";
    if (!out || (!text && len)) {
        jmd__yaml_set_err(err, errlen, "%s: invalid argument", name);
        return JMD_EINVAL;
    }
    *out = NULL;
    if (len > JMD_SCENARIO_MAX_BYTES) {
        jmd__yaml_set_err(err, errlen, "%s: input is %zu bytes; at most %u are accepted", name,
                          len, JMD_SCENARIO_MAX_BYTES);
        return JMD_EPARSE;
    }
    jmd_scenario *s = calloc(1, sizeof *s);
    if (!s) {
        jmd__yaml_set_err(err, errlen, "%s: out of memory", name);
        return JMD_ENOMEM;
    }
    walk w = {{name, err, errlen}, s, text ? text : "", len, base_dir, 0, NULL, NULL, NULL};
    jmd__yaml_arena a = {NULL};
    jmd__yaml_node *root = NULL;
    int rc = jmd__yaml_tree(&w.c, w.text, len, &a, &root, &w.text, &w.len);
    if (rc == 0) rc = read_root(&w, root);
    if (rc == JMD_ENOMEM) jmd__yaml_set_err(err, errlen, "%s: out of memory", name);
    free(w.asset_at);
    free(w.party_at);
    free(w.latency_set);
    jmd__yaml_arena_free(&a);
    if (rc) {
        jmd_scenario_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int jmd_scenario_load(const char *path, jmd_scenario **out, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (out) *out = NULL;
    if (!path || !out) {
        jmd__yaml_set_err(err, errlen, "invalid argument");
        return JMD_EINVAL;
    }
    char *buf;
    size_t n;
    int rc = jmd__yaml_read_file(path, JMD_SCENARIO_MAX_BYTES, &buf, &n, err, errlen);
    if (rc != 0) return rc;
    {
        /* Includes resolve against the file's folder. */
        char dir[1024];
        const char *slash = strrchr(path, '/');
        dir[0] = '\0';
        if (slash) {
            size_t dl = (size_t)(slash - path);
            if (dl == 0) snprintf(dir, sizeof dir, "/");
            else if (dl < sizeof dir) {
                memcpy(dir, path, dl);
                dir[dl] = '\0';
            }
        }
        rc = jmd_scenario_parse(buf, n, path, dir, out, err, errlen);
    }
    free(buf);
    return rc;
}

int jmd_scenario_party(const jmd_scenario *s, const char *name)
{
    for (size_t i = 0; s && name && i < s->nparties; i++)
        if (strcmp(s->parties[i].name, name) == 0) return (int)i;
    return -1;
}

int jmd_scenario_asset(const jmd_scenario *s, const char *name)
{
    for (size_t i = 0; s && name && i < s->nassets; i++)
        if (strcmp(s->assets[i].name, name) == 0) return (int)i;
    return -1;
}
