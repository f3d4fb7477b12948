#include "harness/runner/replay.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "allocator/allocator.h"
#include "harness/runner/touch.h"

static int replay_ops(pb_replay *replay, uint64_t end);

int pb_replay_init(pb_replay *replay, const pb_trace *trace,
                   char err[PB_TRACE_ERROR_MAX]) {
  replay->trace = trace;
  replay->next_op = 0;
  replay->sink = 0;
  size_t bytes = ((size_t)trace->slots + 1) * sizeof(pb_slot);
  void *slots = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (slots == MAP_FAILED) {
    snprintf(err, PB_TRACE_ERROR_MAX, "cannot map a slot table of %zu bytes",
             bytes);
    return -1;
  }
  replay->slots = slots;
  return 0;
}

/* A threaded trace replayed by one thread, in trace order: a hand-off has
 * nothing to wait for and is skipped. Kept out of pb_replay_run's loop so
 * that the one-thread replay runs exactly the instructions it always did. */
static int run_in_order(pb_replay *replay, uint64_t end) {
  const pb_op *ops = replay->trace->ops;
  uint64_t i = replay->next_op;
  while (i < end) {
    uint64_t stop = i;
    while (stop < end && ops[stop].kind != PB_OP_HANDOFF) stop++;
    replay->next_op = i;
    int rc = replay_ops(replay, stop);
    if (rc != 0) return rc;
    i = stop < end ? stop + 1 : end;
  }
  replay->next_op = end;
  return 0;
}

int pb_replay_run(pb_replay *replay, uint64_t end) {
  if (replay->trace->threads > 1) return run_in_order(replay, end);
  return replay_ops(replay, end);
}

/* The timed loop: ops next_op..end-1, in order, on this thread. */
static int replay_ops(pb_replay *replay, uint64_t end) {
  const pb_op *ops = replay->trace->ops;
  pb_slot *slots = replay->slots;
  for (uint64_t i = replay->next_op; i < end; i++) {
    const pb_op op = ops[i];
    pb_slot *slot = &slots[op.slot];
    unsigned char *block;
    switch (op.kind) {
      case PB_OP_MALLOC:
      case PB_OP_CALLOC:
        block = op.kind == PB_OP_MALLOC ? pb_malloc(op.size)
                                        : pb_calloc(1, op.size);
        if (__builtin_expect(block == NULL, 0)) {
          replay->next_op = i;
          return -1;
        }
        touch_new_block(block, op.size, op.touch);
        slot->block = block;
        slot->size = op.size;
        break;
      case PB_OP_REALLOC:
        block = pb_realloc(slot->block, op.size);
        if (__builtin_expect(block == NULL, 0)) {
          replay->next_op = i;
          return -1;
        }
        touch_resized_block(block, slot->size, op.size, op.touch);
        slot->block = block;
        slot->size = op.size;
        break;
      default: /* PB_OP_FREE: the loader validated every kind */
        if (op.touch == PB_TOUCH_OBJECT)
          touch_dying_object(&replay->sink, slot->block, slot->size);
        pb_free(slot->block);
        slot->block = NULL;
        break;
    }
  }
  replay->next_op = end;
  return 0;
}

uint64_t pb_replay_internal_fragmentation(const pb_replay *replay) {
  uint64_t waste = 0;
  for (uint32_t s = 0; s < replay->trace->slots; s++) {
    const pb_slot *slot = &replay->slots[s];
    if (slot->block) waste += pb_usable_size(slot->block) - slot->size;
  }
  return waste;
}

void pb_replay_free_all(pb_replay *replay) {
  for (uint32_t s = 0; s < replay->trace->slots; s++) {
    pb_slot *slot = &replay->slots[s];
    if (slot->block) {
      pb_free(slot->block);
      slot->block = NULL;
    }
  }
}

void pb_replay_destroy(pb_replay *replay) {
  munmap(replay->slots, ((size_t)replay->trace->slots + 1) * sizeof(pb_slot));
  replay->slots = NULL;
}
