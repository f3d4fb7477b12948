/* The malloc+free fast path of one backend, for callgrind and timing.
 *
 *   fastpath_bench_BACKEND [PAIRS] [ring=N] [NAME=VALUE ...]
 *
 * Keeps a ring of N live objects (default 1000) of 16..72 bytes, sizes
 * cycling by 8 (Python's small ints, floats, short tuples): each step frees
 * the oldest object and allocates one of the same size, so every step is
 * one malloc+free pair in steady state. After a warm-up lap, bench_pairs()
 * runs PAIRS steps (default 20,000,000) and the time per pair is printed.
 * Other NAME=VALUE arguments go to pb_init (layout=3.8, ...).
 *
 * With the default ring every class of the pool backend fits in one partly
 * used pool, so the pairs stay on the fast paths; ring=1024 puts 256
 * objects in the 64-byte class, one more than a 16 KiB pool holds, and a
 * quarter of the pairs then take the full-pool transitions.
 *
 * Instructions per pair: the inclusive cost of bench_pairs (both calls)
 * divided by PAIRS + N,
 *   valgrind --tool=callgrind --toggle-collect=bench_pairs \
 *       fastpath_bench_pool 1000000
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "allocator/allocator.h"

enum { MAX_RING = 1 << 16 };
static void *ring[MAX_RING];
static size_t ring_size = 1000;

__attribute__((noinline)) void bench_pairs(long pairs) {
  size_t size = 16, k = 0;
  for (long i = 0; i < pairs; i++) {
    pb_free(ring[k]);
    ring[k] = pb_malloc(size);
    size = size == 72 ? 16 : size + 8;
    if (++k == ring_size) k = 0;
  }
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  long pairs = argc > 1 ? atol(argv[1]) : 20000000;
  pb_param params[16];
  size_t nparams = 0;
  static char names[16][64];
  for (int i = 2; i < argc; i++) {
    if (strncmp(argv[i], "ring=", 5) == 0) {
      ring_size = (size_t)atol(argv[i] + 5);
      if (ring_size % 8 != 0 || ring_size == 0 || ring_size > MAX_RING) {
        fprintf(stderr, "fastpath_bench: ring must be a multiple of 8\n");
        return 2;
      }
      continue;
    }
    const char *eq = strchr(argv[i], '=');
    if (eq == NULL || (size_t)(eq - argv[i]) >= sizeof names[0] ||
        nparams == 16) {
      fprintf(stderr, "fastpath_bench: '%s' is not NAME=VALUE\n", argv[i]);
      return 2;
    }
    memcpy(names[nparams], argv[i], (size_t)(eq - argv[i]));
    names[nparams][eq - argv[i]] = '\0';
    params[nparams].name = names[nparams];
    params[nparams].value = eq + 1;
    nparams++;
  }
  char err[PB_ERROR_MAX];
  if (pb_init(params, nparams, err) != 0) {
    fprintf(stderr, "fastpath_bench: %s\n", err);
    return 2;
  }
  bench_pairs((long)ring_size); /* warm-up: fill the ring */
  double start = now();
  bench_pairs(pairs);
  double elapsed = now() - start;
  printf("%-10s %ld pairs, ring %zu: %.2f ns per malloc+free pair\n", pb_name(),
         pairs, ring_size, elapsed * 1e9 / (double)pairs);
  for (size_t k = 0; k < ring_size; k++) pb_free(ring[k]);
  return 0;
}
