/* Statistics (stats.h): the walk of CPython's _PyObject_DebugMallocStats
 * and its report format. */
#include "allocator/pool/stats.h"

#include <stdlib.h>
#include <string.h>

#include "allocator/pool/address.h"
#include "allocator/pool/pool_types.h"
#include "allocator/pool/size_class.h"
#include "common/grouped.h"

void pool_usage_get(pb_mallocstats *u, pool_class_usage *per_class) {
  memset(u, 0, sizeof *u);
  if (per_class != NULL)
    memset(per_class, 0, pool_g.nclasses * sizeof *per_class);
  size_t pool_size = pool_g.layout.pool_size;
  for (uint32_t i = 0; i < pool_g.maxarenas; i++) {
    const pool_arena *ao = &pool_g.arenas[i];
    if (ao->address == 0) continue;
    u->arenas_current++;
    u->free_pools += ao->nfreepools;
    uintptr_t base = ao->address;
    if (base & (pool_size - 1)) {
      u->arena_alignment_bytes += pool_size;
      base = (base & ~(uintptr_t)(pool_size - 1)) + pool_size;
    }
    /* Carved pools: those below pool_address. */
    for (; base < (uintptr_t)ao->pool_address; base += pool_size) {
      const pool_header *pool = (const pool_header *)base;
      if (pool->count == 0) continue; /* empty: counted as an unused pool */
      uint32_t idx = pool->szidx;
      uint64_t size = pool_class_size(idx);
      uint64_t avail = pool_class_capacity(pool_size, idx) - pool->count;
      u->pools_in_use++;
      u->blocks_in_use += pool->count;
      u->available_blocks += avail;
      u->allocated_bytes += pool->count * size;
      u->available_bytes += avail * size;
      u->pool_header_bytes += POOL_OVERHEAD;
      u->quantization_bytes += pool_class_slack(pool_size, idx);
      if (per_class != NULL && idx < pool_g.nclasses) {
        per_class[idx].pools++;
        per_class[idx].blocks_in_use += pool->count;
        per_class[idx].available_blocks += avail;
      }
    }
  }
  u->arenas_allocated_total = pool_g.ntimes_arena_allocated;
  u->arenas_reclaimed = pool_g.ntimes_arena_allocated - u->arenas_current;
  u->arenas_highwater = pool_g.narenas_highwater;
  u->unused_pool_bytes = u->free_pools * pool_size;
  u->total_bytes = u->allocated_bytes + u->available_bytes +
                   u->unused_pool_bytes + u->pool_header_bytes +
                   u->quantization_bytes + u->arena_alignment_bytes;
  u->mapped_bytes = u->arenas_current * pool_g.layout.arena_size;
  u->threshold = pool_g.layout.threshold;
  u->nclasses = pool_g.nclasses;
  u->arena_size = pool_g.layout.arena_size;
  u->pool_size = pool_size;
  u->has_arena_map = !pool_hot.header_ownership; /* 3.8 has no tree */
  if (u->has_arena_map) {
    u->map_mid_nodes = pool_g.map_mid_count;
    u->map_bot_nodes = pool_g.map_bot_count;
    /* The root's bytes are those of the geometry's root, as CPython's
     * sizeof(arena_map_root) (pool_g's static root is sized for the
     * widest layout). */
    const pool_map_geometry *g = &pool_g.map;
    u->map_root_bytes = pool_map_root_len(g) * sizeof(pool_map_bot_ref *);
    u->map_mid_bytes =
        pool_g.map_mid_count * pool_map_mid_len(g) * sizeof(pool_map_bot_ref);
    u->map_bot_bytes =
        pool_g.map_bot_count * pool_map_bot_len(g) * sizeof(pool_map_cover);
    u->map_total_bytes =
        u->map_root_bytes + u->map_mid_bytes + u->map_bot_bytes;
  }
  u->counts_raw_blocks = 1;
  u->raw_allocated_bytes = pool_g.raw_allocated_bytes;
  u->arena_mmap_calls = pool_g.arena_mmap_calls;
  u->arena_munmap_calls = pool_g.arena_munmap_calls;
  u->arena_mmap_failures = pool_g.arena_mmap_failures;
}

void pool_stats_fill(pb_stats *stats) {
  pb_mallocstats u;
  pool_usage_get(&u, NULL);
  stats->count = 0;
  pb_mallocstats_add(stats, &u);
}

uint64_t pool_stats_print_line(FILE *out, const char *label, uint64_t value) {
  /* Digits grouped by three, right-aligned in 21 columns. */
  char grouped[PB_GROUPED_MAX];
  fprintf(out, "%-35s=%21s\n", label, pb_grouped(value, grouped));
  return value;
}

void pool_stats_print(FILE *out) {
  uint32_t nclasses = pool_g.nclasses;
  pool_class_usage *per_class = NULL;
  if (nclasses > 0) {
    per_class = calloc(nclasses, sizeof *per_class);
    if (per_class == NULL) {
      fprintf(out, "pool: out of memory for the statistics report\n");
      return;
    }
  }
  pb_mallocstats u;
  pool_usage_get(&u, per_class);
  char label[96];

  fprintf(out, "Small block threshold = %zu, in %u size classes.\n",
          pool_g.layout.threshold, nclasses);
  fputc('\n', out);
  fputs(
      "class   size   num pools   blocks in use  avail blocks\n"
      "-----   ----   ---------   -------------  ------------\n",
      out);
  for (uint32_t i = 0; i < nclasses; i++) {
    if (per_class[i].pools == 0) continue;
    fprintf(out, "%5u %6zu %11llu %15llu %13llu\n", i, pool_class_size(i),
            (unsigned long long)per_class[i].pools,
            (unsigned long long)per_class[i].blocks_in_use,
            (unsigned long long)per_class[i].available_blocks);
  }
  fputc('\n', out);
  pool_stats_print_line(out, "# arenas allocated total",
                        u.arenas_allocated_total);
  pool_stats_print_line(out, "# arenas reclaimed", u.arenas_reclaimed);
  pool_stats_print_line(out, "# arenas highwater mark", u.arenas_highwater);
  pool_stats_print_line(out, "# arenas allocated current", u.arenas_current);
  snprintf(label, sizeof label, "%llu arenas * %zu bytes/arena",
           (unsigned long long)u.arenas_current, pool_g.layout.arena_size);
  pool_stats_print_line(out, label, u.mapped_bytes);
  fputc('\n', out);
  uint64_t total = 0;
  total += pool_stats_print_line(out, "# bytes in allocated blocks",
                                 u.allocated_bytes);
  total += pool_stats_print_line(out, "# bytes in available blocks",
                                 u.available_bytes);
  snprintf(label, sizeof label, "%llu unused pools * %zu bytes",
           (unsigned long long)u.free_pools, pool_g.layout.pool_size);
  total += pool_stats_print_line(out, label, u.unused_pool_bytes);
  total += pool_stats_print_line(out, "# bytes lost to pool headers",
                                 u.pool_header_bytes);
  total += pool_stats_print_line(out, "# bytes lost to quantization",
                                 u.quantization_bytes);
  total += pool_stats_print_line(out, "# bytes lost to arena alignment",
                                 u.arena_alignment_bytes);
  pool_stats_print_line(out, "Total", total);
  if (!u.has_arena_map) {
    free(per_class);
    return;
  }
  fputs("\narena map counts\n", out);
  pool_stats_print_line(out, "# arena map mid nodes", u.map_mid_nodes);
  pool_stats_print_line(out, "# arena map bot nodes", u.map_bot_nodes);
  fputc('\n', out);
  pool_stats_print_line(out, "# bytes lost to arena map root",
                        u.map_root_bytes);
  pool_stats_print_line(out, "# bytes lost to arena map mid", u.map_mid_bytes);
  pool_stats_print_line(out, "# bytes lost to arena map bot", u.map_bot_bytes);
  pool_stats_print_line(out, "Total", u.map_total_bytes);
  free(per_class);
}
