/*
 * cmd_trajectory.c — `jmd trajectory`: the ballistic trajectory between two
 * points. Without a vehicle: the closed-form minimum-energy figures on a
 * spherical Earth (Bate, Mueller & White 6.2) and the Kepler free flight that
 * hits the aim point on the rotating WGS-84 Earth. With a catalogue vehicle:
 * the targeted powered flight (boost, J2, drag) and its impact miss.
 * Degrees and km at this edge; the library underneath is SI.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/catalog.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "jmd/flight.h"
#include "jmd/geo.h"
#include "jmd/orbit.h"

#define CMD "trajectory"

void jmd_cmd_trajectory_help(FILE *out)
{
    fprintf(out,
            "Usage: jmd trajectory --from LAT,LON --to LAT,LON [options]\n"
            "\n"
            "Ballistic trajectory from a launch point to an aim point (degrees).\n"
            "\n"
            "Without --vehicle it prints the closed-form minimum-energy figures on a\n"
            "spherical, non-rotating Earth (Bate, Mueller & White 1971, 6.2) and the\n"
            "Kepler free flight from burnout at the launch point that hits the aim point\n"
            "on the rotating WGS-84 Earth. With --vehicle it targets that catalogue\n"
            "vehicle (multi-stage boost, J2 gravity, drag in the US 1976 atmosphere) and\n"
            "prints the powered-flight figures and the impact miss.\n"
            "\n"
            "Options:\n"
            "  --from LAT,LON      launch point, degrees (required)\n"
            "  --to LAT,LON        aim point, degrees (required)\n"
            "  --type T            minimum-energy (default), lofted or depressed\n"
            "  --apogee-km X       apogee altitude for lofted/depressed, km (required for\n"
            "                      them without --vehicle; with a vehicle, omitted means\n"
            "                      the lofted or depressed trajectory at full burn)\n"
            "  --vehicle NAME      a threat vehicle of the catalogue (jmd catalogue lists them)\n"
            "  --catalogue FILE    add the classes of a catalogue YAML file\n"
            "  --launch-time S     launch time after the epoch, s (default 0); sets the\n"
            "                      Earth's rotation angle at launch\n"
            "  --csv FILE          write the time series: t_s, lat_deg, lon_deg, alt_km,\n"
            "                      speed_km_s (Earth-relative), x_m, y_m, z_m, vx_m_s,\n"
            "                      vy_m_s, vz_m_s (ECI state, jmd's frame)\n"
            "  --step S            time step of the CSV rows, s (default 1)\n"
            "  --json              print JSON instead of text\n"
            "  --help              this help\n"
            "\n"
            "Example:\n"
            "  jmd trajectory --from 35.69,51.39 --to 52.52,13.40 --vehicle mrbm-liquid\n"
            "\n"
            "Exit status: 0 success, 1 no solution (out of reach), 2 bad usage.\n");
}

typedef struct {
    double lat0, lon0, lat1, lon1;
    jmd_traj_type type;
    double apogee_km;
    int have_apogee;
    const char *vehicle;
    const char *catalogue;
    const char *csv;
    double step;
    double t0;
    int json;
} traj_args;

static int parse_args(int argc, char **argv, traj_args *a)
{
    int have_from = 0, have_to = 0;
    memset(a, 0, sizeof *a);
    a->step = 1.0;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = NULL;
        if (strcmp(f, "--json") == 0) {
            a->json = 1;
            continue;
        }
        if (strcmp(f, "--from") == 0 || strcmp(f, "--to") == 0 || strcmp(f, "--type") == 0 ||
            strcmp(f, "--apogee-km") == 0 || strcmp(f, "--vehicle") == 0 ||
            strcmp(f, "--catalogue") == 0 || strcmp(f, "--csv") == 0 ||
            strcmp(f, "--step") == 0 || strcmp(f, "--launch-time") == 0) {
            if (jmd_cli_value(CMD, argc, argv, &i, &v) != 0) return -1;
        } else {
            jmd_cli_usage_error(CMD, "expected an option (see jmd trajectory --help), found \"%s\"",
                                f);
            return -1;
        }
        if (strcmp(f, "--from") == 0) {
            if (jmd_cli_latlon(CMD, f, v, &a->lat0, &a->lon0) != 0) return -1;
            have_from = 1;
        } else if (strcmp(f, "--to") == 0) {
            if (jmd_cli_latlon(CMD, f, v, &a->lat1, &a->lon1) != 0) return -1;
            have_to = 1;
        } else if (strcmp(f, "--type") == 0) {
            if (jmd_cli_traj_type(CMD, f, v, &a->type) != 0) return -1;
        } else if (strcmp(f, "--apogee-km") == 0) {
            if (jmd_cli_number(CMD, f, v, 1.0, 50000.0, "an apogee altitude in [1, 50000] km",
                               &a->apogee_km) != 0)
                return -1;
            a->have_apogee = 1;
        } else if (strcmp(f, "--vehicle") == 0) {
            a->vehicle = v;
        } else if (strcmp(f, "--catalogue") == 0) {
            a->catalogue = v;
        } else if (strcmp(f, "--csv") == 0) {
            a->csv = v;
        } else if (strcmp(f, "--step") == 0) {
            if (jmd_cli_number(CMD, f, v, 0.01, 600.0, "a time step in [0.01, 600] s",
                               &a->step) != 0)
                return -1;
        } else if (strcmp(f, "--launch-time") == 0) {
            if (jmd_cli_number(CMD, f, v, -1e7, 1e7, "a time in [-1e7, 1e7] s", &a->t0) != 0)
                return -1;
        }
    }
    if (!have_from) {
        jmd_cli_usage_error(CMD, "--from: expected LAT,LON of the launch point, found nothing");
        return -1;
    }
    if (!have_to) {
        jmd_cli_usage_error(CMD, "--to: expected LAT,LON of the aim point, found nothing");
        return -1;
    }
    if (a->type == JMD_TRAJ_MIN_ENERGY && a->have_apogee) {
        jmd_cli_usage_error(CMD, "--apogee-km: expected only with --type lofted or depressed, "
                                 "found it with minimum-energy");
        return -1;
    }
    if (a->type != JMD_TRAJ_MIN_ENERGY && !a->have_apogee && !a->vehicle) {
        jmd_cli_usage_error(CMD, "--type %s: expected --apogee-km X (or a --vehicle to fly at "
                                 "full burn), found neither",
                            jmd_cli_traj_type_name(a->type));
        return -1;
    }
    return 0;
}

/* Write the trajectory as CSV rows every `step` seconds plus its last sample. */
static int write_csv(const char *path, const jmd_trajectory *tr, double step)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "t_s,lat_deg,lon_deg,alt_km,speed_km_s,x_m,y_m,z_m,vx_m_s,vy_m_s,vz_m_s\n");
    double t0 = tr->s[0].t, t1 = tr->s[tr->n - 1].t;
    for (long k = 0;; k++) {
        double t = t0 + (double)k * step;
        int last = t >= t1;
        if (last) t = t1;
        jmd_state s;
        double re[3], ve[3], lat, lon, h;
        if (jmd_trajectory_at(tr, t, &s) != 0 ||
            jmd_geo_eci_to_ecef_state(t, s.r, s.v, re, ve) != 0 ||
            jmd_geo_from_ecef(re, &lat, &lon, &h) != 0)
            break;
        fprintf(f, "%.3f,%.6f,%.6f,%.4f,%.5f,%.3f,%.3f,%.3f,%.4f,%.4f,%.4f\n", t - t0,
                lat / JMD_DEG, lon / JMD_DEG, h / 1e3, jmd_vec_norm(ve) / 1e3, s.r[0], s.r[1],
                s.r[2], s.v[0], s.v[1], s.v[2]);
        if (last) break;
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) return -1;
    return 0;
}

static void print_point(const char *label, double lat, double lon)
{
    printf("  %-22s %.4f%s, %.4f%s\n", label, fabs(lat) / JMD_DEG, lat >= 0 ? " N" : " S",
           fabs(lon) / JMD_DEG, lon >= 0 ? " E" : " W");
}

int jmd_cmd_trajectory(int argc, char **argv)
{
    traj_args a;
    jmd_catalogue cat = {0};
    jmd_trajectory tr = {0};
    jmd_target_result res;
    jmd_ballistic me;
    jmd_flight_opts opts;
    const jmd_vehicle *veh = NULL;
    int status = JMD_EXIT_USAGE, rc;
    double s12, azi1, azi2, psi;

    if (parse_args(argc, argv, &a) != 0) goto done;
    if (a.vehicle || a.catalogue) {
        if ((status = jmd_cli_catalogue_open(CMD, a.catalogue, &cat)) != 0) goto done;
        status = JMD_EXIT_USAGE;
    }
    if (a.vehicle && !(veh = jmd_cli_vehicle(CMD, "--vehicle", &cat, a.vehicle))) goto done;

    status = JMD_EXIT_FAIL;
    if (jmd_geo_inverse(a.lat0, a.lon0, a.lat1, a.lon1, &s12, &azi1, &azi2) != 0) goto done;
    if (s12 < 1e3) {
        status = jmd_cli_usage_error(CMD, "--to: expected an aim point at least 1 km from --from, "
                                          "found %.3f km",
                                     s12 / 1e3);
        goto done;
    }
    /* Near the antipode every azimuth reaches the aim: the trajectory's plane
     * is undefined (the longest meridian arc is 20,004 km). */
    if (s12 > 19500e3) {
        status = jmd_cli_usage_error(CMD, "--to: expected an aim point short of the antipode of "
                                          "--from (at most 19500 km), found %.1f km",
                                     s12 / 1e3);
        goto done;
    }
    /* The closed form's range angle: ground range over the mean Earth
     * radius, as in the reference table (shared/reference §4). */
    psi = s12 / JMD_EARTH_RMEAN;
    int have_me = jmd_orbit_min_energy(JMD_WGS84_GM, JMD_EARTH_RMEAN, psi, &me) == 0;

    jmd_flight_opts_default(&opts);
    if (veh)
        rc = jmd_flight_target(veh, a.lat0, a.lon0, a.lat1, a.lon1, a.type,
                               a.have_apogee ? a.apogee_km * 1e3 : 0.0, a.t0, &opts, &res, &tr);
    else
        rc = jmd_flight_aim_free(a.lat0, a.lon0, 0.0, a.lat1, a.lon1, a.type,
                                 a.apogee_km * 1e3, a.t0, &opts, &res, &tr);
    if (rc == JMD_ENOSOL) {
        status = jmd_cli_fail(CMD, "no solution: %s cannot reach %.1f km on a %s trajectory%s",
                              veh ? veh->name : "a free-flight arc", s12 / 1e3,
                              jmd_cli_traj_type_name(a.type),
                              a.have_apogee ? " with that apogee" : "");
        goto done;
    }
    if (rc != 0) {
        status = jmd_cli_fail(CMD, "trajectory solve failed: %s", jmd_strerror(rc));
        goto done;
    }
    errno = 0;
    if (a.csv && write_csv(a.csv, &tr, a.step) != 0) {
        status = jmd_cli_fail(CMD, "--csv: cannot write \"%s\"%s%s", a.csv, errno ? ": " : "",
                              errno ? strerror(errno) : "");
        goto done;
    }

    if (a.json) {
        printf("{\n  \"from_deg\": [%.6f, %.6f],\n  \"to_deg\": [%.6f, %.6f],\n",
               a.lat0 / JMD_DEG, a.lon0 / JMD_DEG, a.lat1 / JMD_DEG, a.lon1 / JMD_DEG);
        printf("  \"type\": \"%s\",\n  \"vehicle\": ", jmd_cli_traj_type_name(a.type));
        if (veh) jmd_cli_json_string(stdout, veh->name);
        else printf("null");
        printf(",\n  \"ground_range_km\": %.3f,\n  \"initial_azimuth_deg\": %.4f,\n", s12 / 1e3,
               azi1 < 0 ? azi1 / JMD_DEG + 360.0 : azi1 / JMD_DEG);
        if (have_me)
            printf("  \"closed_form_min_energy\": {\"range_angle_deg\": %.4f, "
                   "\"burnout_speed_km_s\": %.4f, \"flight_path_angle_deg\": %.3f, "
                   "\"flight_time_s\": %.2f, \"apogee_km\": %.2f},\n",
                   psi / JMD_DEG, me.speed / 1e3, me.gamma / JMD_DEG, me.tof,
                   (me.apogee_radius - JMD_EARTH_RMEAN) / 1e3);
        printf("  \"%s\": {\"launch_azimuth_deg\": %.4f, ", veh ? "powered_flight" : "free_flight",
               res.launch.azimuth / JMD_DEG);
        if (veh)
            printf("\"kick_deg\": %.4f, \"cutoff_s\": %.3f, \"burnout_time_s\": %.3f, "
                   "\"burnout_alt_km\": %.3f, ",
                   res.launch.kick / JMD_DEG, res.launch.cutoff, res.burnout_time,
                   res.burnout_alt / 1e3);
        printf("\"burnout_speed_km_s\": %.4f, \"burnout_flight_path_angle_deg\": %.3f, "
               "\"apogee_km\": %.3f, \"flight_time_s\": %.2f, \"impact_deg\": [%.6f, %.6f], "
               "\"miss_m\": %.2f, \"impact_speed_km_s\": %.4f}\n}\n",
               res.burnout_speed / 1e3, res.burnout_gamma / JMD_DEG, res.apogee_alt / 1e3,
               res.flight_time, res.impact_lat / JMD_DEG, res.impact_lon / JMD_DEG, res.miss,
               res.impact_speed / 1e3);
    } else {
        printf("Trajectory (%s%s%s)\n", jmd_cli_traj_type_name(a.type), veh ? ", vehicle " : "",
               veh ? veh->name : "");
        print_point("launch point", a.lat0, a.lon0);
        print_point("aim point", a.lat1, a.lon1);
        printf("  %-22s %.1f km (WGS-84 geodesic), initial azimuth %.2f deg\n", "ground range",
               s12 / 1e3, azi1 < 0 ? azi1 / JMD_DEG + 360.0 : azi1 / JMD_DEG);
        if (have_me) {
            printf("Minimum energy, closed form (spherical non-rotating Earth R = 6371 km,\n"
                   "burnout at the surface; Bate, Mueller & White 6.2):\n");
            printf("  %-22s %.3f km/s\n", "burnout speed", me.speed / 1e3);
            printf("  %-22s %.2f deg\n", "flight-path angle", me.gamma / JMD_DEG);
            printf("  %-22s %.2f min\n", "flight time", me.tof / 60.0);
            printf("  %-22s %.0f km\n", "apogee altitude", (me.apogee_radius - JMD_EARTH_RMEAN) / 1e3);
        }
        if (veh)
            printf("Powered flight on the rotating WGS-84 Earth (boost, J2, drag):\n"
                   "  %-22s %.2f deg, kick %.2f deg from vertical, cut-off %s\n"
                   "  %-22s %.1f s after launch at %.1f km altitude\n",
                   "launch azimuth", res.launch.azimuth / JMD_DEG, res.launch.kick / JMD_DEG,
                   res.launch.cutoff > 0 ? "before depletion" : "none (full burn)", "burnout",
                   res.burnout_time, res.burnout_alt / 1e3);
        else
            printf("Free flight on the rotating WGS-84 Earth (Kepler arc from the launch point,\n"
                   "no J2, no drag):\n"
                   "  %-22s %.2f deg\n",
                   "launch azimuth", res.launch.azimuth / JMD_DEG);
        printf("  %-22s %.3f km/s (inertial)\n", "burnout speed", res.burnout_speed / 1e3);
        printf("  %-22s %.2f deg (inertial)\n", "flight-path angle", res.burnout_gamma / JMD_DEG);
        printf("  %-22s %.0f km\n", "apogee altitude", res.apogee_alt / 1e3);
        printf("  %-22s %.2f min\n", "flight time", res.flight_time / 60.0);
        print_point("impact point", res.impact_lat, res.impact_lon);
        printf("  %-22s %.1f m\n", "miss", res.miss);
        printf("  %-22s %.3f km/s (Earth-relative)\n", "impact speed", res.impact_speed / 1e3);
        if (a.csv) printf("Time series written to %s\n", a.csv);
    }
    status = JMD_EXIT_OK;
done:
    jmd_trajectory_free(&tr);
    jmd_catalogue_free(&cat);
    return status;
}
