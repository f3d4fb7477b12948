/* memory_agreement_test: `pool` (its default layout, 3.11) uses as much
 * memory as the real pymalloc, CPython 3.11's (the `cpython` backend), on
 * every workload at AGREEMENT_SCALE: peak RSS and RSS retained after the
 * teardown within 3% + 64 KiB of cpython's.
 *
 * fidelity_test shows that the two allocators make the same decisions (the
 * same pools, arenas and radix-tree nodes); this test shows that the memory
 * those decisions cost is the same as the kernel counts it, which is what
 * the comparison reports. It is where a difference in what is written,
 * rather than what is decided, would show: a radix tree of another geometry
 * (3.10's, whose nodes are 2 to 8 KiB, against 3.11's 128 and 256 KiB: at
 * this scale tuples' peak differed by 5% and pinning's retained memory by
 * 100 KiB), nodes initialised entry by entry instead of left as calloc gave
 * them, metadata allocated differently.
 *
 * Each runner is run RUNS times, with --count-syscalls: the peak RSS is
 * then exact (harness/runner/rss.h), where the kernel's high-water mark,
 * read from its batched per-CPU counters, put lists' peak on pool 100 KiB
 * lower in one run than in the next and failed this test now and then.
 * The median is compared, the runs' conditions made the same for both:
 * arena placement. libarena_placement.so (see fidelity_test) puts each
 * process's arenas at the same addresses, one in four on a pool boundary
 * as mmap would, so that both keep the same arena at the end (retained
 * memory is mostly the kept arena's touched pools) and need the same
 * radix-tree nodes.
 * Under AddressSanitizer the runners' RSS is mostly ASan's (its shadow
 * memory, and its quarantine holding freed large blocks and tree nodes):
 * the runs are made and their figures printed, but not held to the
 * tolerance (seen there: ints 136 KiB on pool, 204 KiB on cpython). */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/process/spawn.h"
#include "testing/check.h"
#include "workloads/workloads.h"

#if defined(__SANITIZE_ADDRESS__)
#define RSS_IS_ASANS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RSS_IS_ASANS 1
#endif
#endif
#ifndef RSS_IS_ASANS
#define RSS_IS_ASANS 0
#endif

#define AGREEMENT_SCALE "0.05"
#define RUNS 3
#define RUNNER_TIMEOUT_SECONDS 120

/* The tolerance: 3% of cpython's figure plus 64 KiB. */
#define TOLERANCE_PERCENT 3
#define TOLERANCE_BYTES ((uint64_t)64 << 10)

static const char *const runners[2] = {"harness/runner/bench_pool",
                                       "harness/runner/bench_cpython"};
static const char *const backend_names[2] = {"pool", "cpython"};

typedef struct figures {
  uint64_t peak_rss;
  uint64_t retained;
} figures;

static uint64_t json_u64(json_t *root, const char *key, const char *what) {
  json_t *v = json_object_get(root, key);
  PB_CHECKF(json_is_integer(v) && json_integer_value(v) >= 0,
            "%s: no %s in the runner's JSON", what, key);
  return (uint64_t)json_integer_value(v);
}

/* One run of a runner on a workload: its peak RSS and retained bytes. */
static figures run_once(int runner, const char *workload) {
  char workload_arg[96];
  snprintf(workload_arg, sizeof workload_arg, "--workload=%s", workload);
  char *argv[] = {(char *)runners[runner],    workload_arg,
                  "--scale=" AGREEMENT_SCALE, "--json",
                  "--count-syscalls",         NULL};
  pb_spawn_result r;
  PB_CHECKF(pb_spawn(argv, RUNNER_TIMEOUT_SECONDS, &r) == 0, "cannot start %s",
            runners[runner]);
  char status[96];
  pb_spawn_describe(&r, status, sizeof status);
  PB_CHECKF(!r.signaled && !r.timed_out && r.exit_status == 0, "%s %s: %s\n%s",
            runners[runner], workload, status, r.err);
  json_error_t error;
  json_t *root = json_loads(r.out, 0, &error);
  PB_CHECKF(root != NULL, "%s %s: not JSON: %s", runners[runner], workload,
            error.text);
  char what[160];
  snprintf(what, sizeof what, "%s %s", backend_names[runner], workload);
  figures f = {json_u64(root, "peak_rss_bytes", what),
               json_u64(root, "retained_bytes", what)};
  json_decref(root);
  pb_spawn_result_free(&r);
  return f;
}

static int by_value(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, size_t n) {
  qsort(v, n, sizeof *v, by_value);
  return v[n / 2];
}

static void expect_close(const char *workload, const char *metric,
                         uint64_t pool, uint64_t cpython) {
  uint64_t diff = pool > cpython ? pool - cpython : cpython - pool;
  uint64_t allowed = cpython * TOLERANCE_PERCENT / 100 + TOLERANCE_BYTES;
  printf(
      "  %-13s %-9s pool %10llu  cpython %10llu  diff %8llu (allowed "
      "%llu)\n",
      workload, metric, (unsigned long long)pool, (unsigned long long)cpython,
      (unsigned long long)diff, (unsigned long long)allowed);
  if (RSS_IS_ASANS) return;
  PB_CHECKF(diff <= allowed,
            "%s at scale %s: %s %llu bytes on pool, %llu on cpython: %llu "
            "apart, more than 3%% + 64 KiB (%llu)",
            workload, AGREEMENT_SCALE, metric, (unsigned long long)pool,
            (unsigned long long)cpython, (unsigned long long)diff,
            (unsigned long long)allowed);
}

static void every_workload_agrees(void) {
  if (RSS_IS_ASANS)
    printf(
        "  (AddressSanitizer: RSS is mostly ASan's; printed, not "
        "compared)\n");
  for (const pb_workload *w = pb_workloads; w->name; w++) {
    uint64_t peak[2][RUNS], retained[2][RUNS];
    /* Interleaved, so that anything else on the machine weighs on both. */
    for (int k = 0; k < RUNS; k++) {
      for (int b = 0; b < 2; b++) {
        figures f = run_once(b, w->name);
        peak[b][k] = f.peak_rss;
        retained[b][k] = f.retained;
      }
    }
    uint64_t peak_pool = median(peak[0], RUNS);
    uint64_t peak_cpython = median(peak[1], RUNS);
    PB_CHECKF(peak_cpython > 0, "%s: no peak RSS", w->name);
    expect_close(w->name, "peak RSS", peak_pool, peak_cpython);
    expect_close(w->name, "retained", median(retained[0], RUNS),
                 median(retained[1], RUNS));
  }
}

/* The condition above: the arena placement. */
static void set_up(void) {
  static char preload[PATH_MAX];
  PB_CHECKF(realpath("allocator/tests/libarena_placement.so", preload) != NULL,
            "libarena_placement.so not in the runfiles");
  PB_CHECK(setenv("POOLBENCH_ARENA_LENGTH", "1048576", 1) == 0);
  PB_CHECK(setenv("POOLBENCH_ARENA_ALIGN", "16384", 1) == 0);
  PB_CHECK(setenv("POOLBENCH_ARENA_OFFSETS", "uuua", 1) == 0);
  /* 2^45 + 2^33: the middle of one bottom node's range of 3.11's tree. */
  char base[32];
  snprintf(base, sizeof base, "%llu",
           (unsigned long long)(((uint64_t)1 << 45) + ((uint64_t)1 << 33)));
  PB_CHECK(setenv("POOLBENCH_ARENA_BASE", base, 1) == 0);
  PB_CHECK(setenv("LD_PRELOAD", preload, 1) == 0);
  /* The preloaded library comes before AddressSanitizer's runtime. */
  const char *asan = getenv("ASAN_OPTIONS");
  char asan_options[1024];
  snprintf(asan_options, sizeof asan_options, "%s%sverify_asan_link_order=0",
           asan ? asan : "", asan && *asan ? ":" : "");
  PB_CHECK(setenv("ASAN_OPTIONS", asan_options, 1) == 0);
}

int main(int argc, char **argv) {
  set_up();
  static const pb_test tests[] = {
      PB_TEST(every_workload_agrees),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
