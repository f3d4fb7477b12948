/* fastpath_bench_<backend>: the malloc+free fast path of one backend, for
 * callgrind and timing.
 *
 *   fastpath_bench_<backend> [--pairs=N] [--ring=N] [NAME=VALUE ...]
 *
 * Keeps a ring of N live objects (default 1000) of 16..72 bytes, sizes
 * cycling by 8 (Python's small ints, floats, short tuples): each step frees
 * the oldest object and allocates one of the same size, so every step is
 * one malloc+free pair in steady state. After a warm-up lap, bench_pairs()
 * runs the pairs (default 20,000,000) and the time per pair is printed.
 * NAME=VALUE arguments are the backend's parameters, passed to pb_init.
 *
 * With the default ring every class of the pool backend fits in one partly
 * used pool, so the pairs stay on the fast paths; --ring=1024 puts 256
 * objects in the 64-byte class, one more than a 16 KiB pool holds, and a
 * quarter of the pairs then take the full-pool transitions.
 *
 * Instructions per pair: the inclusive cost of bench_pairs (both calls)
 * divided by pairs + ring,
 *   valgrind --tool=callgrind --toggle-collect=bench_pairs \
 *       fastpath_bench_pool --pairs=1000000
 *
 * Exit status: 0, or 2 on bad input (one line). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator/allocator.h"
#include "common/clock.h"
#include "common/fail.h"
#include "harness/cli.h"

enum { MAX_RING = 1 << 16 };
static void *ring[MAX_RING];
static size_t ring_size = 1000;

__attribute__((noinline)) void bench_pairs(uint64_t pairs) {
  size_t size = 16, k = 0;
  for (uint64_t i = 0; i < pairs; i++) {
    pb_free(ring[k]);
    ring[k] = pb_malloc(size);
    size = size == 72 ? 16 : size + 8;
    if (++k == ring_size) k = 0;
  }
}

int main(int argc, char **argv) {
  static char name[64];
  snprintf(name, sizeof name, "fastpath_bench_%s", pb_name());
  pb_set_program(name);
  uint64_t pairs = 20000000, ring_arg = ring_size;
  int given_pairs = 0, given_ring = 0;
  pb_param params[PB_PARAMS_MAX];
  size_t nparams = 0;
  for (int i = 1; i < argc; i++) {
    const char *value;
    if (strcmp(argv[i], "--help") == 0) {
      printf(
          "usage: %s [--pairs=N] [--ring=N] [NAME=VALUE ...]\n"
          "Times N malloc+free pairs (default 20000000) over a ring of live\n"
          "objects (default 1000, a multiple of 8 up to %d).\n",
          name, MAX_RING);
      return 0;
    } else if (argv[i][0] != '-') {
      pb_cli_param(argv[i], params, &nparams);
      continue;
    } else if (pb_cli_option(argc, argv, &i, "--pairs", &value)) {
      pb_cli_once(&given_pairs, "--pairs");
      if (value && (pb_cli_u64(value, &pairs) != 0 || pairs == 0))
        pb_fail(PB_EXIT_BAD_INPUT, "--pairs: '%s' is not a positive count",
                value);
    } else if (pb_cli_option(argc, argv, &i, "--ring", &value)) {
      pb_cli_once(&given_ring, "--ring");
      if (value && (pb_cli_u64(value, &ring_arg) != 0 || ring_arg == 0 ||
                    ring_arg % 8 != 0 || ring_arg > MAX_RING))
        pb_fail(PB_EXIT_BAD_INPUT,
                "--ring: '%s' is not a multiple of 8 from 8 to %d", value,
                MAX_RING);
    } else {
      pb_fail(PB_EXIT_BAD_INPUT, "unknown option '%s' (see --help)", argv[i]);
    }
    if (!value) pb_fail(PB_EXIT_BAD_INPUT, "%s needs a value", argv[i]);
  }
  ring_size = (size_t)ring_arg;
  char err[PB_ERROR_MAX];
  if (pb_init(params, nparams, err) != 0) pb_fail(PB_EXIT_BAD_INPUT, "%s", err);
  bench_pairs(ring_size); /* warm-up: fill the ring */
  double start = pb_now();
  bench_pairs(pairs);
  double elapsed = pb_now() - start;
  printf("%-10s %llu pairs, ring %zu: %.2f ns per malloc+free pair\n",
         pb_name(), (unsigned long long)pairs, ring_size,
         elapsed * 1e9 / (double)pairs);
  for (size_t k = 0; k < ring_size; k++) pb_free(ring[k]);
  return pb_finish_stdout() == 0 ? PB_EXIT_OK : PB_EXIT_FAILED;
}
