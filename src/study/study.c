/*
 * study.c — Monte Carlo over (model, trial) jobs with common random
 * numbers (see jmd/study.h): a pthread pool runs the jobs, each into its
 * own slot of a window of slots; the calling thread consumes the slots in
 * job order (statistics, SQLite rows, callbacks, progress) so the outputs
 * do not depend on the thread count or on scheduling.
 *
 * Job j is trial j / nmodels under model j % nmodels: all models of one
 * trial run close together. A worker takes job j only once job
 * j - window has been consumed, so at most `window` results are alive.
 *
 * Workload: the trials dominate (0.1 s and more each); this code is cold.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jmd/error.h"
#include "jmd/rng.h"
#include "study/study__internal.h"

void jmd_study_opts_default(jmd_study_opts *o)
{
    memset(o, 0, sizeof *o);
    for (int m = 0; m < JMD_GOV_NMODELS; m++)
        o->models[m] = m;
    o->nmodels = JMD_GOV_NMODELS;
    o->trials = 100;
    o->threads = 1;
    o->seed = 0;
    jmd_sim_opts_default(&o->sim);
    o->db_path = NULL;
}

uint64_t jmd_study_trial_seed(uint64_t seed, long trial)
{
    jmd_rng r;
    jmd_rng_init(&r, seed, "trial", (uint64_t)trial);
    return jmd_rng_u64(&r);
}

/* ---- the pool ---------------------------------------------------------- */

typedef struct {
    jmd_sim_result *r;
    int rc;
    int done;
    char err[512];
} slot;

typedef struct {
    const jmd_scenario *sc;
    const jmd_study_opts *o;
    long total, window;
    pthread_mutex_t mu;
    pthread_cond_t work_cv, done_cv;
    long next, consumed;
    int stop;
    slot *slots;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->next < p->total && p->next >= p->consumed + p->window)
            pthread_cond_wait(&p->work_cv, &p->mu);
        if (p->stop || p->next >= p->total) break;
        long j = p->next++;
        pthread_mutex_unlock(&p->mu);

        long trial = j / p->o->nmodels;
        int mi = (int)(j % p->o->nmodels);
        jmd_sim_opts so = p->o->sim;
        so.model = p->o->models[mi];
        so.events = NULL;
        jmd_sim_result *r = NULL;
        char err[512] = "";
        int rc = jmd_sim_run(p->sc, jmd_study_trial_seed(p->o->seed, trial), &so, &r, err,
                             sizeof err);

        pthread_mutex_lock(&p->mu);
        slot *s = &p->slots[j % p->window];
        s->r = r;
        s->rc = rc;
        memcpy(s->err, err, sizeof err);
        s->done = 1;
        pthread_cond_broadcast(&p->done_cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- aggregation ------------------------------------------------------- */

typedef struct {
    long no_hit;
    jmd_study__acc assets_hit, proposals, approvals, vetoes, timeouts;
    long threatened, defended, rd, rc, ri;
} party_agg;

typedef struct {
    long no_leak;
    jmd_study__acc leakers, intercepted, fired, wasted;
    jmd_study__acc proposals, approvals, vetoes, timeouts;
    double *times[JMD_STUDY_NTIMES]; /* [trials], the trials that had it */
    long ntimes[JMD_STUDY_NTIMES];
    party_agg *party;
    jmd_study__acc *msgs, *bytes;
} model_agg;

static void agg_free(model_agg *a, int n)
{
    if (!a) return;
    for (int m = 0; m < n; m++) {
        for (int k = 0; k < JMD_STUDY_NTIMES; k++)
            free(a[m].times[k]);
        free(a[m].party);
        free(a[m].msgs);
        free(a[m].bytes);
    }
    free(a);
}

static void agg_add(model_agg *a, size_t np, const jmd_sim_result *r)
{
    int leakers = 0;
    for (size_t i = 0; i < r->nthreats; i++)
        leakers += r->threats[i].fate == JMD_FATE_LEAKED;
    a->no_leak += leakers == 0;
    jmd_study__acc_add(&a->leakers, leakers);
    jmd_study__acc_add(&a->intercepted, r->intercepted);
    jmd_study__acc_add(&a->fired, r->fired);
    jmd_study__acc_add(&a->wasted, r->wasted);
    double t[JMD_STUDY_NTIMES];
    jmd_study__timeline(r, t);
    for (int k = 0; k < JMD_STUDY_NTIMES; k++)
        if (isfinite(t[k])) a->times[k][a->ntimes[k]++] = t[k];
    long pr = 0, ap = 0, ve = 0, to = 0;
    for (size_t p = 0; p < np && p < r->nparties; p++) {
        const jmd_sim_party *sp = &r->party[p];
        party_agg *pa = &a->party[p];
        pa->no_hit += sp->assets_hit == 0;
        jmd_study__acc_add(&pa->assets_hit, sp->assets_hit);
        jmd_study__acc_add(&pa->proposals, sp->proposals);
        jmd_study__acc_add(&pa->approvals, sp->approvals);
        jmd_study__acc_add(&pa->vetoes, sp->vetoes);
        jmd_study__acc_add(&pa->timeouts, sp->timeouts);
        pa->threatened += sp->threatened;
        pa->defended += sp->defended;
        pa->rd += sp->relied_data;
        pa->rc += sp->relied_consent;
        pa->ri += sp->relied_interceptor;
        pr += sp->proposals;
        ap += sp->approvals;
        ve += sp->vetoes;
        to += sp->timeouts;
    }
    jmd_study__acc_add(&a->proposals, (double)pr);
    jmd_study__acc_add(&a->approvals, (double)ap);
    jmd_study__acc_add(&a->vetoes, (double)ve);
    jmd_study__acc_add(&a->timeouts, (double)to);
    for (size_t i = 0; i < np * np; i++) {
        int have = r->nparties == np && r->msgs && r->bytes;
        jmd_study__acc_add(&a->msgs[i], have ? (double)r->msgs[i] : 0.0);
        jmd_study__acc_add(&a->bytes[i], have ? (double)r->bytes[i] : 0.0);
    }
}

static void ratio(long relied, long defended, jmd_study_ratio *out)
{
    out->relied = relied;
    out->defended = defended;
    out->share = defended > 0 ? (double)relied / (double)defended : NAN;
}

static int agg_finish(const model_agg *a, size_t np, long trials, jmd_study_model *m)
{
    jmd_study_wilson(a->no_leak, trials, JMD_STUDY_Z95, &m->no_leaker);
    jmd_study__acc_finish(&a->leakers, &m->leakers);
    jmd_study__acc_finish(&a->intercepted, &m->intercepted);
    jmd_study__acc_finish(&a->fired, &m->fired);
    jmd_study__acc_finish(&a->wasted, &m->wasted);
    jmd_study__acc_finish(&a->proposals, &m->proposals);
    jmd_study__acc_finish(&a->approvals, &m->approvals);
    jmd_study__acc_finish(&a->vetoes, &m->vetoes);
    jmd_study__acc_finish(&a->timeouts, &m->timeouts);
    for (int k = 0; k < JMD_STUDY_NTIMES; k++) {
        m->times[k].n = a->ntimes[k];
        m->times[k].median = NAN;
        if (a->ntimes[k] > 0)
            jmd_study_median(a->times[k], (size_t)a->ntimes[k], &m->times[k].median);
    }
    m->party = calloc(np ? np : 1, sizeof *m->party);
    m->msgs = calloc(np ? np * np : 1, sizeof *m->msgs);
    m->bytes = calloc(np ? np * np : 1, sizeof *m->bytes);
    if (!m->party || !m->msgs || !m->bytes) return JMD_ENOMEM;
    for (size_t p = 0; p < np; p++) {
        const party_agg *pa = &a->party[p];
        jmd_study_party *sp = &m->party[p];
        jmd_study_wilson(pa->no_hit, trials, JMD_STUDY_Z95, &sp->no_asset_hit);
        jmd_study__acc_finish(&pa->assets_hit, &sp->assets_hit);
        jmd_study__acc_finish(&pa->proposals, &sp->proposals);
        jmd_study__acc_finish(&pa->approvals, &sp->approvals);
        jmd_study__acc_finish(&pa->vetoes, &sp->vetoes);
        jmd_study__acc_finish(&pa->timeouts, &sp->timeouts);
        sp->threatened = pa->threatened;
        sp->defended = pa->defended;
        ratio(pa->rd, pa->defended, &sp->dep_data);
        ratio(pa->rc, pa->defended, &sp->dep_consent);
        ratio(pa->ri, pa->defended, &sp->dep_interceptor);
    }
    for (size_t i = 0; i < np * np; i++) {
        jmd_study__acc_finish(&a->msgs[i], &m->msgs[i]);
        jmd_study__acc_finish(&a->bytes[i], &m->bytes[i]);
    }
    return 0;
}

void jmd_study_free(jmd_study *s)
{
    if (!s) return;
    for (size_t m = 0; m < s->nmodels; m++) {
        free(s->models[m].party);
        free(s->models[m].msgs);
        free(s->models[m].bytes);
    }
    free(s->models);
    free(s);
}

/* ---- the run ----------------------------------------------------------- */

int jmd_study_run(const jmd_scenario *sc, const jmd_study_opts *o, jmd_study **out, char *err,
                  size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (out) *out = NULL;
    if (!sc || !o || !out || o->nmodels < 1 || o->nmodels > JMD_STUDY_MAX_MODELS ||
        o->trials < 1 || o->trials > JMD_STUDY_MAX_TRIALS || o->threads < 1 ||
        o->threads > JMD_STUDY_MAX_THREADS || o->sim.events) {
        if (err && errlen)
            snprintf(err, errlen,
                     "study: invalid arguments (models 1..%d, trials 1..%ld, "
                     "threads 1..%d, no event log)",
                     JMD_STUDY_MAX_MODELS, JMD_STUDY_MAX_TRIALS, JMD_STUDY_MAX_THREADS);
        return JMD_EINVAL;
    }
    for (int m = 0; m < o->nmodels; m++)
        if (o->models[m] < -1 || o->models[m] >= JMD_GOV_NMODELS) {
            if (err && errlen)
                snprintf(err, errlen, "study: models[%d]: expected -1 .. %d, found %d", m,
                         JMD_GOV_NMODELS - 1, o->models[m]);
            return JMD_EINVAL;
        }

    int rc = JMD_ENOMEM, nm = o->nmodels;
    size_t np = sc->nparties;
    jmd_study *s = NULL;
    jmd_study__store *st = NULL;
    pthread_t *tids = NULL;
    int nthreads = 0, pool_init = 0;
    pool p;
    memset(&p, 0, sizeof p);

    model_agg *agg = calloc((size_t)nm, sizeof *agg);
    if (!agg) goto fail;
    for (int m = 0; m < nm; m++) {
        for (int k = 0; k < JMD_STUDY_NTIMES; k++)
            if (!(agg[m].times[k] = malloc((size_t)o->trials * sizeof(double)))) goto fail;
        agg[m].party = calloc(np ? np : 1, sizeof *agg[m].party);
        agg[m].msgs = calloc(np ? np * np : 1, sizeof *agg[m].msgs);
        agg[m].bytes = calloc(np ? np * np : 1, sizeof *agg[m].bytes);
        if (!agg[m].party || !agg[m].msgs || !agg[m].bytes) goto fail;
    }
    if (o->db_path) {
        rc = jmd_study__store_open(o->db_path, sc, o, &st, err, errlen);
        if (rc != 0) goto fail;
        rc = JMD_ENOMEM;
    }

    p.sc = sc;
    p.o = o;
    p.total = o->trials * nm;
    p.window = 4L * o->threads + nm;
    if (!(p.slots = calloc((size_t)p.window, sizeof *p.slots))) goto fail;
    if (pthread_mutex_init(&p.mu, NULL) != 0) goto fail;
    if (pthread_cond_init(&p.work_cv, NULL) != 0) {
        pthread_mutex_destroy(&p.mu);
        goto fail;
    }
    if (pthread_cond_init(&p.done_cv, NULL) != 0) {
        pthread_cond_destroy(&p.work_cv);
        pthread_mutex_destroy(&p.mu);
        goto fail;
    }
    pool_init = 1;
    if (!(tids = calloc((size_t)o->threads, sizeof *tids))) goto fail;
    for (int i = 0; i < o->threads; i++) {
        if (pthread_create(&tids[i], NULL, worker, &p) != 0) break;
        nthreads++;
    }
    if (nthreads == 0) {
        if (err && errlen) snprintf(err, errlen, "study: cannot start a thread");
        goto fail;
    }

    rc = 0;
    for (long j = 0; j < p.total; j++) {
        pthread_mutex_lock(&p.mu);
        slot *sl = &p.slots[j % p.window];
        while (!sl->done)
            pthread_cond_wait(&p.done_cv, &p.mu);
        slot got = *sl;
        memset(sl, 0, sizeof *sl);
        p.consumed = j + 1;
        pthread_cond_broadcast(&p.work_cv);
        pthread_mutex_unlock(&p.mu);

        long trial = j / nm;
        int mi = (int)(j % nm);
        int model = o->models[mi];
        int eff = model < 0 ? (int)sc->gov.model : model;
        uint64_t seed = jmd_study_trial_seed(o->seed, trial);
        if (got.rc != 0) {
            rc = got.rc;
            if (err && errlen)
                snprintf(err, errlen, "model %s, trial %ld (seed %llu): %s",
                         jmd_gov_model_name((jmd_gov_model)eff), trial,
                         (unsigned long long)seed, got.err);
        } else {
            agg_add(&agg[mi], np, got.r);
            if (st) rc = jmd_study__store_add(st, sc, mi, eff, trial, seed, got.r, err, errlen);
            if (rc == 0 && o->on_trial) {
                rc = o->on_trial(o->on_trial_arg, mi, trial, seed, got.r);
                if (rc != 0 && err && errlen)
                    snprintf(err, errlen, "study: stopped by the caller at trial %ld", trial);
            }
        }
        jmd_sim_result_free(got.r);
        if (rc != 0) break;
        if (o->progress) o->progress(o->progress_arg, j + 1, p.total);
    }

    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_broadcast(&p.work_cv);
    pthread_mutex_unlock(&p.mu);
    for (int i = 0; i < nthreads; i++)
        pthread_join(tids[i], NULL);
    nthreads = 0;
    if (rc != 0) goto fail;

    if (st) {
        rc = jmd_study__store_close(st, err, errlen);
        st = NULL;
        if (rc != 0) goto fail;
    }
    rc = JMD_ENOMEM;
    if (!(s = calloc(1, sizeof *s))) goto fail;
    if (!(s->models = calloc((size_t)nm, sizeof *s->models))) goto fail;
    s->nmodels = (size_t)nm;
    s->seed = o->seed;
    s->trials = o->trials;
    s->nparties = np;
    for (int m = 0; m < nm; m++) {
        s->models[m].model = o->models[m];
        s->models[m].effective = o->models[m] < 0 ? (int)sc->gov.model : o->models[m];
        if (agg_finish(&agg[m], np, o->trials, &s->models[m]) != 0) goto fail;
    }
    *out = s;
    s = NULL;
    rc = 0;
fail:
    if (rc == JMD_ENOMEM && err && errlen && !err[0])
        snprintf(err, errlen, "study: out of memory");
    if (nthreads > 0) {
        pthread_mutex_lock(&p.mu);
        p.stop = 1;
        pthread_cond_broadcast(&p.work_cv);
        pthread_mutex_unlock(&p.mu);
        for (int i = 0; i < nthreads; i++)
            pthread_join(tids[i], NULL);
    }
    if (p.slots)
        for (long i = 0; i < p.window; i++)
            jmd_sim_result_free(p.slots[i].r);
    if (pool_init) {
        pthread_cond_destroy(&p.done_cv);
        pthread_cond_destroy(&p.work_cv);
        pthread_mutex_destroy(&p.mu);
    }
    free(p.slots);
    free(tids);
    jmd_study__store_abort(st);
    jmd_study_free(s);
    agg_free(agg, nm);
    return rc;
}
