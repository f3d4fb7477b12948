/* Statistics for the benchmark driver: summaries, a confidence interval, a
 * two-sample test and a stability flag, all on arrays of doubles.
 *
 * The driver runs each (backend, workload) cell several times, interleaved,
 * and reports the median, its spread and the ratio to a reference backend.
 * Benchmark timings are skewed and have outliers, so the tools here are the
 * distribution-free ones: medians and order-statistic intervals, and the
 * Mann-Whitney U test.
 *
 * Conventions:
 *   - Inputs are never modified: functions that need sorted data sort a
 *     private copy (plain malloc; none of this is on a measured path).
 *   - Inputs must not contain NaN.
 *   - A function that cannot give an answer (n == 0, or malloc fails)
 *     returns NaN in the affected fields rather than aborting.
 *   - Order statistics are 1-based in the comments: x_(1) <= ... <= x_(n).
 *   - Every function is deterministic.
 *   - No global state: safe to call from several threads at once.
 */
#ifndef POOLBENCH_HARNESS_STATISTICS_STATISTICS_H
#define POOLBENCH_HARNESS_STATISTICS_STATISTICS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- summaries ------------------------------------------------------------
 */

/* The median: the middle order statistic for odd n, the mean of the two middle
 * ones for even n. NaN for n == 0. */
double pb_median(const double *x, size_t n);

double pb_mean(const double *x, size_t n); /* NaN for n == 0 */
/* The sample standard deviation, sqrt(sum (x - mean)^2 / (n - 1)); 0 for
 * n < 2. */
double pb_stddev(const double *x, size_t n);
double pb_min(const double *x, size_t n); /* NaN for n == 0 */
double pb_max(const double *x, size_t n); /* NaN for n == 0 */

/* ---- confidence interval of the median
 * -------------------------------------------------
 */

typedef struct pb_interval {
  double low, high;
  /* The coverage the interval really achieves (see pb_median_ci). */
  double level;
  /* 1 when the interval meets the level asked for; 0 when it falls short of
   * it (pb_median_ci's small-n fallback). */
  int exact;
} pb_interval;

/* A distribution-free confidence interval for the population median from
 * order statistics, the interval that inverts the sign test (e.g. Conover,
 * "Practical Nonparametric Statistics", 3rd ed., 1999, ch. 3, the confidence
 * interval for a quantile, with p = 1/2).
 *
 * For i.i.d. continuous data, the number B of observations below the
 * population median is Binomial(n, 1/2), so the interval [x_(j), x_(k)] with
 * k = n + 1 - j covers the median with probability
 *   P(j <= B < k) = 1 - 2 P(B <= j - 1),
 * whatever the distribution. The function picks the narrowest such symmetric
 * interval (the largest j) whose coverage is >= level, and returns that
 * coverage in .level (>= the level asked for) with exact = 1. Example: n = 10,
 * level 0.95 gives [x_(2), x_(9)] with coverage 1 - 22/1024 = 0.978515625.
 *
 * When even [x_(1), x_(n)] = [min, max] falls short (1 - 2^(1-n) < level,
 * i.e. n < 6 at 95%, n < 8 at 99%), it returns [min, max] with exact = 0 and
 * its real coverage 1 - 2^(1-n) in .level (0.9375 for n = 5).
 *
 * Ties or discrete data make the real coverage at least the stated one.
 * low = high = level = NaN for n == 0 or a NaN level. */
pb_interval pb_median_ci(const double *x, size_t n, double level);

/* ---- two-sample test ------------------------------------------------------
 */

typedef struct pb_mwu {
  /* U of the first sample: the number of pairs (a_i, b_j) with a_i > b_j,
   * ties counting 1/2; equal to R_a - na (na + 1) / 2 with R_a the sum of
   * a's midranks in the pooled sample (SciPy's convention). Ranges over
   * [0, na nb]; below na nb / 2 when a tends to be smaller than b. */
  double u;
  /* The normal-approximation z of u, tie-corrected and continuity-corrected
   * (see pb_mann_whitney); negative when a tends to be smaller. */
  double z;
  /* Two-sided p-value: exact or from z, see pb_mann_whitney. */
  double p_value;
} pb_mwu;

/* Largest sample sizes for which pb_mann_whitney computes the exact p. */
#define PB_MWU_EXACT_MAX 10

/* The two-sided Mann-Whitney U (Wilcoxon rank-sum) test of whether a and b
 * come from the same distribution, against the alternative that one tends to
 * give larger values (Mann & Whitney, Ann. Math. Statist. 18(1), 1947).
 *
 * p_value is exact when there are no ties across the pooled sample and
 * na, nb <= PB_MWU_EXACT_MAX: the null distribution of U is counted with the
 * Mann-Whitney recurrence over the (na + nb choose na) equally likely
 * arrangements, and p = min(1, 2 min(P(U <= u), P(U >= u))).
 *
 * Otherwise p_value comes from the normal approximation with mean
 * na nb / 2 and the tie-corrected variance
 *   na nb / 12 * ((N + 1) - sum_t (t^3 - t) / (N (N - 1))),  N = na + nb,
 * t running over the sizes of the groups of tied values (e.g. Lehmann,
 * "Nonparametrics: Statistical Methods Based on Ranks", 1975, ch. 1; the
 * same formula as SciPy's mannwhitneyu), with a
 * continuity correction of 1/2 toward the mean:
 *   z = sign(u - mean) max(0, |u - mean| - 1/2) / sd,  p = erfc(|z| / sqrt 2).
 * When every value is tied (sd = 0) z = 0 and p = 1. z is always reported
 * this way, including when p_value is exact.
 *
 * All fields NaN when na or nb is 0 or out of memory. */
pb_mwu pb_mann_whitney(const double *a, size_t na, const double *b, size_t nb);

/* ---- stability ------------------------------------------------------------
 */

/* 1 when the runs of a cell spread too widely to be trusted, as pyperf's
 * "WARNING: the benchmark result may be unstable": pyperf's check
 * (pyperf/_cli.py, format_checks) warns when the standard deviation is 10% of
 * the mean or more. This uses the same measure, the coefficient of variation:
 * unstable when pb_stddev(x) / |pb_mean(x)| > threshold; the driver passes
 * 0.10. The coefficient of variation was chosen over (max - min) / median
 * because the range grows with the number of runs, so a fixed threshold on it
 * would flag more cells the more often they are run.
 *
 * n < 2 gives 0: one run cannot show a spread. NaN values give 1. */
int pb_unstable(const double *x, size_t n, double threshold);

#ifdef __cplusplus
}
#endif

#endif /* POOLBENCH_HARNESS_STATISTICS_STATISTICS_H */
