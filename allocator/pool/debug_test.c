/* pool-debug: the block layout and fill patterns, in-place realloc, the
 * domains, and one death test per detected error. Linked with the
 * pool-debug backend, so pb_malloc is the obj domain. */
#include <stdint.h>
#include <string.h>

#include "allocator/allocator.h"
#include "allocator/pool/debug.h"
#include "allocator/pool/pool.h"
#include "allocator/pool/test_util.h"
#include "testing/backend_test.h"
#include "testing/check.h"

static void expect_bytes(const uint8_t *p, size_t n, uint8_t value,
                         const char *what) {
  for (size_t i = 0; i < n; i++)
    PB_CHECKF(p[i] == value, "%s: byte %zu is 0x%02X, not 0x%02X", what, i,
              p[i], value);
}

static void blocks_carry_size_id_and_guards(void) {
  PB_CHECK(strcmp(pb_name(), "pool-debug") == 0);
  uint8_t *p = pb_malloc(40);
  PB_CHECK(p != NULL && (uintptr_t)p % 16 == 0);
  size_t n;
  memcpy(&n, p - 16, sizeof n);
  PB_CHECK_EQ(n, 40);
  PB_CHECK(p[-8] == 'o');
  expect_bytes(p - 7, 7, 0xFD, "leading guard");
  expect_bytes(p, 40, 0xCD, "new memory");
  expect_bytes(p + 40, 8, 0xFD, "trailing guard");
  PB_CHECK_EQ(pb_usable_size(p), 40);
  /* 40 + 24 = 64: the 64-byte class, not the 48-byte one. */
  PB_CHECK(pool_owns(p - 16));
  PB_CHECK_EQ(pool_usable_size(p - 16), 64);
  pb_free(p);
  /* Freed memory is dead: DD after the pool's free-list word. */
  expect_bytes(p - 8, 48, 0xDD, "freed memory");
}

static void debug_overhead_shifts_size_classes(void) {
  static const struct {
    size_t request, block;
  } cases[] = {{0, 32},  {1, 32},  {8, 32},   {9, 48},
               {40, 64}, {41, 80}, {488, 512}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint8_t *p = pb_malloc(cases[i].request);
    PB_CHECK(p != NULL && pool_owns(p - 16));
    PB_CHECKF(pool_usable_size(p - 16) == cases[i].block, "%zu -> %zu",
              cases[i].request, pool_usable_size(p - 16));
    pb_free(p);
  }
  uint8_t *p = pb_malloc(489); /* 513 with the overhead: system allocator */
  PB_CHECK(p != NULL && !pool_owns(p - 16));
  pb_free(p);
}

static void calloc_is_zeroed(void) {
  uint8_t *p = pb_calloc(5, 10);
  expect_bytes(p, 50, 0, "calloc");
  expect_bytes(p + 50, 8, 0xFD, "trailing guard");
  pb_free(p);
  PB_CHECK(pb_calloc(SIZE_MAX / 2, 4) == NULL);
}

static void realloc_in_place_and_moving(void) {
  uint8_t *p = pb_malloc(40); /* 64-byte block */
  memset(p, 7, 40);
  /* 30 + 24 = 54, 4 x 54 > 3 x 64: the pool keeps the block. */
  uint8_t *q = pb_realloc(p, 30);
  PB_CHECK(q == p);
  expect_bytes(q, 30, 7, "kept data");
  expect_bytes(q + 30, 8, 0xFD, "new trailing guard");
  expect_bytes(q + 38, 64 - 16 - 38, 0xDD, "dropped bytes");
  PB_CHECK_EQ(pb_usable_size(q), 30);
  /* Growing within the block: new bytes are CD. */
  q = pb_realloc(q, 40);
  PB_CHECK(q == p);
  expect_bytes(q + 30, 10, 0xCD, "grown bytes");
  /* 20 + 24 = 44, 4 x 44 <= 3 x 64: moves; the old block dies. */
  uint8_t *r = pb_realloc(q, 20);
  PB_CHECK(r != q);
  expect_bytes(r, 20, 7, "moved data");
  expect_bytes(q, 40, 0xDD, "old block");
  uint8_t *s = pb_realloc(r, 1000);
  expect_bytes(s, 20, 7, "grown data");
  expect_bytes(s + 20, 980, 0xCD, "new bytes");
  pb_free(s);
  PB_CHECK(pb_realloc(NULL, 5) != NULL);
}

static void domains_round_trip(void) {
  static const pool_domain domains[] = {POOL_DOMAIN_RAW, POOL_DOMAIN_MEM,
                                        POOL_DOMAIN_OBJ};
  for (int d = 0; d < 3; d++) {
    uint8_t *p = pool_debug_malloc(domains[d], 100);
    PB_CHECK(p[-8] == (uint8_t)domains[d]);
    PB_CHECK_EQ(pool_owns(p - 16), domains[d] != POOL_DOMAIN_RAW);
    p = pool_debug_realloc(domains[d], p, 200);
    PB_CHECK_EQ(pool_debug_requested_size(p), 200);
    pool_debug_free(domains[d], p);
    pool_debug_free(domains[d], NULL);
  }
  PB_CHECK(strcmp(pool_domain_name(POOL_DOMAIN_RAW), "raw") == 0);
  PB_CHECK(strcmp(pool_domain_name(POOL_DOMAIN_OBJ), "obj") == 0);
  expect_invariants();
}

/* ---- death tests --------------------------------------------------------- */

static void overrun(void) {
  uint8_t *p = pb_malloc(32);
  p[32] = 'x';
  pb_free(p);
}

static void overrun_seen_by_realloc(void) {
  uint8_t *p = pb_malloc(100);
  p[105] = 0;
  pb_realloc(p, 50);
}

static void underrun(void) {
  uint8_t *p = pb_malloc(32);
  p[-1] = 0;
  pb_free(p);
}

static void double_free(void) {
  uint8_t *p = pb_malloc(32);
  pb_free(p);
  pb_free(p);
}

static void raw_block_freed_as_obj(void) {
  void *p = pool_debug_malloc(POOL_DOMAIN_RAW, 50);
  pool_debug_free(POOL_DOMAIN_OBJ, p);
}

static void mem_block_freed_as_obj(void) {
  void *p = pool_debug_malloc(POOL_DOMAIN_MEM, 70);
  pb_free(p);
}

/* What pyrun_pool-debug does for PyObject_Malloc then PyMem_Free. */
static void obj_block_freed_through_mem_domain(void) {
  void *p = pb_domain_malloc(PB_PY_OBJ, 40);
  pb_domain_free(PB_PY_MEM, p);
}

static void domain_entry_points(void) {
  PB_CHECK(pb_domain_malloc != NULL);
  uint8_t *m = pb_domain_malloc(PB_PY_MEM, 10);
  uint8_t *o = pb_domain_calloc(PB_PY_OBJ, 2, 5);
  PB_CHECK(m[-8] == 'm' && o[-8] == 'o');
  m = pb_domain_realloc(PB_PY_MEM, m, 300);
  PB_CHECK(m[-8] == 'm');
  pb_domain_free(PB_PY_MEM, m);
  pb_free(o); /* pb_free is the obj domain */
  expect_invariants();
}

static void clobbered_id(void) {
  uint8_t *p = pb_malloc(24);
  p[-8] = 'x';
  pb_free(p);
}

static void errors_are_detected(void) {
  pb_expect_death(overrun, "pool-debug: buffer overrun: free(obj) of block");
  pb_expect_death(overrun, "(32 bytes): byte p[32] is 0x78");
  pb_expect_death(overrun_seen_by_realloc,
                  "buffer overrun: realloc(obj) of block");
  pb_expect_death(overrun_seen_by_realloc, "(100 bytes): byte p[105]");
  pb_expect_death(underrun, "pool-debug: buffer underrun: free(obj)");
  pb_expect_death(underrun, "(32 bytes): byte p[-1] is 0x00");
  pb_expect_death(double_free, "pool-debug: double free: free(obj) of block");
  pb_expect_death(double_free, "64-byte pool block");
  pb_expect_death(raw_block_freed_as_obj, "pool-debug: wrong domain: block");
  pb_expect_death(raw_block_freed_as_obj,
                  "(50 bytes) was allocated through the raw domain and "
                  "handed to free(obj)");
  pb_expect_death(mem_block_freed_as_obj,
                  "(70 bytes) was allocated through the mem domain");
  pb_expect_death(obj_block_freed_through_mem_domain,
                  "(40 bytes) was allocated through the obj domain and "
                  "handed to free(mem)");
  pb_expect_death(clobbered_id, "pool-debug: bad header: free(obj)");
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(blocks_carry_size_id_and_guards),
      PB_TEST(debug_overhead_shifts_size_classes),
      PB_TEST(calloc_is_zeroed),
      PB_TEST(realloc_in_place_and_moving),
      PB_TEST(domains_round_trip),
      PB_TEST(domain_entry_points),
      PB_TEST(errors_are_detected),
      {NULL, NULL},
  };
  return pb_backend_test_main(tests, argc, argv);
}
