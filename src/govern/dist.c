/*
 * dist.c — delay distributions (human decision latency, link delays):
 * validation and one draw. The lognormal is given by the delay's own mean
 * and standard deviation, as an analyst states a latency ("about 30 s,
 * give or take 15"), and converted to the underlying normal's mu and sigma
 * (moments of the lognormal: Johnson, Kotz & Balakrishnan, "Continuous
 * Univariate Distributions" vol. 1, 2nd ed., 1994, ch. 14).
 *
 * Workload: warm — one draw per vote or message delay.
 */
#include <math.h>

#include "jmd/govern.h"

int jmd_govern_dist_check(const jmd_dist *d)
{
    if (!d) return JMD_EINVAL;
    switch (d->kind) {
    case JMD_DIST_FIXED:
    case JMD_DIST_EXPONENTIAL:
        return (isfinite(d->mean) && d->mean >= 0.0) ? JMD_OK : JMD_EINVAL;
    case JMD_DIST_LOGNORMAL:
        return (isfinite(d->mean) && d->mean > 0.0 && isfinite(d->sd) && d->sd >= 0.0)
                   ? JMD_OK
                   : JMD_EINVAL;
    case JMD_DIST_UNIFORM:
        return (isfinite(d->min) && isfinite(d->max) && d->min >= 0.0 && d->min <= d->max)
                   ? JMD_OK
                   : JMD_EINVAL;
    }
    return JMD_EINVAL;
}

double jmd_govern_draw_delay(const jmd_dist *d, jmd_rng *r)
{
    if (!r || jmd_govern_dist_check(d)) return -1.0;
    switch (d->kind) {
    case JMD_DIST_FIXED: return d->mean;
    case JMD_DIST_EXPONENTIAL: return d->mean > 0.0 ? jmd_rng_exponential(r, d->mean) : 0.0;
    case JMD_DIST_LOGNORMAL: {
        if (d->sd == 0.0) return d->mean;
        double cv = d->sd / d->mean;
        double s2 = log1p(cv * cv);
        double mu = log(d->mean) - 0.5 * s2;
        return exp(mu + sqrt(s2) * jmd_rng_normal(r));
    }
    case JMD_DIST_UNIFORM: return d->min + (d->max - d->min) * jmd_rng_uniform(r);
    }
    return -1.0;
}
