/* The comparison matrix: what `bazel run //:benchmarks` runs and reports.
 *
 * A variant is a backend with a set of parameters (a backend with one of
 * its sweep sets, or a backend as it comes). A cell is one (variant, workload)
 * pair, run several times; each run is one process of the variant's runner,
 * whose JSON result is kept whole. Runs are interleaved: repetition r runs
 * every workload on every variant, round-robin over variants, before r + 1
 * starts, so that drift on a shared machine hits every variant alike.
 *
 * The matrix is filled by the driver (benchmarks.c) and read by the
 * exporters (export_*.h, charts.h); it names no backend and no workload
 * itself: both come from the registries (allocator/registry.h,
 * workloads/workloads.h). */
#ifndef POOLBENCH_HARNESS_MATRIX_MATRIX_H
#define POOLBENCH_HARNESS_MATRIX_MATRIX_H

#include <jansson.h>
#include <stddef.h>

#include "allocator/allocator.h"
#include "harness/metrics/metrics.h"
#include "harness/metrics/suite.h"
#include "workloads/profile.h"

typedef struct pb_variant {
  char *label;         /* "B", "B[name=value,...]" (malloc'd) */
  const char *backend; /* its registry name */
  char *runner;        /* path of bench_<backend> (malloc'd) */
  char *pyrun;         /* path of pyrun_<backend>, for real programs */
  pb_param params[PB_PARAMS_MAX];
  size_t nparams;
  json_t *identity; /* the runner's --describe: version, config */
  int ceiling;      /* the backend bounds what any allocator could do (the
                       oracle): a ceiling, never a winner */
  int pymalloc;     /* the backend is CPython's own pymalloc */
  /* In the deploy suite the variants are deployment configurations
   * (harness/comparison/deploy.h), backend then naming the process's
   * malloc: the interpreter that runs the programs, what the configuration
   * adds to their environment (NAME=VALUE, NULL-terminated), and what its
   * runs check (deploy.c's). NULL for a backend. */
  char *python;
  char **environment;
  const struct pb_deployment *deployment;
} pb_variant;

typedef struct pb_matrix_workload {
  const char *name;     /* as reports show it: "NAME", "NAME:captured", ... */
  double scale;         /* what its trace was generated at */
  int rss_chart;        /* the registry asks for an RSS-over-time chart */
  const char *workload; /* its registry name ("NAME") */
  pb_suite suite;
  /* A threaded workload's thread count ("NAME@N"), 0 for the others, and
   * this machine's own speedup at that count (comparison/parallelism.h),
   * NAN when not measured. */
  unsigned threads;
  double machine_speedup;
  char *script; /* its program (absolute path): captured and real */
  /* The program's arguments after the script, NULL-terminated: a built-in
   * workload's scale, or what --program gave. */
  char **args;
  int user_program; /* from --program or --trace, not the registry */
  /* A saved capture given with --trace (absolute path): replayed as it is,
   * never captured nor removed. */
  char *trace_given;
  /* Why the workload cannot run at all (a --program whose capture failed,
   * or that failed on the first backend): its cells' runs fail with it,
   * unrun. NULL otherwise. */
  char *failure;
  pb_profile profile; /* of its trace (synthetic and captured), when the
                         report compares suites */
  int profiled;
} pb_matrix_workload;

typedef struct pb_run {
  int ok;
  char failure[256]; /* "exit 3: ...", "signal 11 (...)", "timeout ..." */
  json_t *result;    /* the runner's JSON object when ok */
  int interrupted;   /* not run to the end: the comparison was interrupted */
} pb_run;

typedef struct pb_cell {
  const pb_variant *variant;
  const pb_matrix_workload *workload;
  pb_run *runs; /* runs_per_cell entries */
  int failed;   /* at least one run failed */
  /* The counted metrics (harness/comparison/counted.h), when measured: one
   * object, or NULL with why in counted_failure. */
  json_t *counted;
  char counted_failure[256];
  /* Its counted run was stopped, or never started, by a SIGINT or SIGTERM:
   * counted is NULL and counted_failure empty (neither measured nor
   * failed). */
  int counted_interrupted;
} pb_cell;

typedef struct pb_matrix {
  pb_variant *variants;
  size_t nvariants;
  pb_matrix_workload *workloads;
  size_t nworkloads;
  int runs_per_cell;
  pb_cell *cells; /* workload-major: cells[w * nvariants + v] */
  const pb_variant *reference;
  json_t *options; /* as given, for latest.json */
  double unstable_threshold;
  int interrupted; /* the signal that stopped the comparison early, or 0 */
  /* A run descheduled for more than this share of its replay's wall time
   * is marked disturbed (README, "Disturbed runs"). */
  double disturbed_threshold;
  int counted;     /* the counted metrics were measured (--counted) */
  unsigned suites; /* PB_SUITE_BITs of the suites compared */
  char *pytrace;   /* the capture program, for the captured suite */
  unsigned cpus;   /* the CPUs the runs could use (scaling.h), 0: unknown */
  /* The synthetic traces leave out CPython's start-up heap (workloads.h):
   * --no-startup-heap; the gate never does. */
  int no_startup_heap;
} pb_matrix;

/* Allocates m's cells, every (workload, variant) pair, each with room for
 * runs_per_cell runs (none when it is 0); exits with status 1 when out of
 * memory. */
void pb_matrix_add_cells(pb_matrix *m);

static inline pb_cell *pb_matrix_cell(const pb_matrix *m, size_t w, size_t v) {
  return &m->cells[w * m->nvariants + v];
}

/* The metric's values over the cell's successful runs, in run order, in
 * the metric's own unit; returns how many. values has room for
 * runs_per_cell. */
size_t pb_cell_values(const pb_matrix *m, const pb_cell *cell,
                      const pb_metric *metric, double *values);

/* The cell's counted figure of the metric, or NAN when it has none. */
double pb_cell_counted(const pb_cell *cell, const pb_metric *metric);

/* 1 when the workload's runs report the metric (its suite's do). */
int pb_metric_applies(const pb_metric *metric, const pb_matrix_workload *w);

/* The failure of the cell's first failed run, or "". */
const char *pb_cell_failure(const pb_matrix *m, const pb_cell *cell);

/* After the comparison was interrupted by signal signo: records it, marks
 * interrupted every run that did not finish (the one stopped and those not
 * started). Returns how many runs did finish, well or not. */
size_t pb_matrix_mark_interrupted(pb_matrix *m, int signo);

/* Runs that did finish, and runs planned (every run of every cell). */
size_t pb_matrix_runs_done(const pb_matrix *m);
size_t pb_matrix_runs_planned(const pb_matrix *m);

/* 1 when some run of the cell was interrupted. */
int pb_cell_interrupted(const pb_matrix *m, const pb_cell *cell);
/* Marks a successful run whose replay was descheduled for more than
 * m->disturbed_threshold of its wall time ("disturbed": true in its result)
 * and returns 1; otherwise records "disturbed": false and returns 0. */
int pb_run_mark_disturbed(const pb_matrix *m, pb_run *run);

/* Disturbed runs of the cell, and of the whole matrix. */
int pb_cell_disturbed(const pb_matrix *m, const pb_cell *cell);
size_t pb_matrix_disturbed(const pb_matrix *m);

#endif /* POOLBENCH_HARNESS_MATRIX_MATRIX_H */
