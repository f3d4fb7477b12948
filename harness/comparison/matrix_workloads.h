/* The workloads of a comparison: each selected workload once per selected
 * suite (suite.h), grouped by workload ("NAME", "NAME:captured",
 * "NAME:real", then the next workload), each at its scale, with its program
 * where a suite needs it. */
#ifndef POOLBENCH_HARNESS_COMPARISON_MATRIX_WORKLOADS_H
#define POOLBENCH_HARNESS_COMPARISON_MATRIX_WORKLOADS_H

#include "harness/comparison/options.h"
#include "harness/matrix/matrix.h"

/* Fills m->workloads, m->suites and m->pytrace. Programs are found from
 * argv0 (locate.h); a missing one is one line and exit status 2. When a
 * suite runs the programs, PYTHONHASHSEED is fixed (0) for every child, so
 * that each run, and the capture, makes the same allocations, and
 * PYTHONDONTWRITEBYTECODE set, so that no run compiles less than the first
 * (nor writes into the source tree). */
void pb_matrix_workloads_build(const pb_comparison_options *o,
                               const char *argv0, pb_matrix *m);

#endif /* POOLBENCH_HARNESS_COMPARISON_MATRIX_WORKLOADS_H */
