/* One run of one cell: the variant's runner on the workload's trace, as a
 * child process with a time limit; its JSON result, or why it failed (exit
 * status, signal, timeout, garbage output, and the runner's own last line). */
#ifndef POOLBENCH_HARNESS_COMPARISON_CELL_RUN_H
#define POOLBENCH_HARNESS_COMPARISON_CELL_RUN_H

#include "harness/matrix/matrix.h"
#include "harness/process/spawn.h"

/* Runs cell's variant on trace_file and fills cell->runs[r]; marks the cell
 * failed when the run failed, and the run interrupted (not failed) when a
 * SIGINT or SIGTERM stopped it (interrupt.h). Returns the run's wall time in
 * seconds. A cell of the real suite runs its program instead (real_run.h;
 * trace_file is NULL). */
double pb_cell_run(pb_cell *cell, int r, const char *trace_file,
                   double timeout);

/* Tells a child's result worth keeping: its parsed standard output (a JSON
 * object, or NULL), which it may complete with the cell's particulars.
 * Returns 1 to keep it. */
typedef int (*pb_result_check)(const pb_cell *cell, json_t *result);

/* Runs argv as run r of cell, within timeout seconds: the run is measured
 * when the child exits 0 with a result check accepts ("garbage output"
 * otherwise), interrupted (not failed) when a SIGINT or SIGTERM stopped
 * it, failed otherwise; the cell is marked failed with a failed run.
 * Returns the child's wall time in seconds. */
double pb_child_run(pb_cell *cell, int r, char *const argv[], double timeout,
                    pb_result_check check);

/* Records why a child that did not succeed failed: what ended it and its
 * own last line on stderr. */
void pb_run_failure(pb_run *run, const pb_spawn_result *res);

#endif /* POOLBENCH_HARNESS_COMPARISON_CELL_RUN_H */
