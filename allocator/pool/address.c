/* Address ownership: maintaining the radix tree (address.h, pool_types.h).
 *
 * Geometry as CPython 3.10 on 64-bit (obmalloc.c, WITH_PYMALLOC_RADIX_TREE):
 * 48 address bits; root and mid nodes of 10 bits each; bottom nodes index
 * the remaining 28 - log2(arena_size) bits, one entry per arena-sized chunk
 * (256 entries for 1 MiB arenas). */
#include "allocator/pool/address.h"

#include "allocator/pool/os.h"

size_t pool_map_bot_bytes(void) {
  return (pool_hot.bot_mask + 1) * sizeof(pool_map_cover);
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
    mid->bot[i2] = bot;
    pool_g.map_bot_count++;
  }
  return &bot[(a >> pool_hot.arena_shift) & pool_hot.bot_mask];
}

int pool_map_mark_used(uintptr_t base) {
  uintptr_t size = pool_hot.arena_size;
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
  POOL_ASSERT(hi->hi_len == 0 && (lo == NULL || lo->lo_end == 0));
  hi->hi_len = (uint32_t)(size - tail);
  if (lo != NULL) lo->lo_end = (uint32_t)tail;
  return 0;
}

void pool_map_mark_unused(uintptr_t base) {
  pool_map_cover *hi = map_entry(base, 0);
  POOL_ASSERT(hi != NULL);
  if (hi != NULL) hi->hi_len = 0;
  if ((base & pool_hot.arena_mask) != 0) {
    pool_map_cover *lo = map_entry(base + pool_hot.arena_size, 0);
    POOL_ASSERT(lo != NULL);
    if (lo != NULL) lo->lo_end = 0;
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
