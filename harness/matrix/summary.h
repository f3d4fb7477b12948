/* One metric of one cell, summarized: the median of its runs with their
 * spread, a confidence interval, and how it compares with the reference
 * variant's cell of the same workload. */
#ifndef POOLBENCH_HARNESS_MATRIX_SUMMARY_H
#define POOLBENCH_HARNESS_MATRIX_SUMMARY_H

#include <stddef.h>

#include "harness/matrix/matrix.h"

typedef struct pb_summary {
  size_t n; /* successful runs */
  double median, min, max;
  double ci_low, ci_high, ci_level; /* distribution-free CI of the median */
  int unstable;                     /* spread too wide to trust */
  double ratio;   /* median / the reference's median; NAN when unknown */
  double p_value; /* Mann-Whitney against the reference; NAN for itself */
} pb_summary;

/* Fills *s for workload w, variant v; returns 0, or -1 if no run of the
 * cell succeeded. */
int pb_summarize(const pb_matrix *m, size_t w, size_t v,
                 const pb_metric *metric, pb_summary *s);

/* The confidence level the order-statistic interval of the median reaches
 * with n runs (below 6 runs no pair reaches 95%). */
double pb_summary_ci_level(size_t n);

#endif /* POOLBENCH_HARNESS_MATRIX_SUMMARY_H */
