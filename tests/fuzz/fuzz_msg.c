/*
 * fuzz_msg.c — libFuzzer target for the wire format: arbitrary bytes into
 * jmd_msg_decode. It must never crash, hang or leak, and it checks the
 * codec's contract on every input:
 *  - JMD_EPARSE with a non-empty, NUL-terminated reason, or success;
 *  - on success the message passes jmd_msg_check, its encoded size is the
 *    input's size, and encoding it gives back exactly the input bytes
 *    (canonical), which decode again to the same message.
 * tests/fuzz/replay.c runs the corpus (tests/fuzz/corpus/msg) through
 * this entry point as the ordinary test fuzz_msg_corpus.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jmd_msg m, again; /* large structs: off the stack */
    static uint8_t buf[JMD_MSG_MAX_SIZE];
    char err[256];
    memset(err, 'x', sizeof err);
    int rc = jmd_msg_decode(data, size, &m, err, sizeof err);
    if (rc != 0) {
        if (rc != JMD_EPARSE) abort();
        if (memchr(err, '\0', sizeof err) == NULL || err[0] == '\0') abort();
        if (strncmp(err, "byte ", 5) != 0) abort();
        return 0;
    }
    if (jmd_msg_check(&m, NULL, 0) != 0) abort();
    if (jmd_msg_encoded_size(&m) != size) abort();
    size_t len = 0;
    if (jmd_msg_encode(&m, buf, sizeof buf, &len) != 0 || len != size) abort();
    if (memcmp(buf, data, size) != 0) abort();
    if (jmd_msg_decode(buf, len, &again, NULL, 0) != 0) abort();
    if (memcmp(&m, &again, sizeof m) != 0) abort();
    return 0;
}
