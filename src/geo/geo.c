/*
 * geo.c — WGS-84 geodetic <-> ECEF, ECEF <-> jmd's ECI (Earth rotation about
 * z), the local East-North-Up frame and azimuth/elevation/range, line of
 * sight over the ellipsoid, the radar horizon, and the small vector helpers.
 * The geodesic problems live in geodesic.c.
 *
 * Conventions are those of include/jmd/geo.h (SI, radians; azimuth clockwise
 * from north in [0, 2 pi); longitude in (-pi, pi]).  Every function checks
 * its arguments (NULL, non-finite, latitude range) before it writes anything
 * and returns JMD_ERANGE rather than a non-finite result when an input is
 * finite but so large that the result overflows, so a 0 return never
 * carries NaN or Inf.
 *
 * Workload: hot.  The conversions run once per measurement and per state in
 * the tracker and the simulator, so nothing here allocates or iterates; the
 * geodetic inverse is closed form.
 */
#include <math.h>
#include <stddef.h>

#include "jmd/geo.h"
#include "geo/geo__internal.h"

/* First eccentricity to the fourth and 1 - e^2 = (b/a)^2. */
#define GEO__E4 (GEO__E2 * GEO__E2)
#define GEO__E2M (1.0 - GEO__E2)

/* Beyond this distance from the centre the Earth is a point for
 * jmd_geo_from_ecef: 2a / DBL_EPSILON, about 5.7e22 m, where the height is
 * the distance to the centre to within its own rounding and the closed form
 * below would overflow in its cube terms. */
#define GEO__FAR_M (2.0 * JMD_WGS84_A / 2.220446049250313e-16)

/* Line of sight: squared-radius tolerance in the scaled space where the
 * raised ellipsoid is the unit sphere.  1e-12 is about 3 um of height: far
 * below any physical meaning, far above the rounding of ECEF coordinates of
 * a point on the surface (~1e-9 m), so a sensor standing exactly on the
 * surface and a ray that grazes it count as clear. */
#define GEO__LOS_TOL 1e-12

static int geo__set3(double out[3], double x, double y, double z)
{
    out[0] = x;
    out[1] = y;
    out[2] = z;
    return geo__finite3(out) ? JMD_OK : JMD_ERANGE;
}

/* Rotation ECEF -> ENU at (lat, lon) and, when origin is not NULL, the ECEF
 * position of (lat, lon, h); one set of sines and cosines serves both.
 * Arguments are already checked. */
static void geo__frame(double lat, double lon, double h, double m[3][3], double origin[3])
{
    double slat = sin(lat), clat = cos(lat);
    double slon = sin(lon), clon = cos(lon);

    m[0][0] = -slon;
    m[0][1] = clon;
    m[0][2] = 0.0;
    m[1][0] = -slat * clon;
    m[1][1] = -slat * slon;
    m[1][2] = clat;
    m[2][0] = clat * clon;
    m[2][1] = clat * slon;
    m[2][2] = slat;
    if (origin) {
        /* Prime-vertical radius of curvature N (NIMA TR8350.2 eq. 4-15). */
        double n = JMD_WGS84_A / sqrt(1.0 - GEO__E2 * slat * slat);
        origin[0] = (n + h) * clat * clon;
        origin[1] = (n + h) * clat * slon;
        origin[2] = (n * GEO__E2M + h) * slat;
    }
}

int jmd_geo_to_ecef(double lat, double lon, double h, double ecef[3])
{
    double m[3][3];

    if (!ecef || !geo__lat_ok(lat) || !isfinite(lon) || !isfinite(h)) return JMD_EINVAL;
    geo__frame(lat, lon, h, m, ecef);
    return geo__finite3(ecef) ? JMD_OK : JMD_ERANGE;
}

/*
 * ECEF -> geodetic in closed form: H. Vermeille, "Direct transformation from
 * geocentric coordinates to geodetic coordinates", J. Geodesy 76 (2002)
 * 451-454, with the rearrangements for numerical stability of C. F. F.
 * Karney's GeographicLib (Geocentric::IntReverse, MIT licence; described in
 * Karney, "Geodesics on an ellipsoid of revolution", arXiv:1102.1215v1
 * (2011), appendix B): the sign of each square root is chosen to avoid
 * cancellation, the cubic's trigonometric branch covers points inside the
 * evolute (within ~43 km of the centre), and the equatorial disc inside the
 * evolute, where the general formula gives 0/0, is taken as its limit.
 * No iteration, so no convergence test; accurate to round-off for every
 * finite point (the ECEF round trip errs by < 0.1 um out to 1e8 m, the
 * heights of the dense grid by ~20 nm: tests/test_geo.c).
 *
 * Special points: on the z axis lon = 0; the centre of the Earth maps to the
 * north pole with h = -b (both poles are nearest; we pick north).
 */
int jmd_geo_from_ecef(const double ecef[3], double *lat, double *lon, double *h)
{
    double x, y, z, rh, dist, sphi, cphi, height;

    if (!ecef || !lat || !lon || !h || !geo__finite3(ecef)) return JMD_EINVAL;
    x = ecef[0];
    y = ecef[1];
    z = ecef[2];
    /* Halving keeps hypot finite for every finite input; the factor cancels
     * in the direction and is put back in the distance. */
    rh = hypot(x / 2, y / 2);
    dist = 2 * hypot(rh, z / 2);

    if (!(dist <= GEO__FAR_M)) {
        /* So far away the ellipsoid is a point: the geodetic normal is the
         * geocentric direction to within rounding. */
        sphi = z / 2;
        cphi = rh;
        height = dist;
    } else {
        double r = 2 * rh;
        double p = (r / JMD_WGS84_A) * (r / JMD_WGS84_A);
        double q = GEO__E2M * (z / JMD_WGS84_A) * (z / JMD_WGS84_A);
        double rr = (p + q - GEO__E4) / 6;

        if (!(GEO__E4 * q == 0 && rr <= 0)) {
            /* Vermeille's s and t multiplied by r^3 and r so that r = 0 does
             * not divide. */
            double s = GEO__E4 * p * q / 4;
            double r2 = rr * rr, r3 = rr * r2;
            double disc = s * (2 * r3 + s);
            double u = rr, v, uv, w, k, d, hh;

            if (disc >= 0) {
                double t3 = s + r3;
                /* Sign of the root chosen to maximise |t3|: no cancellation;
                 * u does not depend on which root is taken. */
                t3 += t3 < 0 ? -sqrt(disc) : sqrt(disc);
                double t = cbrt(t3);
                u += t + (t != 0 ? r2 / t : 0);
            } else {
                /* Three real roots (only inside the evolute, where r < 0):
                 * take the one that does not cancel. */
                double ang = atan2(sqrt(-disc), -(s + r3));
                u += 2 * rr * cos(ang / 3);
            }
            v = sqrt(u * u + GEO__E4 * q);
            /* u + v without cancellation when u < 0. */
            uv = u < 0 ? GEO__E4 * q / (v - u) : u + v;
            w = fmax(0.0, GEO__E2 * (uv - q) / (2 * v));
            k = uv / (sqrt(uv + w * w) + w);
            d = k * r / (k + GEO__E2);
            hh = hypot(z / k, r / (k + GEO__E2));
            sphi = (z / k) / hh;
            cphi = (r / (k + GEO__E2)) / hh;
            height = (1 - GEO__E2M / k) * hypot(d, z);
        } else {
            /* Equatorial plane inside the evolute (|z| underflows in q):
             * k -> 0, take the limit of the formulas above. */
            double zz = sqrt((GEO__E4 - p) / GEO__E2M);
            double xx = sqrt(p);
            double hh = hypot(zz, xx);
            sphi = zz / hh;
            cphi = xx / hh;
            if (z < 0) sphi = -sphi;
            height = -JMD_WGS84_A * GEO__E2M * hh / GEO__E2;
        }
    }
    if (!isfinite(height)) return JMD_ERANGE;
    *lat = atan2(sphi, cphi);
    *lon = rh != 0 ? geo__wrap_lon(atan2(y, x)) : 0.0;
    *h = height;
    return JMD_OK;
}

/* Earth rotation angle at t: the ECEF frame has turned by theta about z
 * relative to the ECI frame, so eci = Rz(theta) ecef with
 * Rz = [c -s 0; s c 0; 0 0 1]. */
static int geo__angle(double t, double *c, double *s)
{
    if (!isfinite(t)) return JMD_EINVAL;
    double theta = JMD_EARTH_OMEGA * t;
    *c = cos(theta);
    *s = sin(theta);
    return JMD_OK;
}

int jmd_geo_ecef_to_eci(double t, const double ecef[3], double eci[3])
{
    double c, s;

    if (!ecef || !eci || !geo__finite3(ecef) || geo__angle(t, &c, &s)) return JMD_EINVAL;
    /* Temporaries: eci may alias ecef. */
    double x = ecef[0], y = ecef[1], z = ecef[2];
    return geo__set3(eci, c * x - s * y, s * x + c * y, z);
}

int jmd_geo_eci_to_ecef(double t, const double eci[3], double ecef[3])
{
    double c, s;

    if (!eci || !ecef || !geo__finite3(eci) || geo__angle(t, &c, &s)) return JMD_EINVAL;
    double x = eci[0], y = eci[1], z = eci[2];
    return geo__set3(ecef, c * x + s * y, -s * x + c * y, z);
}

int jmd_geo_ecef_to_eci_state(double t, const double r_ecef[3], const double v_ecef[3],
                              double r_eci[3], double v_eci[3])
{
    double c, s;

    if (!r_ecef || !v_ecef || !r_eci || !v_eci || !geo__finite3(r_ecef) ||
        !geo__finite3(v_ecef) || geo__angle(t, &c, &s))
        return JMD_EINVAL;
    /* v_eci = R (v_ecef + w x r_ecef), w = (0, 0, omega). */
    double vx = v_ecef[0] - JMD_EARTH_OMEGA * r_ecef[1];
    double vy = v_ecef[1] + JMD_EARTH_OMEGA * r_ecef[0];
    int rc = geo__set3(r_eci, c * r_ecef[0] - s * r_ecef[1], s * r_ecef[0] + c * r_ecef[1],
                       r_ecef[2]);
    if (rc) return rc;
    return geo__set3(v_eci, c * vx - s * vy, s * vx + c * vy, v_ecef[2]);
}

int jmd_geo_eci_to_ecef_state(double t, const double r_eci[3], const double v_eci[3],
                              double r_ecef[3], double v_ecef[3])
{
    double c, s;

    if (!r_eci || !v_eci || !r_ecef || !v_ecef || !geo__finite3(r_eci) ||
        !geo__finite3(v_eci) || geo__angle(t, &c, &s))
        return JMD_EINVAL;
    /* v_ecef = R^T v_eci - w x r_ecef. */
    int rc =
        geo__set3(r_ecef, c * r_eci[0] + s * r_eci[1], -s * r_eci[0] + c * r_eci[1], r_eci[2]);
    if (rc) return rc;
    return geo__set3(v_ecef, c * v_eci[0] + s * v_eci[1] + JMD_EARTH_OMEGA * r_ecef[1],
                     -s * v_eci[0] + c * v_eci[1] - JMD_EARTH_OMEGA * r_ecef[0], v_eci[2]);
}

int jmd_geo_enu_matrix(double lat, double lon, double m[3][3])
{
    if (!m || !geo__lat_ok(lat) || !isfinite(lon)) return JMD_EINVAL;
    geo__frame(lat, lon, 0.0, m, NULL);
    return JMD_OK;
}

int jmd_geo_ecef_to_enu(double lat0, double lon0, double h0, const double ecef[3],
                        double enu[3])
{
    double m[3][3], o[3], d[3];

    if (!ecef || !enu || !geo__lat_ok(lat0) || !isfinite(lon0) || !isfinite(h0) ||
        !geo__finite3(ecef))
        return JMD_EINVAL;
    geo__frame(lat0, lon0, h0, m, o);
    if (geo__set3(d, ecef[0] - o[0], ecef[1] - o[1], ecef[2] - o[2])) return JMD_ERANGE;
    return geo__set3(enu, jmd_vec_dot(m[0], d), jmd_vec_dot(m[1], d), jmd_vec_dot(m[2], d));
}

int jmd_geo_enu_to_ecef(double lat0, double lon0, double h0, const double enu[3],
                        double ecef[3])
{
    double m[3][3], o[3];

    if (!enu || !ecef || !geo__lat_ok(lat0) || !isfinite(lon0) || !isfinite(h0) ||
        !geo__finite3(enu))
        return JMD_EINVAL;
    geo__frame(lat0, lon0, h0, m, o);
    /* M is orthonormal: the inverse is its transpose. */
    double e = enu[0], n = enu[1], u = enu[2];
    return geo__set3(ecef, o[0] + m[0][0] * e + m[1][0] * n + m[2][0] * u,
                     o[1] + m[0][1] * e + m[1][1] * n + m[2][1] * u,
                     o[2] + m[0][2] * e + m[1][2] * n + m[2][2] * u);
}

int jmd_geo_aer(double lat0, double lon0, double h0, const double to[3], double *az, double *el,
                double *range)
{
    double enu[3];

    if (!az || !el || !range) return JMD_EINVAL;
    int rc = jmd_geo_ecef_to_enu(lat0, lon0, h0, to, enu);
    if (rc) return rc;
    double horiz = hypot(enu[0], enu[1]);
    double rng = hypot(horiz, enu[2]);
    if (rng == 0) return JMD_EINVAL; /* the target is the origin: no direction */
    if (!isfinite(rng)) return JMD_ERANGE;
    /* atan2 for the elevation, not asin(u / range): exact near the zenith. */
    *az = geo__wrap_2pi(atan2(enu[0], enu[1]));
    *el = atan2(enu[2], horiz);
    *range = rng;
    return JMD_OK;
}

int jmd_geo_aer_to_ecef(double lat0, double lon0, double h0, double az, double el, double range,
                        double ecef[3])
{
    double enu[3];

    if (!isfinite(az) || !geo__lat_ok(el) || !isfinite(range) || range < 0) return JMD_EINVAL;
    double ce = cos(el);
    if (geo__set3(enu, range * ce * sin(az), range * ce * cos(az), range * sin(el)))
        return JMD_ERANGE;
    return jmd_geo_enu_to_ecef(lat0, lon0, h0, enu, ecef);
}

/*
 * The surface at height `clearance` is approximated by the ellipsoid with
 * semi-axes a + c and b + c; it agrees with the true parallel surface at the
 * equator and the poles and is within 1.4e-6 c of it elsewhere (0.14 m at
 * c = 100 km; docs/geo.md).  Scaling x, y by 1 / (a + c) and z by 1 / (b + c)
 * is affine, so straight segments stay straight and the ellipsoid becomes
 * the unit sphere: the segment is clear iff its point nearest the centre is
 * outside it.  An endpoint under the raised surface is therefore blocked,
 * whatever the direction of the segment.
 */
int jmd_geo_line_of_sight(const double a[3], const double b[3], double clearance, int *visible)
{
    double pa[3], d[3], p[3];

    if (!a || !b || !visible || !geo__finite3(a) || !geo__finite3(b) || !isfinite(clearance) ||
        !(clearance > -GEO__B))
        return JMD_EINVAL;
    double sxy = 1.0 / (JMD_WGS84_A + clearance), sz = 1.0 / (GEO__B + clearance);
    pa[0] = a[0] * sxy;
    pa[1] = a[1] * sxy;
    pa[2] = a[2] * sz;
    d[0] = b[0] * sxy - pa[0];
    d[1] = b[1] * sxy - pa[1];
    d[2] = b[2] * sz - pa[2];
    if (!geo__finite3(pa) || !geo__finite3(d)) return JMD_ERANGE;
    double dd = jmd_vec_dot(d, d);
    double s = 0.0;
    if (dd > 0) {
        s = -jmd_vec_dot(pa, d) / dd;
        s = s < 0 ? 0 : s > 1 ? 1 : s;
    }
    p[0] = pa[0] + s * d[0];
    p[1] = pa[1] + s * d[1];
    p[2] = pa[2] + s * d[2];
    double m2 = jmd_vec_dot(p, p);
    if (!isfinite(m2)) return JMD_ERANGE;
    *visible = m2 >= 1.0 - GEO__LOS_TOL;
    return JMD_OK;
}

/*
 * Each leg is the tangent length from a height h to a sphere of radius
 * R' = k R: sqrt((R' + h)^2 - R'^2), written sqrt(h (2 R' + h)) so that it
 * does not cancel for small h.  The 4/3-Earth model of standard refraction
 * (e.g. Skolnik, Introduction to Radar Systems, 3rd ed.) is k = 4/3.
 */
int jmd_geo_radar_horizon(double h_sensor, double h_target, double earth_radius, double k,
                          double *range)
{
    if (!range || !isfinite(h_sensor) || !isfinite(h_target) || !isfinite(earth_radius) ||
        !isfinite(k) || h_sensor < 0 || h_target < 0 || !(earth_radius > 0) || !(k > 0))
        return JMD_EINVAL;
    double re = k * earth_radius;
    double d = sqrt(h_sensor * (2 * re + h_sensor)) + sqrt(h_target * (2 * re + h_target));
    if (!isfinite(d)) return JMD_ERANGE;
    *range = d;
    return JMD_OK;
}

double jmd_vec_dot(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* sqrt of the dot product, not hypot: this is on the hot path, and jmd's
 * vectors (metres, m/s) are nowhere near 1e154 where the square overflows. */
double jmd_vec_norm(const double a[3])
{
    return sqrt(jmd_vec_dot(a, a));
}

/* out may alias a or b. */
void jmd_vec_cross(const double a[3], const double b[3], double out[3])
{
    double x = a[1] * b[2] - a[2] * b[1];
    double y = a[2] * b[0] - a[0] * b[2];
    double z = a[0] * b[1] - a[1] * b[0];
    out[0] = x;
    out[1] = y;
    out[2] = z;
}
