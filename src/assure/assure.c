/*
 * assure.c — the transparency analysis (jmd/assure.h, docs/assure.md):
 * sampling of a deterrent party's strategic trajectories, sensor support
 * (first firm track), kinematic reach per firing site under the
 * cooperation variants, the latest feasible commit, and the sensitivity
 * sweeps over burnout speed and radar range.
 *
 * Invariants: every strategic trajectory is flown once (jmd_flight_target)
 * and read only afterwards; feasibility is monotone in the commit time
 * (later commit: the window only shrinks, docs/reach.md) and in the burnout
 * speed (faster: it only grows), so the latest commit and the least grid
 * speed are found by bisection. Deterministic: no random draws.
 *
 * Workload: warm; the reach calls dominate (see jmd/assure.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/assure.h"
#include "jmd/geo.h"
#include "jmd/govern.h"
#include "jmd/sensor.h"

void jmd_assure_opts_default(jmd_assure_opts *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->samples = 64;
    o->pd_min = 0.5;
    o->looks = 3;
    o->track_delay = 10.0;
    o->decision_delay = 0.0;
    o->commit_tol = 1.0;
    o->speed_lo = 3000.0;
    o->speed_hi = 8000.0;
    o->speed_step = 500.0;
    o->speed_tol = 5.0;
    o->nrange_scale = 5;
    for (int i = 0; i < 5; i++)
        o->range_scale[i] = 0.5 + 0.25 * i;
    o->track_step = 30.0;
}

const char *jmd_assure_variant_name(int v)
{
    static const char *const names[JMD_ASSURE_NVARIANTS] = {"kinematic", "own", "shared",
                                                            "sectoral"};
    return v >= 0 && v < JMD_ASSURE_NVARIANTS ? names[v] : "unknown";
}

static int opts_check(const jmd_assure_opts *o)
{
    if (!o || o->samples < 1 || !(o->pd_min > 0 && o->pd_min < 1) || o->looks < 1 ||
        !(o->track_delay >= 0 && o->track_delay < 1e5) ||
        !(o->decision_delay >= 0 && o->decision_delay < 1e5) ||
        !(o->commit_tol > 0 && o->commit_tol < 1e4) || !(o->speed_lo > 0) ||
        !(o->speed_hi >= o->speed_lo && o->speed_hi < 2e4) || !(o->speed_step > 0) ||
        !(o->speed_tol > 0) || o->nrange_scale < 0 || o->nrange_scale > JMD_ASSURE_MAX_SWEEP ||
        !(o->track_step > 0 && o->track_step < 1e4))
        return JMD_EINVAL;
    if ((o->speed_hi - o->speed_lo) / o->speed_step + 1 > JMD_ASSURE_MAX_SWEEP + 1e-9)
        return JMD_EINVAL;
    for (int i = 0; i < o->nrange_scale; i++)
        if (!(o->range_scale[i] > 0 && o->range_scale[i] < 100)) return JMD_EINVAL;
    return 0;
}

/* ---- sampling ---------------------------------------------------------- */

static double halton(unsigned i, unsigned b)
{
    double f = 1, r = 0;
    while (i > 0) {
        f /= b;
        r += f * (double)(i % b);
        i /= b;
    }
    return r;
}

/* Up to k points inside a polygon area: the vertex mean when inside, then
 * Halton points of the bounding box that fall inside. Returns the count. */
static size_t area_points(const jmd_strategic_area *a, size_t k, jmd_latlon *pts)
{
    if (a->area.n < 3) {
        pts[0].lat = a->lat;
        pts[0].lon = a->lon;
        return 1;
    }
    size_t m = 0;
    jmd_latlon c = {a->lat, a->lon};
    if (jmd_govern_in_polygon(&a->area, c) == 1) pts[m++] = c;
    double la0 = a->area.v[0].lat, la1 = la0, lo0 = a->area.v[0].lon, lo1 = lo0;
    for (size_t i = 1; i < a->area.n; i++) {
        la0 = fmin(la0, a->area.v[i].lat);
        la1 = fmax(la1, a->area.v[i].lat);
        lo0 = fmin(lo0, a->area.v[i].lon);
        lo1 = fmax(lo1, a->area.v[i].lon);
    }
    for (unsigned i = 1; m < k && i < 4000; i++) {
        jmd_latlon p = {la0 + (la1 - la0) * halton(i, 3), lo0 + (lo1 - lo0) * halton(i, 2)};
        if (jmd_govern_in_polygon(&a->area, p) == 1) pts[m++] = p;
    }
    if (m == 0) {
        pts[0] = a->area.v[0];
        m = 1;
    }
    return m;
}

static const jmd_strategic *find_strategic(const jmd_scenario *s, int party)
{
    for (size_t i = 0; i < s->nstrategic; i++)
        if (s->strategic[i].party == party) return &s->strategic[i];
    return NULL;
}

typedef struct {
    int area;
    jmd_latlon p;
} lpoint;

int jmd_assure_sample(const jmd_scenario *s, int deterrent, const jmd_assure_opts *o,
                      jmd_assure_traj **out, size_t *n)
{
    if (!s || !out || !n || deterrent < 0 || (size_t)deterrent >= s->nparties || opts_check(o))
        return JMD_EINVAL;
    *out = NULL;
    *n = 0;
    const jmd_strategic *g = find_strategic(s, deterrent);
    if (!g) return JMD_ENOTFOUND;
    if (!g->nlaunch || !g->ntargets || !g->nvehicles || !g->ntrajs) return JMD_EINVAL;
    size_t per = g->ntargets * g->nvehicles * g->ntrajs;
    size_t base = g->nlaunch * per;
    size_t k = o->samples / base;
    if (k < 1) k = 1;
    if (k > 16) k = 16;
    lpoint *lp = calloc(g->nlaunch * k, sizeof *lp);
    jmd_latlon *tmp = calloc(k, sizeof *tmp);
    if (!lp || !tmp) {
        free(lp);
        free(tmp);
        return JMD_ENOMEM;
    }
    size_t nl = 0;
    for (size_t a = 0; a < g->nlaunch; a++) {
        size_t m = area_points(&g->launch[a], k, tmp);
        for (size_t i = 0; i < m; i++) {
            lp[nl].area = (int)a;
            lp[nl++].p = tmp[i];
        }
    }
    free(tmp);
    size_t total = nl * per, take = total < o->samples ? total : o->samples;
    jmd_assure_traj *t = calloc(take, sizeof *t);
    if (!t) {
        free(lp);
        return JMD_ENOMEM;
    }
    jmd_flight_opts fo;
    jmd_flight_opts_default(&fo);
    int rc = 0;
    for (size_t i = 0; i < take; i++) {
        size_t c = take == total ? i : (size_t)((double)i * (double)total / (double)take);
        size_t jl = c / per, r = c % per;
        size_t jt = r / (g->nvehicles * g->ntrajs);
        r %= g->nvehicles * g->ntrajs;
        size_t jv = r / g->ntrajs, jj = r % g->ntrajs;
        jmd_assure_traj *x = &t[i];
        x->launch = lp[jl].area;
        x->target = (int)jt;
        x->vehicle = (int)jv;
        x->traj = (int)jj;
        x->lat0 = lp[jl].p.lat;
        x->lon0 = lp[jl].p.lon;
        x->lat1 = g->targets[jt].lat;
        x->lon1 = g->targets[jt].lon;
        x->type = g->trajs[jj].type;
        x->apogee_req = g->trajs[jj].apogee;
        x->rcs = g->rcs;
        int frc = jmd_flight_target(&g->vehicles[jv], x->lat0, x->lon0, x->lat1, x->lon1,
                                    x->type, x->apogee_req, 0.0, &fo, &x->res, &x->tr);
        if (frc == 0 && x->tr.n >= 2)
            x->ok = 1;
        else if (frc == JMD_ENOMEM) {
            rc = frc;
            break;
        } else {
            jmd_trajectory_free(&x->tr);
            x->ok = 0;
        }
    }
    free(lp);
    if (rc) {
        jmd_assure_trajs_free(t, take);
        return rc;
    }
    *out = t;
    *n = take;
    return 0;
}

void jmd_assure_trajs_free(jmd_assure_traj *t, size_t n)
{
    for (size_t i = 0; t && i < n; i++)
        jmd_trajectory_free(&t[i].tr);
    free(t);
}

/* ---- sensor support ---------------------------------------------------- */

static double traj_end(const jmd_trajectory *tr)
{
    jmd_flight_event ev;
    if (jmd_trajectory_event(tr, JMD_EV_IMPACT, &ev) == 0) return ev.s.t;
    return tr->s[tr->n - 1].t;
}

int jmd_assure_first_track(const jmd_radar *radars, const unsigned char *use, size_t nradars,
                           const jmd_trajectory *tr, double rcs, double pd_min, int looks,
                           double range_scale, double *t_track)
{
    if (!t_track || (nradars && (!radars || !use)) || !tr || tr->n < 2 || !(rcs >= 0) ||
        !(pd_min > 0 && pd_min < 1) || looks < 1 || !(range_scale > 0))
        return JMD_EINVAL;
    double best = INFINITY, t0 = tr->s[0].t, t1 = traj_end(tr);
    for (size_t i = 0; i < nradars; i++) {
        if (!use[i]) continue;
        jmd_radar r = radars[i];
        r.range_ref *= range_scale;
        if (r.max_range > 0) r.max_range *= range_scale;
        if (jmd_radar_check(&r) != 0) return JMD_EINVAL;
        double dt = r.revisit > 0 ? r.revisit : 1.0;
        int run = 0;
        for (long k = 0;; k++) {
            double t = t0 + (double)k * dt;
            if (t > t1 || t >= best) break;
            jmd_state st;
            if (jmd_trajectory_at(tr, t, &st) != 0) break;
            int vis = 0;
            double pd = 0, range;
            if (jmd_radar_visible(&r, t, st.r, &vis) != 0) vis = 0;
            if (vis) {
                double ecef[3], site[3], d[3];
                jmd_geo_eci_to_ecef(t, st.r, ecef);
                jmd_geo_to_ecef(r.lat, r.lon, r.h, site);
                for (int j = 0; j < 3; j++)
                    d[j] = ecef[j] - site[j];
                range = jmd_vec_norm(d);
                if (range <= 0 || jmd_radar_pd(&r, range, rcs, &pd, NULL) != 0) pd = 0;
            }
            run = vis && pd >= pd_min ? run + 1 : 0;
            if (run >= looks) {
                best = t;
                break;
            }
        }
    }
    *t_track = best;
    return 0;
}

/* ---- reach under a variant ---------------------------------------------- */

typedef struct {
    const jmd_scenario *s;
    size_t calls;
} ctx;

/* 1 when the threat's ground point at t lies in party p's sector. */
static int in_sector(const jmd_scenario *s, int p, const jmd_trajectory *tr, double t)
{
    const jmd_party *pa = &s->parties[p];
    jmd_state st;
    double ecef[3], lat, lon, h;
    if (!pa->nsector || jmd_trajectory_at(tr, t, &st) != 0) return 0;
    jmd_geo_eci_to_ecef(t, st.r, ecef);
    if (jmd_geo_from_ecef(ecef, &lat, &lon, &h) != 0) return 0;
    jmd_latlon q = {lat, lon};
    for (size_t i = 0; i < pa->nsector; i++)
        if (jmd_govern_in_polygon(&pa->sector[i], q) == 1) return 1;
    return 0;
}

/* The window's first time in the sector (sampled every 5 s and at both
 * ends), or -1. */
static double sector_time(const jmd_scenario *s, int p, const jmd_trajectory *tr,
                          const jmd_reach *r)
{
    for (double t = r->t_first;; t += 5.0) {
        if (t > r->t_last) t = r->t_last;
        if (in_sector(s, p, tr, t)) return t;
        if (t >= r->t_last) break;
    }
    return -1;
}

/* Feasibility of site ic (speed possibly overridden) at commit tc;
 * sectoral: the window must touch the owner's sector. */
static int feasible(ctx *c, const jmd_site *site, const jmd_interceptor *ic,
                    const jmd_trajectory *tr, double tc, int sectoral, jmd_reach *out)
{
    jmd_reach r;
    c->calls++;
    if (jmd_flight_reach(ic, site->lat, site->lon, site->h, tr, tc, &r) != 0) {
        memset(&r, 0, sizeof r);
        r.reason = JMD_REACH_OUT_OF_REACH;
    }
    if (out) *out = r;
    if (!r.feasible) return 0;
    if (sectoral && sector_time(c->s, site->owner, tr, &r) < 0) return 0;
    return 1;
}

/* Latest commit in [t0, ...] that is still feasible (bisection to tol), or
 * -inf when none even at t0. */
static double latest_commit(ctx *c, const jmd_site *site, const jmd_interceptor *ic,
                            const jmd_trajectory *tr, double t0, int sectoral, double tol)
{
    jmd_reach r;
    if (!feasible(c, site, ic, tr, t0, sectoral, &r)) return -INFINITY;
    double lo = t0, hi = r.t_last - ic->burn_time;
    if (hi <= lo) return lo;
    if (feasible(c, site, ic, tr, hi, sectoral, NULL)) return hi;
    while (hi - lo > tol) {
        double m = 0.5 * (lo + hi);
        if (feasible(c, site, ic, tr, m, sectoral, NULL))
            lo = m;
        else
            hi = m;
    }
    return lo;
}

/* ---- evaluation --------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Commit times per trajectory for the variants, at one radar-range factor:
 * commit[v] for v in own/shared (kinematic: launch). */
static int commits(const jmd_scenario *s, const jmd_assure_opts *o, const jmd_assure_traj *x,
                   int party, int deterrent, double scale, unsigned char *use, double cm[2])
{
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < s->nradars; i++)
            use[i] = (unsigned char)(s->radars[i].owner == party ||
                                     (k == 1 && s->radars[i].owner == deterrent));
        double tt;
        int rc = jmd_assure_first_track(s->radars, use, s->nradars, &x->tr, x->rcs, o->pd_min,
                                        o->looks, scale, &tt);
        if (rc) return rc;
        cm[k] = tt + o->track_delay + o->decision_delay;
    }
    return 0;
}

int jmd_assure_eval(const jmd_scenario *s, int deterrent, const jmd_assure_opts *o,
                    jmd_assure_traj *trajs, size_t ntraj, jmd_assure_result **out)
{
    if (out) *out = NULL;
    if (!s || !out || deterrent < 0 || (size_t)deterrent >= s->nparties || opts_check(o) ||
        (ntraj && !trajs)) {
        jmd_assure_trajs_free(trajs, ntraj);
        return JMD_EINVAL;
    }
    for (size_t j = 0; j < ntraj; j++) {
        const jmd_trajectory *tr = &trajs[j].tr;
        int bad = trajs[j].ok && (tr->n < 2 || !tr->s);
        for (size_t k = 1; trajs[j].ok && !bad && k < tr->n; k++)
            if (!(tr->s[k].t > tr->s[k - 1].t)) bad = 1;
        if (bad) {
            jmd_assure_trajs_free(trajs, ntraj);
            return JMD_EINVAL;
        }
    }
    int rc = 0;
    jmd_assure_result *R = calloc(1, sizeof *R);
    unsigned char *use = calloc(s->nradars ? s->nradars : 1, 1);
    /* cm[traj][party][scale][2] */
    size_t nsc = (size_t)o->nrange_scale + 1, np = s->nparties;
    double *cm = calloc(ntraj * np * nsc * 2 + 1, sizeof *cm);
    double *tmp = calloc(ntraj + 1, sizeof *tmp);
    if (!R || !use || !cm || !tmp) {
        free(R);
        free(use);
        free(cm);
        free(tmp);
        jmd_assure_trajs_free(trajs, ntraj);
        return JMD_ENOMEM;
    }
    R->deterrent = deterrent;
    R->opts = *o;
    R->trajs = trajs;
    R->ntraj = ntraj;
    R->nspeeds = (int)floor((o->speed_hi - o->speed_lo) / o->speed_step + 1e-9) + 1;
    for (int i = 0; i < R->nspeeds; i++)
        R->speeds[i] = o->speed_lo + o->speed_step * i;
    ctx c = {s, 0};

    /* Which parties own an assessed site: commit times only for them. */
    for (size_t i = 0; i < s->nsites; i++)
        if (s->sites[i].owner != deterrent) R->nsites++;
    R->sites = calloc(R->nsites ? R->nsites : 1, sizeof *R->sites);
    if (!R->sites) {
        rc = JMD_ENOMEM;
        goto done;
    }
    for (size_t p = 0; p < np && rc == 0; p++) {
        int any = 0;
        for (size_t i = 0; i < s->nsites; i++)
            if (s->sites[i].owner == (int)p && (int)p != deterrent) any = 1;
        if (!any) continue;
        for (size_t j = 0; j < ntraj && rc == 0; j++) {
            if (!trajs[j].ok) continue;
            for (size_t q = 0; q < nsc && rc == 0; q++) {
                double scale = q == 0 ? 1.0 : o->range_scale[q - 1];
                rc = commits(s, o, &trajs[j], (int)p, deterrent, scale, use,
                             &cm[((j * np + p) * nsc + q) * 2]);
            }
        }
    }
    if (rc) goto done;

    size_t si = 0;
    for (size_t i = 0; i < s->nsites && rc == 0; i++) {
        const jmd_site *site = &s->sites[i];
        if (site->owner == deterrent) continue;
        jmd_assure_site *S = &R->sites[si++];
        snprintf(S->site, sizeof S->site, "%s", site->name);
        snprintf(S->interceptor, sizeof S->interceptor, "%s", site->ic.name);
        S->owner = site->owner;
        S->lat = site->lat;
        S->lon = site->lon;
        S->h = site->h;
        S->ic = site->ic;
        S->cells = calloc(ntraj * JMD_ASSURE_NVARIANTS + 1, sizeof *S->cells);
        if (!S->cells) {
            rc = JMD_ENOMEM;
            break;
        }
        int imin[JMD_ASSURE_NVARIANTS];
        int *gidx = calloc(ntraj * JMD_ASSURE_NVARIANTS + 1, sizeof *gidx);
        if (!gidx) {
            rc = JMD_ENOMEM;
            break;
        }
        for (int v = 0; v < JMD_ASSURE_NVARIANTS; v++)
            imin[v] = R->nspeeds;
        for (size_t j = 0; j < ntraj; j++) {
            const jmd_assure_traj *x = &trajs[j];
            if (!x->ok) continue;
            S->nvalid++;
            double t0 = x->tr.s[0].t;
            const double *c1 = &cm[((j * np + (size_t)site->owner) * nsc) * 2];
            double tl_kin = latest_commit(&c, site, &site->ic, &x->tr, t0, 0, o->commit_tol);
            /* A party without a sector never engages under the sectoral variant. */
            double tl_sec =
                tl_kin > -INFINITY && s->parties[site->owner].nsector
                    ? latest_commit(&c, site, &site->ic, &x->tr, t0, 1, o->commit_tol)
                    : -INFINITY;
            for (int v = 0; v < JMD_ASSURE_NVARIANTS; v++) {
                jmd_assure_cell *cl = &S->cells[j * JMD_ASSURE_NVARIANTS + (size_t)v];
                double tc = v == JMD_ASSURE_KINEMATIC ? t0
                            : v == JMD_ASSURE_OWN     ? c1[0]
                                                      : c1[1];
                int sect = v == JMD_ASSURE_SECTORAL;
                cl->t_commit = tc;
                cl->t_latest = sect ? tl_sec : tl_kin;
                cl->sensed = isfinite(tc);
                cl->margin = isfinite(tc) && isfinite(cl->t_latest) ? cl->t_latest - tc : NAN;
                gidx[j * JMD_ASSURE_NVARIANTS + (size_t)v] = R->nspeeds;
                if (!cl->sensed) {
                    cl->reason = -1;
                    continue;
                }
                cl->engageable = feasible(&c, site, &site->ic, &x->tr, tc, sect, &cl->reach);
                cl->reason = cl->reach.reason;
                if (cl->engageable) S->engageable[v]++;
                /* Least grid speed that engages: bisection over the grid
                 * (monotone in speed); the kinematic index bounds the others. */
                int lo = v == JMD_ASSURE_KINEMATIC ? 0 : gidx[j * JMD_ASSURE_NVARIANTS];
                int hi = R->nspeeds;
                jmd_interceptor ic = site->ic;
                while (lo < hi) {
                    int m = (lo + hi) / 2;
                    ic.burnout_speed = R->speeds[m];
                    if (feasible(&c, site, &ic, &x->tr, tc, sect, NULL))
                        hi = m;
                    else
                        lo = m + 1;
                }
                gidx[j * JMD_ASSURE_NVARIANTS + (size_t)v] = lo;
                if (lo < imin[v]) imin[v] = lo;
                /* Radar-range sweep: engageable iff commit <= latest commit. */
                for (int q = 0; q < o->nrange_scale; q++) {
                    const double *cq =
                        &cm[((j * np + (size_t)site->owner) * nsc + (size_t)q + 1) * 2];
                    double tq = v == JMD_ASSURE_KINEMATIC ? t0
                                : v == JMD_ASSURE_OWN     ? cq[0]
                                                          : cq[1];
                    if (isfinite(tq) && tq <= cl->t_latest) S->range_fraction[v][q] += 1;
                }
            }
        }
        for (int v = 0; v < JMD_ASSURE_NVARIANTS; v++) {
            double nv = (double)S->nvalid;
            S->fraction[v] = S->nvalid ? (double)S->engageable[v] / nv : 0;
            for (int q = 0; q < o->nrange_scale; q++)
                S->range_fraction[v][q] = S->nvalid ? S->range_fraction[v][q] / nv : 0;
            for (int k = 0; k < R->nspeeds; k++) {
                size_t cnt = 0;
                for (size_t j = 0; j < ntraj; j++)
                    if (trajs[j].ok && gidx[j * JMD_ASSURE_NVARIANTS + (size_t)v] <= k) cnt++;
                S->speed_fraction[v][k] = S->nvalid ? (double)cnt / nv : 0;
            }
            /* Margins. */
            size_t nm = 0;
            S->margin_best[v] = NAN;
            for (size_t j = 0; j < ntraj; j++) {
                const jmd_assure_cell *cl = &S->cells[j * JMD_ASSURE_NVARIANTS + (size_t)v];
                if (!trajs[j].ok || isnan(cl->margin)) continue;
                if (isnan(S->margin_best[v]) || cl->margin > S->margin_best[v])
                    S->margin_best[v] = cl->margin;
                if (cl->engageable) tmp[nm++] = cl->margin;
            }
            qsort(tmp, nm, sizeof *tmp, cmp_double);
            S->margin_median[v] = nm == 0  ? NAN
                                  : nm % 2 ? tmp[nm / 2]
                                           : 0.5 * (tmp[nm / 2 - 1] + tmp[nm / 2]);
            /* Flip speed: refine between the grid points around imin. */
            S->flip_speed[v] = INFINITY;
            if (imin[v] >= R->nspeeds) continue;
            for (size_t j = 0; j < ntraj; j++) {
                const jmd_assure_cell *cl = &S->cells[j * JMD_ASSURE_NVARIANTS + (size_t)v];
                if (!trajs[j].ok || gidx[j * JMD_ASSURE_NVARIANTS + (size_t)v] != imin[v])
                    continue;
                jmd_interceptor ic = site->ic;
                double hi = R->speeds[imin[v]];
                double lo = imin[v] > 0 ? R->speeds[imin[v] - 1] : 100.0;
                int sect = v == JMD_ASSURE_SECTORAL;
                ic.burnout_speed = lo;
                if (imin[v] == 0 &&
                    feasible(&c, site, &ic, &trajs[j].tr, cl->t_commit, sect, NULL))
                    hi = lo;
                while (hi - lo > o->speed_tol) {
                    ic.burnout_speed = 0.5 * (lo + hi);
                    if (feasible(&c, site, &ic, &trajs[j].tr, cl->t_commit, sect, NULL))
                        hi = ic.burnout_speed;
                    else
                        lo = ic.burnout_speed;
                }
                if (hi < S->flip_speed[v]) S->flip_speed[v] = hi;
            }
        }
        free(gidx);
    }
done:
    R->reach_calls = c.calls;
    free(use);
    free(cm);
    free(tmp);
    if (rc) {
        jmd_assure_free(R);
        return rc;
    }
    *out = R;
    return 0;
}

int jmd_assure_run(const jmd_scenario *s, int deterrent, const jmd_assure_opts *o,
                   jmd_assure_result **out)
{
    jmd_assure_traj *t = NULL;
    size_t n = 0;
    if (out) *out = NULL;
    int rc = jmd_assure_sample(s, deterrent, o, &t, &n);
    if (rc) return rc;
    return jmd_assure_eval(s, deterrent, o, t, n, out);
}

void jmd_assure_free(jmd_assure_result *r)
{
    if (!r) return;
    for (size_t i = 0; r->sites && i < r->nsites; i++)
        free(r->sites[i].cells);
    free(r->sites);
    jmd_assure_trajs_free(r->trajs, r->ntraj);
    free(r);
}
