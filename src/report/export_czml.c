/*
 * export_czml.c — a scenario and one trial as a CZML document for CesiumJS
 * (see jmd/export.h for the contents and the conventions).
 *
 * CZML is a JSON array of packets; the first is the document packet with
 * the clock. Static things (party polygons, sensors, sites, assets) have
 * constant positions in cartographicDegrees [lon, lat, h]; each threat has
 * a sampled position — an epoch (its launch) and [t, lon, lat, h, ...]
 * with t in s after that epoch — available from launch to its end, and a
 * path graphic that draws the flown part. Every interval is written from
 * two instants with start < stop (a degenerate one is widened by 1 ms).
 *
 * Workload: cold — once per run, linear in the trajectory samples.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "jmd/error.h"
#include "jmd/export.h"
#include "jmd/geo.h"
#include "report/report__geo.h"

#define DEG (180.0 / 3.14159265358979323846)

/* Okabe-Ito, RGB: parties orange, sky blue, bluish green, yellow, black;
 * fates grey (not flown), blue (intercepted), vermillion (leaked),
 * reddish purple (in flight). */
static const int party_rgb[][3] = {
    {230, 159, 0}, {86, 180, 233}, {0, 158, 115}, {240, 228, 66}, {0, 0, 0}};
#define NPARTY_COLOURS (sizeof party_rgb / sizeof party_rgb[0])
static const int fate_rgb[][3] = {
    {153, 153, 153}, {0, 114, 178}, {213, 94, 0}, {204, 121, 167}};

/* The instant of simulation time 0, split so that milliseconds stay exact. */
typedef struct {
    int64_t unix_s;
    double frac;
} epoch_t;

/* A JSON string (quotes included). */
static void put_json(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* ISO 8601 UTC of simulation time t, to the millisecond. */
static void iso_time(const epoch_t *ep, double t, char *buf, size_t len)
{
    jmd__report_iso_time(ep->unix_s, ep->frac, t, buf, len);
}

/* "START/STOP" with start < stop at millisecond resolution. */
static void interval(FILE *out, const epoch_t *ep, double t0, double t1)
{
    char a[96], b[96];
    if (!(t1 >= t0 + 0.001)) t1 = t0 + 0.001;
    iso_time(ep, t0, a, sizeof a);
    iso_time(ep, t1, b, sizeof b);
    fprintf(out, "\"%s/%s\"", a, b);
}

static void rgba(FILE *out, const int c[3], int a)
{
    fprintf(out, "{\"rgba\":[%d,%d,%d,%d]}", c[0], c[1], c[2], a);
}

static const int *owner_rgb(int owner)
{
    return party_rgb[(owner < 0 ? 0 : (size_t)owner) % NPARTY_COLOURS];
}

/* Opens a packet: ,\n{"id":"KIND/NAME","name":NAME (the caller closes it). */
static void packet(FILE *out, const char *kind, const char *name, const char *suffix)
{
    char id[256];
    snprintf(id, sizeof id, "%s/%s%s", kind, name, suffix ? suffix : "");
    fputs(",\n{\"id\":", out);
    put_json(out, id);
    fputs(",\"name\":", out);
    put_json(out, name);
}

/* A point with a label and, when radius > 0, a ground ellipse (circle). */
static void site_packet(FILE *out, const char *kind, const char *name, const char *desc,
                        int owner, double lat, double lon, double h, double radius)
{
    const int *c = owner_rgb(owner);
    packet(out, kind, name, NULL);
    fputs(",\"description\":", out);
    put_json(out, desc);
    fprintf(out, ",\"position\":{\"cartographicDegrees\":[%.7f,%.7f,%.1f]}", lon * DEG,
            lat * DEG, h);
    fputs(",\"point\":{\"pixelSize\":8,\"color\":", out);
    rgba(out, c, 255);
    fputs(",\"outlineColor\":{\"rgba\":[255,255,255,255]},\"outlineWidth\":1}", out);
    fputs(",\"label\":{\"text\":", out);
    put_json(out, name);
    fputs(",\"font\":\"12px sans-serif\",\"pixelOffset\":{\"cartesian2\":[10,0]},"
          "\"horizontalOrigin\":\"LEFT\",\"fillColor\":{\"rgba\":[255,255,255,255]}}",
          out);
    if (radius > 0 && isfinite(radius)) {
        fprintf(out,
                ",\"ellipse\":{\"semiMajorAxis\":%.1f,\"semiMinorAxis\":%.1f,\"fill\":true,"
                "\"material\":{\"solidColor\":{\"color\":",
                radius, radius);
        rgba(out, c, 40);
        fputs("}},\"outline\":true,\"outlineColor\":", out);
        rgba(out, c, 255);
        fputs(",\"height\":0}", out);
    }
    fputs("}", out);
}

static void polygon_packet(FILE *out, const char *party, const char *what, size_t k, int owner,
                           const jmd_polygon *p)
{
    char suffix[64];
    if (p->n < 3) return;
    snprintf(suffix, sizeof suffix, "/%s/%zu", what, k + 1);
    packet(out, "party", party, suffix);
    fprintf(out, ",\"polygon\":{\"positions\":{\"cartographicDegrees\":[");
    for (size_t i = 0; i < p->n; i++)
        fprintf(out, "%s%.7f,%.7f,0", i ? "," : "", p->v[i].lon * DEG, p->v[i].lat * DEG);
    fputs("]},\"height\":0,\"fill\":true,\"material\":{\"solidColor\":{\"color\":", out);
    rgba(out, owner_rgb(owner), what[0] == 's' ? 30 : 60);
    fputs("}},\"outline\":true,\"outlineColor\":", out);
    rgba(out, owner_rgb(owner), 255);
    fputs("}}", out);
}

/* The threat's flown span [t0, t1] in the kept truth; 0, or -1 when it
 * has no usable sample. */
static int threat_span(const jmd_trajectory *tr, double t_end, double *t0, double *t1)
{
    if (!tr || tr->n == 0) return -1;
    *t0 = tr->s[0].t;
    *t1 = isfinite(t_end) && t_end < tr->s[tr->n - 1].t ? t_end : tr->s[tr->n - 1].t;
    if (*t1 < *t0) *t1 = *t0;
    return 0;
}

static void threat_packet(FILE *out, const epoch_t *ep, const jmd_threat *th,
                          const jmd_trajectory *tr, double t0, double t1, int fate)
{
    char when[96];
    double t_last = -INFINITY, lat, lon, h;
    packet(out, "threat", th->name, NULL);
    fputs(",\"description\":", out);
    put_json(out, fate == JMD_FATE_INTERCEPTED ? "intercepted"
                  : fate == JMD_FATE_LEAKED    ? "leaked"
                  : fate == JMD_FATE_IN_FLIGHT ? "still in flight"
                                               : "not flown");
    fputs(",\"availability\":", out);
    interval(out, ep, t0, t1);
    iso_time(ep, t0, when, sizeof when);
    fprintf(out,
            ",\"position\":{\"epoch\":\"%s\",\"interpolationAlgorithm\":\"LAGRANGE\","
            "\"interpolationDegree\":3,\"cartographicDegrees\":[",
            when);
    int first = 1;
    for (size_t i = 0; i < tr->n; i++) {
        const jmd_state *s = &tr->s[i];
        if (s->t > t1) break;
        if (s->t <= t_last || jmd__report_state_geo(s, &lat, &lon, &h) != 0) continue;
        t_last = s->t;
        fprintf(out, "%s%.3f,%.7f,%.7f,%.1f", first ? "" : ",", s->t - t0, lon * DEG, lat * DEG,
                h);
        first = 0;
    }
    jmd_state e;
    if (t1 > t_last && jmd_trajectory_at(tr, t1, &e) == 0 && jmd__report_state_geo(&e, &lat, &lon, &h) == 0)
        fprintf(out, "%s%.3f,%.7f,%.7f,%.1f", first ? "" : ",", t1 - t0, lon * DEG, lat * DEG,
                h);
    fputs("]},\"point\":{\"pixelSize\":7,\"color\":", out);
    rgba(out, fate_rgb[fate], 255);
    fputs("},\"path\":{\"width\":2,\"leadTime\":0,\"trailTime\":100000,\"resolution\":5,"
          "\"material\":{\"solidColor\":{\"color\":",
          out);
    rgba(out, fate_rgb[fate], 255);
    fputs("}}},\"label\":{\"text\":", out);
    put_json(out, th->name);
    fputs(",\"font\":\"11px sans-serif\",\"pixelOffset\":{\"cartesian2\":[8,-8]},"
          "\"horizontalOrigin\":\"LEFT\",\"fillColor\":{\"rgba\":[255,255,255,255]}}}",
          out);
}

int jmd_export_czml(FILE *out, const jmd_scenario *sc, const jmd_sim_result *r,
                    double epoch_unix)
{
    char buf[256], when[96];
    epoch_t ep;
    if (!out || !sc) return JMD_EINVAL;
    if (r && (r->nthreats != sc->nthreats || (r->nthreats && !r->threats))) return JMD_EINVAL;
    if (isnan(epoch_unix)) {
        ep.unix_s = sc->epoch_unix;
        ep.frac = sc->epoch_frac;
    } else {
        /* years 1..9999 */
        if (!(epoch_unix >= -62135596800.0 && epoch_unix < 253402300800.0)) return JMD_EINVAL;
        double whole = floor(epoch_unix);
        ep.unix_s = (int64_t)whole;
        ep.frac = epoch_unix - whole;
    }

    /* the clock: the run, widened to every threat's flight */
    double c0 = 0.0, c1 = sc->duration > 0 ? sc->duration : 0.0;
    for (size_t i = 0; r && r->truth && i < sc->nthreats; i++) {
        double t0, t1;
        if (threat_span(&r->truth[i], r->threats[i].t_end, &t0, &t1) != 0) continue;
        if (t0 < c0) c0 = t0;
        if (t1 > c1) c1 = t1;
    }
    if (!(c1 >= c0 + 1.0)) c1 = c0 + 1.0;

    fputs("[\n{\"id\":\"document\",\"name\":", out);
    put_json(out, sc->name[0] ? sc->name : "jmd scenario");
    fputs(",\"version\":\"1.0\",\"clock\":{\"interval\":", out);
    interval(out, &ep, c0, c1);
    iso_time(&ep, c0, when, sizeof when);
    fprintf(out,
            ",\"currentTime\":\"%s\",\"multiplier\":10,\"range\":\"LOOP_STOP\","
            "\"step\":\"SYSTEM_CLOCK_MULTIPLIER\"}}",
            when);

    for (size_t p = 0; p < sc->nparties; p++) {
        const jmd_party *pa = &sc->parties[p];
        for (size_t k = 0; k < pa->nterritory; k++)
            polygon_packet(out, pa->name, "territory", k, (int)p, &pa->territory[k]);
        for (size_t k = 0; k < pa->nsector; k++)
            polygon_packet(out, pa->name, "sector", k, (int)p, &pa->sector[k]);
    }
    for (size_t i = 0; i < sc->nradars; i++) {
        const jmd_radar *rd = &sc->radars[i];
        snprintf(buf, sizeof buf, "Radar; detection range %.0f km against %.2g m2",
                 rd->range_ref / 1000.0, rd->rcs_ref);
        site_packet(out, "sensor", rd->name, buf, rd->owner, rd->lat, rd->lon, rd->h,
                    rd->max_range > 0 ? rd->max_range : rd->range_ref);
    }
    for (size_t i = 0; i < sc->nirsats; i++) {
        const jmd_irsat *ir = &sc->irsats[i];
        double R = JMD_EARTH_RMEAN;
        snprintf(buf, sizeof buf, "Infrared early-warning satellite at %.0f km",
                 ir->h / 1000.0);
        site_packet(out, "sensor", ir->name, buf, ir->owner, ir->lat, ir->lon, ir->h,
                    ir->h > 0 ? R * acos(R / (R + ir->h)) : 0.0);
    }
    for (size_t i = 0; i < sc->nsites; i++) {
        const jmd_site *st = &sc->sites[i];
        snprintf(buf, sizeof buf, "%s, %d on hand, Pk %.2f", st->ic.name, st->inventory,
                 st->pk);
        site_packet(out, "site", st->name, buf, st->owner, st->lat, st->lon, 0,
                    jmd__report_reach_ground(&st->ic));
    }
    for (size_t i = 0; i < sc->nassets; i++) {
        const jmd_asset *as = &sc->assets[i];
        int hit = r && r->asset_hit && i < r->nassets && r->asset_hit[i];
        snprintf(buf, sizeof buf, "value %g, lethal radius %.1f km%s", as->value,
                 as->radius / 1000.0, hit ? "; destroyed" : "");
        site_packet(out, "asset", as->name, buf, as->owner, as->lat, as->lon, 0, as->radius);
    }
    for (size_t i = 0; r && i < sc->nthreats; i++) {
        const jmd_sim_threat *rt = &r->threats[i];
        int fate = rt->fate >= 0 && rt->fate <= JMD_FATE_IN_FLIGHT ? rt->fate : 0;
        double t0, t1;
        if (r->truth && threat_span(&r->truth[i], rt->t_end, &t0, &t1) == 0)
            threat_packet(out, &ep, &sc->threats[i], &r->truth[i], t0, t1, fate);
        if ((fate != JMD_FATE_INTERCEPTED && fate != JMD_FATE_LEAKED) || !isfinite(rt->t_end) ||
            !isfinite(rt->lat) || !isfinite(rt->lon))
            continue;
        double h = isfinite(rt->alt) && rt->alt > 0 ? rt->alt : 0.0;
        packet(out, fate == JMD_FATE_INTERCEPTED ? "intercept" : "impact", sc->threats[i].name,
               NULL);
        if (fate == JMD_FATE_INTERCEPTED && rt->killer_site >= 0 &&
            (size_t)rt->killer_site < sc->nsites)
            snprintf(buf, sizeof buf, "Intercepted by %s at %.1f km altitude, t = %.1f s",
                     sc->sites[rt->killer_site].name, h / 1000.0, rt->t_end);
        else
            snprintf(buf, sizeof buf, "%s at t = %.1f s, %d asset(s) hit",
                     fate == JMD_FATE_INTERCEPTED ? "Intercepted" : "Impact", rt->t_end,
                     rt->assets_hit);
        fputs(",\"description\":", out);
        put_json(out, buf);
        fputs(",\"availability\":", out);
        interval(out, &ep, rt->t_end, rt->t_end < c1 ? c1 : rt->t_end + 1.0);
        fprintf(out, ",\"position\":{\"cartographicDegrees\":[%.7f,%.7f,%.1f]}", rt->lon * DEG,
                rt->lat * DEG, h);
        fputs(",\"point\":{\"pixelSize\":10,\"color\":", out);
        rgba(out, fate_rgb[fate], 255);
        fputs(",\"outlineColor\":{\"rgba\":[255,255,255,255]},\"outlineWidth\":2}}", out);
    }
    fputs("\n]\n", out);
    return ferror(out) ? JMD_EIO : 0;
}
