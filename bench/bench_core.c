/*
 * bench_core.c — figures for the flight-physics core: time per Kepler
 * propagation, per Lambert solve, per full ICBM trajectory (boost, free
 * flight, re-entry to impact at the default tolerances), per targeting solve
 * and per reach computation; with the machine and the build type.
 *
 * The Kepler and Lambert cases are the published examples the tests use
 * (Vallado Ex. 2-4 and 7-5) so that bench/poliastro_peer.py can time the
 * peer, poliastro, on exactly the same inputs. Prints; asserts nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>

#include "jmd/flight.h"
#include "jmd/geo.h"
#include "jmd/orbit.h"
#include "jmd/version.h"

#include "bench_util.h"

#ifndef JMD_BUILD_TYPE
#define JMD_BUILD_TYPE "unknown"
#endif
#define DEG (3.14159265358979323846 / 180.0)

static void report(const char *what, double seconds, long n)
{
    double per = seconds / (double)n;
    const char *unit = "s";
    double scale = 1.0;
    if (per < 1e-6) unit = "ns", scale = 1e9;
    else if (per < 1e-3) unit = "us", scale = 1e6;
    else if (per < 1.0) unit = "ms", scale = 1e3;
    printf("  %-52s %10.3f %-2s/op  %12.0f op/s  (n=%ld)\n", what, per * scale, unit,
           (double)n / seconds, n);
}

/* A sink the optimiser cannot remove. */
static volatile double sink;

int main(void)
{
    struct utsname u;
    char cpu[128];
    uname(&u);
    bench_cpu_model(cpu, sizeof cpu);
    printf("jmd %s bench_core — build type %s, %s %s, %s\n", jmd_version(), JMD_BUILD_TYPE,
           u.sysname, u.machine, cpu);

    const double mu = 398600.4418e9;
    /* Vallado Ex. 2-4. */
    const double r0[3] = {1131.340e3, -2282.343e3, 6672.423e3};
    const double v0[3] = {-5.64305e3, 4.30333e3, 2.42879e3};
    double r[3], v[3];
    long n = 2000000;
    double t = bench_now();
    for (long i = 0; i < n; i++) {
        /* vary dt so nothing is hoisted out of the loop */
        jmd_orbit_kepler(mu, r0, v0, 2400.0 + (double)(i & 63), r, v);
        sink += r[0];
    }
    report("Kepler, universal variables (Vallado 2-4, 40 min)", bench_now() - t, n);

    /* Vallado Ex. 7-5. */
    const double r1[3] = {15945.34e3, 0, 0};
    const double r2[3] = {12214.83899e3, 10249.46731e3, 0};
    double v1[3], v2[3];
    n = 1000000;
    t = bench_now();
    for (long i = 0; i < n; i++) {
        jmd_orbit_lambert(mu, r1, r2, 76.0 * 60.0 + (double)(i & 63) * 1e-3, 0, v1, v2);
        sink += v1[0];
    }
    report("Lambert, single revolution (Vallado 7-5, 76 min)", bench_now() - t, n);

    jmd_catalogue cat = {0};
    char err[256];
    if (jmd_catalogue_load_builtin(&cat, err, sizeof err) != 0) {
        printf("  catalogue: %s\n", err);
        return 1;
    }
    const jmd_vehicle *icbm = jmd_catalogue_vehicle(&cat, "icbm-solid");
    const jmd_interceptor *gbi = NULL;
    for (size_t i = 0; i < cat.ninterceptors && !gbi; i++)
        if (strstr(cat.interceptors[i].name, "gbi")) gbi = &cat.interceptors[i];
    if (!gbi && cat.ninterceptors) gbi = &cat.interceptors[cat.ninterceptors - 1];

    jmd_flight_opts opts;
    jmd_flight_opts_default(&opts);
    jmd_target_result res;
    jmd_trajectory tr = {0};
    /* Plesetsk (62.93 N, 40.58 E) to Washington DC (38.90 N, 77.04 W). */
    double lat0 = 62.93 * DEG, lon0 = 40.58 * DEG, lat1 = 38.90 * DEG, lon1 = -77.04 * DEG;
    if (icbm) {
        int rc = jmd_flight_target(icbm, lat0, lon0, lat1, lon1, JMD_TRAJ_MIN_ENERGY, 0, 0, &opts,
                                   &res, &tr);
        if (rc != 0) {
            printf("  icbm targeting failed: %s\n", jmd_strerror(rc));
        } else {
            n = 200;
            jmd_trajectory tr2 = {0};
            t = bench_now();
            for (long i = 0; i < n; i++) {
                jmd_flight_fly(icbm, &res.launch, &opts, &tr2);
                sink += tr2.s[tr2.n - 1].r[0];
            }
            report("full ICBM trajectory (icbm-solid, 7,440 km)", bench_now() - t, n);
            jmd_trajectory_free(&tr2);
            n = 5;
            t = bench_now();
            for (long i = 0; i < n; i++) {
                jmd_flight_target(icbm, lat0, lon0, lat1, lon1, JMD_TRAJ_MIN_ENERGY, 0, 0, &opts,
                                  &res, NULL);
                sink += res.miss;
            }
            report("targeting solve, minimum energy (icbm-solid)", bench_now() - t, n);
        }
    } else {
        printf("  (no icbm-solid in the catalogue: trajectory figures skipped)\n");
    }
    if (gbi && tr.n > 0) {
        jmd_reach rr;
        /* A site on the way: Fort Greely-like position (63.95 N, 145.7 W) is far;
         * use Clear/Greenland-like mid-course geometry: Thule (76.53 N, 68.7 W). */
        n = 200;
        t = bench_now();
        for (long i = 0; i < n; i++) {
            jmd_flight_reach(gbi, 76.53 * DEG, -68.7 * DEG, 0, &tr, tr.s[0].t + 300.0, &rr);
            sink += rr.t_first;
        }
        char label[96];
        snprintf(label, sizeof label, "reach computation (%s vs that ICBM)", gbi->name);
        report(label, bench_now() - t, n);
    }
    jmd_trajectory_free(&tr);
    jmd_catalogue_free(&cat);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("  peak resident memory %ld KiB\n", ru.ru_maxrss);
    return 0;
}
