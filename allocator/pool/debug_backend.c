/* The pool-debug backend: allocator.h over the debug layer (debug.h), obj
 * domain, as PYTHONMALLOC=pymalloc_debug serves PyObject_Malloc. Same
 * parameters and statistics as the pool backend (backend_common.c); the
 * statistics count the 24 bytes each block adds. pyrun reaches the mem
 * domain through pb_domain_malloc and the others. */
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

/* CPython's MEM and OBJ domains apart (allocator.h), so that pyrun's blocks
 * carry the domain they came through and a block freed through the other
 * one aborts, as under PYTHONMALLOC=pymalloc_debug. */
static pool_domain domain_of(pb_py_domain domain) {
  return domain == PB_PY_MEM ? POOL_DOMAIN_MEM : POOL_DOMAIN_OBJ;
}
void *pb_domain_malloc(pb_py_domain domain, size_t size) {
  return pool_debug_malloc(domain_of(domain), size);
}
void *pb_domain_calloc(pb_py_domain domain, size_t nelem, size_t elsize) {
  return pool_debug_calloc(domain_of(domain), nelem, elsize);
}
void *pb_domain_realloc(pb_py_domain domain, void *ptr, size_t size) {
  return pool_debug_realloc(domain_of(domain), ptr, size);
}
void pb_domain_free(pb_py_domain domain, void *ptr) {
  pool_debug_free(domain_of(domain), ptr);
}

/* The bytes asked for: writing past them trips the guard. */
size_t pb_usable_size(void *ptr) { return pool_debug_requested_size(ptr); }

const char *pb_name(void) { return "pool-debug"; }
const char *pb_version(void) {
  return "1 (pymalloc_debug of CPython 3.10-3.13)";
}
