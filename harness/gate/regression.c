/* regression: the CI regression gate.
 *
 *   bazel run //:regression                        compare with the baseline
 *   bazel run //:regression -- --update-baseline   measure and rewrite it
 *
 * A fixed quick matrix: every backend the registry compares, every workload,
 * all at the baseline's scale (PB_GATE_SCALE for a new one), each cell
 * measured once on its counted figures (harness/comparison/counted.h), which
 * come out the same on every run of the same build. They are compared with
 * results/baseline.json (harness/gate/baseline.h) metric by metric, against the
 * thresholds the file states (harness/gate/verdicts.h).
 *
 * It also checks the ceiling backends.bzl declares: no backend runs fewer
 * instructions per op than it on any workload.
 *
 * Exit status: 0 no regression; 1 a regression (the cells are named), a
 * broken ceiling, a cell that could not be measured, or a baseline that could
 * not be written; 2 bad options, a missing, corrupt or out-of-bounds baseline
 * (checked whole before anything runs), one that holds none of the cells
 * measured, one whose cells were recorded with other versions, or a baseline
 * folder --update-baseline cannot write into: nothing measured or compared;
 * 130/143 interrupted by SIGINT/SIGTERM: the running child stopped, the traces
 * and callgrind's files removed, nothing compared, the baseline untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/atomic_file.h"
#include "common/fail.h"
#include "common/user_path.h"
#include "harness/cli.h"
#include "harness/comparison/counted.h"
#include "harness/comparison/matrix_workloads.h"
#include "harness/comparison/options.h"
#include "harness/comparison/trace_files.h"
#include "harness/comparison/variants.h"
#include "harness/gate/baseline.h"
#include "harness/gate/verdicts.h"
#include "harness/process/interrupt.h"
#include "workloads/workloads.h"

/* Small enough that the whole gate, every cell once natively and once
 * under callgrind, takes about a minute on two cores. */
#define PB_GATE_SCALE 0.02
#define DEFAULT_TIMEOUT 300

typedef struct gate_options {
  pb_comparison_options select; /* backends, workloads, runners */
  const char *baseline;
  int update;
  int all; /* --all: every figure, not only what changed */
} gate_options;

static void print_help(void) {
  printf(
      "usage: regression [options]\n"
      "\n"
      "Measures every compared backend on every workload, once, on figures\n"
      "that are the same on every run of the same build (instructions per\n"
      "op under callgrind, page faults, memory system calls, peak live\n"
      "bytes, peak RSS, fragmentation, retained memory), and compares them\n"
      "with the baseline, against the thresholds the baseline states.\n"
      "Exit status: 0 no regression, 1 a regression, 2 nothing compared.\n"
      "\n"
      "  --baseline=FILE    the baseline (default: the workspace's\n"
      "                     results/baseline.json)\n"
      "  --all              show every figure (default: what crossed or came\n"
      "                     within a third of its threshold, and one line\n"
      "                     for the rest)\n"
      "  --update-baseline  rewrite the baseline with the figures measured\n"
      "                     now, and print what changed\n"
      "  --backends=A,B     only these backends (default: every compared one)\n"
      "  --workloads=X,Y    only these workloads (default: all)\n"
      "  --runners=DIR      where the bench_<backend> runners are (default:\n"
      "                     beside this program)\n"
      "  --timeout=S        seconds before a run counts as hung (default %d)\n"
      "  --help             this text\n",
      DEFAULT_TIMEOUT);
}

/* Which options were given: each once (the last of two silently winning
 * hides a typo). */
typedef struct given {
  int baseline, backends, workloads, runners, timeout, update, all;
} given;

static gate_options parse_options(int argc, char **argv) {
  gate_options o = {.select = {.timeout = DEFAULT_TIMEOUT}};
  given g = {0};
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i], *value = "";
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      print_help();
      exit(0);
    } else if (strcmp(arg, "--update-baseline") == 0) {
      pb_cli_once(&g.update, "--update-baseline");
      o.update = 1;
    } else if (strcmp(arg, "--all") == 0) {
      pb_cli_once(&g.all, "--all");
      o.all = 1;
    } else if (pb_cli_option(argc, argv, &i, "--baseline", &value)) {
      pb_cli_once(&g.baseline, "--baseline");
      if (value && !*value)
        pb_fail(PB_EXIT_BAD_INPUT, "--baseline: empty path");
      if (value) o.baseline = pb_user_path(value);
    } else if (pb_cli_option(argc, argv, &i, "--backends", &value)) {
      pb_cli_once(&g.backends, "--backends");
      if (value)
        pb_parse_backend_names("--backends", value, &o.select.backends);
    } else if (pb_cli_option(argc, argv, &i, "--workloads", &value)) {
      pb_cli_once(&g.workloads, "--workloads");
      if (value)
        pb_parse_workload_names("--workloads", value, &o.select.workloads);
    } else if (pb_cli_option(argc, argv, &i, "--runners", &value)) {
      pb_cli_once(&g.runners, "--runners");
      if (value) o.select.runners = pb_user_path(value);
    } else if (pb_cli_option(argc, argv, &i, "--timeout", &value)) {
      pb_cli_once(&g.timeout, "--timeout");
      if (value) pb_cli_positive("--timeout", value, &o.select.timeout);
    } else {
      pb_fail(PB_EXIT_BAD_INPUT, "unknown option '%s' (see --help)", arg);
    }
    if (!value) pb_fail(PB_EXIT_BAD_INPUT, "%s needs a value", arg);
  }
  if (!o.baseline) {
    const char *workspace = getenv("BUILD_WORKSPACE_DIRECTORY");
    char *path;
    if (asprintf(&path, "%s/results/baseline.json",
                 workspace && *workspace ? workspace : ".") < 0)
      pb_fail(PB_EXIT_FAILED, "out of memory");
    o.baseline = path;
  }
  return o;
}

/* The gate's matrix: the selected backends on the selected workloads'
 * synthetic traces, at the baseline's scale, counted. */
static void build_matrix(gate_options *o, double scale, const char *argv0,
                         pb_matrix *m) {
  m->counted = 1;
  o->select.scale = scale;
  o->select.suites = PB_SUITE_BIT(PB_SUITE_SYNTHETIC);
  pb_matrix_workloads_build(&o->select, argv0, m);
  pb_variants_build(&o->select, argv0, m);
  pb_matrix_add_cells(m);
}

/* Compare mode: the table, then the verdict. */
static int compare(const pb_matrix *m, json_t *baseline, const char *path,
                   int all) {
  pb_gate_outcome g =
      pb_gate_compare(m, baseline, all ? PB_GATE_ALL : PB_GATE_CHANGES, stdout);
  size_t cells = m->nworkloads * m->nvariants;
  if (g.improvements)
    printf(
        "\nimproved beyond the threshold: %s.\nIf that is intended, record "
        "it: bazel run //:regression -- --update-baseline\n",
        g.improved);
  if (g.new_cells)
    printf(
        "\n%zu cells are not in %s (a new backend or workload): record them "
        "with --update-baseline\n",
        g.new_cells, path);
  int rc = PB_EXIT_OK;
  if (g.failed) {
    printf("\n%zu of %zu cells could not be measured\n", g.failed, cells);
    rc = PB_EXIT_FAILED;
  }
  char *ceiling;
  if (pb_gate_check_ceiling(m, &ceiling)) {
    printf("\nCEILING BROKEN (allocator/backends.bzl): %s\n", ceiling);
    rc = PB_EXIT_FAILED;
  }
  free(ceiling);
  if (g.regressions) {
    printf("\nREGRESSION: %s\n", g.regressed);
    rc = PB_EXIT_FAILED;
  } else if (!g.failed && rc == PB_EXIT_OK) {
    printf("\nno regression in %zu cells\n", cells - g.new_cells);
  }
  free(g.regressed);
  free(g.improved);
  return rc;
}

/* Update mode: what changed, then the file. */
static int update(const pb_matrix *m, double scale, json_t *old,
                  const char *path) {
  pb_gate_outcome g = {0};
  if (old) g = pb_gate_compare(m, old, PB_GATE_MOVED, stdout);
  free(g.regressed);
  free(g.improved);
  size_t failed = 0;
  for (size_t c = 0; c < m->nworkloads * m->nvariants; c++)
    failed += m->cells[c].counted == NULL;
  if (failed) {
    printf("%s not written: %zu cells could not be measured\n", path, failed);
    return PB_EXIT_FAILED;
  }
  char err[PB_BASELINE_ERROR_MAX];
  json_t *root = pb_baseline_build(m, scale, old);
  if (json_equal(root, old)) {
    printf("%s unchanged\n", path);
  } else if (pb_baseline_write(path, root, err) != 0) {
    pb_fail(PB_EXIT_FAILED, "%s", err);
  } else {
    printf(
        "wrote %s: %zu figures changed beyond their thresholds, %zu new "
        "cells\n",
        path, g.regressions + g.improvements,
        old ? g.new_cells : m->nworkloads * m->nvariants);
  }
  json_decref(root);
  return PB_EXIT_OK;
}

int main(int argc, char **argv) {
  pb_set_program("regression");
  gate_options o = parse_options(argc, argv);
  pb_select_defaults(&o.select);

  char err[PB_BASELINE_ERROR_MAX];
  int missing;
  json_t *old = pb_baseline_load(o.baseline, &missing, err);
  if (!old && !o.update)
    pb_fail(PB_EXIT_BAD_INPUT, "%s; %s with --update-baseline", err,
            missing ? "record one" : "fix it, or record a new one");
  /* Where an update writes is checked before anything is measured: a
   * missing or read-only folder found at the end loses every count. */
  char file_err[PB_FILE_ERROR_MAX];
  if (o.update && pb_atomic_check(o.baseline, file_err) != 0)
    pb_fail(PB_EXIT_BAD_INPUT, "%s; nothing measured", file_err);
  if (!old) printf("%s; recording a new baseline\n", err);
  double scale =
      old ? json_number_value(json_object_get(old, "scale")) : PB_GATE_SCALE;

  pb_counting_setup(argv[0]);
  pb_matrix m = {0};
  build_matrix(&o, scale, argv[0], &m);
  /* A baseline that holds none of the cells measured would pass whatever
   * they count ("no regression in 0 cells"); some cells missing are new
   * (a backend or workload added since), listed as such. */
  if (old && !o.update && pb_baseline_cells_held(old, &m) == 0)
    pb_fail(PB_EXIT_BAD_INPUT,
            "%s holds none of the %zu cells measured: nothing to compare "
            "with; record them with --update-baseline",
            o.baseline, m.nworkloads * m.nvariants);
  char differ[2048];
  if (old && pb_baseline_versions_differ(old, &m, differ, sizeof differ)) {
    if (!o.update)
      pb_fail(PB_EXIT_BAD_INPUT,
              "%s was recorded with %s: counts compare only with the same "
              "versions; record a baseline for these with --update-baseline",
              o.baseline, differ);
    printf("versions changed: %s\n", differ);
  }

  fprintf(stderr, "regression gate: %zu backends x %zu workloads at scale %g\n",
          m.nvariants, m.nworkloads, scale);
  /* Ctrl-C or SIGTERM stops the running child and the traces go; what was
   * counted is incomplete, so nothing is compared and the baseline is left
   * alone. */
  pb_interrupt_install();
  if (pb_trace_files_generate(&m, o.select.timeout) == 0)
    pb_counted_run_all(&m, o.select.timeout, NULL, NULL);
  pb_interrupt_restore();
  pb_trace_files_remove();
  int stopped_by = pb_interrupt_signal();
  if (stopped_by) {
    pb_warn("interrupted (SIG%s): nothing compared%s%s%s",
            sigabbrev_np(stopped_by), o.update ? ", " : "",
            o.update ? o.baseline : "", o.update ? " not written" : "");
    return pb_interrupt_exit_status(stopped_by);
  }

  int rc = o.update ? update(&m, scale, old, o.baseline)
                    : compare(&m, old, o.baseline, o.all);
  json_decref(old);
  return rc;
}
