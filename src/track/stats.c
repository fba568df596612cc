/*
 * stats.c — consistency statistics and track-to-track fusion: the NEES of
 * an estimate against truth, chi-square quantiles (for gates and for the
 * NEES/NIS acceptance bounds), and covariance intersection. Cold: gates
 * are computed once per tracker, NEES only in tests and studies.
 */
#include <math.h>

#include <gsl/gsl_sf_gamma.h>
#include <string.h>

#include "track/track__internal.h"

int jmd_track_nees(const jmd_track_est *e, const double x_true[6], double *nees)
{
    double L[36], d[6], b[6];
    if (!e || !x_true || !nees) return JMD_EINVAL;
    if (jmd__track_chol(6, &e->P[0][0], L) != 0) return JMD_EINVAL;
    for (int i = 0; i < 6; i++) d[i] = b[i] = e->x[i] - x_true[i];
    jmd__track_chol_solve(6, L, b);
    double v = 0.0;
    for (int i = 0; i < 6; i++) v += d[i] * b[i];
    if (!isfinite(v)) return JMD_EINVAL;
    *nees = v;
    return 0;
}

/* Regularised lower incomplete gamma P(a, x) (Numerical Recipes, 3rd ed.,
 * sec. 6.2: series below a + 1, Lentz's continued fraction above). */
static double gammp(double a, double x)
{
    if (x <= 0.0) return 0.0;
    /* GSL, not lgamma(): lgamma writes the global signgam, a data race
     * when trials run on several threads. */
    double gln = gsl_sf_lngamma(a);
    if (x < a + 1.0) {
        double ap = a, sum = 1.0 / a, del = sum;
        for (int n = 0; n < 100000; n++) {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * 1e-16) break;
        }
        return sum * exp(-x + a * log(x) - gln);
    }
    const double tiny = 1e-300;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 100000; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny) d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-16) break;
    }
    return 1.0 - exp(-x + a * log(x) - gln) * h;
}

int jmd_track_chi2_quantile(double p, double dof, double *x)
{
    if (!x || !(p > 0.0 && p < 1.0) || !(dof > 0.0) || !isfinite(dof) || dof > 1e9)
        return JMD_EINVAL;
    double lo = 0.0, hi = dof + 50.0 * sqrt(2.0 * dof) + 100.0;
    for (int it = 0; it < 400 && hi - lo > 1e-13 * hi; it++) {
        double mid = 0.5 * (lo + hi);
        if (gammp(0.5 * dof, 0.5 * mid) < p) lo = mid;
        else hi = mid;
    }
    *x = 0.5 * (lo + hi);
    return 0;
}

static int inv6(const double P[6][6], double Pi[6][6])
{
    double L[36];
    if (jmd__track_chol(6, &P[0][0], L) != 0) return -1;
    for (int j = 0; j < 6; j++) {
        double col[6] = {0};
        col[j] = 1.0;
        jmd__track_chol_solve(6, L, col);
        for (int i = 0; i < 6; i++) Pi[i][j] = col[i];
    }
    return 0;
}

/* Fused estimate for weight w; returns its trace (or INFINITY). */
static double ci_fuse(const double Ai[6][6], const double Bi[6][6], const double ya[6],
                      const double yb[6], double w, double x[6], double P[6][6])
{
    double I[6][6], L[36], y[6];
    for (int i = 0; i < 6; i++) {
        for (int j = 0; j < 6; j++) I[i][j] = w * Ai[i][j] + (1.0 - w) * Bi[i][j];
        y[i] = w * ya[i] + (1.0 - w) * yb[i];
    }
    if (jmd__track_chol(6, &I[0][0], L) != 0) return INFINITY;
    double tr = 0.0;
    for (int j = 0; j < 6; j++) {
        double col[6] = {0};
        col[j] = 1.0;
        jmd__track_chol_solve(6, L, col);
        for (int i = 0; i < 6; i++) P[i][j] = col[i];
        tr += col[j];
    }
    memcpy(x, y, sizeof y);
    jmd__track_chol_solve(6, L, x);
    return tr;
}

int jmd_track_ci(const jmd_track_est *a, const jmd_track_est *b, jmd_track_est *out,
                 double *w_out)
{
    double Ai[6][6], Bi[6][6], ya[6], yb[6], x[6], P[6][6];
    if (!a || !b || !out || a->t != b->t) return JMD_EINVAL;
    if (inv6(a->P, Ai) || inv6(b->P, Bi)) return JMD_EINVAL;
    for (int i = 0; i < 6; i++) {
        ya[i] = yb[i] = 0.0;
        for (int k = 0; k < 6; k++) {
            ya[i] += Ai[i][k] * a->x[k];
            yb[i] += Bi[i][k] * b->x[k];
        }
    }
    /* trace P(w) is convex in w: golden-section search on [0, 1]. */
    const double g = 0.5 * (sqrt(5.0) - 1.0);
    double lo = 0.0, hi = 1.0, c = hi - g * (hi - lo), d = lo + g * (hi - lo);
    double fc = ci_fuse(Ai, Bi, ya, yb, c, x, P), fd = ci_fuse(Ai, Bi, ya, yb, d, x, P);
    for (int it = 0; it < 80; it++) {
        if (fc < fd) {
            hi = d;
            d = c;
            fd = fc;
            c = hi - g * (hi - lo);
            fc = ci_fuse(Ai, Bi, ya, yb, c, x, P);
        } else {
            lo = c;
            c = d;
            fc = fd;
            d = lo + g * (hi - lo);
            fd = ci_fuse(Ai, Bi, ya, yb, d, x, P);
        }
    }
    double w = 0.5 * (lo + hi);
    /* The ends (one estimate alone) can beat the interior. */
    double f = ci_fuse(Ai, Bi, ya, yb, w, x, P);
    double t0 = 0.0, t1 = 0.0;
    for (int i = 0; i < 6; i++) {
        t0 += b->P[i][i];
        t1 += a->P[i][i];
    }
    jmd_track_est r;
    r.t = a->t;
    if (t1 <= f && t1 <= t0) {
        w = 1.0;
        memcpy(r.x, a->x, sizeof r.x);
        memcpy(r.P, a->P, sizeof r.P);
    } else if (t0 <= f) {
        w = 0.0;
        memcpy(r.x, b->x, sizeof r.x);
        memcpy(r.P, b->P, sizeof r.P);
    } else {
        memcpy(r.x, x, sizeof r.x);
        memcpy(r.P, P, sizeof r.P);
    }
    jmd__track_fix_cov((double *)&r.P);
    *out = r;
    if (w_out) *w_out = w;
    return 0;
}
