#include "harness/matrix/summary.h"

#include <math.h>
#include <string.h>

#include "harness/statistics/statistics.h"

int pb_summarize(const pb_matrix *m, size_t w, size_t v,
                 const pb_metric *metric, pb_summary *s) {
  double values[m->runs_per_cell], ref[m->runs_per_cell];
  memset(s, 0, sizeof *s);
  s->n = pb_cell_values(m, pb_matrix_cell(m, w, v), metric, values);
  if (s->n == 0) return -1;
  s->median = pb_median(values, s->n);
  s->min = pb_min(values, s->n);
  s->max = pb_max(values, s->n);
  pb_interval ci = pb_median_ci(values, s->n, 0.95);
  s->ci_low = ci.low;
  s->ci_high = ci.high;
  s->ci_level = ci.level;
  s->unstable = pb_unstable(values, s->n, m->unstable_threshold);
  s->ratio = NAN;
  s->p_value = NAN;
  size_t r = (size_t)(m->reference - m->variants);
  size_t nref = pb_cell_values(m, pb_matrix_cell(m, w, r), metric, ref);
  if (nref > 0) {
    double ref_median = pb_median(ref, nref);
    if (ref_median != 0) s->ratio = s->median / ref_median;
    if (r != v) s->p_value = pb_mann_whitney(values, s->n, ref, nref).p_value;
  }
  return 0;
}

double pb_summary_ci_level(size_t n) {
  double ranks[n ? n : 1];
  for (size_t r = 0; r < n; r++) ranks[r] = (double)r;
  return pb_median_ci(ranks, n, 0.95).level;
}
