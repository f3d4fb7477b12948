/* Arenas (arena.h). The algorithm is CPython's new_arena,
 * allocate_from_new_pool and insert_to_freepool (Objects/obmalloc.c,
 * 3.10 to 3.13), including the nfp2lasta fingers (bpo-37029) and the one
 * wholly free arena kept against thrashing (bpo-37257, not in 3.8: see
 * keeps_empty_arena). */
#include "allocator/pool/arena.h"

#include "allocator/pool/address.h"
#include "allocator/pool/os.h"

int pool_arena_init(void) {
  pool_g.nfp2lasta =
      pool_os_meta_calloc((size_t)pool_g.maxpools + 1, sizeof(pool_arena *));
  return pool_g.nfp2lasta != NULL ? 0 : -1;
}

/* Grows the arenas vector when no object is unused. Only called when
 * usable_arenas is empty, so that no list or finger points into the
 * vector and moving it is safe (pools name their arena by index). */
static int grow_arena_objects(void) {
  POOL_ASSERT(pool_g.usable_arenas == NULL);
  uint32_t old = pool_g.maxarenas;
  uint32_t num = old ? old * 2 : POOL_INITIAL_ARENA_OBJECTS;
  size_t bytes;
  if (num <= old ||
      __builtin_mul_overflow((size_t)num, sizeof(pool_arena), &bytes))
    return -1;
  pool_arena *arenas = pool_os_meta_realloc(pool_g.arenas, bytes);
  if (arenas == NULL) return -1;
  for (uint32_t i = old; i < num; i++) {
    arenas[i] = (pool_arena){0};
    arenas[i].nextarena = i + 1 < num ? &arenas[i + 1] : NULL;
  }
  pool_g.arenas = arenas;
  pool_g.unused_arena_objects = &arenas[old];
  pool_g.maxarenas = num;
  return 0;
}

/* Maps a new arena (CPython's new_arena). NULL when out of memory; then
 * nothing has changed but, maybe, the length of the vector. */
static pool_arena *new_arena(void) {
  if (pool_g.unused_arena_objects == NULL && grow_arena_objects() != 0)
    return NULL;
  size_t arena_size = pool_g.layout.arena_size;
  size_t pool_size = pool_g.layout.pool_size;
  void *address = pool_os_map_arena(arena_size);
  if (address == NULL) return NULL;
  if (!pool_hot.header_ownership &&
      pool_map_mark_used((uintptr_t)address) != 0) {
    pool_os_unmap_arena(address, arena_size);
    return NULL;
  }
  pool_arena *ao = pool_g.unused_arena_objects;
  pool_g.unused_arena_objects = ao->nextarena;
  ao->address = (uintptr_t)address;
  ao->freepools = NULL;
  ao->nextarena = ao->prevarena = NULL;
  ao->pool_address = address;
  ao->nfreepools = pool_g.maxpools;
  /* mmap aligns to the page only: an arena whose start is not a pool
   * boundary loses one pool (its partial head and tail pools). */
  uintptr_t excess = ao->address & (pool_size - 1);
  if (excess != 0) {
    ao->nfreepools--;
    ao->pool_address += pool_size - excess;
  }
  ao->ntotalpools = ao->nfreepools;
  pool_g.narenas_currently_allocated++;
  pool_g.ntimes_arena_allocated++;
  if (pool_g.narenas_currently_allocated > pool_g.narenas_highwater)
    pool_g.narenas_highwater = pool_g.narenas_currently_allocated;
  return ao;
}

/* Unmaps the arena of ao, which is on no list, and recycles ao. */
static void free_arena(pool_arena *ao) {
  if (!pool_hot.header_ownership) pool_map_mark_unused(ao->address);
  pool_os_unmap_arena((void *)ao->address, pool_g.layout.arena_size);
  ao->address = 0;
  ao->prevarena = NULL;
  ao->nextarena = pool_g.unused_arena_objects;
  pool_g.unused_arena_objects = ao;
  pool_g.narenas_currently_allocated--;
}

/* Removes ao from usable_arenas, fixing its finger. */
static void unlink_usable(pool_arena *ao) {
  uint32_t nf = ao->nfreepools;
  if (pool_g.nfp2lasta[nf] == ao) {
    pool_arena *prev = ao->prevarena;
    pool_g.nfp2lasta[nf] = prev != NULL && prev->nfreepools == nf ? prev : NULL;
  }
  if (ao->prevarena != NULL)
    ao->prevarena->nextarena = ao->nextarena;
  else
    pool_g.usable_arenas = ao->nextarena;
  if (ao->nextarena != NULL) ao->nextarena->prevarena = ao->prevarena;
  ao->nextarena = ao->prevarena = NULL;
}

/* Whether a wholly free arena that is the last usable one is kept rather
 * than unmapped: 3.9 on (bpo-37257); 3.8 unmaps every wholly free arena. */
static int keeps_empty_arena(void) {
  return pool_g.layout.algorithm != POOL_ALGORITHM_3_8;
}

pool_header *pool_arena_take_pool(void) {
  pool_arena **nfp2lasta = pool_g.nfp2lasta;
  pool_arena *ua = pool_g.usable_arenas;
  if (ua == NULL) {
    ua = new_arena();
    if (ua == NULL) return NULL;
    pool_g.usable_arenas = ua;
    POOL_ASSERT(nfp2lasta[ua->nfreepools] == NULL);
    nfp2lasta[ua->nfreepools] = ua;
  }
  /* ua is the head: the fewest free pools. Taking one moves it from
   * finger nf (where it may be the last) to nf - 1 (where it is alone). */
  uint32_t nf = ua->nfreepools;
  if (nfp2lasta[nf] == ua) nfp2lasta[nf] = NULL;
  if (nf > 1) {
    POOL_ASSERT(nfp2lasta[nf - 1] == NULL);
    nfp2lasta[nf - 1] = ua;
  }
  pool_header *pool = ua->freepools;
  if (pool != NULL) {
    ua->freepools = pool->nextpool; /* keeps szidx and its free list */
  } else {
    pool = (pool_header *)ua->pool_address; /* carve a virgin pool */
    pool->arenaindex = (uint32_t)(ua - pool_g.arenas);
    pool->szidx = POOL_NO_CLASS;
    ua->pool_address += pool_g.layout.pool_size;
  }
  ua->nfreepools = nf - 1;
  if (nf == 1) { /* wholly allocated: off the usable list */
    pool_g.usable_arenas = ua->nextarena;
    if (ua->nextarena != NULL) ua->nextarena->prevarena = NULL;
    ua->nextarena = ua->prevarena = NULL;
  }
  return pool;
}

void pool_arena_return_pool(pool_header *pool) {
  pool_arena **nfp2lasta = pool_g.nfp2lasta;
  pool_arena *ao = &pool_g.arenas[pool->arenaindex];
  pool->nextpool = ao->freepools;
  pool->prevpool = NULL;
  ao->freepools = pool;

  /* If ao was the last arena with nf free pools, the finger for nf moves
   * to its predecessor (when that has nf too). nf == 0: no finger. */
  uint32_t nf = ao->nfreepools;
  pool_arena *lastnf = nfp2lasta[nf];
  POOL_ASSERT((nf == 0) == (lastnf == NULL));
  if (lastnf == ao) {
    pool_arena *prev = ao->prevarena;
    nfp2lasta[nf] = prev != NULL && prev->nfreepools == nf ? prev : NULL;
  }
  ao->nfreepools = ++nf;

  if (nf == 1) {
    /* ao was wholly allocated, so it is on no list. An arena of a single
     * usable pool is now wholly free: unmap it unless it is the only
     * usable arena and empty arenas are kept. (CPython's pools per arena
     * make this case impossible there; custom layouts can have one-pool
     * arenas.) */
    if (POOL_UNMAPS_EMPTY_ARENAS && nf == ao->ntotalpools &&
        (pool_g.usable_arenas != NULL || !keeps_empty_arena())) {
      free_arena(ao);
      return;
    }
    /* It has the fewest free pools possible: put it at the head. */
    ao->prevarena = NULL;
    ao->nextarena = pool_g.usable_arenas;
    if (pool_g.usable_arenas != NULL) pool_g.usable_arenas->prevarena = ao;
    pool_g.usable_arenas = ao;
    if (nfp2lasta[1] == NULL) nfp2lasta[1] = ao;
    return;
  }

  if (POOL_UNMAPS_EMPTY_ARENAS && nf == ao->ntotalpools &&
      (ao->nextarena != NULL || !keeps_empty_arena())) {
    /* Wholly free and not the last usable arena: give it back. The last
     * one is kept, so that usage hovering at an arena boundary does not
     * map and unmap an arena every time (bpo-37257); 3.8 gives it back
     * too. */
    unlink_usable(ao);
    free_arena(ao);
    return;
  }

  /* ao is now the rightmost arena with nf free pools unless one is. */
  if (nfp2lasta[nf] == NULL) nfp2lasta[nf] = ao;
  if (ao == lastnf) return; /* it was rightmost of nf - 1: still sorted */

  /* Move ao right, to just after the last arena with nf - 1 free pools. */
  POOL_ASSERT(ao->nextarena != NULL);
  if (ao->prevarena != NULL)
    ao->prevarena->nextarena = ao->nextarena;
  else
    pool_g.usable_arenas = ao->nextarena;
  ao->nextarena->prevarena = ao->prevarena;
  ao->prevarena = lastnf;
  ao->nextarena = lastnf->nextarena;
  if (ao->nextarena != NULL) ao->nextarena->prevarena = ao;
  lastnf->nextarena = ao;
  POOL_ASSERT(ao->nextarena == NULL || nf <= ao->nextarena->nfreepools);
  POOL_ASSERT(ao->prevarena->nfreepools < nf);
}

void pool_arena_release_free(void) {
  pool_arena *ao = pool_g.usable_arenas;
  while (ao != NULL) {
    pool_arena *next = ao->nextarena;
    if (ao->nfreepools == ao->ntotalpools) {
      unlink_usable(ao);
      free_arena(ao);
    }
    ao = next;
  }
}

int pool_arena_any_in_use(void) {
  for (uint32_t i = 0; i < pool_g.maxarenas; i++) {
    const pool_arena *ao = &pool_g.arenas[i];
    if (ao->address != 0 && ao->nfreepools != ao->ntotalpools) return 1;
  }
  return 0;
}

void pool_arena_teardown(void) {
  for (uint32_t i = 0; i < pool_g.maxarenas; i++) {
    pool_arena *ao = &pool_g.arenas[i];
    if (ao->address != 0)
      pool_os_unmap_arena((void *)ao->address, pool_g.layout.arena_size);
  }
  pool_os_meta_free(pool_g.arenas);
  pool_os_meta_free(pool_g.nfp2lasta);
  pool_g.arenas = NULL;
  pool_g.maxarenas = 0;
  pool_g.unused_arena_objects = NULL;
  pool_g.usable_arenas = NULL;
  pool_g.nfp2lasta = NULL;
  pool_g.narenas_currently_allocated = 0;
  pool_g.ntimes_arena_allocated = 0;
  pool_g.narenas_highwater = 0;
}
