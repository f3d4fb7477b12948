/* The threaded replay: a trace of several threads (workloads/trace.h,
 * "Threads") replayed by as many real threads, each running its own stream
 * of ops, waiting only where the trace hands a block over.
 *
 * Before anything is timed the trace is split into one stream per thread
 * (mmap'd, never the allocator's memory). A hand-off op becomes two stream
 * ops: a GIVE in the giver's stream, where the hand-off is, and a TAKE in
 * the receiver's stream, right before the receiver's next op on that slot
 * (not at the hand-off's place in the trace: the receiver has no reason to
 * wait before it needs the block). Both carry the hand-off's sequence
 * number on its slot (1 for the slot's first hand-off, 2 for its second,
 * ...). The GIVE stores it into the slot's ready word with release order;
 * the TAKE waits until the ready word has reached it, with acquire order.
 * So everything the giver did to the slot and its block happens before
 * everything the receiver does next, and nothing else is synchronized.
 *
 * Invariants:
 *  - every op of the trace is in exactly one stream (its thread's), in trace
 *    order; hand-offs are in two, as GIVE and TAKE;
 *  - a slot's table entry (pb_slot) is read and written only by its owner
 *    of the moment, and by the main thread while no worker runs;
 *  - ready[s] only grows, by GIVE stores of increasing sequence numbers
 *    (a slot's hand-offs are ordered: the giver owns the slot);
 *  - no wait cycle: a TAKE waits for a GIVE earlier in the trace, which
 *    waits (if at all) for one earlier still. Segment ends cut every stream
 *    at the same trace index, and a TAKE is never in an earlier segment than
 *    its GIVE, so a segment always completes.
 *
 * The replay runs in segments, as the one-thread replay does: the workers
 * meet at a barrier at each segment end, where the main thread measures
 * (RSS, the peak snapshot) with every worker stopped. */
#ifndef POOLBENCH_HARNESS_RUNNER_REPLAY_THREADS_H
#define POOLBENCH_HARNESS_RUNNER_REPLAY_THREADS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "allocator/allocator.h"
#include "harness/runner/replay.h"
#include "workloads/trace.h"

/* Stream op kinds beyond pb_op_kind's (a GIVE is PB_OP_HANDOFF). */
#define PB_STREAM_TAKE 0x80

/* The most segment ends (RSS samples and the peak) a threaded replay has. */
#define PB_THREADS_SEGMENTS_MAX 128

typedef struct pb_replay_threads pb_replay_threads;

/* What a worker is started with. */
typedef struct worker_arg {
  pb_replay_threads *rt;
  unsigned index; /* its thread in the trace */
  int serialize;  /* PB_THREADS_SERIALIZE: lock around every call */
} worker_arg;

/* One thread's stream: read by its worker, written by it only at the end
 * of a segment; aligned to a cache line, so that no two streams share one. */
typedef struct pb_stream {
  _Alignas(64) pb_op *ops; /* mmap'd: the thread's ops, GIVE and TAKE with the
                 hand-off's sequence number in size */
  uint64_t count;
  size_t bytes;                          /* of the mapping */
  uint64_t cut[PB_THREADS_SEGMENTS_MAX]; /* stream index of each segment end */
  uint64_t sink;                         /* values read back from blocks */
  int failed; /* the allocator returned NULL: at stream op failed_at (read
                 by the main thread after the segment's barrier) */
  uint64_t failed_at;
} pb_stream;

struct pb_replay_threads {
  pb_replay base; /* the trace and the shared slot table */
  unsigned threads;
  pb_stream *streams;      /* threads entries, mmap'd */
  _Atomic uint32_t *ready; /* per slot: the last hand-off given */
  uint64_t ends[PB_THREADS_SEGMENTS_MAX]; /* trace index of each segment end */
  unsigned segments;
  unsigned next_segment;
  pthread_t *workers;
  /* Each worker's stack, mapped here (WORKER_STACK_BYTES each), not by
   * glibc: an exiting thread whose stack glibc mapped gives it back with
   * madvise while its signals are blocked, and under --count-syscalls
   * (syscall_count.h) that madvise traps to a blocked SIGSYS, which kills
   * the process. glibc leaves a stack it was given alone. */
  void *stacks[PB_TRACE_THREADS_MAX];
  pthread_barrier_t start, done;
  pb_calls calls; /* what the workers call (allocator.h, pb_threads) */
  pthread_mutex_t call_lock; /* PB_THREADS_SERIALIZE: the one lock around
                                every call (allocator.h) */
  int quit;                  /* read by workers after the start barrier */
  worker_arg args[PB_TRACE_THREADS_MAX];
  _Atomic int abandoned; /* a worker failed: the others stop waiting */
};

/* Splits the trace into streams cut at the given segment ends (increasing,
 * the last the trace's count; at most PB_THREADS_SEGMENTS_MAX) and starts
 * the workers, which wait for the first segment. Returns 0, or -1 with a
 * message in err. */
int pb_replay_threads_init(pb_replay_threads *rt, const pb_trace *trace,
                           const uint64_t *ends, unsigned segments,
                           char err[PB_TRACE_ERROR_MAX]);

/* Runs the next segment on every worker and waits for all of them. Returns
 * 0, or -1 when the allocator returned NULL on some thread (the replay
 * cannot go on; *failed_size is the request). */
int pb_replay_threads_segment(pb_replay_threads *rt, uint32_t *failed_size);

/* pb_replay_internal_fragmentation through rt->calls, while the workers
 * wait (the peak snapshot). */
uint64_t pb_replay_threads_internal_fragmentation(const pb_replay_threads *rt);

/* Stops and joins the workers and unmaps the streams; frees no block and
 * keeps the slot table: pb_replay_threads_free_all then frees what is live,
 * on the calling thread (through rt->calls, as thread 0: pb_thread_enter(0)
 * first), and pb_replay_destroy(&rt->base) unmaps the table. */
void pb_replay_threads_free_all(pb_replay_threads *rt);
void pb_replay_threads_destroy(pb_replay_threads *rt);

#endif /* POOLBENCH_HARNESS_RUNNER_REPLAY_THREADS_H */
