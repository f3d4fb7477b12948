/* mimalloc (Microsoft), Debian's libmimalloc 2.0.9, called through its mi_
 * API. The shared library also exports malloc, so in this process it serves
 * the C library's allocations too.
 *
 * mimalloc 2.0.9 exposes its counters only as printed text; the one figure
 * it hands back as a number is the memory it has committed (mi_process_info),
 * reported here as mapped_bytes. */
#include <mimalloc.h>
#include <stdbool.h>
#include <string.h>

#include "allocator/allocator.h"

int pb_init(const pb_param *params, size_t nparams, char err[PB_ERROR_MAX]) {
  return pb_params_none("mimalloc", params, nparams, err);
}

void *pb_malloc(size_t size) { return mi_malloc(pb_aligned_request(size)); }
void *pb_calloc(size_t nelem, size_t elsize) {
  pb_aligned_calloc_request(&nelem, &elsize);
  return mi_calloc(nelem, elsize);
}
void *pb_realloc(void *ptr, size_t size) {
  return mi_realloc(ptr, pb_aligned_request(size));
}
void pb_free(void *ptr) { mi_free(ptr); }
size_t pb_usable_size(void *ptr) { return mi_usable_size(ptr); }
/* force = true also frees the abandoned segments and purges page caches. */
void pb_release(void) { mi_collect(true); }

const char *pb_name(void) { return "mimalloc"; }
const char *pb_version(void) {
  static char version[16];
  int v = mi_version(); /* major * 100 + minor */
  snprintf(version, sizeof version, "%d.%d.%d", v / 100, (v / 10) % 10, v % 10);
  return version;
}
const char *pb_config(void) { return "default"; }
const char *pb_parameters(void) { return ""; }

void pb_stats_get(pb_stats *stats) {
  size_t elapsed, user, sys, rss, peak_rss, commit, peak_commit, faults;
  mi_process_info(&elapsed, &user, &sys, &rss, &peak_rss, &commit, &peak_commit,
                  &faults);
  stats->count = 0;
  pb_stats_add(stats, "mapped_bytes", commit);
  pb_stats_add(stats, "peak_mapped_bytes", peak_commit);
}

static void print_to_file(const char *msg, void *arg) { fputs(msg, arg); }

void pb_stats_print(FILE *out) { mi_stats_print_out(print_to_file, out); }
