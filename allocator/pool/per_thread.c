/* The pool under threads=per-thread (per_thread.h). Compiled with
 * per_thread_names.h, like the copy of the pool it drives: pool_malloc
 * below is the copy's fast path on the calling thread's state. */
#include "allocator/pool/per_thread.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "allocator/pool/check.h"
#include "allocator/pool/os.h"
#include "allocator/pool/pool.h"
#include "allocator/pool/size_class.h"
#include "allocator/pool/stats.h"

_Thread_local struct pool_hot_s *pt_hot;
_Thread_local struct pool_state *pt_g;
static _Thread_local pt_state *self;
static _Thread_local unsigned self_index;

static pt_state *states; /* mmap'd, nstates of them */
static unsigned nstates;
static size_t states_bytes;

/* The owner map (P2): 47 bits of user address space in arena-sized
 * pieces, reserved without backing; only the bytes of mapped arenas are
 * ever touched. */
#define ADDRESS_BITS 47
static _Atomic unsigned char *owner_map;
static size_t owner_map_bytes;
static unsigned arena_shift;

static void use(unsigned index) {
  self = &states[index];
  self_index = index;
  pt_hot = &self->hot;
  pt_g = &self->g;
}

int pt_start(const pool_layout *layout, unsigned threads,
             char err[PB_ERROR_MAX]) {
  if (threads > 255) { /* the map's byte holds index + 1 */
    snprintf(err, PB_ERROR_MAX, "threads=per-thread: at most 255 threads");
    return -1;
  }
  arena_shift = (unsigned)__builtin_ctzll(layout->arena_size);
  owner_map_bytes = (size_t)1 << (ADDRESS_BITS - arena_shift);
  void *map = mmap(NULL, owner_map_bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  states_bytes = (threads * sizeof(pt_state) + 4095) & ~(size_t)4095;
  void *st = mmap(NULL, states_bytes, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED || st == MAP_FAILED) {
    snprintf(err, PB_ERROR_MAX,
             "threads=per-thread: cannot map the states and owner map");
    return -1;
  }
  owner_map = map;
  states = st;
  nstates = threads;
  for (unsigned k = 0; k < threads; k++) {
    use(k);
    if (pool_init(layout, err) != 0) return -1;
  }
  return 0;
}

void pt_enter(unsigned index) { use(index); }

/* ---- the copy's OS interface (os.h), with the owner map ------------------
 * os.c is not in the copy: arenas are mapped here, aligned to their size
 * (a mapping of twice the size, trimmed), so that one map byte covers one
 * arena. The per-state counters and test hooks are the same fields. */

void *pool_os_map_arena(size_t size) {
  if (POOL_UNLIKELY(pool_g.fail_next_mmaps > 0)) {
    pool_g.fail_next_mmaps--;
    pool_g.arena_mmap_failures++;
    return NULL;
  }
  pool_g.arena_mmap_calls++;
  char *p = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    pool_g.arena_mmap_failures++;
    return NULL;
  }
  char *aligned = (char *)(((uintptr_t)p + size - 1) & ~(uintptr_t)(size - 1));
  if (aligned > p) munmap(p, (size_t)(aligned - p));
  if (aligned + size < p + 2 * size)
    munmap(aligned + size, (size_t)(p + 2 * size - (aligned + size)));
  atomic_store_explicit(&owner_map[(uintptr_t)aligned >> arena_shift],
                        (unsigned char)(self_index + 1), memory_order_relaxed);
  return aligned;
}

void pool_os_unmap_arena(void *address, size_t size) {
  pool_g.arena_munmap_calls++;
  atomic_store_explicit(&owner_map[(uintptr_t)address >> arena_shift], 0,
                        memory_order_relaxed);
  munmap(address, size);
}

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

/* ---- ownership and the delayed lists -------------------------------------
 */

/* The index + 1 of the state whose arena holds p, 0 for none (a block of
 * the system allocator). A pointer the caller holds was handed to it after
 * its arena was mapped, with release and acquire in between (the replay's
 * hand-offs): a relaxed read sees the owner's store. */
static unsigned owner_of(const void *p) {
  uintptr_t piece = (uintptr_t)p >> arena_shift;
  if (piece >= owner_map_bytes) return 0;
  return atomic_load_explicit(&owner_map[piece], memory_order_relaxed);
}

/* Pushes p onto its owner's delayed list (P3): any thread, lock-free. The
 * release publishes the link written into the block. */
static void push_delayed(pt_state *owner, void *p) {
  pool_free_block *b = p;
  pool_free_block *head =
      atomic_load_explicit(&owner->delayed, memory_order_relaxed);
  do b->next = head;
  while (!atomic_compare_exchange_weak_explicit(
      &owner->delayed, &head, b, memory_order_release, memory_order_relaxed));
  atomic_fetch_add_explicit(&owner->delayed_frees, 1, memory_order_relaxed);
}

/* The owner takes its whole list at once (no ABA: nobody else pops) and
 * frees each block into its own pools. */
static void drain(pt_state *s) {
  pool_free_block *b =
      atomic_exchange_explicit(&s->delayed, NULL, memory_order_acquire);
  while (b) {
    pool_free_block *next = b->next;
    pool_free(b);
    b = next;
  }
}

static inline void drain_if_any(void) {
  if (POOL_UNLIKELY(
          atomic_load_explicit(&self->delayed, memory_order_relaxed) != NULL))
    drain(self);
}

/* The block size of another state's block: its pool's class, read from the
 * pool header (stable while the block is allocated). */
static size_t foreign_size(const void *p) {
  return pool_class_size(pool_of(p)->szidx);
}

/* ---- allocator.h's calls ------------------------------------------------- */

void *pt_malloc(size_t n) {
  drain_if_any();
  return pool_malloc(n);
}

void *pt_calloc(size_t nelem, size_t elsize) {
  drain_if_any();
  return pool_calloc(nelem, elsize);
}

void pt_free(void *p) {
  unsigned owner = owner_of(p);
  if (owner == 0 || owner == self_index + 1)
    pool_free(p);
  else
    push_delayed(&states[owner - 1], p);
}

void *pt_realloc(void *p, size_t n) {
  drain_if_any();
  unsigned owner = p ? owner_of(p) : 0;
  if (owner == 0 || owner == self_index + 1) return pool_realloc(p, n);
  /* Another thread's block: pymalloc's rule keeps it in place when the
   * class still fits; otherwise a block of ours, the data copied, and the
   * old block back to its owner. */
  size_t size = foreign_size(p);
  if (pool_keeps_block(size, n)) return p;
  void *q = pool_malloc(n);
  if (!q) return NULL;
  memcpy(q, p, size < n ? size : n);
  push_delayed(&states[owner - 1], p);
  return q;
}

size_t pt_usable_size(void *p) {
  unsigned owner = owner_of(p);
  if (owner == 0 || owner == self_index + 1) return pool_usable_size(p);
  return foreign_size(p);
}

/* ---- the whole, while nothing else runs (P4) ----------------------------- */

static void drain_all(void) {
  for (unsigned k = 0; k < nstates; k++) {
    use(k);
    drain(&states[k]);
  }
}

void pt_release(void) {
  unsigned me = self_index;
  drain_all();
  for (unsigned k = 0; k < nstates; k++) {
    use(k);
    pool_release();
  }
  use(me);
}

/* Figures of the layout, the same in every state: shown once, not summed. */
static int summed(const char *name) {
  static const char *const layout[] = {"arena_size", "pool_size",
                                       "small_threshold", "size_classes"};
  for (size_t i = 0; i < sizeof layout / sizeof layout[0]; i++)
    if (strcmp(name, layout[i]) == 0) return 0;
  return 1;
}

void pt_stats(pb_stats *stats) {
  unsigned me = self_index;
  stats->count = 0;
  pb_stats each;
  for (unsigned k = 0; k < nstates; k++) {
    use(k);
    pool_stats_fill(&each);
    for (size_t i = 0; i < each.count; i++) {
      uint64_t sum;
      if (pb_stats_find(stats, each.items[i].name, &sum)) {
        if (!summed(each.items[i].name)) continue; /* the layout's */
        for (size_t j = 0; j < stats->count; j++)
          if (strcmp(stats->items[j].name, each.items[i].name) == 0)
            stats->items[j].value += each.items[i].value;
      } else {
        pb_stats_add(stats, each.items[i].name, each.items[i].value);
      }
    }
  }
  uint64_t delayed = 0;
  for (unsigned k = 0; k < nstates; k++)
    delayed +=
        atomic_load_explicit(&states[k].delayed_frees, memory_order_relaxed);
  pb_stats_add(stats, "delayed_frees", delayed);
  /* Per thread, as far as the list has room: its blocks in use and the
   * frees others sent it. */
  for (unsigned k = 0; k < nstates && stats->count + 2 <= PB_STATS_MAX; k++) {
    use(k);
    pool_stats_fill(&each);
    uint64_t blocks = 0;
    char name[PB_STAT_NAME_MAX];
    if (pb_stats_find(&each, "blocks_in_use", &blocks)) {
      snprintf(name, sizeof name, "thread%u_blocks_in_use", k);
      pb_stats_add(stats, name, blocks);
    }
    snprintf(name, sizeof name, "thread%u_delayed_frees", k);
    pb_stats_add(
        stats, name,
        atomic_load_explicit(&states[k].delayed_frees, memory_order_relaxed));
  }
  use(me);
}

void pt_stats_print(FILE *out) {
  unsigned me = self_index;
  for (unsigned k = 0; k < nstates; k++) {
    use(k);
    fprintf(out, "-- thread %u of %u (its own pymalloc state) --\n", k,
            nstates);
    pool_stats_print(out);
  }
  use(me);
}

int pt_check(char *err, size_t len) {
  unsigned me = self_index;
  drain_all();
  int rc = 0;
  for (unsigned k = 0; k < nstates && rc == 0; k++) {
    use(k);
    char why[512];
    if (pool_check(why, sizeof why) != 0) {
      snprintf(err, len, "thread %u: %s", k, why);
      rc = -1;
      break;
    }
    /* P2: every arena of state k is marked k's in the owner map. */
    for (uint32_t a = 0; a < pool_g.maxarenas; a++) {
      const pool_arena *ao = &pool_g.arenas[a];
      if (!ao->address) continue;
      unsigned owner = owner_of((const void *)ao->address);
      if (owner != k + 1) {
        snprintf(err, len,
                 "thread %u: arena %u is marked %u's in the owner map", k, a,
                 owner - 1);
        rc = -1;
        break;
      }
    }
  }
  use(me);
  return rc;
}
