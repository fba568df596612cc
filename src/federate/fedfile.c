/*
 * fedfile.c — the federation file (docs/federation.md "Federation file"):
 * the public key of every party, and optionally the DDS domain, that the
 * world and every node of one federation share. Its body is what
 * `jmd keygen` prints for each party, after a version line:
 *
 *   # comment lines and blank lines anywhere
 *   jmd-federation 1
 *   domain 42            (optional, once: 0 .. 232)
 *   party NATO
 *   public 67d1...8b21   (64 hex digits, right after its party line)
 *   party Russia
 *   public ...
 *
 * Untrusted text: every error is "FILE:LINE:COL: expected ..., found ...".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core__yaml.h"
#include "jmd/error.h"
#include "jmd/federate.h"

static int fail(char *err, size_t errlen, const char *name, size_t line, size_t col,
                const char *fmt, const char *what)
{
    if (err && errlen > 0) {
        char found[48];
        size_t k = 0;
        for (; what && what[k] && what[k] != '\n' && k < 40; k++)
            found[k] = (what[k] >= 0x20 && what[k] < 0x7f) ? what[k] : '?';
        found[k] = '\0';
        int m = snprintf(err, errlen, "%s:%zu:%zu: ", name, line, col);
        if (m > 0 && (size_t)m < errlen)
            snprintf(err + m, errlen - (size_t)m, fmt, what ? found : "the end of the file");
    }
    return JMD_EPARSE;
}

/* One line's word: [p, p + len) up to a space or the end of the line. */
static size_t word(const char *p, const char *end)
{
    size_t n = 0;
    while (p + n < end && p[n] != ' ' && p[n] != '\t' && p[n] != '\n' && p[n] != '\r') n++;
    return n;
}

int jmd_federation_parse(const char *text, size_t len, const char *name, jmd_federation *out,
                         char *err, size_t errlen)
{
    if (!text || !name || !out) return JMD_EINVAL;
    memset(out, 0, sizeof *out);
    if (err && errlen) err[0] = '\0';
    int have_version = 0, want_public = 0;
    size_t line = 0;
    const char *p = text, *end = text + len;
    char tok[80];
    int rc = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        line++;
        const char *s = p;
        p = eol < end ? eol + 1 : end;
        const char *e = eol;
        if (e > s && e[-1] == '\r') e--;
        for (const char *c = s; c < e; c++)
            if (*c == '\0' || ((unsigned char)*c < 0x20 && *c != '\t')) {
                rc = fail(err, errlen, name, line, (size_t)(c - s) + 1,
                          "expected printable text, found a control byte%s", "");
                goto bad;
            }
        while (s < e && (*s == ' ' || *s == '\t')) s++;
        if (s == e || *s == '#') continue;
        /* the column of s: its distance from the line's start */
        const char *ls = s;
        while (ls > text && ls[-1] != '\n') ls--;
        size_t col = (size_t)(s - ls) + 1;
        size_t kw = word(s, e);
        const char *v = s + kw;
        while (v < e && (*v == ' ' || *v == '\t')) v++;
        size_t vcol = col + (size_t)(v - s);
        size_t vl = word(v, e);
        const char *rest = v + vl;
        while (rest < e && (*rest == ' ' || *rest == '\t')) rest++;
        snprintf(tok, sizeof tok, "%.*s", (int)(kw < 70 ? kw : 70), s);
        if (!have_version) {
            if (strcmp(tok, "jmd-federation") != 0 || vl != 1 || v[0] != '1' || rest != e) {
                snprintf(tok, sizeof tok, "%.*s", (int)((size_t)(e - s) < 70 ? (size_t)(e - s) : 70), s);
                rc = fail(err, errlen, name, line, col,
                          "expected the version line \"jmd-federation 1\", found \"%s\"", tok);
                goto bad;
            }
            have_version = 1;
            continue;
        }
        if (want_public && strcmp(tok, "public") != 0) {
            rc = fail(err, errlen, name, line, col,
                      "expected \"public HEX\" after a party line, found \"%s\"", tok);
            goto bad;
        }
        if (vl == 0) {
            rc = fail(err, errlen, name, line, vcol, "expected a value after the keyword, found %s",
                      "the end of the line");
            goto bad;
        }
        if (rest != e) {
            /* a copy: the text need not be NUL-terminated after the line */
            char more[48];
            size_t ml = (size_t)(e - rest) < 40 ? (size_t)(e - rest) : 40;
            memcpy(more, rest, ml);
            more[ml] = '\0';
            rc = fail(err, errlen, name, line, (size_t)(rest - s) + col,
                      "expected the end of the line, found \"%s\"", more);
            goto bad;
        }
        char val[80];
        snprintf(val, sizeof val, "%.*s", (int)(vl < 70 ? vl : 70), v);
        if (strcmp(tok, "domain") == 0) {
            char *x;
            long d = vl <= 3 ? strtol(val, &x, 10) : -1;
            if (out->has_domain || vl > 3 || *x != '\0' || val[0] < '0' || val[0] > '9' || d < 0 ||
                d > JMD_FED_DOMAIN_MAX) {
                rc = fail(err, errlen, name, line, vcol,
                          out->has_domain ? "expected one domain line, found a second: \"%s\""
                                          : "expected a DDS domain id 0 to 232, found \"%s\"",
                          val);
                goto bad;
            }
            out->domain = (uint32_t)d;
            out->has_domain = 1;
        } else if (strcmp(tok, "party") == 0) {
            if (vl > JMD_LEDGER_PARTY_MAX || jmd_ledger_party_name_check(val) != 0) {
                rc = fail(err, errlen, name, line, vcol,
                          "expected a party name (1 to 63 of A-Z a-z 0-9 _ - ., starting with a "
                          "letter or digit), found \"%s\"",
                          val);
                goto bad;
            }
            for (size_t i = 0; i < out->n; i++)
                if (strcmp(out->name[i], val) == 0) {
                    rc = fail(err, errlen, name, line, vcol,
                              "expected each party once, found \"%s\" again", val);
                    goto bad;
                }
            if (out->n >= JMD_MSG_MAX_PARTIES) {
                rc = fail(err, errlen, name, line, col, "expected at most 32 parties, found %s",
                          "a 33rd");
                goto bad;
            }
            memcpy(out->name[out->n], val, vl); /* vl <= 63, checked above */
            out->name[out->n][vl] = '\0';
            want_public = 1;
        } else if (strcmp(tok, "public") == 0) {
            if (!want_public) {
                rc = fail(err, errlen, name, line, col,
                          "expected a party line before its public key, found \"%s\"", tok);
                goto bad;
            }
            if (vl != 2 * JMD_LEDGER_PK_SIZE ||
                jmd_ledger_unhex(val, out->pk[out->n], JMD_LEDGER_PK_SIZE) != 0) {
                rc = fail(err, errlen, name, line, vcol,
                          "expected 64 hex digits (an Ed25519 public key), found \"%s\"", val);
                goto bad;
            }
            for (size_t i = 0; i < out->n; i++)
                if (memcmp(out->pk[i], out->pk[out->n], JMD_LEDGER_PK_SIZE) == 0) {
                    rc = fail(err, errlen, name, line, vcol,
                              "expected a key of its own, found the key of party \"%s\"",
                              out->name[i]);
                    goto bad;
                }
            out->n++;
            want_public = 0;
        } else {
            rc = fail(err, errlen, name, line, col,
                      "expected domain, party or public, found \"%s\"", tok);
            goto bad;
        }
    }
    if (!have_version) {
        rc = fail(err, errlen, name, line + 1, 1,
                  "expected the version line \"jmd-federation 1\", found %s", NULL);
        goto bad;
    }
    if (want_public) {
        rc = fail(err, errlen, name, line + 1, 1, "expected \"public HEX\" after a party line, "
                                                   "found %s",
                  NULL);
        goto bad;
    }
    return 0;
bad:
    memset(out, 0, sizeof *out);
    return rc;
}

int jmd_federation_load(const char *path, jmd_federation *out, char *err, size_t errlen)
{
    if (!path || !out) return JMD_EINVAL;
    char *text = NULL;
    size_t len = 0;
    int rc = jmd__yaml_read_file(path, 1 << 20, &text, &len, err, errlen);
    if (rc != 0) return rc;
    rc = jmd_federation_parse(text, len, path, out, err, errlen);
    free(text);
    return rc;
}

int jmd_federation_keys(const jmd_federation *f, const jmd_scenario *sc,
                        uint8_t pk[][JMD_LEDGER_PK_SIZE], const char *name, char *err,
                        size_t errlen)
{
    if (!f || !sc || !pk || !name) return JMD_EINVAL;
    for (size_t p = 0; p < sc->nparties; p++) {
        size_t i = 0;
        while (i < f->n && strcmp(f->name[i], sc->parties[p].name) != 0) i++;
        if (i == f->n) {
            if (err && errlen)
                snprintf(err, errlen, "%s: expected a public key for party \"%s\" of the scenario, "
                                      "found none",
                         name, sc->parties[p].name);
            return JMD_ENOTFOUND;
        }
        memcpy(pk[p], f->pk[i], JMD_LEDGER_PK_SIZE);
    }
    return 0;
}
