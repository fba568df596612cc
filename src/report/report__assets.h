/*
 * report__assets.h — the HTML report's embedded files (private to the
 * report module): report.html.in (the template), report.css, app.js and
 * vendor.js, generated into the build folder by cmake/embed_web.cmake.
 */
#ifndef JMD_REPORT__ASSETS_H
#define JMD_REPORT__ASSETS_H

#include <stddef.h>

typedef struct {
    const char *name; /* base name, e.g. "app.js" */
    const char *text; /* NUL-terminated */
    size_t len;       /* bytes, without the NUL */
} jmd__report_asset;

/* Terminated by an entry with name NULL. */
extern const jmd__report_asset jmd__report_assets[];

#endif
