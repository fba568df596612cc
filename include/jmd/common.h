/*
 * jmd/common.h — the few definitions every jmd module shares beyond the
 * error codes: the length of names.
 */
#ifndef JMD_COMMON_H
#define JMD_COMMON_H

#include "jmd/error.h"

/* Bytes for a name (party, sensor, site, vehicle, ...) including the NUL. */
#define JMD_NAME_MAX 48

#endif /* JMD_COMMON_H */
