/* What the runner measures around the replay, and only around it.
 *
 * Each segment of the replay (harness/runner/replay.h) is bracketed: wall time
 * and CPU time summed over the segments, callgrind's instruction collection on
 * (CALLGRIND_TOGGLE_COLLECT: under `valgrind --tool=callgrind
 * --collect-atstart=no` only the segments are counted, not start-up, trace
 * loading, the RSS samples between segments or teardown; natively the
 * request is a few no-op instructions), and the system-call counter on
 * (harness/runner/syscall_count.h, when installed). Around the whole replay:
 * the involuntary context switches, and callgrind's instrumentation, so that
 * everything else runs at valgrind's uninstrumented speed
 * (--instr-atstart=no).
 *
 * The CPU clock is read outside the wall clock, so that wall time does not
 * include the CPU clock's own system calls: wall minus CPU is then the time
 * the process spent waiting, descheduled. */
#ifndef POOLBENCH_HARNESS_RUNNER_SEGMENT_METER_H
#define POOLBENCH_HARNESS_RUNNER_SEGMENT_METER_H

#include <stdint.h>
#include <valgrind/callgrind.h>

#include "common/clock.h"
#include "harness/runner/syscall_count.h"

typedef struct pb_meter {
  double wall_seconds; /* summed over the segments */
  double cpu_seconds;
  uint64_t involuntary_switches; /* over the whole replay */
  /* while measuring */
  double wall_start, cpu_start;
  uint64_t switches_start;
} pb_meter;

/* Before the first segment. */
void pb_meter_start(pb_meter *m);

static inline void pb_meter_segment_begin(pb_meter *m) {
  m->cpu_start = pb_cpu_now();
  m->wall_start = pb_now();
  CALLGRIND_TOGGLE_COLLECT;
  pb_syscall_count_enable(1);
}

static inline void pb_meter_segment_end(pb_meter *m) {
  pb_syscall_count_enable(0);
  CALLGRIND_TOGGLE_COLLECT;
  m->wall_seconds += pb_now() - m->wall_start;
  m->cpu_seconds += pb_cpu_now() - m->cpu_start;
}

/* After the last segment. */
void pb_meter_stop(pb_meter *m);

#endif /* POOLBENCH_HARNESS_RUNNER_SEGMENT_METER_H */
