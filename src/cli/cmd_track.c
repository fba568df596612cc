/*
 * cmd_track.c — `jmd track`: run the multi-target tracker of the track
 * module over a CSV of one radar's measurements and write the confirmed
 * tracks as CSV, in the file conventions of ../shared/reference §6 (so
 * that other trackers, e.g. Stone Soup, can be run on the same input and
 * compared row by row).
 *
 * Input: a header naming the columns t, meas_id, range_m, az_rad, el_rad
 * in any order (extra columns ignored); one measurement per row; rows with
 * equal t form one scan, and t must not decrease. Every bad value is
 * reported as FILE:LINE:COL with the column's name and exit status 2.
 * Output: after each scan, one row per confirmed track: t, track_id, ECEF
 * position, Earth-relative ECEF velocity and the ECEF covariance diagonal.
 * Workload: reads the whole file first (capped at 64 MiB); tracking
 * dominates the time.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "jmd/track.h"

#define CMD "track"
#define MAX_FILE (64L * 1024 * 1024)

int jmd_cmd_track(int argc, char **argv);
void jmd_cmd_track_help(FILE *out);

void jmd_cmd_track_help(FILE *out)
{
    fprintf(out,
            "Usage: jmd track --measurements FILE.csv --sensor LAT,LON,ALT_M [options]\n"
            "\n"
            "Tracks ballistic targets from one radar's measurements: an extended Kalman\n"
            "filter in the inertial frame (gravity with J2, white-acceleration process\n"
            "noise, large while the target may be boosting or is below 80 km), chi-square\n"
            "gating, global nearest-neighbour association solved optimally (Hungarian),\n"
            "3-of-5 confirmation, deletion after 5 misses (docs/track.md).\n"
            "\n"
            "Input CSV: a header with the columns t,meas_id,range_m,az_rad,el_rad in any\n"
            "order (extra columns are ignored). t in seconds since the inertial frame\n"
            "coincided with ECEF; azimuth clockwise from north and elevation above the\n"
            "horizontal in the radar's ENU frame on the WGS-84 geodetic normal. Rows with\n"
            "the same t are one scan; t must not decrease.\n"
            "\n"
            "Output CSV: t,track_id,x,y,z,vx,vy,vz,var_x,var_y,var_z,var_vx,var_vy,var_vz\n"
            "for every confirmed track after every scan: ECEF position (m), Earth-relative\n"
            "velocity (m/s) and the diagonal of the ECEF covariance (m^2, m^2/s^2).\n"
            "\n"
            "Options:\n"
            "  --measurements FILE   input CSV (required)\n"
            "  --sensor LAT,LON,ALT_M  radar site: degrees, degrees, metres above the\n"
            "                        ellipsoid (required)\n"
            "  --out FILE            write the tracks there (default: standard output)\n"
            "  --sigma-range-m X     1-sigma range noise, m (default 50)\n"
            "  --sigma-az-mrad X     1-sigma azimuth noise, mrad (default 1)\n"
            "  --sigma-el-mrad X     1-sigma elevation noise, mrad (default 1)\n"
            "  --help                this help\n"
            "\n"
            "Example:\n"
            "  jmd track --measurements scans.csv --sensor 38.35,37.79,1900 --out tracks.csv\n"
            "\n"
            "Exit status: 0 success, 1 the tracker failed or the output could not be\n"
            "written, 2 bad usage or bad input.\n");
}

enum { C_T, C_ID, C_RANGE, C_AZ, C_EL, NCOL };
static const char *const col_name[NCOL] = {"t", "meas_id", "range_m", "az_rad", "el_rad"};

typedef struct {
    double t;
    jmd_measurement m;
} row;

/* Read a whole file (at most MAX_FILE bytes) into a NUL-terminated buffer. */
static int slurp(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return jmd_cli_usage_error(CMD, "--measurements: cannot open \"%s\": %s", path,
                                       strerror(errno));
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            if (cap >= (size_t)MAX_FILE) {
                free(buf);
                fclose(f);
                return jmd_cli_usage_error(CMD, "%s: expected at most %ld bytes, found more",
                                           path, MAX_FILE);
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) break;
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - 1 - n, f);
        n += r;
        if (r == 0) break;
    }
    int bad = ferror(f), err = errno;
    fclose(f);
    if (!buf) return jmd_cli_fail(CMD, "out of memory");
    if (bad) {
        free(buf);
        return jmd_cli_usage_error(CMD, "--measurements: cannot read \"%s\": %s", path,
                                   strerror(err));
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

/* Split one line (without its end) into fields at commas: start offsets
 * and lengths (at most maxf; returns the count, or maxf + 1 if more). */
static size_t split(const char *line, size_t len, size_t *off, size_t *flen, size_t maxf)
{
    size_t nf = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || line[i] == ',') {
            if (nf == maxf) return maxf + 1;
            off[nf] = start;
            flen[nf] = i - start;
            nf++;
            start = i + 1;
        }
    }
    return nf;
}

static void trim(const char *s, size_t *off, size_t *len)
{
    while (*len > 0 && (s[*off] == ' ' || s[*off] == '\t')) {
        (*off)++;
        (*len)--;
    }
    while (*len > 0 && (s[*off + *len - 1] == ' ' || s[*off + *len - 1] == '\t')) (*len)--;
}

static int field_number(const char *path, long lineno, const char *line, size_t off,
                        size_t len, int col, double *v)
{
    char buf[128], *end;
    size_t o = off, l = len;
    trim(line, &o, &l);
    int ok = l > 0 && l < sizeof buf;
    /* plain decimal only, as in the scenario files: no "0x1p3", "inf", "nan" */
    for (size_t k = 0; ok && k < l; k++)
        ok = line[o + k] != '\0' && strchr("0123456789+-.eE", line[o + k]) != NULL;
    if (ok) {
        memcpy(buf, line + o, l);
        buf[l] = '\0';
        errno = 0;
        *v = strtod(buf, &end);
        ok = *end == '\0' && errno != ERANGE && isfinite(*v);
    }
    if (!ok) {
        /* quote at most 40 characters of what was found */
        int shown = len > 40 ? 40 : (int)len;
        return jmd_cli_usage_error(CMD, "%s:%ld:%zu: column \"%s\": expected a number, found \"%.*s%s\"",
                                   path, lineno, off + 1, col_name[col], shown, line + off,
                                   len > 40 ? "..." : "");
    }
    return 0;
}

static int range_error(const char *path, long lineno, size_t off, int col, const char *what,
                       const char *line, size_t len)
{
    int shown = len > 40 ? 40 : (int)len;
    return jmd_cli_usage_error(CMD, "%s:%ld:%zu: column \"%s\": expected %s, found \"%.*s\"",
                               path, lineno, off + 1, col_name[col], what, shown, line + off);
}

/* Parse the CSV text into rows; returns 0 or an exit status. */
static int parse_csv(const char *path, char *text, size_t len, row **rows_out, size_t *nrows)
{
    size_t off[256], flen[256], maxf = 256;
    int colidx[NCOL];
    long lineno = 0;
    size_t pos = 0, nr = 0, cap = 0, ncols = 0;
    row *rows = NULL;
    int have_header = 0, status = 0;
    double t_prev = -INFINITY;

    while (pos < len && status == 0) {
        /* a line ends at LF, CR LF or a lone CR */
        size_t end = pos;
        while (end < len && text[end] != '\n' && text[end] != '\r') end++;
        size_t llen = end - pos;
        const char *line = text + pos;
        lineno++;
        size_t next = end;
        if (next < len && text[next] == '\r') next++;
        if (next < len && text[next] == '\n') next++;
        const char *nul = memchr(line, '\0', llen);
        if (nul) {
            status = jmd_cli_usage_error(CMD, "%s:%ld:%zu: expected text, found a NUL byte", path,
                                         lineno, (size_t)(nul - line) + 1);
            break;
        }
        size_t blank = 0;
        while (blank < llen && (line[blank] == ' ' || line[blank] == '\t')) blank++;
        if (blank == llen) { /* empty line */
            pos = next;
            continue;
        }
        size_t nf = split(line, llen, off, flen, maxf);
        if (nf > maxf) {
            status = jmd_cli_usage_error(CMD, "%s:%ld:1: expected at most %zu columns, found more",
                                         path, lineno, maxf);
            break;
        }
        if (!have_header) {
            for (int c = 0; c < NCOL; c++) colidx[c] = -1;
            for (size_t f = 0; f < nf; f++) {
                size_t o = off[f], l = flen[f];
                trim(line, &o, &l);
                /* a UTF-8 byte-order mark before the first name */
                if (f == 0 && l >= 3 && memcmp(line + o, "\xEF\xBB\xBF", 3) == 0) {
                    o += 3;
                    l -= 3;
                }
                for (int c = 0; c < NCOL; c++)
                    if (strlen(col_name[c]) == l && memcmp(line + o, col_name[c], l) == 0) {
                        if (colidx[c] >= 0) {
                            status = jmd_cli_usage_error(
                                CMD, "%s:%ld:%zu: header: expected the column \"%s\" once, "
                                     "found it twice",
                                path, lineno, off[f] + 1, col_name[c]);
                            break;
                        }
                        colidx[c] = (int)f;
                    }
                if (status) break;
            }
            for (int c = 0; c < NCOL && status == 0; c++)
                if (colidx[c] < 0)
                    status = jmd_cli_usage_error(
                        CMD, "%s:%ld:1: header: expected a column \"%s\" (the header must name "
                             "t,meas_id,range_m,az_rad,el_rad), found none",
                        path, lineno, col_name[c]);
            have_header = 1;
            ncols = nf;
            pos = next;
            continue;
        }
        if (nf != ncols) {
            status = jmd_cli_usage_error(CMD, "%s:%ld:1: expected %zu fields as in the header, "
                                              "found %zu",
                                         path, lineno, ncols, nf);
            break;
        }
        double v[NCOL];
        for (int c = 0; c < NCOL && status == 0; c++) {
            size_t f = (size_t)colidx[c];
            if (f >= nf) {
                status = jmd_cli_usage_error(CMD, "%s:%ld:%zu: column \"%s\": expected a value, "
                                                  "found the end of the line (%zu fields)",
                                             path, lineno, llen + 1, col_name[c], nf);
                break;
            }
            status = field_number(path, lineno, line, off[f], flen[f], c, &v[c]);
        }
        if (status) break;
        size_t ft = off[colidx[C_T]], fr = off[colidx[C_RANGE]], fe = off[colidx[C_EL]];
        size_t fi = off[colidx[C_ID]], fa = off[colidx[C_AZ]];
        if (fabs(v[C_T]) > 1e9) {
            status = range_error(path, lineno, ft, C_T, "a time in [-1e9, 1e9] s", line,
                                 flen[colidx[C_T]]);
        } else if (v[C_T] < t_prev) {
            char what[96];
            snprintf(what, sizeof what, "a time not before the previous row's %.17g", t_prev);
            status = range_error(path, lineno, ft, C_T, what, line, flen[colidx[C_T]]);
        } else if (!(v[C_RANGE] > 0.0) || v[C_RANGE] > 1e9) {
            status = range_error(path, lineno, fr, C_RANGE, "a range in (0, 1e9] m", line,
                                 flen[colidx[C_RANGE]]);
        } else if (fabs(v[C_AZ]) > 2.0 * 3.14159265358979323846) {
            status = range_error(path, lineno, fa, C_AZ, "an azimuth in [-2pi, 2pi] rad", line,
                                 flen[colidx[C_AZ]]);
        } else if (fabs(v[C_EL]) > 0.5 * 3.14159265358979323846) {
            status = range_error(path, lineno, fe, C_EL, "an elevation in [-pi/2, pi/2] rad",
                                 line, flen[colidx[C_EL]]);
        } else if (v[C_ID] != floor(v[C_ID]) || fabs(v[C_ID]) > 9e15) {
            status = range_error(path, lineno, fi, C_ID, "an integer", line,
                                 flen[colidx[C_ID]]);
        }
        if (status) break;
        if (nr == cap) {
            size_t nc = cap ? 2 * cap : 1024;
            row *nrw = realloc(rows, nc * sizeof *rows);
            if (!nrw) {
                status = jmd_cli_fail(CMD, "out of memory");
                break;
            }
            rows = nrw;
            cap = nc;
        }
        row *r = &rows[nr++];
        memset(r, 0, sizeof *r);
        r->t = r->m.t = v[C_T];
        r->m.meas_id = (long)v[C_ID];
        r->m.range = v[C_RANGE];
        r->m.az = v[C_AZ];
        r->m.el = v[C_EL];
        r->m.truth = -1;
        t_prev = v[C_T];
        pos = next;
    }
    if (status == 0 && !have_header)
        status = jmd_cli_usage_error(CMD, "%s:1:1: header: expected t,meas_id,range_m,az_rad,"
                                          "el_rad, found an empty file",
                                     path);
    if (status) {
        free(rows);
        return status;
    }
    *rows_out = rows;
    *nrows = nr;
    return 0;
}

static void write_tracks(FILE *out, const jmd_tracker *tk, double t, long *nrows)
{
    for (size_t i = 0; i < jmd_tracker_count(tk); i++) {
        jmd_track_info in;
        double x[6], P[6][6];
        if (jmd_tracker_track(tk, i, &in) != 0 || in.status != JMD_TRACK_CONFIRMED) continue;
        if (jmd_track_to_ecef(&in.est, x, P) != 0) continue;
        fprintf(out, "%.17g,%ld,%.3f,%.3f,%.3f,%.4f,%.4f,%.4f,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", t,
                in.id, x[0], x[1], x[2], x[3], x[4], x[5], P[0][0], P[1][1], P[2][2], P[3][3],
                P[4][4], P[5][5]);
        (*nrows)++;
    }
}

int jmd_cmd_track(int argc, char **argv)
{
    const char *in_path = NULL, *out_path = NULL;
    double lat = 0, lon = 0, alt = 0, s_r = 50.0, s_az = 1.0, s_el = 1.0;
    int have_sensor = 0;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v;
        int rc = 0;
        if (strcmp(f, "--measurements") == 0) {
            if (jmd_cli_value(CMD, argc, argv, &i, &v) != 0) return JMD_EXIT_USAGE;
            in_path = v;
        } else if (strcmp(f, "--out") == 0) {
            if (jmd_cli_value(CMD, argc, argv, &i, &v) != 0) return JMD_EXIT_USAGE;
            out_path = v;
        } else if (strcmp(f, "--sensor") == 0) {
            if (jmd_cli_value(CMD, argc, argv, &i, &v) != 0) return JMD_EXIT_USAGE;
            rc = jmd_cli_latlonalt(CMD, f, v, &lat, &lon, &alt);
            have_sensor = 1;
        } else if (strcmp(f, "--sigma-range-m") == 0) {
            if (jmd_cli_value(CMD, argc, argv, &i, &v) != 0) return JMD_EXIT_USAGE;
            rc = jmd_cli_number(CMD, f, v, 1e-3, 1e6, "a range noise in [0.001, 1e6] m", &s_r);
        } else if (strcmp(f, "--sigma-az-mrad") == 0 || strcmp(f, "--sigma-el-mrad") == 0) {
            if (jmd_cli_value(CMD, argc, argv, &i, &v) != 0) return JMD_EXIT_USAGE;
            rc = jmd_cli_number(CMD, f, v, 1e-6, 1e3, "an angle noise in [1e-6, 1000] mrad",
                                strcmp(f, "--sigma-az-mrad") == 0 ? &s_az : &s_el);
        } else {
            return jmd_cli_usage_error(CMD,
                                       "expected --measurements, --sensor, --out or --sigma-* "
                                       "(see jmd track --help), found \"%s\"",
                                       f);
        }
        if (rc != 0) return JMD_EXIT_USAGE;
    }
    if (!in_path)
        return jmd_cli_usage_error(CMD, "--measurements: expected a CSV file, found nothing");
    if (!have_sensor)
        return jmd_cli_usage_error(CMD, "--sensor: expected LAT,LON,ALT_M of the radar, found "
                                        "nothing");

    char *text = NULL;
    size_t len = 0, nrows = 0;
    row *rows = NULL;
    int status = slurp(in_path, &text, &len);
    if (status) return status;
    status = parse_csv(in_path, text, len, &rows, &nrows);
    free(text);
    if (status) return status;

    jmd_radar radar;
    memset(&radar, 0, sizeof radar);
    snprintf(radar.name, sizeof radar.name, "sensor");
    radar.lat = lat;
    radar.lon = lon;
    radar.h = alt;
    radar.fov_az = 3.14159265358979323846; /* all round, no limits: every scan sees all */
    radar.sigma_range = s_r;
    radar.sigma_az = s_az * 1e-3;
    radar.sigma_el = s_el * 1e-3;

    jmd_tracker *tk = NULL;
    jmd_measurement *scan = NULL;
    FILE *out = stdout;
    long written = 0;
    int rc = jmd_tracker_create(NULL, &tk);
    if (rc == 0 && nrows > 0 && !(scan = malloc(nrows * sizeof *scan))) rc = JMD_ENOMEM;
    if (rc != 0) {
        status = jmd_cli_fail(CMD, "tracker: %s", jmd_strerror(rc));
        goto done;
    }
    if (out_path && !(out = fopen(out_path, "w"))) {
        out = NULL;
        status = jmd_cli_fail(CMD, "--out: cannot write \"%s\": %s", out_path, strerror(errno));
        goto done;
    }
    fprintf(out, "t,track_id,x,y,z,vx,vy,vz,var_x,var_y,var_z,var_vx,var_vy,var_vz\n");
    for (size_t k = 0; k < nrows;) {
        size_t n = 0;
        double t = rows[k].t;
        while (k < nrows && rows[k].t == t) scan[n++] = rows[k++].m;
        if ((rc = jmd_tracker_scan(tk, &radar, t, scan, n)) != 0) {
            status = jmd_cli_fail(CMD, "tracker: scan at t = %.17g s: %s", t, jmd_strerror(rc));
            goto done;
        }
        write_tracks(out, tk, t, &written);
    }
    if (fflush(out) != 0 || ferror(out)) {
        status = jmd_cli_fail(CMD, "--out: cannot write \"%s\"", out_path ? out_path : "stdout");
        goto done;
    }
    if (out_path) {
        jmd_tracker_stats st;
        jmd_tracker_stats_get(tk, &st);
        printf("%zu measurements in %ld scans: %ld tracks started, %ld confirmed; %ld rows "
               "written to %s\n",
               nrows, st.scans, st.started, st.confirmed, written, out_path);
    }
done:
    if (out && out != stdout && fclose(out) != 0 && status == 0)
        status = jmd_cli_fail(CMD, "--out: cannot write \"%s\"", out_path);
    free(scan);
    free(rows);
    jmd_tracker_destroy(tk);
    return status;
}
