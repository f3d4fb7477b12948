/* Smoke test of the whole comparison pipeline: `benchmarks --quick` into a
 * temporary directory, then checks that every cell produced every metric,
 * that the Markdown tables say what the JSON says, that the CSV has a row per
 * run, that the charts exist, and that bad options are refused up front. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/matrix.h"
#include "testing/check.h"
#include "testing/run_program.h"

static char out_dir[4096];

static int run_benchmarks(const char *const *args, char *err, size_t err_size) {
  const char *argv[16];
  int argc = 0;
  argv[argc++] = "harness/benchmarks";
  for (; *args; args++) argv[argc++] = *args;
  argv[argc] = NULL;
  pb_program_output o = pb_run_program(argv);
  snprintf(err, err_size, "%s", o.err);
  pb_program_output_free(&o);
  return o.status;
}

static char *slurp(const char *name) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", out_dir, name);
  return pb_read_output_file(path);
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

static void quick_run_writes_consistent_results(void) {
  char err[1 << 14];
  const char *args[] = {"--quick", "--out", out_dir, NULL};
  int status = run_benchmarks(args, err, sizeof err);
  PB_CHECKF(status == 0, "benchmarks exited %d: %s", status, err);

  char *text = slurp("latest.json");
  json_error_t error;
  json_t *root = json_loads(text, 0, &error);
  PB_CHECKF(root != NULL, "latest.json: %s", error.text);
  free(text);
  char *md = slurp("latest.md");
  char *csv = slurp("latest.csv");

  PB_CHECK(json_is_object(json_object_get(root, "machine")));
  PB_CHECK(json_is_object(json_object_get(root, "options")));
  json_t *allocators = json_object_get(root, "allocators");
  PB_CHECK(json_object_size(allocators) >= 5);
  const char *label;
  json_t *identity;
  json_object_foreach(allocators, label, identity) {
    PB_CHECKF(json_string_length(json_object_get(identity, "version")) > 0,
              "%s has no version", label);
  }

  json_t *cells = json_object_get(root, "cells");
  size_t runs_total = 0, i;
  json_t *cell;
  PB_CHECK(json_array_size(cells) >= 5 * 6);
  json_array_foreach(cells, i, cell) {
    const char *workload = json_string_value(json_object_get(cell, "workload"));
    const char *variant = json_string_value(json_object_get(cell, "variant"));
    PB_CHECKF(!json_is_true(json_object_get(cell, "failed")), "%s x %s failed",
              variant, workload);
    size_t r;
    json_t *run;
    json_array_foreach(json_object_get(cell, "runs"), r, run) {
      runs_total++;
      for (size_t k = 0; k < pb_metric_count; k++)
        PB_CHECKF(json_is_number(json_object_get(run, pb_metrics[k].field)),
                  "%s x %s run %zu lacks %s", variant, workload, r,
                  pb_metrics[k].field);
    }
    json_t *summary = json_object_get(cell, "summary");
    for (size_t k = 0; k < pb_metric_count; k++) {
      json_t *s = json_object_get(summary, pb_metrics[k].field);
      PB_CHECKF(json_is_object(s), "%s x %s: no summary of %s", variant,
                workload, pb_metrics[k].field);
      double median = json_number_value(json_object_get(s, "median"));
      double shown = markdown_median(md, &pb_metrics[k], workload, variant);
      /* The table rounds to about three significant digits. */
      PB_CHECKF(fabs(shown - median) <= 0.006 * fabs(median) + 0.0006,
                "%s x %s %s: table %g, JSON %g", variant, workload,
                pb_metrics[k].field, shown, median);
    }
  }
  /* CSV: a heading and one line per run. */
  size_t lines = 0;
  for (const char *p = csv; *p; p++) lines += *p == '\n';
  PB_CHECK_EQ(lines, runs_total + 1);

  const char *charts[] = {"throughput.svg", "peak_rss.svg", "rss_objgraph.svg",
                          "rss_pinning.svg"};
  for (size_t c = 0; c < 4; c++) {
    char *svg = slurp(charts[c]);
    PB_CHECKF(strstr(svg, "<svg") != NULL, "%s is not SVG", charts[c]);
    free(svg);
  }
  json_decref(root);
  free(md);
  free(csv);
}

static void bad_options_run_nothing(void) {
  char err[4096];
  const char *cases[][3] = {
      {"--backends=glibc,nosuch", NULL},
      {"--workloads=ints,nosuch", NULL},
      {"--runs=0", NULL},
      {"--scale=abc", NULL},
      {"--reference=jemalloc", "--backends=glibc"},
      {"layout=3.9", NULL}, /* the pool refuses it */
  };
  const char *named[] = {"nosuch", "nosuch",   "--runs",
                         "abc",    "jemalloc", "3.9"};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    const char *args[4] = {cases[c][0], cases[c][1], NULL, NULL};
    int status = run_benchmarks(args, err, sizeof err);
    PB_CHECKF(status == 2, "%s: exit %d", cases[c][0], status);
    PB_CHECKF(strstr(err, named[c]) != NULL, "%s: '%s' not in %s", cases[c][0],
              named[c], err);
    char *newline = strchr(err, '\n');
    PB_CHECKF(newline && newline[1] == '\0', "not one line: %s", err);
  }
}

int main(int argc, char **argv) {
  const char *tmp = getenv("TEST_TMPDIR");
  snprintf(out_dir, sizeof out_dir, "%s/results", tmp ? tmp : "/tmp");
  static const pb_test tests[] = {
      PB_TEST(bad_options_run_nothing),
      PB_TEST(quick_run_writes_consistent_results),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
