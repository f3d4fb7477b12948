/* The analysis of a comparison: everything its reports show that is
 * decided rather than measured, computed once from the matrix, so that
 * every renderer formats the same decisions and latest.json carries each
 * decision latest.md shows (google/benchmark's compare.py keeps its
 * difference report apart from its printing in the same way).
 *
 *   - per cell and metric (harness/metrics/metrics.h): the summary of its
 *     runs (summary.h: median, confidence interval, ratio and p against the
 *     reference, "unstable"), and for a counted figure its ratio against
 *     the reference's;
 *   - per cell: its disturbed runs, whether a run was interrupted, the
 *     failure of its first failed run;
 *   - the matrix: runs done and planned, disturbed runs, failed cells;
 *   - the agreement of the suites on every basis measured (agreement.h):
 *     the rankings, the pairs two rankings put in opposite order, which of
 *     those are within noise, and which workloads disagree;
 *   - the verdict: per workload and question (time, peak RSS, retained,
 *     and with --counted instructions), the best backend, or no clear
 *     difference: a timed metric's best is clear when its interval does not
 *     overlap the runner-up's and Mann-Whitney's p between them is below
 *     0.05; a counted one's when the runner-up is more than 1% above it. A
 *     ceiling (the oracle) is never a winner. And per real program, what
 *     the best alternative changes against the reference (CPython's own
 *     pymalloc when it is compared), with the allocator's share of the
 *     program's instructions;
 *   - how the threaded workloads scale with their threads (scaling.h). */
#ifndef POOLBENCH_HARNESS_MATRIX_ANALYSIS_H
#define POOLBENCH_HARNESS_MATRIX_ANALYSIS_H

#include <stddef.h>

#include "harness/matrix/agreement.h"
#include "harness/matrix/matrix.h"
#include "harness/matrix/scaling.h"
#include "harness/matrix/summary.h"
#include "harness/metrics/metrics.h"

typedef struct pb_cell_analysis {
  /* summarized[k]: the workload's runs report metric k and one succeeded */
  int summarized[PB_METRIC_COUNT];
  pb_summary summary[PB_METRIC_COUNT];
  /* The cell's counted figure over the reference's, NAN when either is
   * missing or the reference's is 0. */
  double counted_ratio[PB_METRIC_COUNT];
  int disturbed_runs;
  int interrupted;     /* a run did not finish: the comparison was stopped */
  const char *failure; /* its first failed run's failure, or "" */
} pb_cell_analysis;

/* The questions a verdict answers. */
typedef enum pb_question {
  PB_QUESTION_TIME,         /* CPU time: the replay's per op, the program's */
  PB_QUESTION_PEAK_RSS,     /* peak RSS */
  PB_QUESTION_RETAINED,     /* RSS after freeing everything (replays) */
  PB_QUESTION_INSTRUCTIONS, /* counted: per op, the whole program's */
  PB_QUESTION_COUNT
} pb_question;

extern const char *const pb_question_names[PB_QUESTION_COUNT];

/* Timed medians closer than this are no clear difference, counted ones
 * within this share of each other. */
#define PB_VERDICT_P 0.05
#define PB_VERDICT_COUNTED_SHARE 0.01

typedef struct pb_verdict {
  const pb_metric *metric; /* NULL: the question does not apply */
  long best;      /* the variant with the lowest figure, -1 when none */
  long runner_up; /* the next one, -1 when none */
  int clear;      /* best is told apart from runner_up */
  double margin;  /* runner_up's figure over best's, minus 1 */
  double p_value; /* Mann-Whitney, best against runner_up; NAN counted */
} pb_verdict;

/* A real program: what its best alternative changes against the
 * reference. */
typedef struct pb_program_verdict {
  size_t w;         /* the matrix workload (the real suite's) */
  long alternative; /* the best non-reference backend that is no ceiling,
                       by instructions when counted, else by CPU time; -1 */
  double instructions_change; /* its whole-program instructions over the
                                 reference's, minus 1; NAN uncounted */
  double peak_rss_change;     /* likewise, its peak RSS (medians) */
  double allocator_share;     /* the allocator's share of the reference's
                                 instructions; NAN uncounted */
} pb_program_verdict;

typedef struct pb_analysis {
  const pb_matrix *m;
  pb_cell_analysis *cells; /* as m->cells: [w * nvariants + v] */
  size_t runs_done, runs_planned;
  size_t disturbed_runs;
  size_t failed_cells;
  /* The agreement on each basis; present only where computed: the counted
   * basis only when the counted metrics were measured. */
  int has_agreement[PB_BASIS_COUNT];
  pb_agreement agreement[PB_BASIS_COUNT];
  /* The basis a workload's disagreement is judged on: instructions when
   * counted (they have no noise), else CPU time. */
  pb_basis primary;
  pb_verdict (*verdicts)[PB_QUESTION_COUNT]; /* per matrix workload */
  pb_program_verdict *programs;              /* one per real-suite workload */
  size_t nprograms;
  pb_scaling scaling; /* the threaded workloads' (empty without them) */
} pb_analysis;

/* Computes every decision above; exits with status 1 when out of memory. */
void pb_analysis_compute(const pb_matrix *m, pb_analysis *a);
void pb_analysis_free(pb_analysis *a);

static inline const pb_cell_analysis *pb_analysis_cell(const pb_analysis *a,
                                                       size_t w, size_t v) {
  return &a->cells[w * a->m->nvariants + v];
}

#endif /* POOLBENCH_HARNESS_MATRIX_ANALYSIS_H */
