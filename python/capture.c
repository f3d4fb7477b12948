#include "python/capture.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "common/fail.h"
#include "common/map.h"
#include "python/address_map.h"
#include "python/written.h"

/* One wrapped domain: the allocator underneath, and how its blocks are
 * recorded (RAW blocks are not: domain is PB_DOMAIN_RAW, kept apart). */
typedef struct wrapped {
  PyMemAllocatorDomain python_domain;
  pb_domain domain;
  pb_touch touch;
  PyMemAllocatorEx original;
} wrapped;

static struct {
  pb_trace *trace;
  pb_address_map blocks; /* address -> slot of every live MEM or OBJ block */
  pb_address_map raw;    /* addresses of live RAW blocks (slot unused) */
  /* Per slot: its live block's last malloc, calloc or realloc op, whose
   * touch is set to how far the block was written (written.h) when the
   * block is freed or resized (capture.h). mmap'd, grown by
   * doubling. */
  uint64_t *last_op;
  uint64_t last_op_capacity;
  pb_capture_counts counts;
  int recording;
  wrapped domains[3];
} capture = {.domains = {{PYMEM_DOMAIN_RAW, PB_DOMAIN_RAW, PB_TOUCH_NONE},
                         {PYMEM_DOMAIN_MEM, PB_DOMAIN_MEM, PB_TOUCH_ARRAY},
                         {PYMEM_DOMAIN_OBJ, PB_DOMAIN_OBJ, PB_TOUCH_OBJECT}}};

/* ---- the lock ------------------------------------------------------------ */

static atomic_flag lock_flag = ATOMIC_FLAG_INIT;
/* Set while this thread holds the lock (pb_capture_busy). */
static _Thread_local int busy;
/* Set while this thread is inside a MEM or OBJ allocator, whose own RAW
 * calls are not the program's. */
static _Thread_local int nested;

static void lock(void) {
  while (atomic_flag_test_and_set_explicit(&lock_flag, memory_order_acquire))
    sched_yield();
  busy = 1;
}

static void unlock(void) {
  busy = 0;
  atomic_flag_clear_explicit(&lock_flag, memory_order_release);
}

int pb_capture_busy(void) { return busy; }

/* A child of fork() neither records nor writes: the parent's trace is the
 * capture's. Its copy of the lock may have been taken by a thread that does
 * not exist in the child. */
static void forked_child(void) {
  capture.recording = 0;
  busy = 0;
  atomic_flag_clear(&lock_flag);
}

/* ---- bookkeeping (under the lock, while recording) ----------------------- */

static uint32_t trace_size(size_t size) {
  if (size > UINT32_MAX)
    pb_fail(PB_EXIT_FAILED,
            "a request of %zu bytes: a trace op holds at most %u; nothing "
            "captured",
            size, UINT32_MAX);
  return (uint32_t)size;
}

/* The op just appended allocated or resized slot's block. */
static void remember_op(uint32_t slot) {
  if (slot >= capture.last_op_capacity) {
    uint64_t capacity =
        capture.last_op_capacity ? capture.last_op_capacity : 4096;
    while (capacity <= slot) capacity *= 2;
    capture.last_op = pb_remap_or_fail(
        capture.last_op, capture.last_op_capacity * sizeof(uint64_t),
        capacity * sizeof(uint64_t), "the capture's table of last ops");
    capture.last_op_capacity = capacity;
  }
  capture.last_op[slot] = capture.trace->count - 1;
}

/* The block in slot, still live at block: its last op's touch becomes how
 * far the program wrote it. */
static void record_written(uint32_t slot, const void *block) {
  uint64_t op = capture.last_op[slot];
  const pb_op *o = &capture.trace->ops[op];
  unsigned char unwritten = o->kind == PB_OP_CALLOC ? 0 : PB_WRITTEN_PATTERN;
  size_t written = pb_written_extent(block, o->size, unwritten);
  pb_trace_set_filled(capture.trace, op, pb_touch_filled(written, o->size));
}

static void refused(size_t size) {
  capture.counts.refused++;
  if (size > capture.counts.largest_refused)
    capture.counts.largest_refused = size;
}

/* Forgets whatever the capture held at address: a block there is new, so
 * the one it knew was freed where it could not see (free() of a PyMem or
 * PyMem_Raw block); a traced one is freed in the trace now. */
static void forget(const void *address) {
  uint32_t slot;
  if (pb_address_map_take(&capture.blocks, address, &slot))
    pb_trace_free(capture.trace, slot);
  pb_address_map_take(&capture.raw, address, &slot);
}

/* fill: the block's bytes are the program's to write (a new malloc), so the
 * pattern goes in (written.h); a calloc's are zeros, and a realloc of a
 * block from before the capture holds the program's data. */
static void record_new(const wrapped *w, void *block, size_t size,
                       pb_op_kind kind, int fill) {
  forget(block);
  if (w->domain == PB_DOMAIN_RAW) {
    pb_address_map_put(&capture.raw, block, 0);
    return;
  }
  pb_trace_set_domain(capture.trace, w->domain);
  uint32_t slot =
      kind == PB_OP_CALLOC
          ? pb_trace_calloc(capture.trace, trace_size(size), w->touch)
          : pb_trace_malloc(capture.trace, trace_size(size), w->touch);
  remember_op(slot);
  if (fill) pb_written_fill(block, 0, size);
  pb_address_map_put(&capture.blocks, block, slot);
}

/* What the capture knows of a block about to be freed or resized. */
typedef enum known { UNKNOWN, TRACED, RAW } known;

static known take(const void *block, uint32_t *slot) {
  if (pb_address_map_take(&capture.blocks, block, slot)) return TRACED;
  if (pb_address_map_take(&capture.raw, block, slot)) return RAW;
  return UNKNOWN;
}

static void count_crossing(const wrapped *w, known k) {
  if (k == RAW && w->domain != PB_DOMAIN_RAW)
    capture.counts.raw_through_python++;
  else if (k == TRACED && w->domain == PB_DOMAIN_RAW)
    capture.counts.python_through_raw++;
}

/* ---- the hooks -------------------------------------------------------------
 * A block is taken out of the tables before the allocator underneath may
 * free it, and put in after it returned, so that another thread's RAW call
 * that gets the same address sees the tables in order. */

/* RAW calls that a MEM or OBJ allocator makes go straight through. */
static int watched(const wrapped *w) {
  return !(w->domain == PB_DOMAIN_RAW && nested);
}

static void *call_malloc(const wrapped *w, size_t size) {
  nested = w->domain != PB_DOMAIN_RAW;
  void *block = w->original.malloc(w->original.ctx, size);
  nested = 0;
  return block;
}

static void *wrapped_malloc(void *ctx, size_t size) {
  const wrapped *w = ctx;
  if (!watched(w)) return w->original.malloc(w->original.ctx, size);
  void *block = call_malloc(w, size);
  lock();
  if (capture.recording) {
    if (block)
      record_new(w, block, size, PB_OP_MALLOC, 1);
    else if (w->domain != PB_DOMAIN_RAW)
      refused(size);
  }
  unlock();
  return block;
}

static void *wrapped_calloc(void *ctx, size_t nelem, size_t elsize) {
  const wrapped *w = ctx;
  if (!watched(w)) return w->original.calloc(w->original.ctx, nelem, elsize);
  nested = w->domain != PB_DOMAIN_RAW;
  void *block = w->original.calloc(w->original.ctx, nelem, elsize);
  nested = 0;
  /* A block came back only when nelem * elsize did not overflow; a refused
   * one that did counts as the largest request there is. */
  size_t size;
  if (__builtin_mul_overflow(nelem, elsize, &size)) size = SIZE_MAX;
  lock();
  if (capture.recording) {
    if (block)
      record_new(w, block, size, PB_OP_CALLOC, 0);
    else if (w->domain != PB_DOMAIN_RAW)
      refused(size);
  }
  unlock();
  return block;
}

static void *wrapped_realloc(void *ctx, void *old, size_t size) {
  const wrapped *w = ctx;
  if (!watched(w)) return w->original.realloc(w->original.ctx, old, size);
  uint32_t slot = 0;
  known k = UNKNOWN;
  uint64_t old_size = 0;
  lock();
  if (capture.recording && old) k = take(old, &slot);
  if (k == TRACED) {
    record_written(slot, old);
    old_size = capture.trace->ops[capture.last_op[slot]].size;
  }
  unlock();
  nested = w->domain != PB_DOMAIN_RAW;
  void *block = w->original.realloc(w->original.ctx, old, size);
  nested = 0;
  lock();
  if (!capture.recording) {
    /* Stopped meanwhile: nothing to record. */
  } else if (!block) {
    /* Refused: old is still live where it was. */
    if (k == TRACED) pb_address_map_put(&capture.blocks, old, slot);
    if (k == RAW) pb_address_map_put(&capture.raw, old, 0);
    if (w->domain != PB_DOMAIN_RAW) refused(size);
  } else if (k == TRACED) {
    count_crossing(w, k);
    forget(block);
    pb_touch touch = pb_trace_slot_domain(capture.trace, slot) == PB_DOMAIN_MEM
                         ? PB_TOUCH_ARRAY
                         : PB_TOUCH_OBJECT;
    pb_trace_realloc(capture.trace, slot, trace_size(size), touch);
    remember_op(slot);
    pb_written_fill(block, old_size, size);
    pb_address_map_put(&capture.blocks, block, slot);
  } else if (k == RAW) {
    /* Still the system's block, whichever domain resized it. */
    count_crossing(w, k);
    forget(block);
    pb_address_map_put(&capture.raw, block, 0);
  } else {
    /* Its malloc was before the capture: from here on it is a new block. */
    if (old && w->domain != PB_DOMAIN_RAW) capture.counts.unknown_reallocs++;
    record_new(w, block, size, PB_OP_MALLOC, 0);
  }
  unlock();
  return block;
}

static void wrapped_free(void *ctx, void *block) {
  const wrapped *w = ctx;
  if (!watched(w)) {
    w->original.free(w->original.ctx, block);
    return;
  }
  if (block) {
    lock();
    if (capture.recording) {
      uint32_t slot;
      known k = take(block, &slot);
      count_crossing(w, k);
      if (k == TRACED) {
        record_written(slot, block);
        pb_trace_free(capture.trace, slot);
      } else if (k == UNKNOWN && w->domain != PB_DOMAIN_RAW)
        capture.counts.unknown_frees++;
    }
    unlock();
  }
  nested = w->domain != PB_DOMAIN_RAW;
  w->original.free(w->original.ctx, block);
  nested = 0;
}

void pb_capture_start(pb_trace *trace) {
  capture.trace = trace;
  pb_address_map_init(&capture.blocks);
  pb_address_map_init(&capture.raw);
  memset(&capture.counts, 0, sizeof capture.counts);
  if (pthread_atfork(NULL, NULL, forked_child) != 0)
    pb_fail(PB_EXIT_FAILED, "cannot register the capture's fork handler");
  for (size_t d = 0; d < 3; d++) {
    wrapped *w = &capture.domains[d];
    PyMem_GetAllocator(w->python_domain, &w->original);
    PyMemAllocatorEx hook = {w, wrapped_malloc, wrapped_calloc, wrapped_realloc,
                             wrapped_free};
    PyMem_SetAllocator(w->python_domain, &hook);
  }
  capture.recording = 1;
}

void pb_capture_stop(pb_capture_counts *counts) {
  lock();
  capture.recording = 0;
  pb_unmap(capture.last_op, capture.last_op_capacity * sizeof(uint64_t));
  capture.last_op = NULL;
  capture.last_op_capacity = 0;
  *counts = capture.counts;
  pb_address_map_destroy(&capture.blocks);
  pb_address_map_destroy(&capture.raw);
  unlock();
}
