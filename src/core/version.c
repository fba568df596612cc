/*
 * version.c — the linked library's version string (see jmd/version.h).
 */
#include "jmd/version.h"

const char *jmd_version(void)
{
    return JMD_VERSION_STRING;
}
