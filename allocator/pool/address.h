/* Address ownership: "is p one of my blocks?", in O(1) (pool_types.h):
 * the radix tree of 3.10 on (3.11's geometry or 3.10's), which never reads
 * memory the pool may not own, or 3.8's read of the pool header. */
#ifndef POOLBENCH_ALLOCATOR_POOL_ADDRESS_H
#define POOLBENCH_ALLOCATOR_POOL_ADDRESS_H

#include <stdint.h>

#include "allocator/pool/pool_types.h"

/* 3.10 on: true iff p lies inside an allocated arena, for any p. Three
 * dependent loads (root, mid, bottom entry) and one compare; the geometry
 * (3.11's or 3.10's) is read from pool_hot. False before pool_init, whose
 * root_len is 0. */
static inline int pool_map_owns(const void *p) {
  uintptr_t a = (uintptr_t)p;
  uintptr_t i1 = a >> pool_hot.root_shift;
  /* Only 3.10's tree has addresses beyond its root (2^48 and above). */
  if (POOL_UNLIKELY(i1 >= pool_hot.root_len)) return 0;
  const pool_map_bot_ref *mid = pool_g.map_root[i1];
  if (POOL_UNLIKELY(mid == NULL)) return 0;
  const pool_map_cover *bot =
      mid[(a >> pool_hot.mid_shift) & pool_hot.mid_mask];
  if (POOL_UNLIKELY(bot == NULL)) return 0;
  pool_map_cover c = bot[(a >> pool_hot.arena_shift) & pool_hot.bot_mask];
  return ((a - c.start) & pool_hot.arena_mask) < c.len;
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

/* The radix tree's geometry for a layout (pool_types.h): obmalloc.c's
 * split of 64 (3.11) or 48 (3.10) address bits for its arena size. 3.8's
 * layouts get 3.10's, unused. */
void pool_map_geometry_of(const pool_layout *layout, pool_map_geometry *g);

/* Entries per node of each level (the report's bytes are these times the
 * entries' size). */
size_t pool_map_root_len(const pool_map_geometry *g);
size_t pool_map_mid_len(const pool_map_geometry *g);
size_t pool_map_bot_len(const pool_map_geometry *g);

/* Sets pool_g.map and the fast path's shifts and masks in pool_hot for
 * layout. The tree must be empty (pool_init, after pool_map_teardown). */
void pool_map_init(const pool_layout *layout);

/* Records that the arena at base (arena_size bytes) is ours. Returns 0, or
 * -1 when a tree node could not be allocated (nothing is then marked). */
int pool_map_mark_used(uintptr_t base);

/* Forgets the arena at base. Nodes are kept for reuse. */
void pool_map_mark_unused(uintptr_t base);

/* Frees every node (pool_teardown). */
void pool_map_teardown(void);

#endif /* POOLBENCH_ALLOCATOR_POOL_ADDRESS_H */
