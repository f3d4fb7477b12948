/* How the replays touch blocks, as CPython would (replay.c, one thread;
 * replay_threads.c, several). Inline, so that each replay loop compiles
 * them in. */
#ifndef POOLBENCH_HARNESS_RUNNER_TOUCH_H
#define POOLBENCH_HARNESS_RUNNER_TOUCH_H

#include <stdint.h>
#include <string.h>

#include "workloads/trace.h"

/* What a CPython object starts with: ob_refcnt and ob_type. */
typedef struct object_header {
  uint64_t refcnt;
  uint64_t type;
} object_header;

/* Stands in for a type object's address. */
static const char object_type[1];

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
static inline void touch_dying_object(uint64_t *sink, unsigned char *block,
                                      uint64_t size) {
  if (size >= sizeof(object_header)) {
    object_header *h = (object_header *)block;
    h->refcnt -= 1;
    *sink += h->type + h->refcnt;
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

/* A captured block, as far as the program wrote it (trace.h's filled
 * touch): bytes from..to of it, a byte value no allocator needs. */
static inline void touch_filled(unsigned char *block, uint64_t from,
                                uint64_t to) {
  if (to > from) memset(block + from, 0xa5, to - from);
}

/* What a replay writes to a block its op allocated (malloc, calloc), as the
 * op's touch says: the one place both replays take it from. */
static inline void touch_new_block(unsigned char *block, uint64_t size,
                                   uint8_t touch) {
  if (touch == PB_TOUCH_OBJECT)
    touch_new_object(block, size);
  else if (touch == PB_TOUCH_ARRAY)
    touch_array(block, 0, size);
  else if (touch >= PB_TOUCH_FILLED)
    touch_filled(block, 0, pb_touch_filled_bytes(touch, size));
}

/* ... and to a block a realloc moved from old_size to size. */
static inline void touch_resized_block(unsigned char *block, uint64_t old_size,
                                       uint64_t size, uint8_t touch) {
  if (touch == PB_TOUCH_ARRAY && size > old_size)
    touch_array(block, old_size, size);
  else if (touch >= PB_TOUCH_FILLED)
    touch_filled(block, old_size, pb_touch_filled_bytes(touch, size));
}

#endif /* POOLBENCH_HARNESS_RUNNER_TOUCH_H */
