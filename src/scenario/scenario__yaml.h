/*
 * scenario__yaml.h — private to the scenario module: YAML text to a small
 * positioned tree, and the helpers the schema walk uses to read it and to
 * write messages of the form "name:line:col: path: expected ..., found ...".
 *
 * The tree is built from libfyaml's event stream (its 0.7.12 document API
 * gives no marks for collections), in an arena freed at once; nothing
 * recurses on the input's depth. Aliases are refused, text must be UTF-8,
 * and libfyaml's diagnostics are collected silently (nothing printed).
 * The same technique as src/flight/catalogue.c, which keeps its helpers
 * static; a later refactor could share one copy.
 */
#ifndef JMD_SCENARIO__YAML_H
#define JMD_SCENARIO__YAML_H

#include <stddef.h>

enum { JMD__YN_SCALAR = 0, JMD__YN_MAP, JMD__YN_SEQ };

typedef struct jmd__ynode jmd__ynode;
struct jmd__ynode {
    int type;          /* JMD__YN_* */
    int line, col;     /* 0-based start mark */
    int plain;         /* scalar written without quotes or block style */
    size_t pos, end;   /* byte range of the node in the input (end exclusive) */
    const char *text;  /* scalar text, NUL-terminated (may hold NULs inside) */
    size_t len;        /* scalar text length */
    size_t count;      /* children (a mapping holds key, value, key, value...) */
    jmd__ynode *parent, *first, *last, *next;
};

typedef struct jmd__achunk jmd__achunk;
typedef struct {
    jmd__achunk *head;
} jmd__arena;

/* Where messages go: `name` labels them (a file name). */
typedef struct {
    const char *name;
    char *err;
    size_t errlen;
} jmd__sctx;

void *jmd__scen_alloc(jmd__arena *a, size_t n);
void jmd__scen_arena_free(jmd__arena *a);

/* Parses text (len bytes, UTF-8 checked first) into a tree in `a`; *root
 * is NULL for an empty stream. 0, JMD_EPARSE or JMD_ENOMEM (message set). */
int jmd__scen_tree(jmd__sctx *c, const char *text, size_t len, jmd__arena *a, jmd__ynode **root);

/* Writes "name:line:col: path: what" and returns JMD_EPARSE (path omitted
 * when empty; position omitted when at is NULL). */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
int jmd__scen_fail(jmd__sctx *c, const jmd__ynode *at, const char *path, const char *fmt, ...);

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void jmd__scen_set_err(char *err, size_t errlen, const char *fmt, ...);

/* Quotes text for a message (printable ASCII, escapes, cut near 40 chars). */
void jmd__scen_quote(const char *s, size_t len, char *buf, size_t n);
int jmd__scen_is_null(const jmd__ynode *v);
/* "a mapping", "a sequence", "nothing" or the quoted scalar (buf >= 64). */
const char *jmd__scen_found(const jmd__ynode *v, char *buf, size_t n);
/* Levenshtein distance; (size_t)-1 for words over 64 bytes. */
size_t jmd__scen_edit_distance(const char *a, const char *b);
/* 1 when a scalar node's text equals s exactly. */
int jmd__scen_is(const jmd__ynode *v, const char *s);

#endif
