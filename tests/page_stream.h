/*
 * tests/page_stream.h — an HTML page written into memory, for the report
 * tests (test_report.c, test_assure_report.c): page_open gives a stream,
 * page_close closes it and hands over the page, NUL-terminated (the
 * caller frees it).
 *
 * The stream's buffer and size live on the heap, not in the caller's
 * frame: GCC 12 at -O3 otherwise takes the returned page for a pointer
 * into that frame (-Wdangling-pointer, a false positive that fails a
 * Release build with -Werror).
 */
#ifndef JMD_TESTS_PAGE_STREAM_H
#define JMD_TESTS_PAGE_STREAM_H

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    char *buf;
    size_t n;
    FILE *f;
} page_stream;

static page_stream *page_open(void)
{
    page_stream *ms = calloc(1, sizeof *ms);
    assert_non_null(ms);
    ms->f = open_memstream(&ms->buf, &ms->n);
    assert_non_null(ms->f);
    return ms;
}

static char *page_close(page_stream *ms, size_t *len)
{
    assert_int_equal(fclose(ms->f), 0);
    char *out = ms->buf;
    if (len) *len = ms->n;
    free(ms);
    return out;
}

#endif
