/*
 * bench_track.c — tracker throughput: measurement updates per second of
 * jmd_tracker_scan with 20 and 200 simultaneous ballistic targets, in
 * clutter-free scans and in scans with as many uniform false alarms as
 * targets (spread over the sector the targets occupy), one radar scanning
 * every 2 s for 60 scans. Truth (Kepler arcs) and noisy measurements are
 * generated before the clock starts; the figure is the tracker alone
 * (prediction, gating, assignment, updates, initiation, life cycle).
 * Prints the machine, the build type, and per case: updates/s,
 * measurements/s, time per scan, confirmed tracks at the end (should equal
 * the number of targets) and peak memory. Asserts nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>

#include "jmd/geo.h"
#include "jmd/orbit.h"
#include "jmd/rng.h"
#include "jmd/track.h"
#include "jmd/version.h"

#include "bench_util.h"

#ifndef JMD_BUILD_TYPE
#define JMD_BUILD_TYPE "unknown"
#endif
#define PI 3.14159265358979323846
#define DEG (PI / 180.0)
#define NSCAN 60
#define DT 2.0

/* Targets on a grid of 0.25 deg (~25 km) at 250-300 km, 3 km/s towards
 * the north-west, climbing gently; measured from Kurecik. */
static void run_case(int ntgt, int clutter)
{
    jmd_radar rd;
    memset(&rd, 0, sizeof rd);
    rd.lat = 38.35 * DEG;
    rd.lon = 37.79 * DEG;
    rd.h = 1900;
    rd.fov_az = PI;
    rd.sigma_range = 30;
    rd.sigma_az = rd.sigma_el = 1e-3;
    jmd_rng rng;
    jmd_rng_init(&rng, 1, "bench_track", (uint64_t)(ntgt * 2 + clutter));
    int nper = ntgt + (clutter ? ntgt : 0);
    jmd_measurement *m = malloc((size_t)(NSCAN * nper) * sizeof *m);
    double (*r0)[6] = malloc((size_t)ntgt * sizeof *r0);
    if (!m || !r0) {
        printf("out of memory\n");
        exit(1);
    }
    int side = (int)ceil(sqrt((double)ntgt));
    for (int i = 0; i < ntgt; i++) {
        double lat = 40.0 + 0.25 * (i / side), lon = 44.0 + 0.25 * (i % side), M[3][3];
        double re[3], ve[3], enu[3] = {-2100, 2100, 300};
        jmd_geo_to_ecef(lat * DEG, lon * DEG, 250e3 + 1e3 * (i % 7), re);
        jmd_geo_enu_matrix(lat * DEG, lon * DEG, M);
        for (int k = 0; k < 3; k++) ve[k] = M[0][k] * enu[0] + M[1][k] * enu[1] + M[2][k] * enu[2];
        jmd_geo_ecef_to_eci_state(0.0, re, ve, r0[i], r0[i] + 3);
    }
    double azlo = 1e9, azhi = -1e9, ello = 1e9, elhi = -1e9, rlo = 1e12, rhi = 0;
    long id = 0;
    for (int k = 0; k < NSCAN; k++) {
        double t = k * DT;
        jmd_measurement *s = m + (size_t)k * (size_t)nper;
        for (int i = 0; i < ntgt; i++) {
            double r[3], v[3], ecef[3], az, el, rho;
            jmd_orbit_kepler(JMD_WGS84_GM, r0[i], r0[i] + 3, t, r, v);
            jmd_geo_eci_to_ecef(t, r, ecef);
            jmd_geo_aer(rd.lat, rd.lon, rd.h, ecef, &az, &el, &rho);
            memset(&s[i], 0, sizeof s[i]);
            s[i].meas_id = id++;
            s[i].range = rho + rd.sigma_range * jmd_rng_normal(&rng);
            s[i].az = az + rd.sigma_az * jmd_rng_normal(&rng);
            s[i].el = el + rd.sigma_el * jmd_rng_normal(&rng);
            azlo = fmin(azlo, az), azhi = fmax(azhi, az), ello = fmin(ello, el);
            elhi = fmax(elhi, el), rlo = fmin(rlo, rho), rhi = fmax(rhi, rho);
        }
    }
    if (clutter)
        for (int k = 0; k < NSCAN; k++)
            for (int c = 0; c < ntgt; c++) {
                jmd_measurement *q = m + (size_t)k * (size_t)nper + ntgt + c;
                memset(q, 0, sizeof *q);
                q->meas_id = id++;
                q->range = rlo + (rhi - rlo) * jmd_rng_uniform(&rng);
                q->az = azlo + (azhi - azlo) * jmd_rng_uniform(&rng);
                q->el = ello + (elhi - ello) * jmd_rng_uniform(&rng);
            }
    jmd_tracker *tk;
    if (jmd_tracker_create(NULL, &tk) != 0) exit(1);
    double t0 = bench_now();
    for (int k = 0; k < NSCAN; k++)
        jmd_tracker_scan(tk, &rd, k * DT, m + (size_t)k * (size_t)nper, (size_t)nper);
    double el_s = bench_now() - t0;
    jmd_tracker_stats st;
    jmd_tracker_stats_get(tk, &st);
    size_t conf = 0;
    for (size_t i = 0; i < jmd_tracker_count(tk); i++) {
        jmd_track_info in;
        jmd_tracker_track(tk, i, &in);
        conf += in.status == JMD_TRACK_CONFIRMED;
    }
    printf("  %3d targets, %-10s %10.0f updates/s %10.0f meas/s %8.3f ms/scan  "
           "confirmed %zu, started %ld\n",
           ntgt, clutter ? "cluttered" : "clean", (double)st.updates / el_s,
           (double)st.measurements / el_s, 1e3 * el_s / NSCAN, conf, st.started);
    jmd_tracker_destroy(tk);
    free(m);
    free(r0);
}

int main(void)
{
    struct utsname u;
    char cpu[128];
    uname(&u);
    bench_cpu_model(cpu, sizeof cpu);
    printf("jmd %s bench_track — build type %s, %s %s, %s\n", jmd_version(), JMD_BUILD_TYPE,
           u.sysname, u.machine, cpu);
    printf("tracker throughput, one radar, %d scans every %.0f s (clutter: as many false "
           "alarms as targets per scan)\n",
           NSCAN, DT);
    run_case(20, 0);
    run_case(20, 1);
    run_case(200, 0);
    run_case(200, 1);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("  peak resident memory %ld KiB\n", ru.ru_maxrss);
    return 0;
}
