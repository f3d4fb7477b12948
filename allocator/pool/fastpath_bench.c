/* The malloc+free fast path of one backend, for callgrind and timing.
 *
 *   fastpath_bench_BACKEND [PAIRS] [NAME=VALUE ...]
 *
 * Keeps a ring of 1024 live objects of 16..72 bytes (sizes cycle by 8, the
 * range of Python's small ints, floats and short tuples): each step frees
 * the oldest object and allocates a new one. After one warm-up lap the
 * loop bench_pairs() runs PAIRS steps (default 20,000,000) and the time per
 * malloc+free pair is printed. Under callgrind, the inclusive cost of
 * bench_pairs() divided by PAIRS is the instructions per pair:
 *
 *   valgrind --tool=callgrind --toggle-collect=bench_pairs \
 *       fastpath_bench_pool 1000000
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "allocator/allocator.h"

enum { RING = 1024 };
static void *ring[RING];

__attribute__((noinline)) void bench_pairs(long pairs) {
  size_t size = 16;
  for (long i = 0; i < pairs; i++) {
    size_t k = (size_t)i & (RING - 1);
    pb_free(ring[k]);
    ring[k] = pb_malloc(size);
    size = size == 72 ? 16 : size + 8;
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
  for (int i = 2; i < argc && nparams < 16; i++) {
    const char *eq = strchr(argv[i], '=');
    if (eq == NULL || (size_t)(eq - argv[i]) >= sizeof names[0]) {
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
  bench_pairs(RING); /* warm-up: fill the ring */
  double start = now();
  bench_pairs(pairs);
  double elapsed = now() - start;
  printf("%-10s %ld pairs: %.2f ns per malloc+free pair\n", pb_name(), pairs,
         elapsed * 1e9 / (double)pairs);
  for (int k = 0; k < RING; k++) pb_free(ring[k]);
  return 0;
}
