/*
 * release.c — what one party releases to another (DESIGN.md §5 "release
 * policy per pair of parties"): the kinds filter, the default sharing of
 * each model, the precision degradation of a released position with the
 * matching covariance inflation, and one message's passage over a link
 * (release delay, latency, loss, outages: jmd_link_down, jmd_link_hold).
 * Pure functions; see jmd/govern.h and
 * docs/governance.md §3.
 *
 * Workload: hot — called for every message a party sends (tracks at the
 * sensors' revisit rate); constant time, no allocation.
 */
#include <math.h>
#include <string.h>

#include "jmd/govern.h"

/* Every kind that may appear in a mask (bits 1 .. JMD_MSG_KIND_MAX). */
#define ALL_KINDS (((1u << (JMD_MSG_KIND_MAX + 1)) - 1u) & ~1u)

int jmd_govern_releases(const jmd_release_policy *p, jmd_msg_kind kind)
{
    if (!p) return 0;
    if ((int)kind < 1 || (int)kind > JMD_MSG_KIND_MAX) return 0;
    if (kind == JMD_MSG_MEASUREMENT) return 0; /* never leaves its party */
    return (p->kinds & JMD_MSG_BIT(kind)) != 0;
}

unsigned jmd_govern_default_kinds(jmd_gov_model m)
{
    const unsigned warn = JMD_MSG_BIT(JMD_MSG_LAUNCH_WARNING);
    const unsigned track = JMD_MSG_BIT(JMD_MSG_TRACK);
    switch (m) {
    case JMD_GOV_INDEPENDENT: return 0;
    case JMD_GOV_EARLY_WARNING: return warn;
    case JMD_GOV_CONNECTED: return warn | track;
    case JMD_GOV_JOINT:
        return warn | track | JMD_MSG_BIT(JMD_MSG_PROPOSAL) | JMD_MSG_BIT(JMD_MSG_VOTE) |
               JMD_MSG_BIT(JMD_MSG_LAUNCH_ORDER) | JMD_MSG_BIT(JMD_MSG_OUTCOME);
    case JMD_GOV_SECTORAL: return warn | track;
    }
    return 0;
}

int jmd_govern_default_release(jmd_gov_model m, jmd_release_policy *out)
{
    if (!out) return JMD_EINVAL;
    memset(out, 0, sizeof *out);
    if ((int)m < 0 || (int)m >= JMD_GOV_NMODELS) return JMD_EINVAL;
    out->kinds = jmd_govern_default_kinds(m);
    out->precision = 0.0;
    out->delay = 0.0;
    return JMD_OK;
}

int jmd_govern_release_check(const jmd_release_policy *p)
{
    if (!p) return JMD_EINVAL;
    if (p->kinds & ~ALL_KINDS) return JMD_EINVAL;
    if (!isfinite(p->precision) || p->precision < 0.0) return JMD_EINVAL;
    if (!isfinite(p->delay) || p->delay < 0.0) return JMD_EINVAL;
    return JMD_OK;
}

int jmd_govern_link_check(const jmd_link *l)
{
    if (!l) return JMD_EINVAL;
    if (!isfinite(l->latency) || l->latency < 0.0) return JMD_EINVAL;
    if (!(l->loss >= 0.0 && l->loss < 1.0)) return JMD_EINVAL; /* also rejects NaN */
    if (l->noutages < 0 || l->noutages > JMD_LINK_OUTAGES_MAX) return JMD_EINVAL;
    double prev_end = 0.0;
    for (int i = 0; i < l->noutages; i++) {
        const jmd_outage *o = &l->outages[i];
        double end = o->start + o->duration;
        if (!(isfinite(o->start) && o->start >= 0.0)) return JMD_EINVAL;
        if (!(isfinite(o->duration) && o->duration > 0.0) || !isfinite(end)) return JMD_EINVAL;
        if (o->start < prev_end) return JMD_EINVAL; /* unsorted or overlapping */
        prev_end = end;
    }
    return JMD_OK;
}

int jmd_link_down(const jmd_link *l, double t, double *t_up)
{
    if (!l || !isfinite(t)) return 0;
    int n = l->noutages < JMD_LINK_OUTAGES_MAX ? l->noutages : JMD_LINK_OUTAGES_MAX;
    for (int i = 0; i < n; i++) {
        const jmd_outage *o = &l->outages[i];
        double end = o->start + o->duration;
        if (t < o->start) return 0; /* sorted: no later window holds t */
        if (t >= end) continue;
        /* Windows that touch make one longer outage: the link comes back
         * at the end of the chain, so a held message is never released
         * into another window. */
        while (i + 1 < n && l->outages[i + 1].start <= end) {
            i++;
            end = l->outages[i].start + l->outages[i].duration;
        }
        if (t_up) *t_up = end;
        return 1;
    }
    return 0;
}

int jmd_link_hold(const jmd_link *l, double t_depart, double *t_arrive)
{
    if (!l || !t_arrive || l->noutages <= 0) return 0;
    double up, t = *t_arrive;
    int moved = 0;
    if (jmd_link_down(l, t_depart, &up)) {
        double t2 = up + l->latency;
        if (t2 > t) t = t2; /* never earlier than the always-up arrival */
        moved = 1;
    }
    if (jmd_link_down(l, t, &up)) { /* up is up: nothing to repeat */
        t = up;
        moved = 1;
    }
    if (moved) *t_arrive = t;
    return moved;
}

int jmd_govern_degrade(const jmd_release_policy *p, double *x, double *P, size_t dim)
{
    if (!p || !x || dim < 3) return JMD_EINVAL;
    const double q = p->precision;
    if (!isfinite(q) || q < 0.0) return JMD_EINVAL;
    for (int i = 0; i < 3; i++)
        if (!isfinite(x[i])) return JMD_EINVAL;
    if (q == 0.0) return JMD_OK;
    /* round() is exact on the quotient's integer part and ties away from
     * zero; q * k then differs from the grid point by at most an ulp. */
    for (int i = 0; i < 3; i++) x[i] = q * round(x[i] / q);
    if (P) {
        const double var = q * q / 12.0;
        for (size_t i = 0; i < 3; i++) P[i * dim + i] += var;
    }
    return JMD_OK;
}

int jmd_govern_transmit(const jmd_release_policy *p, const jmd_link *l, jmd_msg_kind kind,
                        double t_send, jmd_rng *r, double *t_arrive)
{
    if (!p || !l || !r || !t_arrive) return JMD_EINVAL;
    if (jmd_govern_release_check(p) || jmd_govern_link_check(l) || !isfinite(t_send))
        return JMD_EINVAL;
    *t_arrive = INFINITY;
    if (!jmd_govern_releases(p, kind)) return 0;
    double u = jmd_rng_uniform(r); /* always one draw per released message */
    if (u < l->loss) return 0;
    double t = t_send + p->delay + l->latency;
    jmd_link_hold(l, t_send + p->delay, &t);
    *t_arrive = t;
    return 1;
}
