/* Address ownership (address.h, pool_types.h): the exact answer for any
 * address, and maintaining the radix tree.
 *
 * Geometry as CPython's obmalloc.c on 64-bit (WITH_PYMALLOC_RADIX_TREE):
 * ADDRESS_BITS is 64 from 3.11 on (bpo-45526) and 48 in 3.10 (IGNORE_BITS
 * 16); the root and mid nodes take INTERIOR_BITS = (ADDRESS_BITS -
 * ARENA_BITS + 2) / 3 bits each and the bottom nodes the rest. With 1 MiB
 * arenas: 15 / 15 / 14 (3.11) and 10 / 10 / 8 (3.10).
 *
 * Nodes are calloc'd on first use and never written as a whole (the
 * all-zero entry owns nothing), as CPython's arena_map_get does with
 * PyMem_RawCalloc, so that their untouched pages stay out of RSS. Marking
 * an arena used creates the nodes of its first chunk, then of the chunk
 * after it (when the arena is not chunk-aligned), in CPython's order. */
#include "allocator/pool/address.h"

#include "allocator/pool/os.h"

int pool_owns(const void *p) {
  if (!pool_hot.header_ownership) return pool_map_owns(p);
  uintptr_t a = (uintptr_t)p;
  for (uint32_t i = 0; i < pool_g.maxarenas; i++) {
    uintptr_t base = pool_g.arenas[i].address;
    if (base != 0 && a - base <= pool_hot.arena_mask) return 1;
  }
  return 0;
}

/* ---- geometry ------------------------------------------------------------ */

void pool_map_geometry_of(const pool_layout *layout, pool_map_geometry *g) {
  g->address_bits = layout->algorithm == POOL_ALGORITHM_3_11
                        ? POOL_MAP_ADDRESS_BITS_3_11
                        : POOL_MAP_ADDRESS_BITS_3_10;
  g->arena_bits = (unsigned)__builtin_ctzl(layout->arena_size);
  unsigned interior = (g->address_bits - g->arena_bits + 2) / 3;
  g->root_bits = g->mid_bits = interior;
  g->bot_bits = g->address_bits - g->arena_bits - 2 * interior;
}

size_t pool_map_root_len(const pool_map_geometry *g) {
  return (size_t)1 << g->root_bits;
}

size_t pool_map_mid_len(const pool_map_geometry *g) {
  return (size_t)1 << g->mid_bits;
}

size_t pool_map_bot_len(const pool_map_geometry *g) {
  return (size_t)1 << g->bot_bits;
}

void pool_map_init(const pool_layout *layout) {
  POOL_ASSERT(pool_g.map_mid_count == 0 && pool_g.map_bot_count == 0);
  pool_map_geometry *g = &pool_g.map;
  pool_map_geometry_of(layout, g);
  POOL_ASSERT(pool_map_root_len(g) <= POOL_MAP_ROOT_MAX_LEN);
  pool_hot.arena_mask = ((uintptr_t)1 << g->arena_bits) - 1;
  pool_hot.arena_shift = (uint8_t)g->arena_bits;
  pool_hot.bot_mask = pool_map_bot_len(g) - 1;
  pool_hot.mid_shift = (uint8_t)(g->arena_bits + g->bot_bits);
  pool_hot.mid_mask = pool_map_mid_len(g) - 1;
  pool_hot.root_shift = (uint8_t)(pool_hot.mid_shift + g->mid_bits);
  /* 3.8 keeps no tree: a root of no entries says no to every address
   * without a load. */
  pool_hot.root_len = layout->algorithm == POOL_ALGORITHM_3_8
                          ? 0
                          : (uint32_t)pool_map_root_len(g);
  pool_hot.map_default = pool_map_is_default(layout);
}

int pool_map_is_default(const pool_layout *layout) {
  pool_map_geometry g;
  pool_map_geometry_of(layout, &g);
  return layout->algorithm != POOL_ALGORITHM_3_8 &&
         g.address_bits == POOL_MAP_ADDRESS_BITS_3_11 &&
         g.arena_bits == POOL_MAP_DEFAULT_ARENA_BITS;
}

/* ---- entries ------------------------------------------------------------- */

/* The entry for the chunk holding address a, creating nodes when create. */
static pool_map_cover *map_entry(uintptr_t a, int create) {
  uintptr_t i1 = a >> pool_hot.root_shift;
  if (i1 >= pool_hot.root_len) return NULL;
  pool_map_bot_ref *mid = pool_g.map_root[i1];
  if (mid == NULL) {
    if (!create) return NULL;
    mid = pool_os_meta_calloc(pool_map_mid_len(&pool_g.map), sizeof *mid);
    if (mid == NULL) return NULL;
    pool_g.map_root[i1] = mid;
    pool_g.map_mid_count++;
  }
  uintptr_t i2 = (a >> pool_hot.mid_shift) & pool_hot.mid_mask;
  pool_map_cover *bot = mid[i2];
  if (bot == NULL) {
    if (!create) return NULL;
    /* Zeroed: every chunk owned by nothing (pool_types.h). */
    bot = pool_os_meta_calloc(pool_map_bot_len(&pool_g.map), sizeof *bot);
    if (bot == NULL) return NULL;
    mid[i2] = bot;
    pool_g.map_bot_count++;
  }
  return &bot[(a >> pool_hot.arena_shift) & pool_hot.bot_mask];
}

/* The two owned pieces of a chunk, [0, lo_end) and [hi_start, arena_size),
 * read from and written to the run an entry holds (pool_types.h). */
static uint32_t arena_size32(void) {
  return (uint32_t)pool_g.layout.arena_size;
}

static int has_hi(const pool_map_cover *c) {
  return c->start != 0 || c->len == arena_size32();
}

static uint32_t hi_start(const pool_map_cover *c) {
  return has_hi(c) ? c->start : arena_size32();
}

static uint32_t lo_end(const pool_map_cover *c) {
  return has_hi(c) ? c->len - (arena_size32() - c->start) : c->len;
}

static void set_cover(pool_map_cover *c, uint32_t lo_end, uint32_t hi_start) {
  uint32_t size = arena_size32();
  POOL_ASSERT(lo_end <= hi_start && hi_start <= size);
  if (hi_start == size) {
    c->start = 0;
    c->len = lo_end;
  } else {
    c->start = hi_start;
    c->len = size - hi_start + lo_end;
  }
}

int pool_map_mark_used(uintptr_t base) {
  uintptr_t size = pool_g.layout.arena_size;
  uintptr_t tail = base & pool_hot.arena_mask;
  /* Find (or make) both entries before writing either, so that a failed
   * allocation leaves nothing half-marked. */
  pool_map_cover *hi = map_entry(base, 1);
  if (hi == NULL) return -1;
  pool_map_cover *lo = NULL;
  if (tail != 0) {
    lo = map_entry(base + size, 1);
    if (lo == NULL) return -1;
  }
  /* The arena owns [tail, size) of its first chunk and [0, tail) of the
   * next one. */
  POOL_ASSERT(hi_start(hi) == size && (lo == NULL || lo_end(lo) == 0));
  set_cover(hi, lo_end(hi), (uint32_t)tail);
  if (lo != NULL) set_cover(lo, (uint32_t)tail, hi_start(lo));
  return 0;
}

void pool_map_mark_unused(uintptr_t base) {
  uintptr_t size = pool_g.layout.arena_size;
  uintptr_t tail = base & pool_hot.arena_mask;
  pool_map_cover *hi = map_entry(base, 0);
  POOL_ASSERT(hi != NULL && hi_start(hi) == tail);
  if (hi != NULL) set_cover(hi, lo_end(hi), (uint32_t)size);
  if (tail != 0) {
    pool_map_cover *lo = map_entry(base + size, 0);
    POOL_ASSERT(lo != NULL && lo_end(lo) == tail);
    if (lo != NULL) set_cover(lo, 0, hi_start(lo));
  }
}

void pool_map_teardown(void) {
  size_t root_len = pool_map_root_len(&pool_g.map);
  size_t mid_len = pool_map_mid_len(&pool_g.map);
  for (size_t i1 = 0; i1 < root_len; i1++) {
    pool_map_bot_ref *mid = pool_g.map_root[i1];
    if (mid == NULL) continue;
    for (size_t i2 = 0; i2 < mid_len; i2++) pool_os_meta_free(mid[i2]);
    pool_os_meta_free(mid);
    pool_g.map_root[i1] = NULL;
  }
  pool_g.map_mid_count = 0;
  pool_g.map_bot_count = 0;
}
