/*
 * store.c — every trial of a study in one SQLite file: tables study
 * (key/value: scenario, seed, trials, models), models, trials (one row per
 * (model, trial)), threats (one row per threat of each trial), parties
 * (one row per party of each trial) and links (messages and bytes per
 * ordered pair of distinct parties). WAL with synchronous=NORMAL and one
 * transaction from open to close (PLATFORM.md: ~780k rows/s). Undefined
 * times are NULL. Every SQLite return code is checked; a failure names
 * the file and SQLite's message.
 *
 * Workload: a few rows per trial; cold next to the trials.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "jmd/error.h"
#include "study/study__internal.h"

#define DEG (3.14159265358979323846 / 180.0)

enum { Q_TRIAL, Q_THREAT, Q_PARTY, Q_LINK, NQ };

struct jmd_study__store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *q[NQ];
    int in_tx;
};

static const char *schema =
    "CREATE TABLE study(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE models(model_index INTEGER PRIMARY KEY, model TEXT NOT NULL);"
    "CREATE TABLE trials(model_index INTEGER NOT NULL, model TEXT NOT NULL, trial INTEGER NOT "
    "NULL, seed TEXT NOT NULL, threats INTEGER, leakers INTEGER, intercepted INTEGER, fired "
    "INTEGER, wasted INTEGER, measurements INTEGER, t_detect_s REAL, t_track_s REAL, "
    "t_warning_s REAL, t_decision_s REAL, t_launch_s REAL, t_intercept_s REAL, "
    "PRIMARY KEY(model_index, trial));"
    "CREATE TABLE threats(model_index INTEGER NOT NULL, trial INTEGER NOT NULL, threat INTEGER "
    "NOT NULL, name TEXT NOT NULL, fate TEXT NOT NULL, t_launch_s REAL, t_impact_nominal_s "
    "REAL, t_detect_s REAL, detect_radar TEXT, t_track_s REAL, t_warning_s REAL, t_decision_s "
    "REAL, t_engage_s REAL, t_end_s REAL, lat_deg REAL, lon_deg REAL, alt_m REAL, killer_site "
    "TEXT, rounds INTEGER, assets_hit INTEGER, PRIMARY KEY(model_index, trial, threat));"
    "CREATE TABLE parties(model_index INTEGER NOT NULL, trial INTEGER NOT NULL, party INTEGER "
    "NOT NULL, name TEXT NOT NULL, assets_hit INTEGER, threatened INTEGER, defended INTEGER, "
    "relied_data INTEGER, relied_consent INTEGER, relied_interceptor INTEGER, proposals "
    "INTEGER, approvals INTEGER, vetoes INTEGER, timeouts INTEGER, "
    "PRIMARY KEY(model_index, trial, party));"
    "CREATE TABLE links(model_index INTEGER NOT NULL, trial INTEGER NOT NULL, sender TEXT NOT "
    "NULL, receiver TEXT NOT NULL, msgs INTEGER, bytes INTEGER, "
    "PRIMARY KEY(model_index, trial, sender, receiver));";

static const char *insert_sql[NQ] = {
    "INSERT INTO trials VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "INSERT INTO threats VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "INSERT INTO parties VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "INSERT INTO links VALUES(?,?,?,?,?,?)",
};

static int fail(jmd_study__store *st, const char *what, char *err, size_t errlen)
{
    if (err && errlen)
        snprintf(err, errlen, "%s: %s: %s", st->path, what,
                 st->db ? sqlite3_errmsg(st->db) : "cannot open");
    return JMD_EIO;
}

static void finish(jmd_study__store *st, int rollback)
{
    if (!st) return;
    for (int i = 0; i < NQ; i++)
        sqlite3_finalize(st->q[i]);
    if (st->db && st->in_tx && rollback) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    if (st->db) sqlite3_close(st->db);
    free(st->path);
    free(st);
}

void jmd_study__store_abort(jmd_study__store *st)
{
    finish(st, 1);
}

static int kv(jmd_study__store *st, const char *key, const char *value)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, "INSERT INTO study VALUES(?,?)", -1, &q, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(q, 1, key, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(q, 2, value, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK) rc = sqlite3_step(q) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    sqlite3_finalize(q);
    return rc;
}

int jmd_study__store_open(const char *path, const jmd_scenario *sc, const jmd_study_opts *o,
                          jmd_study__store **out, char *err, size_t errlen)
{
    *out = NULL;
    jmd_study__store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        free(st);
        return JMD_ENOMEM;
    }
    /* A new file every time: remove an old one with its WAL companions. */
    char aux[4096];
    unlink(path);
    snprintf(aux, sizeof aux, "%s-wal", path);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", path);
    unlink(aux);

    int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) goto bad_open;
    if (sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK)
        goto bad_pragma;
    if (sqlite3_exec(st->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK)
        goto bad_pragma;
    if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) goto bad_begin;
    st->in_tx = 1;
    if (sqlite3_exec(st->db, schema, NULL, NULL, NULL) != SQLITE_OK) goto bad_schema;
    for (int i = 0; i < NQ; i++)
        if (sqlite3_prepare_v2(st->db, insert_sql[i], -1, &st->q[i], NULL) != SQLITE_OK)
            goto bad_schema;

    char buf[64];
    rc = kv(st, "scenario", sc->name);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)o->seed);
    if (rc == SQLITE_OK) rc = kv(st, "seed", buf);
    snprintf(buf, sizeof buf, "%ld", o->trials);
    if (rc == SQLITE_OK) rc = kv(st, "trials", buf);
    if (rc == SQLITE_OK)
        rc = kv(st, "time_origin", "scenario epoch (trials: first threat launch)");
    if (rc == SQLITE_OK) rc = kv(st, "epoch", sc->epoch);
    for (int m = 0; m < o->nmodels && rc == SQLITE_OK; m++) {
        sqlite3_stmt *q = NULL;
        int eff = o->models[m] < 0 ? (int)sc->gov.model : o->models[m];
        rc = sqlite3_prepare_v2(st->db, "INSERT INTO models VALUES(?,?)", -1, &q, NULL);
        if (rc == SQLITE_OK) rc = sqlite3_bind_int(q, 1, m);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(q, 2, jmd_gov_model_name((jmd_gov_model)eff), -1,
                                   SQLITE_STATIC);
        if (rc == SQLITE_OK) rc = sqlite3_step(q) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_finalize(q);
    }
    if (rc != SQLITE_OK) goto bad_schema;
    *out = st;
    return 0;

bad_open:
    rc = fail(st, "cannot open", err, errlen);
    goto out;
bad_pragma:
    rc = fail(st, "cannot set WAL", err, errlen);
    goto out;
bad_begin:
    rc = fail(st, "cannot begin", err, errlen);
    goto out;
bad_schema:
    rc = fail(st, "cannot create the tables", err, errlen);
out:
    finish(st, 1);
    return rc;
}

/* Bind helpers: each returns the SQLite code; NAN binds NULL. */
static int b_real(sqlite3_stmt *q, int *i, double v)
{
    return isfinite(v) ? sqlite3_bind_double(q, (*i)++, v) : sqlite3_bind_null(q, (*i)++);
}
static int b_int(sqlite3_stmt *q, int *i, long v)
{
    return sqlite3_bind_int64(q, (*i)++, v);
}
static int b_text(sqlite3_stmt *q, int *i, const char *v)
{
    return v ? sqlite3_bind_text(q, (*i)++, v, -1, SQLITE_TRANSIENT)
             : sqlite3_bind_null(q, (*i)++);
}

static int step(sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    int rc2 = sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return rc == SQLITE_DONE && rc2 == SQLITE_OK ? SQLITE_OK : SQLITE_ERROR;
}

static const char *fate_text(int fate)
{
    switch (fate) {
    case JMD_FATE_INTERCEPTED:
        return "intercepted";
    case JMD_FATE_LEAKED:
        return "leaked";
    case JMD_FATE_IN_FLIGHT:
        return "in-flight";
    default:
        return "not-launched";
    }
}

int jmd_study__store_add(jmd_study__store *st, const jmd_scenario *sc, int model_index,
                         int model, long trial, uint64_t seed, const jmd_sim_result *r,
                         char *err, size_t errlen)
{
    const char *mname = jmd_gov_model_name((jmd_gov_model)model);
    char sbuf[32];
    snprintf(sbuf, sizeof sbuf, "%llu", (unsigned long long)seed);
    double t[JMD_STUDY_NTIMES];
    jmd_study__timeline(r, t);
    int leakers = 0;
    for (size_t i = 0; i < r->nthreats; i++)
        leakers += r->threats[i].fate == JMD_FATE_LEAKED;

    sqlite3_stmt *q = st->q[Q_TRIAL];
    int i = 1, rc = b_int(q, &i, model_index);
    if (rc == SQLITE_OK) rc = b_text(q, &i, mname);
    if (rc == SQLITE_OK) rc = b_int(q, &i, trial);
    if (rc == SQLITE_OK) rc = b_text(q, &i, sbuf);
    if (rc == SQLITE_OK) rc = b_int(q, &i, (long)r->nthreats);
    if (rc == SQLITE_OK) rc = b_int(q, &i, leakers);
    if (rc == SQLITE_OK) rc = b_int(q, &i, r->intercepted);
    if (rc == SQLITE_OK) rc = b_int(q, &i, r->fired);
    if (rc == SQLITE_OK) rc = b_int(q, &i, r->wasted);
    if (rc == SQLITE_OK) rc = b_int(q, &i, r->measurements);
    for (int k = 0; k < JMD_STUDY_NTIMES && rc == SQLITE_OK; k++)
        rc = b_real(q, &i, t[k]);
    if (rc == SQLITE_OK) rc = step(q);
    if (rc != SQLITE_OK) return fail(st, "cannot insert into trials", err, errlen);

    q = st->q[Q_THREAT];
    for (size_t n = 0; n < r->nthreats; n++) {
        const jmd_sim_threat *th = &r->threats[n];
        int ds = th->detect_radar, ks = th->killer_site;
        i = 1;
        rc = b_int(q, &i, model_index);
        if (rc == SQLITE_OK) rc = b_int(q, &i, trial);
        if (rc == SQLITE_OK) rc = b_int(q, &i, (long)n);
        if (rc == SQLITE_OK) rc = b_text(q, &i, n < sc->nthreats ? sc->threats[n].name : "");
        if (rc == SQLITE_OK) rc = b_text(q, &i, fate_text(th->fate));
        if (rc == SQLITE_OK) rc = b_real(q, &i, th->t_launch);
        if (rc == SQLITE_OK) rc = b_real(q, &i, th->t_impact_nominal);
        if (rc == SQLITE_OK) rc = b_real(q, &i, th->t_detect);
        if (rc == SQLITE_OK)
            rc =
                b_text(q, &i, ds >= 0 && (size_t)ds < sc->nradars ? sc->radars[ds].name : NULL);
        if (rc == SQLITE_OK) rc = b_real(q, &i, th->t_track);
        if (rc == SQLITE_OK) rc = b_real(q, &i, th->t_warning);
        if (rc == SQLITE_OK) rc = b_real(q, &i, th->t_decision);
        if (rc == SQLITE_OK) rc = b_real(q, &i, th->t_engage);
        if (rc == SQLITE_OK) rc = b_real(q, &i, th->t_end);
        if (rc == SQLITE_OK) rc = b_real(q, &i, th->lat / DEG);
        if (rc == SQLITE_OK) rc = b_real(q, &i, th->lon / DEG);
        if (rc == SQLITE_OK) rc = b_real(q, &i, th->alt);
        if (rc == SQLITE_OK)
            rc = b_text(q, &i, ks >= 0 && (size_t)ks < sc->nsites ? sc->sites[ks].name : NULL);
        if (rc == SQLITE_OK) rc = b_int(q, &i, th->rounds);
        if (rc == SQLITE_OK) rc = b_int(q, &i, th->assets_hit);
        if (rc == SQLITE_OK) rc = step(q);
        if (rc != SQLITE_OK) return fail(st, "cannot insert into threats", err, errlen);
    }

    q = st->q[Q_PARTY];
    for (size_t p = 0; p < r->nparties && p < sc->nparties; p++) {
        const jmd_sim_party *sp = &r->party[p];
        i = 1;
        rc = b_int(q, &i, model_index);
        if (rc == SQLITE_OK) rc = b_int(q, &i, trial);
        if (rc == SQLITE_OK) rc = b_int(q, &i, (long)p);
        if (rc == SQLITE_OK) rc = b_text(q, &i, sc->parties[p].name);
        if (rc == SQLITE_OK) rc = b_int(q, &i, sp->assets_hit);
        if (rc == SQLITE_OK) rc = b_int(q, &i, sp->threatened);
        if (rc == SQLITE_OK) rc = b_int(q, &i, sp->defended);
        if (rc == SQLITE_OK) rc = b_int(q, &i, sp->relied_data);
        if (rc == SQLITE_OK) rc = b_int(q, &i, sp->relied_consent);
        if (rc == SQLITE_OK) rc = b_int(q, &i, sp->relied_interceptor);
        if (rc == SQLITE_OK) rc = b_int(q, &i, sp->proposals);
        if (rc == SQLITE_OK) rc = b_int(q, &i, sp->approvals);
        if (rc == SQLITE_OK) rc = b_int(q, &i, sp->vetoes);
        if (rc == SQLITE_OK) rc = b_int(q, &i, sp->timeouts);
        if (rc == SQLITE_OK) rc = step(q);
        if (rc != SQLITE_OK) return fail(st, "cannot insert into parties", err, errlen);
    }

    q = st->q[Q_LINK];
    size_t np = r->nparties <= sc->nparties ? r->nparties : sc->nparties;
    if (r->msgs && r->bytes)
        for (size_t a = 0; a < np; a++)
            for (size_t b = 0; b < np; b++) {
                if (a == b) continue;
                i = 1;
                rc = b_int(q, &i, model_index);
                if (rc == SQLITE_OK) rc = b_int(q, &i, trial);
                if (rc == SQLITE_OK) rc = b_text(q, &i, sc->parties[a].name);
                if (rc == SQLITE_OK) rc = b_text(q, &i, sc->parties[b].name);
                if (rc == SQLITE_OK) rc = b_int(q, &i, r->msgs[a * r->nparties + b]);
                if (rc == SQLITE_OK) rc = b_int(q, &i, r->bytes[a * r->nparties + b]);
                if (rc == SQLITE_OK) rc = step(q);
                if (rc != SQLITE_OK) return fail(st, "cannot insert into links", err, errlen);
            }
    return 0;
}

int jmd_study__store_close(jmd_study__store *st, char *err, size_t errlen)
{
    for (int i = 0; i < NQ; i++) {
        sqlite3_finalize(st->q[i]);
        st->q[i] = NULL;
    }
    if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        int rc = fail(st, "cannot commit", err, errlen);
        finish(st, 1);
        return rc;
    }
    st->in_tx = 0;
    if (sqlite3_close(st->db) != SQLITE_OK) {
        int rc = fail(st, "cannot close", err, errlen);
        st->db = NULL; /* sqlite3_close failed: the handle stays open; nothing more to do */
        finish(st, 0);
        return rc;
    }
    st->db = NULL;
    finish(st, 0);
    return 0;
}
