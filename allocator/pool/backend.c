/* The pool backend: allocator.h over the pool allocator (pool.h). What it
 * shares with pool-debug (parameters, stats) is in backend_common.c. */
#include "allocator/allocator.h"
#include "allocator/pool/pool.h"

void *pb_malloc(size_t size) { return pool_malloc(size); }
void *pb_calloc(size_t nelem, size_t elsize) {
  return pool_calloc(nelem, elsize);
}
void *pb_realloc(void *ptr, size_t size) { return pool_realloc(ptr, size); }
void pb_free(void *ptr) { pool_free(ptr); }
size_t pb_usable_size(void *ptr) { return pool_usable_size(ptr); }

const char *pb_name(void) { return "pool"; }
const char *pb_version(void) { return "1 (pymalloc of CPython 3.10-3.13)"; }
