/* Helpers shared by every backend: the statistics list and parameter checks. */
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

int pb_params_none(const char *backend, const pb_param *params, size_t nparams,
                   char err[PB_ERROR_MAX]) {
  if (nparams == 0) return 0;
  snprintf(err, PB_ERROR_MAX, "backend %s takes no parameter '%s'", backend,
           params[0].name);
  return -1;
}
