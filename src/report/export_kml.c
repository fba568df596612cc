/*
 * export_kml.c — a scenario and one trial as a KML 2.2 document (see
 * jmd/export.h for the contents and the conventions).
 *
 * Layout of the document: shared styles first (one per party, one per
 * threat fate), then one Folder per kind of thing. Threat flights are
 * gx:Track elements (the Google extension namespace is declared on the
 * root), so Google Earth's time slider animates them; intercept and impact
 * points carry a TimeStamp so they appear when they happen.
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
#define CIRCLE_N 72

/* Okabe-Ito colours as KML bbggrr (alpha added per use): party colours
 * cycle through orange, sky blue, bluish green, yellow and black; fates
 * are grey (not flown), blue, vermillion and reddish purple. */
static const char *const party_bgr[] = {"009fe6", "e9b456", "739e00", "42e4f0", "000000"};
#define NPARTY_COLOURS (sizeof party_bgr / sizeof party_bgr[0])
static const char *const fate_style[] = {"threat-none", "threat-intercepted", "threat-leaked",
                                         "threat-in-flight"};
static const char *const fate_bgr[] = {"999999", "b27200", "005ed5", "a779cc"};

/* XML text or attribute content: entities for the five specials, '?' for
 * the control characters XML 1.0 forbids. */
static void put_xml(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&apos;", out);
            break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                fputc('?', out);
            else
                fputc(c, out);
        }
    }
}

/* ISO 8601 UTC of simulation time t, to the millisecond. */
static void iso_time(const jmd_scenario *sc, double t, char *buf, size_t len)
{
    jmd__report_iso_time(sc->epoch_unix, sc->epoch_frac, t, buf, len);
}

static void style(FILE *out, const char *id, const char *bgr, const char *poly_alpha)
{
    fprintf(out,
            "<Style id=\"%s\"><IconStyle><color>ff%s</color><scale>0.9</scale></IconStyle>"
            "<LineStyle><color>ff%s</color><width>2</width></LineStyle>"
            "<PolyStyle><color>%s%s</color></PolyStyle></Style>\n",
            id, bgr, bgr, poly_alpha, bgr);
}

/* A closed ring of geodetic points (rad) as KML coordinates (lon,lat,0). */
static void ring_coords(FILE *out, const jmd_latlon *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%.7f,%.7f,0 ", v[i].lon * DEG, v[i].lat * DEG);
    if (n > 0 && (v[0].lat != v[n - 1].lat || v[0].lon != v[n - 1].lon))
        fprintf(out, "%.7f,%.7f,0", v[0].lon * DEG, v[0].lat * DEG);
}

static void polygon(FILE *out, const char *party, const char *what, size_t k, int owner,
                    const jmd_polygon *p)
{
    if (p->n < 3) return;
    fputs("<Placemark><name>", out);
    put_xml(out, party);
    fprintf(out, " %s %zu</name><styleUrl>#party-%d</styleUrl>", what, k + 1, owner);
    fputs("<Polygon><tessellate>1</tessellate><outerBoundaryIs><LinearRing><coordinates>", out);
    ring_coords(out, p->v, p->n);
    fputs("</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>\n", out);
}

/* A point Placemark: name, party style, description, position (rad, m). */
static void point(FILE *out, const char *name, int owner, const char *desc, double lat,
                  double lon, double h)
{
    fputs("<Placemark><name>", out);
    put_xml(out, name);
    fputs("</name>", out);
    if (desc) {
        fputs("<description>", out);
        put_xml(out, desc);
        fputs("</description>", out);
    }
    fprintf(out, "<styleUrl>#party-%d</styleUrl><Point>", owner < 0 ? 0 : owner);
    if (h > 0) fputs("<altitudeMode>absolute</altitudeMode>", out);
    fprintf(out, "<coordinates>%.7f,%.7f,%.1f</coordinates></Point></Placemark>\n", lon * DEG,
            lat * DEG, h);
}

/* A ground circle of radius `radius` m about (lat, lon) as a closed
 * LineString (geodesics on WGS-84). Nothing for a radius <= 0. */
static void circle(FILE *out, const char *name, const char *what, int owner, double lat,
                   double lon, double radius)
{
    if (!(radius > 0) || !isfinite(radius)) return;
    fputs("<Placemark><name>", out);
    put_xml(out, name);
    fprintf(out, " %s (%.0f km)</name><styleUrl>#party-%d</styleUrl>", what, radius / 1000.0,
            owner < 0 ? 0 : owner);
    fputs("<LineString><tessellate>1</tessellate><coordinates>", out);
    for (int i = 0; i <= CIRCLE_N; i++) {
        double la, lo, az2;
        double az = 2.0 * 3.14159265358979323846 * (double)(i % CIRCLE_N) / CIRCLE_N;
        if (jmd_geo_direct(lat, lon, az, radius, &la, &lo, &az2) != 0) continue;
        fprintf(out, "%.7f,%.7f,0 ", lo * DEG, la * DEG);
    }
    fputs("</coordinates></LineString></Placemark>\n", out);
}

static void threat_track(FILE *out, const jmd_scenario *sc, const jmd_trajectory *tr,
                         double t_end)
{
    char when[96];
    size_t n = 0;
    double t_last = -INFINITY;
    fputs("<gx:Track><altitudeMode>absolute</altitudeMode>\n", out);
    /* when elements first, then the gx:coord elements, in the same order */
    for (int pass = 0; pass < 2; pass++) {
        n = 0;
        t_last = -INFINITY;
        for (size_t i = 0; i < tr->n; i++) {
            const jmd_state *s = &tr->s[i];
            double lat, lon, h;
            if (isfinite(t_end) && s->t > t_end) break;
            if (s->t <= t_last || jmd__report_state_geo(s, &lat, &lon, &h) != 0) continue;
            t_last = s->t;
            n++;
            if (pass == 0) {
                iso_time(sc, s->t, when, sizeof when);
                fprintf(out, "<when>%s</when>\n", when);
            } else {
                fprintf(out, "<gx:coord>%.7f %.7f %.1f</gx:coord>\n", lon * DEG, lat * DEG, h);
            }
        }
        /* the end itself, interpolated, when it falls between samples */
        jmd_state e;
        double lat, lon, h;
        if (isfinite(t_end) && t_end > t_last && jmd_trajectory_at(tr, t_end, &e) == 0 &&
            jmd__report_state_geo(&e, &lat, &lon, &h) == 0) {
            if (pass == 0) {
                iso_time(sc, t_end, when, sizeof when);
                fprintf(out, "<when>%s</when>\n", when);
            } else {
                fprintf(out, "<gx:coord>%.7f %.7f %.1f</gx:coord>\n", lon * DEG, lat * DEG, h);
            }
        }
    }
    fputs("</gx:Track>", out);
}

static double radar_radius(const jmd_radar *rd)
{
    return rd->max_range > 0 ? rd->max_range : rd->range_ref;
}

static double irsat_radius(const jmd_irsat *ir)
{
    /* ground arc to the Earth horizon seen from altitude h (mean sphere) */
    double R = JMD_EARTH_RMEAN;
    return ir->h > 0 ? R * acos(R / (R + ir->h)) : 0.0;
}

int jmd_export_kml(FILE *out, const jmd_scenario *sc, const jmd_sim_result *r)
{
    char buf[256], when[96];
    if (!out || !sc) return JMD_EINVAL;
    if (r && (r->nthreats != sc->nthreats || (r->nthreats && !r->threats))) return JMD_EINVAL;

    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<kml xmlns=\"http://www.opengis.net/kml/2.2\" "
          "xmlns:gx=\"http://www.google.com/kml/ext/2.2\">\n<Document>\n<name>",
          out);
    put_xml(out, sc->name[0] ? sc->name : "jmd scenario");
    fputs("</name>\n<description>", out);
    snprintf(buf, sizeof buf, "Epoch %s, duration %.0f s, seed %llu%s%s.", sc->epoch,
             sc->duration, (unsigned long long)sc->seed, r ? ", model " : "",
             r ? jmd_gov_model_name(r->model) : "");
    put_xml(out, buf);
    fputs("</description>\n", out);
    for (size_t p = 0; p < (sc->nparties ? sc->nparties : 1); p++) {
        snprintf(buf, sizeof buf, "party-%zu", p);
        style(out, buf, party_bgr[p % NPARTY_COLOURS], "40");
    }
    for (int f = 0; f < 4; f++)
        style(out, fate_style[f], fate_bgr[f], "40");

    fputs("<Folder><name>Parties</name>\n", out);
    for (size_t p = 0; p < sc->nparties; p++) {
        const jmd_party *pa = &sc->parties[p];
        for (size_t k = 0; k < pa->nterritory; k++)
            polygon(out, pa->name, "territory", k, (int)p, &pa->territory[k]);
        for (size_t k = 0; k < pa->nsector; k++)
            polygon(out, pa->name, "sector", k, (int)p, &pa->sector[k]);
    }
    fputs("</Folder>\n<Folder><name>Sensors</name>\n", out);
    for (size_t i = 0; i < sc->nradars; i++) {
        const jmd_radar *rd = &sc->radars[i];
        snprintf(buf, sizeof buf, "Radar of %s; detection range %.0f km against %.2g m2",
                 rd->owner >= 0 && (size_t)rd->owner < sc->nparties
                     ? sc->parties[rd->owner].name
                     : "?",
                 rd->range_ref / 1000.0, rd->rcs_ref);
        point(out, rd->name, rd->owner, buf, rd->lat, rd->lon, rd->h);
        circle(out, rd->name, "coverage", rd->owner, rd->lat, rd->lon, radar_radius(rd));
    }
    for (size_t i = 0; i < sc->nirsats; i++) {
        const jmd_irsat *ir = &sc->irsats[i];
        snprintf(buf, sizeof buf, "Infrared early-warning satellite at %.0f km",
                 ir->h / 1000.0);
        point(out, ir->name, ir->owner, buf, ir->lat, ir->lon, ir->h);
        circle(out, ir->name, "horizon", ir->owner, ir->lat, ir->lon, irsat_radius(ir));
    }
    fputs("</Folder>\n<Folder><name>Firing sites</name>\n", out);
    for (size_t i = 0; i < sc->nsites; i++) {
        const jmd_site *st = &sc->sites[i];
        snprintf(buf, sizeof buf, "%s, %d on hand, Pk %.2f", st->ic.name, st->inventory,
                 st->pk);
        point(out, st->name, st->owner, buf, st->lat, st->lon, 0);
        circle(out, st->name, "reach", st->owner, st->lat, st->lon, jmd__report_reach_ground(&st->ic));
    }
    fputs("</Folder>\n<Folder><name>Defended assets</name>\n", out);
    for (size_t i = 0; i < sc->nassets; i++) {
        const jmd_asset *as = &sc->assets[i];
        int hit = r && r->asset_hit && i < r->nassets && r->asset_hit[i];
        snprintf(buf, sizeof buf, "value %g, lethal radius %.1f km%s", as->value,
                 as->radius / 1000.0, hit ? "; destroyed" : "");
        point(out, as->name, as->owner, buf, as->lat, as->lon, 0);
        circle(out, as->name, "lethal radius", as->owner, as->lat, as->lon, as->radius);
    }
    fputs("</Folder>\n<Folder><name>Threats</name>\n", out);
    for (size_t i = 0; i < sc->nthreats; i++) {
        const jmd_threat *th = &sc->threats[i];
        const jmd_sim_threat *rt = r ? &r->threats[i] : NULL;
        int fate = rt && rt->fate >= 0 && rt->fate <= JMD_FATE_IN_FLIGHT ? rt->fate : 0;
        fputs("<Placemark><name>", out);
        put_xml(out, th->name);
        fputs("</name><description>", out);
        snprintf(buf, sizeof buf, "%s (%s), launched at t = %.0f s; %s", th->veh.name,
                 th->veh.cls, th->t_launch,
                 fate == JMD_FATE_INTERCEPTED ? "intercepted"
                 : fate == JMD_FATE_LEAKED    ? "leaked"
                 : fate == JMD_FATE_IN_FLIGHT ? "still in flight"
                                              : "not flown");
        put_xml(out, buf);
        fprintf(out, "</description><styleUrl>#%s</styleUrl>", fate_style[fate]);
        if (r && r->truth && r->truth[i].n > 0) {
            threat_track(out, sc, &r->truth[i], rt->t_end);
        } else {
            /* no trajectory kept: the ground line from launch to aim point */
            fprintf(out,
                    "<LineString><tessellate>1</tessellate><coordinates>%.7f,%.7f,0 "
                    "%.7f,%.7f,0</coordinates></LineString>",
                    th->lon0 * DEG, th->lat0 * DEG, th->lon1 * DEG, th->lat1 * DEG);
        }
        fputs("</Placemark>\n", out);
        if (rt && (fate == JMD_FATE_INTERCEPTED || fate == JMD_FATE_LEAKED) &&
            isfinite(rt->t_end) && isfinite(rt->lat) && isfinite(rt->lon)) {
            double h = isfinite(rt->alt) && rt->alt > 0 ? rt->alt : 0.0;
            iso_time(sc, rt->t_end, when, sizeof when);
            fputs("<Placemark><name>", out);
            put_xml(out, fate == JMD_FATE_INTERCEPTED ? "Intercept of " : "Impact of ");
            put_xml(out, th->name);
            fputs("</name><description>", out);
            if (fate == JMD_FATE_INTERCEPTED && rt->killer_site >= 0 &&
                (size_t)rt->killer_site < sc->nsites)
                snprintf(buf, sizeof buf, "by %s at %.1f km altitude, t = %.1f s",
                         sc->sites[rt->killer_site].name, h / 1000.0, rt->t_end);
            else
                snprintf(buf, sizeof buf, "t = %.1f s, %d asset(s) hit", rt->t_end,
                         rt->assets_hit);
            put_xml(out, buf);
            fprintf(out,
                    "</description><TimeStamp><when>%s</when></TimeStamp>"
                    "<styleUrl>#%s</styleUrl><Point><altitudeMode>absolute</altitudeMode>"
                    "<coordinates>%.7f,%.7f,%.1f</coordinates></Point></Placemark>\n",
                    when, fate_style[fate], rt->lon * DEG, rt->lat * DEG, h);
        }
    }
    fputs("</Folder>\n</Document>\n</kml>\n", out);
    return ferror(out) ? JMD_EIO : 0;
}
