#include "harness/real_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cell_run.h"
#include "harness/locate.h"

void pb_real_runs_prepare(pb_matrix *m, const char *argv0) {
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
  char *argv[] = {cell->variant->pyrun, cell->workload->script, scale, NULL};
  pb_spawn_result res;
  if (pb_spawn(argv, timeout, &res) != 0) {
    snprintf(run->failure, sizeof run->failure, "cannot start: %s",
             strerror(errno));
    cell->failed = 1;
    return 0;
  }
  if (res.exit_status == 0 && !res.signaled && !res.timed_out) {
    run->result = json_pack(
        "{s:s, s:s, s:s, s:f, s:f, s:f, s:I}", "backend",
        cell->variant->backend, "workload", cell->workload->workload, "program",
        cell->workload->script, "scale", cell->workload->scale, "wall_seconds",
        res.seconds, "cpu_seconds", res.cpu_seconds, "peak_rss_bytes",
        (json_int_t)res.max_rss_bytes);
    run->ok = run->result != NULL;
    if (!run->ok) snprintf(run->failure, sizeof run->failure, "out of memory");
  } else {
    pb_run_failure(run, &res);
  }
  if (!run->ok) cell->failed = 1;
  double seconds = res.seconds;
  pb_spawn_result_free(&res);
  return seconds;
}
