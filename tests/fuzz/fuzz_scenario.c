/*
 * fuzz_scenario.c — libFuzzer target for the scenario loader: arbitrary
 * bytes into jmd_scenario_parse. It must never crash, hang or leak, and
 * it checks the loader's contract on every input:
 *  - success, JMD_EPARSE, or JMD_EIO (an include that cannot be read;
 *    includes resolve against a folder that does not exist), never
 *    EINVAL/ENOMEM on valid arguments;
 *  - on error *out is NULL and the message is NUL-terminated inside the
 *    buffer and starts with the label ("fuzz:line:col: " or "fuzz: ");
 *  - on success the world satisfies the invariants of jmd/scenario.h:
 *    at least one party, owners and targets are valid indices, counts
 *    within their caps, polygons of at least 3 vertices.
 * Build with clang -fsanitize=fuzzer,address,undefined (-DJMD_FUZZ=ON);
 * tests/fuzz/replay.c runs tests/fuzz/corpus/scenario through this same
 * entry point as an ordinary test, and tests/test_scenario.c replays the
 * corpus through the loader as well.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_polygons(const jmd_polygon *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i].n < 3 || !p[i].v) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jmd_scenario *s = (jmd_scenario *)&size; /* must be overwritten */
    char err[512];
    memset(err, 'x', sizeof err);
    int rc = jmd_scenario_parse((const char *)data, size, "fuzz", "/nonexistent-jmd-fuzz", &s,
                                err, sizeof err);
    if (rc != 0) {
        if (rc != JMD_EPARSE && rc != JMD_EIO) abort();
        if (s != NULL) abort();
        if (memchr(err, '\0', sizeof err) == NULL || strncmp(err, "fuzz:", 5) != 0) abort();
        return 0;
    }
    if (!s || s->nparties < 1 || s->nparties > JMD_SCENARIO_MAX_PARTIES) abort();
    if (!(s->duration > 0 && s->step > 0 && s->step <= s->duration)) abort();
    int np = (int)s->nparties;
    for (size_t i = 0; i < s->nparties; i++) {
        check_polygons(s->parties[i].territory, s->parties[i].nterritory);
        check_polygons(s->parties[i].sector, s->parties[i].nsector);
    }
    for (size_t i = 0; i < s->nassets; i++)
        if (s->assets[i].owner < 0 || s->assets[i].owner >= np ||
            jmd_scenario_asset(s, s->assets[i].name) != (int)i)
            abort();
    for (size_t i = 0; i < s->nradars; i++)
        if (s->radars[i].owner < 0 || s->radars[i].owner >= np ||
            !(s->radars[i].pd_ref > s->radars[i].pfa) ||
            !(s->radars[i].max_el > s->radars[i].min_el))
            abort();
    for (size_t i = 0; i < s->nirsats; i++)
        if (s->irsats[i].owner < 0 || s->irsats[i].owner >= np) abort();
    for (size_t i = 0; i < s->nsites; i++)
        if (s->sites[i].owner < 0 || s->sites[i].owner >= np || s->sites[i].launchers < 1 ||
            s->sites[i].inventory < 0 || !(s->sites[i].ic.burnout_speed > 0))
            abort();
    if (s->nthreats > JMD_SCENARIO_MAX_THREATS) abort();
    for (size_t i = 0; i < s->nthreats; i++) {
        const jmd_threat *t = &s->threats[i];
        if (t->target >= (int)s->nassets || t->target < -1 || t->veh.nstages < 1 ||
            t->decl < 0 || (size_t)t->decl >= s->nthreat_decls || t->t_launch > s->duration)
            abort();
    }
    jmd_scenario_free(s);
    return 0;
}
