/* jemalloc 5.3.0 (Debian's libjemalloc2, built without a symbol prefix), so
 * linking it replaces malloc for the whole process.
 *
 * Statistics are read with mallctl after advancing "epoch", which is what
 * makes jemalloc refresh its cached totals. */
#include <jemalloc/jemalloc.h>
#include <stdbool.h>

#include "allocator/allocator.h"

int pb_init(const pb_param *params, size_t nparams, char err[PB_ERROR_MAX]) {
  return pb_params_none("jemalloc", params, nparams, err);
}

void *pb_malloc(size_t size) { return malloc(pb_aligned_request(size)); }
void *pb_calloc(size_t nelem, size_t elsize) {
  pb_aligned_calloc_request(&nelem, &elsize);
  return calloc(nelem, elsize);
}
void *pb_realloc(void *ptr, size_t size) {
  return realloc(ptr, pb_aligned_request(size));
}
void pb_free(void *ptr) { free(ptr); }
size_t pb_usable_size(void *ptr) { return malloc_usable_size(ptr); }

void pb_release(void) {
  /* Flush this thread's cache into the arenas, then purge every arena's
   * dirty and muzzy pages (MALLCTL_ARENAS_ALL). */
  mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
  char purge[64];
  snprintf(purge, sizeof purge, "arena.%u.purge", (unsigned)MALLCTL_ARENAS_ALL);
  mallctl(purge, NULL, NULL, NULL, 0);
}

const char *pb_name(void) { return "jemalloc"; }
const char *pb_version(void) {
  const char *version = "unknown";
  size_t len = sizeof version;
  mallctl("version", &version, &len, NULL, 0);
  return version;
}
const char *pb_config(void) { return "default"; }
const char *pb_parameters(void) { return ""; }

static void add_mallctl(pb_stats *stats, const char *name, const char *ctl) {
  size_t value, len = sizeof value;
  if (mallctl(ctl, &value, &len, NULL, 0) == 0)
    pb_stats_add(stats, name, value);
}

void pb_stats_get(pb_stats *stats) {
  uint64_t epoch = 1;
  size_t len = sizeof epoch;
  mallctl("epoch", &epoch, &len, &epoch, len);
  stats->count = 0;
  add_mallctl(stats, "allocated_bytes", "stats.allocated");
  add_mallctl(stats, "active_bytes", "stats.active");
  add_mallctl(stats, "resident_bytes", "stats.resident");
  add_mallctl(stats, "mapped_bytes", "stats.mapped");
  /* jemalloc's "retained" is address space kept mapped but decommitted,
   * not free resident memory: a different figure, so a different name. */
  add_mallctl(stats, "retained_virtual_bytes", "stats.retained");
  add_mallctl(stats, "metadata_bytes", "stats.metadata");
}

static void print_to_file(void *arg, const char *msg) { fputs(msg, arg); }

void pb_stats_print(FILE *out) { malloc_stats_print(print_to_file, out, NULL); }
