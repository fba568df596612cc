/*
 * fuzz_keyfile.c — libFuzzer target for key files (docs/ledger.md, "Key
 * files"): arbitrary bytes into jmd_ledger_key_parse. It must never crash,
 * hang or leak, and it checks the parser's contract on every input:
 *  - JMD_EPARSE with a "k:LINE:COL: " reason and the key pair zeroed, or
 *    success;
 *  - on success the party name is valid, the public key is the secret
 *    key's, and the formatted file parses back to the same key pair.
 * tests/fuzz/replay.c runs the corpus (tests/fuzz/corpus/keyfile) through
 * this entry point as the ordinary test fuzz_keyfile_corpus.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const jmd_ledger_keypair zero;
    jmd_ledger_keypair kp, again, check;
    char err[256], text[512];
    memset(err, 'x', sizeof err);
    int rc = jmd_ledger_key_parse((const char *)data, size, "k", &kp, err, sizeof err);
    if (rc != 0) {
        if (rc != JMD_EPARSE) abort();
        if (memchr(err, '\0', sizeof err) == NULL || strncmp(err, "k:", 2) != 0) abort();
        char *end;
        unsigned long line = strtoul(err + 2, &end, 10);
        if (line == 0 || *end != ':') abort();
        unsigned long col = strtoul(end + 1, &end, 10);
        if (col == 0 || strncmp(end, ": ", 2) != 0) abort();
        if (memcmp(&kp, &zero, sizeof kp) != 0) abort();
        return 0;
    }
    if (jmd_ledger_party_name_check(kp.party) != 0) abort();
    if (jmd_ledger_keypair_from_seed(&check, kp.party, kp.sk) != 0) abort();
    if (memcmp(&check, &kp, sizeof kp) != 0) abort();
    if (jmd_ledger_key_format(&kp, text, sizeof text) != 0) abort();
    if (jmd_ledger_key_parse(text, strlen(text), "k", &again, NULL, 0) != 0) abort();
    if (memcmp(&again, &kp, sizeof kp) != 0) abort();
    return 0;
}
