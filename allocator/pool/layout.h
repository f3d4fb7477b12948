/* Layouts: the three sizes pb_init's parameters choose, and their text.
 *
 *   layout=3.11        1 MiB arenas, 16 KiB pools, threshold 512, and a
 *                      radix tree over all 64 address bits (default;
 *                      CPython 3.11 to 3.13 on 64-bit, what the cpython
 *                      backend runs)
 *   layout=3.10        the same sizes and algorithm, with CPython 3.10's
 *                      radix tree over 48 address bits (pool_types.h)
 *   layout=3.8         256 KiB arenas, 4 KiB pools, threshold 512, and 3.8's
 *                      algorithm (pool_types.h): ownership read from the
 *                      pool header, no empty arena kept
 *   arena_size=SIZE    override the layout's arena size
 *   pool_size=SIZE     ... its pool size
 *   threshold=SIZE     ... its small-request threshold
 *
 * SIZE is plain bytes or a number with a K, KiB, M, MiB, G or GiB suffix
 * (binary multiples). The named layout is the base whatever the order of the
 * parameters; the sizes given override it and keep its algorithm, so
 * "arena_size=256KiB pool_size=4KiB" is the 3.11 algorithm with 3.8's sizes,
 * "layout=3.10 pool_size=64KiB" 3.10's with larger pools, and layout=3.8
 * with other sizes is still 3.8's algorithm, which needs pools of one
 * page. */
#ifndef POOLBENCH_ALLOCATOR_POOL_LAYOUT_H
#define POOLBENCH_ALLOCATOR_POOL_LAYOUT_H

#include <stddef.h>

#include "allocator/allocator.h"
#include "allocator/pool/pool_types.h"

/* What pb_parameters() reports. */
#define POOL_PARAMETER_NAMES "layout,arena_size,pool_size,threshold"

extern const pool_layout pool_layout_3_11;
extern const pool_layout pool_layout_3_10;
extern const pool_layout pool_layout_3_8;

/* The layout without parameters: 3.11. */
#define POOL_DEFAULT_LAYOUT pool_layout_3_11

/* Parses and validates params into *out (which starts as 3.11). Returns 0,
 * or -1 with one line naming the problem in err; *out is then untouched. */
int pool_layout_parse(const pb_param *params, size_t nparams, pool_layout *out,
                      char err[PB_ERROR_MAX]);

int pool_layout_equal(const pool_layout *a, const pool_layout *b);

/* "3.11", "3.10", "3.8", "arena=1MiB pool=64KiB threshold=512" (3.11's
 * algorithm), "3.10 arena=1MiB pool=64KiB threshold=512" or "3.8
 * arena=1MiB pool=4KiB threshold=512". */
void pool_layout_describe(const pool_layout *layout, char *buf, size_t len);

/* "1MiB", "64KiB", "3000": the largest binary unit that divides n. */
void pool_format_bytes(size_t n, char *buf, size_t len);

/* Parses SIZE as above; returns 0, or -1 when it is not a size. */
int pool_parse_bytes(const char *text, size_t *out);

#endif /* POOLBENCH_ALLOCATOR_POOL_LAYOUT_H */
