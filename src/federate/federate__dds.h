/*
 * federate/federate__dds.h — private hooks of the DDS transport
 * (src/federate/dds.c) for tests only: writing a raw IDL sample bypasses
 * every check jmd_dds_write makes, so a test can hand-build the invalid
 * input a faulty or hostile participant could send and assert that the
 * receiver reports it (JMD_EPARSE) instead of crashing or dropping it.
 */
#ifndef JMD_FEDERATE__DDS_H
#define JMD_FEDERATE__DDS_H

#include "jmd/federate.h"

/* Writes `sample` (a pointer to the generated struct of the topic: jmd_Track
 * for a PEER frame of kind JMD_MSG_TRACK, jmd_Tick for a TICK, ...) as is
 * to receiver `dest` (a party index, or JMD_FED_WORLD) on this
 * participant's writer of that topic. msg_kind is used for PEER only.
 * JMD_EINVAL when this participant has no such writer; JMD_EIO. */
int jmd_dds__write_raw(jmd_dds *d, jmd_frame_kind fk, int msg_kind, int dest, const void *sample);

/* Writes n items (an array of the generated struct of PEER kind msg_kind,
 * jmd_Track ...; at most 128) as one batch sample to party dest, after the
 * messages jmd_dds_write has queued for that receiver and kind. JMD_EINVAL
 * when this participant has no such writer or n is too large; JMD_EIO. */
int jmd_dds__write_raw_batch(jmd_dds *d, int msg_kind, int dest, const void *items, uint32_t n);

/* Fault injection: while on, every batch of PEER messages fails to be
 * written (as a dds_write error would), so a test can see the failure
 * reported — by the next write, take or flush — whichever thread sent it. */
void jmd_dds__fail_batches(jmd_dds *d, int on);

/* The loopback-only Cyclone configuration every participant uses
 * (docs/federation.md "Transport"); a static string. */
const char *jmd_dds__config(void);

#endif /* JMD_FEDERATE__DDS_H */
