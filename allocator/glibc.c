/* glibc malloc (ptmalloc2): the system allocator of Debian 12, glibc 2.36.
 *
 * Statistics come from mallinfo2(), which describes the main arena and the
 * mmap'd chunks; the harness runs single-threaded, so there is no other arena.
 * glibc does not count its own system calls or know what is resident. */
#include <gnu/libc-version.h>
#include <malloc.h>
#include <stdlib.h>

#include "allocator/allocator.h"

int pb_init(const pb_param *params, size_t nparams, char err[PB_ERROR_MAX]) {
  return pb_params_none("glibc", params, nparams, err);
}

void *pb_malloc(size_t size) { return malloc(size); }
void *pb_calloc(size_t nelem, size_t elsize) { return calloc(nelem, elsize); }
/* realloc(p, 0) frees p and returns NULL in glibc; the interface wants a
 * minimal block (allocator.h), as CPython's raw allocator asks for. */
void *pb_realloc(void *ptr, size_t size) {
  return realloc(ptr, size ? size : 1);
}
void pb_free(void *ptr) { free(ptr); }
size_t pb_usable_size(void *ptr) { return malloc_usable_size(ptr); }
void pb_release(void) { malloc_trim(0); }

const char *pb_name(void) { return "glibc"; }
const char *pb_version(void) { return gnu_get_libc_version(); }
const char *pb_config(void) { return "default"; }
const char *pb_parameters(void) { return ""; }

void pb_stats_get(pb_stats *stats) {
  stats->count = 0;
#ifndef __SANITIZE_ADDRESS__
  /* Under AddressSanitizer, ASan's allocator serves malloc and mallinfo2
   * describes an idle glibc heap: its figures would not be this backend's,
   * so that build reports none. */
  struct mallinfo2 mi = mallinfo2();
  /* uordblks: in use in the heap; hblkhd: in use in mmap'd chunks. */
  pb_stats_add(stats, "allocated_bytes", mi.uordblks + mi.hblkhd);
  /* arena: bytes obtained with brk; hblkhd: with mmap. */
  pb_stats_add(stats, "mapped_bytes", mi.arena + mi.hblkhd);
  /* fordblks: free bytes the heap keeps, some of which malloc_trim can return.
   */
  pb_stats_add(stats, "retained_bytes", mi.fordblks);
  pb_stats_add(stats, "mmap_chunks", mi.hblks);
  pb_stats_add(stats, "trimmable_bytes", mi.keepcost);
#endif
}

void pb_stats_print(FILE *out) {
  /* malloc_info is glibc's full report (XML); malloc_stats only goes to stderr.
   */
  malloc_info(0, out);
}
