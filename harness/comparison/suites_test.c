/* The suites side by side (harness/metrics/suite.h): the three ways of putting
 * one workload to the backends in one comparison, with every cell consistent,
 * and the agreement of their rankings, by CPU and wall time and, counted,
 * by instructions, each in the order of its medians or counts. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/comparison/comparison_testing.h"
#include "testing/check.h"

static char out_dir[4096];

/* The median of field in the JSON summary of (workload, variant). */
static double json_median(json_t *root, const char *workload,
                          const char *variant, const char *field) {
  size_t i;
  json_t *cell;
  json_array_foreach(json_object_get(root, "cells"), i, cell) {
    if (strcmp(json_string_value(json_object_get(cell, "workload")),
               workload) == 0 &&
        strcmp(json_string_value(json_object_get(cell, "variant")), variant) ==
            0)
      return json_number_value(json_object_get(
          json_object_get(json_object_get(cell, "summary"), field), "median"));
  }
  PB_CHECKF(0, "no cell %s x %s", workload, variant);
  return NAN;
}

/* The three suites of one workload side by side: the programs run on every
 * backend, their captures replay, and the agreement ranks each suite's
 * backends in the order of its medians, with tau_b for every two suites. */
static void suites_side_by_side(void) {
  const char *args[] = {"--quick",
                        "--suite=synthetic,captured,real",
                        "--workloads=ints",
                        "--backends=cpython,pool,oracle",
                        "--out",
                        out_dir,
                        NULL};
  const char *charts[] = {"throughput.svg", "peak_rss.svg", "real_cpu.svg"};
  pb_check_results(out_dir, args, charts, 3, 3, 3);
  json_t *root = pb_results_json(out_dir);
  json_t *agreement = json_object_get(root, "agreement");
  /* By CPU time, wall time, peak footprint and retained footprint. */
  PB_CHECK(json_array_size(agreement) == 4);
  size_t i;
  json_t *entry;
  json_array_foreach(agreement, i, entry) {
    const char *basis = json_string_value(json_object_get(entry, "basis"));
    int retained = strcmp(basis, "retained footprint") == 0;
    int footprint = strcmp(basis, "peak footprint") == 0;
    PB_CHECK(strcmp(json_string_value(json_object_get(entry, "workload")),
                    "ints") == 0);
    json_t *rankings = json_object_get(entry, "rankings");
    const char *suite;
    json_t *order;
    json_object_foreach(rankings, suite, order) {
      int cpu = strcmp(basis, "CPU time") == 0, real = !strcmp(suite, "real");
      const char *field =
          retained    ? "footprint_retained_bytes"
          : footprint ? "footprint_peak_bytes"
          : real      ? (cpu ? "program_cpu_seconds" : "program_wall_seconds")
                      : (cpu ? "cpu_ns_per_op" : "ns_per_op");
      char workload[64];
      snprintf(workload, sizeof workload, "ints%s%s",
               strcmp(suite, "synthetic") ? ":" : "",
               strcmp(suite, "synthetic") ? suite : "");
      PB_CHECK_EQ(json_array_size(order), 3);
      for (size_t k = 1; k < 3; k++) {
        const char *faster = json_string_value(json_array_get(order, k - 1));
        const char *slower = json_string_value(json_array_get(order, k));
        PB_CHECKF(json_median(root, workload, faster, field) <=
                      json_median(root, workload, slower, field),
                  "%s by %s: %s ranked before %s", workload, field, faster,
                  slower);
      }
      /* Each backend's ratio against the reference (cpython), in this
       * suite, on this basis's figure. */
      json_t *ratios = json_object_get(json_object_get(entry, "ratios"), suite);
      double pool = json_number_value(json_object_get(ratios, "pool"));
      double want = json_median(root, workload, "pool", field) /
                    json_median(root, workload, "cpython", field);
      PB_CHECKF(fabs(pool - want) < 1e-9 * want, "%s by %s: pool's ratio %g",
                workload, field, pool);
    }
    /* A real program reports no retained memory. */
    PB_CHECK_EQ(json_object_size(rankings), retained ? 2 : 3);
    json_t *target = json_object_get(entry, "target");
    if (retained) {
      PB_CHECK(json_is_null(target));
    } else {
      const char *a = json_string_value(json_object_get(target, "a"));
      PB_CHECK(strcmp(a, footprint ? "captured" : "synthetic") == 0);
      PB_CHECK(json_is_number(json_object_get(target, "tau_b")));
      PB_CHECK(footprint ==
               json_is_number(json_object_get(target, "ratio_gap")));
    }
    json_t *pairs = json_object_get(entry, "pairs");
    PB_CHECK_EQ(json_array_size(pairs), retained ? 1 : 3);
    json_t *pair;
    size_t p;
    json_array_foreach(pairs, p, pair) {
      json_t *tau = json_object_get(pair, "tau_b");
      PB_CHECK(json_is_number(tau));
      PB_CHECK(fabs(json_number_value(tau)) <= 1);
    }
  }
  json_decref(root);
  char *md = pb_results_file(out_dir, "latest.md");
  PB_CHECK(strstr(md, "## Agreement of the suites' rankings") != NULL);
  PB_CHECK(strstr(md, "| ints     | synthetic / real ") != NULL);
  PB_CHECK(strstr(md, "### Ratios against cpython by peak footprint") != NULL);
  PB_CHECK(strstr(md, "### Peak footprint: ") != NULL);
  free(md);
}

/* With --counted, the real programs are counted whole under callgrind and
 * the suites are also ranked by instructions, in the order of the counts. */
static void counted_suites_rank_by_instructions(void) {
  char dir[4200];
  snprintf(dir, sizeof dir, "%s-counted-suites", out_dir);
  const char *args[] = {"--counted", "--suite=synthetic,real",
                        "--workloads=ints", "--backends=pool,oracle", NULL};
  json_t *root = pb_quick_json(args, dir);
  json_t *by_instructions = NULL, *entry;
  size_t i;
  json_array_foreach(json_object_get(root, "agreement"), i, entry) {
    if (strcmp(json_string_value(json_object_get(entry, "basis")),
               "instructions") == 0)
      by_instructions = entry;
  }
  PB_CHECKF(by_instructions != NULL, "no agreement by instructions");
  json_t *real =
      json_object_get(json_object_get(by_instructions, "rankings"), "real");
  PB_CHECK_EQ(json_array_size(real), 2);
  /* The real cells' counts, in the ranking's order. */
  long long counts[2] = {0, 0};
  json_t *cell;
  json_array_foreach(json_object_get(root, "cells"), i, cell) {
    if (strcmp(json_string_value(json_object_get(cell, "suite")), "real"))
      continue;
    const char *variant = json_string_value(json_object_get(cell, "variant"));
    long long n = json_integer_value(
        json_object_get(json_object_get(cell, "counted"), "instructions"));
    PB_CHECKF(n > 1000000, "%s: %lld instructions", variant, n);
    for (size_t k = 0; k < 2; k++)
      if (!strcmp(variant, json_string_value(json_array_get(real, k))))
        counts[k] = n;
  }
  PB_CHECKF(counts[0] > 0 && counts[0] <= counts[1], "ranked %lld before %lld",
            counts[0], counts[1]);
  json_t *pair = json_array_get(json_object_get(by_instructions, "pairs"), 0);
  PB_CHECK(json_is_number(json_object_get(pair, "tau_b")));
  json_decref(root);
}

int main(int argc, char **argv) {
  const char *tmp = getenv("TEST_TMPDIR");
  snprintf(out_dir, sizeof out_dir, "%s/results", tmp ? tmp : "/tmp");
  static const pb_test tests[] = {
      PB_TEST(suites_side_by_side),
      PB_TEST(counted_suites_rank_by_instructions),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
