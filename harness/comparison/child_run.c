#include "harness/comparison/child_run.h"

#include <stdio.h>

#include "harness/process/outcome.h"
#include "harness/process/spawn.h"

extern char **environ;

double pb_child_run(pb_cell *cell, int r, char *const argv[], double timeout,
                    pb_result_check check) {
  return pb_child_run_env(cell, r, argv, environ, timeout, check);
}

double pb_child_run_env(pb_cell *cell, int r, char *const argv[],
                        char *const envp[], double timeout,
                        pb_result_check check) {
  pb_run *run = &cell->runs[r];
  pb_spawn_result res;
  switch (pb_outcome_judge(pb_spawn_env(argv, envp, timeout, &res), &res,
                           run->failure, sizeof run->failure)) {
    case PB_OUTCOME_OK:
      run->result = json_loads(res.out, 0, NULL);
      if (json_is_object(run->result) && check(cell, run->result)) {
        run->ok = 1;
      } else {
        json_decref(run->result);
        run->result = NULL;
        snprintf(run->failure, sizeof run->failure, "garbage output");
      }
      break;
    case PB_OUTCOME_INTERRUPTED:
      /* Stopped half-way by Ctrl-C: no figures, and not the backend's
       * fault (pb_matrix_mark_interrupted reads an empty failure so). */
      run->failure[0] = '\0';
      run->interrupted = 1;
      break;
    case PB_OUTCOME_FAILED:
      break;
  }
  if (!run->ok && !run->interrupted) cell->failed = 1;
  double seconds = res.seconds;
  pb_spawn_result_free(&res);
  return seconds;
}
