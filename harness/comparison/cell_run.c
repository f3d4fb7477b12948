#include "harness/comparison/cell_run.h"

#include <stdio.h>
#include <stdlib.h>

#include "harness/comparison/child_run.h"
#include "harness/comparison/deploy.h"
#include "harness/comparison/real_run.h"
#include "harness/comparison/variants.h"

/* A runner's JSON has every metric its suite's runs report. */
static int replayed(const pb_cell *cell, json_t *result) {
  for (int k = 0; k < PB_METRIC_COUNT; k++)
    if (pb_metric_applies(&pb_metrics[k], cell->workload) &&
        !json_is_number(json_object_get(result, pb_metrics[k].key)))
      return 0;
  return 1;
}

double pb_cell_run(pb_cell *cell, int r, const char *trace_file,
                   double timeout) {
  if (cell->workload->failure) {
    snprintf(cell->runs[r].failure, sizeof cell->runs[r].failure,
             "not run: %.200s", cell->workload->failure);
    cell->failed = 1;
    return 0;
  }
  if (pb_suite_is(cell->workload->suite, PB_SUITES_DEPLOYED))
    return pb_deploy_run(cell, r, timeout);
  if (!pb_suite_is(cell->workload->suite, PB_SUITES_REPLAYED))
    return pb_real_run(cell, r, timeout);
  char *trace_opt;
  if (asprintf(&trace_opt, "--trace=%s", trace_file) < 0) trace_opt = NULL;
  const char *const extra[] = {trace_opt ? trace_opt : "--trace=", "--json",
                               NULL};
  char **argv = pb_variant_argv(cell->variant, extra);
  free(trace_opt);
  double seconds = pb_child_run(cell, r, argv, timeout, replayed);
  pb_variant_argv_free(argv);
  return seconds;
}
