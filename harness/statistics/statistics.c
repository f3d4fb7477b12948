/* Statistics for the benchmark driver; see statistics.h for the methods and
 * their sources. */
#include "harness/statistics/statistics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------- */

static int compare_doubles(const void *pa, const void *pb) {
  double a = *(const double *)pa, b = *(const double *)pb;
  return (a > b) - (a < b);
}

static void sort_doubles(double *x, size_t n) {
  qsort(x, n, sizeof *x, compare_doubles);
}

/* A sorted copy of x, or NULL (n == 0 or out of memory). */
static double *sorted_copy(const double *x, size_t n) {
  if (n == 0) return NULL;
  double *copy = malloc(n * sizeof *copy);
  if (!copy) return NULL;
  memcpy(copy, x, n * sizeof *copy);
  sort_doubles(copy, n);
  return copy;
}

static double sorted_median(const double *s, size_t n) {
  size_t mid = n / 2;
  if (n % 2) return s[mid];
  /* Halving each term cannot overflow for huge values of the same sign. */
  return s[mid - 1] / 2 + s[mid] / 2;
}

static pb_interval nan_interval(void) {
  pb_interval r = {NAN, NAN, NAN, 0};
  return r;
}

/* ---- summaries ----------------------------------------------------------- */

double pb_median(const double *x, size_t n) {
  double *s = sorted_copy(x, n);
  if (!s) return NAN;
  double m = sorted_median(s, n);
  free(s);
  return m;
}

double pb_mean(const double *x, size_t n) {
  if (n == 0) return NAN;
  double sum = 0;
  for (size_t i = 0; i < n; i++) sum += x[i];
  return sum / (double)n;
}

double pb_stddev(const double *x, size_t n) {
  if (n < 2) return 0;
  /* Two passes: the sum of squared deviations from the mean does not suffer
   * the cancellation of sum(x^2) - n mean^2. */
  double mean = pb_mean(x, n);
  double ss = 0;
  for (size_t i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  return sqrt(ss / (double)(n - 1));
}

double pb_min(const double *x, size_t n) {
  if (n == 0) return NAN;
  double m = x[0];
  for (size_t i = 1; i < n; i++)
    if (x[i] < m) m = x[i];
  return m;
}

double pb_max(const double *x, size_t n) {
  if (n == 0) return NAN;
  double m = x[0];
  for (size_t i = 1; i < n; i++)
    if (x[i] > m) m = x[i];
  return m;
}

/* ---- median confidence interval ------------------------------------------ */

pb_interval pb_median_ci(const double *x, size_t n, double level) {
  if (n == 0 || isnan(level)) return nan_interval();
  double *s = sorted_copy(x, n);
  if (!s) return nan_interval();

  /* B ~ Binomial(n, 1/2). The interval [x_(j), x_(n+1-j)] covers the median
   * with probability 1 - 2 P(B <= j - 1). Walk j up from 1 while the next j
   * still reaches the level, accumulating the lower tail P(B <= j - 1).
   * The probabilities are computed in log space, log P(B = i) =
   * log C(n, i) - n log 2, with log C(n, i + 1) = log C(n, i) +
   * log((n - i) / (i + 1)), so 2^-n does not underflow for large n. */
  const double slack = 1e-12; /* a level equal to a coverage counts as met */
  double log_pmf = -(double)n * log(2.0); /* log P(B = 0) */
  double tail = exp(log_pmf);             /* P(B <= 0), for j = 1 */
  size_t j = 1;
  double coverage = 1 - 2 * tail;
  if (coverage < level - slack) {
    /* Not even [min, max] reaches the level. */
    pb_interval r = {s[0], s[n - 1], coverage, 0};
    free(s);
    return r;
  }
  while (j < (n + 1) / 2) {
    /* Try j + 1: its tail is P(B <= j). */
    log_pmf += log((double)(n - (j - 1)) / (double)j); /* now P(B = j) */
    double next_tail = tail + exp(log_pmf);
    double next_coverage = 1 - 2 * next_tail;
    if (next_coverage < level - slack) break;
    j++;
    tail = next_tail;
    coverage = next_coverage;
  }
  if (coverage < 0) coverage = 0; /* rounding when j is the middle */
  pb_interval r = {s[j - 1], s[n - j], coverage, 1};
  free(s);
  return r;
}

/* ---- Mann-Whitney U ------------------------------------------------------ */

typedef struct labelled {
  double value;
  int from_a;
} labelled;

static int compare_labelled(const void *pa, const void *pb) {
  return compare_doubles(&((const labelled *)pa)->value,
                         &((const labelled *)pb)->value);
}

/* The exact two-sided p-value of U = u for sizes m, n without ties, u an
 * integer in [0, m n]: min(1, 2 min(P(U <= u), P(U >= u))) under the null
 * hypothesis, where all C(m + n, m) arrangements are equally likely.
 * Mann & Whitney's recurrence on the number of
 * arrangements of i a's and k b's giving U = v: the largest value is either an
 * a, which exceeds all k b's and adds k to U, or a b, which adds nothing:
 *   c(i, k, v) = c(i - 1, k, v - k) + c(i, k - 1, v),
 *   c(0, k, 0) = c(i, 0, 0) = 1.
 * Two layers in i of (n + 1) x (m n + 1) counts suffice; the counts stay below
 * C(20, 10) = 184756. */
static double mwu_exact_p(size_t m, size_t n, size_t u) {
  enum {
    K = PB_MWU_EXACT_MAX + 1,
    V = PB_MWU_EXACT_MAX * PB_MWU_EXACT_MAX + 1
  };
  uint64_t layers[2][K][V];
  uint64_t(*prev)[V] = layers[0], (*cur)[V] = layers[1];
  size_t vmax = m * n;
  memset(prev, 0, sizeof layers[0]);
  for (size_t k = 0; k <= n; k++) prev[k][0] = 1; /* i = 0 */
  for (size_t i = 1; i <= m; i++) {
    memset(cur, 0, sizeof layers[0]);
    cur[0][0] = 1; /* k = 0: only a's, U = 0 */
    for (size_t k = 1; k <= n; k++)
      for (size_t v = 0; v <= vmax; v++)
        cur[k][v] = (v >= k ? prev[k][v - k] : 0) + cur[k - 1][v];
    uint64_t(*t)[V] = prev;
    prev = cur;
    cur = t;
  }
  uint64_t below = 0, above = 0, total = 0;
  for (size_t v = 0; v <= vmax; v++) {
    total += prev[n][v];
    if (v <= u) below += prev[n][v];
    if (v >= u) above += prev[n][v];
  }
  double p = 2 * (double)(below < above ? below : above) / (double)total;
  return p < 1 ? p : 1;
}

pb_mwu pb_mann_whitney(const double *a, size_t na, const double *b, size_t nb) {
  pb_mwu r = {NAN, NAN, NAN};
  if (na == 0 || nb == 0) return r;
  size_t total = na + nb;
  labelled *pool = malloc(total * sizeof *pool);
  if (!pool) return r;
  for (size_t i = 0; i < na; i++) pool[i] = (labelled){a[i], 1};
  for (size_t i = 0; i < nb; i++) pool[na + i] = (labelled){b[i], 0};
  qsort(pool, total, sizeof *pool, compare_labelled);

  /* Midranks: a group of t tied values at 0-based positions i .. i+t-1 all
   * get rank (i + 1 + i + t) / 2. */
  double rank_sum_a = 0, tie_term = 0;
  for (size_t i = 0; i < total;) {
    size_t end = i + 1;
    while (end < total && pool[end].value == pool[i].value) end++;
    double t = (double)(end - i);
    double midrank = ((double)(i + 1) + (double)end) / 2;
    for (size_t k = i; k < end; k++)
      if (pool[k].from_a) rank_sum_a += midrank;
    tie_term += t * t * t - t;
    i = end;
  }
  free(pool);

  double dna = (double)na, dnb = (double)nb, dn = (double)total;
  double u = rank_sum_a - dna * (dna + 1) / 2;
  double mean = dna * dnb / 2;
  double var = dna * dnb / 12 * ((dn + 1) - tie_term / (dn * (dn - 1)));
  double z = 0;
  if (var > 0) {
    double dev = fabs(u - mean) - 0.5; /* continuity correction */
    if (dev < 0) dev = 0;
    z = (u < mean ? -dev : dev) / sqrt(var);
  }
  double p = erfc(fabs(z) / sqrt(2.0));

  if (tie_term == 0 && na <= PB_MWU_EXACT_MAX && nb <= PB_MWU_EXACT_MAX) {
    /* No ties: u is an integer. */
    p = mwu_exact_p(na, nb, (size_t)u);
  }
  if (p > 1) p = 1;
  r.u = u;
  r.z = z;
  r.p_value = p;
  return r;
}

/* ---- stability ----------------------------------------------------------- */

int pb_unstable(const double *x, size_t n, double threshold) {
  if (n < 2) return 0;
  double mean = pb_mean(x, n);
  double sd = pb_stddev(x, n);
  /* Written so that NaN anywhere reports unstable. */
  return !(sd <= threshold * fabs(mean));
}
