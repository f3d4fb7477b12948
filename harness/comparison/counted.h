/* The counted metrics of one (variant, workload) cell: figures that come out
 * the same on every run of the same build, so that they need no repetition
 * and no confidence interval, and a change in one is a change in the code,
 * not noise (README, "Which figure answers which question").
 *
 * Two runs of the variant's runner on the cell's trace, both pinned
 * (harness/process/pinned.h):
 *   - natively, with --count-syscalls: the replay's minor page faults and
 *     memory system calls, and the memory figures (peak live bytes, peak
 *     RSS, fragmentation, retained after teardown and after release), which
 *     address randomization and huge pages no longer move;
 *   - under callgrind, collecting only the replay's segments
 *     (harness/runner/segment_meter.h): instructions per op of the replay, the
 * replay loop included (it is the same loop for every backend).
 *
 * Each takes the time of a run, the callgrind one about 50 times more: a
 * cell's counted metrics take one pair of runs, not the timed repetitions. */
#ifndef POOLBENCH_HARNESS_COMPARISON_COUNTED_H
#define POOLBENCH_HARNESS_COMPARISON_COUNTED_H

#include <jansson.h>
#include <stddef.h>

#include "harness/comparison/progress.h"
#include "harness/matrix/matrix.h"
#include "harness/process/outcome.h"

/* Finds valgrind on the PATH and reads its version, and sets up the pinned
 * runs (harness/process/pinned.h; argv0 locates what they preload); exits with
 * status 2 and one line when something is missing. Call once before
 * pb_counted_run. */
void pb_counting_setup(const char *argv0);

/* "valgrind-3.19.0", after pb_counting_setup. */
const char *pb_valgrind_version(void);

/* The exact callgrind command line before the runner's ("valgrind -q
 * --tool=callgrind ..."), after pb_counting_setup: the counts depend on
 * it, so reports and baselines state it. */
const char *pb_callgrind_command(void);

/* Measures the cell on trace_file: sets cell->counted to an object holding
 * every counted metric of its suite (harness/metrics/metrics.h): the
 * instructions from callgrind, the page faults, memory system calls (with
 * their detail by call), ops and memory figures from the native run; and
 * returns
 * PB_OUTCOME_OK; or leaves it NULL with why in cell->counted_failure and
 * returns PB_OUTCOME_FAILED, or PB_OUTCOME_INTERRUPTED when a SIGINT or
 * SIGTERM stopped it (outcome.h). A cell of the real suite (trace_file
 * NULL) is its program on pyrun_<backend>, counted whole under callgrind,
 * start-up included: its instructions. Callgrind writes into a file in
 * $TMPDIR (or /tmp), removed however the run ends. */
pb_outcome pb_counted_run(pb_cell *cell, const char *trace_file,
                          double timeout);

/* pb_counted_run on every cell of m (its traces:
 * harness/comparison/trace_files.h), with a progress line; a failure is warned
 * on stderr. After a SIGINT or SIGTERM (interrupt.h) nothing more starts, and
 * the cell that was being counted is marked counted_interrupted (matrix.h:
 * neither measured nor failed). progress: the run's (its counted runs
 * planned), or NULL for a bar of their own; expected: each workload's
 * expected seconds of a counted cell, or NULL. Returns how many cells
 * failed. */
size_t pb_counted_run_all(pb_matrix *m, double timeout, pb_progress *progress,
                          const double *expected);

/* After a SIGINT or SIGTERM: every cell whose counted run did not start
 * (during the counted runs, or before them) is marked counted_interrupted
 * as well. Returns how many cells were counted to the end. */
size_t pb_counted_mark_interrupted(pb_matrix *m);

#endif /* POOLBENCH_HARNESS_COMPARISON_COUNTED_H */
