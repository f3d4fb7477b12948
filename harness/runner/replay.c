#include "harness/runner/replay.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "allocator/allocator.h"

/* What a CPython object starts with: ob_refcnt and ob_type. */
typedef struct object_header {
  uint64_t refcnt;
  uint64_t type;
} object_header;

/* Stands in for a type object's address. */
static const char object_type[1];

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

/* A new object gets its header written, as PyObject_Init does. */
static inline void touch_new_object(unsigned char *block, uint64_t size) {
  if (size >= sizeof(object_header)) {
    object_header *h = (object_header *)block;
    h->refcnt = 1;
    h->type = (uint64_t)(uintptr_t)object_type;
  }
}

/* Before an object is freed, Py_DECREF reads and drops its refcount and the
 * deallocator reads its type. */
static inline void touch_dying_object(pb_replay *replay, unsigned char *block,
                                      uint64_t size) {
  if (size >= sizeof(object_header)) {
    object_header *h = (object_header *)block;
    h->refcnt -= 1;
    replay->sink += h->type + h->refcnt;
  }
}

/* A list's item array: the items between the old and the new size are
 * written, as appends fill the capacity a resize made. */
static inline void touch_array(unsigned char *block, uint64_t from,
                               uint64_t to) {
  for (uint64_t off = (from + 7) & ~(uint64_t)7; off + 8 <= to; off += 8) {
    uint64_t item = (uint64_t)(uintptr_t)object_type + off;
    memcpy(block + off, &item, 8);
  }
}

int pb_replay_run(pb_replay *replay, uint64_t end) {
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
        if (op.touch == PB_TOUCH_OBJECT)
          touch_new_object(block, op.size);
        else if (op.touch == PB_TOUCH_ARRAY)
          touch_array(block, 0, op.size);
        slot->block = block;
        slot->size = op.size;
        break;
      case PB_OP_REALLOC:
        block = pb_realloc(slot->block, op.size);
        if (__builtin_expect(block == NULL, 0)) {
          replay->next_op = i;
          return -1;
        }
        if (op.touch == PB_TOUCH_ARRAY && op.size > slot->size)
          touch_array(block, slot->size, op.size);
        slot->block = block;
        slot->size = op.size;
        break;
      default: /* PB_OP_FREE: the loader validated every kind */
        if (op.touch == PB_TOUCH_OBJECT)
          touch_dying_object(replay, slot->block, slot->size);
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
