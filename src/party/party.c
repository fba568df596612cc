/*
 * party.c — one party's node (see jmd/party.h): tracker, the data it
 * shares and receives under its cooperation model, threat evaluation,
 * engagement planning, and the joint decision.
 *
 * Threat evaluation per threat picture (an own confirmed track, fused with
 * an associated partner track where the model shares tracks, or a partner
 * track the node has no own track for), at most every eval_interval s and
 * only on new data: the impact of the estimate is predicted with its
 * covariance (unscented transform, J2, no drag: the tracker does not
 * estimate a ballistic coefficient), the assets the model lets the party
 * defend give the threat's value, and the predicted trajectory goes to the
 * battle state, which plans the rounds. Under `joint` a planned round is
 * only proposed; it is fired once the decision authorises it and the
 * window is still open.
 *
 * Workload: one step per engine step; evaluations cost about 13 ballistic
 * flights each and are rate-limited; partner tracks are associated by a
 * linear scan (tens of tracks).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core__grow.h"
#include "jmd/geo.h"
#include "jmd/party.h"

/* Battle ids of partner tracks: REMOTE_BASE * (sender + 1) + their id. */
#define REMOTE_BASE 1000000
/* A partner track is associated with an own track when their positions
 * differ by less than this Mahalanobis distance squared (chi-square, 3
 * dof, 0.999). */
#define ASSOC_GATE 16.27
/* s between two releases of the same track. */
#define TRACK_SEND_INTERVAL 4.0
/* s a threat is not proposed again after a refusal. */
#define REFUSAL_HOLD 30.0

typedef struct {
    int key;             /* battle id: own track id, or a remote key */
    long own_id;         /* own track id, 0 for a partner-only picture */
    int remote;          /* index in remotes[] of the partner track, -1 */
    double t_eval, t_data;
    int registered;      /* known to the battle */
    int foreign;         /* its last evaluation used another party's data */
    int own_asset;       /* its last evaluation put one of this party's assets at risk */
    int asset;           /* the most threatened asset (any party's), -1 */
    int warned;          /* a launch warning was sent for it */
    double t_sent;       /* last release of the own track */
    double imp_lat, imp_lon; /* the previous evaluation's predicted impact (NAN: none) */
    double t_refused;    /* last refusal of a proposal for it */
    int seen;
    jmd_trajectory pred; /* the last predicted trajectory (owned) */
} slot_t;

typedef struct {
    int sender;
    uint64_t id;
    jmd_track_est est;
    long assoc;          /* own track id it is associated with, 0 */
    int seen;            /* updated since it was last looked at */
} remote_t;

typedef struct {
    uint64_t id;
    int key;             /* the threat's battle id */
    int site;            /* scenario site index */
    jmd_decision d;
    int asset_owner;
    int open;
    int foreign;
    jmd_msg canon;             /* the canonical proposal the approvals sign */
    uint32_t signed_mask;      /* parties whose approval signature is in sigs */
    uint8_t sigs[JMD_MSG_MAX_PARTIES][JMD_MSG_AUTH_MAX];
} proposal_t;

/* A partner's proposal as received, for checking the approvals its launch
 * order quotes. */
typedef struct {
    uint64_t id;
    jmd_msg canon;
} canon_t;

typedef struct {
    uint64_t proposal_id;
    int shot;            /* this node's battle shot id for that launch */
} shotmap_t;

struct jmd_party_node {
    const jmd_scenario *sc;
    int party;
    jmd_gov_model model;
    jmd_party_opts opts;
    jmd_tracker *tk;
    jmd_track_model tm;
    jmd_battle *battle;        /* NULL when no site may fire for this node */
    int *site_map;             /* battle site index -> scenario site index */
    size_t nsites;
    jmd_asset *assets;         /* the assets this node defends (copies) */
    int *asset_map;            /* -> scenario asset index */
    size_t nassets;
    jmd_asset_risk *risk;      /* scratch, nassets */
    jmd_release_policy *release; /* [nparties]: what this node releases to each party */
    jmd_sector *sectors;       /* [nparties] */
    jmd_rng rng;               /* decision draws */
    slot_t *slots;
    size_t nslots, capslots;
    remote_t *remotes;
    size_t nremotes, capremotes;
    proposal_t *props;
    size_t nprops, capprops;
    shotmap_t *shots;
    size_t nshots, capshots;
    uint64_t next_pid;
    jmd_party_sign_fn sign;    /* approval signatures (federated joint model), or NULL */
    jmd_party_verify_fn verify;
    void *actx;
    canon_t *canons;
    size_t ncanons, capcanons;
    jmd_party_out *out;
    size_t nout, capout;
    jmd_engagement *plan;
    size_t capplan;
    double t_plan;             /* last planning time */
    int replan;                /* something changed since: plan at the next step */
    jmd_party_stats stats;
};

void jmd_party_opts_default(jmd_party_opts *o)
{
    o->eval_interval = 4.0;
    o->min_hits = 6;
    o->asset_p_min = 1e-3;
    o->boost_window = 150.0;
    o->max_ellipse = 50e3;
    o->plan_interval = 4.0;
}


void jmd_party_free(jmd_party_node *p)
{
    if (!p) return;
    jmd_tracker_destroy(p->tk);
    jmd_battle_free(p->battle);
    for (size_t i = 0; i < p->nslots; i++) jmd_trajectory_free(&p->slots[i].pred);
    free(p->site_map);
    free(p->assets);
    free(p->asset_map);
    free(p->risk);
    free(p->release);
    free(p->sectors);
    free(p->slots);
    free(p->remotes);
    free(p->canons);
    free(p->props);
    free(p->shots);
    free(p->out);
    free(p->plan);
    free(p);
}

/* Rules-of-engagement hook of the battle under the sectoral model: a
 * window is allowed when its intercept point lies in this party's sector,
 * or in no sector and the threat endangers one of this party's assets. */
static int sector_filter(void *ctx, int site, int track_id, const jmd_window *w)
{
    jmd_party_node *p = ctx;
    (void)site;
    int owner = -1;
    jmd_latlon pt = {w->lat, w->lon};
    if (jmd_govern_sector_owner(p->sectors, p->sc->nparties, pt, &owner) != 0) return 0;
    if (owner == p->party) return 1;
    if (owner >= 0) return 0;
    for (size_t i = 0; i < p->nslots; i++)
        if (p->slots[i].key == track_id) return p->slots[i].own_asset;
    return 0;
}

int jmd_party_create(const jmd_scenario *sc, int party, jmd_gov_model model, uint64_t seed,
                     const jmd_party_opts *opts, jmd_party_node **out)
{
    int rc = JMD_ENOMEM;
    jmd_site *sites = NULL;
    jmd_party_node *p;
    char key[JMD_NAME_MAX + 16];
    if (!sc || !out || party < 0 || (size_t)party >= sc->nparties || (int)model < 0 ||
        (int)model >= JMD_GOV_NMODELS)
        return JMD_EINVAL;
    *out = NULL;
    if (!(p = calloc(1, sizeof *p))) return JMD_ENOMEM;
    p->sc = sc;
    p->party = party;
    p->model = model;
    if (opts) p->opts = *opts;
    else jmd_party_opts_default(&p->opts);
    snprintf(key, sizeof key, "decision:%s", sc->parties[party].name);
    jmd_rng_init(&p->rng, seed, key, 0);
    p->next_pid = ((uint64_t)(party + 1) << 32) + 1;
    p->t_plan = -INFINITY;

    jmd_tracker_config tc;
    jmd_tracker_config_default(&tc);
    tc.model.boost_window = p->opts.boost_window;
    p->tm = tc.model;
    if ((rc = jmd_tracker_create(&tc, &p->tk)) != 0) goto fail;

    rc = JMD_ENOMEM;
    size_t np = sc->nparties;
    if (!(p->release = calloc(np, sizeof *p->release)) ||
        !(p->sectors = calloc(np, sizeof *p->sectors)))
        goto fail;
    for (size_t q = 0; q < np; q++) {
        size_t cell = (size_t)party * np + q;
        if (sc->release_set && sc->release_set[cell]) p->release[q] = sc->release[cell];
        else jmd_govern_default_release(model, &p->release[q]);
        p->sectors[q].poly = sc->parties[q].sector;
        p->sectors[q].n = sc->parties[q].nsector;
    }

    /* Sites: the party's own, or every party's under the joint model
     * (its planner is a replica of the joint one). */
    int all = model == JMD_GOV_JOINT;
    for (size_t i = 0; i < sc->nsites; i++)
        if (all || sc->sites[i].owner == party) p->nsites++;
    if (p->nsites > 0) {
        if (!(sites = calloc(p->nsites, sizeof *sites))) goto fail;
        if (!(p->site_map = calloc(p->nsites, sizeof *p->site_map))) goto fail;
        size_t k = 0;
        for (size_t i = 0; i < sc->nsites; i++) {
            if (!all && sc->sites[i].owner != party) continue;
            sites[k] = sc->sites[i];
            p->site_map[k++] = (int)i;
        }
        jmd_battle_opts bo;
        jmd_battle_opts_default(&bo);
        if (model == JMD_GOV_SECTORAL) {
            bo.filter = sector_filter;
            bo.filter_ctx = p;
        }
        if ((rc = jmd_battle_create(sites, p->nsites, &bo, &p->battle)) != 0) goto fail;
        rc = JMD_ENOMEM;
    }
    /* Assets: its own, or every party's where the model defends them all. */
    int every = model == JMD_GOV_JOINT || model == JMD_GOV_SECTORAL;
    for (size_t i = 0; i < sc->nassets; i++)
        if (every || sc->assets[i].owner == party) p->nassets++;
    if (p->nassets > 0) {
        if (!(p->assets = calloc(p->nassets, sizeof *p->assets)) ||
            !(p->asset_map = calloc(p->nassets, sizeof *p->asset_map)) ||
            !(p->risk = calloc(p->nassets, sizeof *p->risk)))
            goto fail;
        size_t k = 0;
        for (size_t i = 0; i < sc->nassets; i++)
            if (every || sc->assets[i].owner == party) {
                p->asset_map[k] = (int)i;
                p->assets[k++] = sc->assets[i];
            }
    }
    free(sites);
    *out = p;
    return 0;
fail:
    free(sites);
    jmd_party_free(p);
    return rc;
}

/* ---- sending ------------------------------------------------------------- */

static int emit(jmd_party_node *p, const jmd_msg *m, int to, double delay)
{
    int rc = jmd__grow((void **)&p->out, &p->capout, p->nout + 1, sizeof *p->out);
    if (rc) return rc;
    p->out[p->nout].m = *m;
    p->out[p->nout].to = to;
    p->out[p->nout].delay = delay;
    p->nout++;
    return 0;
}

/* Send m to every other party whose release policy lets it through. For a
 * track, the state is degraded to that receiver's precision first. */
static int release_to_all(jmd_party_node *p, jmd_msg *m)
{
    for (size_t q = 0; q < p->sc->nparties; q++) {
        if ((int)q == p->party || !jmd_govern_releases(&p->release[q], m->kind)) continue;
        jmd_msg c = *m;
        c.sender = p->party;
        c.receiver = (int)q;
        if (c.kind == JMD_MSG_TRACK && p->release[q].precision > 0) {
            jmd_govern_degrade(&p->release[q], c.u.track.x, &c.u.track.P[0][0], 6);
            c.u.track.precision = p->release[q].precision;
        }
        int rc = emit(p, &c, (int)q, p->release[q].delay);
        if (rc) return rc;
    }
    return 0;
}

void jmd_party_outbox(jmd_party_node *p, const jmd_party_out **out, size_t *n)
{
    *out = p->out;
    *n = p->nout;
    p->nout = 0;
}

/* ---- receiving ------------------------------------------------------------ */

int jmd_party_scan(jmd_party_node *p, int radar, double t, const jmd_measurement *m, size_t n)
{
    if (!p || radar < 0 || (size_t)radar >= p->sc->nradars) return JMD_EINVAL;
    return jmd_tracker_scan(p->tk, &p->sc->radars[radar], t, m, n);
}

/* An own launch report: cue the tracker and, where the model shares
 * warnings, pass the JDEC content on (no impact prediction yet). */
int jmd_party_cue(jmd_party_node *p, const jmd_launch_report *r)
{
    if (!p || !r) return JMD_EINVAL;
    int rc = jmd_tracker_cue(p->tk, r);
    if (rc != 0) return rc;
    /* Under joint every node already gets every report (one picture). */
    if (p->model == JMD_GOV_JOINT) return 0;
    jmd_msg m;
    memset(&m, 0, sizeof m);
    m.kind = JMD_MSG_LAUNCH_WARNING;
    m.t = r->t;
    jmd_msg_launch_warning *w = &m.u.warning;
    w->track_id = JMD_MSG_NO_ID;
    w->t_launch = r->t_launch;
    w->launch_lat = r->lat;
    w->launch_lon = r->lon;
    w->azimuth = r->azimuth;
    w->sigma_launch_pos = r->sigma_pos;
    w->sigma_t_launch = r->sigma_t;
    w->sigma_az = r->sigma_az;
    size_t before = p->nout;
    rc = release_to_all(p, &m);
    if (p->nout > before) p->stats.warnings_sent++;
    return rc;
}

static remote_t *remote_for(jmd_party_node *p, int sender, uint64_t id)
{
    for (size_t i = 0; i < p->nremotes; i++)
        if (p->remotes[i].sender == sender && p->remotes[i].id == id) return &p->remotes[i];
    if (jmd__grow((void **)&p->remotes, &p->capremotes, p->nremotes + 1, sizeof *p->remotes))
        return NULL;
    remote_t *r = &p->remotes[p->nremotes++];
    memset(r, 0, sizeof *r);
    r->sender = sender;
    r->id = id;
    p->stats.remote_tracks++;
    return r;
}

void jmd_party_set_approver(jmd_party_node *p, jmd_party_sign_fn sign,
                            jmd_party_verify_fn verify, void *ctx)
{
    if (!p) return;
    p->sign = sign;
    p->verify = verify;
    p->actx = ctx;
}

/* The canonical form of a proposal, the same at its proposer and at every
 * receiver: the message as the proposer made it, with no sequence number,
 * addressed to all, without authenticator (docs/federation.md "Approval
 * signatures"). */
static void canonical(jmd_msg *c, const jmd_msg *m)
{
    *c = *m;
    c->seq = 0;
    c->receiver = JMD_MSG_BROADCAST;
    memset(&c->auth, 0, sizeof c->auth);
}

static const canon_t *canon_find(const jmd_party_node *p, uint64_t id)
{
    for (size_t i = 0; i < p->ncanons; i++)
        if (p->canons[i].id == id) return &p->canons[i];
    return NULL;
}

static proposal_t *proposal_find(jmd_party_node *p, uint64_t id)
{
    for (size_t i = 0; i < p->nprops; i++)
        if (p->props[i].id == id) return &p->props[i];
    return NULL;
}

static const jmd_site *site_of(const jmd_party_node *p, int scenario_site, int *battle_site)
{
    for (size_t k = 0; k < p->nsites; k++)
        if (p->site_map[k] == scenario_site) {
            if (battle_site) *battle_site = (int)k;
            return &p->sc->sites[scenario_site];
        }
    return NULL;
}

/* The voting rule of a party asked to consent (an illustrative rule,
 * docs/governance.md): it refuses an engagement whose intercept point lies
 * over its own territory when the threat endangers none of its assets (the
 * debris would fall on it for another's defense); it consents otherwise. */
static int vote_on(const jmd_party_node *p, const jmd_msg_proposal *pr)
{
    const jmd_party *me = &p->sc->parties[p->party];
    jmd_latlon pt = {pr->icpt_lat, pr->icpt_lon};
    int over_me = 0;
    for (size_t i = 0; i < me->nterritory && !over_me; i++)
        over_me = jmd_govern_in_polygon(&me->territory[i], pt) == 1;
    if (!over_me) return 1;
    return pr->asset >= 0 && (size_t)pr->asset < p->sc->nassets &&
           p->sc->assets[pr->asset].owner == p->party;
}

static int record_launch(jmd_party_node *p, uint64_t pid, int site, long track_id,
                         double t_commit, double t_launch, double t_intercept, int *shot)
{
    int bsite;
    const jmd_site *s = site_of(p, site, &bsite);
    if (!s || !p->battle) return JMD_ENOTFOUND;
    jmd_engagement e;
    memset(&e, 0, sizeof e);
    e.site = bsite;
    e.track_id = (int)track_id;
    e.doctrine = JMD_SHOT_SALVO;
    e.salvo = 1;
    e.t_commit = t_commit;
    e.t_launch = t_launch;
    e.t_intercept = t_intercept;
    e.pk = s->pk;
    int rc = jmd_battle_launch(p->battle, &e, shot);
    if (rc != 0) return rc;
    if (jmd__grow((void **)&p->shots, &p->capshots, p->nshots + 1, sizeof *p->shots))
        return JMD_ENOMEM;
    p->shots[p->nshots].proposal_id = pid;
    p->shots[p->nshots].shot = *shot;
    p->nshots++;
    return 0;
}

int jmd_party_receive(jmd_party_node *p, const jmd_msg *m, double t)
{
    if (!p || !m || m->sender < 0 || (size_t)m->sender >= p->sc->nparties) return JMD_EINVAL;
    switch (m->kind) {
    case JMD_MSG_LAUNCH_WARNING: {
        /* A warning cues the tracker (the early-warning model's whole use
         * of it; the others also share tracks). Under joint the picture is
         * already common: a warning would make the replicas differ. */
        if (p->model == JMD_GOV_JOINT || p->model == JMD_GOV_INDEPENDENT) return 0;
        const jmd_msg_launch_warning *w = &m->u.warning;
        jmd_launch_report r;
        memset(&r, 0, sizeof r);
        r.t = t;
        r.sensor = -1;
        r.t_launch = w->t_launch;
        r.lat = w->launch_lat;
        r.lon = w->launch_lon;
        r.azimuth = w->azimuth;
        r.sigma_pos = w->sigma_launch_pos > 0 ? w->sigma_launch_pos : 5e3;
        r.sigma_t = w->sigma_t_launch > 0 ? w->sigma_t_launch : 5.0;
        r.sigma_az = w->sigma_az > 0 ? w->sigma_az : 0.1;
        r.truth = -1;
        p->stats.cues_received++;
        int rc = jmd_tracker_cue(p->tk, &r);
        return rc == JMD_EINVAL ? 0 : rc; /* a warning it cannot use is ignored */
    }
    case JMD_MSG_TRACK: {
        if (p->model == JMD_GOV_INDEPENDENT || p->model == JMD_GOV_EARLY_WARNING) return 0;
        remote_t *r = remote_for(p, m->sender, m->u.track.track_id);
        if (!r) return JMD_ENOMEM;
        r->est.t = m->u.track.t;
        memcpy(r->est.x, m->u.track.x, sizeof r->est.x);
        memcpy(r->est.P, m->u.track.P, sizeof r->est.P);
        r->seen = 1;
        return 0;
    }
    case JMD_MSG_PROPOSAL: {
        if (p->model != JMD_GOV_JOINT) return 0;
        /* Decide after this party's human decision latency, then answer. */
        const jmd_dist *lat = &p->sc->party_latency[p->party];
        double delay = jmd_govern_draw_delay(lat, &p->rng);
        if (delay < 0) delay = 0;
        int yes = vote_on(p, &m->u.proposal);
        if (yes) p->stats.approvals++;
        else p->stats.vetoes++;
        jmd_msg v;
        memset(&v, 0, sizeof v);
        v.kind = JMD_MSG_VOTE;
        v.t = t;
        v.u.vote.proposal_id = m->u.proposal.proposal_id;
        v.u.vote.voter = (uint8_t)p->party;
        v.u.vote.approve = (uint8_t)yes;
        v.u.vote.t_decision = t + delay;
        if (p->sign) {
            /* Keep the proposal (its launch order will quote approvals over
             * it) and sign an approval over its canonical form. */
            int rc = jmd__grow((void **)&p->canons, &p->capcanons, p->ncanons + 1, sizeof *p->canons);
            if (rc) return rc;
            p->canons[p->ncanons].id = m->u.proposal.proposal_id;
            canonical(&p->canons[p->ncanons].canon, m);
            if (yes && p->sign(p->actx, &p->canons[p->ncanons].canon, v.u.vote.sig) == 0)
                v.u.vote.sig_len = JMD_MSG_AUTH_MAX;
            p->ncanons++;
        }
        v.sender = p->party;
        v.receiver = m->sender;
        return emit(p, &v, m->sender, delay + p->release[m->sender].delay);
    }
    case JMD_MSG_VOTE: {
        proposal_t *pr = proposal_find(p, m->u.vote.proposal_id);
        if (!pr || !pr->open) return 0;
        const jmd_msg_vote *vo = &m->u.vote;
        if (vo->voter != m->sender) return 0; /* a party votes for itself only */
        if (p->verify && vo->approve) {
            /* An approval counts only with a valid signature over our
             * proposal: without one it is no approval at all. */
            if (vo->voter >= JMD_MSG_MAX_PARTIES || vo->sig_len != JMD_MSG_AUTH_MAX ||
                p->verify(p->actx, vo->voter, &pr->canon, vo->sig) != 0) {
                p->stats.bad_approvals++;
                return 0;
            }
            memcpy(pr->sigs[vo->voter], vo->sig, JMD_MSG_AUTH_MAX);
            pr->signed_mask |= 1u << vo->voter;
        }
        int rc = jmd_decision_vote(&pr->d, m->u.vote.voter, m->u.vote.approve, t);
        return rc == JMD_EINVAL ? 0 : (rc < 0 ? rc : 0);
    }
    case JMD_MSG_LAUNCH_ORDER: {
        /* A partner's authorised launch: keep the replicated battle state
         * (inventory, launchers, rounds in flight) in step. */
        if (p->model != JMD_GOV_JOINT) return 0;
        const jmd_msg_launch_order *o = &m->u.order;
        /* A launch is its proposer's: proposal ids carry the party. */
        if (p->verify && (o->proposal_id >> 32) != (uint64_t)m->sender + 1) {
            p->stats.bad_orders++;
            return 0;
        }
        /* Without the proposal (lost on the link, or a pre-delegated round
         * never proposed) the quoted approvals cannot be checked: the launch
         * stands on the proposer's own signed order. */
        const canon_t *cn = p->verify ? canon_find(p, o->proposal_id) : NULL;
        for (int i = 0; cn && i < o->napprovals; i++) {
            const jmd_msg_approval *a = &o->approvals[i];
            /* A partner's launch whose quoted approvals do not verify over
             * the proposal we saw is not counted as one. */
            if (a->sig_len != JMD_MSG_AUTH_MAX ||
                p->verify(p->actx, a->party, &cn->canon, a->sig) != 0) {
                p->stats.bad_orders++;
                return 0;
            }
        }
        int shot;
        record_launch(p, o->proposal_id, o->site, (long)o->track_id, t, o->t_launch,
                      o->t_intercept, &shot);
        return 0;
    }
    case JMD_MSG_OUTCOME: {
        if (p->model != JMD_GOV_JOINT || !p->battle) return 0;
        for (size_t i = 0; i < p->nshots; i++)
            if (p->shots[i].proposal_id == m->u.outcome.shot_id) {
                jmd_battle_outcome(p->battle, p->shots[i].shot, m->u.outcome.killed);
                break;
            }
        return 0;
    }
    default:
        return 0;
    }
}

/* ---- evaluation -------------------------------------------------------- */

static slot_t *slot_for(jmd_party_node *p, int key)
{
    for (size_t i = 0; i < p->nslots; i++)
        if (p->slots[i].key == key) return &p->slots[i];
    if (jmd__grow((void **)&p->slots, &p->capslots, p->nslots + 1, sizeof *p->slots)) return NULL;
    slot_t *s = &p->slots[p->nslots++];
    memset(s, 0, sizeof *s);
    s->key = key;
    s->remote = -1;
    s->asset = -1;
    s->t_eval = s->t_data = s->t_sent = s->t_refused = -INFINITY;
    s->imp_lat = s->imp_lon = NAN;
    return s;
}

/* Position Mahalanobis distance squared between two estimates at the same
 * time, with the sum of their position covariances. */
static double pos_d2(const jmd_track_est *a, const jmd_track_est *b)
{
    double S[3][3], d[3];
    for (int i = 0; i < 3; i++) {
        d[i] = a->x[i] - b->x[i];
        for (int j = 0; j < 3; j++) S[i][j] = a->P[i][j] + b->P[i][j];
    }
    /* Inverse of the symmetric 3x3 by cofactors. */
    double c00 = S[1][1] * S[2][2] - S[1][2] * S[2][1];
    double c01 = S[1][2] * S[2][0] - S[1][0] * S[2][2];
    double c02 = S[1][0] * S[2][1] - S[1][1] * S[2][0];
    double det = S[0][0] * c00 + S[0][1] * c01 + S[0][2] * c02;
    if (!(det > 0)) return INFINITY;
    double inv[3][3] = {
        {c00 / det, (S[0][2] * S[2][1] - S[0][1] * S[2][2]) / det,
         (S[0][1] * S[1][2] - S[0][2] * S[1][1]) / det},
        {c01 / det, (S[0][0] * S[2][2] - S[0][2] * S[2][0]) / det,
         (S[0][2] * S[1][0] - S[0][0] * S[1][2]) / det},
        {c02 / det, (S[0][1] * S[2][0] - S[0][0] * S[2][1]) / det,
         (S[0][0] * S[1][1] - S[0][1] * S[1][0]) / det}};
    double q = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) q += d[i] * inv[i][j] * d[j];
    return q;
}

/* Associate every partner track with the nearest own confirmed track
 * inside the gate (or none). */
static void associate(jmd_party_node *p, double t)
{
    size_t ntr = jmd_tracker_count(p->tk);
    for (size_t r = 0; r < p->nremotes; r++) {
        remote_t *rm = &p->remotes[r];
        /* Only partner tracks with a new release are associated again. */
        if (!rm->seen) continue;
        rm->seen = 0;
        double best = ASSOC_GATE;
        long best_id = 0;
        for (size_t i = 0; i < ntr; i++) {
            jmd_track_info ti;
            if (jmd_tracker_track(p->tk, i, &ti) != 0 || ti.status != JMD_TRACK_CONFIRMED)
                continue;
            jmd_track_est a;
            jmd_track_est b = rm->est;
            if (jmd_tracker_predict(p->tk, i, b.t, &a) != 0) continue;
            double d2 = pos_d2(&a, &b);
            if (d2 < best) best = d2, best_id = ti.id;
        }
        rm->assoc = best_id;
    }
    (void)t;
}

/* Predict the impact of a picture and hand it to the battle. A prediction
 * that fails (the estimate does not come down: still boosting, or an
 * early, poor estimate) is skipped until the next evaluation. */
static int evaluate(jmd_party_node *p, const jmd_track_est *est, slot_t *slot, double t)
{
    jmd_impact_opts io;
    jmd_impact imp;
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
    s.t = est->t;
    memcpy(s.r, est->x, sizeof s.r);
    memcpy(s.v, est->x + 3, sizeof s.v);
    slot->t_eval = t;
    rc = jmd_engage_predict_impact(&s, (const double(*)[6])est->P, &io, &imp, &slot->pred);
    if (rc != 0) return rc == JMD_ENOMEM ? rc : 0;
    slot->own_asset = 0;
    slot->asset = -1;
    if (p->nassets > 0) {
        rc = jmd_engage_assets_at_risk(&imp, p->assets, p->nassets, p->opts.asset_p_min, p->risk,
                                       &nrisk, &value);
        if (rc != 0) return rc;
        double best = 0;
        for (size_t i = 0; i < nrisk; i++) {
            int a = p->asset_map[p->risk[i].asset];
            if (p->sc->assets[a].owner == p->party) slot->own_asset = 1;
            double v = p->risk[i].p * p->sc->assets[a].value;
            if (v > best) best = v, slot->asset = a;
        }
    }
    /* The JDEC warning with the impact prediction, once per own track. */
    if (!slot->warned && slot->own_id > 0 && p->model != JMD_GOV_JOINT &&
        imp.semi_major <= p->opts.max_ellipse) {
        jmd_msg m;
        memset(&m, 0, sizeof m);
        m.kind = JMD_MSG_LAUNCH_WARNING;
        m.t = t;
        jmd_msg_launch_warning *w = &m.u.warning;
        w->track_id = (uint64_t)slot->own_id;
        w->flags = JMD_MSG_WARN_IMPACT;
        /* Launch point and time: the predicted trajectory run back is not
         * available (boost unknown); the first sample of the prediction
         * stands for "where it was seen", with a wide stated accuracy. */
        const jmd_state *s0 = &slot->pred.s[0];
        double lat0, lon0, h0, e0[3];
        jmd_geo_eci_to_ecef(s0->t, s0->r, e0);
        jmd_geo_from_ecef(e0, &lat0, &lon0, &h0);
        w->t_launch = s0->t;
        w->launch_lat = lat0;
        w->launch_lon = lon0;
        double s12, az1, az2;
        w->azimuth = jmd_geo_inverse(lat0, lon0, imp.lat, imp.lon, &s12, &az1, &az2) == 0
                         ? az1
                         : 0.0;
        w->impact_lat = imp.lat;
        w->impact_lon = imp.lon;
        w->t_impact = imp.t_impact;
        w->sigma_launch_pos = 50e3;
        w->sigma_t_launch = 60.0;
        w->sigma_az = 0.05;
        w->sigma_impact_pos = imp.semi_major / 2.45; /* 95 % semi-axis -> 1 sigma */
        w->sigma_t_impact = imp.sigma_t;
        size_t before = p->nout;
        if ((rc = release_to_all(p, &m)) != 0) return rc;
        if (p->nout > before) p->stats.warnings_sent++;
        slot->warned = 1;
    }
    /* Fire-control quality: a prediction whose impact ellipse is wider than
     * max_ellipse is not handed to the planner (rounds would be aimed at
     * the wrong point), nor one that moved by more than that since the
     * previous evaluation (a covariance can be too confident, as in boost
     * or for a partner's track propagated without its tracker's process
     * noise); the picture keeps improving and is evaluated again. */
    double moved = INFINITY, s12m, a1, a2;
    if (isfinite(slot->imp_lat) &&
        jmd_geo_inverse(slot->imp_lat, slot->imp_lon, imp.lat, imp.lon, &s12m, &a1, &a2) == 0)
        moved = s12m;
    slot->imp_lat = imp.lat;
    slot->imp_lon = imp.lon;
    if (p->battle && slot->pred.n >= 2 && imp.semi_major <= p->opts.max_ellipse &&
        moved <= p->opts.max_ellipse) {
        rc = jmd_battle_threat(p->battle, slot->key, &slot->pred, value);
        if (rc == 0) {
            if (!slot->registered) p->replan = 1; /* a new threat: plan at once */
            slot->registered = 1;
        }
    }
    return rc == JMD_ENOMEM ? rc : 0;
}

/* Evaluate one picture when it has new data and is due. */
static int consider(jmd_party_node *p, slot_t *slot, const jmd_track_est *est, double t_data,
                    double t)
{
    if (t_data <= slot->t_data) return 0;
    double every = slot->registered ? 4.0 * p->opts.eval_interval : p->opts.eval_interval;
    if (t - slot->t_eval < every) return 0;
    slot->t_data = t_data;
    return evaluate(p, est, slot, t);
}

/* Release own firm tracks (connected, sectoral). */
static int send_track(jmd_party_node *p, slot_t *slot, const jmd_track_info *ti, double t)
{
    if (t - slot->t_sent < TRACK_SEND_INTERVAL || ti->t_update <= slot->t_sent) return 0;
    jmd_msg m;
    memset(&m, 0, sizeof m);
    m.kind = JMD_MSG_TRACK;
    m.t = t;
    int rc = jmd_msg_track_set(&m.u.track, &ti->est, (uint64_t)ti->id, JMD_MSG_TRACK_FIRM, 0.0);
    if (rc != 0) return rc;
    size_t before = p->nout;
    if ((rc = release_to_all(p, &m)) != 0) return rc;
    if (p->nout > before) p->stats.tracks_sent++;
    slot->t_sent = t;
    return 0;
}

/* Own tracks (fused with an associated partner track where tracks are
 * shared) and partner tracks without an own counterpart. */
static int evaluate_all(jmd_party_node *p, double t)
{
    int shares = p->model == JMD_GOV_CONNECTED || p->model == JMD_GOV_SECTORAL;
    int rc;
    if (shares && p->nremotes > 0) associate(p, t);
    for (size_t i = 0; i < p->nslots; i++) p->slots[i].seen = 0;
    size_t ntr = jmd_tracker_count(p->tk);
    for (size_t i = 0; i < ntr; i++) {
        jmd_track_info ti;
        if (jmd_tracker_track(p->tk, i, &ti) != 0) continue;
        slot_t *slot = slot_for(p, (int)ti.id);
        if (!slot) return JMD_ENOMEM;
        slot->seen = 1;
        slot->own_id = ti.id;
        if (ti.status != JMD_TRACK_CONFIRMED || ti.hits < p->opts.min_hits) continue;
        if (shares && (rc = send_track(p, slot, &ti, t)) != 0) return rc;
        jmd_track_est est = ti.est;
        double t_data = ti.t_update;
        /* A cue from a partner's warning is partner data. */
        slot->foreign = ti.cued && p->sc->nirsats == 0 ? 1 : 0;
        for (size_t r = 0; shares && r < p->nremotes; r++)
            if (p->remotes[r].assoc == ti.id && p->remotes[r].est.t > t_data)
                t_data = p->remotes[r].est.t;
        /* Not due: skip the fusion too (it is the costly part). */
        double every = slot->registered ? 4.0 * p->opts.eval_interval : p->opts.eval_interval;
        if (t_data <= slot->t_data || t - slot->t_eval < every) continue;
        for (size_t r = 0; shares && r < p->nremotes; r++) {
            remote_t *rm = &p->remotes[r];
            if (rm->assoc != ti.id) continue;
            jmd_track_est a = est, b = rm->est, fused;
            double tf = a.t > b.t ? a.t : b.t;
            if (jmd_track_predict(&p->tm, p->tm.q_free, &a, tf) != 0 ||
                jmd_track_predict(&p->tm, p->tm.q_free, &b, tf) != 0 ||
                jmd_track_ci(&a, &b, &fused, NULL) != 0)
                continue;
            /* Fusion sharpens the picture, but the own track alone carried
             * it: this is not counted as reliance on partner data. */
            est = fused;
        }
        if ((rc = consider(p, slot, &est, t_data, t)) != 0) return rc;
    }
    for (size_t r = 0; shares && r < p->nremotes; r++) {
        remote_t *rm = &p->remotes[r];
        if (rm->assoc != 0) continue;
        int key = REMOTE_BASE * (rm->sender + 1) + (int)(rm->id % REMOTE_BASE);
        slot_t *slot = slot_for(p, key);
        if (!slot) return JMD_ENOMEM;
        /* A partner track goes stale when no release arrived for a while. */
        slot->seen = t - rm->est.t < 60.0;
        slot->foreign = 1;
        if (!slot->seen) continue;
        if ((rc = consider(p, slot, &rm->est, rm->est.t, t)) != 0) return rc;
    }
    /* Pictures that are gone: forget them (rounds in flight stay counted). */
    size_t k = 0;
    for (size_t i = 0; i < p->nslots; i++) {
        if (!p->slots[i].seen) {
            if (p->slots[i].registered && p->battle)
                jmd_battle_threat_remove(p->battle, p->slots[i].key);
            jmd_trajectory_free(&p->slots[i].pred);
            continue;
        }
        p->slots[k++] = p->slots[i];
    }
    p->nslots = k;
    return 0;
}

/* ---- decisions and orders --------------------------------------------- */

static int pending_for(const jmd_party_node *p, int key)
{
    for (size_t i = 0; i < p->nprops; i++)
        if (p->props[i].open && p->props[i].key == key) return 1;
    return 0;
}

static slot_t *slot_find(jmd_party_node *p, int key)
{
    for (size_t i = 0; i < p->nslots; i++)
        if (p->slots[i].key == key) return &p->slots[i];
    return NULL;
}

static int add_order(jmd_party_node *p, jmd_party_order *orders, size_t cap, size_t *n,
                     const jmd_engagement *e, int shot, int foreign, int consent)
{
    if (*n >= cap) return 0;
    orders[*n].e = *e;
    orders[*n].e.site = p->site_map[e->site];
    orders[*n].shot_id = shot;
    orders[*n].foreign_data = foreign;
    orders[*n].consent = consent;
    (*n)++;
    return 0;
}

/* A decided proposal: fire while the window is still open, and tell the
 * partners so that their replicated planners count the round. */
static int conclude(jmd_party_node *p, proposal_t *pr, double t, jmd_party_order *orders,
                    size_t cap, size_t *n)
{
    jmd_decision_state st = jmd_decision_poll(&pr->d, t);
    if (st == JMD_DECISION_PENDING) return 0;
    pr->open = 0;
    slot_t *slot = slot_find(p, pr->key);
    if (st == JMD_DECISION_TIMED_OUT_HOLD) p->stats.timeouts++;
    if (!jmd_decision_authorised(st)) {
        if (st == JMD_DECISION_REJECTED) p->stats.rejected++;
        if (slot) slot->t_refused = t;
        return 0;
    }
    if (st == JMD_DECISION_TIMED_OUT_PROCEED) p->stats.timeouts++;
    int bsite;
    const jmd_site *site = site_of(p, pr->site, &bsite);
    jmd_window w;
    if (!site || !slot || slot->pred.n < 2 ||
        jmd_engage_window(site, &slot->pred, t, 0, &w) != 0 || !w.feasible) {
        p->stats.late++;
        return 0;
    }
    int free_l = 0, inv = 0;
    if (jmd_battle_site_state(p->battle, bsite, t, &inv, &free_l) != 0 || inv <= 0 ||
        free_l <= 0)
        return 0;
    if (p->sign && (pr->d.yes & ~pr->signed_mask) != 0) {
        /* Some approval the decision counted carries no valid signature:
         * the order could not show its authority, so there is none. */
        p->stats.unsigned_refused++;
        return 0;
    }
    int shot;
    int rc = record_launch(p, pr->id, pr->site, pr->key, t, w.t_launch, w.t_intercept, &shot);
    if (rc != 0) return rc == JMD_ENOMEM ? rc : 0;
    jmd_engagement e;
    memset(&e, 0, sizeof e);
    e.site = bsite;
    e.track_id = pr->key;
    e.doctrine = JMD_SHOT_SALVO;
    e.salvo = 1;
    e.t_commit = t;
    e.t_launch = w.t_launch;
    e.t_intercept = w.t_intercept;
    e.lat = w.lat, e.lon = w.lon, e.alt = w.alt;
    e.pk = site->pk;
    int consent = !pr->d.predelegated && (pr->d.yes & ~(1u << (unsigned)p->party)) != 0;
    add_order(p, orders, cap, n, &e, (int)pr->id, pr->foreign, consent);
    jmd_msg m;
    memset(&m, 0, sizeof m);
    m.kind = JMD_MSG_LAUNCH_ORDER;
    m.t = t;
    m.u.order.proposal_id = pr->id;
    m.u.order.track_id = (uint64_t)pr->key;
    m.u.order.site = (uint16_t)pr->site;
    m.u.order.t_launch = w.t_launch;
    m.u.order.t_intercept = w.t_intercept;
    for (int q = 0; q < (int)p->sc->nparties && q < JMD_MSG_MAX_PARTIES; q++)
        if (pr->d.yes & (1u << (unsigned)q)) {
            jmd_msg_approval *a = &m.u.order.approvals[m.u.order.napprovals++];
            a->party = (uint8_t)q;
            if (pr->signed_mask & (1u << (unsigned)q)) {
                a->sig_len = JMD_MSG_AUTH_MAX;
                memcpy(a->sig, pr->sigs[q], JMD_MSG_AUTH_MAX);
            }
        }
    return release_to_all(p, &m);
}

static int propose(jmd_party_node *p, const jmd_engagement *e, double t, jmd_party_order *orders,
                   size_t cap, size_t *n)
{
    slot_t *slot = slot_find(p, e->track_id);
    if (!slot || t - slot->t_refused < REFUSAL_HOLD) return 0;
    int rc = jmd__grow((void **)&p->props, &p->capprops, p->nprops + 1, sizeof *p->props);
    if (rc) return rc;
    proposal_t *pr = &p->props[p->nprops++];
    memset(pr, 0, sizeof *pr);
    pr->id = p->next_pid++;
    pr->key = e->track_id;
    pr->site = p->site_map[e->site];
    pr->asset_owner = slot->asset >= 0 ? p->sc->assets[slot->asset].owner : -1;
    pr->foreign = slot->foreign;
    pr->open = 1;
    int own = pr->asset_owner == p->party;
    rc = jmd_decision_init(&pr->d, &p->sc->gov, (int)p->sc->nparties, p->party, pr->id, t, own);
    if (rc != 0) {
        p->nprops--;
        return rc;
    }
    p->stats.proposals++;
    {
        jmd_msg m;
        memset(&m, 0, sizeof m);
        m.kind = JMD_MSG_PROPOSAL;
        m.sender = p->party;
        m.t = t;
        jmd_msg_proposal *q = &m.u.proposal;
        q->proposal_id = pr->id;
        q->proposer = (uint8_t)p->party;
        q->track_id = (uint64_t)e->track_id;
        q->site = (uint16_t)pr->site;
        q->t_commit = e->t_commit;
        q->t_launch = e->t_launch;
        q->t_intercept = e->t_intercept;
        q->icpt_lat = e->lat;
        q->icpt_lon = e->lon;
        q->icpt_alt = e->alt;
        q->asset = slot->asset;
        q->value = 1.0;
        canonical(&pr->canon, &m);
        if (p->sign && p->sign(p->actx, &pr->canon, pr->sigs[p->party]) == 0)
            pr->signed_mask |= 1u << (unsigned)p->party;
        if (jmd_decision_poll(&pr->d, t) == JMD_DECISION_PENDING &&
            (rc = release_to_all(p, &m)) != 0)
            return rc;
    }
    return conclude(p, pr, t, orders, cap, n);
}

int jmd_party_step(jmd_party_node *p, double t, jmd_party_order *orders, size_t cap, size_t *n)
{
    if (!p || !n || (cap > 0 && !orders) || !isfinite(t)) return JMD_EINVAL;
    *n = 0;
    int rc = evaluate_all(p, t);
    if (rc != 0) return rc;
    if (!p->battle) return 0;
    int joint = p->model == JMD_GOV_JOINT;
    /* Proposals whose decision came in. */
    for (size_t i = 0; joint && i < p->nprops; i++)
        if (p->props[i].open && (rc = conclude(p, &p->props[i], t, orders, cap, n)) != 0)
            return rc;

    /* Windows move slowly: plan when a new threat came in or a round's
     * outcome did, and otherwise every plan_interval. */
    if (!p->replan && t - p->t_plan < p->opts.plan_interval) return 0;
    p->replan = 0;
    p->t_plan = t;
    size_t np = 0;
    for (;;) {
        if ((rc = jmd_battle_plan(p->battle, t, p->plan, p->capplan, &np)) != 0) return rc;
        if (np <= p->capplan) break;
        jmd_engagement *e = realloc(p->plan, np * sizeof *e);
        if (!e) return JMD_ENOMEM;
        p->plan = e;
        p->capplan = np;
    }
    for (size_t i = 0; i < np; i++) {
        const jmd_engagement *e = &p->plan[i];
        if (joint) {
            /* The replicated plan: each party proposes the rounds of its own
             * sites, one open proposal per threat. */
            if (p->sc->sites[p->site_map[e->site]].owner != p->party) continue;
            if (pending_for(p, e->track_id)) continue;
            if ((rc = propose(p, e, t, orders, cap, n)) != 0) return rc;
            continue;
        }
        if (*n >= cap) break;
        int shot;
        /* A round the battle cannot take any more (the plan counts free
         * launchers per site) is skipped, never forced. */
        if (jmd_battle_launch(p->battle, e, &shot) != 0) continue;
        slot_t *slot = slot_find(p, e->track_id);
        add_order(p, orders, cap, n, e, shot, slot ? slot->foreign : 0, 0);
    }
    return 0;
}

int jmd_party_outcome(jmd_party_node *p, int shot_id, int killed)
{
    if (!p || !p->battle) return JMD_EINVAL;
    p->replan = 1;
    if (p->model != JMD_GOV_JOINT) return jmd_battle_outcome(p->battle, shot_id, killed);
    /* Joint: shot ids are proposal ids (low 32 bits); tell the partners. */
    for (size_t i = 0; i < p->nshots; i++) {
        if ((int)p->shots[i].proposal_id != shot_id) continue;
        jmd_battle_outcome(p->battle, p->shots[i].shot, killed);
        jmd_msg m;
        memset(&m, 0, sizeof m);
        m.kind = JMD_MSG_OUTCOME;
        m.u.outcome.shot_id = p->shots[i].proposal_id;
        m.u.outcome.killed = (uint8_t)(killed != 0);
        return release_to_all(p, &m);
    }
    return JMD_ENOTFOUND;
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
    /* A partner-only picture: its last release, propagated. */
    for (size_t k = 0; k < p->nremotes; k++) {
        const remote_t *rm = &p->remotes[k];
        if (REMOTE_BASE * (rm->sender + 1) + (int)(rm->id % REMOTE_BASE) != track_id) continue;
        jmd_track_est e = rm->est;
        int rc = jmd_track_predict(&p->tm, p->tm.q_free, &e, t);
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

void jmd_party_stats_get(const jmd_party_node *p, jmd_party_stats *out)
{
    if (p && out) *out = p->stats;
}
