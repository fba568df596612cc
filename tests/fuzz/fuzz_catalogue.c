/*
 * fuzz_catalogue.c — libFuzzer target for the catalogue loader: arbitrary
 * bytes into jmd_catalogue_parse. It must never crash, hang or leak, and
 * it checks the loader's contract on every input:
 *  - success or JMD_EPARSE only (never EINVAL/ENOMEM on valid arguments);
 *  - on error the catalogue is untouched and the message starts with the
 *    label and is NUL-terminated inside the buffer;
 *  - on success every record passes the schema's own checks, and parsing
 *    the same text again fails on the duplicate names (when it added any)
 *    without changing the catalogue.
 * Build with clang -fsanitize=fuzzer,address,undefined; tests/fuzz/replay.c
 * runs the corpus (tests/fuzz/corpus/catalogue) through this same entry
 * point under gcc as an ordinary test.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/flight.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jmd_catalogue cat = {0};
    char err[256];
    const char *text = (const char *)data;
    int rc = jmd_catalogue_parse(&cat, text, size, "fuzz", err, sizeof err);
    if (rc != 0) {
        if (rc != JMD_EPARSE) abort();
        if (cat.vehicles || cat.interceptors || cat.nvehicles || cat.ninterceptors) abort();
        if (memchr(err, '\0', sizeof err) == NULL || strncmp(err, "fuzz", 4) != 0) abort();
        return 0;
    }
    for (size_t i = 0; i < cat.ninterceptors; i++) {
        const jmd_interceptor *ic = &cat.interceptors[i];
        if (!(ic->burnout_speed > 0 && ic->burn_time > 0 && ic->max_alt > ic->min_alt &&
              ic->min_alt >= 0 && ic->max_range >= 0))
            abort();
        if (jmd_catalogue_interceptor(&cat, ic->name) != ic) abort();
    }
    for (size_t i = 0; i < cat.nvehicles; i++) {
        const jmd_vehicle *v = &cat.vehicles[i];
        if (v->nstages < 1 || v->nstages > JMD_MAX_STAGES) abort();
        for (int j = 0; j < v->nstages; j++)
            if (!(v->stage[j].mass_prop < v->stage[j].mass_gross)) abort();
        if (jmd_catalogue_vehicle(&cat, v->name) != v) abort();
    }
    size_t n = cat.nvehicles + cat.ninterceptors;
    rc = jmd_catalogue_parse(&cat, text, size, "fuzz", err, sizeof err);
    if (rc != (n ? JMD_EPARSE : 0) || cat.nvehicles + cat.ninterceptors != n) abort();
    jmd_catalogue_free(&cat);
    return 0;
}
