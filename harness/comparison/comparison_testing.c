#include "harness/comparison/comparison_testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/matrix/matrix.h"
#include "testing/check.h"
#include "testing/run_program.h"

int pb_benchmarks_run(const char *const *args, char *err, size_t err_size) {
  const char *argv[16];
  int argc = 0;
  argv[argc++] = "harness/comparison/benchmarks";
  for (; *args; args++) argv[argc++] = *args;
  argv[argc] = NULL;
  pb_program_output o = pb_run_program(argv);
  snprintf(err, err_size, "%s", o.err);
  pb_program_output_free(&o);
  return o.status;
}

char *pb_results_file(const char *dir, const char *name) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return pb_read_output_file(path);
}

json_t *pb_results_json(const char *dir) {
  char *text = pb_results_file(dir, "latest.json");
  json_error_t error;
  json_t *root = json_loads(text, 0, &error);
  PB_CHECKF(root != NULL, "%s/latest.json: %s", dir, error.text);
  free(text);
  return root;
}

/* The median the Markdown table shows for (workload, variant) under the
 * metric's heading, or NAN when there is no such row. */
static double markdown_median(const char *md, const pb_metric *metric,
                              const char *workload, const char *variant) {
  char heading[256];
  snprintf(heading, sizeof heading, "### %s (", metric->title);
  const char *section = strstr(md, heading);
  PB_CHECKF(section != NULL, "no table for %s", metric->title);
  const char *end = strstr(section + 4, "### ");
  char row[256];
  snprintf(row, sizeof row, "\n| %s ", workload);
  for (const char *p = strstr(section, row); p && (!end || p < end);
       p = strstr(p + 1, row)) {
    /* Columns: workload | backend | median | ... */
    const char *cols = p + 1;
    const char *c1 = strchr(cols + 1, '|');
    const char *c2 = c1 ? strchr(c1 + 1, '|') : NULL;
    if (!c2) break;
    char name[128];
    size_t len = (size_t)(c2 - c1 - 1);
    snprintf(name, sizeof name, "%.*s", (int)len, c1 + 1);
    char *trim = name;
    while (*trim == ' ') trim++;
    size_t tl = strlen(trim);
    while (tl && trim[tl - 1] == ' ') trim[--tl] = '\0';
    if (strcmp(trim, variant) == 0) return strtod(c2 + 1, NULL);
  }
  return NAN;
}

/* Does the metric apply to runs of the suite named in a cell's JSON? */
static int applies(const pb_metric *metric, json_t *cell) {
  const char *suite = json_string_value(json_object_get(cell, "suite"));
  PB_CHECKF(suite != NULL, "a cell without its suite");
  for (pb_suite s = 0; s < PB_SUITE_COUNT; s++)
    if (strcmp(suite, pb_suite_names[s]) == 0)
      return pb_metric_in_runs(metric, s);
  PB_CHECKF(0, "unknown suite %s", suite);
  return 0;
}

void pb_check_results(const char *dir, const char *const *args,
                      const char *const *charts, size_t ncharts,
                      size_t variants, size_t workloads) {
  char err[1 << 14];
  int status = pb_benchmarks_run(args, err, sizeof err);
  PB_CHECKF(status == 0, "benchmarks exited %d: %s", status, err);

  json_t *root = pb_results_json(dir);
  char *md = pb_results_file(dir, "latest.md");
  char *csv = pb_results_file(dir, "latest.csv");

  PB_CHECK(json_is_object(json_object_get(root, "machine")));
  PB_CHECK(json_is_object(json_object_get(root, "options")));
  json_t *allocators = json_object_get(root, "allocators");
  PB_CHECK_EQ(json_object_size(allocators), variants);
  const char *label;
  json_t *identity;
  json_object_foreach(allocators, label, identity) {
    PB_CHECKF(json_string_length(json_object_get(identity, "version")) > 0,
              "%s has no version", label);
  }

  json_t *cells = json_object_get(root, "cells");
  size_t runs_total = 0, i;
  json_t *cell;
  PB_CHECK_EQ(json_array_size(cells), variants * workloads);
  json_array_foreach(cells, i, cell) {
    const char *workload = json_string_value(json_object_get(cell, "workload"));
    const char *variant = json_string_value(json_object_get(cell, "variant"));
    PB_CHECKF(!json_is_true(json_object_get(cell, "failed")), "%s x %s failed",
              variant, workload);
    size_t r;
    json_t *run;
    json_array_foreach(json_object_get(cell, "runs"), r, run) {
      runs_total++;
      for (int k = 0; k < PB_METRIC_COUNT; k++)
        PB_CHECKF(json_is_number(json_object_get(run, pb_metrics[k].key)) ==
                      applies(&pb_metrics[k], cell),
                  "%s x %s run %zu: %s is %s", variant, workload, r,
                  pb_metrics[k].key,
                  applies(&pb_metrics[k], cell) ? "missing" : "out of place");
    }
    json_t *summary = json_object_get(cell, "summary");
    for (int k = 0; k < PB_METRIC_COUNT; k++) {
      if (!applies(&pb_metrics[k], cell)) continue;
      json_t *s = json_object_get(summary, pb_metrics[k].key);
      PB_CHECKF(json_is_object(s), "%s x %s: no summary of %s", variant,
                workload, pb_metrics[k].key);
      PB_CHECKF(strcmp(json_string_value(json_object_get(s, "unit")),
                       pb_metrics[k].unit) == 0,
                "%s x %s %s: summary in %s", variant, workload,
                pb_metrics[k].key,
                json_string_value(json_object_get(s, "unit")));
      if (!pb_metrics[k].title) continue;
      /* The JSON keeps the metric's own unit; the table shows it divided. */
      double median = json_number_value(json_object_get(s, "median")) /
                      pb_metrics[k].divisor;
      double shown = markdown_median(md, &pb_metrics[k], workload, variant);
      /* The table rounds to about three significant digits. */
      PB_CHECKF(fabs(shown - median) <= 0.006 * fabs(median) + 0.0006,
                "%s x %s %s: table %g, JSON %g", variant, workload,
                pb_metrics[k].key, shown, median);
    }
  }
  /* CSV: a heading and one line per run, each ended by CRLF (RFC 4180). */
  size_t lines = 0, crlf = 0;
  for (const char *p = csv; *p; p++) {
    lines += *p == '\n';
    crlf += *p == '\n' && p > csv && p[-1] == '\r';
  }
  PB_CHECK_EQ(lines, runs_total + 1);
  PB_CHECK_EQ(crlf, lines);

  for (size_t c = 0; c < ncharts; c++) {
    char *svg = pb_results_file(dir, charts[c]);
    PB_CHECKF(strstr(svg, "<svg") != NULL, "%s is not SVG", charts[c]);
    free(svg);
  }
  json_decref(root);
  free(md);
  free(csv);
}

json_t *pb_quick_json(const char *const *args, const char *dir) {
  const char *argv[16];
  size_t n = 0;
  for (; *args; args++) argv[n++] = *args;
  argv[n++] = "--quick";
  argv[n++] = "--runs=1";
  argv[n++] = "--out";
  argv[n++] = dir;
  argv[n] = NULL;
  char err[1 << 14];
  int status = pb_benchmarks_run(argv, err, sizeof err);
  PB_CHECKF(status == 0, "benchmarks exited %d: %s", status, err);
  return pb_results_json(dir);
}
