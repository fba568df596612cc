/*
 * la.c — the small dense linear algebra of the track module: Cholesky
 * factorisation and solves up to 6x6, the 3x3 SPD inverse with its
 * log-determinant, and the covariance repair that keeps every filter
 * covariance symmetric and positive definite. Fixed sizes, no allocation;
 * hot (several calls per track per scan).
 */
#include <math.h>

#include "track/track__internal.h"

int jmd__track_chol(int n, const double *a, double *L)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j <= i; j++) {
            double s = a[i * n + j];
            for (int k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
            if (i == j) {
                if (!(s > 0.0) || !isfinite(s)) return -1;
                L[i * n + i] = sqrt(s);
            } else {
                L[i * n + j] = s / L[j * n + j];
            }
        }
        for (int j = i + 1; j < n; j++) L[i * n + j] = 0.0;
    }
    return 0;
}

void jmd__track_chol_solve(int n, const double *L, double *b)
{
    for (int i = 0; i < n; i++) { /* L y = b */
        double s = b[i];
        for (int k = 0; k < i; k++) s -= L[i * n + k] * b[k];
        b[i] = s / L[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) { /* L' x = y */
        double s = b[i];
        for (int k = i + 1; k < n; k++) s -= L[k * n + i] * b[k];
        b[i] = s / L[i * n + i];
    }
}

int jmd__track_inv3(const double S[3][3], double Si[3][3], double *logdet)
{
    double L[9];
    if (jmd__track_chol(3, &S[0][0], L) != 0) return -1;
    for (int j = 0; j < 3; j++) {
        double col[3] = {0.0, 0.0, 0.0};
        col[j] = 1.0;
        jmd__track_chol_solve(3, L, col);
        for (int i = 0; i < 3; i++) Si[i][j] = col[i];
    }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < i; j++) Si[i][j] = Si[j][i] = 0.5 * (Si[i][j] + Si[j][i]);
    if (logdet) *logdet = 2.0 * (log(L[0]) + log(L[4]) + log(L[8]));
    return 0;
}

void jmd__track_fix_cov(double *P)
{
    double L[36], dmax = 0.0;
    for (int i = 0; i < 6; i++) {
        for (int j = 0; j < i; j++) P[i * 6 + j] = P[j * 6 + i] = 0.5 * (P[i * 6 + j] + P[j * 6 + i]);
        if (fabs(P[i * 7]) > dmax) dmax = fabs(P[i * 7]);
    }
    /* A diagonal load that starts at 1e-12 of the largest variance and
     * doubles: a repair of round-off, invisible at the filter's scales. */
    double load = dmax > 0.0 ? dmax * 1e-12 : 1e-9;
    for (int tries = 0; tries < 80 && jmd__track_chol(6, P, L) != 0; tries++) {
        for (int i = 0; i < 6; i++) {
            if (!(P[i * 7] > 0.0)) P[i * 7] = 0.0;
            P[i * 7] += load;
        }
        load *= 2.0;
    }
}
