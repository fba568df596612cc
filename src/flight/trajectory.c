/*
 * trajectory.c — storage and interpolation of time-tagged ECI states
 * (jmd_trajectory): appending samples and events while a flight is
 * integrated, and the state at any time by cubic Hermite interpolation.
 *
 * Hermite interpolation uses the position and velocity at both ends of a
 * sample interval, so it is exact for cubic motion and, on 1 s samples of a
 * ballistic arc (acceleration ~10 m/s^2 varying slowly), its error is far
 * below a metre. Hot path: jmd_trajectory_at runs inside reach and
 * sensor loops; it is O(log n) by bisection and does not allocate.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flight/flight__traj.h"

void jmd_trajectory_free(jmd_trajectory *tr)
{
    if (!tr) return;
    free(tr->s);
    memset(tr, 0, sizeof *tr);
}

void jmd__traj_clear(jmd_trajectory *tr)
{
    tr->n = 0;
    tr->nev = 0;
}

int jmd__traj_push(jmd_trajectory *tr, const jmd_state *s)
{
    if (!tr || !s || !isfinite(s->t)) return JMD_EINVAL;
    if (tr->n > 0) {
        double last = tr->s[tr->n - 1].t;
        if (s->t < last) return JMD_EINVAL;
        if (s->t == last) {
            tr->s[tr->n - 1] = *s;
            return 0;
        }
    }
    if (tr->n == tr->cap) {
        size_t cap = tr->cap ? tr->cap * 2 : 256;
        jmd_state *p = realloc(tr->s, cap * sizeof *p);
        if (!p) return JMD_ENOMEM;
        tr->s = p;
        tr->cap = cap;
    }
    tr->s[tr->n++] = *s;
    return 0;
}

int jmd__traj_event(jmd_trajectory *tr, int kind, int stage, const jmd_state *s)
{
    if (!tr || !s) return JMD_EINVAL;
    if (tr->nev >= JMD_MAX_EVENTS) return JMD_ERANGE;
    jmd_flight_event *e = &tr->ev[tr->nev++];
    e->kind = kind;
    e->stage = stage;
    e->s = *s;
    return 0;
}

int jmd_trajectory_at(const jmd_trajectory *tr, double t, jmd_state *out)
{
    if (!tr || !out || !isfinite(t) || tr->n == 0) return JMD_EINVAL;
    const jmd_state *s = tr->s;
    size_t n = tr->n;
    if (t < s[0].t || t > s[n - 1].t) return JMD_ERANGE;
    if (n == 1 || t == s[0].t) {
        *out = s[0];
        out->t = t;
        return 0;
    }
    /* Bisection for the interval [s[lo].t, s[lo+1].t] holding t. */
    size_t lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid].t <= t) lo = mid;
        else hi = mid;
    }
    const jmd_state *a = &s[lo], *b = &s[hi];
    double h = b->t - a->t;
    double u = (t - a->t) / h;
    /* Cubic Hermite basis and its derivative (per unit u). */
    double u2 = u * u, u3 = u2 * u;
    double h00 = 2 * u3 - 3 * u2 + 1, h10 = u3 - 2 * u2 + u;
    double h01 = -2 * u3 + 3 * u2, h11 = u3 - u2;
    double d00 = 6 * u2 - 6 * u, d10 = 3 * u2 - 4 * u + 1;
    double d01 = -6 * u2 + 6 * u, d11 = 3 * u2 - 2 * u;
    for (int k = 0; k < 3; k++) {
        out->r[k] = h00 * a->r[k] + h10 * h * a->v[k] + h01 * b->r[k] + h11 * h * b->v[k];
        out->v[k] = (d00 * a->r[k] + d01 * b->r[k]) / h + d10 * a->v[k] + d11 * b->v[k];
    }
    out->t = t;
    return 0;
}

int jmd_trajectory_event(const jmd_trajectory *tr, int kind, jmd_flight_event *out)
{
    if (!tr || !out) return JMD_EINVAL;
    int found = -1;
    for (int i = 0; i < tr->nev; i++) {
        if (tr->ev[i].kind != kind) continue;
        found = i;
        /* Burnouts: the last stage's is the one callers mean. */
        if (kind != JMD_EV_BURNOUT) break;
    }
    if (found < 0) return JMD_ENOTFOUND;
    *out = tr->ev[found];
    return 0;
}
