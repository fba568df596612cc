/*
 * cmd_run.c — `jmd run`: simulate a scenario from launch to intercept or
 * impact, print a readable account, and write the event log and summary.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/compare.h"
#include "jmd/export.h"
#include "jmd/report.h"
#include "jmd/scenario.h"
#include "jmd/sim.h"

#define CMD "run"

void jmd_cmd_run_help(FILE *out)
{
    fprintf(out,
            "Usage: jmd run SCENARIO.yaml [--model M] [--seed N] [--out DIR] [--quiet]\n"
            "       jmd run SCENARIO.yaml --models all|M,M,... [--trials N] [--threads T]\n"
            "               [--seed N] [--out DIR] [--quiet]\n"
            "\n"
            "Simulates the scenario from launch to intercept or impact: threats flown on\n"
            "the rotating WGS-84 Earth, each party's radars and early-warning satellites,\n"
            "its tracker, threat evaluation and engagement planning with its own firing\n"
            "sites, intercepts drawn with the sites' kill probability. Prints, per threat,\n"
            "when it was launched, first detected (by which sensor), tracked, engaged and\n"
            "intercepted (where) or where it leaked, then the outcome per party.\n"
            "The scenario format is docs/scenario.md; examples are in examples/.\n"
            "\n"
            "With --models it compares cooperation models (docs/governance.md) on the\n"
            "same scenario over N Monte Carlo trials with common random numbers (the same\n"
            "threat, sensor and kill draws in every model): a table per model with the\n"
            "probability of no leaker and its 95%% Wilson interval, expected leakers, per\n"
            "party the probability that none of its assets is hit, interceptors used and\n"
            "wasted, median timeline, decisions, messages and bytes per pair, and\n"
            "dependence; DIR/summary.json and every trial in DIR/trials.sqlite.\n"
            "\n"
            "Options:\n"
            "  --model M    run under cooperation model M: independent, early-warning,\n"
            "               connected, joint or sectoral (default: the scenario's\n"
            "               governance.model)\n"
            "  --models L   compare the models of L: all, or a comma-separated list\n"
            "  --trials N   Monte Carlo trials per model with --models (default 20)\n"
            "  --threads T  worker threads with --models (default 1); results do not\n"
            "               depend on T\n"
            "  --seed N     run seed, an unsigned 64-bit integer (default: the scenario's\n"
            "               `seed`); the same scenario and seed give the same bytes out\n"
            "  --out DIR    write DIR/events.jsonl (one event per line, with simulation\n"
            "               time in s) and DIR/summary.json (created if missing)\n"
            "  --quiet      do not print the account\n"
            "  --help       this help\n"
            "\n"
            "Example:\n"
            "  jmd run examples/salvo.yaml --out out/salvo\n"
            "  jmd run examples/europe-shared-threat.yaml --models all --trials 50 --threads 2\n"
            "\n"
            "Exit status: 0 the simulation ran (whatever its outcome), 1 it failed (a file\n"
            "could not be written), 2 bad usage or a bad scenario (errors name\n"
            "file:line:col).\n");
}

int jmd_cli_seed(const char *text, uint64_t *out)
{
    char *end;
    if (text[0] < '0' || text[0] > '9') return -1;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno == ERANGE || *end != '\0') return -1;
    *out = (uint64_t)v;
    return 0;
}

static FILE *open_out(const char *dir, const char *name, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", dir, name);
    return fopen(path, "w");
}

/* jmd run's engine: every node in this process. */
static int local_sim(void *ctx, const jmd_scenario *sc, uint64_t seed, const jmd_sim_opts *so,
                     jmd_sim_result **res, char *err, size_t errlen)
{
    (void)ctx;
    return jmd_sim_run(sc, seed, so, res, err, errlen);
}

/* One run of a scenario with its outputs (the account, and with outdir
 * events.jsonl, summary.json, KML, CZML, report.html): shared by `jmd run`
 * and `jmd world`, which differ only in fn, the engine. */
int jmd_cli_single_run(const char *cmd, const char *path, const jmd_scenario *sc, uint64_t seed,
                       int model, const char *outdir, int quiet, jmd_cli_sim_fn fn, void *ctx)
{
    int status = JMD_EXIT_USAGE, rc;
    jmd_sim_result *res = NULL;
    FILE *events = NULL, *summary = NULL;
    char err[1024], fpath[4096];
    if (outdir) {
        if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
            status = jmd_cli_fail(cmd, "--out: cannot create \"%s\": %s", outdir, strerror(errno));
            goto done;
        }
        if (!(events = open_out(outdir, "events.jsonl", fpath, sizeof fpath))) {
            status = jmd_cli_fail(cmd, "--out: cannot write \"%s\": %s", fpath, strerror(errno));
            goto done;
        }
    }
    jmd_sim_opts so;
    jmd_sim_opts_default(&so);
    so.events = events;
    so.model = model;
    so.keep_truth = outdir != NULL; /* trajectories for the exports (and report) */
    rc = fn(ctx, sc, seed, &so, &res, err, sizeof err);
    if (rc == JMD_ENOSOL) {
        fprintf(stderr, "jmd %s: %s: %s\n", cmd, path, err);
        goto done;
    }
    if (rc != 0) {
        status = jmd_cli_fail(cmd, "%s", err);
        goto done;
    }
    if (events) {
        int bad = ferror(events);
        if (fclose(events) != 0 || bad) {
            events = NULL;
            status = jmd_cli_fail(cmd, "--out: writing %s/events.jsonl failed", outdir);
            goto done;
        }
        events = NULL;
        if (!(summary = open_out(outdir, "summary.json", fpath, sizeof fpath)) ||
            jmd_sim_write_summary(sc, seed, res, summary) != 0) {
            status = jmd_cli_fail(cmd, "--out: cannot write \"%s\"", fpath);
            goto done;
        }
        int bad2 = ferror(summary);
        if (fclose(summary) != 0 || bad2) {
            summary = NULL;
            status = jmd_cli_fail(cmd, "--out: writing \"%s\" failed", fpath);
            goto done;
        }
        summary = NULL;
        /* Google Earth and CesiumJS views of the run (jmd/export.h) */
        static const char *const exports[] = {"scenario.kml", "scenario.czml"};
        for (int k = 0; k < 2; k++) {
            FILE *ef = open_out(outdir, exports[k], fpath, sizeof fpath);
            int erc = !ef     ? JMD_EIO
                      : k == 0 ? jmd_export_kml(ef, sc, res)
                               : jmd_export_czml(ef, sc, res, NAN);
            if (ef && fclose(ef) != 0 && erc == 0) erc = JMD_EIO;
            if (erc != 0) {
                status = jmd_cli_fail(cmd, "--out: cannot write \"%s\"", fpath);
                goto done;
            }
        }
        /* the HTML report: map, replay, timeline, sources (jmd/report.h) */
        const jmd_sim_result *replay[1] = {res};
        jmd_report_input ri = {path, NULL, replay, 1, seed};
        snprintf(fpath, sizeof fpath, "%s/report.html", outdir);
        if (jmd_report_write_file(fpath, sc, &ri) != 0) {
            status = jmd_cli_fail(cmd, "--out: cannot write \"%s\"", fpath);
            goto done;
        }
    }
    if (!quiet) {
        jmd_sim_write_account(sc, res, stdout);
        if (outdir) {
            printf("Wrote %s/events.jsonl and %s/summary.json\n", outdir, outdir);
            printf("Wrote %s/scenario.kml and %s/scenario.czml\n", outdir, outdir);
            printf("Wrote %s/report.html\n", outdir);
        }
    }
    status = JMD_EXIT_OK;
done:
    if (events) fclose(events);
    if (summary) fclose(summary);
    jmd_sim_result_free(res);
    return status;
}

int jmd_cmd_run(int argc, char **argv)
{
    const char *path = NULL, *outdir = NULL, *model_arg = NULL, *models_arg = NULL;
    long trials = 20, threads = 1;
    int have_trials = 0, have_threads = 0;
    uint64_t seed = 0;
    int have_seed = 0, quiet = 0, status = JMD_EXIT_USAGE, rc;
    jmd_scenario *sc = NULL;
    char err[1024];

    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v, *vtext;
        if (strcmp(f, "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(f, "--seed") == 0) {
            if (jmd_cli_value(CMD, argc, argv, &i, &v) != 0) goto done;
            if (jmd_cli_seed(v, &seed) != 0) {
                jmd_cli_usage_error(CMD, "--seed: expected an unsigned 64-bit integer, found \"%s\"",
                                    v);
                goto done;
            }
            have_seed = 1;
        } else if (strcmp(f, "--out") == 0) {
            if (jmd_cli_value(CMD, argc, argv, &i, &outdir) != 0) goto done;
        } else if (strcmp(f, "--model") == 0) {
            if (jmd_cli_value(CMD, argc, argv, &i, &model_arg) != 0) goto done;
        } else if (strcmp(f, "--models") == 0) {
            if (jmd_cli_value(CMD, argc, argv, &i, &models_arg) != 0) goto done;
        } else if (strcmp(f, "--trials") == 0 || strcmp(f, "--threads") == 0) {
            int is_trials = strcmp(f, "--trials") == 0;
            double num;
            if (jmd_cli_value(CMD, argc, argv, &i, &vtext) != 0) goto done;
            if (jmd_cli_number(CMD, f, vtext, 1, is_trials ? 1e6 : 64,
                               is_trials ? "a whole number of trials in [1, 1000000]"
                                         : "a whole number of threads in [1, 64]",
                               &num) != 0)
                goto done;
            if (num != (double)(long)num) {
                jmd_cli_usage_error(CMD, "%s: expected a whole number, found \"%s\"", f, vtext);
                goto done;
            }
            if (is_trials) trials = (long)num, have_trials = 1;
            else threads = (long)num, have_threads = 1;
        } else if (f[0] == '-' && f[1] != '\0') {
            jmd_cli_usage_error(CMD, "expected --model, --models, --trials, --threads, --seed, "
                                     "--out or --quiet (see jmd run --help), found \"%s\"",
                                f);
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
    rc = jmd_scenario_load(path, &sc, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "jmd run: %s\n", err);
        goto done;
    }
    if (!have_seed) seed = sc->seed;
    if (model_arg && models_arg) {
        jmd_cli_usage_error(CMD, "--model: expected either --model or --models, found both");
        goto done;
    }
    if (!models_arg && (have_trials || have_threads)) {
        jmd_cli_usage_error(CMD, "%s: expected only with --models, found it without",
                            have_trials ? "--trials" : "--threads");
        goto done;
    }
    if (models_arg) {
        status = jmd_cmd_run_compare(path, sc, models_arg, trials, (int)threads, seed, outdir,
                                     quiet);
        goto done;
    }
    int model = -1;
    if (model_arg) {
        for (int m = 0; m < JMD_GOV_NMODELS; m++)
            if (strcmp(model_arg, jmd_gov_model_name((jmd_gov_model)m)) == 0) model = m;
        if (model < 0) {
            jmd_cli_usage_error(CMD, "--model: expected independent, early-warning, connected, "
                                     "joint or sectoral, found \"%s\"",
                                model_arg);
            goto done;
        }
    }
    status = jmd_cli_single_run(CMD, path, sc, seed, model, outdir, quiet, local_sim, NULL);
done:
    jmd_scenario_free(sc);
    return status;
}
