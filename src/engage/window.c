/*
 * window.c — launch windows of a firing site against a predicted threat
 * trajectory, from the kinematic reach model (jmd_flight_reach,
 * docs/reach.md): the window for a commit now, the intercept point the
 * planner aims at (the earliest), the latest commit time that still gives
 * a window (bisection, valid because the feasible set only shrinks as the
 * commit gets later — docs/reach.md §1.4), and whether a second round
 * committed at the first one's kill assessment still has a window
 * (shoot-look-shoot). The launch time for the chosen intercept is the
 * reach model's own: the coast that needs the least Earth-relative burnout
 * speed (same short-way Lambert arc from the turning site as reach.c),
 * found by golden-section search over the coast time, which the model
 * assumes unimodal (docs/reach.md §2).
 *
 * Workload: warm — 2 reach calls (~1 ms each) per site and threat per
 * planning step, ~14 with JMD_WINDOW_LATEST.
 */
#include <math.h>
#include <string.h>

#include "jmd/engage.h"
#include "jmd/geo.h"
#include "jmd/orbit.h"

/* Bisection stops when the bracket of the latest commit is this narrow (s). */
#define WIN_COMMIT_TOL 0.25

static double traj_end(const jmd_trajectory *tr)
{
    double t_end = tr->s[tr->n - 1].t;
    jmd_flight_event ev;
    if (jmd_trajectory_event(tr, JMD_EV_IMPACT, &ev) == 0 && ev.s.t < t_end) t_end = ev.s.t;
    return t_end;
}

/* The arc's Earth-relative burnout speed: the reach model's own
 * (jmd_flight_arc_speed), so that windows and reach agree exactly. */
static double arc_speed(const double site_ecef[3], double t_i, const double r2[3], double tau)
{
    return jmd_flight_arc_speed(site_ecef, t_i, r2, tau);
}

/* Launch time of the least-speed arc to the threat at t_i with a launch no
 * earlier than t_commit; t_commit when the search finds nothing better. */
static int launch_time(const jmd_site *site, const jmd_trajectory *tr, double t_commit,
                       double t_i, double *t_launch)
{
    double site_ecef[3];
    jmd_state st;
    int rc = jmd_geo_to_ecef(site->lat, site->lon, site->h, site_ecef);
    if (rc != 0) return rc;
    if ((rc = jmd_trajectory_at(tr, t_i, &st)) != 0) return rc;
    double tau_max = t_i - t_commit - site->ic.burn_time;
    *t_launch = t_commit;
    if (!(tau_max > 1.0)) return 0;
    double best_tau = tau_max, best = arc_speed(site_ecef, t_i, st.r, tau_max);
    /* Golden-section search on [0.5, tau_max] to 0.05 s. */
    const double g = 0.61803398874989484820;
    double a = 0.5, b = tau_max;
    double c = b - g * (b - a), d = a + g * (b - a);
    double fc = arc_speed(site_ecef, t_i, st.r, c), fd = arc_speed(site_ecef, t_i, st.r, d);
    while (b - a > 0.05) {
        if (fc < fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = arc_speed(site_ecef, t_i, st.r, c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = arc_speed(site_ecef, t_i, st.r, d);
        }
    }
    double tau = 0.5 * (a + b), f = arc_speed(site_ecef, t_i, st.r, tau);
    if (f < best) best_tau = tau; /* else launching at the commit is as good */
    double tl = t_i - best_tau - site->ic.burn_time;
    *t_launch = tl > t_commit ? tl : t_commit;
    return 0;
}

int jmd_engage_window(const jmd_site *site, const jmd_trajectory *threat, double t_now,
                      unsigned flags, jmd_window *out)
{
    if (out) {
        memset(out, 0, sizeof *out);
        out->t_intercept = out->t_launch = out->lat = out->lon = out->alt = NAN;
        out->t_commit_last = out->t_look = out->t_intercept2 = NAN;
    }
    if (!site || !threat || !out || !threat->s || threat->n < 2 || !isfinite(t_now) ||
        (flags & ~JMD_WINDOW_LATEST) != 0 || !(site->assess_delay >= 0.0) ||
        !isfinite(site->assess_delay))
        return JMD_EINVAL;

    double t_end = traj_end(threat);
    if (!(t_now < t_end)) {
        /* Let reach validate its arguments, then report a closed window. */
        jmd_reach r;
        int rc = jmd_flight_reach(&site->ic, site->lat, site->lon, site->h, threat,
                                  threat->s[0].t, &r);
        if (rc != 0) return rc;
        out->now.reason = JMD_REACH_TOO_LATE;
        return 0;
    }
    int rc =
        jmd_flight_reach(&site->ic, site->lat, site->lon, site->h, threat, t_now, &out->now);
    if (rc != 0) return rc;
    if (!out->now.feasible) return 0;

    out->feasible = 1;
    out->t_intercept = out->now.t_first;
    out->lat = out->now.lat_first;
    out->lon = out->now.lon_first;
    out->alt = out->now.alt_first;
    if ((rc = launch_time(site, threat, t_now, out->t_intercept, &out->t_launch)) != 0)
        goto fail;

    /* Shoot-look-shoot from the same site. */
    out->t_look = out->t_intercept + site->assess_delay;
    if (out->t_look < t_end) {
        jmd_reach r2;
        if ((rc = jmd_flight_reach(&site->ic, site->lat, site->lon, site->h, threat,
                                   out->t_look, &r2)) != 0)
            goto fail;
        if (r2.feasible) {
            out->sls = 1;
            out->t_intercept2 = r2.t_first;
        }
    }

    if (flags & JMD_WINDOW_LATEST) {
        double lo = t_now, hi = t_end; /* feasible at lo, not at hi */
        while (hi - lo > WIN_COMMIT_TOL) {
            double mid = 0.5 * (lo + hi);
            jmd_reach r;
            if ((rc = jmd_flight_reach(&site->ic, site->lat, site->lon, site->h, threat, mid,
                                       &r)) != 0)
                goto fail;
            if (r.feasible)
                lo = mid;
            else
                hi = mid;
        }
        out->t_commit_last = lo;
    }
    return 0;

fail:
    memset(out, 0, sizeof *out);
    out->t_intercept = out->t_launch = out->lat = out->lon = out->alt = NAN;
    out->t_commit_last = out->t_look = out->t_intercept2 = NAN;
    return rc;
}
