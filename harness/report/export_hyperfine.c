/* The real programs' runs in hyperfine's JSON export format (exporter.h),
 * one file per program, hyperfine_<workload>.json, so that hyperfine's own
 * scripts (plot_whisker.py, plot_histogram.py, advanced_statistics.py) plot
 * and summarize them as if `hyperfine --export-json` had timed each
 * pyrun_<backend> (hyperfine need not be installed):
 *
 *   {"results": [{"command": "pyrun_<backend> PROGRAM ARGS", "mean": s,
 *     "stddev": s, "median": s, "user": s, "system": s, "min": s,
 *     "max": s, "times": [s, ...], "exit_codes": [0, ...]}, ...]}
 *
 * Wall times of the whole program (measure, from wait4), the runs that
 * succeeded; the mean and standard deviation are computed here, as
 * hyperfine computes them (the sample standard deviation). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/fail.h"
#include "harness/report/exporter.h"

#define PREFIX "hyperfine_"
#define SUFFIX ".json"

/* The successful runs' values of a metric (pb_cell_values), their mean in
 * *mean. */
static json_t *times_of(const pb_matrix *m, const pb_cell *cell,
                        pb_metric_id id, double *mean) {
  double values[m->runs_per_cell];
  size_t n = pb_cell_values(m, cell, &pb_metrics[id], values);
  json_t *times = json_array();
  double sum = 0;
  for (size_t k = 0; k < n; k++) {
    json_array_append_new(times, json_real(values[k]));
    sum += values[k];
  }
  *mean = n ? sum / (double)n : NAN;
  return times;
}

static json_t *result_of(const pb_report *r, size_t w, size_t v) {
  const pb_matrix *m = r->m;
  const pb_cell *cell = pb_matrix_cell(m, w, v);
  double mean, user, system;
  json_t *times = times_of(m, cell, PB_METRIC_PROGRAM_WALL, &mean);
  json_decref(times_of(m, cell, PB_METRIC_PROGRAM_USER, &user));
  json_decref(times_of(m, cell, PB_METRIC_PROGRAM_SYSTEM, &system));
  size_t n = json_array_size(times);
  if (n == 0) {
    json_decref(times);
    return NULL;
  }
  double squares = 0, min = INFINITY, max = -INFINITY;
  size_t i;
  json_t *t;
  json_t *exit_codes = json_array();
  json_array_foreach(times, i, t) {
    double x = json_number_value(t);
    squares += (x - mean) * (x - mean);
    min = fmin(min, x);
    max = fmax(max, x);
    json_array_append_new(exit_codes, json_integer(0));
  }
  const pb_cell_analysis *c = pb_analysis_cell(&r->analysis, w, v);
  double median = c->summary[PB_METRIC_PROGRAM_WALL].median;
  char *command = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&command, &len);
  if (!f) pb_fail(PB_EXIT_FAILED, "out of memory");
  /* A deployment configuration runs a real interpreter with its settings. */
  for (char **e = m->variants[v].environment; e && *e; e++)
    fprintf(f, "%s ", *e);
  if (m->variants[v].python)
    fprintf(f, "%s %s", m->variants[v].python, m->workloads[w].script);
  else
    fprintf(f, "pyrun_%s %s", m->variants[v].backend, m->workloads[w].script);
  for (char **a = m->workloads[w].args; a && *a; a++) fprintf(f, " %s", *a);
  fclose(f);
  json_t *result = json_pack(
      "{s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:o, s:o}", "command", command,
      "mean", mean, "stddev", n > 1 ? sqrt(squares / (double)(n - 1)) : 0.0,
      "median", median, "user", user, "system", system, "min", min, "max", max,
      "times", times, "exit_codes", exit_codes);
  free(command);
  return result;
}

static int render(const pb_report *r, pb_rendered *out) {
  const pb_matrix *m = r->m;
  for (size_t w = 0; w < m->nworkloads; w++) {
    if (pb_suite_is(m->workloads[w].suite, PB_SUITES_REPLAYED)) continue;
    json_t *results = json_array();
    for (size_t v = 0; v < m->nvariants; v++) {
      json_t *one = result_of(r, w, v);
      if (one) json_array_append_new(results, one);
    }
    json_t *root = json_pack("{s:o}", "results", results);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    json_decref(root);
    char name[128];
    snprintf(name, sizeof name, PREFIX "%.60s" SUFFIX,
             m->workloads[w].workload);
    if (!text) {
      pb_warn("%s: out of memory", name);
      return -1;
    }
    pb_rendered_add(out, name, text, strlen(text));
  }
  return 0;
}

static int owns(const char *name) {
  size_t len = strlen(name), prefix = strlen(PREFIX), suffix = strlen(SUFFIX);
  return len > prefix + suffix && strncmp(name, PREFIX, prefix) == 0 &&
         strcmp(name + len - suffix, SUFFIX) == 0;
}

const pb_exporter pb_exporter_hyperfine = {"hyperfine", render, owns, 0};
