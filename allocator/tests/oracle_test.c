/* The oracle's own promises, beyond the conformance test: its reservation
 * is sized from the demand (pb_expect) and refuses one it cannot hold with
 * one line; realloc does no work when the block already holds the new size
 * and grows the last large block in place; carved memory needs no clearing.
 *
 * The tests share the process's one reservation and run in order. */
#include <stdint.h>
#include <string.h>

#include "allocator/allocator.h"
#include "testing/backend_test.h"
#include "testing/check.h"

static uint64_t stat_of(const char *name) {
  pb_stats stats;
  pb_stats_get(&stats);
  uint64_t value;
  PB_CHECKF(pb_stats_find(&stats, name, &value), "no %s", name);
  return value;
}

static void an_impossible_demand_is_refused_with_one_line(void) {
  PB_CHECK(pb_expect != NULL); /* the weak declaration found the oracle's */
  char err[PB_ERROR_MAX] = "";
  pb_demand huge = {.allocations = UINT64_MAX / 2, .requested_bytes = 1};
  PB_CHECK(pb_expect(&huge, err) == -1);
  PB_CHECKF(strstr(err, "oracle") && !strchr(err, '\n'), "%s", err);
  PB_CHECK_EQ(stat_of("reserved_bytes"), 0); /* nothing reserved yet */
}

static void the_reservation_is_sized_from_the_demand(void) {
  char err[PB_ERROR_MAX];
  pb_demand demand = {.allocations = 1000000,
                      .requested_bytes = 64 << 20,
                      .peak_live_bytes = 1 << 20};
  PB_CHECKF(pb_expect(&demand, err) == 0, "%s", err);
  /* 1.25 x 64 MiB + 16 bytes a call, 1/64 more, 33 chunks and the map. */
  uint64_t bound = (80ull << 20) + 16000000;
  bound += bound / 64;
  uint64_t reserved = stat_of("reserved_bytes");
  PB_CHECKF(reserved >= bound && reserved <= bound + (4u << 20),
            "reserved %llu for a bound of %llu", (unsigned long long)reserved,
            (unsigned long long)bound);
}

static void realloc_grows_the_last_large_block_in_place(void) {
  unsigned char *list = pb_malloc(600);
  memset(list, 7, 600);
  for (size_t n = 700; n <= (1 << 20); n += n / 8 + 24) {
    unsigned char *grown = pb_realloc(list, n);
    PB_CHECKF(grown == list, "moved at %zu bytes", n);
    PB_CHECK(pb_usable_size(grown) >= n);
    PB_CHECK(grown[0] == 7 && grown[599] == 7);
  }
  /* Another large block on top: the first one can no longer grow there. */
  void *other = pb_malloc(4096);
  unsigned char *moved = pb_realloc(list, 2 << 20);
  PB_CHECK(moved != list && moved[0] == 7 && moved[599] == 7);
  pb_free(moved);
  pb_free(other);
}

static void realloc_within_the_block_does_nothing(void) {
  unsigned char *p = pb_malloc(100); /* the 112-byte class */
  PB_CHECK(pb_realloc(p, 112) == p);
  PB_CHECK(pb_realloc(p, 1) == p);
  unsigned char *big = pb_malloc(100000);
  PB_CHECK(pb_realloc(big, 600) == big);
  pb_free(p);
  pb_free(big);
}

static void calloc_clears_reused_blocks(void) {
  unsigned char *p = pb_malloc(300);
  memset(p, 0xEE, 300);
  pb_free(p);
  unsigned char *q = pb_calloc(3, 100); /* the same block, back */
  PB_CHECK(q == p);
  for (int i = 0; i < 300; i++) PB_CHECK(q[i] == 0);
  pb_free(q);
}

static void a_late_demand_that_does_not_fit_is_refused(void) {
  char err[PB_ERROR_MAX] = "";
  pb_demand more = {.allocations = 1, .requested_bytes = 1ull << 38};
  PB_CHECK(pb_expect(&more, err) == -1);
  PB_CHECKF(strstr(err, "first allocation") != NULL, "%s", err);
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(an_impossible_demand_is_refused_with_one_line),
      PB_TEST(the_reservation_is_sized_from_the_demand),
      PB_TEST(realloc_grows_the_last_large_block_in_place),
      PB_TEST(realloc_within_the_block_does_nothing),
      PB_TEST(calloc_clears_reused_blocks),
      PB_TEST(a_late_demand_that_does_not_fit_is_refused),
      {NULL, NULL},
  };
  return pb_backend_test_main(tests, argc, argv);
}
