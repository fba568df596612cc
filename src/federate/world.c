/*
 * world.c — the world process (`jmd world`): the simulation engine of
 * jmd_sim_run with its nodes in other processes, reached over the DDS
 * transport (jmd/federate.h). The engine is the same code as in `jmd run`;
 * only its port differs: each call that `jmd run` makes into a node
 * becomes a frame written to that node's partition, and each step ends
 * with a TICK per node and a wait for every node's DONE. The world never
 * waits on wall-clock time except to notice a node that is gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/error.h"
#include "jmd/federate.h"
#include "jmd/sim.h"

typedef struct {
    jmd_sim_port base;
    const jmd_scenario *sc;
    jmd_dds *dds;
    int np;
    int64_t step;                  /* the step whose inputs are being written */
    double t_last;                 /* time of the last step run */
    uint32_t nassess[JMD_MSG_MAX_PARTIES], ncue[JMD_MSG_MAX_PARTIES], nscan[JMD_MSG_MAX_PARTIES];
    uint64_t sent[JMD_MSG_MAX_PARTIES][JMD_MSG_MAX_PARTIES]; /* [from][to] per the last DONEs */
    int timeout_ms;
    uint64_t seed;
    int model;
    char *err;
    size_t errlen;
} remote_port;

static int rp_assess(jmd_sim_port *pp, int party, int shot_id, int killed)
{
    remote_port *rp = (remote_port *)pp;
    jmd_frame f;
    memset(&f, 0, sizeof f);
    f.kind = JMD_FRAME_ASSESS;
    f.u.assess = (jmd_frame_assess){party, rp->step, rp->nassess[party]++, shot_id, killed};
    return jmd_dds_write(rp->dds, &f);
}

static int rp_cue(jmd_sim_port *pp, int party, const jmd_launch_report *r)
{
    remote_port *rp = (remote_port *)pp;
    jmd_frame f;
    memset(&f, 0, sizeof f);
    f.kind = JMD_FRAME_CUE;
    f.u.cue.party = party;
    f.u.cue.step = rp->step;
    f.u.cue.index = rp->ncue[party]++;
    f.u.cue.r = *r;
    f.u.cue.r.truth = -1; /* nodes never see the truth */
    return jmd_dds_write(rp->dds, &f);
}

static int rp_deliver(jmd_sim_port *pp, double t)
{
    (void)pp, (void)t; /* nodes deliver their peers' messages themselves */
    return 0;
}

static int rp_scan(jmd_sim_port *pp, int party, int radar, double t, const jmd_measurement *m,
                   size_t n)
{
    remote_port *rp = (remote_port *)pp;
    jmd_frame f;
    memset(&f, 0, sizeof f);
    f.kind = JMD_FRAME_SCAN;
    jmd_frame_scan *s = &f.u.scan;
    s->party = party;
    s->step = rp->step;
    s->index = rp->nscan[party]++;
    s->radar = radar;
    s->t = t;
    s->n = n;
    if (n > 0) {
        if (!(s->m = malloc(n * sizeof *s->m))) return JMD_ENOMEM;
        memcpy(s->m, m, n * sizeof *m);
        for (size_t i = 0; i < n; i++) s->m[i].truth = -1;
    }
    int rc = jmd_dds_write(rp->dds, &f);
    free(s->m);
    return rc;
}

/* Waits for one frame of `kind` from every party for `step` (DONE) or
 * the end (FINAL); older duplicates (a restarted node repeating itself)
 * are dropped. */
static int gather(remote_port *rp, jmd_frame_kind kind, int64_t step, jmd_frame *got)
{
    int have = 0;
    int seen[JMD_MSG_MAX_PARTIES] = {0};
    while (have < rp->np) {
        jmd_frame f;
        memset(&f, 0, sizeof f);
        int rc = jmd_dds_take(rp->dds, &f, rp->timeout_ms);
        if (rc == 0) {
            int miss = 0;
            while (miss < rp->np && seen[miss]) miss++;
            snprintf(rp->err, rp->errlen,
                     "party \"%s\" sent nothing for %.0f s at step %lld (is its node running?)",
                     rp->sc->parties[miss].name, rp->timeout_ms / 1e3, (long long)step);
            return JMD_EIO;
        }
        if (rc == JMD_EPARSE) continue; /* a malformed frame is not a node's report */
        if (rc < 0) return rc;
        int party = -1;
        if (f.kind == kind && kind == JMD_FRAME_DONE && f.u.done.step == step)
            party = f.u.done.party;
        else if (f.kind == kind && kind == JMD_FRAME_FINAL)
            party = f.u.final.party;
        if (party < 0 || party >= rp->np || seen[party]) {
            jmd_frame_clear(&f);
            continue;
        }
        seen[party] = 1;
        got[party] = f;
        have++;
    }
    return 0;
}

static int write_ticks(remote_port *rp, int64_t step, double t, int end)
{
    for (int p = 0; p < rp->np; p++) {
        jmd_frame f;
        memset(&f, 0, sizeof f);
        f.kind = JMD_FRAME_TICK;
        jmd_frame_tick *k = &f.u.tick;
        k->party = p;
        k->step = step;
        k->t = t;
        k->nassess = rp->nassess[p];
        k->ncue = rp->ncue[p];
        k->nscan = rp->nscan[p];
        k->end = end;
        k->seed = rp->seed;
        k->model = rp->model;
        for (int q = 0; q < rp->np; q++) k->expect[q] = rp->sent[q][p];
        int rc = jmd_dds_write(rp->dds, &f);
        if (rc != 0) return rc;
    }
    memset(rp->nassess, 0, sizeof rp->nassess);
    memset(rp->ncue, 0, sizeof rp->ncue);
    memset(rp->nscan, 0, sizeof rp->nscan);
    return 0;
}

static int rp_step(jmd_sim_port *pp, int64_t step, double t, double t_next, jmd_frame_done *rep)
{
    remote_port *rp = (remote_port *)pp;
    (void)t_next;
    int rc = write_ticks(rp, step, t, 0);
    if (rc != 0) return rc;
    jmd_frame got[JMD_MSG_MAX_PARTIES];
    memset(got, 0, sizeof got);
    if ((rc = gather(rp, JMD_FRAME_DONE, step, got)) != 0) {
        for (int p = 0; p < rp->np; p++) jmd_frame_clear(&got[p]);
        return rc;
    }
    for (int p = 0; p < rp->np; p++) {
        rep[p] = got[p].u.done; /* the arrays change hands */
        for (int q = 0; q < rp->np; q++) rp->sent[p][q] = rep[p].sent[q];
    }
    rp->step = step + 1;
    rp->t_last = t;
    return 0;
}

static int rp_finish(jmd_sim_port *pp, jmd_frame_final *fin)
{
    remote_port *rp = (remote_port *)pp;
    /* The end comes at the time of the last step: what the nodes do then
     * (their last checkpoint) is dated with the run. */
    int rc = write_ticks(rp, rp->step, rp->t_last, 1);
    if (rc != 0) return rc;
    jmd_frame got[JMD_MSG_MAX_PARTIES];
    memset(got, 0, sizeof got);
    if ((rc = gather(rp, JMD_FRAME_FINAL, rp->step, got)) != 0) return rc;
    for (int p = 0; p < rp->np; p++) fin[p] = got[p].u.final;
    return 0;
}

static const jmd_sim_port_ops remote_ops = {rp_assess, rp_cue, rp_deliver, rp_scan, rp_step,
                                            rp_finish};

void jmd_world_opts_default(jmd_world_opts *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->domain = 0;
    snprintf(o->run_tag, sizeof o->run_tag, "run");
    o->join_timeout_ms = 60000;
    o->step_timeout_ms = 60000;
}

int jmd_world_run(const jmd_scenario *sc, uint64_t seed, const jmd_sim_opts *so,
                  const jmd_world_opts *wo, jmd_sim_result **out, char *err, size_t errlen)
{
    remote_port rp;
    int rc;
    if (!sc || !so || !wo || !out || !err || errlen == 0) return JMD_EINVAL;
    *out = NULL;
    err[0] = '\0';
    if (sc->nparties < 1 || sc->nparties > JMD_MSG_MAX_PARTIES) {
        snprintf(err, errlen, "a federation needs 1 to %d parties, the scenario has %zu",
                 JMD_MSG_MAX_PARTIES, sc->nparties);
        return JMD_EINVAL;
    }
    memset(&rp, 0, sizeof rp);
    rp.base.ops = &remote_ops;
    rp.sc = sc;
    rp.np = (int)sc->nparties;
    rp.timeout_ms = wo->step_timeout_ms;
    rp.seed = seed;
    rp.model = so->model >= 0 ? so->model : (int)sc->gov.model;
    rp.err = err;
    rp.errlen = errlen;
    if ((rc = jmd_dds_open(wo->domain, JMD_FED_WORLD, rp.np, wo->run_tag, &rp.dds, err,
                           errlen)) != 0)
        return rc;
    /* Every node says HELLO before the first step. */
    int joined[JMD_MSG_MAX_PARTIES] = {0}, njoined = 0;
    while (njoined < rp.np) {
        jmd_frame f;
        memset(&f, 0, sizeof f);
        rc = jmd_dds_take(rp.dds, &f, wo->join_timeout_ms);
        if (rc == 0) {
            int miss = 0;
            while (miss < rp.np && joined[miss]) miss++;
            snprintf(err, errlen, "party \"%s\" did not join within %.0f s (domain %u, run %s)",
                     sc->parties[miss].name, wo->join_timeout_ms / 1e3, (unsigned)wo->domain,
                     wo->run_tag);
            rc = JMD_EIO;
            goto done;
        }
        if (rc == JMD_EPARSE) continue;
        if (rc < 0) goto done;
        if (f.kind == JMD_FRAME_HELLO && f.u.hello.party >= 0 && f.u.hello.party < rp.np &&
            !joined[f.u.hello.party]) {
            joined[f.u.hello.party] = 1;
            njoined++;
        }
        jmd_frame_clear(&f);
    }
    rc = jmd_sim_run_port(sc, seed, so, &rp.base, out, err, errlen);
    if (rc == 0 && (rc = jmd_dds_flush(rp.dds)) != 0)
        snprintf(err, errlen, "the last frames could not be written: %s",
                 jmd_dds_last_error(rp.dds));
done:
    jmd_dds_close(rp.dds);
    return rc;
}
