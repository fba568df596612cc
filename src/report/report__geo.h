/*
 * report__geo.h — private: the small geometry the report page and the
 * KML/CZML exports share, so that the three draw the same picture.
 */
#ifndef JMD_REPORT__GEO_H
#define JMD_REPORT__GEO_H

#include <stddef.h>
#include <stdint.h>

#include "jmd/flight.h"

/* Approximate ground reach (m) of an interceptor class as the report draws
 * it: its range limit when it has one, else half the range of a free
 * flight at its burnout speed at the best angle on a sphere (the intercept
 * happens on the way up, near the top of the fly-out). A picture, not the
 * reach model (docs/reach.md). */
double jmd__report_reach_ground(const jmd_interceptor *ic);

/* Geodetic position (rad, m) of an ECI state at its time; heights below
 * the ellipsoid (launch and impact points sit a hair below it) clamp to 0.
 * 0, or -1 when the conversion fails. */
int jmd__report_state_geo(const jmd_state *s, double *lat, double *lon, double *h);

/* ISO 8601 UTC ("YYYY-MM-DDTHH:MM:SS.sssZ") of simulation time t (s)
 * after the epoch unix_s + frac (whole seconds since 1970 without leap
 * seconds, and a fraction in [0, 1)), to the millisecond. */
void jmd__report_iso_time(int64_t unix_s, double frac, double t, char *buf, size_t len);

#endif
