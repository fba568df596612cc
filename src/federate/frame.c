/*
 * federate/frame.c — ownership of jmd_frame (include/jmd/federate.h): the
 * one place that knows which frame kinds own arrays. A SCAN owns its
 * measurements, a DONE its five note arrays; every other kind is plain
 * data. Called once per frame taken from the transport (cold enough that
 * zeroing the whole frame costs nothing worth counting).
 */
#include <stdlib.h>
#include <string.h>

#include "jmd/federate.h"

void jmd_frame_clear(jmd_frame *f)
{
    if (!f) return;
    switch (f->kind) {
    case JMD_FRAME_SCAN:
        free(f->u.scan.m);
        break;
    case JMD_FRAME_DONE:
        free(f->u.done.confirmed);
        free(f->u.done.orders);
        free(f->u.done.updates);
        free(f->u.done.warn_sent);
        free(f->u.done.warn_recv);
        break;
    default:
        /* The other kinds own nothing; an unknown kind (a zeroed frame)
         * owns nothing either. */
        break;
    }
    memset(f, 0, sizeof *f);
}
