#include "harness/comparison/capture.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/comparison/cell_run.h"
#include "harness/process/spawn.h"

int pb_capture_run(const char *pytrace, const pb_matrix_workload *mw,
                   const char *out, double timeout, char *err, size_t size) {
  char out_opt[4200], name_opt[64], scale[32];
  snprintf(out_opt, sizeof out_opt, "--out=%s", out);
  snprintf(name_opt, sizeof name_opt, "--workload=%s", mw->workload);
  snprintf(scale, sizeof scale, "%.17g", mw->scale);
  char *argv[] = {(char *)pytrace, out_opt, name_opt, "--",
                  mw->script,      scale,   NULL};
  pb_spawn_result res;
  if (pb_spawn(argv, timeout, &res) != 0) {
    snprintf(err, size, "cannot start %s: %s", pytrace, strerror(errno));
    return -1;
  }
  int ok = res.exit_status == 0 && !res.signaled && !res.timed_out;
  if (!ok) {
    pb_run failed;
    pb_run_failure(&failed, &res);
    snprintf(err, size, "capturing %s: %s", mw->script, failed.failure);
  }
  pb_spawn_result_free(&res);
  return ok ? 0 : -1;
}
