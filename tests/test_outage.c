/* test_outage.c — link outages end to end through the engine: under the
 * joint model a proposal needs the partner's vote, and while the link
 * between the two parties is down the vote cannot cross. With
 * `on_timeout: hold` nothing is launched during the outage and the
 * proposals time out; with `proceed` the proposers launch once the
 * decision timeout has run. Without the outage the same scenario decides
 * inside the window (so the window does cover the decision period).
 * Fixture: tests/scenarios/good/outage-joint.yaml (outage [250, 400) s,
 * both ways, decision timeout 30 s, votes without delay). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "jmd/govern.h"
#include "jmd/scenario.h"
#include "jmd/sim.h"

#define T0 250.0 /* the outage, as in the fixture */
#define T1 400.0
#define TIMEOUT 30.0

static jmd_scenario *load(void)
{
    const char *src = getenv("JMD_SOURCE_DIR");
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/tests/scenarios/good/outage-joint.yaml", src ? src : ".");
    jmd_scenario *sc = NULL;
    int rc = jmd_scenario_load(path, &sc, err, sizeof err);
    if (rc) fail_msg("%s", err);
    /* What the test relies on, as loaded (row = sender; NATO 0, Russia 1). */
    for (int k = 1; k <= 2; k++) {
        assert_int_equal(sc->links[k].noutages, 1);
        assert_true(sc->links[k].outages[0].start == T0);
        assert_true(sc->links[k].outages[0].start + sc->links[k].outages[0].duration == T1);
    }
    assert_int_equal(sc->gov.model, JMD_GOV_JOINT);
    assert_true(sc->gov.decision_timeout == TIMEOUT && sc->gov.timeout_proceed == 0);
    assert_int_equal(sc->gov.predelegate_own, 0);
    return sc;
}

/* One trial; its interceptor orders' times go to orders[0 .. *norders). */
static jmd_sim_result *run(const jmd_scenario *sc, double *orders, size_t cap, size_t *norders)
{
    jmd_sim_opts o;
    jmd_sim_result *r = NULL;
    char err[512], *buf = NULL;
    size_t len = 0;
    jmd_sim_opts_default(&o);
    o.model = JMD_GOV_JOINT;
    o.events = open_memstream(&buf, &len);
    assert_non_null(o.events);
    int rc = jmd_sim_run(sc, sc->seed, &o, &r, err, sizeof err);
    fclose(o.events);
    if (rc) fail_msg("%s", err);
    *norders = 0;
    for (char *l = buf; l && *l;) {
        char *nl = strchr(l, '\n');
        if (nl) *nl = '\0'; /* one line at a time */
        if (strstr(l, "\"event\":\"interceptor_order\"")) {
            assert_true(*norders < cap);
            assert_int_equal(sscanf(l, "{\"t\":%lf", &orders[(*norders)++]), 1);
        }
        l = nl ? nl + 1 : NULL;
    }
    free(buf);
    return r;
}

static int timeouts(const jmd_sim_result *r)
{
    int n = 0;
    for (size_t p = 0; p < r->nparties; p++) n += r->party[p].timeouts;
    return n;
}

static int in_outage(double t)
{
    return t >= T0 && t < T1;
}

static void test_outage_joint(void **state)
{
    (void)state;
    jmd_scenario *sc = load();
    double ord[256];
    size_t n;

    /* Without the outage: decisions inside the window, none timed out. */
    sc->links[1].noutages = sc->links[2].noutages = 0;
    jmd_sim_result *r = run(sc, ord, 256, &n);
    assert_int_equal(timeouts(r), 0);
    size_t inside = 0;
    for (size_t i = 0; i < n; i++) inside += in_outage(ord[i]) ? 1u : 0u;
    assert_true(inside > 0);
    jmd_sim_result_free(r);
    sc->links[1].noutages = sc->links[2].noutages = 1;

    /* hold: no launch while the link is down; the proposals time out;
     * once it is back, votes cross and launches follow. */
    r = run(sc, ord, 256, &n);
    assert_true(timeouts(r) > 0);
    for (size_t i = 0; i < n; i++)
        if (in_outage(ord[i])) fail_msg("order at %.1f s, in the outage", ord[i]);
    for (size_t i = 0; i < r->nthreats; i++)
        if (!isnan(r->threats[i].t_decision)) assert_true(r->threats[i].t_decision >= T1);
    assert_true(r->fired > 0); /* after the outage */
    jmd_sim_result_free(r);

    /* proceed: launches inside the outage, each after a timeout has run
     * (no proposal's vote crosses before T1, so none is decided before
     * T0 + TIMEOUT, less one step for a proposal made just before T0). */
    sc->gov.timeout_proceed = 1;
    r = run(sc, ord, 256, &n);
    assert_true(timeouts(r) > 0);
    inside = 0;
    for (size_t i = 0; i < n; i++)
        if (in_outage(ord[i])) {
            inside++;
            assert_true(ord[i] >= T0 + TIMEOUT - sc->step);
        }
    assert_true(inside > 0);
    jmd_sim_result_free(r);
    jmd_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outage_joint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
