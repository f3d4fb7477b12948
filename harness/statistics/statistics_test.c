/* Tests of harness/stats: every expected value is worked out by hand (shown
 * in the comments) or by an independent brute-force count in the test. */
#include "harness/statistics/statistics.h"

#include <math.h>
#include <string.h>

#include "testing/check.h"

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* |got - want| <= tol, with both printed on failure. */
#define CHECK_NEAR(got, want, tol)                                        \
  do {                                                                    \
    double got_ = (got), want_ = (want);                                  \
    PB_CHECKF(fabs(got_ - want_) <= (tol), "got %.17g, want %.17g", got_, \
              want_);                                                     \
  } while (0)

/* ---- summaries ------------------------------------------------------------
 */

static void median_of_odd_and_even_counts(void) {
  const double odd[] = {9, 1, 5, 3, 7}; /* sorted 1 3 5 7 9 */
  CHECK_NEAR(pb_median(odd, COUNT(odd)), 5, 0);
  const double even[] = {4, 1, 3, 2}; /* sorted 1 2 3 4: (2 + 3) / 2 */
  CHECK_NEAR(pb_median(even, COUNT(even)), 2.5, 0);
  const double one[] = {7};
  CHECK_NEAR(pb_median(one, 1), 7, 0);
  const double two[] = {10, -4};
  CHECK_NEAR(pb_median(two, 2), 3, 0);
  const double dup[] = {2, 2, 1, 2, 3, 3}; /* 1 2 2 2 3 3 */
  CHECK_NEAR(pb_median(dup, COUNT(dup)), 2, 0);
  PB_CHECK(isnan(pb_median(odd, 0)));
}

static void mean_stddev_min_max(void) {
  /* Mean 5; squared deviations 9 1 1 1 0 0 4 16 sum to 32;
   * sample sd = sqrt(32 / 7) = 2.1380899352993950. */
  const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
  CHECK_NEAR(pb_mean(x, COUNT(x)), 5, 0);
  CHECK_NEAR(pb_stddev(x, COUNT(x)), sqrt(32.0 / 7), 1e-15);
  CHECK_NEAR(pb_stddev(x, COUNT(x)), 2.1380899352993950, 1e-15);
  CHECK_NEAR(pb_min(x, COUNT(x)), 2, 0);
  CHECK_NEAR(pb_max(x, COUNT(x)), 9, 0);
  CHECK_NEAR(pb_stddev(x, 1), 0, 0);
  CHECK_NEAR(pb_stddev(x, 0), 0, 0);
  /* A large offset does not disturb the two-pass deviation. */
  double shifted[COUNT(x)];
  for (size_t i = 0; i < COUNT(x); i++) shifted[i] = x[i] + 1e9;
  CHECK_NEAR(pb_stddev(shifted, COUNT(x)), sqrt(32.0 / 7), 1e-6);
  PB_CHECK(isnan(pb_mean(x, 0)));
  PB_CHECK(isnan(pb_min(x, 0)));
  PB_CHECK(isnan(pb_max(x, 0)));
}

static void inputs_are_not_modified(void) {
  const double orig[] = {5, 3, 9, 1, 7, 3, 8, 2, 6, 4, 10, 0.5};
  double x[COUNT(orig)], y[COUNT(orig)];
  size_t n = COUNT(orig);
  memcpy(x, orig, sizeof orig);
  for (size_t i = 0; i < n; i++) y[i] = orig[n - 1 - i] + 3;
  double ycopy[COUNT(orig)];
  memcpy(ycopy, y, sizeof y);
  (void)pb_median(x, n);
  (void)pb_mean(x, n);
  (void)pb_stddev(x, n);
  (void)pb_min(x, n);
  (void)pb_max(x, n);
  (void)pb_median_ci(x, n, 0.95);
  (void)pb_mann_whitney(x, n, y, n);
  (void)pb_mann_whitney(x, 5, y, 5); /* the exact path */
  (void)pb_unstable(x, n, 0.10);
  PB_CHECK(memcmp(x, orig, sizeof orig) == 0);
  PB_CHECK(memcmp(y, ycopy, sizeof y) == 0);
}

/* ---- median confidence interval -------------------------------------------
 */

static void median_ci_for_ten_values(void) {
  /* B ~ Binomial(10, 1/2); P(B <= 1) = (1 + 10) / 1024, P(B <= 2) =
   * (1 + 10 + 45) / 1024. So [x_(2), x_(9)] covers the median with
   * 1 - 22/1024 = 0.978515625 >= 0.95, and the next one in, [x_(3), x_(8)],
   * with only 1 - 112/1024 = 0.890625. */
  const double x[] = {70, 20, 100, 40, 10, 90, 30, 60, 80, 50};
  pb_interval ci = pb_median_ci(x, COUNT(x), 0.95);
  CHECK_NEAR(ci.low, 20, 0);  /* x_(2) */
  CHECK_NEAR(ci.high, 90, 0); /* x_(9) */
  CHECK_NEAR(ci.level, 1 - 22.0 / 1024, 1e-12);
  CHECK_NEAR(ci.level, 0.978515625, 1e-12);
  PB_CHECK_EQ(ci.exact, 1);

  /* At 0.89 the narrower [x_(3), x_(8)] is enough. */
  ci = pb_median_ci(x, COUNT(x), 0.89);
  CHECK_NEAR(ci.low, 30, 0);
  CHECK_NEAR(ci.high, 80, 0);
  CHECK_NEAR(ci.level, 0.890625, 1e-12);
  PB_CHECK_EQ(ci.exact, 1);

  /* A level equal to an achievable coverage is met by it. */
  ci = pb_median_ci(x, COUNT(x), 0.978515625);
  CHECK_NEAR(ci.low, 20, 0);
  CHECK_NEAR(ci.high, 90, 0);
}

static void median_ci_small_n_falls_back_to_the_range(void) {
  /* n = 5: even [min, max] covers only 1 - 2/32 = 0.9375 < 0.95. */
  const double x[] = {3, 1, 4, 1.5, 9};
  pb_interval ci = pb_median_ci(x, COUNT(x), 0.95);
  CHECK_NEAR(ci.low, 1, 0);
  CHECK_NEAR(ci.high, 9, 0);
  CHECK_NEAR(ci.level, 0.9375, 1e-12);
  PB_CHECK_EQ(ci.exact, 0);

  /* n = 6: [min, max] covers 1 - 2/64 = 0.96875 >= 0.95: a real interval. */
  const double y[] = {3, 1, 4, 1.5, 9, 2.6};
  ci = pb_median_ci(y, COUNT(y), 0.95);
  CHECK_NEAR(ci.low, 1, 0);
  CHECK_NEAR(ci.high, 9, 0);
  CHECK_NEAR(ci.level, 0.96875, 1e-12);
  PB_CHECK_EQ(ci.exact, 1);
  /* ... but not at 99%. */
  ci = pb_median_ci(y, COUNT(y), 0.99);
  PB_CHECK_EQ(ci.exact, 0);
  CHECK_NEAR(ci.level, 0.96875, 1e-12);

  /* n = 1 and 2: coverage 0 and 1/2. */
  ci = pb_median_ci(x, 1, 0.95);
  CHECK_NEAR(ci.low, 3, 0);
  CHECK_NEAR(ci.high, 3, 0);
  CHECK_NEAR(ci.level, 0, 1e-12);
  PB_CHECK_EQ(ci.exact, 0);
  ci = pb_median_ci(x, 2, 0.95);
  CHECK_NEAR(ci.low, 1, 0);
  CHECK_NEAR(ci.high, 3, 0);
  CHECK_NEAR(ci.level, 0.5, 1e-12);

  ci = pb_median_ci(x, 0, 0.95);
  PB_CHECK(isnan(ci.low) && isnan(ci.high) && isnan(ci.level));
}

/* The coverage 1 - 2 P(B <= j - 1) from exact integer binomial sums. */
static double binomial_coverage(unsigned n, unsigned j) {
  uint64_t c = 1, tail = 0; /* C(n, i), sum over i < j */
  for (unsigned i = 0; i < j; i++) {
    tail += c;
    c = c * (n - i) / (i + 1); /* exact: C(n, i) (n - i) is divisible */
  }
  return 1 - 2 * ldexp((double)tail, -(int)n);
}

static void median_ci_agrees_with_exact_binomial_sums(void) {
  /* For every n up to 60 and three levels, the interval chosen on 1..n is
   * [x_(j), x_(n+1-j)] with the largest j whose coverage reaches the level. */
  static const double levels[] = {0.90, 0.95, 0.99};
  double x[60];
  for (unsigned i = 0; i < 60; i++) x[i] = 60 - i; /* sorted: x_(k) = k */
  for (unsigned n = 1; n <= 60; n++) {
    for (size_t l = 0; l < COUNT(levels); l++) {
      double level = levels[l];
      pb_interval ci = pb_median_ci(x + (60 - n), n, level);
      unsigned j = (unsigned)ci.low;
      PB_CHECKF(ci.high == n + 1 - j, "n %u level %g: [%g, %g]", n, level,
                ci.low, ci.high);
      double cov = binomial_coverage(n, j);
      CHECK_NEAR(ci.level, cov, 1e-12);
      if (binomial_coverage(n, 1) < level) {
        PB_CHECKF(j == 1 && ci.exact == 0, "n %u level %g", n, level);
      } else {
        PB_CHECKF(ci.exact == 1 && cov >= level, "n %u level %g", n, level);
        PB_CHECKF(j + 1 > (n + 1) / 2 || binomial_coverage(n, j + 1) < level,
                  "n %u level %g: j %u is not the largest", n, level, j);
      }
    }
  }
  /* n = 100 at 95%: [x_(40), x_(61)], coverage 0.9648 (the usual table). */
  double big[100];
  for (unsigned i = 0; i < 100; i++) big[i] = (i * 37) % 100 + 1;
  pb_interval ci = pb_median_ci(big, 100, 0.95);
  CHECK_NEAR(ci.low, 40, 0);
  CHECK_NEAR(ci.high, 61, 0);
  CHECK_NEAR(ci.level, 0.96479979978229510, 1e-12);
  /* Large n: 2^-n underflows, the log-space walk does not. */
  double *huge = malloc(5000 * sizeof *huge);
  PB_CHECK(huge);
  for (unsigned i = 0; i < 5000; i++) huge[i] = i + 1;
  ci = pb_median_ci(huge, 5000, 0.95);
  PB_CHECK_EQ(ci.exact, 1);
  /* Normal approximation: j ~ n/2 - 1.96 sqrt(n)/2 = 2430.7. */
  PB_CHECKF(ci.low >= 2425 && ci.low <= 2436, "low %g", ci.low);
  CHECK_NEAR(ci.high, 5001 - ci.low, 0);
  PB_CHECKF(ci.level >= 0.95 && ci.level < 0.96, "level %g", ci.level);
  free(huge);
}

/* ---- Mann-Whitney U --------------------------------------------------------
 */

static void mann_whitney_separated_samples(void) {
  /* No b below any a: U = 0. Of the C(10, 5) = 252 arrangements only one
   * gives U <= 0, so the exact two-sided p is 2/252 = 0.0079365. */
  const double a[] = {1, 2, 3, 4, 5}, b[] = {6, 7, 8, 9, 10};
  pb_mwu r = pb_mann_whitney(a, 5, b, 5);
  CHECK_NEAR(r.u, 0, 0);
  CHECK_NEAR(r.p_value, 2.0 / 252, 1e-12);
  /* z: mean 12.5, variance 25 * 11 / 12, (0 - 12.5 + 0.5) / 4.7871 */
  CHECK_NEAR(r.z, -12 / sqrt(25.0 * 11 / 12), 1e-12);
  PB_CHECK(pb_mann_whitney(a, 5, b, 5).p_value < 0.05);
  PB_CHECK(!(pb_mann_whitney(a, 5, b, 5).p_value < 0.005));
  /* Swapped: U = 25, the same p, z positive. */
  r = pb_mann_whitney(b, 5, a, 5);
  CHECK_NEAR(r.u, 25, 0);
  CHECK_NEAR(r.p_value, 2.0 / 252, 1e-12);
  PB_CHECK(r.z > 0);
}

static void mann_whitney_interleaved_samples(void) {
  /* a = 1 3 5 7 9, b = 2 4 6 8 10: U = 0 + 1 + 2 + 3 + 4 = 10; by counting,
   * 2 P(U <= 10) = 2 * 73/252 = 29/42 = 0.6905 (SciPy's exact p). */
  const double a[] = {1, 3, 5, 7, 9}, b[] = {2, 4, 6, 8, 10};
  pb_mwu r = pb_mann_whitney(a, 5, b, 5);
  CHECK_NEAR(r.u, 10, 0);
  CHECK_NEAR(r.p_value, 29.0 / 42, 1e-12);
  PB_CHECK(!(pb_mann_whitney(a, 5, b, 5).p_value < 0.05));
  /* U at its mean (3 * 4 / 2 = 6): p = 1. */
  const double c[] = {1.5, 4, 9}, d[] = {2, 3, 5, 6};
  r = pb_mann_whitney(c, 3, d, 4);
  CHECK_NEAR(r.u, 6, 0);
  CHECK_NEAR(r.p_value, 1, 1e-12);
  CHECK_NEAR(r.z, 0, 0);
}

static void mann_whitney_exact_matches_enumeration(void) {
  /* Sizes 4 and 5: for each of the C(9, 4) = 126 ways to give a the ranks,
   * compare the p-value with a count over all 126 arrangements. */
  enum { M = 4, N = 5, T = M + N };
  unsigned dist[M * N + 1] = {0}, total = 0;
  for (unsigned mask = 0; mask < 1u << T; mask++) {
    if (__builtin_popcount(mask) != M) continue;
    unsigned u = 0, bs = 0;
    for (unsigned pos = 0; pos < T; pos++) {
      if ((mask >> pos) & 1)
        u += bs; /* this a exceeds every b seen so far */
      else
        bs++;
    }
    dist[u]++;
    total++;
  }
  PB_CHECK_EQ(total, 126);
  for (unsigned mask = 0; mask < 1u << T; mask++) {
    if (__builtin_popcount(mask) != M) continue;
    double a[M], b[N];
    size_t na = 0, nb = 0;
    for (unsigned pos = 0; pos < T; pos++) {
      if ((mask >> pos) & 1)
        a[na++] = pos * 1.5;
      else
        b[nb++] = pos * 1.5;
    }
    pb_mwu r = pb_mann_whitney(a, M, b, N);
    unsigned u = (unsigned)r.u, lo = 0, hi = 0;
    for (unsigned v = 0; v <= M * N; v++) {
      if (v <= u) lo += dist[v];
      if (v >= u) hi += dist[v];
    }
    double want = 2.0 * (lo < hi ? lo : hi) / total;
    if (want > 1) want = 1;
    CHECK_NEAR(r.p_value, want, 1e-12);
  }
}

static void mann_whitney_identical_samples(void) {
  /* Every value tied with one in the other sample: U = 12.5 = na nb / 2,
   * z = 0, p = 1 (ties, so the normal approximation). */
  const double a[] = {1, 2, 3, 4, 5};
  pb_mwu r = pb_mann_whitney(a, 5, a, 5);
  CHECK_NEAR(r.u, 12.5, 0);
  CHECK_NEAR(r.z, 0, 0);
  CHECK_NEAR(r.p_value, 1, 1e-12);
  PB_CHECK(!(pb_mann_whitney(a, 5, a, 5).p_value < 0.05));
  /* All values equal: the variance is 0; p = 1, not NaN. */
  const double c[] = {2, 2, 2};
  r = pb_mann_whitney(c, 3, c, 2);
  CHECK_NEAR(r.u, 3, 0);
  CHECK_NEAR(r.p_value, 1, 0);
}

static void mann_whitney_ties_use_midranks(void) {
  /* Pooled: 1 | 2 2 2 | 3 3 | 4 5 | 6 6 | 7 with ranks 1 | 3 3 3 | 5.5 5.5 |
   * 7 8 | 9.5 9.5 | 11. a = {1, 2, 2, 3, 4} has rank sum
   * 1 + 3 + 3 + 5.5 + 7 = 19.5, U = 19.5 - 15 = 4.5.
   * Ties: t = 3, 2, 2: sum t^3 - t = 24 + 6 + 6 = 36; N = 11;
   * variance = 30 / 12 (12 - 36 / 110) = 29.181818...;
   * z = -(|4.5 - 15| - 0.5) / sqrt(29.1818) = -1.8511594413390;
   * p = erfc(1.85116 / sqrt 2) = 0.0641466187344. */
  const double a[] = {1, 2, 2, 3, 4}, b[] = {2, 3, 5, 6, 6, 7};
  pb_mwu r = pb_mann_whitney(a, 5, b, 6);
  CHECK_NEAR(r.u, 4.5, 0);
  CHECK_NEAR(r.z, -10 / sqrt(2.5 * (12 - 36.0 / 110)), 1e-12);
  CHECK_NEAR(r.z, -1.8511594413390131, 1e-12);
  CHECK_NEAR(r.p_value, 0.06414661873440443, 1e-12);
  PB_CHECK(!(pb_mann_whitney(a, 5, b, 6).p_value < 0.05));
  PB_CHECK(pb_mann_whitney(a, 5, b, 6).p_value < 0.10);
}

static void mann_whitney_normal_approximation(void) {
  /* 20 and 20, no ties: a = 1..20, b = 11.5..30.5. The b's below an a are
   * those up to a - 10.5: U = 1 + 2 + ... + 9 = 45. Mean 200, variance
   * 400 * 41 / 12; z = -(155 - 0.5) / sqrt(1366.67) = -4.1792387566835;
   * p = 2.9248649327369e-05. */
  double a[20], b[20];
  for (unsigned i = 0; i < 20; i++) {
    a[i] = i + 1;
    b[i] = i + 11.5;
  }
  pb_mwu r = pb_mann_whitney(a, 20, b, 20);
  CHECK_NEAR(r.u, 45, 0);
  CHECK_NEAR(r.z, -154.5 / sqrt(400.0 * 41 / 12), 1e-12);
  CHECK_NEAR(r.p_value, 2.9248649327369012e-05, 1e-15);
}

static void mann_whitney_large_shift(void) {
  /* 100 noisy values against the same shifted by far more than their
   * spread: z is about -12, p far below 1e-6. */
  double a[100], b[100];
  pb_rng g = pb_rng_seeded(11, 0);
  for (unsigned i = 0; i < 100; i++) {
    a[i] = 1000 + (double)pb_rng_below(&g, 100000) / 1000;
    b[i] = a[i] + 500;
  }
  pb_mwu r = pb_mann_whitney(a, 100, b, 100);
  CHECK_NEAR(r.u, 0, 0);
  PB_CHECKF(r.p_value < 1e-6, "p %g", r.p_value);
  PB_CHECK(r.z < -12);
  PB_CHECK(pb_mann_whitney(a, 100, b, 100).p_value < 0.001);
  /* The same values in both: no difference. */
  r = pb_mann_whitney(a, 100, a, 100);
  CHECK_NEAR(r.p_value, 1, 1e-12);
  pb_mwu none = pb_mann_whitney(a, 0, b, 100);
  PB_CHECK(isnan(none.u) && isnan(none.z) && isnan(none.p_value));
  PB_CHECK(!(pb_mann_whitney(a, 0, b, 100).p_value < 0.05));
}

/* ---- stability -------------------------------------------------------------
 */

static void unstable_like_pyperf(void) {
  /* [1, 1, 2]: mean 4/3, sd sqrt(1/3) = 0.577: 43% of the mean. */
  const double wide[] = {1, 1, 2};
  PB_CHECK_EQ(pb_unstable(wide, 3, 0.10), 1);
  /* [100, 101, 99]: mean 100, sd 1: 1%. */
  const double tight[] = {100, 101, 99};
  PB_CHECK_EQ(pb_unstable(tight, 3, 0.10), 0);
  PB_CHECK_EQ(pb_unstable(tight, 3, 0.005), 1);
  /* [90, 110]: sd = sqrt(200) = 14.1% of the mean 100. */
  const double edge[] = {90, 110};
  PB_CHECK_EQ(pb_unstable(edge, 2, 0.10), 1);
  PB_CHECK_EQ(pb_unstable(edge, 2, 0.15), 0);
  /* One run cannot show a spread. */
  PB_CHECK_EQ(pb_unstable(wide, 1, 0.10), 0);
  const double bad[] = {1, NAN, 1};
  PB_CHECK_EQ(pb_unstable(bad, 3, 0.10), 1);
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(median_of_odd_and_even_counts),
      PB_TEST(mean_stddev_min_max),
      PB_TEST(inputs_are_not_modified),
      PB_TEST(median_ci_for_ten_values),
      PB_TEST(median_ci_small_n_falls_back_to_the_range),
      PB_TEST(median_ci_agrees_with_exact_binomial_sums),
      PB_TEST(mann_whitney_separated_samples),
      PB_TEST(mann_whitney_interleaved_samples),
      PB_TEST(mann_whitney_exact_matches_enumeration),
      PB_TEST(mann_whitney_identical_samples),
      PB_TEST(mann_whitney_ties_use_midranks),
      PB_TEST(mann_whitney_normal_approximation),
      PB_TEST(mann_whitney_large_shift),
      PB_TEST(unstable_like_pyperf),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
