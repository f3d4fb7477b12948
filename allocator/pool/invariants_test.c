/* Randomized operation sequences, with the invariant checker (check.c)
 * run after every batch, on the 3.11, 3.10, 3.8 and custom layouts; and proof
 * that the checker catches corruption. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "allocator/allocator.h"
#include "allocator/pool/check.h"
#include "allocator/pool/pool.h"
#include "allocator/pool/test_util.h"
#include "testing/backend_test.h"
#include "testing/check.h"

typedef struct slot {
  uint8_t *block;
  size_t size;
  uint64_t id;
} slot;

static uint8_t pattern(uint64_t id, size_t i) {
  return (uint8_t)((id * 0x9E3779B97F4A7C15ull) >> (8 * (i & 7))) ^
         (uint8_t)(i >> 3);
}

static void fill(const slot *s) {
  for (size_t i = 0; i < s->size; i++) s->block[i] = pattern(s->id, i);
}

static void verify(const slot *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    PB_CHECKF(s->block[i] == pattern(s->id, i),
              "block %p (%zu bytes) corrupted at byte %zu", (void *)s->block,
              s->size, i);
}

/* Mostly small requests, all classes of the layout, a few 0 or larger than
 * the threshold. */
static size_t random_size(pb_rng *rng) {
  size_t threshold = pool_g.layout.threshold;
  uint64_t r = pb_rng_below(rng, 100);
  if (r < 2) return 0;
  if (r < 4) return threshold + 1 + (size_t)pb_rng_below(rng, 2000);
  if (r < 20) return 1 + (size_t)pb_rng_below(rng, threshold);
  return 1 + (size_t)pb_rng_below(rng, threshold < 512 ? threshold : 512);
}

enum { SLOTS = 12000 };

/* The fewest usable pools seen in an arena (one-pool arenas exist only in
 * layouts of two pools per arena). */
static uint32_t fewest_pools_seen;

static void note_arenas(void) {
  for (uint32_t i = 0; i < pool_g.maxarenas; i++)
    if (pool_g.arenas[i].address != 0 &&
        pool_g.arenas[i].ntotalpools < fewest_pools_seen)
      fewest_pools_seen = pool_g.arenas[i].ntotalpools;
}

/* One phase: ops operations where a free slot is filled with probability
 * alloc_pct% and a live one freed or reallocated otherwise. */
static void phase(slot *slots, pb_rng *rng, long ops, unsigned alloc_pct,
                  uint64_t *next_id) {
  for (long op = 0; op < ops; op++) {
    slot *s = &slots[pb_rng_below(rng, SLOTS)];
    uint64_t r = pb_rng_below(rng, 100);
    if (s->block == NULL) {
      if (r >= alloc_pct) continue;
      s->size = random_size(rng);
      s->id = (*next_id)++;
      s->block = r % 4 == 0 ? pb_calloc(1, s->size) : pb_malloc(s->size);
      PB_CHECK(s->block != NULL);
      if (r % 4 == 0)
        for (size_t i = 0; i < s->size; i++) PB_CHECK(s->block[i] == 0);
      fill(s);
    } else if (r < 100 - alloc_pct / 2 || r % 3 != 0) {
      verify(s, s->size);
      pb_free(s->block);
      s->block = NULL;
    } else {
      verify(s, s->size);
      size_t n = random_size(rng) | 1;
      uint8_t *old = s->block;
      int keeps = pool_realloc_keeps(old, n);
      s->block = pb_realloc(old, n);
      PB_CHECK(s->block != NULL);
      PB_CHECK(!keeps || s->block == old);
      verify(s, n < s->size ? n : s->size);
      s->size = n;
      s->id = (*next_id)++;
      fill(s);
    }
    if (op % 4000 == 0) {
      expect_invariants();
      note_arenas();
    }
  }
  expect_invariants();
  expect_accounting();
}

static void randomized(const char *layout, uint64_t seed) {
  fresh_pool(layout);
  slot *slots = calloc(SLOTS, sizeof *slots);
  PB_CHECK(slots != NULL);
  pb_rng rng = pb_rng_seeded(seed, 0);
  uint64_t next_id = 1;
  fewest_pools_seen = UINT32_MAX;
  phase(slots, &rng, 60000, 90, &next_id); /* grow */
  PB_CHECK(stat_of("arenas_current") >= 2);
  phase(slots, &rng, 60000, 50, &next_id); /* churn */
  phase(slots, &rng, 60000, 10, &next_id); /* shrink: arenas drain */
  /* Pin: keep every 50th block, free the rest, check, release. */
  for (int i = 0; i < SLOTS; i++) {
    if (slots[i].block && i % 50 != 0) {
      verify(&slots[i], slots[i].size);
      pb_free(slots[i].block);
      slots[i].block = NULL;
    }
  }
  expect_invariants();
  pb_release();
  expect_invariants();
  expect_accounting();
  phase(slots, &rng, 30000, 70, &next_id); /* regrow after release */
  for (int i = 0; i < SLOTS; i++) {
    if (slots[i].block) {
      verify(&slots[i], slots[i].size);
      pb_free(slots[i].block);
    }
  }
  expect_invariants();
  PB_CHECK(stat_of("arenas_current") <= 1); /* all but one reclaimed */
  PB_CHECK(stat_of("arenas_reclaimed") > 0);
  PB_CHECK_EQ(stat_of("blocks_in_use"), 0);
  PB_CHECK_EQ(stat_of("raw_allocated_bytes"), 0);
  pb_release();
  PB_CHECK_EQ(stat_of("arenas_current"), 0);
  expect_invariants();
  free(slots);
}

static void layout_3_11(void) { randomized("layout=3.11", 7); }
static void layout_3_10(void) { randomized("layout=3.10", 1); }
static void layout_3_8(void) { randomized("layout=3.8", 2); }
static void layout_64k_pools(void) { randomized("pool_size=64KiB", 3); }
static void layout_small_arenas(void) {
  /* 4 pools per arena: arenas come and go all the time. */
  randomized("layout=3.8 arena_size=16KiB threshold=1024", 4);
}
static void layout_one_block_pools(void) {
  /* threshold = pool capacity: the largest classes hold one block. */
  randomized("arena_size=128KiB pool_size=16KiB threshold=16336", 5);
}
static void layout_one_pool_arenas(void) {
  /* Two 16 KiB pools per arena: an arena that mmap does not align to
   * 16 KiB has a single usable pool. */
  randomized("arena_size=32KiB pool_size=16KiB threshold=4096", 6);
  PB_CHECK_EQ(fewest_pools_seen, 1);
}

/* ---- the checker itself -------------------------------------------------- */

static void expect_violation(const char *what) {
  char err[512];
  PB_CHECKF(pool_check(err, sizeof err) != 0, "corruption of %s not seen",
            what);
  PB_CHECKF(strchr(err, '\n') == NULL, "%s", err);
}

static void checker_catches_corruption(void) {
  fresh_pool("layout=3.11");
  enum { N = 3000 };
  void *blocks[N];
  for (int i = 0; i < N; i++) blocks[i] = pb_malloc(48 + (i % 3) * 16);
  for (int i = 0; i < N; i += 2) pb_free(blocks[i]);
  expect_invariants();

  pool_header *pool = pool_of(blocks[1]);
  pool->count++;
  expect_violation("a pool's count");
  pool->count--;

  pool_free_block *fb = pool->freeblock;
  pool_free_block *saved = fb->next;
  fb->next = fb; /* a cycle */
  expect_violation("a free list");
  fb->next = saved;

  pool_header *head = &pool_hot.usedpools[pool->szidx];
  pool_header *first = head->nextpool;
  head->nextpool = head; /* a used pool dropped from usedpools */
  expect_violation("usedpools");
  head->nextpool = first;

  pool_arena *ua = pool_g.usable_arenas;
  PB_CHECK(ua != NULL);
  uint32_t nf = ua->nfreepools;
  pool_arena *finger = pool_g.nfp2lasta[nf];
  pool_g.nfp2lasta[nf] = NULL;
  expect_violation("nfp2lasta");
  pool_g.nfp2lasta[nf] = finger;

  ua->nfreepools++;
  expect_violation("nfreepools");
  ua->nfreepools--;

  /* I12: the radix tree. */
  pool_g.map_bot_count++;
  expect_violation("the bottom node count");
  pool_g.map_bot_count--;
  pool_map_cover *entry = NULL;
  for (size_t i1 = 0; i1 < POOL_MAP_ROOT_MAX_LEN && entry == NULL; i1++) {
    pool_map_bot_ref *mid = pool_g.map_root[i1];
    for (size_t i2 = 0; mid != NULL && i2 <= pool_hot.mid_mask; i2++)
      if (mid[i2] != NULL) entry = &mid[i2][0];
  }
  PB_CHECK(entry != NULL);
  pool_map_cover saved_entry = *entry;
  entry->len += 4096; /* a chunk claimed that no arena covers */
  expect_violation("a bottom entry's run");
  *entry = saved_entry;
  pool_hot.root_len = 1;
  expect_violation("the root's length");
  pool_hot.root_len = (uint32_t)pool_map_root_len(&pool_g.map);

  expect_invariants();
  for (int i = 1; i < N; i += 2) pb_free(blocks[i]);
  expect_invariants();
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(layout_3_11),
      PB_TEST(layout_3_10),
      PB_TEST(layout_3_8),
      PB_TEST(layout_64k_pools),
      PB_TEST(layout_small_arenas),
      PB_TEST(layout_one_block_pools),
      PB_TEST(layout_one_pool_arenas),
      PB_TEST(checker_catches_corruption),
      {NULL, NULL},
  };
  return pb_backend_test_main(tests, argc, argv);
}
