/*
 * tracker.c — the multi-target tracker: per radar scan, prediction of
 * every track, chi-square gating, global-nearest-neighbour association
 * solved optimally per gating cluster (jmd__track_assign), EKF updates,
 * M-of-N confirmation, deletion, and initiation from two unassociated
 * measurements or from an early-warning cue.
 *
 * Association runs in three stages so that established tracks are never
 * robbed by new hypotheses: confirmed tracks first, then tentative tracks
 * and pending cues on what is left, then pairs of unassociated
 * measurements (seeds from earlier scans against this scan's leftovers).
 * Each stage is one assignment problem split into connected components of
 * the gating graph (rows and columns joined by gated pairs), each solved
 * exactly; the cost of a pair is the generalised statistical distance
 * d^2 + ln det S (Blackman & Popoli 1999, sec. 6.3), a row left unmatched
 * costs gate + ln det S, so that every gated pair beats leaving both
 * unmatched and a tight track beats a loose one at equal d^2.
 *
 * Invariants: tracks are kept in increasing id order; all loops run in
 * index order and nothing depends on addresses or time of day, so the
 * same calls give the same bytes. Workload: jmd_tracker_scan is the hot
 * path: O(tracks x measurements) for gating plus O(k^3) per cluster of k.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/geo.h"
#include "track/track__internal.h"

typedef struct {
    long id;
    int status, cued, hits, misses;
    int nscans;         /* scans in coverage since birth (capped at confirm_n) */
    int window_hits;    /* hits within the first confirm_n of them */
    double t_first, t_update, t_boost_end;
    long last_meas_id;
    jmd_track_est est;
    /* per-scan scratch */
    int dead, updated, in_cov, valid;
    double h[3], Si[3][3], logdet;
} trk;

typedef struct {
    double t;
    double r[3], R[3][3]; /* ECI position of the measurement and its covariance */
} seed;

typedef struct {
    jmd_launch_report rep;
    double r_ecef[3];     /* launch point */
    double d_ecef[3];     /* unit vector: up, tilted along the reported azimuth */
    /* per-scan scratch */
    int dead, valid;
    jmd_track_est prior;
    double h[3], Si[3][3], logdet;
} cue;

typedef struct {
    int row, col;
    double cost;
} pair;

struct jmd_tracker {
    jmd_tracker_config cfg;
    double gate;          /* chi-square threshold on 3 dof */
    double t_now;
    int have_t;
    long next_id;
    jmd_tracker_stats st;
    trk *tr;
    size_t ntr, captr;
    seed *sd;
    size_t nsd, capsd;
    cue *cu;
    size_t ncu, capcu;
    /* scratch, grown as needed */
    pair *pairs;
    size_t npairs, cappairs;
    int *parent;          /* union-find over rows + columns */
    size_t capparent;
    double *cost, *rmiss;
    size_t capcost, caprmiss;
    int *r2c, *rows, *cols;
    size_t capr2c, caprows, capcols;
    unsigned char *ws;
    size_t capws;
    int *mused;           /* per measurement: 1 when used */
    size_t capmused;
};

/* Grow *p to hold at least n elements of size sz. */
static int grow(void *pp, size_t *cap, size_t n, size_t sz)
{
    void **p = pp;
    if (n <= *cap) return 0;
    size_t c = *cap ? *cap : 16;
    while (c < n) c *= 2;
    if (c > SIZE_MAX / sz) return JMD_ENOMEM;
    void *q = realloc(*p, c * sz);
    if (!q) return JMD_ENOMEM;
    *p = q;
    *cap = c;
    return 0;
}

void jmd_tracker_config_default(jmd_tracker_config *c)
{
    jmd_track_model_default(&c->model);
    c->gate_prob = 0.999;
    c->confirm_m = 3;
    c->confirm_n = 5;
    c->delete_misses = 5;
    c->max_pos_sigma = 50e3;
    c->max_speed = 8000.0;
    c->seed_max_age = 30.0;
    c->cue_timeout = 600.0;
    c->init_accel = 30.0;
}

static int pos(double x)
{
    return x > 0.0 && isfinite(x);
}

int jmd_tracker_create(const jmd_tracker_config *cfg, jmd_tracker **out)
{
    jmd_tracker_config c;
    if (!out) return JMD_EINVAL;
    *out = NULL;
    if (cfg) c = *cfg;
    else jmd_tracker_config_default(&c);
    const jmd_track_model *m = &c.model;
    if (!pos(m->max_step) || !(m->q_free >= 0.0) || !isfinite(m->q_free) ||
        !(m->q_boost >= 0.0) || !isfinite(m->q_boost) || !(m->boost_window >= 0.0) ||
        !isfinite(m->boost_window) || !isfinite(m->atmo_alt) ||
        !(c.gate_prob > 0.0 && c.gate_prob < 1.0) || c.confirm_m < 1 ||
        c.confirm_m > c.confirm_n || c.confirm_n > 32 || c.delete_misses < 1 ||
        !pos(c.max_pos_sigma) || !pos(c.max_speed) || !pos(c.seed_max_age) ||
        !pos(c.cue_timeout) || !(c.init_accel >= 0.0) || !isfinite(c.init_accel))
        return JMD_EINVAL;
    jmd_tracker *tk = calloc(1, sizeof *tk);
    if (!tk) return JMD_ENOMEM;
    tk->cfg = c;
    if (jmd_track_chi2_quantile(c.gate_prob, 3.0, &tk->gate) != 0) {
        free(tk);
        return JMD_EINVAL;
    }
    tk->next_id = 1;
    *out = tk;
    return 0;
}

void jmd_tracker_destroy(jmd_tracker *tk)
{
    if (!tk) return;
    free(tk->tr);
    free(tk->sd);
    free(tk->cu);
    free(tk->pairs);
    free(tk->parent);
    free(tk->cost);
    free(tk->rmiss);
    free(tk->r2c);
    free(tk->rows);
    free(tk->cols);
    free(tk->ws);
    free(tk->mused);
    free(tk);
}

/* ---- per-scan helpers --------------------------------------------------- */

typedef struct {
    const jmd_radar *radar;
    jmd_track_site site;
    double C[3][3];
    double sigma[3];
    double t;
    const jmd_measurement *m;
    size_t n;
} scan_ctx;

static int in_coverage(const jmd_radar *r, const double h[3])
{
    if (r->max_el > r->min_el && (h[2] < r->min_el || h[2] > r->max_el)) return 0;
    if (r->fov_az > 0.0 && r->fov_az < JMD__TRACK_PI &&
        fabs(jmd__track_wrap(h[1] - r->boresight_az)) > r->fov_az)
        return 0;
    if (r->fov_el > 0.0 && fabs(h[2] - r->boresight_el) > r->fov_el) return 0;
    if (r->max_range > 0.0 && h[0] > r->max_range) return 0;
    return 1;
}

/* Predicted measurement, inverse innovation covariance and ln det S. */
static int gate_prep(const scan_ctx *sc, const jmd_track_est *e, double h[3], double Si[3][3],
                     double *logdet)
{
    double Hr[3][3], S[3][3];
    if (jmd__track_measure(&sc->site, sc->C, e->x, h, Hr) != 0) return -1;
    for (int i = 0; i < 3; i++)
        for (int j = i; j < 3; j++) {
            double v = 0.0;
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) v += Hr[i][a] * e->P[a][b] * Hr[j][b];
            S[i][j] = S[j][i] = v;
        }
    for (int i = 0; i < 3; i++) S[i][i] += sc->sigma[i] * sc->sigma[i];
    return jmd__track_inv3(S, Si, logdet);
}

static double dist2(const double h[3], const double Si[3][3], const jmd_measurement *m)
{
    double nu[3] = {m->range - h[0], jmd__track_wrap(m->az - h[1]), m->el - h[2]};
    double v = 0.0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) v += nu[i] * Si[i][j] * nu[j];
    return v;
}

static int uf_find(int *parent, int x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Solve the assignment given by tk->pairs (rows [0, nr), columns [0, nc),
 * each row's miss cost in rmiss_row[]) cluster by cluster; row_to_col[]
 * (nr entries) gets the result. */
static int solve_clusters(jmd_tracker *tk, size_t nr, size_t nc, const double *rmiss_row,
                          int *row_to_col)
{
    for (size_t i = 0; i < nr; i++) row_to_col[i] = -1;
    if (tk->npairs == 0) return 0;
    if (grow(&tk->parent, &tk->capparent, nr + nc, sizeof *tk->parent)) return JMD_ENOMEM;
    int *par = tk->parent;
    for (size_t k = 0; k < nr + nc; k++) par[k] = (int)k;
    for (size_t k = 0; k < tk->npairs; k++) {
        int a = uf_find(par, tk->pairs[k].row), b = uf_find(par, (int)nr + tk->pairs[k].col);
        if (a != b) par[a > b ? a : b] = a < b ? a : b;
    }
    /* Pairs are generated row-major, so a cluster's rows and columns are
     * gathered in increasing order by scanning rows and columns. */
    if (grow(&tk->rows, &tk->caprows, nr, sizeof *tk->rows) ||
        grow(&tk->cols, &tk->capcols, nc, sizeof *tk->cols) ||
        grow(&tk->r2c, &tk->capr2c, nr, sizeof *tk->r2c) ||
        grow(&tk->rmiss, &tk->caprmiss, nr, sizeof *tk->rmiss))
        return JMD_ENOMEM;
    for (size_t k = 0; k < tk->npairs; k++) {
        int root = uf_find(par, tk->pairs[k].row);
        if (root != tk->pairs[k].row || row_to_col[root] != -1) continue;
        /* root is the smallest row of an unsolved cluster */
        size_t cr = 0, cc = 0;
        for (size_t i = (size_t)root; i < nr; i++)
            if (uf_find(par, (int)i) == root) tk->rows[cr++] = (int)i;
        for (size_t j = 0; j < nc; j++)
            if (uf_find(par, (int)(nr + j)) == root) tk->cols[cc++] = (int)j;
        if (grow(&tk->cost, &tk->capcost, cr * cc, sizeof *tk->cost) ||
            grow(&tk->ws, &tk->capws, jmd__track_assign_ws(cr, cc), 1))
            return JMD_ENOMEM;
        for (size_t k2 = 0; k2 < cr * cc; k2++) tk->cost[k2] = INFINITY;
        for (size_t a = 0; a < cr; a++) tk->rmiss[a] = rmiss_row[tk->rows[a]];
        for (size_t k2 = k; k2 < tk->npairs; k2++) {
            const pair *p = &tk->pairs[k2];
            if (uf_find(par, p->row) != root) continue;
            size_t a = 0, b = 0;
            while (tk->rows[a] != p->row) a++;
            while (tk->cols[b] != p->col) b++;
            tk->cost[a * cc + b] = p->cost;
        }
        int rc = jmd__track_assign(cr, cc, tk->cost, tk->rmiss, NULL, tk->r2c, NULL, tk->ws);
        if (rc != 0) return rc;
        for (size_t a = 0; a < cr; a++)
            row_to_col[tk->rows[a]] = tk->r2c[a] >= 0 ? tk->cols[tk->r2c[a]] : -2;
    }
    for (size_t i = 0; i < nr; i++)
        if (row_to_col[i] == -2) row_to_col[i] = -1;
    return 0;
}

static int add_pair(jmd_tracker *tk, int row, int col, double cost)
{
    if (grow(&tk->pairs, &tk->cappairs, tk->npairs + 1, sizeof *tk->pairs)) return JMD_ENOMEM;
    tk->pairs[tk->npairs++] = (pair){row, col, cost};
    return 0;
}

static void record_hit(jmd_tracker *tk, trk *t, const jmd_measurement *m, double time)
{
    t->updated = 1;
    t->hits++;
    t->misses = 0;
    t->t_update = time;
    t->last_meas_id = m->meas_id;
    if (t->nscans < tk->cfg.confirm_n) {
        t->nscans++;
        t->window_hits++;
    }
    tk->st.updates++;
}

static int apply_update(const scan_ctx *sc, trk *t, const jmd_measurement *m)
{
    double z[3] = {m->range, m->az, m->el};
    return jmd_track_update(&sc->site, z, sc->sigma, &t->est, NULL);
}

/* Stage for tracks with the given status (tentative stage also takes cues):
 * gate, assign, update. */
static int stage_tracks(jmd_tracker *tk, const scan_ctx *sc, int status, int with_cues)
{
    size_t nr = 0;
    /* rows: the tracks of this status (in id order), then the cues */
    tk->npairs = 0;
    if (grow(&tk->rmiss, &tk->caprmiss, tk->ntr + tk->ncu, sizeof *tk->rmiss)) return JMD_ENOMEM;
    size_t nrow_tr = 0;
    for (size_t i = 0; i < tk->ntr; i++) {
        trk *t = &tk->tr[i];
        if (t->dead || t->status != status || !t->valid) continue;
        nrow_tr++;
    }
    size_t nrows = nrow_tr, nrow_cu = 0;
    if (with_cues)
        for (size_t c = 0; c < tk->ncu; c++)
            if (!tk->cu[c].dead && tk->cu[c].valid) nrow_cu++;
    nrows += nrow_cu;
    if (nrows == 0 || sc->n == 0) return 0;
    double *rmiss = malloc(nrows * sizeof *rmiss);
    int *rowref = malloc(nrows * sizeof *rowref), *r2c = malloc(nrows * sizeof *r2c);
    int rc = JMD_ENOMEM;
    if (!rmiss || !rowref || !r2c) goto done;
    for (size_t i = 0; i < tk->ntr; i++) {
        trk *t = &tk->tr[i];
        if (t->dead || t->status != status || !t->valid) continue;
        rowref[nr] = (int)i;
        rmiss[nr] = tk->gate + t->logdet;
        for (size_t j = 0; j < sc->n; j++) {
            if (tk->mused[j]) continue;
            double d2 = dist2(t->h, t->Si, &sc->m[j]);
            if (d2 < tk->gate && add_pair(tk, (int)nr, (int)j, d2 + t->logdet)) goto done;
        }
        nr++;
    }
    if (with_cues)
        for (size_t c = 0; c < tk->ncu; c++) {
            cue *q = &tk->cu[c];
            if (q->dead || !q->valid) continue;
            rowref[nr] = -1 - (int)c;
            rmiss[nr] = tk->gate + q->logdet;
            for (size_t j = 0; j < sc->n; j++) {
                if (tk->mused[j]) continue;
                double d2 = dist2(q->h, q->Si, &sc->m[j]);
                if (d2 < tk->gate && add_pair(tk, (int)nr, (int)j, d2 + q->logdet)) goto done;
            }
            nr++;
        }
    if ((rc = solve_clusters(tk, nr, sc->n, rmiss, r2c)) != 0) goto done;
    for (size_t a = 0; a < nr; a++) {
        if (r2c[a] < 0) continue;
        const jmd_measurement *m = &sc->m[r2c[a]];
        if (rowref[a] >= 0) {
            trk *t = &tk->tr[rowref[a]];
            if (apply_update(sc, t, m) != 0) continue;
            tk->mused[r2c[a]] = 1;
            record_hit(tk, t, m, sc->t);
        } else {
            cue *q = &tk->cu[-1 - rowref[a]];
            if (grow(&tk->tr, &tk->captr, tk->ntr + 1, sizeof *tk->tr)) goto done;
            trk *t = &tk->tr[tk->ntr];
            memset(t, 0, sizeof *t);
            t->est = q->prior;
            if (apply_update(sc, t, m) != 0) continue;
            tk->ntr++;
            t->id = tk->next_id++;
            t->status = JMD_TRACK_TENTATIVE;
            t->cued = 1;
            t->t_first = q->rep.t_launch;
            t->t_boost_end = q->rep.t_launch + tk->cfg.model.boost_window;
            record_hit(tk, t, m, sc->t);
            tk->st.started++;
            q->dead = 1;
            tk->mused[r2c[a]] = 1;
        }
    }
    rc = 0;
done:
    free(rmiss);
    free(rowref);
    free(r2c);
    return rc;
}

/* The prior of a cue at time t: see docs/track.md ("Cued initiation"). */
static int cue_prior(const jmd_tracker *tk, const cue *q, double t, jmd_track_est *e)
{
    double tau = t - q->rep.t_launch;
    if (tau < 0.0) tau = 0.0;
    double a = tk->cfg.init_accel, vmax = tk->cfg.max_speed;
    double tau_hi = tau + 2.0 * (q->rep.sigma_t > 0.0 ? q->rep.sigma_t : 0.0);
    double s_nom = fmin(0.5 * a * tau * tau, vmax * tau);
    double s_hi = fmin(0.5 * a * tau_hi * tau_hi, vmax * tau_hi);
    double v_nom = fmin(a * tau, vmax), v_hi = fmin(a * tau_hi, vmax);
    double r_e[3], v_e[3];
    for (int i = 0; i < 3; i++) {
        r_e[i] = q->r_ecef[i] + q->d_ecef[i] * 0.5 * s_nom;
        v_e[i] = q->d_ecef[i] * 0.5 * v_nom;
    }
    if (jmd_geo_ecef_to_eci_state(t, r_e, v_e, e->x, e->x + 3) != 0) return -1;
    double sp = q->rep.sigma_pos > 0.0 ? q->rep.sigma_pos : 0.0;
    double vr = sp * sp + 0.25 * s_hi * s_hi + 1e6;       /* at least 1 km */
    double vv = 0.25 * v_hi * v_hi + 1e4 + (JMD_EARTH_OMEGA * JMD_EARTH_OMEGA) * vr;
    memset(e->P, 0, sizeof e->P);
    for (int i = 0; i < 3; i++) {
        e->P[i][i] = vr;
        e->P[i + 3][i + 3] = vv;
    }
    e->t = t;
    return 0;
}

/* Two-point initiation: this scan's unused measurements against seeds. */
static int stage_seeds(jmd_tracker *tk, const scan_ctx *sc)
{
    size_t nu = 0;
    for (size_t j = 0; j < sc->n; j++)
        if (!tk->mused[j]) nu++;
    if (nu == 0) return 0;
    seed *cand = malloc(nu * sizeof *cand);
    int *mref = malloc(nu * sizeof *mref), *r2c = NULL;
    double *rmiss = NULL;
    int rc = JMD_ENOMEM;
    if (!cand || !mref) goto done;
    nu = 0;
    for (size_t j = 0; j < sc->n; j++) {
        if (tk->mused[j]) continue;
        double z[3] = {sc->m[j].range, sc->m[j].az, sc->m[j].el};
        jmd__track_unmeasure(&sc->site, sc->C, z, sc->sigma, cand[nu].r, cand[nu].R);
        cand[nu].t = sc->t;
        mref[nu++] = (int)j;
    }
    /* rows: seeds; columns: candidates. Cost: (distance / (vmax age))^2. */
    tk->npairs = 0;
    size_t ns = tk->nsd;
    if (ns > 0) {
        rmiss = malloc(ns * sizeof *rmiss);
        r2c = malloc(ns * sizeof *r2c);
        if (!rmiss || !r2c) goto done;
        for (size_t s = 0; s < ns; s++) {
            const seed *o = &tk->sd[s];
            double age = sc->t - o->t;
            rmiss[s] = 1.0;
            if (!(age > 0.0)) continue;
            double reach = tk->cfg.max_speed * age;
            for (size_t c = 0; c < nu; c++) {
                double d[3], tr = 0.0;
                for (int i = 0; i < 3; i++) {
                    d[i] = cand[c].r[i] - o->r[i];
                    tr += cand[c].R[i][i] + o->R[i][i];
                }
                double dist = jmd_vec_norm(d), lim = reach + 3.0 * sqrt(tr);
                if (dist < lim && add_pair(tk, (int)s, (int)c, (dist / lim) * (dist / lim)))
                    goto done;
            }
        }
        if ((rc = solve_clusters(tk, ns, nu, rmiss, r2c)) != 0) goto done;
        rc = JMD_ENOMEM;
        for (size_t s = 0; s < ns; s++) {
            if (r2c[s] < 0) continue;
            const seed *o = &tk->sd[s];
            const seed *c = &cand[r2c[s]];
            double age = c->t - o->t;
            if (grow(&tk->tr, &tk->captr, tk->ntr + 1, sizeof *tk->tr)) goto done;
            trk *t = &tk->tr[tk->ntr++];
            memset(t, 0, sizeof *t);
            /* v = (r2 - r1) / age + g(r2) age / 2 (the mean velocity over the
             * interval, moved to its end by gravity). */
            double g[3];
            jmd__track_gravity(tk->cfg.model.j2, c->r, g, NULL);
            double ia = tk->cfg.init_accel * age / 2.0;
            for (int i = 0; i < 3; i++) {
                t->est.x[i] = c->r[i];
                t->est.x[i + 3] = (c->r[i] - o->r[i]) / age + g[i] * age / 2.0;
                for (int k = 0; k < 3; k++) {
                    t->est.P[i][k] = c->R[i][k];
                    t->est.P[i][k + 3] = t->est.P[i + 3][k] = c->R[i][k] / age;
                    t->est.P[i + 3][k + 3] = (c->R[i][k] + o->R[i][k]) / (age * age);
                }
                t->est.P[i + 3][i + 3] += ia * ia;
            }
            jmd__track_fix_cov((double *)&t->est.P);
            t->est.t = sc->t;
            t->id = tk->next_id++;
            t->status = JMD_TRACK_TENTATIVE;
            t->hits = 2;
            t->nscans = t->window_hits = 2 < tk->cfg.confirm_n ? 2 : tk->cfg.confirm_n;
            t->t_first = o->t;
            t->t_update = sc->t;
            t->t_boost_end = o->t + tk->cfg.model.boost_window;
            t->last_meas_id = sc->m[mref[r2c[s]]].meas_id;
            t->updated = 1;
            tk->mused[mref[r2c[s]]] = 1;
            tk->st.started++;
        }
    }
    /* Used seeds go; stale seeds go; unused candidates become seeds. */
    size_t k = 0;
    for (size_t s = 0; s < ns; s++) {
        int used = r2c && r2c[s] >= 0;
        if (used || sc->t - tk->sd[s].t > tk->cfg.seed_max_age) continue;
        tk->sd[k++] = tk->sd[s];
    }
    tk->nsd = k;
    for (size_t c = 0; c < nu; c++) {
        if (tk->mused[mref[c]]) continue;
        if (grow(&tk->sd, &tk->capsd, tk->nsd + 1, sizeof *tk->sd)) goto done;
        tk->sd[tk->nsd++] = cand[c];
    }
    rc = 0;
done:
    free(cand);
    free(mref);
    free(rmiss);
    free(r2c);
    return rc;
}

static double max_pos_var(const jmd_track_est *e)
{
    return fmax(e->P[0][0], fmax(e->P[1][1], e->P[2][2]));
}

int jmd_tracker_scan(jmd_tracker *tk, const jmd_radar *radar, double t,
                     const jmd_measurement *m, size_t n)
{
    scan_ctx sc;
    if (!tk || !radar || !isfinite(t) || (n > 0 && !m)) return JMD_EINVAL;
    if (tk->have_t && t < tk->t_now) return JMD_EINVAL;
    if (!pos(radar->sigma_range) || !pos(radar->sigma_az) || !pos(radar->sigma_el))
        return JMD_EINVAL;
    for (size_t j = 0; j < n; j++)
        if (!pos(m[j].range) || !isfinite(m[j].az) || !isfinite(m[j].el) ||
            fabs(m[j].el) > 0.5 * JMD__TRACK_PI)
            return JMD_EINVAL;
    if (jmd_track_site_init(&sc.site, radar->lat, radar->lon, radar->h) != 0 ||
        jmd__track_rot(t, sc.C) != 0)
        return JMD_EINVAL;
    if (grow(&tk->mused, &tk->capmused, n, sizeof *tk->mused)) return JMD_ENOMEM;
    sc.radar = radar;
    sc.sigma[0] = radar->sigma_range;
    sc.sigma[1] = radar->sigma_az;
    sc.sigma[2] = radar->sigma_el;
    sc.t = t;
    sc.m = m;
    sc.n = n;
    tk->t_now = t;
    tk->have_t = 1;
    tk->st.scans++;
    tk->st.measurements += (long)n;
    for (size_t j = 0; j < n; j++) tk->mused[j] = 0;

    /* Predict and prepare every track. */
    for (size_t i = 0; i < tk->ntr; i++) {
        trk *tr = &tk->tr[i];
        tr->updated = tr->in_cov = tr->valid = 0;
        double q = jmd_track_q(&tk->cfg.model, &tr->est, tr->t_boost_end);
        if (jmd_track_predict(&tk->cfg.model, q, &tr->est, t) != 0) {
            tr->dead = 1;
            continue;
        }
        if (gate_prep(&sc, &tr->est, tr->h, tr->Si, &tr->logdet) == 0) {
            tr->valid = 1;
            tr->in_cov = in_coverage(radar, tr->h);
        }
    }
    for (size_t c = 0; c < tk->ncu; c++) {
        cue *q = &tk->cu[c];
        q->valid = 0;
        if (t - q->rep.t > tk->cfg.cue_timeout) {
            q->dead = 1;
            continue;
        }
        if (t < q->rep.t) continue;
        if (cue_prior(tk, q, t, &q->prior) == 0 &&
            gate_prep(&sc, &q->prior, q->h, q->Si, &q->logdet) == 0)
            q->valid = 1;
    }

    int rc = stage_tracks(tk, &sc, JMD_TRACK_CONFIRMED, 0);
    if (rc == 0) rc = stage_tracks(tk, &sc, JMD_TRACK_TENTATIVE, 1);
    if (rc == 0) rc = stage_seeds(tk, &sc);

    /* Life cycle. */
    const jmd_tracker_config *cf = &tk->cfg;
    for (size_t i = 0; i < tk->ntr; i++) {
        trk *tr = &tk->tr[i];
        if (tr->dead) continue;
        if (!tr->updated && tr->in_cov) {
            tr->misses++;
            if (tr->nscans < cf->confirm_n) tr->nscans++;
        }
        if (tr->status == JMD_TRACK_TENTATIVE) {
            if (tr->window_hits >= cf->confirm_m) {
                tr->status = JMD_TRACK_CONFIRMED;
                tk->st.confirmed++;
            } else if (tr->window_hits + (cf->confirm_n - tr->nscans) < cf->confirm_m) {
                tr->dead = 1;
            }
        } else if (tr->misses >= cf->delete_misses) {
            tr->dead = 1;
        }
        if (max_pos_var(&tr->est) > cf->max_pos_sigma * cf->max_pos_sigma) tr->dead = 1;
    }
    size_t k = 0;
    for (size_t i = 0; i < tk->ntr; i++) {
        if (tk->tr[i].dead) {
            tk->st.deleted++;
            continue;
        }
        tk->tr[k++] = tk->tr[i];
    }
    tk->ntr = k;
    k = 0;
    for (size_t c = 0; c < tk->ncu; c++)
        if (!tk->cu[c].dead) tk->cu[k++] = tk->cu[c];
    tk->ncu = k;
    return rc;
}

int jmd_tracker_cue(jmd_tracker *tk, const jmd_launch_report *r)
{
    if (!tk || !r || !isfinite(r->t) || !isfinite(r->t_launch) || !isfinite(r->azimuth) ||
        !isfinite(r->sigma_pos) || !isfinite(r->sigma_t) || r->t < r->t_launch)
        return JMD_EINVAL;
    cue q;
    memset(&q, 0, sizeof q);
    q.rep = *r;
    double M[3][3];
    if (jmd_geo_to_ecef(r->lat, r->lon, 0.0, q.r_ecef) != 0 ||
        jmd_geo_enu_matrix(r->lat, r->lon, M) != 0)
        return JMD_EINVAL;
    /* Up, tilted half-way towards the launch azimuth: the mean direction of
     * a boost trajectory's first minutes. */
    double se = sin(r->azimuth), ce = cos(r->azimuth), d[3];
    for (int i = 0; i < 3; i++) d[i] = M[2][i] + 0.5 * (se * M[0][i] + ce * M[1][i]);
    double dn = jmd_vec_norm(d);
    for (int i = 0; i < 3; i++) q.d_ecef[i] = d[i] / dn;
    if (grow(&tk->cu, &tk->capcu, tk->ncu + 1, sizeof *tk->cu)) return JMD_ENOMEM;
    tk->cu[tk->ncu++] = q;
    return 0;
}

size_t jmd_tracker_count(const jmd_tracker *tk)
{
    return tk ? tk->ntr : 0;
}

size_t jmd_tracker_cue_count(const jmd_tracker *tk)
{
    return tk ? tk->ncu : 0;
}

int jmd_tracker_track(const jmd_tracker *tk, size_t i, jmd_track_info *out)
{
    if (!tk || !out) return JMD_EINVAL;
    if (i >= tk->ntr) return JMD_ERANGE;
    const trk *t = &tk->tr[i];
    out->id = t->id;
    out->status = t->status;
    out->cued = t->cued;
    out->hits = t->hits;
    out->misses = t->misses;
    out->t_first = t->t_first;
    out->t_update = t->t_update;
    out->last_meas_id = t->last_meas_id;
    out->est = t->est;
    return 0;
}

int jmd_tracker_predict(const jmd_tracker *tk, size_t i, double t, jmd_track_est *out)
{
    if (!tk || !out || !isfinite(t)) return JMD_EINVAL;
    if (i >= tk->ntr) return JMD_ERANGE;
    jmd_track_est e = tk->tr[i].est;
    double q = jmd_track_q(&tk->cfg.model, &e, tk->tr[i].t_boost_end);
    int rc = jmd_track_predict(&tk->cfg.model, q, &e, t);
    if (rc == 0) *out = e;
    return rc;
}

void jmd_tracker_stats_get(const jmd_tracker *tk, jmd_tracker_stats *out)
{
    if (!out) return;
    if (!tk) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = tk->st;
}
