/*
 * msg.c — the canonical encoding of jmd messages (jmd/msg.h,
 * docs/messages.md).
 *
 * One walk over a message's fields defines the wire format: the same code
 * checks a message (jmd_msg_check), writes it (jmd_msg_encode) and reads
 * it (jmd_msg_decode), so the layout and the validity rules cannot drift
 * apart between the writer and the reader. Each field operation moves a
 * cursor, transfers the value (write: struct to bytes; read: bytes to
 * struct; check: nothing) and then applies the field's rule to the value,
 * so a rule violated by a struct and by a byte string is reported the same
 * way (with the byte offset where the field sits).
 *
 * Invariants: little-endian, no padding, no struct copies; doubles as
 * their binary64 bit patterns, finite; every length field is checked
 * against the bytes that remain before anything is read. Hot path (every
 * message on the bus goes through encode and decode once).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jmd/msg.h"

#define PI 3.14159265358979323846

/* The documented limits must cover the largest payload of every kind: a
 * LaunchOrder with 32 signed approvals (35 + 32 * 66 = 2147) is the
 * largest; a Checkpoint with a full proof (50 + 48 * 32 = 1586) and a
 * signed Vote (19 + 64 = 83) are below it. */
_Static_assert(35 + JMD_MSG_MAX_PARTIES * (2 + JMD_MSG_AUTH_MAX) == JMD_MSG_MAX_PAYLOAD,
               "JMD_MSG_MAX_PAYLOAD is the largest LaunchOrder");
_Static_assert(50 + JMD_MSG_CKPT_PROOF_MAX * 32 <= JMD_MSG_MAX_PAYLOAD,
               "a full Checkpoint fits JMD_MSG_MAX_PAYLOAD");
_Static_assert(19 + JMD_MSG_AUTH_MAX <= JMD_MSG_MAX_PAYLOAD, "a signed Vote fits");
_Static_assert(JMD_MSG_MAX_SIZE ==
                   JMD_MSG_HEADER_SIZE + JMD_MSG_MAX_PAYLOAD + 2 + JMD_MSG_AUTH_MAX,
               "JMD_MSG_MAX_SIZE is header + largest payload + trailer");

/* The codec's innermost steps, inlined into each field: a Track is 27
 * doubles, and the calls were a third of an encoding's time (perf). */
#if defined(__GNUC__)
#define JMD_MSG__HOT __attribute__((always_inline)) static inline
#else
#define JMD_MSG__HOT static inline
#endif

typedef enum { MODE_CHECK, MODE_WRITE, MODE_READ } codec_mode;

typedef struct {
    codec_mode mode;
    uint8_t *w;       /* MODE_WRITE: the output */
    const uint8_t *r; /* MODE_READ: the input */
    size_t pos;       /* current offset */
    size_t end;       /* MODE_READ: bytes that may be read (the current limit);
                         MODE_WRITE: the output's size (a guard) */
    char *err;
    size_t errlen;
    int failed;
} codec;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int
fail(codec *c, const char *fmt, ...)
{
    if (!c->failed && c->err && c->errlen) {
        int n = snprintf(c->err, c->errlen, "byte %zu: ", c->pos);
        if (n >= 0 && (size_t)n < c->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    c->failed = 1;
    return -1;
}

/* -1 (and the error) when a read of n bytes would pass the current limit,
 * or a write would pass the output's end (jmd_msg_encode sizes the output
 * first, so only a message whose counts break the rules could get there,
 * and those fail before they are used; the guard makes that a certainty). */
JMD_MSG__HOT int need(codec *c, size_t n, const char *name)
{
    if (c->failed) return -1;
    if (c->mode == MODE_READ && (c->end < c->pos || c->end - c->pos < n))
        return fail(c, "%s: need %zu bytes, %zu remain", name, n,
                    c->end > c->pos ? c->end - c->pos : (size_t)0);
    if (c->mode == MODE_WRITE && (c->end < c->pos || c->end - c->pos < n))
        return fail(c, "%s: no room for %zu bytes in the output", name, n);
    return 0;
}

/* An unsigned little-endian integer of n bytes between *v and the buffer
 * (no-op in MODE_CHECK); the caller moves the cursor once the value's rule
 * holds, so an error points at the field. */
JMD_MSG__HOT int xfer_uint(codec *c, uint64_t *v, size_t n, const char *name)
{
    if (need(c, n, name)) return -1;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* The wire order is the host's: a copy (the byte loop below was a
     * tenth of a node's time per message, most of it in the 8-byte
     * doubles of a Track; bench_fed's MAC make 1.4 -> 0.9 us). */
    if (n <= 8) {
        if (c->mode == MODE_WRITE) {
            memcpy(c->w + c->pos, v, n); /* the low n bytes */
        } else if (c->mode == MODE_READ) {
            uint64_t x = 0;
            memcpy(&x, c->r + c->pos, n);
            *v = x;
        }
        return 0;
    }
#endif
    if (c->mode == MODE_WRITE) {
        for (size_t i = 0; i < n; i++)
            c->w[c->pos + i] = (uint8_t)(*v >> (8 * i));
    } else if (c->mode == MODE_READ) {
        uint64_t x = 0;
        for (size_t i = 0; i < n; i++)
            x |= (uint64_t)c->r[c->pos + i] << (8 * i);
        *v = x;
    }
    return 0;
}

JMD_MSG__HOT void advance(codec *c, size_t n)
{
    c->pos += n;
}

static int f_u8(codec *c, uint8_t *v, const char *name, unsigned max)
{
    uint64_t x = *v;
    if (xfer_uint(c, &x, 1, name)) return -1;
    if (x > max) return fail(c, "%s: expected at most %u, found %u", name, max, (unsigned)x);
    *v = (uint8_t)x;
    advance(c, 1);
    return 0;
}

static int f_u16(codec *c, uint16_t *v, const char *name, unsigned max)
{
    uint64_t x = *v;
    if (xfer_uint(c, &x, 2, name)) return -1;
    if (x > max) return fail(c, "%s: expected at most %u, found %u", name, max, (unsigned)x);
    *v = (uint16_t)x;
    advance(c, 2);
    return 0;
}

static int f_u64(codec *c, uint64_t *v, const char *name)
{
    if (xfer_uint(c, v, 8, name)) return -1;
    advance(c, 8);
    return 0;
}

static int f_i32(codec *c, int32_t *v, const char *name, int32_t min)
{
    uint64_t x = (uint32_t)*v;
    if (xfer_uint(c, &x, 4, name)) return -1;
    int32_t y = (int32_t)(x <= INT32_MAX ? (int64_t)x : (int64_t)x - 4294967296LL);
    if (y < min) return fail(c, "%s: expected at least %d, found %d", name, (int)min, (int)y);
    *v = y;
    advance(c, 4);
    return 0;
}

/* A finite double in [lo, hi] (hi excluded when hi_open). */
JMD_MSG__HOT int f_f64r(codec *c, double *v, const char *name, double lo, double hi, int hi_open)
{
    uint64_t x = 0;
    if (c->mode != MODE_READ) memcpy(&x, v, sizeof x);
    if (xfer_uint(c, &x, 8, name)) return -1;
    double d;
    memcpy(&d, &x, sizeof d);
    if (!isfinite(d)) return fail(c, "%s: expected a finite number, found %g", name, d);
    if (d < lo || d > hi || (hi_open && d == hi))
        return fail(c, "%s: expected %.17g .. %.17g%s, found %.17g", name, lo, hi,
                    hi_open ? " (excluded)" : "", d);
    *v = d;
    advance(c, 8);
    return 0;
}

static int f_f64(codec *c, double *v, const char *name)
{
    return f_f64r(c, v, name, -INFINITY, INFINITY, 0);
}

static int f_nonneg(codec *c, double *v, const char *name)
{
    return f_f64r(c, v, name, 0.0, INFINITY, 0);
}

static int f_lat(codec *c, double *v, const char *name)
{
    return f_f64r(c, v, name, -PI / 2, PI / 2, 0);
}

static int f_lon(codec *c, double *v, const char *name)
{
    return f_f64r(c, v, name, -PI, PI, 0);
}

static int f_az(codec *c, double *v, const char *name)
{
    return f_f64r(c, v, name, 0.0, 2 * PI, 1);
}

static int f_bytes(codec *c, uint8_t *v, size_t n, const char *name)
{
    if (need(c, n, name)) return -1;
    if (c->mode == MODE_WRITE && n) memcpy(c->w + c->pos, v, n);
    if (c->mode == MODE_READ && n) memcpy(v, c->r + c->pos, n);
    advance(c, n);
    return 0;
}

/* A party index held in an int: one byte on the wire, 0 .. MAX-1, or
 * JMD_MSG_BROADCAST (0xFF) when allow_bcast. */
static int f_party(codec *c, int *v, const char *name, int allow_bcast)
{
    uint64_t x = 0;
    if (c->mode != MODE_READ) {
        if (allow_bcast && *v == JMD_MSG_BROADCAST)
            x = 0xFF;
        else if (*v < 0 || *v > 0xFF)
            x = 0x100; /* reported below */
        else
            x = (uint64_t)*v;
    }
    if (x > 0xFF) return fail(c, "%s: expected a party index, found %d", name, *v);
    if (xfer_uint(c, &x, 1, name)) return -1;
    if (allow_bcast && x == 0xFF) {
        *v = JMD_MSG_BROADCAST;
    } else {
        if (x >= JMD_MSG_MAX_PARTIES)
            return fail(c, "%s: expected a party index below %d%s, found %u", name,
                        JMD_MSG_MAX_PARTIES, allow_bcast ? " or 255 (broadcast)" : "",
                        (unsigned)x);
        *v = (int)x;
    }
    advance(c, 1);
    return 0;
}

/* ---- payloads ------------------------------------------------------------ */

static int p_measurement(codec *c, jmd_msg_measurement *p)
{
    f_u16(c, &p->radar, "radar", JMD_MSG_MAX_SITES - 1);
    f_f64(c, &p->t, "t");
    f_nonneg(c, &p->range, "range");
    f_az(c, &p->az, "az");
    f_lat(c, &p->el, "el");
    return c->failed ? -1 : 0;
}

static int p_warning(codec *c, jmd_msg_launch_warning *p)
{
    f_u64(c, &p->track_id, "track_id");
    f_u8(c, &p->flags, "flags", JMD_MSG_WARN_IMPACT);
    f_f64(c, &p->t_launch, "t_launch");
    f_lat(c, &p->launch_lat, "launch_lat");
    f_lon(c, &p->launch_lon, "launch_lon");
    f_az(c, &p->azimuth, "azimuth");
    if (c->failed) return -1;
    if (p->flags & JMD_MSG_WARN_IMPACT) {
        f_lat(c, &p->impact_lat, "impact_lat");
        f_lon(c, &p->impact_lon, "impact_lon");
        f_f64(c, &p->t_impact, "t_impact");
    } else {
        /* No prediction: the fields must be exactly +0.0 (canonical). */
        f_f64r(c, &p->impact_lat, "impact_lat (no impact flag)", 0.0, 0.0, 0);
        f_f64r(c, &p->impact_lon, "impact_lon (no impact flag)", 0.0, 0.0, 0);
        f_f64r(c, &p->t_impact, "t_impact (no impact flag)", 0.0, 0.0, 0);
        if (!c->failed &&
            (signbit(p->impact_lat) || signbit(p->impact_lon) || signbit(p->t_impact))) {
            c->pos -= 24;
            return fail(c, "impact fields without the impact flag: expected +0, found -0");
        }
    }
    f_nonneg(c, &p->sigma_launch_pos, "sigma_launch_pos");
    f_nonneg(c, &p->sigma_t_launch, "sigma_t_launch");
    f_nonneg(c, &p->sigma_az, "sigma_az");
    f_nonneg(c, &p->sigma_impact_pos, "sigma_impact_pos");
    f_nonneg(c, &p->sigma_t_impact, "sigma_t_impact");
    return c->failed ? -1 : 0;
}

static int p_track(codec *c, jmd_msg_track *p)
{
    f_u64(c, &p->track_id, "track_id");
    f_u8(c, &p->status, "status", JMD_MSG_TRACK_DROPPED);
    f_f64(c, &p->t, "t");
    for (int i = 0; i < 6; i++)
        f_f64(c, &p->x[i], "x");
    for (int i = 0; i < 6 && !c->failed; i++) {
        for (int j = i; j < 6 && !c->failed; j++) {
            if (c->mode != MODE_READ && j > i) {
                uint64_t a, b;
                memcpy(&a, &p->P[i][j], sizeof a);
                memcpy(&b, &p->P[j][i], sizeof b);
                if (a != b)
                    return fail(c, "P[%d][%d]: expected P[%d][%d] == P[%d][%d] (symmetric)", i,
                                j, i, j, j, i);
            }
            if (i == j)
                f_nonneg(c, &p->P[i][j], "P diagonal");
            else
                f_f64(c, &p->P[i][j], "P");
            p->P[j][i] = p->P[i][j];
        }
    }
    f_nonneg(c, &p->precision, "precision");
    return c->failed ? -1 : 0;
}

static int p_proposal(codec *c, jmd_msg_proposal *p)
{
    int proposer = p->proposer;
    f_u64(c, &p->proposal_id, "proposal_id");
    if (!f_party(c, &proposer, "proposer", 0)) p->proposer = (uint8_t)proposer;
    f_u64(c, &p->track_id, "track_id");
    f_u16(c, &p->site, "site", JMD_MSG_MAX_SITES - 1);
    f_f64(c, &p->t_commit, "t_commit");
    f_f64(c, &p->t_launch, "t_launch");
    f_f64(c, &p->t_intercept, "t_intercept");
    f_lat(c, &p->icpt_lat, "icpt_lat");
    f_lon(c, &p->icpt_lon, "icpt_lon");
    f_f64(c, &p->icpt_alt, "icpt_alt");
    f_i32(c, &p->asset, "asset", -1);
    f_f64(c, &p->value, "value");
    return c->failed ? -1 : 0;
}

static int p_vote(codec *c, jmd_msg_vote *p)
{
    int voter = p->voter;
    f_u64(c, &p->proposal_id, "proposal_id");
    if (!f_party(c, &voter, "voter", 0)) p->voter = (uint8_t)voter;
    f_u8(c, &p->approve, "approve", 1);
    f_f64(c, &p->t_decision, "t_decision");
    if (f_u8(c, &p->sig_len, "vote sig_len", JMD_MSG_AUTH_MAX)) return -1;
    if (p->sig_len != 0 && p->sig_len != JMD_MSG_AUTH_MAX) {
        c->pos -= 1;
        return fail(c, "vote sig_len: expected 0 or %d, found %u", JMD_MSG_AUTH_MAX,
                    (unsigned)p->sig_len);
    }
    /* A reject approves nothing, so it has nothing to sign (canonical). */
    if (p->approve == 0 && p->sig_len != 0) {
        c->pos -= 1;
        return fail(c, "vote sig_len: expected 0 for a reject, found %u", (unsigned)p->sig_len);
    }
    f_bytes(c, p->sig, p->sig_len, "vote signature");
    return c->failed ? -1 : 0;
}

static int p_order(codec *c, jmd_msg_launch_order *p)
{
    f_u64(c, &p->proposal_id, "proposal_id");
    f_u64(c, &p->track_id, "track_id");
    f_u16(c, &p->site, "site", JMD_MSG_MAX_SITES - 1);
    f_f64(c, &p->t_launch, "t_launch");
    f_f64(c, &p->t_intercept, "t_intercept");
    f_u8(c, &p->napprovals, "napprovals", JMD_MSG_MAX_PARTIES);
    for (unsigned k = 0; k < p->napprovals && !c->failed; k++) {
        jmd_msg_approval *a = &p->approvals[k];
        int party = a->party;
        if (f_party(c, &party, "approval party", 0)) return -1;
        a->party = (uint8_t)party;
        if (k > 0 && a->party <= p->approvals[k - 1].party) {
            c->pos -= 1;
            return fail(c, "approval party: expected above %u (strictly increasing), found %u",
                        (unsigned)p->approvals[k - 1].party, (unsigned)a->party);
        }
        if (f_u8(c, &a->sig_len, "approval sig_len", JMD_MSG_AUTH_MAX)) return -1;
        if (a->sig_len != 0 && a->sig_len != JMD_MSG_AUTH_MAX) {
            c->pos -= 1;
            return fail(c, "approval sig_len: expected 0 or %d, found %u", JMD_MSG_AUTH_MAX,
                        (unsigned)a->sig_len);
        }
        f_bytes(c, a->sig, a->sig_len, "approval signature");
    }
    return c->failed ? -1 : 0;
}

static int p_outcome(codec *c, jmd_msg_outcome *p)
{
    f_u64(c, &p->shot_id, "shot_id");
    f_u64(c, &p->track_id, "track_id");
    f_u16(c, &p->site, "site", JMD_MSG_MAX_SITES - 1);
    f_u8(c, &p->killed, "killed", 1);
    f_f64(c, &p->t_intercept, "t_intercept");
    return c->failed ? -1 : 0;
}

static int p_checkpoint(codec *c, jmd_msg_checkpoint *p)
{
    int origin = p->origin;
    if (!f_party(c, &origin, "origin", 0)) p->origin = (uint8_t)origin;
    f_u64(c, &p->log_size, "log_size");
    f_bytes(c, p->root, sizeof p->root, "root");
    if (xfer_uint(c, &p->prev_size, 8, "prev_size")) return -1;
    if (p->prev_size > p->log_size)
        return fail(c, "prev_size: expected at most log_size %llu, found %llu",
                    (unsigned long long)p->log_size, (unsigned long long)p->prev_size);
    advance(c, 8);
    f_u8(c, &p->nproof, "nproof", JMD_MSG_CKPT_PROOF_MAX);
    for (unsigned k = 0; k < p->nproof && !c->failed; k++)
        f_bytes(c, p->proof[k], sizeof p->proof[k], "proof hash");
    return c->failed ? -1 : 0;
}

static int payload(codec *c, jmd_msg *m)
{
    switch (m->kind) {
    case JMD_MSG_MEASUREMENT:
        return p_measurement(c, &m->u.measurement);
    case JMD_MSG_LAUNCH_WARNING:
        return p_warning(c, &m->u.warning);
    case JMD_MSG_TRACK:
        return p_track(c, &m->u.track);
    case JMD_MSG_PROPOSAL:
        return p_proposal(c, &m->u.proposal);
    case JMD_MSG_VOTE:
        return p_vote(c, &m->u.vote);
    case JMD_MSG_LAUNCH_ORDER:
        return p_order(c, &m->u.order);
    case JMD_MSG_OUTCOME:
        return p_outcome(c, &m->u.outcome);
    case JMD_MSG_CHECKPOINT:
        return p_checkpoint(c, &m->u.checkpoint);
    }
    return fail(c, "kind: expected 1 .. %d, found %d", JMD_MSG_KIND_MAX, (int)m->kind);
}

static int auth_trailer(codec *c, jmd_msg_auth *a)
{
    if (f_u8(c, &a->scheme, "auth scheme", JMD_MSG_AUTH_SIG)) return -1;
    if (f_u8(c, &a->len, "auth length", JMD_MSG_AUTH_MAX)) return -1;
    unsigned want = a->scheme == JMD_MSG_AUTH_MAC   ? 32u
                    : a->scheme == JMD_MSG_AUTH_SIG ? 64u
                                                    : 0u;
    if (a->len != want) {
        c->pos -= 1;
        return fail(c, "auth length: expected %u for scheme %u, found %u", want,
                    (unsigned)a->scheme, (unsigned)a->len);
    }
    return f_bytes(c, a->bytes, a->len, "authenticator");
}

/* The whole message, in wire order: header, payload, authenticator. */
static int message(codec *c, jmd_msg *m)
{
    uint8_t version = JMD_MSG_VERSION, kind = 0;
    uint64_t plen = 0;
    size_t p0, limit = c->end;

    if (c->mode != MODE_READ) {
        if ((int)m->kind < 1 || (int)m->kind > JMD_MSG_KIND_MAX)
            return fail(c, "kind: expected 1 .. %d, found %d", JMD_MSG_KIND_MAX, (int)m->kind);
        kind = (uint8_t)m->kind;
    }
    if (need(c, 1, "version")) return -1;
    if (c->mode == MODE_READ) version = c->r[c->pos];
    if (version != JMD_MSG_VERSION)
        return fail(c, "version: expected %d, found %u", JMD_MSG_VERSION, (unsigned)version);
    if (f_bytes(c, &version, 1, "version")) return -1;
    if (need(c, 1, "kind")) return -1;
    if (c->mode == MODE_READ) kind = c->r[c->pos];
    if (kind < 1 || kind > JMD_MSG_KIND_MAX)
        return fail(c, "kind: expected 1 .. %d, found %u", JMD_MSG_KIND_MAX, (unsigned)kind);
    f_bytes(c, &kind, 1, "kind");
    m->kind = (jmd_msg_kind)kind;
    f_party(c, &m->sender, "sender", 0);
    f_party(c, &m->receiver, "receiver", 1);
    f_u64(c, &m->seq, "seq");
    f_f64(c, &m->t, "t");
    if (c->failed) return -1;

    /* Payload length: written after the payload is known (back-patched),
     * checked against the bytes that remain when read. */
    size_t lpos = c->pos;
    if (need(c, 4, "payload length")) return -1;
    if (c->mode == MODE_READ) {
        xfer_uint(c, &plen, 4, "payload length");
        if (plen > JMD_MSG_MAX_PAYLOAD)
            return fail(c, "payload length: expected at most %d, found %llu",
                        JMD_MSG_MAX_PAYLOAD, (unsigned long long)plen);
        if (plen > c->end - c->pos - 4)
            return fail(c, "payload length: %llu bytes, but only %zu remain",
                        (unsigned long long)plen, c->end - c->pos - 4);
        c->end = c->pos + 4 + (size_t)plen;
    }
    advance(c, 4);
    p0 = c->pos;
    if (payload(c, m)) return -1;
    if (c->mode == MODE_READ) {
        if (c->pos != c->end) {
            size_t got = c->pos - p0;
            c->pos = lpos;
            return fail(c, "payload length: the %s payload is %zu bytes, found %llu",
                        jmd_msg_kind_name((int)m->kind), got, (unsigned long long)plen);
        }
        c->end = limit;
    } else {
        plen = c->pos - p0;
        if (c->mode == MODE_WRITE) {
            size_t here = c->pos;
            c->pos = lpos;
            xfer_uint(c, &plen, 4, "payload length");
            c->pos = here;
        }
    }
    if (auth_trailer(c, &m->auth)) return -1;
    if (c->mode == MODE_READ && c->pos != c->end)
        return fail(c, "expected the end of the message, found %zu trailing bytes",
                    c->end - c->pos);
    return 0;
}

/* ---- public ---------------------------------------------------------------- */

const char *jmd_msg_kind_name(int kind)
{
    static const char *const names[] = {"unknown",      "measurement", "launch-warning",
                                        "track",        "proposal",    "vote",
                                        "launch-order", "outcome",     "checkpoint"};
    return kind >= 1 && kind <= JMD_MSG_KIND_MAX ? names[kind] : names[0];
}

int jmd_msg_check(const jmd_msg *m, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!m) {
        if (err && errlen) snprintf(err, errlen, "NULL message");
        return JMD_EINVAL;
    }
    /* The walk only reads the struct in MODE_CHECK; a copy keeps m const
     * and lets the codec share one signature for all modes. */
    jmd_msg tmp = *m;
    codec c = {.mode = MODE_CHECK, .err = err, .errlen = errlen};
    return message(&c, &tmp) ? JMD_EINVAL : 0;
}

size_t jmd_msg_encoded_size(const jmd_msg *m)
{
    if (!m) return 0;
    size_t n = JMD_MSG_HEADER_SIZE + 2 + (m->auth.len <= JMD_MSG_AUTH_MAX ? m->auth.len : 0);
    switch (m->kind) {
    case JMD_MSG_MEASUREMENT:
        return n + 34;
    case JMD_MSG_LAUNCH_WARNING:
        return n + 105;
    case JMD_MSG_TRACK:
        return n + 241;
    case JMD_MSG_PROPOSAL:
        return n + 79;
    case JMD_MSG_VOTE: {
        unsigned s = m->u.vote.sig_len;
        return n + 19 + (s <= JMD_MSG_AUTH_MAX ? s : 0);
    }
    case JMD_MSG_LAUNCH_ORDER: {
        n += 35;
        unsigned k = m->u.order.napprovals;
        if (k > JMD_MSG_MAX_PARTIES) k = JMD_MSG_MAX_PARTIES;
        for (unsigned i = 0; i < k; i++) {
            unsigned s = m->u.order.approvals[i].sig_len;
            n += 2 + (s <= JMD_MSG_AUTH_MAX ? s : 0);
        }
        return n;
    }
    case JMD_MSG_OUTCOME:
        return n + 27;
    case JMD_MSG_CHECKPOINT: {
        unsigned k = m->u.checkpoint.nproof;
        return n + 50 + 32 * (k <= JMD_MSG_CKPT_PROOF_MAX ? k : 0);
    }
    }
    return 0;
}

int jmd_msg_encode(const jmd_msg *m, uint8_t *buf, size_t cap, size_t *len)
{
    if (!m || !buf || !len) return JMD_EINVAL;
    size_t n = jmd_msg_encoded_size(m);
    if (cap < n) {
        if (jmd_msg_check(m, NULL, 0)) return JMD_EINVAL;
        *len = n;
        return JMD_ERANGE;
    }
    /* One walk: writing checks every rule jmd_msg_check does (the codec is
     * the same; only MODE_WRITE keeps the bytes), so a message is not
     * walked twice on the hot path (every message sent or received is
     * encoded for its authenticator). */
    jmd_msg tmp = *m;
    codec c = {.mode = MODE_WRITE, .w = buf, .end = n};
    if (message(&c, &tmp) || c.pos != n) return JMD_EINVAL;
    *len = n;
    return 0;
}

int jmd_msg_encoding_matches(const jmd_msg *m, const uint8_t *enc, size_t len)
{
    if (!m || !enc || len != jmd_msg_encoded_size(m) || len < JMD_MSG_HEADER_SIZE) return 0;
#ifndef NDEBUG
    uint8_t again[JMD_MSG_MAX_SIZE];
    size_t n = 0;
    return jmd_msg_encode(m, again, sizeof again, &n) == 0 && n == len &&
           memcmp(again, enc, len) == 0;
#else
    /* The header: version, kind (byte 1), ..., seq (bytes 4 .. 11,
     * little-endian). */
    uint64_t seq = 0;
    for (int i = 0; i < 8; i++)
        seq |= (uint64_t)enc[4 + i] << (8 * i);
    return enc[1] == (uint8_t)m->kind && seq == m->seq;
#endif
}

int jmd_msg_decode(const uint8_t *buf, size_t len, jmd_msg *out, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!out || (!buf && len)) return JMD_EINVAL;
    memset(out, 0, sizeof *out);
    codec c = {.mode = MODE_READ, .r = buf, .end = len, .err = err, .errlen = errlen};
    if (len > JMD_MSG_MAX_SIZE) {
        fail(&c, "message of %zu bytes: expected at most %d", len, JMD_MSG_MAX_SIZE);
        return JMD_EPARSE;
    }
    return message(&c, out) ? JMD_EPARSE : 0;
}

int jmd_msg_track_set(jmd_msg_track *t, const jmd_track_est *e, uint64_t track_id,
                      jmd_msg_track_status status, double precision)
{
    if (!t || !e) return JMD_EINVAL;
    t->track_id = track_id;
    t->status = (uint8_t)status;
    t->t = e->t;
    for (int i = 0; i < 6; i++)
        t->x[i] = e->x[i];
    for (int i = 0; i < 6; i++) {
        t->P[i][i] = e->P[i][i];
        for (int j = i + 1; j < 6; j++)
            t->P[i][j] = t->P[j][i] = 0.5 * (e->P[i][j] + e->P[j][i]);
    }
    t->precision = precision;
    return 0;
}
