/* Address ownership: "is p inside one of my arenas?", in O(1), without
 * reading memory the pool may not own (the radix tree of pool_types.h,
 * as CPython 3.10's arena map). */
#ifndef POOLBENCH_ALLOCATOR_POOL_ADDRESS_H
#define POOLBENCH_ALLOCATOR_POOL_ADDRESS_H

#include <stdint.h>

#include "allocator/pool/pool_types.h"

/* True iff p lies inside an allocated arena. Three dependent loads (root,
 * mid, bottom entry) and one compare; false before pool_init. */
static inline int pool_owns(const void *p) {
  uintptr_t a = (uintptr_t)p;
  uintptr_t i1 = a >> POOL_MAP_ROOT_SHIFT;
  if (POOL_UNLIKELY(i1 >= POOL_MAP_ROOT_LEN)) return 0; /* above 2^48 */
  const pool_map_mid *mid = pool_g.map_root[i1];
  if (POOL_UNLIKELY(mid == NULL)) return 0;
  const pool_map_cover *bot =
      mid->bot[(a >> POOL_MAP_MID_SHIFT) & (POOL_MAP_MID_LEN - 1)];
  if (POOL_UNLIKELY(bot == NULL)) return 0;
  pool_map_cover c = bot[(a >> pool_hot.arena_shift) & pool_hot.bot_mask];
  uint32_t t = (uint32_t)(a & pool_hot.arena_mask);
  return t - c.lo_end >= c.gap;
}

/* Records that the arena at base (arena_size bytes) is ours. Returns 0, or
 * -1 when a tree node could not be allocated (nothing is then marked). */
int pool_map_mark_used(uintptr_t base);

/* Forgets the arena at base. Nodes are kept for reuse. */
void pool_map_mark_unused(uintptr_t base);

/* Frees every node (pool_teardown). */
void pool_map_teardown(void);

#endif /* POOLBENCH_ALLOCATOR_POOL_ADDRESS_H */
