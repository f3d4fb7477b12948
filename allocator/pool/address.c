/* Address ownership (address.h, pool_types.h): the exact answer for any
 * address, and maintaining the radix tree.
 *
 * Geometry as CPython 3.10 on 64-bit (obmalloc.c, WITH_PYMALLOC_RADIX_TREE):
 * 48 address bits; root and mid nodes of 10 bits each; bottom nodes index
 * the remaining 28 - log2(arena_size) bits, one entry per arena-sized chunk
 * (256 entries for 1 MiB arenas). */
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

/* The entry for the chunk holding address a, creating nodes when create. */
static pool_map_cover *map_entry(uintptr_t a, int create) {
  uintptr_t i1 = a >> POOL_MAP_ROOT_SHIFT;
  if (i1 >= POOL_MAP_ROOT_LEN) return NULL;
  pool_map_mid *mid = pool_g.map_root[i1];
  if (mid == NULL) {
    if (!create) return NULL;
    mid = pool_os_meta_calloc(1, sizeof *mid);
    if (mid == NULL) return NULL;
    pool_g.map_root[i1] = mid;
    pool_g.map_mid_count++;
  }
  uintptr_t i2 = (a >> POOL_MAP_MID_SHIFT) & (POOL_MAP_MID_LEN - 1);
  pool_map_cover *bot = mid->bot[i2];
  if (bot == NULL) {
    if (!create) return NULL;
    bot = pool_os_meta_calloc(pool_hot.bot_mask + 1, sizeof *bot);
    if (bot == NULL) return NULL;
    for (uintptr_t i = 0; i <= pool_hot.bot_mask; i++)
      bot[i].gap = (uint32_t)pool_g.layout.arena_size; /* nothing owned */
    mid->bot[i2] = bot;
    pool_g.map_bot_count++;
  }
  return &bot[(a >> pool_hot.arena_shift) & pool_hot.bot_mask];
}

/* The owned pieces of a chunk: [0, lo_end) and [hi_start, arena_size). */
static uint32_t hi_start(const pool_map_cover *c) { return c->lo_end + c->gap; }

static void set_cover(pool_map_cover *c, uint32_t lo_end, uint32_t hi_start) {
  POOL_ASSERT(lo_end <= hi_start);
  c->lo_end = lo_end;
  c->gap = hi_start - lo_end;
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
  POOL_ASSERT(hi_start(hi) == size && (lo == NULL || lo->lo_end == 0));
  set_cover(hi, hi->lo_end, (uint32_t)tail);
  if (lo != NULL) set_cover(lo, (uint32_t)tail, hi_start(lo));
  return 0;
}

void pool_map_mark_unused(uintptr_t base) {
  uintptr_t size = pool_g.layout.arena_size;
  uintptr_t tail = base & pool_hot.arena_mask;
  pool_map_cover *hi = map_entry(base, 0);
  POOL_ASSERT(hi != NULL && hi_start(hi) == tail);
  if (hi != NULL) set_cover(hi, hi->lo_end, (uint32_t)size);
  if (tail != 0) {
    pool_map_cover *lo = map_entry(base + size, 0);
    POOL_ASSERT(lo != NULL && lo->lo_end == tail);
    if (lo != NULL) set_cover(lo, 0, hi_start(lo));
  }
}

void pool_map_teardown(void) {
  for (uint32_t i1 = 0; i1 < POOL_MAP_ROOT_LEN; i1++) {
    pool_map_mid *mid = pool_g.map_root[i1];
    if (mid == NULL) continue;
    for (uint32_t i2 = 0; i2 < POOL_MAP_MID_LEN; i2++)
      pool_os_meta_free(mid->bot[i2]);
    pool_os_meta_free(mid);
    pool_g.map_root[i1] = NULL;
  }
  pool_g.map_mid_count = 0;
  pool_g.map_bot_count = 0;
}
