/*
 * cmd_assure.c — `jmd assure`: the transparency analysis (jmd/assure.h,
 * docs/assure.md). Can the other parties' firing sites engage the
 * deterrent party's sampled strategic trajectories — kinematically, with
 * their own sensors, with shared sensors, under sectoral limits — and at
 * which interceptor speed and radar range does the answer flip?
 * Degrees, km, km/s and percentages at this edge; the library is SI.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "jmd/assure.h"
#include "jmd/report.h"
#include "jmd/scenario.h"

#define CMD "assure"

/* Declared here until src/cli/commands.h lists them (a redeclaration there
 * is compatible). */
int jmd_cmd_assure(int argc, char **argv);
void jmd_cmd_assure_help(FILE *out);

void jmd_cmd_assure_help(FILE *out)
{
    fprintf(
        out,
        "Usage: jmd assure SCENARIO.yaml --deterrent PARTY [--samples N] [--out DIR]\n"
        "                  [--speeds LO:HI:STEP] [--range-scales LO:HI:STEP] [--json]\n"
        "\n"
        "Transparency analysis: can the firing sites of every other party engage the\n"
        "deterrent party's strategic trajectories? The trajectories are sampled from\n"
        "the scenario's `strategic:` section (launch areas x targets x vehicles x\n"
        "trajectory types, deterministically) and flown once each. A site can engage\n"
        "when its interceptor has kinematic reach (docs/reach.md) from the time its\n"
        "sensors give a firm track early enough to commit. Variants: kinematic\n"
        "(perfect sensors: commit at launch), own (the site party's radars), shared\n"
        "(plus the deterrent party's radars), sectoral (shared, intercept over the\n"
        "site party's own sector). Sensitivity: the engageable fraction over the\n"
        "interceptor's burnout speed and the radars' range, and the speed at which\n"
        "it first exceeds 0. Method and limits: docs/assure.md.\n"
        "\n"
        "Options:\n"
        "  --deterrent PARTY        the party whose strategic forces are assessed (required)\n"
        "  --samples N              most trajectories to sample, 1..10000 (default 64)\n"
        "  --speeds LO:HI:STEP      burnout-speed sweep, km/s (default 3:8:0.5; at most\n"
        "                           64 points)\n"
        "  --range-scales LO:HI:STEP radar-range factors (default 0.5:1.5:0.25)\n"
        "  --pd-min P               single-look Pd a look needs, in (0, 1) (default 0.5)\n"
        "  --looks N                consecutive looks for a firm track, 1..100 (default 3)\n"
        "  --track-delay S          s from firm track to fire-control track (default 10)\n"
        "  --decision-delay S       s from track to the earliest launch (default 0)\n"
        "  --out DIR                write DIR/assure.json, DIR/assure.geojson (a map\n"
        "                           layer: trajectories, sites, reachable intercept points)\n"
        "                           and DIR/report.html (the map with that layer, offline)\n"
        "  --json                   print the JSON document instead of the table\n"
        "  --help                   this help\n"
        "\n"
        "Example:\n"
        "  jmd assure examples/europe-transparency.yaml --deterrent Russia --out out/assure\n"
        "\n"
        "Exit status: 0 answered, 1 the analysis or a file write failed, 2 bad usage or\n"
        "a bad scenario.\n");
}

/* "LO:HI:STEP" with lo <= hi, step > 0, at most JMD_ASSURE_MAX_SWEEP points. */
static int parse_sweep(const char *flag, const char *text, double lo_min, double hi_max,
                       const char *unit, double *lo, double *hi, double *step)
{
    char *e1, *e2, *e3;
    errno = 0;
    *lo = strtod(text, &e1);
    if (*e1 == ':') *hi = strtod(e1 + 1, &e2);
    if (*e1 != ':' || *e2 != ':' || (*step = strtod(e2 + 1, &e3), *e3 != '\0') || errno ||
        !isfinite(*lo) || !isfinite(*hi) || !isfinite(*step) || *lo < lo_min || *hi > hi_max ||
        *lo > *hi || !(*step > 0) || (*hi - *lo) / *step + 1 > JMD_ASSURE_MAX_SWEEP + 1e-9) {
        jmd_cli_usage_error(CMD,
                            "%s: expected LO:HI:STEP in %s with %g <= LO <= HI <= %g, STEP > 0 "
                            "and at most %d points, found \"%s\"",
                            flag, unit, lo_min, hi_max, JMD_ASSURE_MAX_SWEEP, text);
        return -1;
    }
    return 0;
}

static void pct(char *buf, size_t n, size_t k, size_t of)
{
    if (of == 0)
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%3.0f%% %zu/%zu", 100.0 * (double)k / (double)of, k, of);
}

static void secs(char *buf, size_t n, double x)
{
    if (isnan(x))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%+.0f s", x);
}

static void speed(char *buf, size_t n, double v)
{
    if (isinf(v))
        snprintf(buf, n, "none");
    else
        snprintf(buf, n, "%.2f", v / 1e3);
}

static void print_table(const jmd_scenario *s, const jmd_assure_result *r)
{
    int w = 10; /* width of the site column */
    for (size_t i = 0; i < r->nsites; i++)
        if ((int)strlen(r->sites[i].site) > w) w = (int)strlen(r->sites[i].site);
    size_t solved = 0;
    for (size_t j = 0; j < r->ntraj; j++)
        solved += (size_t)r->trajs[j].ok;
    printf("Transparency analysis: can the other parties' defenses engage %s's strategic "
           "trajectories?\n",
           s->parties[r->deterrent].name);
    printf("  trajectories  %zu sampled, %zu solved\n", r->ntraj, solved);
    printf("  firm track    %d looks with Pd >= %.2f, then %.0f s track + %.0f s decision "
           "before the earliest launch\n",
           r->opts.looks, r->opts.pd_min, r->opts.track_delay, r->opts.decision_delay);
    printf("\nEngageable fraction (kinematic reach AND a track early enough to commit):\n");
    printf("  %-*s %-18s %5s  %-12s %-12s %-12s %-12s  %-9s %-9s\n", w, "site", "interceptor",
           "km/s", "kinematic", "own", "shared", "sectoral", "margin", "margin");
    printf("  %-*s %-18s %5s  %-12s %-12s %-12s %-12s  %-9s %-9s\n", w, "", "", "", "", "", "",
           "", "own best", "shared");
    for (size_t i = 0; i < r->nsites; i++) {
        const jmd_assure_site *S = &r->sites[i];
        char f[JMD_ASSURE_NVARIANTS][32], m1[24], m2[24];
        for (int v = 0; v < JMD_ASSURE_NVARIANTS; v++)
            pct(f[v], sizeof f[v], S->engageable[v], S->nvalid);
        secs(m1, sizeof m1, S->margin_best[JMD_ASSURE_OWN]);
        secs(m2, sizeof m2, S->margin_best[JMD_ASSURE_SHARED]);
        printf("  %-*s %-18s %5.2f  %-12s %-12s %-12s %-12s  %-9s %-9s\n", w, S->site,
               S->interceptor, S->ic.burnout_speed / 1e3, f[0], f[1], f[2], f[3], m1, m2);
    }
    printf("  (margin: latest commit that still leaves an intercept minus the commit the "
           "sensors allow; < 0: late)\n");
    printf("\nWhere the answer flips: least burnout speed (km/s) at which the fraction "
           "exceeds 0:\n");
    printf("  %-*s %-18s %9s %9s %9s %9s\n", w, "site", "interceptor", "kinematic", "own",
           "shared", "sectoral");
    for (size_t i = 0; i < r->nsites; i++) {
        const jmd_assure_site *S = &r->sites[i];
        char b[JMD_ASSURE_NVARIANTS][16];
        for (int v = 0; v < JMD_ASSURE_NVARIANTS; v++)
            speed(b[v], sizeof b[v], S->flip_speed[v]);
        printf("  %-*s %-18s %9s %9s %9s %9s\n", w, S->site, S->interceptor, b[0], b[1], b[2],
               b[3]);
    }
    printf("\nSensitivity to burnout speed (engageable %%, own / shared sensors):\n  %-*s",
           w + 9, "site");
    for (int k = 0; k < r->nspeeds; k++)
        printf(" %7.2f", r->speeds[k] / 1e3);
    printf("\n");
    for (size_t i = 0; i < r->nsites; i++)
        for (int v = JMD_ASSURE_OWN; v <= JMD_ASSURE_SHARED; v++) {
            char lab[JMD_NAME_MAX + 16];
            snprintf(lab, sizeof lab, "%s (%s)", r->sites[i].site, jmd_assure_variant_name(v));
            printf("  %-*s", w + 9, lab);
            for (int k = 0; k < r->nspeeds; k++)
                printf(" %7.0f", 100.0 * r->sites[i].speed_fraction[v][k]);
            printf("\n");
        }
    if (r->opts.nrange_scale > 0) {
        printf("\nSensitivity to radar range (x nominal; engageable %%, own / shared):\n  %-*s",
               w + 9, "site");
        for (int k = 0; k < r->opts.nrange_scale; k++)
            printf("  x%5.2f", r->opts.range_scale[k]);
        printf("\n");
        for (size_t i = 0; i < r->nsites; i++)
            for (int v = JMD_ASSURE_OWN; v <= JMD_ASSURE_SHARED; v++) {
                char lab[JMD_NAME_MAX + 16];
                snprintf(lab, sizeof lab, "%s (%s)", r->sites[i].site,
                         jmd_assure_variant_name(v));
                printf("  %-*s", w + 9, lab);
                for (int k = 0; k < r->opts.nrange_scale; k++)
                    printf(" %7.0f", 100.0 * r->sites[i].range_fraction[v][k]);
                printf("\n");
            }
    }
    printf("\nNot modelled: discrimination, countermeasures, the kill probability of an "
           "engageable shot (docs/assure.md).\n");
}

/* DIR/report.html: the theatre map with the layer "Engagement reach
 * against PARTY's deterrent" (jmd/report.h, docs/report.md). */
static int write_report(const char *outdir, const char *path, const jmd_scenario *sc,
                        const jmd_assure_result *res)
{
    char *doc[2] = {NULL, NULL};
    size_t len[2] = {0, 0};
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++) {
        FILE *m = open_memstream(&doc[k], &len[k]);
        if (!m) {
            rc = JMD_ENOMEM;
            break;
        }
        rc = k ? jmd_assure_write_geojson(sc, res, m) : jmd_assure_write_json(sc, res, m);
        if (fclose(m) != 0 && rc == 0) rc = JMD_ENOMEM;
    }
    if (rc == 0) {
        char fpath[4096];
        jmd_report_input ri = {path, NULL, NULL, 0, sc->seed};
        jmd_report_assure as = {doc[0], doc[1]};
        if (snprintf(fpath, sizeof fpath, "%s/report.html", outdir) >= (int)sizeof fpath)
            rc = JMD_EINVAL;
        else
            rc = jmd_report_write_file_assure(fpath, sc, &ri, &as);
    }
    free(doc[0]);
    free(doc[1]);
    return rc;
}

int jmd_cmd_assure(int argc, char **argv)
{
    const char *path = NULL, *outdir = NULL, *deterrent = NULL;
    int json = 0, status = JMD_EXIT_USAGE, rc;
    jmd_assure_opts o;
    jmd_scenario *sc = NULL;
    jmd_assure_result *res = NULL;
    char err[1024];

    jmd_assure_opts_default(&o);
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v;
        double x, lo, hi, step;
        if (strcmp(f, "--json") == 0) {
            json = 1;
            continue;
        }
        if (f[0] == '-' && f[1] != '\0') {
            static const char *const flags[] = {
                "--deterrent",      "--samples", "--out",   "--speeds",
                "--range-scales",   "--pd-min",  "--looks", "--track-delay",
                "--decision-delay", NULL};
            int known = 0;
            for (int k = 0; flags[k]; k++)
                known |= strcmp(f, flags[k]) == 0;
            if (!known) {
                jmd_cli_usage_error(
                    CMD, "expected an option (see jmd assure --help), found \"%s\"", f);
                goto done;
            }
            if (jmd_cli_value(CMD, argc, argv, &i, &v) != 0) goto done;
            if (strcmp(f, "--deterrent") == 0)
                deterrent = v;
            else if (strcmp(f, "--out") == 0)
                outdir = v;
            else if (strcmp(f, "--samples") == 0 || strcmp(f, "--looks") == 0) {
                int smp = strcmp(f, "--samples") == 0;
                if (jmd_cli_number(CMD, f, v, 1, smp ? 10000 : 100,
                                   smp ? "a whole number of trajectories in [1, 10000]"
                                       : "a whole number of looks in [1, 100]",
                                   &x) != 0)
                    goto done;
                if (x != floor(x)) {
                    jmd_cli_usage_error(CMD, "%s: expected a whole number, found \"%s\"", f, v);
                    goto done;
                }
                if (smp)
                    o.samples = (size_t)x;
                else
                    o.looks = (int)x;
            } else if (strcmp(f, "--speeds") == 0) {
                if (parse_sweep(f, v, 0.1, 15, "km/s", &lo, &hi, &step)) goto done;
                o.speed_lo = lo * 1e3;
                o.speed_hi = hi * 1e3;
                o.speed_step = step * 1e3;
            } else if (strcmp(f, "--range-scales") == 0) {
                if (parse_sweep(f, v, 0.01, 10, "factors", &lo, &hi, &step)) goto done;
                o.nrange_scale = (int)floor((hi - lo) / step + 1e-9) + 1;
                for (int k = 0; k < o.nrange_scale; k++)
                    o.range_scale[k] = lo + step * k;
            } else if (strcmp(f, "--pd-min") == 0) {
                if (jmd_cli_number(CMD, f, v, 1e-6, 1 - 1e-6, "a probability in (0, 1)",
                                   &o.pd_min) != 0)
                    goto done;
            } else if (jmd_cli_number(CMD, f, v, 0, 3600, "a delay in [0, 3600] s",
                                      strcmp(f, "--track-delay") == 0 ? &o.track_delay
                                                                      : &o.decision_delay) != 0)
                goto done;
        } else if (path) {
            jmd_cli_usage_error(CMD, "expected one scenario file, found a second: \"%s\"", f);
            goto done;
        } else {
            path = f;
        }
    }
    if (!path || !path[0]) {
        jmd_cli_usage_error(CMD, "SCENARIO: expected a scenario file, found %s",
                            path ? "an empty name" : "nothing");
        goto done;
    }
    if (!deterrent) {
        jmd_cli_usage_error(CMD, "--deterrent: expected the name of the party whose strategic "
                                 "forces are assessed, found nothing");
        goto done;
    }
    if (outdir) {
        struct stat st;
        if (!outdir[0]) {
            jmd_cli_usage_error(CMD, "--out: expected a directory, found an empty name");
            goto done;
        }
        if (stat(outdir, &st) == 0 && !S_ISDIR(st.st_mode)) {
            jmd_cli_usage_error(CMD, "--out: expected a directory, found the file \"%s\"",
                                outdir);
            goto done;
        }
    }
    if ((rc = jmd_scenario_load(path, &sc, err, sizeof err)) != 0) {
        fprintf(stderr, "jmd assure: %s\n", err);
        goto done;
    }
    int party = jmd_scenario_party(sc, deterrent);
    if (party < 0) {
        char list[512];
        size_t off = 0;
        list[0] = '\0';
        for (size_t k = 0; k < sc->nparties && off < sizeof list; k++) {
            int w = snprintf(list + off, sizeof list - off, "%s%s", k ? ", " : "",
                             sc->parties[k].name);
            if (w < 0) break;
            off += (size_t)w;
        }
        jmd_cli_usage_error(CMD,
                            "--deterrent: expected a party of the scenario (%s), found \"%s\"",
                            list, deterrent);
        goto done;
    }
    int has = 0;
    for (size_t k = 0; k < sc->nstrategic; k++)
        has |= sc->strategic[k].party == party;
    if (!has) {
        jmd_cli_usage_error(CMD,
                            "--deterrent: expected a party with a `strategic:` entry in the "
                            "scenario, found \"%s\" without one",
                            deterrent);
        goto done;
    }
    status = JMD_EXIT_FAIL;
    if ((rc = jmd_assure_run(sc, party, &o, &res)) != 0) {
        jmd_cli_fail(CMD, "analysis failed: %s", jmd_strerror(rc));
        goto done;
    }
    if (outdir) {
        if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
            jmd_cli_fail(CMD, "--out: cannot create \"%s\": %s", outdir, strerror(errno));
            goto done;
        }
        if ((rc = jmd_assure_write(sc, res, outdir)) != 0) {
            jmd_cli_fail(CMD, "--out: cannot write %s/assure.json or assure.geojson: %s",
                         outdir, jmd_strerror(rc));
            goto done;
        }
        if ((rc = write_report(outdir, path, sc, res)) != 0) {
            jmd_cli_fail(CMD, "--out: cannot write %s/report.html: %s", outdir,
                         jmd_strerror(rc));
            goto done;
        }
    }
    if (json) {
        if (jmd_assure_write_json(sc, res, stdout) != 0) goto done;
    } else {
        print_table(sc, res);
        if (outdir) {
            printf("\nWrote %s/assure.json and %s/assure.geojson\n", outdir, outdir);
            printf("Wrote %s/report.html\n", outdir);
        }
    }
    status = JMD_EXIT_OK;
done:
    jmd_assure_free(res);
    jmd_scenario_free(sc);
    return status;
}
