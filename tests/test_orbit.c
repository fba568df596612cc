/* test_orbit.c — two-body motion: Kepler propagation and Kepler's equation,
 * Lambert (single and multi-revolution), the ballistic closed forms and the
 * classical elements.
 *
 * Published worked examples (Vallado Ex. 2-1, 2-4, 7-5; Bate, Mueller &
 * White p. 291; the minimum-energy table of shared/reference §4), physics
 * invariants (energy, angular momentum, time reversal, the group property
 * of propagation, M P < tof < (M + 1) P for an M-revolution transfer),
 * cross-checks between independent paths (Lambert against Kepler, the hit
 * equation against propagation, Kepler against Kepler's equation), a
 * bad-input corpus for every function and a seeded randomized stress. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "jmd/orbit.h"

#define PI 3.14159265358979323846
#define DEG (PI / 180.0)
#define MU_EARTH 398600.4418e9 /* m^3/s^2, Vallado */
#define R_EARTH 6371e3         /* m, spherical Earth of shared/reference §4 */

/* ---- helpers ---------------------------------------------------------- */

static double dot3(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static double norm3(const double a[3])
{
    return sqrt(dot3(a, a));
}

static void cross3(const double a[3], const double b[3], double out[3])
{
    out[0] = a[1] * b[2] - a[2] * b[1];
    out[1] = a[2] * b[0] - a[0] * b[2];
    out[2] = a[0] * b[1] - a[1] * b[0];
}

static double dist3(const double a[3], const double b[3])
{
    double d[3] = {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    return norm3(d);
}

static int finite3(const double a[3])
{
    return isfinite(a[0]) && isfinite(a[1]) && isfinite(a[2]);
}

static double energy(double mu, const double r[3], const double v[3])
{
    return 0.5 * dot3(v, v) - mu / norm3(r);
}

/* Deterministic generator (splitmix64): same seed, same cases everywhere. */
static uint64_t rng_state;

static double urand(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * (1.0 / 9007199254740992.0);
}

static double urange(double lo, double hi)
{
    return lo + (hi - lo) * urand();
}

/* State on the conic (p, e) at true anomaly nu, then rotated by (i, raan,
 * argp): the textbook perifocal construction, independent of the library. */
static void state_from_elements(double mu, double p, double e, double inc, double raan,
                                double argp, double nu, double r[3], double v[3])
{
    double rr = p / (1.0 + e * cos(nu));
    double pf_r[3] = {rr * cos(nu), rr * sin(nu), 0.0};
    double k = sqrt(mu / p);
    double pf_v[3] = {-k * sin(nu), k * (e + cos(nu)), 0.0};
    double co = cos(raan), so = sin(raan), ci = cos(inc), si = sin(inc);
    double cw = cos(argp), sw = sin(argp);
    double m[3][2] = {
        {co * cw - so * sw * ci, -co * sw - so * cw * ci},
        {so * cw + co * sw * ci, -so * sw + co * cw * ci},
        {sw * si, cw * si},
    };
    for (int j = 0; j < 3; j++) {
        r[j] = m[j][0] * pf_r[0] + m[j][1] * pf_r[1];
        v[j] = m[j][0] * pf_v[0] + m[j][1] * pf_v[1];
    }
}

/* Codes a function may return for finite, in-domain but extreme inputs. */
static int known_code(int rc)
{
    return rc == JMD_OK || rc == JMD_EINVAL || rc == JMD_ENOCONV || rc == JMD_ENOSOL ||
           rc == JMD_ERANGE;
}

/* Angle between two vectors, accurate near 0 and pi. */
static double angle3(const double a[3], const double b[3])
{
    double c[3];
    cross3(a, b, c);
    return atan2(norm3(c), dot3(a, b));
}

/* ---- Kepler propagation ----------------------------------------------- */

static void test_kepler_vallado_2_4(void **state)
{
    (void)state;
    const double r0[3] = {1131.340e3, -2282.343e3, 6672.423e3};
    const double v0[3] = {-5.64305e3, 4.30333e3, 2.42879e3};
    const double r_pub[3] = {-4219.7527e3, 4363.0292e3, -3958.7666e3};
    const double v_pub[3] = {3.689866e3, -1.916735e3, -6.112511e3};
    double r[3], v[3];
    assert_int_equal(jmd_orbit_kepler(MU_EARTH, r0, v0, 40.0 * 60.0, r, v), JMD_OK);
    /* Published to 0.1 m and 1 mm/s: half a unit of the last digit. */
    for (int k = 0; k < 3; k++) {
        assert_true(fabs(r[k] - r_pub[k]) <= 0.06);
        assert_true(fabs(v[k] - v_pub[k]) <= 6e-4);
    }
    /* Back in time to the start. */
    double rb[3], vb[3];
    assert_int_equal(jmd_orbit_kepler(MU_EARTH, r, v, -40.0 * 60.0, rb, vb), JMD_OK);
    assert_true(dist3(rb, r0) <= 1e-12 * norm3(r0) * 10);
    assert_true(dist3(vb, v0) <= 1e-11 * norm3(v0));
    /* In place (outputs aliasing inputs). */
    double ra[3] = {r0[0], r0[1], r0[2]}, va[3] = {v0[0], v0[1], v0[2]};
    assert_int_equal(jmd_orbit_kepler(MU_EARTH, ra, va, 40.0 * 60.0, ra, va), JMD_OK);
    assert_true(dist3(ra, r) == 0.0 && dist3(va, v) == 0.0);
    /* dt = 0 is the identity. */
    assert_int_equal(jmd_orbit_kepler(MU_EARTH, r0, v0, 0.0, r, v), JMD_OK);
    assert_true(dist3(r, r0) == 0.0 && dist3(v, v0) == 0.0);
}

/* Energy and angular momentum conserved, time reversal, and the group
 * property kepler(dt1 + dt2) = kepler(dt2) o kepler(dt1) on every conic. */
static void check_conic(double mu, double p, double e, double dt_scale)
{
    for (int n = 0; n < 40; n++) {
        double r0[3], v0[3], r[3], v[3];
        double nu_max = e < 1.0 ? PI : 0.9 * acos(-1.0 / e);
        state_from_elements(mu, p, e, urange(0, PI), urange(0, 2 * PI), urange(0, 2 * PI),
                            urange(-nu_max, nu_max), r0, v0);
        double dt = urange(-1.0, 1.0) * dt_scale;
        assert_int_equal(jmd_orbit_kepler(mu, r0, v0, dt, r, v), JMD_OK);
        double e0 = energy(mu, r0, v0), e1 = energy(mu, r, v);
        double escale = mu / norm3(r0) + 0.5 * dot3(v0, v0); /* |E| may be ~0 */
        assert_true(fabs(e1 - e0) <= 1e-12 * escale);
        double h0[3], h1[3];
        cross3(r0, v0, h0);
        cross3(r, v, h1);
        /* Plus the rounding of r x v itself far out on a hyperbola. */
        assert_true(dist3(h0, h1) <= 1e-12 * norm3(h0) + 1e-15 * norm3(r) * norm3(v));
        double rb[3], vb[3];
        assert_int_equal(jmd_orbit_kepler(mu, r, v, -dt, rb, vb), JMD_OK);
        assert_true(dist3(rb, r0) <= 1e-10 * norm3(r0));
        double dt1 = urange(0.0, 1.0) * dt, r1[3], v1[3], r2[3], v2[3];
        assert_int_equal(jmd_orbit_kepler(mu, r0, v0, dt1, r1, v1), JMD_OK);
        assert_int_equal(jmd_orbit_kepler(mu, r1, v1, dt - dt1, r2, v2), JMD_OK);
        assert_true(dist3(r2, r) <= 1e-10 * (norm3(r) + norm3(r0)));
    }
}

static void test_kepler_conics(void **state)
{
    (void)state;
    rng_state = 1;
    double p = 7000e3;
    double period = 2 * PI * sqrt(p * p * p / MU_EARTH);
    check_conic(MU_EARTH, p, 0.0, 3 * period);         /* circle */
    check_conic(MU_EARTH, p, 0.1, 3 * period);
    check_conic(MU_EARTH, p, 0.7, 3 * period);
    check_conic(MU_EARTH, p, 0.99, 50 * period);       /* highly eccentric */
    check_conic(MU_EARTH, p, 1.0 - 1e-9, 5 * period);  /* near-parabolic */
    check_conic(MU_EARTH, p, 1.0, 5 * period);         /* parabola (to rounding) */
    check_conic(MU_EARTH, p, 1.0 + 1e-9, 5 * period);
    check_conic(MU_EARTH, p, 1.5, 5 * period);         /* hyperbola */
    check_conic(MU_EARTH, p, 30.0, 5 * period);        /* fast hyperbola */

    /* An exact parabola: v^2 = 2 mu / r in binary-exact numbers. */
    double r0[3] = {2.0, 0.0, 0.0}, v0[3] = {0.0, 1.0, 0.0}, r[3], v[3];
    assert_int_equal(jmd_orbit_kepler(1.0, r0, v0, 10.0, r, v), JMD_OK);
    assert_true(fabs(energy(1.0, r, v)) <= 1e-14);
    /* Barker's equation: t = sqrt(p^3/mu)/2 (D + D^3/3), D = tan(nu/2), p = 4. */
    double nu = atan2(r[1], r[0]), d = tan(nu / 2);
    assert_true(fabs(sqrt(64.0) / 2 * (d + d * d * d / 3) - 10.0) <= 1e-12 * 10.0);
}

/* Against the classical route: elements, Kepler's equation, perifocal. */
static void test_kepler_vs_kepler_equation(void **state)
{
    (void)state;
    rng_state = 2;
    for (int n = 0; n < 500; n++) {
        double a = urange(6.6e6, 5e7), e = urange(0.0, 0.98);
        double p = a * (1 - e * e), nu0 = urange(-PI, PI);
        double r0[3], v0[3], r[3], v[3];
        state_from_elements(MU_EARTH, p, e, 0.0, 0.0, 0.0, nu0, r0, v0);
        double nmot = sqrt(MU_EARTH / (a * a * a));
        double dt = urange(-3.0, 3.0) * 2 * PI / nmot;
        assert_int_equal(jmd_orbit_kepler(MU_EARTH, r0, v0, dt, r, v), JMD_OK);
        double e0 = 2 * atan(sqrt((1 - e) / (1 + e)) * tan(nu0 / 2));
        double m = e0 - e * sin(e0) + nmot * dt, ea;
        assert_int_equal(jmd_orbit_kepler_equation(m, e, &ea), JMD_OK);
        double want[3] = {a * (cos(ea) - e), a * sqrt(1 - e * e) * sin(ea), 0.0};
        assert_true(dist3(r, want) <= 1e-10 * a);
    }
}

/* dt of many periods: reduced modulo the period, so one period more or
 * less changes nothing beyond the rounding of the period itself. */
static void test_kepler_many_periods(void **state)
{
    (void)state;
    double r0[3], v0[3], ref_r[3], ref_v[3], r[3], v[3];
    double a = 1.2e7, e = 0.6;
    state_from_elements(MU_EARTH, a * (1 - e * e), e, 0.5, 1.0, 2.0, 0.3, r0, v0);
    double period = 2 * PI * sqrt(a * a * a / MU_EARTH);
    double frac = 0.37 * period;
    assert_int_equal(jmd_orbit_kepler(MU_EARTH, r0, v0, frac, ref_r, ref_v), JMD_OK);
    const double revs[] = {1, 10, 1000, 1e6};
    for (int k = 0; k < 4; k++) {
        for (int sgn = -1; sgn <= 1; sgn += 2) {
            double dt = sgn * revs[k] * period + frac;
            assert_int_equal(jmd_orbit_kepler(MU_EARTH, r0, v0, dt, r, v), JMD_OK);
            assert_true(dist3(r, ref_r) <= (1e-12 + 4e-15 * revs[k]) * a * 50);
        }
    }
    /* A whole number of periods reduces to dt = 0 exactly: the identity. */
    double c0[3] = {1.0, 0.0, 0.0}, cv[3] = {0.0, 1.0, 0.0};
    assert_int_equal(jmd_orbit_kepler(1.0, c0, cv, 3 * (2 * PI), r, v), JMD_OK);
    assert_true(dist3(r, c0) <= 1e-14 && dist3(v, cv) <= 1e-14);
    /* Absurdly long: still bounded, finite and on the orbit. */
    assert_int_equal(jmd_orbit_kepler(MU_EARTH, r0, v0, 1e30, r, v), JMD_OK);
    assert_true(finite3(r) && finite3(v));
    assert_true(fabs(energy(MU_EARTH, r, v) - energy(MU_EARTH, r0, v0)) <=
                1e-12 * MU_EARTH / a);
}

/* ---- Kepler's equation ------------------------------------------------- */

static void test_kepler_equation(void **state)
{
    (void)state;
    double ea;
    /* Vallado Ex. 2-1. */
    assert_int_equal(jmd_orbit_kepler_equation(235.4 * DEG, 0.4, &ea), JMD_OK);
    assert_true(fabs(ea / DEG - 220.512074767522) <= 1e-11);
    /* e = 0: E = M. */
    assert_int_equal(jmd_orbit_kepler_equation(-7.5, 0.0, &ea), JMD_OK);
    assert_true(ea == -7.5);
    /* Random M of any size and sign, e up to 1 - 1e-9: residual and
     * revolution. */
    rng_state = 3;
    for (int n = 0; n < 20000; n++) {
        double m = urange(-1.0, 1.0) * pow(10.0, urange(-3.0, 4.0));
        double e = n % 4 == 0 ? 1.0 - pow(10.0, urange(-9.0, -1.0)) : urange(0.0, 0.99);
        assert_int_equal(jmd_orbit_kepler_equation(m, e, &ea), JMD_OK);
        assert_true(fabs(ea - e * sin(ea) - m) <= 4e-16 * (fabs(m) + 8.0));
        assert_true(floor(ea / (2 * PI)) == floor(m / (2 * PI)));
    }
    /* Bad input. */
    assert_int_equal(jmd_orbit_kepler_equation(1.0, 1.0, &ea), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler_equation(1.0, -0.1, &ea), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler_equation(NAN, 0.1, &ea), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler_equation(INFINITY, 0.1, &ea), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler_equation(1.0, NAN, &ea), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler_equation(1.0, 0.1, NULL), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler_equation(1e300, 0.5, &ea), JMD_OK);
    assert_true(isfinite(ea));
}

/* ---- Lambert ----------------------------------------------------------- */

static void test_lambert_vallado_7_5(void **state)
{
    (void)state;
    const double r1[3] = {15945.34e3, 0.0, 0.0};
    const double r2[3] = {12214.83899e3, 10249.46731e3, 0.0};
    const double v1_pub[3] = {2.058913e3, 2.915965e3, 0.0};
    const double v2_pub[3] = {-3.451565e3, 0.910315e3, 0.0};
    double v1[3], v2[3];
    assert_int_equal(jmd_orbit_lambert(MU_EARTH, r1, r2, 76.0 * 60.0, 0, v1, v2), JMD_OK);
    for (int k = 0; k < 3; k++) {
        assert_true(fabs(v1[k] - v1_pub[k]) <= 2e-2); /* 2e-5 km/s */
        assert_true(fabs(v2[k] - v2_pub[k]) <= 2e-2);
    }
    /* lambert_multi with revs = 0 is the same solve. */
    double w1[3], w2[3];
    assert_int_equal(jmd_orbit_lambert_multi(MU_EARTH, r1, r2, 76.0 * 60.0, 0, 0, 1, w1, w2),
                     JMD_OK);
    assert_true(dist3(w1, v1) == 0.0 && dist3(w2, v2) == 0.0);
}

/* Lambert, then Kepler over tof: lands on r2 with v2. Returns 1 when the
 * check ran: it is skipped for arcs that pass within 1e-3 of the smaller
 * radius from the attracting centre, where both problems are
 * ill-conditioned (nearly rectilinear, through the centre). */
static int lambert_lands(double mu, const double r1[3], const double r2[3], double tof,
                         const double v1[3], const double v2[3], double tol)
{
    double r[3], v[3], h[3];
    cross3(r1, v1, h);
    double p = dot3(h, h) / mu;
    double alpha = 2.0 / norm3(r1) - dot3(v1, v1) / mu;
    double rp = p / (1.0 + sqrt(fmax(0.0, 1.0 - alpha * p)));
    double period = alpha > 0 ? 2 * PI / sqrt(mu * alpha * alpha * alpha) : INFINITY;
    int via_periapsis = tof >= period || (dot3(r1, v1) < 0 && dot3(r2, v2) > 0);
    if (via_periapsis && rp < 1e-3 * fmin(norm3(r1), norm3(r2))) return 0;
    assert_int_equal(jmd_orbit_kepler(mu, r1, v1, tof, r, v), JMD_OK);
    assert_true(dist3(r, r2) <= tol * norm3(r2));
    assert_true(dist3(v, v2) <= tol * norm3(v2));
    return 1;
}

/* Random pair of positions at radii in [R, 4R], transfer angle theta. */
static void random_pair(double theta, double r1[3], double r2[3])
{
    double rad1 = R_EARTH * urange(1.0, 4.0), rad2 = R_EARTH * urange(1.0, 4.0);
    double u[3] = {urange(-1, 1), urange(-1, 1), urange(-1, 1)};
    double w[3] = {urange(-1, 1), urange(-1, 1), urange(-1, 1)};
    double nu = norm3(u);
    for (int k = 0; k < 3; k++) u[k] /= nu;
    double d = dot3(u, w);
    for (int k = 0; k < 3; k++) w[k] -= d * u[k];
    double nw = norm3(w);
    for (int k = 0; k < 3; k++) w[k] /= nw;
    for (int k = 0; k < 3; k++) {
        r1[k] = rad1 * u[k];
        r2[k] = rad2 * (cos(theta) * u[k] + sin(theta) * w[k]);
    }
}

static void test_lambert_round_trip(void **state)
{
    (void)state;
    rng_state = 4;
    int checked = 0;
    for (int n = 0; n < 3000; n++) {
        double theta;
        switch (n % 5) {
        case 0: theta = PI + urange(-1e-3, 1e-3); break;  /* near 180 deg */
        case 1: theta = PI + urange(-1e-8, 1e-8); break;
        case 2: theta = urange(1e-6, 1e-2); break;         /* near 0 / 360 */
        default: theta = urange(0.0, 2 * PI); break;
        }
        double r1[3], r2[3], v1[3], v2[3];
        random_pair(theta, r1, r2);
        double a_min = 0.25 * (norm3(r1) + norm3(r2) + dist3(r1, r2));
        double t_ref = 2 * PI * sqrt(a_min * a_min * a_min / MU_EARTH);
        double tof = t_ref * urange(0.01, 2.0);
        int retro = n & 1;
        int rc = jmd_orbit_lambert(MU_EARTH, r1, r2, tof, retro, v1, v2);
        double c[3];
        cross3(r1, r2, c);
        if (norm3(c) <= 1e-12 * norm3(r1) * norm3(r2)) {
            assert_int_equal(rc, JMD_EINVAL); /* collinear to working precision */
            continue;
        }
        assert_int_equal(rc, JMD_OK);
        checked += lambert_lands(MU_EARTH, r1, r2, tof, v1, v2, 1e-9);
        /* The requested sense: h_z > 0 for retrograde = 0 (unless the
         * plane is polar to rounding). */
        double h[3];
        cross3(r1, v1, h);
        if (fabs(c[2]) > 1e-9 * norm3(c))
            assert_true(retro ? h[2] < 0.0 : h[2] > 0.0);
    }
    assert_true(checked > 2800);
}

static void test_lambert_near_180(void **state)
{
    (void)state;
    const double r1[3] = {7000e3, 0.0, 0.0};
    double v1[3], v2[3];
    const double dev[] = {1e-2, 1e-4, 1e-6, 1e-8, 1e-10};
    for (int k = 0; k < 5; k++) {
        for (int s = -1; s <= 1; s += 2) {
            double th = PI + s * dev[k];
            double r2[3] = {9000e3 * cos(th), 9000e3 * sin(th), 0.0};
            for (int retro = 0; retro <= 1; retro++) {
                for (double tof = 1500; tof < 2e4; tof *= 2.3) {
                    assert_int_equal(jmd_orbit_lambert(MU_EARTH, r1, r2, tof, retro, v1, v2),
                                     JMD_OK);
                    assert_true(lambert_lands(MU_EARTH, r1, r2, tof, v1, v2, 1e-9));
                }
            }
        }
    }
    /* Exactly collinear: no transfer plane. */
    const double anti[3] = {-14000e3, 0.0, 0.0}, same[3] = {14000e3, 0.0, 0.0};
    assert_int_equal(jmd_orbit_lambert(MU_EARTH, r1, anti, 3000, 0, v1, v2), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU_EARTH, r1, same, 3000, 0, v1, v2), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU_EARTH, r1, r1, 3000, 0, v1, v2), JMD_EINVAL);
    /* 180 deg built with trig (sin(pi) = 1.2e-16): still collinear. */
    const double tri[3] = {9000e3 * cos(PI), 9000e3 * sin(PI), 0.0};
    assert_int_equal(jmd_orbit_lambert(MU_EARTH, r1, tri, 3000, 0, v1, v2), JMD_EINVAL);
}

static void test_lambert_direction(void **state)
{
    (void)state;
    const double r1[3] = {7000e3, 0.0, 0.0};
    double v1[3], v2[3], h[3], c[3];
    /* Equatorial, 120 deg counter-clockwise: prograde is the short way. */
    const double r2[3] = {8000e3 * cos(120 * DEG), 8000e3 * sin(120 * DEG), 0.0};
    assert_int_equal(jmd_orbit_lambert(MU_EARTH, r1, r2, 2400, 0, v1, v2), JMD_OK);
    cross3(r1, v1, h);
    assert_true(h[2] > 0);
    assert_int_equal(jmd_orbit_lambert(MU_EARTH, r1, r2, 2400, 1, v1, v2), JMD_OK);
    cross3(r1, v1, h);
    assert_true(h[2] < 0);
    /* 240 deg counter-clockwise (r1 x r2 points down): prograde is the
     * long way, still h_z > 0. */
    const double r3[3] = {8000e3 * cos(240 * DEG), 8000e3 * sin(240 * DEG), 0.0};
    assert_int_equal(jmd_orbit_lambert(MU_EARTH, r1, r3, 4000, 0, v1, v2), JMD_OK);
    cross3(r1, v1, h);
    assert_true(h[2] > 0);
    assert_true(lambert_lands(MU_EARTH, r1, r3, 4000, v1, v2, 1e-10));

    /* Polar plane (x-z): h_z = 0 whichever way; the short way is taken for
     * either flag, deterministically. */
    const double p2[3] = {8000e3 * cos(100 * DEG), 0.0, 8000e3 * sin(100 * DEG)};
    cross3(r1, p2, c);
    for (int retro = 0; retro <= 1; retro++) {
        double w1[3], w2[3];
        assert_int_equal(jmd_orbit_lambert(MU_EARTH, r1, p2, 2400, retro, v1, v2), JMD_OK);
        assert_int_equal(jmd_orbit_lambert(MU_EARTH, r1, p2, 2400, retro, w1, w2), JMD_OK);
        assert_true(dist3(v1, w1) == 0.0 && dist3(v2, w2) == 0.0);
        cross3(r1, v1, h);
        assert_true(dot3(h, c) > 0); /* short way: same sense as r1 x r2 */
        assert_true(lambert_lands(MU_EARTH, r1, p2, 2400, v1, v2, 1e-10));
    }
    /* A polar plane at longitude 37 deg, built with trig (h_z is rounding
     * noise of either sign): still the short way. */
    for (int k = 0; k < 50; k++) {
        double lon = (37.0 + k) * DEG, la1 = 10 * DEG, la2 = (80.0 - k) * DEG;
        double a[3] = {7000e3 * cos(la1) * cos(lon), 7000e3 * cos(la1) * sin(lon),
                       7000e3 * sin(la1)};
        double b[3] = {8000e3 * cos(la2) * cos(lon), 8000e3 * cos(la2) * sin(lon),
                       8000e3 * sin(la2)};
        cross3(a, b, c);
        for (int retro = 0; retro <= 1; retro++) {
            assert_int_equal(jmd_orbit_lambert(MU_EARTH, a, b, 1800, retro, v1, v2), JMD_OK);
            cross3(a, v1, h);
            assert_true(dot3(h, c) > 0);
        }
    }
}

static void test_lambert_multi(void **state)
{
    (void)state;
    rng_state = 5;
    int solved = 0, nosol = 0, checked = 0;
    for (int n = 0; n < 600; n++) {
        double r1[3], r2[3];
        random_pair(urange(0.05, 2 * PI - 0.05), r1, r2);
        double a_min = 0.25 * (norm3(r1) + norm3(r2) + dist3(r1, r2));
        double t_ref = 2 * PI * sqrt(a_min * a_min * a_min / MU_EARTH);
        int revs = 1 + n % 3;
        double tof = t_ref * urange(0.5 * revs, revs + 3.0);
        int retro = (n >> 2) & 1;
        double v1[2][3], v2[2][3], a[2];
        int rc0 = jmd_orbit_lambert_multi(MU_EARTH, r1, r2, tof, retro, revs, 0, v1[0], v2[0]);
        int rc1 = jmd_orbit_lambert_multi(MU_EARTH, r1, r2, tof, retro, revs, 1, v1[1], v2[1]);
        assert_int_equal(rc0, rc1); /* both branches exist, or neither */
        if (rc0 == JMD_ENOSOL) {
            nosol++;
            continue;
        }
        assert_int_equal(rc0, JMD_OK);
        solved++;
        for (int b = 0; b < 2; b++) {
            checked += lambert_lands(MU_EARTH, r1, r2, tof, v1[b], v2[b], 1e-9);
            a[b] = 1.0 / (2.0 / norm3(r1) - dot3(v1[b], v1[b]) / MU_EARTH);
            assert_true(a[b] > 0); /* an ellipse */
            /* revs complete revolutions and part of one more. */
            double period = 2 * PI * sqrt(a[b] * a[b] * a[b] / MU_EARTH);
            assert_true(revs * period < tof * (1 + 1e-12));
            assert_true(tof < (revs + 1) * period * (1 + 1e-12));
        }
        assert_true(a[0] >= a[1] * (1 - 1e-9)); /* branch 0: the long period */
    }
    assert_true(solved > 300 && nosol > 20 && checked > 2 * solved - 20);

    /* Too short for one revolution; and the threshold is sharp. */
    const double r1[3] = {7000e3, 0.0, 0.0};
    const double r2[3] = {0.0, 7000e3, 0.0};
    double v1[3], v2[3], w1[3], w2[3];
    double tcirc = 2 * PI * sqrt(7000e3 * 7000e3 * 7000e3 / MU_EARTH);
    assert_int_equal(jmd_orbit_lambert_multi(MU_EARTH, r1, r2, 0.9 * tcirc, 0, 1, 0, v1, v2),
                     JMD_ENOSOL);
    double lo = 0.9 * tcirc, hi = 2.0 * tcirc;
    for (int it = 0; it < 60; it++) {
        double mid = 0.5 * (lo + hi);
        if (jmd_orbit_lambert_multi(MU_EARTH, r1, r2, mid, 0, 1, 0, v1, v2) == JMD_OK)
            hi = mid;
        else
            lo = mid;
    }
    /* Just above the minimum time the two branches meet. */
    assert_int_equal(jmd_orbit_lambert_multi(MU_EARTH, r1, r2, hi, 0, 1, 0, v1, v2), JMD_OK);
    assert_int_equal(jmd_orbit_lambert_multi(MU_EARTH, r1, r2, hi, 0, 1, 1, w1, w2), JMD_OK);
    assert_true(dist3(v1, w1) <= 1e-5 * norm3(v1));
    assert_true(lambert_lands(MU_EARTH, r1, r2, hi, v1, v2, 1e-9));
    assert_true(lambert_lands(MU_EARTH, r1, r2, hi, w1, w2, 1e-9));
    /* Arguments. */
    assert_int_equal(jmd_orbit_lambert_multi(MU_EARTH, r1, r2, 1e5, 0, -1, 0, v1, v2),
                     JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert_multi(MU_EARTH, r1, r2, 1e5, 0, 1, 2, v1, v2),
                     JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert_multi(MU_EARTH, r1, r2, 1e5, 0, 1000000, 0, v1, v2),
                     JMD_ENOSOL);
}

/* ---- ballistic closed forms -------------------------------------------- */

/* Burnout state in the x-y plane at (r, 0, 0), heading +y, flight-path
 * angle gamma above the local horizontal. */
static void burnout_state(double r, double speed, double gamma, double r0[3], double v0[3])
{
    r0[0] = r, r0[1] = 0.0, r0[2] = 0.0;
    v0[0] = speed * sin(gamma), v0[1] = speed * cos(gamma), v0[2] = 0.0;
}

/* Propagating the burnout state for tof reaches radius r_end at range
 * angle psi (independent check of any closed form). The tolerance allows
 * a 1e-11 relative error in tof, which near-parabolic arcs of years turn
 * into metres. */
static void check_arc(double mu, double r, double speed, double gamma, double psi, double tof,
                      double r_end)
{
    double r0[3], v0[3], rr[3], vv[3];
    burnout_state(r, speed, gamma, r0, v0);
    assert_int_equal(jmd_orbit_kepler(mu, r0, v0, tof, rr, vv), JMD_OK);
    double slack = 1e-11 * tof * norm3(vv);
    assert_true(fabs(norm3(rr) - r_end) <= 1e-9 * r_end + slack);
    double ang = atan2(rr[1], rr[0]);
    if (ang < 0) ang += 2 * PI;
    double tol = 1e-9 + slack / r_end;
    assert_true(fabs(ang - psi) <= tol || fabs(fabs(ang - psi) - 2 * PI) <= tol);
}

static void test_min_energy_table(void **state)
{
    (void)state;
    /* shared/reference §4 (BMW §6.2), burnout at the surface. */
    static const double tab[5][5] = {
        /* range km, speed km/s, gamma deg, tof min, apogee alt km */
        {1000, 3.016, 42.75, 7.91, 240},
        {2000, 4.113, 40.50, 11.70, 459},
        {3000, 4.865, 38.26, 14.92, 655},
        {5000, 5.883, 33.76, 20.61, 976},
        {10000, 7.198, 22.52, 32.18, 1319},
    };
    for (int k = 0; k < 5; k++) {
        double psi = tab[k][0] * 1e3 / R_EARTH;
        jmd_ballistic b;
        assert_int_equal(jmd_orbit_min_energy(MU_EARTH, R_EARTH, psi, &b), JMD_OK);
        assert_true(fabs(b.speed / 1e3 - tab[k][1]) <= 0.0005 + 1e-9);
        assert_true(fabs(b.gamma / DEG - tab[k][2]) <= 0.005 + 1e-9);
        assert_true(fabs(b.tof / 60 - tab[k][3]) <= 0.005 + 1e-9);
        assert_true(fabs((b.apogee_radius - R_EARTH) / 1e3 - tab[k][4]) <= 0.5 + 1e-9);
        check_arc(MU_EARTH, R_EARTH, b.speed, b.gamma, psi, b.tof, R_EARTH);
        /* The hit equation at this speed has one (double) root. */
        jmd_ballistic lo, de;
        assert_int_equal(jmd_orbit_hit(MU_EARTH, R_EARTH, b.speed, psi, &lo, &de), JMD_OK);
        assert_true(fabs(lo.gamma - b.gamma) <= 1e-7 && fabs(de.gamma - b.gamma) <= 1e-7);
    }
    /* Beyond half the globe the arc passes perigee: gamma < 0, still a
     * valid conic arc. */
    jmd_ballistic b;
    assert_int_equal(jmd_orbit_min_energy(MU_EARTH, R_EARTH, 4.0, &b), JMD_OK);
    assert_true(b.gamma < 0);
    check_arc(MU_EARTH, R_EARTH, b.speed, b.gamma, 4.0, b.tof, R_EARTH);
}

static void test_hit_bmw(void **state)
{
    (void)state;
    /* BMW p. 291: canonical units. */
    const double du = 6378.145e3, tu = 806.8118744, mu = du * du * du / (tu * tu);
    double la1 = 30 * DEG, lo1 = 60 * DEG, la2 = -30 * DEG, lo2 = -60 * DEG;
    double p1[3] = {cos(la1) * cos(lo1), cos(la1) * sin(lo1), sin(la1)};
    double p2[3] = {cos(la2) * cos(lo2), cos(la2) * sin(lo2), sin(la2)};
    double psi = angle3(p1, p2);
    double r = 1.025 * du, v = 1.0817 * du / tu;
    assert_true(fabs(v * v * r / mu - 1.20) <= 0.005);
    assert_true(fabs(psi / DEG - 128.68) <= 0.005);
    jmd_ballistic lo, de;
    assert_int_equal(jmd_orbit_hit(mu, r, v, psi, &lo, &de), JMD_OK);
    assert_true(fabs(lo.gamma / DEG - 39.3) <= 0.05);
    assert_true(lo.gamma > de.gamma && lo.tof > de.tof);
    check_arc(mu, r, v, lo.gamma, psi, lo.tof, r);
    check_arc(mu, r, v, de.gamma, psi, de.tof, r); /* through perigee */
    assert_true(lo.speed == v && de.speed == v);
}

/* The minimum-energy speed is a lower bound over every flight-path angle,
 * and the hit equation has no root below it. */
static void test_hit_invariants(void **state)
{
    (void)state;
    const double psis[] = {0.05, 0.5, 1.0, 1.5, 2.5, 3.1, 4.0, 6.0};
    for (int k = 0; k < 8; k++) {
        double psi = psis[k];
        jmd_ballistic me, lo, de;
        assert_int_equal(jmd_orbit_min_energy(MU_EARTH, R_EARTH, psi, &me), JMD_OK);
        double qmin = me.speed * me.speed * R_EARTH / MU_EARTH;
        /* Scan gamma: Q needed (the BMW §6.2 range relation solved for Q). */
        for (double g = -PI / 2 + 1e-3; g < PI / 2; g += 1e-3) {
            double den = cos(g) * (cos(g) - cos(g + psi));
            if (den <= 0) continue; /* no ellipse through the point this way */
            double qneed = (1 - cos(psi)) / den;
            assert_true(qneed >= qmin * (1 - 1e-12));
        }
        assert_int_equal(jmd_orbit_hit(MU_EARTH, R_EARTH, me.speed * (1 - 1e-6), psi, &lo, &de),
                         JMD_ENOSOL);
        for (double f = 1.0001; f < 1.5; f *= 1.07) {
            double v = me.speed * f;
            if (v * v * R_EARTH / MU_EARTH >= 2.0) break;
            assert_int_equal(jmd_orbit_hit(MU_EARTH, R_EARTH, v, psi, &lo, &de), JMD_OK);
            assert_true(lo.gamma > me.gamma && de.gamma < me.gamma);
            check_arc(MU_EARTH, R_EARTH, v, lo.gamma, psi, lo.tof, R_EARTH);
            check_arc(MU_EARTH, R_EARTH, v, de.gamma, psi, de.tof, R_EARTH);
            assert_true(lo.apogee_radius >= R_EARTH && de.apogee_radius >= R_EARTH);
            if (de.gamma >= 0) assert_true(lo.apogee_radius >= de.apogee_radius);
        }
    }
    jmd_ballistic lo, de;
    /* Escape speed never comes back down. */
    double vesc = sqrt(2 * MU_EARTH / R_EARTH);
    assert_int_equal(jmd_orbit_hit(MU_EARTH, R_EARTH, vesc * 1.000001, 1.0, &lo, &de), JMD_ENOSOL);
}

static void test_free_flight(void **state)
{
    (void)state;
    /* Round trip with the hit equation (equal radii, gamma > 0). */
    for (double psi = 0.05; psi < 3.0; psi += 0.17) {
        jmd_ballistic me, lo, de;
        assert_int_equal(jmd_orbit_min_energy(MU_EARTH, R_EARTH, psi, &me), JMD_OK);
        for (double f = 1.0; f < 1.3; f += 0.05) {
            double v = me.speed * f;
            if (v * v * R_EARTH / MU_EARTH >= 2.0) break;
            assert_int_equal(jmd_orbit_hit(MU_EARTH, R_EARTH, v, psi, &lo, &de), JMD_OK);
            const jmd_ballistic *sol[2] = {&lo, &de};
            for (int s = 0; s < 2; s++) {
                if (sol[s]->gamma <= 0) continue;
                double ra, tof;
                assert_int_equal(jmd_orbit_free_flight(MU_EARTH, R_EARTH, v, sol[s]->gamma,
                                                       R_EARTH, &ra, &tof),
                                 JMD_OK);
                assert_true(fabs(ra - psi) <= 1e-9);
                assert_true(fabs(tof - sol[s]->tof) <= 1e-9 * tof);
            }
        }
    }
    /* Unequal radii, checked by propagation: burnout at 200 km, re-entry at
     * the surface or at 100 km, steep and shallow. */
    const double rb = R_EARTH + 200e3;
    for (double g = -0.3; g < 1.5; g += 0.1) {
        for (double v = 3000; v < 7500; v += 700) {
            const double ends[] = {R_EARTH, R_EARTH + 100e3, R_EARTH + 300e3};
            for (int k = 0; k < 3; k++) {
                double ra, tof;
                int rc = jmd_orbit_free_flight(MU_EARTH, rb, v, g, ends[k], &ra, &tof);
                if (rc == JMD_ENOSOL) { /* apogee below the end radius */
                    double q = v * v * rb / MU_EARTH, cg = cos(g);
                    double a = rb / (2 - q), e = sqrt(1 + q * (q - 2) * cg * cg);
                    assert_true(a * (1 + e) < ends[k] || a * (1 - e) > ends[k]);
                    continue;
                }
                assert_int_equal(rc, JMD_OK);
                assert_true(ra > 0 && ra <= 2 * PI && tof > 0);
                check_arc(MU_EARTH, rb, v, g, ra, tof, ends[k]);
                double r0[3], v0[3], rr[3], vv[3];
                burnout_state(rb, v, g, r0, v0);
                assert_int_equal(jmd_orbit_kepler(MU_EARTH, r0, v0, tof, rr, vv), JMD_OK);
                assert_true(dot3(rr, vv) < 0); /* descending */
            }
        }
    }
    double ra, tof;
    /* Escape, or an apogee below the re-entry radius. */
    assert_int_equal(jmd_orbit_free_flight(MU_EARTH, R_EARTH, 12e3, 0.5, R_EARTH, &ra, &tof),
                     JMD_ENOSOL);
    assert_int_equal(jmd_orbit_free_flight(MU_EARTH, R_EARTH, 2e3, 0.5, R_EARTH + 1e6, &ra, &tof),
                     JMD_ENOSOL);
    /* Re-entry exactly at apogee: the arc touches it. */
    jmd_ballistic me;
    assert_int_equal(jmd_orbit_min_energy(MU_EARTH, R_EARTH, 1.0, &me), JMD_OK);
    assert_int_equal(jmd_orbit_free_flight(MU_EARTH, R_EARTH, me.speed, me.gamma,
                                           me.apogee_radius, &ra, &tof),
                     JMD_OK);
    assert_true(fabs(ra - 0.5) <= 1e-5 && fabs(tof - 0.5 * me.tof) <= 1e-5 * me.tof);
}

/* ---- elements ---------------------------------------------------------- */

static double wrap_diff(double a, double b)
{
    double d = fmod(a - b, 2 * PI);
    if (d > PI) d -= 2 * PI;
    if (d < -PI) d += 2 * PI;
    return fabs(d);
}

static void test_elements(void **state)
{
    (void)state;
    jmd_elements el;
    double r[3], v[3];
    /* A general orbit round trip. */
    rng_state = 6;
    for (int n = 0; n < 1000; n++) {
        double p = urange(6.5e6, 4e7), e = urange(0.001, 3.0);
        double inc = urange(0.01, PI - 0.01), raan = urange(0, 2 * PI), argp = urange(0, 2 * PI);
        double nu_max = e < 1 ? PI : 0.9 * acos(-1 / e);
        double nu = urange(-nu_max, nu_max);
        state_from_elements(MU_EARTH, p, e, inc, raan, argp, nu, r, v);
        assert_int_equal(jmd_orbit_elements(MU_EARTH, r, v, &el), JMD_OK);
        assert_true(fabs(el.p - p) <= 1e-10 * p);
        assert_true(fabs(el.e - e) <= 1e-10);
        assert_true(fabs(el.a - p / (1 - e * e)) <= 1e-8 * fabs(el.a));
        assert_true(fabs(el.i - inc) <= 1e-10);
        assert_true(wrap_diff(el.raan, raan) <= 1e-9);
        assert_true(wrap_diff(el.argp, argp) <= 1e-7);
        assert_true(wrap_diff(el.nu, nu) <= 1e-7);
        assert_true(el.raan >= 0 && el.raan < 2 * PI && el.nu >= 0 && el.nu < 2 * PI);
    }
    /* Circular equatorial: raan = argp = 0, nu = true longitude. */
    double k = sqrt(MU_EARTH / 7e6);
    double rc0[3] = {7e6 * cos(1.0), 7e6 * sin(1.0), 0.0};
    double vc0[3] = {-k * sin(1.0), k * cos(1.0), 0.0};
    assert_int_equal(jmd_orbit_elements(MU_EARTH, rc0, vc0, &el), JMD_OK);
    assert_true(el.e < 1e-12 && el.i == 0.0 && el.raan == 0.0 && el.argp == 0.0);
    assert_true(fabs(el.nu - 1.0) <= 1e-12 && fabs(el.a - 7e6) <= 1e-6);
    /* Retrograde circular equatorial: i = pi, angle along the motion. */
    double vr0[3] = {-vc0[0], -vc0[1], 0.0};
    assert_int_equal(jmd_orbit_elements(MU_EARTH, rc0, vr0, &el), JMD_OK);
    assert_true(fabs(el.i - PI) <= 1e-15 && el.raan == 0.0 && el.argp == 0.0);
    assert_true(isfinite(el.nu));
    /* Circular inclined: argp = 0, nu = argument of latitude. */
    state_from_elements(MU_EARTH, 7e6, 0.0, 0.7, 1.1, 0.0, 0.4, r, v);
    assert_int_equal(jmd_orbit_elements(MU_EARTH, r, v, &el), JMD_OK);
    assert_true(el.argp == 0.0 && fabs(el.nu - 0.4) <= 1e-9 && fabs(el.raan - 1.1) <= 1e-12);
    /* Elliptic equatorial: raan = 0, argp = longitude of periapsis. */
    state_from_elements(MU_EARTH, 7e6, 0.3, 0.0, 0.0, 2.0, 0.5, r, v);
    assert_int_equal(jmd_orbit_elements(MU_EARTH, r, v, &el), JMD_OK);
    assert_true(el.raan == 0.0 && fabs(el.argp - 2.0) <= 1e-12 && fabs(el.nu - 0.5) <= 1e-12);
    /* Exact parabola: a = inf as the header documents, e = 1. */
    double pr[3] = {2.0, 0.0, 0.0}, pv[3] = {0.0, 1.0, 0.0};
    assert_int_equal(jmd_orbit_elements(1.0, pr, pv, &el), JMD_OK);
    assert_true(isinf(el.a) && fabs(el.e - 1.0) <= 1e-15 && fabs(el.p - 4.0) <= 1e-15);
    /* Rectilinear: no plane. */
    double lv[3] = {3.0, 0.0, 0.0};
    assert_int_equal(jmd_orbit_elements(1.0, pr, lv, &el), JMD_EINVAL);
}

/* ---- bad inputs and stress ---------------------------------------------- */

static const double bad_scalars[] = {NAN, INFINITY, -INFINITY};
static const double odd_scalars[] = {0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300, 5e-324, 1.0};

static void test_bad_inputs(void **state)
{
    (void)state;
    const double r0[3] = {7e6, 1e5, -2e5}, v0[3] = {100.0, 7.5e3, 10.0};
    const double r2[3] = {-1e6, 8e6, 1e5};
    const double zero[3] = {0.0, 0.0, 0.0};
    double r[3], v[3], w[3];
    jmd_ballistic b1, b2;
    jmd_elements el;
    double x, y;

    /* NULL pointers. */
    assert_int_equal(jmd_orbit_kepler(MU_EARTH, NULL, v0, 1, r, v), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler(MU_EARTH, r0, NULL, 1, r, v), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler(MU_EARTH, r0, v0, 1, NULL, v), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler(MU_EARTH, r0, v0, 1, r, NULL), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU_EARTH, NULL, r2, 1e3, 0, v, w), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU_EARTH, r0, NULL, 1e3, 0, v, w), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU_EARTH, r0, r2, 1e3, 0, NULL, w), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU_EARTH, r0, r2, 1e3, 0, v, NULL), JMD_EINVAL);
    assert_int_equal(jmd_orbit_min_energy(MU_EARTH, R_EARTH, 1.0, NULL), JMD_EINVAL);
    assert_int_equal(jmd_orbit_hit(MU_EARTH, R_EARTH, 6e3, 1.0, NULL, &b2), JMD_EINVAL);
    assert_int_equal(jmd_orbit_hit(MU_EARTH, R_EARTH, 6e3, 1.0, &b1, NULL), JMD_EINVAL);
    assert_int_equal(jmd_orbit_free_flight(MU_EARTH, R_EARTH, 6e3, 0.5, R_EARTH, NULL, &y),
                     JMD_EINVAL);
    assert_int_equal(jmd_orbit_free_flight(MU_EARTH, R_EARTH, 6e3, 0.5, R_EARTH, &x, NULL),
                     JMD_EINVAL);
    assert_int_equal(jmd_orbit_elements(MU_EARTH, NULL, v0, &el), JMD_EINVAL);
    assert_int_equal(jmd_orbit_elements(MU_EARTH, r0, NULL, &el), JMD_EINVAL);
    assert_int_equal(jmd_orbit_elements(MU_EARTH, r0, v0, NULL), JMD_EINVAL);

    /* Zero vectors, mu <= 0, tof <= 0, range angle outside (0, 2 pi). */
    assert_int_equal(jmd_orbit_kepler(MU_EARTH, zero, v0, 1, r, v), JMD_EINVAL);
    assert_int_equal(jmd_orbit_kepler(MU_EARTH, r0, zero, 1, r, v), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU_EARTH, zero, r2, 1e3, 0, v, w), JMD_EINVAL);
    assert_int_equal(jmd_orbit_lambert(MU_EARTH, r0, zero, 1e3, 0, v, w), JMD_EINVAL);
    assert_int_equal(jmd_orbit_elements(MU_EARTH, zero, v0, &el), JMD_EINVAL);
    assert_int_equal(jmd_orbit_elements(MU_EARTH, r0, zero, &el), JMD_EINVAL);
    const double nonpos[] = {0.0, -0.0, -1.0, -INFINITY, NAN};
    for (int k = 0; k < 5; k++) {
        double m = nonpos[k];
        assert_int_equal(jmd_orbit_kepler(m, r0, v0, 1, r, v), JMD_EINVAL);
        assert_int_equal(jmd_orbit_lambert(m, r0, r2, 1e3, 0, v, w), JMD_EINVAL);
        assert_int_equal(jmd_orbit_lambert(MU_EARTH, r0, r2, m, 0, v, w), JMD_EINVAL);
        assert_int_equal(jmd_orbit_lambert_multi(MU_EARTH, r0, r2, m, 0, 1, 0, v, w), JMD_EINVAL);
        assert_int_equal(jmd_orbit_min_energy(m, R_EARTH, 1.0, &b1), JMD_EINVAL);
        assert_int_equal(jmd_orbit_min_energy(MU_EARTH, m, 1.0, &b1), JMD_EINVAL);
        assert_int_equal(jmd_orbit_hit(m, R_EARTH, 6e3, 1.0, &b1, &b2), JMD_EINVAL);
        assert_int_equal(jmd_orbit_hit(MU_EARTH, R_EARTH, m, 1.0, &b1, &b2), JMD_EINVAL);
        assert_int_equal(jmd_orbit_free_flight(m, R_EARTH, 6e3, 0.5, R_EARTH, &x, &y), JMD_EINVAL);
        assert_int_equal(jmd_orbit_free_flight(MU_EARTH, m, 6e3, 0.5, R_EARTH, &x, &y),
                         JMD_EINVAL);
        assert_int_equal(jmd_orbit_free_flight(MU_EARTH, R_EARTH, m, 0.5, R_EARTH, &x, &y),
                         JMD_EINVAL);
        assert_int_equal(jmd_orbit_free_flight(MU_EARTH, R_EARTH, 6e3, 0.5, m, &x, &y),
                         JMD_EINVAL);
        assert_int_equal(jmd_orbit_elements(m, r0, v0, &el), JMD_EINVAL);
    }
    const double ranges[] = {0.0, -0.1, 2 * PI, 7.0, NAN, INFINITY};
    for (int k = 0; k < 6; k++) {
        assert_int_equal(jmd_orbit_min_energy(MU_EARTH, R_EARTH, ranges[k], &b1), JMD_EINVAL);
        assert_int_equal(jmd_orbit_hit(MU_EARTH, R_EARTH, 6e3, ranges[k], &b1, &b2), JMD_EINVAL);
    }
    assert_int_equal(jmd_orbit_free_flight(MU_EARTH, R_EARTH, 6e3, 2.0, R_EARTH, &x, &y),
                     JMD_EINVAL); /* |gamma| > pi/2 */

    /* Non-finite components anywhere in a vector; non-finite dt. */
    for (int k = 0; k < 3; k++) {
        const double bad = bad_scalars[k];
        assert_int_equal(jmd_orbit_kepler(MU_EARTH, r0, v0, bad, r, v), JMD_EINVAL);
        assert_int_equal(jmd_orbit_free_flight(MU_EARTH, R_EARTH, 6e3, bad, R_EARTH, &x, &y),
                         JMD_EINVAL);
        for (int c = 0; c < 3; c++) {
            double a[3] = {r0[0], r0[1], r0[2]};
            a[c] = bad;
            assert_int_equal(jmd_orbit_kepler(MU_EARTH, a, v0, 1, r, v), JMD_EINVAL);
            assert_int_equal(jmd_orbit_kepler(MU_EARTH, r0, a, 1, r, v), JMD_EINVAL);
            assert_int_equal(jmd_orbit_lambert(MU_EARTH, a, r2, 1e3, 0, v, w), JMD_EINVAL);
            assert_int_equal(jmd_orbit_lambert(MU_EARTH, r0, a, 1e3, 1, v, w), JMD_EINVAL);
            assert_int_equal(jmd_orbit_elements(MU_EARTH, a, v0, &el), JMD_EINVAL);
            assert_int_equal(jmd_orbit_elements(MU_EARTH, r0, a, &el), JMD_EINVAL);
        }
    }

    /* Extreme but finite: a known code, and success only with finite
     * outputs. */
    for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 8; j++) {
            double s1 = odd_scalars[i], s2 = odd_scalars[j];
            double a[3] = {s1, r0[1], r0[2]}, c[3] = {v0[0], s2, v0[2]};
            int rc;
            rc = jmd_orbit_kepler(fabs(s1) > 0 ? fabs(s1) : 1.0, r0, v0, s2, r, v);
            assert_true(known_code(rc) && (rc || (finite3(r) && finite3(v))));
            rc = jmd_orbit_kepler(MU_EARTH, a, c, s2, r, v);
            assert_true(known_code(rc) && (rc || (finite3(r) && finite3(v))));
            double sa[3] = {s1, s1, s2}, sb[3] = {s2, -s1, s1};
            rc = jmd_orbit_kepler(MU_EARTH, sa, sb, 100.0, r, v);
            assert_true(known_code(rc) && (rc || (finite3(r) && finite3(v))));
            rc = jmd_orbit_lambert(MU_EARTH, a, c, fabs(s2) > 0 ? fabs(s2) : 1.0, 0, v, w);
            assert_true(known_code(rc) && (rc || (finite3(v) && finite3(w))));
            rc = jmd_orbit_lambert_multi(fabs(s1) > 0 ? fabs(s1) : 1.0, r0, r2,
                                         fabs(s2) > 0 ? fabs(s2) : 1.0, 0, 2, 1, v, w);
            assert_true(known_code(rc) && (rc || (finite3(v) && finite3(w))));
            rc = jmd_orbit_elements(MU_EARTH, a, c, &el);
            assert_true(known_code(rc));
            if (rc == JMD_OK)
                assert_true(isfinite(el.e) && isfinite(el.i) && isfinite(el.raan) &&
                            isfinite(el.argp) && isfinite(el.nu) && isfinite(el.p));
            double mu = fabs(s1) > 0 ? fabs(s1) : 1.0, rr = fabs(s2) > 0 ? fabs(s2) : 1.0;
            rc = jmd_orbit_min_energy(mu, rr, 1.0, &b1);
            assert_true(known_code(rc) &&
                        (rc || (isfinite(b1.speed) && isfinite(b1.tof) &&
                                isfinite(b1.apogee_radius) && isfinite(b1.gamma))));
            rc = jmd_orbit_hit(mu, rr, fabs(s1) > 0 ? fabs(s1) : 1.0, 1.0, &b1, &b2);
            assert_true(known_code(rc) && (rc || (isfinite(b1.tof) && isfinite(b2.tof) &&
                                                  isfinite(b1.apogee_radius) &&
                                                  isfinite(b2.apogee_radius))));
            rc = jmd_orbit_free_flight(mu, rr, fabs(s2) > 0 ? fabs(s2) : 1.0, 0.3, rr, &x, &y);
            assert_true(known_code(rc) && (rc || (isfinite(x) && isfinite(y))));
        }
    }
}

/* Randomized stress over wide scales: every valid call either reports an
 * error or returns finite output that satisfies its round trip. */
static void test_stress(void **state)
{
    (void)state;
    rng_state = 7;
    int ok_k = 0, ok_l = 0, ok_b = 0;
    for (int n = 0; n < 3000; n++) {
        /* Kepler: any state (bound or not), r in [1e3, 1e9] m. */
        double r0[3], v0[3], r[3], v[3], rb[3], vb[3];
        double rs = pow(10.0, urange(3.0, 9.0));
        double vesc = sqrt(2 * MU_EARTH / rs);
        double vs = vesc * pow(10.0, urange(-2.0, 1.0));
        for (int k = 0; k < 3; k++) r0[k] = rs * urange(-1, 1), v0[k] = vs * urange(-1, 1);
        double tdyn = sqrt(rs * rs * rs / MU_EARTH);
        double dt = tdyn * urange(-1.0, 1.0) * pow(10.0, urange(-3.0, 2.0));
        int rc = jmd_orbit_kepler(MU_EARTH, r0, v0, dt, r, v);
        assert_true(known_code(rc));
        if (rc == JMD_OK) {
            assert_true(finite3(r) && finite3(v));
            double escale = MU_EARTH / norm3(r0) + 0.5 * dot3(v0, v0);
            assert_true(fabs(energy(MU_EARTH, r, v) - energy(MU_EARTH, r0, v0)) <= 1e-10 * escale);
            /* Round trip, where the arc does not graze the centre. */
            double h[3];
            cross3(r0, v0, h);
            double p = dot3(h, h) / MU_EARTH;
            if (p > 1e-2 * norm3(r0) && norm3(r) < 1e3 * norm3(r0)) {
                assert_int_equal(jmd_orbit_kepler(MU_EARTH, r, v, -dt, rb, vb), JMD_OK);
                assert_true(dist3(rb, r0) <= 1e-8 * norm3(r0));
            }
            ok_k++;
        }

        /* Lambert, any geometry and revolutions. */
        double r1[3], r2[3], v1[3], v2[3];
        random_pair(urange(0, 2 * PI), r1, r2);
        double scale = pow(10.0, urange(-3.0, 3.0)); /* 6 m to 25000 km... */
        for (int k = 0; k < 3; k++) r1[k] *= scale, r2[k] *= scale;
        double a_min = 0.25 * (norm3(r1) + norm3(r2) + dist3(r1, r2));
        double tof = 2 * PI * sqrt(a_min * a_min * a_min / MU_EARTH) *
                     pow(10.0, urange(-2.0, 1.0));
        int revs = n % 4 == 0 ? (int)urange(0, 4) : 0;
        rc = jmd_orbit_lambert_multi(MU_EARTH, r1, r2, tof, n & 1, revs, (n >> 1) & 1, v1, v2);
        assert_true(known_code(rc));
        if (rc == JMD_OK) {
            assert_true(finite3(v1) && finite3(v2));
            lambert_lands(MU_EARTH, r1, r2, tof, v1, v2, 1e-8);
            ok_l++;
        } else {
            assert_true(rc == JMD_ENOSOL && revs > 0);
        }

        /* Hit and free flight. */
        double rbo = R_EARTH * urange(0.5, 3.0), psi = urange(1e-3, 2 * PI - 1e-3);
        double spd = sqrt(MU_EARTH / rbo) * urange(0.05, 1.5);
        jmd_ballistic lo, de;
        rc = jmd_orbit_hit(MU_EARTH, rbo, spd, psi, &lo, &de);
        assert_true(rc == JMD_OK || rc == JMD_ENOSOL);
        if (rc == JMD_OK) {
            check_arc(MU_EARTH, rbo, spd, lo.gamma, psi, lo.tof, rbo);
            check_arc(MU_EARTH, rbo, spd, de.gamma, psi, de.tof, rbo);
            if (lo.gamma > 0) {
                double ra, tof2;
                assert_int_equal(jmd_orbit_free_flight(MU_EARTH, rbo, spd, lo.gamma, rbo, &ra,
                                                       &tof2),
                                 JMD_OK);
                assert_true(fabs(ra - psi) <= 1e-8 && fabs(tof2 - lo.tof) <= 1e-8 * lo.tof);
            }
            ok_b++;
        }
    }
    assert_true(ok_k > 2500 && ok_l > 2500 && ok_b > 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kepler_vallado_2_4),
        cmocka_unit_test(test_kepler_conics),
        cmocka_unit_test(test_kepler_vs_kepler_equation),
        cmocka_unit_test(test_kepler_many_periods),
        cmocka_unit_test(test_kepler_equation),
        cmocka_unit_test(test_lambert_vallado_7_5),
        cmocka_unit_test(test_lambert_round_trip),
        cmocka_unit_test(test_lambert_near_180),
        cmocka_unit_test(test_lambert_direction),
        cmocka_unit_test(test_lambert_multi),
        cmocka_unit_test(test_min_energy_table),
        cmocka_unit_test(test_hit_bmw),
        cmocka_unit_test(test_hit_invariants),
        cmocka_unit_test(test_free_flight),
        cmocka_unit_test(test_elements),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_stress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
