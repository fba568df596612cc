/*
 * model.c — what each cooperation model lets a party do (DESIGN.md §5):
 * whether an engagement needs the joint decision, and who may engage a
 * threat to whose asset. Sharing is jmd_govern_default_kinds (release.c).
 * docs/governance.md §2 and §6.
 *
 * Workload: hot but trivial — a switch per planning query.
 */
#include "jmd/govern.h"

const char *jmd_gov_model_name(jmd_gov_model m)
{
    static const char *const names[JMD_GOV_NMODELS] = {"independent", "early-warning",
                                                       "connected", "joint", "sectoral"};
    if ((int)m < 0 || (int)m >= JMD_GOV_NMODELS) return "unknown";
    return names[m];
}

int jmd_govern_needs_consent(jmd_gov_model m)
{
    return m == JMD_GOV_JOINT;
}

int jmd_govern_may_engage(jmd_gov_model m, int party, int asset_owner, int sector_owner)
{
    if (party < 0 || asset_owner < 0 || sector_owner < -1) return JMD_EINVAL;
    switch (m) {
    case JMD_GOV_INDEPENDENT:
    case JMD_GOV_EARLY_WARNING:
    case JMD_GOV_CONNECTED: return party == asset_owner;
    case JMD_GOV_JOINT: return 1;
    case JMD_GOV_SECTORAL:
        /* Outside every sector nobody was given the job: the threatened
         * party keeps the right to defend itself. */
        return sector_owner >= 0 ? party == sector_owner : party == asset_owner;
    }
    return JMD_EINVAL;
}
