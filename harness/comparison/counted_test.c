/* `benchmarks --counted` end to end, on a small matrix: every cell gets its
 * counted figures, in latest.json and in the Markdown table; two runs give
 * the very same figures (the point of counting); and every run says whether
 * it was disturbed, with the total in the Markdown header. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/comparison/comparison_testing.h"
#include "testing/check.h"
#include "testing/run_program.h"

static char dirs[2][4096];

static json_t *comparison(const char *dir) {
  char out_opt[4200];
  snprintf(out_opt, sizeof out_opt, "--out=%s", dir);
  const char *argv[] = {"harness/comparison/benchmarks",
                        "--quick",
                        "--runs=1",
                        "--counted",
                        "--backends=glibc,oracle",
                        "--workloads=lists,pinning",
                        out_opt,
                        NULL};
  pb_program_output o = pb_run_program(argv);
  PB_CHECKF(o.status == 0, "exit %d: %s", o.status, o.err);
  pb_program_output_free(&o);
  return pb_results_json(dir);
}

/* The instructions/op the counted table shows for the cell, or NAN. */
static double shown(const char *md, const char *workload, const char *backend) {
  const char *table = strstr(md, "### Counted metrics");
  PB_CHECK(table != NULL);
  char row[128];
  snprintf(row, sizeof row, "| %s ", workload);
  for (const char *p = strstr(table, row); p; p = strstr(p + 1, row)) {
    char name[64];
    double x;
    if (sscanf(p, "| %*s | %63s | %lf", name, &x) == 2 &&
        strcmp(name, backend) == 0)
      return x;
  }
  return NAN;
}

static void counted_figures_are_reported_and_repeat(void) {
  json_t *a = comparison(dirs[0]), *b = comparison(dirs[1]);
  char *md = pb_results_file(dirs[0], "latest.md");
  json_t *cells_a = json_object_get(a, "cells"),
         *cells_b = json_object_get(b, "cells");
  PB_CHECK_EQ(json_array_size(cells_a), 4);
  size_t i;
  json_t *cell;
  json_array_foreach(cells_a, i, cell) {
    const char *workload = json_string_value(json_object_get(cell, "workload"));
    const char *backend = json_string_value(json_object_get(cell, "backend"));
    json_t *counted = json_object_get(cell, "counted");
    double per_op =
        json_number_value(json_object_get(counted, "instructions_per_op"));
    PB_CHECKF(per_op > 0, "%s x %s", backend, workload);
    json_int_t total = 0;
    const char *name;
    json_t *n;
    json_object_foreach(json_object_get(counted, "memory_syscalls"), name, n) {
      total += json_integer_value(n);
    }
    PB_CHECK_EQ(total, json_integer_value(
                           json_object_get(counted, "memory_syscalls_total")));
    PB_CHECK(json_is_integer(json_object_get(counted, "minor_page_faults")));
    PB_CHECKF(fabs(shown(md, workload, backend) - per_op) <= 0.051,
              "%s x %s: table %g, JSON %g", backend, workload,
              shown(md, workload, backend), per_op);
    /* The second run: the same figures, to the last digit. */
    json_t *again = json_object_get(json_array_get(cells_b, i), "counted");
    PB_CHECKF(json_equal(counted, again), "%s x %s: %s vs %s", backend,
              workload, json_dumps(counted, JSON_COMPACT),
              json_dumps(again, JSON_COMPACT));
    json_t *run = json_array_get(json_object_get(cell, "runs"), 0);
    PB_CHECK(json_is_boolean(json_object_get(run, "disturbed")));
    PB_CHECK(json_is_number(json_object_get(run, "cpu_ns_per_op")));
  }
  PB_CHECK(strstr(md, "of 4 runs were disturbed") != NULL);
  PB_CHECK(strstr(md, "### Throughput on CPU time") != NULL);
  free(md);
  json_decref(a);
  json_decref(b);
}

int main(int argc, char **argv) {
  const char *tmp = getenv("TEST_TMPDIR");
  for (int k = 0; k < 2; k++)
    snprintf(dirs[k], sizeof dirs[k], "%s/results%d", tmp ? tmp : "/tmp", k);
  static const pb_test tests[] = {
      PB_TEST(counted_figures_are_reported_and_repeat),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
