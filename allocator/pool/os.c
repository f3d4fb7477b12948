/* The OS interface (os.h). */
#include "allocator/pool/os.h"

#include <stdlib.h>
#include <sys/mman.h>

#include "allocator/pool/pool_types.h"

void *pool_os_map_arena(size_t size) {
  if (POOL_UNLIKELY(pool_g.fail_next_mmaps > 0)) {
    pool_g.fail_next_mmaps--;
    pool_g.arena_mmap_failures++;
    return NULL;
  }
  pool_g.arena_mmap_calls++;
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    pool_g.arena_mmap_failures++;
    return NULL;
  }
  return p;
}

void pool_os_unmap_arena(void *address, size_t size) {
  pool_g.arena_munmap_calls++;
  int rc = munmap(address, size);
  (void)rc;
  POOL_ASSERT(rc == 0);
}

/* The metadata test hook: skip successes, then failures. */
static int meta_fails(void) {
  if (pool_g.meta_skip > 0) {
    pool_g.meta_skip--;
    return 0;
  }
  pool_g.fail_next_meta--;
  return 1;
}

void *pool_os_meta_calloc(size_t nelem, size_t elsize) {
  if (POOL_UNLIKELY(pool_g.fail_next_meta > 0) && meta_fails()) return NULL;
  return calloc(nelem, elsize);
}

void *pool_os_meta_realloc(void *ptr, size_t size) {
  if (POOL_UNLIKELY(pool_g.fail_next_meta > 0) && meta_fails()) return NULL;
  return realloc(ptr, size);
}

void pool_os_meta_free(void *ptr) { free(ptr); }

void pool_os_fail_next_mmaps(unsigned n) { pool_g.fail_next_mmaps = n; }

void pool_os_fail_meta(unsigned skip, unsigned n) {
  pool_g.meta_skip = skip;
  pool_g.fail_next_meta = n;
}
