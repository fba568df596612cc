/*
 * report.c — the HTML report (jmd/report.h): the data object as JSON and
 * the self-contained page around it.
 *
 * The page is the embedded template web/report.html.in with its markers
 * replaced: @@TITLE@@ (the scenario's name, HTML-escaped), @@CSS@@
 * (report.css), @@VENDOR@@ (vendor.js, built by web/build.js), @@APP@@
 * (app.js) and @@DATA@@ (the JSON). The JSON is written by hand, in a
 * fixed order with fixed number formats, so the same inputs give the same
 * bytes; NAN and infinities are written as null.
 *
 * Workload: cold — one report per run; the largest part is the tracks
 * (threats x flight time / JMD_REPORT_TRACK_STEP points per replay).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/geo.h"
#include "jmd/govern.h"
#include "jmd/report.h"
#include "report/report__geo.h"
#include "report/report__assets.h"

#define DEG (180.0 / M_PI)
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Target altitude for which a radar's horizon footprint is drawn (m). */
#define COVER_TARGET_ALT 100e3

/* ---- JSON helpers ----------------------------------------------------- */

/* A JSON string; '<', '>' and '&' as \u escapes so that nothing in the
 * data can close or open an HTML element. */
static void jstr(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
        } else if (c == '\n') {
            fputs("\\n", f);
        } else if (c == '\t') {
            fputs("\\t", f);
        } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            fprintf(f, "\\u%04x", c);
        } else {
            fputc(c, f);
        }
    }
    fputc('"', f);
}

/* A number with `prec` digits after the point, or null. */
static void jnum(FILE *f, double x, int prec)
{
    if (!isfinite(x)) {
        fputs("null", f);
        return;
    }
    if (x == 0) x = 0; /* no "-0" */
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", prec, x);
    if (strcmp(buf, "-0") == 0 || strncmp(buf, "-0.", 3) == 0) {
        int zero = 1;
        for (const char *p = buf + 1; *p; p++)
            if (*p != '0' && *p != '.') zero = 0;
        if (zero) memmove(buf, buf + 1, strlen(buf));
    }
    fputs(buf, f);
}

static void jkey(FILE *f, const char *k)
{
    jstr(f, k);
    fputc(':', f);
}

/* ---- geometry --------------------------------------------------------- */

static void polygons(FILE *f, const jmd_polygon *p, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",[" : "[", f);
        for (size_t j = 0; j < p[i].n; j++) {
            fputs(j ? ",[" : "[", f);
            jnum(f, p[i].v[j].lon * DEG, 4);
            fputc(',', f);
            jnum(f, p[i].v[j].lat * DEG, 4);
            fputc(']', f);
        }
        fputc(']', f);
    }
    fputc(']', f);
}

/* Ground distance (m, on the mean sphere) out to which a radar at height
 * h_r sees a target at height h_t at or above elevation el. */
static double horizon_ground(double h_r, double h_t, double el)
{
    double R = JMD_EARTH_RMEAN, c = (R + h_r) * cos(el) / (R + h_t);
    if (c > 1) return 0;
    double theta = acos(c) - el;
    return theta > 0 ? R * theta : 0;
}

static void latlon_deg(FILE *f, double lat, double lon)
{
    jkey(f, "lat");
    jnum(f, lat * DEG, 4);
    fputs(",\"lon\":", f);
    jnum(f, lon * DEG, 4);
}

static void write_world(FILE *f, const jmd_scenario *sc)
{
    fputs("\"parties\":[", f);
    for (size_t i = 0; i < sc->nparties; i++) {
        const jmd_party *p = &sc->parties[i];
        fputs(i ? ",{" : "{", f);
        jkey(f, "name");
        jstr(f, p->name);
        fputs(",\"territory\":", f);
        polygons(f, p->territory, p->nterritory);
        fputs(",\"sector\":", f);
        polygons(f, p->sector, p->nsector);
        fputc('}', f);
    }
    fputs("],\n\"assets\":[", f);
    for (size_t i = 0; i < sc->nassets; i++) {
        const jmd_asset *a = &sc->assets[i];
        fputs(i ? ",{" : "{", f);
        jkey(f, "name");
        jstr(f, a->name);
        fprintf(f, ",\"owner\":%d,", a->owner);
        latlon_deg(f, a->lat, a->lon);
        fputs(",\"value\":", f);
        jnum(f, a->value, 3);
        fputs(",\"radius_km\":", f);
        jnum(f, a->radius / 1e3, 3);
        fputc('}', f);
    }
    fputs("],\n\"radars\":[", f);
    for (size_t i = 0; i < sc->nradars; i++) {
        const jmd_radar *r = &sc->radars[i];
        double range = r->range_ref;
        if (r->max_range > 0 && r->max_range < range) range = r->max_range;
        double hor = horizon_ground(r->h, COVER_TARGET_ALT, r->min_el);
        fputs(i ? ",{" : "{", f);
        jkey(f, "name");
        jstr(f, r->name);
        fprintf(f, ",\"owner\":%d,", r->owner);
        latlon_deg(f, r->lat, r->lon);
        fputs(",\"alt_m\":", f);
        jnum(f, r->h, 0);
        fputs(",\"range_km\":", f);
        jnum(f, range / 1e3, 1);
        fputs(",\"horizon_km\":", f);
        jnum(f, hor / 1e3, 1);
        fputs(",\"cover_km\":", f);
        jnum(f, (hor < range ? hor : range) / 1e3, 1);
        fputs(",\"boresight_az_deg\":", f);
        jnum(f, r->boresight_az * DEG, 2);
        fputs(",\"fov_az_deg\":", f);
        jnum(f, (r->fov_az >= M_PI ? M_PI : r->fov_az) * DEG, 2);
        fputs(",\"min_el_deg\":", f);
        jnum(f, r->min_el * DEG, 2);
        fputs(",\"rcs_ref_m2\":", f);
        jnum(f, r->rcs_ref, 4);
        fputs(",\"revisit_s\":", f);
        jnum(f, r->revisit, 2);
        fputc('}', f);
    }
    fputs("],\n\"irsats\":[", f);
    for (size_t i = 0; i < sc->nirsats; i++) {
        const jmd_irsat *s = &sc->irsats[i];
        fputs(i ? ",{" : "{", f);
        jkey(f, "name");
        jstr(f, s->name);
        fprintf(f, ",\"owner\":%d,", s->owner);
        latlon_deg(f, s->lat, s->lon);
        fputs(",\"alt_km\":", f);
        jnum(f, s->h / 1e3, 0);
        fputs(",\"delay_s\":", f);
        jnum(f, s->delay, 1);
        fputc('}', f);
    }
    fputs("],\n\"sites\":[", f);
    for (size_t i = 0; i < sc->nsites; i++) {
        const jmd_site *s = &sc->sites[i];
        fputs(i ? ",{" : "{", f);
        jkey(f, "name");
        jstr(f, s->name);
        fprintf(f, ",\"owner\":%d,", s->owner);
        latlon_deg(f, s->lat, s->lon);
        fputs(",\"interceptor\":", f);
        jstr(f, s->ic.name);
        fputs(",\"burnout_speed_kms\":", f);
        jnum(f, s->ic.burnout_speed / 1e3, 2);
        fputs(",\"min_alt_km\":", f);
        jnum(f, s->ic.min_alt / 1e3, 1);
        fputs(",\"max_alt_km\":", f);
        jnum(f, s->ic.max_alt / 1e3, 1);
        fputs(",\"reach_km\":", f);
        jnum(f, jmd__report_reach_ground(&s->ic) / 1e3, 0);
        fprintf(f, ",\"inventory\":%d,\"launchers\":%d,\"pk\":", s->inventory, s->launchers);
        jnum(f, s->pk, 3);
        fputc('}', f);
    }
    fputs("],\n\"threats\":[", f);
    for (size_t i = 0; i < sc->nthreats; i++) {
        const jmd_threat *t = &sc->threats[i];
        fputs(i ? ",{" : "{", f);
        jkey(f, "name");
        jstr(f, t->name);
        fputs(",\"vehicle\":", f);
        jstr(f, t->veh.name);
        fputs(",\"class\":", f);
        jstr(f, t->veh.cls);
        fputs(",\"lat0\":", f);
        jnum(f, t->lat0 * DEG, 4);
        fputs(",\"lon0\":", f);
        jnum(f, t->lon0 * DEG, 4);
        fputs(",\"lat1\":", f);
        jnum(f, t->lat1 * DEG, 4);
        fputs(",\"lon1\":", f);
        jnum(f, t->lon1 * DEG, 4);
        fprintf(f, ",\"target\":%d,\"t_launch\":", t->target);
        jnum(f, t->t_launch, 1);
        fputc('}', f);
    }
    fputs("]", f);
}

/* ---- replays ---------------------------------------------------------- */

static const char *fate_name(int fate)
{
    switch (fate) {
    case JMD_FATE_INTERCEPTED: return "intercepted";
    case JMD_FATE_LEAKED: return "leaked";
    case JMD_FATE_IN_FLIGHT: return "in-flight";
    default: return "none";
    }
}

/* One track point [t s, lat deg, lon deg, alt km]; 0 or -1 (bad state). */
static int track_point(FILE *f, const jmd_state *st, int first)
{
    double ecef[3], lat, lon, h;
    if (jmd_geo_eci_to_ecef(st->t, st->r, ecef) != 0 ||
        jmd_geo_from_ecef(ecef, &lat, &lon, &h) != 0)
        return -1;
    fputs(first ? "[" : ",[", f);
    jnum(f, st->t, 1);
    fputc(',', f);
    jnum(f, lat * DEG, 4);
    fputc(',', f);
    jnum(f, lon * DEG, 4);
    fputc(',', f);
    jnum(f, h / 1e3, 2);
    fputc(']', f);
    return 0;
}

/* The truth ground track from launch to t_end (or the last sample), every
 * JMD_REPORT_TRACK_STEP s, with the exact end point. */
static void write_track(FILE *f, const jmd_trajectory *tr, double t_end)
{
    fputc('[', f);
    if (tr && tr->n > 0) {
        double t0 = tr->s[0].t, tl = tr->s[tr->n - 1].t;
        double end = isfinite(t_end) && t_end < tl && t_end > t0 ? t_end : tl;
        double next = t0;
        int first = 1;
        for (size_t k = 0; k < tr->n && tr->s[k].t < end; k++) {
            if (tr->s[k].t + 1e-9 < next) continue;
            if (track_point(f, &tr->s[k], first) == 0) first = 0;
            next = tr->s[k].t + JMD_REPORT_TRACK_STEP;
        }
        jmd_state st;
        if (jmd_trajectory_at(tr, end, &st) == 0) track_point(f, &st, first);
    }
    fputc(']', f);
}

static void write_replay(FILE *f, const jmd_scenario *sc, const jmd_sim_result *r)
{
    fputc('{', f);
    jkey(f, "model");
    jstr(f, jmd_gov_model_name(r->model));
    fprintf(f, ",\"intercepted\":%d,\"leaked\":%d,\"fired\":%d,\"wasted\":%d,\"threats\":[\n",
            r->intercepted, r->leaked, r->fired, r->wasted);
    for (size_t i = 0; i < r->nthreats && i < sc->nthreats; i++) {
        const jmd_sim_threat *t = &r->threats[i];
        if (i) fputs(",\n", f);
        fputc('{', f);
        jkey(f, "name");
        jstr(f, sc->threats[i].name);
        fputs(",\"fate\":", f);
        jstr(f, fate_name(t->fate));
        static const char *const keys[] = {"t_launch", "t_detect", "t_track", "t_warning",
                                           "t_decision", "t_engage", "t_end"};
        const double vals[] = {t->t_launch,   t->t_detect, t->t_track, t->t_warning,
                               t->t_decision, t->t_engage, t->t_end};
        for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
            fputc(',', f);
            jkey(f, keys[k]);
            jnum(f, vals[k], 1);
        }
        fputs(",\"t_impact_nominal\":", f);
        jnum(f, t->t_impact_nominal, 1);
        fprintf(f, ",\"detect_radar\":%d,\"killer_site\":%d,\"engage_site\":%d,"
                   "\"rounds\":%d,\"assets_hit\":%d,\"end\":",
                t->detect_radar, t->killer_site, t->engage_site, t->rounds, t->assets_hit);
        if (isfinite(t->lat) && isfinite(t->lon)) {
            fputc('[', f);
            jnum(f, t->lat * DEG, 4);
            fputc(',', f);
            jnum(f, t->lon * DEG, 4);
            fputc(',', f);
            jnum(f, t->alt / 1e3, 2);
            fputc(']', f);
        } else {
            fputs("null", f);
        }
        fputs(",\"track\":", f);
        write_track(f, r->truth ? &r->truth[i] : NULL, t->t_end);
        fputc('}', f);
    }
    fputs("]}", f);
}

/* ---- the comparison --------------------------------------------------- */

static void prop(FILE *f, const char *key, const jmd_study_prop *p)
{
    jkey(f, key);
    fprintf(f, "{\"k\":%ld,\"n\":%ld,\"p\":", p->k, p->n);
    jnum(f, p->p, 5);
    fputs(",\"lo\":", f);
    jnum(f, p->lo, 5);
    fputs(",\"hi\":", f);
    jnum(f, p->hi, 5);
    fputc('}', f);
}

static void mean(FILE *f, const char *key, const jmd_study_mean *m)
{
    jkey(f, key);
    fprintf(f, "{\"n\":%ld,\"mean\":", m->n);
    jnum(f, m->mean, 4);
    fputs(",\"sd\":", f);
    jnum(f, m->sd, 4);
    fputs(",\"lo\":", f);
    jnum(f, m->lo, 4);
    fputs(",\"hi\":", f);
    jnum(f, m->hi, 4);
    fputc('}', f);
}

static void ratio(FILE *f, const char *key, const jmd_study_ratio *r)
{
    jkey(f, key);
    fprintf(f, "{\"relied\":%ld,\"defended\":%ld,\"share\":", r->relied, r->defended);
    jnum(f, r->share, 4);
    fputc('}', f);
}

static void write_study(FILE *f, const jmd_scenario *sc, const jmd_study *s)
{
    static const char *const tnames[JMD_STUDY_NTIMES] = {"detect",   "track",  "warning",
                                                         "decision", "launch", "intercept"};
    fprintf(f, "{\"seed\":\"%llu\",\"trials\":%ld,\"models\":[", (unsigned long long)s->seed,
            s->trials);
    for (size_t m = 0; m < s->nmodels; m++) {
        const jmd_study_model *md = &s->models[m];
        fputs(m ? ",\n{" : "\n{", f);
        jkey(f, "name");
        jstr(f, jmd_gov_model_name((jmd_gov_model)md->effective));
        fputc(',', f);
        prop(f, "no_leaker", &md->no_leaker);
        fputc(',', f);
        mean(f, "leakers", &md->leakers);
        fputc(',', f);
        mean(f, "intercepted", &md->intercepted);
        fputc(',', f);
        mean(f, "fired", &md->fired);
        fputc(',', f);
        mean(f, "wasted", &md->wasted);
        fputc(',', f);
        mean(f, "proposals", &md->proposals);
        fputc(',', f);
        mean(f, "vetoes", &md->vetoes);
        fputc(',', f);
        mean(f, "timeouts", &md->timeouts);
        fputs(",\"times\":{", f);
        for (int k = 0; k < JMD_STUDY_NTIMES; k++) {
            if (k) fputc(',', f);
            jkey(f, tnames[k]);
            fprintf(f, "{\"n\":%ld,\"median\":", md->times[k].n);
            jnum(f, md->times[k].median, 1);
            fputc('}', f);
        }
        fputs("},\"parties\":[", f);
        for (size_t p = 0; p < s->nparties && p < sc->nparties; p++) {
            const jmd_study_party *sp = &md->party[p];
            fputs(p ? ",{" : "{", f);
            jkey(f, "name");
            jstr(f, sc->parties[p].name);
            fputc(',', f);
            prop(f, "no_asset_hit", &sp->no_asset_hit);
            fputc(',', f);
            mean(f, "assets_hit", &sp->assets_hit);
            fprintf(f, ",\"threatened\":%ld,\"defended\":%ld,", sp->threatened, sp->defended);
            ratio(f, "dep_data", &sp->dep_data);
            fputc(',', f);
            ratio(f, "dep_consent", &sp->dep_consent);
            fputc(',', f);
            ratio(f, "dep_interceptor", &sp->dep_interceptor);
            fputc('}', f);
        }
        fputs("]}", f);
    }
    fputs("]}", f);
}

/* ---- parameters and sources ------------------------------------------ */

/* Copies s[0..n) trimmed of blanks into out (cap bytes), cut with "..." */
static void trimmed(char *out, size_t cap, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    if (n >= cap) {
        n = cap - 4;
        memcpy(out, s, n);
        memcpy(out + n, "...", 4);
        return;
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

/* The value of `name:` on the line, if any (block or flow style). */
static int line_name(const char *s, size_t n, char *out, size_t cap)
{
    for (size_t i = 0; i + 5 <= n; i++) {
        if (memcmp(s + i, "name:", 5) != 0) continue;
        if (i > 0 && s[i - 1] != ' ' && s[i - 1] != '{' && s[i - 1] != '-') continue;
        size_t a = i + 5, b;
        while (a < n && (s[a] == ' ' || s[a] == '"' || s[a] == '\'')) a++;
        for (b = a; b < n && s[b] != ',' && s[b] != '}' && s[b] != '"' && s[b] != '\''; b++) {}
        trimmed(out, cap, s + a, b - a);
        return out[0] != '\0';
    }
    return 0;
}

/* Every line "key: value  # source" of the scenario file, with the name of
 * the entry it belongs to (the last `name:` seen since the last top-level
 * key). Comment-only lines are commentary, not parameters. */
static void write_sources(FILE *f, const char *path)
{
    FILE *in = path ? fopen(path, "r") : NULL;
    fputc('[', f);
    if (!in) {
        fputc(']', f);
        return;
    }
    char line[8192], context[JMD_NAME_MAX + 8] = "", key[64], value[160], src[600];
    int first = 1;
    long lineno = 0;
    while (fgets(line, sizeof line, in)) {
        lineno++;
        size_t n = strcspn(line, "\n");
        line[n] = '\0';
        size_t ind = strspn(line, " ");
        if (line[ind] == '\0' || line[ind] == '#') continue;
        /* the comment: the first '#' outside quotes preceded by a blank */
        char quote = 0;
        size_t hash = n;
        for (size_t i = ind; i < n; i++) {
            char c = line[i];
            if (quote) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#' && i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
                hash = i;
                break;
            }
        }
        const char *body = line + ind;
        size_t blen = hash - ind;
        if (ind == 0 && body[0] != '-') { /* a top-level key: a section names its lines */
            const char *colon = memchr(body, ':', blen);
            size_t after = colon ? strspn(colon + 1, " ") : 0;
            context[0] = '\0';
            if (colon && colon + 1 + after >= body + blen)
                trimmed(context, sizeof context, body, (size_t)(colon - body));
        }
        char nm[JMD_NAME_MAX + 8];
        if (line_name(body, blen, nm, sizeof nm)) snprintf(context, sizeof context, "%s", nm);
        if (hash == n) continue;
        trimmed(src, sizeof src, line + hash + 1, n - hash - 1);
        if (!src[0]) continue;
        /* the key: a block key "k: v" or "- k: v"; a flow entry "- {...}" */
        const char *b = body;
        size_t bl = blen;
        if (bl >= 2 && b[0] == '-' && b[1] == ' ') b += 2, bl -= 2;
        while (bl && *b == ' ') b++, bl--;
        if (bl && (*b == '{' || *b == '[')) {
            snprintf(key, sizeof key, "%s", "entry");
            trimmed(value, sizeof value, b, bl);
        } else {
            const char *colon = memchr(b, ':', bl);
            if (!colon) continue;
            trimmed(key, sizeof key, b, (size_t)(colon - b));
            trimmed(value, sizeof value, colon + 1, bl - (size_t)(colon - b) - 1);
        }
        fputs(first ? "\n{" : ",\n{", f);
        first = 0;
        fprintf(f, "\"line\":%ld,\"context\":", lineno);
        jstr(f, context);
        fputs(",\"key\":", f);
        jstr(f, key);
        fputs(",\"value\":", f);
        jstr(f, value);
        fputs(",\"source\":", f);
        jstr(f, src);
        fputc('}', f);
    }
    fclose(in);
    fputc(']', f);
}

/* ---- the transparency analysis ---------------------------------------- */

/* A JSON document given as text, copied as it is except that '<', '>'
 * and '&' become \u escapes (in JSON they can only stand inside strings,
 * where the escape means the same character). */
static void raw_json(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '<' || *p == '>' || *p == '&') fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);
    }
}

/* Is s, after leading blanks, a JSON object? (A cheap guard: the text is
 * trusted to be what jmd_assure_write_json / _geojson wrote.) */
static int looks_like_object(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') s++;
    return *s == '{';
}

/* ---- the document ----------------------------------------------------- */

int jmd_report_write_json_assure(const jmd_scenario *sc, const jmd_report_input *in,
                                 const jmd_report_assure *as, FILE *f)
{
    if (!sc || !in || !f || (in->nreplays && !in->replays)) return JMD_EINVAL;
    if (as && (!as->json || !as->geojson || !looks_like_object(as->json) ||
               !looks_like_object(as->geojson)))
        return JMD_EINVAL;
    fputs("{\"format\":\"jmd-report-1\",\"title\":", f);
    jstr(f, sc->name);
    fputs(",\"epoch\":", f);
    jstr(f, sc->epoch);
    fputs(",\"scenario_file\":", f);
    jstr(f, in->scenario_path ? in->scenario_path : "");
    fprintf(f, ",\"scenario_seed\":\"%llu\",\"replay_seed\":\"%llu\",\"duration_s\":",
            (unsigned long long)sc->seed, (unsigned long long)in->replay_seed);
    jnum(f, sc->duration, 1);
    fputs(",\"mode\":", f);
    jstr(f, in->study ? "compare" : as ? "assure" : "run");
    fputs(",\n", f);
    write_world(f, sc);
    fputs(",\n\"replays\":[", f);
    for (size_t i = 0; i < in->nreplays; i++) {
        if (!in->replays[i]) return JMD_EINVAL;
        fputs(i ? ",\n" : "\n", f);
        write_replay(f, sc, in->replays[i]);
    }
    fputs("],\n\"study\":", f);
    if (in->study) write_study(f, sc, in->study);
    else fputs("null", f);
    fputs(",\n\"sources\":", f);
    write_sources(f, in->scenario_path);
    fputs(",\n\"assure\":", f);
    if (as) {
        fputs("{\"result\":", f);
        raw_json(f, as->json);
        fputs(",\n\"geojson\":", f);
        raw_json(f, as->geojson);
        fputc('}', f);
    } else {
        fputs("null", f);
    }
    fputs("}\n", f);
    return ferror(f) ? JMD_EIO : 0;
}

int jmd_report_write_json(const jmd_scenario *sc, const jmd_report_input *in, FILE *f)
{
    return jmd_report_write_json_assure(sc, in, NULL, f);
}

static const jmd__report_asset *asset(const char *name)
{
    for (const jmd__report_asset *a = jmd__report_assets; a->name; a++)
        if (strcmp(a->name, name) == 0) return a;
    return NULL;
}

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

int jmd_report_write_html_assure(const jmd_scenario *sc, const jmd_report_input *in,
                                 const jmd_report_assure *as, FILE *out)
{
    if (!sc || !in || !out) return JMD_EINVAL;
    const jmd__report_asset *tpl = asset("report.html.in"), *css = asset("report.css"),
                            *app = asset("app.js"), *vendor = asset("vendor.js");
    if (!tpl || !css || !app || !vendor) return JMD_ENOTFOUND;

    char *json = NULL;
    size_t jlen = 0;
    FILE *mem = open_memstream(&json, &jlen);
    if (!mem) return JMD_ENOMEM;
    int rc = jmd_report_write_json_assure(sc, in, as, mem);
    if (fclose(mem) != 0 && rc == 0) rc = JMD_ENOMEM;
    if (rc != 0) {
        free(json);
        return rc;
    }

    const char *p = tpl->text;
    for (;;) {
        const char *m = strstr(p, "@@");
        if (!m) {
            fputs(p, out);
            break;
        }
        fwrite(p, 1, (size_t)(m - p), out);
        if (strncmp(m, "@@TITLE@@", 9) == 0) {
            html_text(out, sc->name[0] ? sc->name : "jmd report");
            p = m + 9;
        } else if (strncmp(m, "@@CSS@@", 7) == 0) {
            fwrite(css->text, 1, css->len, out);
            p = m + 7;
        } else if (strncmp(m, "@@VENDOR@@", 10) == 0) {
            fwrite(vendor->text, 1, vendor->len, out);
            p = m + 10;
        } else if (strncmp(m, "@@APP@@", 7) == 0) {
            fwrite(app->text, 1, app->len, out);
            p = m + 7;
        } else if (strncmp(m, "@@DATA@@", 8) == 0) {
            fwrite(json, 1, jlen, out);
            p = m + 8;
        } else {
            fputs("@@", out);
            p = m + 2;
        }
    }
    free(json);
    return ferror(out) ? JMD_EIO : 0;
}

int jmd_report_write_html(const jmd_scenario *sc, const jmd_report_input *in, FILE *out)
{
    return jmd_report_write_html_assure(sc, in, NULL, out);
}

int jmd_report_write_file_assure(const char *path, const jmd_scenario *sc,
                                 const jmd_report_input *in, const jmd_report_assure *as)
{
    if (!path || !sc || !in) return JMD_EINVAL;
    FILE *f = fopen(path, "w");
    if (!f) return JMD_EIO;
    int rc = jmd_report_write_html_assure(sc, in, as, f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) rc = rc ? rc : JMD_EIO;
    return rc;
}

int jmd_report_write_file(const char *path, const jmd_scenario *sc, const jmd_report_input *in)
{
    return jmd_report_write_file_assure(path, sc, in, NULL);
}
