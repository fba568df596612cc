/*
 * input.c — the canonical bytes of the world's frames (TICK, ASSESS, CUE,
 * SCAN) as a node keeps them in its ledger (INPUT entries;
 * docs/federation.md "Ledger entries"). The ledger then holds everything
 * the node's decisions depend on, so a node restarted after a crash
 * replays its own ledger to the state it died in, and an auditor can
 * re-run a node from its ledger alone.
 *
 * Layout, little-endian, no padding: u8 format version (1), u8 frame kind,
 * u8 party (the receiver), i64 step, then per kind
 *   TICK    f64 t, u32 nassess, u32 ncue, u32 nscan, u8 end, u64 seed,
 *           i32 model, u8 np, np x u64 expect
 *   ASSESS  u32 index, i32 shot_id, u8 killed
 *   CUE     u32 index, f64 t, i32 sensor, f64 t_launch, lat, lon, azimuth,
 *           sigma_pos, sigma_t, sigma_az
 *   SCAN    u32 index, i32 radar, f64 t, u32 n, n x (i64 meas_id, i32 sensor,
 *           f64 t, range, az, el, snr)
 * The decoder takes untrusted bytes (a ledger may have been edited): every
 * length is checked and every error says at which byte and what it found.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/error.h"
#include "jmd/federate.h"

#define INPUT_VERSION 1

typedef struct {
    uint8_t *b;
    size_t n, cap;
    int oom;
} wbuf;

static void put(wbuf *w, const void *p, size_t len)
{
    if (w->oom) return;
    if (w->n + len > w->cap) {
        size_t c = w->cap ? w->cap : 64;
        while (c < w->n + len) c *= 2;
        uint8_t *q = realloc(w->b, c);
        if (!q) {
            w->oom = 1;
            return;
        }
        w->b = q;
        w->cap = c;
    }
    memcpy(w->b + w->n, p, len);
    w->n += len;
}

static void put_u(wbuf *w, uint64_t v, size_t bytes)
{
    uint8_t x[8];
    for (size_t i = 0; i < bytes; i++) x[i] = (uint8_t)(v >> (8 * i));
    put(w, x, bytes);
}

static void put_f(wbuf *w, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    put_u(w, v, 8);
}

int jmd_fed_input_encode(const jmd_frame *f, int nparties, uint8_t **out, size_t *len)
{
    if (!f || !out || !len || nparties < 1 || nparties > JMD_MSG_MAX_PARTIES) return JMD_EINVAL;
    *out = NULL;
    *len = 0;
    wbuf w = {0};
    put_u(&w, INPUT_VERSION, 1);
    put_u(&w, (uint64_t)f->kind, 1);
    int party = f->kind == JMD_FRAME_TICK     ? f->u.tick.party
                : f->kind == JMD_FRAME_ASSESS ? f->u.assess.party
                : f->kind == JMD_FRAME_CUE    ? f->u.cue.party
                : f->kind == JMD_FRAME_SCAN   ? f->u.scan.party
                                              : -1;
    if (party < 0 || party >= nparties) return JMD_EINVAL;
    put_u(&w, (uint64_t)party, 1);
    switch (f->kind) {
    case JMD_FRAME_TICK: {
        const jmd_frame_tick *k = &f->u.tick;
        put_u(&w, (uint64_t)k->step, 8);
        put_f(&w, k->t);
        put_u(&w, k->nassess, 4);
        put_u(&w, k->ncue, 4);
        put_u(&w, k->nscan, 4);
        put_u(&w, (uint64_t)(k->end != 0), 1);
        put_u(&w, k->seed, 8);
        put_u(&w, (uint64_t)(uint32_t)k->model, 4);
        put_u(&w, (uint64_t)nparties, 1);
        for (int p = 0; p < nparties; p++) put_u(&w, k->expect[p], 8);
        break;
    }
    case JMD_FRAME_ASSESS:
        put_u(&w, (uint64_t)f->u.assess.step, 8);
        put_u(&w, f->u.assess.index, 4);
        put_u(&w, (uint64_t)(uint32_t)f->u.assess.shot_id, 4);
        put_u(&w, (uint64_t)(f->u.assess.killed != 0), 1);
        break;
    case JMD_FRAME_CUE: {
        const jmd_launch_report *r = &f->u.cue.r;
        put_u(&w, (uint64_t)f->u.cue.step, 8);
        put_u(&w, f->u.cue.index, 4);
        put_f(&w, r->t);
        put_u(&w, (uint64_t)(uint32_t)r->sensor, 4);
        put_f(&w, r->t_launch);
        put_f(&w, r->lat);
        put_f(&w, r->lon);
        put_f(&w, r->azimuth);
        put_f(&w, r->sigma_pos);
        put_f(&w, r->sigma_t);
        put_f(&w, r->sigma_az);
        break;
    }
    case JMD_FRAME_SCAN: {
        const jmd_frame_scan *s = &f->u.scan;
        if (s->n > 0 && !s->m) return JMD_EINVAL;
        if (s->n > UINT32_MAX) return JMD_ERANGE;
        put_u(&w, (uint64_t)s->step, 8);
        put_u(&w, s->index, 4);
        put_u(&w, (uint64_t)(uint32_t)s->radar, 4);
        put_f(&w, s->t);
        put_u(&w, (uint64_t)s->n, 4);
        for (size_t i = 0; i < s->n; i++) {
            const jmd_measurement *m = &s->m[i];
            put_u(&w, (uint64_t)(int64_t)m->meas_id, 8);
            put_u(&w, (uint64_t)(uint32_t)m->sensor, 4);
            put_f(&w, m->t);
            put_f(&w, m->range);
            put_f(&w, m->az);
            put_f(&w, m->el);
            put_f(&w, m->snr);
        }
        break;
    }
    default:
        return JMD_EINVAL;
    }
    if (w.oom) {
        free(w.b);
        return JMD_ENOMEM;
    }
    *out = w.b;
    *len = w.n;
    return 0;
}

typedef struct {
    const uint8_t *b;
    size_t n, at;
    char *err;
    size_t errlen;
    int bad;
} rbuf;

static uint64_t get_u(rbuf *r, size_t bytes, const char *what)
{
    if (r->bad) return 0;
    if (r->n - r->at < bytes) {
        snprintf(r->err, r->errlen, "byte %zu: expected %s (%zu bytes), found %zu bytes left",
                 r->at, what, bytes, r->n - r->at);
        r->bad = 1;
        return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; i++) v |= (uint64_t)r->b[r->at + i] << (8 * i);
    r->at += bytes;
    return v;
}

static double get_f(rbuf *r, const char *what)
{
    size_t at = r->at;
    uint64_t v = get_u(r, 8, what);
    double d;
    memcpy(&d, &v, 8);
    if (!r->bad && !isfinite(d)) {
        snprintf(r->err, r->errlen, "byte %zu: expected %s as a finite number, found %s", at,
                 what, isnan(d) ? "NaN" : "an infinity");
        r->bad = 1;
    }
    return d;
}

/* An index read at byte `at` must lie in [0, 65534] (radars, satellites:
 * the wire's u16 range), the same bound the transport applies live. */
static int check_index(rbuf *r, size_t at, int v, const char *what)
{
    if (r->bad || (v >= 0 && v < JMD_MSG_MAX_SITES)) return v;
    snprintf(r->err, r->errlen, "byte %zu: expected %s 0 to %d, found %d", at, what,
             JMD_MSG_MAX_SITES - 1, v);
    r->bad = 1;
    return v;
}

/* A 1-sigma or a signal-to-noise ratio read at byte `at` must be >= 0. */
static double check_nonneg(rbuf *r, size_t at, double v, const char *what)
{
    if (r->bad || v >= 0) return v;
    snprintf(r->err, r->errlen, "byte %zu: expected %s >= 0, found %.17g", at, what, v);
    r->bad = 1;
    return v;
}

static int64_t get_step(rbuf *r)
{
    size_t at = r->at;
    int64_t s = (int64_t)get_u(r, 8, "the step");
    if (!r->bad && s < 0) {
        snprintf(r->err, r->errlen, "byte %zu: expected a step >= 0, found %lld", at,
                 (long long)s);
        r->bad = 1;
    }
    return s;
}

int jmd_fed_input_decode(const uint8_t *buf, size_t len, int nparties, jmd_frame *f, char *err,
                         size_t errlen)
{
    char dummy[8];
    if (!err || errlen == 0) err = dummy, errlen = sizeof dummy;
    err[0] = '\0';
    if (!buf || !f || nparties < 1 || nparties > JMD_MSG_MAX_PARTIES) return JMD_EINVAL;
    memset(f, 0, sizeof *f);
    rbuf r = {buf, len, 0, err, errlen, 0};
    unsigned version = (unsigned)get_u(&r, 1, "the format version");
    if (!r.bad && version != INPUT_VERSION) {
        snprintf(err, errlen, "byte 0: expected format version 1, found %u", version);
        return JMD_EPARSE;
    }
    unsigned kind = (unsigned)get_u(&r, 1, "the frame kind");
    unsigned party = (unsigned)get_u(&r, 1, "the party");
    if (!r.bad && party >= (unsigned)nparties) {
        snprintf(err, errlen, "byte 2: expected a party 0 to %d, found %u", nparties - 1, party);
        return JMD_EPARSE;
    }
    if (r.bad) return JMD_EPARSE;
    switch (kind) {
    case JMD_FRAME_TICK: {
        jmd_frame_tick *k = &f->u.tick;
        k->step = get_step(&r);
        k->t = get_f(&r, "the time");
        k->nassess = (uint32_t)get_u(&r, 4, "the assessment count");
        k->ncue = (uint32_t)get_u(&r, 4, "the cue count");
        k->nscan = (uint32_t)get_u(&r, 4, "the scan count");
        size_t at = r.at;
        unsigned end = (unsigned)get_u(&r, 1, "the end flag");
        if (!r.bad && end > 1) {
            snprintf(err, errlen, "byte %zu: expected an end flag 0 or 1, found %u", at, end);
            r.bad = 1;
        }
        k->end = (int)end;
        k->seed = get_u(&r, 8, "the seed");
        at = r.at;
        k->model = (int)(int32_t)(uint32_t)get_u(&r, 4, "the model");
        if (!r.bad && (k->model < 0 || k->model >= JMD_GOV_NMODELS)) {
            snprintf(err, errlen, "byte %zu: expected a model 0 to %d, found %d", at,
                     JMD_GOV_NMODELS - 1, k->model);
            r.bad = 1;
        }
        at = r.at;
        unsigned np = (unsigned)get_u(&r, 1, "the party count");
        if (!r.bad && np != (unsigned)nparties) {
            snprintf(err, errlen, "byte %zu: expected %d parties, found %u", at, nparties, np);
            r.bad = 1;
        }
        for (int p = 0; p < nparties && !r.bad; p++) k->expect[p] = get_u(&r, 8, "an expect count");
        break;
    }
    case JMD_FRAME_ASSESS:
        f->u.assess.step = get_step(&r);
        f->u.assess.index = (uint32_t)get_u(&r, 4, "the index");
        f->u.assess.shot_id = (int)(int32_t)(uint32_t)get_u(&r, 4, "the shot id");
        {
            size_t at = r.at;
            unsigned k = (unsigned)get_u(&r, 1, "the kill flag");
            if (!r.bad && k > 1) {
                snprintf(err, errlen, "byte %zu: expected a kill flag 0 or 1, found %u", at, k);
                r.bad = 1;
            }
            f->u.assess.killed = (int)k;
        }
        break;
    case JMD_FRAME_CUE: {
        jmd_launch_report *c = &f->u.cue.r;
        f->u.cue.step = get_step(&r);
        f->u.cue.index = (uint32_t)get_u(&r, 4, "the index");
        c->t = get_f(&r, "the report time");
        size_t at = r.at;
        c->sensor = check_index(&r, at, (int)(int32_t)(uint32_t)get_u(&r, 4, "the sensor"),
                                "a satellite index");
        c->t_launch = get_f(&r, "the launch time");
        c->lat = get_f(&r, "the latitude");
        c->lon = get_f(&r, "the longitude");
        c->azimuth = get_f(&r, "the azimuth");
        at = r.at;
        c->sigma_pos = check_nonneg(&r, at, get_f(&r, "sigma_pos"), "sigma_pos");
        at = r.at;
        c->sigma_t = check_nonneg(&r, at, get_f(&r, "sigma_t"), "sigma_t");
        at = r.at;
        c->sigma_az = check_nonneg(&r, at, get_f(&r, "sigma_az"), "sigma_az");
        c->truth = -1;
        break;
    }
    case JMD_FRAME_SCAN: {
        jmd_frame_scan *s = &f->u.scan;
        s->step = get_step(&r);
        s->index = (uint32_t)get_u(&r, 4, "the index");
        size_t rat = r.at;
        s->radar = check_index(&r, rat, (int)(int32_t)(uint32_t)get_u(&r, 4, "the radar"),
                               "a radar index");
        s->t = get_f(&r, "the scan time");
        size_t at = r.at;
        uint64_t n = get_u(&r, 4, "the detection count");
        const size_t each = 8 + 4 + 5 * 8;
        if (!r.bad && n > (r.n - r.at) / each) {
            snprintf(err, errlen, "byte %zu: expected %llu detections (%zu bytes each), found %zu "
                                  "bytes",
                     at, (unsigned long long)n, each, r.n - r.at);
            r.bad = 1;
        }
        if (!r.bad && n > 0) {
            if (!(s->m = calloc((size_t)n, sizeof *s->m))) return JMD_ENOMEM;
            s->n = (size_t)n;
            for (size_t i = 0; i < s->n && !r.bad; i++) {
                jmd_measurement *m = &s->m[i];
                m->meas_id = (long)(int64_t)get_u(&r, 8, "a measurement id");
                size_t dat = r.at;
                m->sensor = check_index(&r, dat,
                                        (int)(int32_t)(uint32_t)get_u(&r, 4, "a sensor"),
                                        "a radar index");
                m->t = get_f(&r, "a detection time");
                m->range = get_f(&r, "a range");
                m->az = get_f(&r, "an azimuth");
                m->el = get_f(&r, "an elevation");
                dat = r.at;
                m->snr = check_nonneg(&r, dat, get_f(&r, "a signal-to-noise ratio"),
                                      "a signal-to-noise ratio");
                m->truth = -1;
            }
        }
        break;
    }
    default:
        snprintf(err, errlen, "byte 1: expected a world frame kind (TICK %d, SCAN %d, CUE %d, "
                              "ASSESS %d), found %u",
                 JMD_FRAME_TICK, JMD_FRAME_SCAN, JMD_FRAME_CUE, JMD_FRAME_ASSESS, kind);
        return JMD_EPARSE;
    }
    if (!r.bad && r.at != r.n) {
        snprintf(err, errlen, "byte %zu: expected the end of the input, found %zu more bytes",
                 r.at, r.n - r.at);
        r.bad = 1;
    }
    f->kind = (jmd_frame_kind)kind;
    switch (f->kind) {
    case JMD_FRAME_TICK: f->u.tick.party = (int)party; break;
    case JMD_FRAME_ASSESS: f->u.assess.party = (int)party; break;
    case JMD_FRAME_CUE: f->u.cue.party = (int)party; break;
    case JMD_FRAME_SCAN: f->u.scan.party = (int)party; break;
    default: break;
    }
    if (r.bad) {
        jmd_frame_clear(f);
        return JMD_EPARSE;
    }
    return 0;
}
