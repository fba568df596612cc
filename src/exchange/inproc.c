/*
 * inproc.c — the in-process bus (jmd_bus_inproc_create, jmd/exchange.h):
 * the bus of `jmd run`, where every party lives in one process.
 *
 * A message is encoded once at send; each receiver's copy of the bytes
 * waits in that receiver's binary min-heap keyed by (delivery time,
 * sender, seq), a total order because sequence numbers are unique per
 * sender; poll pops what is due, decodes it and hands the decoded struct
 * over, so receivers only ever see what went over the wire. Loss is drawn
 * at send, one uniform per (pair, message) from the pair's own stream.
 * Outages (jmd_link.outages) only move a kept message's delivery time
 * (jmd_link_hold: the sender's reliable transport holds it while the link
 * is down); they draw nothing, so loss streams are the same with or
 * without them.
 *
 * Memory: one heap allocation per queued copy (at most JMD_MSG_MAX_SIZE
 * bytes); counters are n*n*(kinds+1) cells. Hot path: O(log q) per send
 * and per delivery.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/exchange.h"
#include "jmd/rng.h"

typedef struct {
    double t; /* delivery time */
    int sender;
    int kind;
    uint64_t seq;
    size_t len;
    uint8_t *bytes; /* owned */
} item;

typedef struct {
    item *v;
    size_t n, cap;
} heap;

typedef struct {
    jmd_bus base;          /* first: a jmd_bus * is an inproc * */
    jmd_link *links;       /* [n*n] */
    jmd_rng *rng;          /* [n*n], one stream per ordered pair */
    uint64_t *seq;         /* [n], last sequence number given per sender */
    jmd_bus_counts *cells; /* [(from*n + to)*(KIND_MAX+1) + kind] */
    heap *q;               /* [n], per receiver */
} inproc;

#define NK (JMD_MSG_KIND_MAX + 1)

static size_t cell_index(int n, int from, int to, int kind)
{
    return ((size_t)from * (size_t)n + (size_t)to) * NK + (size_t)kind;
}

static jmd_bus_counts *cell(inproc *b, int from, int to, int kind)
{
    return &b->cells[cell_index(b->base.nparties, from, to, kind)];
}

/* a before b in delivery order */
static int before(const item *a, const item *b)
{
    if (a->t != b->t) return a->t < b->t;
    if (a->sender != b->sender) return a->sender < b->sender;
    return a->seq < b->seq;
}

/* Room for one more item. */
static int heap_reserve(heap *h)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 16;
        item *v = realloc(h->v, cap * sizeof *v);
        if (!v) return JMD_ENOMEM;
        h->v = v;
        h->cap = cap;
    }
    return 0;
}

/* Requires heap_reserve first. */
static void heap_push(heap *h, item it)
{
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(&it, &h->v[p])) break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = it;
}

static item heap_pop(heap *h)
{
    item top = h->v[0], last = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const item *best = &last;
        if (l < h->n && before(&h->v[l], best)) m = l, best = &h->v[l];
        if (r < h->n && before(&h->v[r], best)) m = r;
        if (m == i) break;
        h->v[i] = h->v[m];
        i = m;
    }
    if (h->n) h->v[i] = last;
    return top;
}

static int inproc_send(jmd_bus *bus, int from, int to, const jmd_msg *m, double t, double delay,
                       uint64_t *seq_out)
{
    inproc *b = (inproc *)bus;
    int n = bus->nparties;
    uint8_t buf[JMD_MSG_MAX_SIZE];
    size_t len;
    jmd_msg env = *m;
    env.sender = from;
    env.receiver = to;
    env.seq = b->seq[from] + 1;
    env.t = t;
    int rc = jmd_msg_encode(&env, buf, sizeof buf, &len);
    if (rc) return rc;

    /* Allocate every copy first, so that a failure sends nothing. */
    uint8_t *copy[JMD_MSG_MAX_PARTIES] = {0};
    for (int r = 0; r < n; r++) {
        if (r == from || (to != JMD_MSG_BROADCAST && r != to)) continue;
        if (heap_reserve(&b->q[r]) != 0) goto nomem;
        if (!(copy[r] = malloc(len))) goto nomem;
        memcpy(copy[r], buf, len);
    }
    b->seq[from] = env.seq;
    for (int r = 0; r < n; r++) {
        if (!copy[r]) continue;
        size_t k = (size_t)from * (size_t)n + (size_t)r;
        jmd_bus_counts *c = cell(b, from, r, (int)env.kind);
        c->sent++;
        c->bytes_sent += len;
        if (jmd_rng_uniform(&b->rng[k]) < b->links[k].loss) {
            c->lost++;
            c->bytes_lost += len;
            free(copy[r]);
            continue;
        }
        /* The always-up arrival first, with today's arithmetic, so that a
         * run without outages is bit for bit what it was. */
        double t_arr = t + b->links[k].latency + delay;
        if (jmd_link_hold(&b->links[k], t + delay, &t_arr)) c->delayed++;
        item it = {t_arr, from, (int)env.kind, env.seq, len, copy[r]};
        heap_push(&b->q[r], it);
    }
    if (seq_out) *seq_out = env.seq;
    return 0;
nomem:
    for (int r = 0; r < n; r++)
        free(copy[r]);
    return JMD_ENOMEM;
}

static int inproc_poll(jmd_bus *bus, int party, double t, size_t max, jmd_bus_deliver_fn fn,
                       void *ctx, size_t *n_out)
{
    inproc *b = (inproc *)bus;
    heap *h = &b->q[party];
    size_t k = 0;
    jmd_msg m;
    while (h->n && h->v[0].t <= t && (max == 0 || k < max)) {
        item it = heap_pop(h);
        int rc = jmd_msg_decode(it.bytes, it.len, &m, NULL, 0);
        free(it.bytes);
        jmd_bus_counts *c = cell(b, it.sender, party, it.kind);
        if (rc) {
            c->rejected++;
            c->bytes_rejected += it.len;
            continue;
        }
        c->delivered++;
        c->bytes_delivered += it.len;
        k++;
        fn(ctx, &m, it.t); /* may send: h is re-read on every iteration */
    }
    if (n_out) *n_out = k;
    return 0;
}

static void add(jmd_bus_counts *s, const jmd_bus_counts *c)
{
    s->sent += c->sent;
    s->delivered += c->delivered;
    s->lost += c->lost;
    s->rejected += c->rejected;
    s->delayed += c->delayed;
    s->bytes_sent += c->bytes_sent;
    s->bytes_delivered += c->bytes_delivered;
    s->bytes_lost += c->bytes_lost;
    s->bytes_rejected += c->bytes_rejected;
}

static int inproc_stats(const jmd_bus *bus, int from, int to, int kind, jmd_bus_counts *out)
{
    const inproc *b = (const inproc *)bus;
    int n = bus->nparties;
    memset(out, 0, sizeof *out);
    for (int f = 0; f < n; f++) {
        if (from != JMD_BUS_ANY && f != from) continue;
        for (int r = 0; r < n; r++) {
            if (to != JMD_BUS_ANY && r != to) continue;
            for (int k = 1; k <= JMD_MSG_KIND_MAX; k++)
                if (kind == JMD_BUS_ANY || k == kind)
                    add(out, &b->cells[cell_index(n, f, r, k)]);
        }
    }
    return 0;
}

static void inproc_destroy(jmd_bus *bus)
{
    inproc *b = (inproc *)bus;
    if (b->q)
        for (int r = 0; r < bus->nparties; r++) {
            for (size_t i = 0; i < b->q[r].n; i++)
                free(b->q[r].v[i].bytes);
            free(b->q[r].v);
        }
    free(b->q);
    free(b->cells);
    free(b->seq);
    free(b->rng);
    free(b->links);
    free(b);
}

static const jmd_bus_ops inproc_ops = {inproc_send, inproc_poll, inproc_stats, inproc_destroy};

int jmd_bus_inproc_create(int nparties, const jmd_link *links, uint64_t seed, jmd_bus **out)
{
    if (!out) return JMD_EINVAL;
    *out = NULL;
    if (!links || nparties < 1 || nparties > JMD_MSG_MAX_PARTIES) return JMD_EINVAL;
    size_t n = (size_t)nparties;
    for (size_t f = 0; f < n; f++)
        for (size_t r = 0; r < n; r++)
            if (f != r && jmd_govern_link_check(&links[f * n + r]) != 0) return JMD_EINVAL;
    inproc *b = calloc(1, sizeof *b);
    if (!b) return JMD_ENOMEM;
    b->base.ops = &inproc_ops;
    b->base.nparties = nparties;
    b->links = malloc(n * n * sizeof *b->links);
    b->rng = malloc(n * n * sizeof *b->rng);
    b->seq = calloc(n, sizeof *b->seq);
    b->cells = calloc(n * n * NK, sizeof *b->cells);
    b->q = calloc(n, sizeof *b->q);
    if (!b->links || !b->rng || !b->seq || !b->cells || !b->q) {
        inproc_destroy(&b->base);
        return JMD_ENOMEM;
    }
    for (size_t f = 0; f < n; f++)
        for (size_t r = 0; r < n; r++) {
            char key[64];
            snprintf(key, sizeof key, "link:%d>%d", (int)f, (int)r);
            b->links[f * n + r] = links[f * n + r];
            jmd_rng_init(&b->rng[f * n + r], seed, key, 0);
        }
    *out = &b->base;
    return 0;
}
