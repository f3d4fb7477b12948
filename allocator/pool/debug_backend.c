/* The pool-debug backend: allocator.h over the debug layer (debug.h), obj
 * domain, as PYTHONMALLOC=pymalloc_debug serves PyObject_Malloc. Same
 * parameters and statistics as the pool backend (backend_common.c); the
 * statistics count the 24 bytes each block adds. */
#include "allocator/allocator.h"
#include "allocator/pool/debug.h"
#include "allocator/pool/pool.h"

void *pb_malloc(size_t size) {
  return pool_debug_malloc(POOL_DOMAIN_OBJ, size);
}
void *pb_calloc(size_t nelem, size_t elsize) {
  return pool_debug_calloc(POOL_DOMAIN_OBJ, nelem, elsize);
}
void *pb_realloc(void *ptr, size_t size) {
  return pool_debug_realloc(POOL_DOMAIN_OBJ, ptr, size);
}
void pb_free(void *ptr) { pool_debug_free(POOL_DOMAIN_OBJ, ptr); }
/* The bytes asked for: writing past them trips the guard. */
size_t pb_usable_size(void *ptr) { return pool_debug_requested_size(ptr); }

const char *pb_name(void) { return "pool-debug"; }
const char *pb_version(void) {
  return "1 (pymalloc_debug of CPython 3.10-3.13)";
}
