/*
 * jmd/orbit.h — two-body motion: Kepler propagation, Kepler's equation,
 * Lambert's problem and the closed-form ballistic relations.
 *
 * Units are SI throughout: metres, seconds, radians, m^3/s^2 for mu. The
 * functions are pure (no allocation, no global state) and reentrant.
 * They are the hot inner loop of targeting and reach computations, so they
 * avoid transcendental calls where a series does.
 *
 * Every function returns 0 or a negative JMD_E* code: JMD_EINVAL for invalid
 * arguments (NULL pointers, non-finite inputs, zero vectors, mu <= 0,
 * tof <= 0 ...), JMD_ENOCONV when an iteration fails to converge, JMD_ENOSOL
 * when a well-posed problem has no solution, JMD_ERANGE when a result would
 * overflow. No function returns 0 with a
 * non-finite output.
 */
#ifndef JMD_ORBIT_H
#define JMD_ORBIT_H

#include "jmd/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Kepler propagation by universal variables, valid for every conic
 * (elliptic, parabolic, hyperbolic), positive or negative dt and dt of
 * many periods: the state (r, v) at t0 + dt from (r0, v0) at t0.
 * r and v may alias r0 and v0. A rectilinear state (v parallel to r) is
 * propagated as the limit of the conic, through the centre if it falls
 * there: checking for impact with a body is the caller's business. */
int jmd_orbit_kepler(double mu, const double r0[3], const double v0[3], double dt,
                     double r[3], double v[3]);

/* Kepler's equation for the ellipse, M = E - e sin E, 0 <= e < 1:
 * the eccentric anomaly E (rad) for the mean anomaly M (rad, any value);
 * E is returned in the same revolution as M. */
int jmd_orbit_kepler_equation(double mean_anomaly, double e, double *ecc_anomaly);

/* Single revolution. retrograde = 0: the transfer whose angular momentum has a positive z component.
   When r1 x r2 has no z component (both in a plane containing the z axis) the flag cannot
   choose, and the short way (transfer angle < pi) is returned for either value; collinear
   r1, r2 (no plane) give JMD_EINVAL. docs/orbit.md. */
int jmd_orbit_lambert(double mu, const double r1[3], const double r2[3], double tof,
                      int retrograde, double v1[3], double v2[3]);

/* Multi-revolution Lambert: revs >= 0 complete revolutions; for revs > 0,
 * branch 0 is the long-period (left) and 1 the short-period (right)
 * solution. JMD_ENOSOL when tof is too short for revs revolutions. */
int jmd_orbit_lambert_multi(double mu, const double r1[3], const double r2[3], double tof,
                            int retrograde, int revs, int branch, double v1[3],
                            double v2[3]);

/* Minimum-energy free flight over the given range angle (radians) from burnout radius r_burnout,
   spherical non-rotating Earth: burnout speed (m/s), flight-path angle above the local horizontal (rad),
   time of flight (s), apogee radius (m). For range angles above pi the formulas give a negative
   flight-path angle (an arc below the burnout radius): the caller decides whether it is physical. */
typedef struct { double speed, gamma, tof, apogee_radius; } jmd_ballistic;
int jmd_orbit_min_energy(double mu, double r_burnout, double range_angle, jmd_ballistic *out);

/* Hit equation (Bate, Mueller & White 6.2-21): for burnout radius
 * r_burnout, burnout speed `speed` and free-flight range angle in (0, 2pi),
 * both flight-path angles that reach it — lofted (the higher) and depressed
 * — each with its time of flight and apogee radius, re-entry at the burnout
 * radius. JMD_ENOSOL when speed is below the minimum-energy speed for the
 * range; when the two coincide both outputs are the minimum-energy one. */
int jmd_orbit_hit(double mu, double r_burnout, double speed, double range_angle,
                  jmd_ballistic *lofted, jmd_ballistic *depressed);

/* Free-flight range angle (rad) reached from burnout radius r_burnout with
 * speed and flight-path angle gamma, re-entering at radius r_reentry
 * (<= apogee), with its time of flight; the general form of BMW 6.2-21 with
 * unequal end radii. JMD_ENOSOL when the arc never comes back down to
 * r_reentry (escape or apogee below it). */
int jmd_orbit_free_flight(double mu, double r_burnout, double speed, double gamma,
                          double r_reentry, double *range_angle, double *tof);

/* Classical orbital elements from a state (for reports and tests). */
typedef struct {
    double a;     /* semi-major axis, m (negative for hyperbolas, inf for parabolas) */
    double e;     /* eccentricity */
    double i;     /* inclination, rad */
    double raan;  /* right ascension of the ascending node, rad */
    double argp;  /* argument of periapsis, rad */
    double nu;    /* true anomaly, rad */
    double p;     /* semi-latus rectum, m */
} jmd_elements;
int jmd_orbit_elements(double mu, const double r[3], const double v[3], jmd_elements *out);

#ifdef __cplusplus
}
#endif
#endif /* JMD_ORBIT_H */
