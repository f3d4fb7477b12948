/* The figures of CPython's sys._debugmallocstats() report, which both
 * pymalloc backends give: `pool` computes them and prints the report,
 * `cpython` has libpython print it and reads it back. This is the one place
 * that names them for pb_stats, and the reader of the report's text.
 *
 * The report (3.10 to 3.13, 64-bit; pool/stats.c writes it too):
 *
 *   Small block threshold = 512, in 32 size classes.
 *
 *   class   size   num pools   blocks in use  avail blocks
 *   -----   ----   ---------   -------------  ------------
 *       1     32           2            1000            20      one row per
 *                                                               class in use
 *   # arenas allocated total           =                    1
 *   # arenas reclaimed                 =                    0
 *   # arenas highwater mark            =                    1
 *   # arenas allocated current         =                    1
 *   1 arenas * 1048576 bytes/arena     =            1,048,576
 *
 *   # bytes in allocated blocks        =               32,000
 *   # bytes in available blocks        =                  640
 *   61 unused pools * 16384 bytes      =              999,424
 *   # bytes lost to pool headers       =                   96
 *   # bytes lost to quantization       =                   32
 *   # bytes lost to arena alignment    =               16,384
 *   Total                              =            1,048,576
 *
 *   arena map counts
 *   # arena map mid nodes              =                    1
 *   # arena map bot nodes              =                    1
 *
 *   # bytes lost to arena map root     =              262,144
 *   # bytes lost to arena map mid      =              262,144
 *   # bytes lost to arena map bot      =              131,072
 *   Total                              =              655,360
 *
 * Blank lines separate the sections. The six "bytes in/lost to" lines add up
 * to the first Total, which is the arenas' bytes. CPython 3.8 has no radix
 * tree and its report ends at the first Total. */
#ifndef POOLBENCH_ALLOCATOR_MALLOCSTATS_H
#define POOLBENCH_ALLOCATOR_MALLOCSTATS_H

#include <stddef.h>
#include <stdint.h>

#include "allocator/allocator.h"

typedef struct pb_mallocstats {
  /* the layout, from the first line and the labels */
  uint64_t threshold;  /* "Small block threshold" */
  uint64_t nclasses;   /* "in N size classes" */
  uint64_t arena_size; /* "N arenas * SIZE bytes/arena" */
  uint64_t pool_size;  /* "N unused pools * SIZE bytes" */
  /* arenas */
  uint64_t arenas_allocated_total; /* mapped since the start */
  uint64_t arenas_reclaimed;       /* of which unmapped */
  uint64_t arenas_highwater;       /* most at once */
  uint64_t arenas_current;         /* mapped now */
  /* pools and blocks: sums over the class table, and the unused pools */
  uint64_t pools_in_use;     /* used or full */
  uint64_t free_pools;       /* empty or never used ("unused pools") */
  uint64_t blocks_in_use;    /* blocks handed out */
  uint64_t available_blocks; /* free blocks of pools in use */
  /* where the arenas' bytes are; the six add up to total_bytes */
  uint64_t allocated_bytes;
  uint64_t available_bytes;
  uint64_t unused_pool_bytes;
  uint64_t pool_header_bytes;
  uint64_t quantization_bytes;
  uint64_t arena_alignment_bytes;
  uint64_t total_bytes;  /* the first Total */
  uint64_t mapped_bytes; /* arenas_current x arena_size */
  /* the radix tree that decides ownership: 3.10 and later print it, 3.8
   * has none */
  int has_arena_map;
  uint64_t map_mid_nodes;
  uint64_t map_bot_nodes;
  uint64_t map_root_bytes;
  uint64_t map_mid_bytes;
  uint64_t map_bot_bytes;
  uint64_t map_total_bytes; /* the second Total */

  /* Not in the report: what the backend counts beside it. */
  int counts_raw_blocks;        /* raw_allocated_bytes is known */
  uint64_t raw_allocated_bytes; /* blocks passed on to the C library */
  uint64_t arena_mmap_calls;
  uint64_t arena_munmap_calls;
  uint64_t arena_mmap_failures;
} pb_mallocstats;

/* Adds the figures to *stats: first the standard ones of allocator.h
 * (allocated_bytes counts raw blocks too, so it is there only when they are
 * counted; mapped_bytes is the arenas; retained_bytes their free blocks and
 * unused pools; system_calls the arena mmaps and munmaps), then the layout
 * and the report's own, under the same names for both backends. */
void pb_mallocstats_add(pb_stats *stats, const pb_mallocstats *m);

/* Reads a report's text into *m (the counted fields are left 0). Every
 * line must be one the report has and every figure must be there once; the
 * arena map section is optional, and complete when present.
 * Returns 0, or -1 with one line naming the problem in err. */
int pb_mallocstats_parse(const char *text, pb_mallocstats *m, char *err,
                         size_t errlen);

#endif /* POOLBENCH_ALLOCATOR_MALLOCSTATS_H */
