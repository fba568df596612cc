/*
 * cli.h — shared pieces of the jmd command-line program: the subcommand
 * table, usage errors that name the flag, and parsers for the values the
 * commands take (numbers with ranges, LAT,LON pairs in degrees).
 *
 * Every parse helper prints one line on failure,
 *   jmd CMD: FLAG: expected WHAT, found "TEXT"
 * and returns JMD_EINVAL; callers then return exit status 2.
 */
#ifndef JMD_CLI_H
#define JMD_CLI_H

#include <stdio.h>

enum { JMD_EXIT_OK = 0, JMD_EXIT_FAIL = 1, JMD_EXIT_USAGE = 2 };

typedef struct {
    const char *name;
    const char *summary;                 /* one line for jmd --help */
    int (*run)(int argc, char **argv);   /* argv[0] is the command name */
    void (*help)(FILE *out);             /* full help text */
} jmd_cli_cmd;

extern const jmd_cli_cmd jmd_cli_cmds[];

/* Print "jmd CMD: " + formatted message + newline on stderr; returns 2. */
int jmd_cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print "jmd CMD: " + message on stderr; returns 1 (the job failed). */
int jmd_cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parse a finite number in [lo, hi] from text for flag `flag`; `what`
 * describes it ("a speed in km/s"). */
int jmd_cli_number(const char *cmd, const char *flag, const char *text, double lo,
                   double hi, const char *what, double *out);
/* Parse "LAT,LON" in degrees (lat in [-90, 90], lon in [-180, 360)) into
 * radians. */
int jmd_cli_latlon(const char *cmd, const char *flag, const char *text, double *lat,
                   double *lon);
/* Parse "LAT,LON,ALT_M": degrees and metres. */
int jmd_cli_latlonalt(const char *cmd, const char *flag, const char *text, double *lat,
                      double *lon, double *alt);
/* Fetch the value of a flag that takes one: argv[*i + 1], advancing *i;
 * a missing value (end of arguments or another --flag) is an error. */
int jmd_cli_value(const char *cmd, int argc, char **argv, int *i, const char **out);

/* JSON string output with escaping. */
void jmd_cli_json_string(FILE *out, const char *s);

#define JMD_DEG (3.14159265358979323846 / 180.0)

#include <stdint.h>

#include "jmd/sim.h"

/* An unsigned 64-bit decimal seed: 0, or -1 for anything else. */
int jmd_cli_seed(const char *text, uint64_t *out);

/* Runs a scenario through fn (jmd_sim_run or the federated world) and
 * writes what `jmd run` writes (cmd_run.c). Returns the exit status. */
typedef int (*jmd_cli_sim_fn)(void *ctx, const jmd_scenario *sc, uint64_t seed,
                              const jmd_sim_opts *so, jmd_sim_result **res, char *err,
                              size_t errlen);
int jmd_cli_single_run(const char *cmd, const char *path, const jmd_scenario *sc, uint64_t seed,
                       int model, const char *outdir, int quiet, jmd_cli_sim_fn fn, void *ctx);

#endif
