/* Size classes: request -> class index -> block size, and the table.
 *
 * Requests of 1..threshold bytes fall in 16-byte classes (pool_types.h):
 * idx = (n - 1) >> 4, size = (idx + 1) << 4; a pool of class idx holds
 * (pool_size - POOL_OVERHEAD) / size blocks. */
#ifndef POOLBENCH_ALLOCATOR_POOL_SIZE_CLASS_H
#define POOLBENCH_ALLOCATOR_POOL_SIZE_CLASS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "allocator/pool/pool_types.h"

/* The class of a request of n bytes, 1 <= n <= threshold. */
static inline uint32_t pool_size_class(size_t n) {
  return (uint32_t)((n - 1) >> POOL_ALIGNMENT_SHIFT);
}

/* The block size of class idx. */
static inline size_t pool_class_size(uint32_t idx) {
  return ((size_t)idx + 1) << POOL_ALIGNMENT_SHIFT;
}

/* Blocks in a pool of class idx (CPython's NUMBLOCKS). */
static inline uint32_t pool_class_capacity(size_t pool_size, uint32_t idx) {
  return (uint32_t)((pool_size - POOL_OVERHEAD) / pool_class_size(idx));
}

/* Bytes at the end of a pool of class idx that no block can use. */
static inline size_t pool_class_slack(size_t pool_size, uint32_t idx) {
  return (pool_size - POOL_OVERHEAD) % pool_class_size(idx);
}

/* Prints the table "request in bytes, size of allocated block, size class
 * index" for the layout, one row per class, as the Python documentation's
 * table of pymalloc's classes. */
void pool_print_size_classes(FILE *out, const pool_layout *layout);

/* The size_classes tool: argv holds layout parameters ("layout=3.8",
 * "--threshold=256"). Prints the table to out and returns 0, or prints one
 * line to err and returns 2. */
int pool_size_classes_main(int argc, char **argv, FILE *out, FILE *err);

#endif /* POOLBENCH_ALLOCATOR_POOL_SIZE_CLASS_H */
