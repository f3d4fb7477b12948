/* Pools: set-up and the slow paths of malloc and free (pool.h). The
 * algorithm is CPython's (Objects/obmalloc.c, 3.10 to 3.13, and 3.8's,
 * which differs only in arena.c and address.h; 3.10 and 3.11 differ only
 * in the radix tree's geometry, address.c):
 * allocate_from_new_pool, pymalloc_pool_extend, insert_to_usedpool and
 * pymalloc_realloc. */
#include "allocator/pool/pool.h"

#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "allocator/pool/arena.h"
#include "allocator/pool/layout.h"
#include "allocator/pool/os.h"

/* ---- set-up -------------------------------------------------------------- */

int pool_init(const pool_layout *layout, char err[PB_ERROR_MAX]) {
  if (pool_g.initialized) {
    if (pool_layout_equal(&pool_g.layout, layout)) return 0;
    if (pool_arena_any_in_use()) {
      char from[96], to[96];
      pool_layout_describe(&pool_g.layout, from, sizeof from);
      pool_layout_describe(layout, to, sizeof to);
      snprintf(err, PB_ERROR_MAX,
               "cannot change the layout from %s to %s while pool blocks are "
               "in use",
               from, to);
      return -1;
    }
    pool_teardown();
  }
  uint32_t nclasses = (uint32_t)(layout->threshold / POOL_ALIGNMENT);
  pool_g.layout = *layout;
  pool_g.nclasses = nclasses;
  pool_g.maxpools = (uint32_t)(layout->arena_size / layout->pool_size);
  pool_header *usedpools = pool_os_meta_calloc(nclasses, sizeof *usedpools);
  if (usedpools == NULL || pool_arena_init() != 0) {
    pool_os_meta_free(usedpools);
    pool_arena_teardown();
    snprintf(err, PB_ERROR_MAX, "out of memory for the pool's metadata");
    return -1;
  }
  for (uint32_t c = 0; c < nclasses; c++) {
    usedpools[c].nextpool = usedpools[c].prevpool = &usedpools[c];
    usedpools[c].szidx = c;
  }
  pool_hot.usedpools = usedpools;
  pool_hot.pool_mask = ~((uintptr_t)layout->pool_size - 1);
  pool_map_init(layout); /* the tree's shifts and masks, and arena_mask */
  pool_hot.header_ownership = layout->algorithm == POOL_ALGORITHM_3_8;
  pool_hot.threshold = layout->threshold; /* last: opens the pools */
  pool_g.initialized = 1;
  return 0;
}

void pool_teardown(void) {
  pool_hot.threshold = 0;
  pool_arena_teardown();
  pool_map_teardown();
  pool_os_meta_free(pool_hot.usedpools);
  memset(&pool_hot, 0, sizeof pool_hot);
  pool_g.arena_mmap_calls = 0;
  pool_g.arena_munmap_calls = 0;
  pool_g.arena_mmap_failures = 0;
  pool_g.initialized = 0;
}

void pool_release(void) {
  if (pool_g.initialized) pool_arena_release_free();
  malloc_trim(0);
}

/* ---- the system allocator ------------------------------------------------ */

void *pool_raw_malloc(size_t n) {
  void *p = malloc(n != 0 ? n : 1);
  if (p != NULL) pool_g.raw_allocated_bytes += malloc_usable_size(p);
  return p;
}

void pool_raw_free(void *p) {
  if (p == NULL) return;
  pool_g.raw_allocated_bytes -= malloc_usable_size(p);
  free(p);
}

static void *raw_realloc(void *p, size_t n) {
  size_t old = malloc_usable_size(p);
  void *q = realloc(p, n != 0 ? n : 1);
  if (q != NULL) pool_g.raw_allocated_bytes += malloc_usable_size(q) - old;
  return q;
}

static void *raw_calloc(size_t nelem, size_t elsize) {
  if (nelem == 0 || elsize == 0) nelem = elsize = 1;
  void *p = calloc(nelem, elsize);
  if (p != NULL) pool_g.raw_allocated_bytes += malloc_usable_size(p);
  return p;
}

/* ---- malloc -------------------------------------------------------------- */

/* Puts one virgin block on the empty free list, or reports none left. */
static int carve_one(pool_header *pool) {
  if (pool->nextoffset > pool->maxnextoffset) return 0;
  pool_free_block *fb = (pool_free_block *)((uint8_t *)pool + pool->nextoffset);
  fb->next = NULL;
  pool->freeblock = fb;
  pool->nextoffset += (uint32_t)pool_class_size(pool->szidx);
  return 1;
}

/* Links pool at the front of its class's usedpools list. */
static void link_used(pool_header *pool) {
  pool_header *head = &pool_hot.usedpools[pool->szidx];
  pool_header *next = head->nextpool;
  pool->nextpool = next;
  pool->prevpool = head;
  next->prevpool = pool;
  head->nextpool = pool;
}

static void unlink_used(pool_header *pool) {
  pool->nextpool->prevpool = pool->prevpool;
  pool->prevpool->nextpool = pool->nextpool;
}

/* malloc popped the last block of pool's free list: carve another, or the
 * pool is full and leaves usedpools. */
void pool_out_of_free_blocks(pool_header *pool) {
  if (carve_one(pool)) return;
  unlink_used(pool);
  pool->nextpool = pool->prevpool = NULL;
}

/* malloc found no used pool of class idx: take a pool from an arena. */
void *pool_malloc_from_new_pool(uint32_t idx) {
  pool_header *pool = pool_arena_take_pool();
  if (pool == NULL) return NULL;
  pool_free_block *bp;
  pool->count = 1;
  if (pool->szidx == idx) {
    /* It last held this class: header and free list are ready. */
    bp = pool->freeblock;
    POOL_ASSERT(bp != NULL);
    pool->freeblock = bp->next;
  } else {
    /* Virgin, or another class: hand out the first block and carve
     * lazily from there. */
    size_t size = pool_class_size(idx);
    pool->szidx = idx;
    bp = (pool_free_block *)((uint8_t *)pool + POOL_OVERHEAD);
    pool->nextoffset = (uint32_t)(POOL_OVERHEAD + size);
    pool->maxnextoffset = (uint32_t)(pool_g.layout.pool_size - size);
    pool->freeblock = NULL;
  }
  if (pool->freeblock != NULL || carve_one(pool))
    link_used(pool);
  else /* one block per pool (a custom layout): already full */
    pool->nextpool = pool->prevpool = NULL;
  return bp;
}

/* ---- free ---------------------------------------------------------------- */

/* free pushed a block on a pool that was full (was_full) or that is now
 * empty (count == 0). */
void pool_free_slow(pool_header *pool, int was_full) {
  if (was_full) {
    if (pool->count != 0) {
      link_used(pool); /* full -> used */
      return;
    }
    /* full -> empty at once: a one-block pool, on no list. */
  } else {
    unlink_used(pool); /* used -> empty */
  }
  pool_arena_return_pool(pool);
}

void pool_free_unclaimed(void *p) {
  if (pool_hot.header_ownership && p != NULL && pool_header_claims(p))
    pool_free_owned(p);
  else
    pool_raw_free(p);
}

/* ---- realloc, calloc, usable size ---------------------------------------- */

void *pool_realloc(void *p, size_t n) {
  if (p == NULL) return pool_malloc(n);
  if (!pool_owns_block(p)) return raw_realloc(p, n);
  size_t size = pool_class_size(pool_of(p)->szidx);
  if (pool_keeps_block(size, n)) return p;
  if (n < size) size = n; /* the bytes to copy */
  void *q = pool_malloc(n);
  if (q != NULL) {
    memcpy(q, p, size);
    pool_free_owned(p);
  }
  return q;
}

void *pool_calloc(size_t nelem, size_t elsize) {
  size_t n;
  if (__builtin_mul_overflow(nelem, elsize, &n)) return NULL;
  if (n - 1 < pool_hot.threshold) {
    void *p = pool_malloc(n);
    if (p != NULL) memset(p, 0, n);
    return p;
  }
  return raw_calloc(nelem, elsize);
}

size_t pool_usable_size(void *p) {
  if (pool_owns_block(p)) return pool_class_size(pool_of(p)->szidx);
  return malloc_usable_size(p);
}

int pool_realloc_keeps(const void *p, size_t n) {
  if (!pool_owns_block(p)) return 0;
  return pool_keeps_block(pool_class_size(pool_of(p)->szidx), n);
}
