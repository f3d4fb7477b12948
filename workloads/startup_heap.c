/* The start-up heap put around a generated trace (startup_heap.h).
 *
 * Memory here comes from mmap, as the builder's does: the runner generates
 * its trace in the process whose allocator it then measures. */
#include "workloads/startup_heap.h"

#include <string.h>

#include "common/map.h"

/* Per table slot, the code (touch and domain) of its block while live, plus
 * one; 0 when the slot is empty. */
typedef struct end_state {
  uint8_t *live;
  uint64_t survivors;
} end_state;

/* Which blocks the table leaves live, and how each is touched. */
static end_state end_of_start_up(void) {
  end_state s = {
      pb_map_or_fail(pb_startup_heap_slots, "the start-up heap's slot table"),
      0};
  for (size_t i = 0; i < pb_startup_heap_count; i++) {
    const pb_startup_op *op = &pb_startup_heap_ops[i];
    int free = PB_STARTUP_KIND(op->code) == PB_OP_FREE;
    if (!free && !s.live[op->slot]) s.survivors++;
    if (free && s.live[op->slot]) s.survivors--;
    s.live[op->slot] = free ? 0 : (uint8_t)(op->code + 1);
  }
  return s;
}

uint64_t pb_startup_heap_prefix_ops(void) { return pb_startup_heap_count; }

uint64_t pb_startup_heap_survivors(void) {
  end_state s = end_of_start_up();
  pb_unmap(s.live, pb_startup_heap_slots);
  return s.survivors;
}

static pb_op op_of(uint32_t slot, uint32_t size, uint8_t code) {
  pb_op op = {slot,
              size,
              (uint8_t)PB_STARTUP_KIND(code),
              (uint8_t)PB_STARTUP_TOUCH(code),
              (uint8_t)PB_STARTUP_DOMAIN(code),
              0};
  return op;
}

void pb_startup_heap_add(pb_trace *t) {
  end_state s = end_of_start_up();
  uint64_t before = pb_startup_heap_count, own = t->count;
  uint64_t need = before + own + s.survivors;
  if (need > t->capacity) {
    size_t bytes = pb_map_round(need * sizeof(pb_op));
    t->ops = pb_remap_or_fail(t->ops, t->capacity * sizeof(pb_op), bytes,
                              "the trace's ops");
    t->capacity = bytes / sizeof(pb_op);
  }
  memmove(t->ops + before, t->ops, own * sizeof(pb_op));
  /* A hand-off's size is a thread, not a slot: only slots move. */
  for (uint64_t i = before; i < before + own; i++)
    t->ops[i].slot += pb_startup_heap_slots;
  for (uint64_t i = 0; i < before; i++) {
    const pb_startup_op *op = &pb_startup_heap_ops[i];
    t->ops[i] = op_of(op->slot, op->size, op->code);
  }
  /* The survivors die at exit, youngest first: each slot's last malloc or
   * calloc in the table made the block that is still live. */
  uint64_t end = before + own;
  for (size_t i = pb_startup_heap_count; i-- > 0;) {
    const pb_startup_op *op = &pb_startup_heap_ops[i];
    uint8_t kind = PB_STARTUP_KIND(op->code);
    if ((kind != PB_OP_MALLOC && kind != PB_OP_CALLOC) || !s.live[op->slot])
      continue;
    uint8_t code = (uint8_t)(s.live[op->slot] - 1);
    t->ops[end++] = op_of(op->slot, 0,
                          PB_STARTUP_CODE(PB_OP_FREE, PB_STARTUP_TOUCH(code),
                                          PB_STARTUP_DOMAIN(code)));
    s.live[op->slot] = 0;
  }
  t->count = end;
  t->slots += pb_startup_heap_slots;
  pb_unmap(s.live, pb_startup_heap_slots);

  /* The builder's tables name t's old slot numbers: release them rather
   * than leave them wrong. */
  pb_trace_release_builder(t);
}
