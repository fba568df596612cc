/*
 * bench_dds.c — the DDS transport (jmd/federate.h) between two processes
 * on loopback: throughput of PEER Track messages (the largest common kind:
 * 32-byte MAC, full covariance, about 440 bytes of CDR and 330 of jmd_msg
 * canonical encoding) written as fast as the reliable queue allows for
 * DURATION_S seconds, and the round-trip latency of a Track ping-pong.
 * Node 0 (this process) writes; node 1 (a forked child) takes. The figures
 * are jmd_dds_write / jmd_dds_take end to end (conversion, validation with
 * jmd_msg_check, Cyclone's serialisation and loopback UDP), to compare with
 * scripts/ddsperf_raw.sh (Cyclone alone). Messages travel in batches of up
 * to 128 per sample (src/federate/dds.c); the writer keeps its last 256
 * batches for late joiners (transient-local, bounded durability history),
 * so peak memory is bounded. Prints the machine and the build type; asserts
 * nothing. JMD_BENCH_DDS_DOMAIN overrides the domain (default 211).
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jmd/error.h"
#include "jmd/federate.h"
#include "jmd/version.h"

#include "bench_util.h"

#ifndef JMD_BUILD_TYPE
#define JMD_BUILD_TYPE "unknown"
#endif
#define DURATION_S 2.0
#define NPING 2000
#define TAKE_MS 10000

/* Sequence number that ends the throughput phase. */
#define SEQ_END UINT64_MAX

typedef struct {
    uint64_t taken;
    double first, last; /* monotonic seconds of the first and last take */
    uint64_t bytes;     /* canonical encoding bytes taken */
    int failed;
} sink_result;

static void track_msg(jmd_frame *f, int sender, int receiver, uint64_t seq)
{
    memset(f, 0, sizeof *f);
    f->kind = JMD_FRAME_PEER;
    jmd_msg *m = &f->u.peer.m;
    m->kind = JMD_MSG_TRACK;
    m->sender = sender;
    m->receiver = receiver;
    m->seq = seq;
    m->t = 100.0 + (double)(seq % 1000);
    m->auth.scheme = JMD_MSG_AUTH_MAC;
    m->auth.len = 32;
    for (int i = 0; i < 32; i++) m->auth.bytes[i] = (uint8_t)(i * 7 + 1);
    jmd_msg_track *t = &m->u.track;
    t->track_id = 12;
    t->status = JMD_MSG_TRACK_FIRM;
    t->t = m->t;
    for (int i = 0; i < 6; i++) t->x[i] = 1e6 * (i + 1) + (double)seq;
    for (int i = 0; i < 6; i++)
        for (int j = i; j < 6; j++) t->P[i][j] = t->P[j][i] = i == j ? 100.0 * (i + 1) : 0.5;
    t->precision = 0;
    f->u.peer.t_deliver = m->t + 0.5;
}

static int open_node(uint32_t domain, int self, const char *tag, jmd_dds **d)
{
    char err[256];
    int rc = jmd_dds_open(domain, self, 2, tag, d, err, sizeof err);
    if (rc) fprintf(stderr, "bench_dds: node %d: jmd_dds_open: %s\n", self, err);
    return rc;
}

/* Node 1: takes the throughput stream until SEQ_END, reports through the
 * pipe, then echoes NPING pings. */
static int sink(uint32_t domain, const char *tag, int out_fd)
{
    jmd_dds *d = NULL;
    sink_result r = {0};
    jmd_frame f;
    if (open_node(domain, 1, tag, &d)) return 1;
    if (jmd_dds_wait_matched(d, 1, TAKE_MS)) {
        fprintf(stderr, "bench_dds: node 1: %s\n", jmd_dds_last_error(d));
        r.failed = 1;
    }
    while (!r.failed) {
        int rc = jmd_dds_take(d, &f, TAKE_MS);
        if (rc != 1) {
            fprintf(stderr, "bench_dds: node 1: take: %d %s\n", rc, jmd_dds_last_error(d));
            r.failed = 1;
            break;
        }
        if (f.u.peer.m.seq == SEQ_END) break;
        double now = bench_now();
        if (r.taken++ == 0) r.first = now;
        r.last = now;
        r.bytes += jmd_msg_encoded_size(&f.u.peer.m);
    }
    if (write(out_fd, &r, sizeof r) != (ssize_t)sizeof r) r.failed = 1;
    for (int i = 0; i < NPING && !r.failed; i++) {
        if (jmd_dds_take(d, &f, TAKE_MS) != 1) {
            r.failed = 1;
            break;
        }
        jmd_frame pong;
        track_msg(&pong, 1, 0, f.u.peer.m.seq);
        if (jmd_dds_write(d, &pong)) r.failed = 1;
    }
    jmd_dds_close(d);
    return r.failed;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    struct utsname u;
    char cpu[128], tag[32];
    int rc = 1, fds[2];
    pid_t child = -1;
    jmd_dds *d = NULL;
    double *rtt = NULL;
    const char *env = getenv("JMD_BENCH_DDS_DOMAIN");
    uint32_t domain = env ? (uint32_t)strtoul(env, NULL, 10) : 211u;

    uname(&u);
    bench_cpu_model(cpu, sizeof cpu);
    printf("jmd %s bench_dds — build type %s, %s %s, %s\n", jmd_version(), JMD_BUILD_TYPE,
           u.sysname, u.machine, cpu);
    snprintf(tag, sizeof tag, "bench%ld", (long)getpid());
    if (pipe(fds)) return 1;
    fflush(NULL);
    /* Fork before either process touches DDS (Cyclone runs threads). */
    child = fork();
    if (child < 0) goto out;
    if (child == 0) {
        close(fds[0]);
        _exit(sink(domain, tag, fds[1]));
    }
    close(fds[1]);
    if (!(rtt = malloc(NPING * sizeof *rtt))) goto out;
    if (open_node(domain, 0, tag, &d)) goto out;
    if (jmd_dds_wait_matched(d, 1, TAKE_MS)) {
        fprintf(stderr, "bench_dds: node 0: %s\n", jmd_dds_last_error(d));
        goto out;
    }

    /* Throughput: write for DURATION_S, then the end marker. */
    jmd_frame f;
    uint64_t written = 0;
    double t0 = bench_now(), t1 = t0;
    while (t1 - t0 < DURATION_S) {
        for (int k = 0; k < 64; k++) {
            track_msg(&f, 0, 1, written++);
            if (jmd_dds_write(d, &f)) {
                fprintf(stderr, "bench_dds: write: %s\n", jmd_dds_last_error(d));
                goto out;
            }
        }
        t1 = bench_now();
    }
    track_msg(&f, 0, 1, SEQ_END);
    if (jmd_dds_write(d, &f)) goto out;
    /* Writes are batched: send the last ones before blocking on the pipe. */
    jmd_dds_flush(d);
    sink_result r;
    if (read(fds[0], &r, sizeof r) != (ssize_t)sizeof r || r.failed) {
        fprintf(stderr, "bench_dds: the receiving node failed\n");
        goto out;
    }
    double span = r.last > r.first ? r.last - r.first : 1e-9;
    printf("PEER Track (%zu bytes canonical) node 0 -> node 1, reliable keep-all "
           "transient-local, batched, %.1f s:\n",
           (size_t)(r.taken ? r.bytes / r.taken : 0), DURATION_S);
    printf("  written %llu (%.0f /s), taken %llu: %.0f samples/s, %.1f MB/s of messages\n",
           (unsigned long long)written, (double)written / (t1 - t0),
           (unsigned long long)r.taken, (double)r.taken / span, (double)r.bytes / span / 1e6);

    /* Round trips: one Track out, one back. */
    for (int i = 0; i < NPING; i++) {
        jmd_frame g;
        track_msg(&f, 0, 1, (uint64_t)i);
        double ts = bench_now();
        if (jmd_dds_write(d, &f) || jmd_dds_take(d, &g, TAKE_MS) != 1 ||
            g.u.peer.m.seq != (uint64_t)i) {
            fprintf(stderr, "bench_dds: ping %d: %s\n", i, jmd_dds_last_error(d));
            goto out;
        }
        rtt[i] = bench_now() - ts;
    }
    qsort(rtt, NPING, sizeof *rtt, cmp_double);
    printf("  round trip (write, take, write back, take), %d pings: median %.0f us, p99 %.0f us\n",
           NPING, 1e6 * rtt[NPING / 2], 1e6 * rtt[NPING * 99 / 100]);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("  peak resident memory of the writer %ld KiB (it keeps its last 256 batches for "
           "late joiners)\n",
           ru.ru_maxrss);
    rc = 0;

out:
    jmd_dds_close(d);
    free(rtt);
    close(fds[0]);
    if (child > 0) {
        int st = 0;
        if (rc) kill(child, SIGTERM); /* our own child, by its pid */
        waitpid(child, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) rc = 1;
    }
    return rc;
}
