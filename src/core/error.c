/*
 * error.c — text for the JMD_E* codes of jmd/error.h.
 *
 * Cold path: called only when reporting a failure. Also the shared
 * reason formatter of core/core__fail.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include "core/core__fail.h"
#include "jmd/error.h"

const char *jmd_strerror(int code)
{
    switch (code) {
    case JMD_OK: return "success";
    case JMD_EINVAL: return "invalid argument";
    case JMD_ENOCONV: return "iteration did not converge";
    case JMD_ENOMEM: return "out of memory";
    case JMD_EIO: return "input/output error";
    case JMD_ENOSOL: return "no solution";
    case JMD_EPARSE: return "malformed input";
    case JMD_ENOTFOUND: return "not found";
    case JMD_ERANGE: return "result out of range";
    case JMD_EVERIFY: return "verification failed";
    default: return "unknown error";
    }
}

int jmd__fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}
