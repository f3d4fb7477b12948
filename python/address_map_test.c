/* The address table against a plain array of what should be in it: random
 * puts and takes of 16-byte-aligned addresses drawn from a small range (so
 * that probe runs collide, wrap around the table's end and shift back while
 * the table grows from its first size), and addresses that were never put. */
#include "python/address_map.h"

#include <string.h>

#include "testing/check.h"

#define ADDRESSES 20000

static void *address(size_t i) { return (void *)(uintptr_t)(16 * (i + 1)); }

static void test_random_against_reference(void) {
  static uint32_t expected[ADDRESSES]; /* slot + 1, 0: absent */
  memset(expected, 0, sizeof expected);
  pb_address_map m;
  pb_address_map_init(&m);
  pb_rng rng = pb_rng_seeded(12, 0);
  size_t live = 0, max_live = 0;
  for (int step = 0; step < 400000; step++) {
    size_t i = pb_rng_below(&rng, ADDRESSES);
    uint32_t slot;
    /* Grow to about half of the addresses, then churn. */
    if (expected[i] == 0 && pb_rng_below(&rng, 100) < 60) {
      uint32_t s = (uint32_t)pb_rng_below(&rng, 1u << 30);
      pb_address_map_put(&m, address(i), s);
      expected[i] = s + 1;
      live++;
    } else if (expected[i] != 0) {
      PB_CHECK(pb_address_map_take(&m, address(i), &slot));
      PB_CHECK_EQ(slot, expected[i] - 1);
      expected[i] = 0;
      live--;
    } else {
      PB_CHECK(!pb_address_map_take(&m, address(i), &slot));
    }
    PB_CHECK_EQ(m.count, live);
    if (live > max_live) max_live = live;
  }
  PB_CHECK(max_live > 4096); /* the table grew past its first size */
  PB_CHECK(2 * m.count <= m.capacity);
  for (size_t i = 0; i < ADDRESSES; i++) {
    uint32_t slot;
    PB_CHECK_EQ(pb_address_map_take(&m, address(i), &slot), expected[i] != 0);
    if (expected[i]) PB_CHECK_EQ(slot, expected[i] - 1);
  }
  PB_CHECK_EQ(m.count, 0);
  pb_address_map_destroy(&m);
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(test_random_against_reference),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
