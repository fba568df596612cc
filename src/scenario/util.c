/*
 * util.c — the scenario module's geometry and time helpers: the test that
 * a territory polygon is simple (no self-intersection) and the parse of
 * the ISO 8601 UTC epoch.
 *
 * The polygon test is the plain O(n^2) pairwise segment test with exact
 * orientation signs on doubles; polygons are capped at
 * JMD_SCENARIO_MAX_POLYGON vertices by the caller, so it stays fast.
 * Workload: cold.
 */
#include <math.h>
#include <string.h>

#include "scenario/scenario__util.h"

/* Sign of the turn a -> b -> c in the (lon, lat) plane. */
static int orient(const jmd_latlon *a, const jmd_latlon *b, const jmd_latlon *c)
{
    double d = (b->lon - a->lon) * (c->lat - a->lat) - (b->lat - a->lat) * (c->lon - a->lon);
    return (d > 0) - (d < 0);
}

/* c lies within the bounding box of a-b (used when collinear). */
static int on_box(const jmd_latlon *a, const jmd_latlon *b, const jmd_latlon *c)
{
    return fmin(a->lon, b->lon) <= c->lon && c->lon <= fmax(a->lon, b->lon) &&
           fmin(a->lat, b->lat) <= c->lat && c->lat <= fmax(a->lat, b->lat);
}

/* Closed segments p1-p2 and q1-q2 share a point. */
static int touch(const jmd_latlon *p1, const jmd_latlon *p2, const jmd_latlon *q1,
                 const jmd_latlon *q2)
{
    int o1 = orient(p1, p2, q1), o2 = orient(p1, p2, q2);
    int o3 = orient(q1, q2, p1), o4 = orient(q1, q2, p2);
    if (o1 != o2 && o3 != o4) return 1;
    return (o1 == 0 && on_box(p1, p2, q1)) || (o2 == 0 && on_box(p1, p2, q2)) ||
           (o3 == 0 && on_box(q1, q2, p1)) || (o4 == 0 && on_box(q1, q2, p2));
}

int jmd__scen_polygon_check(const jmd_latlon *v, size_t n, long *ea, long *eb)
{
    for (size_t i = 0; i < n; i++) {
        const jmd_latlon *a = &v[i], *b = &v[(i + 1) % n];
        if (a->lat == b->lat && a->lon == b->lon) {
            *ea = *eb = (long)((i + 1) % n);
            return 1;
        }
    }
    /* Adjacent edges a-b, b-c fold back onto each other. */
    for (size_t i = 0; i < n; i++) {
        const jmd_latlon *a = &v[i], *b = &v[(i + 1) % n], *c = &v[(i + 2) % n];
        double dot = (a->lon - b->lon) * (c->lon - b->lon) + (a->lat - b->lat) * (c->lat - b->lat);
        if (orient(a, b, c) == 0 && dot > 0) {
            *ea = (long)i;
            *eb = (long)((i + 1) % n);
            return 1;
        }
    }
    /* Non-adjacent edges must not share any point. */
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 2; j < n; j++) {
            if (i == 0 && j == n - 1) continue; /* adjacent through v[0] */
            if (touch(&v[i], &v[(i + 1) % n], &v[j], &v[(j + 1) % n])) {
                *ea = (long)i;
                *eb = (long)j;
                return 1;
            }
        }
    }
    double area = 0;
    for (size_t i = 0; i < n; i++) {
        const jmd_latlon *a = &v[i], *b = &v[(i + 1) % n];
        area += a->lon * b->lat - b->lon * a->lat;
    }
    if (area == 0) {
        *ea = *eb = -1;
        return 1;
    }
    return 0;
}

static int digits(const char *s, size_t n, int *out)
{
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        x = x * 10 + (s[i] - '0');
    }
    *out = x;
    return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int jmd__scen_epoch(const char *s, size_t len, int64_t *unix_s, double *frac)
{
    int y, mo, d, h, mi, se;
    if (len < 20 || strlen(s) != len) return -1;
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d) || s[10] != 'T' || digits(s + 11, 2, &h) || s[13] != ':' ||
        digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &se))
        return -1;
    size_t i = 19;
    double f = 0, scale = 0.1;
    if (s[i] == '.') {
        i++;
        size_t nd = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (nd < 9) {
                f += (s[i] - '0') * scale;
                scale /= 10;
            }
            i++;
            nd++;
        }
        if (nd == 0) return -1;
    }
    if (!((len - i == 1 && s[i] == 'Z') || (len - i == 6 && memcmp(s + i, "+00:00", 6) == 0)))
        return -1;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || h > 23 || mi > 59 || se > 59) return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int md = mdays[mo - 1] + (mo == 2 && leap);
    if (d < 1 || d > md) return -1;
    *unix_s = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    *frac = f;
    return 0;
}
