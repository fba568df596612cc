/*
 * cmd_catalogue.c — `jmd catalogue`: list the threat and interceptor
 * classes of the built-in catalogue (and of an added file) with their
 * figures, in the units of the catalogue files.
 */
#include <stdio.h>
#include <string.h>

#include "cli/catalog.h"
#include "cli/cli.h"
#include "cli/commands.h"

#define CMD "catalogue"

void jmd_cmd_catalogue_help(FILE *out)
{
    fprintf(out,
            "Usage: jmd catalogue [--catalogue FILE] [--json]\n"
            "\n"
            "Lists the threat vehicles and interceptor classes jmd knows: the built-in\n"
            "catalogue (data/threats.yaml, data/interceptors.yaml; every figure's public\n"
            "source is in those files) plus the classes of FILE. docs/catalogue.md\n"
            "describes the file format.\n"
            "\n"
            "Options:\n"
            "  --catalogue FILE  add the classes of a catalogue YAML file (it is validated;\n"
            "                    errors name file:line:col)\n"
            "  --json            print JSON instead of text\n"
            "  --help            this help\n"
            "\n"
            "Exit status: 0 success, 2 bad usage or a bad catalogue file.\n");
}

static double launch_mass(const jmd_vehicle *v)
{
    double m = v->payload_mass;
    for (int s = 0; s < v->nstages; s++) m += v->stage[s].mass_gross;
    return m;
}

int jmd_cmd_catalogue(int argc, char **argv)
{
    const char *extra = NULL;
    int json = 0, status;
    jmd_catalogue cat;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--catalogue") == 0) {
            if (jmd_cli_value(CMD, argc, argv, &i, &extra) != 0) return JMD_EXIT_USAGE;
        } else {
            return jmd_cli_usage_error(CMD, "expected --catalogue FILE or --json, found \"%s\"",
                                       argv[i]);
        }
    }
    if ((status = jmd_cli_catalogue_open(CMD, extra, &cat)) != 0) return status;
    if (json) {
        printf("{\n  \"threats\": [");
        for (size_t i = 0; i < cat.nvehicles; i++) {
            const jmd_vehicle *v = &cat.vehicles[i];
            printf("%s\n    {\"name\": ", i ? "," : "");
            jmd_cli_json_string(stdout, v->name);
            printf(", \"class\": ");
            jmd_cli_json_string(stdout, v->cls);
            printf(", \"stages\": %d, \"launch_mass_kg\": %.1f, \"payload_kg\": %.1f}", v->nstages,
                   launch_mass(v), v->payload_mass);
        }
        printf("\n  ],\n  \"interceptors\": [");
        for (size_t i = 0; i < cat.ninterceptors; i++) {
            const jmd_interceptor *c = &cat.interceptors[i];
            printf("%s\n    {\"name\": ", i ? "," : "");
            jmd_cli_json_string(stdout, c->name);
            printf(", \"burnout_speed_km_s\": %.3f, \"burn_s\": %.2f, \"min_alt_km\": %.2f, "
                   "\"max_alt_km\": %.2f, \"max_range_km\": %.2f}",
                   c->burnout_speed / 1e3, c->burn_time, c->min_alt / 1e3, c->max_alt / 1e3,
                   c->max_range / 1e3);
        }
        printf("\n  ]\n}\n");
    } else {
        printf("Threat vehicles (%zu)\n", cat.nvehicles);
        printf("  %-24s %-6s %6s %14s %12s\n", "name", "class", "stages", "launch mass kg",
               "payload kg");
        for (size_t i = 0; i < cat.nvehicles; i++) {
            const jmd_vehicle *v = &cat.vehicles[i];
            printf("  %-24s %-6s %6d %14.0f %12.0f\n", v->name, v->cls, v->nstages,
                   launch_mass(v), v->payload_mass);
        }
        printf("Interceptors (%zu)\n", cat.ninterceptors);
        printf("  %-24s %14s %8s %11s %11s\n", "name", "burnout km/s", "burn s", "min alt km",
               "max alt km");
        for (size_t i = 0; i < cat.ninterceptors; i++) {
            const jmd_interceptor *c = &cat.interceptors[i];
            printf("  %-24s %14.2f %8.1f %11.1f %11.1f\n", c->name, c->burnout_speed / 1e3,
                   c->burn_time, c->min_alt / 1e3, c->max_alt / 1e3);
        }
        printf("Sources: see the comments in data/threats.yaml and data/interceptors.yaml.\n");
    }
    jmd_catalogue_free(&cat);
    return JMD_EXIT_OK;
}
