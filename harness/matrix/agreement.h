/* Does the synthetic ranking hold? For each workload the comparison ran in
 * more than one suite (suite.h), the backends ranked by each suite's time
 * and memory, and Kendall's tau_b (stats/kendall.h) between every two
 * suites' rankings.
 *
 * A ranking is by the median of a metric, on five bases (the metric
 * registry declares which metric each suite is ranked by): CPU time (the
 * replay's per op; the whole program's), wall time likewise (less robust on
 * a shared machine), with --counted instructions (per op of the replay; the
 * whole program's, start-up included), which are the same on every run;
 * peak footprint (a replay's: the allocator's fixed overhead + its peak RSS
 * above the baseline; a real program's whole peak RSS) and retained
 * footprint (the replays' alone: a real program reports none). A suite
 * with no metric on a basis is left out of it.
 *
 * Each ranking also gives every backend's ratio against the reference
 * backend's median in the same suite; the registry's pb_basis_target names
 * the pair of suites a basis is judged on: tau_b at least
 * PB_AGREEMENT_TARGET_TAU and, for peak footprint, every backend's ratio in
 * the captured suite within 0.05 of its ratio in the real one. Two backends
 * whose confidence intervals of the median overlap cannot be told apart in that
 * suite: a second tau_b counts those pairs as ties, so that an order flipped
 * within noise shows as such, and every discordant pair is listed, marked when
 * it is within noise in either suite. Counted figures have no noise: both tau_b
 * are the same. */
#ifndef POOLBENCH_HARNESS_MATRIX_AGREEMENT_H
#define POOLBENCH_HARNESS_MATRIX_AGREEMENT_H

#include <jansson.h>

#include "harness/matrix/matrix.h"
#include "harness/statistics/kendall.h"

/* The agreement asked of a basis's target pair of suites (synthetic and
 * real for time and instructions, captured and real for peak footprint):
 * tau_b at least this. Below it a workload disagrees, and on the primary
 * basis the report sets its synthetic and captured profiles side by
 * side. */
#define PB_AGREEMENT_TARGET_TAU 0.8

/* One suite's ranking of one workload. */
typedef struct pb_ranking {
  size_t w;       /* the matrix workload */
  size_t n;       /* variants ranked (those with successful runs) */
  size_t *order;  /* variant indices, fastest first */
  double *median; /* by variant index; NAN when not ranked */
  double *ci_low, *ci_high;
  /* median over the reference backend's in this suite, by variant index;
   * NAN when either is not ranked */
  double *ratio;
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
  /* The basis's target (pb_basis_target_of): tau_b of its two suites, or
   * NAN when the workload was not ranked in both; the largest difference,
   * over the backends ranked in both, between a backend's ratio in one and
   * in the other, or NAN when the basis asks none or no ratio is known. */
  double target_tau;
  double target_ratio_gap;
  /* The target is judged only where its two suites have a tau_b (not where
   * one ranked nothing, its cells all lacking the figure, nor where fewer
   * than two backends are ranked in both); judged, it is missed when
   * target_tau is below the target or a gap above its bound. */
  int judged;
  int disagrees;
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
