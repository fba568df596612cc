/*
 * sensor__internal.h — small helpers shared by the sensor module's files
 * (radar.c, irsat.c); private to src/sensor/.
 *
 * Everything here is static and inline: no state, no allocation, safe from
 * any thread.
 */
#ifndef JMD_SENSOR__INTERNAL_H
#define JMD_SENSOR__INTERNAL_H

#include <math.h>

#include "jmd/geo.h"

/* <math.h> in strict ISO C has no M_PI. */
#define SENSOR__PI 3.14159265358979323846
#define SENSOR__HALF_PI (SENSOR__PI / 2)
#define SENSOR__TWO_PI (2 * SENSOR__PI)

/* WGS-84 derived quantities (NIMA TR8350.2, 3rd ed., ch. 3). */
#define SENSOR__F (1.0 / JMD_WGS84_INV_F)
#define SENSOR__E2 (SENSOR__F * (2.0 - SENSOR__F)) /* first eccentricity squared */

static inline int sensor__finite3(const double v[3])
{
    return isfinite(v[0]) && isfinite(v[1]) && isfinite(v[2]);
}

/* A latitude (or elevation) jmd accepts: finite and inside [-pi/2, pi/2]. */
static inline int sensor__lat_ok(double lat)
{
    return isfinite(lat) && fabs(lat) <= SENSOR__HALF_PI;
}

/* Any finite angle to [0, 2 pi); -0 becomes +0. */
static inline double sensor__wrap_2pi(double x)
{
    x = fmod(x, SENSOR__TWO_PI);
    if (x < 0) x += SENSOR__TWO_PI;
    if (x >= SENSOR__TWO_PI || x == 0) x = 0;
    return x;
}

/* Any finite angle to (-pi, pi]. */
static inline double sensor__wrap_pi(double x)
{
    x = remainder(x, SENSOR__TWO_PI); /* [-pi, pi] */
    return x <= -SENSOR__PI ? SENSOR__PI : x;
}

#endif /* JMD_SENSOR__INTERNAL_H */
