/*
 * jmd/report.h — the HTML report people look at (issue 5 §1,
 * docs/report.md): one self-contained file, DIR/report.html, that works
 * offline. It holds, inlined, the page template and stylesheet, the
 * vendor scripts (d3-geo, topojson-client and Natural Earth country
 * shapes from world-atlas, pinned by web/package-lock.json and embedded
 * in the library at build time), the app script (web/app.js) and the
 * report's data as one JSON object:
 *
 *   - the scenario's geometry: parties with territory and sector polygons,
 *     defended assets, radars with their coverage (detection range and the
 *     radar horizon for a target 100 km up), early-warning satellites,
 *     firing sites with an approximate ground reach of their interceptor,
 *     threats with launch and aim points;
 *   - one replay trial per model: each threat's truth ground track
 *     (downsampled to JMD_REPORT_TRACK_STEP s, cut where it ended), its
 *     fate, end point, killer site and timeline (launch, first detection,
 *     firm track, warning, decision, interceptor launch, end);
 *   - the comparison's statistics per model and per party (when a study
 *     is given);
 *   - the scenario file's parameters with the source each comment gives;
 *   - optionally, the transparency analysis (jmd assure): sampled
 *     strategic trajectories, sites and reachable intercept points, drawn
 *     as the layer "Engagement reach against PARTY's deterrent".
 *
 * Every text in the JSON escapes '<' as \u003c, so the data can never
 * close its <script> element. The same inputs give the same bytes.
 *
 * Workload: cold — once per `jmd run --out`.
 */
#ifndef JMD_REPORT_H
#define JMD_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "jmd/scenario.h"
#include "jmd/sim.h"
#include "jmd/study.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Seconds between the samples of a replayed ground track. */
#define JMD_REPORT_TRACK_STEP 5.0

/* What goes into a report. Everything is borrowed for the duration of
 * the call only. */
typedef struct {
    const char *scenario_path;  /* the scenario file, read again for the
                                   parameter/source table; NULL: no table */
    const jmd_study *study;     /* the comparison (jmd run --models), or NULL */
    const jmd_sim_result *const *replays; /* [nreplays] trials to replay, one
                                   per model (each run with keep_truth = 1;
                                   a result without truth gets no tracks) */
    size_t nreplays;
    uint64_t replay_seed;       /* the seed the replays ran with */
} jmd_report_input;

/* Writes the report's data object (JSON, UTF-8, '<' escaped) to out.
 * JMD_EINVAL for NULL arguments, JMD_ENOMEM, JMD_EIO when writing fails. */
int jmd_report_write_json(const jmd_scenario *sc, const jmd_report_input *in, FILE *out);

/* Writes the whole self-contained page to out. Errors as
 * jmd_report_write_json; JMD_ENOTFOUND when the library was built without
 * one of its embedded web files. */
int jmd_report_write_html(const jmd_scenario *sc, const jmd_report_input *in, FILE *out);

/* Writes the page to the file `path` (replaced when it exists). Errors as
 * jmd_report_write_html; JMD_EIO when the file cannot be written. */
int jmd_report_write_file(const char *path, const jmd_scenario *sc,
                          const jmd_report_input *in);

/* The transparency analysis's map layer (jmd assure --out, issue 6 §2,
 * docs/assure.md): the documents jmd_assure_write_json and
 * jmd_assure_write_geojson write for the same scenario, as NUL-terminated
 * strings, borrowed for the call. They are inlined as they are ('<', '>'
 * and '&' escaped), so they must be well-formed JSON objects. (A separate
 * argument rather than new fields of jmd_report_input, so that callers'
 * positional initialisers stay complete under -Wextra.) */
typedef struct {
    const char *json;    /* assure.json */
    const char *geojson; /* assure.geojson */
} jmd_report_assure;

/* As jmd_report_write_json / _html / _file, with the layer "Engagement
 * reach against PARTY's deterrent" when `as` is not NULL (the data object
 * gets "assure": {"result": ..., "geojson": ...} and "mode": "assure" when
 * there is no study). JMD_EINVAL as well when one of as->json and
 * as->geojson is NULL or does not begin with '{'. as == NULL: the same
 * bytes as the functions above. */
int jmd_report_write_json_assure(const jmd_scenario *sc, const jmd_report_input *in,
                                 const jmd_report_assure *as, FILE *out);
int jmd_report_write_html_assure(const jmd_scenario *sc, const jmd_report_input *in,
                                 const jmd_report_assure *as, FILE *out);
int jmd_report_write_file_assure(const char *path, const jmd_scenario *sc,
                                 const jmd_report_input *in, const jmd_report_assure *as);

#ifdef __cplusplus
}
#endif
#endif /* JMD_REPORT_H */
