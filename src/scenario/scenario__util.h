/*
 * scenario__util.h — private to the scenario module: the geometric check
 * of territory polygons and the parse of the ISO 8601 epoch.
 */
#ifndef JMD_SCENARIO__UTIL_H
#define JMD_SCENARIO__UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "jmd/scenario.h"

/* Checks that polygon v[0..n-1] (n >= 3, no closing repeat) is simple in
 * the (lon, lat) plane. Returns 0 when it is; otherwise 1 and *ea, *eb
 * hold the first vertices of two offending edges (edge k runs from v[k]
 * to v[(k+1) % n]); *ea == *eb means a zero-length edge at that vertex,
 * and *ea == -1 a polygon of zero area. Cost O(n^2). */
int jmd__scen_polygon_check(const jmd_latlon *v, size_t n, long *ea, long *eb);

/* Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (or "+00:00" for Z; years 1900 to
 * 2200) into whole seconds since 1970 and a fraction; 0 or -1. */
int jmd__scen_epoch(const char *s, size_t len, int64_t *unix_s, double *frac);

#endif
