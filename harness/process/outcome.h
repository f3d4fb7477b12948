/* What became of a child run (spawn.h), judged in one place: it succeeded,
 * it failed (and the one line that says why), or a SIGINT or SIGTERM
 * (interrupt.h) stopped it, which is no failure of the child's. Every caller
 * of pb_spawn reads its result through pb_outcome_judge, so that an
 * interrupted child is never taken for a success or reported as failed. */
#ifndef POOLBENCH_HARNESS_PROCESS_OUTCOME_H
#define POOLBENCH_HARNESS_PROCESS_OUTCOME_H

#include <stddef.h>

#include "harness/process/spawn.h"

typedef enum pb_outcome {
  PB_OUTCOME_OK,          /* started, and exited 0 */
  PB_OUTCOME_FAILED,      /* why says how */
  PB_OUTCOME_INTERRUPTED, /* stopped by a SIGINT or SIGTERM of ours */
} pb_outcome;

/* Judges the child that pb_spawn (or pb_spawn_env, pb_spawn_pinned) ran
 * into r; rc is what that call returned, and errno must still be its errno
 * when rc != 0 (pass the call itself: pb_outcome_judge(pb_spawn(...), &r,
 * ...)). On PB_OUTCOME_FAILED, why holds one line: "cannot start: <errno
 * text>", "exit 3", "signal 11 (Segmentation fault)" or "timeout after
 * 30 s", followed by ": <the child's last line on stderr>" when it wrote
 * one. On PB_OUTCOME_INTERRUPTED it holds "interrupted", on PB_OUTCOME_OK
 * "". A child that a SIGINT or SIGTERM killed directly (a Ctrl-C reaches the
 * whole process group) counts as interrupted when this process caught one
 * too. r stays the caller's to free (pb_spawn_result_free), also when rc !=
 * 0. */
pb_outcome pb_outcome_judge(int rc, const pb_spawn_result *r, char *why,
                            size_t size);

#endif /* POOLBENCH_HARNESS_PROCESS_OUTCOME_H */
