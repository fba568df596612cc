/*
 * elements.c — classical orbital elements from a Cartesian state.
 *
 * Vallado's RV2COE (Fundamentals of Astrodynamics, Alg. 9) with the
 * degenerate orbits made deterministic instead of NaN: angles are measured
 * with atan2 in the direction of motion about the unit angular momentum, so
 * retrograde orbits need no sign patches, and
 *  - equatorial orbits (sin i below ORBIT_DEGENERATE): raan = 0 and the
 *    node line is taken along +x, so argp is the longitude of periapsis;
 *  - circular orbits (e below ORBIT_DEGENERATE): argp = 0 and nu is the
 *    argument of latitude (true longitude when also equatorial);
 *  - a parabola (1/a exactly 0) has a = +inf, as jmd/orbit.h documents.
 * A rectilinear state (r parallel to v) has no orbital plane: JMD_EINVAL.
 *
 * Workload: cold (reports, tests, diagnostics). Pure, reentrant.
 */
#include <math.h>
#include <stddef.h>

#include "jmd/orbit.h"
#include "orbit/orbit__vec.h"

/* Below this e or sin i the periapsis or the node is undefined to working
 * precision (their directions come out of rounding noise). */
#define ORBIT_DEGENERATE 1e-11
/* |r x v| below this fraction of |r||v|: rectilinear, no plane. */
#define ORBIT_RECTILINEAR 1e-14

/* Angle from a to b (both in the orbit plane), counted in the direction of
 * motion about the unit normal w, in [0, 2 pi). */
static double plane_angle(const double a[3], const double b[3], const double w[3])
{
    double c[3];
    orbit__cross(a, b, c);
    double ang = atan2(orbit__dot(c, w), orbit__dot(a, b));
    return ang < 0.0 ? ang + ORBIT__TWO_PI : ang;
}

int jmd_orbit_elements(double mu, const double r[3], const double v[3], jmd_elements *out)
{
    int rc = JMD_EINVAL;
    if (!r || !v || !out || !(mu > 0.0) || !isfinite(mu)) goto out;
    if (!orbit__finite3(r) || !orbit__finite3(v)) goto out;
    double rn = orbit__norm(r), vn = orbit__norm(v);
    if (!(rn > 0.0) || !(vn > 0.0)) goto out;
    if (!isfinite(rn * vn)) {
        rc = JMD_ERANGE;
        goto out;
    }

    double h[3];
    orbit__cross(r, v, h);
    double hn = orbit__norm(h);
    if (!(hn > ORBIT_RECTILINEAR * rn * vn)) goto out;
    double w[3] = {h[0] / hn, h[1] / hn, h[2] / hn};

    double vv = vn * vn, rv = orbit__dot(r, v);
    double alpha = 2.0 / rn - vv / mu;
    double ev[3];
    for (int k = 0; k < 3; k++) ev[k] = ((vv - mu / rn) * r[k] - rv * v[k]) / mu;

    jmd_elements el;
    el.e = orbit__norm(ev);
    el.p = hn * hn / mu;
    el.a = alpha != 0.0 ? 1.0 / alpha : INFINITY;
    double nxy = hypot(h[0], h[1]); /* |z x h| */
    el.i = atan2(nxy, h[2]);

    double node[3] = {1.0, 0.0, 0.0};
    if (nxy > ORBIT_DEGENERATE * hn) {
        node[0] = -h[1] / nxy;
        node[1] = h[0] / nxy;
        el.raan = atan2(node[1], node[0]);
        if (el.raan < 0.0) el.raan += ORBIT__TWO_PI;
    } else {
        el.raan = 0.0;
    }
    if (el.e > ORBIT_DEGENERATE) {
        el.argp = plane_angle(node, ev, w);
        el.nu = plane_angle(ev, r, w);
    } else {
        el.argp = 0.0;
        el.nu = plane_angle(node, r, w);
    }

    if (!isfinite(el.e) || !isfinite(el.p) || !isfinite(el.i) || !isfinite(el.argp) ||
        !isfinite(el.nu) || (!isfinite(el.a) && alpha != 0.0)) {
        rc = JMD_ERANGE;
        goto out;
    }
    *out = el;
    rc = JMD_OK;
out:
    return rc;
}
