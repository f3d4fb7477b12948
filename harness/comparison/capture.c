#include "harness/comparison/capture.h"

#include <stdio.h>
#include <stdlib.h>

#include "harness/comparison/real_run.h"

#include "harness/process/spawn.h"

pb_outcome pb_capture_run(const char *pytrace, const pb_matrix_workload *mw,
                          const char *out, double timeout, char *err,
                          size_t size) {
  char out_opt[4200], name_opt[128];
  snprintf(out_opt, sizeof out_opt, "--out=%s", out);
  snprintf(name_opt, sizeof name_opt, "--workload=%s", mw->workload);
  const char *const before[] = {pytrace, out_opt, name_opt, "--", NULL};
  char **argv = pb_program_argv(before, mw);
  pb_spawn_result res;
  char why[256];
  pb_outcome outcome =
      pb_outcome_judge(pb_spawn(argv, timeout, &res), &res, why, sizeof why);
  if (outcome == PB_OUTCOME_FAILED)
    snprintf(err, size, "capturing %s: %s", mw->script, why);
  pb_spawn_result_free(&res);
  free(argv);
  return outcome;
}
