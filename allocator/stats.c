/* The statistics list every backend fills (allocator.h). */
#include <string.h>

#include "allocator/allocator.h"

void pb_stats_add(pb_stats *stats, const char *name, uint64_t value) {
  /* PB_STATS_MAX is sized above what any backend reports; a test checks it. */
  if (stats->count >= PB_STATS_MAX) return;
  pb_stat *s = &stats->items[stats->count++];
  snprintf(s->name, sizeof s->name, "%s", name);
  s->value = value;
}

int pb_stats_find(const pb_stats *stats, const char *name, uint64_t *value) {
  for (size_t i = 0; i < stats->count; i++) {
    if (strcmp(stats->items[i].name, name) == 0) {
      *value = stats->items[i].value;
      return 1;
    }
  }
  return 0;
}
