/* The comparison matrix: what `bazel run //:benchmarks` runs and reports.
 *
 * A variant is a backend with a set of parameters ("pool" with layout=3.8 in
 * a sweep, or plain "glibc"). A cell is one (variant, workload) pair, run
 * several times; each run is one process of the variant's runner, whose JSON
 * result is kept whole. Runs are interleaved: repetition r runs every
 * workload on every variant, round-robin over variants, before r + 1 starts,
 * so that drift on a shared machine hits every variant alike. */
#ifndef POOLBENCH_HARNESS_MATRIX_H
#define POOLBENCH_HARNESS_MATRIX_H

#include <jansson.h>
#include <stddef.h>

#include "allocator/allocator.h"

#define PB_MAX_PARAMS 4

typedef struct pb_variant {
  char label[96]; /* "pool", "pool[layout=3.8]" */
  const char *backend;
  char runner[512]; /* path of bench_<backend> */
  pb_param params[PB_MAX_PARAMS];
  size_t nparams;
  json_t *identity; /* the runner's --describe: version, layout */
} pb_variant;

typedef struct pb_run {
  int ok;
  char failure[256]; /* "exit 3: ...", "signal 11 (...)", "timeout ..." */
  json_t *result;    /* the runner's JSON object when ok */
} pb_run;

typedef struct pb_cell {
  const pb_variant *variant;
  const char *workload;
  pb_run *runs; /* runs_per_cell entries */
  int failed;   /* at least one run failed */
} pb_cell;

/* One reported metric: a field of the runner's JSON, how to show it. */
typedef struct pb_metric {
  const char *field; /* "ns_per_op", ... */
  const char *title; /* table heading */
  const char *unit;  /* "ns/op", "MiB", "" */
  double divisor;    /* shown value = field / divisor */
  int lower_is_better;
} pb_metric;

extern const pb_metric pb_metrics[];
extern const size_t pb_metric_count;

typedef struct pb_matrix {
  pb_variant *variants;
  size_t nvariants;
  const char **workloads;
  size_t nworkloads;
  int runs_per_cell;
  pb_cell *cells; /* workload-major: cells[w * nvariants + v] */
  const pb_variant *reference;
  json_t *options; /* as given, for latest.json */
  double unstable_threshold;
} pb_matrix;

static inline pb_cell *pb_matrix_cell(const pb_matrix *m, size_t w, size_t v) {
  return &m->cells[w * m->nvariants + v];
}

/* Summary of one metric over a cell's successful runs. */
typedef struct pb_summary {
  size_t n;
  double median, min, max;
  double ci_low, ci_high, ci_level; /* distribution-free CI of the median */
  int unstable;                     /* spread too wide to trust */
  double ratio;                     /* median / the reference's median */
  double p_value;                   /* Mann-Whitney against the reference */
} pb_summary;

/* Fills *s from the cell's runs; returns 0, or -1 if no run succeeded. */
int pb_summarize(const pb_matrix *m, size_t w, size_t v,
                 const pb_metric *metric, pb_summary *s);

/* ---- reports (report.c) ---------------------------------------------------
 */

/* The comparison tables, as Markdown (also what the terminal shows). */
void pb_report_markdown(const pb_matrix *m, FILE *out);
void pb_report_csv(const pb_matrix *m, FILE *out);
/* Every run of every cell, the machine, the options, the allocators. */
json_t *pb_report_json(const pb_matrix *m);
/* Writes the SVG charts into dir with gnuplot; returns the number written,
 * or -1 with a message on stderr if gnuplot could not run. */
int pb_report_charts(const pb_matrix *m, const char *dir);

/* Writes data to dir/name atomically (a temporary file renamed into place).
 * Returns 0, or -1 with a message on stderr. */
int pb_write_file_atomic(const char *dir, const char *name, const char *data,
                         size_t len);

#endif /* POOLBENCH_HARNESS_MATRIX_H */
