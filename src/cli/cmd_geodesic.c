/*
 * cmd_geodesic.c — `jmd geodesic`: distance and azimuths between two points
 * on the WGS-84 ellipsoid (Karney's geodesic, through PROJ), with the
 * great-circle central angle the closed-form ballistic relations use.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "jmd/geo.h"

#define CMD "geodesic"

void jmd_cmd_geodesic_help(FILE *out)
{
    fprintf(out,
            "Usage: jmd geodesic --from LAT,LON --to LAT,LON [--json]\n"
            "\n"
            "Distance (km) and azimuths (degrees clockwise from north) of the geodesic\n"
            "between two points on the WGS-84 ellipsoid (Karney 2013, through PROJ), and\n"
            "the range angle on a sphere of the mean Earth radius (6371.0 km).\n"
            "\n"
            "Options:\n"
            "  --from LAT,LON   first point, degrees (required)\n"
            "  --to LAT,LON     second point, degrees (required)\n"
            "  --json           print JSON instead of text\n"
            "  --help           this help\n"
            "\n"
            "Example:\n"
            "  jmd geodesic --from 55.75,37.62 --to 38.90,-77.04\n"
            "\n"
            "Exit status: 0 success, 2 bad usage.\n");
}

static double az360(double a)
{
    double d = a / JMD_DEG;
    d = fmod(d, 360.0);
    return d < 0 ? d + 360.0 : d;
}

int jmd_cmd_geodesic(int argc, char **argv)
{
    double lat0 = 0, lon0 = 0, lat1 = 0, lon1 = 0, s12, azi1, azi2;
    int have_from = 0, have_to = 0, json = 0;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v;
        if (strcmp(f, "--json") == 0) {
            json = 1;
        } else if (strcmp(f, "--from") == 0 || strcmp(f, "--to") == 0) {
            int from = strcmp(f, "--from") == 0;
            if (jmd_cli_value(CMD, argc, argv, &i, &v) != 0) return JMD_EXIT_USAGE;
            if (jmd_cli_latlon(CMD, f, v, from ? &lat0 : &lat1, from ? &lon0 : &lon1) != 0)
                return JMD_EXIT_USAGE;
            if (from) have_from = 1;
            else have_to = 1;
        } else {
            return jmd_cli_usage_error(
                CMD, "expected --from, --to or --json (see jmd geodesic --help), found \"%s\"", f);
        }
    }
    if (!have_from) return jmd_cli_usage_error(CMD, "--from: expected LAT,LON, found nothing");
    if (!have_to) return jmd_cli_usage_error(CMD, "--to: expected LAT,LON, found nothing");
    if (jmd_geo_inverse(lat0, lon0, lat1, lon1, &s12, &azi1, &azi2) != 0)
        return jmd_cli_fail(CMD, "geodesic computation failed");
    if (json) {
        printf("{\"from_deg\": [%.8f, %.8f], \"to_deg\": [%.8f, %.8f], \"distance_km\": %.6f, "
               "\"azimuth1_deg\": %.6f, \"azimuth2_deg\": %.6f, \"range_angle_deg\": %.6f}\n",
               lat0 / JMD_DEG, lon0 / JMD_DEG, lat1 / JMD_DEG, lon1 / JMD_DEG, s12 / 1e3,
               az360(azi1), az360(azi2), s12 / JMD_EARTH_RMEAN / JMD_DEG);
    } else {
        printf("Geodesic on WGS-84\n");
        printf("  %-18s %.3f km\n", "distance", s12 / 1e3);
        printf("  %-18s %.3f deg (clockwise from north)\n", "azimuth at start", az360(azi1));
        printf("  %-18s %.3f deg (direction of travel at the end)\n", "azimuth at end",
               az360(azi2));
        printf("  %-18s %.4f deg (distance / 6371.0 km)\n", "range angle",
               s12 / JMD_EARTH_RMEAN / JMD_DEG);
    }
    return JMD_EXIT_OK;
}
