/* One run of a cell as a child process: the runner replaying a trace
 * (cell_run.h) or a real program under measure (real_run.h) fill the cell's
 * run the same way, from the child's outcome (harness/process/outcome.h). */
#ifndef POOLBENCH_HARNESS_COMPARISON_CHILD_RUN_H
#define POOLBENCH_HARNESS_COMPARISON_CHILD_RUN_H

#include <jansson.h>

#include "harness/matrix/matrix.h"

/* Tells a child's result worth keeping: its parsed standard output (a JSON
 * object), which it may complete with the cell's particulars. Returns 1 to
 * keep it. */
typedef int (*pb_result_check)(const pb_cell *cell, json_t *result);

/* Runs argv as run r of cell, within timeout seconds: the run is measured
 * when the child exits 0 with a result check accepts ("garbage output"
 * otherwise), interrupted (not failed) when a SIGINT or SIGTERM stopped
 * it, failed otherwise (with the one line outcome.h writes); the cell is
 * marked failed with a failed run. Returns the child's wall time in
 * seconds. */
double pb_child_run(pb_cell *cell, int r, char *const argv[], double timeout,
                    pb_result_check check);

/* pb_child_run with the environment envp instead of this process's: a
 * deployment configuration's settings (deploy.h). */
double pb_child_run_env(pb_cell *cell, int r, char *const argv[],
                        char *const envp[], double timeout,
                        pb_result_check check);

#endif /* POOLBENCH_HARNESS_COMPARISON_CHILD_RUN_H */
