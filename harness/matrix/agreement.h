/* Does the synthetic ranking hold? For each workload the comparison ran in
 * more than one suite (suite.h), the backends ranked by each suite's time,
 * and Kendall's tau_b (stats/kendall.h) between every two suites' rankings.
 *
 * A ranking is by the median of a metric, on three bases (the metric
 * registry declares which metric each suite is ranked by): CPU time (the
 * replay's per op; the whole program's), wall time likewise (less robust on
 * a shared machine), and, with --counted, instructions (per op of the
 * replay; the whole program's, start-up included), which are the same on
 * every run. Two backends whose confidence intervals of the median overlap
 * cannot be told apart in that suite: a second tau_b counts those pairs as
 * ties, so that an order flipped within noise shows as such, and every
 * discordant pair is listed, marked when it is within noise in either
 * suite. Counted figures have no noise: both tau_b are the same. */
#ifndef POOLBENCH_HARNESS_MATRIX_AGREEMENT_H
#define POOLBENCH_HARNESS_MATRIX_AGREEMENT_H

#include <jansson.h>

#include "harness/matrix/matrix.h"
#include "harness/statistics/kendall.h"

/* The agreement asked of the synthetic workloads: tau_b at least this
 * between the synthetic and the real ranking. Below it a workload
 * disagrees, and the report sets its synthetic and captured profiles side
 * by side. */
#define PB_AGREEMENT_TARGET_TAU 0.8

/* One suite's ranking of one workload. */
typedef struct pb_ranking {
  size_t w;       /* the matrix workload */
  size_t n;       /* variants ranked (those with successful runs) */
  size_t *order;  /* variant indices, fastest first */
  double *median; /* by variant index; NAN when not ranked */
  double *ci_low, *ci_high;
} pb_ranking;

/* Two suites' rankings of one workload, over the variants both ranked. */
typedef struct pb_ranking_pair {
  pb_suite a, b;
  pb_kendall strict; /* pairs ordered by median */
  pb_kendall noise;  /* pairs whose intervals overlap in a or b tied */
  size_t ndiscordant;
  size_t (*discordant)[2]; /* variant pairs ordered oppositely */
  int *within_noise;       /* per discordant pair */
} pb_ranking_pair;

typedef struct pb_workload_agreement {
  const char *workload;      /* registry name */
  double synthetic_real_tau; /* tau_b of those two suites, or NAN */
  int disagrees;             /* synthetic_real_tau below the target */
  int present[PB_SUITE_COUNT];
  pb_ranking ranking[PB_SUITE_COUNT];
  size_t npairs;
  pb_ranking_pair pair[PB_SUITE_COUNT * (PB_SUITE_COUNT - 1) / 2];
} pb_workload_agreement;

typedef struct pb_agreement {
  pb_basis basis;
  size_t count;
  pb_workload_agreement *workloads;
} pb_agreement;

/* Computes the agreement on basis (harness/metrics/metrics.h names the
 * metric each suite is ranked by) for every workload of m present in two
 * suites or more; count is 0 when there is none. */
void pb_agreement_compute(const pb_matrix *m, pb_basis basis, pb_agreement *a);
void pb_agreement_free(pb_agreement *a);

#endif /* POOLBENCH_HARNESS_MATRIX_AGREEMENT_H */
