/*
 * core/core__grow.h — the one growable-array helper the modules share
 * (private to the library): make room for `need` elements of `size` bytes
 * in *p, whose capacity is *cap, doubling from 16. 0, or JMD_ENOMEM with
 * *p and *cap unchanged.
 */
#ifndef JMD_CORE__GROW_H
#define JMD_CORE__GROW_H

#include <stdlib.h>

#include "jmd/error.h"

static inline int jmd__grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * size);
    if (!q) return JMD_ENOMEM;
    *p = q;
    *cap = c;
    return 0;
}

#endif
