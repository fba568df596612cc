/*
 * orbit__vec.h — private 3-vector helpers of the orbit module.
 *
 * Tiny static inline functions (dot, cross, norms, finiteness) so that the
 * orbit sources stay self-contained: orbit depends on <math.h> only, never
 * on geo. Everything here is on the hot path of Kepler and Lambert, hence
 * inline and branch-free where possible.
 */
#ifndef JMD_ORBIT__VEC_H
#define JMD_ORBIT__VEC_H

#include <math.h>

#define ORBIT__PI     3.14159265358979323846
#define ORBIT__TWO_PI 6.28318530717958647693

static inline double orbit__dot(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static inline void orbit__cross(const double a[3], const double b[3], double out[3])
{
    double x = a[1] * b[2] - a[2] * b[1];
    double y = a[2] * b[0] - a[0] * b[2];
    double z = a[0] * b[1] - a[1] * b[0];
    out[0] = x;
    out[1] = y;
    out[2] = z;
}

/* a*b - c*d with one rounding (Kahan's algorithm): the plain difference
 * loses every digit when the two products nearly cancel, which is what a
 * cross product of nearly parallel vectors does. */
static inline double orbit__diff_of_products(double a, double b, double c, double d)
{
    double w = c * d;
    double err = fma(-c, d, w);
    double f = fma(a, b, -w);
    return f + err;
}

/* Cross product accurate to a few ulps per component even for nearly
 * (anti)parallel inputs; costs nine fma calls, so callers use it only when
 * the plain cross product is known to have cancelled. */
static inline void orbit__cross_accurate(const double a[3], const double b[3], double out[3])
{
    double x = orbit__diff_of_products(a[1], b[2], a[2], b[1]);
    double y = orbit__diff_of_products(a[2], b[0], a[0], b[2]);
    double z = orbit__diff_of_products(a[0], b[1], a[1], b[0]);
    out[0] = x;
    out[1] = y;
    out[2] = z;
}

static inline double orbit__norm(const double a[3])
{
    return sqrt(orbit__dot(a, a));
}

static inline int orbit__finite3(const double a[3])
{
    return isfinite(a[0]) && isfinite(a[1]) && isfinite(a[2]);
}

#endif /* JMD_ORBIT__VEC_H */
