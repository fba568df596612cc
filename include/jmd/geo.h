/*
 * jmd/geo.h — geodesy on the WGS-84 ellipsoid and the frames jmd uses.
 *
 * Frames (all Cartesian frames are right-handed, metres):
 *  - geodetic: latitude and longitude in radians (WGS-84, geodetic latitude,
 *    longitude east-positive in (-pi, pi]), height h in metres above the
 *    ellipsoid;
 *  - ECEF: Earth-centred, Earth-fixed (WGS-84; z to the pole, x to lon 0);
 *  - ECI: jmd's inertial frame is the ECEF frame frozen at the scenario
 *    epoch (t = 0) and left behind as the Earth turns about z at the IERS
 *    mean rate JMD_EARTH_OMEGA.  It ignores precession, nutation, polar
 *    motion and UT1-UTC, which is correct to the metre level over the hours
 *    a missile-defense scenario spans; it is not a celestial frame (J2000 /
 *    GCRF) and must not be used to point at stars or to ingest TLEs;
 *  - ENU: local East-North-Up on the geodetic normal at a point.
 *
 * Azimuth is measured clockwise from north in [0, 2 pi); elevation above
 * the local (geodetic) horizontal in [-pi/2, pi/2].
 *
 * Every function returns 0 or a negative JMD_E* code (JMD_EINVAL for NULL
 * pointers, non-finite inputs, latitudes outside [-pi/2, pi/2]); on failure
 * the outputs are left unspecified. All functions are reentrant and do not
 * allocate.  Hot path: the conversions run per measurement and per state.
 */
#ifndef JMD_GEO_H
#define JMD_GEO_H

#include "jmd/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* WGS-84 defining constants (NIMA TR8350.2, 3rd ed., Table 3.1). */
#define JMD_WGS84_A 6378137.0               /* semi-major axis, m */
#define JMD_WGS84_INV_F 298.257223563       /* inverse flattening */
#define JMD_WGS84_GM 3.986004418e14         /* Earth's GM incl. atmosphere, m^3/s^2 */
/* IERS conventional mean angular velocity of the Earth, rad/s (IERS TN36). */
#define JMD_EARTH_OMEGA 7.292115e-5
/* Mean Earth radius R1 = (2a+b)/3 of WGS-84, m. */
#define JMD_EARTH_RMEAN 6371008.7714

/* WGS-84 geodetic (lat, lon rad; h m) -> ECEF (m). */
int jmd_geo_to_ecef(double lat, double lon, double h, double ecef[3]);
/* ECEF (m) -> WGS-84 geodetic; accurate to 1 mm from h = -10 km to
 * 50,000 km at every latitude, poles included (lon = 0 on the axis). */
int jmd_geo_from_ecef(const double ecef[3], double *lat, double *lon, double *h);

/* Position rotations between ECEF and jmd's ECI at time t (s since the
 * epoch at which the frames coincide). */
int jmd_geo_ecef_to_eci(double t, const double ecef[3], double eci[3]);
int jmd_geo_eci_to_ecef(double t, const double eci[3], double ecef[3]);
/* State (position and velocity) transforms: v_eci = R (v_ecef + w x r_ecef).
 * r_out/v_out may not alias the inputs. */
int jmd_geo_ecef_to_eci_state(double t, const double r_ecef[3], const double v_ecef[3],
                              double r_eci[3], double v_eci[3]);
int jmd_geo_eci_to_ecef_state(double t, const double r_eci[3], const double v_eci[3],
                              double r_ecef[3], double v_ecef[3]);

/* Rotation matrix from ECEF to ENU at geodetic (lat, lon): enu = M * d_ecef.
 * Rows are the east, north and up unit vectors in ECEF. */
int jmd_geo_enu_matrix(double lat, double lon, double m[3][3]);
/* Vector from the origin point (geodetic lat, lon, h) to an ECEF point,
 * expressed in the origin's ENU frame (m). */
int jmd_geo_ecef_to_enu(double lat0, double lon0, double h0, const double ecef[3],
                        double enu[3]);
/* Inverse of jmd_geo_ecef_to_enu. */
int jmd_geo_enu_to_ecef(double lat0, double lon0, double h0, const double enu[3],
                        double ecef[3]);
/* Azimuth (rad, clockwise from north, [0, 2pi)), elevation (rad) and slant
 * range (m) of the ECEF point `to` seen from the geodetic point
 * (lat0, lon0, h0). JMD_EINVAL when the two points coincide. */
int jmd_geo_aer(double lat0, double lon0, double h0, const double to[3], double *az,
                double *el, double *range);
/* Inverse of jmd_geo_aer: the ECEF point at (az, el, range) from the origin. */
int jmd_geo_aer_to_ecef(double lat0, double lon0, double h0, double az, double el,
                        double range, double ecef[3]);

/* Geodesic on the WGS-84 ellipsoid (Karney's algorithm, via PROJ).
 * Inverse: distance s12 (m) and forward azimuths at both ends (rad,
 * clockwise from north, azi2 is the direction of travel at point 2). */
int jmd_geo_inverse(double lat1, double lon1, double lat2, double lon2, double *s12,
                    double *azi1, double *azi2);
/* Direct: the end point and final azimuth after s12 (m, may be negative)
 * from (lat1, lon1) on initial azimuth azi1. */
int jmd_geo_direct(double lat1, double lon1, double azi1, double s12, double *lat2,
                   double *lon2, double *azi2);

/* Line of sight between two ECEF points: *visible = 1 when the straight
 * segment between them does not pass below the WGS-84 ellipsoid raised by
 * `clearance` metres (0 for the bare ellipsoid), else 0. */
int jmd_geo_line_of_sight(const double a[3], const double b[3], double clearance,
                          int *visible);

/* Radar horizon: the longest ground-grazing slant range (m) between a sensor
 * at height h_sensor and a target at height h_target (both m, >= 0) over a
 * sphere of radius earth_radius * k, where k is the effective-Earth-radius
 * factor (4/3 for standard atmospheric refraction, 1 for geometric). */
int jmd_geo_radar_horizon(double h_sensor, double h_target, double earth_radius, double k,
                          double *range);

/* Small vector helpers used throughout jmd (no error returns). */
double jmd_vec_dot(const double a[3], const double b[3]);
double jmd_vec_norm(const double a[3]);
void jmd_vec_cross(const double a[3], const double b[3], double out[3]);

#ifdef __cplusplus
}
#endif
#endif /* JMD_GEO_H */
