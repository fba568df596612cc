/* app.c — an outside program built against an installed jmd through
 * pkg-config (tests/install/check.sh). It uses the public API contract of
 * the foundation issue, with exactly those names, and checks its answers
 * against published worked examples. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jmd/error.h>
#include <jmd/geo.h>
#include <jmd/orbit.h>
#include <jmd/version.h>

static int near(double a, double b, double tol)
{
    return fabs(a - b) <= tol;
}

int main(void)
{
    const double mu = 398600.4418e9;
    double ecef[3], lat, lon, h;
    if (strcmp(jmd_strerror(JMD_EINVAL), "invalid argument") != 0) return 1;

    /* Geodetic round trip at 45 N, 30 E, 1 km. */
    if (jmd_geo_to_ecef(0.785398163397448, 0.523598775598299, 1000.0, ecef) != 0) return 2;
    if (jmd_geo_from_ecef(ecef, &lat, &lon, &h) != 0) return 3;
    if (!near(lat, 0.785398163397448, 1e-12) || !near(h, 1000.0, 1e-6)) return 4;

    /* Vallado Ex. 2-4. */
    const double r0[3] = {1131.340e3, -2282.343e3, 6672.423e3};
    const double v0[3] = {-5.64305e3, 4.30333e3, 2.42879e3};
    double r[3], v[3];
    if (jmd_orbit_kepler(mu, r0, v0, 2400.0, r, v) != 0) return 5;
    if (!near(r[0], -4219.7527e3, 1.0) || !near(v[2], -6.112511e3, 1e-2)) return 6;

    /* Vallado Ex. 7-5. */
    const double r1[3] = {15945.34e3, 0, 0}, r2[3] = {12214.83899e3, 10249.46731e3, 0};
    double v1[3], v2[3];
    if (jmd_orbit_lambert(mu, r1, r2, 76.0 * 60.0, 0, v1, v2) != 0) return 7;
    if (!near(v1[0], 2.058913e3, 0.02) || !near(v1[1], 2.915965e3, 0.02)) return 8;

    /* Minimum energy over 10,000 km on a 6371 km sphere: 7.198 km/s. */
    jmd_ballistic b;
    if (jmd_orbit_min_energy(mu, 6371e3, 10000.0 / 6371.0, &b) != 0) return 9;
    if (!near(b.speed, 7198.0, 1.0)) return 10;

    /* Invalid arguments fail cleanly. */
    if (jmd_orbit_kepler(mu, r0, v0, NAN, r, v) != JMD_EINVAL) return 11;

    printf("jmd %s linked: Kepler, Lambert, minimum energy and geodesy answer as published\n",
           jmd_version());
    return 0;
}
