/*
 * jmd/govern.h — the cooperation models as pure policy (DESIGN.md §5):
 * release filters per pair of parties, the joint decision state machine
 * (proposal, votes, quorum, veto, timeout, pre-delegation), decision
 * latency draws and sector rules. No I/O, no global state.
 *
 * (Skeleton by the lead: the configuration structs below are shared with
 * the scenario loader; functions are added by the govern work.)
 */
#ifndef JMD_GOVERN_H
#define JMD_GOVERN_H

#include <stddef.h>

#include "jmd/common.h"
#include "jmd/msg.h"
#include "jmd/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    JMD_GOV_INDEPENDENT = 0,
    JMD_GOV_EARLY_WARNING,
    JMD_GOV_CONNECTED,
    JMD_GOV_JOINT,
    JMD_GOV_SECTORAL
} jmd_gov_model;

#define JMD_GOV_NMODELS 5

typedef enum {
    JMD_QUORUM_ALL = 0,
    JMD_QUORUM_MAJORITY,
    JMD_QUORUM_K           /* quorum_k parties */
} jmd_quorum_kind;

/* A distribution of a delay (s). */
typedef enum {
    JMD_DIST_FIXED = 0,    /* always `mean` */
    JMD_DIST_EXPONENTIAL,  /* exponential with `mean` */
    JMD_DIST_LOGNORMAL,    /* lognormal with `mean` and `sd` (of the delay itself) */
    JMD_DIST_UNIFORM       /* uniform on [min, max] */
} jmd_dist_kind;

typedef struct {
    jmd_dist_kind kind;
    double mean, sd, min, max; /* s */
} jmd_dist;

/* What one party releases to another (DESIGN.md §5 "release policy per
 * pair of parties"). */
typedef struct {
    unsigned kinds;      /* mask of JMD_MSG_BIT(kind) the sender releases to the receiver */
    double precision;    /* m: released positions are rounded to this grid (0: full precision);
                            the covariance is inflated to match */
    double delay;        /* s added before release */
} jmd_release_policy;

/* A link between two parties. */
typedef struct {
    double latency;      /* s, one-way */
    double loss;         /* probability a message is lost, [0, 1) */
} jmd_link;

/* The governance block of a scenario. */
typedef struct {
    jmd_gov_model model;
    jmd_quorum_kind quorum;    /* default all */
    int quorum_k;              /* for JMD_QUORUM_K: 1 .. nparties */
    int veto;                  /* 1: any party's "no" blocks (default 1) */
    double decision_timeout;   /* s; <= 0: wait forever (default 0) */
    int timeout_proceed;       /* on timeout: 0 hold (default), 1 proceed */
    int predelegate_own;       /* 1: defense of one's own territory needs no vote (default 0) */
    double decision_latency;   /* s, mean human decision latency per vote (default 0);
                                  per-party distributions: jmd_scenario.party_latency */
} jmd_governance;

/* Text for a model ("independent", "early-warning", "connected", "joint",
 * "sectoral"); "unknown" otherwise. */
const char *jmd_gov_model_name(jmd_gov_model m);

#ifdef __cplusplus
}
#endif
#endif /* JMD_GOVERN_H */
