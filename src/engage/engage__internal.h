/*
 * engage__internal.h — helpers shared by the files of src/engage/ (not
 * part of the public API): a symmetric eigen-solver for the small
 * covariances of impact prediction, and the local projection used for
 * impact points and assets.
 */
#ifndef JMD_ENGAGE__INTERNAL_H
#define JMD_ENGAGE__INTERNAL_H

/* Eigen-decomposition of a symmetric n x n matrix (n <= 6, row-major `a`,
 * destroyed) by cyclic Jacobi rotations: eigenvalues w[n] in decreasing
 * order and unit eigenvectors as the COLUMNS of v (row-major n x n).
 * Converges to machine precision in a handful of sweeps for n <= 6.
 * Returns 0, or JMD_ENOCONV after 100 sweeps (never seen in practice). */
int jmd__engage_eig_sym(int n, double *a, double *w, double *v);

/* Azimuthal-equidistant coordinates (m, east and north) of the point
 * (lat, lon) seen from (lat0, lon0) along the WGS-84 geodesic: distance s
 * and initial azimuth az give (s sin az, s cos az). Exact distances from
 * the origin, so a lethal disc about an asset far from the predicted point
 * keeps its distance. *dist may be NULL. */
int jmd__engage_local_en(double lat0, double lon0, double lat, double lon, double en[2],
                         double *dist);

#endif /* JMD_ENGAGE__INTERNAL_H */
