/* The profile of small hand-made traces, every figure computed by hand. */
#include "workloads/profile.h"

#include <string.h>

#include "testing/check.h"

static pb_trace trace_of(pb_op *ops, uint64_t count, uint32_t slots) {
  pb_trace t;
  memset(&t, 0, sizeof t);
  t.ops = ops;
  t.count = count;
  t.slots = slots;
  return t;
}

/* Slots 0..2; live bytes after each op: 20, 620, 670, 650, 690, 640, 40, 0,
 * 100 (the realloc of op 3 takes slot 0 to 0 bytes), so the peak is 690
 * after op 4, with 3 blocks live.
 * Lifetimes: slot 2 from op 2 to op 5 (3 ops), slot 1 from op 1 to op 6 (5),
 * slot 0 from op 0 to op 7 (7); the calloc at op 8 is never freed. */
static void test_by_hand(void) {
  pb_op ops[] = {
      {0, 20, PB_OP_MALLOC, PB_TOUCH_OBJECT, PB_DOMAIN_OBJ, 0},
      {1, 600, PB_OP_MALLOC, PB_TOUCH_ARRAY, PB_DOMAIN_MEM, 0},
      {2, 50, PB_OP_MALLOC, PB_TOUCH_OBJECT, PB_DOMAIN_OBJ, 0},
      {0, 0, PB_OP_REALLOC, PB_TOUCH_OBJECT, PB_DOMAIN_OBJ, 0},
      {2, 90, PB_OP_REALLOC, PB_TOUCH_OBJECT, PB_DOMAIN_OBJ, 0},
      {2, 0, PB_OP_FREE, PB_TOUCH_OBJECT, PB_DOMAIN_OBJ, 0},
      {1, 0, PB_OP_FREE, PB_TOUCH_ARRAY, PB_DOMAIN_MEM, 0},
      {0, 0, PB_OP_FREE, PB_TOUCH_OBJECT, PB_DOMAIN_OBJ, 0},
      {0, 100, PB_OP_CALLOC, PB_TOUCH_NONE, PB_DOMAIN_UNKNOWN, 0},
  };
  pb_trace t = trace_of(ops, 9, 3);
  pb_profile p;
  pb_profile_compute(&t, &p);
  PB_CHECK_EQ(p.ops, 9);
  PB_CHECK_EQ(p.by_kind[PB_OP_MALLOC], 3);
  PB_CHECK_EQ(p.by_kind[PB_OP_CALLOC], 1);
  PB_CHECK_EQ(p.by_kind[PB_OP_REALLOC], 2);
  PB_CHECK_EQ(p.by_kind[PB_OP_FREE], 3);
  PB_CHECK_EQ(p.by_domain[PB_DOMAIN_OBJ], 6);
  PB_CHECK_EQ(p.by_domain[PB_DOMAIN_MEM], 2);
  PB_CHECK_EQ(p.by_domain[PB_DOMAIN_UNKNOWN], 1);
  PB_CHECK_EQ(p.by_touch[PB_TOUCH_OBJECT], 4); /* 2 mallocs, 2 reallocs */
  PB_CHECK_EQ(p.by_touch[PB_TOUCH_ARRAY], 1);
  PB_CHECK_EQ(p.by_touch[PB_TOUCH_NONE], 1);
  PB_CHECK_EQ(p.reallocs_grow, 1);
  PB_CHECK_EQ(p.reallocs_shrink, 1);
  PB_CHECK_EQ(p.zero_requests, 1);
  PB_CHECK_EQ(p.requests[1], 1);                    /* 20: 17..32 */
  PB_CHECK_EQ(p.requests[3], 1);                    /* 50: 49..64 */
  PB_CHECK_EQ(p.requests[5], 1);                    /* 90: 81..96 */
  PB_CHECK_EQ(p.requests[pb_profile_band(600)], 1); /* 513..1024 */
  PB_CHECK_EQ(pb_profile_band(600), PB_PROFILE_SMALL_CLASSES);
  PB_CHECK_EQ(p.request_bytes[6], 100); /* 97..112 */
  PB_CHECK_EQ(p.blocks, 4);
  PB_CHECK_EQ(p.live_at_end, 1);
  PB_CHECK_EQ(p.peak_live_bytes, 690);
  PB_CHECK_EQ(p.peak_live_blocks, 3);
  PB_CHECK_EQ(p.peak_op, 4);
  /* Nearest rank of the sorted lifetimes 3, 5, 7: p10 p25 -> 3, p50 -> 5,
   * p75 p90 p99 -> 7. */
  PB_CHECK_EQ(p.lifetime[0], 3);
  PB_CHECK_EQ(p.lifetime[1], 3);
  PB_CHECK_EQ(p.lifetime[2], 5);
  PB_CHECK_EQ(p.lifetime[3], 7);
  PB_CHECK_EQ(p.lifetime[5], 7);
}

static void test_bands(void) {
  PB_CHECK_EQ(pb_profile_band(1), 0);
  PB_CHECK_EQ(pb_profile_band(16), 0);
  PB_CHECK_EQ(pb_profile_band(17), 1);
  PB_CHECK_EQ(pb_profile_band(512), 31);
  PB_CHECK_EQ(pb_profile_band(513), 32);
  PB_CHECK_EQ(pb_profile_band(1024), 32);
  PB_CHECK_EQ(pb_profile_band(1025), 33);
  PB_CHECK_EQ(pb_profile_band(UINT32_MAX), PB_PROFILE_BANDS - 1);
  for (uint32_t size = 1; size < 3u << 20; size += 7) {
    uint64_t low, high;
    pb_profile_band_bounds(pb_profile_band(size), &low, &high);
    PB_CHECKF(low <= size && size <= high, "%u in [%llu, %llu]", size,
              (unsigned long long)low, (unsigned long long)high);
  }
}

/* An empty trace has no lifetimes and no peak. */
static void test_empty(void) {
  pb_trace t = trace_of(NULL, 0, 0);
  pb_profile p;
  pb_profile_compute(&t, &p);
  PB_CHECK_EQ(p.ops, 0);
  PB_CHECK_EQ(p.lifetime[2], 0);
  PB_CHECK_EQ(p.peak_live_bytes, 0);
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(test_by_hand),
      PB_TEST(test_bands),
      PB_TEST(test_empty),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
