/* tcmalloc from gperftools 2.10 (Debian's libtcmalloc_minimal). Linking it
 * replaces malloc for the whole process; the tc_ entry points are called
 * directly so that no PLT hop through malloc is added.
 *
 * Statistics are gperftools' numeric properties (MallocExtension). */
#include <gperftools/malloc_extension_c.h>
#include <gperftools/tcmalloc.h>

#include "allocator/allocator.h"

int pb_init(const pb_param *params, size_t nparams, char err[PB_ERROR_MAX]) {
  return pb_params_none("tcmalloc", params, nparams, err);
}

void *pb_malloc(size_t size) { return tc_malloc(pb_aligned_request(size)); }
void *pb_calloc(size_t nelem, size_t elsize) {
  pb_aligned_calloc_request(&nelem, &elsize);
  return tc_calloc(nelem, elsize);
}
void *pb_realloc(void *ptr, size_t size) {
  return tc_realloc(ptr, pb_aligned_request(size));
}
void pb_free(void *ptr) { tc_free(ptr); }
size_t pb_usable_size(void *ptr) { return tc_malloc_size(ptr); }
void pb_release(void) { MallocExtension_ReleaseFreeMemory(); }

const char *pb_name(void) { return "tcmalloc"; }
const char *pb_version(void) {
  int major, minor;
  const char *patch;
  static char version[32];
  tc_version(&major, &minor, &patch);
  snprintf(version, sizeof version, "%d.%d%s", major, minor, patch);
  return version;
}
const char *pb_config(void) { return "default"; }
const char *pb_parameters(void) { return ""; }

static void add_property(pb_stats *stats, const char *name,
                         const char *property) {
  size_t value;
  if (MallocExtension_GetNumericProperty(property, &value))
    pb_stats_add(stats, name, value);
}

void pb_stats_get(pb_stats *stats) {
  stats->count = 0;
  add_property(stats, "allocated_bytes", "generic.current_allocated_bytes");
  add_property(stats, "mapped_bytes", "generic.heap_size");
  /* Free pages still mapped, and pages returned to the OS with madvise. */
  add_property(stats, "retained_bytes", "tcmalloc.pageheap_free_bytes");
  add_property(stats, "unmapped_bytes", "tcmalloc.pageheap_unmapped_bytes");
  add_property(stats, "central_cache_free_bytes",
               "tcmalloc.central_cache_free_bytes");
  add_property(stats, "transfer_cache_free_bytes",
               "tcmalloc.transfer_cache_free_bytes");
  add_property(stats, "thread_cache_free_bytes",
               "tcmalloc.thread_cache_free_bytes");
}

void pb_stats_print(FILE *out) {
  char buffer[1 << 14];
  MallocExtension_GetStats(buffer, sizeof buffer);
  fputs(buffer, out);
}
