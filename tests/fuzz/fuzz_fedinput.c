/*
 * fuzz_fedinput.c — libFuzzer target for the world's frames as a node's
 * ledger keeps them (src/federate/input.c): the first byte picks the
 * federation's size (nparties = byte % 32 + 1), the rest goes into
 * jmd_fed_input_decode. It must never crash, hang, leak or read past the
 * input, and it checks the codec's contract on every input:
 *  - JMD_EPARSE with a "byte N: expected ..." reason and the frame cleared
 *    (kind 0, no array left), or success;
 *  - on success the frame is a TICK, ASSESS, CUE or SCAN for a party of
 *    the federation, and jmd_fed_input_encode gives back exactly the input
 *    bytes (the encoding is canonical).
 * tests/fuzz/replay.c runs the corpus (tests/fuzz/corpus/fedinput) through
 * this entry point as the ordinary test fuzz_fedinput_corpus.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/federate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const jmd_frame zero;
    static jmd_frame f;
    if (size < 1) return 0;
    int nparties = data[0] % JMD_MSG_MAX_PARTIES + 1;
    const uint8_t *in = data + 1;
    size_t len = size - 1;
    /* An exact-size copy, so that reading past the input trips ASan even
     * when the input is the tail of a larger buffer. */
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) return 0;
    if (len) memcpy(copy, in, len);
    char err[256];
    memset(err, 'x', sizeof err);
    int rc = jmd_fed_input_decode(copy, len, nparties, &f, err, sizeof err);
    if (rc != 0) {
        if (rc != JMD_EPARSE) abort();
        if (memchr(err, '\0', sizeof err) == NULL || strncmp(err, "byte ", 5) != 0) abort();
        char *end;
        (void)strtoul(err + 5, &end, 10);
        if (end == err + 5 || strncmp(end, ": expected ", 11) != 0) abort();
        if (memcmp(&f, &zero, sizeof f) != 0) abort();
        free(copy);
        return 0;
    }
    int party = -1;
    switch (f.kind) {
    case JMD_FRAME_TICK:
        party = f.u.tick.party;
        break;
    case JMD_FRAME_ASSESS:
        party = f.u.assess.party;
        break;
    case JMD_FRAME_CUE:
        party = f.u.cue.party;
        break;
    case JMD_FRAME_SCAN:
        party = f.u.scan.party;
        break;
    default:
        abort();
    }
    if (party < 0 || party >= nparties) abort();
    uint8_t *out = NULL;
    size_t outlen = 0;
    if (jmd_fed_input_encode(&f, nparties, &out, &outlen) != 0) abort();
    if (outlen != len || (len && memcmp(out, copy, len) != 0)) abort();
    free(out);
    free(copy);
    jmd_frame_clear(&f);
    if (memcmp(&f, &zero, sizeof f) != 0) abort();
    return 0;
}
