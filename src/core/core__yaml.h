/*
 * core__yaml.h — private to libjmd: YAML text to a small positioned tree,
 * and the helpers a schema walk uses to read it and to write messages of
 * the form "name:line:col: path: expected ..., found ...". Shared by the
 * vehicle catalogue (src/flight/catalogue.c) and the scenario reader
 * (src/scenario/scenario.c), so both refuse and report the same way.
 *
 * The tree is built from libfyaml's event stream (its 0.7.12 document API
 * gives no marks for collections), in an arena freed at once; nothing
 * recurses on the input's depth. Text must be strict UTF-8 without NUL
 * bytes, CR and CR LF breaks become LF, aliases and second documents are
 * refused, and libfyaml's diagnostics are collected silently (nothing is
 * printed).
 */
#ifndef JMD_CORE__YAML_H
#define JMD_CORE__YAML_H

#include <stddef.h>

enum { JMD__YAML_SCALAR = 0, JMD__YAML_MAP, JMD__YAML_SEQ };

typedef struct jmd__yaml_node jmd__yaml_node;
struct jmd__yaml_node {
    int type;         /* JMD__YAML_* */
    int line, col;    /* 0-based start mark */
    int plain;        /* scalar written without quotes or block style */
    size_t pos, end;  /* byte range of the node in the parsed text (end exclusive) */
    const char *text; /* scalar text, NUL-terminated (may hold NULs inside) */
    size_t len;       /* scalar text length */
    size_t count;     /* children (a mapping holds key, value, key, value...) */
    jmd__yaml_node *parent, *first, *last, *next;
};

/* Bump allocator: every node and string of one parse, freed at once. */
typedef struct jmd__yaml_chunk jmd__yaml_chunk;
typedef struct {
    jmd__yaml_chunk *head;
} jmd__yaml_arena;

/* Where messages go: `name` labels them (a file name); err may be NULL. */
typedef struct {
    const char *name;
    char *err;
    size_t errlen;
} jmd__yaml_ctx;

/* A key a mapping may hold; required ones must be present. */
typedef struct {
    const char *key;
    int required;
} jmd__yaml_keyspec;

/* n bytes aligned for any type, valid until jmd__yaml_arena_free; NULL
 * when out of memory. */
void *jmd__yaml_alloc(jmd__yaml_arena *a, size_t n);
/* Frees every chunk; a is empty afterwards (and may be reused). */
void jmd__yaml_arena_free(jmd__yaml_arena *a);

/* Parses text (len bytes; the caller caps len) into a tree in `a`; *root
 * is NULL for an empty stream. The text is checked to be strict UTF-8
 * first, then its CR and CR LF breaks become LF (lines, columns and scalar
 * content unchanged). Node pos/end index the text as parsed: *parsed (may
 * be NULL) gets it and *parsed_len its length — the input itself, or a
 * copy in `a` when it held a CR. Returns 0, JMD_EPARSE or JMD_ENOMEM, with
 * the message set. */
int jmd__yaml_tree(jmd__yaml_ctx *c, const char *text, size_t len, jmd__yaml_arena *a,
                   jmd__yaml_node **root, const char **parsed, size_t *parsed_len);

/* Writes "name:line:col: path: what" (line/col 1-based from a 0-based node
 * mark; path omitted when empty; position omitted when at is NULL) and
 * returns JMD_EPARSE. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
int jmd__yaml_fail(jmd__yaml_ctx *c, const jmd__yaml_node *at, const char *path, const char *fmt,
                   ...);

/* vsnprintf into err (nothing when err is NULL or errlen is 0). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void jmd__yaml_set_err(char *err, size_t errlen, const char *fmt, ...);

/* Read a whole file of at most max_bytes into *buf (malloc'd, owned by the
 * caller, not NUL-terminated) and its length *n, reading at most one byte
 * over the cap so an oversized file is refused without reading it whole.
 * JMD_EIO ("PATH: cannot open/read: why"), JMD_EPARSE ("PATH: file is
 * larger than N bytes"), JMD_ENOMEM; the message goes to err. */
int jmd__yaml_read_file(const char *path, size_t max_bytes, char **buf, size_t *n, char *err,
                        size_t errlen);

/* Quotes text for a message: printable ASCII kept, '"' and '\' escaped,
 * everything else as \xHH; cut to about 40 characters with "...". */
void jmd__yaml_quote(const char *s, size_t len, char *buf, size_t n);
/* 1 for a plain scalar that is empty, "~" or null/Null/NULL. */
int jmd__yaml_is_null(const jmd__yaml_node *v);
/* "a mapping", "a sequence", "nothing" or the quoted scalar (buf >= 64). */
const char *jmd__yaml_found(const jmd__yaml_node *v, char *buf, size_t n);
/* 1 when v is a scalar whose text equals s exactly. */
int jmd__yaml_is(const jmd__yaml_node *v, const char *s);

/* Edit distance between two words: insertions, deletions and
 * substitutions cost 1, and with `transpose` also swaps of neighbours
 * ("Bleu" -> "Blue"; optimal string alignment). (size_t)-1 for words over
 * 64 bytes. */
size_t jmd__yaml_edit_distance(const char *a, const char *b, int transpose);

/* The message for key node k not among ks[0..nk-1]: "unknown key "x"; did
 * you mean "y"?" when one is close against the words' length (distance as
 * jmd__yaml_edit_distance with `transpose`), else "unknown key "x";
 * expected one of: ...". Returns JMD_EPARSE. */
int jmd__yaml_unknown_key(jmd__yaml_ctx *c, const jmd__yaml_node *k, const char *path,
                          const jmd__yaml_keyspec *ks, size_t nk, int transpose);

/* 1 when s (len bytes) is a strict decimal number:
 * [+-]digits[.digits][e[+-]digits], a leading or trailing '.' allowed. */
int jmd__yaml_decimal_form(const char *s, size_t len);
/* 1 when s spells infinity or NaN ([+-][.]inf, nan, infinity, ...). */
int jmd__yaml_nonfinite_form(const char *s);

#endif
