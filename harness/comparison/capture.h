/* The captured suite's traces: each workload's program run once under
 * pytrace (python/pytrace.c) at the workload's scale, its allocations
 * written to a trace file that every backend then replays like a
 * synthetic workload's. */
#ifndef POOLBENCH_HARNESS_COMPARISON_CAPTURE_H
#define POOLBENCH_HARNESS_COMPARISON_CAPTURE_H

#include <stddef.h>

#include "harness/matrix/matrix.h"
#include "harness/process/outcome.h"

/* Captures mw's program into out with pytrace, within timeout seconds.
 * Returns PB_OUTCOME_OK; PB_OUTCOME_FAILED with one line in err (what ended
 * pytrace, and its own last line); or PB_OUTCOME_INTERRUPTED, when a SIGINT
 * or SIGTERM stopped it (out then holds a partial trace, or nothing). */
pb_outcome pb_capture_run(const char *pytrace, const pb_matrix_workload *mw,
                          const char *out, double timeout, char *err,
                          size_t size);

#endif /* POOLBENCH_HARNESS_COMPARISON_CAPTURE_H */
