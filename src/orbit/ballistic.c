/*
 * ballistic.c — closed-form free flight over a spherical, non-rotating
 * Earth: minimum-energy trajectory, the hit equation and the free-flight
 * range for unequal burnout and re-entry radii.
 *
 * Source: Bate, Mueller & White, Fundamentals of Astrodynamics (1971),
 * §6.2: with Q = v^2 r / mu at burnout, the flight-path-angle equation
 * sin(2 gamma + psi/2) = (2 - Q)/Q sin(psi/2) (6.2-21) gives the two angles
 * that reach a range angle psi; the minimum-energy one has gamma* =
 * (pi - psi)/4, Q* = 2 sin(psi/2)/(1 + sin(psi/2)). The conic through the
 * burnout point is e cos nu = Q cos^2 gamma - 1, e sin nu = Q sin gamma
 * cos gamma; times of flight come from Kepler's equation, with the
 * eccentric anomaly obtained from nu by E = nu - 2 atan(beta sin nu /
 * (1 + beta cos nu)), beta = e / (1 + sqrt(1 - e^2)) — a form that never
 * divides by e, so the circle (e = 0) and near-vertical arcs (e -> 1) need
 * no special case.
 *
 * The relations hold for the whole conic: a range angle beyond pi gives a
 * negative gamma (the arc passes perigee, below the burnout radius); the
 * caller decides whether such an arc is physical.
 *
 * Workload: moderate (reach and footprint scans; a few trig calls each).
 * Pure, reentrant, no allocation.
 */
#include <math.h>
#include <stddef.h>

#include "jmd/orbit.h"
#include "orbit/orbit__vec.h"

/* The conic through a burnout point, in BMW's variables. */
typedef struct {
    double ec, es; /* e cos nu, e sin nu at burnout */
    double opc;    /* 1 + e cos nu = Q cos^2 gamma = p / r, without cancellation */
    double e2;     /* e^2 */
    double ome2;   /* 1 - e^2 = Q (2 - Q) cos^2 gamma, without cancellation */
    double a;      /* semi-major axis, m */
} bconic;

/* Requires 0 < Q < 2 (ellipse). */
static void burnout_conic(double r, double q, double gamma, bconic *c)
{
    double cg = cos(gamma), sg = sin(gamma);
    c->opc = q * cg * cg;
    c->ec = c->opc - 1.0;
    c->es = q * sg * cg;
    c->e2 = c->ec * c->ec + c->es * c->es;
    c->ome2 = c->opc * (2.0 - q);
    c->a = r / (2.0 - q);
}

/* E - nu and e sin E at a point given e cos nu, e sin nu and 1 + e cos nu. */
static void ecc_anomaly_terms(const bconic *c, double es, double opc, double *e_minus_nu,
                              double *esin_e)
{
    double sq = sqrt(c->ome2);
    *e_minus_nu = -2.0 * atan(es / (sq + opc));
    *esin_e = sq * es / opc;
}

/* Time of flight (s) along the conic from burnout through the range angle
 * psi to the point with e sin nu = es2 and 1 + e cos nu = opc2. */
static double arc_time(double mu, const bconic *c, double psi, double es2, double opc2)
{
    double d1, s1, d2, s2;
    ecc_anomaly_terms(c, c->es, c->opc, &d1, &s1);
    ecc_anomaly_terms(c, es2, opc2, &d2, &s2);
    double de = psi + d2 - d1;     /* eccentric-anomaly sweep, in (0, 2 pi) */
    double dm = de - (s2 - s1);    /* Kepler's equation */
    return dm * c->a * sqrt(c->a / mu);
}

/* Fills one jmd_ballistic for an arc back down to the burnout radius. */
static int fill_equal_radii(double mu, double r, double q, double gamma, double psi,
                            jmd_ballistic *out)
{
    int rc = JMD_ERANGE;
    bconic c;
    burnout_conic(r, q, gamma, &c);
    jmd_ballistic b;
    b.speed = sqrt(q * mu / r);
    b.gamma = gamma;
    b.tof = arc_time(mu, &c, psi, -c.es, c.opc); /* symmetric end point */
    b.apogee_radius = c.a * (1.0 + sqrt(c.e2));
    if (!isfinite(b.speed) || !isfinite(b.tof) || !isfinite(b.apogee_radius)) goto out;
    *out = b;
    rc = JMD_OK;
out:
    return rc;
}

static int valid_common(double mu, double r)
{
    return mu > 0.0 && isfinite(mu) && r > 0.0 && isfinite(r);
}

static int valid_range(double psi)
{
    return psi > 0.0 && psi < ORBIT__TWO_PI; /* false for NaN */
}

int jmd_orbit_min_energy(double mu, double r_burnout, double range_angle, jmd_ballistic *out)
{
    int rc = JMD_EINVAL;
    if (!out || !valid_common(mu, r_burnout) || !valid_range(range_angle)) goto out;
    double sh = sin(0.5 * range_angle);
    double q = 2.0 * sh / (1.0 + sh);
    double gamma = 0.25 * (ORBIT__PI - range_angle);
    rc = fill_equal_radii(mu, r_burnout, q, gamma, range_angle, out);
out:
    return rc;
}

int jmd_orbit_hit(double mu, double r_burnout, double speed, double range_angle,
                  jmd_ballistic *lofted, jmd_ballistic *depressed)
{
    int rc = JMD_EINVAL;
    if (!lofted || !depressed || !valid_common(mu, r_burnout) || !valid_range(range_angle))
        goto out;
    if (!(speed > 0.0) || !isfinite(speed)) goto out;
    double q = speed * speed * r_burnout / mu;
    if (!(q < 2.0)) { /* parabola or hyperbola (or overflow): never back down */
        rc = JMD_ENOSOL;
        goto out;
    }
    double half = 0.5 * range_angle;
    double k = (2.0 - q) / q * sin(half); /* = sin(2 gamma + psi/2) */
    if (!(k <= 1.0)) {
        /* Below the minimum-energy speed; a relative shortfall of order
         * 1e-12 is rounding of a caller's minimum-energy speed, and gets
         * the minimum-energy arc. */
        if (!(k <= 1.0 + 1e-12)) {
            rc = JMD_ENOSOL;
            goto out;
        }
        k = 1.0;
    }
    double as = asin(k);
    jmd_ballistic lo, de;
    rc = fill_equal_radii(mu, r_burnout, q, 0.5 * (ORBIT__PI - as - half), range_angle, &lo);
    if (rc) goto out;
    rc = fill_equal_radii(mu, r_burnout, q, 0.5 * (as - half), range_angle, &de);
    if (rc) goto out;
    *lofted = lo;
    *depressed = de;
out:
    return rc;
}

int jmd_orbit_free_flight(double mu, double r_burnout, double speed, double gamma,
                          double r_reentry, double *range_angle, double *tof)
{
    int rc = JMD_EINVAL;
    if (!range_angle || !tof || !valid_common(mu, r_burnout)) goto out;
    if (!(speed > 0.0) || !isfinite(speed) || !(r_reentry > 0.0) || !isfinite(r_reentry))
        goto out;
    if (!(fabs(gamma) <= 0.5 * ORBIT__PI)) goto out;
    double q = speed * speed * r_burnout / mu;
    if (!(q < 2.0)) { /* parabola or hyperbola (or overflow): never back down */
        rc = JMD_ENOSOL;
        goto out;
    }
    bconic c;
    burnout_conic(r_burnout, q, gamma, &c);
    if (!(c.e2 > 0.0)) { /* circle: never descends */
        rc = JMD_ENOSOL;
        goto out;
    }
    /* Re-entry point on the descending side (e sin nu < 0): r = p / (1 +
     * e cos nu) fixes e cos nu; outside [perigee, apogee] there is none,
     * up to rounding of an end radius equal to apogee or perigee. */
    double opc2 = r_burnout * c.opc / r_reentry;
    double ec2 = opc2 - 1.0;
    double es2sq = c.e2 - ec2 * ec2;
    if (!(es2sq >= -1e-12 * c.e2)) {
        rc = isfinite(es2sq) ? JMD_ENOSOL : JMD_ERANGE;
        goto out;
    }
    double es2 = -sqrt(fmax(es2sq, 0.0));
    /* Range = true-anomaly sweep to the first such point after burnout. */
    double psi = atan2(c.ec * es2 - c.es * ec2, c.ec * ec2 + c.es * es2);
    if (psi <= 0.0) psi += ORBIT__TWO_PI;
    double t = arc_time(mu, &c, psi, es2, opc2);
    if (!isfinite(psi) || !isfinite(t)) {
        rc = JMD_ERANGE;
        goto out;
    }
    *range_angle = psi;
    *tof = t;
    rc = JMD_OK;
out:
    return rc;
}
