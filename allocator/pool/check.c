/* The invariant checker (check.h). Every walk is bounded, so a corrupted
 * list is reported rather than looped on. */
#include "allocator/pool/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator/pool/address.h"
#include "allocator/pool/pool_types.h"
#include "allocator/pool/size_class.h"

typedef struct checker {
  char *err;
  size_t len;
  int failed;
} checker;

__attribute__((format(printf, 2, 3))) static void fail(checker *c,
                                                       const char *fmt, ...) {
  if (c->failed++) return; /* keep the first */
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err, c->len, fmt, ap);
  va_end(ap);
}

#define CHECK(c, cond, ...)   \
  do {                        \
    if (!(cond)) {            \
      fail((c), __VA_ARGS__); \
      return;                 \
    }                         \
  } while (0)

static uintptr_t first_pool(const pool_arena *ao) {
  uintptr_t pool_size = pool_g.layout.pool_size;
  return (ao->address + pool_size - 1) & ~(pool_size - 1);
}

/* Whether a lies in an allocated arena, by scanning the vector. */
static int in_any_arena(uintptr_t a) {
  for (uint32_t i = 0; i < pool_g.maxarenas; i++) {
    uintptr_t base = pool_g.arenas[i].address;
    if (base != 0 && a >= base && a - base < pool_g.layout.arena_size) return 1;
  }
  return 0;
}

/* I2 to I4 for one carved pool with count > 0. Adds it to *partial when
 * it should be on usedpools. */
static void check_pool(checker *c, uint32_t ai, uint32_t pi,
                       const pool_header *pool, uint8_t *seen,
                       uint64_t *partial) {
  size_t pool_size = pool_g.layout.pool_size;
  uint32_t idx = pool->szidx;
  CHECK(c, idx < pool_g.nclasses, "arena %u pool %u: szidx %u of %u classes",
        ai, pi, idx, pool_g.nclasses);
  uint32_t size = (uint32_t)pool_class_size(idx);
  uint32_t cap = pool_class_capacity(pool_size, idx);
  CHECK(c, pool->count <= cap, "arena %u pool %u: count %u > capacity %u", ai,
        pi, pool->count, cap);
  CHECK(c, pool->maxnextoffset == pool_size - size,
        "arena %u pool %u: maxnextoffset %u for block size %u", ai, pi,
        pool->maxnextoffset, size);
  CHECK(c,
        pool->nextoffset >= POOL_OVERHEAD + size &&
            (pool->nextoffset - POOL_OVERHEAD) % size == 0 &&
            pool->nextoffset <= pool->maxnextoffset + size,
        "arena %u pool %u: nextoffset %u off the grid of %u-byte blocks", ai,
        pi, pool->nextoffset, size);
  uint32_t virgin = pool->nextoffset <= pool->maxnextoffset
                        ? (uint32_t)((pool_size - pool->nextoffset) / size)
                        : 0;
  memset(seen, 0, ((size_t)cap + 7) / 8);
  uint32_t listed = 0;
  for (const pool_free_block *b = pool->freeblock; b != NULL; b = b->next) {
    uintptr_t off = (uintptr_t)b - (uintptr_t)pool;
    CHECK(c, off >= POOL_OVERHEAD && off < pool->nextoffset,
          "arena %u pool %u: free block at offset %zu outside the carved "
          "region [48, %u)",
          ai, pi, (size_t)off, pool->nextoffset);
    CHECK(c, (off - POOL_OVERHEAD) % size == 0,
          "arena %u pool %u: free block at offset %zu off the grid of %u", ai,
          pi, (size_t)off, size);
    uint32_t k = (uint32_t)((off - POOL_OVERHEAD) / size);
    CHECK(c, !(seen[k / 8] & (1u << (k % 8))),
          "arena %u pool %u: block %u twice on the free list (a cycle or a "
          "double free)",
          ai, pi, k);
    seen[k / 8] |= (uint8_t)(1u << (k % 8));
    listed++;
  }
  CHECK(c, listed + pool->count + virgin == cap,
        "arena %u pool %u: %u free + %u in use + %u virgin != capacity %u", ai,
        pi, listed, pool->count, virgin, cap);
  if (pool->freeblock == NULL) {
    CHECK(c, virgin == 0, "arena %u pool %u: empty free list but %u virgin", ai,
          pi, virgin);
  } else {
    partial[idx]++;
  }
}

/* I5, I6, I10 and the pools of one arena. */
static void check_arena(checker *c, uint32_t ai, uint8_t *seen,
                        uint64_t *partial) {
  const pool_arena *ao = &pool_g.arenas[ai];
  size_t pool_size = pool_g.layout.pool_size;
  size_t arena_size = pool_g.layout.arena_size;
  uintptr_t first = first_pool(ao);
  uint32_t total = pool_g.maxpools - (first != ao->address ? 1 : 0);
  CHECK(c, ao->ntotalpools == total, "arena %u: ntotalpools %u, expected %u",
        ai, ao->ntotalpools, total);
  uintptr_t pa = (uintptr_t)ao->pool_address;
  CHECK(c,
        pa >= first && pa <= first + (uintptr_t)total * pool_size &&
            (pa - first) % pool_size == 0,
        "arena %u: pool_address %#lx outside its pools", ai, (unsigned long)pa);
  uint32_t carved = (uint32_t)((pa - first) / pool_size);
  uint32_t virgin = total - carved;

  uint32_t freelisted = 0;
  for (const pool_header *p = ao->freepools; p != NULL; p = p->nextpool) {
    uintptr_t a = (uintptr_t)p;
    CHECK(c, freelisted < carved, "arena %u: freepools longer than %u pools",
          ai, carved);
    CHECK(c, a >= first && a < pa && (a - first) % pool_size == 0,
          "arena %u: freepools holds %#lx, not a carved pool", ai,
          (unsigned long)a);
    CHECK(c, p->count == 0, "arena %u: pool %#lx on freepools has count %u", ai,
          (unsigned long)a, p->count);
    freelisted++;
  }
  CHECK(c, ao->nfreepools == freelisted + virgin,
        "arena %u: nfreepools %u != %u on freepools + %u virgin", ai,
        ao->nfreepools, freelisted, virgin);

  uint32_t empty = 0;
  for (uint32_t pi = 0; pi < carved; pi++) {
    const pool_header *pool =
        (const pool_header *)(first + (uintptr_t)pi * pool_size);
    CHECK(c, pool->arenaindex == ai, "arena %u pool %u: arenaindex %u", ai, pi,
          pool->arenaindex);
    /* I10: free's test claims every block of a carved pool. */
    const uint8_t *first_block = (const uint8_t *)pool + POOL_OVERHEAD;
    CHECK(c,
          pool_owns_block(first_block) &&
              pool_owns_block((const uint8_t *)pool + pool_size - 1),
          "arena %u pool %u: free would not take its blocks", ai, pi);
    if (pool->count == 0) {
      empty++;
      continue;
    }
    check_pool(c, ai, pi, pool, seen, partial);
    if (c->failed) return;
  }
  /* Every freepools entry is a distinct carved pool of count 0 (bounded
   * walk above), so equal numbers mean the same set. */
  CHECK(c, empty == freelisted, "arena %u: %u empty pools but %u on freepools",
        ai, empty, freelisted);

  uintptr_t base = ao->address;
  const uintptr_t probes[] = {base - 1, base, base + arena_size / 2,
                              base + arena_size - 1, base + arena_size};
  for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++) {
    CHECK(c, pool_owns((const void *)probes[k]) == in_any_arena(probes[k]),
          "arena %u: pool_owns says %#lx is %s", ai, (unsigned long)probes[k],
          pool_owns((const void *)probes[k]) ? "ours" : "not ours");
  }
}

/* I1: the usedpools lists against the partial pools found. */
static void check_usedpools(checker *c, const uint64_t *partial) {
  size_t pool_size = pool_g.layout.pool_size;
  for (uint32_t idx = 0; idx < pool_g.nclasses; idx++) {
    pool_header *head = &pool_hot.usedpools[idx];
    uint64_t n = 0;
    uint32_t cap = pool_class_capacity(pool_size, idx);
    for (pool_header *p = head->nextpool; p != head; p = p->nextpool) {
      CHECK(c, n < partial[idx] + 1,
            "usedpools[%u]: more pools on the list than the %llu partly used",
            idx, (unsigned long long)partial[idx]);
      CHECK(c, p->nextpool->prevpool == p && p->prevpool->nextpool == p,
            "usedpools[%u]: broken links at %p", idx, (void *)p);
      CHECK(c, pool_owns(p), "usedpools[%u]: %p is in no arena", idx,
            (void *)p);
      CHECK(c, p->szidx == idx, "usedpools[%u]: pool %p has szidx %u", idx,
            (void *)p, p->szidx);
      CHECK(c, p->count > 0 && p->count < cap && p->freeblock != NULL,
            "usedpools[%u]: pool %p has count %u of %u, freeblock %p", idx,
            (void *)p, p->count, cap, (void *)p->freeblock);
      n++;
    }
    CHECK(c, head->prevpool->nextpool == head,
          "usedpools[%u]: the sentinel's prevpool is wrong", idx);
    CHECK(c, n == partial[idx],
          "usedpools[%u]: %llu pools listed, %llu partly used", idx,
          (unsigned long long)n, (unsigned long long)partial[idx]);
  }
}

/* I7 and I8. */
static void check_usable_arenas(checker *c, pool_arena **last) {
  uint32_t n = 0, expected = 0;
  for (uint32_t i = 0; i < pool_g.maxarenas; i++)
    if (pool_g.arenas[i].address != 0 && pool_g.arenas[i].nfreepools > 0)
      expected++;
  memset(last, 0, ((size_t)pool_g.maxpools + 1) * sizeof *last);
  const pool_arena *prev = NULL;
  for (pool_arena *ao = pool_g.usable_arenas; ao != NULL; ao = ao->nextarena) {
    CHECK(c, n < expected,
          "usable_arenas: longer than the %u arenas with "
          "free pools",
          expected);
    CHECK(c, ao->prevarena == prev, "usable_arenas: broken prevarena at %u",
          (unsigned)(ao - pool_g.arenas));
    CHECK(c, ao->address != 0 && ao->nfreepools > 0,
          "usable_arenas: arena %u has address %#lx and %u free pools",
          (unsigned)(ao - pool_g.arenas), (unsigned long)ao->address,
          ao->nfreepools);
    CHECK(c, prev == NULL || prev->nfreepools <= ao->nfreepools,
          "usable_arenas: not sorted (%u free pools before %u)",
          prev ? prev->nfreepools : 0, ao->nfreepools);
    last[ao->nfreepools] = ao;
    prev = ao;
    n++;
  }
  CHECK(c, n == expected, "usable_arenas: %u listed, %u have free pools", n,
        expected);
  for (uint32_t nf = 0; nf <= pool_g.maxpools; nf++) {
    CHECK(c, pool_g.nfp2lasta[nf] == last[nf],
          "nfp2lasta[%u] is arena %ld, the last with %u free pools is %ld", nf,
          pool_g.nfp2lasta[nf] ? (long)(pool_g.nfp2lasta[nf] - pool_g.arenas)
                               : -1L,
          nf, last[nf] ? (long)(last[nf] - pool_g.arenas) : -1L);
  }
}

/* I12: the radix tree, walked whole (every node and every entry). */
static void check_map(checker *c) {
  pool_map_geometry g;
  pool_map_geometry_of(&pool_g.layout, &g);
  CHECK(c,
        g.address_bits == pool_g.map.address_bits &&
            g.root_bits == pool_g.map.root_bits &&
            g.mid_bits == pool_g.map.mid_bits &&
            g.bot_bits == pool_g.map.bot_bits &&
            g.arena_bits == pool_g.map.arena_bits,
        "radix tree: geometry %u/%u/%u/%u of %u bits, the layout's is "
        "%u/%u/%u/%u of %u",
        pool_g.map.root_bits, pool_g.map.mid_bits, pool_g.map.bot_bits,
        pool_g.map.arena_bits, pool_g.map.address_bits, g.root_bits, g.mid_bits,
        g.bot_bits, g.arena_bits, g.address_bits);
  size_t root_len = pool_map_root_len(&g), mid_len = pool_map_mid_len(&g);
  size_t bot_len = pool_map_bot_len(&g);
  int no_tree = pool_g.layout.algorithm == POOL_ALGORITHM_3_8;
  CHECK(c,
        pool_hot.root_len == (no_tree ? 0 : root_len) &&
            pool_hot.arena_shift == g.arena_bits &&
            pool_hot.mid_shift == g.arena_bits + g.bot_bits &&
            pool_hot.root_shift == g.arena_bits + g.bot_bits + g.mid_bits &&
            pool_hot.bot_mask == bot_len - 1 &&
            pool_hot.mid_mask == mid_len - 1 &&
            pool_hot.arena_mask == pool_g.layout.arena_size - 1,
        "radix tree: pool_hot's shifts and masks are not the geometry's");
  CHECK(c, pool_hot.map_default == pool_map_is_default(&pool_g.layout),
        "radix tree: map_default %u for layout of %u/%u/%u/%u",
        pool_hot.map_default, g.root_bits, g.mid_bits, g.bot_bits,
        g.arena_bits);
  uint64_t arena_size = pool_g.layout.arena_size;
  uint64_t mids = 0, bots = 0, owned = 0;
  for (size_t i1 = 0; i1 < POOL_MAP_ROOT_MAX_LEN; i1++) {
    pool_map_bot_ref *mid = pool_g.map_root[i1];
    if (mid == NULL) continue;
    CHECK(c, i1 < pool_hot.root_len,
          "radix tree: a mid node at root entry %zu, beyond the root's %u", i1,
          pool_hot.root_len);
    mids++;
    for (size_t i2 = 0; i2 < mid_len; i2++) {
      const pool_map_cover *bot = mid[i2];
      if (bot == NULL) continue;
      bots++;
      for (size_t i3 = 0; i3 < bot_len; i3++) {
        pool_map_cover e = bot[i3];
        CHECK(c,
              e.start < arena_size && e.len <= arena_size &&
                  (e.start == 0 || e.start + (uint64_t)e.len >= arena_size),
              "radix tree: entry %zu/%zu/%zu holds start %u, len %u: not one "
              "run of a %llu-byte chunk",
              i1, i2, i3, e.start, e.len, (unsigned long long)arena_size);
        owned += e.len;
      }
    }
  }
  CHECK(c, mids == pool_g.map_mid_count && bots == pool_g.map_bot_count,
        "radix tree: %llu mid and %llu bottom nodes, counted %zu and %zu",
        (unsigned long long)mids, (unsigned long long)bots,
        pool_g.map_mid_count, pool_g.map_bot_count);
  uint64_t arenas = no_tree ? 0 : pool_g.narenas_currently_allocated;
  CHECK(c, owned == arenas * arena_size,
        "radix tree: claims %llu bytes, %llu arenas cover %llu",
        (unsigned long long)owned, (unsigned long long)arenas,
        (unsigned long long)(arenas * arena_size));
}

static void check_all(checker *c, uint8_t *seen, uint64_t *partial,
                      pool_arena **last) {
  CHECK(c, pool_hot.threshold == pool_g.layout.threshold,
        "pool_hot.threshold %zu, layout %zu", pool_hot.threshold,
        pool_g.layout.threshold);
  /* I9 */
  uint32_t unused = 0, allocated = 0;
  for (pool_arena *ao = pool_g.unused_arena_objects; ao != NULL;
       ao = ao->nextarena) {
    CHECK(c, unused < pool_g.maxarenas, "unused_arena_objects: a cycle");
    CHECK(c, ao->address == 0, "unused_arena_objects: arena %u is mapped",
          (unsigned)(ao - pool_g.arenas));
    unused++;
  }
  for (uint32_t i = 0; i < pool_g.maxarenas; i++)
    if (pool_g.arenas[i].address != 0) allocated++;
  CHECK(c, unused + allocated == pool_g.maxarenas,
        "%u unused + %u allocated arena objects of %u", unused, allocated,
        pool_g.maxarenas);
  CHECK(c, allocated == pool_g.narenas_currently_allocated,
        "%u arenas allocated, narenas_currently_allocated %zu", allocated,
        pool_g.narenas_currently_allocated);
  /* I11 */
  CHECK(c,
        pool_g.narenas_highwater >= allocated &&
            pool_g.ntimes_arena_allocated >= allocated,
        "arena counters: highwater %zu, total %zu, current %u",
        pool_g.narenas_highwater, pool_g.ntimes_arena_allocated, allocated);
  for (uint32_t i = 0; i < pool_g.maxarenas && !c->failed; i++)
    if (pool_g.arenas[i].address != 0) check_arena(c, i, seen, partial);
  if (c->failed) return;
  check_usedpools(c, partial);
  if (c->failed) return;
  check_usable_arenas(c, last);
  if (c->failed) return;
  check_map(c);
}

int pool_check(char *err, size_t len) {
  checker c = {err, len, 0};
  if (!pool_g.initialized) {
    if (pool_g.maxarenas != 0 || pool_hot.threshold != 0)
      fail(&c, "not initialized, yet %u arena objects and threshold %zu",
           pool_g.maxarenas, pool_hot.threshold);
    return c.failed ? -1 : 0;
  }
  size_t max_cap = (pool_g.layout.pool_size - POOL_OVERHEAD) / POOL_ALIGNMENT;
  uint8_t *seen = calloc(max_cap / 8 + 1, 1);
  uint64_t *partial = calloc(pool_g.nclasses, sizeof *partial);
  pool_arena **last = calloc((size_t)pool_g.maxpools + 1, sizeof *last);
  if (seen == NULL || partial == NULL || last == NULL)
    fail(&c, "out of memory for the checker");
  else
    check_all(&c, seen, partial, last);
  free(seen);
  free(partial);
  free(last);
  return c.failed ? -1 : 0;
}
