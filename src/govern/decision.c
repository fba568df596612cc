/*
 * decision.c — the joint decision state machine (DESIGN.md §5, the
 * `joint` model: "every engagement needs the signed consent of the
 * quorum"): a proposal, the votes that arrive with their times, quorum
 * (all, majority, k), veto, decision timeout with hold or proceed, and
 * pre-delegated authority. The machine only counts; who votes how and
 * when is the caller's (the party code draws each voter's latency and
 * decision). Rules in jmd/govern.h and docs/governance.md §4.
 *
 * Invariants: voted ⊆ required; yes ⊆ voted; nyes = |yes|, nno =
 * |voted| - nyes; once state != PENDING nothing but `late` changes.
 *
 * Workload: warm — a few calls per engagement proposal.
 */
#include <math.h>
#include <string.h>

#include "jmd/govern.h"

int jmd_govern_check(const jmd_governance *g, size_t nparties)
{
    if (!g || nparties < 1 || nparties > JMD_GOV_MAX_PARTIES) return JMD_EINVAL;
    if ((int)g->model < 0 || (int)g->model >= JMD_GOV_NMODELS) return JMD_EINVAL;
    switch (g->quorum) {
    case JMD_QUORUM_ALL:
    case JMD_QUORUM_MAJORITY: break;
    case JMD_QUORUM_K:
        if (g->quorum_k < 1 || (size_t)g->quorum_k > nparties) return JMD_EINVAL;
        break;
    default: return JMD_EINVAL;
    }
    if ((g->veto != 0 && g->veto != 1) || (g->timeout_proceed != 0 && g->timeout_proceed != 1) ||
        (g->predelegate_own != 0 && g->predelegate_own != 1))
        return JMD_EINVAL;
    if (!isfinite(g->decision_timeout)) return JMD_EINVAL;
    if (!isfinite(g->decision_latency) || g->decision_latency < 0.0) return JMD_EINVAL;
    return JMD_OK;
}

int jmd_govern_quorum_need(const jmd_governance *g, size_t nparties)
{
    if (jmd_govern_check(g, nparties)) return JMD_EINVAL;
    switch (g->quorum) {
    case JMD_QUORUM_ALL: return (int)nparties;
    case JMD_QUORUM_MAJORITY: return (int)(nparties / 2 + 1);
    case JMD_QUORUM_K: return g->quorum_k;
    }
    return JMD_EINVAL;
}

int jmd_govern_predelegated(const jmd_governance *g, int proposer, int asset_owner)
{
    return g && g->predelegate_own == 1 && proposer >= 0 && proposer == asset_owner;
}

const char *jmd_decision_state_name(jmd_decision_state s)
{
    switch (s) {
    case JMD_DECISION_PENDING: return "pending";
    case JMD_DECISION_APPROVED: return "approved";
    case JMD_DECISION_REJECTED: return "rejected";
    case JMD_DECISION_TIMED_OUT_HOLD: return "timeout-hold";
    case JMD_DECISION_TIMED_OUT_PROCEED: return "timeout-proceed";
    }
    return "unknown";
}

int jmd_decision_authorised(jmd_decision_state s)
{
    return s == JMD_DECISION_APPROVED || s == JMD_DECISION_TIMED_OUT_PROCEED;
}

static int popcount32(uint32_t m)
{
    int n = 0;
    for (; m; m &= m - 1) n++;
    return n;
}

/* Decide from the counts at time t, if the votes already decide. */
static void settle(jmd_decision *d, double t)
{
    if (d->state != JMD_DECISION_PENDING) return;
    int outstanding = popcount32(d->required & ~d->voted);
    if (d->nyes >= d->need) {
        d->state = JMD_DECISION_APPROVED;
        d->t_decided = t;
    } else if (d->nyes + outstanding < d->need) {
        d->state = JMD_DECISION_REJECTED;
        d->t_decided = t;
    }
}

/* Apply the timeout if the deadline has come by time t. */
static void apply_timeout(jmd_decision *d, double t)
{
    if (d->state == JMD_DECISION_PENDING && t >= d->deadline) {
        d->state = d->timeout_proceed ? JMD_DECISION_TIMED_OUT_PROCEED : JMD_DECISION_TIMED_OUT_HOLD;
        d->t_decided = d->deadline;
    }
}

int jmd_decision_init(jmd_decision *d, const jmd_governance *g, int nparties, int proposer,
                      uint64_t id, double t, int own_defense)
{
    if (!d) return JMD_EINVAL;
    memset(d, 0, sizeof *d);
    d->state = JMD_DECISION_PENDING;
    d->vetoed_by = -1;
    if (!g || nparties < 1 || jmd_govern_check(g, (size_t)nparties)) return JMD_EINVAL;
    if (proposer < 0 || proposer >= nparties || !isfinite(t)) return JMD_EINVAL;

    d->id = id;
    d->nparties = nparties;
    d->proposer = proposer;
    d->t_proposed = t;
    d->t_last = t;
    d->veto = g->veto;
    d->timeout_proceed = g->timeout_proceed;
    d->deadline = g->decision_timeout > 0.0 ? t + g->decision_timeout : INFINITY;
    d->need = jmd_govern_quorum_need(g, (size_t)nparties);

    if (own_defense && jmd_govern_predelegated(g, proposer, proposer)) {
        /* Pre-delegated authority: no vote is asked; the proposer's own
         * authority suffices. */
        d->predelegated = 1;
        d->required = 0;
        d->voted = d->yes = 1u << proposer;
        d->nyes = 1;
        d->state = JMD_DECISION_APPROVED;
        d->t_decided = t;
        return JMD_OK;
    }

    d->required = (nparties == 32) ? 0xffffffffu : ((1u << nparties) - 1u);
    /* The proposer's yes is implicit: its signature is on the proposal. */
    d->voted = d->yes = 1u << proposer;
    d->nyes = 1;
    settle(d, t);
    return JMD_OK;
}

int jmd_decision_vote(jmd_decision *d, int voter, int approve, double t)
{
    if (!d || d->nparties < 1) return JMD_EINVAL;
    if (voter < 0 || voter >= d->nparties || (approve != 0 && approve != 1)) return JMD_EINVAL;
    if (!isfinite(t) || t < d->t_proposed || t < d->t_last) return JMD_EINVAL;
    const uint32_t bit = 1u << voter;
    if (d->voted & bit) return JMD_EINVAL; /* duplicate (the proposer's vote is implicit) */

    apply_timeout(d, t);
    if (d->state != JMD_DECISION_PENDING) {
        d->late++;
        return 1;
    }
    if (!(d->required & bit)) return JMD_EINVAL;

    d->voted |= bit;
    d->t_last = t;
    if (approve) {
        d->yes |= bit;
        d->nyes++;
    } else {
        d->nno++;
        if (d->veto) {
            d->vetoed_by = voter;
            d->state = JMD_DECISION_REJECTED;
            d->t_decided = t;
            return 0;
        }
    }
    settle(d, t);
    return 0;
}

jmd_decision_state jmd_decision_poll(jmd_decision *d, double t)
{
    if (!d || !isfinite(t)) return JMD_DECISION_PENDING;
    apply_timeout(d, t);
    return d->state;
}

uint32_t jmd_decision_awaiting(const jmd_decision *d)
{
    if (!d || d->state != JMD_DECISION_PENDING) return 0;
    return d->required & ~d->voted;
}
