/*
 * cmd_run.c — `jmd run`: simulate a scenario from launch to intercept or
 * impact, print a readable account, and write the event log and summary.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "jmd/scenario.h"
#include "jmd/sim.h"

#define CMD "run"

void jmd_cmd_run_help(FILE *out)
{
    fprintf(out,
            "Usage: jmd run SCENARIO.yaml [--seed N] [--out DIR] [--quiet]\n"
            "\n"
            "Simulates the scenario from launch to intercept or impact: threats flown on\n"
            "the rotating WGS-84 Earth, each party's radars and early-warning satellites,\n"
            "its tracker, threat evaluation and engagement planning with its own firing\n"
            "sites, intercepts drawn with the sites' kill probability. Prints, per threat,\n"
            "when it was launched, first detected (by which sensor), tracked, engaged and\n"
            "intercepted (where) or where it leaked, then the outcome per party.\n"
            "The scenario format is docs/scenario.md; examples are in examples/.\n"
            "\n"
            "Options:\n"
            "  --seed N     run seed, an unsigned 64-bit integer (default: the scenario's\n"
            "               `seed`); the same scenario and seed give the same bytes out\n"
            "  --out DIR    write DIR/events.jsonl (one event per line, with simulation\n"
            "               time in s) and DIR/summary.json (created if missing)\n"
            "  --quiet      do not print the account\n"
            "  --help       this help\n"
            "\n"
            "Example:\n"
            "  jmd run examples/salvo.yaml --out out/salvo\n"
            "\n"
            "Exit status: 0 the simulation ran (whatever its outcome), 1 it failed (a file\n"
            "could not be written), 2 bad usage or a bad scenario (errors name\n"
            "file:line:col).\n");
}

static int parse_seed(const char *text, uint64_t *out)
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

int jmd_cmd_run(int argc, char **argv)
{
    const char *path = NULL, *outdir = NULL;
    uint64_t seed = 0;
    int have_seed = 0, quiet = 0, status = JMD_EXIT_USAGE, rc;
    jmd_scenario *sc = NULL;
    jmd_sim_result *res = NULL;
    FILE *events = NULL, *summary = NULL;
    char err[1024], fpath[4096];

    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v;
        if (strcmp(f, "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(f, "--seed") == 0) {
            if (jmd_cli_value(CMD, argc, argv, &i, &v) != 0) goto done;
            if (parse_seed(v, &seed) != 0) {
                jmd_cli_usage_error(CMD, "--seed: expected an unsigned 64-bit integer, found \"%s\"",
                                    v);
                goto done;
            }
            have_seed = 1;
        } else if (strcmp(f, "--out") == 0) {
            if (jmd_cli_value(CMD, argc, argv, &i, &outdir) != 0) goto done;
        } else if (f[0] == '-' && f[1] != '\0') {
            jmd_cli_usage_error(CMD, "expected --seed, --out or --quiet (see jmd run --help), "
                                     "found \"%s\"",
                                f);
            goto done;
        } else if (path) {
            jmd_cli_usage_error(CMD, "expected one scenario file, found a second: \"%s\"", f);
            goto done;
        } else {
            path = f;
        }
    }
    if (!path) {
        jmd_cli_usage_error(CMD, "SCENARIO: expected a scenario file, found nothing");
        goto done;
    }
    rc = jmd_scenario_load(path, &sc, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "jmd run: %s\n", err);
        goto done;
    }
    if (!have_seed) seed = sc->seed;
    if (outdir) {
        if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
            status = jmd_cli_fail(CMD, "--out: cannot create \"%s\": %s", outdir, strerror(errno));
            goto done;
        }
        if (!(events = open_out(outdir, "events.jsonl", fpath, sizeof fpath))) {
            status = jmd_cli_fail(CMD, "--out: cannot write \"%s\": %s", fpath, strerror(errno));
            goto done;
        }
    }
    jmd_sim_opts so;
    jmd_sim_opts_default(&so);
    so.events = events;
    rc = jmd_sim_run(sc, seed, &so, &res, err, sizeof err);
    if (rc == JMD_ENOSOL) {
        fprintf(stderr, "jmd run: %s: %s\n", path, err);
        goto done;
    }
    if (rc != 0) {
        status = jmd_cli_fail(CMD, "%s", err);
        goto done;
    }
    if (events) {
        int bad = ferror(events);
        if (fclose(events) != 0 || bad) {
            events = NULL;
            status = jmd_cli_fail(CMD, "--out: writing %s/events.jsonl failed", outdir);
            goto done;
        }
        events = NULL;
        if (!(summary = open_out(outdir, "summary.json", fpath, sizeof fpath)) ||
            jmd_sim_write_summary(sc, seed, res, summary) != 0) {
            status = jmd_cli_fail(CMD, "--out: cannot write \"%s\"", fpath);
            goto done;
        }
        int bad2 = ferror(summary);
        if (fclose(summary) != 0 || bad2) {
            summary = NULL;
            status = jmd_cli_fail(CMD, "--out: writing \"%s\" failed", fpath);
            goto done;
        }
        summary = NULL;
    }
    if (!quiet) {
        jmd_sim_write_account(sc, res, stdout);
        if (outdir) printf("Wrote %s/events.jsonl and %s/summary.json\n", outdir, outdir);
    }
    status = JMD_EXIT_OK;
done:
    if (events) fclose(events);
    if (summary) fclose(summary);
    jmd_sim_result_free(res);
    jmd_scenario_free(sc);
    return status;
}
