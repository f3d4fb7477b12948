#include "python/capture.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "common/fail.h"
#include "python/address_map.h"

/* One wrapped domain: the allocator underneath, and how its blocks are
 * recorded. */
typedef struct wrapped {
  PyMemAllocatorDomain python_domain;
  pb_domain domain;
  pb_touch touch;
  PyMemAllocatorEx original;
} wrapped;

static struct {
  pb_trace *trace;
  pb_address_map blocks; /* address -> slot of every live block */
  pb_capture_counts counts;
  int recording;
  wrapped domains[2];
} capture = {.domains = {{PYMEM_DOMAIN_MEM, PB_DOMAIN_MEM, PB_TOUCH_ARRAY},
                         {PYMEM_DOMAIN_OBJ, PB_DOMAIN_OBJ, PB_TOUCH_OBJECT}}};

static uint32_t trace_size(size_t size) {
  if (size > UINT32_MAX)
    pb_fail(PB_EXIT_BAD_INPUT,
            "a request of %zu bytes: a trace op holds at most %u", size,
            UINT32_MAX);
  return (uint32_t)size;
}

static void record_new(const wrapped *w, void *block, size_t size,
                       pb_op_kind kind) {
  if (!capture.recording) return;
  pb_trace_set_domain(capture.trace, w->domain);
  uint32_t slot =
      kind == PB_OP_CALLOC
          ? pb_trace_calloc(capture.trace, trace_size(size), w->touch)
          : pb_trace_malloc(capture.trace, trace_size(size), w->touch);
  pb_address_map_put(&capture.blocks, block, slot);
}

static void *wrapped_malloc(void *ctx, size_t size) {
  const wrapped *w = ctx;
  void *block = w->original.malloc(w->original.ctx, size);
  if (block) record_new(w, block, size, PB_OP_MALLOC);
  return block;
}

static void *wrapped_calloc(void *ctx, size_t nelem, size_t elsize) {
  const wrapped *w = ctx;
  void *block = w->original.calloc(w->original.ctx, nelem, elsize);
  /* A block came back, so nelem * elsize did not overflow. */
  if (block) record_new(w, block, nelem * elsize, PB_OP_CALLOC);
  return block;
}

static void *wrapped_realloc(void *ctx, void *old, size_t size) {
  const wrapped *w = ctx;
  void *block = w->original.realloc(w->original.ctx, old, size);
  if (!block || !capture.recording) return block;
  uint32_t slot;
  if (!old) {
    record_new(w, block, size, PB_OP_MALLOC);
  } else if (pb_address_map_take(&capture.blocks, old, &slot)) {
    pb_trace_realloc(capture.trace, slot, trace_size(size), w->touch);
    pb_address_map_put(&capture.blocks, block, slot);
  } else {
    /* Its malloc was before the capture: from here on it is a new block. */
    capture.counts.unknown_reallocs++;
    record_new(w, block, size, PB_OP_MALLOC);
  }
  return block;
}

static void wrapped_free(void *ctx, void *block) {
  const wrapped *w = ctx;
  if (block && capture.recording) {
    uint32_t slot;
    if (pb_address_map_take(&capture.blocks, block, &slot))
      pb_trace_free(capture.trace, slot);
    else
      capture.counts.unknown_frees++;
  }
  w->original.free(w->original.ctx, block);
}

void pb_capture_start(pb_trace *trace) {
  capture.trace = trace;
  pb_address_map_init(&capture.blocks);
  memset(&capture.counts, 0, sizeof capture.counts);
  for (size_t d = 0; d < 2; d++) {
    wrapped *w = &capture.domains[d];
    PyMem_GetAllocator(w->python_domain, &w->original);
    PyMemAllocatorEx hook = {w, wrapped_malloc, wrapped_calloc, wrapped_realloc,
                             wrapped_free};
    PyMem_SetAllocator(w->python_domain, &hook);
  }
  capture.recording = 1;
}

void pb_capture_stop(pb_capture_counts *counts) {
  capture.recording = 0;
  *counts = capture.counts;
  pb_address_map_destroy(&capture.blocks);
}
