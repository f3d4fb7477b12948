/* Smoke test of the whole comparison pipeline: `benchmarks --quick` into a
 * temporary directory, then checks that every cell produced every metric of
 * its suite, that the Markdown tables say what the JSON says, that the CSV
 * has a row per run, that the charts exist, and that bad options are refused
 * up front. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allocator/registry.h"
#include "harness/comparison/comparison_testing.h"
#include "harness/matrix/matrix.h"
#include "testing/check.h"

static char out_dir[4096];

static void quick_run_writes_consistent_results(void) {
  const char *args[] = {"--quick", "--out", out_dir, NULL};
  const char *charts[] = {"throughput.svg", "peak_rss.svg",
                          "footprint_peak.svg", "rss_objgraph.svg",
                          "rss_pinning.svg"};
  size_t compared = 0;
  for (const pb_backend_entry *b = pb_backend_registry; b->name; b++)
    compared += b->compared != 0;
  pb_check_results(out_dir, args, charts, 5, compared, 6);
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
  json_t *root = pb_quick_json(args, dir);
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
  json_t *root = pb_quick_json(args, dir);
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

static const pb_backend_entry *backend_with_thread_sets(void) {
  for (const pb_backend_entry *b = pb_backend_registry; b->name; b++)
    if (b->thread_sets && b->compared) return b;
  return NULL;
}

/* --threads=1,2: a threaded workload at each count; a backend that declares
 * thread sets once per set; the scaling in latest.json, its CSV and chart,
 * and the Markdown section. */
static void threads_give_the_scaling(void) {
  const pb_backend_entry *b = backend_with_thread_sets();
  PB_CHECKF(b != NULL, "no compared backend declares thread sets");
  const pb_backend_entry *other = NULL;
  for (const pb_backend_entry *e = pb_backend_registry; e->name && !other; e++)
    if (e->compared && !e->thread_sets && !e->ceiling) other = e;
  PB_CHECK(other != NULL);
  char backends[256], dir[4200];
  snprintf(backends, sizeof backends, "--backends=%s,%s", b->name, other->name);
  snprintf(dir, sizeof dir, "%s-threads", out_dir);
  /* And one thread more than this machine's CPUs, when that is a third
   * count: oversubscribed. */
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  char threads[64] = "--threads=1,2";
  if (cpus + 1 > 2 && cpus + 1 <= 16)
    snprintf(threads, sizeof threads, "--threads=1,2,%ld", cpus + 1);
  const char *args[] = {backends, threads, "--workloads=producer-consumer",
                        NULL};
  json_t *root = pb_quick_json(args, dir);
  size_t sets = 0;
  while (b->thread_sets[sets]) sets++;
  json_t *scaling = json_object_get(root, "scaling");
  json_t *series = json_object_get(scaling, "series");
  PB_CHECKF(json_array_size(series) == sets + 1,
            "%zu series, expected one per variant (%zu)",
            json_array_size(series), sets + 1);
  PB_CHECK(json_integer_value(json_object_get(scaling, "cpus")) >= 1);
  for (size_t k = 0; k < sets; k++) {
    char expected[256];
    snprintf(expected, sizeof expected, "%s[%s]", b->name, b->thread_sets[k]);
    const char *label = json_string_value(
        json_object_get(json_array_get(series, k), "variant"));
    PB_CHECKF(label && strcmp(label, expected) == 0, "series %zu: %s, not %s",
              k, label ? label : "(none)", expected);
  }
  size_t i;
  json_t *one;
  json_array_foreach(series, i, one) {
    json_t *points = json_object_get(one, "points");
    PB_CHECK(json_array_size(points) >= 2);
    if (json_array_size(points) == 3) {
      json_t *p3 = json_array_get(points, 2);
      PB_CHECK_EQ(json_integer_value(json_object_get(p3, "threads")), cpus + 1);
      PB_CHECK(json_is_true(json_object_get(p3, "oversubscribed")));
    }
    json_t *p1 = json_array_get(points, 0), *p2 = json_array_get(points, 1);
    PB_CHECK_EQ(json_integer_value(json_object_get(p1, "threads")), 1);
    PB_CHECK_EQ(json_integer_value(json_object_get(p2, "threads")), 2);
    PB_CHECK(json_real_value(json_object_get(p1, "speedup")) == 1.0);
    /* This machine's own, measured: 1 at the base, above 0 beyond. */
    PB_CHECK(json_real_value(json_object_get(p1, "machine_speedup")) == 1.0);
    PB_CHECK(json_real_value(json_object_get(p2, "machine_speedup")) > 0);
    PB_CHECK(json_real_value(json_object_get(p2, "ops_per_second")) > 0);
    /* Producers hand every object to consumers: none with one thread. */
    PB_CHECK(json_real_value(json_object_get(p1, "cross_thread_frees")) == 0);
    PB_CHECK(json_real_value(json_object_get(p2, "cross_thread_frees")) > 0);
    PB_CHECK(json_is_false(json_object_get(p1, "oversubscribed")));
  }
  json_decref(root);
  char *csv = pb_results_file(dir, "latest_scaling.csv");
  PB_CHECKF(csv && strstr(csv, "producer-consumer,"), "latest_scaling.csv");
  free(csv);
  char *md = pb_results_file(dir, "latest.md");
  PB_CHECKF(md && strstr(md, "### Scaling with threads") &&
                strstr(md, "producer-consumer@2"),
            "latest.md has no scaling section");
  free(md);
  char *chart = pb_results_file(dir, "scaling_producer-consumer.svg");
  PB_CHECKF(chart && strstr(chart, "<svg"), "no scaling chart");
  free(chart);
}

/* Runs benchmarks with args and expects exit 2 with one line on stderr
 * that contains named. */
static void expect_refused(const char *const *args, const char *named) {
  static char err[1 << 14];
  int status = pb_benchmarks_run(args, err, sizeof err);
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
      /* A suite named twice was run once, silently. */
      {{"--suite=real,real"}, "--suite: 'real' is named twice"},
      {{"--suite=all,captured"}, "--suite: 'captured' is named twice"},
      /* Empty lists ran nothing and overwrote results/ with empty tables. */
      {{"--backends=,"}, "--backends: empty backend name in ','"},
      {{"--backends="}, "--backends: empty backend name in ''"},
      {{"--workloads=,"}, "--workloads: empty workload name in ','"},
      {{"--sweep="}, "--sweep: empty parameter set in ''"},
      {{"--sweep=;;"}, "--sweep: empty parameter set in ';;'"},
      /* An empty parameter inside a set was skipped. */
      {{"--sweep=layout=3.8,,threshold=512"},
       "--sweep: empty parameter in 'layout=3.8,,threshold=512'"},
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
      /* Thread counts: 1..16, each once; threads in the synthetic suite. */
      {{"--threads=0"}, "--threads: '0' is not a thread count from 1 to 16"},
      {{"--threads=17"}, "--threads: '17' is not a thread count"},
      {{"--threads=1,x"}, "--threads: 'x' is not a thread count"},
      {{"--threads=2,1,2"}, "--threads: 2 is named twice"},
      {{"--threads=1", "--threads=2"}, "--threads given twice"},
      {{"--threads=1,2", "--suite=real"}, "synthetic suite only"},
      {{"--threads=2", "--sweep"}, "--sweep and the threaded workloads"},
      {{"--workloads=shared-cache", "--sweep"},
       "--sweep and the threaded workloads"},
      {{"--no-startup-heap", "--no-startup-heap"},
       "--no-startup-heap given twice"},
      {{"--no-startup-heap", "--suite=real"},
       "--no-startup-heap goes with the synthetic suite"},
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
  int status = pb_benchmarks_run(args, err, sizeof err);
  PB_CHECKF(status == 0, "%s: exit %d: %s", name, status, err);
  snprintf(out, sizeof out, "%s.%s", out_dir, name);
  return pb_results_json(out);
}

/* The ops the first run of the first cell replayed. */
static json_int_t first_run_ops(json_t *root) {
  json_t *cell = json_array_get(json_object_get(root, "cells"), 0);
  json_t *run = json_array_get(json_object_get(cell, "runs"), 0);
  return json_integer_value(json_object_get(run, "ops"));
}

/* --no-startup-heap: the traces without CPython's start-up heap (some
 * 43,000 ops fewer at any scale), which latest.json's options say. */
static void no_startup_heap_run(void) {
  json_t *bare = run_tiny("--no-startup-heap", "bare");
  json_t *with = run_tiny("--timeout=60", "with");
  PB_CHECK(json_is_true(
      json_object_get(json_object_get(bare, "options"), "no_startup_heap")));
  PB_CHECK(json_object_get(json_object_get(with, "options"),
                           "no_startup_heap") == NULL);
  json_int_t fewer = first_run_ops(with) - first_run_ops(bare);
  PB_CHECKF(fewer > 40000 && fewer < 50000, "%lld ops fewer without it",
            (long long)fewer);
  json_decref(bare);
  json_decref(with);
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
      PB_TEST(no_startup_heap_run),
      PB_TEST(long_values_arrive_whole),
      PB_TEST(quick_run_writes_consistent_results),
      PB_TEST(sweep_runs_the_declared_sets),
      PB_TEST(parameters_reach_only_the_backends_that_take_them),
      PB_TEST(threads_give_the_scaling),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
