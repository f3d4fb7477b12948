/* Kendall's tau_b on rankings worked out by hand, and SciPy's documented
 * example with ties. */
#include "harness/statistics/kendall.h"

#include <math.h>

#include "testing/check.h"

static void check_close(double got, double want) {
  PB_CHECKF(fabs(got - want) < 1e-12, "tau %.17g, expected %.17g", got, want);
}

static void test_same_and_reverse(void) {
  const double x[] = {1, 2, 3, 4, 5};
  const double same[] = {10, 20, 30, 40, 50};
  const double reverse[] = {5, 4, 3, 2, 1};
  pb_kendall k = pb_kendall_tau(x, same, 5);
  PB_CHECK_EQ(k.pairs, 10);
  PB_CHECK_EQ(k.concordant, 10);
  check_close(k.tau_b, 1);
  k = pb_kendall_tau(x, reverse, 5);
  PB_CHECK_EQ(k.discordant, 10);
  check_close(k.tau_b, -1);
}

/* One adjacent swap among five: 9 concordant, 1 discordant: 0.8. Two
 * swaps: 8 and 2: 0.6. */
static void test_swaps(void) {
  const double x[] = {1, 2, 3, 4, 5};
  const double one[] = {1, 2, 4, 3, 5};
  const double two[] = {2, 1, 4, 3, 5};
  check_close(pb_kendall_tau(x, one, 5).tau_b, 0.8);
  check_close(pb_kendall_tau(x, two, 5).tau_b, 0.6);
}

/* SciPy's kendalltau documentation: x = [12, 2, 1, 12, 2],
 * y = [1, 4, 7, 1, 0]: tau = -0.47140452079103173. By hand: of 10 pairs, x
 * ties (0,3) and (1,4), y ties (0,3); (0,4) and (3,4) are concordant, the
 * other six discordant: (2 - 6) / sqrt(8 * 9) = -4 / sqrt(72). */
static void test_scipy_example_with_ties(void) {
  const double x[] = {12, 2, 1, 12, 2};
  const double y[] = {1, 4, 7, 1, 0};
  pb_kendall k = pb_kendall_tau(x, y, 5);
  PB_CHECK_EQ(k.tied_x, 2);
  PB_CHECK_EQ(k.tied_y, 1);
  PB_CHECK_EQ(k.concordant, 2);
  PB_CHECK_EQ(k.discordant, 6);
  check_close(k.tau_b, -0.47140452079103173);
}

/* Ties declared pair by pair, as for measurements that cannot be told
 * apart: a discordant pair made a tie no longer counts against. */
static void test_declared_ties(void) {
  const signed char sx[] = {1, 1, 1, 1, 1, 1};
  const signed char sy[] = {1, 1, 1, 1, 1, -1};
  check_close(pb_kendall_pairs(sx, sy, 6).tau_b, 4.0 / 6);
  const signed char tied[] = {1, 1, 1, 1, 1, 0};
  pb_kendall k = pb_kendall_pairs(sx, tied, 6);
  PB_CHECK_EQ(k.discordant, 0);
  check_close(k.tau_b, 5 / sqrt(6.0 * 5));
}

static void test_pair_index_and_degenerate(void) {
  size_t n = 7, expected = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      PB_CHECK_EQ(pb_kendall_pair_index(i, j, n), expected++);
  PB_CHECK_EQ(pb_kendall_npairs(n), expected);
  const double x[] = {3, 3, 3};
  const double y[] = {1, 2, 3};
  PB_CHECK(isnan(pb_kendall_tau(x, y, 3).tau_b)); /* x ties everything */
  PB_CHECK(isnan(pb_kendall_tau(x, y, 1).tau_b));
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(test_same_and_reverse),          PB_TEST(test_swaps),
      PB_TEST(test_scipy_example_with_ties),   PB_TEST(test_declared_ties),
      PB_TEST(test_pair_index_and_degenerate), {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
