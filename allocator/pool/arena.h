/* Arenas: mapping and unmapping them, handing out and taking back pools,
 * and keeping usable_arenas sorted with the nfp2lasta fingers
 * (pool_types.h). */
#ifndef POOLBENCH_ALLOCATOR_POOL_ARENA_H
#define POOLBENCH_ALLOCATOR_POOL_ARENA_H

#include "allocator/pool/pool_types.h"

/* Allocates the nfp2lasta fingers for the layout in pool_g. Returns 0, or
 * -1 when out of memory. */
int pool_arena_init(void);

/* One pool for a new use: an empty pool from the fullest usable arena
 * (keeping its szidx and free list) or a virgin pool (szidx POOL_NO_CLASS),
 * mapping a new arena when no arena has a free pool. Its arenaindex is set;
 * the caller sets everything else. NULL when no arena can be mapped. */
pool_header *pool_arena_take_pool(void);

/* Takes back a pool that just became empty (count 0, on no usedpools
 * list): onto its arena's freepools, re-sorting usable_arenas, and
 * unmapping the arena when it is wholly free and not the last usable one
 * (CPython's insert_to_freepool). */
void pool_arena_return_pool(pool_header *pool);

/* Unmaps every wholly free arena, including the one kept against
 * thrashing (pb_release). */
void pool_arena_release_free(void);

/* Nonzero when some arena holds a block in use. */
int pool_arena_any_in_use(void);

/* Unmaps every arena and frees the arena metadata (pool_teardown). */
void pool_arena_teardown(void);

#endif /* POOLBENCH_ALLOCATOR_POOL_ARENA_H */
