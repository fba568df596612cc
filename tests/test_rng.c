/* test_rng.c — deterministic streams: reproducibility, independence of
 * keys, and the moments of the distributions. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "jmd/rng.h"

static void test_same_key_same_stream(void **state)
{
    (void)state;
    jmd_rng a, b;
    jmd_rng_init(&a, 42, "sensor:tpy2", 3);
    jmd_rng_init(&b, 42, "sensor:tpy2", 3);
    for (int i = 0; i < 1000; i++) assert_true(jmd_rng_u64(&a) == jmd_rng_u64(&b));
}

static void test_keys_differ(void **state)
{
    (void)state;
    jmd_rng a, b, c, d;
    jmd_rng_init(&a, 42, "sensor:a", 0);
    jmd_rng_init(&b, 42, "sensor:b", 0);
    jmd_rng_init(&c, 43, "sensor:a", 0);
    jmd_rng_init(&d, 42, "sensor:a", 1);
    uint64_t x = jmd_rng_u64(&a);
    assert_true(x != jmd_rng_u64(&b));
    assert_true(x != jmd_rng_u64(&c));
    assert_true(x != jmd_rng_u64(&d));
}

/* xoshiro256** from the state {1, 2, 3, 4} gives 11520, 0, 1509978240,
 * 1215971899390074240 (the reference implementation, Blackman & Vigna,
 * prng.di.unimi.it). The seeding is pinned too, so that a change of either
 * (which would change every result of every run) is seen. */
static void test_pinned_values(void **state)
{
    (void)state;
    jmd_rng a;
    jmd_rng_init(&a, 1, "", 0);
    assert_true(jmd_rng_u64(&a) == 0x25b1a3968d3876baULL);
    jmd_rng_init(&a, 1, NULL, 0);
    assert_true(jmd_rng_u64(&a) == 0x25b1a3968d3876baULL); /* NULL key == empty key */
    a.s[0] = 1, a.s[1] = 2, a.s[2] = 3, a.s[3] = 4;
    assert_true(jmd_rng_u64(&a) == 11520ULL);
    assert_true(jmd_rng_u64(&a) == 0ULL);
    assert_true(jmd_rng_u64(&a) == 1509978240ULL);
    assert_true(jmd_rng_u64(&a) == 1215971899390074240ULL);
}

static void test_moments(void **state)
{
    (void)state;
    jmd_rng r;
    jmd_rng_init(&r, 7, "moments", 0);
    const int n = 400000;
    double su = 0, su2 = 0, sn = 0, sn2 = 0, sn4 = 0, se = 0;
    int nb = 0;
    for (int i = 0; i < n; i++) {
        double u = jmd_rng_uniform(&r);
        assert_true(u >= 0.0 && u < 1.0);
        su += u;
        su2 += u * u;
        double z = jmd_rng_normal(&r);
        sn += z;
        sn2 += z * z;
        sn4 += z * z * z * z;
        se += jmd_rng_exponential(&r, 2.0);
        nb += jmd_rng_bernoulli(&r, 0.3);
    }
    /* Tolerances are ~5 standard errors of each estimate. */
    assert_true(fabs(su / n - 0.5) < 5 * sqrt(1.0 / 12 / n));
    assert_true(fabs(su2 / n - 1.0 / 3) < 5 * sqrt(4.0 / 45 / n));
    assert_true(fabs(sn / n) < 5 * sqrt(1.0 / n));
    assert_true(fabs(sn2 / n - 1.0) < 5 * sqrt(2.0 / n));
    assert_true(fabs(sn4 / n - 3.0) < 5 * sqrt(96.0 / n));
    assert_true(fabs(se / n - 2.0) < 5 * 2.0 / sqrt(n));
    assert_true(fabs((double)nb / n - 0.3) < 5 * sqrt(0.21 / n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_key_same_stream),
        cmocka_unit_test(test_keys_differ),
        cmocka_unit_test(test_pinned_values),
        cmocka_unit_test(test_moments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
