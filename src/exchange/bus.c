/*
 * bus.c — the implementation-independent half of the bus (jmd/exchange.h):
 * argument checks, then a call through the implementation's table, so
 * every implementation sees only valid arguments. Cold except send and
 * poll, which add a few comparisons per message.
 */
#include <math.h>

#include "jmd/exchange.h"

int jmd_bus_send(jmd_bus *bus, int from, int to, const jmd_msg *m, double t, double delay,
                 uint64_t *seq)
{
    if (!bus || !bus->ops || !m) return JMD_EINVAL;
    if (from < 0 || from >= bus->nparties) return JMD_EINVAL;
    if (to != JMD_MSG_BROADCAST && (to < 0 || to >= bus->nparties || to == from))
        return JMD_EINVAL;
    if (!isfinite(t) || !isfinite(delay) || delay < 0) return JMD_EINVAL;
    if (m->kind == JMD_MSG_MEASUREMENT) return JMD_EINVAL; /* never leaves its party */
    return bus->ops->send(bus, from, to, m, t, delay, seq);
}

int jmd_bus_poll(jmd_bus *bus, int party, double t, size_t max, jmd_bus_deliver_fn fn,
                 void *ctx, size_t *n)
{
    if (n) *n = 0;
    if (!bus || !bus->ops || !fn || party < 0 || party >= bus->nparties || isnan(t))
        return JMD_EINVAL;
    return bus->ops->poll(bus, party, t, max, fn, ctx, n);
}

typedef struct {
    jmd_msg *out;
    double *t;
    size_t k;
} array_ctx;

static void to_array(void *ctx, const jmd_msg *m, double t_deliver)
{
    array_ctx *a = ctx;
    a->out[a->k] = *m;
    if (a->t) a->t[a->k] = t_deliver;
    a->k++;
}

int jmd_bus_poll_array(jmd_bus *bus, int party, double t, jmd_msg *out, double *t_deliver,
                       size_t cap, size_t *n)
{
    if (n) *n = 0;
    if (!out || cap == 0) return JMD_EINVAL;
    array_ctx a = {out, t_deliver, 0};
    return jmd_bus_poll(bus, party, t, cap, to_array, &a, n);
}

int jmd_bus_stats(const jmd_bus *bus, int from, int to, int kind, jmd_bus_counts *out)
{
    if (!bus || !bus->ops || !out) return JMD_EINVAL;
    if (from != JMD_BUS_ANY && (from < 0 || from >= bus->nparties)) return JMD_EINVAL;
    if (to != JMD_BUS_ANY && (to < 0 || to >= bus->nparties)) return JMD_EINVAL;
    if (kind != JMD_BUS_ANY && (kind < 1 || kind > JMD_MSG_KIND_MAX)) return JMD_EINVAL;
    return bus->ops->stats(bus, from, to, kind, out);
}

void jmd_bus_destroy(jmd_bus *bus)
{
    if (bus && bus->ops) bus->ops->destroy(bus);
}
