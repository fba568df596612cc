/*
 * fuzz_federation.c — libFuzzer target for federation files
 * (docs/federation.md "Federation file"): arbitrary bytes into
 * jmd_federation_parse. It must never crash, hang, leak or read past the
 * input, and it checks the parser's contract on every input:
 *  - JMD_EPARSE with a "f:LINE:COL: ... expected ..." reason (LINE, COL
 *    >= 1) and the result zeroed, or success;
 *  - on success at most 32 parties, every name valid and every name and
 *    key distinct, a domain (when given) in 0 .. 232, and the file written
 *    back ("jmd-federation 1", "domain N", "party NAME" / "public HEX")
 *    parses to the same result.
 * tests/fuzz/replay.c runs the corpus (tests/fuzz/corpus/federation)
 * through this entry point as the ordinary test fuzz_federation_corpus.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/federate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const jmd_federation zero;
    static jmd_federation f, again; /* 3 KiB each: off the stack */
    static char text[JMD_MSG_MAX_PARTIES * 160 + 64];
    char err[256];
    memset(err, 'x', sizeof err);
    int rc = jmd_federation_parse((const char *)data, size, "f", &f, err, sizeof err);
    if (rc != 0) {
        if (rc != JMD_EPARSE) abort();
        if (memchr(err, '\0', sizeof err) == NULL || strncmp(err, "f:", 2) != 0) abort();
        char *end;
        unsigned long line = strtoul(err + 2, &end, 10);
        if (line == 0 || *end != ':') abort();
        unsigned long col = strtoul(end + 1, &end, 10);
        if (col == 0 || strncmp(end, ": ", 2) != 0) abort();
        if (strstr(end, "expected") == NULL) abort();
        if (memcmp(&f, &zero, sizeof f) != 0) abort();
        return 0;
    }
    if (f.n > JMD_MSG_MAX_PARTIES) abort();
    if (f.has_domain != 0 && f.has_domain != 1) abort();
    if (f.has_domain ? f.domain > JMD_FED_DOMAIN_MAX : f.domain != 0) abort();
    for (size_t i = 0; i < f.n; i++) {
        if (jmd_ledger_party_name_check(f.name[i]) != 0) abort();
        for (size_t j = 0; j < i; j++)
            if (strcmp(f.name[i], f.name[j]) == 0 ||
                memcmp(f.pk[i], f.pk[j], JMD_LEDGER_PK_SIZE) == 0)
                abort();
    }
    size_t n = (size_t)snprintf(text, sizeof text, "jmd-federation 1\n");
    if (f.has_domain) n += (size_t)snprintf(text + n, sizeof text - n, "domain %u\n", f.domain);
    for (size_t i = 0; i < f.n; i++) {
        char hex[2 * JMD_LEDGER_PK_SIZE + 1];
        jmd_ledger_hex(f.pk[i], JMD_LEDGER_PK_SIZE, hex);
        n += (size_t)snprintf(text + n, sizeof text - n, "party %s\npublic %s\n", f.name[i],
                              hex);
    }
    if (n >= sizeof text) abort();
    if (jmd_federation_parse(text, n, "f", &again, err, sizeof err) != 0) abort();
    if (memcmp(&again, &f, sizeof f) != 0) abort();
    return 0;
}
