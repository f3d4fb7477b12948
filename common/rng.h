/* poolbench's one random number generator: SplitMix64, deterministic
 * everywhere. Workload generators, the bootstrap in harness/stats and the
 * tests all draw from it. A stream constant is mixed into the seed, so the
 * same --seed does not make two workloads draw the same numbers. */
#ifndef POOLBENCH_COMMON_RNG_H
#define POOLBENCH_COMMON_RNG_H

#include <stdint.h>

typedef struct pb_rng {
  uint64_t state;
} pb_rng;

static inline uint64_t pb_rng_next(pb_rng *r) {
  uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static inline pb_rng pb_rng_seeded(uint64_t seed, uint64_t stream) {
  pb_rng r = {seed ^ (stream * 0xD6E8FEB86659FD93ull)};
  pb_rng_next(&r); /* one step, so nearby seeds diverge at once */
  return r;
}

/* Uniform in [0, n), n > 0 (multiply-shift: the bias is below n / 2^64). */
static inline uint64_t pb_rng_below(pb_rng *r, uint64_t n) {
  return (uint64_t)(((unsigned __int128)pb_rng_next(r) * n) >> 64);
}

/* Uniform in [lo, hi]. */
static inline uint64_t pb_rng_range(pb_rng *r, uint64_t lo, uint64_t hi) {
  return lo + pb_rng_below(r, hi - lo + 1);
}

/* True with probability percent / 100. */
static inline int pb_rng_percent(pb_rng *r, unsigned percent) {
  return pb_rng_below(r, 100) < percent;
}

#endif /* POOLBENCH_COMMON_RNG_H */
