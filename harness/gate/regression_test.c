/* The regression gate, from the outside: it refuses to compare with a
 * missing, corrupt or foreign baseline; it records a baseline, and
 * recording it again changes nothing, byte for byte; it passes on the
 * normal build; it fails, naming the right cells and metrics, on each of
 * two deliberate regressions of the pool (allocator/pool/pool_types.h): a
 * cost on malloc's fast path, and every empty arena kept; and an update
 * prints what changed and keeps the file's thresholds.
 *
 * The pool only, on two workloads, to stay cheap: each gate run measures
 * every cell natively and under callgrind. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testing/check.h"
#include "testing/run_program.h"

static const char *gate = "harness/gate/regression";
static char baseline[4096], scratch[4096];

/* Runs the gate on the pool with the runners of dir (NULL: the normal
 * ones) against file, with one more option (or NULL). */
static pb_program_output run_gate(const char *file, const char *runners_dir,
                                  const char *option) {
  char baseline_opt[4200], runners_opt[256];
  snprintf(baseline_opt, sizeof baseline_opt, "--baseline=%s", file);
  const char *argv[8] = {gate, baseline_opt, "--backends=pool",
                         "--workloads=tuples,pinning"};
  int argc = 4;
  if (runners_dir) {
    snprintf(runners_opt, sizeof runners_opt, "--runners=%s", runners_dir);
    argv[argc++] = runners_opt;
  }
  if (option) argv[argc++] = option;
  argv[argc] = NULL;
  return pb_run_program(argv);
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  PB_CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0);
}

/* Exit 2 and exactly one line on stderr, containing each of named. */
static void expect_refusal(pb_program_output *o, const char *named,
                           const char *also) {
  PB_CHECKF(o->status == 2, "exit %d: %s", o->status, o->err);
  char *newline = strchr(o->err, '\n');
  PB_CHECKF(newline && newline[1] == '\0', "not one line: %s", o->err);
  PB_CHECKF(strstr(o->err, named) && strstr(o->err, also), "%s", o->err);
  pb_program_output_free(o);
}

/* The line of the output that starts with prefix (or NULL). */
static const char *line_of(const char *out, const char *prefix) {
  for (const char *p = out; p; p = strchr(p, '\n')) {
    if (*p == '\n') p++;
    if (strncmp(p, prefix, strlen(prefix)) == 0) return p;
  }
  return NULL;
}

/* Does the REGRESSION line name this cell's metric? */
static int names(const char *out, const char *cell, const char *metric) {
  const char *line = line_of(out, "REGRESSION: ");
  if (!line) return 0;
  const char *end = strchr(line, '\n');
  char *copy = strndup(line, end ? (size_t)(end - line) : strlen(line));
  char *at = strstr(copy, cell);
  char *close = at ? strchr(at, ')') : NULL;
  int found = 0;
  if (close) {
    *close = '\0';
    found = strstr(at, metric) != NULL;
  }
  free(copy);
  return found;
}

static void no_baseline_is_refused(void) {
  pb_program_output o = run_gate(baseline, NULL, NULL);
  expect_refusal(&o, baseline, "--update-baseline");
  write_text(scratch, "{\"format\": 1, \"scale\": ");
  o = run_gate(scratch, NULL, NULL);
  expect_refusal(&o, scratch, "--update-baseline");
  /* Well-formed JSON, but no thresholds to judge by. */
  write_text(scratch,
             "{\"format\": 2, \"scale\": 0.02, \"thresholds\": {}, "
             "\"cells\": {}}");
  o = run_gate(scratch, NULL, NULL);
  expect_refusal(&o, scratch, "thresholds");
}

static void a_recorded_baseline_is_recorded_again_byte_for_byte(void) {
  pb_program_output o = run_gate(baseline, NULL, "--update-baseline");
  PB_CHECKF(o.status == 0, "exit %d: %s", o.status, o.err);
  PB_CHECKF(strstr(o.out, "wrote ") != NULL, "%s", o.out);
  pb_program_output_free(&o);
  char *first = pb_read_output_file(baseline);
  o = run_gate(baseline, NULL, "--update-baseline");
  PB_CHECKF(o.status == 0 && strstr(o.out, "unchanged") != NULL, "%s", o.out);
  pb_program_output_free(&o);
  char *second = pb_read_output_file(baseline);
  PB_CHECK(strcmp(first, second) == 0);
  free(first);
  free(second);
}

static void the_normal_build_passes(void) {
  pb_program_output o = run_gate(baseline, NULL, NULL);
  PB_CHECKF(o.status == 0, "exit %d: %s%s", o.status, o.out, o.err);
  PB_CHECK(line_of(o.out, "no regression in 2 cells") != NULL);
  PB_CHECK(line_of(o.out, "REGRESSION") == NULL);
  pb_program_output_free(&o);
}

/* The gate on the runners of dir exits 1 and names, for every cell, the
 * metric caught and none of those spared. */
static void expect_caught(const char *dir, const char *caught,
                          const char *const *spared) {
  pb_program_output o = run_gate(baseline, dir, NULL);
  PB_CHECKF(o.status == 1, "exit %d: %s%s", o.status, o.out, o.err);
  const char *cells[] = {"pool x tuples", "pool x pinning"};
  for (int c = 0; c < 2; c++) {
    PB_CHECKF(names(o.out, cells[c], caught), "%s", o.out);
    for (const char *const *s = spared; *s; s++)
      PB_CHECKF(!names(o.out, cells[c], *s), "%s", o.out);
  }
  pb_program_output_free(&o);
}

static void a_cost_on_the_malloc_fast_path_is_caught(void) {
  const char *const memory[] = {"retained", "peak RSS", NULL};
  expect_caught("harness/gate/pool_with_malloc_cost", "instructions/op",
                memory);
}

static void keeping_every_empty_arena_is_caught(void) {
  const char *const time[] = {"instructions/op", NULL};
  expect_caught("harness/gate/pool_keeping_empty_arenas", "retained", time);
}

/* The baseline, edited by fn, saved as the scratch file. */
static void edit_baseline(void (*fn)(json_t *root)) {
  json_t *root = json_load_file(baseline, 0, NULL);
  PB_CHECK(root != NULL);
  fn(root);
  PB_CHECK(json_dump_file(root, scratch, JSON_INDENT(2)) == 0);
  json_decref(root);
}

static void older_valgrind(json_t *root) {
  json_t *pool = json_object_get(
      json_object_get(json_object_get(root, "cells"), "tuples"), "pool");
  json_object_set_new(json_object_get(pool, "versions"), "valgrind",
                      json_string("valgrind-3.1.0"));
}

static void another_version_is_refused(void) {
  edit_baseline(older_valgrind);
  pb_program_output o = run_gate(scratch, NULL, NULL);
  expect_refusal(&o, "valgrind-3.1.0", "--update-baseline");
}

static void own_threshold(json_t *root) {
  json_object_set_new(
      root, "backend_thresholds",
      json_pack("{s:{s:{s:f, s:f}}}", "pool", "minor_page_faults", "percent",
                7.5, "floor", 3.0));
}

/* Recording the slower build prints the figures that change and keeps the
 * thresholds; the normal build then improves on it, with a hint. */
static void an_update_prints_what_changed_and_keeps_thresholds(void) {
  edit_baseline(own_threshold);
  pb_program_output o = run_gate(scratch, "harness/gate/pool_with_malloc_cost",
                                 "--update-baseline");
  PB_CHECKF(o.status == 0, "exit %d: %s%s", o.status, o.out, o.err);
  PB_CHECKF(
      strstr(o.out, "| pool x tuples ") && strstr(o.out, "instructions/op"),
      "%s", o.out);
  PB_CHECKF(strstr(o.out, "retained") == NULL, "%s", o.out); /* unchanged */
  PB_CHECK(line_of(o.out, "wrote ") != NULL);
  pb_program_output_free(&o);
  json_t *root = json_load_file(scratch, 0, NULL);
  PB_CHECK(json_real_value(json_object_get(
               json_object_get(
                   json_object_get(json_object_get(root, "backend_thresholds"),
                                   "pool"),
                   "minor_page_faults"),
               "percent")) == 7.5);
  json_decref(root);

  o = run_gate(scratch, NULL, NULL);
  PB_CHECKF(o.status == 0, "exit %d: %s%s", o.status, o.out, o.err);
  PB_CHECKF(line_of(o.out, "improved beyond the threshold: ") &&
                strstr(o.out, "--update-baseline"),
            "%s", o.out);
  pb_program_output_free(&o);
}

int main(int argc, char **argv) {
  const char *tmp = getenv("TEST_TMPDIR");
  snprintf(baseline, sizeof baseline, "%s/baseline.json", tmp ? tmp : "/tmp");
  snprintf(scratch, sizeof scratch, "%s/edited.json", tmp ? tmp : "/tmp");
  remove(baseline);
  static const pb_test tests[] = {
      PB_TEST(no_baseline_is_refused),
      PB_TEST(a_recorded_baseline_is_recorded_again_byte_for_byte),
      PB_TEST(the_normal_build_passes),
      PB_TEST(a_cost_on_the_malloc_fast_path_is_caught),
      PB_TEST(keeping_every_empty_arena_is_caught),
      PB_TEST(another_version_is_refused),
      PB_TEST(an_update_prints_what_changed_and_keeps_thresholds),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
