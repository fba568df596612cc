/*
 * cmd_compare.c — `jmd run SCENARIO --models all|LIST [--trials N]
 * [--threads T]`: the comparison of governance models (compare.h). Parses
 * the model list, runs the study, prints the table, writes summary.json
 * and trials.sqlite, and shows progress on a terminal (trials done, rate,
 * time left; at most four updates a second, on one line).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/compare.h"
#include "jmd/error.h"
#include "jmd/report.h"
#include "jmd/study.h"

#define CMD "run"

static int bad_models(const char *found)
{
    char list[256] = "";
    for (int m = 0; m < JMD_GOV_NMODELS; m++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", m ? ", " : "",
                 jmd_gov_model_name((jmd_gov_model)m));
    }
    return jmd_cli_usage_error(CMD,
                               "--models: expected all or a comma-separated list of %s, "
                               "found \"%s\"",
                               list, found);
}

/* "all" or "a,b,c" into o->models; 0 or JMD_EXIT_USAGE (message printed). */
static int parse_models(const char *arg, jmd_study_opts *o)
{
    o->nmodels = 0;
    if (!arg || !arg[0]) return bad_models(arg ? arg : "");
    if (strcmp(arg, "all") == 0) {
        for (int m = 0; m < JMD_GOV_NMODELS; m++)
            o->models[o->nmodels++] = m;
        return 0;
    }
    const char *p = arg;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char name[64];
        if (len == 0 || len >= sizeof name) {
            snprintf(name, sizeof name, "%.*s",
                     (int)(len < sizeof name ? len : sizeof name - 1), p);
            return bad_models(len == 0 ? arg : name);
        }
        memcpy(name, p, len);
        name[len] = '\0';
        int found = -1;
        for (int m = 0; m < JMD_GOV_NMODELS; m++)
            if (strcmp(name, jmd_gov_model_name((jmd_gov_model)m)) == 0) found = m;
        if (found < 0) return bad_models(name);
        for (int i = 0; i < o->nmodels; i++)
            if (o->models[i] == found)
                return jmd_cli_usage_error(CMD,
                                           "--models: expected each model once, found "
                                           "\"%s\" twice",
                                           name);
        o->models[o->nmodels++] = found;
        if (!comma) break;
        p = comma + 1;
    }
    return 0;
}

typedef struct {
    double t0, last;
    int shown;
} progress_state;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void progress(void *arg, long done, long total)
{
    progress_state *ps = arg;
    double t = now();
    if (done < total && t - ps->last < 0.25) return;
    ps->last = t;
    double el = t - ps->t0, rate = el > 0 ? (double)done / el : 0;
    fprintf(stderr, "\r\033[K  %ld/%ld runs (%.0f%%), %.2f runs/s", done, total,
            100.0 * (double)done / (double)total, rate);
    if (rate > 0 && done < total)
        fprintf(stderr, ", about %.0f s left", (double)(total - done) / rate);
    fflush(stderr);
    ps->shown = 1;
}

static int write_summary(const char *path, const jmd_scenario *sc, const jmd_study *s)
{
    FILE *f = fopen(path, "w");
    if (!f) return jmd_cli_fail(CMD, "--out: cannot write \"%s\": %s", path, strerror(errno));
    int rc = jmd_study_write_json(sc, s, f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || rc != 0)
        return jmd_cli_fail(CMD, "--out: writing \"%s\" failed", path);
    return JMD_EXIT_OK;
}

/* DIR/report.html: the study plus one replay trial per model, run again
 * with the trajectories kept (keep_truth) and the study's first trial
 * seed, so the replay is trial 0 of every model (common random numbers). */
static int write_report(const char *outdir, const char *scenario_path, const jmd_scenario *sc,
                        const jmd_study_opts *o, const jmd_study *s)
{
    const jmd_sim_result *replays[JMD_STUDY_MAX_MODELS] = {NULL};
    jmd_sim_result *owned[JMD_STUDY_MAX_MODELS] = {NULL};
    uint64_t seed0 = jmd_study_trial_seed(o->seed, 0);
    char err[1024], path[4096];
    int status = JMD_EXIT_OK, rc = 0;
    for (int m = 0; m < o->nmodels && rc == 0; m++) {
        jmd_sim_opts so = o->sim;
        so.events = NULL;
        so.model = o->models[m];
        so.keep_truth = 1;
        rc = jmd_sim_run(sc, seed0, &so, &owned[m], err, sizeof err);
        replays[m] = owned[m];
    }
    snprintf(path, sizeof path, "%s/report.html", outdir);
    if (rc != 0) {
        status = jmd_cli_fail(CMD, "report replay: %s", err);
    } else {
        jmd_report_input ri = {scenario_path, s, replays, (size_t)o->nmodels, seed0};
        if (jmd_report_write_file(path, sc, &ri) != 0)
            status = jmd_cli_fail(CMD, "--out: cannot write \"%s\"", path);
    }
    for (int m = 0; m < o->nmodels; m++) jmd_sim_result_free(owned[m]);
    return status;
}

int jmd_cmd_run_compare(const char *scenario_path, const jmd_scenario *sc,
                        const char *models_arg, long trials, int threads, uint64_t seed,
                        const char *outdir, int quiet)
{
    jmd_study_opts o;
    jmd_study *s = NULL;
    char err[1024], dbpath[4096], sumpath[4096];
    progress_state ps = {0, 0, 0};
    int status;

    jmd_study_opts_default(&o);
    if (parse_models(models_arg, &o) != 0) return JMD_EXIT_USAGE;
    if (trials < 1 || trials > JMD_STUDY_MAX_TRIALS)
        return jmd_cli_usage_error(CMD,
                                   "--trials: expected a whole number in [1, %ld], found %ld",
                                   JMD_STUDY_MAX_TRIALS, trials);
    if (threads < 1 || threads > JMD_STUDY_MAX_THREADS)
        return jmd_cli_usage_error(CMD,
                                   "--threads: expected a whole number in [1, %d], found %d",
                                   JMD_STUDY_MAX_THREADS, threads);
    if (!sc) return jmd_cli_fail(CMD, "no scenario");
    o.trials = trials;
    o.threads = threads;
    o.seed = seed;
    if (outdir) {
        if (mkdir(outdir, 0777) != 0 && errno != EEXIST)
            return jmd_cli_fail(CMD, "--out: cannot create \"%s\": %s", outdir,
                                strerror(errno));
        snprintf(dbpath, sizeof dbpath, "%s/trials.sqlite", outdir);
        snprintf(sumpath, sizeof sumpath, "%s/summary.json", outdir);
        o.db_path = dbpath;
    }
    if (isatty(fileno(stderr))) {
        ps.t0 = now();
        o.progress = progress;
        o.progress_arg = &ps;
    }
    int rc = jmd_study_run(sc, &o, &s, err, sizeof err);
    if (ps.shown) fputs("\r\033[K", stderr);
    if (rc == JMD_ENOSOL) {
        fprintf(stderr, "jmd run: %s: %s\n", scenario_path ? scenario_path : "<scenario>", err);
        return JMD_EXIT_USAGE;
    }
    if (rc != 0) return jmd_cli_fail(CMD, "%s", err[0] ? err : jmd_strerror(rc));
    status = JMD_EXIT_OK;
    if (outdir) status = write_summary(sumpath, sc, s);
    if (outdir && status == JMD_EXIT_OK) status = write_report(outdir, scenario_path, sc, &o, s);
    if (status == JMD_EXIT_OK && !quiet) {
        if (jmd_study_write_table(sc, s, stdout) != 0) status = JMD_EXIT_FAIL;
        if (outdir) printf("\nWrote %s and %s\n", sumpath, dbpath);
        if (outdir) printf("Wrote %s/report.html\n", outdir);
    }
    jmd_study_free(s);
    return status;
}
