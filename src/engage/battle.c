/*
 * battle.c — the engagement bookkeeping of one deciding authority (a
 * party's node, or a joint command): the sites with their inventories and
 * launchers, the threats with their predicted trajectories and values, the
 * rounds in flight; planning (windows -> rules filter -> greedy WTA with
 * the shoot-look-shoot / salvo doctrine), launches, kill assessments; and
 * the kill draw of an intercept (jmd_engage_resolve).
 *
 * Invariants: a site's inventory never goes below 0; a launcher is busy
 * for `reload` seconds after each launch, so launches in any window of
 * length reload never exceed `launchers`; a killed threat is never planned
 * again; a threat with an unassessed shoot-look-shoot round is held until
 * its assessment. Windows found infeasible for a commit time stay
 * infeasible for every later commit (docs/reach.md §1.4), so a (site,
 * threat) pair once closed is not recomputed until the threat's
 * prediction changes. Order of threats is registration order; all loops
 * run in index order, so plans are deterministic.
 *
 * Workload: one plan per simulation step: for each site with a free round
 * and each live threat, one or two reach calls (~1 ms each) until the pair
 * closes. Memory: O(sites x threats + rounds fired).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/engage.h"

typedef struct {
    jmd_site site;
    int inventory;
    double *busy_until; /* [launchers]: launch time + reload of its last round */
} b_site;

typedef struct {
    int id;
    jmd_trajectory tr; /* deep copy */
    double value;
    int killed;
    int fired;
    double *closed_from; /* [nsites]: commit time from which no window (INFINITY: unknown) */
} b_threat;

typedef struct {
    int id;
    int site;
    int track_id;
    int doctrine;
    double pk;
    int assessed;
} b_shot;

struct jmd_battle {
    jmd_battle_opts o;
    b_site *sites;
    size_t nsites;
    b_threat *th;
    size_t nth, capth;
    b_shot *shots;
    size_t nshots, capshots;
    int next_shot;
};

#define BAT_HALF_PI 1.57079632679489661923

void jmd_battle_opts_default(jmd_battle_opts *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->salvo_max = 2;
    o->sls = 1;
    o->round_cost = 0.0;
}

int jmd_engage_resolve(double pk, double t_intercept, double assess_delay, jmd_rng *rng,
                       jmd_kill *out)
{
    if (out) memset(out, 0, sizeof *out);
    if (!rng || !out || !(pk >= 0.0 && pk <= 1.0) || !isfinite(t_intercept) ||
        !(assess_delay >= 0.0) || !isfinite(assess_delay))
        return JMD_EINVAL;
    /* Exactly one uniform whatever pk, so the stream's later draws do not
     * depend on the kill probability (common random numbers across runs). */
    double u = jmd_rng_uniform(rng);
    out->killed = u < pk;
    out->t_assess = t_intercept + assess_delay;
    if (!isfinite(out->t_assess)) {
        memset(out, 0, sizeof *out);
        return JMD_ERANGE;
    }
    return 0;
}

static int site_ok(const jmd_site *s)
{
    return s->lat >= -BAT_HALF_PI && s->lat <= BAT_HALF_PI && isfinite(s->lon) &&
           isfinite(s->h) && s->inventory >= 0 && s->launchers >= 1 && s->launchers <= 100000 &&
           s->reload >= 0.0 && isfinite(s->reload) && s->pk >= 0.0 && s->pk <= 1.0 &&
           s->assess_delay >= 0.0 && isfinite(s->assess_delay) &&
           isfinite(s->ic.burnout_speed) && s->ic.burnout_speed > 0.0;
}

void jmd_battle_free(jmd_battle *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->nsites; i++)
        free(b->sites[i].busy_until);
    for (size_t j = 0; j < b->nth; j++) {
        jmd_trajectory_free(&b->th[j].tr);
        free(b->th[j].closed_from);
    }
    free(b->sites);
    free(b->th);
    free(b->shots);
    free(b);
}

int jmd_battle_create(const jmd_site *sites, size_t nsites, const jmd_battle_opts *opts,
                      jmd_battle **out)
{
    if (out) *out = NULL;
    if (!sites || nsites == 0 || nsites > 100000 || !opts || !out) return JMD_EINVAL;
    if (opts->salvo_max < 1 || (opts->sls != 0 && opts->sls != 1) ||
        !(opts->round_cost >= 0.0) || !isfinite(opts->round_cost))
        return JMD_EINVAL;
    for (size_t i = 0; i < nsites; i++)
        if (!site_ok(&sites[i])) return JMD_EINVAL;
    jmd_battle *b = calloc(1, sizeof *b);
    if (!b) return JMD_ENOMEM;
    b->o = *opts;
    b->sites = calloc(nsites, sizeof *b->sites);
    if (!b->sites) goto fail;
    b->nsites = nsites;
    for (size_t i = 0; i < nsites; i++) {
        b->sites[i].site = sites[i];
        b->sites[i].inventory = sites[i].inventory;
        b->sites[i].busy_until = malloc((size_t)sites[i].launchers * sizeof(double));
        if (!b->sites[i].busy_until) goto fail;
        for (int k = 0; k < sites[i].launchers; k++)
            b->sites[i].busy_until[k] = -INFINITY;
    }
    *out = b;
    return 0;
fail:
    jmd_battle_free(b);
    return JMD_ENOMEM;
}

static b_threat *find_threat(const jmd_battle *b, int id, size_t *index)
{
    for (size_t j = 0; j < b->nth; j++)
        if (b->th[j].id == id) {
            if (index) *index = j;
            return &b->th[j];
        }
    return NULL;
}

static int traj_copy(jmd_trajectory *dst, const jmd_trajectory *src)
{
    jmd_state *s = malloc(src->n * sizeof *s);
    if (!s) return JMD_ENOMEM;
    memcpy(s, src->s, src->n * sizeof *s);
    jmd_trajectory_free(dst);
    dst->s = s;
    dst->n = dst->cap = src->n;
    memcpy(dst->ev, src->ev, sizeof dst->ev);
    dst->nev = src->nev;
    return 0;
}

int jmd_battle_threat(jmd_battle *b, int track_id, const jmd_trajectory *pred, double value)
{
    if (!b || !pred || !pred->s || pred->n < 2 || pred->nev < 0 || pred->nev > JMD_MAX_EVENTS ||
        !(value >= 0.0) || !isfinite(value))
        return JMD_EINVAL;
    b_threat *t = find_threat(b, track_id, NULL);
    if (!t) {
        if (b->nth == b->capth) {
            size_t nc = b->capth ? 2 * b->capth : 8;
            b_threat *nt = realloc(b->th, nc * sizeof *nt);
            if (!nt) return JMD_ENOMEM;
            b->th = nt;
            b->capth = nc;
        }
        b_threat fresh;
        memset(&fresh, 0, sizeof fresh);
        fresh.id = track_id;
        fresh.closed_from = malloc(b->nsites * sizeof(double));
        if (!fresh.closed_from) return JMD_ENOMEM;
        int rc = traj_copy(&fresh.tr, pred);
        if (rc != 0) {
            free(fresh.closed_from);
            return rc;
        }
        b->th[b->nth++] = fresh;
        t = &b->th[b->nth - 1];
    } else {
        int rc = traj_copy(&t->tr, pred);
        if (rc != 0) return rc;
    }
    t->value = value;
    for (size_t i = 0; i < b->nsites; i++)
        t->closed_from[i] = INFINITY;
    return 0;
}

int jmd_battle_threat_remove(jmd_battle *b, int track_id)
{
    size_t j;
    if (!b) return JMD_EINVAL;
    b_threat *t = find_threat(b, track_id, &j);
    if (!t) return JMD_ENOTFOUND;
    jmd_trajectory_free(&t->tr);
    free(t->closed_from);
    memmove(&b->th[j], &b->th[j + 1], (b->nth - j - 1) * sizeof *b->th);
    b->nth--;
    return 0;
}

static int free_launchers(const b_site *s, double t)
{
    int n = 0;
    for (int k = 0; k < s->site.launchers; k++)
        if (s->busy_until[k] <= t) n++;
    return n;
}

int jmd_battle_site_state(const jmd_battle *b, int site, double t, int *inventory, int *free_l)
{
    if (!b || site < 0 || (size_t)site >= b->nsites || isnan(t)) return JMD_EINVAL;
    if (inventory) *inventory = b->sites[site].inventory;
    if (free_l) *free_l = free_launchers(&b->sites[site], t);
    return 0;
}

/* Unassessed rounds at a threat: count, survival, whether one is SLS. */
static void in_flight(const jmd_battle *b, int track_id, int *n, double *surv, int *held)
{
    *n = 0;
    *surv = 1.0;
    *held = 0;
    for (size_t k = 0; k < b->nshots; k++) {
        const b_shot *s = &b->shots[k];
        if (s->assessed || s->track_id != track_id) continue;
        (*n)++;
        *surv *= 1.0 - s->pk;
        if (s->doctrine == JMD_SHOT_SLS) *held = 1;
    }
}

int jmd_battle_threat_state(const jmd_battle *b, int track_id, jmd_battle_threat_info *out)
{
    if (out) memset(out, 0, sizeof *out);
    if (!b || !out) return JMD_EINVAL;
    const b_threat *t = find_threat(b, track_id, NULL);
    if (!t) return JMD_ENOTFOUND;
    int held;
    out->killed = t->killed;
    out->fired = t->fired;
    in_flight(b, track_id, &out->in_flight, &out->survival, &held);
    return 0;
}

int jmd_battle_plan(jmd_battle *b, double t_now, jmd_engagement *out, size_t cap, size_t *n)
{
    if (n) *n = 0;
    if (!b || !n || (cap > 0 && !out) || !isfinite(t_now)) return JMD_EINVAL;
    const size_t ns = b->nsites, nt = b->nth;
    if (nt == 0) return 0;

    int rc = JMD_ENOMEM;
    int *rounds = calloc(ns, sizeof *rounds);
    double *value = calloc(nt, sizeof *value);
    double *surv = calloc(nt, sizeof *surv);
    int *capj = calloc(nt, sizeof *capj);
    int *sls = calloc(nt, sizeof *sls);
    double *pk = calloc(ns * nt, sizeof *pk);
    int *x = calloc(ns * nt, sizeof *x);
    jmd_window *win = calloc(ns * nt, sizeof *win);
    if (!rounds || !value || !surv || !capj || !sls || !pk || !x || !win) goto done;

    int any_round = 0;
    for (size_t i = 0; i < ns; i++) {
        const b_site *s = &b->sites[i];
        int fl = free_launchers(s, t_now);
        rounds[i] = s->inventory < fl ? s->inventory : fl;
        if (rounds[i] > 0 && s->site.pk > 0.0) any_round = 1;
    }
    if (!any_round) {
        rc = 0;
        goto done;
    }

    for (size_t j = 0; j < nt; j++) {
        b_threat *t = &b->th[j];
        int nfl, held;
        in_flight(b, t->id, &nfl, &surv[j], &held);
        value[j] = t->value;
        /* Nothing to plan: dead, held for a look, worthless, or a full salvo in flight. */
        if (t->killed || held || t->value <= 0.0 || nfl >= b->o.salvo_max) continue;
        int can_sls = 0, any = 0;
        for (size_t i = 0; i < ns; i++) {
            const jmd_site *site = &b->sites[i].site;
            if (rounds[i] <= 0 || site->pk <= 0.0 || t_now >= t->closed_from[i]) continue;
            jmd_window *w = &win[i * nt + j];
            rc = jmd_engage_window(site, &t->tr, t_now, 0, w);
            if (rc != 0) goto done;
            if (!w->feasible) {
                t->closed_from[i] = t_now; /* closed for every later commit too */
                continue;
            }
            if (b->o.filter && !b->o.filter(b->o.filter_ctx, (int)i, t->id, w)) continue;
            pk[i * nt + j] = site->pk;
            any = 1;
            if (w->sls) can_sls = 1;
        }
        if (!any) continue;
        if (b->o.sls && can_sls && nfl == 0) {
            /* Shoot-look-shoot: one round, from a site that can look and
             * shoot again. */
            sls[j] = 1;
            capj[j] = 1;
            for (size_t i = 0; i < ns; i++)
                if (!win[i * nt + j].sls) pk[i * nt + j] = 0.0;
        } else {
            capj[j] = b->o.salvo_max - nfl;
            if (capj[j] < 0) capj[j] = 0;
        }
    }

    jmd_wta_problem p = {.nsites = ns,
                         .nthreats = nt,
                         .rounds = rounds,
                         .value = value,
                         .survival = surv,
                         .pk = pk,
                         .cap = capj,
                         .round_cost = b->o.round_cost};
    if ((rc = jmd_engage_wta_greedy(&p, x, NULL)) != 0) goto done;

    size_t k = 0;
    for (size_t j = 0; j < nt; j++) {
        int total = 0;
        for (size_t i = 0; i < ns; i++)
            total += x[i * nt + j];
        for (size_t i = 0; i < ns; i++) {
            const jmd_window *w = &win[i * nt + j];
            for (int r = 0; r < x[i * nt + j]; r++, k++) {
                if (k >= cap) continue;
                jmd_engagement *e = &out[k];
                memset(e, 0, sizeof *e);
                e->site = (int)i;
                e->track_id = b->th[j].id;
                e->doctrine = sls[j] ? JMD_SHOT_SLS : JMD_SHOT_SALVO;
                e->salvo = total;
                e->t_commit = t_now;
                e->t_launch = w->t_launch;
                e->t_intercept = w->t_intercept;
                e->lat = w->lat;
                e->lon = w->lon;
                e->alt = w->alt;
                e->pk = b->sites[i].site.pk;
            }
        }
    }
    *n = k;
    rc = 0;
done:
    free(rounds);
    free(value);
    free(surv);
    free(capj);
    free(sls);
    free(pk);
    free(x);
    free(win);
    return rc;
}

int jmd_battle_launch(jmd_battle *b, const jmd_engagement *e, int *shot_id)
{
    if (shot_id) *shot_id = -1;
    if (!b || !e || e->site < 0 || (size_t)e->site >= b->nsites || !isfinite(e->t_commit) ||
        !isfinite(e->t_launch) || !(e->t_launch >= e->t_commit) ||
        !(e->pk >= 0.0 && e->pk <= 1.0) ||
        (e->doctrine != JMD_SHOT_SLS && e->doctrine != JMD_SHOT_SALVO))
        return JMD_EINVAL;
    b_threat *t = find_threat(b, e->track_id, NULL);
    b_site *s = &b->sites[e->site];
    if (!t || s->inventory <= 0) return JMD_EINVAL;
    int lk = -1;
    for (int k = 0; k < s->site.launchers; k++)
        if (s->busy_until[k] <= e->t_commit && (lk < 0 || s->busy_until[k] < s->busy_until[lk]))
            lk = k;
    if (lk < 0) return JMD_EINVAL;
    if (b->nshots == b->capshots) {
        size_t nc = b->capshots ? 2 * b->capshots : 16;
        b_shot *ns = realloc(b->shots, nc * sizeof *ns);
        if (!ns) return JMD_ENOMEM;
        b->shots = ns;
        b->capshots = nc;
    }
    s->inventory--;
    s->busy_until[lk] = e->t_launch + s->site.reload;
    b_shot *sh = &b->shots[b->nshots++];
    sh->id = b->next_shot++;
    sh->site = e->site;
    sh->track_id = e->track_id;
    sh->doctrine = e->doctrine;
    sh->pk = e->pk;
    sh->assessed = 0;
    t->fired++;
    if (shot_id) *shot_id = sh->id;
    return 0;
}

int jmd_battle_outcome(jmd_battle *b, int shot_id, int killed)
{
    if (!b || (killed != 0 && killed != 1)) return JMD_EINVAL;
    for (size_t k = 0; k < b->nshots; k++) {
        b_shot *s = &b->shots[k];
        if (s->id != shot_id) continue;
        if (s->assessed) return JMD_ENOTFOUND;
        s->assessed = 1;
        b_threat *t = find_threat(b, s->track_id, NULL);
        if (t && killed) t->killed = 1;
        return 0;
    }
    return JMD_ENOTFOUND;
}
