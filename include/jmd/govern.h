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
#include <stdint.h>

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

/* Most outage windows one link carries (= the scenario's cap). */
#define JMD_LINK_OUTAGES_MAX 8

/* One outage of a link: the link is down during [start, start + duration)
 * (s since the scenario epoch). */
typedef struct {
    double start;        /* s, >= 0 */
    double duration;     /* s, > 0 */
} jmd_outage;

/* A link between two parties. A zeroed tail (noutages == 0) is a link that
 * is always up, so `{latency, loss}` keeps its old meaning. */
typedef struct {
    double latency;      /* s, one-way */
    double loss;         /* probability a message is lost, [0, 1) */
    int noutages;        /* 0 .. JMD_LINK_OUTAGES_MAX windows in outages[] */
    jmd_outage outages[JMD_LINK_OUTAGES_MAX]; /* sorted by start, non-overlapping
                                                 (one may start where the previous ends) */
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

/* ======================================================================
 * The govern module's functions (docs/governance.md). Pure policy: no I/O,
 * no allocation, no global state; every random draw comes from a stream
 * the caller owns. Times are s since the scenario epoch; parties are
 * indices 0 .. nparties-1 in scenario order.
 * ====================================================================== */

/* Most parties a decision or a sector table handles (= scenario's cap). */
#define JMD_GOV_MAX_PARTIES 32

/* ---- release policies ------------------------------------------------ */

/* Whether `p` releases a message of `kind`: 1 yes, 0 no. Measurements
 * never leave their party (jmd/msg.h), so JMD_MSG_MEASUREMENT gives 0
 * whatever the mask says; unknown kinds and p == NULL give 0. */
int jmd_govern_releases(const jmd_release_policy *p, jmd_msg_kind kind);

/* The kinds a model shares by default (mask of JMD_MSG_BIT), the same for
 * every ordered pair of parties:
 *   independent    nothing (0)
 *   early-warning  LaunchWarning
 *   connected      LaunchWarning | Track
 *   joint          LaunchWarning | Track | Proposal | Vote | LaunchOrder | Outcome
 *   sectoral       LaunchWarning | Track
 * Unknown models give 0. Checkpoints (the federated record) are the
 * ledger's business and are not in any default. */
unsigned jmd_govern_default_kinds(jmd_gov_model m);

/* The default release policy of a model: jmd_govern_default_kinds(m), full
 * precision (0), no delay. JMD_EINVAL for NULL out or an unknown model
 * (*out is then zeroed when out is not NULL). */
int jmd_govern_default_release(jmd_gov_model m, jmd_release_policy *out);

/* 0 when p is usable (kinds only of JMD_MSG_BIT(1 .. JMD_MSG_KIND_MAX),
 * precision and delay finite and >= 0), JMD_EINVAL otherwise. */
int jmd_govern_release_check(const jmd_release_policy *p);

/* 0 when l is usable, else JMD_EINVAL: latency finite >= 0, loss in
 * [0, 1), noutages in 0 .. JMD_LINK_OUTAGES_MAX, each of the first
 * noutages windows with start finite >= 0, duration finite > 0 and a
 * finite end, and each window starting at or after the end of the one
 * before it (sorted, non-overlapping; touching is allowed). */
int jmd_govern_link_check(const jmd_link *l);

/* Whether l is down at time t (s): 1 when t lies in one of its windows
 * [start, start + duration), and then *t_up (may be NULL) = the first time
 * >= t at which the link is up again: the end of that window, or of the
 * last of a chain of windows that touch (each starting where the one
 * before ends). 0 when it is up at t (also for NULL l or non-finite t);
 * *t_up is then left alone. l is assumed to pass jmd_govern_link_check.
 * Constant in the number of windows (at most JMD_LINK_OUTAGES_MAX). */
int jmd_link_down(const jmd_link *l, double t, double *t_up);

/* Applies l's outages to one message that enters the link at t_depart (s:
 * the send time plus any release delay) and that an always-up link would
 * deliver at *t_arrive (t_depart + latency, computed by the caller, whose
 * arithmetic is kept bit for bit when no outage applies). The sender's
 * reliable transport holds the message while the link is down:
 *   - departing while the link is down, it leaves when the link is up
 *     again (jmd_link_down's t_up) and arrives latency later;
 *   - arriving while the link is down, it is delivered when the link is
 *     up again.
 * Returns 1 when an outage moved *t_arrive (always later), 0 when it is
 * unchanged (no window applies, NULL l or t_arrive). Loss is not this
 * function's business: a lost message stays lost whatever the outages. */
int jmd_link_hold(const jmd_link *l, double t_depart, double *t_arrive);

/* Degrade a state about to be released to the policy's precision q
 * (p->precision, m). x has dim >= 3 entries whose first three are a
 * position in a Cartesian frame of the caller's choice (ECI for a
 * jmd_msg_track; ECEF or a local frame work the same); each is rounded to the nearest multiple
 * of q (grid anchored at the frame's origin, ties away from zero), so the
 * rounding error is at most q/2 per axis. P (dim x dim, row-major, may be
 * NULL) is the state's covariance; q^2/12 is added to each of its three
 * position variances: the variance of an error uniform on [-q/2, q/2],
 * independent of the estimate (Widrow's quantization-noise model; Widrow
 * & Kollár, "Quantization Noise", Cambridge UP 2008, ch. 4). Velocity and
 * any further entries, and every covariance, cross term included, are left
 * untouched (docs/governance.md §3.2). q == 0: nothing changes.
 * JMD_EINVAL: NULL p or x, dim < 3, q negative or non-finite, a
 * non-finite position (x and P are then unchanged). */
int jmd_govern_degrade(const jmd_release_policy *p, double *x, double *P, size_t dim);

/* One message over one directed pair: whether it arrives and when.
 * Returns 1 when `kind` is released by p and the link does not lose it
 * (*t_arrive = t_send + p->delay + l->latency, moved later by the link's
 * outages as jmd_link_hold says, with t_depart = t_send + p->delay), 0
 * when it is withheld or
 * lost (*t_arrive = +inf), JMD_EINVAL on NULL arguments, a failing
 * release or link check or a non-finite t_send. Exactly one uniform is
 * drawn from r for every released message (even when l->loss == 0), none
 * for a withheld one, so that streams stay aligned across loss and
 * outage settings. */
int jmd_govern_transmit(const jmd_release_policy *p, const jmd_link *l, jmd_msg_kind kind,
                        double t_send, jmd_rng *r, double *t_arrive);

/* ---- delay distributions --------------------------------------------- */

/* 0 when d is usable, JMD_EINVAL otherwise. Fixed: mean >= 0.
 * Exponential: mean >= 0 (0: always 0). Lognormal: mean > 0, sd >= 0.
 * Uniform: 0 <= min <= max. Every value used must be finite. Fields a
 * kind does not use are ignored. */
int jmd_govern_dist_check(const jmd_dist *d);

/* One delay (s, >= 0) drawn from d with r. Fixed: mean, no draw.
 * Exponential: jmd_rng_exponential (one uniform). Lognormal with the
 * delay's own mean m and sd s: exp(mu + sigma Z) with
 * sigma^2 = ln(1 + s^2/m^2), mu = ln m - sigma^2/2 (one normal; s == 0
 * gives m without a draw). Uniform: min + (max - min) U (one uniform).
 * Returns -1.0 (and draws nothing) when d or r is NULL or d fails
 * jmd_govern_dist_check: a negative result is always a caller's bug. */
double jmd_govern_draw_delay(const jmd_dist *d, jmd_rng *r);

/* ---- the joint decision ---------------------------------------------- */

/* 0 when g is usable with nparties parties (1 .. JMD_GOV_MAX_PARTIES):
 * a known model and quorum, quorum_k in 1 .. nparties for JMD_QUORUM_K,
 * veto/timeout_proceed/predelegate_own 0 or 1, decision_timeout and
 * decision_latency finite (decision_latency >= 0). JMD_EINVAL otherwise. */
int jmd_govern_check(const jmd_governance *g, size_t nparties);

/* Yes votes a proposal needs among nparties under g's quorum: all:
 * nparties; majority: strictly more than half, nparties/2 + 1; k:
 * quorum_k. JMD_EINVAL when jmd_govern_check fails. */
int jmd_govern_quorum_need(const jmd_governance *g, size_t nparties);

/* Whether pre-delegated authority covers an engagement proposed by
 * `proposer` for an asset (or territory) of `asset_owner`: 1 when
 * g->predelegate_own is set and proposer == asset_owner, else 0 (also
 * for g == NULL). */
int jmd_govern_predelegated(const jmd_governance *g, int proposer, int asset_owner);

typedef enum {
    JMD_DECISION_PENDING = 0,       /* waiting for votes */
    JMD_DECISION_APPROVED,          /* the quorum consented (or pre-delegation) */
    JMD_DECISION_REJECTED,          /* vetoed, or the quorum can no longer be reached */
    JMD_DECISION_TIMED_OUT_HOLD,    /* timeout under `hold`: not authorised */
    JMD_DECISION_TIMED_OUT_PROCEED  /* timeout under `proceed`: authorised */
} jmd_decision_state;

/* Text for a state ("pending", "approved", "rejected", "timeout-hold",
 * "timeout-proceed"); "unknown" otherwise. */
const char *jmd_decision_state_name(jmd_decision_state s);

/* 1 for the states that authorise a launch (APPROVED, TIMED_OUT_PROCEED). */
int jmd_decision_authorised(jmd_decision_state s);

/* One engagement proposal under the joint model and its votes. A plain
 * value owned by the caller (no allocation, copyable); read its fields,
 * change them only through the functions below.
 *
 * Rules (docs/governance.md §4):
 * - Required voters: every party, unless pre-delegation applies (then
 *   none and the proposal is approved at once). Under majority or k any
 *   party's yes counts, so all are asked.
 * - The proposer's vote is implicit: proposing is consenting, its yes is
 *   counted at the proposal time (its signature is on the proposal).
 * - Approved when the yes votes reach `need`; rejected at the first no
 *   when veto is on, or (veto off) once need can no longer be reached.
 *   The decision time is that of the deciding vote.
 * - Timeout (decision_timeout > 0): at deadline = t_proposed + timeout a
 *   still pending proposal becomes TIMED_OUT_HOLD or _PROCEED, decided at
 *   the deadline. A vote at t >= deadline is too late.
 * - Votes after the decision are ignored (counted in `late`). */
typedef struct {
    uint64_t id;               /* the caller's proposal id */
    int nparties;
    int proposer;
    double t_proposed;         /* s */
    int predelegated;          /* 1: approved by pre-delegated authority */
    int need;                  /* yes votes needed */
    int veto;                  /* copy of the governance knobs */
    double deadline;           /* s; +inf when there is no timeout */
    int timeout_proceed;
    uint32_t required;         /* mask (bit i = party i) of parties whose vote counts */
    uint32_t voted;            /* mask of parties whose vote has been counted */
    uint32_t yes;              /* mask of yes votes (the authorising signatures) */
    int nyes, nno;
    int vetoed_by;             /* party whose no vetoed, or -1 */
    int late;                  /* votes ignored because they came after the decision */
    double t_last;             /* time of the latest vote counted (s) */
    jmd_decision_state state;
    double t_decided;          /* s; meaningful once state != PENDING */
} jmd_decision;

/* Open a proposal by `proposer` at time t among nparties parties under g
 * (any model; the sim uses it for the joint model). `own_defense`: the
 * engagement defends the proposer's own territory or asset; pre-delegation
 * applies when it is nonzero and g->predelegate_own is set
 * (jmd_govern_predelegated). A proposal that is already decided at t (pre-
 * delegation, or a quorum the proposer's own yes satisfies, e.g. a single
 * party) leaves here APPROVED with t_decided = t.
 * JMD_EINVAL: NULL d or g, g failing jmd_govern_check, proposer out of
 * range, non-finite t (d is then zeroed with state PENDING and must not
 * be used). */
int jmd_decision_init(jmd_decision *d, const jmd_governance *g, int nparties, int proposer,
                      uint64_t id, double t, int own_defense);

/* Count `voter`'s vote (approve: 1 yes, 0 no) arriving at time t.
 * Votes must be fed in time order. A pending proposal first applies its
 * timeout at t (as jmd_decision_poll). Returns 0 when the vote was
 * counted, 1 when it was ignored because the proposal was already
 * decided at t (late vote; d->late is incremented; under pre-delegation
 * every vote is late), JMD_EINVAL (nothing
 * changes) for NULL d, voter out of range, a
 * duplicate vote (the proposer's is implicit, so its own is a duplicate),
 * approve not 0/1, non-finite t, t before t_proposed or before the
 * previous counted vote. */
int jmd_decision_vote(jmd_decision *d, int voter, int approve, double t);

/* The state at time t: applies the timeout when t >= deadline and the
 * proposal is still pending. Does not go back in time: a decided proposal
 * keeps its state. NULL d or non-finite t give JMD_DECISION_PENDING and
 * change nothing. */
jmd_decision_state jmd_decision_poll(jmd_decision *d, double t);

/* Mask of parties that must still be asked for a vote: required, not yet
 * voted, while pending; 0 once decided or for NULL d. */
uint32_t jmd_decision_awaiting(const jmd_decision *d);

/* ---- sectors --------------------------------------------------------- */

/* One party's sector: zero or more polygons (jmd/common.h), as in
 * jmd_party.sector / nsector. Borrowed, not copied. */
typedef struct {
    const jmd_polygon *poly;
    size_t n;
} jmd_sector;

/* Whether p lies in the closed polygon (ray casting in the (lon, lat)
 * plane, polygon as in jmd/common.h: no antimeridian crossing): 1 inside
 * or on an edge or vertex (within 1e-12 rad, ~6 µm), 0 outside.
 * JMD_EINVAL: NULL poly or vertices, fewer than 3 vertices, a non-finite
 * coordinate. */
int jmd_govern_in_polygon(const jmd_polygon *poly, jmd_latlon p);

/* The party whose sector contains p: *owner = the first party in order
 * (lowest index) with a polygon containing p, so a point on a boundary
 * shared by several sectors goes to the first of them; -1 when no sector
 * contains it. sectors has nparties entries (0 .. JMD_GOV_MAX_PARTIES).
 * JMD_EINVAL (and *owner = -1 when owner is not NULL): NULL owner, NULL
 * sectors with nparties > 0, a sector with n > 0 and NULL poly, an invalid
 * polygon, p non-finite or off [-pi/2, pi/2] x [-pi, pi]. */
int jmd_govern_sector_owner(const jmd_sector *sectors, size_t nparties, jmd_latlon p, int *owner);

/* ---- what each model lets a party do --------------------------------- */

/* 1 when the model needs a joint decision before an engagement (joint). */
int jmd_govern_needs_consent(jmd_gov_model m);

/* Whether `party` may engage a threat to an asset of `asset_owner` whose
 * planned intercept point lies in the sector of `sector_owner` (-1: in no
 * sector; only the sectoral model reads it):
 *   independent, early-warning, connected: party == asset_owner;
 *   joint: every party (subject to the decision, jmd_decision_*);
 *   sectoral: party == sector_owner; where no sector contains the
 *     intercept point (sector_owner == -1), the asset owner defends itself.
 * Returns 1 or 0; JMD_EINVAL for an unknown model, party or asset_owner
 * negative, sector_owner < -1. */
int jmd_govern_may_engage(jmd_gov_model m, int party, int asset_owner, int sector_owner);

#ifdef __cplusplus
}
#endif
#endif /* JMD_GOVERN_H */
