/*
 * geo.c — the geometry shared by the report page and the KML/CZML exports
 * (report__geo.h). Cold path: a few calls per site and per sample.
 */
#include <math.h>
#include <stdio.h>

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

/* Days to civil date: H. Hinnant, "chrono-compatible low-level date
 * algorithms" (proleptic Gregorian). */
void jmd__report_iso_time(int64_t unix_s, double frac, double t, char *buf, size_t len)
{
    int64_t ms = unix_s * 1000 + (int64_t)llround((frac + t) * 1000.0);
    int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    int64_t msd = ms - days * 86400000;
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) y++;
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, (int)m, (int)d,
             (int)(msd / 3600000), (int)(msd / 60000 % 60), (int)(msd / 1000 % 60),
             (int)(msd % 1000));
}
