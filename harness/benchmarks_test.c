/* Smoke test of the whole comparison pipeline: `benchmarks --quick` into a
 * temporary directory, then checks that every cell produced every metric of
 * its suite, that the Markdown tables say what the JSON says, that the CSV
 * has a row per run, that the charts exist, and that bad options are refused
 * up front; then the three suites side by side, with their agreement. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allocator/registry.h"
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

/* Does the metric apply to runs of the suite named in a cell's JSON? */
static int applies(const pb_metric *metric, json_t *cell) {
  const char *suite = json_string_value(json_object_get(cell, "suite"));
  PB_CHECKF(suite != NULL, "a cell without its suite");
  for (int s = 0; s < PB_SUITE_COUNT; s++)
    if (strcmp(suite, pb_suite_names[s]) == 0)
      return (metric->suites & PB_SUITE_BIT(s)) != 0;
  PB_CHECKF(0, "unknown suite %s", suite);
  return 0;
}

/* Runs benchmarks with args into out_dir and checks what it wrote: every
 * metric of each cell's suite in every run and summary, the same medians
 * in the Markdown as in the JSON, one CSV line per run, the charts. */
static void check_run(const char *const *args, const char *const *charts,
                      size_t ncharts, size_t variants, size_t workloads) {
  char err[1 << 14];
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
      for (size_t k = 0; k < pb_metric_count; k++)
        PB_CHECKF(json_is_number(json_object_get(run, pb_metrics[k].field)) ==
                      applies(&pb_metrics[k], cell),
                  "%s x %s run %zu: %s is %s", variant, workload, r,
                  pb_metrics[k].field,
                  applies(&pb_metrics[k], cell) ? "missing" : "out of place");
    }
    json_t *summary = json_object_get(cell, "summary");
    for (size_t k = 0; k < pb_metric_count; k++) {
      if (!applies(&pb_metrics[k], cell)) continue;
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

  for (size_t c = 0; c < ncharts; c++) {
    char *svg = slurp(charts[c]);
    PB_CHECKF(strstr(svg, "<svg") != NULL, "%s is not SVG", charts[c]);
    free(svg);
  }
  json_decref(root);
  free(md);
  free(csv);
}

static void quick_run_writes_consistent_results(void) {
  const char *args[] = {"--quick", "--out", out_dir, NULL};
  const char *charts[] = {"throughput.svg", "peak_rss.svg", "rss_objgraph.svg",
                          "rss_pinning.svg"};
  size_t compared = 0;
  for (const pb_backend_entry *b = pb_backend_registry; b->name; b++)
    compared += b->compared != 0;
  check_run(args, charts, 4, compared, 6);
}

/* The median of field in the JSON summary of (workload, variant). */
static double json_median(json_t *root, const char *workload,
                          const char *variant, const char *field) {
  size_t i;
  json_t *cell;
  json_array_foreach(json_object_get(root, "cells"), i, cell) {
    if (strcmp(json_string_value(json_object_get(cell, "workload")),
               workload) == 0 &&
        strcmp(json_string_value(json_object_get(cell, "variant")), variant) ==
            0)
      return json_number_value(json_object_get(
          json_object_get(json_object_get(cell, "summary"), field), "median"));
  }
  PB_CHECKF(0, "no cell %s x %s", workload, variant);
  return NAN;
}

/* The three suites of one workload side by side: the programs run on every
 * backend, their captures replay, and the agreement ranks each suite's
 * backends in the order of its medians, with tau_b for every two suites. */
static void suites_side_by_side(void) {
  const char *args[] = {"--quick",
                        "--suite=synthetic,captured,real",
                        "--workloads=ints",
                        "--backends=cpython,pool,oracle",
                        "--out",
                        out_dir,
                        NULL};
  const char *charts[] = {"throughput.svg", "peak_rss.svg", "real_cpu.svg"};
  check_run(args, charts, 3, 3, 3);
  char *text = slurp("latest.json");
  json_t *root = json_loads(text, 0, NULL);
  free(text);
  json_t *agreement = json_object_get(root, "agreement");
  PB_CHECK(json_array_size(agreement) == 2); /* by CPU and by wall time */
  size_t i;
  json_t *entry;
  json_array_foreach(agreement, i, entry) {
    const char *basis = json_string_value(json_object_get(entry, "basis"));
    PB_CHECK(strcmp(json_string_value(json_object_get(entry, "workload")),
                    "ints") == 0);
    json_t *rankings = json_object_get(entry, "rankings");
    const char *suite;
    json_t *order;
    json_object_foreach(rankings, suite, order) {
      int cpu = strcmp(basis, "CPU time") == 0, real = !strcmp(suite, "real");
      const char *field =
          real ? (cpu ? "program_cpu_seconds" : "program_wall_seconds")
               : (cpu ? "cpu_ns_per_op" : "ns_per_op");
      char workload[64];
      snprintf(workload, sizeof workload, "ints%s%s",
               strcmp(suite, "synthetic") ? ":" : "",
               strcmp(suite, "synthetic") ? suite : "");
      PB_CHECK_EQ(json_array_size(order), 3);
      for (size_t k = 1; k < 3; k++) {
        const char *faster = json_string_value(json_array_get(order, k - 1));
        const char *slower = json_string_value(json_array_get(order, k));
        PB_CHECKF(json_median(root, workload, faster, field) <=
                      json_median(root, workload, slower, field),
                  "%s by %s: %s ranked before %s", workload, field, faster,
                  slower);
      }
    }
    PB_CHECK_EQ(json_object_size(rankings), 3);
    json_t *pairs = json_object_get(entry, "pairs");
    PB_CHECK_EQ(json_array_size(pairs), 3);
    json_t *pair;
    size_t p;
    json_array_foreach(pairs, p, pair) {
      json_t *tau = json_object_get(pair, "tau_b");
      PB_CHECK(json_is_number(tau));
      PB_CHECK(fabs(json_number_value(tau)) <= 1);
    }
  }
  json_decref(root);
  char *md = slurp("latest.md");
  PB_CHECK(strstr(md, "## Agreement of the suites' rankings") != NULL);
  PB_CHECK(strstr(md, "| ints     | synthetic / real ") != NULL);
  free(md);
}

/* Runs benchmarks with args, --quick and one run, into dir; returns
 * latest.json's root. */
static json_t *quick_json(const char *const *args, const char *dir) {
  const char *argv[16];
  size_t n = 0;
  for (; *args; args++) argv[n++] = *args;
  argv[n++] = "--quick";
  argv[n++] = "--runs=1";
  argv[n++] = "--out";
  argv[n++] = dir;
  argv[n] = NULL;
  char err[1 << 14];
  int status = run_benchmarks(argv, err, sizeof err);
  PB_CHECKF(status == 0, "benchmarks exited %d: %s", status, err);
  char path[4200];
  snprintf(path, sizeof path, "%s/latest.json", dir);
  json_error_t error;
  json_t *root = json_load_file(path, 0, &error);
  PB_CHECKF(root != NULL, "%s: %s", path, error.text);
  return root;
}

/* With --counted, the real programs are counted whole under callgrind and
 * the suites are also ranked by instructions, in the order of the counts. */
static void counted_suites_rank_by_instructions(void) {
  char dir[4200];
  snprintf(dir, sizeof dir, "%s-counted-suites", out_dir);
  const char *args[] = {"--counted", "--suite=synthetic,real",
                        "--workloads=ints", "--backends=pool,oracle", NULL};
  json_t *root = quick_json(args, dir);
  json_t *by_instructions = NULL, *entry;
  size_t i;
  json_array_foreach(json_object_get(root, "agreement"), i, entry) {
    if (strcmp(json_string_value(json_object_get(entry, "basis")),
               "instructions") == 0)
      by_instructions = entry;
  }
  PB_CHECKF(by_instructions != NULL, "no agreement by instructions");
  json_t *real =
      json_object_get(json_object_get(by_instructions, "rankings"), "real");
  PB_CHECK_EQ(json_array_size(real), 2);
  /* The real cells' counts, in the ranking's order. */
  long long counts[2] = {0, 0};
  json_t *cell;
  json_array_foreach(json_object_get(root, "cells"), i, cell) {
    if (strcmp(json_string_value(json_object_get(cell, "suite")), "real"))
      continue;
    const char *variant = json_string_value(json_object_get(cell, "variant"));
    long long n = json_integer_value(
        json_object_get(json_object_get(cell, "counted"), "instructions"));
    PB_CHECKF(n > 1000000, "%s: %lld instructions", variant, n);
    for (size_t k = 0; k < 2; k++)
      if (!strcmp(variant, json_string_value(json_array_get(real, k))))
        counts[k] = n;
  }
  PB_CHECKF(counts[0] > 0 && counts[0] <= counts[1], "ranked %lld before %lld",
            counts[0], counts[1]);
  json_t *pair = json_array_get(json_object_get(by_instructions, "pairs"), 0);
  PB_CHECK(json_is_number(json_object_get(pair, "tau_b")));
  json_decref(root);
}

/* The variant labels of latest.json's cells, in order, one workload. */
static size_t variant_labels(json_t *root, const char **labels, size_t max) {
  size_t n = 0, i;
  json_t *cell;
  json_array_foreach(json_object_get(root, "cells"), i, cell) {
    PB_CHECK(n < max);
    labels[n++] = json_string_value(json_object_get(cell, "variant"));
  }
  return n;
}

static const pb_backend_entry *backend_with_sweep(void) {
  for (const pb_backend_entry *b = pb_backend_registry; b->name; b++)
    if (b->sweep && b->compared) return b;
  return NULL;
}

/* --sweep runs a backend once per set that backends.bzl declares for it. */
static void sweep_runs_the_declared_sets(void) {
  const pb_backend_entry *b = backend_with_sweep();
  PB_CHECKF(b != NULL, "no compared backend declares sweep sets");
  char backends[128], dir[4200];
  snprintf(backends, sizeof backends, "--backends=%s", b->name);
  snprintf(dir, sizeof dir, "%s-sweep", out_dir);
  const char *args[] = {"--sweep", backends, "--workloads=ints", NULL};
  json_t *root = quick_json(args, dir);
  const char *labels[64];
  size_t n = variant_labels(root, labels, 64);
  size_t sets = 0;
  for (; b->sweep[sets]; sets++) {
    char expected[256];
    snprintf(expected, sizeof expected, "%s[%s]", b->name, b->sweep[sets]);
    PB_CHECKF(sets < n && strcmp(labels[sets], expected) == 0,
              "variant %zu: %s, expected %s", sets,
              sets < n ? labels[sets] : "(none)", expected);
  }
  PB_CHECK_EQ(n, sets);
  json_decref(root);
}

/* NAME=VALUE goes to the backends that list NAME in their parameters and to
 * no other. */
static void parameters_reach_only_the_backends_that_take_them(void) {
  const pb_backend_entry *b = backend_with_sweep();
  PB_CHECK(b != NULL);
  /* A parameter b takes, with a value it accepts: its first sweep set's. */
  char param[128];
  snprintf(param, sizeof param, "%s", b->sweep[0]);
  param[strcspn(param, ",")] = '\0';
  char name[128];
  snprintf(name, sizeof name, "%.*s", (int)strcspn(param, "="), param);
  char backends[512] = "--backends=";
  for (const pb_backend_entry *e = pb_backend_registry; e->name; e++)
    if (e->compared)
      snprintf(backends + strlen(backends), sizeof backends - strlen(backends),
               "%s%s", backends[11] ? "," : "", e->name);
  char dir[4200];
  snprintf(dir, sizeof dir, "%s-param", out_dir);
  const char *args[] = {backends, "--workloads=ints", param, NULL};
  json_t *root = quick_json(args, dir);
  json_t *allocators = json_object_get(root, "allocators");
  const char *labels[64];
  size_t n = variant_labels(root, labels, 64);
  int given = 0;
  for (size_t v = 0; v < n; v++) {
    json_t *identity = json_object_get(allocators, labels[v]);
    const char *backend =
        json_string_value(json_object_get(identity, "backend"));
    PB_CHECKF(backend != NULL, "%s has no identity", labels[v]);
    int takes = 0;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(identity, "parameters"), i, p) {
      takes |= strcmp(json_string_value(p), name) == 0;
    }
    char expected[256];
    snprintf(expected, sizeof expected, takes ? "%s[%s]" : "%s", backend,
             param);
    PB_CHECKF(strcmp(labels[v], expected) == 0, "%s, expected %s", labels[v],
              expected);
    given += takes;
  }
  PB_CHECK(given >= 1);
  json_decref(root);
}

/* Runs benchmarks with args and expects exit 2 with one line on stderr
 * that contains named. */
static void expect_refused(const char *const *args, const char *named) {
  static char err[1 << 14];
  int status = run_benchmarks(args, err, sizeof err);
  PB_CHECKF(status == 2, "%s: exit %d: %s", args[0], status, err);
  PB_CHECKF(strstr(err, named) != NULL, "%s: '%s' not in %s", args[0], named,
            err);
  char *newline = strchr(err, '\n');
  PB_CHECKF(newline && newline[1] == '\0', "not one line: %s", err);
}

static void bad_options_run_nothing(void) {
  static const struct {
    const char *args[7];
    const char *named;
  } cases[] = {
      {{"--backends=glibc,nosuch"}, "nosuch"},
      {{"--workloads=ints,nosuch"}, "nosuch"},
      {{"--runs=0"}, "--runs"},
      {{"--scale=abc"}, "abc"},
      {{"--reference=jemalloc", "--backends=glibc"}, "jemalloc"},
      {{"layout=3.9"}, "3.9"}, /* the pool refuses it */
      {{"--suite=synthetic,nosuch"}, "--suite: unknown suite 'nosuch'"},
      {{"--suite=real", "layout=3.8"}, "takes no parameters"},
      {{"--suite=real", "--suite=captured"}, "--suite"},
      /* Empty lists ran nothing and overwrote results/ with empty tables. */
      {{"--backends=,"}, "--backends: empty backend name in ','"},
      {{"--backends="}, "--backends: empty backend name in ''"},
      {{"--workloads=,"}, "--workloads: empty workload name in ','"},
      {{"--sweep="}, "--sweep: empty parameter set in ''"},
      {{"--sweep=;;"}, "--sweep: empty parameter set in ';;'"},
      /* Two equal sets would be two variants under one label. */
      {{"--sweep=layout=3.8;layout=3.8"},
       "--sweep: set 'layout=3.8' is given twice"},
      {{"--sweep=layout=3.8,layout=3.10"},
       "--sweep: 'layout' is given twice in 'layout=3.8,layout=3.10'"},
      /* Numbers in plain decimal, within bounds. */
      {{"--scale=0x10"}, "--scale: '0x10' is not a positive number"},
      {{"--runs= 3"}, "--runs: ' 3' is not a count"},
      {{"--timeout=inf"}, "--timeout: 'inf' is not a positive number"},
      {{"--scale=1e6"}, "--scale: 1e6 is out of range: 0 < scale <= 100"},
      /* The last of two values silently won. */
      {{"--runs=2", "--runs=3"}, "--runs given twice"},
      {{"--quick", "--quick"}, "--quick given twice"},
      {{"layout=3.8", "layout=3.10"}, "parameter 'layout' given twice"},
      /* A fifth parameter reaches the backends (it was dropped). */
      {{"layout=3.10", "arena_size=1MiB", "pool_size=16KiB", "threshold=512",
        "bogus=1"},
       "takes 'bogus'"},
      {{"--backends=pool", "--pool-size=garbage"},
       "unknown option '--pool-size=garbage'"},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
    expect_refused(cases[c].args, cases[c].named);
}

/* --out is checked before anything runs (a bad one used to be found after
 * the whole matrix, losing it): exit 2, one line, nothing run. */
static void bad_out_is_refused_before_running(void) {
  char file[4200], path[4300];
  snprintf(file, sizeof file, "%s.file", out_dir);
  FILE *f = fopen(file, "w");
  PB_CHECK(f != NULL && fclose(f) == 0);
  snprintf(path, sizeof path, "--out=%s/sub", file);
  const char *under_a_file[] = {"--quick", path, NULL};
  expect_refused(under_a_file, "cannot create the directory: Not a directory");
  snprintf(path, sizeof path, "--out=%s", file);
  const char *a_file[] = {"--quick", path, NULL};
  expect_refused(a_file, "exists and is not a directory");

  /* An owned name that is not a regular file would fail at the end. */
  char dir[4200], json[4300];
  snprintf(dir, sizeof dir, "%s.json_is_a_dir", out_dir);
  snprintf(json, sizeof json, "%s/latest.json", dir);
  PB_CHECK(mkdir(dir, 0755) == 0 && mkdir(json, 0755) == 0);
  snprintf(path, sizeof path, "--out=%s", dir);
  const char *json_dir[] = {"--quick", path, NULL};
  expect_refused(json_dir, "latest.json: exists and is not a regular file");
}

/* A comparison of the smallest kind (pool on a tiny ints trace, one run)
 * with one more argument, into out_dir.NAME; it must succeed. Returns its
 * latest.json. */
static json_t *run_tiny(const char *extra, const char *name) {
  static char out[4300], err[1 << 14];
  snprintf(out, sizeof out, "--out=%s.%s", out_dir, name);
  const char *args[] = {"--backends=pool",
                        "--workloads=ints",
                        "--runs=1",
                        "--scale=0.0005",
                        extra,
                        out,
                        NULL};
  int status = run_benchmarks(args, err, sizeof err);
  PB_CHECKF(status == 0, "%s: exit %d: %s", name, status, err);
  snprintf(out, sizeof out, "%s.%s/latest.json", out_dir, name);
  json_error_t error;
  json_t *root = json_load_file(out, 0, &error);
  PB_CHECKF(root != NULL, "%s: %s", out, error.text);
  return root;
}

/* More variants than any fixed table held (64): a sweep of 66 sets. */
static void many_variants_run(void) {
  static char sweep[66 * 16 + 16];
  size_t len = (size_t)snprintf(sweep, sizeof sweep, "--sweep=");
  for (int i = 1; i <= 66; i++)
    len += (size_t)snprintf(sweep + len, sizeof sweep - len, "%sthreshold=%d",
                            i > 1 ? ";" : "", 16 * i);
  json_t *root = run_tiny(sweep, "many");
  PB_CHECK_EQ(json_object_size(json_object_get(root, "allocators")), 66);
  PB_CHECK_EQ(json_array_size(json_object_get(root, "cells")), 66);
  json_decref(root);
}

/* Values are forwarded whole: a 244-character threshold once ran as
 * threshold=32 (the rest cut off). */
static void long_values_arrive_whole(void) {
  static char bad[300], good[300];
  snprintf(bad, sizeof bad, "threshold=32");
  memset(bad + strlen(bad), 'x', 242);
  snprintf(good, sizeof good, "threshold=");
  memset(good + strlen(good), '0', 240);
  strcat(good, "0032");
  const char *refused[] = {"--backends=pool", "--workloads=ints", bad, NULL};
  expect_refused(refused, "threshold=32xxxxxxxxxxxxxxxx"); /* not run as 32 */

  json_t *root = run_tiny(good, "long");
  char label[320];
  snprintf(label, sizeof label, "pool[%s]", good);
  json_t *identity =
      json_object_get(json_object_get(root, "allocators"), label);
  PB_CHECKF(identity != NULL, "no variant %s", label);
  const char *config = json_string_value(json_object_get(identity, "config"));
  PB_CHECKF(config && strstr(config, "threshold=32"), "config %s", config);
  json_decref(root);
}

int main(int argc, char **argv) {
  const char *tmp = getenv("TEST_TMPDIR");
  snprintf(out_dir, sizeof out_dir, "%s/results", tmp ? tmp : "/tmp");
  static const pb_test tests[] = {
      PB_TEST(bad_options_run_nothing),
      PB_TEST(bad_out_is_refused_before_running),
      PB_TEST(many_variants_run),
      PB_TEST(long_values_arrive_whole),
      PB_TEST(quick_run_writes_consistent_results),
      PB_TEST(suites_side_by_side),
      PB_TEST(counted_suites_rank_by_instructions),
      PB_TEST(sweep_runs_the_declared_sets),
      PB_TEST(parameters_reach_only_the_backends_that_take_them),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
