/*
 * rng.c — xoshiro256** streams keyed by (seed, name, index); see jmd/rng.h.
 */
#include <math.h>

#include "jmd/rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    if (s)
        for (; *s; s++) {
            h ^= (unsigned char)*s;
            h *= 0x100000001b3ULL;
        }
    return h;
}

void jmd_rng_init(jmd_rng *r, uint64_t seed, const char *key, uint64_t index)
{
    /* Mix the three parts through splitmix so that nearby seeds, keys or
     * indices give unrelated states. */
    uint64_t x = seed;
    uint64_t a = splitmix64(&x);
    x = a ^ fnv1a64(key);
    uint64_t b = splitmix64(&x);
    x = b ^ (index * 0xd1b54a32d192ed03ULL);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0) r->s[0] = 1; /* all-zero is a fixed point */
    r->spare = 0.0;
    r->have_spare = 0;
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t jmd_rng_u64(jmd_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double jmd_rng_uniform(jmd_rng *r)
{
    return (double)(jmd_rng_u64(r) >> 11) * 0x1.0p-53;
}

double jmd_rng_normal(jmd_rng *r)
{
    if (r->have_spare) {
        r->have_spare = 0;
        return r->spare;
    }
    double u, v, s;
    do {
        u = 2.0 * jmd_rng_uniform(r) - 1.0;
        v = 2.0 * jmd_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double m = sqrt(-2.0 * log(s) / s);
    r->spare = v * m;
    r->have_spare = 1;
    return u * m;
}

double jmd_rng_exponential(jmd_rng *r, double mean)
{
    /* 1 - U lies in (0, 1]: log never sees 0. */
    return -mean * log(1.0 - jmd_rng_uniform(r));
}

int jmd_rng_bernoulli(jmd_rng *r, double p)
{
    return jmd_rng_uniform(r) < p;
}
