/* The replay engine: runs a trace's operations against the linked backend,
 * touching memory as CPython would.
 *
 * The slot table (one pointer and one size per trace slot) is mmap'd and
 * pre-touched when the replay is set up, so its pages are resident before
 * the RSS baseline is taken and are never charged to the allocator. Every
 * entry is used: a loaded trace's slots are numbered without a gap and are
 * no more than its ops (trace.h), so the table costs at most 16 bytes per
 * op of the file.
 *
 * The caller drives the replay in segments (pb_replay_run up to an op
 * index), so that measuring between segments (RSS samples, the peak-time
 * snapshot) costs the timed loop nothing. */
#ifndef POOLBENCH_HARNESS_RUNNER_REPLAY_H
#define POOLBENCH_HARNESS_RUNNER_REPLAY_H

#include <stdint.h>

#include "workloads/trace.h"

typedef struct pb_slot {
  unsigned char *block;
  uint64_t size; /* bytes requested */
} pb_slot;

typedef struct pb_replay {
  const pb_trace *trace;
  pb_slot *slots; /* mmap'd, trace->slots entries */
  uint64_t next_op;
  uint64_t sink; /* values read back from blocks, so reads are not elided */
} pb_replay;

/* Returns 0, or -1 with a message in err when the slot table cannot be
 * mapped. */
int pb_replay_init(pb_replay *replay, const pb_trace *trace,
                   char err[PB_TRACE_ERROR_MAX]);

/* Replays ops from next_op up to (not including) end. Returns 0; or -1 when
 * the allocator returned NULL, with next_op left at the failing op. */
int pb_replay_run(pb_replay *replay, uint64_t end);

/* Sum over live blocks of usable size minus requested size. */
uint64_t pb_replay_internal_fragmentation(const pb_replay *replay);

/* Frees every live block (the teardown after the trace's last op). */
void pb_replay_free_all(pb_replay *replay);

void pb_replay_destroy(pb_replay *replay);

#endif /* POOLBENCH_HARNESS_RUNNER_REPLAY_H */
