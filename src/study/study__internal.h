/*
 * study__internal.h — private pieces of the study module: the running
 * mean accumulator (Welford), the per-trial timeline, and the SQLite
 * result store. Not installed.
 */
#ifndef JMD_STUDY__INTERNAL_H
#define JMD_STUDY__INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "jmd/study.h"

/* Running mean and sum of squared deviations (Welford 1962); adding the
 * same values in the same order gives the same bits. */
typedef struct {
    long n;
    double mean, m2;
} jmd_study__acc;

void jmd_study__acc_add(jmd_study__acc *a, double x);
void jmd_study__acc_finish(const jmd_study__acc *a, jmd_study_mean *out);

/* The trial's first times (JMD_STUDY_T_*), s after its first threat
 * launch; NAN where it did not happen. */
void jmd_study__timeline(const jmd_sim_result *r, double t[JMD_STUDY_NTIMES]);

/* The SQLite store: one file, WAL, synchronous=NORMAL, one transaction
 * from open to close. Every function returns 0 or JMD_EIO with err
 * "PATH: sqlite message" (or JMD_ENOMEM). */
typedef struct jmd_study__store jmd_study__store;
int jmd_study__store_open(const char *path, const jmd_scenario *sc, const jmd_study_opts *o,
                          jmd_study__store **out, char *err, size_t errlen);
int jmd_study__store_add(jmd_study__store *st, const jmd_scenario *sc, int model_index,
                         int model, long trial, uint64_t seed, const jmd_sim_result *r,
                         char *err, size_t errlen);
/* Commits and closes; on failure the transaction is rolled back. */
int jmd_study__store_close(jmd_study__store *st, char *err, size_t errlen);
/* Rolls back and closes; accepts NULL. */
void jmd_study__store_abort(jmd_study__store *st);

#endif
