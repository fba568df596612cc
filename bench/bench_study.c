/*
 * bench_study.c — figures for the comparison (`jmd run --models all`):
 * wall time, trials per second and (model, trial) runs per second at 1 and
 * 2 threads with the CPU time (cores kept busy), whether the two summaries
 * are byte-identical, and the peak resident memory, with the machine and
 * the build type. Prints; asserts nothing.
 *
 * Usage: bench_study [SCENARIO.yaml [TRIALS]] (default: the flagship
 * examples/europe-shared-threat.yaml when it exists, else
 * examples/salvo.yaml, of the source tree this was built from; 10 trials).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "jmd/scenario.h"
#include "jmd/study.h"
#include "jmd/version.h"

#ifndef JMD_BUILD_TYPE
#define JMD_BUILD_TYPE "unknown"
#endif
#ifndef JMD_SOURCE_DIR
#define JMD_SOURCE_DIR "."
#endif

static double clock_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One study; *json gets the summary (malloc'd). */
static int bench(const jmd_scenario *sc, long trials, int threads, char **json, size_t *len)
{
    jmd_study_opts o;
    jmd_study *s = NULL;
    char err[1024];
    jmd_study_opts_default(&o);
    o.trials = trials;
    o.threads = threads;
    o.seed = sc->seed;
    double t = clock_s(CLOCK_MONOTONIC), c = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    if (jmd_study_run(sc, &o, &s, err, sizeof err) != 0) {
        fprintf(stderr, "bench_study: %s\n", err);
        return 1;
    }
    double dt = clock_s(CLOCK_MONOTONIC) - t, dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c;
    printf("  %d thread%s: %ld trials x %d models in %.2f s: %.3f trials/s (%.3f runs/s, %.1f "
           "ms per run); CPU %.2f s (%.2f cores busy)\n",
           threads, threads == 1 ? " " : "s", trials, o.nmodels, dt, (double)trials / dt,
           (double)trials * o.nmodels / dt, 1e3 * dt / ((double)trials * o.nmodels), dc,
           dc / dt);
    FILE *f = open_memstream(json, len);
    if (!f || jmd_study_write_json(sc, s, f) != 0 || fclose(f) != 0) {
        jmd_study_free(s);
        return 1;
    }
    jmd_study_free(s);
    return 0;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : NULL;
    long trials = argc > 2 ? atol(argv[2]) : 10;
    if (!path) {
        path = JMD_SOURCE_DIR "/examples/europe-shared-threat.yaml";
        if (access(path, R_OK) != 0) path = JMD_SOURCE_DIR "/examples/salvo.yaml";
    }
    if (trials < 1) {
        fprintf(stderr, "bench_study: TRIALS: expected a positive whole number\n");
        return 2;
    }
    struct utsname u;
    uname(&u);
    printf("jmd %s bench_study — build type %s, %s %s, %ld online CPUs\n", jmd_version(),
           JMD_BUILD_TYPE, u.sysname, u.machine, sysconf(_SC_NPROCESSORS_ONLN));
    jmd_scenario *sc = NULL;
    char err[1024];
    if (jmd_scenario_load(path, &sc, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    const char *base = strrchr(path, '/');
    printf("  %s: %zu parties, %zu threats, %zu radars, %zu sites; every model, common random "
           "numbers\n",
           base ? base + 1 : path, sc->nparties, sc->nthreats, sc->nradars, sc->nsites);
    char *j1 = NULL, *j2 = NULL;
    size_t l1 = 0, l2 = 0;
    int bad = bench(sc, trials, 1, &j1, &l1);
    if (!bad) bad = bench(sc, trials, 2, &j2, &l2);
    if (!bad)
        printf("  summaries at 1 and 2 threads: %s\n",
               l1 == l2 && memcmp(j1, j2, l1) == 0 ? "byte-identical" : "DIFFERENT");
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("  peak resident memory: %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    free(j1);
    free(j2);
    jmd_scenario_free(sc);
    return bad;
}
