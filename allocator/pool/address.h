/* Address ownership: "is p one of my blocks?", in O(1) (pool_types.h):
 * 3.10's radix tree, which never reads memory the pool may not own, or
 * 3.8's read of the pool header. */
#ifndef POOLBENCH_ALLOCATOR_POOL_ADDRESS_H
#define POOLBENCH_ALLOCATOR_POOL_ADDRESS_H

#include <stdint.h>

#include "allocator/pool/pool_types.h"

/* 3.10: true iff p lies inside an allocated arena, for any p. Three
 * dependent loads (root, mid, bottom entry) and one compare; false before
 * pool_init. */
static inline int pool_map_owns(const void *p) {
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

/* 3.8 (CPython 3.8's address_in_range): whether the pool header at p's pool
 * boundary names an allocated arena that holds p. p must be a live block,
 * the pool's or the system allocator's: the header read is then on p's own
 * page, mapped, but for a system block it reads bytes of that heap, which
 * AddressSanitizer must not see as an error. */
__attribute__((no_sanitize_address)) static inline int pool_header_claims(
    const void *p) {
  uintptr_t a = (uintptr_t)p;
  uint32_t ai = ((const pool_header *)(a & pool_hot.pool_mask))->arenaindex;
  if (ai >= pool_g.maxarenas) return 0;
  uintptr_t base = pool_g.arenas[ai].address;
  return base != 0 && a - base <= pool_hot.arena_mask;
}

/* What free and realloc ask: is p, a live block or NULL, one of the pool's?
 * The radix tree first: in 3.8 it is empty and says no, and only then is
 * the header read, so that 3.10's path to its own blocks costs nothing for
 * 3.8's existence (the flag is tested on the way to the system's blocks). */
static inline int pool_owns_block(const void *p) {
  return pool_map_owns(p) || (POOL_UNLIKELY(pool_hot.header_ownership) &&
                              p != NULL && pool_header_claims(p));
}

/* Whether any address p lies inside an allocated arena (tests, the
 * checker): the radix tree, or in 3.8, which has none, a scan of the
 * arenas. */
int pool_owns(const void *p);

/* Records that the arena at base (arena_size bytes) is ours. Returns 0, or
 * -1 when a tree node could not be allocated (nothing is then marked). */
int pool_map_mark_used(uintptr_t base);

/* Forgets the arena at base. Nodes are kept for reuse. */
void pool_map_mark_unused(uintptr_t base);

/* Frees every node (pool_teardown). */
void pool_map_teardown(void);

#endif /* POOLBENCH_ALLOCATOR_POOL_ADDRESS_H */
