/*
 * reach.c — kinematic reach of an interceptor against a threat trajectory:
 * the window of times at which an interceptor from a site can meet the
 * threat, by the model of the open literature (Wilkening, Survival 54:1,
 * 2012; Lewis & Postol; NRC 2012): only the burnout speed, the burn time
 * and an altitude band (and optionally a ground range) limit it. The model
 * and its assumptions are in docs/reach.md; in short:
 *
 *  - t_commit is the earliest launch time. The interceptor may launch at
 *    any t_L >= t_commit; its boost lasts burn_time, during which it gains
 *    no distance (conservative: burnout is at the site, which turns with
 *    the Earth, at t_L + burn_time); it then coasts on the drag-free
 *    two-body (Lambert) arc, the short way round (< 180 deg, one
 *    revolution), to the threat's position r_T(t) at the intercept time t.
 *  - The speed it needs is the burnout speed relative to the rotating
 *    Earth, |v1 - w x r1|, minimised over the launch time t_L (that is,
 *    over the coast time tau = t - t_L - burn_time in (0, t - t_commit -
 *    burn_time]): launching later than t_commit pays when the coast left
 *    would be longer than the minimum-energy one.
 *  - An intercept at t is feasible when that speed is <= burnout_speed,
 *    the arc leaves the site upward (radial speed >= 0, so with < 180 deg
 *    of transfer it never comes below the lower of its two end radii),
 *    the threat's geodetic altitude at t lies in [min_alt, max_alt], the
 *    ground range site -> sub-threat point is <= max_range when max_range
 *    > 0, and t lies on the threat trajectory (first sample .. impact).
 *
 * Search: intercept times on a 2 s grid, the window's first and last
 * feasible times refined by bisection to 0.05 s. The required speed at a
 * time is first tried at the longest coast (launch at t_commit); when a
 * shorter coast needs less speed, the minimum over tau is found by a
 * parabola through three points bracketing the previous minimum (warm
 * start along the grid) or, failing a bracket, golden-section search —
 * this assumes the speed is unimodal in tau, as it is for two-body arcs
 * (it falls from the hyperbolic short-coast limit to the minimum-energy
 * arc, then rises along lofted arcs).
 *
 * Workload: hot — one call costs a few hundred to a few thousand Lambert
 * solves (~0.3 us each); no allocation.
 */
#include <math.h>
#include <string.h>

#include "jmd/flight.h"
#include "jmd/geo.h"
#include "jmd/orbit.h"

#define REACH_STEP 2.0       /* s, intercept-time grid */
#define REACH_MAX_POINTS 20000 /* the grid step grows for very long trajectories */
#define REACH_TOL 0.05       /* s, bisection tolerance on the window's edges */
#define REACH_TAU_MIN 0.5    /* s, shortest coast considered */
#define REACH_BRACKET 4.0    /* s, half-width of the warm-start bracket in tau */
#define REACH_TAU_TOL 0.1    /* s, golden-section tolerance on tau */
#define REACH_HALF_PI 1.5707963267948966

const char *jmd_reach_reason(int reason)
{
    switch (reason) {
    case JMD_REACH_OK: return "within reach";
    case JMD_REACH_OUT_OF_REACH: return "out of reach";
    case JMD_REACH_TOO_LATE: return "too late";
    case JMD_REACH_BELOW_MIN_ALT: return "below the minimum intercept altitude";
    case JMD_REACH_ABOVE_MAX_ALT: return "above the maximum intercept altitude";
    default: return "unknown reason";
    }
}

typedef struct {
    const jmd_interceptor *ic;
    const jmd_trajectory *tr;
    double site_lat, site_lon;
    double site_ecef[3];
    double t_start, t_end; /* intercept times allowed by the trajectory */
    double tau_prev;       /* last unconstrained optimum coast (warm start), or NAN */
    int error;             /* a geo/trajectory call failed (JMD_E*) */
} rctx;

/* The threat at time t, as the checks need it. */
typedef struct {
    double r[3];          /* ECI, m */
    double lat, lon, alt; /* geodetic sub-point, rad, and height, m */
    int band;             /* -1 below min_alt, 0 within, +1 above max_alt */
    int range_ok;         /* ground range within max_range (or no limit) */
} tpoint;

static int threat_point(rctx *c, double t, tpoint *p)
{
    jmd_state s;
    double ecef[3];
    int rc = jmd_trajectory_at(c->tr, t, &s);
    if (rc == 0) rc = jmd_geo_eci_to_ecef(t, s.r, ecef);
    if (rc == 0) rc = jmd_geo_from_ecef(ecef, &p->lat, &p->lon, &p->alt);
    if (rc != 0) {
        if (!c->error) c->error = rc;
        return rc;
    }
    memcpy(p->r, s.r, sizeof p->r);
    p->band = p->alt < c->ic->min_alt ? -1 : p->alt > c->ic->max_alt ? 1 : 0;
    p->range_ok = 1;
    if (c->ic->max_range > 0) {
        double s12, a1, a2;
        rc = jmd_geo_inverse(c->site_lat, c->site_lon, p->lat, p->lon, &s12, &a1, &a2);
        if (rc != 0) {
            if (!c->error) c->error = rc;
            return rc;
        }
        p->range_ok = s12 <= c->ic->max_range;
    }
    return 0;
}

double jmd_flight_arc_speed(const double site_ecef[3], double t, const double r2[3], double tau)
{
    double r1[3], h[3], v1[3], v2[3], hs[3];
    if (!site_ecef || !r2 || !(tau > 0) || !isfinite(t)) return INFINITY;
    if (jmd_geo_ecef_to_eci(t - tau, site_ecef, r1) != 0) return INFINITY;
    jmd_vec_cross(r1, r2, h);
    int retro = h[2] < 0;
    if (jmd_orbit_lambert(JMD_WGS84_GM, r1, r2, tau, retro, v1, v2) != 0) return INFINITY;
    jmd_vec_cross(r1, v1, hs);
    if (jmd_vec_dot(hs, h) < 0) {
        /* The solver took the long way (a plane through the pole axis, where
         * the flag is ambiguous): the other flag is the short way. */
        if (jmd_orbit_lambert(JMD_WGS84_GM, r1, r2, tau, !retro, v1, v2) != 0) return INFINITY;
        jmd_vec_cross(r1, v1, hs);
        if (jmd_vec_dot(hs, h) < 0) return INFINITY;
    }
    if (jmd_vec_dot(v1, r1) < 0) return INFINITY;
    double w = JMD_EARTH_OMEGA;
    double vr[3] = {v1[0] + w * r1[1], v1[1] - w * r1[0], v1[2]};
    double v = jmd_vec_norm(vr);
    return isfinite(v) ? v : INFINITY;
}

static double arc_speed(rctx *c, double t, const double r2[3], double tau)
{
    return jmd_flight_arc_speed(c->site_ecef, t, r2, tau);
}

/* The least burnout speed that reaches r2 at t with a coast of at most
 * tau_max; stops early once a speed <= stop is found (pass -INFINITY for the
 * true minimum). *tau_best gets the coast that achieves the returned speed. */
static double min_speed(rctx *c, double t, const double r2[3], double tau_max, double stop,
                        double *tau_best)
{
    *tau_best = tau_max;
    if (!(tau_max >= REACH_TAU_MIN)) return INFINITY;
    double best = arc_speed(c, t, r2, tau_max);
    if (best <= stop || !isfinite(best)) return best;
    double d = fmin(1.0, 0.5 * (tau_max - REACH_TAU_MIN));
    if (!(d > 1e-3)) return best;
    double vd = arc_speed(c, t, r2, tau_max - d);
    if (vd >= best) return best; /* still falling at tau_max: launch at once */
    double bt = tau_max - d;
    best = vd;
    if (best <= stop) {
        *tau_best = bt;
        return best;
    }

    /* Warm start: a parabola through a bracket around the previous optimum. */
    double g = c->tau_prev, W = REACH_BRACKET;
    if (isfinite(g) && g - W >= REACH_TAU_MIN && g + W <= tau_max) {
        double fa = arc_speed(c, t, r2, g - W), fg = arc_speed(c, t, r2, g),
               fb = arc_speed(c, t, r2, g + W);
        if (isfinite(fa) && isfinite(fg) && isfinite(fb) && fg <= fa && fg <= fb) {
            double den = fa - 2 * fg + fb;
            double x = den > 0 ? g + 0.5 * W * (fa - fb) / den : g;
            double fx = arc_speed(c, t, r2, x);
            double cand[4][2] = {{g - W, fa}, {g, fg}, {g + W, fb}, {x, fx}};
            for (int i = 0; i < 4; i++)
                if (cand[i][1] < best) {
                    best = cand[i][1];
                    bt = cand[i][0];
                }
            c->tau_prev = bt;
            *tau_best = bt;
            return best;
        }
    }

    /* Golden-section search on [REACH_TAU_MIN, tau_max]. */
    const double phi = 0.6180339887498949;
    double a = REACH_TAU_MIN, b = tau_max;
    double x1 = b - phi * (b - a), x2 = a + phi * (b - a);
    double f1 = arc_speed(c, t, r2, x1), f2 = arc_speed(c, t, r2, x2);
    for (int it = 0; it < 100 && b - a > REACH_TAU_TOL; it++) {
        if (f1 < best) {
            best = f1;
            bt = x1;
        }
        if (f2 < best) {
            best = f2;
            bt = x2;
        }
        if (best <= stop) break;
        if (f1 < f2) {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - phi * (b - a);
            f1 = arc_speed(c, t, r2, x1);
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + phi * (b - a);
            f2 = arc_speed(c, t, r2, x2);
        }
    }
    if (f1 < best) {
        best = f1;
        bt = x1;
    }
    if (f2 < best) {
        best = f2;
        bt = x2;
    }
    if (isfinite(best)) c->tau_prev = bt;
    *tau_best = bt;
    return best;
}

/* Feasibility of an intercept at t for an interceptor committed at
 * t_commit. need_band: 1 checks the altitude band, 0 ignores it (speed,
 * range and arc only). *p receives the threat point, *speed the least
 * required speed found (early-stopped unless exact). */
static int feasible_at(rctx *c, double t, double t_commit, int need_band, int exact,
                       tpoint *p, double *speed)
{
    *speed = INFINITY;
    if (t < c->t_start || t > c->t_end) return 0;
    if (threat_point(c, t, p) != 0) return 0;
    if (!p->range_ok || (need_band && p->band != 0)) return 0;
    double tau_max = t - t_commit - c->ic->burn_time, tau;
    double v = min_speed(c, t, p->r, tau_max, exact ? -INFINITY : c->ic->burnout_speed, &tau);
    *speed = v;
    return v <= c->ic->burnout_speed;
}

typedef struct {
    int found;             /* any feasible grid point */
    double t_first, t_last;/* first and last feasible grid times */
    double t_before;       /* grid time before t_first (infeasible), or NAN */
    double t_after;        /* grid time after t_last (infeasible), or NAN */
    int below, above;      /* (speed-only scans) band of the first feasible point */
} scan_result;

/* Scans the intercept-time grid for commit time t_commit. */
static void scan(rctx *c, double t_commit, int need_band, scan_result *res)
{
    memset(res, 0, sizeof *res);
    res->t_before = res->t_after = NAN;
    c->tau_prev = NAN;
    double t_lo = fmax(c->t_start, t_commit + c->ic->burn_time + REACH_TAU_MIN);
    double span = c->t_end - t_lo;
    if (!(span >= 0)) return;
    double step = fmax(REACH_STEP, span / REACH_MAX_POINTS);
    size_t n = (size_t)ceil(span / step) + 1; /* the last point is t_end */
    double prev_t = NAN;
    int prev_ok = 0;
    for (size_t k = 0; k < n && !c->error; k++) {
        double t = k + 1 == n ? c->t_end : t_lo + (double)k * step;
        tpoint p;
        double v;
        int ok = feasible_at(c, t, t_commit, need_band, 0, &p, &v);
        if (ok) {
            if (!res->found) {
                res->found = 1;
                res->t_first = t;
                res->t_before = prev_t; /* NAN when t is the first grid point */
                res->below = p.band < 0;
                res->above = p.band > 0;
            }
            res->t_last = t;
            res->t_after = NAN;
        } else if (prev_ok) {
            res->t_after = t;
        }
        prev_ok = ok;
        prev_t = t;
    }
}

/* Moves a feasible time t_good toward an infeasible t_bad until they are
 * REACH_TOL apart; returns the last feasible time. */
static double refine(rctx *c, double t_good, double t_bad, double t_commit)
{
    if (isnan(t_bad)) return t_good;
    c->tau_prev = NAN;
    while (fabs(t_good - t_bad) > REACH_TOL && !c->error) {
        double mid = 0.5 * (t_good + t_bad);
        if (mid == t_good || mid == t_bad) break; /* times too large to split further */
        tpoint p;
        double v;
        if (feasible_at(c, mid, t_commit, 1, 0, &p, &v)) t_good = mid;
        else t_bad = mid;
    }
    return t_good;
}

static int finite_state(const jmd_state *s)
{
    return isfinite(s->t) && isfinite(s->r[0]) && isfinite(s->r[1]) && isfinite(s->r[2]) &&
           isfinite(s->v[0]) && isfinite(s->v[1]) && isfinite(s->v[2]);
}

int jmd_flight_reach(const jmd_interceptor *ic, double lat, double lon, double h,
                     const jmd_trajectory *threat, double t_commit, jmd_reach *out)
{
    if (out) memset(out, 0, sizeof *out);
    if (!ic || !threat || !out || !threat->s || threat->n < 2) return JMD_EINVAL;
    if (!(isfinite(ic->burnout_speed) && ic->burnout_speed > 0) ||
        !(isfinite(ic->burn_time) && ic->burn_time >= 0) || !isfinite(ic->min_alt) ||
        !isfinite(ic->max_alt) || !(ic->max_alt >= ic->min_alt) || isnan(ic->max_range) ||
        ic->max_range == INFINITY)
        return JMD_EINVAL;
    if (!(lat >= -REACH_HALF_PI && lat <= REACH_HALF_PI) || !isfinite(lon) || !isfinite(h) ||
        !isfinite(t_commit))
        return JMD_EINVAL;
    for (size_t i = 0; i < threat->n; i++) {
        if (!finite_state(&threat->s[i])) return JMD_EINVAL;
        if (i > 0 && !(threat->s[i].t > threat->s[i - 1].t)) return JMD_EINVAL;
    }

    rctx c;
    memset(&c, 0, sizeof c);
    c.ic = ic;
    c.tr = threat;
    c.site_lat = lat;
    c.site_lon = lon;
    int rc = jmd_geo_to_ecef(lat, lon, h, c.site_ecef);
    if (rc != 0) return rc;
    c.t_start = threat->s[0].t;
    c.t_end = threat->s[threat->n - 1].t;
    double t_launch = c.t_start;
    jmd_flight_event ev;
    if (jmd_trajectory_event(threat, JMD_EV_IMPACT, &ev) == 0 && ev.s.t >= c.t_start &&
        ev.s.t < c.t_end)
        c.t_end = ev.s.t;
    if (jmd_trajectory_event(threat, JMD_EV_LAUNCH, &ev) == 0 && isfinite(ev.s.t))
        t_launch = ev.s.t;

    scan_result sr;
    scan(&c, t_commit, 1, &sr);
    if (c.error) return c.error;
    if (sr.found) {
        double t1 = refine(&c, sr.t_first, sr.t_before, t_commit);
        double t2 = refine(&c, sr.t_last, sr.t_after, t_commit);
        tpoint p1, p2;
        double v1, v2;
        c.tau_prev = NAN;
        int ok1 = feasible_at(&c, t1, t_commit, 1, 1, &p1, &v1);
        c.tau_prev = NAN;
        int ok2 = feasible_at(&c, t2, t_commit, 1, 1, &p2, &v2);
        if (c.error) return c.error;
        if (!ok1 || !ok2 || !isfinite(v1) || !isfinite(v2)) return JMD_ENOCONV;
        out->feasible = 1;
        out->reason = JMD_REACH_OK;
        out->t_first = t1;
        out->t_last = t2;
        out->alt_first = p1.alt;
        out->alt_last = p2.alt;
        out->lat_first = p1.lat;
        out->lon_first = p1.lon;
        out->lat_last = p2.lat;
        out->lon_last = p2.lon;
        out->speed_first = v1;
        out->speed_last = v2;
        return 0;
    }

    /* No window: why? The earliest sensible commit is the threat's launch. */
    double t_early = fmin(t_commit, t_launch);
    if (t_early < t_commit) {
        scan(&c, t_early, 1, &sr);
        if (c.error) return c.error;
        if (sr.found) {
            out->reason = JMD_REACH_TOO_LATE;
            return 0;
        }
    }
    scan(&c, t_early, 0, &sr);
    if (c.error) return c.error;
    if (sr.found)
        out->reason = sr.below ? JMD_REACH_BELOW_MIN_ALT
                      : sr.above ? JMD_REACH_ABOVE_MAX_ALT
                                 : JMD_REACH_OUT_OF_REACH;
    else out->reason = JMD_REACH_OUT_OF_REACH;
    return 0;
}
