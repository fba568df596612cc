/*
 * lambert.c — Lambert's problem: the conic arc from r1 to r2 in a given
 * time, single and multiple revolutions.
 *
 * Method: Izzo, "Revisiting Lambert's problem", Celest. Mech. Dyn. Astr.
 * 121 (2015) 1-15, as in pykep's lambert_problem.cpp and poliastro's
 * core/iod.py (with poliastro issue #1362's corrected starter): the time
 * of flight T(x) in Lancaster-Blanchard's variable x (Battin's
 * hypergeometric series near the parabola x = 1), solved by Householder's
 * fourth-order iteration. Unlike the references, every iteration is kept
 * inside a bracket on which T(x) - T is monotone, with bisection to fall
 * back on, so it cannot wander onto the other multi-revolution branch or
 * off the domain, and it is bounded.
 *
 * Geometry is taken with care where the textbook formulas cancel: near 0
 * or 180 degrees the plane normal r1 x r2 is recomputed with one rounding
 * per component (Kahan's difference of products), and lambda and
 * sqrt(1 - rho^2) come from the half-angle chords |u1 + u2| and |u2 - u1|,
 * so transfers within microradians of 180 degrees still land on r2.
 * Collinear r1, r2 (0 or 180 degrees) define no plane: JMD_EINVAL.
 *
 * Multi-revolution branches: T(x) has one minimum x_m on (-1, 1); branch 0
 * is the root x > x_m (Izzo's "right" root), which has the larger semi-
 * major axis and so the longer period; branch 1 the root x < x_m. (In the
 * universal-variable formulation, psi = dE^2, the long-period root is the
 * left one, hence the header's "(left)".)
 *
 * Workload: hot (targeting and reach scans call it thousands of times per
 * engagement); typically 2-3 time-of-flight evaluations, about 0.3 us per
 * solve. Pure, reentrant, no allocation.
 */
#include <math.h>
#include <stddef.h>

#include "jmd/orbit.h"
#include "orbit/orbit__vec.h"

/* r1, r2 closer than this (sine of the transfer angle) to collinear define
 * no transfer plane: JMD_EINVAL. */
#define LAMBERT_COLLINEAR 1e-12
/* |z| of the unit plane normal at or below this: the plane contains the z
 * axis (a polar plane), neither way round has a positive-z angular
 * momentum, and the sign of z is rounding noise of how r1 and r2 were
 * built. Then the short way is taken whatever the flag, so that a caller
 * deriving the flag from its own r1 x r2 always gets the short way. */
#define LAMBERT_HZ_UNDETERMINED 1e-12
/* Battin's series replaces Lancaster's expression for |x - 1| below this
 * (M = 0), where the latter cancels like 1/|1 - x^2|. */
#define LAMBERT_BATTIN_BAND 0.05
#define LAMBERT_MAXIT 100
/* Householder step below which x is converged (quartic: error ~ step^4). */
#define LAMBERT_XTOL 1e-7

typedef struct {
    double lam;  /* Izzo's lambda, in (-1, 1) */
    double lam2; /* lambda^2 */
    double oml2; /* 1 - lambda^2 = c / s, kept separately for accuracy */
    int m;       /* complete revolutions */
} izzo;

/* Battin's 2F1(3, 1; 5/2; z), |z| < 1; converges like z^j. */
static double hyp2f1b(double z)
{
    double sum = 1.0, term = 1.0;
    for (int j = 0; j < 200; j++) {
        term *= (3.0 + j) / (2.5 + j) * z;
        double next = sum + term;
        if (next == sum) break;
        sum = next;
    }
    return sum;
}

/* Non-dimensional time of flight T(x) (Izzo 2015: Lancaster's expression,
 * Battin's series near x = 1), and
 * y(x) = sqrt(1 - lambda^2 (1 - x^2)) for the derivatives. */
static double izzo_tof(const izzo *z, double x, double *py)
{
    double omx2 = (1.0 - x) * (1.0 + x); /* 1 - x^2 without cancellation */
    double y = sqrt(z->oml2 + z->lam2 * x * x);
    *py = y;
    if (z->m == 0 && fabs(x - 1.0) < LAMBERT_BATTIN_BAND) {
        double eta = y - z->lam * x;
        double s1 = 0.5 * (1.0 - z->lam - x * eta);
        double q = 4.0 / 3.0 * hyp2f1b(s1);
        return 0.5 * (eta * eta * eta * q + 4.0 * z->lam * eta);
    }
    double sr = sqrt(fabs(omx2));
    double psi;
    if (omx2 > 0.0) /* ellipse: atan2 keeps psi accurate near 0 and pi */
        psi = atan2((y - z->lam * x) * sr, x * y + z->lam * omx2) + z->m * ORBIT__PI;
    else
        psi = asinh((y - z->lam * x) * sr);
    return (psi / sr - x + z->lam * y) / omx2;
}

/* dT/dx, d2T/dx2, d3T/dx3 at x given T(x) and y(x) (Izzo 2015). */
static void izzo_dtdx(const izzo *z, double x, double y, double t, double *d1, double *d2,
                      double *d3)
{
    double inv = 1.0 / ((1.0 - x) * (1.0 + x));
    double iy = 1.0 / y, iy3 = iy * iy * iy;
    double l3 = z->lam2 * z->lam;
    double a = (3.0 * t * x - 2.0 + 2.0 * l3 * x * iy) * inv;
    double b = (3.0 * t + 5.0 * x * a + 2.0 * z->oml2 * l3 * iy3) * inv;
    double c = (7.0 * x * b + 8.0 * a - 6.0 * z->oml2 * z->lam2 * l3 * x * iy3 * iy * iy) * inv;
    *d1 = a;
    *d2 = b;
    *d3 = c;
}

/* Root of T(x) = t on (lo, hi), where T - t is monotone (increasing or
 * decreasing); hi may be +inf (M = 0). Householder steps, bisection when a
 * step leaves the bracket. A non-finite T counts as "too long". */
static int izzo_solve(const izzo *z, double t, double x, double lo, double hi, int increasing,
                      double *xout)
{
    int rc = JMD_ENOCONV;
    if (!(x > lo && x < hi)) x = isfinite(hi) ? 0.5 * (lo + hi) : lo + 1.0;
    for (int it = 0; it < LAMBERT_MAXIT; it++) {
        double y;
        double tx = izzo_tof(z, x, &y);
        double f = tx - t;
        if (f == 0.0) {
            rc = JMD_OK;
            break;
        }
        int too_long = !isfinite(f) || f > 0.0;
        if (too_long == increasing) hi = x;
        else lo = x;
        double next = NAN;
        if (isfinite(f)) {
            double d1, d2, d3;
            izzo_dtdx(z, x, y, tx, &d1, &d2, &d3);
            double d1s = d1 * d1;
            next = x - f * (d1s - f * d2 / 2.0) / (d1 * (d1s - f * d2) + d3 * f * f / 6.0);
        }
        /* Quartic convergence: after a step of 1e-7 the error is of order
         * 1e-28; test before the bracket, which a tiny step may graze. */
        if (isfinite(next) && fabs(next - x) <= LAMBERT_XTOL * fmax(1.0, fabs(x))) {
            x = next;
            rc = JMD_OK;
            break;
        }
        if (!(next > lo && next < hi)) {
            next = isfinite(hi) ? 0.5 * (lo + hi) : 2.0 * fmax(x, 1.0);
            if (next == lo || next == hi) {
                /* Bracket down to adjacent doubles: the root is here unless
                 * it hides against x = -1 or 1 (a time of flight of
                 * astronomical multiples of the orbit's own scale). */
                rc = fabs(f) <= 1e-6 * t ? JMD_OK : JMD_ENOCONV;
                break;
            }
        }
        x = next;
    }
    *xout = x;
    return rc;
}

/* x of the minimum time T_min for m >= 1 revolutions: root of dT/dx on
 * (-1, 1) by safeguarded Halley steps (T is convex there). */
static int izzo_xtmin(const izzo *z, double *xout)
{
    int rc = JMD_ENOCONV;
    double lo = -1.0, hi = 1.0, x = 0.1;
    for (int it = 0; it < LAMBERT_MAXIT; it++) {
        double d1, d2, d3, y;
        double tx = izzo_tof(z, x, &y);
        izzo_dtdx(z, x, y, tx, &d1, &d2, &d3);
        if (d1 == 0.0) {
            rc = JMD_OK;
            break;
        }
        if (d1 < 0.0) lo = x;
        else hi = x;
        double next = x - 2.0 * d1 * d2 / (2.0 * d2 * d2 - d1 * d3);
        if (isfinite(next) && fabs(next - x) <= 1e-13) {
            x = next;
            rc = JMD_OK;
            break;
        }
        if (!(next > lo && next < hi)) {
            next = 0.5 * (lo + hi);
            if (next == lo || next == hi) {
                rc = JMD_OK;
                break;
            }
        }
        x = next;
    }
    *xout = x;
    return rc;
}

/* v = a u + b w for unit vectors u, w. */
static void combine(double a, const double u[3], double b, const double w[3], double out[3])
{
    for (int k = 0; k < 3; k++) out[k] = a * u[k] + b * w[k];
}

int jmd_orbit_lambert(double mu, const double r1[3], const double r2[3], double tof,
                      int retrograde, double v1[3], double v2[3])
{
    return jmd_orbit_lambert_multi(mu, r1, r2, tof, retrograde, 0, 0, v1, v2);
}

int jmd_orbit_lambert_multi(double mu, const double r1[3], const double r2[3], double tof,
                            int retrograde, int revs, int branch, double v1[3],
                            double v2[3])
{
    int rc = JMD_EINVAL;
    if (!r1 || !r2 || !v1 || !v2) goto out;
    if (!(mu > 0.0) || !isfinite(mu) || !(tof > 0.0) || !isfinite(tof)) goto out;
    if (revs < 0 || (branch != 0 && branch != 1)) goto out;
    if (!orbit__finite3(r1) || !orbit__finite3(r2)) goto out;
    double rn1 = orbit__norm(r1), rn2 = orbit__norm(r2);
    if (!(rn1 > 0.0) || !(rn2 > 0.0)) goto out;
    if (!isfinite(rn1) || !isfinite(rn2)) {
        rc = JMD_ERANGE;
        goto out;
    }

    double u1[3], u2[3], chord[3];
    double inv1 = 1.0 / rn1, inv2 = 1.0 / rn2;
    for (int k = 0; k < 3; k++) {
        u1[k] = r1[k] * inv1;
        u2[k] = r2[k] * inv2;
        chord[k] = r2[k] - r1[k];
    }
    /* Plane normal. The plain u1 x u2 is good to eps / sin(theta) in
     * direction; near 0 or 180 deg it is redone from the inputs themselves,
     * scaled by exact powers of two (no overflow, no rounding) and crossed
     * with one rounding per component, which keeps transfers within
     * microradians of collinear landing on r2. */
    double nrm[3];
    orbit__cross(u1, u2, nrm);
    double sin_theta = orbit__norm(nrm);
    if (sin_theta < 1e-2) {
        int e1, e2;
        (void)frexp(rn1, &e1);
        (void)frexp(rn2, &e2);
        double s1[3], s2[3];
        for (int k = 0; k < 3; k++) {
            s1[k] = ldexp(r1[k], -e1);
            s2[k] = ldexp(r2[k], -e2);
        }
        orbit__cross_accurate(s1, s2, nrm);
        sin_theta = orbit__norm(nrm) / (orbit__norm(s1) * orbit__norm(s2));
    }
    if (!(sin_theta > LAMBERT_COLLINEAR)) goto out; /* 0 or 180 deg: no plane */
    double nn = orbit__norm(nrm);
    double ih[3] = {nrm[0] / nn, nrm[1] / nn, nrm[2] / nn};

    /* Which way round: the transfer's angular momentum is +ih on the short
     * way and -ih on the long way. */
    int short_way = 1;
    if (fabs(ih[2]) > LAMBERT_HZ_UNDETERMINED) short_way = (ih[2] > 0.0) == !retrograde;
    double dir = short_way ? 1.0 : -1.0;
    double t1[3], t2[3];
    orbit__cross(ih, u1, t1);
    orbit__cross(ih, u2, t2);
    for (int k = 0; k < 3; k++) t1[k] *= dir, t2[k] *= dir;

    double c = orbit__norm(chord);
    double s = 0.5 * (rn1 + rn2 + c);
    double sum[3] = {u1[0] + u2[0], u1[1] + u2[1], u1[2] + u2[2]};
    double dif[3] = {u2[0] - u1[0], u2[1] - u1[1], u2[2] - u1[2]};
    double srr = sqrt(rn1) * sqrt(rn2);
    izzo z;
    /* |lambda| = sqrt(r1 r2) cos(theta/2) / s, from the chord |u1 + u2|
     * = 2 cos(theta/2): no sqrt of a cancelled 1 - c/s near 180 deg. */
    z.lam = dir * fmin(srr * orbit__norm(sum) / (2.0 * s), 1.0);
    z.lam2 = z.lam * z.lam;
    z.oml2 = c / s;
    z.m = revs;
    double sig = srr * orbit__norm(dif) / c; /* sqrt(1 - rho^2) */
    if (sig > 1.0) sig = 1.0;
    double rho = (rn1 - rn2) / c;
    double t = tof * sqrt(2.0 * mu / s) / s; /* non-dimensional */
    double sq_oml2 = sqrt(z.oml2);
    double t00 = acos(z.lam) + z.lam * sq_oml2; /* T(x = 0), M = 0 */

    double x;
    if (revs == 0) {
        double tpar = 2.0 / 3.0 * (1.0 - z.lam2 * z.lam); /* T(x = 1), parabola */
        double x0;
        if (t >= t00)
            x0 = -(t - t00) / (t - t00 + 4.0);
        else if (t <= tpar)
            x0 = tpar * (tpar - t) / (0.4 * (1.0 - z.lam2 * z.lam2 * z.lam) * t) + 1.0;
        else
            x0 = pow(t / t00, 0.69314718055994531 / log(tpar / t00)) - 1.0;
        rc = izzo_solve(&z, t, x0, -1.0, INFINITY, 0, &x);
        if (rc) goto out;
    } else {
        double mpi = revs * ORBIT__PI;
        if (t < mpi) { /* T_M(x) > M pi everywhere */
            rc = JMD_ENOSOL;
            goto out;
        }
        /* The two roots straddle x(T_min) >= 0; when T >= T(0) they
         * straddle 0 itself and the minimum need not be found. */
        double xm = 0.0, tmin = -INFINITY;
        if (t < t00 + mpi) {
            rc = izzo_xtmin(&z, &xm);
            if (rc) goto out;
            double ym;
            tmin = izzo_tof(&z, xm, &ym);
            if (t < tmin * (1.0 - 1e-13)) {
                rc = JMD_ENOSOL;
                goto out;
            }
        }
        if (t <= tmin) {
            x = xm; /* the two branches meet */
        } else if (branch == 0) {
            /* Long period: larger a = larger |x| (T(-u) > T(u) puts the
             * right root further from 0 than the left): Izzo's right root. */
            double q = cbrt((8.0 * t / mpi) * (8.0 * t / mpi));
            rc = izzo_solve(&z, t, (q - 1.0) / (q + 1.0), xm, 1.0, 1, &x);
        } else {
            double q = cbrt(((mpi + ORBIT__PI) / (8.0 * t)) * ((mpi + ORBIT__PI) / (8.0 * t)));
            rc = izzo_solve(&z, t, (q - 1.0) / (q + 1.0), -1.0, xm, 0, &x);
        }
        if (rc) goto out;
    }

    /* Terminal velocities: radial and transverse parts from x and y. */
    double gam = sqrt(0.5 * mu * s);
    double y = sqrt(z.oml2 + z.lam2 * x * x);
    double ly = z.lam * y;
    double vr1 = gam * ((ly - x) - rho * (ly + x)) / rn1;
    double vr2 = -gam * ((ly - x) + rho * (ly + x)) / rn2;
    double vt = gam * sig * (y + z.lam * x);
    double w1[3], w2[3];
    combine(vr1, u1, vt / rn1, t1, w1);
    combine(vr2, u2, vt / rn2, t2, w2);
    if (!orbit__finite3(w1) || !orbit__finite3(w2)) {
        rc = JMD_ERANGE;
        goto out;
    }
    for (int k = 0; k < 3; k++) v1[k] = w1[k], v2[k] = w2[k];
    rc = JMD_OK;
out:
    return rc;
}
