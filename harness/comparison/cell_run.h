/* One run of one cell: the variant's runner on the workload's trace, or a
 * real program (real_run.h), as a child process with a time limit
 * (child_run.h); its JSON result, or why it failed (exit status, signal,
 * timeout, garbage output, and the runner's own last line). */
#ifndef POOLBENCH_HARNESS_COMPARISON_CELL_RUN_H
#define POOLBENCH_HARNESS_COMPARISON_CELL_RUN_H

#include "harness/matrix/matrix.h"

/* Runs cell's variant on trace_file and fills cell->runs[r]; marks the cell
 * failed when the run failed, and the run interrupted (not failed) when a
 * SIGINT or SIGTERM stopped it (interrupt.h). Returns the run's wall time in
 * seconds. A cell of the real suite runs its program instead (real_run.h;
 * trace_file is NULL). */
double pb_cell_run(pb_cell *cell, int r, const char *trace_file,
                   double timeout);

#endif /* POOLBENCH_HARNESS_COMPARISON_CELL_RUN_H */
