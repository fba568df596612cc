/*
 * geo.c — the geometry shared by the report page and the KML/CZML exports
 * (report__geo.h). Cold path: a few calls per site and per sample.
 */
#include <math.h>

#include "jmd/geo.h"
#include "report/report__geo.h"

double jmd__report_reach_ground(const jmd_interceptor *ic)
{
    double R = JMD_EARTH_RMEAN, v = ic->burnout_speed;
    double nu = v * v * R / JMD_WGS84_GM, r;
    if (!(v > 0))
        r = 0;
    else if (nu >= 1)
        r = 3.14159265358979323846 * R / 2;
    else
        r = R * asin(nu / (2 - nu)); /* half of 2 R asin(nu / (2 - nu)) */
    if (ic->max_range > 0 && ic->max_range < r) r = ic->max_range;
    return r;
}

int jmd__report_state_geo(const jmd_state *s, double *lat, double *lon, double *h)
{
    double ecef[3];
    if (jmd_geo_eci_to_ecef(s->t, s->r, ecef) != 0 || jmd_geo_from_ecef(ecef, lat, lon, h) != 0)
        return -1;
    if (*h < 0) *h = 0;
    return 0;
}
