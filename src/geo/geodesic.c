/*
 * geodesic.c — the direct and inverse geodesic problems on WGS-84, by
 * Karney's algorithm ("Algorithms for geodesics", J. Geodesy 87 (2013)
 * 43-55, doi:10.1007/s00190-012-0578-z) as shipped in PROJ's geodesic.h.
 * Accurate to round-off (~15 nm) for every pair of points, antipodes
 * included, which Vincenty's iteration is not.
 *
 * This file only converts units (radians <-> degrees), wraps the results
 * into jmd's ranges (azimuth [0, 2 pi), longitude (-pi, pi]) and checks
 * arguments: PROJ turns a latitude beyond 90 degrees into NaN instead of
 * failing, so every input is checked here first.
 *
 * The ellipsoid's coefficients (struct geod_geodesic) are computed once,
 * with call_once, and only read afterwards: geod_init costs ~150 ns against
 * ~460 ns for geod_direct and ~1.4 us for geod_inverse (measured on the
 * build machine), too much to repeat per call on a hot path.
 *
 * Workload: warm (engagement geometry, sector tests, reports).
 */
#include <geodesic.h>
#include <math.h>
#include <stddef.h>

#include "jmd/geo.h"
#include "geo/geo__internal.h"

#define GEO__DEG (180.0 / GEO__PI)
#define GEO__RAD (GEO__PI / 180.0)

#if defined(__STDC_NO_THREADS__)
/* No C11 threads: initialise on every call, into the caller's copy. */
static const struct geod_geodesic *geo__geod(struct geod_geodesic *local)
{
    geod_init(local, JMD_WGS84_A, GEO__F);
    return local;
}
#else
#include <threads.h>
static struct geod_geodesic geo__wgs84;
static once_flag geo__wgs84_once = ONCE_FLAG_INIT;

static void geo__wgs84_init(void)
{
    geod_init(&geo__wgs84, JMD_WGS84_A, GEO__F);
}

/* call_once orders the initialisation before every return, in every
 * thread; the struct is only read afterwards. */
static const struct geod_geodesic *geo__geod(struct geod_geodesic *local)
{
    (void)local;
    call_once(&geo__wgs84_once, geo__wgs84_init);
    return &geo__wgs84;
}
#endif

/* Latitude in degrees for PROJ.  The double nearest pi/2 times 180/pi can
 * round to just above 90, which PROJ would turn into NaN; clamp it back. */
static double geo__lat_deg(double lat)
{
    double d = lat * GEO__DEG;
    return d > 90.0 ? 90.0 : d < -90.0 ? -90.0 : d;
}

/* Azimuth from PROJ (degrees, [-180, 180]) to radians in [0, 2 pi).  The
 * shift is done in degrees, where 360 is exact. */
static double geo__azi_rad(double deg)
{
    if (deg < 0) deg += 360.0;
    return geo__wrap_2pi(deg * GEO__RAD);
}

int jmd_geo_inverse(double lat1, double lon1, double lat2, double lon2, double *s12,
                    double *azi1, double *azi2)
{
    struct geod_geodesic local;
    double s, a1, a2;

    if (!s12 || !azi1 || !azi2 || !geo__lat_ok(lat1) || !geo__lat_ok(lat2) || !isfinite(lon1) ||
        !isfinite(lon2))
        return JMD_EINVAL;
    /* PROJ reduces the longitude difference itself, exactly (AngDiff), so
     * any finite longitudes work. */
    geod_inverse(geo__geod(&local), geo__lat_deg(lat1), lon1 * GEO__DEG, geo__lat_deg(lat2),
                 lon2 * GEO__DEG, &s, &a1, &a2);
    if (!isfinite(s) || !isfinite(a1) || !isfinite(a2)) return JMD_ERANGE;
    *s12 = s;
    *azi1 = geo__azi_rad(a1);
    *azi2 = geo__azi_rad(a2);
    return JMD_OK;
}

int jmd_geo_direct(double lat1, double lon1, double azi1, double s12, double *lat2,
                   double *lon2, double *azi2)
{
    struct geod_geodesic local;
    double la, lo, az;

    if (!lat2 || !lon2 || !azi2 || !geo__lat_ok(lat1) || !isfinite(lon1) || !isfinite(azi1) ||
        !isfinite(s12))
        return JMD_EINVAL;
    geod_direct(geo__geod(&local), geo__lat_deg(lat1), lon1 * GEO__DEG, azi1 * GEO__DEG, s12,
                &la, &lo, &az);
    if (!isfinite(la) || !isfinite(lo) || !isfinite(az)) return JMD_ERANGE;
    /* Clamp: 90 * (pi/180) may land a rounding above the double nearest
     * pi/2 that jmd's own latitude check accepts. */
    la *= GEO__RAD;
    *lat2 = la > GEO__HALF_PI ? GEO__HALF_PI : la < -GEO__HALF_PI ? -GEO__HALF_PI : la;
    *lon2 = geo__wrap_lon(lo * GEO__RAD);
    *azi2 = geo__azi_rad(az);
    return JMD_OK;
}
