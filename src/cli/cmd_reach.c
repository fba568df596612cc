/*
 * cmd_reach.c — `jmd reach`: the intercept window of an interceptor fired
 * from a site against one threat trajectory, by the kinematic reach model of
 * the flight module (Lambert arcs from the site, burnout speed as the limit).
 * Degrees, km and km/s at this edge; the library underneath is SI.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/catalog.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "jmd/flight.h"
#include "jmd/geo.h"

#define CMD "reach"

void jmd_cmd_reach_help(FILE *out)
{
    fprintf(out,
            "Usage: jmd reach --site LAT,LON (--interceptor NAME | --burnout-speed KM_S\n"
            "                 --burn-time S) --threat-from LAT,LON --threat-to LAT,LON\n"
            "                 [options]\n"
            "\n"
            "Intercept window of an interceptor fired from a site against a ballistic\n"
            "threat: the earliest and latest feasible intercept (time after the threat's\n"
            "launch, altitude, ground point), or \"no intercept\" with the reason (out of\n"
            "reach, too late, below the minimum or above the maximum intercept altitude).\n"
            "The kinematic model (docs/reach.md): after its burn time the interceptor\n"
            "coasts on a Kepler (Lambert) arc from the site; an intercept is feasible when\n"
            "the arc needs no more than the burnout speed and the point lies in the\n"
            "interceptor's altitude band.\n"
            "\n"
            "Options:\n"
            "  --site LAT,LON           firing site, degrees (required)\n"
            "  --site-alt-m M           site height above the ellipsoid, m (default 0)\n"
            "  --interceptor NAME       an interceptor class of the catalogue, or:\n"
            "  --burnout-speed KM_S     burnout speed, km/s (in (0, 11])\n"
            "  --burn-time S            burn time, s (required with --burnout-speed)\n"
            "  --min-alt-km X           lowest intercept altitude, km (default: the\n"
            "                           interceptor's, or 15 with --burnout-speed)\n"
            "  --max-alt-km X           highest intercept altitude, km (default: the\n"
            "                           interceptor's, or 1500 with --burnout-speed)\n"
            "  --threat-from LAT,LON    threat launch point, degrees (required)\n"
            "  --threat-to LAT,LON      threat aim point, degrees (required)\n"
            "  --threat-vehicle NAME    threat vehicle of the catalogue (default: a free-flight\n"
            "                           Kepler arc from burnout at the launch point)\n"
            "  --threat-type T          minimum-energy (default), lofted or depressed\n"
            "  --threat-apogee-km X     apogee for a lofted or depressed threat, km\n"
            "  --commit-delay S         interceptor launch time after the threat's launch, s\n"
            "                           (default 0: the kinematic best case)\n"
            "  --catalogue FILE         add the classes of a catalogue YAML file\n"
            "  --json                   print JSON instead of text\n"
            "  --help                   this help\n"
            "\n"
            "Example:\n"
            "  jmd reach --site 44.08,24.40 --interceptor sm3-block-ib \\\n"
            "            --threat-from 35.69,51.39 --threat-to 52.52,13.40 --commit-delay 240\n"
            "\n"
            "Exit status: 0 answered (an intercept window or \"no intercept\"), 1 the threat\n"
            "trajectory could not be solved, 2 bad usage.\n");
}

typedef struct {
    double site_lat, site_lon, site_h;
    const char *interceptor;
    double burnout_speed, burn_time, min_alt_km, max_alt_km;
    int have_speed, have_burn, have_min, have_max;
    double t_lat0, t_lon0, t_lat1, t_lon1;
    const char *threat_vehicle;
    jmd_traj_type type;
    double apogee_km;
    int have_apogee;
    double commit_delay;
    const char *catalogue;
    int json;
} reach_args;

static const char *const value_flags[] = {
    "--site", "--site-alt-m", "--interceptor", "--burnout-speed", "--burn-time",
    "--min-alt-km", "--max-alt-km", "--threat-from", "--threat-to", "--threat-vehicle",
    "--threat-type", "--threat-apogee-km", "--commit-delay", "--catalogue", NULL};

static int is_value_flag(const char *f)
{
    for (int k = 0; value_flags[k]; k++)
        if (strcmp(f, value_flags[k]) == 0) return 1;
    return 0;
}

static int parse_args(int argc, char **argv, reach_args *a)
{
    int have_site = 0, have_from = 0, have_to = 0;
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = NULL;
        if (strcmp(f, "--json") == 0) {
            a->json = 1;
            continue;
        }
        if (!is_value_flag(f)) {
            jmd_cli_usage_error(CMD, "expected an option (see jmd reach --help), found \"%s\"", f);
            return -1;
        }
        if (jmd_cli_value(CMD, argc, argv, &i, &v) != 0) return -1;
        int rc = 0;
        if (strcmp(f, "--site") == 0) {
            rc = jmd_cli_latlon(CMD, f, v, &a->site_lat, &a->site_lon);
            have_site = 1;
        } else if (strcmp(f, "--site-alt-m") == 0) {
            rc = jmd_cli_number(CMD, f, v, -500.0, 10000.0, "a height in [-500, 10000] m",
                                &a->site_h);
        } else if (strcmp(f, "--interceptor") == 0) {
            a->interceptor = v;
        } else if (strcmp(f, "--burnout-speed") == 0) {
            rc = jmd_cli_number(CMD, f, v, 1e-3, 11.0, "a burnout speed in (0, 11] km/s",
                                &a->burnout_speed);
            a->have_speed = 1;
        } else if (strcmp(f, "--burn-time") == 0) {
            rc = jmd_cli_number(CMD, f, v, 0.0, 600.0, "a burn time in [0, 600] s",
                                &a->burn_time);
            a->have_burn = 1;
        } else if (strcmp(f, "--min-alt-km") == 0) {
            rc = jmd_cli_number(CMD, f, v, 0.0, 5000.0, "an altitude in [0, 5000] km",
                                &a->min_alt_km);
            a->have_min = 1;
        } else if (strcmp(f, "--max-alt-km") == 0) {
            rc = jmd_cli_number(CMD, f, v, 0.0, 50000.0, "an altitude in [0, 50000] km",
                                &a->max_alt_km);
            a->have_max = 1;
        } else if (strcmp(f, "--threat-from") == 0) {
            rc = jmd_cli_latlon(CMD, f, v, &a->t_lat0, &a->t_lon0);
            have_from = 1;
        } else if (strcmp(f, "--threat-to") == 0) {
            rc = jmd_cli_latlon(CMD, f, v, &a->t_lat1, &a->t_lon1);
            have_to = 1;
        } else if (strcmp(f, "--threat-vehicle") == 0) {
            a->threat_vehicle = v;
        } else if (strcmp(f, "--threat-type") == 0) {
            rc = jmd_cli_traj_type(CMD, f, v, &a->type);
        } else if (strcmp(f, "--threat-apogee-km") == 0) {
            rc = jmd_cli_number(CMD, f, v, 1.0, 50000.0, "an apogee altitude in [1, 50000] km",
                                &a->apogee_km);
            a->have_apogee = 1;
        } else if (strcmp(f, "--commit-delay") == 0) {
            rc = jmd_cli_number(CMD, f, v, 0.0, 10800.0, "a delay in [0, 10800] s",
                                &a->commit_delay);
        } else if (strcmp(f, "--catalogue") == 0) {
            a->catalogue = v;
        }
        if (rc != 0) return -1;
    }
    const char *missing = !have_site ? "--site: expected LAT,LON of the firing site"
                          : !have_from ? "--threat-from: expected LAT,LON of the threat's launch point"
                          : !have_to   ? "--threat-to: expected LAT,LON of the threat's aim point"
                                       : NULL;
    if (missing) {
        jmd_cli_usage_error(CMD, "%s, found nothing", missing);
        return -1;
    }
    if (a->interceptor && (a->have_speed || a->have_burn)) {
        jmd_cli_usage_error(CMD, "--interceptor: expected either --interceptor or "
                                 "--burnout-speed/--burn-time, found both");
        return -1;
    }
    if (!a->interceptor && !a->have_speed) {
        jmd_cli_usage_error(CMD, "--interceptor: expected an interceptor class or "
                                 "--burnout-speed KM_S --burn-time S, found neither");
        return -1;
    }
    if (a->have_speed && !a->have_burn) {
        jmd_cli_usage_error(CMD, "--burn-time: expected the burn time (s) that goes with "
                                 "--burnout-speed, found nothing");
        return -1;
    }
    if (a->type == JMD_TRAJ_MIN_ENERGY && a->have_apogee) {
        jmd_cli_usage_error(CMD, "--threat-apogee-km: expected only with --threat-type lofted "
                                 "or depressed, found it with minimum-energy");
        return -1;
    }
    if (a->type != JMD_TRAJ_MIN_ENERGY && !a->have_apogee && !a->threat_vehicle) {
        jmd_cli_usage_error(CMD, "--threat-type: expected --threat-apogee-km X (or a "
                                 "--threat-vehicle to fly at full burn), found neither");
        return -1;
    }
    return 0;
}

int jmd_cmd_reach(int argc, char **argv)
{
    reach_args a;
    jmd_catalogue cat = {0};
    jmd_trajectory tr = {0};
    jmd_target_result res;
    jmd_flight_opts opts;
    jmd_interceptor ic;
    jmd_reach r;
    const jmd_vehicle *veh = NULL;
    int status = JMD_EXIT_USAGE, rc;

    if (parse_args(argc, argv, &a) != 0) goto done;
    if (a.interceptor || a.threat_vehicle || a.catalogue) {
        if ((status = jmd_cli_catalogue_open(CMD, a.catalogue, &cat)) != 0) goto done;
        status = JMD_EXIT_USAGE;
    }
    memset(&ic, 0, sizeof ic);
    if (a.interceptor) {
        const jmd_interceptor *p = jmd_cli_interceptor(CMD, "--interceptor", &cat, a.interceptor);
        if (!p) goto done;
        ic = *p;
    } else {
        snprintf(ic.name, sizeof ic.name, "custom");
        ic.burnout_speed = a.burnout_speed * 1e3;
        ic.burn_time = a.burn_time;
        ic.min_alt = 15e3;
        ic.max_alt = 1500e3;
    }
    if (a.have_min) ic.min_alt = a.min_alt_km * 1e3;
    if (a.have_max) ic.max_alt = a.max_alt_km * 1e3;
    if (ic.min_alt >= ic.max_alt) {
        /* name the flag the user gave: with only --max-alt-km, the minimum
         * is the interceptor's (or the default) */
        if (a.have_max && !a.have_min)
            jmd_cli_usage_error(CMD, "--max-alt-km: expected more than the minimum altitude "
                                     "%.1f km (%s's), found %.1f km",
                                ic.min_alt / 1e3, ic.name, ic.max_alt / 1e3);
        else
            jmd_cli_usage_error(CMD, "--min-alt-km: expected less than the maximum altitude "
                                     "%.1f km, found %.1f km",
                                ic.max_alt / 1e3, ic.min_alt / 1e3);
        goto done;
    }
    {
        double s12, azi1, azi2;
        if (jmd_geo_inverse(a.t_lat0, a.t_lon0, a.t_lat1, a.t_lon1, &s12, &azi1, &azi2) == 0 &&
            s12 < 1e3) {
            jmd_cli_usage_error(CMD, "--threat-to: expected an aim point at least 1 km from "
                                     "--threat-from, found %.3f km",
                                s12 / 1e3);
            goto done;
        }
        if (s12 > 19500e3) {
            jmd_cli_usage_error(CMD, "--threat-to: expected an aim point short of the antipode of "
                                     "--threat-from (at most 19500 km), found %.1f km",
                                s12 / 1e3);
            goto done;
        }
    }
    if (a.threat_vehicle &&
        !(veh = jmd_cli_vehicle(CMD, "--threat-vehicle", &cat, a.threat_vehicle)))
        goto done;

    status = JMD_EXIT_FAIL;
    jmd_flight_opts_default(&opts);
    double apogee = a.have_apogee ? a.apogee_km * 1e3 : 0.0;
    if (veh)
        rc = jmd_flight_target(veh, a.t_lat0, a.t_lon0, a.t_lat1, a.t_lon1, a.type, apogee, 0.0,
                               &opts, &res, &tr);
    else
        rc = jmd_flight_aim_free(a.t_lat0, a.t_lon0, 0.0, a.t_lat1, a.t_lon1, a.type, apogee, 0.0,
                                 &opts, &res, &tr);
    if (rc != 0) {
        status = jmd_cli_fail(CMD, "threat trajectory: %s%s",
                              rc == JMD_ENOSOL ? "the threat cannot reach its aim point on that "
                                                 "trajectory type"
                                               : "solve failed: ",
                              rc == JMD_ENOSOL ? "" : jmd_strerror(rc));
        goto done;
    }
    double t_launch = tr.s[0].t;
    rc = jmd_flight_reach(&ic, a.site_lat, a.site_lon, a.site_h, &tr, t_launch + a.commit_delay,
                          &r);
    if (rc != 0) {
        status = jmd_cli_fail(CMD, "reach computation failed: %s", jmd_strerror(rc));
        goto done;
    }

    if (a.json) {
        printf("{\n  \"site_deg\": [%.6f, %.6f],\n  \"interceptor\": ", a.site_lat / JMD_DEG,
               a.site_lon / JMD_DEG);
        jmd_cli_json_string(stdout, ic.name);
        printf(",\n  \"burnout_speed_km_s\": %.4f,\n  \"burn_time_s\": %.2f,\n"
               "  \"min_alt_km\": %.3f,\n  \"max_alt_km\": %.3f,\n",
               ic.burnout_speed / 1e3, ic.burn_time, ic.min_alt / 1e3, ic.max_alt / 1e3);
        printf("  \"threat\": {\"vehicle\": ");
        if (veh) jmd_cli_json_string(stdout, veh->name);
        else printf("null");
        printf(", \"type\": \"%s\", \"ground_range_km\": %.3f, \"flight_time_s\": %.2f, "
               "\"apogee_km\": %.3f},\n",
               jmd_cli_traj_type_name(a.type), res.ground_range / 1e3, res.flight_time,
               res.apogee_alt / 1e3);
        printf("  \"commit_delay_s\": %.3f,\n  \"feasible\": %s,\n  \"reason\": \"%s\"",
               a.commit_delay, r.feasible ? "true" : "false", jmd_reach_reason(r.reason));
        if (r.feasible)
            printf(",\n  \"earliest\": {\"t_after_launch_s\": %.3f, \"alt_km\": %.3f, "
                   "\"ground_deg\": [%.6f, %.6f], \"flyout_speed_km_s\": %.4f},\n"
                   "  \"latest\": {\"t_after_launch_s\": %.3f, \"alt_km\": %.3f, "
                   "\"ground_deg\": [%.6f, %.6f], \"flyout_speed_km_s\": %.4f}",
                   r.t_first - t_launch, r.alt_first / 1e3, r.lat_first / JMD_DEG,
                   r.lon_first / JMD_DEG, r.speed_first / 1e3, r.t_last - t_launch,
                   r.alt_last / 1e3, r.lat_last / JMD_DEG, r.lon_last / JMD_DEG,
                   r.speed_last / 1e3);
        printf("\n}\n");
    } else {
        printf("Reach of %s (burnout %.2f km/s after %.0f s; intercept altitude %.0f-%.0f km)\n",
               ic.name, ic.burnout_speed / 1e3, ic.burn_time, ic.min_alt / 1e3,
               ic.max_alt / 1e3);
        printf("  %-20s %.4f, %.4f deg\n", "site", a.site_lat / JMD_DEG, a.site_lon / JMD_DEG);
        printf("  %-20s %s %s, %.0f km, flight time %.1f min, apogee %.0f km\n", "threat",
               veh ? veh->name : "free flight", jmd_cli_traj_type_name(a.type),
               res.ground_range / 1e3, res.flight_time / 60.0, res.apogee_alt / 1e3);
        printf("  %-20s %.1f s after the threat's launch (earliest launch)\n", "commit",
               a.commit_delay);
        if (r.feasible) {
            printf("Intercept window (times after the threat's launch):\n");
            printf("  %-9s %8.1f s  altitude %7.1f km  ground %.3f, %.3f deg  flyout %.2f km/s\n",
                   "earliest", r.t_first - t_launch, r.alt_first / 1e3, r.lat_first / JMD_DEG,
                   r.lon_first / JMD_DEG,
                   r.speed_first / 1e3);
            printf("  %-9s %8.1f s  altitude %7.1f km  ground %.3f, %.3f deg  flyout %.2f km/s\n",
                   "latest", r.t_last - t_launch, r.alt_last / 1e3, r.lat_last / JMD_DEG,
                   r.lon_last / JMD_DEG, r.speed_last / 1e3);
            printf("  %-9s %8.1f s\n", "duration", r.t_last - r.t_first);
        } else {
            printf("No intercept: %s.\n", jmd_reach_reason(r.reason));
        }
    }
    status = JMD_EXIT_OK;
done:
    jmd_trajectory_free(&tr);
    jmd_catalogue_free(&cat);
    return status;
}
