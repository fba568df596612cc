/* test_exchange.c — the in-process bus (jmd/exchange.h): latency and
 * release delay respected, nothing delivered early, loss rate as
 * configured and deterministic per pair and seed, the delivery order,
 * exact statistics, broadcast, sequence numbers, re-entrant sends,
 * link outages (held messages, jmd_link_down, loss draws unchanged), and
 * argument checks. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "jmd/exchange.h"

static jmd_link *links_uniform(int n, double latency, double loss)
{
    jmd_link *l = calloc((size_t)(n * n), sizeof *l);
    assert_non_null(l);
    for (int i = 0; i < n * n; i++)
        l[i] = (jmd_link){.latency = latency, .loss = loss};
    return l;
}

static jmd_msg vote(uint64_t id)
{
    jmd_msg m;
    memset(&m, 0, sizeof m);
    m.kind = JMD_MSG_VOTE;
    m.u.vote.proposal_id = id;
    m.u.vote.voter = 0;
    m.u.vote.approve = 1;
    m.u.vote.t_decision = 1.0;
    return m;
}

static jmd_msg outcome(uint64_t id)
{
    jmd_msg m;
    memset(&m, 0, sizeof m);
    m.kind = JMD_MSG_OUTCOME;
    m.u.outcome.shot_id = id;
    m.u.outcome.site = 1;
    m.u.outcome.killed = 1;
    m.u.outcome.t_intercept = 5.0;
    return m;
}

#define CAP 64
typedef struct {
    jmd_msg m[CAP];
    double t[CAP];
    size_t n;
} got;

static void collect(void *ctx, const jmd_msg *m, double t)
{
    got *g = ctx;
    assert_true(g->n < CAP);
    g->m[g->n] = *m;
    g->t[g->n++] = t;
}

static void test_latency_and_delay(void **state)
{
    (void)state;
    jmd_link *l = links_uniform(2, 0.5, 0.0);
    jmd_bus *bus;
    assert_int_equal(jmd_bus_inproc_create(2, l, 1, &bus), 0);
    jmd_msg m = vote(9), out[4];
    double td[4];
    size_t n = 99;
    uint64_t seq = 0;
    assert_int_equal(jmd_bus_send(bus, 0, 1, &m, 10.0, 0.25, &seq), 0);
    assert_true(seq == 1);
    /* not before 10 + 0.5 + 0.25 */
    assert_int_equal(jmd_bus_poll_array(bus, 1, 10.7499, out, td, 4, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(jmd_bus_poll_array(bus, 0, 100.0, out, td, 4, &n),
                     0); /* not the sender's */
    assert_int_equal(n, 0);
    assert_int_equal(jmd_bus_poll_array(bus, 1, 10.75, out, td, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_true(td[0] == 10.75);
    assert_int_equal(out[0].kind, JMD_MSG_VOTE);
    assert_int_equal(out[0].sender, 0);
    assert_int_equal(out[0].receiver, 1);
    assert_true(out[0].seq == 1 && out[0].t == 10.0);
    assert_true(out[0].u.vote.proposal_id == 9 && out[0].u.vote.approve == 1);
    /* delivered once only */
    assert_int_equal(jmd_bus_poll_array(bus, 1, 1e9, out, td, 4, &n), 0);
    assert_int_equal(n, 0);
    jmd_bus_destroy(bus);
    free(l);
}

/* Pairs have their own latency (row = sender). */
static void test_per_pair_latency(void **state)
{
    (void)state;
    jmd_link l[9] = {{.latency = 0},   {.latency = 1.0}, {.latency = 2.0},
                     {.latency = 3.0}, {.latency = 0},   {.latency = 4.0},
                     {.latency = 5.0}, {.latency = 6.0}, {.latency = 0}};
    jmd_bus *bus;
    assert_int_equal(jmd_bus_inproc_create(3, l, 1, &bus), 0);
    jmd_msg m = vote(1);
    got g = {0};
    for (int f = 0; f < 3; f++)
        for (int r = 0; r < 3; r++)
            if (f != r) assert_int_equal(jmd_bus_send(bus, f, r, &m, 0.0, 0.0, NULL), 0);
    for (int r = 0; r < 3; r++) {
        g.n = 0;
        assert_int_equal(jmd_bus_poll(bus, r, 100.0, 0, collect, &g, NULL), 0);
        assert_int_equal(g.n, 2);
        for (size_t k = 0; k < 2; k++)
            assert_true(g.t[k] == l[g.m[k].sender * 3 + r].latency);
    }
    jmd_bus_destroy(bus);
}

/* (delivery time, sender, seq), whatever the order of sending. */
static void test_delivery_order(void **state)
{
    (void)state;
    jmd_link *l = links_uniform(4, 1.0, 0.0);
    l[2 * 4 + 0].latency = 0.5; /* 2 -> 0 faster */
    jmd_bus *bus;
    assert_int_equal(jmd_bus_inproc_create(4, l, 1, &bus), 0);
    jmd_msg m = vote(0);
    /* sender 3 first, then 1, then 2; all due at 11.0 except the delayed ones */
    for (int k = 0; k < 3; k++) {
        m.u.vote.proposal_id = (uint64_t)(30 + k);
        assert_int_equal(jmd_bus_send(bus, 3, 0, &m, 10.0, 0.0, NULL), 0);
        m.u.vote.proposal_id = (uint64_t)(10 + k);
        assert_int_equal(jmd_bus_send(bus, 1, 0, &m, 10.0, k == 1 ? 2.0 : 0.0, NULL), 0);
        m.u.vote.proposal_id = (uint64_t)(20 + k);
        assert_int_equal(jmd_bus_send(bus, 2, 0, &m, 10.5, 0.0, NULL), 0);
    }
    got g = {0};
    assert_int_equal(jmd_bus_poll(bus, 0, 20.0, 0, collect, &g, NULL), 0);
    static const uint64_t want[] = {10, 12, 20, 21, 22, 30, 31, 32, 11};
    static const double tw[] = {11, 11, 11, 11, 11, 11, 11, 11, 13};
    assert_int_equal(g.n, 9);
    for (size_t k = 0; k < 9; k++) {
        assert_true(g.m[k].u.vote.proposal_id == want[k]);
        assert_true(g.t[k] == tw[k]);
    }
    /* poll with a limit leaves the rest for the next poll, in order */
    for (int k = 0; k < 3; k++)
        jmd_bus_send(bus, 1, 0, &m, 30.0, (double)k, NULL);
    jmd_msg out[2];
    size_t n;
    assert_int_equal(jmd_bus_poll_array(bus, 0, 40.0, out, NULL, 2, &n), 0);
    assert_int_equal(n, 2);
    assert_true(out[0].seq < out[1].seq);
    uint64_t last = out[1].seq;
    assert_int_equal(jmd_bus_poll_array(bus, 0, 40.0, out, NULL, 2, &n), 0);
    assert_int_equal(n, 1);
    assert_true(out[0].seq == last + 1);
    jmd_bus_destroy(bus);
    free(l);
}

/* Runs N messages 0 -> 1 (and optionally N to 2 interleaved) and returns
 * a bitmap of which 0 -> 1 messages arrived. */
static uint8_t *loss_pattern(uint64_t seed, double loss, int n, int interleave, uint64_t *lost)
{
    jmd_link *l = links_uniform(3, 0.1, loss);
    jmd_bus *bus;
    assert_int_equal(jmd_bus_inproc_create(3, l, seed, &bus), 0);
    uint8_t *arrived = calloc((size_t)n, 1);
    assert_non_null(arrived);
    jmd_msg m = outcome(0);
    for (int i = 0; i < n; i++) {
        m.u.outcome.shot_id = (uint64_t)i;
        assert_int_equal(jmd_bus_send(bus, 0, 1, &m, (double)i, 0.0, NULL), 0);
        if (interleave) assert_int_equal(jmd_bus_send(bus, 0, 2, &m, (double)i, 0.0, NULL), 0);
    }
    jmd_msg out[64];
    size_t k;
    do {
        assert_int_equal(jmd_bus_poll_array(bus, 1, 1e12, out, NULL, 64, &k), 0);
        for (size_t j = 0; j < k; j++)
            arrived[out[j].u.outcome.shot_id] = 1;
    } while (k);
    jmd_bus_counts c;
    assert_int_equal(jmd_bus_stats(bus, 0, 1, JMD_BUS_ANY, &c), 0);
    assert_true(c.sent == (uint64_t)n && c.delivered + c.lost == c.sent && c.rejected == 0);
    *lost = c.lost;
    jmd_bus_destroy(bus);
    free(l);
    return arrived;
}

static void test_loss_rate_and_determinism(void **state)
{
    (void)state;
    const int n = 20000;
    const double p = 0.2;
    uint64_t lost_a, lost_b, lost_c, lost_d;
    uint8_t *a = loss_pattern(7, p, n, 0, &lost_a);
    /* binomial: mean n p, sd sqrt(n p (1-p)) = 56.6; 5 sd */
    double sd = sqrt(n * p * (1 - p));
    assert_true(fabs((double)lost_a - n * p) < 5 * sd);
    uint8_t *b = loss_pattern(7, p, n, 0, &lost_b); /* same seed: same draws */
    assert_true(lost_a == lost_b);
    assert_memory_equal(a, b, (size_t)n);
    uint8_t *c = loss_pattern(7, p, n, 1, &lost_c); /* other pairs' traffic: same draws */
    assert_memory_equal(a, c, (size_t)n);
    uint8_t *d = loss_pattern(8, p, n, 0, &lost_d); /* another seed: other draws */
    assert_memory_not_equal(a, d, (size_t)n);
    free(a), free(b), free(c), free(d);
    uint64_t lost0;
    uint8_t *e = loss_pattern(7, 0.0, 1000, 0, &lost0);
    assert_true(lost0 == 0);
    free(e);
}

static void test_stats_exact(void **state)
{
    (void)state;
    jmd_link *l = links_uniform(3, 1.0, 0.0);
    l[0 * 3 + 2].loss = 0.999999; /* 0 -> 2 loses (almost surely) everything */
    jmd_bus *bus;
    assert_int_equal(jmd_bus_inproc_create(3, l, 3, &bus), 0);
    jmd_msg v = vote(1), o = outcome(2);
    uint64_t sv = jmd_msg_encoded_size(&v), so = jmd_msg_encoded_size(&o);
    assert_int_equal(sv, 45); /* a vote without an approval signature: 24 + 19 + 2 */
    assert_int_equal(so, 53);
    for (int i = 0; i < 3; i++)
        assert_int_equal(jmd_bus_send(bus, 0, 1, &v, 0, 0, NULL), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(jmd_bus_send(bus, 0, 1, &o, 0, 5, NULL), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(jmd_bus_send(bus, 0, 2, &o, 0, 0, NULL), 0);
    assert_int_equal(jmd_bus_send(bus, 2, 1, &v, 0, 0, NULL), 0);
    size_t n;
    got g = {0};
    assert_int_equal(jmd_bus_poll(bus, 1, 2.0, 0, collect, &g, &n),
                     0); /* outcomes still in flight */
    assert_int_equal(n, 4);
    jmd_bus_counts c;
    assert_int_equal(jmd_bus_stats(bus, 0, 1, JMD_MSG_VOTE, &c), 0);
    assert_true(c.sent == 3 && c.delivered == 3 && c.lost == 0);
    assert_true(c.bytes_sent == 3 * sv && c.bytes_delivered == 3 * sv && c.bytes_lost == 0);
    assert_int_equal(jmd_bus_stats(bus, 0, 1, JMD_MSG_OUTCOME, &c), 0);
    assert_true(c.sent == 2 && c.delivered == 0 && c.lost == 0 && c.bytes_sent == 2 * so);
    assert_int_equal(jmd_bus_stats(bus, 0, 2, JMD_BUS_ANY, &c), 0);
    assert_true(c.sent == 4 && c.lost == 4 && c.bytes_lost == 4 * so && c.delivered == 0);
    assert_int_equal(jmd_bus_stats(bus, JMD_BUS_ANY, 1, JMD_BUS_ANY, &c), 0);
    assert_true(c.sent == 6 && c.delivered == 4 && c.bytes_sent == 4 * sv + 2 * so);
    assert_int_equal(jmd_bus_stats(bus, JMD_BUS_ANY, JMD_BUS_ANY, JMD_BUS_ANY, &c), 0);
    assert_true(c.sent == 10 && c.delivered == 4 && c.lost == 4 && c.rejected == 0);
    assert_true(c.bytes_sent == 4 * sv + 6 * so);
    assert_int_equal(jmd_bus_stats(bus, 1, JMD_BUS_ANY, JMD_BUS_ANY, &c), 0);
    assert_true(c.sent == 0);
    assert_int_equal(jmd_bus_poll(bus, 1, 6.0, 0, collect, &g, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(jmd_bus_stats(bus, 0, 1, JMD_MSG_OUTCOME, &c), 0);
    assert_true(c.delivered == 2 && c.bytes_delivered == 2 * so);
    jmd_bus_destroy(bus);
    free(l);
}

static void test_broadcast_and_seq(void **state)
{
    (void)state;
    jmd_link *l = links_uniform(4, 0.25, 0.0);
    jmd_bus *bus;
    assert_int_equal(jmd_bus_inproc_create(4, l, 5, &bus), 0);
    jmd_msg m = outcome(4);
    uint64_t s1, s2, s3;
    assert_int_equal(jmd_bus_send(bus, 1, 2, &m, 0, 0, &s1), 0);
    assert_int_equal(jmd_bus_send(bus, 1, JMD_MSG_BROADCAST, &m, 1, 0, &s2), 0);
    assert_int_equal(jmd_bus_send(bus, 1, 0, &m, 2, 0, &s3), 0);
    /* per sender: 1, 2, 3 whatever the receiver */
    assert_true(s1 == 1 && s2 == 2 && s3 == 3);
    uint64_t s0;
    assert_int_equal(jmd_bus_send(bus, 0, 1, &m, 0, 0, &s0), 0);
    assert_true(s0 == 1);
    jmd_msg out[8];
    size_t n;
    for (int r = 0; r < 4; r++) {
        assert_int_equal(jmd_bus_poll_array(bus, r, 1.25, out, NULL, 8, &n), 0);
        if (r == 1) {
            assert_int_equal(n, 1); /* its own broadcast never comes back */
            assert_int_equal(out[0].sender, 0);
            continue;
        }
        assert_int_equal(n, r == 2 ? 2 : 1);
        const jmd_msg *b = &out[n - 1];
        assert_int_equal(b->sender, 1);
        assert_int_equal(b->receiver, JMD_MSG_BROADCAST);
        assert_true(b->seq == 2 && b->t == 1.0);
    }
    jmd_bus_counts c;
    for (int r = 0; r < 4; r++) {
        assert_int_equal(jmd_bus_stats(bus, 1, r, JMD_BUS_ANY, &c), 0);
        assert_true(c.sent == (r == 1 ? 0u : r == 2 ? 2u : r == 0 ? 2u : 1u));
    }
    jmd_bus_destroy(bus);
    free(l);
}

/* A receiver may reply from inside the delivery callback. */
typedef struct {
    jmd_bus *bus;
    int replies;
} echo_ctx;

static void echo(void *ctx, const jmd_msg *m, double t)
{
    echo_ctx *e = ctx;
    jmd_msg r = *m;
    if (m->u.vote.proposal_id < 5) {
        r.u.vote.proposal_id++;
        assert_int_equal(jmd_bus_send(e->bus, m->receiver, m->sender, &r, t, 0, NULL), 0);
        /* and to itself is refused */
        assert_int_equal(jmd_bus_send(e->bus, m->receiver, m->receiver, &r, t, 0, NULL),
                         JMD_EINVAL);
        e->replies++;
    }
}

static void test_reentrant_reply(void **state)
{
    (void)state;
    jmd_link *l = links_uniform(2, 0.0, 0.0); /* zero latency: replies are due at once */
    jmd_bus *bus;
    assert_int_equal(jmd_bus_inproc_create(2, l, 5, &bus), 0);
    echo_ctx e = {bus, 0};
    jmd_msg m = vote(0);
    assert_int_equal(jmd_bus_send(bus, 0, 1, &m, 0, 0, NULL), 0);
    size_t n = 1;
    for (int round = 0; n; round++) {
        size_t a, b;
        assert_int_equal(jmd_bus_poll(bus, 1, 0.0, 0, echo, &e, &a), 0);
        assert_int_equal(jmd_bus_poll(bus, 0, 0.0, 0, echo, &e, &b), 0);
        n = a + b;
    }
    assert_int_equal(e.replies, 5);
    jmd_bus_destroy(bus);
    free(l);
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    jmd_link *l = links_uniform(3, 0.1, 0.1);
    jmd_bus *bus = (jmd_bus *)l;
    assert_int_equal(jmd_bus_inproc_create(0, l, 1, &bus), JMD_EINVAL);
    assert_null(bus);
    assert_int_equal(jmd_bus_inproc_create(JMD_MSG_MAX_PARTIES + 1, l, 1, &bus), JMD_EINVAL);
    assert_int_equal(jmd_bus_inproc_create(3, NULL, 1, &bus), JMD_EINVAL);
    assert_int_equal(jmd_bus_inproc_create(3, l, 1, NULL), JMD_EINVAL);
    l[1].latency = -1;
    assert_int_equal(jmd_bus_inproc_create(3, l, 1, &bus), JMD_EINVAL);
    l[1].latency = NAN;
    assert_int_equal(jmd_bus_inproc_create(3, l, 1, &bus), JMD_EINVAL);
    l[1].latency = INFINITY;
    assert_int_equal(jmd_bus_inproc_create(3, l, 1, &bus), JMD_EINVAL);
    l[1].latency = 0.1, l[1].loss = 1.0;
    assert_int_equal(jmd_bus_inproc_create(3, l, 1, &bus), JMD_EINVAL);
    l[1].loss = -0.01;
    assert_int_equal(jmd_bus_inproc_create(3, l, 1, &bus), JMD_EINVAL);
    l[1].loss = NAN;
    assert_int_equal(jmd_bus_inproc_create(3, l, 1, &bus), JMD_EINVAL);
    l[1].loss = 0.1;
    l[0].latency = NAN, l[4].loss = 5; /* the diagonal is ignored */
    assert_int_equal(jmd_bus_inproc_create(3, l, 1, &bus), 0);

    jmd_msg m = vote(1);
    uint64_t seq = 77;
    assert_int_equal(jmd_bus_send(NULL, 0, 1, &m, 0, 0, &seq), JMD_EINVAL);
    assert_int_equal(jmd_bus_send(bus, 0, 1, NULL, 0, 0, &seq), JMD_EINVAL);
    assert_int_equal(jmd_bus_send(bus, -1, 1, &m, 0, 0, &seq), JMD_EINVAL);
    assert_int_equal(jmd_bus_send(bus, 3, 1, &m, 0, 0, &seq), JMD_EINVAL);
    assert_int_equal(jmd_bus_send(bus, 0, 0, &m, 0, 0, &seq), JMD_EINVAL);
    assert_int_equal(jmd_bus_send(bus, 0, 3, &m, 0, 0, &seq), JMD_EINVAL);
    assert_int_equal(jmd_bus_send(bus, 0, -2, &m, 0, 0, &seq), JMD_EINVAL);
    assert_int_equal(jmd_bus_send(bus, 0, 1, &m, NAN, 0, &seq), JMD_EINVAL);
    assert_int_equal(jmd_bus_send(bus, 0, 1, &m, INFINITY, 0, &seq), JMD_EINVAL);
    assert_int_equal(jmd_bus_send(bus, 0, 1, &m, 0, -1, &seq), JMD_EINVAL);
    assert_int_equal(jmd_bus_send(bus, 0, 1, &m, 0, NAN, &seq), JMD_EINVAL);
    jmd_msg bad = m;
    bad.u.vote.t_decision = NAN; /* fails validation */
    assert_int_equal(jmd_bus_send(bus, 0, 1, &bad, 0, 0, &seq), JMD_EINVAL);
    bad = m;
    bad.kind = (jmd_msg_kind)42;
    assert_int_equal(jmd_bus_send(bus, 0, 1, &bad, 0, 0, &seq), JMD_EINVAL);
    jmd_msg meas;
    memset(&meas, 0, sizeof meas);
    meas.kind = JMD_MSG_MEASUREMENT; /* never leaves its party */
    assert_int_equal(jmd_bus_send(bus, 0, 1, &meas, 0, 0, &seq), JMD_EINVAL);
    assert_int_equal(jmd_bus_send(bus, 0, JMD_MSG_BROADCAST, &meas, 0, 0, &seq), JMD_EINVAL);
    assert_true(seq == 77); /* nothing sent, no sequence number used */
    jmd_bus_counts c;
    assert_int_equal(jmd_bus_stats(bus, JMD_BUS_ANY, JMD_BUS_ANY, JMD_BUS_ANY, &c), 0);
    assert_true(c.sent == 0);
    assert_int_equal(jmd_bus_send(bus, 0, 1, &m, 0, 0, &seq), 0);
    assert_true(seq == 1);

    got g = {0};
    size_t n = 5;
    assert_int_equal(jmd_bus_poll(NULL, 0, 0, 0, collect, &g, &n), JMD_EINVAL);
    assert_int_equal(n, 0);
    assert_int_equal(jmd_bus_poll(bus, 3, 0, 0, collect, &g, &n), JMD_EINVAL);
    assert_int_equal(jmd_bus_poll(bus, -1, 0, 0, collect, &g, &n), JMD_EINVAL);
    assert_int_equal(jmd_bus_poll(bus, 0, NAN, 0, collect, &g, &n), JMD_EINVAL);
    assert_int_equal(jmd_bus_poll(bus, 0, 0, 0, NULL, &g, &n), JMD_EINVAL);
    assert_int_equal(jmd_bus_poll_array(bus, 0, 0, NULL, NULL, 4, &n), JMD_EINVAL);
    assert_int_equal(jmd_bus_poll_array(bus, 0, 0, g.m, NULL, 0, &n), JMD_EINVAL);
    assert_int_equal(jmd_bus_stats(NULL, 0, 1, JMD_BUS_ANY, &c), JMD_EINVAL);
    assert_int_equal(jmd_bus_stats(bus, 3, 1, JMD_BUS_ANY, &c), JMD_EINVAL);
    assert_int_equal(jmd_bus_stats(bus, 0, -2, JMD_BUS_ANY, &c), JMD_EINVAL);
    assert_int_equal(jmd_bus_stats(bus, 0, 1, 0, &c), JMD_EINVAL);
    assert_int_equal(jmd_bus_stats(bus, 0, 1, 9, &c), JMD_EINVAL);
    assert_int_equal(jmd_bus_stats(bus, 0, 1, JMD_BUS_ANY, NULL), JMD_EINVAL);
    jmd_bus_destroy(bus); /* with a message still queued */
    jmd_bus_destroy(NULL);
    free(l);
}

/* ---- outages ---------------------------------------------------------------- */

/* Every message for `party` (up to CAP), in delivery order. */
static size_t drain(jmd_bus *bus, int party, jmd_msg *out, double *td)
{
    size_t n = 0;
    assert_int_equal(jmd_bus_poll_array(bus, party, 1e12, out, td, CAP, &n), 0);
    return n;
}

/* The delivery time of the message with sequence number seq (NAN: none). */
static double t_of(const jmd_msg *out, const double *td, size_t n, uint64_t seq)
{
    for (size_t i = 0; i < n; i++)
        if (out[i].seq == seq) return td[i];
    return NAN;
}

/* One outage [10, 20) on 0 -> 1 (latency 0.5): what is sent during it
 * arrives at its end plus latency; what is sent before it but would
 * arrive inside is held to its end; what arrives before it or is sent
 * after it is untouched; the reverse link is not affected. */
static void test_outage_holds(void **state)
{
    (void)state;
    jmd_link *l = links_uniform(2, 0.5, 0.0);
    l[0 * 2 + 1].noutages = 1;
    l[0 * 2 + 1].outages[0] = (jmd_outage){10.0, 10.0};
    jmd_bus *bus;
    assert_int_equal(jmd_bus_inproc_create(2, l, 1, &bus), 0);
    jmd_msg m = vote(1), out[CAP];
    double td[CAP];
    const double send[7] = {12.0, 9.75, 9.25, 20.0, 19.75, 9.0, 10.0};
    const double delay[7] = {0, 0, 0, 0, 0, 1.5, 0};
    /* sent inside; arrival inside; before; at the end (up); inside, near
     * the end; release delay moving the departure inside; at the start */
    const double want[7] = {20.5, 20.0, 9.75, 20.5, 20.5, 20.5, 20.5}; /* 5 held */
    uint64_t seq[7];
    for (int i = 0; i < 7; i++)
        assert_int_equal(jmd_bus_send(bus, 0, 1, &m, send[i], delay[i], &seq[i]), 0);
    uint64_t rseq;
    assert_int_equal(jmd_bus_send(bus, 1, 0, &m, 12.0, 0.0, &rseq), 0);
    size_t n = 0;
    /* nothing held is delivered early */
    assert_int_equal(jmd_bus_poll_array(bus, 1, 19.9999, out, td, CAP, &n), 0);
    assert_int_equal(n, 1);
    assert_true(out[0].seq == seq[2] && td[0] == 9.75);
    n = drain(bus, 1, out, td);
    assert_int_equal(n, 6);
    for (int i = 0; i < 7; i++)
        if (i != 2) assert_true(t_of(out, td, n, seq[i]) == want[i]);
    for (size_t i = 1; i < n; i++) assert_true(td[i - 1] <= td[i]); /* in order */
    assert_true(out[0].seq == seq[1] && td[0] == 20.0); /* the first to come back */
    n = drain(bus, 0, out, td); /* the reverse link is always up */
    assert_int_equal(n, 1);
    assert_true(out[0].seq == rseq && td[0] == 12.5);
    jmd_bus_counts c;
    assert_int_equal(jmd_bus_stats(bus, 0, 1, JMD_BUS_ANY, &c), 0);
    assert_true(c.sent == 7 && c.delivered == 7 && c.lost == 0 && c.delayed == 5);
    assert_int_equal(jmd_bus_stats(bus, 1, 0, JMD_BUS_ANY, &c), 0);
    assert_true(c.sent == 1 && c.delayed == 0);
    assert_int_equal(jmd_bus_stats(bus, JMD_BUS_ANY, JMD_BUS_ANY, JMD_MSG_VOTE, &c), 0);
    assert_true(c.delayed == 5);
    jmd_bus_destroy(bus);
    free(l);
}

/* Windows that touch are one outage; a held message released into the
 * arrival side of a later window waits for that one too. */
static void test_outage_back_to_back(void **state)
{
    (void)state;
    jmd_link *l = links_uniform(2, 0.5, 0.0);
    jmd_link *a = &l[0 * 2 + 1], *b = &l[1 * 2 + 0];
    a->noutages = 3;
    a->outages[0] = (jmd_outage){10.0, 5.0};
    a->outages[1] = (jmd_outage){15.0, 5.0}; /* touches the first */
    a->outages[2] = (jmd_outage){30.0, 2.0};
    b->noutages = 2;
    b->outages[0] = (jmd_outage){10.0, 5.0};
    b->outages[1] = (jmd_outage){15.25, 4.0}; /* 0.25 s gap: too short for the latency */
    assert_int_equal(jmd_govern_link_check(a), 0);
    assert_int_equal(jmd_govern_link_check(b), 0);
    double up = -1;
    assert_int_equal(jmd_link_down(a, 9.999, &up), 0);
    assert_true(up == -1); /* left alone when up */
    assert_int_equal(jmd_link_down(a, 10.0, &up), 1);
    assert_true(up == 20.0); /* the end of the chain, not of the first window */
    assert_int_equal(jmd_link_down(a, 15.0, &up), 1);
    assert_true(up == 20.0);
    assert_int_equal(jmd_link_down(a, 20.0, &up), 0);
    assert_int_equal(jmd_link_down(a, 25.0, NULL), 0);
    assert_int_equal(jmd_link_down(a, 31.0, &up), 1);
    assert_true(up == 32.0);
    assert_int_equal(jmd_link_down(a, 1e9, &up), 0);
    assert_int_equal(jmd_link_down(a, NAN, &up), 0);
    assert_int_equal(jmd_link_down(NULL, 12.0, &up), 0);
    assert_int_equal(jmd_link_down(b, 15.1, &up), 0); /* in the gap */
    double t = 9.5;
    assert_int_equal(jmd_link_hold(a, 9.0, &t), 0); /* before: unchanged */
    assert_true(t == 9.5);
    t = 30.0;
    assert_int_equal(jmd_link_hold(a, 29.5, &t), 1); /* arrives as the window opens */
    assert_true(t == 32.0);
    t = 20.5;
    assert_int_equal(jmd_link_hold(a, 20.0, &t), 0); /* leaves as the chain closes */
    assert_true(t == 20.5);
    assert_int_equal(jmd_link_hold(NULL, 12.0, &t), 0);
    assert_int_equal(jmd_link_hold(a, 12.0, NULL), 0);

    jmd_bus *bus;
    assert_int_equal(jmd_bus_inproc_create(2, l, 1, &bus), 0);
    jmd_msg m = vote(1), out[CAP];
    double td[CAP];
    uint64_t s1, s2, s3, s4;
    assert_int_equal(jmd_bus_send(bus, 0, 1, &m, 12.0, 0.0, &s1), 0);  /* held to 20 */
    assert_int_equal(jmd_bus_send(bus, 0, 1, &m, 29.75, 0.0, &s2), 0); /* arrives in the third */
    assert_int_equal(jmd_bus_send(bus, 1, 0, &m, 14.0, 0.0, &s3), 0);  /* leaves 15, arrives
                                                                           15.5: held to 19.25 */
    assert_int_equal(jmd_bus_send(bus, 1, 0, &m, 14.5, 0.0, &s4), 0);  /* same */
    size_t n = drain(bus, 1, out, td);
    assert_int_equal(n, 2);
    assert_true(t_of(out, td, n, s1) == 20.5 && t_of(out, td, n, s2) == 32.0);
    n = drain(bus, 0, out, td);
    assert_int_equal(n, 2);
    assert_true(td[0] == 19.25 && td[1] == 19.25 && out[0].seq == s3 && out[1].seq == s4);
    jmd_bus_destroy(bus);
    free(l);
}

/* N messages 0 -> 1 at 0.1 s spacing over a lossy link, with or without
 * outages: the bitmap of which arrived, and the delayed count. */
static uint8_t *outage_loss_pattern(int with_outages, int n, uint64_t *delayed)
{
    jmd_link *l = links_uniform(2, 0.3, 0.25);
    if (with_outages) {
        jmd_link *k = &l[0 * 2 + 1];
        k->noutages = JMD_LINK_OUTAGES_MAX;
        for (int i = 0; i < JMD_LINK_OUTAGES_MAX; i++)
            k->outages[i] = (jmd_outage){10.0 + 20.0 * i, 5.0 + (double)i};
    }
    jmd_bus *bus;
    assert_int_equal(jmd_bus_inproc_create(2, l, 42, &bus), 0);
    uint8_t *arrived = calloc((size_t)n, 1);
    assert_non_null(arrived);
    jmd_msg m = outcome(0), out[CAP];
    double td[CAP];
    for (int i = 0; i < n; i++) {
        m.u.outcome.shot_id = (uint64_t)i;
        assert_int_equal(jmd_bus_send(bus, 0, 1, &m, 0.1 * i, 0.0, NULL), 0);
    }
    size_t k;
    do {
        assert_int_equal(jmd_bus_poll_array(bus, 1, 1e12, out, td, CAP, &k), 0);
        for (size_t j = 0; j < k; j++) {
            arrived[out[j].u.outcome.shot_id] = 1;
            /* nothing is delivered while the link is down */
            if (with_outages) assert_int_equal(jmd_link_down(&l[1], td[j], NULL), 0);
        }
    } while (k);
    jmd_bus_counts c;
    assert_int_equal(jmd_bus_stats(bus, 0, 1, JMD_BUS_ANY, &c), 0);
    assert_true(c.sent == (uint64_t)n && c.delivered + c.lost == c.sent);
    *delayed = c.delayed;
    jmd_bus_destroy(bus);
    free(l);
    return arrived;
}

/* Outages move deliveries, never the loss draws: the same messages are
 * lost with and without them (common random numbers). */
static void test_outage_keeps_loss_draws(void **state)
{
    (void)state;
    const int n = 2000; /* 200 s: every window is crossed */
    uint64_t d0, d1;
    uint8_t *a = outage_loss_pattern(0, n, &d0), *b = outage_loss_pattern(1, n, &d1);
    assert_memory_equal(a, b, (size_t)n);
    assert_true(d0 == 0 && d1 > 0);
    free(a), free(b);
}

/* Bad windows are refused by the link check and so by the bus. */
static void test_outage_invalid(void **state)
{
    (void)state;
    jmd_link l = {.latency = 0.5};
    const jmd_outage ok = {10.0, 5.0};
    struct {
        int n;
        jmd_outage o0, o1;
    } bad[] = {
        {-1, ok, ok},
        {JMD_LINK_OUTAGES_MAX + 1, ok, ok},
        {1, {-1.0, 5.0}, ok},
        {1, {NAN, 5.0}, ok},
        {1, {10.0, 0.0}, ok},
        {1, {10.0, -1.0}, ok},
        {1, {10.0, INFINITY}, ok},
        {1, {1e308, 1e308}, ok},     /* the end overflows */
        {2, ok, {12.0, 1.0}},        /* overlaps */
        {2, ok, {5.0, 1.0}},         /* unsorted */
        {2, ok, ok},                 /* the same window twice */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        jmd_link k = l;
        k.noutages = bad[i].n;
        k.outages[0] = bad[i].o0;
        k.outages[1] = bad[i].o1;
        if (jmd_govern_link_check(&k) != JMD_EINVAL) fail_msg("case %zu accepted", i);
        jmd_link pair[4] = {l, k, l, l};
        jmd_bus *bus = (jmd_bus *)1;
        assert_int_equal(jmd_bus_inproc_create(2, pair, 1, &bus), JMD_EINVAL);
        assert_null(bus);
    }
    l.noutages = 2;
    l.outages[0] = ok;
    l.outages[1] = (jmd_outage){15.0, 1.0}; /* touching is fine */
    assert_int_equal(jmd_govern_link_check(&l), 0);
    /* The diagonal is ignored, outages included. */
    jmd_link self = l;
    self.noutages = -5;
    jmd_link pair[4] = {self, l, l, self};
    jmd_bus *bus;
    assert_int_equal(jmd_bus_inproc_create(2, pair, 1, &bus), 0);
    jmd_bus_destroy(bus);
}

/* jmd_govern_transmit applies the same rule as the bus. */
static void test_outage_transmit(void **state)
{
    (void)state;
    jmd_release_policy p = {JMD_MSG_BIT(JMD_MSG_TRACK), 0.0, 2.0};
    jmd_link l = {.latency = 0.5, .noutages = 1, .outages = {{10.0, 10.0}}};
    jmd_rng r;
    jmd_rng_init(&r, 1, "transmit", 0);
    double ta;
    assert_int_equal(jmd_govern_transmit(&p, &l, JMD_MSG_TRACK, 9.0, &r, &ta), 1);
    assert_true(ta == 20.5); /* leaves at 11 (9 + release delay 2): held to 20 */
    assert_int_equal(jmd_govern_transmit(&p, &l, JMD_MSG_TRACK, 7.0, &r, &ta), 1);
    assert_true(ta == 9.5); /* leaves 9, arrives 9.5: before the outage */
    assert_int_equal(jmd_govern_transmit(&p, &l, JMD_MSG_TRACK, 7.75, &r, &ta), 1);
    assert_true(ta == 20.0); /* would arrive at 10.25 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latency_and_delay),
        cmocka_unit_test(test_per_pair_latency),
        cmocka_unit_test(test_delivery_order),
        cmocka_unit_test(test_loss_rate_and_determinism),
        cmocka_unit_test(test_stats_exact),
        cmocka_unit_test(test_broadcast_and_seq),
        cmocka_unit_test(test_reentrant_reply),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_outage_holds),
        cmocka_unit_test(test_outage_back_to_back),
        cmocka_unit_test(test_outage_keeps_loss_draws),
        cmocka_unit_test(test_outage_invalid),
        cmocka_unit_test(test_outage_transmit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
