/*
 * target.c — aiming: the launch azimuth, pitch-kick angle and thrust
 * cut-off that put a booster's re-entry vehicle on an aim point of the
 * rotating Earth (jmd_flight_target), and the burnout velocity of a free
 * Kepler arc that does the same (jmd_flight_aim_free).
 *
 * Booster targeting works on the full model (J2, drag, rotating Earth) by
 * shooting: each trial is a complete flight, integrated with events only
 * (no dense output) into one reused scratch trajectory. The impact is
 * measured from the launch point on the WGS-84 geodesic: down-range
 * distance R and the azimuth error daz against the aim point's azimuth.
 *  - The launch azimuth starts on the geodesic azimuth to the aim point and
 *    is corrected by the azimuth error of each trial (the impact azimuth
 *    moves almost one for one with the launch azimuth; the slope is
 *    re-estimated by secant).
 *  - The range at full burn as a function of the kick is unimodal: a scan
 *    on a geometric grid of kicks (loose tolerance) brackets its maximum,
 *    which Brent's minimiser refines in log(kick). Below that maximum no
 *    trajectory type can reach the aim: JMD_ENOSOL.
 *  - LOFTED / DEPRESSED at full burn: the root of R(kick) = range on the
 *    rising (lofted, smaller kicks) or the falling (depressed) side of the
 *    maximum, by Illinois regula falsi in log(kick), then a joint Newton
 *    polish of kick and azimuth.
 *  - MINIMUM ENERGY: the cut-off at which the largest range over all kicks
 *    equals the aim's range, i.e. the least energy that still reaches it.
 *    Each iteration fits a parabola to R at three kicks (the kick of
 *    greatest range and the range it gives) and moves the cut-off by
 *    secant on that greatest range, inside a bracket, from a first guess
 *    read off the full-burn trajectory with the closed-form maximum range
 *    of its instantaneous state (Bate, Mueller & White 6.2). Once the kick
 *    has settled, only the centre trial is flown.
 *  - LOFTED / DEPRESSED to an apogee: from the full-burn solution of that
 *    type, a damped Newton-Broyden iteration on (log kick, cut-off) for
 *    range and apogee. The full-burn apogee bounds what the vehicle can do
 *    (a lofted apogee above it, or a depressed one below it, is
 *    JMD_ENOSOL); an apogee on the other side of the minimum-energy one is
 *    found on the other branch and reported as JMD_ENOSOL too.
 * Iterations stop at a miss below 1 m (or when they stall); a result with a
 * miss above JMD__MISS_ACCEPT is JMD_ENOCONV. Every loop has a fixed bound.
 *
 * Free flight: for a time of flight T, Lambert's problem from the burnout
 * point to the aim point's ECI position at t0 + T gives the burnout
 * velocity; minimum energy minimises the burnout speed over T (Brent),
 * lofted / depressed find the T whose arc has the requested apogee on the
 * long / short side of it. The arc is then sampled with jmd_orbit_kepler.
 *
 * Workload: a targeting solve runs 30-70 flights (see docs/flight.md for
 * the measured cost); a free-flight aim a few hundred Lambert solves.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "flight/flight__prop.h"
#include "flight/flight__traj.h"
#include "jmd/geo.h"
#include "jmd/orbit.h"

#define TG_PI 3.14159265358979323846
#define TG_DEG (TG_PI / 180.0)
/* Meridional circumference of WGS-84 (m): ranges past the antipode. */
#define TG_CIRC 40007862.9
/* Largest miss (m) reported as a success; above it JMD_ENOCONV. */
#define JMD__MISS_ACCEPT 100.0
/* Miss (m) at which the iterations stop. */
#define TG_MISS_GOAL 1.0
/* Bound on the flights of one solve (each ~0.3-1 ms). */
#define TG_MAX_FLIGHTS 160

/* ---- one trial flight --------------------------------------------------- */

typedef struct {
    const jmd_vehicle *veh;
    const jmd_flight_opts *opts; /* the caller's tolerances */
    jmd_flight_opts loose;       /* looser tolerances for the exploratory scan */
    double lat0, lon0, t0, lat1, lon1;
    double s_aim, az_aim;   /* geodesic launch -> aim: range (m), azimuth (rad) */
    double t_full;          /* s, total burn time */
    double tc_min;          /* s, the shortest cut-off worth trying */
    jmd_trajectory scratch; /* reused by every trial */
    int nfly;               /* trials flown */
} tg_ctx;

typedef struct {
    int impact;      /* 1 when the flight reached the ground */
    double range;    /* m, down-range distance of the impact (signed, see tg_eval) */
    double daz;      /* rad, impact azimuth minus aim azimuth, in (-pi, pi] */
    double apogee;   /* m, geodetic height at apogee */
    double lat, lon; /* rad, impact point */
    double miss;     /* m, geodesic impact -> aim */
} tg_trial;

static double tg_wrap_pi(double a)
{
    a = fmod(a, 2 * TG_PI);
    if (a > TG_PI) a -= 2 * TG_PI;
    if (a <= -TG_PI) a += 2 * TG_PI;
    return a;
}

/* Measure the impact of the flight held in tr. */
static int tg_measure(const tg_ctx *c, const jmd_trajectory *tr, tg_trial *e)
{
    jmd_flight_event ev;
    double ecef[3], h, s, azi1, azi2;
    int rc;

    memset(e, 0, sizeof *e);
    e->apogee = 0.0;
    if (jmd_trajectory_event(tr, JMD_EV_APOGEE, &ev) == 0)
        e->apogee = jmd__height(ev.s.r);
    else if (jmd_trajectory_event(tr, JMD_EV_BURNOUT, &ev) == 0)
        e->apogee = jmd__height(ev.s.r);
    if (jmd_trajectory_event(tr, JMD_EV_IMPACT, &ev) != 0) {
        /* No impact within max_time: orbit or escape; longer than any aim. */
        e->impact = 0;
        e->range = TG_CIRC;
        e->miss = INFINITY;
        return 0;
    }
    e->impact = 1;
    if ((rc = jmd_geo_eci_to_ecef(ev.s.t, ev.s.r, ecef)) != 0) return rc;
    if ((rc = jmd_geo_from_ecef(ecef, &e->lat, &e->lon, &h)) != 0) return rc;
    if ((rc = jmd_geo_inverse(c->lat0, c->lon0, e->lat, e->lon, &s, &azi1, &azi2)) != 0) {
        /* Impact on the launch point itself. */
        s = 0.0;
        azi1 = c->az_aim;
    }
    e->daz = tg_wrap_pi(azi1 - c->az_aim);
    /* Down-range: the along-track projection at short range (continuous
     * through a vertical shot's impact near the pad), the path length past
     * the antipode. */
    if (s < TG_CIRC / 4)
        e->range = s * cos(e->daz);
    else
        e->range = fabs(e->daz) > TG_PI / 2 ? TG_CIRC - s : s;
    if ((rc = jmd_geo_inverse(e->lat, e->lon, c->lat1, c->lon1, &e->miss, &azi1, &azi2)) != 0)
        e->miss = 0.0;
    return 0;
}

static int tg_fly(tg_ctx *c, double az, double kick, double tc, int loose, tg_trial *e)
{
    jmd_launch l = {c->lat0, c->lon0, 0.0, c->t0, 0.0, 0.0, 0.0};
    int rc;

    if (c->nfly >= TG_MAX_FLIGHTS) return JMD_ENOCONV;
    c->nfly++;
    l.azimuth = tg_wrap_pi(az);
    if (l.azimuth < 0) l.azimuth += 2 * TG_PI;
    l.kick = kick;
    l.cutoff = tc >= c->t_full ? 0.0 : tc;
    if ((rc = jmd__fly(c->veh, &l, loose ? &c->loose : c->opts, 0, &c->scratch)) != 0)
        return rc;
    return tg_measure(c, &c->scratch, e);
}

/* ---- the largest range over the kick ------------------------------------- */

/* Kick bounds (rad) and the scan grid (geometric, factor 1.6). */
#define TG_KICK_LO (0.25 * TG_DEG)
#define TG_KICK_HI (80.0 * TG_DEG)
#define TG_NSCAN 14

typedef struct {
    double kick[TG_NSCAN], range[TG_NSCAN];
    int n;
} tg_scan;

/* Brent's minimiser (Brent 1973, "Algorithms for minimization without
 * derivatives", ch. 5) of -R(exp(u)) on [a, b], starting at x (the best
 * point so far, with range fx). Returns the best u and its range. */
static int tg_brent_max(tg_ctx *c, double az, double tc, double a, double b, double x,
                        double rx, double tol, double *ubest, double *rbest, tg_trial *best)
{
    const double cgold = 0.3819660112501051;
    double v = x, w = x, fx = -rx, fv = fx, fw = fx, d = 0.0, e = 0.0;
    tg_trial tr;
    int rc;

    for (int it = 0; it < 40; it++) {
        double xm = 0.5 * (a + b), tol1 = tol, tol2 = 2 * tol1;
        if (fabs(x - xm) <= tol2 - 0.5 * (b - a)) break;
        double u;
        if (fabs(e) > tol1) {
            double r = (x - w) * (fx - fv), q = (x - v) * (fx - fw),
                   p = (x - v) * q - (x - w) * r;
            q = 2 * (q - r);
            if (q > 0) p = -p;
            q = fabs(q);
            double etemp = e;
            e = d;
            if (fabs(p) >= fabs(0.5 * q * etemp) || p <= q * (a - x) || p >= q * (b - x)) {
                e = x >= xm ? a - x : b - x;
                d = cgold * e;
            } else {
                d = p / q;
                u = x + d;
                if (u - a < tol2 || b - u < tol2) d = xm - x >= 0 ? tol1 : -tol1;
            }
        } else {
            e = x >= xm ? a - x : b - x;
            d = cgold * e;
        }
        u = fabs(d) >= tol1 ? x + d : x + (d >= 0 ? tol1 : -tol1);
        if ((rc = tg_fly(c, az, exp(u), tc, 0, &tr)) != 0) return rc;
        double fu = -tr.range;
        if (fu <= fx) {
            if (u >= x)
                a = x;
            else
                b = x;
            v = w;
            fv = fw;
            w = x;
            fw = fx;
            x = u;
            fx = fu;
            *best = tr;
        } else {
            if (u < x)
                a = u;
            else
                b = u;
            if (fu <= fw || w == x) {
                v = w;
                fv = fw;
                w = u;
                fw = fu;
            } else if (fu <= fv || v == x || v == w) {
                v = u;
                fv = fu;
            }
        }
    }
    *ubest = x;
    *rbest = -fx;
    return 0;
}

/* Greatest range over the kick at cut-off tc: scan (filled into sc), then
 * Brent. On return *kick, *range and *best describe the maximum. */
static int tg_max_range(tg_ctx *c, double az, double tc, tg_scan *sc, double *kick,
                        double *range, tg_trial *best)
{
    tg_trial tr;
    int rc, ib = 0;

    sc->n = 0;
    for (double k = TG_KICK_LO; k <= TG_KICK_HI && sc->n < TG_NSCAN; k *= 1.6) {
        if ((rc = tg_fly(c, az, k, tc, 1, &tr)) != 0) return rc;
        sc->kick[sc->n] = k;
        sc->range[sc->n] = tr.range;
        if (tr.range > sc->range[ib]) ib = sc->n;
        sc->n++;
    }
    double a = log(sc->kick[ib > 0 ? ib - 1 : 0]);
    double b = log(sc->kick[ib + 1 < sc->n ? ib + 1 : sc->n - 1]);
    if (ib == 0) a = log(TG_KICK_LO * 0.5);
    /* The scan's best, flown at full tolerance, seeds Brent. */
    if ((rc = tg_fly(c, az, sc->kick[ib], tc, 0, best)) != 0) return rc;
    double u, r;
    if ((rc = tg_brent_max(c, az, tc, a, b, log(sc->kick[ib]), best->range, 1e-3, &u, &r,
                           best)) != 0)
        return rc;
    *kick = exp(u);
    *range = r;
    return 0;
}

/* ---- full burn, one side of the maximum ---------------------------------- */

/* Solve R(kick) = s_aim at cut-off tc on the side (lofted: kick < kmax) of
 * the maximum kmax, polishing the azimuth jointly. In/out: *az; out: *kick. */
static int tg_branch(tg_ctx *c, int lofted, double tc, const tg_scan *sc, double kmax,
                     double *az, double *kick, tg_trial *sol)
{
    tg_trial tr;
    int rc;
    double ua, ra, ub, rb; /* bracket in u = log kick: range - s at both ends */

    /* The scan's nearest kick beyond which the range falls short. */
    double kout = NAN;
    if (lofted) {
        for (int i = sc->n - 1; i >= 0; i--)
            if (sc->kick[i] < kmax && sc->range[i] < c->s_aim) {
                kout = sc->kick[i];
                break;
            }
        for (double k = TG_KICK_LO * 0.5; isnan(kout) && k > 1e-4; k *= 0.5) {
            if ((rc = tg_fly(c, *az, k, tc, 0, &tr)) != 0) return rc;
            if (tr.range < c->s_aim) kout = k;
        }
    } else {
        for (int i = 0; i < sc->n; i++)
            if (sc->kick[i] > kmax && sc->range[i] < c->s_aim) {
                kout = sc->kick[i];
                break;
            }
        if (isnan(kout)) {
            if ((rc = tg_fly(c, *az, 85.0 * TG_DEG, tc, 0, &tr)) != 0) return rc;
            if (tr.range < c->s_aim) kout = 85.0 * TG_DEG;
        }
    }
    if (isnan(kout)) return JMD_ENOSOL;

    if ((rc = tg_fly(c, *az, kout, tc, 0, &tr)) != 0) return rc;
    ua = log(kout);
    ra = tr.range - c->s_aim;
    if ((rc = tg_fly(c, *az, kmax, tc, 0, &tr)) != 0) return rc;
    ub = log(kmax);
    rb = tr.range - c->s_aim;
    if (rb < 0) return JMD_ENOSOL;
    if (rb == 0) {
        *kick = kmax;
        *sol = tr;
        goto polish;
    }
    /* Illinois regula falsi on [ua, ub] (ra < 0 < rb), azimuth held. */
    int side = 0;
    double u = ub;
    *sol = tr;
    for (int it = 0; it < 40; it++) {
        u = ub - rb * (ub - ua) / (rb - ra);
        if (!(fabs(u - ua) > 0 && fabs(u - ub) > 0)) u = 0.5 * (ua + ub);
        if ((rc = tg_fly(c, *az, exp(u), tc, 0, &tr)) != 0) return rc;
        double r = tr.range - c->s_aim;
        *sol = tr;
        if (fabs(r) < 10.0 || fabs(ub - ua) < 1e-9) break;
        if (r < 0) {
            ua = u;
            ra = r;
            if (side == -1) rb *= 0.5;
            side = -1;
        } else {
            ub = u;
            rb = r;
            if (side == 1) ra *= 0.5;
            side = 1;
        }
    }
    *kick = exp(u);
polish:;
    /* Newton on (azimuth, log kick): d(daz)/d(az) ~ 1 (secant-updated),
     * dR/du from a fresh difference, cross terms neglected. */
    double jaz = 1.0, dru = NAN;
    u = log(*kick);
    for (int it = 0; it < 12 && sol->miss > TG_MISS_GOAL; it++) {
        if (!isfinite(dru)) {
            double du = lofted ? -2e-3 : 2e-3;
            if ((rc = tg_fly(c, *az, exp(u + du), tc, 0, &tr)) != 0) return rc;
            dru = (tr.range - sol->range) / du;
            if (!(fabs(dru) > 0)) return JMD_ENOCONV;
        }
        double az1 = *az - sol->daz / jaz;
        double u1 = u - (sol->range - c->s_aim) / dru;
        if (fabs(u1 - u) > 0.05) u1 = u + copysign(0.05, u1 - u);
        if ((rc = tg_fly(c, az1, exp(u1), tc, 0, &tr)) != 0) return rc;
        if (fabs(az1 - *az) > 1e-7) {
            double j = (tr.daz - sol->daz) / (az1 - *az);
            if (j > 0.5 && j < 2.0) jaz = j;
        }
        *az = az1;
        u = u1;
        *sol = tr;
    }
    *kick = exp(u);
    return 0;
}

/* ---- minimum energy --------------------------------------------------------- */

/* First guess for the minimum-energy cut-off: along the full-burn flight of
 * greatest range, the time at which the closed-form greatest range of the
 * instantaneous state (burnout there, re-entry at the same radius:
 * sin(psi/2) = Q / (2 - Q), Q = v^2 r / mu; BMW 6.2) plus the ground
 * already covered, scaled to match the flown full-burn range, reaches the
 * aim's range. */
static double tg_cutoff_guess(tg_ctx *c, double az, double kick, double rmax_full)
{
    jmd_launch l = {c->lat0, c->lon0, 0.0, c->t0, az, kick, 0.0};
    jmd_trajectory tr = {0};
    double guess = 0.7 * c->t_full;

    if (jmd__fly(c->veh, &l, c->opts, 1, &tr) != 0) goto done;
    double est[2048], tt[2048];
    size_t n = 0;
    for (size_t i = 0; i < tr.n && n < 2048; i++) {
        const jmd_state *s = &tr.s[i];
        double t = s->t - c->t0;
        if (t < c->tc_min || t > c->t_full) continue;
        double r = jmd_vec_norm(s->r), v = jmd_vec_norm(s->v);
        double q = v * v * r / JMD_WGS84_GM;
        double psi = q < 1.0 ? 2.0 * asin(q / (2.0 - q)) : TG_PI;
        double ecef[3], lat, lon, h, d = 0, a1, a2;
        if (jmd_geo_eci_to_ecef(s->t, s->r, ecef) || jmd_geo_from_ecef(ecef, &lat, &lon, &h))
            continue;
        if (jmd_geo_inverse(c->lat0, c->lon0, lat, lon, &d, &a1, &a2)) d = 0;
        tt[n] = t;
        est[n] = d + psi * JMD_EARTH_RMEAN;
        n++;
    }
    if (n < 2 || !(est[n - 1] > 0)) goto done;
    double scale = rmax_full / est[n - 1];
    for (size_t i = 1; i < n; i++) {
        double e0 = est[i - 1] * scale, e1 = est[i] * scale;
        if (e0 <= c->s_aim && e1 >= c->s_aim && e1 > e0) {
            guess = tt[i - 1] + (tt[i] - tt[i - 1]) * (c->s_aim - e0) / (e1 - e0);
            break;
        }
    }
done:
    jmd_trajectory_free(&tr);
    return fmin(fmax(guess, c->tc_min), c->t_full);
}

static int tg_min_energy(tg_ctx *c, double kmax, double rmax_full, double *az, double *kick,
                         double *tc, tg_trial *sol)
{
    tg_trial t3[3];
    int rc;
    double tc_lo = c->tc_min, tc_hi = c->t_full; /* R(lo) < s <= R(hi) */
    double tcp = c->t_full, rp = rmax_full;      /* previous secant point */
    double slope = NAN;                          /* dR/dtc, m/s */
    double u = log(kmax), du = 0.03, jaz = 1.0, azp = NAN, dazp = NAN;
    int settled = 0;

    *tc = tg_cutoff_guess(c, *az, kmax, rmax_full);
    for (int it = 0; it < 40; it++) {
        double rmax;
        int settle_now = 0;
        if (!settled) {
            for (int k = 0; k < 3; k++)
                if ((rc = tg_fly(c, *az, exp(u + (k - 1) * du), *tc, 0, &t3[k])) != 0)
                    return rc;
            *sol = t3[1];
            double g = (t3[2].range - t3[0].range) / (2 * du);
            double hh = (t3[2].range - 2 * t3[1].range + t3[0].range) / (du * du);
            double step;
            if (hh < 0) {
                step = -g / hh;
                if (fabs(step) > 0.3) step = copysign(0.3, step);
            } else {
                step = copysign(0.3, g);
            }
            rmax = t3[1].range + g * step + 0.5 * (hh < 0 ? hh : 0) * step * step;
            u += step;
            if (u < log(TG_KICK_LO * 0.25)) u = log(TG_KICK_LO * 0.25);
            if (u > log(TG_KICK_HI)) u = log(TG_KICK_HI);
            /* Narrow the stencil as the kick settles: the parabola's
             * vertex is then exact to second order. */
            du = fmin(0.03, fmax(0.005, fabs(step)));
            if (fabs(step) < 2e-3) settle_now = 1;
        } else {
            if ((rc = tg_fly(c, *az, exp(u), *tc, 0, sol)) != 0) return rc;
            rmax = sol->range;
            if (sol->miss <= TG_MISS_GOAL) break;
        }
        if (!sol->impact && rmax < c->s_aim) rmax = TG_CIRC;
        /* Cut-off: secant on the (greatest) range, inside the bracket. */
        if (rmax < c->s_aim)
            tc_lo = fmax(tc_lo, *tc);
        else
            tc_hi = fmin(tc_hi, *tc);
        if (isfinite(tcp) && fabs(*tc - tcp) > 1e-9) {
            double sl = (rmax - rp) / (*tc - tcp);
            if (sl > 0) slope = sl;
        }
        double tcn = isfinite(slope) ? *tc + (c->s_aim - rmax) / slope : 0.5 * (tc_lo + tc_hi);
        if (!(tcn > tc_lo && tcn < tc_hi)) tcn = 0.5 * (tc_lo + tc_hi);
        tcp = *tc;
        rp = rmax;
        *tc = tcn;
        if (settle_now) {
            /* From now on the centre trial's own range drives the cut-off:
             * forget the bracket and the secant point built on the
             * parabola's estimates (keep the slope). */
            settled = 1;
            tc_lo = c->tc_min;
            tc_hi = c->t_full;
            tcp = NAN;
        }
        /* Azimuth: Newton with the secant slope of daz. */
        if (sol->impact) {
            if (isfinite(azp) && fabs(*az - azp) > 1e-7) {
                double j = (sol->daz - dazp) / (*az - azp);
                if (j > 0.5 && j < 2.0) jaz = j;
            }
            azp = *az;
            dazp = sol->daz;
            *az -= sol->daz / jaz;
        }
        if (tc_hi - tc_lo < 1e-7 && settled) break;
    }
    *kick = exp(u);
    /* The final trial must be the returned parameters. */
    if ((rc = tg_fly(c, *az, *kick, *tc, 0, sol)) != 0) return rc;
    /* Even the shortest burn overshoots: no minimum-energy shot that short. */
    if (sol->miss > JMD__MISS_ACCEPT && *tc - c->tc_min < 1e-3) return JMD_ENOSOL;
    return 0;
}

/* ---- apogee-constrained ---------------------------------------------------- */

/* Residuals (range error, apogee error) in km at (u, tc). */
static int tg_res2(tg_ctx *c, double az, double u, double tc, double h_req, double f[2],
                   tg_trial *tr)
{
    int rc = tg_fly(c, az, exp(u), tc, 0, tr);
    if (rc) return rc;
    f[0] = (tr->range - c->s_aim) / 1e3;
    f[1] = (tr->apogee - h_req) / 1e3;
    return 0;
}

static int tg_apogee(tg_ctx *c, double h_req, double *az, double *kick, double *tc,
                     tg_trial *sol)
{
    double u = log(*kick), f[2], J[2][2], fn[2];
    tg_trial tr;
    int rc, fresh = 0;

    if ((rc = tg_res2(c, *az, u, *tc, h_req, f, sol)) != 0) return rc;
    for (int it = 0; it < 30; it++) {
        if (sol->miss <= TG_MISS_GOAL && fabs(f[1]) < 0.01) break;
        if (!fresh) {
            /* Jacobian by forward differences (cut-off backwards: it may sit at full burn). */
            double du = 2e-3, dt = -0.2;
            if ((rc = tg_res2(c, *az, u + du, *tc, h_req, fn, &tr)) != 0) return rc;
            J[0][0] = (fn[0] - f[0]) / du;
            J[1][0] = (fn[1] - f[1]) / du;
            if ((rc = tg_res2(c, *az, u, *tc + dt, h_req, fn, &tr)) != 0) return rc;
            J[0][1] = (fn[0] - f[0]) / dt;
            J[1][1] = (fn[1] - f[1]) / dt;
            fresh = 1;
        }
        double det = J[0][0] * J[1][1] - J[0][1] * J[1][0];
        if (!(fabs(det) > 0)) return JMD_ENOCONV;
        double su = -(J[1][1] * f[0] - J[0][1] * f[1]) / det;
        double st = -(-J[1][0] * f[0] + J[0][0] * f[1]) / det;
        /* Damp: kick by at most 30 %, cut-off inside [tc_min, t_full]. */
        double lam = 1.0;
        if (fabs(su) > 0.3) lam = 0.3 / fabs(su);
        double az1 = *az - sol->daz;
        double f0n = hypot(f[0], f[1]);
        int accepted = 0;
        for (int bt = 0; bt < 6; bt++, lam *= 0.5) {
            double u1 = u + lam * su, t1 = *tc + lam * st;
            t1 = fmin(fmax(t1, c->tc_min), c->t_full);
            if ((rc = tg_res2(c, az1, u1, t1, h_req, fn, &tr)) != 0) return rc;
            if (hypot(fn[0], fn[1]) < f0n || bt == 5) {
                /* Broyden rank-one update with the step actually taken. */
                double s0 = u1 - u, s1 = t1 - *tc, ss = s0 * s0 + s1 * s1;
                if (ss > 0) {
                    for (int i = 0; i < 2; i++) {
                        double y = fn[i] - f[i] - (J[i][0] * s0 + J[i][1] * s1);
                        J[i][0] += y * s0 / ss;
                        J[i][1] += y * s1 / ss;
                    }
                }
                accepted = hypot(fn[0], fn[1]) < f0n;
                u = u1;
                *tc = t1;
                *az = az1;
                f[0] = fn[0];
                f[1] = fn[1];
                *sol = tr;
                break;
            }
        }
        if (!accepted) fresh = 0; /* stalled: a new finite-difference Jacobian */
    }
    *kick = exp(u);
    return tg_fly(c, *az, *kick, *tc, 0, sol);
}

/* ---- results ----------------------------------------------------------------- */

/* Fill res from a flight in tr (events) aimed from c. */
static int tg_result(const jmd_trajectory *tr, double lat0, double lon0, double t0, double lat1,
                     double lon1, jmd_target_result *res)
{
    jmd_flight_event bo, ap, im;
    double ecef[3], h, a1, a2;
    int rc;

    if (jmd_trajectory_event(tr, JMD_EV_BURNOUT, &bo) != 0) return JMD_ENOSOL;
    if (jmd_trajectory_event(tr, JMD_EV_IMPACT, &im) != 0) return JMD_ENOSOL;
    double rn = jmd_vec_norm(bo.s.r), vn = jmd_vec_norm(bo.s.v);
    res->burnout_speed = vn;
    res->burnout_gamma =
        vn > 0 ? asin(fmax(-1.0, fmin(1.0, jmd_vec_dot(bo.s.r, bo.s.v) / (rn * vn)))) : 0.0;
    res->burnout_alt = jmd__height(bo.s.r);
    res->burnout_time = bo.s.t - t0;
    res->apogee_alt = jmd_trajectory_event(tr, JMD_EV_APOGEE, &ap) == 0 ? jmd__height(ap.s.r)
                                                                        : res->burnout_alt;
    res->flight_time = im.s.t - t0;
    if ((rc = jmd_geo_eci_to_ecef(im.s.t, im.s.r, ecef)) != 0) return rc;
    if ((rc = jmd_geo_from_ecef(ecef, &res->impact_lat, &res->impact_lon, &h)) != 0) return rc;
    double vr[3] = {im.s.v[0] + JMD_EARTH_OMEGA * im.s.r[1],
                    im.s.v[1] - JMD_EARTH_OMEGA * im.s.r[0], im.s.v[2]};
    res->impact_speed = jmd_vec_norm(vr);
    if (jmd_geo_inverse(res->impact_lat, res->impact_lon, lat1, lon1, &res->miss, &a1, &a2) !=
        0)
        res->miss = 0.0;
    if (jmd_geo_inverse(lat0, lon0, lat1, lon1, &res->ground_range, &a1, &a2) != 0)
        res->ground_range = 0.0;
    return 0;
}

static int tg_point_ok(double lat, double lon)
{
    return isfinite(lat) && fabs(lat) <= TG_PI / 2 && isfinite(lon);
}

int jmd_flight_target(const jmd_vehicle *veh, double lat0, double lon0, double lat1,
                      double lon1, jmd_traj_type type, double apogee_alt, double t0,
                      const jmd_flight_opts *opts, jmd_target_result *res, jmd_trajectory *out)
{
    tg_ctx c;
    tg_scan sc;
    tg_trial best, sol;
    double kmax, rmax, az, kick, tc, a2;
    int rc;

    memset(&c, 0, sizeof c);
    if (!res || !tg_point_ok(lat0, lon0) || !tg_point_ok(lat1, lon1) || !isfinite(t0) ||
        isnan(apogee_alt) || isinf(apogee_alt))
        return JMD_EINVAL;
    if (type != JMD_TRAJ_MIN_ENERGY && type != JMD_TRAJ_LOFTED && type != JMD_TRAJ_DEPRESSED)
        return JMD_EINVAL;
    if ((rc = jmd__vehicle_check(veh)) != 0) return rc;
    if ((rc = jmd__opts_check(opts)) != 0) return rc;
    if ((rc = jmd_geo_inverse(lat0, lon0, lat1, lon1, &c.s_aim, &c.az_aim, &a2)) != 0)
        return rc;
    if (c.s_aim < 1.0) return JMD_EINVAL; /* no direction to aim in */

    c.veh = veh;
    c.opts = opts;
    c.loose = *opts;
    c.loose.rtol = fmin(1e-2, opts->rtol * 100.0);
    c.loose.atol = opts->atol * 100.0;
    c.lat0 = lat0;
    c.lon0 = lon0;
    c.t0 = t0;
    c.lat1 = lat1;
    c.lon1 = lon1;
    c.t_full = jmd__burn_total(veh);
    c.tc_min = fmin(veh->vertical_time + 1.0, c.t_full);

    /* The greatest range at full burn bounds every trajectory type. */
    az = c.az_aim;
    if ((rc = tg_max_range(&c, az, c.t_full, &sc, &kmax, &rmax, &best)) != 0) goto done;
    if (rmax < c.s_aim) {
        rc = JMD_ENOSOL;
        goto done;
    }
    az -= best.daz; /* the rotating Earth's deflection, to first order */
    kick = kmax;
    tc = c.t_full;

    if (type == JMD_TRAJ_MIN_ENERGY) {
        rc = tg_min_energy(&c, kmax, rmax, &az, &kick, &tc, &sol);
    } else {
        int lofted = type == JMD_TRAJ_LOFTED;
        tc = c.t_full;
        rc = tg_branch(&c, lofted, tc, &sc, kmax, &az, &kick, &sol);
        if (rc == 0 && apogee_alt > 0) {
            /* The trajectories that reach the aim form one curve in (kick,
             * cut-off), from the depressed full burn (lowest apogee) through
             * the minimum-energy one to the lofted full burn (highest), with
             * the apogee monotonic along it: bound the request by the ends
             * of its half, then start Newton at the point interpolated in
             * apogee between them. */
            double az_f = az, u_f = log(kick), h_f = sol.apogee, az_m, k_m, tc_m;
            tg_trial me;
            if ((lofted && apogee_alt > h_f + 1.0) || (!lofted && apogee_alt < h_f - 1.0)) {
                rc = JMD_ENOSOL;
                goto done;
            }
            az_m = az_f;
            if ((rc = tg_min_energy(&c, kmax, rmax, &az_m, &k_m, &tc_m, &me)) != 0) goto done;
            if ((lofted && apogee_alt < me.apogee - 1e3) ||
                (!lofted && apogee_alt > me.apogee + 1e3)) {
                rc = JMD_ENOSOL;
                goto done;
            }
            double fr =
                (h_f - me.apogee) != 0 ? (apogee_alt - me.apogee) / (h_f - me.apogee) : 0;
            fr = fmin(1.0, fmax(0.0, fr));
            az = az_m + fr * tg_wrap_pi(az_f - az_m);
            kick = exp(log(k_m) + fr * (u_f - log(k_m)));
            tc = tc_m + fr * (c.t_full - tc_m);
            rc = tg_apogee(&c, apogee_alt, &az, &kick, &tc, &sol);
        }
    }
    if (rc) goto done;
    if (!sol.impact || !(sol.miss <= JMD__MISS_ACCEPT)) {
        rc = JMD_ENOCONV;
        goto done;
    }

    memset(res, 0, sizeof *res);
    res->launch.lat = lat0;
    res->launch.lon = lon0;
    res->launch.h = 0.0;
    res->launch.t0 = t0;
    res->launch.azimuth = tg_wrap_pi(az);
    if (res->launch.azimuth < 0) res->launch.azimuth += 2 * TG_PI;
    res->launch.kick = kick;
    res->launch.cutoff = tc >= c.t_full ? 0.0 : tc;
    if (out) {
        if ((rc = jmd__fly(veh, &res->launch, opts, 1, out)) != 0) goto done;
        rc = tg_result(out, lat0, lon0, t0, lat1, lon1, res);
    } else {
        rc = tg_result(&c.scratch, lat0, lon0, t0, lat1, lon1, res);
    }
done:
    jmd_trajectory_free(&c.scratch);
    return rc;
}

/* ---- free flight -------------------------------------------------------------- */

typedef struct {
    double r1[3];  /* burnout position (ECI) */
    double aim[3]; /* aim point (ECEF) */
    double t0;
    int nlam; /* Lambert solves */
} af_ctx;

/* Burnout velocity for time of flight T (s); *valid = 0 when the arc does
 * not come down onto the aim (it would arrive climbing, having passed its
 * perigee under the ground: a chord through the Earth, not a flight). */
static int af_lambert(af_ctx *c, double T, double v1[3], double r2[3], int *valid)
{
    double cr[3], v2[3];
    int rc;
    if ((rc = jmd_geo_ecef_to_eci(c->t0 + T, c->aim, r2)) != 0) return rc;
    jmd_vec_cross(c->r1, r2, cr);
    c->nlam++;
    /* The short way round: angular momentum along r1 x r2. */
    if ((rc = jmd_orbit_lambert(JMD_WGS84_GM, c->r1, r2, T, cr[2] < 0 ? 1 : 0, v1, v2)) != 0)
        return rc;
    *valid = jmd_vec_dot(r2, v2) < 0;
    return 0;
}

/* Apogee of the arc from (r1, v1) over [0, T]: time after burnout (s) and
 * geodetic height (m); the burnout point when the arc only descends. */
static int af_apogee(const af_ctx *c, const double v1[3], double T, double *ta, double *ha)
{
    jmd_elements el;
    double r[3], v[3];
    int rc;

    *ta = 0.0;
    *ha = jmd__height(c->r1);
    if (jmd_vec_dot(c->r1, v1) <= 0) return 0;
    if ((rc = jmd_orbit_elements(JMD_WGS84_GM, c->r1, v1, &el)) != 0) return rc;
    if (!(el.e < 1.0) || !(el.a > 0)) {
        /* Unbound: climbs for ever. */
        *ta = T;
    } else {
        double n = sqrt(JMD_WGS84_GM / (el.a * el.a * el.a));
        double rn = jmd_vec_norm(c->r1);
        double ecosE = 1.0 - rn / el.a,
               esinE = jmd_vec_dot(c->r1, v1) / sqrt(JMD_WGS84_GM * el.a);
        double E = atan2(esinE, ecosE); /* in (0, pi): ascending */
        double M = E - esinE;
        *ta = (TG_PI - M) / n;
        if (*ta > T) *ta = T;
    }
    if ((rc = jmd_orbit_kepler(JMD_WGS84_GM, c->r1, v1, *ta, r, v)) != 0) return rc;
    *ha = jmd__height(r);
    return 0;
}

/* Burnout speed at T (for the minimiser); +inf when Lambert fails. */
static double af_speed(af_ctx *c, double T)
{
    double v1[3], r2[3];
    int valid;
    if (af_lambert(c, T, v1, r2, &valid) != 0) return INFINITY;
    return jmd_vec_norm(v1);
}

/* Brent's minimiser of the burnout speed over T in [a, b]. */
static double af_min_speed(af_ctx *c, double a, double b)
{
    const double cgold = 0.3819660112501051;
    double x = a + cgold * (b - a), w = x, v = x;
    double fx = af_speed(c, x), fw = fx, fv = fx, d = 0.0, e = 0.0;
    for (int it = 0; it < 100; it++) {
        double xm = 0.5 * (a + b), tol1 = 1e-6 * fabs(x) + 1e-6, tol2 = 2 * tol1;
        if (fabs(x - xm) <= tol2 - 0.5 * (b - a)) break;
        double u;
        if (fabs(e) > tol1) {
            double r = (x - w) * (fx - fv), q = (x - v) * (fx - fw),
                   p = (x - v) * q - (x - w) * r;
            q = 2 * (q - r);
            if (q > 0) p = -p;
            q = fabs(q);
            double etemp = e;
            e = d;
            if (fabs(p) >= fabs(0.5 * q * etemp) || p <= q * (a - x) || p >= q * (b - x)) {
                e = x >= xm ? a - x : b - x;
                d = cgold * e;
            } else {
                d = p / q;
                u = x + d;
                if (u - a < tol2 || b - u < tol2) d = xm - x >= 0 ? tol1 : -tol1;
            }
        } else {
            e = x >= xm ? a - x : b - x;
            d = cgold * e;
        }
        u = fabs(d) >= tol1 ? x + d : x + (d >= 0 ? tol1 : -tol1);
        double fu = af_speed(c, u);
        if (fu <= fx) {
            if (u >= x)
                a = x;
            else
                b = x;
            v = w;
            fv = fw;
            w = x;
            fw = fx;
            x = u;
            fx = fu;
        } else {
            if (u < x)
                a = u;
            else
                b = u;
            if (fu <= fw || w == x) {
                v = w;
                fv = fw;
                w = u;
                fw = fu;
            } else if (fu <= fv || v == x || v == w) {
                v = u;
                fv = fu;
            }
        }
    }
    return x;
}

/* Apogee height minus h_req at T; an arc through the Earth counts as
 * lower than any request (-1e9), so the depressed search stops at the
 * flattest real arc. */
static int af_apo_res(af_ctx *c, double T, double h_req, double *g)
{
    double v1[3], r2[3], ta, ha;
    int valid, rc = af_lambert(c, T, v1, r2, &valid);
    if (rc) return rc;
    if (!valid) {
        *g = -1e9;
        return 0;
    }
    if ((rc = af_apogee(c, v1, T, &ta, &ha)) != 0) return rc;
    *g = ha - h_req;
    return 0;
}

/* Height above opts->impact_alt (or the re-entry level) along the arc at t. */
static double af_level(const double r1[3], const double v1[3], double dt, double level)
{
    double r[3], v[3];
    if (jmd_orbit_kepler(JMD_WGS84_GM, r1, v1, dt, r, v) != 0) return NAN;
    return jmd__height(r) - level;
}

/* Time in [ta, tb] (g(ta) > 0 >= g(tb)) at which the arc crosses `level`. */
static double af_cross(const double r1[3], const double v1[3], double ta, double tb,
                       double level)
{
    double ga = af_level(r1, v1, ta, level), gb = af_level(r1, v1, tb, level);
    int side = 0;
    for (int it = 0; it < 100 && tb - ta > 1e-7; it++) {
        double t = tb - gb * (tb - ta) / (gb - ga);
        if (!(t > ta && t < tb)) t = 0.5 * (ta + tb);
        double g = af_level(r1, v1, t, level);
        if (!isfinite(g)) break;
        if (g > 0) {
            ta = t;
            ga = g;
            if (side == -1) gb *= 0.5;
            side = -1;
        } else {
            tb = t;
            gb = g;
            if (side == 1) ga *= 0.5;
            side = 1;
        }
    }
    return tb;
}

/* Sample the Kepler arc from burnout (t0, r1, v1) to impact into tr. */
static int af_sample(const jmd_flight_opts *opts, double t0, const double r1[3],
                     const double v1[3], double ta, double T, int dense, jmd_trajectory *tr)
{
    jmd_state st;
    double r[3], v[3];
    int rc;

    jmd__traj_clear(tr);
    /* Impact: the first descent through impact_alt after the apogee. */
    double tlo = ta, thi = fmax(T, ta + 1.0);
    for (int i = 0; i < 60 && !(af_level(r1, v1, thi, opts->impact_alt) <= 0); i++)
        thi += 60.0;
    if (!(af_level(r1, v1, thi, opts->impact_alt) <= 0)) return JMD_ENOCONV;
    if (!(af_level(r1, v1, tlo, opts->impact_alt) > 0)) return JMD_ENOSOL; /* never above it */
    double timp = af_cross(r1, v1, tlo, thi, opts->impact_alt);
    double tre = NAN;
    if (af_level(r1, v1, ta, JMD_REENTRY_ALT) > 0 &&
        af_level(r1, v1, timp, JMD_REENTRY_ALT) <= 0)
        tre = af_cross(r1, v1, ta, timp, JMD_REENTRY_ALT);
    double tev[3] = {ta > 0 ? ta : NAN, tre, timp};
    int kind[3] = {JMD_EV_APOGEE, JMD_EV_REENTRY, JMD_EV_IMPACT};

    st.t = t0;
    memcpy(st.r, r1, sizeof st.r);
    memcpy(st.v, v1, sizeof st.v);
    if ((rc = jmd__traj_push(tr, &st)) != 0) return rc;
    if ((rc = jmd__traj_event(tr, JMD_EV_BURNOUT, 0, &st)) != 0) return rc;
    double k = 1.0;
    int next = 0;
    for (;;) {
        double tg = dense ? k * opts->output_step : INFINITY;
        while (next < 3 && isnan(tev[next]))
            next++;
        double te = next < 3 ? tev[next] : INFINITY;
        if (tg > timp) tg = INFINITY;
        if (!isfinite(tg) && !isfinite(te)) break;
        double dt = te <= tg ? te : tg;
        if ((rc = jmd_orbit_kepler(JMD_WGS84_GM, r1, v1, dt, r, v)) != 0) return rc;
        st.t = t0 + dt;
        memcpy(st.r, r, sizeof r);
        memcpy(st.v, v, sizeof v);
        if (tr->n > 0 && st.t - tr->s[tr->n - 1].t < 1e-6) {
            if (te <= tg) tr->s[tr->n - 1] = st;
        } else if ((rc = jmd__traj_push(tr, &st)) != 0) {
            return rc;
        }
        if (te <= tg) {
            if ((rc = jmd__traj_event(tr, kind[next], -1, &st)) != 0) return rc;
            if (kind[next] == JMD_EV_IMPACT) break;
            next++;
        } else {
            k += 1.0;
        }
    }
    return 0;
}

int jmd_flight_aim_free(double lat0, double lon0, double h0, double lat1, double lon1,
                        jmd_traj_type type, double apogee_alt, double t0,
                        const jmd_flight_opts *opts, jmd_target_result *res,
                        jmd_trajectory *out)
{
    af_ctx c;
    jmd_trajectory tmp = {0};
    jmd_trajectory *tr = out ? out : &tmp;
    jmd_ballistic me;
    double ecef[3], s, az1, az2, T, v1[3], r2[3], ta, ha;
    int rc;

    if (!res || !tg_point_ok(lat0, lon0) || !tg_point_ok(lat1, lon1) || !isfinite(t0) ||
        !(h0 >= -5000.0 && h0 <= 1e7) || isnan(apogee_alt) || isinf(apogee_alt))
        return JMD_EINVAL;
    if (type != JMD_TRAJ_MIN_ENERGY && type != JMD_TRAJ_LOFTED && type != JMD_TRAJ_DEPRESSED)
        return JMD_EINVAL;
    /* Without a booster there is no full burn: the apogee is required. */
    if (type != JMD_TRAJ_MIN_ENERGY && !(apogee_alt > 0)) return JMD_EINVAL;
    if ((rc = jmd__opts_check(opts)) != 0) return rc;
    if ((rc = jmd_geo_inverse(lat0, lon0, lat1, lon1, &s, &az1, &az2)) != 0) return rc;
    if (s < 1.0) return JMD_EINVAL;

    memset(&c, 0, sizeof c);
    c.t0 = t0;
    if ((rc = jmd_geo_to_ecef(lat0, lon0, h0, ecef)) != 0) return rc;
    if ((rc = jmd_geo_ecef_to_eci(t0, ecef, c.r1)) != 0) return rc;
    if ((rc = jmd_geo_to_ecef(lat1, lon1, 0.0, c.aim)) != 0) return rc;

    /* Bracket the minimum-energy time of flight around the closed form on
     * a sphere of the burnout radius (the rotating, ellipsoidal Earth moves
     * it by a few per cent). */
    double rn = jmd_vec_norm(c.r1);
    if ((rc = jmd_orbit_min_energy(JMD_WGS84_GM, rn, s / JMD_EARTH_RMEAN, &me)) != 0) return rc;
    double Tme = af_min_speed(&c, 0.5 * me.tof, 1.6 * me.tof);
    if (!isfinite(af_speed(&c, Tme))) {
        rc = JMD_ENOCONV;
        goto done;
    }
    T = Tme;
    if (type != JMD_TRAJ_MIN_ENERGY) {
        double g_me, ga, gb, Ta, Tb;
        if ((rc = af_apo_res(&c, Tme, apogee_alt, &g_me)) != 0) goto done;
        int lofted = type == JMD_TRAJ_LOFTED;
        /* Lofted: apogee grows with T beyond Tme; depressed: falls below it. */
        if ((lofted && g_me > 0) || (!lofted && g_me < 0)) {
            rc = JMD_ENOSOL;
            goto done;
        }
        Ta = Tme;
        ga = g_me;
        Tb = Tme;
        gb = g_me;
        int found = 0;
        for (int i = 0; i < 60; i++) {
            Tb = lofted ? Tb * 1.25 : Tb * 0.85;
            if (lofted && Tb > 86400.0) break;
            if ((rc = af_apo_res(&c, Tb, apogee_alt, &gb)) != 0) {
                if (!lofted) break; /* too short to be solved: nothing lower */
                goto done;
            }
            if ((lofted && gb >= 0) || (!lofted && gb <= 0)) {
                found = 1;
                break;
            }
            Ta = Tb;
            ga = gb;
        }
        if (!found) {
            rc = JMD_ENOSOL;
            goto done;
        }
        /* Illinois on [Ta, Tb] for apogee = apogee_alt. */
        int side = 0;
        for (int it = 0; it < 100 && fabs(Tb - Ta) > 1e-6; it++) {
            double Tn = Tb - gb * (Tb - Ta) / (gb - ga), g;
            if (!(Tn > fmin(Ta, Tb) && Tn < fmax(Ta, Tb))) Tn = 0.5 * (Ta + Tb);
            if ((rc = af_apo_res(&c, Tn, apogee_alt, &g)) != 0) goto done;
            if (fabs(g) < 1e-3) {
                Ta = Tb = Tn;
                break;
            }
            if ((g < 0) == (ga < 0)) {
                Ta = Tn;
                ga = g;
                if (side == -1) gb *= 0.5;
                side = -1;
            } else {
                Tb = Tn;
                gb = g;
                if (side == 1) ga *= 0.5;
                side = 1;
            }
        }
        T = 0.5 * (Ta + Tb);
        double g;
        if ((rc = af_apo_res(&c, T, apogee_alt, &g)) != 0) goto done;
        if (!(fabs(g) < 1.0)) {
            rc = JMD_ENOSOL; /* the request lies beyond the flattest real arc */
            goto done;
        }
    }
    int valid;
    if ((rc = af_lambert(&c, T, v1, r2, &valid)) != 0) goto done;
    if (!valid) {
        rc = JMD_ENOSOL;
        goto done;
    }
    if ((rc = af_apogee(&c, v1, T, &ta, &ha)) != 0) goto done;
    if ((rc = af_sample(opts, t0, c.r1, v1, ta, T, out != NULL, tr)) != 0) goto done;

    memset(res, 0, sizeof *res);
    res->launch.lat = lat0;
    res->launch.lon = lon0;
    res->launch.h = h0;
    res->launch.t0 = t0;
    {
        /* Heading of the Earth-relative burnout velocity (clockwise from north). */
        double vr[3] = {v1[0] + JMD_EARTH_OMEGA * c.r1[1], v1[1] - JMD_EARTH_OMEGA * c.r1[0],
                        v1[2]};
        double lam = atan2(c.r1[1], c.r1[0]);
        double e = -sin(lam) * vr[0] + cos(lam) * vr[1];
        double n =
            -sin(lat0) * cos(lam) * vr[0] - sin(lat0) * sin(lam) * vr[1] + cos(lat0) * vr[2];
        double a = atan2(e, n);
        res->launch.azimuth = a < 0 ? a + 2 * TG_PI : a;
    }
    if ((rc = tg_result(tr, lat0, lon0, t0, lat1, lon1, res)) != 0) goto done;
    res->apogee_alt = ha;
done:
    jmd_trajectory_free(&tmp);
    if (rc && out) jmd__traj_clear(out);
    return rc;
}
