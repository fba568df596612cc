/*
 * bench_util.h — what every benchmark program prints and measures with:
 * a monotonic clock and the machine's CPU model (bench/ only; static
 * functions, one copy per program).
 */
#ifndef JMD_BENCH_UTIL_H
#define JMD_BENCH_UTIL_H

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The "model name" line of /proc/cpuinfo, or "unknown CPU". */
static inline void bench_cpu_model(char *buf, size_t n)
{
    snprintf(buf, n, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *c = strchr(line, ':');
            if (c) {
                snprintf(buf, n, "%s", c + 2);
                buf[strcspn(buf, "\n")] = '\0';
            }
            break;
        }
    }
    fclose(f);
}

#endif
