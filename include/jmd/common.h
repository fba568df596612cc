/*
 * jmd/common.h — the few definitions every jmd module shares beyond the
 * error codes: the length of names.
 */
#ifndef JMD_COMMON_H
#define JMD_COMMON_H

#include "jmd/error.h"

#include <stddef.h>

/* Bytes for a name (party, sensor, site, vehicle, ...) including the NUL. */
#define JMD_NAME_MAX 48

/* A point on the ellipsoid, geodetic rad. */
typedef struct {
    double lat, lon;
} jmd_latlon;

/* A simple polygon (no edge crosses or touches another except its two
 * neighbours at the shared vertices), at least 3 distinct vertices, open
 * (the first vertex is not repeated at the end), edges drawn straight in
 * the (lon, lat) plane; it does not cross the 180th meridian. */
typedef struct {
    jmd_latlon *v;
    size_t n;
} jmd_polygon;

#endif /* JMD_COMMON_H */
