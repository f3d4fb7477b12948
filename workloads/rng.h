/* The generators' random numbers: SplitMix64, deterministic everywhere.
 *
 * Generators are production code, so they do not use the testonly pb_rng of
 * testing/check.h. Each workload mixes its own stream constant into the seed,
 * so the same --seed does not make two workloads draw the same numbers. */
#ifndef POOLBENCH_WORKLOADS_RNG_H
#define POOLBENCH_WORKLOADS_RNG_H

#include <stdint.h>

typedef struct wl_rng {
  uint64_t state;
} wl_rng;

static inline uint64_t wl_rng_next(wl_rng *r) {
  uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static inline wl_rng wl_rng_seeded(uint64_t seed, uint64_t stream) {
  wl_rng r = {seed ^ (stream * 0xD6E8FEB86659FD93ull)};
  wl_rng_next(&r); /* one step, so nearby seeds diverge at once */
  return r;
}

/* Uniform in [0, n), n > 0 (multiply-shift: the bias is below n / 2^64). */
static inline uint64_t wl_rng_below(wl_rng *r, uint64_t n) {
  return (uint64_t)(((unsigned __int128)wl_rng_next(r) * n) >> 64);
}

/* Uniform in [lo, hi]. */
static inline uint64_t wl_rng_range(wl_rng *r, uint64_t lo, uint64_t hi) {
  return lo + wl_rng_below(r, hi - lo + 1);
}

/* True with probability percent / 100. */
static inline int wl_rng_percent(wl_rng *r, unsigned percent) {
  return wl_rng_below(r, 100) < percent;
}

#endif /* POOLBENCH_WORKLOADS_RNG_H */
