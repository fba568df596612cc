/* app.c — an outside program built against an installed jmd through
 * pkg-config (tests/install/check.sh). Uses the public API contract. */
#include <stdio.h>
#include <string.h>

#include <jmd/error.h>
#include <jmd/version.h>

int main(void)
{
    if (strcmp(jmd_strerror(JMD_EINVAL), "invalid argument") != 0) return 1;
    printf("jmd %s linked\n", jmd_version());
    return 0;
}
