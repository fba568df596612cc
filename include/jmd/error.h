/*
 * jmd/error.h — error codes shared by every jmd module.
 *
 * Every fallible jmd function returns int: 0 on success or one of the
 * negative JMD_E* codes below; results travel through out-parameters.
 * jmd_strerror() turns a code into a short static English sentence.
 */
#ifndef JMD_ERROR_H
#define JMD_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#define JMD_OK        0   /* success */
#define JMD_EINVAL   (-1) /* invalid argument: out of range, non-finite, NULL, zero vector */
#define JMD_ENOCONV  (-2) /* an iteration did not converge */
#define JMD_ENOMEM   (-3) /* out of memory */
#define JMD_EIO      (-4) /* input/output error (file cannot be read or written) */
#define JMD_ENOSOL   (-5) /* the problem is well posed but has no solution (e.g. out of reach) */
#define JMD_EPARSE   (-6) /* malformed input text (file or message) */
#define JMD_ENOTFOUND (-7) /* a named item does not exist (e.g. unknown vehicle) */
#define JMD_ERANGE   (-8) /* a result would fall outside representable or physical bounds */
#define JMD_EVERIFY  (-9) /* a well-formed proof, signature or MAC does not verify */

/* Returns a static, never-NULL description of code; unknown codes give
 * "unknown error". The string is owned by the library; do not free it. */
const char *jmd_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif /* JMD_ERROR_H */
