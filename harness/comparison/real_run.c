#include "harness/comparison/real_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/comparison/child_run.h"
#include "harness/process/locate.h"

static char *measure;

void pb_real_runs_prepare(pb_matrix *m, const char *argv0) {
  measure = pb_locate_or_fail(argv0, "harness/process/measure",
                              "harness/process/measure");
  for (size_t v = 0; v < m->nvariants; v++) {
    pb_variant *variant = &m->variants[v];
    char path[128], what[128];
    snprintf(path, sizeof path, "python/pyrun_%s", variant->backend);
    snprintf(what, sizeof what, "the Python of backend %s", variant->backend);
    variant->pyrun = pb_locate_or_fail(argv0, path, what);
  }
}

/* measure's report holds the program's own figures, every metric of the
 * real suite's runs; the run's JSON adds what ran. */
static int measured(const pb_cell *cell, json_t *result) {
  for (int k = 0; k < PB_METRIC_COUNT; k++)
    if (pb_metric_applies(&pb_metrics[k], cell->workload) &&
        !json_is_number(json_object_get(result, pb_metrics[k].key)))
      return 0;
  json_object_set_new(result, "backend", json_string(cell->variant->backend));
  json_object_set_new(result, "workload",
                      json_string(cell->workload->workload));
  json_object_set_new(result, "program", json_string(cell->workload->script));
  json_object_set_new(result, "scale", json_real(cell->workload->scale));
  return 1;
}

double pb_real_run(pb_cell *cell, int r, double timeout) {
  char scale[32];
  snprintf(scale, sizeof scale, "%.17g", cell->workload->scale);
  char *argv[] = {measure, cell->variant->pyrun, cell->workload->script, scale,
                  NULL};
  return pb_child_run(cell, r, argv, timeout, measured);
}
