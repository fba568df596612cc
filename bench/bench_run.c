/*
 * bench_run.c — figures for the simulation engine: wall time of one trial
 * of each example scenario (threat flights, sensors, tracking, threat
 * evaluation, planning, intercepts; no event log), and the peak resident
 * memory, with the machine and the build type. Prints; asserts nothing.
 *
 * Usage: bench_run [SCENARIO.yaml ...] (default: the examples/ of the
 * source tree this was built from).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>

#include "jmd/scenario.h"
#include "jmd/sim.h"
#include "jmd/version.h"

#include "bench_util.h"

#ifndef JMD_BUILD_TYPE
#define JMD_BUILD_TYPE "unknown"
#endif
#ifndef JMD_SOURCE_DIR
#define JMD_SOURCE_DIR "."
#endif

static int bench_one(const char *path)
{
    jmd_scenario *sc = NULL;
    char err[1024];
    if (jmd_scenario_load(path, &sc, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    const int reps = 5;
    double best = 1e30, total = 0;
    jmd_sim_result *r = NULL;
    for (int i = 0; i < reps; i++) {
        jmd_sim_result_free(r);
        r = NULL;
        double t = bench_now();
        if (jmd_sim_run(sc, sc->seed, NULL, &r, err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", path, err);
            jmd_scenario_free(sc);
            return 1;
        }
        double dt = bench_now() - t;
        total += dt;
        if (dt < best) best = dt;
    }
    const char *base = strrchr(path, '/');
    printf("  %-24s %3zu threats %2zu radars %2zu sites: one trial %8.1f ms (best of %d; mean "
           "%.1f ms); %d intercepted, %d leaked\n",
           base ? base + 1 : path, sc->nthreats, sc->nradars, sc->nsites, best * 1e3, reps,
           total / reps * 1e3, r->intercepted, r->leaked);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
    return 0;
}

int main(int argc, char **argv)
{
    struct utsname u;
    uname(&u);
    printf("jmd %s bench_run — build type %s, %s %s\n", jmd_version(), JMD_BUILD_TYPE, u.sysname,
           u.machine);
    int bad = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++) bad |= bench_one(argv[i]);
    } else {
        bad |= bench_one(JMD_SOURCE_DIR "/examples/single-mrbm.yaml");
        bad |= bench_one(JMD_SOURCE_DIR "/examples/salvo.yaml");
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("  peak resident memory %ld KiB\n", ru.ru_maxrss);
    return bad;
}
