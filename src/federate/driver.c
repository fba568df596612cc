/*
 * driver.c — one party's node as the world sees it, step by step
 * (jmd/federate.h "node driver"). The same driver runs inside `jmd run`
 * (the sim engine's in-process port calls it directly) and inside
 * `jmd node` (the node process calls it from the frames it takes), which is
 * what makes the two modes give the same events and outcomes: the node's
 * inputs arrive in the same order and its reports carry exactly what the
 * engine used to read out of the node's memory (newly confirmed tracks,
 * orders with their tracks' last measurement, in-flight target updates,
 * the tracks named by the launch warnings it sent and received).
 */
#include <stdlib.h>
#include <string.h>

#include "core/core__grow.h"
#include "jmd/error.h"
#include "jmd/federate.h"

typedef struct {
    int shot_id;
    long track_id;
    double t_intercept;
    int reported;
} order_rec;

struct jmd_node_driver {
    const jmd_scenario *sc;
    int party;
    jmd_party_node *node;
    long *announced;          /* confirmed track ids already reported */
    size_t nannounced, capannounced;
    order_rec *orders;        /* every order the node gave, for target updates */
    size_t norders, caporders;
    jmd_fed_warn_recv *wrecv; /* warnings delivered since the last step */
    size_t nwrecv, capwrecv;
    const jmd_party_out *out; /* the node's outbox after the last step */
    size_t nout;
    jmd_party_order buf[64];
};


int jmd_node_driver_create(const jmd_scenario *sc, int party, jmd_gov_model model,
                           uint64_t seed, const jmd_party_opts *opts, jmd_node_driver **out)
{
    if (!sc || !out || party < 0 || (size_t)party >= sc->nparties) return JMD_EINVAL;
    *out = NULL;
    jmd_node_driver *d = calloc(1, sizeof *d);
    if (!d) return JMD_ENOMEM;
    d->sc = sc;
    d->party = party;
    int rc = jmd_party_create(sc, party, model, seed, opts, &d->node);
    if (rc != 0) {
        free(d);
        return rc;
    }
    *out = d;
    return 0;
}

void jmd_node_driver_free(jmd_node_driver *d)
{
    if (!d) return;
    jmd_party_free(d->node);
    free(d->announced);
    free(d->orders);
    free(d->wrecv);
    free(d);
}

jmd_party_node *jmd_node_driver_party(jmd_node_driver *d)
{
    return d ? d->node : NULL;
}

int jmd_node_driver_assess(jmd_node_driver *d, int shot_id, int killed)
{
    if (!d) return JMD_EINVAL;
    /* A shot the node no longer knows is not an error of the run. */
    jmd_party_outcome(d->node, shot_id, killed);
    return 0;
}

int jmd_node_driver_cue(jmd_node_driver *d, const jmd_launch_report *r)
{
    if (!d || !r) return JMD_EINVAL;
    return jmd_party_cue(d->node, r);
}

int jmd_node_driver_receive(jmd_node_driver *d, const jmd_msg *m, double t_deliver)
{
    if (!d || !m) return JMD_EINVAL;
    if (m->kind == JMD_MSG_LAUNCH_WARNING && m->u.warning.track_id != JMD_MSG_NO_ID) {
        if (jmd__grow((void **)&d->wrecv, &d->capwrecv, d->nwrecv + 1, sizeof *d->wrecv))
            return JMD_ENOMEM;
        d->wrecv[d->nwrecv++] =
            (jmd_fed_warn_recv){m->sender, (long)m->u.warning.track_id, t_deliver};
    }
    int rc = jmd_party_receive(d->node, m, t_deliver);
    return rc == JMD_EINVAL ? 0 : rc; /* a message the node cannot use is ignored */
}

int jmd_node_driver_scan(jmd_node_driver *d, int radar, double t, const jmd_measurement *m,
                         size_t n)
{
    if (!d) return JMD_EINVAL;
    int rc = jmd_party_scan(d->node, radar, t, m, n);
    return rc == JMD_EINVAL ? 0 : rc; /* a scan out of order or of a bad radar is dropped */
}

/* The last measurement of the node's own track id (-1: none or a partner
 * track). */
static long last_meas(const jmd_node_driver *d, long track_id)
{
    const jmd_tracker *tk = jmd_party_tracker(d->node);
    size_t n = jmd_tracker_count(tk);
    for (size_t i = 0; i < n; i++) {
        jmd_track_info ti;
        if (jmd_tracker_track(tk, i, &ti) == 0 && ti.id == track_id) return ti.last_meas_id;
    }
    return -1;
}

static int announce(jmd_node_driver *d, jmd_frame_done *rep)
{
    const jmd_tracker *tk = jmd_party_tracker(d->node);
    size_t n = jmd_tracker_count(tk);
    for (size_t i = 0; i < n; i++) {
        jmd_track_info ti;
        if (jmd_tracker_track(tk, i, &ti) != 0 || ti.status != JMD_TRACK_CONFIRMED) continue;
        int seen = 0;
        for (size_t k = 0; k < d->nannounced && !seen; k++) seen = d->announced[k] == ti.id;
        if (seen) continue;
        size_t cap = rep->nconfirmed;
        if (jmd__grow((void **)&d->announced, &d->capannounced, d->nannounced + 1, sizeof(long)))
            return JMD_ENOMEM;
        d->announced[d->nannounced++] = ti.id;
        jmd_fed_track_note *c = realloc(rep->confirmed, (cap + 1) * sizeof *c);
        if (!c) return JMD_ENOMEM;
        rep->confirmed = c;
        c[rep->nconfirmed++] = (jmd_fed_track_note){ti.id, ti.last_meas_id};
    }
    return 0;
}

void jmd_fed_done_free(jmd_frame_done *rep)
{
    if (!rep) return;
    free(rep->confirmed);
    free(rep->orders);
    free(rep->updates);
    free(rep->warn_sent);
    free(rep->warn_recv);
    memset(rep, 0, sizeof *rep);
}

int jmd_node_driver_step(jmd_node_driver *d, int64_t step, double t, double t_next,
                         jmd_frame_done *rep)
{
    if (!d || !rep) return JMD_EINVAL;
    memset(rep, 0, sizeof *rep);
    rep->party = d->party;
    rep->step = step;
    int rc = announce(d, rep);
    if (rc != 0) goto fail;
    size_t n = 0;
    if ((rc = jmd_party_step(d->node, t, d->buf, 64, &n)) != 0) goto fail;
    rc = JMD_ENOMEM;
    if (n > 0) {
        if (!(rep->orders = calloc(n, sizeof *rep->orders))) goto fail;
        if (jmd__grow((void **)&d->orders, &d->caporders, d->norders + n, sizeof *d->orders))
            goto fail;
        for (size_t i = 0; i < n; i++) {
            rep->orders[i].o = d->buf[i];
            rep->orders[i].last_meas_id = last_meas(d, d->buf[i].e.track_id);
            d->orders[d->norders++] = (order_rec){d->buf[i].shot_id, d->buf[i].e.track_id,
                                                  d->buf[i].e.t_intercept, 0};
        }
        rep->norders = n;
    }
    /* In-flight target updates for the rounds the world resolves at the
     * next step: the node's estimate now is what the interceptor gets. */
    for (size_t i = 0; i < d->norders; i++) {
        order_rec *o = &d->orders[i];
        if (o->reported || o->t_intercept > t_next) continue;
        o->reported = 1;
        jmd_fed_update *u = realloc(rep->updates, (rep->nupdates + 1) * sizeof *u);
        if (!u) goto fail;
        rep->updates = u;
        jmd_fed_update *x = &u[rep->nupdates++];
        memset(x, 0, sizeof *x);
        x->shot_id = o->shot_id;
        x->found = jmd_party_track_position(d->node, o->track_id, o->t_intercept, x->r) == 0;
    }
    /* The outbox, and the tracks its warnings name (as the node holds them
     * at sending: the world maps them to the truth). */
    jmd_party_outbox(d->node, &d->out, &d->nout);
    for (size_t i = 0; i < d->nout; i++) {
        const jmd_msg *m = &d->out[i].m;
        if (m->kind != JMD_MSG_LAUNCH_WARNING || m->u.warning.track_id == JMD_MSG_NO_ID)
            continue;
        jmd_fed_track_note *w = realloc(rep->warn_sent, (rep->nwarn_sent + 1) * sizeof *w);
        if (!w) goto fail;
        rep->warn_sent = w;
        long id = (long)m->u.warning.track_id;
        w[rep->nwarn_sent++] = (jmd_fed_track_note){id, last_meas(d, id)};
    }
    if (d->nwrecv > 0) {
        rep->warn_recv = d->wrecv;
        rep->nwarn_recv = d->nwrecv;
        d->wrecv = NULL;
        d->nwrecv = d->capwrecv = 0;
    }
    return 0;
fail:
    jmd_fed_done_free(rep);
    return rc;
}

void jmd_node_driver_outbox(jmd_node_driver *d, const jmd_party_out **out, size_t *n)
{
    if (!d || !out || !n) return;
    *out = d->out;
    *n = d->nout;
    d->out = NULL;
    d->nout = 0;
}
