/*
 * stats.c — the statistics of a study: Wilson score intervals for
 * proportions (Wilson 1927; recommended by Brown, Cai & DasGupta 2001 over
 * the Wald interval, which undercovers near 0 and 1 — exactly where the
 * probability of no leaker lives), Student-t intervals for means, medians,
 * and the per-trial timeline. Pure functions; cold.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "jmd/error.h"
#include "study/study__internal.h"

int jmd_study_wilson(long k, long n, double z, jmd_study_prop *out)
{
    if (!out || n < 1 || k < 0 || k > n || !(z > 0) || !isfinite(z)) return JMD_EINVAL;
    double nn = (double)n, p = (double)k / nn, z2 = z * z;
    double denom = 1.0 + z2 / nn;
    double centre = (p + z2 / (2.0 * nn)) / denom;
    double half = z * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;
    out->k = k;
    out->n = n;
    out->p = p;
    out->lo = k == 0 ? 0.0 : fmax(0.0, centre - half);
    out->hi = k == n ? 1.0 : fmin(1.0, centre + half);
    return 0;
}

void jmd_study__acc_add(jmd_study__acc *a, double x)
{
    a->n++;
    double d = x - a->mean;
    a->mean += d / (double)a->n;
    a->m2 += d * (x - a->mean);
}

void jmd_study__acc_finish(const jmd_study__acc *a, jmd_study_mean *out)
{
    out->n = a->n;
    out->mean = a->n > 0 ? a->mean : NAN;
    out->sd = out->lo = out->hi = NAN;
    if (a->n < 2) return;
    double var = a->m2 > 0 ? a->m2 / (double)(a->n - 1) : 0.0;
    out->sd = sqrt(var);
    if (out->sd == 0) {
        out->lo = out->hi = out->mean;
        return;
    }
    double t = gsl_cdf_tdist_Pinv(0.975, (double)(a->n - 1));
    double half = t * out->sd / sqrt((double)a->n);
    out->lo = out->mean - half;
    out->hi = out->mean + half;
}

int jmd_study_mean_of(const double *x, size_t n, jmd_study_mean *out)
{
    if (!x || !out || n == 0) return JMD_EINVAL;
    jmd_study__acc a = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) return JMD_EINVAL;
        jmd_study__acc_add(&a, x[i]);
    }
    jmd_study__acc_finish(&a, out);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int jmd_study_median(double *x, size_t n, double *out)
{
    if (out) *out = NAN;
    if (!x || !out || n == 0) return JMD_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return JMD_EINVAL;
    qsort(x, n, sizeof *x, cmp_double);
    *out = n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
    return 0;
}

static void first(double *best, double t)
{
    if (isfinite(t) && (isnan(*best) || t < *best)) *best = t;
}

void jmd_study__timeline(const jmd_sim_result *r, double t[JMD_STUDY_NTIMES])
{
    double t0 = NAN;
    for (int k = 0; k < JMD_STUDY_NTIMES; k++)
        t[k] = NAN;
    for (size_t i = 0; i < r->nthreats; i++) {
        const jmd_sim_threat *th = &r->threats[i];
        first(&t0, th->t_launch);
        first(&t[JMD_STUDY_T_DETECT], th->t_detect);
        first(&t[JMD_STUDY_T_TRACK], th->t_track);
        first(&t[JMD_STUDY_T_WARNING], th->t_warning);
        first(&t[JMD_STUDY_T_DECISION], th->t_decision);
        first(&t[JMD_STUDY_T_LAUNCH], th->t_engage);
        if (th->fate == JMD_FATE_INTERCEPTED) first(&t[JMD_STUDY_T_INTERCEPT], th->t_end);
    }
    for (int k = 0; k < JMD_STUDY_NTIMES; k++)
        t[k] -= t0; /* NAN stays NAN */
}
