/*
 * catalog.h — catalogue access for CLI commands (cli/catalog.c).
 */
#ifndef JMD_CLI_CATALOG_H
#define JMD_CLI_CATALOG_H

#include "jmd/flight.h"

/* Built-in catalogue plus extra_path (may be NULL). Returns 0, or the exit
 * status to return (message printed); *cat is empty on failure. The caller
 * frees *cat with jmd_catalogue_free. */
int jmd_cli_catalogue_open(const char *cmd, const char *extra_path, jmd_catalogue *cat);
/* Lookups that print a usage error naming the flag and the valid names. */
const jmd_vehicle *jmd_cli_vehicle(const char *cmd, const char *flag, const jmd_catalogue *cat,
                                   const char *name);
const jmd_interceptor *jmd_cli_interceptor(const char *cmd, const char *flag,
                                           const jmd_catalogue *cat, const char *name);
int jmd_cli_traj_type(const char *cmd, const char *flag, const char *text, jmd_traj_type *out);
const char *jmd_cli_traj_type_name(jmd_traj_type t);

#endif
