/*
 * sector.c — sector rules of the sectoral model (Medvedev, Lisbon 2010;
 * DESIGN.md §5): which party's sector contains a point (the predicted
 * intercept point), by ray casting in the (lon, lat) plane over the
 * polygons of jmd/common.h (simple, open, straight edges in (lon, lat),
 * no antimeridian crossing). Polygons are closed sets: a point on an edge
 * or vertex (within SECTOR_EPS) is inside, so a point on a boundary shared
 * by two sectors is in both, and the hand-over rule gives it to the first
 * party in order. docs/governance.md §5.
 *
 * Workload: warm — one owner query per planned intercept; O(vertices).
 */
#include <math.h>

#include "jmd/govern.h"

/* rad; distance from an edge under which a point counts as on it (~6 µm
 * on the ground): absorbs the rounding of vertices that were converted
 * from degrees, far below any sector's meaning. */
#define SECTOR_EPS 1e-12

#define PI 3.14159265358979323846

static int on_segment(jmd_latlon a, jmd_latlon b, jmd_latlon p)
{
    double ex = b.lon - a.lon, ey = b.lat - a.lat;
    double px = p.lon - a.lon, py = p.lat - a.lat;
    double len = hypot(ex, ey);
    if (len == 0.0) return hypot(px, py) <= SECTOR_EPS;
    double cross = ex * py - ey * px;           /* len * distance from the line */
    if (fabs(cross) > SECTOR_EPS * len) return 0;
    double dot = ex * px + ey * py;             /* len * position along the edge */
    return dot >= -SECTOR_EPS * len && dot <= len * len + SECTOR_EPS * len;
}

static int polygon_ok(const jmd_polygon *poly)
{
    if (!poly || !poly->v || poly->n < 3) return 0;
    for (size_t i = 0; i < poly->n; i++)
        if (!isfinite(poly->v[i].lat) || !isfinite(poly->v[i].lon)) return 0;
    return 1;
}

/* Caller has checked poly and p. */
static int inside(const jmd_polygon *poly, jmd_latlon p)
{
    const jmd_latlon *v = poly->v;
    size_t n = poly->n;
    for (size_t i = 0, j = n - 1; i < n; j = i++)
        if (on_segment(v[j], v[i], p)) return 1;
    /* Crossing number (Jordan curve theorem): a ray from p towards +lon
     * crosses the boundary an odd number of times iff p is inside. The
     * half-open rule (one end of each edge counts as above p, the other
     * not) counts a crossing through a vertex once; horizontal edges never
     * count (Haines, "Point in polygon strategies", Graphics Gems IV, 1994). */
    int c = 0;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        if ((v[i].lat > p.lat) != (v[j].lat > p.lat)) {
            double x = v[i].lon + (p.lat - v[i].lat) * (v[j].lon - v[i].lon) / (v[j].lat - v[i].lat);
            if (p.lon < x) c = !c;
        }
    }
    return c;
}

int jmd_govern_in_polygon(const jmd_polygon *poly, jmd_latlon p)
{
    if (!polygon_ok(poly) || !isfinite(p.lat) || !isfinite(p.lon)) return JMD_EINVAL;
    return inside(poly, p);
}

int jmd_govern_sector_owner(const jmd_sector *sectors, size_t nparties, jmd_latlon p, int *owner)
{
    if (owner) *owner = -1;
    if (!owner || nparties > JMD_GOV_MAX_PARTIES || (nparties > 0 && !sectors)) return JMD_EINVAL;
    if (!isfinite(p.lat) || !isfinite(p.lon) || fabs(p.lat) > 0.5 * PI || fabs(p.lon) > PI)
        return JMD_EINVAL;
    /* Validate everything first so that a bad table fails whatever the point. */
    for (size_t k = 0; k < nparties; k++) {
        if (sectors[k].n > 0 && !sectors[k].poly) return JMD_EINVAL;
        for (size_t m = 0; m < sectors[k].n; m++)
            if (!polygon_ok(&sectors[k].poly[m])) return JMD_EINVAL;
    }
    for (size_t k = 0; k < nparties; k++)
        for (size_t m = 0; m < sectors[k].n; m++)
            if (inside(&sectors[k].poly[m], p)) {
                *owner = (int)k;
                return JMD_OK;
            }
    return JMD_OK;
}
