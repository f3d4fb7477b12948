/* Allocation traces: the builder and the profile (the file format is in
 * trace_file.c, the slot rules in trace_validate.c).
 *
 * Every buffer here comes from mmap (and grows with mremap), never from
 * malloc: the allocator under test may be the process's malloc, and building
 * or loading a trace must not warm it up or fragment it. */
#include "workloads/trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/map.h"

/* ---- mappings ------------------------------------------------------------ */

/* A broken slot rule while building is a bug in the generator, not bad
 * input: say which workload, and abort. */
static void die(const char *workload, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

static void die(const char *workload, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "poolbench trace builder (workload \"%s\"): ", workload);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  abort();
}

/* Grows the array at *base from *capacity to at least need elements of elem
 * bytes, doubling; the new capacity uses the whole last page. No memory
 * left is one line and exit status 3 (common/map.h). */
static void grow(void **base, uint64_t *capacity, uint64_t need, size_t elem,
                 const char *what) {
  uint64_t want = *capacity ? *capacity : 4096 / elem;
  while (want < need) want *= 2;
  size_t new_bytes = pb_map_round(want * elem);
  *base = pb_remap_or_fail(*base, *capacity * elem, new_bytes, what);
  *capacity = new_bytes / elem;
}

/* ---- building ------------------------------------------------------------ */

void pb_trace_init(pb_trace *t, const char *workload, uint64_t seed,
                   double scale) {
  memset(t, 0, sizeof *t);
  if (!workload) workload = "";
  if (strlen(workload) >= PB_TRACE_NAME_MAX)
    die(workload, "workload name longer than %d bytes", PB_TRACE_NAME_MAX - 1);
  strcpy(t->workload, workload);
  t->threads = 1;
  t->seed = seed;
  t->scale = scale;
}

static void append(pb_trace *t, uint32_t slot, uint32_t size, pb_op_kind kind,
                   pb_touch touch, pb_domain domain) {
  if (t->count == t->capacity) {
    void *base = t->ops;
    grow(&base, &t->capacity, t->count + 1, sizeof(pb_op), "the trace's ops");
    t->ops = base;
  }
  pb_op *op = &t->ops[t->count++];
  op->slot = slot;
  op->size = size;
  op->kind = (uint8_t)kind;
  op->touch = (uint8_t)touch;
  op->domain = (uint8_t)domain;
  op->thread = (uint8_t)t->thread;
}

static uint32_t take_slot(pb_trace *t) {
  uint32_t slot;
  pb_slot_list *free_slots = t->free_slots ? &t->free_slots[t->thread] : NULL;
  if (free_slots && free_slots->count > 0) {
    slot = free_slots->ids[--free_slots->count];
    if (t->live[slot])
      die(t->workload, "slot %u is on the free list but live", slot);
  } else {
    if (t->slots == UINT32_MAX) die(t->workload, "out of slot ids");
    slot = t->slots++;
    if (slot >= t->live_capacity) {
      void *live = t->live, *owner = t->owner;
      uint64_t cap = t->live_capacity, owner_cap = t->live_capacity;
      grow(&live, &cap, (uint64_t)slot + 1, 1, "the trace's live table");
      grow(&owner, &owner_cap, (uint64_t)slot + 1, 1,
           "the trace's owner table");
      t->live = live;
      t->owner = owner;
      t->live_capacity = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
    }
  }
  t->owner[slot] = (uint8_t)t->thread;
  return slot;
}

/* A live slot's byte holds its block's touch + 1 in the low bits (0:
 * empty) and its domain above them, so that the free records how the block
 * is touched before it dies and a realloc or free records the domain the
 * block was allocated in. */
#define LIVE_DOMAIN_SHIFT 4

static void mark_live(pb_trace *t, uint32_t slot, pb_touch touch,
                      pb_domain domain) {
  t->live[slot] = (uint8_t)((touch + 1) | domain << LIVE_DOMAIN_SHIFT);
}

static pb_touch live_touch(const pb_trace *t, uint32_t slot) {
  return (pb_touch)((t->live[slot] & ((1 << LIVE_DOMAIN_SHIFT) - 1)) - 1);
}

static pb_domain live_domain(const pb_trace *t, uint32_t slot) {
  return (pb_domain)(t->live[slot] >> LIVE_DOMAIN_SHIFT);
}

pb_domain pb_trace_slot_domain(const pb_trace *t, uint32_t slot) {
  return slot < t->slots && t->live[slot] ? live_domain(t, slot)
                                          : PB_DOMAIN_UNKNOWN;
}

static void check_live(const pb_trace *t, uint32_t slot, const char *what) {
  if (slot >= t->slots)
    die(t->workload, "%s of slot %u, which was never handed out (%u slots)",
        what, slot, t->slots);
  if (!t->live[slot])
    die(t->workload, "%s of slot %u, which is empty", what, slot);
  if (t->owner[slot] != t->thread)
    die(t->workload, "%s of slot %u on thread %u, which thread %u owns", what,
        slot, t->thread, t->owner[slot]);
}

void pb_trace_set_thread(pb_trace *t, uint32_t thread) {
  if (thread >= PB_TRACE_THREADS_MAX)
    die(t->workload, "thread %u, at most %d threads", thread,
        PB_TRACE_THREADS_MAX);
  t->thread = thread;
  if (thread >= t->threads) t->threads = thread + 1;
}

void pb_trace_handoff(pb_trace *t, uint32_t slot, uint32_t to) {
  check_live(t, slot, "hand-off");
  if (to >= PB_TRACE_THREADS_MAX || to == t->thread)
    die(t->workload, "hand-off of slot %u from thread %u to thread %u", slot,
        t->thread, to);
  if (to >= t->threads) t->threads = to + 1;
  append(t, slot, to, PB_OP_HANDOFF, PB_TOUCH_NONE, live_domain(t, slot));
  t->owner[slot] = (uint8_t)to;
}

static void check_touch(const pb_trace *t, pb_touch touch) {
  if ((unsigned)touch >= PB_TOUCH_COUNT)
    die(t->workload, "unknown touch %u", (unsigned)touch);
}

void pb_trace_set_domain(pb_trace *t, pb_domain domain) {
  if ((unsigned)domain >= PB_DOMAIN_COUNT)
    die(t->workload, "unknown domain %u", (unsigned)domain);
  t->domain = domain;
}

uint32_t pb_trace_malloc(pb_trace *t, uint32_t size, pb_touch touch) {
  check_touch(t, touch);
  uint32_t slot = take_slot(t);
  mark_live(t, slot, touch, t->domain);
  append(t, slot, size, PB_OP_MALLOC, touch, t->domain);
  return slot;
}

uint32_t pb_trace_calloc(pb_trace *t, uint32_t size, pb_touch touch) {
  check_touch(t, touch);
  uint32_t slot = take_slot(t);
  mark_live(t, slot, touch, t->domain);
  append(t, slot, size, PB_OP_CALLOC, touch, t->domain);
  return slot;
}

void pb_trace_realloc(pb_trace *t, uint32_t slot, uint32_t size,
                      pb_touch touch) {
  check_touch(t, touch);
  check_live(t, slot, "realloc");
  pb_domain domain = live_domain(t, slot);
  mark_live(t, slot, touch, domain);
  append(t, slot, size, PB_OP_REALLOC, touch, domain);
}

void pb_trace_set_filled(pb_trace *t, uint64_t op, uint8_t touch) {
  if (op >= t->count || t->ops[op].kind == PB_OP_FREE ||
      t->ops[op].kind == PB_OP_HANDOFF || touch < PB_TOUCH_FILLED)
    die(t->workload, "a filled touch %u on op %llu of %llu, not an allocation",
        touch, (unsigned long long)op, (unsigned long long)t->count);
  t->ops[op].touch = touch;
}

void pb_trace_free(pb_trace *t, uint32_t slot) {
  check_live(t, slot, "free");
  append(t, slot, 0, PB_OP_FREE, live_touch(t, slot), live_domain(t, slot));
  t->live[slot] = 0;
  if (!t->free_slots)
    t->free_slots = pb_map_or_fail(PB_TRACE_THREADS_MAX * sizeof(pb_slot_list),
                                   "the trace's free slot lists");
  pb_slot_list *free_slots = &t->free_slots[t->thread];
  if (free_slots->count == free_slots->capacity) {
    void *base = free_slots->ids;
    uint64_t cap = free_slots->capacity;
    grow(&base, &cap, (uint64_t)free_slots->count + 1, sizeof(uint32_t),
         "the trace's free slot list");
    free_slots->ids = base;
    free_slots->capacity = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
  }
  free_slots->ids[free_slots->count++] = slot;
}

void pb_trace_release_builder(pb_trace *t) {
  for (int k = 0; t->free_slots && k < PB_TRACE_THREADS_MAX; k++)
    pb_unmap(t->free_slots[k].ids,
             (size_t)t->free_slots[k].capacity * sizeof(uint32_t));
  pb_unmap(t->free_slots, PB_TRACE_THREADS_MAX * sizeof(pb_slot_list));
  pb_unmap(t->live, t->live_capacity);
  pb_unmap(t->owner, t->live_capacity);
  t->free_slots = NULL;
  t->live = t->owner = NULL;
  t->live_capacity = 0;
}

void pb_trace_destroy(pb_trace *t) {
  /* A loaded trace's ops are its file's mapping; a parsed one's belong to
   * the caller (capacity 0); a built one's are the builder's mapping. */
  if (t->file_mapping)
    munmap(t->file_mapping, t->file_mapping_bytes);
  else if (t->capacity)
    pb_unmap(t->ops, t->capacity * sizeof(pb_op));
  pb_trace_release_builder(t);
  memset(t, 0, sizeof *t);
}

/* ---- analysis -------------------------------------------------------------
 */

void pb_trace_profile_compute(const pb_trace *t, pb_trace_profile *profile) {
  memset(profile, 0, sizeof *profile);
  size_t size_bytes = (size_t)t->slots * sizeof(uint32_t);
  uint32_t *sizes = /* live block size per slot */
      pb_map_or_fail(size_bytes, "the trace profile's slot sizes");
  /* Per slot, the thread that last allocated its block (threaded traces
   * only: a one-thread trace has no cross-thread free to count). */
  uint8_t *maker = t->threads > 1 ? pb_map_or_fail(t->slots ? t->slots : 1,
                                                   "the trace profile's makers")
                                  : NULL;
  uint64_t live_bytes = 0, live_blocks = 0;
  for (uint64_t i = 0; i < t->count; i++) {
    const pb_op *op = &t->ops[i];
    if (op->slot >= t->slots) continue; /* invalid: validate reports it */
    uint32_t *size = &sizes[op->slot];
    switch (op->kind) {
      case PB_OP_MALLOC:
      case PB_OP_CALLOC:
        if (op->kind == PB_OP_MALLOC)
          profile->mallocs++;
        else
          profile->callocs++;
        profile->total_requested_bytes += op->size;
        live_bytes += op->size;
        live_blocks++;
        *size = op->size;
        if (maker) maker[op->slot] = op->thread;
        break;
      case PB_OP_REALLOC:
        if (maker) maker[op->slot] = op->thread;
        profile->reallocs++;
        profile->total_requested_bytes += op->size;
        live_bytes = live_bytes - *size + op->size;
        *size = op->size;
        break;
      case PB_OP_HANDOFF:
        profile->handoffs++;
        continue;
      case PB_OP_FREE:
        if (maker && maker[op->slot] != op->thread)
          profile->cross_thread_frees++;
        profile->frees++;
        live_bytes -= *size;
        live_blocks--;
        *size = 0;
        break;
      default:
        continue;
    }
    if (live_bytes > profile->peak_live_bytes) {
      profile->peak_live_bytes = live_bytes;
      profile->peak_op = i;
      profile->peak_live_blocks = live_blocks;
    }
  }
  pb_unmap(sizes, size_bytes);
  if (maker) pb_unmap(maker, t->slots ? t->slots : 1);
}
