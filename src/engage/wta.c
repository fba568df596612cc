/*
 * wta.c — static weapon-target assignment by greedy maximum marginal
 * return, and the expected defended value of an assignment.
 *
 * The static WTA problem (Manne, Operations Research 6, 1958; den Broeder,
 * Ellison & Emerling, Operations Research 7, 1959): maximise
 *     sum_j V_j (1 - S_j prod_i (1 - p_ij)^x_ij)
 * over non-negative integer x with sum_j x_ij <= n_i (rounds of site i)
 * and sum_i x_ij <= c_j (per-threat cap). It is NP-hard in general
 * (Lloyd & Witsenhausen 1986); the greedy algorithm — give the next round
 * to the pair of largest marginal gain V_j S_j p_ij, update S_j <- S_j (1 -
 * p_ij) — is optimal when p_ij does not depend on i (den Broeder et al.),
 * and otherwise at least half the optimum without caps (the objective is
 * monotone submodular in the set of (round, threat) pairs and the rounds
 * form a partition matroid: Fisher, Nemhauser & Wolsey 1978). docs/engage.md §4.
 *
 * Workload: once per planning step; sizes are tens of sites and threats.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/engage.h"

static int problem_ok(const jmd_wta_problem *p)
{
    if (!p) return 0;
    if ((p->nsites > 0 && !p->rounds) || (p->nthreats > 0 && !p->value) ||
        (p->nsites > 0 && p->nthreats > 0 && !p->pk))
        return 0;
    if (p->nsites > 100000 || p->nthreats > 100000) return 0;
    if (!(p->round_cost >= 0.0) || !isfinite(p->round_cost)) return 0;
    for (size_t i = 0; i < p->nsites; i++)
        if (p->rounds[i] < 0) return 0;
    for (size_t j = 0; j < p->nthreats; j++) {
        if (!(p->value[j] >= 0.0) || !isfinite(p->value[j])) return 0;
        if (p->survival && !(p->survival[j] >= 0.0 && p->survival[j] <= 1.0)) return 0;
        if (p->cap && p->cap[j] < 0) return 0;
    }
    for (size_t k = 0; k < p->nsites * p->nthreats; k++)
        if (!(p->pk[k] >= 0.0 && p->pk[k] <= 1.0)) return 0;
    return 1;
}

int jmd_engage_wta_value(const jmd_wta_problem *p, const int *x, double *value)
{
    if (value) *value = 0.0;
    if (!problem_ok(p) || !value || (p->nsites * p->nthreats > 0 && !x)) return JMD_EINVAL;
    double total = 0.0;
    for (size_t j = 0; j < p->nthreats; j++) {
        double s = p->survival ? p->survival[j] : 1.0;
        for (size_t i = 0; i < p->nsites; i++) {
            int xi = x[i * p->nthreats + j];
            if (xi < 0) return JMD_EINVAL;
            if (xi > 0) s *= pow(1.0 - p->pk[i * p->nthreats + j], (double)xi);
        }
        total += p->value[j] * (1.0 - s);
    }
    *value = total;
    return 0;
}

int jmd_engage_wta_greedy(const jmd_wta_problem *p, int *x, double *value)
{
    if (value) *value = 0.0;
    if (!problem_ok(p) || (p->nsites * p->nthreats > 0 && !x)) return JMD_EINVAL;
    const size_t ns = p->nsites, nt = p->nthreats;
    if (ns * nt > 0) memset(x, 0, ns * nt * sizeof *x);
    double *s = malloc((nt ? nt : 1) * sizeof *s);
    int *left = malloc((ns ? ns : 1) * sizeof *left);
    int *got = calloc(nt ? nt : 1, sizeof *got);
    if (!s || !left || !got) {
        free(s);
        free(left);
        free(got);
        return JMD_ENOMEM;
    }
    for (size_t j = 0; j < nt; j++)
        s[j] = p->survival ? p->survival[j] : 1.0;
    for (size_t i = 0; i < ns; i++)
        left[i] = p->rounds[i];

    for (;;) {
        double best = p->round_cost;
        size_t bi = 0, bj = 0;
        int found = 0;
        /* Threat-major scan with strict '>' so ties go to the lower threat,
         * then the lower site. */
        for (size_t j = 0; j < nt; j++) {
            if (p->cap && got[j] >= p->cap[j]) continue;
            double vs = p->value[j] * s[j];
            if (!(vs > best)) continue; /* no pk can beat best */
            for (size_t i = 0; i < ns; i++) {
                if (left[i] <= 0) continue;
                double g = vs * p->pk[i * nt + j];
                if (g > best) {
                    best = g;
                    bi = i;
                    bj = j;
                    found = 1;
                }
            }
        }
        if (!found) break;
        x[bi * nt + bj]++;
        left[bi]--;
        got[bj]++;
        s[bj] *= 1.0 - p->pk[bi * nt + bj];
    }
    free(s);
    free(left);
    free(got);
    if (value) return jmd_engage_wta_value(p, x, value);
    return 0;
}
