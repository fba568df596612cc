/*
 * keys.c — party key pairs and their key files (jmd/ledger.h, "keys and
 * signatures"; docs/ledger.md).
 *
 * A party's identity is one Ed25519 key pair (libsodium). The key file is
 * a small line-oriented text ("jmd-key 1", party, public, secret) written
 * with mode 0600 and read by a parser of untrusted input: size capped,
 * every line, field and hex digit checked, each error reported as
 * FILE:LINE:COL with what was expected and what was found, and the public
 * key checked against the one the secret key gives.
 *
 * Invariants: secrets never outlive a call in a temporary (sodium_memzero
 * on every path); a failed parse leaves *out zeroed. Cold path: a key is
 * read once when a node starts and written once by `jmd keygen`.
 */
#define _POSIX_C_SOURCE 200809L /* open flags, fchmod */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "jmd/error.h"
#include "jmd/ledger.h"

int jmd_ledger_crypto_init(void)
{
    /* 0 the first time, 1 when already initialised, -1 on failure. */
    return sodium_init() < 0 ? JMD_EIO : 0;
}

static int name_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.';
}

static int name_first(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int jmd_ledger_party_name_check(const char *name)
{
    if (!name || !name_first((unsigned char)name[0])) return JMD_EINVAL;
    size_t n = 0;
    for (; name[n]; n++)
        if (n >= JMD_LEDGER_PARTY_MAX || !name_char((unsigned char)name[n])) return JMD_EINVAL;
    return 0;
}

int jmd_ledger_keypair_generate(jmd_ledger_keypair *kp, const char *party)
{
    if (!kp || jmd_ledger_party_name_check(party)) return JMD_EINVAL;
    if (jmd_ledger_crypto_init()) return JMD_EIO;
    memset(kp, 0, sizeof *kp);
    strcpy(kp->party, party); /* length checked above */
    crypto_sign_ed25519_keypair(kp->pk, kp->sk);
    return 0;
}

int jmd_ledger_keypair_from_seed(jmd_ledger_keypair *kp, const char *party,
                                 const uint8_t seed[JMD_LEDGER_SEED_SIZE])
{
    if (!kp || !seed || jmd_ledger_party_name_check(party)) return JMD_EINVAL;
    if (jmd_ledger_crypto_init()) return JMD_EIO;
    memset(kp, 0, sizeof *kp);
    strcpy(kp->party, party);
    crypto_sign_ed25519_seed_keypair(kp->pk, kp->sk, seed);
    return 0;
}

void jmd_ledger_keypair_wipe(jmd_ledger_keypair *kp)
{
    if (kp) sodium_memzero(kp, sizeof *kp);
}

void jmd_ledger_hex(const uint8_t *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int jmd_ledger_unhex(const char *text, uint8_t *out, size_t n)
{
    if (!text || !out) return JMD_EINVAL;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval((unsigned char)text[2 * i]);
        if (hi < 0) return JMD_EINVAL;
        int lo = hexval((unsigned char)text[2 * i + 1]);
        if (lo < 0) return JMD_EINVAL;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return text[2 * n] == '\0' ? 0 : JMD_EINVAL;
}

/* ---- the key file ------------------------------------------------------- */

#define KEY_MAGIC "jmd-key"
#define KEY_VERSION "1"

int jmd_ledger_key_format(const jmd_ledger_keypair *kp, char *buf, size_t cap)
{
    if (!kp || !buf) return JMD_EINVAL;
    if (jmd_ledger_party_name_check(kp->party)) return JMD_EINVAL;
    char pk[2 * JMD_LEDGER_PK_SIZE + 1], seed[2 * JMD_LEDGER_SEED_SIZE + 1];
    jmd_ledger_hex(kp->pk, sizeof kp->pk, pk);
    jmd_ledger_hex(kp->sk, JMD_LEDGER_SEED_SIZE, seed); /* sk = seed || pk */
    int n = snprintf(buf, cap,
                     "# jmd party key (Ed25519, RFC 8032); the secret line is private:\n"
                     "# keep this file mode 0600 and publish only the public line.\n" KEY_MAGIC
                     " " KEY_VERSION "\n"
                     "party %s\n"
                     "public %s\n"
                     "secret %s\n",
                     kp->party, pk, seed);
    sodium_memzero(seed, sizeof seed);
    if (n < 0 || (size_t)n >= cap) {
        if (cap) sodium_memzero(buf, cap);
        return JMD_ERANGE;
    }
    return 0;
}

typedef struct {
    const char *name; /* file name for messages */
    char *err;
    size_t errlen;
} kctx;

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int
kfail(const kctx *k, size_t line, size_t col, const char *fmt, ...)
{
    if (k->err && k->errlen) {
        int n = snprintf(k->err, k->errlen, "%s:%zu:%zu: ", k->name, line, col);
        if (n >= 0 && (size_t)n < k->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(k->err + n, k->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return JMD_EPARSE;
}

/* A printable description of the text at s (up to the end of its line),
 * for "found ..." parts: quoted and cut at 24 bytes, or a named char. */
static void describe(const char *s, size_t n, char *out, size_t cap)
{
    if (n == 0) {
        snprintf(out, cap, "the end of the line");
        return;
    }
    unsigned char c = (unsigned char)s[0];
    if (c < 0x20 || c >= 0x7f) {
        snprintf(out, cap, "the byte 0x%02x", c);
        return;
    }
    size_t k = 0;
    while (k < n && k < 24 && (unsigned char)s[k] >= 0x20 && (unsigned char)s[k] < 0x7f)
        k++;
    snprintf(out, cap, "\"%.*s\"%s", (int)k, s, k < n ? "..." : "");
}

enum { F_PARTY, F_PUBLIC, F_SECRET, F_COUNT };
static const char *const field_names[F_COUNT] = {"party", "public", "secret"};

/* A hex value of exactly 2*n digits at v[0 .. vn); col is v's column. */
static int parse_hex_field(const kctx *k, size_t line, size_t col, const char *field,
                           const char *v, size_t vn, uint8_t *out, size_t n)
{
    char what[64];
    for (size_t i = 0; i < vn && i < 2 * n; i++) {
        if (hexval((unsigned char)v[i]) < 0) {
            describe(v + i, vn - i, what, sizeof what);
            return kfail(k, line, col + i, "%s: expected a hex digit, found %s", field, what);
        }
    }
    if (vn != 2 * n) {
        if (vn > 2 * n) {
            describe(v + 2 * n, vn - 2 * n, what, sizeof what);
            return kfail(k, line, col + 2 * n, "%s: expected %zu hex digits, found more: %s",
                         field, 2 * n, what);
        }
        return kfail(k, line, col + vn, "%s: expected %zu hex digits, found %zu", field, 2 * n,
                     vn);
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(hexval((unsigned char)v[2 * i]) << 4 |
                           hexval((unsigned char)v[2 * i + 1]));
    return 0;
}

static int parse_text(const kctx *k, const char *text, size_t len, jmd_ledger_keypair *out,
                      uint8_t seed[JMD_LEDGER_SEED_SIZE])
{
    char what[64];
    int have_magic = 0, have[F_COUNT] = {0};
    size_t line = 0, pos = 0, have_line[F_COUNT] = {0};

    if (len > JMD_LEDGER_KEYFILE_MAX)
        return kfail(k, 1, 1, "expected a key file of at most %d bytes, found %zu bytes",
                     JMD_LEDGER_KEYFILE_MAX, len);
    while (pos < len) {
        const char *s = text + pos;
        size_t n = 0;
        while (pos + n < len && s[n] != '\n')
            n++;
        line++;
        pos += n + (pos + n < len ? 1 : 0);
        /* Every byte of a line is printable ASCII (no tabs, CR or NUL). */
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c < 0x20 || c >= 0x7f)
                return kfail(k, line, i + 1, "expected printable ASCII, found the byte 0x%02x",
                             c);
        }
        if (n == 0 || s[0] == '#') continue;
        if (s[0] == ' ')
            return kfail(k, line, 1,
                         "expected a keyword at the start of the line, found a space");
        if (s[n - 1] == ' ')
            return kfail(k, line, n, "expected the end of the line, found a trailing space");
        size_t kw = 0;
        while (kw < n && s[kw] != ' ')
            kw++;
        if (!have_magic) {
            if (kw != strlen(KEY_MAGIC) || memcmp(s, KEY_MAGIC, kw) != 0) {
                describe(s, n, what, sizeof what);
                return kfail(k, line, 1,
                             "expected \"" KEY_MAGIC " " KEY_VERSION
                             "\" (the key file header), found %s",
                             what);
            }
            if (kw == n)
                return kfail(k, line, kw + 1,
                             "expected the format version " KEY_VERSION
                             ", found the end of the line");
            const char *v = s + kw + 1;
            size_t vn = n - kw - 1;
            if (vn != strlen(KEY_VERSION) || memcmp(v, KEY_VERSION, vn) != 0) {
                describe(v, vn, what, sizeof what);
                return kfail(k, line, kw + 2,
                             "expected the format version " KEY_VERSION ", found %s", what);
            }
            have_magic = 1;
            continue;
        }
        int f = -1;
        for (int j = 0; j < F_COUNT; j++)
            if (kw == strlen(field_names[j]) && memcmp(s, field_names[j], kw) == 0) f = j;
        if (f < 0) {
            describe(s, kw, what, sizeof what);
            return kfail(k, line, 1, "expected party, public or secret, found %s", what);
        }
        if (have[f])
            return kfail(k, line, 1,
                         "%s: expected once, found a second time (first on line %zu)",
                         field_names[f], have_line[f]);
        if (kw == n || kw + 1 == n)
            return kfail(k, line, n + 1,
                         "%s: expected a value after one space, found the end "
                         "of the line",
                         field_names[f]);
        const char *v = s + kw + 1;
        size_t vn = n - kw - 1, col = kw + 2;
        if (v[0] == ' ')
            return kfail(k, line, col,
                         "%s: expected a value after one space, found more spaces",
                         field_names[f]);
        if (f == F_PARTY) {
            for (size_t i = 0; i < vn; i++) {
                if (i >= JMD_LEDGER_PARTY_MAX)
                    return kfail(k, line, col + i,
                                 "party: expected at most %d characters, found %zu",
                                 JMD_LEDGER_PARTY_MAX, vn);
                int c = (unsigned char)v[i];
                if (i == 0 ? !name_first(c) : !name_char(c)) {
                    describe(v + i, vn - i, what, sizeof what);
                    return kfail(k, line, col + i, "party: expected %s, found %s",
                                 i == 0 ? "a letter or digit first"
                                        : "letters, digits, '_', '-' or '.'",
                                 what);
                }
            }
            memcpy(out->party, v, vn);
            out->party[vn] = '\0';
        } else if (f == F_PUBLIC) {
            int rc =
                parse_hex_field(k, line, col, "public", v, vn, out->pk, JMD_LEDGER_PK_SIZE);
            if (rc) return rc;
        } else {
            int rc = parse_hex_field(k, line, col, "secret", v, vn, seed, JMD_LEDGER_SEED_SIZE);
            if (rc) return rc;
        }
        have[f] = 1;
        have_line[f] = line;
    }
    /* The end of the file: report where it is (past the last line). */
    size_t eline = line + 1;
    if (len > 0 && text[len - 1] != '\n') eline = line;
    size_t ecol = 1;
    if (len > 0 && text[len - 1] != '\n') {
        size_t b = len;
        while (b > 0 && text[b - 1] != '\n')
            b--;
        ecol = len - b + 1;
    }
    if (!have_magic)
        return kfail(k, eline, ecol,
                     "expected \"" KEY_MAGIC " " KEY_VERSION
                     "\" (the key file header), found the end of the file");
    for (int j = 0; j < F_COUNT; j++)
        if (!have[j])
            return kfail(k, eline, ecol, "expected a \"%s\" line, found the end of the file",
                         field_names[j]);

    /* The public key must be the secret key's. */
    uint8_t pk[JMD_LEDGER_PK_SIZE];
    if (jmd_ledger_crypto_init())
        return kfail(k, have_line[F_SECRET], 1, "expected a working libsodium, found none");
    crypto_sign_ed25519_seed_keypair(pk, out->sk, seed);
    if (sodium_memcmp(pk, out->pk, sizeof pk) != 0)
        return kfail(k, have_line[F_PUBLIC], 8,
                     "public: expected the public key of the secret key (line %zu), found "
                     "another key",
                     have_line[F_SECRET]);
    return 0;
}

int jmd_ledger_key_parse(const char *text, size_t len, const char *name,
                         jmd_ledger_keypair *out, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!out || (!text && len > 0)) return JMD_EINVAL;
    kctx k = {.name = name ? name : "<key>", .err = err, .errlen = errlen};
    uint8_t seed[JMD_LEDGER_SEED_SIZE];
    memset(out, 0, sizeof *out);
    int rc = parse_text(&k, text ? text : "", len, out, seed);
    sodium_memzero(seed, sizeof seed);
    if (rc) jmd_ledger_keypair_wipe(out);
    return rc;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
ioerr(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return JMD_EIO;
}

int jmd_ledger_key_load(const char *path, jmd_ledger_keypair *out, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!path || !out) return JMD_EINVAL;
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) return ioerr(err, errlen, "%s: cannot be read: %s", path, strerror(errno));
    char buf[JMD_LEDGER_KEYFILE_MAX + 1];
    size_t n = fread(buf, 1, sizeof buf, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        sodium_memzero(buf, sizeof buf);
        return ioerr(err, errlen, "%s: cannot be read", path);
    }
    /* n == MAX + 1 means "too long"; the parser reports it with the cap. */
    int rc = jmd_ledger_key_parse(buf, n, path, out, err, errlen);
    sodium_memzero(buf, sizeof buf);
    return rc;
}

int jmd_ledger_key_save(const char *path, const jmd_ledger_keypair *kp, char *err,
                        size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!path || !kp) return JMD_EINVAL;
    char text[512];
    int rc = jmd_ledger_key_format(kp, text, sizeof text);
    if (rc) return rc;
    /* O_EXCL: a key is never overwritten; 0600 from creation, so the
     * secret is never readable by others, whatever the umask. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        int e = errno;
        sodium_memzero(text, sizeof text);
        if (e == EEXIST)
            return ioerr(err, errlen,
                         "%s: expected a new file, found an existing one "
                         "(a key is never overwritten)",
                         path);
        return ioerr(err, errlen, "%s: cannot be created: %s", path, strerror(e));
    }
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        done += (size_t)w;
    }
    int e = errno;
    sodium_memzero(text, sizeof text);
    if (fchmod(fd, S_IRUSR | S_IWUSR) != 0 && done == len) {
        e = errno;
        done = 0;
    }
    if (close(fd) != 0 && done == len) {
        e = errno;
        done = 0;
    }
    if (done != len) {
        unlink(path);
        return ioerr(err, errlen, "%s: cannot be written: %s", path, strerror(e));
    }
    return 0;
}
