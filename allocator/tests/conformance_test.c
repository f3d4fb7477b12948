/* Conformance and stress test, built once per backend (allocator/tests/BUILD).
 *
 * What every backend must do, whatever its design: the C standard's malloc
 * contract, 16-byte alignment, honest usable sizes, realloc that keeps the
 * contents, and no corruption under a long randomized mix of operations,
 * including across a pb_release() call. */
#include <stdint.h>
#include <string.h>

#include "allocator/allocator.h"
#include "testing/backend_test.h"
#include "testing/check.h"

static void check_block(void *p, size_t request) {
  PB_CHECKF(p != NULL, "request %zu", request);
  PB_CHECKF((uintptr_t)p % PB_ALIGNMENT == 0, "%p for %zu bytes", p, request);
  PB_CHECKF(pb_usable_size(p) >= request, "usable %zu < request %zu",
            pb_usable_size(p), request);
}

/* ---- the malloc contract ------------------------------------------------ */

static void malloc_zero_gives_distinct_pointers(void) {
  enum { N = 64 };
  void *blocks[N];
  for (int i = 0; i < N; i++) {
    blocks[i] = pb_malloc(0);
    PB_CHECK(blocks[i] != NULL);
    PB_CHECK((uintptr_t)blocks[i] % PB_ALIGNMENT == 0);
    for (int j = 0; j < i; j++) PB_CHECK(blocks[i] != blocks[j]);
  }
  for (int i = 0; i < N; i++) pb_free(blocks[i]);
}

static void every_size_is_aligned_and_fits(void) {
  for (size_t n = 1; n <= 4096; n++) {
    unsigned char *p = pb_malloc(n);
    check_block(p, n);
    /* The whole usable size is ours to write (ASan checks it). */
    memset(p, 0xA5, pb_usable_size(p));
    pb_free(p);
  }
  for (size_t n = 8192; n <= (size_t)64 << 20; n *= 2) {
    unsigned char *p = pb_malloc(n + 1);
    check_block(p, n + 1);
    p[0] = 1;
    p[n] = 2;
    pb_free(p);
  }
  pb_free(NULL);
}

static void calloc_zeroes_reused_memory(void) {
  /* Dirty some blocks first so that calloc must really clear. */
  for (size_t n = 1; n <= 2048; n += 7) {
    unsigned char *dirty = pb_malloc(n);
    memset(dirty, 0xEE, n);
    pb_free(dirty);
    unsigned char *p = pb_calloc(1, n);
    check_block(p, n);
    for (size_t i = 0; i < n; i++)
      PB_CHECKF(p[i] == 0, "byte %zu of %zu", i, n);
    pb_free(p);
  }
  unsigned char *big = pb_calloc(1 << 20, 3);
  check_block(big, 3 << 20);
  for (size_t i = 0; i < (size_t)3 << 20; i += 4093) PB_CHECK(big[i] == 0);
  pb_free(big);
}

static void impossible_requests_return_null(void) {
  PB_CHECK(pb_calloc(SIZE_MAX / 2, 3) == NULL);
  PB_CHECK(pb_calloc((size_t)1 << 33, (size_t)1 << 33) == NULL);
  PB_CHECK(pb_malloc(SIZE_MAX / 2) == NULL);
  PB_CHECK(pb_malloc(SIZE_MAX) == NULL);
  /* A failed realloc leaves the block as it was. */
  unsigned char *p = pb_malloc(100);
  memset(p, 7, 100);
  PB_CHECK(pb_realloc(p, SIZE_MAX / 2) == NULL);
  for (int i = 0; i < 100; i++) PB_CHECK(p[i] == 7);
  pb_free(p);
}

/* ---- realloc ------------------------------------------------------------ */

static void fill(unsigned char *p, size_t n, uint32_t seed) {
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed * 31u + i * 7u);
}

static void expect_filled(const unsigned char *p, size_t n, uint32_t seed) {
  for (size_t i = 0; i < n; i++)
    PB_CHECKF(p[i] == (unsigned char)(seed * 31u + i * 7u),
              "byte %zu of %zu differs", i, n);
}

static void realloc_keeps_contents(void) {
  /* Sizes that cross the 512-byte small-request threshold, pool and arena
   * sizes, and go far beyond, growing then shrinking. */
  static const size_t sizes[] = {1,     15,      16,      17,      100,   496,
                                 511,   512,     513,     1024,    4096,  16384,
                                 70000, 1 << 20, 5 << 20, 1 << 20, 70000, 4096,
                                 513,   512,     384,     300,     17,    1};
  size_t n = sizeof sizes / sizeof sizes[0];
  unsigned char *p = pb_realloc(NULL, sizes[0]); /* realloc(NULL) is malloc */
  check_block(p, sizes[0]);
  fill(p, sizes[0], 1);
  for (size_t i = 1; i < n; i++) {
    size_t kept = sizes[i] < sizes[i - 1] ? sizes[i] : sizes[i - 1];
    p = pb_realloc(p, sizes[i]);
    check_block(p, sizes[i]);
    expect_filled(p, kept, (uint32_t)i);
    fill(p, sizes[i], (uint32_t)i + 1);
  }
  pb_free(p);
}

/* realloc(p, 0) frees p and returns a minimal block of its own, which can
 * be freed (allocator.h): for a small block, a large one, and NULL. */
static void realloc_to_zero_returns_a_minimal_block(void) {
  static const size_t sizes[] = {1, 16, 100, 512, 513, 4096, 1 << 20};
  enum { N = sizeof sizes / sizeof sizes[0] };
  void *blocks[N + 1];
  for (size_t i = 0; i < N; i++) {
    unsigned char *p = pb_malloc(sizes[i]);
    check_block(p, sizes[i]);
    memset(p, 0x5A, sizes[i]);
    blocks[i] = pb_realloc(p, 0);
    check_block(blocks[i], 0);
  }
  blocks[N] = pb_realloc(NULL, 0);
  check_block(blocks[N], 0);
  /* Each is a live block of its own: distinct, and writable as far as its
   * usable size goes (ASan checks that). */
  for (size_t i = 0; i <= N; i++) {
    memset(blocks[i], 0xC3, pb_usable_size(blocks[i]));
    for (size_t j = 0; j < i; j++) PB_CHECK(blocks[i] != blocks[j]);
  }
  for (size_t i = 0; i <= N; i++) pb_free(blocks[i]);
}

static void realloc_every_small_pair(void) {
  /* Every growth and shrink between small sizes: the in-place rules of a
   * size-class allocator are exercised at each class edge. */
  for (size_t from = 1; from <= 600; from += 13) {
    for (size_t to = 1; to <= 600; to += 11) {
      unsigned char *p = pb_malloc(from);
      fill(p, from, (uint32_t)(from ^ to));
      p = pb_realloc(p, to);
      check_block(p, to);
      expect_filled(p, from < to ? from : to, (uint32_t)(from ^ to));
      pb_free(p);
    }
  }
}

/* ---- randomized stress -------------------------------------------------- */

enum { SLOTS = 8192, STRESS_OPS = 1000000 };

typedef struct slot {
  unsigned char *block;
  size_t size;
  uint64_t id; /* identity of the block's current contents */
} slot;

/* The pattern is derived from the block's identity, so a block that some
 * other operation overwrote, or that moved without its contents, is caught. */
static unsigned char pattern_byte(uint64_t id, size_t i) {
  uint64_t x = id * 0x9E3779B97F4A7C15ull + (i >> 3);
  x ^= x >> 29;
  return (unsigned char)(x >> (8 * (i & 7)));
}

static void write_pattern(slot *s) {
  for (size_t i = 0; i < s->size; i++) s->block[i] = pattern_byte(s->id, i);
}

static void verify_pattern(const slot *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    PB_CHECKF(s->block[i] == pattern_byte(s->id, i),
              "block %p (%zu bytes, id %llu) corrupted at byte %zu",
              (void *)s->block, s->size, (unsigned long long)s->id, i);
}

/* Mostly Python-sized requests (16..512 bytes), a tail up to 64 KiB. */
static size_t random_size(pb_rng *rng) {
  uint64_t r = pb_rng_below(rng, 100);
  if (r < 3) return (size_t)pb_rng_below(rng, 64 * 1024) + 1;
  if (r < 5) return (size_t)pb_rng_below(rng, 16); /* includes 0 */
  return (size_t)pb_rng_below(rng, 512 - 16 + 1) + 16;
}

static void release_midway_and_verify(slot *slots) {
  pb_release();
  for (int i = 0; i < SLOTS; i++)
    if (slots[i].block) verify_pattern(&slots[i], slots[i].size);
}

static void randomized_stress(void) {
  static slot slots[SLOTS];
  pb_rng rng = pb_rng_seeded(20261121, 0);
  uint64_t next_id = 1;
  for (long op = 0; op < STRESS_OPS; op++) {
    slot *s = &slots[pb_rng_below(&rng, SLOTS)];
    uint64_t kind = pb_rng_below(&rng, 10);
    if (s->block == NULL) {
      s->size = random_size(&rng);
      s->id = next_id++;
      if (kind < 7) {
        s->block = pb_malloc(s->size);
      } else {
        s->block = pb_calloc(1, s->size);
        PB_CHECK(s->block != NULL);
        for (size_t i = 0; i < s->size; i++) PB_CHECK(s->block[i] == 0);
      }
      check_block(s->block, s->size);
      write_pattern(s);
    } else if (kind < 6) {
      verify_pattern(s, s->size);
      pb_free(s->block);
      s->block = NULL;
    } else {
      verify_pattern(s, s->size);
      /* Sizes include 0: realloc(p, 0) returns a block (allocator.h). */
      size_t new_size = random_size(&rng);
      s->block = pb_realloc(s->block, new_size);
      check_block(s->block, new_size);
      verify_pattern(s, new_size < s->size ? new_size : s->size);
      s->size = new_size;
      s->id = next_id++;
      write_pattern(s);
    }
    if (op == STRESS_OPS / 2) release_midway_and_verify(slots);
  }
  for (int i = 0; i < SLOTS; i++) {
    if (slots[i].block) {
      verify_pattern(&slots[i], slots[i].size);
      pb_free(slots[i].block);
      slots[i].block = NULL;
    }
  }
}

static void release_keeps_live_blocks(void) {
  /* Free most of a large population, leaving survivors scattered through
   * it, then release: survivors must be intact and still freeable. */
  enum { N = 200000 };
  static slot live[N];
  pb_rng rng = pb_rng_seeded(7, 0);
  for (int i = 0; i < N; i++) {
    live[i].size = random_size(&rng);
    live[i].block = pb_malloc(live[i].size);
    live[i].id = (uint64_t)i + 1;
    check_block(live[i].block, live[i].size);
    write_pattern(&live[i]);
  }
  for (int i = 0; i < N; i++) {
    if (i % 97 != 0) {
      pb_free(live[i].block);
      live[i].block = NULL;
    }
  }
  pb_release();
  pb_release(); /* twice in a row is harmless */
  for (int i = 0; i < N; i += 97) verify_pattern(&live[i], live[i].size);
  /* The allocator still works after releasing. */
  void *fresh = pb_malloc(64);
  check_block(fresh, 64);
  pb_free(fresh);
  for (int i = 0; i < N; i += 97) pb_free(live[i].block);
}

/* ---- identity and statistics -------------------------------------------- */

static void identity_and_stats_are_reported(void) {
  PB_CHECK(pb_name() != NULL && pb_name()[0] != '\0');
  PB_CHECK(pb_version() != NULL && pb_version()[0] != '\0');
  PB_CHECK(pb_config() != NULL && pb_config()[0] != '\0');
  PB_CHECK(pb_parameters() != NULL);
  void *p = pb_malloc(1000);
  pb_stats stats;
  pb_stats_get(&stats);
  PB_CHECK(stats.count < PB_STATS_MAX); /* room to spare: nothing was cut */
  for (size_t i = 0; i < stats.count; i++) {
    PB_CHECK(stats.items[i].name[0] != '\0');
    for (size_t j = 0; j < i; j++)
      PB_CHECKF(strcmp(stats.items[i].name, stats.items[j].name) != 0,
                "%s reported twice", stats.items[i].name);
  }
  uint64_t allocated;
  if (pb_stats_find(&stats, "allocated_bytes", &allocated))
    PB_CHECKF(allocated >= 1000, "allocated_bytes %llu with 1000 live",
              (unsigned long long)allocated);
  pb_free(p);
  FILE *sink = fopen("/dev/null", "w");
  PB_CHECK(sink != NULL);
  pb_stats_print(sink);
  fclose(sink);
}

static void unknown_parameters_are_rejected(void) {
  /* pb_init already ran in main; a second init with a parameter no backend
   * takes must fail with one line naming it. */
  PB_CHECK(strstr(pb_parameters(), "no_such_parameter") == NULL);
  char err[PB_ERROR_MAX] = "";
  pb_param bogus = {"no_such_parameter", "1"};
  PB_CHECK(pb_init(&bogus, 1, err) != 0);
  PB_CHECKF(strstr(err, "no_such_parameter") != NULL, "message: %s", err);
  PB_CHECK(strchr(err, '\n') == NULL);
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(malloc_zero_gives_distinct_pointers),
      PB_TEST(every_size_is_aligned_and_fits),
      PB_TEST(calloc_zeroes_reused_memory),
      PB_TEST(impossible_requests_return_null),
      PB_TEST(realloc_keeps_contents),
      PB_TEST(realloc_to_zero_returns_a_minimal_block),
      PB_TEST(realloc_every_small_pair),
      PB_TEST(randomized_stress),
      PB_TEST(release_keeps_live_blocks),
      PB_TEST(identity_and_stats_are_reported),
      PB_TEST(unknown_parameters_are_rejected),
      {NULL, NULL},
  };
  return pb_backend_test_main(tests, argc, argv);
}
