#include "harness/real_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cell_run.h"
#include "harness/locate.h"

static char *measure;

void pb_real_runs_prepare(pb_matrix *m, const char *argv0) {
  measure = pb_locate_or_fail(argv0, "harness/measure", "harness/measure");
  for (size_t v = 0; v < m->nvariants; v++) {
    pb_variant *variant = &m->variants[v];
    char path[128], what[128];
    snprintf(path, sizeof path, "python/pyrun_%s", variant->backend);
    snprintf(what, sizeof what, "the Python of backend %s", variant->backend);
    variant->pyrun = pb_locate_or_fail(argv0, path, what);
  }
}

double pb_real_run(pb_cell *cell, int r, double timeout) {
  pb_run *run = &cell->runs[r];
  char scale[32];
  snprintf(scale, sizeof scale, "%.17g", cell->workload->scale);
  char *argv[] = {measure, cell->variant->pyrun, cell->workload->script, scale,
                  NULL};
  pb_spawn_result res;
  if (pb_spawn(argv, timeout, &res) != 0) {
    snprintf(run->failure, sizeof run->failure, "cannot start: %s",
             strerror(errno));
    cell->failed = 1;
    return 0;
  }
  if (res.interrupted) {
    /* Stopped half-way by Ctrl-C: no figures, and not the backend's fault. */
    run->interrupted = 1;
  } else if (res.exit_status == 0 && !res.signaled && !res.timed_out) {
    /* measure's report: the program's own figures. */
    run->result = json_loads(res.out, 0, NULL);
    if (json_is_number(json_object_get(run->result, "cpu_seconds")) &&
        json_is_number(json_object_get(run->result, "wall_seconds")) &&
        json_is_integer(json_object_get(run->result, "peak_rss_bytes"))) {
      json_object_set_new(run->result, "backend",
                          json_string(cell->variant->backend));
      json_object_set_new(run->result, "workload",
                          json_string(cell->workload->workload));
      json_object_set_new(run->result, "program",
                          json_string(cell->workload->script));
      json_object_set_new(run->result, "scale",
                          json_real(cell->workload->scale));
      run->ok = 1;
    } else {
      json_decref(run->result);
      run->result = NULL;
      snprintf(run->failure, sizeof run->failure, "garbage output");
    }
  } else {
    pb_run_failure(run, &res);
  }
  if (!run->ok && !run->interrupted) cell->failed = 1;
  double seconds = res.seconds;
  pb_spawn_result_free(&res);
  return seconds;
}
