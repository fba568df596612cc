/*
 * linalg.c — small dense helpers for the engage module: the cyclic Jacobi
 * eigen-solver of symmetric matrices (Golub & Van Loan, "Matrix
 * Computations", 4th ed., §8.5) and the local East-North projection.
 * Matrices here are at most 6 x 6 (a track state's covariance), where
 * Jacobi is simple, unconditionally stable and accurate even for the tiny
 * eigenvalues of nearly singular covariances. Warm: once per impact
 * prediction and per hit probability.
 */
#include <math.h>
#include <string.h>

#include "engage/engage__internal.h"
#include "jmd/error.h"
#include "jmd/geo.h"

int jmd__engage_eig_sym(int n, double *a, double *w, double *v)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            v[i * n + j] = (i == j) ? 1.0 : 0.0;
    int converged = 0;
    for (int sweep = 0; sweep < 100 && !converged; sweep++) {
        double off = 0.0, diag = 0.0;
        for (int i = 0; i < n; i++) {
            diag += a[i * n + i] * a[i * n + i];
            for (int j = i + 1; j < n; j++)
                off += a[i * n + j] * a[i * n + j];
        }
        if (off == 0.0 || off <= 1e-32 * diag) {
            converged = 1;
            break;
        }
        for (int p = 0; p < n; p++) {
            for (int q = p + 1; q < n; q++) {
                double apq = a[p * n + q];
                if (apq == 0.0) continue;
                double app = a[p * n + p], aqq = a[q * n + q];
                /* Rotation angle that zeroes a[p][q] (stable form). */
                double theta = (aqq - app) / (2.0 * apq);
                double t =
                    (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
                double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
                for (int k = 0; k < n; k++) { /* A <- A J (columns p, q) */
                    double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (int k = 0; k < n; k++) { /* A <- J^T A (rows p, q) */
                    double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                a[p * n + q] = a[q * n + p] = 0.0;
                for (int k = 0; k < n; k++) { /* V <- V J */
                    double vkp = v[k * n + p], vkq = v[k * n + q];
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    if (!converged) return JMD_ENOCONV;
    for (int i = 0; i < n; i++)
        w[i] = a[i * n + i];
    /* Sort decreasing (selection sort; n <= 6), permuting V's columns. */
    for (int i = 0; i < n; i++) {
        int m = i;
        for (int j = i + 1; j < n; j++)
            if (w[j] > w[m]) m = j;
        if (m != i) {
            double t = w[i];
            w[i] = w[m];
            w[m] = t;
            for (int k = 0; k < n; k++) {
                t = v[k * n + i];
                v[k * n + i] = v[k * n + m];
                v[k * n + m] = t;
            }
        }
    }
    return 0;
}

int jmd__engage_local_en(double lat0, double lon0, double lat, double lon, double en[2],
                         double *dist)
{
    double s = 0.0, az1 = 0.0, az2 = 0.0;
    if (lat == lat0 && lon == lon0) {
        en[0] = en[1] = 0.0;
        if (dist) *dist = 0.0;
        return 0;
    }
    int rc = jmd_geo_inverse(lat0, lon0, lat, lon, &s, &az1, &az2);
    if (rc != 0) return rc;
    en[0] = s * sin(az1);
    en[1] = s * cos(az1);
    if (dist) *dist = s;
    return 0;
}
