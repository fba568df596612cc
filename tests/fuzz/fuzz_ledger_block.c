/*
 * fuzz_ledger_block.c — libFuzzer target for the body of a log's block row
 * (docs/ledger.md, "The log"): arbitrary bytes read entry by entry with
 * jmd_ledger__blk_next, as jmd verify and a reopened log read a file. It
 * must never crash, hang or read outside the input, and it checks the
 * reader's contract on every input:
 *  - each step gives an entry, the end (0), or JMD_EVERIFY with a reason;
 *  - an entry is read from bytes inside the input, at the place the last
 *    one ended, and only from its canonical serialisation: serialising its
 *    fields again gives the same bytes (so the leaf hash of the stored
 *    bytes is the leaf hash of the entry);
 *  - stored leaf hashes (here the input's last 32 * (first byte % 4)
 *    bytes) are handed out in order, one per entry, while they last.
 * tests/fuzz/replay.c runs the corpus (tests/fuzz/corpus/ledger_block)
 * through this entry point as the ordinary test fuzz_ledger_block_corpus.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/error.h"
#include "jmd/ledger.h"
#include "ledger/ledger__log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jmd_ledger__blk b;
    static uint8_t again[JMD_LOG_DATA_MAX + 2048];
    if (size < 1) return 0;
    size_t nleaf = (size_t)(data[0] % 4), llen = 32 * nleaf;
    if (size - 1 < llen) llen = 0, nleaf = 0;
    const uint8_t *body = data + 1, *leaves = data + size - llen;
    size_t blen = size - 1 - llen;
    jmd_ledger__blk_init(&b, 7, body, blen, llen ? leaves : NULL, llen);
    const uint8_t *at = body;
    uint64_t index = 7;
    for (;;) {
        jmd_log_entry e;
        const uint8_t *bytes = NULL;
        size_t nbytes = 0, n = 0;
        jmd_merkle_hash leaf;
        int ok = -1;
        char why[200];
        memset(why, 'x', sizeof why);
        int rc = jmd_ledger__blk_next(&b, &e, &bytes, &nbytes, &leaf, &ok, why, sizeof why);
        if (rc == 0) {
            if (at != body + blen) abort(); /* the end only where the bytes end */
            break;
        }
        if (rc != 1) {
            if (rc != JMD_EVERIFY || !memchr(why, '\0', sizeof why) || why[0] == '\0') abort();
            break;
        }
        if (bytes != at || nbytes == 0 || nbytes > (size_t)(body + blen - at)) abort();
        if (e.index != index) abort();
        if (e.len && (e.data < bytes || e.data + e.len > bytes + nbytes)) abort();
        if (e.reason && strlen(e.reason) > JMD_LOG_REASON_MAX) abort();
        if (jmd_ledger__serialise(&e, again, sizeof again, &n) != 0 || n != nbytes ||
            memcmp(again, bytes, n) != 0)
            abort();
        if (ok != (index - 7 < nleaf)) abort();
        if (ok && memcmp(leaf.b, leaves + 32 * (index - 7), 32) != 0) abort();
        at += nbytes;
        index++;
    }
    return 0;
}
