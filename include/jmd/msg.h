/*
 * jmd/msg.h — the messages parties exchange, as plain data with one
 * canonical byte encoding: the single definition of jmd's wire format
 * (the DDS IDL of the federated system mirrors it). DESIGN.md §6.
 *
 * (Skeleton by the lead: the kinds below are fixed; the payload structs,
 * the envelope and encode/decode are filled in by the msg work.)
 */
#ifndef JMD_MSG_H
#define JMD_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "jmd/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Message kinds; the values are part of the wire format. */
typedef enum {
    JMD_MSG_MEASUREMENT = 1,  /* never leaves its party (kept for the party's own log) */
    JMD_MSG_LAUNCH_WARNING = 2, /* JDEC content: launch time and point, azimuth, predicted impact point and time */
    JMD_MSG_TRACK = 3,        /* a track state and covariance */
    JMD_MSG_PROPOSAL = 4,     /* an engagement proposal (joint model) */
    JMD_MSG_VOTE = 5,         /* a party's vote on a proposal */
    JMD_MSG_LAUNCH_ORDER = 6, /* the authorised launch (carries the authorising votes) */
    JMD_MSG_OUTCOME = 7,      /* an intercept's kill assessment */
    JMD_MSG_CHECKPOINT = 8    /* a signed log checkpoint (federated record) */
} jmd_msg_kind;

#define JMD_MSG_KIND_MAX 8
/* Bit for a kind in a kinds mask (release policies). */
#define JMD_MSG_BIT(kind) (1u << (unsigned)(kind))

#ifdef __cplusplus
}
#endif
#endif /* JMD_MSG_H */
