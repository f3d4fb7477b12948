#include "harness/comparison/cell_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/comparison/real_run.h"
#include "harness/comparison/variants.h"

void pb_run_failure(pb_run *run, const pb_spawn_result *res) {
  char what[64];
  pb_spawn_describe(res, what, sizeof what);
  /* The child's own last line says why, when it said anything. */
  char *msg = res->err;
  size_t len = strlen(msg);
  while (len && msg[len - 1] == '\n') msg[--len] = '\0';
  char *last = strrchr(msg, '\n');
  snprintf(run->failure, sizeof run->failure, "%s%s%.180s", what,
           len ? ": " : "", last ? last + 1 : msg);
}

double pb_child_run(pb_cell *cell, int r, char *const argv[], double timeout,
                    pb_result_check check) {
  pb_run *run = &cell->runs[r];
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
    run->result = json_loads(res.out, 0, NULL);
    if (json_is_object(run->result) && check(cell, run->result)) {
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

/* A runner's JSON has its throughput. */
static int replayed(const pb_cell *cell, json_t *result) {
  (void)cell;
  return json_is_number(json_object_get(result, "ns_per_op"));
}

double pb_cell_run(pb_cell *cell, int r, const char *trace_file,
                   double timeout) {
  if (cell->workload->suite == PB_SUITE_REAL)
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
