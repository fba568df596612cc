/* test_error.c — the error codes and their texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "jmd/error.h"
#include "jmd/version.h"

static void test_strerror_known(void **state)
{
    (void)state;
    assert_string_equal(jmd_strerror(JMD_OK), "success");
    assert_string_equal(jmd_strerror(JMD_EINVAL), "invalid argument");
    assert_string_equal(jmd_strerror(JMD_ENOCONV), "iteration did not converge");
    for (int c = JMD_EVERIFY; c <= 0; c++)
        assert_string_not_equal(jmd_strerror(c), "unknown error");
}

static void test_strerror_unknown(void **state)
{
    (void)state;
    assert_string_equal(jmd_strerror(-9999), "unknown error");
    assert_string_equal(jmd_strerror(42), "unknown error");
}

static void test_version(void **state)
{
    (void)state;
    assert_string_equal(jmd_version(), JMD_VERSION_STRING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror_known),
        cmocka_unit_test(test_strerror_unknown),
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
