/*
 * party.c — one party's node (see jmd/party.h): tracker, threat
 * evaluation and engagement planning over the party's own sites.
 *
 * Threat evaluation per confirmed track, at most every eval_interval s and
 * only once the track has min_hits updates: the impact of the track's
 * estimate is predicted with its covariance (unscented transform, J2, no
 * drag: the tracker does not estimate a ballistic coefficient), the
 * party's own assets at risk give the threat's value, and the predicted
 * trajectory is handed to the battle state, which plans the rounds.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/party.h"

typedef struct {
    long track_id;
    double t_eval;     /* time of the last evaluation, -inf before the first */
    double t_data;     /* the track's last update time at that evaluation */
    int registered;    /* known to the battle state */
    int seen;          /* still in the tracker at this step (mark and sweep) */
} track_slot;

struct jmd_party_node {
    const jmd_scenario *sc;
    int party;
    jmd_party_opts opts;
    jmd_tracker *tk;
    jmd_battle *battle;        /* NULL when the party has no sites */
    int *site_map;             /* battle site index -> scenario site index */
    size_t nsites;
    jmd_asset *assets;         /* the party's own assets (copies) */
    size_t nassets;
    jmd_asset_risk *risk;      /* scratch, nassets */
    track_slot *slots;
    size_t nslots, capslots;
    jmd_engagement *plan;      /* scratch for jmd_battle_plan */
    size_t capplan;
};

void jmd_party_opts_default(jmd_party_opts *o)
{
    o->eval_interval = 4.0;
    o->min_hits = 6;
    o->asset_p_min = 1e-3;
    o->boost_window = 150.0;
    o->max_ellipse = 50e3;
}

void jmd_party_free(jmd_party_node *p)
{
    if (!p) return;
    jmd_tracker_destroy(p->tk);
    jmd_battle_free(p->battle);
    free(p->site_map);
    free(p->assets);
    free(p->risk);
    free(p->slots);
    free(p->plan);
    free(p);
}

int jmd_party_create(const jmd_scenario *sc, int party, const jmd_party_opts *opts,
                     jmd_party_node **out)
{
    int rc = JMD_ENOMEM;
    jmd_site *sites = NULL;
    jmd_party_node *p;
    if (!sc || !out || party < 0 || (size_t)party >= sc->nparties) return JMD_EINVAL;
    *out = NULL;
    if (!(p = calloc(1, sizeof *p))) return JMD_ENOMEM;
    p->sc = sc;
    p->party = party;
    if (opts) p->opts = *opts;
    else jmd_party_opts_default(&p->opts);
    jmd_tracker_config tc;
    jmd_tracker_config_default(&tc);
    tc.model.boost_window = p->opts.boost_window;
    if ((rc = jmd_tracker_create(&tc, &p->tk)) != 0) goto fail;

    rc = JMD_ENOMEM;
    for (size_t i = 0; i < sc->nsites; i++)
        if (sc->sites[i].owner == party) p->nsites++;
    if (p->nsites > 0) {
        if (!(sites = calloc(p->nsites, sizeof *sites))) goto fail;
        if (!(p->site_map = calloc(p->nsites, sizeof *p->site_map))) goto fail;
        size_t k = 0;
        for (size_t i = 0; i < sc->nsites; i++) {
            if (sc->sites[i].owner != party) continue;
            sites[k] = sc->sites[i];
            p->site_map[k++] = (int)i;
        }
        jmd_battle_opts bo;
        jmd_battle_opts_default(&bo);
        if ((rc = jmd_battle_create(sites, p->nsites, &bo, &p->battle)) != 0) goto fail;
        rc = JMD_ENOMEM;
    }
    for (size_t i = 0; i < sc->nassets; i++)
        if (sc->assets[i].owner == party) p->nassets++;
    if (p->nassets > 0) {
        if (!(p->assets = calloc(p->nassets, sizeof *p->assets))) goto fail;
        if (!(p->risk = calloc(p->nassets, sizeof *p->risk))) goto fail;
        size_t k = 0;
        for (size_t i = 0; i < sc->nassets; i++)
            if (sc->assets[i].owner == party) p->assets[k++] = sc->assets[i];
    }
    free(sites);
    *out = p;
    return 0;
fail:
    free(sites);
    jmd_party_free(p);
    return rc;
}

int jmd_party_scan(jmd_party_node *p, int radar, double t, const jmd_measurement *m, size_t n)
{
    if (!p || radar < 0 || (size_t)radar >= p->sc->nradars) return JMD_EINVAL;
    return jmd_tracker_scan(p->tk, &p->sc->radars[radar], t, m, n);
}

int jmd_party_cue(jmd_party_node *p, const jmd_launch_report *r)
{
    if (!p || !r) return JMD_EINVAL;
    return jmd_tracker_cue(p->tk, r);
}

static track_slot *slot_for(jmd_party_node *p, long id)
{
    for (size_t i = 0; i < p->nslots; i++)
        if (p->slots[i].track_id == id) return &p->slots[i];
    if (p->nslots == p->capslots) {
        size_t cap = p->capslots ? 2 * p->capslots : 16;
        track_slot *s = realloc(p->slots, cap * sizeof *s);
        if (!s) return NULL;
        p->slots = s;
        p->capslots = cap;
    }
    track_slot *s = &p->slots[p->nslots++];
    s->track_id = id;
    s->t_eval = -INFINITY;
    s->t_data = -INFINITY;
    s->registered = 0;
    s->seen = 0;
    return s;
}

/* Predict the impact of a track and hand the prediction to the battle. A
 * prediction that fails (the estimate does not come down: still boosting
 * upward fast, or an early, poor estimate) is skipped until the next
 * evaluation. */
static int evaluate(jmd_party_node *p, const jmd_track_info *ti, track_slot *slot, double t)
{
    jmd_impact_opts io;
    jmd_impact imp;
    jmd_trajectory tr = {0};
    jmd_state s;
    size_t nrisk = 0;
    double value = 0.0;
    int rc;

    jmd_impact_opts_default(&io);
    io.flight.drag = 0;
    /* A prediction is as good as the track (km); the integrator's default
     * 1e-10 (metres over an ICBM flight) would be wasted here: 1e-8 keeps
     * the flight error near 100 m at a third of the cost. */
    io.flight.rtol = 1e-8;
    io.flight.atol = 1e-2;
    io.flight.output_step = 2.0;
    io.flight.max_time = 3.0 * 3600.0;
    s.t = ti->est.t;
    memcpy(s.r, ti->est.x, sizeof s.r);
    memcpy(s.v, ti->est.x + 3, sizeof s.v);
    slot->t_eval = t;
    slot->t_data = ti->t_update;
    rc = jmd_engage_predict_impact(&s, (const double(*)[6])ti->est.P, &io, &imp, &tr);
    if (rc != 0) {
        jmd_trajectory_free(&tr);
        return rc == JMD_ENOMEM ? rc : 0;
    }
    if (p->nassets > 0) {
        rc = jmd_engage_assets_at_risk(&imp, p->assets, p->nassets, p->opts.asset_p_min, p->risk,
                                       &nrisk, &value);
        if (rc != 0) goto done;
    }
    /* Fire-control quality: a prediction whose impact ellipse is wider than
     * max_ellipse is not handed to the planner (rounds would be aimed at
     * the wrong point); the track keeps improving and is evaluated again. */
    if (p->battle && tr.n >= 2 && imp.semi_major <= p->opts.max_ellipse) {
        rc = jmd_battle_threat(p->battle, (int)ti->id, &tr, value);
        if (rc == 0) slot->registered = 1;
    }
done:
    jmd_trajectory_free(&tr);
    return rc;
}

int jmd_party_step(jmd_party_node *p, double t, jmd_party_order *orders, size_t cap, size_t *n)
{
    if (!p || !n || (cap > 0 && !orders) || !isfinite(t)) return JMD_EINVAL;
    *n = 0;
    size_t ntr = jmd_tracker_count(p->tk);
    for (size_t i = 0; i < p->nslots; i++) p->slots[i].seen = 0;
    for (size_t i = 0; i < ntr; i++) {
        jmd_track_info ti;
        if (jmd_tracker_track(p->tk, i, &ti) != 0) continue;
        track_slot *slot = slot_for(p, ti.id);
        if (!slot) return JMD_ENOMEM;
        slot->seen = 1;
        if (ti.status != JMD_TRACK_CONFIRMED || ti.hits < p->opts.min_hits) continue;
        /* Evaluate again only on new data, and less often once the threat is
         * in the planner (its prediction then changes slowly). */
        if (ti.t_update <= slot->t_data) continue;
        double every = slot->registered ? 4.0 * p->opts.eval_interval : p->opts.eval_interval;
        if (t - slot->t_eval < every) continue;
        int rc = evaluate(p, &ti, slot, t);
        if (rc != 0) return rc;
    }
    /* Tracks the tracker dropped: forget them (rounds in flight stay counted). */
    size_t k = 0;
    for (size_t i = 0; i < p->nslots; i++) {
        if (!p->slots[i].seen) {
            if (p->slots[i].registered && p->battle)
                jmd_battle_threat_remove(p->battle, (int)p->slots[i].track_id);
            continue;
        }
        p->slots[k++] = p->slots[i];
    }
    p->nslots = k;
    if (!p->battle) return 0;

    size_t np = 0;
    for (;;) {
        int rc = jmd_battle_plan(p->battle, t, p->plan, p->capplan, &np);
        if (rc != 0) return rc;
        if (np <= p->capplan) break;
        jmd_engagement *e = realloc(p->plan, np * sizeof *e);
        if (!e) return JMD_ENOMEM;
        p->plan = e;
        p->capplan = np;
    }
    for (size_t i = 0; i < np && *n < cap; i++) {
        int shot;
        /* A round the battle cannot take any more (the plan counts free
         * launchers per site) is skipped, never forced. */
        if (jmd_battle_launch(p->battle, &p->plan[i], &shot) != 0) continue;
        orders[*n].e = p->plan[i];
        orders[*n].e.site = p->site_map[p->plan[i].site];
        orders[*n].shot_id = shot;
        (*n)++;
    }
    return 0;
}

int jmd_party_outcome(jmd_party_node *p, int shot_id, int killed)
{
    if (!p || !p->battle) return JMD_EINVAL;
    return jmd_battle_outcome(p->battle, shot_id, killed);
}

int jmd_party_track_position(const jmd_party_node *p, long track_id, double t, double r[3])
{
    if (!p || !r) return JMD_EINVAL;
    size_t ntr = jmd_tracker_count(p->tk);
    for (size_t i = 0; i < ntr; i++) {
        jmd_track_info ti;
        if (jmd_tracker_track(p->tk, i, &ti) != 0 || ti.id != track_id) continue;
        jmd_track_est e;
        int rc = jmd_tracker_predict(p->tk, i, t, &e);
        if (rc != 0) return rc;
        memcpy(r, e.x, 3 * sizeof *r);
        return 0;
    }
    return JMD_ENOTFOUND;
}

const jmd_tracker *jmd_party_tracker(const jmd_party_node *p)
{
    return p ? p->tk : NULL;
}
