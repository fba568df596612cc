/*
 * kepler.c — two-body propagation by universal variables, and Kepler's
 * equation for the ellipse.
 *
 * jmd_orbit_kepler solves the universal Kepler equation (Vallado 2013,
 * Alg. 8; Curtis Alg. 3.4; Battin 1999 §4.5) for the universal anomaly chi
 * with Laguerre-Conway iterations (Conway 1986; Halley's step, its limit,
 * once close) kept inside a bracket that bisection falls back on, so it
 * converges for every conic and cannot run away. The universal functions
 * U0..U3 come from the Stumpff series for |alpha chi^2| < 1 (no
 * cancellation near the parabola) and from one sin/cos or exp otherwise:
 * one transcendental call per iteration. Ellipses drop whole periods
 * first; negative dt is forward propagation of the reversed velocity; the
 * exponential branch of a hyperbola is regrouped on exp(+-s chi) so that a
 * fast inbound arc does not cancel (see kepler_f).
 *
 * Workload: the hottest function of the library (every trajectory sample,
 * every targeting and reach iteration calls it); typically 2-4 iterations,
 * about 0.15 us. Pure, reentrant, no allocation.
 */
#include <math.h>
#include <stddef.h>

#include "jmd/orbit.h"
#include "orbit/orbit__vec.h"

/* Cap on iterations: Laguerre-Conway needs a handful, and the bisection
 * fallback halves the bracket each time, so 200 covers any double range. */
#define KEPLER_MAXIT 200
/* A Laguerre step this small (relative) means the cubic convergence has
 * left an error of order step^3: finish with a Taylor update instead of
 * another transcendental evaluation. */
#define KEPLER_STEP_TOL 1e-9

/* The fixed data of one propagation (time-reversed when dt < 0). */
typedef struct {
    double rn;    /* |r0| */
    double sigma; /* r0.v0 / sqrt(mu) */
    double alpha; /* 1/a */
    double s;     /* sqrt(|alpha|) */
    double inv_s; /* 1/s, and 1/s^2 = 1/|alpha|: the hot loop multiplies */
    double inv_s2;
    double tau;   /* sqrt(mu) dt, reduced modulo the period */
    double ha, hb; /* hyperbola: A = 1 + r0 s^2 + sigma s, B = sigma s - 1 - r0 s^2 */
    double hc1, hc2; /* hyperbola: r0 s + sigma, sigma - r0 s */
} kprob;

/* Universal functions U_k(chi; alpha) = chi^k c_k(alpha chi^2) (Battin);
 * on the exponential branch of a hyperbola also E = exp(s chi), 1/E. */
typedef struct {
    double u0, u1, u2, u3;
    double ep, em;
    int hyp;
} ufun;

/* U0..U3 of a hyperbola from E = exp(s chi) and 1/E. */
static void ufun_from_exp(const kprob *k, double chi, double ep, double em, ufun *u)
{
    u->ep = ep;
    u->em = em;
    u->hyp = 1;
    u->u0 = 0.5 * (ep + em);
    u->u1 = 0.5 * (ep - em) * k->inv_s;
    u->u2 = 0.5 * ((ep - 1.0) - (1.0 - em)) * k->inv_s2;
    u->u3 = (u->u1 - chi) * k->inv_s2;
}

/* U0..U3 at chi. */
static void ufun_eval(const kprob *k, double chi, ufun *u)
{
    double alpha = k->alpha, s = k->s;
    double chi2 = chi * chi;
    double z = -alpha * chi2;
    u->hyp = 0;
    if (fabs(z) < 1.0) {
        /* c2 = sum z^k/(2k+2)!, c3 = sum z^k/(2k+3)!; nine terms reach
         * 1/21! < 1e-19 for |z| < 1, and avoid the 1 - cos cancellation. */
        double c2 = 1.0 / 6402373705728000.0;          /* 1/18! */
        c2 = c2 * z + 1.0 / 20922789888000.0;          /* 1/16! */
        c2 = c2 * z + 1.0 / 87178291200.0;             /* 1/14! */
        c2 = c2 * z + 1.0 / 479001600.0;               /* 1/12! */
        c2 = c2 * z + 1.0 / 3628800.0;                 /* 1/10! */
        c2 = c2 * z + 1.0 / 40320.0;                   /* 1/8! */
        c2 = c2 * z + 1.0 / 720.0;                     /* 1/6! */
        c2 = c2 * z + 1.0 / 24.0;                      /* 1/4! */
        c2 = c2 * z + 0.5;                             /* 1/2! */
        double c3 = 1.0 / 121645100408832000.0;        /* 1/19! */
        c3 = c3 * z + 1.0 / 355687428096000.0;         /* 1/17! */
        c3 = c3 * z + 1.0 / 1307674368000.0;           /* 1/15! */
        c3 = c3 * z + 1.0 / 6227020800.0;              /* 1/13! */
        c3 = c3 * z + 1.0 / 39916800.0;                /* 1/11! */
        c3 = c3 * z + 1.0 / 362880.0;                  /* 1/9! */
        c3 = c3 * z + 1.0 / 5040.0;                    /* 1/7! */
        c3 = c3 * z + 1.0 / 120.0;                     /* 1/5! */
        c3 = c3 * z + 1.0 / 6.0;                       /* 1/3! */
        u->u2 = chi2 * c2;
        u->u3 = chi2 * chi * c3;
        u->u1 = chi - alpha * u->u3;
        u->u0 = 1.0 - alpha * u->u2;
    } else if (alpha > 0.0) {
        /* |z| >= 1: 1 - cos and x - sin lose at most a few ulps here. */
        double x = s * chi;
        double c = cos(x), sn = sin(x);
        u->u0 = c;
        u->u1 = sn * k->inv_s;
        u->u2 = (1.0 - c) * k->inv_s2;
        u->u3 = (chi - u->u1) * k->inv_s2;
    } else {
        double ep = exp(s * chi);
        ufun_from_exp(k, chi, ep, 1.0 / ep, u);
    }
}

/* F(chi) = sqrt(mu) t(chi) - tau, F' = r(chi), F''. On the exponential
 * branch of a hyperbola the textbook sum r0 U1 + sigma U2 + U3 cancels
 * catastrophically for a fast inbound arc (1 + r0 s^2 + sigma s -> 0 while
 * each term is ~ -alpha r0), so it is regrouped on E and 1/E with A and B
 * computed without cancellation (see kprob setup). */
static void kepler_f(const kprob *k, double chi, const ufun *u, double *f, double *df,
                     double *ddf)
{
    if (u->hyp) {
        double h = 0.5 * k->inv_s2;
        double em1 = u->ep - 1.0, omi = 1.0 - u->em;
        *f = (k->ha * em1 - k->hb * omi - 2.0 * k->s * chi) * h * k->inv_s - k->tau;
        *df = (k->ha * u->ep - k->hb * u->em - 2.0) * h;
        *ddf = (k->ha * u->ep + k->hb * u->em) * 0.5 * k->inv_s;
    } else {
        *f = k->rn * u->u1 + k->sigma * u->u2 + u->u3 - k->tau;
        *df = k->rn * u->u0 + k->sigma * u->u1 + u->u2;
        *ddf = k->sigma * u->u0 + (1.0 - k->alpha * k->rn) * u->u1;
    }
}

/* U_k at chi + d from U_k at chi, exact to O(d^3): spares the final
 * transcendental evaluation once the iteration has converged. */
static void ufun_shift(const kprob *k, double chi, double d, ufun *u)
{
    if (u->hyp) {
        double y = k->s * d;
        double ep = u->ep * (1.0 + y * (1.0 + 0.5 * y * (1.0 + y / 3.0)));
        double em = u->em * (1.0 - y * (1.0 - 0.5 * y * (1.0 - y / 3.0)));
        ufun_from_exp(k, chi + d, ep, em, u);
        return;
    }
    double alpha = k->alpha, h = 0.5 * d;
    ufun w;
    w.u0 = u->u0 - alpha * d * (u->u1 + h * u->u0);
    w.u1 = u->u1 + d * (u->u0 - h * alpha * u->u1);
    w.u2 = u->u2 + d * (u->u1 + h * u->u0);
    w.u3 = u->u3 + d * (u->u2 + h * u->u1);
    w.ep = w.em = 0.0;
    w.hyp = 0;
    *u = w;
}

int jmd_orbit_kepler(double mu, const double r0[3], const double v0[3], double dt,
                     double r[3], double v[3])
{
    int rc = JMD_EINVAL;
    if (!r0 || !v0 || !r || !v) goto out;
    if (!(mu > 0.0) || !isfinite(mu) || !isfinite(dt)) goto out;
    if (!orbit__finite3(r0) || !orbit__finite3(v0)) goto out;

    double rr = orbit__dot(r0, r0), vv = orbit__dot(v0, v0);
    if (!(rr > 0.0) || !(vv > 0.0)) goto out; /* zero (or underflowing) vector */

    if (dt == 0.0) {
        double tr[3] = {r0[0], r0[1], r0[2]}, tv[3] = {v0[0], v0[1], v0[2]};
        for (int i = 0; i < 3; i++) r[i] = tr[i], v[i] = tv[i];
        rc = JMD_OK;
        goto out;
    }

    /* Backward propagation is forward propagation of the reversed velocity
     * (time symmetry), so the solver only ever sees tau > 0 and chi >= 0. */
    double sgn = dt < 0.0 ? -1.0 : 1.0;
    double smu = sqrt(mu), inv_mu = 1.0 / mu, inv_smu = 1.0 / smu;
    kprob k;
    k.rn = sqrt(rr);
    double inv_rn = 1.0 / k.rn;
    k.sigma = sgn * orbit__dot(r0, v0) * inv_smu;
    k.alpha = 2.0 * inv_rn - vv * inv_mu;
    k.s = sqrt(fabs(k.alpha));
    k.inv_s = 1.0 / k.s; /* inf for alpha = 0, where only the series runs */
    k.inv_s2 = k.inv_s * k.inv_s;
    k.tau = fabs(dt) * smu;
    k.ha = k.hb = k.hc1 = k.hc2 = 0.0;
    double rn = k.rn, alpha = k.alpha, s = k.s, sigma = k.sigma;

    /* lo <= chi <= hi brackets the root for the bisection fallback. */
    double lo = 0.0, hi = INFINITY;
    double chi;
    if (alpha > 0.0) {
        /* Ellipse: whole periods change nothing, so drop them before
         * iterating; chi for one period is 2 pi / sqrt(alpha). */
        double period = ORBIT__TWO_PI * k.inv_s2 * k.inv_s;
        if (k.tau >= period) k.tau = fmod(k.tau, period);
        hi = ORBIT__TWO_PI * k.inv_s;
        chi = k.tau * alpha; /* exact for the circle (Vallado) */
    } else {
        double h[3];
        orbit__cross(r0, v0, h);
        double p = orbit__dot(h, h) * inv_mu; /* semi-latus rectum, no cancellation */
        double e2 = 1.0 - alpha * p;
        /* A = e exp(H0), -B = e exp(-H0) with H0 the hyperbolic anomaly at
         * t0; A B = -e^2, so the one that cancels is e^2 over the other.
         * Likewise (r0 s + sigma)(r0 s - sigma) = p - 2 r0. */
        double a1 = 1.0 + rn * s * s;
        if (alpha == 0.0) {
            /* exact parabola: s = 0, only the series branch ever runs */
        } else if (sigma < 0.0) {
            k.hb = sigma * s - a1;
            k.ha = -e2 / k.hb;
            k.hc2 = sigma - rn * s;
            k.hc1 = (p - 2.0 * rn) / -k.hc2;
        } else {
            k.ha = a1 + sigma * s;
            k.hb = -e2 / k.ha;
            k.hc1 = rn * s + sigma;
            k.hc2 = -(p - 2.0 * rn) / k.hc1;
        }
        if (-alpha * rn > 1e-3) {
            /* Vallado's hyperbolic guess: the A exp(s chi) term alone. */
            double ratio = 2.0 * s * s * s * k.tau / k.ha;
            chi = ratio > 1.0 ? log(ratio) * k.inv_s : k.tau * inv_rn;
        } else {
            chi = k.tau * inv_rn; /* near-parabolic: first Newton step from 0 */
        }
        /* r >= periapsis q bounds chi <= tau / q; q taken on the low side
         * of its rounding (e to sqrt(eps) near e = 1, h^2 to eps r^2 v^2). */
        double q = (p - 1e-14 * rr * vv * inv_mu) / (1.0 + sqrt(fmax(e2, 0.0) + 1e-12));
        if (q > 0.0) hi = k.tau / q;
    }
    if (!(chi > lo && chi < hi)) {
        chi = k.tau * inv_rn; /* first Newton step from 0 */
        if (!(chi > lo && chi < hi)) chi = 0.5 * (lo + hi);
    }

    ufun u = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0};
    int done = 0;
    if (k.tau == 0.0) { /* whole periods exactly: chi = 0, the identity */
        ufun_eval(&k, 0.0, &u);
        done = 1;
    }
    for (int it = 0; it < KEPLER_MAXIT && !done; it++) {
        double f, df, ddf;
        ufun_eval(&k, chi, &u);
        kepler_f(&k, chi, &u, &f, &df, &ddf);
        if (f == 0.0) {
            done = 1;
            break;
        }
        if (isfinite(f) && f < 0.0) lo = chi;
        else hi = chi; /* overflow only happens past the root */
        double next = NAN;
        int laguerre = 0;
        if (alpha < 0.0 && f > k.tau && isfinite(f) && isfinite(df)) {
            /* Far past the root of a hyperbola the time grows like
             * exp(s chi) and Laguerre would creep back by ~1/s a step:
             * Newton on log(sqrt(mu) t) instead, exact for an exponential. */
            double tt = f + k.tau;
            next = chi - log(tt / k.tau) * tt / df;
        } else if (isfinite(f) && isfinite(df) && isfinite(ddf)) {
            double dfs = df * df, fdd = f * ddf;
            if (fabs(fdd) < 0.05 * dfs) {
                /* Near the root Laguerre reduces to Halley's step (same
                 * cubic order) and the square root can be spared. */
                next = chi - 2.0 * f * df / (2.0 * dfs - fdd);
            } else {
                /* Laguerre-Conway, n = 5: convergent from almost anywhere. */
                double den = df + copysign(sqrt(fabs(16.0 * dfs - 20.0 * fdd)), df);
                next = chi - 5.0 * f / den;
            }
            laguerre = 1;
        }
        double d = next - chi;
        if (laguerre && fabs(d) <= KEPLER_STEP_TOL * chi) {
            /* Converged; a step this small may round back onto chi or onto
             * a bracket end, so it is tested before the bracket. */
            ufun_shift(&k, chi, d, &u);
            done = 1;
            break;
        }
        if (!(next > lo && next < hi)) {
            next = isfinite(hi) ? 0.5 * (lo + hi) : 2.0 * chi + k.tau * inv_rn;
            if (next == lo || next == hi) {
                /* Bracket down to adjacent doubles: converged, as long as
                 * the residual agrees (it cannot when F overflows there). */
                done = fabs(f) <= 1e-6 * k.tau;
                break;
            }
        }
        chi = next;
    }
    if (!done) {
        rc = JMD_ENOCONV;
        goto out;
    }

    /* Lagrange coefficients; g from U1, U2 rather than dt - U3/sqrt(mu),
     * which cancels for long arcs (and regrouped on E, 1/E for a
     * hyperbola, as in kepler_f). */
    double rnew, gs;
    if (u.hyp) {
        double h = 0.5 * k.inv_s2;
        rnew = (k.ha * u.ep - k.hb * u.em - 2.0) * h;
        gs = (k.hc1 * (u.ep - 1.0) - k.hc2 * (1.0 - u.em)) * h;
    } else {
        rnew = rn * u.u0 + sigma * u.u1 + u.u2;
        gs = rn * u.u1 + sigma * u.u2;
    }
    double inv_rnew = 1.0 / rnew;
    double f = 1.0 - u.u2 * inv_rn;
    double g = sgn * gs * inv_smu;
    double fd = -sgn * smu * u.u1 * inv_rn * inv_rnew;
    double gd = 1.0 - u.u2 * inv_rnew;
    double tr[3], tv[3];
    for (int i = 0; i < 3; i++) {
        tr[i] = f * r0[i] + g * v0[i];
        tv[i] = fd * r0[i] + gd * v0[i];
    }
    if (!(rnew > 0.0) || !orbit__finite3(tr) || !orbit__finite3(tv)) {
        rc = JMD_ERANGE; /* the state overflows, or the arc hits the centre */
        goto out;
    }
    for (int i = 0; i < 3; i++) r[i] = tr[i], v[i] = tv[i];
    rc = JMD_OK;
out:
    return rc;
}

/* E - sin E without cancellation for small E (Kepler near periapsis with
 * e close to 1 is otherwise ill-conditioned). */
static double e_minus_sin(double x)
{
    if (fabs(x) < 0.5) {
        double x2 = x * x;
        double t = 1.0 / 1307674368000.0;           /* 1/15! */
        t = -t * x2 + 1.0 / 6227020800.0;           /* 1/13! */
        t = -t * x2 + 1.0 / 39916800.0;             /* 1/11! */
        t = -t * x2 + 1.0 / 362880.0;               /* 1/9! */
        t = -t * x2 + 1.0 / 5040.0;                 /* 1/7! */
        t = -t * x2 + 1.0 / 120.0;                  /* 1/5! */
        t = -t * x2 + 1.0 / 6.0;                    /* 1/3! */
        return t * x2 * x;
    }
    return x - sin(x);
}

int jmd_orbit_kepler_equation(double mean_anomaly, double e, double *ecc_anomaly)
{
    int rc = JMD_EINVAL;
    if (!ecc_anomaly || !isfinite(mean_anomaly) || !isfinite(e)) goto out;
    if (!(e >= 0.0 && e < 1.0)) goto out;
    if (e == 0.0) {
        *ecc_anomaly = mean_anomaly;
        rc = JMD_OK;
        goto out;
    }

    /* Reduce to m in [-pi, pi]: remainder() is exact with respect to the
     * double 2 pi; the second term restores the 2.4e-16 rad per revolution
     * that double lacks (Cody-Waite), while the count stays exact. */
    double m = remainder(mean_anomaly, ORBIT__TWO_PI);
    double nrev = (mean_anomaly - m) / ORBIT__TWO_PI;
    if (fabs(nrev) < 1e9) m -= nrev * 2.4492935982947064e-16;
    if (m > ORBIT__PI) m = ORBIT__PI;
    if (m < -ORBIT__PI) m = -ORBIT__PI;

    /* Solve for x = E in [-pi, pi] with the sign of m; the root lies in
     * [m, m + e] (or [m - e, m]) because E - M = e sin E. */
    double am = fabs(m);
    double lo = am, hi = fmin(am + e, ORBIT__PI);
    double x = am + 0.85 * e; /* Danby's starter */
    if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
    int done = (am == 0.0 || am == ORBIT__PI);
    if (done) x = am;
    for (int it = 0; it < 100 && !done; it++) {
        double sn = sin(x), c = cos(x);
        /* f = x - e sin x - m, evaluated as (1-e) x + e (x - sin x) - m. */
        double f = (1.0 - e) * x + e * e_minus_sin(x) - am;
        if (f == 0.0) {
            done = 1;
            break;
        }
        if (f < 0.0) lo = x;
        else hi = x;
        double d1 = 1.0 - e * c, d2 = e * sn;
        double next = x - 2.0 * f * d1 / (2.0 * d1 * d1 - f * d2); /* Halley */
        if (!(next >= lo && next <= hi)) next = 0.5 * (lo + hi);
        if (fabs(next - x) <= 4e-16 * x || next == lo || next == hi) {
            x = next;
            done = 1;
        }
        x = next;
    }
    if (!done) {
        /* The bracket is tight even without convergence flag: accept when
         * it is within a few ulps, otherwise report. */
        if (!(hi - lo <= 1e-14 * fmax(1.0, hi))) {
            rc = JMD_ENOCONV;
            goto out;
        }
    }
    double ex = m < 0.0 ? -x : x;
    /* Same revolution as M: add back exactly what was removed. */
    *ecc_anomaly = mean_anomaly + (ex - m);
    rc = JMD_OK;
out:
    return rc;
}
