/* Fault injection: when the OS refuses an arena (or the metadata an arena
 * needs), malloc returns NULL, nothing is corrupted, and allocation works
 * again once memory is available. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "allocator/allocator.h"
#include "allocator/pool/os.h"
#include "allocator/pool/pool.h"
#include "allocator/pool/test_util.h"
#include "testing/backend_test.h"
#include "testing/check.h"

static void first_arena_mmap_fails(void) {
  fresh_pool("layout=3.10");
  pool_os_fail_next_mmaps(2);
  PB_CHECK(pb_malloc(64) == NULL);
  PB_CHECK(pb_calloc(4, 16) == NULL);
  PB_CHECK_EQ(stat_of("arenas_current"), 0);
  PB_CHECK_EQ(stat_of("arena_mmap_failures"), 2);
  PB_CHECK_EQ(stat_of("arena_mmap_calls"), 0);
  expect_invariants();
  /* Requests the pool does not serve are unaffected. */
  void *big = pb_malloc(4096);
  PB_CHECK(big != NULL);
  pb_free(big);
  /* The OS has memory again. */
  void *p = pb_malloc(64);
  PB_CHECK(p != NULL && pool_owns(p));
  PB_CHECK_EQ(stat_of("arenas_current"), 1);
  expect_invariants();
  pb_free(p);
}

static void a_later_arena_mmap_fails(void) {
  fresh_pool("layout=3.10");
  enum { MAX = 20000 };
  uint8_t **blocks = calloc(MAX, sizeof *blocks);
  PB_CHECK(blocks != NULL);
  pool_os_fail_next_mmaps(0);
  blocks[0] = pb_malloc(512);
  PB_CHECK(blocks[0] != NULL);
  memset(blocks[0], 1, 512);
  /* From now on the OS refuses: allocate until the first arena is full. */
  pool_os_fail_next_mmaps(1);
  int n = 1;
  for (; n < MAX; n++) {
    blocks[n] = pb_malloc(512);
    if (blocks[n] == NULL) break;
    memset(blocks[n], (n & 0x7F) + 1, 512);
  }
  PB_CHECKF(n < MAX, "no failure after %d blocks", n);
  uint32_t total = pool_g.arenas[pool_of(blocks[0])->arenaindex].ntotalpools;
  PB_CHECK_EQ(n, total * 31); /* every pool of the arena, 31 blocks each */
  PB_CHECK_EQ(stat_of("arenas_current"), 1);
  expect_invariants();
  expect_accounting();
  for (int i = 0; i < n; i++)
    for (int k = 0; k < 512; k++)
      PB_CHECK(blocks[i][k] == (i == 0 ? 1 : (i & 0x7F) + 1));
  /* Freeing still works, and so does allocating once mmap does. */
  pb_free(blocks[7]);
  blocks[7] = pb_malloc(512);
  PB_CHECK(blocks[7] != NULL);
  blocks[n] = pb_malloc(512);
  PB_CHECK(blocks[n] != NULL);
  PB_CHECK_EQ(stat_of("arenas_current"), 2);
  expect_invariants();
  for (int i = 0; i <= n; i++) pb_free(blocks[i]);
  expect_invariants();
  free(blocks);
}

/* new_arena needs, in order: the arenas vector (metadata), the mmap, a
 * mid node and a bottom node (metadata). Fail each metadata step. */
static void arena_metadata_failures(void) {
  static const char *const steps[] = {"the arenas vector", "a mid node",
                                      "a bottom node"};
  for (unsigned skip = 0; skip < 3; skip++) {
    fresh_pool("layout=3.10");
    pool_os_fail_meta(skip, 1);
    PB_CHECKF(pb_malloc(100) == NULL, "malloc with no memory for %s",
              steps[skip]);
    PB_CHECK_EQ(stat_of("arenas_current"), 0);
    /* A mapped arena that could not be recorded was unmapped again. */
    PB_CHECK_EQ(stat_of("arena_mmap_calls"), stat_of("arena_munmap_calls"));
    PB_CHECK_EQ(stat_of("arena_mmap_calls"), skip == 0 ? 0 : 1);
    expect_invariants();
    void *p = pb_malloc(100);
    PB_CHECK(p != NULL && pool_owns(p));
    expect_invariants();
    pb_free(p);
  }
}

static void init_metadata_failure(void) {
  pool_teardown();
  pool_os_fail_meta(1, 1); /* usedpools succeeds, nfp2lasta fails */
  pool_layout layout = test_layout("layout=3.8");
  char err[PB_ERROR_MAX];
  PB_CHECK(pool_init(&layout, err) == -1);
  PB_CHECKF(strstr(err, "out of memory") != NULL, "%s", err);
  expect_invariants();
  /* Uninitialized, everything goes to the system allocator. */
  void *p = pb_malloc(64);
  PB_CHECK(p != NULL && !pool_owns(p));
  PB_CHECK(pool_init(&layout, err) == 0);
  void *q = pb_malloc(64);
  PB_CHECK(pool_owns(q));
  pb_free(p); /* still the system's, freed by the system */
  pb_free(q);
  expect_invariants();
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(first_arena_mmap_fails),
      PB_TEST(a_later_arena_mmap_fails),
      PB_TEST(arena_metadata_failures),
      PB_TEST(init_metadata_failure),
      {NULL, NULL},
  };
  return pb_backend_test_main(tests, argc, argv);
}
