/*
 * yaml.c — libjmd's YAML reader (core__yaml.h): text to a positioned tree,
 * and the message helpers of the schema walks of the vehicle catalogue
 * (src/flight/catalogue.c) and of scenarios (src/scenario/scenario.c).
 *
 * Untrusted input: the caller caps its size; here the text is checked to
 * be strict UTF-8 before libfyaml sees it, aliases are refused (no
 * expansion bombs), a second document is refused, and the tree is built
 * without recursion, so any input costs linear time and memory. Three
 * libfyaml 0.7.12 defects found by fuzzing are kept away from it: invalid
 * UTF-8 (a hang) is refused first, CR line breaks become LF, and
 * single-quoted scalars are unescaped here (fy_token_get_text leaks on
 * both). Each node keeps its byte range (pos, end) so that a subtree can
 * be handed on as text with its line and column numbers intact (the
 * inline catalogue of a scenario, see scenario.c).
 *
 * Workload: cold — a few small files at start-up.
 */
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "core/core__yaml.h"
#include "jmd/error.h"

struct jmd__yaml_chunk {
    jmd__yaml_chunk *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
};

void *jmd__yaml_alloc(jmd__yaml_arena *a, size_t n)
{
    const size_t al = alignof(max_align_t);
    if (n > ((size_t)-1) / 2) return NULL;
    n = (n + al - 1) / al * al;
    if (!a->head || a->head->cap - a->head->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        jmd__yaml_chunk *ch = malloc(sizeof *ch + cap);
        if (!ch) return NULL;
        ch->next = a->head;
        ch->used = 0;
        ch->cap = cap;
        a->head = ch;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    return p;
}

void jmd__yaml_arena_free(jmd__yaml_arena *a)
{
    while (a->head) {
        jmd__yaml_chunk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

/* ---- messages ------------------------------------------------------------ */

int jmd__yaml_fail(jmd__yaml_ctx *c, const jmd__yaml_node *at, const char *path,
                   const char *fmt, ...)
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

void jmd__yaml_set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

void jmd__yaml_quote(const char *s, size_t len, char *buf, size_t n)
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
        if (ch == '"' || ch == '\\')
            snprintf(tmp, sizeof tmp, "\\%c", ch);
        else if (ch >= 0x20 && ch < 0x7f)
            snprintf(tmp, sizeof tmp, "%c", ch);
        else
            snprintf(tmp, sizeof tmp, "\\x%02x", ch);
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

int jmd__yaml_is_null(const jmd__yaml_node *v)
{
    if (v->type != JMD__YAML_SCALAR || !v->plain) return 0;
    return v->len == 0 || strcmp(v->text, "~") == 0 || strcmp(v->text, "null") == 0 ||
           strcmp(v->text, "Null") == 0 || strcmp(v->text, "NULL") == 0;
}

const char *jmd__yaml_found(const jmd__yaml_node *v, char *buf, size_t n)
{
    if (v->type == JMD__YAML_MAP) return "a mapping";
    if (v->type == JMD__YAML_SEQ) return "a sequence";
    if (jmd__yaml_is_null(v)) return "nothing";
    jmd__yaml_quote(v->text, v->len, buf, n);
    return buf;
}

int jmd__yaml_is(const jmd__yaml_node *v, const char *s)
{
    return v && v->type == JMD__YAML_SCALAR && strlen(s) == v->len && strcmp(v->text, s) == 0;
}

size_t jmd__yaml_edit_distance(const char *a, const char *b, int transpose)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return (size_t)-1;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (transpose && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

int jmd__yaml_unknown_key(jmd__yaml_ctx *c, const jmd__yaml_node *k, const char *path,
                          const jmd__yaml_keyspec *ks, size_t nk, int transpose)
{
    char q[64];
    jmd__yaml_quote(k->text, k->len, q, sizeof q);
    if (strlen(k->text) == k->len) {
        size_t best = (size_t)-1, bi = 0;
        for (size_t i = 0; i < nk; i++) {
            size_t d = jmd__yaml_edit_distance(k->text, ks[i].key, transpose);
            if (d < best) {
                best = d;
                bi = i;
            }
        }
        /* Suggest when the distance is small against the words' length
         * (this also catches a missing unit suffix: "burn" for "burn_s"). */
        if (best != (size_t)-1) {
            size_t l1 = k->len, l2 = strlen(ks[bi].key), lmax = l1 > l2 ? l1 : l2;
            if (3 * best <= lmax + 1)
                return jmd__yaml_fail(c, k, path, "unknown key %s; did you mean \"%s\"?", q,
                                      ks[bi].key);
        }
    }
    char list[600];
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; i < nk && o < sizeof list; i++) {
        int n = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", ks[i].key);
        if (n < 0) break;
        o += (size_t)n;
    }
    return jmd__yaml_fail(c, k, path, "unknown key %s; expected one of: %s", q, list);
}

int jmd__yaml_decimal_form(const char *s, size_t len)
{
    size_t i = 0, digits = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) i++;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (!digits) return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        size_t ed = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++, ed++;
        if (!ed) return 0;
    }
    return i == len;
}

int jmd__yaml_nonfinite_form(const char *s)
{
    if (*s == '+' || *s == '-') s++;
    if (*s == '.') s++;
    static const char *const words[] = {"inf", "Inf", "INF",      "nan",
                                        "NaN", "NAN", "infinity", "Infinity"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(s, words[i]) == 0) return 1;
    return 0;
}

/* ---- YAML text to tree ------------------------------------------------- */

static void diag_silent(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

static jmd__yaml_node *new_node(jmd__yaml_arena *a, int type, const struct fy_mark *m)
{
    jmd__yaml_node *n = jmd__yaml_alloc(a, sizeof *n);
    if (!n) return NULL;
    memset(n, 0, sizeof *n);
    n->type = type;
    n->line = m ? m->line : 0;
    n->col = m ? m->column : 0;
    n->pos = n->end = m ? m->input_pos : 0;
    n->text = "";
    return n;
}

static void attach(jmd__yaml_node *parent, jmd__yaml_node *child)
{
    child->parent = parent;
    if (parent->last)
        parent->last->next = child;
    else
        parent->first = child;
    parent->last = child;
    parent->count++;
}

/* libfyaml's first collected error as our message (its positions are
 * already 1-based). */
static int syntax_error(jmd__yaml_ctx *c, struct fy_diag *diag)
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
            jmd__yaml_set_err(c->err, c->errlen, "%s:%d:%d: YAML syntax error: %s", c->name,
                              de->line, de->column, msg);
        else
            jmd__yaml_set_err(c->err, c->errlen, "%s: YAML syntax error: %s", c->name, msg);
        return JMD_EPARSE;
    }
    jmd__yaml_set_err(c->err, c->errlen, "%s: YAML syntax error", c->name);
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
            while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\t'))
                o--;
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
                } else
                    break;
            }
            if (breaks == 1)
                out[o++] = ' ';
            else
                while (--breaks > 0)
                    out[o++] = '\n';
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
        } else
            break;
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
        } else if (b != '\r')
            cl++;
        i += n;
    }
    *line = ln;
    *col = cl;
    return i;
}

static void extend(jmd__yaml_node *n, size_t end)
{
    for (; n; n = n->parent)
        if (end > n->end) n->end = end;
}

int jmd__yaml_tree(jmd__yaml_ctx *c, const char *text, size_t len, jmd__yaml_arena *a,
                   jmd__yaml_node **root, const char **parsed, size_t *parsed_len)
{
    int rc = 0;
    *root = NULL;
    if (parsed) *parsed = text;
    if (parsed_len) *parsed_len = len;
    int bl, bc;
    size_t bad = utf8_check((const unsigned char *)text, len, &bl, &bc);
    if (bad < len) {
        jmd__yaml_node at = {.line = bl, .col = bc};
        return jmd__yaml_fail(c, &at, "", "expected UTF-8 text, found the byte 0x%02x",
                              (unsigned)(unsigned char)text[bad]);
    }
    /* Line breaks to LF: CR LF and a lone CR are each one break in YAML and
     * scalars hold LF for them anyway, so lines, columns and content are
     * unchanged; libfyaml 0.7.12's fy_token_get_text leaks on some CR
     * breaks inside quoted scalars (found by fuzzing). */
    if (len && memchr(text, '\r', len)) {
        char *lf = jmd__yaml_alloc(a, len);
        if (!lf) {
            jmd__yaml_set_err(c->err, c->errlen, "%s: out of memory", c->name);
            return JMD_ENOMEM;
        }
        size_t o = 0;
        for (size_t i = 0; i < len; i++) {
            if (text[i] != '\r')
                lf[o++] = text[i];
            else if (i + 1 < len && text[i + 1] == '\n')
                continue;
            else
                lf[o++] = '\n';
        }
        text = lf;
        len = o;
        if (parsed) *parsed = text;
        if (parsed_len) *parsed_len = len;
    }
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = diag_silent;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (!diag) {
        jmd__yaml_set_err(c->err, c->errlen, "%s: out of memory", c->name);
        return JMD_ENOMEM;
    }
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pcfg;
    memset(&pcfg, 0, sizeof pcfg);
    pcfg.flags = FYPCF_QUIET | FYPCF_JSON_NONE;
    pcfg.diag = diag;
    struct fy_parser *p = fy_parser_create(&pcfg);
    if (!p) {
        jmd__yaml_set_err(c->err, c->errlen, "%s: out of memory", c->name);
        rc = JMD_ENOMEM;
        goto fail_parser;
    }
    /* libfyaml wants a non-NULL string even when empty. */
    if (fy_parser_set_string(p, len ? text : "", len) != 0) {
        rc = syntax_error(c, diag);
        goto fail_input;
    }
    jmd__yaml_node *cur = NULL;
    int ndocs = 0;
    struct fy_event *ev;
    while (rc == 0 && (ev = fy_parser_parse(p)) != NULL) {
        const struct fy_mark *m = fy_event_start_mark(ev);
        jmd__yaml_node *n = NULL;
        switch (ev->type) {
        case FYET_DOCUMENT_START:
            if (++ndocs > 1) {
                jmd__yaml_node at = {.line = m ? m->line : 0, .col = m ? m->column : 0};
                rc = jmd__yaml_fail(c, &at, "",
                                    "expected a single YAML document, found a second one");
            }
            break;
        case FYET_MAPPING_START:
        case FYET_SEQUENCE_START:
        case FYET_SCALAR:
            n = new_node(a,
                         ev->type == FYET_MAPPING_START    ? JMD__YAML_MAP
                         : ev->type == FYET_SEQUENCE_START ? JMD__YAML_SEQ
                                                           : JMD__YAML_SCALAR,
                         m);
            if (!n) {
                rc = JMD_ENOMEM;
                break;
            }
            if (ev->type == FYET_SCALAR) {
                struct fy_token *tok = ev->scalar.value;
                enum fy_scalar_style style = fy_token_scalar_style(tok);
                const struct fy_mark *m0 = fy_token_start_mark(tok),
                                     *m1 = fy_token_end_mark(tok);
                char *copy;
                size_t tl = 0;
                if (style == FYSS_SINGLE_QUOTED && m0 && m1 && m0->input_pos <= m1->input_pos &&
                    m1->input_pos <= len) {
                    size_t rn = m1->input_pos - m0->input_pos;
                    copy = jmd__yaml_alloc(a, rn + 1);
                    if (!copy) {
                        rc = JMD_ENOMEM;
                        break;
                    }
                    tl = single_quoted(text + m0->input_pos, rn, copy);
                } else {
                    const char *t = fy_token_get_text(tok, &tl);
                    if (!t) tl = 0;
                    copy = jmd__yaml_alloc(a, tl + 1);
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
                int quoted = style == FYSS_SINGLE_QUOTED || style == FYSS_DOUBLE_QUOTED;
                if (quoted && m && n->col > 0) {
                    n->col--;
                    if (n->pos > 0) n->pos--;
                }
                if (m1) {
                    size_t e = m1->input_pos + (quoted ? 1u : 0u);
                    n->end = e > len ? len : e;
                }
                if (n->end < n->pos) n->end = n->pos;
            }
            if (!m && cur) {
                /* An empty value has no token: point at its key (mappings)
                 * or its collection (sequences). */
                const jmd__yaml_node *near =
                    cur->type == JMD__YAML_MAP && cur->last ? cur->last : cur;
                n->line = near->line;
                n->col = near->col;
                n->pos = n->end = near->end;
            }
            if (cur)
                attach(cur, n);
            else if (!*root)
                *root = n;
            if (n->parent) extend(n->parent, n->end);
            if (ev->type != FYET_SCALAR) cur = n;
            break;
        case FYET_MAPPING_END:
        case FYET_SEQUENCE_END: {
            struct fy_token *et = ev->type == FYET_MAPPING_END ? ev->mapping_end.mapping_end
                                                               : ev->sequence_end.sequence_end;
            if (cur && et) {
                enum fy_token_type tt = fy_token_get_type(et);
                const struct fy_mark *me = fy_event_end_mark(ev);
                if ((tt == FYTT_FLOW_MAPPING_END || tt == FYTT_FLOW_SEQUENCE_END) && me &&
                    me->input_pos <= len)
                    extend(cur, me->input_pos);
            }
            if (cur) cur = cur->parent;
            break;
        }
        case FYET_ALIAS: {
            size_t tl = 0;
            const char *t = fy_token_get_text(ev->alias.anchor, &tl);
            char name[48], q[64];
            if (!t) tl = 0;
            if (tl > sizeof name - 2) tl = sizeof name - 2;
            name[0] = '*';
            if (tl) memcpy(name + 1, t, tl);
            jmd__yaml_quote(name, tl + 1, q, sizeof q);
            jmd__yaml_node at = {.line = m ? m->line : 0, .col = m ? m->column : 0};
            rc = jmd__yaml_fail(
                c, &at, "", "expected a value, found the alias %s (aliases are not supported)",
                q);
            break;
        }
        default:
            break;
        }
        fy_parser_event_free(p, ev);
    }
    if (rc == JMD_ENOMEM)
        jmd__yaml_set_err(c->err, c->errlen, "%s: out of memory", c->name);
    else if (rc == 0 && fy_parser_get_stream_error(p))
        rc = syntax_error(c, diag);
fail_input:
    fy_parser_destroy(p);
fail_parser:
    fy_diag_destroy(diag);
    return rc;
}

int jmd__yaml_read_file(const char *path, size_t max_bytes, char **buf, size_t *n, char *err,
                        size_t errlen)
{
    *buf = NULL;
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        jmd__yaml_set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return JMD_EIO;
    }
    char *b = malloc(max_bytes + 1);
    if (!b) {
        fclose(f);
        jmd__yaml_set_err(err, errlen, "%s: out of memory", path);
        return JMD_ENOMEM;
    }
    size_t got = fread(b, 1, max_bytes + 1, f);
    int rd_err = ferror(f), saved = errno;
    fclose(f);
    if (rd_err) {
        free(b);
        jmd__yaml_set_err(err, errlen, "%s: cannot read: %s", path, strerror(saved));
        return JMD_EIO;
    }
    if (got > max_bytes) {
        free(b);
        jmd__yaml_set_err(err, errlen, "%s: file is larger than %zu bytes", path, max_bytes);
        return JMD_EPARSE;
    }
    *buf = b;
    *n = got;
    return 0;
}
