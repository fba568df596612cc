/*
 * compare.h — `jmd run --models`: every requested governance model on the
 * same scenario with common random numbers (the study module), printed
 * side by side, written to DIR/summary.json and DIR/trials.sqlite.
 */
#ifndef JMD_CLI_COMPARE_H
#define JMD_CLI_COMPARE_H

#include <stdint.h>

#include "jmd/scenario.h"

/* Runs the comparison; called by `jmd run` once it has parsed its flags
 * and loaded the scenario. scenario_path labels messages; sc is borrowed
 * (read-only, shared by the worker threads); models_arg is "all" or a
 * comma-separated list of model names (each at most once); trials >= 1;
 * threads >= 1; outdir NULL: write nothing; quiet: no table. Progress is
 * shown on stderr only when it is a terminal. Returns the exit status:
 * 0 ok, 1 failure (a file could not be written), 2 bad usage (a message
 * naming the flag has been printed) or a trial that cannot be flown. */
int jmd_cmd_run_compare(const char *scenario_path, const jmd_scenario *sc,
                        const char *models_arg, long trials, int threads, uint64_t seed,
                        const char *outdir, int quiet);

#endif
