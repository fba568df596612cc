/* test_study.c — the study module: Wilson intervals against published
 * values (Newcombe 1998, Table I, method 3; Brown, Cai & DasGupta 2001),
 * the Student-t interval of a mean, medians; common random numbers (two
 * identically configured models give identical trials); results that do
 * not depend on the thread count (summary bytes and SQLite rows); one
 * SQLite row per (model, trial); invalid arguments; and the CLI entry
 * `jmd run --models` (bad model names exit 2 with the message). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "jmd/error.h"
#include "jmd/scenario.h"
#include "jmd/study.h"

/* The CLI entry point lives in the jmd program, not the library. */
#include "cli/args.c"
#include "cli/cmd_compare.c"

/* One party defending Bucharest with Deveselu against one IRBM from near
 * Tabriz, seen by a radar at Kürecik (as tests/test_sim.c). */
static const char *scenario_text = "name: study-test\n"
                                   "duration_s: 1500\n"
                                   "step_s: 1\n"
                                   "seed: 11\n"
                                   "parties:\n"
                                   "  - name: NATO\n"
                                   "    assets:\n"
                                   "      - {name: Bucharest, lat_deg: 44.43, lon_deg: 26.10, "
                                   "value: 10, lethal_radius_km: 5}\n"
                                   "sensors:\n"
                                   "  - type: radar\n"
                                   "    name: r1\n"
                                   "    owner: NATO\n"
                                   "    lat_deg: 38.35\n"
                                   "    lon_deg: 37.79\n"
                                   "    alt_m: 2085\n"
                                   "    boresight_az_deg: 95\n"
                                   "    boresight_el_deg: 20\n"
                                   "    fov_az_deg: 180\n"
                                   "    fov_el_deg: 90\n"
                                   "    min_el_deg: 0.5\n"
                                   "    max_el_deg: 89\n"
                                   "    range_km: 3000\n"
                                   "    ref_rcs_m2: 0.1\n"
                                   "    pd_ref: 0.99\n"
                                   "    pfa: 1.0e-6\n"
                                   "    revisit_s: 1\n"
                                   "    sigma_range_m: 10\n"
                                   "    sigma_az_mrad: 0.5\n"
                                   "    sigma_el_mrad: 0.5\n"
                                   "sites:\n"
                                   "  - name: S1\n"
                                   "    owner: NATO\n"
                                   "    lat_deg: 44.08\n"
                                   "    lon_deg: 24.40\n"
                                   "    interceptor: sm3-block-iia\n"
                                   "    inventory: 24\n"
                                   "    launchers: 24\n"
                                   "    reload_s: 0\n"
                                   "    pk: 0.5\n"
                                   "    assess_delay_s: 10\n"
                                   "threats:\n"
                                   "  - name: irbm\n"
                                   "    launch_lat_deg: 38.08\n"
                                   "    launch_lon_deg: 46.29\n"
                                   "    target: Bucharest\n"
                                   "    launch_time_s: 30\n"
                                   "    vehicle: irbm-solid\n"
                                   "    trajectory: minimum-energy\n"
                                   "    rcs_m2: 0.1\n";

static jmd_scenario *scenario(void)
{
    char err[512];
    jmd_scenario *sc = NULL;
    int rc = jmd_scenario_parse(scenario_text, strlen(scenario_text), "study.yaml", NULL, &sc,
                                err, sizeof err);
    if (rc != 0) fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    return sc;
}

/* ---- statistics -------------------------------------------------------- */

static void wilson_is(long k, long n, double lo, double hi)
{
    jmd_study_prop p;
    assert_int_equal(jmd_study_wilson(k, n, JMD_STUDY_Z95, &p), 0);
    assert_int_equal(p.k, k);
    assert_int_equal(p.n, n);
    assert_true(fabs(p.p - (double)k / (double)n) < 1e-15);
    if (fabs(p.lo - lo) > 5e-5 || fabs(p.hi - hi) > 5e-5)
        fail_msg("%ld/%ld: [%.5f, %.5f], expected [%.4f, %.4f]", k, n, p.lo, p.hi, lo, hi);
    assert_true(p.lo <= p.p && p.p <= p.hi);
}

/* Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (the
 * score interval without continuity correction). */
static void test_wilson_published(void **state)
{
    (void)state;
    wilson_is(81, 263, 0.2553, 0.3662);
    wilson_is(15, 148, 0.0624, 0.1605);
    wilson_is(0, 20, 0.0, 0.1611);
    wilson_is(1, 29, 0.0061, 0.1718);
    wilson_is(0, 10, 0.0, 0.2775);  /* z^2 / (n + z^2) */
    wilson_is(10, 10, 0.7225, 1.0); /* the mirror image */
    jmd_study_prop p;
    assert_int_equal(jmd_study_wilson(0, 10, JMD_STUDY_Z95, &p), 0);
    assert_true(p.lo == 0.0);
    assert_int_equal(jmd_study_wilson(10, 10, JMD_STUDY_Z95, &p), 0);
    assert_true(p.hi == 1.0);
}

static void test_mean_and_median(void **state)
{
    (void)state;
    double x[] = {1, 2, 3, 4, 5}, m;
    jmd_study_mean mm;
    assert_int_equal(jmd_study_mean_of(x, 5, &mm), 0);
    assert_true(fabs(mm.mean - 3) < 1e-15);
    assert_true(fabs(mm.sd - sqrt(2.5)) < 1e-14);
    /* t(0.975, 4) = 2.776445105 */
    double half = 2.776445105 * sqrt(2.5) / sqrt(5.0);
    assert_true(fabs(mm.lo - (3 - half)) < 1e-8 && fabs(mm.hi - (3 + half)) < 1e-8);
    double one = 7;
    assert_int_equal(jmd_study_mean_of(&one, 1, &mm), 0);
    assert_true(mm.mean == 7 && isnan(mm.lo) && isnan(mm.hi));
    double same[] = {2, 2, 2};
    assert_int_equal(jmd_study_mean_of(same, 3, &mm), 0);
    assert_true(mm.lo == 2 && mm.hi == 2 && mm.sd == 0);

    double odd[] = {3, 1, 2};
    assert_int_equal(jmd_study_median(odd, 3, &m), 0);
    assert_true(m == 2);
    double even[] = {4, 1, 3, 2};
    assert_int_equal(jmd_study_median(even, 4, &m), 0);
    assert_true(m == 2.5);
    double single[] = {-8.5};
    assert_int_equal(jmd_study_median(single, 1, &m), 0);
    assert_true(m == -8.5);
    double ties[] = {5, 1, 5, 5, 1, 9};
    assert_int_equal(jmd_study_median(ties, 6, &m), 0);
    assert_true(m == 5);
}

static void test_invalid(void **state)
{
    (void)state;
    jmd_study_prop p;
    jmd_study_mean mm;
    double m, x[] = {1, NAN};
    assert_int_equal(jmd_study_wilson(3, 2, JMD_STUDY_Z95, &p), JMD_EINVAL);
    assert_int_equal(jmd_study_wilson(-1, 2, JMD_STUDY_Z95, &p), JMD_EINVAL);
    assert_int_equal(jmd_study_wilson(0, 0, JMD_STUDY_Z95, &p), JMD_EINVAL);
    assert_int_equal(jmd_study_wilson(1, 2, 0, &p), JMD_EINVAL);
    assert_int_equal(jmd_study_wilson(1, 2, NAN, &p), JMD_EINVAL);
    assert_int_equal(jmd_study_wilson(1, 2, JMD_STUDY_Z95, NULL), JMD_EINVAL);
    assert_int_equal(jmd_study_median(NULL, 3, &m), JMD_EINVAL);
    assert_int_equal(jmd_study_median(x, 0, &m), JMD_EINVAL);
    assert_true(isnan(m));
    assert_int_equal(jmd_study_median(x, 2, &m), JMD_EINVAL);
    assert_int_equal(jmd_study_mean_of(x, 2, &mm), JMD_EINVAL);
    assert_int_equal(jmd_study_mean_of(NULL, 2, &mm), JMD_EINVAL);

    jmd_scenario *sc = scenario();
    jmd_study_opts o;
    jmd_study *s = (jmd_study *)1;
    char err[256];
    jmd_study_opts_default(&o);
    assert_int_equal(jmd_study_run(NULL, &o, &s, err, sizeof err), JMD_EINVAL);
    assert_null(s);
    assert_int_equal(jmd_study_run(sc, NULL, &s, err, sizeof err), JMD_EINVAL);
    assert_int_equal(jmd_study_run(sc, &o, NULL, err, sizeof err), JMD_EINVAL);
    o.trials = 0;
    assert_int_equal(jmd_study_run(sc, &o, &s, err, sizeof err), JMD_EINVAL);
    jmd_study_opts_default(&o);
    o.threads = 0;
    assert_int_equal(jmd_study_run(sc, &o, &s, err, sizeof err), JMD_EINVAL);
    jmd_study_opts_default(&o);
    o.nmodels = 0;
    assert_int_equal(jmd_study_run(sc, &o, &s, err, sizeof err), JMD_EINVAL);
    jmd_study_opts_default(&o);
    o.models[1] = JMD_GOV_NMODELS;
    assert_int_equal(jmd_study_run(sc, &o, &s, err, sizeof err), JMD_EINVAL);
    assert_non_null(strstr(err, "models[1]"));
    jmd_study_opts_default(&o);
    o.sim.events = stdout; /* a shared event log cannot be written by threads */
    assert_int_equal(jmd_study_run(sc, &o, &s, err, sizeof err), JMD_EINVAL);
    assert_null(s);
    /* An unwritable SQLite path: JMD_EIO naming the path. */
    jmd_study_opts_default(&o);
    o.nmodels = 1;
    o.trials = 1;
    o.db_path = "/nonexistent-dir/x/trials.sqlite";
    assert_int_equal(jmd_study_run(sc, &o, &s, err, sizeof err), JMD_EIO);
    assert_non_null(strstr(err, "/nonexistent-dir/x/trials.sqlite"));
    assert_null(s);
    jmd_scenario_free(sc);
}

/* ---- common random numbers --------------------------------------------- */

#define MAXT 8
typedef struct {
    long n;
    int model_index[2 * MAXT];
    long trial[2 * MAXT];
    uint64_t seed[2 * MAXT];
    char sig[2 * MAXT][512]; /* the trial's outcome as text */
} record;

static int on_trial(void *arg, int mi, long trial, uint64_t seed, const jmd_sim_result *r)
{
    record *rec = arg;
    if (rec->n >= 2 * MAXT) return 1;
    long i = rec->n++;
    rec->model_index[i] = mi;
    rec->trial[i] = trial;
    rec->seed[i] = seed;
    int len = snprintf(rec->sig[i], sizeof rec->sig[i], "%d %d %d %d %ld |", r->intercepted,
                       r->leaked, r->fired, r->wasted, r->measurements);
    for (size_t t = 0; t < r->nthreats && len > 0 && (size_t)len < sizeof rec->sig[i]; t++)
        len +=
            snprintf(rec->sig[i] + len, sizeof rec->sig[i] - (size_t)len,
                     " %d %.17g %.17g %.17g %.17g", r->threats[t].fate, r->threats[t].t_detect,
                     r->threats[t].t_track, r->threats[t].t_engage, r->threats[t].t_end);
    return 0;
}

static void test_common_random_numbers(void **state)
{
    (void)state;
    jmd_scenario *sc = scenario();
    jmd_study_opts o;
    jmd_study *s = NULL;
    record rec;
    char err[512];
    memset(&rec, 0, sizeof rec);
    jmd_study_opts_default(&o);
    o.models[0] = o.models[1] = JMD_GOV_INDEPENDENT; /* two identically configured models */
    o.nmodels = 2;
    o.trials = 3;
    o.threads = 2;
    o.seed = 99;
    o.on_trial = on_trial;
    o.on_trial_arg = &rec;
    int rc = jmd_study_run(sc, &o, &s, err, sizeof err);
    if (rc != 0) fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    assert_int_equal(rec.n, 6);
    for (long i = 0; i < 6; i++) {
        /* job order: trial-major, models within a trial */
        assert_int_equal(rec.trial[i], i / 2);
        assert_int_equal(rec.model_index[i], i % 2);
        assert_true(rec.seed[i] == jmd_study_trial_seed(99, i / 2));
    }
    for (long t = 0; t < 3; t++) {
        assert_true(rec.seed[2 * t] == rec.seed[2 * t + 1]);
        assert_string_equal(rec.sig[2 * t], rec.sig[2 * t + 1]);
    }
    /* trial seeds depend on the trial and the study seed */
    assert_true(rec.seed[0] != rec.seed[2] && rec.seed[2] != rec.seed[4]);
    assert_true(jmd_study_trial_seed(99, 0) != jmd_study_trial_seed(100, 0));
    /* so do the summaries of the two copies: identical */
    assert_int_equal(s->nmodels, 2);
    assert_true(memcmp(&s->models[0].no_leaker, &s->models[1].no_leaker,
                       sizeof s->models[0].no_leaker) == 0);
    assert_true(memcmp(&s->models[0].fired, &s->models[1].fired, sizeof s->models[0].fired) ==
                0);
    /* Accounting: per model, k of n trials without a leaker */
    assert_int_equal(s->models[0].no_leaker.n, 3);
    assert_true(s->models[0].no_leaker.k >= 0 && s->models[0].no_leaker.k <= 3);
    assert_true(s->models[0].party[0].defended <= s->models[0].party[0].threatened);
    jmd_study_free(s);

    /* A caller's stop is the study's result. */
    memset(&rec, 0, sizeof rec);
    rec.n = 2 * MAXT; /* on_trial returns 1 at once */
    o.nmodels = 1;
    o.trials = 2;
    s = NULL;
    assert_int_equal(jmd_study_run(sc, &o, &s, err, sizeof err), 1);
    assert_null(s);
    jmd_scenario_free(sc);
}

/* ---- thread count independence and the SQLite file --------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Every row of every table as text, in primary-key order. */
static char *dump(const char *path)
{
    static const char *q[] = {
        "SELECT * FROM study ORDER BY key",
        "SELECT * FROM models ORDER BY model_index",
        "SELECT * FROM trials ORDER BY model_index, trial",
        "SELECT * FROM threats ORDER BY model_index, trial, threat",
        "SELECT * FROM parties ORDER BY model_index, trial, party",
        "SELECT * FROM links ORDER BY model_index, trial, sender, receiver"};
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    out[0] = '\0';
    for (size_t k = 0; k < sizeof q / sizeof q[0]; k++) {
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_prepare_v2(db, q[k], -1, &st, NULL), SQLITE_OK);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                const unsigned char *t = sqlite3_column_text(st, c);
                size_t tl = t ? strlen((const char *)t) : 4;
                if (len + tl + 2 >= cap) {
                    cap = 2 * cap + tl;
                    out = realloc(out, cap);
                    assert_non_null(out);
                }
                len += (size_t)sprintf(out + len, "%s%c", t ? (const char *)t : "NULL",
                                       c + 1 < sqlite3_column_count(st) ? '|' : '\n');
            }
        }
        assert_int_equal(rc, SQLITE_DONE);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
}

static long count(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void run_to(const jmd_scenario *sc, int threads, const char *dir)
{
    char db[512], js[512], err[512];
    snprintf(db, sizeof db, "%s/trials.sqlite", dir);
    snprintf(js, sizeof js, "%s/summary.json", dir);
    jmd_study_opts o;
    jmd_study *s = NULL;
    jmd_study_opts_default(&o);
    o.models[0] = JMD_GOV_INDEPENDENT;
    o.models[1] = JMD_GOV_JOINT;
    o.nmodels = 2;
    o.trials = 3;
    o.threads = threads;
    o.seed = 7;
    o.db_path = db;
    int rc = jmd_study_run(sc, &o, &s, err, sizeof err);
    if (rc != 0) fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    FILE *f = fopen(js, "w");
    assert_non_null(f);
    assert_int_equal(jmd_study_write_json(sc, s, f), 0);
    assert_int_equal(fclose(f), 0);
    f = fopen("/dev/null", "w");
    assert_int_equal(jmd_study_write_table(sc, s, f), 0);
    fclose(f);
    jmd_study_free(s);
}

static void test_threads_identical(void **state)
{
    (void)state;
    char d1[] = "/tmp/jmd-study-XXXXXX", d2[] = "/tmp/jmd-study-XXXXXX";
    assert_non_null(mkdtemp(d1));
    assert_non_null(mkdtemp(d2));
    jmd_scenario *sc = scenario();
    run_to(sc, 1, d1);
    run_to(sc, 2, d2);
    /* run again into d2: the old file is replaced, not appended to */
    run_to(sc, 2, d2);

    char p1[600], p2[600];
    size_t l1, l2;
    snprintf(p1, sizeof p1, "%s/summary.json", d1);
    snprintf(p2, sizeof p2, "%s/summary.json", d2);
    char *j1 = slurp(p1, &l1), *j2 = slurp(p2, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(j1, j2, l1);
    assert_non_null(strstr(j1, "\"model\": \"joint\""));
    assert_non_null(strstr(j1, "\"no_leaker\": {\"k\": "));
    assert_null(strstr(j1, "nan"));
    free(j1);
    free(j2);

    snprintf(p1, sizeof p1, "%s/trials.sqlite", d1);
    snprintf(p2, sizeof p2, "%s/trials.sqlite", d2);
    /* the WAL has been checkpointed into the file on close */
    char wal[620];
    snprintf(wal, sizeof wal, "%s-wal", p1);
    assert_int_not_equal(access(wal, F_OK), 0);
    char *s1 = dump(p1), *s2 = dump(p2);
    assert_string_equal(s1, s2);
    free(s1);
    free(s2);
    /* one row per (model, trial), one per threat and party of each */
    assert_int_equal(count(p1, "SELECT count(*) FROM trials"), 6);
    assert_int_equal(count(p1, "SELECT count(*) FROM (SELECT DISTINCT model_index, trial FROM "
                               "trials)"),
                     6);
    assert_int_equal(count(p1, "SELECT count(*) FROM threats"), 6);
    assert_int_equal(count(p1, "SELECT count(*) FROM parties"), 6);
    assert_int_equal(count(p1, "SELECT count(*) FROM models"), 2);
    assert_int_equal(count(p1, "SELECT count(*) FROM trials WHERE model = 'joint'"), 3);
    assert_int_equal(count(p1, "SELECT count(*) FROM trials WHERE leakers + intercepted > "
                               "threats"),
                     0);

    const char *dirs[] = {d1, d2};
    for (int i = 0; i < 2; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/summary.json", dirs[i]);
        unlink(p);
        snprintf(p, sizeof p, "%s/trials.sqlite", dirs[i]);
        unlink(p);
        snprintf(p, sizeof p, "%s/trials.sqlite-wal", dirs[i]);
        unlink(p);
        snprintf(p, sizeof p, "%s/trials.sqlite-shm", dirs[i]);
        unlink(p);
        rmdir(dirs[i]);
    }
    jmd_scenario_free(sc);
}

/* ---- the CLI entry ------------------------------------------------------ */

/* Runs the compare command with stdout and stderr captured into files. */
static int cli(const jmd_scenario *sc, const char *models, long trials, int threads,
               const char *outdir, char *errtext, size_t errlen)
{
    fflush(stdout);
    fflush(stderr);
    FILE *ef = tmpfile(), *of = tmpfile();
    assert_non_null(ef);
    assert_non_null(of);
    int saved_err = dup(2), saved_out = dup(1);
    dup2(fileno(ef), 2);
    dup2(fileno(of), 1);
    int st = jmd_cmd_run_compare("study.yaml", sc, models, trials, threads, 5, outdir, 0);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_err, 2);
    dup2(saved_out, 1);
    close(saved_err);
    close(saved_out);
    rewind(ef);
    size_t n = fread(errtext, 1, errlen - 1, ef);
    errtext[n] = '\0';
    fclose(ef);
    fclose(of);
    return st;
}

static void test_cli(void **state)
{
    (void)state;
    jmd_scenario *sc = scenario();
    char e[2048];
    const char *msg =
        "jmd run: --models: expected all or a comma-separated list of independent, "
        "early-warning, connected, joint, sectoral, found \"x\"\n";
    assert_int_equal(cli(sc, "x", 1, 1, NULL, e, sizeof e), 2);
    assert_string_equal(e, msg);
    assert_int_equal(cli(sc, "joint,x", 1, 1, NULL, e, sizeof e), 2);
    assert_string_equal(e, msg);
    assert_int_equal(cli(sc, "joint,,connected", 1, 1, NULL, e, sizeof e), 2);
    assert_non_null(strstr(e, "found \"joint,,connected\""));
    assert_int_equal(cli(sc, "", 1, 1, NULL, e, sizeof e), 2);
    assert_int_equal(cli(sc, "Joint", 1, 1, NULL, e, sizeof e), 2);
    assert_int_equal(cli(sc, "joint,joint", 1, 1, NULL, e, sizeof e), 2);
    assert_non_null(strstr(e, "\"joint\" twice"));
    assert_int_equal(cli(sc, "all", 0, 1, NULL, e, sizeof e), 2);
    assert_non_null(strstr(e, "--trials"));
    assert_int_equal(cli(sc, "all", 1, 0, NULL, e, sizeof e), 2);
    assert_non_null(strstr(e, "--threads"));

    /* A good run writes both files and prints nothing on stderr (not a terminal). */
    char d[] = "/tmp/jmd-study-cli-XXXXXX", p[600];
    assert_non_null(mkdtemp(d));
    assert_int_equal(cli(sc, "sectoral", 1, 1, d, e, sizeof e), 0);
    assert_string_equal(e, "");
    struct stat stt;
    snprintf(p, sizeof p, "%s/summary.json", d);
    assert_int_equal(stat(p, &stt), 0);
    unlink(p);
    snprintf(p, sizeof p, "%s/trials.sqlite", d);
    assert_int_equal(stat(p, &stt), 0);
    assert_int_equal(count(p, "SELECT count(*) FROM trials WHERE model = 'sectoral'"), 1);
    unlink(p);
    snprintf(p, sizeof p, "%s/trials.sqlite-wal", d);
    unlink(p);
    snprintf(p, sizeof p, "%s/trials.sqlite-shm", d);
    unlink(p);
    rmdir(d);
    jmd_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wilson_published),  cmocka_unit_test(test_mean_and_median),
        cmocka_unit_test(test_invalid),           cmocka_unit_test(test_common_random_numbers),
        cmocka_unit_test(test_threads_identical), cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
