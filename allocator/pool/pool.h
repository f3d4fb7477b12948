/* Pools: the allocator proper. malloc, free, realloc and calloc of the pool
 * backend, with the fast paths inline here and the slow paths in pool.c
 * (CPython's pymalloc_alloc, pymalloc_free, pymalloc_realloc).
 *
 * Fast path of malloc: small request -> class index -> head pool of
 * usedpools[idx] -> pop its free list. Fast path of free: ownership lookup
 * in the radix tree (address.h) -> mask to the pool header -> push on its
 * free list; 3.8's header read is off that path, in pool_free_unclaimed.
 * No locks, no system calls, no function pointers; the layout is read from
 * pool_hot, one cache line. */
#ifndef POOLBENCH_ALLOCATOR_POOL_POOL_H
#define POOLBENCH_ALLOCATOR_POOL_POOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "allocator/allocator.h"
#include "allocator/pool/address.h"
#include "allocator/pool/pool_types.h"
#include "allocator/pool/size_class.h"

/* Sets the pool up for the layout. A second call with the same layout does
 * nothing; with another layout, it tears the pool down first, which is
 * refused (-1, one line in err) while any pool block is in use. Until the
 * first call every request goes to the system allocator. */
int pool_init(const pool_layout *layout, char err[PB_ERROR_MAX]);

/* Unmaps every arena and frees all metadata, whatever is still in use:
 * pool blocks become invalid. Pointers from the system allocator stay
 * valid (free still routes them there). The arena and mmap counters
 * restart from zero. */
void pool_teardown(void);

/* pb_release: returns wholly free arenas, including the one kept against
 * thrashing, and trims the system allocator that serves large requests. */
void pool_release(void);

/* ---- slow paths (pool.c) ------------------------------------------------- */

void *pool_malloc_from_new_pool(uint32_t idx);
void pool_out_of_free_blocks(pool_header *pool);
void pool_free_slow(pool_header *pool, int was_full);

/* The system allocator, for requests the pool does not serve: malloc (0
 * bytes as 1, as CPython's raw malloc) and free, counting the bytes in
 * pool_g.raw_allocated_bytes. */
void *pool_raw_malloc(size_t n);
void pool_raw_free(void *p);

/* ---- fast paths ---------------------------------------------------------- */

/* The header of the pool holding p (p must be pool-owned). */
static inline pool_header *pool_of(const void *p) {
  return (pool_header *)((uintptr_t)p & pool_hot.pool_mask);
}

/* malloc. Requests of 1..threshold bytes come from pools; 0 goes to the
 * system as malloc(1) and larger ones as they are (CPython's raw domain). */
static inline void *pool_malloc(size_t n) {
  POOL_TEST_COST();
  /* n - 1 wraps for n == 0, so one compare tests 1 <= n <= threshold. */
  if (POOL_LIKELY(n - 1 < pool_hot.threshold)) {
    size_t idx = (n - 1) >> POOL_ALIGNMENT_SHIFT; /* pool_size_class(n) */
    pool_header *head = &pool_hot.usedpools[idx];
    pool_header *pool = head->nextpool;
    if (POOL_LIKELY(pool != head)) {
      pool_free_block *bp = pool->freeblock; /* never NULL here (I1) */
      pool->count++;
      if (POOL_UNLIKELY((pool->freeblock = bp->next) == NULL))
        pool_out_of_free_blocks(pool);
      return bp;
    }
    return pool_malloc_from_new_pool((uint32_t)idx);
  }
  return pool_raw_malloc(n);
}

/* free of a pool-owned block. */
static inline void pool_free_owned(void *p) {
  pool_header *pool = pool_of(p);
  pool_free_block *last = pool->freeblock;
  pool_free_block *bp = p;
  bp->next = last;
  pool->freeblock = bp;
  uint32_t count = --pool->count;
  /* Common case: the pool was partly used and still is. */
  if (POOL_LIKELY(last != NULL && count != 0)) return;
  pool_free_slow(pool, last == NULL);
}

/* free of a pointer the radix tree does not claim: 3.8's blocks (its tree
 * is empty), the system allocator's, and NULL. */
void pool_free_unclaimed(void *p);

/* free. Pointers the pool does not own (and NULL) go to the system. */
static inline void pool_free(void *p) {
  if (POOL_LIKELY(pool_map_owns(p)))
    pool_free_owned(p);
  else
    pool_free_unclaimed(p);
}

/* realloc: in place while the block's class still fits and the request
 * does not shrink it by 25% or more; otherwise malloc, copy, free. */
void *pool_realloc(void *p, size_t n);

/* calloc: a pool block cleared, or the system calloc for large requests. */
void *pool_calloc(size_t nelem, size_t elsize);

/* The block size of a pool block, malloc_usable_size of another. */
size_t pool_usable_size(void *p);

/* CPython's pymalloc_realloc rule: a pool block of `size` bytes stays put
 * for a request of n bytes when n <= size and 4 n > 3 size. Growing within
 * the class, or shrinking by less than 25%, would cost a copy for less
 * memory than it saves. */
static inline int pool_keeps_block(size_t size, size_t n) {
  return n <= size && 4 * n > 3 * size;
}

/* Whether pool_realloc(p, n) would return p itself (pool_keeps_block for a
 * block the pool owns). */
int pool_realloc_keeps(const void *p, size_t n);

#endif /* POOLBENCH_ALLOCATOR_POOL_POOL_H */
