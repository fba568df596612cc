/*
 * bench_assure.c — throughput of the transparency analysis (jmd/assure.h):
 * strategic trajectories assessed per second on the transparency example
 * (examples/europe-transparency.yaml, deterrent Russia), split into the
 * two costs: flying the sampled trajectories once (jmd_assure_sample) and
 * assessing them against every site under every variant with the speed
 * and radar-range sweeps (jmd_assure_eval). Prints the machine, the build
 * type, the reach calls made and the peak memory. A program, not a test.
 *
 * Usage: bench_assure [SCENARIO [PARTY [SAMPLES]]]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>

#include "jmd/assure.h"
#include "jmd/scenario.h"
#include "jmd/version.h"

#include "bench_util.h"

#ifndef JMD_BUILD_TYPE
#define JMD_BUILD_TYPE "unknown"
#endif
#ifndef JMD_SOURCE_DIR
#define JMD_SOURCE_DIR "."
#endif

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : JMD_SOURCE_DIR "/examples/europe-transparency.yaml";
    const char *party = argc > 2 ? argv[2] : "Russia";
    size_t samples = argc > 3 ? (size_t)strtoul(argv[3], NULL, 10) : 64;
    char err[1024], cpu[128];
    struct utsname u;
    jmd_scenario *s = NULL;
    if (jmd_scenario_load(path, &s, err, sizeof err)) {
        fprintf(stderr, "bench_assure: %s\n", err);
        return 1;
    }
    int d = jmd_scenario_party(s, party);
    jmd_assure_opts o;
    jmd_assure_opts_default(&o);
    o.samples = samples ? samples : 1;
    bench_cpu_model(cpu, sizeof cpu);
    uname(&u);
    printf("bench_assure: jmd %s, %s build, %s, %s %s\n", JMD_VERSION_STRING, JMD_BUILD_TYPE,
           cpu, u.sysname, u.machine);
    printf("scenario %s, deterrent %s, %zu samples\n", path, party, o.samples);

    jmd_assure_traj *t = NULL;
    size_t n = 0;
    double t0 = bench_now();
    int rc = jmd_assure_sample(s, d, &o, &t, &n);
    double t1 = bench_now();
    if (rc) {
        fprintf(stderr, "bench_assure: sample: %s\n", jmd_strerror(rc));
        jmd_scenario_free(s);
        return 1;
    }
    size_t ok = 0;
    for (size_t i = 0; i < n; i++)
        ok += (size_t)t[i].ok;
    jmd_assure_result *r = NULL;
    rc = jmd_assure_eval(s, d, &o, t, n, &r);
    double t2 = bench_now();
    if (rc) {
        fprintf(stderr, "bench_assure: eval: %s\n", jmd_strerror(rc));
        jmd_scenario_free(s);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("fly    %4zu trajectories (%zu solved) in %7.3f s: %8.1f ms each\n", n, ok, t1 - t0,
           1e3 * (t1 - t0) / (double)n);
    printf(
        "assess %4zu trajectories x %zu sites x %d variants, sweeps of %d speeds and %d radar "
        "ranges: %7.3f s, %zu reach calls (%.3f ms each)\n",
        ok, r->nsites, JMD_ASSURE_NVARIANTS, r->nspeeds, o.nrange_scale, t2 - t1,
        r->reach_calls, 1e3 * (t2 - t1) / (double)(r->reach_calls ? r->reach_calls : 1));
    printf("total  %.1f trajectories assessed per second (fly + assess); %.1f per second "
           "assessing cached trajectories\n",
           (double)ok / (t2 - t0), (double)ok / (t2 - t1));
    printf("peak memory %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    jmd_assure_free(r);
    jmd_scenario_free(s);
    return 0;
}
