/*
 * track__internal.h — private interface between the track module's files:
 * small dense linear algebra on fixed-size matrices (row-major, caller's
 * storage), the radar measurement model h(x) with its Jacobian, the ECI ->
 * ECEF rotation at a time, and the assignment solver with a caller-owned
 * workspace. Nothing here allocates. Hot: every call runs per track per
 * scan.
 */
#ifndef JMD_TRACK__INTERNAL_H
#define JMD_TRACK__INTERNAL_H

#include <stddef.h>

#include "jmd/track.h"

/* Second zonal harmonic of the EGM96 geopotential used with WGS-84
 * (NIMA TR8350.2, 3rd ed., Table 5.3; the value the flight module uses). */
#define JMD__TRACK_J2 1.08262668e-3
#define JMD__TRACK_PI 3.14159265358979323846

/* ECI -> ECEF rotation at t (rows: ECEF axes in ECI), built from
 * jmd_geo_eci_to_ecef so that both agree to the last bit. */
int jmd__track_rot(double t, double C[3][3]);

/* Measurement (range, az in [0, 2pi), el) of ECI position r at time t from
 * the site and, when Hr is not NULL, its Jacobian with respect to r (the
 * velocity block is zero). C is jmd__track_rot(t). JMD_EINVAL when the
 * target is within 1 mm of the site. */
int jmd__track_measure(const jmd_track_site *s, const double C[3][3], const double r[3],
                       double z[3], double Hr[3][3]);

/* Inverse measurement: the ECI position at (range, az, el) from the site
 * at time t (C = jmd__track_rot(t)) and its covariance for noise sigma
 * (linearised: J diag(sigma^2) J'). */
void jmd__track_unmeasure(const jmd_track_site *s, const double C[3][3], const double z[3],
                          const double sigma[3], double r[3], double R[3][3]);

/* Gravity (point mass + optional J2) in ECI and its gradient da/dr (may
 * be NULL). */
void jmd__track_gravity(int j2, const double r[3], double a[3], double G[3][3]);

/* Wrap an angle to (-pi, pi]. */
double jmd__track_wrap(double a);

/* Symmetrise P and load its diagonal until a Cholesky factorisation
 * succeeds (it stays positive definite). */
void jmd__track_fix_cov(double *P);

/* Cholesky factor L (lower) of an n x n SPD matrix a (n <= 6, row-major
 * with stride n); -1 when not positive definite. */
int jmd__track_chol(int n, const double *a, double *L);
/* Solve (L L') x = b in place (b has n entries). */
void jmd__track_chol_solve(int n, const double *L, double *b);
/* Inverse of a 3x3 SPD matrix and its log-determinant; -1 when not PD. */
int jmd__track_inv3(const double S[3][3], double Si[3][3], double *logdet);

/* Assignment on an nr x nc problem (see jmd_track_assign) with a
 * workspace of jmd__track_assign_ws(nr, nc) bytes (suitably aligned, e.g.
 * from malloc). */
size_t jmd__track_assign_ws(size_t nr, size_t nc);
int jmd__track_assign(size_t nr, size_t nc, const double *cost, const double *row_miss,
                      const double *col_miss, int *row_to_col, double *total, void *ws);

#endif
