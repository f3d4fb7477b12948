/* Address ownership: "is p one of my blocks?", in O(1) (pool_types.h):
 * the radix tree of 3.10 on (3.11's geometry or 3.10's), which never reads
 * memory the pool may not own, or 3.8's read of the pool header. */
#ifndef POOLBENCH_ALLOCATOR_POOL_ADDRESS_H
#define POOLBENCH_ALLOCATOR_POOL_ADDRESS_H

#include <stdint.h>

#include "allocator/pool/pool_types.h"

/* The radix tree lookup, for any geometry: three dependent loads (root,
 * mid, bottom entry) and one compare. */
static inline int pool_map_lookup(uintptr_t a, unsigned root_shift,
                                  uintptr_t root_len, unsigned mid_shift,
                                  uintptr_t mid_mask, unsigned arena_shift,
                                  uintptr_t bot_mask, uintptr_t arena_mask) {
  uintptr_t i1 = a >> root_shift;
  /* Only 3.10's tree has addresses beyond its root (2^48 and above), and
   * 3.8's root has no entries. */
  if (POOL_UNLIKELY(i1 >= root_len)) return 0;
  const pool_map_bot_ref *mid = pool_g.map_root[i1];
  if (POOL_UNLIKELY(mid == NULL)) return 0;
  const pool_map_cover *bot = mid[(a >> mid_shift) & mid_mask];
  if (POOL_UNLIKELY(bot == NULL)) return 0;
  const pool_map_cover *c = &bot[(a >> arena_shift) & bot_mask];
  /* In 32 bits: arena_size (at most 2^28) divides 2^32, so the offset in
   * the chunk comes out the same, and both fields are compared in place. */
  return (((uint32_t)a - c->start) & (uint32_t)arena_mask) < c->len;
}

/* 3.10 on: true iff p lies inside an allocated arena, for any p. The
 * default layout's geometry is compiled in, as CPython's is (constant
 * shifts and masks, and no root bound: 64 - 49 bits always fit 2^15
 * entries); any other is read from pool_hot, which costs a few loads. False
 * before pool_init, whose root_len is 0. */
static inline int pool_map_owns(const void *p) {
  uintptr_t a = (uintptr_t)p;
  if (POOL_LIKELY(pool_hot.map_default))
    return pool_map_lookup(a, POOL_MAP_DEFAULT_ROOT_SHIFT,
                           (uintptr_t)1 << POOL_MAP_DEFAULT_INTERIOR_BITS,
                           POOL_MAP_DEFAULT_MID_SHIFT,
                           ((uintptr_t)1 << POOL_MAP_DEFAULT_INTERIOR_BITS) - 1,
                           POOL_MAP_DEFAULT_ARENA_BITS,
                           ((uintptr_t)1 << POOL_MAP_DEFAULT_BOT_BITS) - 1,
                           ((uintptr_t)1 << POOL_MAP_DEFAULT_ARENA_BITS) - 1);
  return pool_map_lookup(a, pool_hot.root_shift, pool_hot.root_len,
                         pool_hot.mid_shift, pool_hot.mid_mask,
                         pool_hot.arena_shift, pool_hot.bot_mask,
                         pool_hot.arena_mask);
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
 * the header read, so that the tree's path to its own blocks costs nothing
 * for 3.8's existence (the flag is tested on the way to the system's
 * blocks). */
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

/* Whether layout's tree is the one compiled into pool_map_owns: 3.11's
 * algorithm with 1 MiB arenas (any pool size or threshold). */
int pool_map_is_default(const pool_layout *layout);

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
