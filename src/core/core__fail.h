/*
 * core/core__fail.h — the one "format a reason into the caller's buffer and
 * return a code" helper the modules share (private to the library).
 */
#ifndef JMD_CORE__FAIL_H
#define JMD_CORE__FAIL_H

#include <stddef.h>

/* Writes the formatted reason into err[0 .. errlen) when err is not NULL
 * and errlen > 0 (truncated, NUL-terminated), then returns rc. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
int jmd__fail(int rc, char *err, size_t errlen, const char *fmt, ...);

#endif
