/*
 * catalog.c — the catalogue as the CLI sees it: the built-in classes plus
 * any --catalogue FILE, and lookups that fail with a usage error listing
 * the names a user could have meant.
 */
#include <string.h>

#include "cli/cli.h"
#include "cli/catalog.h"

int jmd_cli_catalogue_open(const char *cmd, const char *extra_path, jmd_catalogue *cat)
{
    char err[512];
    memset(cat, 0, sizeof *cat);
    int rc = jmd_catalogue_load_builtin(cat, err, sizeof err);
    if (rc != 0) {
        jmd_catalogue_free(cat);
        return jmd_cli_fail(cmd, "built-in catalogue: %s", err);
    }
    if (extra_path) {
        rc = jmd_catalogue_load(cat, extra_path, err, sizeof err);
        if (rc != 0) {
            jmd_catalogue_free(cat);
            /* err already says file:line:col: what: expected ..., found ... */
            return jmd_cli_usage_error(cmd, "--catalogue: %s", err);
        }
    }
    return 0;
}

const jmd_vehicle *jmd_cli_vehicle(const char *cmd, const char *flag, const jmd_catalogue *cat,
                                   const char *name)
{
    const jmd_vehicle *v = jmd_catalogue_vehicle(cat, name);
    if (v) return v;
    fprintf(stderr, "jmd %s: %s: expected a threat vehicle of the catalogue (", cmd, flag);
    for (size_t i = 0; i < cat->nvehicles; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", cat->vehicles[i].name);
    fprintf(stderr, "), found \"%s\"\n", name);
    return NULL;
}

const jmd_interceptor *jmd_cli_interceptor(const char *cmd, const char *flag,
                                           const jmd_catalogue *cat, const char *name)
{
    const jmd_interceptor *ic = jmd_catalogue_interceptor(cat, name);
    if (ic) return ic;
    fprintf(stderr, "jmd %s: %s: expected an interceptor of the catalogue (", cmd, flag);
    for (size_t i = 0; i < cat->ninterceptors; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", cat->interceptors[i].name);
    fprintf(stderr, "), found \"%s\"\n", name);
    return NULL;
}

int jmd_cli_traj_type(const char *cmd, const char *flag, const char *text, jmd_traj_type *out)
{
    if (strcmp(text, "minimum-energy") == 0) *out = JMD_TRAJ_MIN_ENERGY;
    else if (strcmp(text, "lofted") == 0) *out = JMD_TRAJ_LOFTED;
    else if (strcmp(text, "depressed") == 0) *out = JMD_TRAJ_DEPRESSED;
    else {
        jmd_cli_usage_error(cmd, "%s: expected minimum-energy, lofted or depressed, found \"%s\"",
                            flag, text);
        return -1;
    }
    return 0;
}

const char *jmd_cli_traj_type_name(jmd_traj_type t)
{
    switch (t) {
    case JMD_TRAJ_LOFTED: return "lofted";
    case JMD_TRAJ_DEPRESSED: return "depressed";
    default: return "minimum-energy";
    }
}
