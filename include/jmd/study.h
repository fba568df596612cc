/*
 * jmd/study.h — the analyst's workbench (DESIGN.md §2 face 3, §5 metrics):
 * Monte Carlo over trials and governance models with common random
 * numbers, honest statistics (Wilson score intervals for probabilities,
 * Student-t intervals for means, medians of timelines), and the result
 * store (summary JSON, every trial in SQLite). docs/study.md gives the
 * methods and their sources.
 *
 * Common random numbers: trial i runs with the seed jmd_study_trial_seed
 * (study seed, i) under EVERY model, so each model sees the same threat,
 * sensor and kill draws (the engine keys its streams by component); the
 * differences between models are the models', not the dice's.
 *
 * Threads: the (model, trial) jobs run on a pool of pthreads, each job
 * writing its own result slot; results are consumed in job order by the
 * calling thread (statistics, SQLite rows, the per-trial callback), so
 * every output is byte-identical for any thread count. The scenario is
 * shared read-only between the threads. Memory is bounded: only a window
 * of a few jobs per thread is held at once, plus six times per
 * (model, trial) for the medians.
 *
 * Workload: hot in wall time (trials are long), cold in this code.
 */
#ifndef JMD_STUDY_H
#define JMD_STUDY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "jmd/govern.h"
#include "jmd/scenario.h"
#include "jmd/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest number of models in one study (a model may be named twice, e.g.
 * to check common random numbers) and of threads. */
#define JMD_STUDY_MAX_MODELS 16
#define JMD_STUDY_MAX_THREADS 256
#define JMD_STUDY_MAX_TRIALS 100000000L

/* z for a two-sided 95 % interval: the 0.975 quantile of N(0, 1). */
#define JMD_STUDY_Z95 1.959963984540054

/* Called on the calling thread for each (model, trial) in order: model
 * index (into opts.models), trial, its seed and result (valid during the
 * call only). Return 0 to go on; non-zero stops the study, which then
 * returns that value. */
typedef int (*jmd_study_trial_fn)(void *arg, int model_index, long trial, uint64_t seed,
                                  const jmd_sim_result *r);
/* Called on the calling thread after each job is consumed: jobs done and
 * in all (= models x trials). May be called often; throttle in it. */
typedef void (*jmd_study_progress_fn)(void *arg, long done, long total);

typedef struct {
    int models[JMD_STUDY_MAX_MODELS]; /* jmd_gov_model values, or -1: the scenario's own */
    int nmodels;                      /* 1 .. JMD_STUDY_MAX_MODELS */
    long trials;                      /* 1 .. JMD_STUDY_MAX_TRIALS */
    int threads;                      /* 1 .. JMD_STUDY_MAX_THREADS (default 1) */
    uint64_t seed;                    /* study seed (default 0; pass sc->seed) */
    jmd_sim_opts sim;                 /* per-trial engine options; sim.events must be NULL
                                         and sim.model is overridden per model */
    const char *db_path;              /* write every trial to this SQLite file (replaced
                                         when it exists); NULL: none */
    jmd_study_trial_fn on_trial;      /* NULL: none */
    void *on_trial_arg;
    jmd_study_progress_fn progress; /* NULL: none */
    void *progress_arg;
} jmd_study_opts;

/* Defaults: every model (JMD_GOV_NMODELS, in enum order), 100 trials, 1
 * thread, seed 0, jmd_sim_opts_default, nothing written. */
void jmd_study_opts_default(jmd_study_opts *o);

/* A proportion k of n with its Wilson score interval [lo, hi]. */
typedef struct {
    long k, n;
    double p, lo, hi;
} jmd_study_prop;

/* A mean over n trials with its standard deviation and the 95 % Student-t
 * interval [lo, hi] of the mean (NAN when n < 2; lo = hi = mean when sd = 0). */
typedef struct {
    long n;
    double mean, sd, lo, hi;
} jmd_study_mean;

/* The timeline of a trial: the first time anything happened to any threat,
 * in s after the trial's first threat launch. */
enum {
    JMD_STUDY_T_DETECT = 0, /* first radar detection */
    JMD_STUDY_T_TRACK,      /* first firm (confirmed) track */
    JMD_STUDY_T_WARNING,    /* first launch warning received */
    JMD_STUDY_T_DECISION,   /* first engagement decision */
    JMD_STUDY_T_LAUNCH,     /* first interceptor launch */
    JMD_STUDY_T_INTERCEPT,  /* first intercept */
    JMD_STUDY_NTIMES
};

/* The median over the trials in which the event happened (n of them;
 * median NAN when n = 0). */
typedef struct {
    long n;
    double median;
} jmd_study_time;

/* "dependence": of the threats to a party's assets that were intercepted
 * (defended, summed over trials), how many relied on another party's
 * data, consent or interceptor; share = relied / defended (NAN when
 * defended = 0). */
typedef struct {
    long relied, defended;
    double share;
} jmd_study_ratio;

typedef struct {
    jmd_study_prop no_asset_hit; /* trials in which none of its assets was hit */
    jmd_study_mean assets_hit;
    long threatened, defended; /* sums over trials */
    jmd_study_ratio dep_data, dep_consent, dep_interceptor;
    jmd_study_mean proposals, approvals, vetoes, timeouts;
} jmd_study_party;

typedef struct {
    int model;                /* as requested (-1: the scenario's own) */
    int effective;            /* the jmd_gov_model that ran */
    jmd_study_prop no_leaker; /* trials with no threat leaked */
    jmd_study_mean leakers, intercepted, fired, wasted;
    jmd_study_time times[JMD_STUDY_NTIMES];
    jmd_study_mean proposals, approvals, vetoes, timeouts; /* summed over parties */
    jmd_study_party *party;                                /* [nparties] */
    jmd_study_mean *msgs, *bytes; /* [nparties * nparties], sender row, receiver column */
} jmd_study_model;

typedef struct {
    uint64_t seed;
    long trials;
    size_t nparties;
    size_t nmodels;
    jmd_study_model *models; /* [nmodels], in opts.models order */
} jmd_study;

/* The seed of trial `trial` of a study with `seed` (the same for every
 * model): jmd_rng_init(seed, "trial", trial) then one jmd_rng_u64. */
uint64_t jmd_study_trial_seed(uint64_t seed, long trial);

/* Runs the study. On success *out is a new study owned by the caller
 * (jmd_study_free). Errors: JMD_EINVAL (NULL arguments, counts out of
 * range, an unknown model, sim.events set), JMD_ENOMEM, JMD_EIO (SQLite:
 * err names the path and SQLite's message), a trial's own error (err
 * names the model and trial; the first failing job in job order), or the
 * non-zero value of on_trial. err (errlen bytes) gets one line. */
int jmd_study_run(const jmd_scenario *sc, const jmd_study_opts *o, jmd_study **out, char *err,
                  size_t errlen);
void jmd_study_free(jmd_study *s); /* accepts NULL */

/* The study as one JSON document (deterministic formatting; numbers that
 * are not defined are null). JMD_EIO when writing fails. */
int jmd_study_write_json(const jmd_scenario *sc, const jmd_study *s, FILE *out);
/* The readable comparison: the models side by side, units labelled. */
int jmd_study_write_table(const jmd_scenario *sc, const jmd_study *s, FILE *out);

/* Statistics, exposed for tests and for the report module. */

/* Wilson score interval of k successes in n trials for the quantile z
 * (JMD_STUDY_Z95 for 95 %): fills p, lo, hi (lo = 0 when k = 0, hi = 1 when
 * k = n). JMD_EINVAL unless 0 <= k <= n, n >= 1, z > 0 and finite. */
int jmd_study_wilson(long k, long n, double z, jmd_study_prop *out);
/* Mean, standard deviation and 95 % Student-t interval of x[0..n-1]
 * (finite values). JMD_EINVAL for NULL or n = 0 or a non-finite value. */
int jmd_study_mean_of(const double *x, size_t n, jmd_study_mean *out);
/* Median of x[0..n-1] (finite values; the mean of the middle two when n is
 * even). Sorts x in place. JMD_EINVAL for NULL, n = 0 or a non-finite
 * value (*out NAN). */
int jmd_study_median(double *x, size_t n, double *out);

#ifdef __cplusplus
}
#endif
#endif /* JMD_STUDY_H */
