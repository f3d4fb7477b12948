/* Statistics, in the accounting of CPython's sys._debugmallocstats():
 * every byte of every arena is in exactly one of allocated blocks,
 * available blocks, unused pools, pool headers, quantization or arena
 * alignment, so the six add up to arenas x arena_size.
 *
 * Only pool-served requests are counted in the report, as in CPython:
 * blocks the system allocator serves (0 bytes, above the threshold) are
 * only in the counted raw_allocated_bytes (pool_g.raw_allocated_bytes),
 * which goes into the standard allocated_bytes (mallocstats.h). */
#ifndef POOLBENCH_ALLOCATOR_POOL_STATS_H
#define POOLBENCH_ALLOCATOR_POOL_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "allocator/allocator.h"
#include "allocator/mallocstats.h"

/* Per size class, as the rows of the _debugmallocstats table. */
typedef struct pool_class_usage {
  uint64_t pools;
  uint64_t blocks_in_use;
  uint64_t available_blocks;
} pool_class_usage;

/* Walks every arena and pool, filling every figure of the report and the
 * counted ones (mallocstats.h). per_class, when not NULL, has one entry per
 * size class (pool_g.nclasses) and is filled too. */
void pool_usage_get(pb_mallocstats *usage, pool_class_usage *per_class);

/* pb_stats_get and pb_stats_print of the pool backends. */
void pool_stats_fill(pb_stats *stats);
void pool_stats_print(FILE *out);

/* One summary line of the report: label padded to 35 columns, "=", the
 * value right-aligned in 21 columns with thousands separators (CPython's
 * printone). Returns value. */
uint64_t pool_stats_print_line(FILE *out, const char *label, uint64_t value);

#endif /* POOLBENCH_ALLOCATOR_POOL_STATS_H */
