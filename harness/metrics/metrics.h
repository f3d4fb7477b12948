/* The metric registry: every figure the harness reports, summarizes, gates
 * or ranks, declared once.
 *
 * A metric is a number in a run's JSON result (a runner's, or measure's for
 * a real program) or in a cell's counted object (comparison/counted.h),
 * under one key, in one unit, everywhere: the runner writes it under that
 * key, the summaries, every exporter, the gate and the agreement read it
 * through this table, and latest.json keeps the unit (bytes in every
 * `*_bytes`, whatever a table shows). Adding a metric is one entry here
 * plus the code that measures it.
 *
 * Where a metric is found:
 *   - `suites`: the suites whose timed runs report it (one value per run,
 *     summarized over the runs: median, confidence interval, ratio against
 *     the reference, Mann-Whitney p);
 *   - `counted_suites`: the suites whose counted object holds it (one
 *     figure per cell, the same on every run of the same build).
 *
 * How it is shown: `title` names its table in the report (NULL: no table of
 * its own), `shown_unit` and `divisor` turn the stored value into what a
 * person reads (bytes into MiB), `decimals` for the gate's table.
 *
 * What it decides:
 *   - `basis`: the agreement of the suites ranks backends by it (matrix/
 *     agreement.h); each basis names one metric per suite (`basis_suites`
 *     narrows a metric to some suites); a basis says which two suites its
 *     target compares (pb_basis_target);
 *   - `gate`: its default threshold in a new baseline (gate/verdicts.h);
 *     `gated` 0: the gate does not judge it.
 *
 * The order is the order of the report's tables and of the gate's rows. */
#ifndef POOLBENCH_HARNESS_METRICS_METRICS_H
#define POOLBENCH_HARNESS_METRICS_METRICS_H

#include <stddef.h>

#include "harness/metrics/suite.h"

typedef enum pb_metric_id {
  PB_METRIC_NS_PER_OP,
  PB_METRIC_CPU_NS_PER_OP,
  PB_METRIC_INSTRUCTIONS_PER_OP,
  PB_METRIC_MINOR_FAULTS,
  PB_METRIC_MEMORY_SYSCALLS,
  PB_METRIC_PEAK_LIVE,
  PB_METRIC_PEAK_RSS,
  PB_METRIC_FOOTPRINT_PEAK,
  PB_METRIC_FRAGMENTATION,
  PB_METRIC_RETAINED,
  PB_METRIC_FOOTPRINT_RETAINED,
  PB_METRIC_RETAINED_AFTER_RELEASE,
  PB_METRIC_PROGRAM_CPU,
  PB_METRIC_PROGRAM_WALL,
  PB_METRIC_PROGRAM_USER,
  PB_METRIC_PROGRAM_SYSTEM,
  PB_METRIC_INSTRUCTIONS,
  PB_METRIC_ALLOCATOR_INSTRUCTIONS,
  PB_METRIC_ALLOCATOR_SHARE,
  PB_METRIC_ALLOCATOR_OVERHEAD,
  PB_METRIC_DESCHEDULED,
  PB_METRIC_OPS,
  PB_METRIC_THREADS,
  PB_METRIC_CROSS_THREAD_FREES,
  PB_METRIC_CROSS_THREAD_FREE_SHARE,
  PB_METRIC_COUNT
} pb_metric_id;

/* What the agreement of the suites ranks by (matrix/agreement.h). */
typedef enum pb_basis {
  PB_BASIS_NONE,
  PB_BASIS_CPU,
  PB_BASIS_WALL,
  PB_BASIS_INSTRUCTIONS,
  PB_BASIS_FOOTPRINT_PEAK,
  PB_BASIS_FOOTPRINT_RETAINED,
  PB_BASIS_COUNT
} pb_basis;

typedef struct pb_threshold {
  double percent; /* of the baseline value */
  double floor;   /* an absolute change, in the metric's own unit */
} pb_threshold;

typedef struct pb_metric {
  const char *key;        /* in the JSON: "peak_rss_bytes" */
  const char *unit;       /* of the stored value: "bytes", "ns", "s", "x" */
  const char *name;       /* short, for a column: "peak RSS" */
  const char *title;      /* its table's heading; NULL: no table */
  const char *note;       /* a sentence under the heading, or NULL */
  const char *shown_unit; /* what a table shows: "MiB" */
  double divisor;         /* shown = stored / divisor */
  int decimals;           /* in the gate's table */
  int lower_is_better;
  int per_op;              /* a time per op: also shown as Mops/s */
  unsigned suites;         /* PB_SUITE_BITs whose runs report it */
  unsigned counted_suites; /* PB_SUITE_BITs whose counted object holds it */
  const char *detail;      /* a companion object in the counted object, by
                              part ("memory_syscalls": by call), or NULL */
  int from_callgrind;      /* counted: from the callgrind run; else from
                              the pinned native run */
  pb_basis basis;          /* what the agreement ranks by it, or NONE */
  unsigned basis_suites;   /* the suites ranked by it on that basis; 0:
                              every suite whose figures hold it */
  const char *basis_unit;  /* as the agreement's tables say it: "ns/op" */
  int may_be_absent;       /* a run without it is still measured: a
                              figure the program reports itself, which a
                              program ending by os._exit never does */
  int gated;               /* the gate judges it */
  pb_threshold gate;       /* its default threshold */
} pb_metric;

/* Indexed by pb_metric_id. */
extern const pb_metric pb_metrics[PB_METRIC_COUNT];

/* The metric with that key, or NULL. */
const pb_metric *pb_metric_find(const char *key);

/* The key of a metric: what the code that measures it writes. */
static inline const char *pb_metric_key(pb_metric_id id) {
  return pb_metrics[id].key;
}

/* 1 when runs of suite s report the metric; when a cell of suite s holds it
 * in its counted object. */
int pb_metric_in_runs(const pb_metric *metric, pb_suite s);
int pb_metric_in_counted(const pb_metric *metric, pb_suite s);

/* The bases, as reports name them: "CPU time", "wall time",
 * "instructions"; and whether the basis is counted (one figure a cell, no
 * noise: present only with --counted). */
extern const char *const pb_basis_names[PB_BASIS_COUNT];
int pb_basis_counted(pb_basis basis);

/* The metric suite s is ranked by on basis, or NULL when none. */
const pb_metric *pb_basis_metric(pb_basis basis, pb_suite s);

/* What the agreement on a basis asks (matrix/agreement.h decides it): the
 * two suites whose rankings must agree, tau_b at least PB_AGREEMENT_TARGET_TAU
 * between them; and, when ratio_within is not NAN, every backend's ratio
 * against the reference in suite a within ratio_within of its ratio in
 * suite b. Time and instructions: synthetic against real (does the
 * generator's trace predict the program?). Peak footprint: captured against
 * real (does a replay's memory predict the program's?), ratios within
 * 0.05. Retained: no suite but the replays measures it, so no target
 * (a == b). */
typedef struct pb_basis_target {
  pb_suite a, b;
  double ratio_within;
} pb_basis_target;
pb_basis_target pb_basis_target_of(pb_basis basis);

#endif /* POOLBENCH_HARNESS_METRICS_METRICS_H */
