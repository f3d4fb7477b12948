/* Statistics for the benchmark driver: summaries, confidence intervals, a
 * two-sample test and a stability flag, all on arrays of doubles.
 *
 * The driver runs each (backend, workload) cell several times, interleaved,
 * and reports the median, its spread and the ratio to a reference backend.
 * Benchmark timings are skewed and have outliers, so the tools here are the
 * distribution-free ones: medians and order-statistic intervals, the
 * percentile bootstrap, and the Mann-Whitney U test.
 *
 * Conventions:
 *   - Inputs are never modified: functions that need sorted data sort a
 *     private copy (plain malloc; none of this is on a measured path).
 *   - Inputs must not contain NaN.
 *   - A function that cannot give an answer (n == 0, or malloc fails)
 *     returns NaN in the affected fields rather than aborting.
 *   - Order statistics are 1-based in the comments: x_(1) <= ... <= x_(n).
 *   - Every function is deterministic; the bootstrap takes an explicit seed.
 *   - No global state: safe to call from several threads at once.
 */
#ifndef POOLBENCH_HARNESS_STATS_STATISTICS_H
#define POOLBENCH_HARNESS_STATS_STATISTICS_H

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

/* The q-quantile with linear interpolation between order statistics:
 * type 7 of Hyndman & Fan ("Sample quantiles in statistical packages", The
 * American Statistician 50(4), 1996), the default of R's quantile() and of
 * numpy's percentile/quantile. With h = (n - 1) q and i = floor(h) (0-based),
 *   Q(q) = x[i] + (h - i) (x[i+1] - x[i])   on the sorted data.
 * q is clamped to [0, 1]; pb_quantile(x, n, 0.5) == pb_median(x, n). NaN for
 * n == 0 or q NaN. */
double pb_quantile(const double *x, size_t n, double q);

double pb_mean(const double *x, size_t n); /* NaN for n == 0 */
/* The sample standard deviation, sqrt(sum (x - mean)^2 / (n - 1)); 0 for
 * n < 2. */
double pb_stddev(const double *x, size_t n);
double pb_min(const double *x, size_t n); /* NaN for n == 0 */
double pb_max(const double *x, size_t n); /* NaN for n == 0 */

/* ---- confidence intervals -------------------------------------------------
 */

typedef struct pb_interval {
  double low, high;
  /* The confidence level: for pb_median_ci the coverage the interval really
   * achieves (see there), for the bootstrap the nominal level asked for. */
  double level;
  /* 1 when the interval meets the level asked for by construction (the
   * order-statistic interval for the median); 0 when it is an approximation
   * (bootstrap) or falls short of it (pb_median_ci's small-n fallback). */
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

/* A percentile-bootstrap confidence interval (Efron & Tibshirani, "An
 * Introduction to the Bootstrap", 1993, chapter 13) for statistic(x, n):
 * draws `resamples` samples of size n with replacement, computes the
 * statistic on each, and returns the (1 - level)/2 and (1 + level)/2 type-7
 * quantiles of those values. Deterministic for a given seed (its own
 * xorshift64* generator seeded through splitmix64). exact = 0 and .level is
 * the nominal level. statistic gets a scratch array it must not keep; it may
 * be pb_median, pb_mean, ... NaN fields for n == 0, resamples == 0 or out of
 * memory. A few thousand resamples are customary for 95% intervals. */
pb_interval pb_bootstrap_ci(const double *x, size_t n,
                            double (*statistic)(const double *, size_t),
                            double level, unsigned resamples, uint64_t seed);

/* A percentile-bootstrap interval for the ratio of medians
 * median(a) / median(b) (b being the reference), resampling a and b
 * independently: how much slower or faster a is than b, with its
 * uncertainty. Same conventions as pb_bootstrap_ci; the point estimate is
 * pb_median(a) / pb_median(b). */
pb_interval pb_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
                        double level, unsigned resamples, uint64_t seed);

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

/* 1 when pb_mann_whitney's p_value is below alpha (e.g. 0.05), else 0
 * (including when it is NaN). */
int pb_differs(const double *a, size_t na, const double *b, size_t nb,
               double alpha);

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

#endif /* POOLBENCH_HARNESS_STATS_STATISTICS_H */
