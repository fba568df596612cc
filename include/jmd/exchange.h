/*
 * jmd/exchange.h — the bus parties talk through (DESIGN.md §4, §6).
 *
 * One interface (jmd_bus_ops: send, poll, stats, destroy) with, today, an
 * in-process implementation; a Cyclone DDS implementation and the
 * authenticating layer of the ledger work plug in behind the same calls.
 * Whatever the implementation, a message crosses the bus as its canonical
 * encoding (jmd/msg.h): the sender's struct is encoded, the bytes are
 * counted, and the receiver gets the decoded bytes, never the sender's
 * struct.
 *
 * Semantics (docs/messages.md "The bus"):
 *  - send(from, to, m, t, delay) stamps m's envelope (sender = from,
 *    receiver = to, seq, t) and queues it for delivery at
 *    t + latency(from, to) + delay, unless the link loses it. to may be
 *    JMD_MSG_BROADCAST: one envelope (receiver 0xFF, one sequence number)
 *    that travels to every other party over each pair's link separately.
 *  - Outages (jmd_link.outages; the link is down during [start,
 *    start + duration)): the sender's reliable transport holds a message
 *    the link is down for. One that enters the link (at t + delay) while
 *    it is down leaves when it is up again and arrives latency later; one
 *    that would arrive while the link is down is delivered when it is up
 *    again (jmd_link_hold; windows that touch count as one). Outages never
 *    lose a message and never draw a random number: the loss draw is the
 *    same with or without them.
 *  - Sequence numbers are per sender: 1, 2, 3, ... across all receivers,
 *    so a receiver sees them strictly increasing but with gaps.
 *  - poll(party, t) hands over every message due by t (delivery time <= t)
 *    for that party in the order (delivery time, sender, seq).
 *  - Measurements never leave their party: sending one is JMD_EINVAL.
 *
 * A bus is used by one thread at a time (one per trial). Hot path: a few
 * messages per party per simulated second.
 */
#ifndef JMD_EXCHANGE_H
#define JMD_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "jmd/common.h"
#include "jmd/govern.h"
#include "jmd/msg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Wildcard for jmd_bus_stats: all parties, all kinds. */
#define JMD_BUS_ANY (-1)

/* Counters of one (sender, receiver, kind) cell, or a sum of cells. A
 * broadcast counts once per receiver. Every message sent is eventually
 * delivered, lost or still in flight (sent = delivered + lost + queued),
 * or rejected by the receiving side (a decode or, later, authentication
 * failure; never happens in-process). `delayed` counts the messages not
 * lost whose delivery an outage moved later (a subset of delivered +
 * queued + rejected). */
typedef struct {
    uint64_t sent, delivered, lost, rejected, delayed;
    uint64_t bytes_sent, bytes_delivered, bytes_lost, bytes_rejected;
} jmd_bus_counts;

/* Receives one delivered message: m is valid only during the call (copy
 * it to keep it); t_deliver is its delivery time. */
typedef void (*jmd_bus_deliver_fn)(void *ctx, const jmd_msg *m, double t_deliver);

typedef struct jmd_bus jmd_bus;

/* The implementation's table; the public functions below check their
 * arguments before calling it. */
typedef struct {
    int (*send)(jmd_bus *bus, int from, int to, const jmd_msg *m, double t, double delay,
                uint64_t *seq);
    int (*poll)(jmd_bus *bus, int party, double t, size_t max, jmd_bus_deliver_fn fn,
                void *ctx, size_t *n);
    int (*stats)(const jmd_bus *bus, int from, int to, int kind, jmd_bus_counts *out);
    void (*destroy)(jmd_bus *bus);
} jmd_bus_ops;

/* The common head of every implementation's bus (implementations embed it
 * first). */
struct jmd_bus {
    const jmd_bus_ops *ops;
    int nparties;
};

/* An in-process bus for nparties (1 .. JMD_MSG_MAX_PARTIES) parties.
 * links[from * nparties + to] is the link from `from` to `to` (row =
 * sender), copied; the diagonal is ignored. Each link must pass
 * jmd_govern_link_check (latency finite and >= 0, loss in [0, 1), outage
 * windows valid, sorted, non-overlapping). Each pair's losses come from its own stream
 * jmd_rng_init(seed, "link:FROM>TO", 0) (FROM and TO decimal indices), one
 * uniform per message sent on the pair (lost when it is below the loss),
 * so the pair's draws do not depend on other pairs' traffic, on the
 * loss value or on the outages. *out is owned by the caller: jmd_bus_destroy. JMD_EINVAL for
 * bad arguments, JMD_ENOMEM. */
int jmd_bus_inproc_create(int nparties, const jmd_link *links, uint64_t seed, jmd_bus **out);

/* Sends m's payload (m->kind and m->u; m->auth as given) from `from` to
 * `to` (a party other than from, or JMD_MSG_BROADCAST) at simulation time
 * t, with an extra release delay >= 0 (the sender's release policy). m is
 * not changed (it is copied and stamped); *seq (may be NULL) gets the
 * sequence number given. JMD_EINVAL for bad arguments, a Measurement, or a
 * payload that fails jmd_msg_check; JMD_ENOMEM. */
int jmd_bus_send(jmd_bus *bus, int from, int to, const jmd_msg *m, double t, double delay,
                 uint64_t *seq);

/* Delivers to fn, in order, up to max (0: no limit) of the messages due by
 * t for party; the rest stay queued. *n (may be NULL) gets the number
 * delivered. JMD_EINVAL for bad arguments (fn NULL, party out of range, t
 * not finite or NaN). */
int jmd_bus_poll(jmd_bus *bus, int party, double t, size_t max, jmd_bus_deliver_fn fn,
                 void *ctx, size_t *n);

/* Same, into out[0 .. cap) (and t_deliver[0 .. cap) when not NULL). */
int jmd_bus_poll_array(jmd_bus *bus, int party, double t, jmd_msg *out, double *t_deliver,
                       size_t cap, size_t *n);

/* Sums the counters of the cells (from, to, kind); each may be
 * JMD_BUS_ANY. JMD_EINVAL for an index out of range or a NULL pointer. */
int jmd_bus_stats(const jmd_bus *bus, int from, int to, int kind, jmd_bus_counts *out);

/* Frees the bus and every message still queued. NULL is a no-op. */
void jmd_bus_destroy(jmd_bus *bus);

#ifdef __cplusplus
}
#endif
#endif /* JMD_EXCHANGE_H */
