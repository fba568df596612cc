/*
 * output.c — the transparency analysis as files: assure.json (every
 * number of jmd_assure_result, degrees / km / km/s / s at this edge, times
 * after the threat's launch) and assure.geojson (RFC 7946: trajectories'
 * ground tracks split at the antimeridian, sites, reachable intercept
 * points), ready as a map layer for the HTML report.
 *
 * Deterministic: fixed formats, no time stamps. Non-finite numbers are
 * written as null. Workload: cold.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jmd/assure.h"
#include "jmd/geo.h"

#define RAD2DEG (180.0 / 3.14159265358979323846)

static void jstr(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void jnum(FILE *f, double x, const char *fmt)
{
    if (isfinite(x))
        fprintf(f, fmt, x);
    else
        fputs("null", f);
}

static const char *traj_name(jmd_traj_type t)
{
    return t == JMD_TRAJ_LOFTED      ? "lofted"
           : t == JMD_TRAJ_DEPRESSED ? "depressed"
                                     : "minimum-energy";
}

static const jmd_strategic *strat(const jmd_scenario *s, int p)
{
    for (size_t i = 0; i < s->nstrategic; i++)
        if (s->strategic[i].party == p) return &s->strategic[i];
    return NULL;
}

int jmd_assure_write_json(const jmd_scenario *s, const jmd_assure_result *r, FILE *f)
{
    if (!s || !r || !f) return JMD_EINVAL;
    const jmd_strategic *g = strat(s, r->deterrent);
    const jmd_assure_opts *o = &r->opts;
    fprintf(f, "{\n  \"scenario\": ");
    jstr(f, s->name);
    fprintf(f, ",\n  \"deterrent\": ");
    jstr(f, s->parties[r->deterrent].name);
    fprintf(f,
            ",\n  \"options\": {\"samples\": %zu, \"pd_min\": %.4g, \"looks\": %d, "
            "\"track_delay_s\": %.4g, \"decision_delay_s\": %.4g, \"commit_tol_s\": %.4g, "
            "\"speed_tol_km_s\": %.4g},\n",
            o->samples, o->pd_min, o->looks, o->track_delay, o->decision_delay, o->commit_tol,
            o->speed_tol / 1e3);
    fprintf(f, "  \"variants\": [\"kinematic\", \"own\", \"shared\", \"sectoral\"],\n");
    fprintf(f, "  \"speeds_km_s\": [");
    for (int k = 0; k < r->nspeeds; k++)
        fprintf(f, "%s%.4g", k ? ", " : "", r->speeds[k] / 1e3);
    fprintf(f, "],\n  \"range_scales\": [");
    for (int k = 0; k < o->nrange_scale; k++)
        fprintf(f, "%s%.4g", k ? ", " : "", o->range_scale[k]);
    fprintf(f, "],\n  \"trajectories\": [");
    for (size_t j = 0; j < r->ntraj; j++) {
        const jmd_assure_traj *x = &r->trajs[j];
        fprintf(f, "%s\n    {\"index\": %zu, \"launch\": ", j ? "," : "", j);
        jstr(f, g ? g->launch[x->launch].name : "?");
        fprintf(f, ", \"target\": ");
        jstr(f, g ? g->targets[x->target].name : "?");
        fprintf(f, ", \"vehicle\": ");
        jstr(f, g ? g->vehicles[x->vehicle].name : "?");
        fprintf(f,
                ", \"type\": \"%s\", \"apogee_requested_km\": %.1f, "
                "\"launch_deg\": [%.4f, %.4f], \"aim_deg\": [%.4f, %.4f], \"solved\": %s",
                traj_name(x->type), x->apogee_req / 1e3, x->lat0 * RAD2DEG, x->lon0 * RAD2DEG,
                x->lat1 * RAD2DEG, x->lon1 * RAD2DEG, x->ok ? "true" : "false");
        if (x->ok)
            fprintf(f,
                    ", \"ground_range_km\": %.1f, \"flight_time_s\": %.1f, \"apogee_km\": %.1f",
                    x->res.ground_range / 1e3, x->res.flight_time, x->res.apogee_alt / 1e3);
        fputc('}', f);
    }
    fprintf(f, "\n  ],\n  \"sites\": [");
    for (size_t i = 0; i < r->nsites; i++) {
        const jmd_assure_site *S = &r->sites[i];
        fprintf(f, "%s\n    {\"site\": ", i ? "," : "");
        jstr(f, S->site);
        fprintf(f, ", \"owner\": ");
        jstr(f, s->parties[S->owner].name);
        fprintf(f, ", \"interceptor\": ");
        jstr(f, S->interceptor);
        fprintf(f,
                ", \"lat_deg\": %.4f, \"lon_deg\": %.4f, \"burnout_speed_km_s\": %.4g, "
                "\"burn_time_s\": %.4g, \"min_alt_km\": %.4g, \"max_alt_km\": %.4g, "
                "\"trajectories\": %zu,\n     \"variants\": {",
                S->lat * RAD2DEG, S->lon * RAD2DEG, S->ic.burnout_speed / 1e3, S->ic.burn_time,
                S->ic.min_alt / 1e3, S->ic.max_alt / 1e3, S->nvalid);
        for (int v = 0; v < JMD_ASSURE_NVARIANTS; v++) {
            fprintf(f,
                    "%s\n      \"%s\": {\"engageable\": %zu, \"fraction\": %.4f, "
                    "\"margin_best_s\": ",
                    v ? "," : "", jmd_assure_variant_name(v), S->engageable[v], S->fraction[v]);
            jnum(f, S->margin_best[v], "%.1f");
            fprintf(f, ", \"margin_median_s\": ");
            jnum(f, S->margin_median[v], "%.1f");
            fprintf(f, ", \"flip_speed_km_s\": ");
            jnum(f, S->flip_speed[v] / 1e3, "%.3f");
            fprintf(f, ", \"speed_fraction\": [");
            for (int k = 0; k < r->nspeeds; k++)
                fprintf(f, "%s%.4f", k ? ", " : "", S->speed_fraction[v][k]);
            fprintf(f, "], \"range_fraction\": [");
            for (int k = 0; k < o->nrange_scale; k++)
                fprintf(f, "%s%.4f", k ? ", " : "", S->range_fraction[v][k]);
            fprintf(f, "],\n        \"cells\": [");
            int first = 1;
            for (size_t j = 0; j < r->ntraj; j++) {
                const jmd_assure_traj *x = &r->trajs[j];
                if (!x->ok) continue;
                const jmd_assure_cell *c = &S->cells[j * JMD_ASSURE_NVARIANTS + (size_t)v];
                double t0 = x->tr.s[0].t;
                fprintf(f,
                        "%s\n          {\"trajectory\": %zu, \"engageable\": %s, \"reason\": "
                        "\"%s\", "
                        "\"commit_s\": ",
                        first ? "" : ",", j, c->engageable ? "true" : "false",
                        c->reason < 0 ? "no firm track" : jmd_reach_reason(c->reason));
                first = 0;
                jnum(f, c->t_commit - t0, "%.1f");
                fprintf(f, ", \"latest_commit_s\": ");
                jnum(f, c->t_latest - t0, "%.1f");
                fprintf(f, ", \"margin_s\": ");
                jnum(f, c->margin, "%.1f");
                if (c->engageable)
                    fprintf(
                        f,
                        ", \"first\": {\"t_s\": %.1f, \"lat_deg\": %.4f, \"lon_deg\": %.4f, "
                        "\"alt_km\": %.1f}, \"last\": {\"t_s\": %.1f, \"lat_deg\": %.4f, "
                        "\"lon_deg\": %.4f, \"alt_km\": %.1f}",
                        c->reach.t_first - t0, c->reach.lat_first * RAD2DEG,
                        c->reach.lon_first * RAD2DEG, c->reach.alt_first / 1e3,
                        c->reach.t_last - t0, c->reach.lat_last * RAD2DEG,
                        c->reach.lon_last * RAD2DEG, c->reach.alt_last / 1e3);
                fputc('}', f);
            }
            fprintf(f, "]}");
        }
        fprintf(f, "}}");
    }
    fprintf(f, "\n  ],\n  \"reach_calls\": %zu\n}\n", r->reach_calls);
    return ferror(f) ? JMD_EIO : 0;
}

/* Ground track as a MultiLineString, split where it crosses the antimeridian. */
static void track_geometry(FILE *f, const jmd_trajectory *tr, double step)
{
    double t0 = tr->s[0].t, t1 = tr->s[tr->n - 1].t, plon = 0;
    jmd_flight_event ev;
    if (jmd_trajectory_event(tr, JMD_EV_IMPACT, &ev) == 0) t1 = ev.s.t;
    double plat = 0, ph = 0;
    fprintf(f, "{\"type\": \"MultiLineString\", \"coordinates\": [[");
    int first = 1;
    for (double t = t0;; t += step) {
        if (t > t1) t = t1;
        jmd_state st;
        double ecef[3], lat, lon, h;
        if (jmd_trajectory_at(tr, t, &st) == 0) {
            jmd_geo_eci_to_ecef(t, st.r, ecef);
            jmd_geo_from_ecef(ecef, &lat, &lon, &h);
            lon *= RAD2DEG;
            lat *= RAD2DEG;
            if (!first && fabs(lon - plon) > 180) {
                /* Crossing the antimeridian: end this line at +-180 and
                 * start the next one there (RFC 7946 §3.1.9). */
                double e = plon > 0 ? 180.0 : -180.0;
                double dl = (lon + (plon > 0 ? 360.0 : -360.0)) - plon;
                double u = dl != 0 ? (e - plon) / dl : 0;
                double bl = plat + u * (lat - plat), bh = ph + u * (h - ph);
                fprintf(f, ", [%.4f, %.4f, %.0f]], [[%.4f, %.4f, %.0f], ", e, bl, bh, -e, bl,
                        bh);
            } else if (!first)
                fputs(", ", f);
            fprintf(f, "[%.4f, %.4f, %.0f]", lon, lat, h);
            plon = lon;
            plat = lat;
            ph = h;
            first = 0;
        }
        if (t >= t1) break;
    }
    fprintf(f, "]]}");
}

int jmd_assure_write_geojson(const jmd_scenario *s, const jmd_assure_result *r, FILE *f)
{
    if (!s || !r || !f) return JMD_EINVAL;
    const jmd_strategic *g = strat(s, r->deterrent);
    int first = 1;
    fprintf(f, "{\"type\": \"FeatureCollection\", \"features\": [");
    for (size_t j = 0; j < r->ntraj; j++) {
        const jmd_assure_traj *x = &r->trajs[j];
        if (!x->ok) continue;
        fprintf(f,
                "%s\n{\"type\": \"Feature\", \"properties\": {\"kind\": \"trajectory\", "
                "\"index\": %zu, \"launch\": ",
                first ? "" : ",", j);
        first = 0;
        jstr(f, g ? g->launch[x->launch].name : "?");
        fprintf(f, ", \"target\": ");
        jstr(f, g ? g->targets[x->target].name : "?");
        fprintf(f, ", \"vehicle\": ");
        jstr(f, g ? g->vehicles[x->vehicle].name : "?");
        fprintf(f, ", \"type\": \"%s\"}, \"geometry\": ", traj_name(x->type));
        track_geometry(f, &x->tr, r->opts.track_step);
        fputc('}', f);
    }
    for (size_t i = 0; i < r->nsites; i++) {
        const jmd_assure_site *S = &r->sites[i];
        fprintf(f,
                "%s\n{\"type\": \"Feature\", \"properties\": {\"kind\": \"site\", \"site\": ",
                first ? "" : ",");
        first = 0;
        jstr(f, S->site);
        fprintf(f, ", \"interceptor\": ");
        jstr(f, S->interceptor);
        fprintf(f,
                ", \"fraction_own\": %.4f, \"fraction_shared\": %.4f}, \"geometry\": "
                "{\"type\": \"Point\", \"coordinates\": [%.4f, %.4f]}}",
                S->fraction[JMD_ASSURE_OWN], S->fraction[JMD_ASSURE_SHARED], S->lon * RAD2DEG,
                S->lat * RAD2DEG);
        for (size_t j = 0; j < r->ntraj; j++)
            for (int v = 0; v < JMD_ASSURE_NVARIANTS; v++) {
                const jmd_assure_cell *c = &S->cells[j * JMD_ASSURE_NVARIANTS + (size_t)v];
                if (!r->trajs[j].ok || !c->engageable) continue;
                double t0 = r->trajs[j].tr.s[0].t;
                for (int e = 0; e < 2; e++) {
                    fprintf(
                        f,
                        ",\n{\"type\": \"Feature\", \"properties\": {\"kind\": \"intercept\", "
                        "\"site\": ");
                    jstr(f, S->site);
                    fprintf(f, ", \"interceptor\": ");
                    jstr(f, S->interceptor);
                    fprintf(f,
                            ", \"variant\": \"%s\", \"trajectory\": %zu, \"edge\": \"%s\", "
                            "\"t_s\": %.1f, \"alt_km\": %.1f, \"margin_s\": ",
                            jmd_assure_variant_name(v), j, e ? "last" : "first",
                            (e ? c->reach.t_last : c->reach.t_first) - t0,
                            (e ? c->reach.alt_last : c->reach.alt_first) / 1e3);
                    jnum(f, c->margin, "%.1f");
                    fprintf(f,
                            "}, \"geometry\": {\"type\": \"Point\", \"coordinates\": "
                            "[%.4f, %.4f]}}",
                            (e ? c->reach.lon_last : c->reach.lon_first) * RAD2DEG,
                            (e ? c->reach.lat_last : c->reach.lat_first) * RAD2DEG);
                }
            }
    }
    fprintf(f, "\n]}\n");
    return ferror(f) ? JMD_EIO : 0;
}

int jmd_assure_write(const jmd_scenario *s, const jmd_assure_result *r, const char *dir)
{
    if (!s || !r || !dir) return JMD_EINVAL;
    char path[4096];
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++) {
        if (snprintf(path, sizeof path, "%s/assure.%s", dir, k ? "geojson" : "json") >=
            (int)sizeof path)
            return JMD_EINVAL;
        FILE *f = fopen(path, "w");
        if (!f) return JMD_EIO;
        rc = k ? jmd_assure_write_geojson(s, r, f) : jmd_assure_write_json(s, r, f);
        if (fclose(f) != 0 && rc == 0) rc = JMD_EIO;
    }
    return rc;
}
