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

/* measure's report holds the program's own figures; the run's JSON names
 * its times as the whole program's (a runner's cpu_seconds is its
 * replay's) and adds what ran. */
static int measured(const pb_cell *cell, json_t *result) {
  json_t *cpu = json_object_get(result, "cpu_seconds");
  json_t *wall = json_object_get(result, "wall_seconds");
  if (!json_is_number(cpu) || !json_is_number(wall) ||
      !json_is_integer(json_object_get(result, "peak_rss_bytes")))
    return 0;
  json_object_set(result, "program_cpu_seconds", cpu);
  json_object_set(result, "program_wall_seconds", wall);
  json_object_del(result, "cpu_seconds");
  json_object_del(result, "wall_seconds");
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
