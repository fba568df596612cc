/*
 * geo__internal.h — constants and small helpers shared by the geo module's
 * files (geo.c, geodesic.c); private to src/geo/.
 *
 * Everything here is static and inline: no state, safe from any thread.
 */
#ifndef JMD_GEO__INTERNAL_H
#define JMD_GEO__INTERNAL_H

#include <math.h>

#include "jmd/geo.h"

/* <math.h> in strict ISO C has no M_PI. */
#define GEO__PI 3.14159265358979323846
#define GEO__HALF_PI (GEO__PI / 2)
#define GEO__TWO_PI (2 * GEO__PI)

/* WGS-84 derived quantities (NIMA TR8350.2, 3rd ed., ch. 3). */
#define GEO__F (1.0 / JMD_WGS84_INV_F)        /* flattening */
#define GEO__B (JMD_WGS84_A * (1.0 - GEO__F)) /* semi-minor axis, m */
#define GEO__E2 (GEO__F * (2.0 - GEO__F))     /* first eccentricity squared */

/* A latitude jmd accepts: finite and inside [-pi/2, pi/2].  The bound is
 * the double nearest pi/2, which is below the true pi/2, so the test is
 * exact: the next double up is outside the mathematical range. */
static inline int geo__lat_ok(double lat)
{
    return isfinite(lat) && fabs(lat) <= GEO__HALF_PI;
}

static inline int geo__finite3(const double v[3])
{
    return isfinite(v[0]) && isfinite(v[1]) && isfinite(v[2]);
}

/* Angle in radians to [0, 2 pi).  Valid for x in [-2 pi, 4 pi), which is
 * what atan2 and PROJ hand back; -0 becomes +0, and a tiny negative x that
 * rounds to 2 pi after the shift becomes 0 so the interval stays open. */
static inline double geo__wrap_2pi(double x)
{
    if (x < 0)
        x += GEO__TWO_PI;
    else if (x >= GEO__TWO_PI)
        x -= GEO__TWO_PI;
    if (x >= GEO__TWO_PI || x == 0) x = 0; /* also turns -0 into +0 */
    return x;
}

/* Longitude from atan2 or PROJ ([-pi, pi]) to (-pi, pi]. */
static inline double geo__wrap_lon(double lon)
{
    return lon <= -GEO__PI ? GEO__PI : lon;
}

#endif /* JMD_GEO__INTERNAL_H */
