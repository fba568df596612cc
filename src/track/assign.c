/*
 * assign.c — minimum-cost partial assignment by the Hungarian method
 * (Kuhn 1955, Munkres 1957) in its O(n^3) shortest-augmenting-path form
 * with row and column potentials (as in Jonker & Volgenant 1987 and the
 * classic e-maxx formulation).
 *
 * A partial assignment with miss costs is turned into a square problem of
 * size N = nr + nc: real rows against real columns (the given costs), each
 * real row against its own dummy column (its miss cost), each dummy row
 * against its own real column (that column's miss cost), dummy against
 * dummy at zero; every other entry is forbidden. Leaving everything
 * unmatched is always feasible, so an augmenting path always exists and
 * forbidden entries (+INFINITY) never enter the optimum. Costs are read on
 * the fly: the workspace is O(N), the time O(N^3). The tracker calls this
 * per gating cluster, so N stays small in practice.
 */
#include <math.h>
#include <stdlib.h>

#include "track/track__internal.h"

typedef struct {
    size_t nr, nc;
    const double *cost, *row_miss, *col_miss;
} problem;

/* Cost of the augmented problem, 0-based (i, j) in [0, N). */
static double aug(const problem *pb, size_t i, size_t j)
{
    if (i < pb->nr) {
        if (j < pb->nc) {
            double c = pb->cost[i * pb->nc + j];
            return c < INFINITY ? c : INFINITY; /* NaN and +inf: forbidden */
        }
        return j - pb->nc == i ? (pb->row_miss ? pb->row_miss[i] : 0.0) : INFINITY;
    }
    if (j < pb->nc) return i - pb->nr == j ? (pb->col_miss ? pb->col_miss[j] : 0.0) : INFINITY;
    return 0.0;
}

size_t jmd__track_assign_ws(size_t nr, size_t nc)
{
    size_t n1 = nr + nc + 1;
    return n1 * (3 * sizeof(double) + 3 * sizeof(int));
}

int jmd__track_assign(size_t nr, size_t nc, const double *cost, const double *row_miss,
                      const double *col_miss, int *row_to_col, double *total, void *ws)
{
    problem pb = {nr, nc, cost, row_miss, col_miss};
    size_t N = nr + nc, n1 = N + 1;
    double *u = ws, *v = u + n1, *minv = v + n1;
    int *p = (int *)(minv + n1), *way = p + n1, *used = way + n1;

    for (size_t j = 0; j < n1; j++) {
        u[j] = v[j] = 0.0;
        p[j] = way[j] = 0;
    }
    for (size_t i = 1; i <= N; i++) {
        size_t j0 = 0;
        p[0] = (int)i;
        for (size_t j = 0; j < n1; j++) {
            minv[j] = INFINITY;
            used[j] = 0;
        }
        do {
            used[j0] = 1;
            size_t i0 = (size_t)p[j0], j1 = 0;
            double delta = INFINITY;
            for (size_t j = 1; j <= N; j++) {
                if (used[j]) continue;
                double cur = aug(&pb, i0 - 1, j - 1) - u[i0] - v[j];
                if (cur < minv[j]) {
                    minv[j] = cur;
                    way[j] = (int)j0;
                }
                if (minv[j] < delta) {
                    delta = minv[j];
                    j1 = j;
                }
            }
            if (j1 == 0) return JMD_EINVAL; /* cannot happen with finite miss costs */
            for (size_t j = 0; j <= N; j++) {
                if (used[j]) {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
        } while (p[j0] != 0);
        do {
            size_t j1 = (size_t)way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0 != 0);
    }
    double sum = 0.0;
    for (size_t i = 0; i < nr; i++) row_to_col[i] = -1;
    for (size_t j = 1; j <= N; j++) {
        size_t i = (size_t)p[j] - 1, c = j - 1;
        sum += aug(&pb, i, c);
        if (i < nr && c < nc) row_to_col[i] = (int)c;
    }
    if (total) *total = sum;
    return 0;
}

int jmd_track_assign(size_t nr, size_t nc, const double *cost, const double *row_miss,
                     const double *col_miss, int *row_to_col, double *total)
{
    if ((nr > 0 && !row_to_col) || (nr > 0 && nc > 0 && !cost)) return JMD_EINVAL;
    if (nr + nc > 1000000 || nr > (size_t)1 << 30) return JMD_EINVAL;
    for (size_t i = 0; i < nr; i++)
        if (row_miss && !isfinite(row_miss[i])) return JMD_EINVAL;
    for (size_t j = 0; j < nc; j++)
        if (col_miss && !isfinite(col_miss[j])) return JMD_EINVAL;
    for (size_t k = 0; k < nr * nc; k++)
        if (cost[k] == -INFINITY) return JMD_EINVAL;
    if (nr == 0) {
        double s = 0.0;
        for (size_t j = 0; j < nc; j++) s += col_miss ? col_miss[j] : 0.0;
        if (total) *total = s;
        return 0;
    }
    void *ws = malloc(jmd__track_assign_ws(nr, nc));
    if (!ws) return JMD_ENOMEM;
    int rc = jmd__track_assign(nr, nc, cost, row_miss, col_miss, row_to_col, total, ws);
    free(ws);
    return rc;
}
