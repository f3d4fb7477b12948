/* The threaded replay (replay_threads.h): the split into streams, the
 * workers, the hand-offs. */
#include "harness/runner/replay_threads.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <valgrind/callgrind.h>

#include "allocator/allocator.h"
#include "common/map.h"
#include "harness/runner/rss.h"
#include "harness/runner/touch.h"

/* A TAKE: wait for the giver. Busy-waiting costs nothing while both threads
 * run, but with more threads than cores the giver may be descheduled:
 * after a short spin, yield the core to it. Returns -1 when another thread
 * failed (its GIVE may never come). */
static int wait_ready(pb_replay_threads *rt, _Atomic uint32_t *ready,
                      uint32_t seq) {
  unsigned spins = 0;
  while (atomic_load_explicit(ready, memory_order_acquire) < seq) {
    if (++spins > 64) {
      if (atomic_load_explicit(&rt->abandoned, memory_order_relaxed)) return -1;
      sched_yield();
    }
  }
  return 0;
}

#define CALL(serialize, expr)                            \
  do {                                                   \
    if (serialize) pthread_mutex_lock(&rt->call_lock);   \
    expr;                                                \
    if (serialize) pthread_mutex_unlock(&rt->call_lock); \
  } while (0)

/* Runs stream ops [from, to): the same touches as replay.c's loop. */
static int run_stream(pb_replay_threads *rt, pb_stream *s, uint64_t from,
                      uint64_t to, int serialize) {
  pb_slot *slots = rt->base.slots;
  const pb_calls *c = &rt->calls;
  /* Here, not in *s, while the stream runs: the streams sit side by side,
   * and a store into one at every free would share a cache line with the
   * next thread's. */
  uint64_t sink = 0;
  for (uint64_t i = from; i < to; i++) {
    const pb_op op = s->ops[i];
    pb_slot *slot = &slots[op.slot];
    unsigned char *block;
    switch (op.kind) {
      case PB_OP_MALLOC:
      case PB_OP_CALLOC:
        CALL(serialize, block = op.kind == PB_OP_MALLOC
                                    ? c->malloc(op.size)
                                    : c->calloc(1, op.size));
        if (__builtin_expect(block == NULL, 0)) goto failed;
        touch_new_block(block, op.size, op.touch);
        slot->block = block;
        slot->size = op.size;
        break;
      case PB_OP_REALLOC:
        CALL(serialize, block = c->realloc(slot->block, op.size));
        if (__builtin_expect(block == NULL, 0)) goto failed;
        touch_resized_block(block, slot->size, op.size, op.touch);
        slot->block = block;
        slot->size = op.size;
        break;
      case PB_OP_FREE:
        if (op.touch == PB_TOUCH_OBJECT)
          touch_dying_object(&sink, slot->block, slot->size);
        CALL(serialize, c->free(slot->block));
        slot->block = NULL;
        break;
      case PB_OP_HANDOFF: /* GIVE: publishes the slot and its block */
        atomic_store_explicit(&rt->ready[op.slot], op.size,
                              memory_order_release);
        break;
      default: /* PB_STREAM_TAKE */
        if (wait_ready(rt, &rt->ready[op.slot], op.size) != 0) {
          s->sink += sink;
          return -1;
        }
        break;
    }
    continue;
  failed:
    s->sink += sink;
    s->failed = 1;
    s->failed_at = i;
    /* The others may wait for a GIVE this thread will never make: they
     * stop waiting, and the replay is abandoned. */
    atomic_store_explicit(&rt->abandoned, 1, memory_order_relaxed);
    return -1;
  }
  s->sink += sink;
  return 0;
}

static void *worker(void *p) {
  worker_arg *arg = p;
  pb_replay_threads *rt = arg->rt;
  pb_stream *s = &rt->streams[arg->index];
  if (pb_thread_enter) pb_thread_enter(arg->index);
  pb_map_stack_pages();            /* before the baseline: rss.h */
  pthread_barrier_wait(&rt->done); /* init waits for every worker's */
  uint64_t pos = 0;
  for (unsigned seg = 0;; seg++) {
    pthread_barrier_wait(&rt->start);
    if (rt->quit) break;
    /* Callgrind's collection is per thread: the meter turns on the main
     * thread's (segment_meter.h), each worker its own, for its segment. */
    CALLGRIND_TOGGLE_COLLECT;
    if (!atomic_load_explicit(&rt->abandoned, memory_order_relaxed) &&
        run_stream(rt, s, pos, s->cut[seg], arg->serialize) == 0)
      pos = s->cut[seg];
    CALLGRIND_TOGGLE_COLLECT;
    pthread_barrier_wait(&rt->done);
  }
  return NULL;
}

/* As glibc's default; mapped untouched, so only what a worker uses is
 * resident. */
#define WORKER_STACK_BYTES ((size_t)8 << 20)

static size_t round_map(size_t bytes) {
  return pb_map_round(bytes ? bytes : 1);
}

static int fail_map(char err[PB_TRACE_ERROR_MAX], const char *what,
                    size_t bytes) {
  snprintf(err, PB_TRACE_ERROR_MAX, "cannot map %zu bytes for %s", bytes, what);
  return -1;
}

/* Numbers the slots again, grouped by the thread that first uses each: the
 * slot table (16 bytes an entry, four to a cache line) is written at every
 * malloc and free, and with the trace's numbering, which interleaves the
 * threads' slots, two threads that share nothing wrote the same cache lines
 * all the time (false sharing: no backend, not even the ceiling, ran the
 * workload whose threads share nothing faster on two threads than on one).
 * A slot handed over is shared by its nature, as the object it holds is.
 * map[old] = new. */
static void group_slots(const pb_trace *t, unsigned threads, uint32_t *map) {
  uint32_t first[PB_TRACE_THREADS_MAX] = {0}, next[PB_TRACE_THREADS_MAX];
  const uint32_t unseen = UINT32_MAX;
  for (uint32_t k = 0; k < t->slots; k++) map[k] = unseen;
  /* map holds each slot's first thread, then its new number. */
  for (uint64_t i = 0; i < t->count; i++)
    if (map[t->ops[i].slot] == unseen) {
      map[t->ops[i].slot] = t->ops[i].thread;
      first[t->ops[i].thread]++;
    }
  uint32_t start = 0;
  for (unsigned k = 0; k < threads; k++) {
    next[k] = start;
    start += first[k];
  }
  for (uint32_t k = 0; k < t->slots; k++)
    map[k] = map[k] == unseen ? start++ : next[map[k]]++;
}

/* Fills the streams (the counts were made by a first pass), each op's slot
 * numbered by map. */
static void split(pb_replay_threads *rt, const uint32_t *map, uint32_t *seq,
                  uint32_t *pending) {
  const pb_trace *t = rt->base.trace;
  unsigned seg = 0;
  for (uint64_t i = 0; i <= t->count; i++) {
    while (seg < rt->segments && rt->ends[seg] == i) {
      for (unsigned k = 0; k < rt->threads; k++)
        rt->streams[k].cut[seg] = rt->streams[k].count;
      seg++;
    }
    if (i == t->count) break;
    pb_op op = t->ops[i];
    op.slot = map[op.slot];
    pb_stream *s = &rt->streams[op.thread];
    if (pending[op.slot]) { /* the receiver's first op since a hand-off */
      s->ops[s->count++] = (pb_op){.slot = op.slot,
                                   .size = pending[op.slot],
                                   .kind = PB_STREAM_TAKE,
                                   .thread = op.thread};
      pending[op.slot] = 0;
    }
    if (op.kind == PB_OP_HANDOFF) {
      op.size = ++seq[op.slot];
      pending[op.slot] = op.size;
    }
    s->ops[s->count++] = op;
  }
}

int pb_replay_threads_init(pb_replay_threads *rt, const pb_trace *trace,
                           const uint64_t *ends, unsigned segments,
                           char err[PB_TRACE_ERROR_MAX]) {
  memset(rt, 0, sizeof *rt);
  if (pb_replay_init(&rt->base, trace, err) != 0) return -1;
  rt->threads = trace->threads;
  rt->segments = segments;
  memcpy(rt->ends, ends, segments * sizeof *ends);
  size_t n = rt->threads;
  rt->streams = pb_map(round_map(n * sizeof(pb_stream)));
  rt->workers = pb_map(round_map(n * sizeof(pthread_t)));
  size_t slot_bytes = ((size_t)trace->slots + 1) * sizeof(uint32_t);
  rt->ready = pb_map(round_map(slot_bytes));
  uint32_t *seq = pb_map(round_map(slot_bytes));
  uint32_t *pending = pb_map(round_map(slot_bytes));
  if (!rt->streams || !rt->workers || !rt->ready || !seq || !pending)
    return fail_map(err, "the threaded replay's tables", slot_bytes);

  /* Each stream holds its ops and at most one TAKE per hand-off. */
  uint64_t handoffs = 0;
  for (uint64_t i = 0; i < trace->count; i++) {
    rt->streams[trace->ops[i].thread].count++;
    handoffs += trace->ops[i].kind == PB_OP_HANDOFF;
  }
  for (unsigned k = 0; k < rt->threads; k++) {
    pb_stream *s = &rt->streams[k];
    s->bytes = round_map((s->count + handoffs) * sizeof(pb_op));
    s->ops = pb_map(s->bytes);
    if (!s->ops) return fail_map(err, "a thread's stream", s->bytes);
    s->count = 0;
  }
  uint32_t *map = pb_map(round_map(slot_bytes));
  if (!map)
    return fail_map(err, "the threaded replay's slot numbers", slot_bytes);
  group_slots(trace, rt->threads, map);
  split(rt, map, seq, pending);
  pb_unmap(map, round_map(slot_bytes));
  pb_unmap(seq, round_map(slot_bytes));
  pb_unmap(pending, round_map(slot_bytes));
  /* Written at hand-offs: resident before the baseline, as the slot table
   * is, so that its pages are not counted as the allocator's. */
  memset((void *)rt->ready, 0, slot_bytes);

  if (pthread_mutex_init(&rt->call_lock, NULL) != 0 ||
      pthread_barrier_init(&rt->start, NULL, rt->threads + 1) != 0 ||
      pthread_barrier_init(&rt->done, NULL, rt->threads + 1) != 0) {
    snprintf(err, PB_TRACE_ERROR_MAX, "cannot make the replay's barriers");
    return -1;
  }
  int serialize = 0;
  rt->calls =
      (pb_calls){pb_malloc, pb_calloc, pb_realloc, pb_free, pb_usable_size};
  if (pb_threads) {
    char why[PB_ERROR_MAX];
    int mode = pb_threads(rt->threads, &rt->calls, why);
    if (mode < 0) {
      snprintf(err, PB_TRACE_ERROR_MAX, "%s", why);
      return -1;
    }
    serialize = mode == PB_THREADS_SERIALIZE;
  }
  worker_arg *args = rt->args;
  for (unsigned k = 0; k < rt->threads; k++) {
    args[k] = (worker_arg){rt, k, serialize};
    rt->stacks[k] = pb_map(WORKER_STACK_BYTES);
    if (!rt->stacks[k])
      return fail_map(err, "a replay thread's stack", WORKER_STACK_BYTES);
    pthread_attr_t attr;
    int rc = pthread_attr_init(&attr);
    if (rc == 0)
      rc = pthread_attr_setstack(&attr, rt->stacks[k], WORKER_STACK_BYTES);
    if (rc == 0) rc = pthread_create(&rt->workers[k], &attr, worker, &args[k]);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
      snprintf(err, PB_TRACE_ERROR_MAX, "cannot start replay thread %u: %s", k,
               strerror(rc));
      return -1; /* the process exits: the started ones wait forever */
    }
  }
  pthread_barrier_wait(&rt->done); /* every worker ready, its stack mapped */
  return 0;
}

int pb_replay_threads_segment(pb_replay_threads *rt, uint32_t *failed_size) {
  pthread_barrier_wait(&rt->start); /* the workers run the segment */
  pthread_barrier_wait(&rt->done);
  rt->next_segment++;
  for (unsigned k = 0; k < rt->threads; k++) {
    pb_stream *s = &rt->streams[k];
    if (s->failed) {
      *failed_size = s->ops[s->failed_at].size;
      return -1;
    }
  }
  return 0;
}

void pb_replay_threads_destroy(pb_replay_threads *rt) {
  rt->quit = 1;
  pthread_barrier_wait(&rt->start);
  for (unsigned k = 0; k < rt->threads; k++) {
    pthread_join(rt->workers[k], NULL);
    pb_unmap(rt->stacks[k], WORKER_STACK_BYTES);
  }
  pthread_barrier_destroy(&rt->start);
  pthread_barrier_destroy(&rt->done);
  pthread_mutex_destroy(&rt->call_lock);
  for (unsigned k = 0; k < rt->threads; k++) {
    rt->base.sink += rt->streams[k].sink;
    pb_unmap(rt->streams[k].ops, rt->streams[k].bytes);
  }
  size_t slot_bytes = ((size_t)rt->base.trace->slots + 1) * sizeof(uint32_t);
  pb_unmap((void *)rt->ready, round_map(slot_bytes));
  pb_unmap(rt->streams, round_map(rt->threads * sizeof(pb_stream)));
  pb_unmap(rt->workers, round_map(rt->threads * sizeof(pthread_t)));
}

uint64_t pb_replay_threads_internal_fragmentation(const pb_replay_threads *rt) {
  uint64_t waste = 0;
  for (uint32_t s = 0; s < rt->base.trace->slots; s++) {
    const pb_slot *slot = &rt->base.slots[s];
    if (slot->block) waste += rt->calls.usable_size(slot->block) - slot->size;
  }
  return waste;
}

void pb_replay_threads_free_all(pb_replay_threads *rt) {
  for (uint32_t s = 0; s < rt->base.trace->slots; s++) {
    pb_slot *slot = &rt->base.slots[s];
    if (slot->block) {
      rt->calls.free(slot->block);
      slot->block = NULL;
    }
  }
}
