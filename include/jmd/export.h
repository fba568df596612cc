/*
 * jmd/export.h — a scenario and one trial's outcome as files that globe
 * viewers open: KML 2.2 (Google Earth, QGIS) and CZML (CesiumJS).
 *
 * Part of the report module (DESIGN.md: reports people look at): the same
 * picture as report.html — party territories and sectors, sensors with
 * their coverage footprints, firing sites with their reach footprints,
 * defended assets, each threat's flight as a time-dynamic trajectory that
 * ends at its intercept or impact, and the intercept and impact points —
 * for viewers that animate it in 3-D.
 *
 * Coverage footprints are circles on the ground (geodesics on WGS-84,
 * 72 vertices): a radar's instrumented range (max_range; range_ref when it
 * has none), an infrared satellite's Earth horizon, a site's approximate
 * interceptor ground reach (as report.html draws it: the class's range
 * limit, else half the free-flight range at its burnout speed), an
 * asset's lethal radius. Colours are the Okabe-Ito palette (safe for
 * the common colour-vision deficiencies): one colour per party for its
 * territory, sectors, sensors, sites and assets; threats by fate —
 * intercepted blue, leaked vermillion, still in flight reddish purple.
 *
 * Times: simulation time t (s since the scenario epoch) is written as ISO
 * 8601 UTC, "YYYY-MM-DDThh:mm:ss.sssZ". Trajectories are the result's
 * truth (jmd_sim_opts.keep_truth = 1), one sample per second, cut at the
 * threat's end (t_end) with one interpolated sample there.
 *
 * Output is deterministic: the same scenario and result give the same
 * bytes (numbers are printed with fixed precision in the C locale, which
 * jmd never changes). Names are escaped (XML entities; JSON escapes);
 * control characters that XML 1.0 forbids become '?'.
 *
 * Ownership: nothing is retained; `out` stays open and owned by the
 * caller. Workload: cold — once per run; linear in the trajectory samples.
 */
#ifndef JMD_EXPORT_H
#define JMD_EXPORT_H

#include <stdio.h>

#include "jmd/scenario.h"
#include "jmd/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes `sc` and the trial `r` as one KML 2.2 document: a Document with
 * Folders "Parties" (territory and sector polygons), "Sensors" (a
 * Placemark per sensor and its coverage circle as a LineString), "Firing
 * sites" (Placemark and reach circle), "Defended assets" (Placemark and
 * lethal-radius circle) and "Threats" (per threat a Placemark with a
 * gx:Track — when/gx:coord pairs, altitudeMode absolute — and a
 * Placemark with a TimeStamp at its intercept or impact point).
 * `r` may be NULL (the scenario alone); when r->truth is NULL the threats
 * get only their end points. `r` must come from a run of `sc` (same
 * counts). Returns 0, JMD_EINVAL (NULL out or sc, mismatched counts) or
 * JMD_EIO (a write failed). */
int jmd_export_kml(FILE *out, const jmd_scenario *sc, const jmd_sim_result *r);

/* Writes `sc` and the trial `r` as a CZML document (a JSON array). The
 * first packet is the document packet (id "document", version "1.0", a
 * clock over the whole run: from the epoch, or the first launch when
 * earlier, to the scenario's end or the last threat's end when later);
 * then a packet per party polygon, sensor, firing site, defended asset
 * (positions in cartographicDegrees, footprints as ellipses), per threat a
 * time-dynamic position (epoch + cartographicDegrees [t, lon, lat, h,
 * ...]) with an availability interval from launch to its intercept or
 * impact and a path graphic, and per ended threat its intercept or impact
 * point (available from then to the clock's end).
 * `epoch_unix` is the UTC instant (s since 1970-01-01T00:00:00Z, no leap
 * seconds) that simulation time 0 stands for; pass a NaN for the
 * scenario's own epoch (sc->epoch_unix + sc->epoch_frac). Every interval
 * written has start < stop. Returns 0, JMD_EINVAL (NULL out or sc,
 * mismatched counts, an epoch outside years 1..9999) or JMD_EIO. */
int jmd_export_czml(FILE *out, const jmd_scenario *sc, const jmd_sim_result *r,
                    double epoch_unix);

#ifdef __cplusplus
}
#endif
#endif /* JMD_EXPORT_H */
