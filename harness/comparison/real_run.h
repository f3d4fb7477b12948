/* One run of a real program: the workload's program (workloads/python/)
 * under the variant's pyrun_<backend>, at the workload's scale, as a child
 * process with a time limit. Its result joins the matrix like a runner's
 * JSON, with the figures a whole program has: wall time, CPU time (user +
 * system) and its own peak RSS, all from wait4, taken by harness/measure
 * (measure.c says why the driver cannot take them itself). */
#ifndef POOLBENCH_HARNESS_COMPARISON_REAL_RUN_H
#define POOLBENCH_HARNESS_COMPARISON_REAL_RUN_H

#include "harness/matrix/matrix.h"

/* Finds each variant's pyrun_<backend> (locate.h); one line and exit status
 * 2 when one is missing. */
void pb_real_runs_prepare(pb_matrix *m, const char *argv0);

/* When VIRTUAL_ENV names a virtual environment and the comparison runs
 * programs: its site-packages join the programs' path (PYTHONPATH) when it
 * was built on the Python pyrun embeds; one line and exit status 2 when on
 * another. After pb_real_runs_prepare. Returns the environment's path, or
 * NULL when none is used. */
const char *pb_virtual_env_apply(const pb_matrix *m);

/* The command line that runs mw's program: the words of before (its
 * interpreter, and what runs that), the program, its arguments; NULL-
 * terminated (malloc'd array, free with free; the strings are borrowed). */
char **pb_program_argv(const char *const *before, const pb_matrix_workload *mw);

/* Runs cell's program on cell's variant and fills cell->runs[r]; marks the
 * cell failed when the run failed. Returns the run's wall time in seconds. */
double pb_real_run(pb_cell *cell, int r, double timeout);

#endif /* POOLBENCH_HARNESS_COMPARISON_REAL_RUN_H */
