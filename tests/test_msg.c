/* test_msg.c — the wire format (jmd/msg.h, docs/messages.md): round trips
 * of every kind with edge values, golden encodings that pin the format
 * byte for byte, canonical-encoding rejections (each asserting its
 * reason), and a corruption sweep: any decodable byte string re-encodes
 * to itself. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "jmd/msg.h"
#include "msg_sample.h"

#define PI 3.14159265358979323846

/* A valid message of each kind; variant 0 typical values, 1 edge values
 * (extremes of every range, -0.0, subnormals, maximal ids and counts). */
static void sample(jmd_msg *m, int kind, int edge)
{
    memset(m, 0, sizeof *m); /* struct comparisons by memcmp below rely on zeroed padding */
    m->kind = (jmd_msg_kind)kind;
    m->sender = edge ? JMD_MSG_MAX_PARTIES - 1 : 1;
    m->receiver = edge ? JMD_MSG_BROADCAST : 0;
    m->seq = edge ? UINT64_MAX : 42;
    m->t = edge ? -0.0 : 123.5;
    if (edge) {
        m->auth.scheme = JMD_MSG_AUTH_SIG;
        m->auth.len = 64;
        for (int i = 0; i < 64; i++) m->auth.bytes[i] = (uint8_t)(0xA0 + i);
    }
    sample_payload(m, kind, edge, edge ? JMD_MSG_MAX_PARTIES - 1 : 1, edge ? 0 : 2,
                   edge ? JMD_MSG_MAX_PARTIES - 1 : 1);
}

static size_t enc(const jmd_msg *m, uint8_t *buf)
{
    size_t len = 0;
    int rc = jmd_msg_encode(m, buf, JMD_MSG_MAX_SIZE, &len);
    assert_int_equal(rc, 0);
    assert_int_equal(len, jmd_msg_encoded_size(m));
    return len;
}

/* Decoding must fail with JMD_EPARSE and a reason containing `why`. */
static void expect_reject(const uint8_t *buf, size_t len, const char *why)
{
    jmd_msg m;
    char err[200];
    int rc = jmd_msg_decode(buf, len, &m, err, sizeof err);
    if (rc != JMD_EPARSE || !strstr(err, why))
        fail_msg("expected JMD_EPARSE with \"%s\", got %d \"%s\"", why, rc, err);
}

static void test_round_trip_every_kind(void **state)
{
    (void)state;
    for (int kind = 1; kind <= JMD_MSG_KIND_MAX; kind++)
        for (int edge = 0; edge < 2; edge++) {
            jmd_msg m, d;
            uint8_t a[JMD_MSG_MAX_SIZE], b[JMD_MSG_MAX_SIZE];
            char err[200];
            sample(&m, kind, edge);
            assert_int_equal(jmd_msg_check(&m, err, sizeof err), 0);
            size_t n = enc(&m, a);
            assert_int_equal(jmd_msg_decode(a, n, &d, err, sizeof err), 0);
            assert_memory_equal(&m, &d, sizeof m); /* every field, bit for bit (-0.0 kept) */
            assert_int_equal(enc(&d, b), n);
            assert_memory_equal(a, b, n);
        }
}

static void test_sizes(void **state)
{
    (void)state;
    /* Payload sizes are documented in docs/messages.md (the launch order
     * sample has 2 approvals without signatures: 35 + 2 * 2; the vote
     * sample is a signed approval: 19 + 64; the checkpoint sample has a
     * proof of 2 hashes: 50 + 2 * 32). */
    static const size_t payload[] = {0, 34, 105, 241, 79, 83, 39, 27, 114};
    for (int kind = 1; kind <= JMD_MSG_KIND_MAX; kind++) {
        jmd_msg m;
        sample(&m, kind, 0);
        assert_int_equal(jmd_msg_encoded_size(&m), JMD_MSG_HEADER_SIZE + payload[kind] + 2);
    }
    jmd_msg m;
    sample(&m, JMD_MSG_LAUNCH_ORDER, 1); /* the largest message there is */
    assert_int_equal(jmd_msg_encoded_size(&m), JMD_MSG_MAX_SIZE);
    assert_int_equal(JMD_MSG_MAX_SIZE - JMD_MSG_HEADER_SIZE - 2 - JMD_MSG_AUTH_MAX,
                     JMD_MSG_MAX_PAYLOAD);
    sample(&m, JMD_MSG_CHECKPOINT, 1); /* a full proof fits */
    assert_int_equal(jmd_msg_encoded_size(&m),
                     JMD_MSG_HEADER_SIZE + 50 + 32 * JMD_MSG_CKPT_PROOF_MAX + 2 + 64);
    assert_true(jmd_msg_encoded_size(&m) <= JMD_MSG_MAX_SIZE);
    m.kind = (jmd_msg_kind)9;
    assert_int_equal(jmd_msg_encoded_size(&m), 0);
    assert_int_equal(jmd_msg_encoded_size(NULL), 0);
}

static void hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", b[i]);
}

/* The wire format, pinned: one typical message of each kind. A change
 * here is a change of the wire format (bump JMD_MSG_VERSION and update
 * docs/messages.md). */
static const char *const golden[] = {
    NULL,
/* measurement */
    "010101002a000000000000000000000000e05e4022000000030000000000001059400000000060e3"
    "3641000000000000f03f9a9999999999c93f0000",
    /* launch-warning */
    "010201002a000000000000000000000000e05e40690000000700000000000000010000000000004e"
    "40333333333333e33fcdccccccccccec3f00000000000016409a9999999999e93f9a9999999999d9"
    "3f0000000000208c400000000000409f4000000000000014409a9999999999a93f000000000088b3"
    "4000000000000024400000",
    /* track */
    "010301002a000000000000000000000000e05e40f10000000c00000000000000010000000000c072"
    "400000000080842e410000000080843e410000000060e346410000000080844e4100000000d01253"
    "410000000060e356410000000000005940000000000000e0bf000000000000f0bf000000000000f8"
    "bf00000000000000c000000000000004c00000000000006940000000000000e0bf000000000000f0"
    "bf000000000000f8bf00000000000000c00000000000c07240000000000000e0bf000000000000f0"
    "bf000000000000f8bf0000000000007940000000000000e0bf000000000000f0bf0000000000407f"
    "40000000000000e0bf0000000000c082400000000000408f400000",
    /* proposal */
    "010401002a000000000000000000000000e05e404f0000000807060504030201010c000000000000"
    "00020000000000000079400000000000a079400000000000e08540666666666666e63f0000000000"
    "00e03f00000000804f024104000000666666666666ee3f0000",
    /* vote */
    "010501002a000000000000000000000000e05e405300000009000000000000000201000000000058"
    "794040404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f6061626364"
    "65666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f0000",
    /* launch-order */
    "010601002a000000000000000000000000e05e402700000009000000000000000c00000000000000"
    "02000000000000a079400000000000e0854002000001000000",
    /* outcome */
    "010701002a000000000000000000000000e05e401b00000009000000000000000c00000000000000"
    "0200010000000000e185400000",
    /* checkpoint */
    "010801002a000000000000000000000000e05e407200000001e80300000000000000010203040506"
    "0708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1ff40100000000000002000102030405"
    "060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d"
    "2e2f303132333435363738393a3b3c3d3e3f0000",
};

static void test_golden(void **state)
{
    (void)state;
    for (int kind = 1; kind <= JMD_MSG_KIND_MAX; kind++) {
        jmd_msg m, d;
        uint8_t a[JMD_MSG_MAX_SIZE], b[JMD_MSG_MAX_SIZE];
        char h[2 * JMD_MSG_MAX_SIZE + 1];
        sample(&m, kind, 0);
        size_t n = enc(&m, a);
        hex(a, n, h);
        if (strcmp(h, golden[kind]) != 0)
            fail_msg("kind %d encodes as\n%s\nexpected\n%s", kind, h, golden[kind]);
        /* And the golden bytes decode to the sample. */
        size_t gn = strlen(golden[kind]) / 2;
        for (size_t i = 0; i < gn; i++) {
            unsigned x;
            sscanf(golden[kind] + 2 * i, "%2x", &x);
            b[i] = (uint8_t)x;
        }
        assert_int_equal(jmd_msg_decode(b, gn, &d, NULL, 0), 0);
        assert_memory_equal(&m, &d, sizeof m);
    }
}

/* Hand-checked layout of the header: the vote sample. */
static void test_header_layout(void **state)
{
    (void)state;
    jmd_msg m;
    uint8_t a[JMD_MSG_MAX_SIZE];
    sample(&m, JMD_MSG_VOTE, 0);
    size_t n = enc(&m, a);
    assert_int_equal(n, 24 + 19 + 64 + 2);
    assert_int_equal(a[0], 1);  /* version */
    assert_int_equal(a[1], 5);  /* kind */
    assert_int_equal(a[2], 1);  /* sender */
    assert_int_equal(a[3], 0);  /* receiver */
    assert_int_equal(a[4], 42); /* seq, little-endian */
    for (int i = 5; i < 12; i++) assert_int_equal(a[i], 0);
    /* t = 123.5 = 0x405EE00000000000 */
    static const uint8_t t[8] = {0, 0, 0, 0, 0, 0xE0, 0x5E, 0x40};
    assert_memory_equal(a + 12, t, 8);
    assert_int_equal(a[20], 83); /* payload length */
    assert_int_equal(a[21] | a[22] | a[23], 0);
    assert_int_equal(a[24], 9);  /* proposal id */
    assert_int_equal(a[32], 2);  /* voter */
    assert_int_equal(a[33], 1);  /* approve */
    assert_int_equal(a[42], 64); /* vote sig_len */
    assert_int_equal(a[43], 0x40); /* the signature's first byte */
    assert_int_equal(a[106], 0x7F); /* ... and its last */
    assert_int_equal(a[107], 0); /* auth scheme */
    assert_int_equal(a[108], 0); /* auth length */
}

static void test_every_prefix_rejected(void **state)
{
    (void)state;
    for (int kind = 1; kind <= JMD_MSG_KIND_MAX; kind++)
        for (int edge = 0; edge < 2; edge++) {
            jmd_msg m, d;
            uint8_t a[JMD_MSG_MAX_SIZE + 1];
            sample(&m, kind, edge);
            size_t n = enc(&m, a);
            for (size_t k = 0; k < n; k++)
                assert_int_equal(jmd_msg_decode(a, k, &d, NULL, 0), JMD_EPARSE);
            a[n] = 0;
            expect_reject(a, n + 1, n < JMD_MSG_MAX_SIZE ? "trailing" : "expected at most 2237");
        }
    expect_reject((const uint8_t *)"", 0, "version: need 1 bytes, 0 remain");
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void putf(uint8_t *p, double d)
{
    uint64_t v;
    memcpy(&v, &d, sizeof v);
    put64(p, v);
}

/* Encodes a sample, applies one edit at offset off and expects `why`. */
typedef enum { E_U8, E_U32, E_F64 } edit_kind;
static void bad(int kind, int edge, size_t off, edit_kind ek, double v, const char *why)
{
    jmd_msg m;
    uint8_t a[JMD_MSG_MAX_SIZE];
    sample(&m, kind, edge);
    size_t n = enc(&m, a);
    assert_true(off < n);
    if (ek == E_U8) a[off] = (uint8_t)v;
    else if (ek == E_U32) put32(a + off, (uint32_t)v);
    else putf(a + off, v);
    expect_reject(a, n, why);
}

static void test_header_rejections(void **state)
{
    (void)state;
    bad(JMD_MSG_VOTE, 0, 0, E_U8, 2, "byte 0: version: expected 1, found 2");
    bad(JMD_MSG_VOTE, 0, 0, E_U8, 0, "version: expected 1, found 0");
    bad(JMD_MSG_VOTE, 0, 1, E_U8, 0, "byte 1: kind: expected 1 .. 8, found 0");
    bad(JMD_MSG_VOTE, 0, 1, E_U8, 9, "kind: expected 1 .. 8, found 9");
    bad(JMD_MSG_VOTE, 0, 2, E_U8, 32, "byte 2: sender: expected a party index below 32, found 32");
    bad(JMD_MSG_VOTE, 0, 2, E_U8, 255, "sender: expected a party index below 32, found 255");
    bad(JMD_MSG_VOTE, 0, 3, E_U8, 32, "receiver: expected a party index below 32 or 255");
    bad(JMD_MSG_VOTE, 0, 12, E_F64, NAN, "byte 12: t: expected a finite number, found nan");
    bad(JMD_MSG_VOTE, 0, 12, E_F64, INFINITY, "t: expected a finite number, found inf");
    bad(JMD_MSG_VOTE, 0, 12, E_F64, -INFINITY, "t: expected a finite number, found -inf");
    /* Payload length: too large for any kind, past the end, or not the
     * kind's own size (the payload parse then stops early or runs over). */
    bad(JMD_MSG_VOTE, 0, 20, E_U32, 0xFFFFFFFFu, "payload length: expected at most 2147");
    bad(JMD_MSG_VOTE, 0, 20, E_U32, 2000, "payload length: 2000 bytes, but only 85 remain");
    bad(JMD_MSG_VOTE, 0, 20, E_U32, 84, "byte 20: payload length: the vote payload is 83 bytes");
    bad(JMD_MSG_VOTE, 0, 20, E_U32, 82, "vote signature: need 64 bytes, 63 remain");
    bad(JMD_MSG_VOTE, 0, 20, E_U32, 17, "t_decision: need 8 bytes, 7 remain");
    bad(JMD_MSG_VOTE, 0, 20, E_U32, 0, "proposal_id: need 8 bytes, 0 remain");
    /* The authenticator trailer. */
    bad(JMD_MSG_VOTE, 0, 107, E_U8, 3, "byte 107: auth scheme: expected at most 2, found 3");
    bad(JMD_MSG_VOTE, 0, 108, E_U8, 1, "byte 108: auth length: expected 0 for scheme 0, found 1");
    bad(JMD_MSG_VOTE, 0, 107, E_U8, 1, "auth length: expected 32 for scheme 1, found 0");
    bad(JMD_MSG_VOTE, 0, 108, E_U8, 65, "auth length: expected at most 64, found 65");
    /* Oversized input is refused before parsing. */
    static uint8_t big[JMD_MSG_MAX_SIZE + 1];
    expect_reject(big, sizeof big, "expected at most 2237");
}

static void test_payload_rejections(void **state)
{
    (void)state;
    const size_t P = JMD_MSG_HEADER_SIZE;
    /* measurement: radar u16, t, range, az, el */
    {
        jmd_msg m, d;
        uint8_t a[JMD_MSG_MAX_SIZE];
        sample(&m, JMD_MSG_MEASUREMENT, 0);
        size_t n = enc(&m, a);
        a[P] = 0xFF, a[P + 1] = 0xFF;
        expect_reject(a, n, "radar: expected at most 65534, found 65535");
        a[P] = 0xFE;
        assert_int_equal(jmd_msg_decode(a, n, &d, NULL, 0), 0);
    }
    bad(JMD_MSG_MEASUREMENT, 0, P + 10, E_F64, -1.0, "range: expected 0 .. inf");
    bad(JMD_MSG_MEASUREMENT, 0, P + 18, E_F64, 2 * PI, "az: expected 0 .. 6.2831853071795862 (excluded), found 6.2831853071795862");
    bad(JMD_MSG_MEASUREMENT, 0, P + 18, E_F64, -0.5, "az:");
    bad(JMD_MSG_MEASUREMENT, 0, P + 26, E_F64, 1.6, "el: expected -1.5707963267948966 .. 1.5707963267948966");
    /* warning: track u64, flags u8, t_launch, lat, lon, az, impact lat, lon, t, 5 sigmas */
    bad(JMD_MSG_LAUNCH_WARNING, 0, P + 8, E_U8, 2, "flags: expected at most 1, found 2");
    bad(JMD_MSG_LAUNCH_WARNING, 0, P + 17, E_F64, 1.6, "launch_lat");
    bad(JMD_MSG_LAUNCH_WARNING, 0, P + 25, E_F64, 3.2, "launch_lon: expected -3.1415926535897931 .. 3.1415926535897931");
    bad(JMD_MSG_LAUNCH_WARNING, 0, P + 33, E_F64, 7.0, "azimuth");
    bad(JMD_MSG_LAUNCH_WARNING, 0, P + 49, E_F64, -4.0, "impact_lon");
    bad(JMD_MSG_LAUNCH_WARNING, 0, P + 65, E_F64, -1.0, "sigma_launch_pos: expected 0 ..");
    bad(JMD_MSG_LAUNCH_WARNING, 0, P + 97, E_F64, NAN, "sigma_t_impact: expected a finite number");
    /* Without the impact flag the impact fields must be +0. */
    bad(JMD_MSG_LAUNCH_WARNING, 1, P + 41, E_F64, 0.1, "impact_lat (no impact flag): expected 0 .. 0");
    bad(JMD_MSG_LAUNCH_WARNING, 1, P + 57, E_F64, 5.0, "t_impact (no impact flag)");
    bad(JMD_MSG_LAUNCH_WARNING, 1, P + 49, E_F64, -0.0, "byte 65: impact fields without the impact flag: expected +0, found -0");
    /* track: id u64, status u8, t, x[6], P upper 21, precision */
    bad(JMD_MSG_TRACK, 0, P + 8, E_U8, 4, "status: expected at most 3, found 4");
    bad(JMD_MSG_TRACK, 0, P + 17, E_F64, INFINITY, "x: expected a finite number");
    bad(JMD_MSG_TRACK, 0, P + 65, E_F64, -1.0, "P diagonal: expected 0 ..");
    bad(JMD_MSG_TRACK, 0, P + 73, E_F64, NAN, "P: expected a finite number");
    bad(JMD_MSG_TRACK, 0, P + 233, E_F64, -5.0, "precision");
    /* proposal: id u64, proposer u8, track u64, site u16, 3 times, lat, lon, alt, asset i32, value */
    bad(JMD_MSG_PROPOSAL, 0, P + 8, E_U8, 40, "proposer: expected a party index below 32, found 40");
    bad(JMD_MSG_PROPOSAL, 0, P + 43, E_F64, 2.0, "icpt_lat");
    bad(JMD_MSG_PROPOSAL, 0, P + 67, E_U32, 0xFFFFFFFEu, "asset: expected at least -1, found -2");
    bad(JMD_MSG_PROPOSAL, 0, P + 67, E_U32, 0x80000000u, "asset: expected at least -1, found -2147483648");
    /* vote */
    bad(JMD_MSG_VOTE, 0, P + 8, E_U8, 32, "voter");
    bad(JMD_MSG_VOTE, 0, P + 9, E_U8, 2, "approve: expected at most 1, found 2");
    bad(JMD_MSG_VOTE, 0, P + 18, E_U8, 32, "byte 42: vote sig_len: expected 0 or 64, found 32");
    bad(JMD_MSG_VOTE, 0, P + 18, E_U8, 65, "vote sig_len: expected at most 64, found 65");
    bad(JMD_MSG_VOTE, 0, P + 9, E_U8, 0, "byte 42: vote sig_len: expected 0 for a reject, found 64");
    /* order: id, track, site, t_launch, t_intercept, napprovals, {party, sig_len, sig} */
    bad(JMD_MSG_LAUNCH_ORDER, 0, P + 34, E_U8, 33, "napprovals: expected at most 32, found 33");
    bad(JMD_MSG_LAUNCH_ORDER, 0, P + 34, E_U8, 3, "approval party: need 1 bytes, 0 remain");
    bad(JMD_MSG_LAUNCH_ORDER, 0, P + 37, E_U8, 0, "byte 61: approval party: expected above 0 (strictly increasing), found 0");
    bad(JMD_MSG_LAUNCH_ORDER, 0, P + 35, E_U8, 1, "approval party: expected above 1 (strictly increasing), found 1");
    bad(JMD_MSG_LAUNCH_ORDER, 0, P + 35, E_U8, 32, "approval party: expected a party index below 32");
    bad(JMD_MSG_LAUNCH_ORDER, 0, P + 36, E_U8, 5, "byte 60: approval sig_len: expected 0 or 64, found 5");
    bad(JMD_MSG_LAUNCH_ORDER, 0, P + 36, E_U8, 64, "approval signature: need 64 bytes");
    bad(JMD_MSG_LAUNCH_ORDER, 0, P + 34, E_U8, 1, "the launch-order payload is 37 bytes, found 39");
    /* outcome */
    bad(JMD_MSG_OUTCOME, 0, P + 18, E_U8, 2, "killed: expected at most 1, found 2");
    bad(JMD_MSG_OUTCOME, 0, P + 19, E_F64, NAN, "t_intercept");
    /* checkpoint: origin u8, log_size u64, root, prev_size u64 <= log_size,
     * nproof u8 <= 48, nproof hashes */
    bad(JMD_MSG_CHECKPOINT, 0, 20, E_U32, 115, "the checkpoint payload is 114 bytes, found 115");
    bad(JMD_MSG_CHECKPOINT, 0, P, E_U8, 32, "byte 24: origin: expected a party index below 32, found 32");
    bad(JMD_MSG_CHECKPOINT, 0, P + 41, E_U32, 1001, "byte 65: prev_size: expected at most log_size 1000, found 1001");
    bad(JMD_MSG_CHECKPOINT, 0, P + 49, E_U8, 49, "byte 73: nproof: expected at most 48, found 49");
    bad(JMD_MSG_CHECKPOINT, 0, P + 49, E_U8, 3, "proof hash: need 32 bytes, 0 remain");
    bad(JMD_MSG_CHECKPOINT, 0, P + 49, E_U8, 1, "the checkpoint payload is 82 bytes, found 114");
    {   /* prev_size == log_size and a zero-length proof are valid */
        jmd_msg m, d;
        uint8_t a[JMD_MSG_MAX_SIZE];
        sample(&m, JMD_MSG_CHECKPOINT, 0);
        m.u.checkpoint.prev_size = m.u.checkpoint.log_size;
        m.u.checkpoint.nproof = 0;
        memset(m.u.checkpoint.proof, 0, sizeof m.u.checkpoint.proof);
        size_t n = enc(&m, a);
        assert_int_equal(n, JMD_MSG_HEADER_SIZE + 50 + 2);
        assert_int_equal(jmd_msg_decode(a, n, &d, NULL, 0), 0);
        assert_memory_equal(&m, &d, sizeof m);
    }
}

/* Every single-byte corruption of every sample either fails to decode or
 * decodes to a message that encodes back to exactly the corrupted bytes. */
static void test_corruption_sweep(void **state)
{
    (void)state;
    static const uint8_t masks[] = {0x01, 0x80, 0xFF, 0x10};
    size_t accepted = 0, rejected = 0;
    for (int kind = 1; kind <= JMD_MSG_KIND_MAX; kind++)
        for (int edge = 0; edge < 2; edge++) {
            jmd_msg m, d;
            uint8_t a[JMD_MSG_MAX_SIZE], b[JMD_MSG_MAX_SIZE];
            sample(&m, kind, edge);
            size_t n = enc(&m, a);
            for (size_t i = 0; i < n; i++)
                for (size_t k = 0; k < sizeof masks; k++) {
                    a[i] ^= masks[k];
                    int rc = jmd_msg_decode(a, n, &d, NULL, 0);
                    if (rc == 0) {
                        size_t len = 0;
                        assert_int_equal(jmd_msg_encode(&d, b, sizeof b, &len), 0);
                        assert_int_equal(len, n);
                        assert_memory_equal(a, b, n);
                        accepted++;
                    } else {
                        assert_int_equal(rc, JMD_EPARSE);
                        rejected++;
                    }
                    a[i] ^= masks[k];
                }
        }
    assert_true(accepted > 1000 && rejected > 500);
}

/* jmd_msg_encoding_matches: the cheap test of an encoding against its
 * message (every byte in a build without NDEBUG). */
static void test_encoding_matches(void **state)
{
    (void)state;
    for (int kind = 1; kind <= JMD_MSG_KIND_MAX; kind++) {
        jmd_msg m;
        uint8_t a[JMD_MSG_MAX_SIZE];
        size_t len = 0;
        sample(&m, kind, 0);
        assert_int_equal(jmd_msg_encode(&m, a, sizeof a, &len), 0);
        assert_int_equal(jmd_msg_encoding_matches(&m, a, len), 1);
        assert_int_equal(jmd_msg_encoding_matches(&m, a, len - 1), 0);
        assert_int_equal(jmd_msg_encoding_matches(NULL, a, len), 0);
        assert_int_equal(jmd_msg_encoding_matches(&m, NULL, len), 0);
        m.seq++;
        assert_int_equal(jmd_msg_encoding_matches(&m, a, len), 0);
        m.seq--;
        a[1] ^= 0x0F; /* the kind */
        assert_int_equal(jmd_msg_encoding_matches(&m, a, len), 0);
        a[1] ^= 0x0F;
        a[len - 1] ^= 1; /* a byte the cheap test does not look at */
#ifdef NDEBUG
        assert_int_equal(jmd_msg_encoding_matches(&m, a, len), 1);
#else
        assert_int_equal(jmd_msg_encoding_matches(&m, a, len), 0);
#endif
    }
}

static void test_encode_contract(void **state)
{
    (void)state;
    jmd_msg m;
    uint8_t a[JMD_MSG_MAX_SIZE];
    size_t len = 0;
    char err[200];
    sample(&m, JMD_MSG_TRACK, 0);
    size_t n = jmd_msg_encoded_size(&m);
    /* too small a buffer: ERANGE, size needed reported, buffer untouched */
    memset(a, 0x5A, sizeof a);
    assert_int_equal(jmd_msg_encode(&m, a, n - 1, &len), JMD_ERANGE);
    assert_int_equal(len, n);
    assert_int_equal(a[0], 0x5A);
    assert_int_equal(jmd_msg_encode(NULL, a, sizeof a, &len), JMD_EINVAL);
    assert_int_equal(jmd_msg_encode(&m, NULL, sizeof a, &len), JMD_EINVAL);
    assert_int_equal(jmd_msg_encode(&m, a, sizeof a, NULL), JMD_EINVAL);
    /* the checks of the decoder apply to the struct: EINVAL with the reason */
    m.u.track.P[1][2] = 3.0;
    assert_int_equal(jmd_msg_check(&m, err, sizeof err), JMD_EINVAL);
    assert_non_null(strstr(err, "P[1][2]: expected P[1][2] == P[2][1] (symmetric)"));
    assert_int_equal(jmd_msg_encode(&m, a, sizeof a, &len), JMD_EINVAL);
    sample(&m, JMD_MSG_TRACK, 0);
    m.u.track.P[2][1] = -0.0, m.u.track.P[1][2] = 0.0; /* bitwise symmetry: -0 != +0 */
    assert_int_equal(jmd_msg_check(&m, NULL, 0), JMD_EINVAL);
    sample(&m, JMD_MSG_TRACK, 0);
    m.u.track.x[3] = NAN;
    assert_int_equal(jmd_msg_check(&m, err, sizeof err), JMD_EINVAL);
    assert_non_null(strstr(err, "x: expected a finite number, found nan"));
    sample(&m, JMD_MSG_VOTE, 0);
    m.kind = (jmd_msg_kind)0;
    assert_int_equal(jmd_msg_check(&m, err, sizeof err), JMD_EINVAL);
    assert_non_null(strstr(err, "kind: expected 1 .. 8, found 0"));
    sample(&m, JMD_MSG_VOTE, 0);
    m.sender = -1;
    assert_int_equal(jmd_msg_check(&m, err, sizeof err), JMD_EINVAL);
    assert_non_null(strstr(err, "sender: expected a party index, found -1"));
    m.sender = 32;
    assert_int_equal(jmd_msg_check(&m, err, sizeof err), JMD_EINVAL);
    m.sender = 0, m.receiver = -2;
    assert_int_equal(jmd_msg_check(&m, err, sizeof err), JMD_EINVAL);
    m.receiver = 1000;
    assert_int_equal(jmd_msg_check(&m, err, sizeof err), JMD_EINVAL);
    sample(&m, JMD_MSG_LAUNCH_ORDER, 0);
    m.u.order.approvals[1].party = 0;
    assert_int_equal(jmd_msg_check(&m, err, sizeof err), JMD_EINVAL);
    assert_non_null(strstr(err, "strictly increasing"));
    sample(&m, JMD_MSG_LAUNCH_ORDER, 0);
    m.u.order.napprovals = 33;
    assert_int_equal(jmd_msg_check(&m, NULL, 0), JMD_EINVAL);
    sample(&m, JMD_MSG_VOTE, 0);
    m.auth.scheme = JMD_MSG_AUTH_MAC;
    m.auth.len = 31;
    assert_int_equal(jmd_msg_check(&m, err, sizeof err), JMD_EINVAL);
    m.auth.len = 32;
    assert_int_equal(jmd_msg_check(&m, err, sizeof err), 0);
    assert_int_equal(jmd_msg_check(NULL, err, sizeof err), JMD_EINVAL);
    /* a tiny error buffer is NUL-terminated and never overrun */
    char tiny[5] = {'x', 'x', 'x', 'x', 'Z'};
    m.kind = (jmd_msg_kind)0;
    assert_int_equal(jmd_msg_check(&m, tiny, 4), JMD_EINVAL);
    assert_int_equal(tiny[3], '\0');
    assert_int_equal(tiny[4], 'Z');
}

static void test_decode_contract(void **state)
{
    (void)state;
    jmd_msg m, d;
    uint8_t a[JMD_MSG_MAX_SIZE];
    sample(&m, JMD_MSG_LAUNCH_ORDER, 0);
    size_t n = enc(&m, a);
    assert_int_equal(jmd_msg_decode(NULL, 1, &d, NULL, 0), JMD_EINVAL);
    assert_int_equal(jmd_msg_decode(a, n, NULL, NULL, 0), JMD_EINVAL);
    assert_int_equal(jmd_msg_decode(NULL, 0, &d, NULL, 0), JMD_EPARSE);
    /* bytes past sig_len and auth.len are zero after decoding */
    memset(&d, 0xEE, sizeof d);
    assert_int_equal(jmd_msg_decode(a, n, &d, NULL, 0), 0);
    for (int i = 0; i < JMD_MSG_AUTH_MAX; i++) {
        assert_int_equal(d.u.order.approvals[0].sig[i], 0);
        assert_int_equal(d.auth.bytes[i], 0);
    }
    assert_int_equal(d.u.order.approvals[5].party, 0);
    /* ... and past a reject's empty signature and a checkpoint's proof */
    sample(&m, JMD_MSG_VOTE, 1);
    n = enc(&m, a);
    memset(&d, 0xEE, sizeof d);
    assert_int_equal(jmd_msg_decode(a, n, &d, NULL, 0), 0);
    for (int i = 0; i < JMD_MSG_AUTH_MAX; i++) assert_int_equal(d.u.vote.sig[i], 0);
    sample(&m, JMD_MSG_CHECKPOINT, 0);
    n = enc(&m, a);
    memset(&d, 0xEE, sizeof d);
    assert_int_equal(jmd_msg_decode(a, n, &d, NULL, 0), 0);
    for (int k = 2; k < JMD_MSG_CKPT_PROOF_MAX; k++)
        for (int i = 0; i < 32; i++) assert_int_equal(d.u.checkpoint.proof[k][i], 0);
}

static void test_track_set(void **state)
{
    (void)state;
    jmd_track_est e = {0};
    jmd_msg m;
    sample(&m, JMD_MSG_TRACK, 0);
    e.t = 12.5;
    for (int i = 0; i < 6; i++) {
        e.x[i] = i + 0.5;
        for (int j = 0; j < 6; j++) e.P[i][j] = i == j ? 10.0 + i : 0.1 * i + 0.3 * j;
    }
    assert_int_equal(jmd_msg_track_set(&m.u.track, &e, 77, JMD_MSG_TRACK_COASTING, 250.0), 0);
    assert_int_equal(jmd_msg_check(&m, NULL, 0), 0);
    assert_true(m.u.track.track_id == 77 && m.u.track.status == JMD_MSG_TRACK_COASTING);
    assert_true(m.u.track.t == 12.5 && m.u.track.x[5] == 5.5 && m.u.track.precision == 250.0);
    assert_true(m.u.track.P[1][4] == m.u.track.P[4][1]);
    assert_true(fabs(m.u.track.P[1][4] - 0.5 * (0.1 + 1.2 + 0.4 + 0.3)) < 1e-15);
    assert_true(m.u.track.P[3][3] == 13.0);
    assert_int_equal(jmd_msg_track_set(NULL, &e, 1, JMD_MSG_TRACK_FIRM, 0), JMD_EINVAL);
    assert_int_equal(jmd_msg_track_set(&m.u.track, NULL, 1, JMD_MSG_TRACK_FIRM, 0), JMD_EINVAL);
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(jmd_msg_kind_name(JMD_MSG_LAUNCH_WARNING), "launch-warning");
    assert_string_equal(jmd_msg_kind_name(JMD_MSG_CHECKPOINT), "checkpoint");
    assert_string_equal(jmd_msg_kind_name(0), "unknown");
    assert_string_equal(jmd_msg_kind_name(9), "unknown");
    assert_int_equal(JMD_MSG_BIT(JMD_MSG_TRACK), 8u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_every_kind),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_header_layout),
        cmocka_unit_test(test_every_prefix_rejected),
        cmocka_unit_test(test_header_rejections),
        cmocka_unit_test(test_payload_rejections),
        cmocka_unit_test(test_corruption_sweep),
        cmocka_unit_test(test_encode_contract),
        cmocka_unit_test(test_encoding_matches),
        cmocka_unit_test(test_decode_contract),
        cmocka_unit_test(test_track_set),
        cmocka_unit_test(test_kind_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
