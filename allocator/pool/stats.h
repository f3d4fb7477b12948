/* Statistics, in the accounting of CPython's sys._debugmallocstats():
 * every byte of every arena is in exactly one of allocated blocks,
 * available blocks, unused pools, pool headers, quantization or arena
 * alignment, so the six add up to arenas x arena_size.
 *
 * Only pool-served requests are counted here, as in CPython: blocks the
 * system allocator serves (0 bytes, above the threshold) are not in
 * pool_usage; pool_stats_fill adds them (pool_g.raw_allocated_bytes) to the
 * standard allocated_bytes only. */
#ifndef POOLBENCH_ALLOCATOR_POOL_STATS_H
#define POOLBENCH_ALLOCATOR_POOL_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "allocator/allocator.h"

typedef struct pool_usage {
  /* arenas */
  uint64_t arenas_allocated_total; /* mapped since pool_init */
  uint64_t arenas_reclaimed;       /* of which unmapped */
  uint64_t arenas_highwater;       /* most at once */
  uint64_t arenas_current;         /* mapped now */
  /* pools and blocks */
  uint64_t pools_in_use;     /* used or full */
  uint64_t free_pools;       /* empty or virgin ("unused pools") */
  uint64_t blocks_in_use;    /* blocks handed out */
  uint64_t available_blocks; /* free blocks of pools in use */
  /* where the arena bytes are; these six add up to total */
  uint64_t allocated_bytes;
  uint64_t available_bytes;
  uint64_t unused_pool_bytes;
  uint64_t pool_header_bytes;
  uint64_t quantization_bytes;
  uint64_t arena_alignment_bytes;
  uint64_t total_bytes;  /* the sum of the six */
  uint64_t mapped_bytes; /* arenas_current x arena_size */
  /* the radix tree */
  uint64_t map_mid_nodes;
  uint64_t map_bot_nodes;
  uint64_t map_root_bytes;
  uint64_t map_mid_bytes;
  uint64_t map_bot_bytes;
} pool_usage;

/* Per size class, as the rows of the _debugmallocstats table. */
typedef struct pool_class_usage {
  uint64_t pools;
  uint64_t blocks_in_use;
  uint64_t available_blocks;
} pool_class_usage;

/* Walks every arena and pool. per_class, when not NULL, has one entry per
 * size class (pool_g.nclasses) and is filled too. */
void pool_usage_get(pool_usage *usage, pool_class_usage *per_class);

/* pb_stats_get and pb_stats_print of the pool backends. */
void pool_stats_fill(pb_stats *stats);
void pool_stats_print(FILE *out);

/* One summary line of the report: label padded to 35 columns, "=", the
 * value right-aligned in 21 columns with thousands separators (CPython's
 * printone). Returns value. */
uint64_t pool_stats_print_line(FILE *out, const char *label, uint64_t value);

#endif /* POOLBENCH_ALLOCATOR_POOL_STATS_H */
