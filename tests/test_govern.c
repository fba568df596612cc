/* test_govern.c — the cooperation models as policy (docs/governance.md):
 * release filters and defaults per model, precision rounding and the
 * covariance inflation that matches it, message passage over a link,
 * delay distributions' moments and determinism, the joint decision
 * machine's truth table and timing, sector ownership, who may engage
 * under each model, and invalid arguments. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "jmd/govern.h"

#define DEG (3.14159265358979323846 / 180.0)
#define B(k) JMD_MSG_BIT(k)

/* ---------------------------------------------------------------- release */

static void test_release_defaults_per_model(void **state)
{
    (void)state;
    /* expected[model][kind] for kinds 1..8 */
    static const int expected[JMD_GOV_NMODELS][JMD_MSG_KIND_MAX + 1] = {
        /*              -  meas warn trk prop vote ord  out  chk */
        [JMD_GOV_INDEPENDENT] = {0, 0, 0, 0, 0, 0, 0, 0, 0},
        [JMD_GOV_EARLY_WARNING] = {0, 0, 1, 0, 0, 0, 0, 0, 0},
        [JMD_GOV_CONNECTED] = {0, 0, 1, 1, 0, 0, 0, 0, 0},
        [JMD_GOV_JOINT] = {0, 0, 1, 1, 1, 1, 1, 1, 0},
        [JMD_GOV_SECTORAL] = {0, 0, 1, 1, 0, 0, 0, 0, 0},
    };
    for (int m = 0; m < JMD_GOV_NMODELS; m++) {
        jmd_release_policy p;
        assert_int_equal(jmd_govern_default_release((jmd_gov_model)m, &p), 0);
        assert_true(p.precision == 0.0 && p.delay == 0.0);
        assert_int_equal(p.kinds, jmd_govern_default_kinds((jmd_gov_model)m));
        assert_int_equal(jmd_govern_release_check(&p), 0);
        for (int k = 1; k <= JMD_MSG_KIND_MAX; k++)
            assert_int_equal(jmd_govern_releases(&p, (jmd_msg_kind)k), expected[m][k]);
    }
    jmd_release_policy p;
    assert_int_equal(jmd_govern_default_release((jmd_gov_model)7, &p), JMD_EINVAL);
    assert_int_equal(p.kinds, 0u);
    assert_int_equal(jmd_govern_default_release(JMD_GOV_JOINT, NULL), JMD_EINVAL);
    assert_int_equal(jmd_govern_default_kinds((jmd_gov_model)-1), 0u);
}

static void test_release_filter(void **state)
{
    (void)state;
    /* Measurements never leave their party even when the mask says so;
     * unknown kinds and NULL are never released. */
    jmd_release_policy p = {B(JMD_MSG_MEASUREMENT) | B(JMD_MSG_OUTCOME), 0, 0};
    assert_int_equal(jmd_govern_releases(&p, JMD_MSG_MEASUREMENT), 0);
    assert_int_equal(jmd_govern_releases(&p, JMD_MSG_OUTCOME), 1);
    assert_int_equal(jmd_govern_releases(&p, JMD_MSG_TRACK), 0);
    assert_int_equal(jmd_govern_releases(&p, (jmd_msg_kind)0), 0);
    assert_int_equal(jmd_govern_releases(&p, (jmd_msg_kind)9), 0);
    assert_int_equal(jmd_govern_releases(NULL, JMD_MSG_OUTCOME), 0);

    jmd_release_policy bad = {1u << 9, 0, 0};
    assert_int_equal(jmd_govern_release_check(&bad), JMD_EINVAL);
    bad = (jmd_release_policy){1u, 0, 0}; /* bit 0 is no kind */
    assert_int_equal(jmd_govern_release_check(&bad), JMD_EINVAL);
    bad = (jmd_release_policy){0, -1, 0};
    assert_int_equal(jmd_govern_release_check(&bad), JMD_EINVAL);
    bad = (jmd_release_policy){0, 0, NAN};
    assert_int_equal(jmd_govern_release_check(&bad), JMD_EINVAL);
    assert_int_equal(jmd_govern_release_check(NULL), JMD_EINVAL);

    jmd_link l = {.latency = 0.05, .loss = 0.0};
    assert_int_equal(jmd_govern_link_check(&l), 0);
    l.loss = 1.0;
    assert_int_equal(jmd_govern_link_check(&l), JMD_EINVAL);
    l = (jmd_link){.latency = -1, .loss = 0};
    assert_int_equal(jmd_govern_link_check(&l), JMD_EINVAL);
    l = (jmd_link){.latency = 0, .loss = NAN};
    assert_int_equal(jmd_govern_link_check(&l), JMD_EINVAL);
    assert_int_equal(jmd_govern_link_check(NULL), JMD_EINVAL);
}

static void test_precision_rounding_and_inflation(void **state)
{
    (void)state;
    jmd_rng r;
    jmd_rng_init(&r, 11, "test:precision", 0);
    static const double qs[] = {0.3, 1.0, 100.0, 1000.0, 5000.0};
    for (size_t iq = 0; iq < sizeof qs / sizeof qs[0]; iq++) {
        const double q = qs[iq];
        jmd_release_policy p = {B(JMD_MSG_TRACK), q, 0};
        const int n = 20000;
        double se2[3] = {0, 0, 0};
        for (int i = 0; i < n; i++) {
            double x[6], x0[6], P[36], P0[36];
            for (int k = 0; k < 3; k++) x[k] = 7.0e6 * (2.0 * jmd_rng_uniform(&r) - 1.0);
            for (int k = 3; k < 6; k++) x[k] = 7.0e3 * (2.0 * jmd_rng_uniform(&r) - 1.0);
            for (int k = 0; k < 36; k++) P[k] = (k % 7 == 0) ? 100.0 + k : 0.5 * k;
            memcpy(x0, x, sizeof x);
            memcpy(P0, P, sizeof P);
            assert_int_equal(jmd_govern_degrade(&p, x, P, 6), 0);
            for (int k = 0; k < 3; k++) {
                double e = x[k] - x0[k];
                /* Bounded by q/2 (plus the last bit of a 7e6 m number). */
                assert_true(fabs(e) <= 0.5 * q + 1e-8);
                /* On the grid (to the last bits of q * k with k up to ~2e7). */
                double g = x[k] / q;
                assert_true(fabs(g - round(g)) < 1e-15 * fabs(g) + 1e-12);
                se2[k] += e * e;
            }
            for (int k = 3; k < 6; k++) assert_true(x[k] == x0[k]); /* velocity untouched */
            for (int a = 0; a < 6; a++)
                for (int b = 0; b < 6; b++) {
                    double want = P0[a * 6 + b] + ((a == b && a < 3) ? q * q / 12.0 : 0.0);
                    assert_true(P[a * 6 + b] == want);
                }
        }
        /* The inflation matches the actual rounding error: its mean square
         * is q^2/12 (uniform on [-q/2, q/2]); standard error of the
         * estimate ~ q^2/12 * sqrt(0.8/n) ~ 0.6 %, so 4 % is ~6 sigma. */
        for (int k = 0; k < 3; k++) {
            double ms = se2[k] / n;
            assert_true(fabs(ms / (q * q / 12.0) - 1.0) < 0.04);
        }
    }
    /* q == 0: nothing changes; P may be NULL; dim 3 works. */
    jmd_release_policy full = {0, 0, 0};
    double x[3] = {1.23456789, -2.5, 3.75}, x0[3];
    memcpy(x0, x, sizeof x);
    assert_int_equal(jmd_govern_degrade(&full, x, NULL, 3), 0);
    assert_memory_equal(x, x0, sizeof x);
    jmd_release_policy km = {0, 1000.0, 0};
    double y[3] = {1499.9, -1500.0, 500.0};
    assert_int_equal(jmd_govern_degrade(&km, y, NULL, 3), 0);
    assert_true(y[0] == 1000.0 && y[1] == -2000.0 && y[2] == 1000.0); /* ties away from zero */
    /* Invalid: unchanged. */
    double z[3] = {1.0, NAN, 3.0};
    assert_int_equal(jmd_govern_degrade(&km, z, NULL, 3), JMD_EINVAL);
    assert_true(z[0] == 1.0);
    assert_int_equal(jmd_govern_degrade(&km, x, NULL, 2), JMD_EINVAL);
    assert_int_equal(jmd_govern_degrade(NULL, x, NULL, 3), JMD_EINVAL);
    assert_int_equal(jmd_govern_degrade(&km, NULL, NULL, 3), JMD_EINVAL);
    jmd_release_policy neg = {0, -1.0, 0};
    assert_int_equal(jmd_govern_degrade(&neg, x, NULL, 3), JMD_EINVAL);
}

static void test_transmit(void **state)
{
    (void)state;
    jmd_rng r, r0;
    jmd_rng_init(&r, 5, "test:link", 0);
    jmd_release_policy p = {B(JMD_MSG_TRACK), 0, 2.0};
    jmd_link l = {.latency = 0.25, .loss = 0.0};
    double ta;
    /* Withheld: 0, +inf, no draw. */
    r0 = r;
    assert_int_equal(jmd_govern_transmit(&p, &l, JMD_MSG_LAUNCH_WARNING, 10.0, &r, &ta), 0);
    assert_true(isinf(ta));
    assert_memory_equal(&r, &r0, sizeof r);
    /* Released, no loss: arrival = send + delay + latency; one draw. */
    assert_int_equal(jmd_govern_transmit(&p, &l, JMD_MSG_TRACK, 10.0, &r, &ta), 1);
    assert_true(ta == 12.25);
    jmd_rng_uniform(&r0);
    assert_memory_equal(&r, &r0, sizeof r);
    /* Loss 0.3: about 30 % lost. */
    l.loss = 0.3;
    int lost = 0;
    const int n = 20000;
    for (int i = 0; i < n; i++) lost += jmd_govern_transmit(&p, &l, JMD_MSG_TRACK, 0.0, &r, &ta) == 0;
    assert_true(fabs((double)lost / n - 0.3) < 0.02);
    /* Invalid. */
    assert_int_equal(jmd_govern_transmit(NULL, &l, JMD_MSG_TRACK, 0, &r, &ta), JMD_EINVAL);
    assert_int_equal(jmd_govern_transmit(&p, &l, JMD_MSG_TRACK, NAN, &r, &ta), JMD_EINVAL);
    l.loss = 1.5;
    assert_int_equal(jmd_govern_transmit(&p, &l, JMD_MSG_TRACK, 0, &r, &ta), JMD_EINVAL);
}

/* ------------------------------------------------------------------ delay */

static void moments(const jmd_dist *d, uint64_t seed, int n, double *mean, double *sd)
{
    jmd_rng r;
    jmd_rng_init(&r, seed, "test:delay", 0);
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) {
        double x = jmd_govern_draw_delay(d, &r);
        assert_true(x >= 0.0);
        s += x;
        s2 += x * x;
    }
    *mean = s / n;
    *sd = sqrt((s2 - s * s / n) / (n - 1));
}

static void test_delay_moments(void **state)
{
    (void)state;
    const int n = 200000;
    double m, s;
    /* Lognormal given by the delay's mean 30 s, sd 15 s. */
    jmd_dist ln = {JMD_DIST_LOGNORMAL, 30.0, 15.0, 0, 0};
    moments(&ln, 1, n, &m, &s);
    assert_true(fabs(m - 30.0) < 0.25);   /* se 0.034 */
    assert_true(fabs(s / 15.0 - 1.0) < 0.03);
    /* A wide one (sd > mean). */
    ln = (jmd_dist){JMD_DIST_LOGNORMAL, 10.0, 20.0, 0, 0};
    moments(&ln, 2, n, &m, &s);
    assert_true(fabs(m - 10.0) < 0.3);    /* se 0.045 */
    assert_true(fabs(s / 20.0 - 1.0) < 0.15); /* heavy tail: sd converges slowly */
    /* Exponential: mean = sd. */
    jmd_dist ex = {JMD_DIST_EXPONENTIAL, 20.0, 0, 0, 0};
    moments(&ex, 3, n, &m, &s);
    assert_true(fabs(m - 20.0) < 0.3);
    assert_true(fabs(s / 20.0 - 1.0) < 0.02);
    /* Uniform [5, 15]: mean 10, sd 10/sqrt(12). */
    jmd_dist un = {JMD_DIST_UNIFORM, 0, 0, 5.0, 15.0};
    moments(&un, 4, n, &m, &s);
    assert_true(fabs(m - 10.0) < 0.04);
    assert_true(fabs(s - 10.0 / sqrt(12.0)) < 0.03);
    /* Fixed: the mean; lognormal with sd 0: the mean; exponential 0: 0. */
    jmd_rng r;
    jmd_rng_init(&r, 9, NULL, 0);
    jmd_dist fx = {JMD_DIST_FIXED, 4.5, 0, 0, 0};
    assert_true(jmd_govern_draw_delay(&fx, &r) == 4.5);
    ln = (jmd_dist){JMD_DIST_LOGNORMAL, 7.0, 0.0, 0, 0};
    assert_true(jmd_govern_draw_delay(&ln, &r) == 7.0);
    ex.mean = 0.0;
    assert_true(jmd_govern_draw_delay(&ex, &r) == 0.0);
}

static void test_delay_deterministic_and_invalid(void **state)
{
    (void)state;
    jmd_dist ds[] = {{JMD_DIST_LOGNORMAL, 30, 15, 0, 0},
                     {JMD_DIST_EXPONENTIAL, 20, 0, 0, 0},
                     {JMD_DIST_UNIFORM, 0, 0, 1, 2}};
    for (size_t k = 0; k < 3; k++) {
        jmd_rng a, b, c;
        jmd_rng_init(&a, 77, "party:nato", 0);
        jmd_rng_init(&b, 77, "party:nato", 0);
        jmd_rng_init(&c, 78, "party:nato", 0);
        int differ = 0;
        for (int i = 0; i < 100; i++) {
            double x = jmd_govern_draw_delay(&ds[k], &a);
            assert_true(x == jmd_govern_draw_delay(&ds[k], &b));
            differ += x != jmd_govern_draw_delay(&ds[k], &c);
        }
        assert_true(differ > 90);
    }
    jmd_rng r;
    jmd_rng_init(&r, 1, NULL, 0);
    jmd_rng r0 = r;
    jmd_dist bad[] = {{JMD_DIST_FIXED, -1, 0, 0, 0},       {JMD_DIST_EXPONENTIAL, NAN, 0, 0, 0},
                      {JMD_DIST_LOGNORMAL, 0, 1, 0, 0},    {JMD_DIST_LOGNORMAL, 5, -1, 0, 0},
                      {JMD_DIST_UNIFORM, 0, 0, 3, 2},      {JMD_DIST_UNIFORM, 0, 0, -1, 2},
                      {(jmd_dist_kind)9, 1, 1, 1, 1}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(jmd_govern_dist_check(&bad[k]), JMD_EINVAL);
        assert_true(jmd_govern_draw_delay(&bad[k], &r) < 0.0);
    }
    assert_memory_equal(&r, &r0, sizeof r); /* nothing drawn */
    assert_true(jmd_govern_draw_delay(NULL, &r) < 0.0);
    assert_true(jmd_govern_draw_delay(&ds[0], NULL) < 0.0);
    assert_int_equal(jmd_govern_dist_check(NULL), JMD_EINVAL);
}

/* --------------------------------------------------------------- decision */

static jmd_governance gov(jmd_quorum_kind q, int k, int veto, double timeout, int proceed, int pd)
{
    jmd_governance g;
    memset(&g, 0, sizeof g);
    g.model = JMD_GOV_JOINT;
    g.quorum = q;
    g.quorum_k = k;
    g.veto = veto;
    g.decision_timeout = timeout;
    g.timeout_proceed = proceed;
    g.predelegate_own = pd;
    return g;
}

/* Vote sequences among 3 parties, proposer 0 (implicit yes at t = 0). */
typedef struct {
    int n;
    int voter[2], yes[2];
    double t[2];
} seq;
static const seq SEQS[] = {
    {2, {1, 2}, {1, 1}, {10, 20}}, /* S0: yes, yes */
    {2, {1, 2}, {1, 0}, {10, 20}}, /* S1: yes, no */
    {2, {1, 2}, {0, 1}, {10, 20}}, /* S2: no, yes */
    {1, {1, 0}, {1, 0}, {10, 0}},  /* S3: yes, then silence */
    {1, {1, 0}, {0, 0}, {10, 0}},  /* S4: no, then silence */
    {0, {0, 0}, {0, 0}, {0, 0}},   /* S5: silence */
};

#define UND (-1) /* undecided by the votes: pending, or the timeout's state at 100 s */
typedef struct {
    jmd_quorum_kind q;
    int k, veto, s;
    int state; /* jmd_decision_state or UND */
    double t;
} row;

#define A JMD_DECISION_APPROVED
#define R JMD_DECISION_REJECTED
static const row TABLE[] = {
    /* all: any no rejects, with or without veto (all can no longer be reached) */
    {JMD_QUORUM_ALL, 0, 1, 0, A, 20}, {JMD_QUORUM_ALL, 0, 0, 0, A, 20},
    {JMD_QUORUM_ALL, 0, 1, 1, R, 20}, {JMD_QUORUM_ALL, 0, 0, 1, R, 20},
    {JMD_QUORUM_ALL, 0, 1, 2, R, 10}, {JMD_QUORUM_ALL, 0, 0, 2, R, 10},
    {JMD_QUORUM_ALL, 0, 1, 3, UND, 0}, {JMD_QUORUM_ALL, 0, 0, 3, UND, 0},
    {JMD_QUORUM_ALL, 0, 1, 4, R, 10}, {JMD_QUORUM_ALL, 0, 0, 4, R, 10},
    {JMD_QUORUM_ALL, 0, 1, 5, UND, 0}, {JMD_QUORUM_ALL, 0, 0, 5, UND, 0},
    /* majority of 3 = 2: the proposer plus one */
    {JMD_QUORUM_MAJORITY, 0, 1, 0, A, 10}, {JMD_QUORUM_MAJORITY, 0, 0, 0, A, 10},
    {JMD_QUORUM_MAJORITY, 0, 1, 1, A, 10}, {JMD_QUORUM_MAJORITY, 0, 0, 1, A, 10},
    {JMD_QUORUM_MAJORITY, 0, 1, 2, R, 10}, {JMD_QUORUM_MAJORITY, 0, 0, 2, A, 20},
    {JMD_QUORUM_MAJORITY, 0, 1, 3, A, 10}, {JMD_QUORUM_MAJORITY, 0, 0, 3, A, 10},
    {JMD_QUORUM_MAJORITY, 0, 1, 4, R, 10}, {JMD_QUORUM_MAJORITY, 0, 0, 4, UND, 0},
    {JMD_QUORUM_MAJORITY, 0, 1, 5, UND, 0}, {JMD_QUORUM_MAJORITY, 0, 0, 5, UND, 0},
    /* k = 1: the proposer alone suffices */
    {JMD_QUORUM_K, 1, 1, 0, A, 0}, {JMD_QUORUM_K, 1, 0, 0, A, 0},
    {JMD_QUORUM_K, 1, 1, 2, A, 0}, {JMD_QUORUM_K, 1, 0, 5, A, 0},
    /* k = 3 = all */
    {JMD_QUORUM_K, 3, 1, 0, A, 20}, {JMD_QUORUM_K, 3, 0, 1, R, 20},
    {JMD_QUORUM_K, 3, 0, 3, UND, 0}, {JMD_QUORUM_K, 3, 1, 4, R, 10},
    /* k = 2 */
    {JMD_QUORUM_K, 2, 0, 2, A, 20}, {JMD_QUORUM_K, 2, 1, 2, R, 10},
    {JMD_QUORUM_K, 2, 0, 4, UND, 0}, {JMD_QUORUM_K, 2, 1, 1, A, 10},
};
#undef A
#undef R

static void test_decision_truth_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++) {
        const row *w = &TABLE[i];
        for (int tk = 0; tk < 3; tk++)             /* no timeout, hold, proceed */
            for (int pd = 0; pd < 2; pd++)         /* predelegate_own */
                for (int own = 0; own < 2; own++) { /* own defense */
                    jmd_governance g = gov(w->q, w->k, w->veto, tk ? 100.0 : 0.0, tk == 2, pd);
                    jmd_decision d;
                    assert_int_equal(jmd_decision_init(&d, &g, 3, 0, 42, 0.0, own), 0);
                    assert_true(d.id == 42);
                    const seq *s = &SEQS[w->s];
                    for (int v = 0; v < s->n; v++) {
                        int rc = jmd_decision_vote(&d, s->voter[v], s->yes[v], s->t[v]);
                        assert_true(rc == 0 || rc == 1);
                    }
                    jmd_decision_state st = jmd_decision_poll(&d, 200.0);
                    int want;
                    double wt;
                    if (pd && own) {
                        want = JMD_DECISION_APPROVED, wt = 0.0;
                        assert_int_equal(d.predelegated, 1);
                        assert_int_equal(d.required, 0u);
                    } else if (w->state != UND) {
                        want = w->state, wt = w->t;
                    } else if (tk == 0) {
                        want = JMD_DECISION_PENDING, wt = 0.0;
                    } else {
                        want = tk == 1 ? JMD_DECISION_TIMED_OUT_HOLD : JMD_DECISION_TIMED_OUT_PROCEED;
                        wt = 100.0;
                    }
                    if ((int)st != want || (want != JMD_DECISION_PENDING && d.t_decided != wt))
                        fail_msg("row %zu tk %d pd %d own %d: %s at %g, want %s at %g", i, tk, pd, own,
                                 jmd_decision_state_name(st), d.t_decided,
                                 jmd_decision_state_name((jmd_decision_state)want), wt);
                    assert_int_equal(jmd_decision_authorised(st),
                                     want == JMD_DECISION_APPROVED ||
                                         want == JMD_DECISION_TIMED_OUT_PROCEED);
                    if (want == JMD_DECISION_PENDING)
                        assert_int_equal(jmd_decision_awaiting(&d), 0x7u & ~d.voted);
                    else
                        assert_int_equal(jmd_decision_awaiting(&d), 0u);
                }
    }
}

static void test_decision_details(void **state)
{
    (void)state;
    jmd_decision d;
    /* Single party: approved at once under every quorum. */
    for (int q = 0; q < 3; q++) {
        jmd_governance g = gov((jmd_quorum_kind)q, 1, 1, 0, 0, 0);
        assert_int_equal(jmd_decision_init(&d, &g, 1, 0, 1, 5.0, 0), 0);
        assert_int_equal(d.state, JMD_DECISION_APPROVED);
        assert_true(d.t_decided == 5.0);
        assert_int_equal(jmd_decision_vote(&d, 0, 1, 6.0), JMD_EINVAL); /* implicit: duplicate */
    }
    /* Quorum sizes. */
    jmd_governance g = gov(JMD_QUORUM_MAJORITY, 0, 1, 0, 0, 0);
    assert_int_equal(jmd_govern_quorum_need(&g, 1), 1);
    assert_int_equal(jmd_govern_quorum_need(&g, 2), 2);
    assert_int_equal(jmd_govern_quorum_need(&g, 3), 2);
    assert_int_equal(jmd_govern_quorum_need(&g, 4), 3);
    assert_int_equal(jmd_govern_quorum_need(&g, 5), 3);
    g.quorum = JMD_QUORUM_ALL;
    assert_int_equal(jmd_govern_quorum_need(&g, 4), 4);

    /* Majority of 4 (need 3), proposer 2, veto off: timing is that of the
     * deciding vote; the yes mask holds the authorising parties; later
     * votes are late; the awaiting mask shrinks. */
    g = gov(JMD_QUORUM_MAJORITY, 0, 0, 60.0, 0, 0);
    assert_int_equal(jmd_decision_init(&d, &g, 4, 2, 7, 100.0, 0), 0);
    assert_int_equal(d.need, 3);
    assert_int_equal(jmd_decision_awaiting(&d), 0xbu);
    assert_int_equal(jmd_decision_vote(&d, 0, 0, 110.0), 0);
    assert_int_equal(jmd_decision_awaiting(&d), 0xau);
    assert_int_equal(jmd_decision_poll(&d, 120.0), JMD_DECISION_PENDING);
    assert_int_equal(jmd_decision_vote(&d, 3, 1, 130.0), 0);
    assert_int_equal(jmd_decision_vote(&d, 3, 1, 131.0), JMD_EINVAL); /* duplicate */
    assert_int_equal(jmd_decision_vote(&d, 1, 1, 125.0), JMD_EINVAL); /* out of time order */
    assert_int_equal(jmd_decision_vote(&d, 1, 1, 140.0), 0);
    assert_int_equal(d.state, JMD_DECISION_APPROVED);
    assert_true(d.t_decided == 140.0);
    assert_int_equal(d.yes, (1u << 1) | (1u << 2) | (1u << 3));
    assert_int_equal(d.nyes, 3);
    assert_int_equal(d.nno, 1);
    assert_int_equal(d.vetoed_by, -1);
    assert_int_equal(jmd_decision_poll(&d, 1000.0), JMD_DECISION_APPROVED); /* no timeout after */

    /* Veto: recorded; votes after the decision are ignored and counted. */
    g = gov(JMD_QUORUM_MAJORITY, 0, 1, 0, 0, 0);
    assert_int_equal(jmd_decision_init(&d, &g, 4, 0, 8, 0.0, 0), 0);
    assert_int_equal(jmd_decision_vote(&d, 1, 1, 1.0), 0);
    assert_int_equal(jmd_decision_vote(&d, 3, 0, 2.0), 0);
    assert_int_equal(d.state, JMD_DECISION_REJECTED);
    assert_int_equal(d.vetoed_by, 3);
    assert_true(d.t_decided == 2.0);
    assert_int_equal(jmd_decision_vote(&d, 2, 1, 3.0), 1);
    assert_int_equal(d.late, 1);
    assert_int_equal(d.nyes, 2);

    /* The deadline: a vote exactly at it is too late; the decision time is
     * the deadline even when noticed later. */
    g = gov(JMD_QUORUM_ALL, 0, 1, 30.0, 1, 0);
    assert_int_equal(jmd_decision_init(&d, &g, 2, 1, 9, 10.0, 0), 0);
    assert_int_equal(jmd_decision_vote(&d, 0, 1, 40.0), 1);
    assert_int_equal(d.state, JMD_DECISION_TIMED_OUT_PROCEED);
    assert_true(d.t_decided == 40.0);
    assert_int_equal(jmd_decision_init(&d, &g, 2, 1, 9, 10.0, 0), 0);
    assert_int_equal(jmd_decision_vote(&d, 0, 1, 39.999), 0);
    assert_int_equal(d.state, JMD_DECISION_APPROVED);
    assert_int_equal(jmd_decision_init(&d, &g, 2, 1, 9, 10.0, 0), 0);
    assert_int_equal(jmd_decision_poll(&d, 39.0), JMD_DECISION_PENDING);
    assert_int_equal(jmd_decision_poll(&d, 500.0), JMD_DECISION_TIMED_OUT_PROCEED);
    assert_true(d.t_decided == 40.0);

    /* Pre-delegation needs both the knob and the own-defense claim. */
    g = gov(JMD_QUORUM_ALL, 0, 1, 0, 0, 1);
    assert_int_equal(jmd_govern_predelegated(&g, 1, 1), 1);
    assert_int_equal(jmd_govern_predelegated(&g, 1, 0), 0);
    assert_int_equal(jmd_govern_predelegated(NULL, 1, 1), 0);
    g.predelegate_own = 0;
    assert_int_equal(jmd_govern_predelegated(&g, 1, 1), 0);
    g.predelegate_own = 1;
    assert_int_equal(jmd_decision_init(&d, &g, 2, 1, 3, 0.0, 1), 0);
    assert_int_equal(d.state, JMD_DECISION_APPROVED);
    assert_int_equal(jmd_decision_vote(&d, 0, 0, 1.0), 1); /* nobody is asked; ignored */
    assert_int_equal(d.state, JMD_DECISION_APPROVED);

    /* 32 parties: the mask is full. */
    g = gov(JMD_QUORUM_ALL, 0, 1, 0, 0, 0);
    assert_int_equal(jmd_decision_init(&d, &g, 32, 31, 1, 0.0, 0), 0);
    assert_int_equal(jmd_decision_awaiting(&d), 0x7fffffffu);
    for (int p = 0; p < 31; p++) assert_int_equal(jmd_decision_vote(&d, p, 1, (double)p), 0);
    assert_int_equal(d.state, JMD_DECISION_APPROVED);
    assert_true(d.t_decided == 30.0);

    assert_string_equal(jmd_decision_state_name(JMD_DECISION_TIMED_OUT_HOLD), "timeout-hold");
    assert_string_equal(jmd_decision_state_name((jmd_decision_state)99), "unknown");
}

static void test_decision_invalid(void **state)
{
    (void)state;
    jmd_decision d;
    jmd_governance g = gov(JMD_QUORUM_ALL, 0, 1, 0, 0, 0);
    assert_int_equal(jmd_decision_init(NULL, &g, 3, 0, 1, 0, 0), JMD_EINVAL);
    assert_int_equal(jmd_decision_init(&d, NULL, 3, 0, 1, 0, 0), JMD_EINVAL);
    assert_int_equal(jmd_decision_init(&d, &g, 0, 0, 1, 0, 0), JMD_EINVAL);
    assert_int_equal(jmd_decision_init(&d, &g, 33, 0, 1, 0, 0), JMD_EINVAL);
    assert_int_equal(jmd_decision_init(&d, &g, 3, 3, 1, 0, 0), JMD_EINVAL);
    assert_int_equal(jmd_decision_init(&d, &g, 3, -1, 1, 0, 0), JMD_EINVAL);
    assert_int_equal(jmd_decision_init(&d, &g, 3, 0, 1, NAN, 0), JMD_EINVAL);
    assert_int_equal(jmd_decision_vote(&d, 1, 1, 0), JMD_EINVAL); /* zeroed after a failed init */
    jmd_governance bad = g;
    bad.quorum = JMD_QUORUM_K;
    bad.quorum_k = 4;
    assert_int_equal(jmd_decision_init(&d, &bad, 3, 0, 1, 0, 0), JMD_EINVAL);
    bad.quorum_k = 0;
    assert_int_equal(jmd_govern_check(&bad, 3), JMD_EINVAL);
    assert_int_equal(jmd_govern_quorum_need(&bad, 3), JMD_EINVAL);
    bad = g;
    bad.quorum = (jmd_quorum_kind)5;
    assert_int_equal(jmd_govern_check(&bad, 3), JMD_EINVAL);
    bad = g;
    bad.veto = 2;
    assert_int_equal(jmd_govern_check(&bad, 3), JMD_EINVAL);
    bad = g;
    bad.decision_timeout = INFINITY;
    assert_int_equal(jmd_govern_check(&bad, 3), JMD_EINVAL);
    bad = g;
    bad.model = (jmd_gov_model)5;
    assert_int_equal(jmd_govern_check(&bad, 3), JMD_EINVAL);
    assert_int_equal(jmd_govern_check(&g, 3), 0);

    assert_int_equal(jmd_decision_init(&d, &g, 3, 0, 1, 10.0, 0), 0);
    jmd_decision d0 = d;
    assert_int_equal(jmd_decision_vote(&d, 3, 1, 11), JMD_EINVAL);  /* no such voter */
    assert_int_equal(jmd_decision_vote(&d, -1, 1, 11), JMD_EINVAL);
    assert_int_equal(jmd_decision_vote(&d, 1, 2, 11), JMD_EINVAL);  /* approve not 0/1 */
    assert_int_equal(jmd_decision_vote(&d, 1, 1, 9), JMD_EINVAL);   /* before the proposal */
    assert_int_equal(jmd_decision_vote(&d, 1, 1, NAN), JMD_EINVAL);
    assert_int_equal(jmd_decision_vote(&d, 0, 1, 11), JMD_EINVAL);  /* proposer: implicit */
    assert_int_equal(jmd_decision_vote(NULL, 1, 1, 11), JMD_EINVAL);
    assert_memory_equal(&d, &d0, sizeof d);
    assert_int_equal(jmd_decision_poll(NULL, 1), JMD_DECISION_PENDING);
    assert_int_equal(jmd_decision_poll(&d, NAN), JMD_DECISION_PENDING);
    assert_int_equal(jmd_decision_awaiting(NULL), 0u);
}

/* ---------------------------------------------------------------- sectors */

static jmd_latlon ll(double lat_deg, double lon_deg)
{
    return (jmd_latlon){lat_deg * DEG, lon_deg * DEG};
}

static void test_point_in_polygon(void **state)
{
    (void)state;
    /* A square 40..50 N, 10..20 E. */
    jmd_latlon sq[] = {ll(40, 10), ll(40, 20), ll(50, 20), ll(50, 10)};
    jmd_polygon S = {sq, 4};
    assert_int_equal(jmd_govern_in_polygon(&S, ll(45, 15)), 1);
    assert_int_equal(jmd_govern_in_polygon(&S, ll(45, 25)), 0);
    assert_int_equal(jmd_govern_in_polygon(&S, ll(45, 5)), 0);
    assert_int_equal(jmd_govern_in_polygon(&S, ll(55, 15)), 0);
    /* Edges and vertices are inside (closed polygon). */
    assert_int_equal(jmd_govern_in_polygon(&S, ll(40, 15)), 1);
    assert_int_equal(jmd_govern_in_polygon(&S, ll(45, 20)), 1);
    assert_int_equal(jmd_govern_in_polygon(&S, ll(50, 10)), 1);
    assert_int_equal(jmd_govern_in_polygon(&S, ll(40, 20)), 1);
    /* The ray through a vertex's latitude from outside: counted once. */
    assert_int_equal(jmd_govern_in_polygon(&S, ll(50, 5)), 0);
    assert_int_equal(jmd_govern_in_polygon(&S, ll(40, 5)), 0);

    /* A concave "U": 0..30 E, 0..30 N with the notch 10..20 E, 10..30 N. */
    jmd_latlon u[] = {ll(0, 0), ll(0, 30), ll(30, 30), ll(30, 20),
                      ll(10, 20), ll(10, 10), ll(30, 10), ll(30, 0)};
    jmd_polygon U = {u, 8};
    assert_int_equal(jmd_govern_in_polygon(&U, ll(20, 5)), 1);   /* left arm */
    assert_int_equal(jmd_govern_in_polygon(&U, ll(20, 25)), 1);  /* right arm */
    assert_int_equal(jmd_govern_in_polygon(&U, ll(5, 15)), 1);   /* base */
    assert_int_equal(jmd_govern_in_polygon(&U, ll(20, 15)), 0);  /* in the notch */
    assert_int_equal(jmd_govern_in_polygon(&U, ll(10, 15)), 1);  /* notch floor (edge) */
    assert_int_equal(jmd_govern_in_polygon(&U, ll(10, 10)), 1);  /* reflex vertex */
    assert_int_equal(jmd_govern_in_polygon(&U, ll(30, 15)), 0);  /* notch mouth, open */
    assert_int_equal(jmd_govern_in_polygon(&U, ll(30, 10)), 1);  /* vertex at the mouth */
    assert_int_equal(jmd_govern_in_polygon(&U, ll(10, -5)), 0);  /* ray through the reflex vertex's lat */
    assert_int_equal(jmd_govern_in_polygon(&U, ll(30, -5)), 0);  /* ray along the top edges */
    assert_int_equal(jmd_govern_in_polygon(&U, ll(31, 5)), 0);
    /* Just off an edge: outside. */
    assert_int_equal(jmd_govern_in_polygon(&U, ll(20, 10 - 1e-6)), 1);
    assert_int_equal(jmd_govern_in_polygon(&U, ll(20, 10 + 1e-6)), 0);

    /* Invalid. */
    jmd_polygon two = {sq, 2};
    assert_int_equal(jmd_govern_in_polygon(&two, ll(45, 15)), JMD_EINVAL);
    jmd_polygon nul = {NULL, 4};
    assert_int_equal(jmd_govern_in_polygon(&nul, ll(45, 15)), JMD_EINVAL);
    assert_int_equal(jmd_govern_in_polygon(NULL, ll(45, 15)), JMD_EINVAL);
    assert_int_equal(jmd_govern_in_polygon(&S, (jmd_latlon){NAN, 0}), JMD_EINVAL);
}

static void test_sector_owner(void **state)
{
    (void)state;
    /* Party 0 (west): 40..60 N, 0..30 E plus an island 60..70 N, 50..60 E.
     * Party 1 (east): 40..60 N, 30..60 E (shares the 30 E meridian).
     * Party 2: no sector. */
    jmd_latlon w[] = {ll(40, 0), ll(40, 30), ll(60, 30), ll(60, 0)};
    jmd_latlon isl[] = {ll(60, 50), ll(60, 60), ll(70, 60), ll(70, 50)};
    jmd_latlon e[] = {ll(40, 30), ll(40, 60), ll(60, 60), ll(60, 30)};
    jmd_polygon p0[] = {{w, 4}, {isl, 4}};
    jmd_polygon p1[] = {{e, 4}};
    jmd_sector sec[] = {{p0, 2}, {p1, 1}, {NULL, 0}};
    int o;
    assert_int_equal(jmd_govern_sector_owner(sec, 3, ll(50, 10), &o), 0);
    assert_int_equal(o, 0);
    assert_int_equal(jmd_govern_sector_owner(sec, 3, ll(50, 45), &o), 0);
    assert_int_equal(o, 1);
    assert_int_equal(jmd_govern_sector_owner(sec, 3, ll(65, 55), &o), 0);
    assert_int_equal(o, 0);                                   /* second polygon */
    assert_int_equal(jmd_govern_sector_owner(sec, 3, ll(50, 30), &o), 0);
    assert_int_equal(o, 0);                                   /* shared edge: first party */
    assert_int_equal(jmd_govern_sector_owner(sec, 3, ll(60, 50), &o), 0);
    assert_int_equal(o, 0);                                   /* shared vertex 60N 50E... */
    assert_int_equal(jmd_govern_sector_owner(sec, 3, ll(60, 55), &o), 0);
    assert_int_equal(o, 0);                                   /* ...and shared edge 60N */
    assert_int_equal(jmd_govern_sector_owner(sec + 1, 2, ll(50, 30), &o), 0);
    assert_int_equal(o, 0);                                   /* order decides: now "east" is first */
    assert_int_equal(jmd_govern_sector_owner(sec, 3, ll(20, 10), &o), 0);
    assert_int_equal(o, -1);                                  /* outside every sector */
    assert_int_equal(jmd_govern_sector_owner(sec, 0, ll(50, 10), &o), 0);
    assert_int_equal(o, -1);
    assert_int_equal(jmd_govern_sector_owner(NULL, 0, ll(50, 10), &o), 0);
    assert_int_equal(o, -1);

    /* Invalid. */
    assert_int_equal(jmd_govern_sector_owner(sec, 3, ll(50, 10), NULL), JMD_EINVAL);
    assert_int_equal(jmd_govern_sector_owner(NULL, 2, ll(50, 10), &o), JMD_EINVAL);
    assert_int_equal(o, -1);
    assert_int_equal(jmd_govern_sector_owner(sec, 3, ll(95, 10), &o), JMD_EINVAL);
    assert_int_equal(jmd_govern_sector_owner(sec, 3, ll(50, 181), &o), JMD_EINVAL);
    assert_int_equal(jmd_govern_sector_owner(sec, 3, (jmd_latlon){0, NAN}, &o), JMD_EINVAL);
    assert_int_equal(jmd_govern_sector_owner(sec, 33, ll(50, 10), &o), JMD_EINVAL);
    jmd_sector bad1[] = {{NULL, 1}};
    assert_int_equal(jmd_govern_sector_owner(bad1, 1, ll(50, 10), &o), JMD_EINVAL);
    jmd_polygon deg[] = {{w, 2}};
    jmd_sector bad2[] = {{p1, 1}, {deg, 1}};
    assert_int_equal(jmd_govern_sector_owner(bad2, 2, ll(50, 45), &o), JMD_EINVAL);
    assert_int_equal(o, -1);
}

/* ----------------------------------------------------------------- models */

static void test_may_engage(void **state)
{
    (void)state;
    /* party, asset owner, sector owner */
    for (int m = JMD_GOV_INDEPENDENT; m <= JMD_GOV_CONNECTED; m++) {
        assert_int_equal(jmd_govern_may_engage((jmd_gov_model)m, 0, 0, 1), 1);
        assert_int_equal(jmd_govern_may_engage((jmd_gov_model)m, 1, 0, 1), 0);
        assert_int_equal(jmd_govern_needs_consent((jmd_gov_model)m), 0);
    }
    assert_int_equal(jmd_govern_may_engage(JMD_GOV_JOINT, 1, 0, -1), 1);
    assert_int_equal(jmd_govern_may_engage(JMD_GOV_JOINT, 0, 0, -1), 1);
    assert_int_equal(jmd_govern_needs_consent(JMD_GOV_JOINT), 1);
    assert_int_equal(jmd_govern_may_engage(JMD_GOV_SECTORAL, 1, 0, 1), 1); /* for the other */
    assert_int_equal(jmd_govern_may_engage(JMD_GOV_SECTORAL, 0, 0, 1), 0); /* not over its sector */
    assert_int_equal(jmd_govern_may_engage(JMD_GOV_SECTORAL, 0, 0, -1), 1); /* no sector: own */
    assert_int_equal(jmd_govern_may_engage(JMD_GOV_SECTORAL, 1, 0, -1), 0);
    assert_int_equal(jmd_govern_needs_consent(JMD_GOV_SECTORAL), 0);
    assert_int_equal(jmd_govern_may_engage((jmd_gov_model)9, 0, 0, 0), JMD_EINVAL);
    assert_int_equal(jmd_govern_may_engage(JMD_GOV_JOINT, -1, 0, 0), JMD_EINVAL);
    assert_int_equal(jmd_govern_may_engage(JMD_GOV_JOINT, 0, -1, 0), JMD_EINVAL);
    assert_int_equal(jmd_govern_may_engage(JMD_GOV_JOINT, 0, 0, -2), JMD_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_release_defaults_per_model),
        cmocka_unit_test(test_release_filter),
        cmocka_unit_test(test_precision_rounding_and_inflation),
        cmocka_unit_test(test_transmit),
        cmocka_unit_test(test_delay_moments),
        cmocka_unit_test(test_delay_deterministic_and_invalid),
        cmocka_unit_test(test_decision_truth_table),
        cmocka_unit_test(test_decision_details),
        cmocka_unit_test(test_decision_invalid),
        cmocka_unit_test(test_point_in_polygon),
        cmocka_unit_test(test_sector_owner),
        cmocka_unit_test(test_may_engage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
