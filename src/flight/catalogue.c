/*
 * catalogue.c — the vehicle and interceptor catalogue: YAML text (files,
 * or the data folder embedded at build time) to jmd_vehicle and
 * jmd_interceptor records in SI units, with validation whose messages say
 * where (name:line:col, 1-based), which key (a path such as
 * threats[2].stages[0].isp_s), what was expected and what was found.
 * docs/catalogue.md is the schema.
 *
 * How: libfyaml's event parser (not its document API, whose 0.7.12 public
 * header gives no position for mapping and sequence nodes) builds a small
 * tree in an arena, every node with its 0-based mark; the schema walk then
 * reads the tree. libfyaml's own diagnostics are collected silently and
 * turned into our message; nothing is ever printed. Aliases are refused
 * (no expansion bombs), input is capped at JMD_CATALOGUE_MAX_BYTES, and
 * nothing recurses on the input's depth (the arena is freed in one sweep),
 * so untrusted input costs at most linear time and memory. Three libfyaml
 * 0.7.12 defects found by fuzzing are kept away from it: invalid UTF-8 (a
 * hang) is refused first, CR line breaks become LF, and single-quoted
 * scalars are unescaped here (fy_token_get_text leaks on both).
 *
 * Invariant: a call either appends every entry of its input to the
 * catalogue or leaves the catalogue exactly as it was (entries are built
 * in temporaries and appended at the end).
 *
 * Workload: cold — a few small files at start-up.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "flight/flight__catalogue.h"
#include "jmd/flight.h"

/* Largest accepted input (bytes); larger text is refused before parsing. */
#define JMD_CATALOGUE_MAX_BYTES (1u << 20)

/* ---- the parsed tree ---------------------------------------------------- */

enum { YN_SCALAR = 0, YN_MAP, YN_SEQ };

typedef struct ynode ynode;
struct ynode {
    int type;          /* YN_* */
    int line, col;     /* 0-based start mark */
    int plain;         /* scalar written without quotes or block style */
    const char *text;  /* scalar text, NUL-terminated (may hold NULs inside) */
    size_t len;        /* scalar text length */
    size_t count;      /* children (a mapping holds key, value, key, value...) */
    ynode *parent, *first, *last, *next;
};

/* Bump allocator: every node and string of one parse, freed at once. */
typedef struct achunk {
    struct achunk *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
} achunk;

typedef struct {
    achunk *head;
} arena;

static void *arena_alloc(arena *a, size_t n)
{
    const size_t al = alignof(max_align_t);
    n = (n + al - 1) / al * al;
    if (!a->head || a->head->cap - a->head->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        achunk *c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    return p;
}

static void arena_free(arena *a)
{
    while (a->head) {
        achunk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

/* ---- messages ------------------------------------------------------------ */

typedef struct {
    const char *name; /* label for messages (file name) */
    char *err;
    size_t errlen;
} pctx;

/* Writes "name:line:col: path: what" (line/col 1-based from a 0-based
 * node mark; path omitted when empty) and returns JMD_EPARSE. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail_at(pctx *c, const ynode *at, const char *path, const char *fmt, ...)
{
    if (c->err && c->errlen > 0) {
        int n;
        if (at)
            n = snprintf(c->err, c->errlen, "%s:%d:%d: %s%s", c->name, at->line + 1,
                         at->col + 1, path, *path ? ": " : "");
        else
            n = snprintf(c->err, c->errlen, "%s: %s%s", c->name, path, *path ? ": " : "");
        if (n >= 0 && (size_t)n < c->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return JMD_EPARSE;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Quote text for a message: printable ASCII kept, '"' and '\' escaped,
 * everything else as \xHH; cut to about 40 characters with "...". */
static void quote(const char *s, size_t len, char *buf, size_t n)
{
    size_t o = 0;
    const size_t limit = 40;
    if (n < 8) {
        if (n) buf[0] = '\0';
        return;
    }
    buf[o++] = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        char tmp[8];
        if (ch == '"' || ch == '\\') snprintf(tmp, sizeof tmp, "\\%c", ch);
        else if (ch >= 0x20 && ch < 0x7f) snprintf(tmp, sizeof tmp, "%c", ch);
        else snprintf(tmp, sizeof tmp, "\\x%02x", ch);
        size_t tl = strlen(tmp);
        if (i >= limit || o + tl + 5 > n) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        memcpy(buf + o, tmp, tl);
        o += tl;
    }
    buf[o++] = '"';
    buf[o] = '\0';
}

static int is_null(const ynode *v)
{
    if (v->type != YN_SCALAR || !v->plain) return 0;
    return v->len == 0 || strcmp(v->text, "~") == 0 || strcmp(v->text, "null") == 0 ||
           strcmp(v->text, "Null") == 0 || strcmp(v->text, "NULL") == 0;
}

/* What a node is, for "found ..." (buf of at least 64 bytes). */
static const char *found(const ynode *v, char *buf, size_t n)
{
    if (v->type == YN_MAP) return "a mapping";
    if (v->type == YN_SEQ) return "a sequence";
    if (is_null(v)) return "nothing";
    quote(v->text, v->len, buf, n);
    return buf;
}

/* ---- YAML text to tree ------------------------------------------------- */

static void diag_silent(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

static ynode *new_node(arena *a, int type, const struct fy_mark *m)
{
    ynode *n = arena_alloc(a, sizeof *n);
    if (!n) return NULL;
    memset(n, 0, sizeof *n);
    n->type = type;
    n->line = m ? m->line : 0;
    n->col = m ? m->column : 0;
    n->text = "";
    return n;
}

static void attach(ynode *parent, ynode *child)
{
    child->parent = parent;
    if (parent->last) parent->last->next = child;
    else parent->first = child;
    parent->last = child;
    parent->count++;
}

/* The libfyaml syntax error as our message: its first collected error
 * (libfyaml's diagnostic positions are already 1-based). */
static int syntax_error(pctx *c, struct fy_diag *diag)
{
    void *it = NULL;
    struct fy_diag_error *de;
    while ((de = fy_diag_errors_iterate(diag, &it)) != NULL) {
        if (de->type < FYET_ERROR) continue;
        char msg[160];
        const char *m = de->msg ? de->msg : "";
        size_t o = 0;
        for (size_t i = 0; m[i] && o + 1 < sizeof msg; i++) {
            unsigned char ch = (unsigned char)m[i];
            msg[o++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : ' ';
        }
        msg[o] = '\0';
        if (de->line > 0 && de->column > 0)
            set_err(c->err, c->errlen, "%s:%d:%d: YAML syntax error: %s", c->name, de->line,
                    de->column, msg);
        else set_err(c->err, c->errlen, "%s: YAML syntax error: %s", c->name, msg);
        return JMD_EPARSE;
    }
    set_err(c->err, c->errlen, "%s: YAML syntax error", c->name);
    return JMD_EPARSE;
}

/* Content of a single-quoted scalar from its raw source (between the
 * quotes): '' is a quote, and line breaks fold as in flow scalars (YAML 1.2
 * §7.3.2, §6.5: white space around a break is dropped, one break becomes a
 * space, n > 1 breaks become n - 1 newlines). Done here rather than by
 * fy_token_get_text, which in libfyaml 0.7.12 leaks its buffer on runs of
 * five or more '' pairs. out holds at least n bytes; returns the length. */
static size_t single_quoted(const char *raw, size_t n, char *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
        char ch = raw[i];
        if (ch == '\'' && i + 1 < n && raw[i + 1] == '\'') {
            out[o++] = '\'';
            i += 2;
        } else if (ch == '\r' || ch == '\n') {
            while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\t')) o--;
            size_t breaks = 0;
            while (i < n) {
                if (raw[i] == '\r' && i + 1 < n && raw[i + 1] == '\n') {
                    i += 2;
                    breaks++;
                } else if (raw[i] == '\r' || raw[i] == '\n') {
                    i++;
                    breaks++;
                } else if (raw[i] == ' ' || raw[i] == '\t') {
                    i++;
                } else break;
            }
            if (breaks == 1) out[o++] = ' ';
            else
                while (--breaks > 0) out[o++] = '\n';
        } else {
            out[o++] = ch;
            i++;
        }
    }
    return o;
}

/* Strict UTF-8 check (no overlong forms, surrogates or code points above
 * U+10FFFF). libfyaml 0.7.12 loops forever on some invalid UTF-8 (e.g. in
 * a directive line), so nothing else reaches it. Returns the offset of the
 * first bad byte, or len; *line and *col (0-based, in characters) locate it. */
static size_t utf8_check(const unsigned char *s, size_t len, int *line, int *col)
{
    size_t i = 0;
    int ln = 0, cl = 0;
    while (i < len) {
        unsigned char b = s[i];
        /* A NUL would end the text for the YAML parser: refuse it here. */
        if (b == 0) break;
        size_t n;
        unsigned long cp;
        if (b < 0x80) {
            n = 1;
            cp = b;
        } else if (b >= 0xc2 && b <= 0xdf) {
            n = 2;
            cp = b & 0x1fu;
        } else if (b >= 0xe0 && b <= 0xef) {
            n = 3;
            cp = b & 0x0fu;
        } else if (b >= 0xf0 && b <= 0xf4) {
            n = 4;
            cp = b & 0x07u;
        } else break;
        if (len - i < n) break;
        size_t k = 1;
        for (; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80) break;
            cp = (cp << 6) | (s[i + k] & 0x3fu);
        }
        if (k < n) break;
        if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
            break;
        if (b == '\n' || (b == '\r' && !(i + 1 < len && s[i + 1] == '\n'))) {
            ln++;
            cl = 0;
        } else if (b != '\r') cl++;
        i += n;
    }
    *line = ln;
    *col = cl;
    return i;
}

/* Parses text into a tree in `a`; *root is NULL for an empty stream. */
static int build_tree(pctx *c, const char *text, size_t len, arena *a, ynode **root)
{
    int rc = 0;
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = diag_silent;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (!diag) {
        set_err(c->err, c->errlen, "%s: out of memory", c->name);
        return JMD_ENOMEM;
    }
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pcfg;
    memset(&pcfg, 0, sizeof pcfg);
    pcfg.flags = FYPCF_QUIET | FYPCF_JSON_NONE;
    pcfg.diag = diag;
    struct fy_parser *p = fy_parser_create(&pcfg);
    if (!p) {
        set_err(c->err, c->errlen, "%s: out of memory", c->name);
        rc = JMD_ENOMEM;
        goto fail_parser;
    }
    /* libfyaml wants a non-NULL string even when empty. */
    if (fy_parser_set_string(p, len ? text : "", len) != 0) {
        rc = syntax_error(c, diag);
        goto fail_input;
    }
    *root = NULL;
    ynode *cur = NULL;
    int ndocs = 0;
    struct fy_event *ev;
    while (rc == 0 && (ev = fy_parser_parse(p)) != NULL) {
        const struct fy_mark *m = fy_event_start_mark(ev);
        ynode *n = NULL;
        switch (ev->type) {
        case FYET_DOCUMENT_START:
            if (++ndocs > 1) {
                ynode at = {.line = m ? m->line : 0, .col = m ? m->column : 0};
                rc = fail_at(c, &at, "", "expected a single YAML document, found a second one");
            }
            break;
        case FYET_MAPPING_START:
        case FYET_SEQUENCE_START:
        case FYET_SCALAR:
            n = new_node(a, ev->type == FYET_MAPPING_START   ? YN_MAP
                            : ev->type == FYET_SEQUENCE_START ? YN_SEQ
                                                              : YN_SCALAR,
                         m);
            if (!n) {
                rc = JMD_ENOMEM;
                break;
            }
            if (ev->type == FYET_SCALAR) {
                struct fy_token *tok = ev->scalar.value;
                enum fy_scalar_style style = fy_token_scalar_style(tok);
                const struct fy_mark *m0 = fy_token_start_mark(tok), *m1 = fy_token_end_mark(tok);
                char *copy;
                size_t tl = 0;
                if (style == FYSS_SINGLE_QUOTED && m0 && m1 && m0->input_pos <= m1->input_pos &&
                    m1->input_pos <= len) {
                    size_t rn = m1->input_pos - m0->input_pos;
                    copy = arena_alloc(a, rn + 1);
                    if (!copy) {
                        rc = JMD_ENOMEM;
                        break;
                    }
                    tl = single_quoted(text + m0->input_pos, rn, copy);
                } else {
                    const char *t = fy_token_get_text(tok, &tl);
                    if (!t) tl = 0;
                    copy = arena_alloc(a, tl + 1);
                    if (!copy) {
                        rc = JMD_ENOMEM;
                        break;
                    }
                    if (tl) memcpy(copy, t, tl);
                }
                copy[tl] = '\0';
                n->text = copy;
                n->len = tl;
                n->plain = style == FYSS_PLAIN;
                /* Marks of quoted scalars start inside the quotes: point at
                 * the opening quote. */
                if ((style == FYSS_SINGLE_QUOTED || style == FYSS_DOUBLE_QUOTED) && m && n->col > 0)
                    n->col--;
            }
            if (!m && cur) {
                /* An empty value has no token: point at its key (mappings)
                 * or its collection (sequences). */
                const ynode *near = cur->type == YN_MAP && cur->last ? cur->last : cur;
                n->line = near->line;
                n->col = near->col;
            }
            if (cur) attach(cur, n);
            else if (!*root) *root = n;
            if (ev->type != FYET_SCALAR) cur = n;
            break;
        case FYET_MAPPING_END:
        case FYET_SEQUENCE_END:
            if (cur) cur = cur->parent;
            break;
        case FYET_ALIAS: {
            size_t tl = 0;
            const char *t = fy_token_get_text(ev->alias.anchor, &tl);
            char name[48], q[64];
            if (!t) tl = 0;
            if (tl > sizeof name - 2) tl = sizeof name - 2;
            name[0] = '*';
            if (tl) memcpy(name + 1, t, tl);
            quote(name, tl + 1, q, sizeof q);
            ynode at = {.line = m ? m->line : 0, .col = m ? m->column : 0};
            rc = fail_at(c, &at, "", "expected a value, found the alias %s (aliases are not supported)",
                         q);
            break;
        }
        default:
            break;
        }
        fy_parser_event_free(p, ev);
    }
    if (rc == JMD_ENOMEM) set_err(c->err, c->errlen, "%s: out of memory", c->name);
    else if (rc == 0 && fy_parser_get_stream_error(p)) rc = syntax_error(c, diag);
fail_input:
    fy_parser_destroy(p);
fail_parser:
    fy_diag_destroy(diag);
    return rc;
}

/* ---- schema helpers ---------------------------------------------------- */

typedef struct {
    const char *key;
    int required;
} keyspec;

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static int unknown_key(pctx *c, const ynode *k, const char *path, const keyspec *ks, size_t nk)
{
    char q[64];
    quote(k->text, k->len, q, sizeof q);
    size_t best = (size_t)-1, bi = 0;
    if (strlen(k->text) == k->len) {
        for (size_t i = 0; i < nk; i++) {
            size_t d = edit_distance(k->text, ks[i].key);
            if (d < best) {
                best = d;
                bi = i;
            }
        }
    }
    /* Suggest when the distance is small against the words' length (this
     * also catches a missing unit suffix: "burn" for "burn_s"). */
    if (best != (size_t)-1) {
        size_t l1 = k->len, l2 = strlen(ks[bi].key);
        size_t lmax = l1 > l2 ? l1 : l2;
        if (3 * best <= lmax + 1)
            return fail_at(c, k, path, "unknown key %s; did you mean \"%s\"?", q, ks[bi].key);
    }
    char list[512];
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; i < nk && o < sizeof list; i++) {
        int w = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", ks[i].key);
        if (w < 0) break;
        o += (size_t)w;
    }
    return fail_at(c, k, path, "unknown key %s; expected one of: %s", q, list);
}

/* Checks a mapping against its keys: every key a known scalar, none
 * repeated, every required one present. vals[i] gets the value of ks[i]
 * (NULL when absent); keys[i] its key node. */
static int check_keys(pctx *c, const ynode *map, const char *path, const keyspec *ks, size_t nk,
                      const ynode **vals, const ynode **keys)
{
    char buf[64];
    for (size_t i = 0; i < nk; i++) vals[i] = keys[i] = NULL;
    for (const ynode *k = map->first; k; k = k->next ? k->next->next : NULL) {
        const ynode *v = k->next;
        if (!v) break; /* cannot happen: mappings hold pairs */
        if (k->type != YN_SCALAR)
            return fail_at(c, k, path, "expected a key, found %s", found(k, buf, sizeof buf));
        size_t i = 0;
        while (i < nk && !(strlen(ks[i].key) == k->len && strcmp(ks[i].key, k->text) == 0)) i++;
        if (i == nk) return unknown_key(c, k, path, ks, nk);
        if (vals[i])
            return fail_at(c, k, path, "duplicate key \"%s\" (first at line %d)", ks[i].key,
                           keys[i]->line + 1);
        vals[i] = v;
        keys[i] = k;
    }
    for (size_t i = 0; i < nk; i++)
        if (ks[i].required && !vals[i])
            return fail_at(c, map, path, "missing required key \"%s\"", ks[i].key);
    return 0;
}

static void join(char *out, size_t n, const char *path, const char *key)
{
    if (snprintf(out, n, "%s%s%s", path, *path ? "." : "", key) < 0) out[0] = '\0';
}

/* Strict decimal number: [+-]digits[.digits][e[+-]digits] (a leading or
 * trailing '.' allowed); returns 1 when s has that form. */
static int decimal_form(const char *s, size_t len)
{
    size_t i = 0, digits = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) i++;
    while (i < len && s[i] >= '0' && s[i] <= '9') i++, digits++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') i++, digits++;
    }
    if (!digits) return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        size_t ed = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') i++, ed++;
        if (!ed) return 0;
    }
    return i == len;
}

static int nonfinite_form(const char *s)
{
    if (*s == '+' || *s == '-') s++;
    if (*s == '.') s++;
    static const char *const words[] = {"inf", "Inf", "INF", "nan", "NaN", "NAN", "infinity",
                                        "Infinity"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(s, words[i]) == 0) return 1;
    return 0;
}

typedef struct {
    double lo, hi;
    int lo_open; /* 1: lo excluded */
} nrange;

static void range_text(nrange r, char *buf, size_t n)
{
    snprintf(buf, n, "%s%.10g, %.10g]", r.lo_open ? "(" : "[", r.lo, r.hi);
}

/* A number in range r at v (key `key` under `path`). */
static int get_number(pctx *c, const ynode *v, const char *path, const char *key, nrange r,
                      double *out)
{
    char p[160], buf[64], rt[64];
    join(p, sizeof p, path, key);
    range_text(r, rt, sizeof rt);
    const char *kind = r.lo == 0 && r.lo_open ? "a positive number"
                       : r.lo == 0            ? "a non-negative number"
                                              : "a number";
    if (v->type != YN_SCALAR || is_null(v))
        return fail_at(c, v, p, "expected %s, found %s", kind, found(v, buf, sizeof buf));
    if (!v->plain || strlen(v->text) != v->len) {
        quote(v->text, v->len, buf, sizeof buf);
        return fail_at(c, v, p, "expected %s, found the string %s (write numbers without quotes)",
                       kind, buf);
    }
    if (nonfinite_form(v->text))
        return fail_at(c, v, p, "expected a finite number in %s, found %s", rt, v->text);
    if (!decimal_form(v->text, v->len)) {
        quote(v->text, v->len, buf, sizeof buf);
        return fail_at(c, v, p, "expected %s, found %s", kind, buf);
    }
    double x = strtod(v->text, NULL);
    if (!isfinite(x)) return fail_at(c, v, p, "expected a finite number in %s, found %s", rt, v->text);
    x += 0.0; /* -0 -> +0 */
    if (x < r.lo || (r.lo_open && x == r.lo) || x > r.hi)
        return fail_at(c, v, p, "expected a number in %s, found %s", rt, v->text);
    *out = x;
    return 0;
}

/* A non-empty string scalar (quoted or plain). */
static int get_string(pctx *c, const ynode *v, const char *path, const char *key, const char *what)
{
    char p[160], buf[64];
    join(p, sizeof p, path, key);
    if (v->type != YN_SCALAR || is_null(v) || v->len == 0)
        return fail_at(c, v, p, "expected %s, found %s", what,
                       v->type == YN_SCALAR && !v->plain && v->len == 0
                           ? "an empty string"
                           : found(v, buf, sizeof buf));
    return 0;
}

/* A catalogue name: 1..JMD_NAME_MAX-1 characters of [a-z0-9-]. */
static int get_name(pctx *c, const ynode *v, const char *path, char out[JMD_NAME_MAX])
{
    char p[160], buf[64];
    int rc = get_string(c, v, path, "name", "a name (lowercase letters, digits and '-')");
    if (rc) return rc;
    join(p, sizeof p, path, "name");
    for (size_t i = 0; i < v->len; i++) {
        char ch = v->text[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) {
            quote(v->text, v->len, buf, sizeof buf);
            return fail_at(c, v, p, "expected a name of lowercase letters, digits and '-', found %s",
                           buf);
        }
    }
    if (v->len >= JMD_NAME_MAX)
        return fail_at(c, v, p, "expected a name of at most %d characters, found %zu characters",
                       JMD_NAME_MAX - 1, v->len);
    memcpy(out, v->text, v->len);
    out[v->len] = '\0';
    return 0;
}

/* ---- the schema --------------------------------------------------------- */

/* Plausibility ranges (documented in docs/catalogue.md): wide enough for any
 * real missile, narrow enough to catch unit mistakes (metres for km). */
static const nrange R_PAYLOAD = {0, 1e5, 1};
static const nrange R_BETA = {0, 1e6, 1};
static const nrange R_VERTICAL = {0, 600, 0};
static const nrange R_MASS = {0, 1e6, 1};
static const nrange R_ISP = {0, 1000, 1};
static const nrange R_BURN = {0, 1000, 1};
static const nrange R_AREA = {0, 100, 1};
static const nrange R_CD = {0, 10, 0};
static const nrange R_SPEED_KM_S = {0, 15, 1};
static const nrange R_IC_BURN = {0, 1000, 1};
static const nrange R_ALT_KM = {0, 50000, 0};
static const nrange R_RANGE_KM = {0, 21000, 0};

enum { S_GROSS, S_PROP, S_ISP, S_BURN, S_AREA, S_CD, S_NKEYS };
static const keyspec stage_keys[S_NKEYS] = {
    {"mass_gross_kg", 1}, {"mass_prop_kg", 1}, {"isp_s", 1},
    {"burn_s", 1},        {"area_m2", 1},      {"cd", 1},
};

enum { V_NAME, V_CLASS, V_SOURCE, V_NOTES, V_PAYLOAD, V_BETA, V_VERTICAL, V_STAGES, V_NKEYS };
static const keyspec vehicle_keys[V_NKEYS] = {
    {"name", 1},    {"class", 1},         {"source", 1},     {"notes", 0},
    {"payload_kg", 1}, {"rv_beta_kg_m2", 1}, {"vertical_s", 1}, {"stages", 1},
};

enum { I_NAME, I_SOURCE, I_NOTES, I_SPEED, I_BURN, I_MINALT, I_MAXALT, I_RANGE, I_NKEYS };
static const keyspec interceptor_keys[I_NKEYS] = {
    {"name", 1},   {"source", 1},     {"notes", 0},      {"burnout_speed_km_s", 1},
    {"burn_s", 1}, {"min_alt_km", 1}, {"max_alt_km", 1}, {"max_range_km", 0},
};

enum { T_THREATS, T_INTERCEPTORS, T_NKEYS };
static const keyspec top_keys[T_NKEYS] = {{"threats", 0}, {"interceptors", 0}};

static const char *const classes[] = {"SRBM", "MRBM", "IRBM", "ICBM", "SLBM"};

static int parse_stage(pctx *c, const ynode *m, const char *path, jmd_stage *s)
{
    const ynode *v[S_NKEYS], *k[S_NKEYS];
    char buf[64];
    if (m->type != YN_MAP)
        return fail_at(c, m, path, "expected a mapping (a stage), found %s",
                       found(m, buf, sizeof buf));
    int rc = check_keys(c, m, path, stage_keys, S_NKEYS, v, k);
    if (rc) return rc;
    if ((rc = get_number(c, v[S_GROSS], path, "mass_gross_kg", R_MASS, &s->mass_gross)) ||
        (rc = get_number(c, v[S_PROP], path, "mass_prop_kg", R_MASS, &s->mass_prop)) ||
        (rc = get_number(c, v[S_ISP], path, "isp_s", R_ISP, &s->isp)) ||
        (rc = get_number(c, v[S_BURN], path, "burn_s", R_BURN, &s->burn_time)) ||
        (rc = get_number(c, v[S_AREA], path, "area_m2", R_AREA, &s->area)) ||
        (rc = get_number(c, v[S_CD], path, "cd", R_CD, &s->cd)))
        return rc;
    if (!(s->mass_prop < s->mass_gross)) {
        char p[160];
        join(p, sizeof p, path, "mass_prop_kg");
        return fail_at(c, v[S_PROP], p,
                       "expected less than mass_gross_kg (%.10g), found %s",
                       s->mass_gross, v[S_PROP]->text);
    }
    return 0;
}

static int parse_vehicle(pctx *c, const ynode *m, const char *path, jmd_vehicle *out,
                         const ynode **name_node)
{
    const ynode *v[V_NKEYS], *k[V_NKEYS];
    char buf[64], p[160];
    if (m->type != YN_MAP)
        return fail_at(c, m, path, "expected a mapping (a threat class), found %s",
                       found(m, buf, sizeof buf));
    int rc = check_keys(c, m, path, vehicle_keys, V_NKEYS, v, k);
    if (rc) return rc;
    memset(out, 0, sizeof *out);
    if ((rc = get_name(c, v[V_NAME], path, out->name))) return rc;
    *name_node = v[V_NAME];
    if ((rc = get_string(c, v[V_CLASS], path, "class", "one of SRBM, MRBM, IRBM, ICBM, SLBM")))
        return rc;
    size_t ci = 0;
    while (ci < sizeof classes / sizeof classes[0] &&
           !(strlen(classes[ci]) == v[V_CLASS]->len && strcmp(classes[ci], v[V_CLASS]->text) == 0))
        ci++;
    if (ci == sizeof classes / sizeof classes[0]) {
        join(p, sizeof p, path, "class");
        quote(v[V_CLASS]->text, v[V_CLASS]->len, buf, sizeof buf);
        return fail_at(c, v[V_CLASS], p, "expected one of SRBM, MRBM, IRBM, ICBM, SLBM, found %s",
                       buf);
    }
    snprintf(out->cls, sizeof out->cls, "%s", classes[ci]);
    if ((rc = get_string(c, v[V_SOURCE], path, "source", "a source (a citation)"))) return rc;
    if (v[V_NOTES] && (rc = get_string(c, v[V_NOTES], path, "notes", "a string"))) return rc;
    if ((rc = get_number(c, v[V_PAYLOAD], path, "payload_kg", R_PAYLOAD, &out->payload_mass)) ||
        (rc = get_number(c, v[V_BETA], path, "rv_beta_kg_m2", R_BETA, &out->rv_beta)) ||
        (rc = get_number(c, v[V_VERTICAL], path, "vertical_s", R_VERTICAL, &out->vertical_time)))
        return rc;
    const ynode *st = v[V_STAGES];
    join(p, sizeof p, path, "stages");
    if (st->type != YN_SEQ)
        return fail_at(c, st, p, "expected a sequence of 1 to %d stages, found %s", JMD_MAX_STAGES,
                       found(st, buf, sizeof buf));
    if (st->count < 1 || st->count > JMD_MAX_STAGES)
        return fail_at(c, st, p, "expected 1 to %d stages, found %zu", JMD_MAX_STAGES, st->count);
    size_t j = 0;
    for (const ynode *s = st->first; s; s = s->next, j++) {
        char sp[160];
        if (snprintf(sp, sizeof sp, "%s[%zu]", p, j) < 0) sp[0] = '\0';
        if ((rc = parse_stage(c, s, sp, &out->stage[j]))) return rc;
    }
    out->nstages = (int)st->count;
    return 0;
}

static int parse_interceptor(pctx *c, const ynode *m, const char *path, jmd_interceptor *out,
                             const ynode **name_node)
{
    const ynode *v[I_NKEYS], *k[I_NKEYS];
    char buf[64];
    if (m->type != YN_MAP)
        return fail_at(c, m, path, "expected a mapping (an interceptor class), found %s",
                       found(m, buf, sizeof buf));
    int rc = check_keys(c, m, path, interceptor_keys, I_NKEYS, v, k);
    if (rc) return rc;
    memset(out, 0, sizeof *out);
    double speed, burn, lo, hi, range = 0;
    if ((rc = get_name(c, v[I_NAME], path, out->name))) return rc;
    *name_node = v[I_NAME];
    if ((rc = get_string(c, v[I_SOURCE], path, "source", "a source (a citation)"))) return rc;
    if (v[I_NOTES] && (rc = get_string(c, v[I_NOTES], path, "notes", "a string"))) return rc;
    if ((rc = get_number(c, v[I_SPEED], path, "burnout_speed_km_s", R_SPEED_KM_S, &speed)) ||
        (rc = get_number(c, v[I_BURN], path, "burn_s", R_IC_BURN, &burn)) ||
        (rc = get_number(c, v[I_MINALT], path, "min_alt_km", R_ALT_KM, &lo)) ||
        (rc = get_number(c, v[I_MAXALT], path, "max_alt_km", R_ALT_KM, &hi)))
        return rc;
    if (!(hi > lo)) {
        char p[160];
        join(p, sizeof p, path, "max_alt_km");
        return fail_at(c, v[I_MAXALT], p, "expected more than min_alt_km (%.10g), found %s", lo,
                       v[I_MAXALT]->text);
    }
    if (v[I_RANGE] && (rc = get_number(c, v[I_RANGE], path, "max_range_km", R_RANGE_KM, &range)))
        return rc;
    out->burnout_speed = speed * 1e3;
    out->burn_time = burn;
    out->min_alt = lo * 1e3;
    out->max_alt = hi * 1e3;
    out->max_range = range * 1e3;
    return 0;
}

/* ---- catalogue arrays --------------------------------------------------- */

/* Entries parsed from one text, before they are appended. */
typedef struct {
    jmd_vehicle *veh;
    const ynode **veh_name; /* name nodes, for duplicate messages */
    size_t nveh;
    jmd_interceptor *ic;
    const ynode **ic_name;
    size_t nic;
} staging;

static void staging_free(staging *s)
{
    free(s->veh);
    free(s->veh_name);
    free(s->ic);
    free(s->ic_name);
    memset(s, 0, sizeof *s);
}

/* Names already taken: up to two catalogues (the caller's, and for the
 * built-in set the files parsed before this one). */
typedef struct {
    const jmd_catalogue *cat[2];
} taken;

static int dup_vehicle(pctx *c, const taken *tk, const staging *s, const char *name,
                       const ynode *at, const char *path)
{
    char p[160];
    join(p, sizeof p, path, "name");
    for (int k = 0; k < 2; k++) {
        const jmd_catalogue *cat = tk->cat[k];
        for (size_t i = 0; cat && i < cat->nvehicles; i++)
            if (strcmp(cat->vehicles[i].name, name) == 0)
                return fail_at(c, at, p, "duplicate name \"%s\" (already in the catalogue)", name);
    }
    for (size_t i = 0; i < s->nveh; i++)
        if (strcmp(s->veh[i].name, name) == 0)
            return fail_at(c, at, p, "duplicate name \"%s\" (first at line %d)", name,
                           s->veh_name[i]->line + 1);
    return 0;
}

static int dup_interceptor(pctx *c, const taken *tk, const staging *s, const char *name,
                           const ynode *at, const char *path)
{
    char p[160];
    join(p, sizeof p, path, "name");
    for (int k = 0; k < 2; k++) {
        const jmd_catalogue *cat = tk->cat[k];
        for (size_t i = 0; cat && i < cat->ninterceptors; i++)
            if (strcmp(cat->interceptors[i].name, name) == 0)
                return fail_at(c, at, p, "duplicate name \"%s\" (already in the catalogue)", name);
    }
    for (size_t i = 0; i < s->nic; i++)
        if (strcmp(s->ic[i].name, name) == 0)
            return fail_at(c, at, p, "duplicate name \"%s\" (first at line %d)", name,
                           s->ic_name[i]->line + 1);
    return 0;
}

static int parse_tree(pctx *c, const taken *tk, const ynode *root, staging *s)
{
    const ynode *v[T_NKEYS], *k[T_NKEYS];
    char buf[64];
    if (!root || is_null(root)) return 0;
    if (root->type != YN_MAP)
        return fail_at(c, root, "",
                       "expected a mapping with the keys \"threats\" and \"interceptors\", found %s",
                       found(root, buf, sizeof buf));
    int rc = check_keys(c, root, "", top_keys, T_NKEYS, v, k);
    if (rc) return rc;
    const ynode *th = v[T_THREATS], *in = v[T_INTERCEPTORS];
    if (th && !is_null(th)) {
        if (th->type != YN_SEQ)
            return fail_at(c, th, "threats", "expected a sequence of threat classes, found %s",
                           found(th, buf, sizeof buf));
        s->veh = calloc(th->count ? th->count : 1, sizeof *s->veh);
        s->veh_name = calloc(th->count ? th->count : 1, sizeof *s->veh_name);
        if (!s->veh || !s->veh_name) return JMD_ENOMEM;
        size_t i = 0;
        for (const ynode *e = th->first; e; e = e->next, i++) {
            char p[64];
            const ynode *nm = NULL;
            snprintf(p, sizeof p, "threats[%zu]", i);
            if ((rc = parse_vehicle(c, e, p, &s->veh[s->nveh], &nm))) return rc;
            if ((rc = dup_vehicle(c, tk, s, s->veh[s->nveh].name, nm, p))) return rc;
            s->veh_name[s->nveh++] = nm;
        }
    }
    if (in && !is_null(in)) {
        if (in->type != YN_SEQ)
            return fail_at(c, in, "interceptors",
                           "expected a sequence of interceptor classes, found %s",
                           found(in, buf, sizeof buf));
        s->ic = calloc(in->count ? in->count : 1, sizeof *s->ic);
        s->ic_name = calloc(in->count ? in->count : 1, sizeof *s->ic_name);
        if (!s->ic || !s->ic_name) return JMD_ENOMEM;
        size_t i = 0;
        for (const ynode *e = in->first; e; e = e->next, i++) {
            char p[64];
            const ynode *nm = NULL;
            snprintf(p, sizeof p, "interceptors[%zu]", i);
            if ((rc = parse_interceptor(c, e, p, &s->ic[s->nic], &nm))) return rc;
            if ((rc = dup_interceptor(c, tk, s, s->ic[s->nic].name, nm, p))) return rc;
            s->ic_name[s->nic++] = nm;
        }
    }
    return 0;
}

/* Appends staged entries to cat; on failure cat is as before. */
static int append(jmd_catalogue *cat, const staging *s)
{
    if (s->nveh) {
        if (cat->nvehicles > ((size_t)-1 / sizeof(jmd_vehicle)) - s->nveh) return JMD_ENOMEM;
        jmd_vehicle *p = realloc(cat->vehicles, (cat->nvehicles + s->nveh) * sizeof *p);
        if (!p) return JMD_ENOMEM;
        cat->vehicles = p; /* count unchanged until both succeed */
    }
    if (s->nic) {
        if (cat->ninterceptors > ((size_t)-1 / sizeof(jmd_interceptor)) - s->nic)
            return JMD_ENOMEM;
        jmd_interceptor *p = realloc(cat->interceptors, (cat->ninterceptors + s->nic) * sizeof *p);
        if (!p) return JMD_ENOMEM;
        cat->interceptors = p;
    }
    if (s->nveh) memcpy(cat->vehicles + cat->nvehicles, s->veh, s->nveh * sizeof *s->veh);
    if (s->nic) memcpy(cat->interceptors + cat->ninterceptors, s->ic, s->nic * sizeof *s->ic);
    cat->nvehicles += s->nveh;
    cat->ninterceptors += s->nic;
    return 0;
}

/* ---- public ------------------------------------------------------------- */

/* Parses text, checks names against tk, appends to dst (all or nothing). */
static int parse_into(const taken *tk, jmd_catalogue *dst, const char *text, size_t len,
                      const char *name, char *err, size_t errlen)
{
    pctx c = {name, err, errlen};
    if (len > JMD_CATALOGUE_MAX_BYTES) {
        set_err(err, errlen, "%s: input is %zu bytes; at most %u are accepted", name, len,
                JMD_CATALOGUE_MAX_BYTES);
        return JMD_EPARSE;
    }
    arena a = {NULL};
    staging s;
    memset(&s, 0, sizeof s);
    ynode *root = NULL;
    int line, col;
    size_t bad = utf8_check((const unsigned char *)text, len, &line, &col);
    if (bad < len) {
        ynode at = {.line = line, .col = col};
        return fail_at(&c, &at, "", "expected UTF-8 text, found the byte 0x%02x",
                       (unsigned)(unsigned char)text[bad]);
    }
    /* Line breaks to LF: CR LF and a lone CR are each one break in YAML and
     * scalars hold LF for them anyway, so lines, columns and content are
     * unchanged; libfyaml 0.7.12's fy_token_get_text leaks on some CR
     * breaks inside quoted scalars (found by fuzzing). */
    char *lf = NULL;
    if (len && memchr(text, '\r', len)) {
        lf = malloc(len);
        if (!lf) {
            set_err(err, errlen, "%s: out of memory", name);
            return JMD_ENOMEM;
        }
        size_t o = 0;
        for (size_t i = 0; i < len; i++) {
            if (text[i] != '\r') lf[o++] = text[i];
            else if (i + 1 < len && text[i + 1] == '\n') continue;
            else lf[o++] = '\n';
        }
        text = lf;
        len = o;
    }
    int rc = build_tree(&c, text, len, &a, &root);
    if (rc == 0) rc = parse_tree(&c, tk, root, &s);
    if (rc == 0) rc = append(dst, &s);
    if (rc == JMD_ENOMEM) set_err(err, errlen, "%s: out of memory", name);
    staging_free(&s);
    arena_free(&a);
    free(lf);
    return rc;
}

int jmd_catalogue_parse(jmd_catalogue *cat, const char *text, size_t len, const char *name,
                        char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!name) name = "<input>";
    if (!cat || (!text && len)) {
        set_err(err, errlen, "%s: invalid argument", name);
        return JMD_EINVAL;
    }
    taken tk = {{cat, NULL}};
    return parse_into(&tk, cat, text, len, name, err, errlen);
}

int jmd_catalogue_load(jmd_catalogue *cat, const char *path, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!cat || !path) {
        set_err(err, errlen, "invalid argument");
        return JMD_EINVAL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return JMD_EIO;
    }
    /* Read at most one byte over the cap, so oversized files are refused
     * without reading them whole. */
    size_t cap = JMD_CATALOGUE_MAX_BYTES + 1;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        set_err(err, errlen, "%s: out of memory", path);
        return JMD_ENOMEM;
    }
    size_t n = fread(buf, 1, cap, f);
    int rd_err = ferror(f), saved = errno;
    fclose(f);
    int rc;
    if (rd_err) {
        set_err(err, errlen, "%s: cannot read: %s", path, strerror(saved));
        rc = JMD_EIO;
    } else if (n > JMD_CATALOGUE_MAX_BYTES) {
        set_err(err, errlen, "%s: file is larger than %u bytes", path, JMD_CATALOGUE_MAX_BYTES);
        rc = JMD_EPARSE;
    } else {
        rc = jmd_catalogue_parse(cat, buf, n, path, err, errlen);
    }
    free(buf);
    return rc;
}

int jmd_catalogue_load_builtin(jmd_catalogue *cat, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!cat) {
        set_err(err, errlen, "invalid argument");
        return JMD_EINVAL;
    }
    /* All files or none: collect into `all` (names checked against cat and
     * the files before), then append to cat. */
    jmd_catalogue all = {0};
    int rc = 0;
    for (const jmd__embedded_file *f = jmd__catalogue_files; f->name && rc == 0; f++) {
        taken tk = {{cat, &all}};
        rc = parse_into(&tk, &all, f->text, f->len, f->name, err, errlen);
    }
    if (rc == 0) {
        staging s = {all.vehicles, NULL, all.nvehicles, all.interceptors, NULL, all.ninterceptors};
        rc = append(cat, &s);
        if (rc == JMD_ENOMEM) set_err(err, errlen, "built-in catalogue: out of memory");
    }
    jmd_catalogue_free(&all);
    return rc;
}

void jmd_catalogue_free(jmd_catalogue *cat)
{
    if (!cat) return;
    free(cat->vehicles);
    free(cat->interceptors);
    memset(cat, 0, sizeof *cat);
}

const jmd_vehicle *jmd_catalogue_vehicle(const jmd_catalogue *cat, const char *name)
{
    if (!cat || !name) return NULL;
    for (size_t i = 0; i < cat->nvehicles; i++)
        if (strcmp(cat->vehicles[i].name, name) == 0) return &cat->vehicles[i];
    return NULL;
}

const jmd_interceptor *jmd_catalogue_interceptor(const jmd_catalogue *cat, const char *name)
{
    if (!cat || !name) return NULL;
    for (size_t i = 0; i < cat->ninterceptors; i++)
        if (strcmp(cat->interceptors[i].name, name) == 0) return &cat->interceptors[i];
    return NULL;
}
