/*
 * jmd/rng.h — deterministic random streams.
 *
 * Every random component (a sensor's noise, a threat's dispersion, an
 * intercept's kill draw) owns one stream, derived from the scenario seed
 * and a stream key (the component's kind and name), so adding one sensor
 * never shifts another's draws and the same seed gives the same bytes on
 * every machine. The generator is xoshiro256** (Blackman & Vigna 2018,
 * "Scrambled linear pseudorandom number generators"), seeded through
 * splitmix64; normals come from the polar method of Marsaglia, so results
 * depend on no libm function whose last bit varies between libraries
 * except log and sqrt (correctly rounded sqrt; glibc's log is within 1 ulp).
 *
 * A jmd_rng is a small value owned by its component; no allocation, not
 * thread-safe per stream (one stream per thread of use). Hot path.
 */
#ifndef JMD_RNG_H
#define JMD_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t s[4];
    double spare;    /* second normal of the polar method */
    int have_spare;
} jmd_rng;

/* Seed a stream from the run seed and a key: the key is hashed (FNV-1a
 * 64) and mixed with the seed and `index` (e.g. a trial number), so
 * (seed, key, index) names one stream. key may be NULL (empty). */
void jmd_rng_init(jmd_rng *r, uint64_t seed, const char *key, uint64_t index);
uint64_t jmd_rng_u64(jmd_rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double jmd_rng_uniform(jmd_rng *r);
/* Standard normal (mean 0, variance 1). */
double jmd_rng_normal(jmd_rng *r);
/* Exponential with the given mean (> 0). */
double jmd_rng_exponential(jmd_rng *r, double mean);
/* 1 with probability p (clamped to [0, 1]), else 0. */
int jmd_rng_bernoulli(jmd_rng *r, double p);

#ifdef __cplusplus
}
#endif
#endif /* JMD_RNG_H */
