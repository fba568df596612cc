/*
 * catalogue.c — the vehicle and interceptor catalogue: YAML text (files,
 * or the data folder embedded at build time) to jmd_vehicle and
 * jmd_interceptor records in SI units, with validation whose messages say
 * where (name:line:col, 1-based), which key (a path such as
 * threats[2].stages[0].isp_s), what was expected and what was found.
 * docs/catalogue.md is the schema.
 *
 * How: the shared YAML reader (src/core/yaml.c, core__yaml.h) turns the
 * text into a small tree in an arena, every node with its 0-based mark,
 * refusing invalid UTF-8, NUL bytes, aliases and second documents, with
 * libfyaml's diagnostics collected silently into our message; the schema
 * walk here then reads the tree. Input is capped at
 * JMD_CATALOGUE_MAX_BYTES and nothing recurses on the input's depth, so
 * untrusted input costs at most linear time and memory.
 *
 * Invariant: a call either appends every entry of its input to the
 * catalogue or leaves the catalogue exactly as it was (entries are built
 * in temporaries and appended at the end).
 *
 * Workload: cold — a few small files at start-up.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core__yaml.h"
#include "flight/flight__catalogue.h"
#include "jmd/flight.h"

/* Largest accepted input (bytes); larger text is refused before parsing. */
#define JMD_CATALOGUE_MAX_BYTES (1u << 20)

typedef jmd__yaml_node ynode;
typedef jmd__yaml_ctx pctx;
typedef jmd__yaml_keyspec keyspec;

/* ---- schema helpers ---------------------------------------------------- */

/* Checks a mapping against its keys: every key a known scalar, none
 * repeated, every required one present. vals[i] gets the value of ks[i]
 * (NULL when absent); keys[i] its key node. */
static int check_keys(pctx *c, const ynode *map, const char *path, const keyspec *ks, size_t nk,
                      const ynode **vals, const ynode **keys)
{
    char buf[64];
    for (size_t i = 0; i < nk; i++) vals[i] = keys[i] = NULL;
    for (const ynode *k = map->first; k; k = k->next ? k->next->next : NULL) {
        const ynode *v = k->next;
        if (!v) break; /* cannot happen: mappings hold pairs */
        if (k->type != JMD__YAML_SCALAR)
            return jmd__yaml_fail(c, k, path, "expected a key, found %s",
                                  jmd__yaml_found(k, buf, sizeof buf));
        size_t i = 0;
        while (i < nk && !(strlen(ks[i].key) == k->len && strcmp(ks[i].key, k->text) == 0)) i++;
        if (i == nk) return jmd__yaml_unknown_key(c, k, path, ks, nk, 0);
        if (vals[i])
            return jmd__yaml_fail(c, k, path, "duplicate key \"%s\" (first at line %d)",
                                  ks[i].key, keys[i]->line + 1);
        vals[i] = v;
        keys[i] = k;
    }
    for (size_t i = 0; i < nk; i++)
        if (ks[i].required && !vals[i])
            return jmd__yaml_fail(c, map, path, "missing required key \"%s\"", ks[i].key);
    return 0;
}

static void join(char *out, size_t n, const char *path, const char *key)
{
    if (snprintf(out, n, "%s%s%s", path, *path ? "." : "", key) < 0) out[0] = '\0';
}

typedef struct {
    double lo, hi;
    int lo_open; /* 1: lo excluded */
} nrange;

static void range_text(nrange r, char *buf, size_t n)
{
    snprintf(buf, n, "%s%.10g, %.10g]", r.lo_open ? "(" : "[", r.lo, r.hi);
}

/* A number in range r at v (key `key` under `path`). */
static int get_number(pctx *c, const ynode *v, const char *path, const char *key, nrange r,
                      double *out)
{
    char p[160], buf[64], rt[64];
    join(p, sizeof p, path, key);
    range_text(r, rt, sizeof rt);
    const char *kind = r.lo == 0 && r.lo_open ? "a positive number"
                       : r.lo == 0            ? "a non-negative number"
                                              : "a number";
    if (v->type != JMD__YAML_SCALAR || jmd__yaml_is_null(v))
        return jmd__yaml_fail(c, v, p, "expected %s, found %s", kind,
                              jmd__yaml_found(v, buf, sizeof buf));
    if (!v->plain || strlen(v->text) != v->len) {
        jmd__yaml_quote(v->text, v->len, buf, sizeof buf);
        return jmd__yaml_fail(c, v, p,
                              "expected %s, found the string %s (write numbers without quotes)",
                              kind, buf);
    }
    if (jmd__yaml_nonfinite_form(v->text))
        return jmd__yaml_fail(c, v, p, "expected a finite number in %s, found %s", rt, v->text);
    if (!jmd__yaml_decimal_form(v->text, v->len)) {
        jmd__yaml_quote(v->text, v->len, buf, sizeof buf);
        return jmd__yaml_fail(c, v, p, "expected %s, found %s", kind, buf);
    }
    double x = strtod(v->text, NULL);
    if (!isfinite(x))
        return jmd__yaml_fail(c, v, p, "expected a finite number in %s, found %s", rt, v->text);
    x += 0.0; /* -0 -> +0 */
    if (x < r.lo || (r.lo_open && x == r.lo) || x > r.hi)
        return jmd__yaml_fail(c, v, p, "expected a number in %s, found %s", rt, v->text);
    *out = x;
    return 0;
}

/* A non-empty string scalar (quoted or plain). */
static int get_string(pctx *c, const ynode *v, const char *path, const char *key, const char *what)
{
    char p[160], buf[64];
    join(p, sizeof p, path, key);
    if (v->type != JMD__YAML_SCALAR || jmd__yaml_is_null(v) || v->len == 0)
        return jmd__yaml_fail(c, v, p, "expected %s, found %s", what,
                              v->type == JMD__YAML_SCALAR && !v->plain && v->len == 0
                                  ? "an empty string"
                                  : jmd__yaml_found(v, buf, sizeof buf));
    return 0;
}

/* A catalogue name: 1..JMD_NAME_MAX-1 characters of [a-z0-9-]. */
static int get_name(pctx *c, const ynode *v, const char *path, char out[JMD_NAME_MAX])
{
    char p[160], buf[64];
    int rc = get_string(c, v, path, "name", "a name (lowercase letters, digits and '-')");
    if (rc) return rc;
    join(p, sizeof p, path, "name");
    for (size_t i = 0; i < v->len; i++) {
        char ch = v->text[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) {
            jmd__yaml_quote(v->text, v->len, buf, sizeof buf);
            return jmd__yaml_fail(
                c, v, p, "expected a name of lowercase letters, digits and '-', found %s", buf);
        }
    }
    if (v->len >= JMD_NAME_MAX)
        return jmd__yaml_fail(c, v, p,
                              "expected a name of at most %d characters, found %zu characters",
                              JMD_NAME_MAX - 1, v->len);
    memcpy(out, v->text, v->len);
    out[v->len] = '\0';
    return 0;
}

/* ---- the schema --------------------------------------------------------- */

/* Plausibility ranges (documented in docs/catalogue.md): wide enough for any
 * real missile, narrow enough to catch unit mistakes (metres for km). */
static const nrange R_PAYLOAD = {0, 1e5, 1};
static const nrange R_BETA = {0, 1e6, 1};
static const nrange R_VERTICAL = {0, 600, 0};
static const nrange R_MASS = {0, 1e6, 1};
static const nrange R_ISP = {0, 1000, 1};
static const nrange R_BURN = {0, 1000, 1};
static const nrange R_AREA = {0, 100, 1};
static const nrange R_CD = {0, 10, 0};
static const nrange R_SPEED_KM_S = {0, 15, 1};
static const nrange R_IC_BURN = {0, 1000, 1};
static const nrange R_ALT_KM = {0, 50000, 0};
static const nrange R_RANGE_KM = {0, 21000, 0};

enum { S_GROSS, S_PROP, S_ISP, S_BURN, S_AREA, S_CD, S_NKEYS };
static const keyspec stage_keys[S_NKEYS] = {
    {"mass_gross_kg", 1}, {"mass_prop_kg", 1}, {"isp_s", 1},
    {"burn_s", 1},        {"area_m2", 1},      {"cd", 1},
};

enum { V_NAME, V_CLASS, V_SOURCE, V_NOTES, V_PAYLOAD, V_BETA, V_VERTICAL, V_STAGES, V_NKEYS };
static const keyspec vehicle_keys[V_NKEYS] = {
    {"name", 1},    {"class", 1},         {"source", 1},     {"notes", 0},
    {"payload_kg", 1}, {"rv_beta_kg_m2", 1}, {"vertical_s", 1}, {"stages", 1},
};

enum { I_NAME, I_SOURCE, I_NOTES, I_SPEED, I_BURN, I_MINALT, I_MAXALT, I_RANGE, I_NKEYS };
static const keyspec interceptor_keys[I_NKEYS] = {
    {"name", 1},   {"source", 1},     {"notes", 0},      {"burnout_speed_km_s", 1},
    {"burn_s", 1}, {"min_alt_km", 1}, {"max_alt_km", 1}, {"max_range_km", 0},
};

enum { T_THREATS, T_INTERCEPTORS, T_NKEYS };
static const keyspec top_keys[T_NKEYS] = {{"threats", 0}, {"interceptors", 0}};

static const char *const classes[] = {"SRBM", "MRBM", "IRBM", "ICBM", "SLBM"};

static int parse_stage(pctx *c, const ynode *m, const char *path, jmd_stage *s)
{
    const ynode *v[S_NKEYS], *k[S_NKEYS];
    char buf[64];
    if (m->type != JMD__YAML_MAP)
        return jmd__yaml_fail(c, m, path, "expected a mapping (a stage), found %s",
                              jmd__yaml_found(m, buf, sizeof buf));
    int rc = check_keys(c, m, path, stage_keys, S_NKEYS, v, k);
    if (rc) return rc;
    if ((rc = get_number(c, v[S_GROSS], path, "mass_gross_kg", R_MASS, &s->mass_gross)) ||
        (rc = get_number(c, v[S_PROP], path, "mass_prop_kg", R_MASS, &s->mass_prop)) ||
        (rc = get_number(c, v[S_ISP], path, "isp_s", R_ISP, &s->isp)) ||
        (rc = get_number(c, v[S_BURN], path, "burn_s", R_BURN, &s->burn_time)) ||
        (rc = get_number(c, v[S_AREA], path, "area_m2", R_AREA, &s->area)) ||
        (rc = get_number(c, v[S_CD], path, "cd", R_CD, &s->cd)))
        return rc;
    if (!(s->mass_prop < s->mass_gross)) {
        char p[160];
        join(p, sizeof p, path, "mass_prop_kg");
        return jmd__yaml_fail(c, v[S_PROP], p,
                              "expected less than mass_gross_kg (%.10g), found %s",
                              s->mass_gross, v[S_PROP]->text);
    }
    return 0;
}

static int parse_vehicle(pctx *c, const ynode *m, const char *path, jmd_vehicle *out,
                         const ynode **name_node)
{
    const ynode *v[V_NKEYS], *k[V_NKEYS];
    char buf[64], p[160];
    if (m->type != JMD__YAML_MAP)
        return jmd__yaml_fail(c, m, path, "expected a mapping (a threat class), found %s",
                              jmd__yaml_found(m, buf, sizeof buf));
    int rc = check_keys(c, m, path, vehicle_keys, V_NKEYS, v, k);
    if (rc) return rc;
    memset(out, 0, sizeof *out);
    if ((rc = get_name(c, v[V_NAME], path, out->name))) return rc;
    *name_node = v[V_NAME];
    if ((rc = get_string(c, v[V_CLASS], path, "class", "one of SRBM, MRBM, IRBM, ICBM, SLBM")))
        return rc;
    size_t ci = 0;
    while (ci < sizeof classes / sizeof classes[0] &&
           !(strlen(classes[ci]) == v[V_CLASS]->len && strcmp(classes[ci], v[V_CLASS]->text) == 0))
        ci++;
    if (ci == sizeof classes / sizeof classes[0]) {
        join(p, sizeof p, path, "class");
        jmd__yaml_quote(v[V_CLASS]->text, v[V_CLASS]->len, buf, sizeof buf);
        return jmd__yaml_fail(c, v[V_CLASS], p,
                              "expected one of SRBM, MRBM, IRBM, ICBM, SLBM, found %s", buf);
    }
    snprintf(out->cls, sizeof out->cls, "%s", classes[ci]);
    if ((rc = get_string(c, v[V_SOURCE], path, "source", "a source (a citation)"))) return rc;
    if (v[V_NOTES] && (rc = get_string(c, v[V_NOTES], path, "notes", "a string"))) return rc;
    if ((rc = get_number(c, v[V_PAYLOAD], path, "payload_kg", R_PAYLOAD, &out->payload_mass)) ||
        (rc = get_number(c, v[V_BETA], path, "rv_beta_kg_m2", R_BETA, &out->rv_beta)) ||
        (rc = get_number(c, v[V_VERTICAL], path, "vertical_s", R_VERTICAL, &out->vertical_time)))
        return rc;
    const ynode *st = v[V_STAGES];
    join(p, sizeof p, path, "stages");
    if (st->type != JMD__YAML_SEQ)
        return jmd__yaml_fail(c, st, p, "expected a sequence of 1 to %d stages, found %s",
                              JMD_MAX_STAGES, jmd__yaml_found(st, buf, sizeof buf));
    if (st->count < 1 || st->count > JMD_MAX_STAGES)
        return jmd__yaml_fail(c, st, p, "expected 1 to %d stages, found %zu", JMD_MAX_STAGES,
                              st->count);
    size_t j = 0;
    for (const ynode *s = st->first; s; s = s->next, j++) {
        char sp[160];
        if (snprintf(sp, sizeof sp, "%s[%zu]", p, j) < 0) sp[0] = '\0';
        if ((rc = parse_stage(c, s, sp, &out->stage[j]))) return rc;
    }
    out->nstages = (int)st->count;
    return 0;
}

static int parse_interceptor(pctx *c, const ynode *m, const char *path, jmd_interceptor *out,
                             const ynode **name_node)
{
    const ynode *v[I_NKEYS], *k[I_NKEYS];
    char buf[64];
    if (m->type != JMD__YAML_MAP)
        return jmd__yaml_fail(c, m, path, "expected a mapping (an interceptor class), found %s",
                              jmd__yaml_found(m, buf, sizeof buf));
    int rc = check_keys(c, m, path, interceptor_keys, I_NKEYS, v, k);
    if (rc) return rc;
    memset(out, 0, sizeof *out);
    double speed, burn, lo, hi, range = 0;
    if ((rc = get_name(c, v[I_NAME], path, out->name))) return rc;
    *name_node = v[I_NAME];
    if ((rc = get_string(c, v[I_SOURCE], path, "source", "a source (a citation)"))) return rc;
    if (v[I_NOTES] && (rc = get_string(c, v[I_NOTES], path, "notes", "a string"))) return rc;
    if ((rc = get_number(c, v[I_SPEED], path, "burnout_speed_km_s", R_SPEED_KM_S, &speed)) ||
        (rc = get_number(c, v[I_BURN], path, "burn_s", R_IC_BURN, &burn)) ||
        (rc = get_number(c, v[I_MINALT], path, "min_alt_km", R_ALT_KM, &lo)) ||
        (rc = get_number(c, v[I_MAXALT], path, "max_alt_km", R_ALT_KM, &hi)))
        return rc;
    if (!(hi > lo)) {
        char p[160];
        join(p, sizeof p, path, "max_alt_km");
        return jmd__yaml_fail(c, v[I_MAXALT], p,
                              "expected more than min_alt_km (%.10g), found %s", lo,
                              v[I_MAXALT]->text);
    }
    if (v[I_RANGE] && (rc = get_number(c, v[I_RANGE], path, "max_range_km", R_RANGE_KM, &range)))
        return rc;
    out->burnout_speed = speed * 1e3;
    out->burn_time = burn;
    out->min_alt = lo * 1e3;
    out->max_alt = hi * 1e3;
    out->max_range = range * 1e3;
    return 0;
}

/* ---- catalogue arrays --------------------------------------------------- */

/* Entries parsed from one text, before they are appended. */
typedef struct {
    jmd_vehicle *veh;
    const ynode **veh_name; /* name nodes, for duplicate messages */
    size_t nveh;
    jmd_interceptor *ic;
    const ynode **ic_name;
    size_t nic;
} staging;

static void staging_free(staging *s)
{
    free(s->veh);
    free(s->veh_name);
    free(s->ic);
    free(s->ic_name);
    memset(s, 0, sizeof *s);
}

/* Names already taken: up to two catalogues (the caller's, and for the
 * built-in set the files parsed before this one). */
typedef struct {
    const jmd_catalogue *cat[2];
} taken;

static int dup_vehicle(pctx *c, const taken *tk, const staging *s, const char *name,
                       const ynode *at, const char *path)
{
    char p[160];
    join(p, sizeof p, path, "name");
    for (int k = 0; k < 2; k++) {
        const jmd_catalogue *cat = tk->cat[k];
        for (size_t i = 0; cat && i < cat->nvehicles; i++)
            if (strcmp(cat->vehicles[i].name, name) == 0)
                return jmd__yaml_fail(c, at, p,
                                      "duplicate name \"%s\" (already in the catalogue)", name);
    }
    for (size_t i = 0; i < s->nveh; i++)
        if (strcmp(s->veh[i].name, name) == 0)
            return jmd__yaml_fail(c, at, p, "duplicate name \"%s\" (first at line %d)", name,
                                  s->veh_name[i]->line + 1);
    return 0;
}

static int dup_interceptor(pctx *c, const taken *tk, const staging *s, const char *name,
                           const ynode *at, const char *path)
{
    char p[160];
    join(p, sizeof p, path, "name");
    for (int k = 0; k < 2; k++) {
        const jmd_catalogue *cat = tk->cat[k];
        for (size_t i = 0; cat && i < cat->ninterceptors; i++)
            if (strcmp(cat->interceptors[i].name, name) == 0)
                return jmd__yaml_fail(c, at, p,
                                      "duplicate name \"%s\" (already in the catalogue)", name);
    }
    for (size_t i = 0; i < s->nic; i++)
        if (strcmp(s->ic[i].name, name) == 0)
            return jmd__yaml_fail(c, at, p, "duplicate name \"%s\" (first at line %d)", name,
                                  s->ic_name[i]->line + 1);
    return 0;
}

static int parse_tree(pctx *c, const taken *tk, const ynode *root, staging *s)
{
    const ynode *v[T_NKEYS], *k[T_NKEYS];
    char buf[64];
    if (!root || jmd__yaml_is_null(root)) return 0;
    if (root->type != JMD__YAML_MAP)
        return jmd__yaml_fail(
            c, root, "",
            "expected a mapping with the keys \"threats\" and \"interceptors\", found %s",
            jmd__yaml_found(root, buf, sizeof buf));
    int rc = check_keys(c, root, "", top_keys, T_NKEYS, v, k);
    if (rc) return rc;
    const ynode *th = v[T_THREATS], *in = v[T_INTERCEPTORS];
    if (th && !jmd__yaml_is_null(th)) {
        if (th->type != JMD__YAML_SEQ)
            return jmd__yaml_fail(c, th, "threats",
                                  "expected a sequence of threat classes, found %s",
                                  jmd__yaml_found(th, buf, sizeof buf));
        s->veh = calloc(th->count ? th->count : 1, sizeof *s->veh);
        s->veh_name = calloc(th->count ? th->count : 1, sizeof *s->veh_name);
        if (!s->veh || !s->veh_name) return JMD_ENOMEM;
        size_t i = 0;
        for (const ynode *e = th->first; e; e = e->next, i++) {
            char p[64];
            const ynode *nm = NULL;
            snprintf(p, sizeof p, "threats[%zu]", i);
            if ((rc = parse_vehicle(c, e, p, &s->veh[s->nveh], &nm))) return rc;
            if ((rc = dup_vehicle(c, tk, s, s->veh[s->nveh].name, nm, p))) return rc;
            s->veh_name[s->nveh++] = nm;
        }
    }
    if (in && !jmd__yaml_is_null(in)) {
        if (in->type != JMD__YAML_SEQ)
            return jmd__yaml_fail(c, in, "interceptors",
                                  "expected a sequence of interceptor classes, found %s",
                                  jmd__yaml_found(in, buf, sizeof buf));
        s->ic = calloc(in->count ? in->count : 1, sizeof *s->ic);
        s->ic_name = calloc(in->count ? in->count : 1, sizeof *s->ic_name);
        if (!s->ic || !s->ic_name) return JMD_ENOMEM;
        size_t i = 0;
        for (const ynode *e = in->first; e; e = e->next, i++) {
            char p[64];
            const ynode *nm = NULL;
            snprintf(p, sizeof p, "interceptors[%zu]", i);
            if ((rc = parse_interceptor(c, e, p, &s->ic[s->nic], &nm))) return rc;
            if ((rc = dup_interceptor(c, tk, s, s->ic[s->nic].name, nm, p))) return rc;
            s->ic_name[s->nic++] = nm;
        }
    }
    return 0;
}

/* Appends staged entries to cat; on failure cat is as before. */
static int append(jmd_catalogue *cat, const staging *s)
{
    if (s->nveh) {
        if (cat->nvehicles > ((size_t)-1 / sizeof(jmd_vehicle)) - s->nveh) return JMD_ENOMEM;
        jmd_vehicle *p = realloc(cat->vehicles, (cat->nvehicles + s->nveh) * sizeof *p);
        if (!p) return JMD_ENOMEM;
        cat->vehicles = p; /* count unchanged until both succeed */
    }
    if (s->nic) {
        if (cat->ninterceptors > ((size_t)-1 / sizeof(jmd_interceptor)) - s->nic)
            return JMD_ENOMEM;
        jmd_interceptor *p = realloc(cat->interceptors, (cat->ninterceptors + s->nic) * sizeof *p);
        if (!p) return JMD_ENOMEM;
        cat->interceptors = p;
    }
    if (s->nveh) memcpy(cat->vehicles + cat->nvehicles, s->veh, s->nveh * sizeof *s->veh);
    if (s->nic) memcpy(cat->interceptors + cat->ninterceptors, s->ic, s->nic * sizeof *s->ic);
    cat->nvehicles += s->nveh;
    cat->ninterceptors += s->nic;
    return 0;
}

/* ---- public ------------------------------------------------------------- */

/* Parses text, checks names against tk, appends to dst (all or nothing). */
static int parse_into(const taken *tk, jmd_catalogue *dst, const char *text, size_t len,
                      const char *name, char *err, size_t errlen)
{
    pctx c = {name, err, errlen};
    if (len > JMD_CATALOGUE_MAX_BYTES) {
        jmd__yaml_set_err(err, errlen, "%s: input is %zu bytes; at most %u are accepted", name,
                          len, JMD_CATALOGUE_MAX_BYTES);
        return JMD_EPARSE;
    }
    jmd__yaml_arena a = {NULL};
    staging s;
    memset(&s, 0, sizeof s);
    ynode *root = NULL;
    int rc = jmd__yaml_tree(&c, text, len, &a, &root, NULL, NULL);
    if (rc == 0) rc = parse_tree(&c, tk, root, &s);
    if (rc == 0) rc = append(dst, &s);
    if (rc == JMD_ENOMEM) jmd__yaml_set_err(err, errlen, "%s: out of memory", name);
    staging_free(&s);
    jmd__yaml_arena_free(&a);
    return rc;
}

int jmd_catalogue_parse(jmd_catalogue *cat, const char *text, size_t len, const char *name,
                        char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!name) name = "<input>";
    if (!cat || (!text && len)) {
        jmd__yaml_set_err(err, errlen, "%s: invalid argument", name);
        return JMD_EINVAL;
    }
    taken tk = {{cat, NULL}};
    return parse_into(&tk, cat, text, len, name, err, errlen);
}

int jmd_catalogue_load(jmd_catalogue *cat, const char *path, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!cat || !path) {
        jmd__yaml_set_err(err, errlen, "invalid argument");
        return JMD_EINVAL;
    }
    char *buf;
    size_t n;
    int rc = jmd__yaml_read_file(path, JMD_CATALOGUE_MAX_BYTES, &buf, &n, err, errlen);
    if (rc != 0) return rc;
    rc = jmd_catalogue_parse(cat, buf, n, path, err, errlen);
    free(buf);
    return rc;
}

int jmd_catalogue_load_builtin(jmd_catalogue *cat, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!cat) {
        jmd__yaml_set_err(err, errlen, "invalid argument");
        return JMD_EINVAL;
    }
    /* All files or none: collect into `all` (names checked against cat and
     * the files before), then append to cat. */
    jmd_catalogue all = {0};
    int rc = 0;
    for (const jmd__embedded_file *f = jmd__catalogue_files; f->name && rc == 0; f++) {
        taken tk = {{cat, &all}};
        rc = parse_into(&tk, &all, f->text, f->len, f->name, err, errlen);
    }
    if (rc == 0) {
        staging s = {all.vehicles, NULL, all.nvehicles, all.interceptors, NULL, all.ninterceptors};
        rc = append(cat, &s);
        if (rc == JMD_ENOMEM)
            jmd__yaml_set_err(err, errlen, "built-in catalogue: out of memory");
    }
    jmd_catalogue_free(&all);
    return rc;
}

void jmd_catalogue_free(jmd_catalogue *cat)
{
    if (!cat) return;
    free(cat->vehicles);
    free(cat->interceptors);
    memset(cat, 0, sizeof *cat);
}

const jmd_vehicle *jmd_catalogue_vehicle(const jmd_catalogue *cat, const char *name)
{
    if (!cat || !name) return NULL;
    for (size_t i = 0; i < cat->nvehicles; i++)
        if (strcmp(cat->vehicles[i].name, name) == 0) return &cat->vehicles[i];
    return NULL;
}

const jmd_interceptor *jmd_catalogue_interceptor(const jmd_catalogue *cat, const char *name)
{
    if (!cat || !name) return NULL;
    for (size_t i = 0; i < cat->ninterceptors; i++)
        if (strcmp(cat->interceptors[i].name, name) == 0) return &cat->interceptors[i];
    return NULL;
}
