/* benchmarks: every backend on every workload, several times, interleaved;
 * tables on stdout, and results/ written with JSON, Markdown, CSV and charts.
 *
 *   bazel run //:benchmarks                      the standard comparison
 *   bazel run //:benchmarks -- --quick           small and fast (CI, smoke)
 *   bazel run //:benchmarks -- --sweep           each backend's parameter
 *                                                sets side by side
 *
 * Results go to a new folder results/runs/<date-time>/ (results/latest
 * points at the newest), or to --out (results_dir.h): a run never changes
 * a committed file.
 *
 * Each (variant, workload) cell runs as its own process (the variant's
 * bench_<backend> runner), so a crash or a hang fails that cell only. Traces
 * are generated once, up front, and every runner replays the same file. One
 * warm-up run per workload (not counted) warms the caches and measures how
 * long the whole will take, which is said before the measured runs start.
 *
 * Ctrl-C or SIGTERM stops the running child, removes the traces, writes
 * what was measured, marked interrupted, and exits 130 or 143
 * (interrupt.h).
 *
 * Exit status: 0 every cell measured; 1 some cell failed (the others are
 * still reported and written), or the results could not be written; 2 bad
 * options or an output directory that cannot be written (nothing run); 3 no
 * memory to generate a trace; 130/143 interrupted. */
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/fail.h"
#include "common/user_path.h"
#include "harness/comparison/cell_run.h"
#include "harness/comparison/counted.h"
#include "harness/comparison/deploy.h"
#include "harness/comparison/environment.h"
#include "harness/comparison/matrix_workloads.h"
#include "harness/comparison/options.h"
#include "harness/comparison/parallelism.h"
#include "harness/comparison/progress.h"
#include "harness/comparison/real_run.h"
#include "harness/comparison/results_dir.h"
#include "harness/comparison/trace_files.h"
#include "harness/comparison/variants.h"
#include "harness/matrix/matrix.h"
#include "harness/process/interrupt.h"
#include "harness/process/pinned.h"
#include "harness/report/export_markdown.h"
#include "harness/report/output_set.h"
#include "harness/report/report.h"
#include "harness/statistics/statistics.h"

static json_t *options_json(const pb_comparison_options *o,
                            const pb_matrix *m) {
  char *backends = pb_name_list_join(&o->backends);
  char *workloads = pb_name_list_join(&o->workloads);
  json_t *j = json_pack(
      "{s:s, s:s, s:i, s:o, s:b, s:s, s:f}", "backends", backends, "workloads",
      workloads, "runs", o->runs, "scale",
      o->scale > 0 ? json_real(o->scale) : json_null(), "quick", o->quick,
      "reference", m->reference->label, "timeout", o->timeout);
  if (o->counted) json_object_set_new(j, "counted", json_true());
  if (o->no_startup_heap)
    json_object_set_new(j, "no_startup_heap", json_true());
  free(backends);
  free(workloads);
  if (o->sweep)
    json_object_set_new(
        j, "sweep",
        o->sweep_sets ? json_string(o->sweep_sets) : json_string("declared"));
  for (size_t k = 0; k < o->nparams; k++)
    json_object_set_new(j, o->params[k].name, json_string(o->params[k].value));
  json_t *suites = json_array();
  for (pb_suite s = 0; s < PB_SUITE_COUNT; s++)
    if (m->suites & PB_SUITE_BIT(s))
      json_array_append_new(suites, json_string(pb_suite_names[s]));
  json_object_set_new(j, "suites", suites);
  /* The user's programs (with their arguments) and traces, as run. */
  json_t *programs = json_array(), *traces = json_array();
  for (size_t u = 0; u < o->user.count; u++) {
    const pb_user_workload *user = &o->user.items[u];
    if (user->is_trace) {
      json_array_append_new(traces, json_string(user->path));
      continue;
    }
    json_t *words = json_array();
    json_array_append_new(words, json_string(user->path));
    for (char **a = user->args; *a; a++)
      json_array_append_new(words, json_string(*a));
    json_array_append_new(programs, words);
  }
  json_object_set_new(j, "programs", programs);
  json_object_set_new(j, "traces", traces);
  return j;
}

/* What a counted cell costs over a timed run: a pinned native run and a
 * callgrind run, which is about 50 times slower (README, "Counted
 * metrics"). Only the first estimate: the counted runs' own pace replaces
 * it as they finish (progress.h). */
#define COUNTED_COST 51

/* One uncounted run of the reference variant per workload: warms the page
 * cache and the binaries, and measures how long a run of each workload
 * takes, into seconds[w]. */
static void warm_up(const pb_matrix *m, double timeout, double *seconds) {
  for (size_t w = 0; w < m->nworkloads; w++) {
    pb_run run = {0};
    pb_cell cell = {
        .variant = m->reference, .workload = &m->workloads[w], .runs = &run};
    seconds[w] = pb_cell_run(&cell, 0, pb_workload_trace(m, w), timeout);
    json_decref(run.result);
    if (run.interrupted) break;
  }
}

/* Prints the tables and writes the set into the results folder. Returns 0,
 * or -1 when the tables or the set could not be written. */
static int report(const pb_matrix *m, const pb_results_dir *out) {
  pb_report r;
  pb_report_build(m, pb_env_dir("BUILD_WORKSPACE_DIRECTORY"), &r);
  pb_markdown_print(&r, stdout);
  int stdout_rc = pb_finish_stdout();
  int write_rc = pb_output_set_write(&r, out->path);
  pb_report_free(&r);
  if (write_rc == 0 && out->latest && pb_results_dir_mark_latest(out) == 0)
    fprintf(stderr, "%s points to it\n", out->latest);
  return stdout_rc == 0 && write_rc == 0 ? 0 : -1;
}

/* The runs are over, or were stopped: SIGINT and SIGTERM take their default
 * actions again and the traces go. Returns the signal that stopped the runs,
 * or 0. */
static int end_runs(void) {
  pb_interrupt_restore();
  pb_trace_files_remove();
  return pb_interrupt_signal();
}

/* After a SIGINT or SIGTERM: the runs that finished are kept, marked, and
 * so are the cells counted to the end (--counted). */
static int stop_interrupted(pb_matrix *m, int stopped_by,
                            const pb_results_dir *out) {
  size_t done = pb_matrix_mark_interrupted(m, stopped_by);
  char counted[64] = "";
  if (m->counted)
    snprintf(counted, sizeof counted, " and %zu of %zu cells counted",
             pb_counted_mark_interrupted(m), m->nworkloads * m->nvariants);
  const char *name = sigabbrev_np(stopped_by);
  if (done == 0) {
    if (out->runs)
      pb_warn(
          "interrupted (SIG%s) before any run finished: nothing was written",
          name);
    else
      pb_warn(
          "interrupted (SIG%s) before any run finished: nothing was written; "
          "the files in %s were kept",
          name, out->path);
    return pb_interrupt_exit_status(stopped_by);
  }
  int written = report(m, out) == 0;
  pb_warn("interrupted (SIG%s) after %zu of %zu runs%s%s", name, done,
          pb_matrix_runs_planned(m), counted,
          written ? ": what they measured is written, marked interrupted" : "");
  return pb_interrupt_exit_status(stopped_by);
}

/* This machine's own speedup at a threaded workload's thread count, once
 * per repetition, just before its runs (parallelism.h): samples[w * runs +
 * r], NAN where none was taken; then each workload's median. */
static void sample_parallelism(const pb_matrix *m, size_t w, int r,
                               double *samples) {
  unsigned threads = m->workloads[w].threads;
  if (threads)
    samples[w * (size_t)m->runs_per_cell + (size_t)r] =
        pb_parallel_speedup(threads);
}

static void settle_parallelism(pb_matrix *m, const double *samples) {
  size_t runs = (size_t)m->runs_per_cell;
  double taken[runs ? runs : 1];
  for (size_t w = 0; w < m->nworkloads; w++) {
    size_t n = 0;
    for (size_t r = 0; r < runs; r++)
      if (!isnan(samples[w * runs + r])) taken[n++] = samples[w * runs + r];
    m->workloads[w].machine_speedup = n ? pb_median(taken, n) : NAN;
  }
}

/* The CPUs the runs may use: this process's affinity, which they inherit
 * (taskset, a container's cpuset), or 0 when unknown. */
static unsigned usable_cpus(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
  return (unsigned)CPU_COUNT(&set);
}

int main(int argc, char **argv) {
  pb_set_program("benchmarks");
  pb_comparison_options o = pb_comparison_options_parse(argc, argv);
  /* Before anything runs and before the programs' own settings are made
   * (matrix_workloads.h): environment.h. */
  pb_environment_clean();
  /* Where the results go is checked before anything runs: a bad --out
   * found at the end would lose the whole comparison. */
  pb_results_dir dir = pb_results_dir_choose(o.out);
  const pb_results_dir *out = &dir;
  char err[PB_FILE_ERROR_MAX];
  if (pb_output_set_check(out->path, err) != 0)
    pb_fail(PB_EXIT_BAD_INPUT, "%s", err);
  /* A run descheduled for 5% of its replay is marked disturbed: an
   * undisturbed replay (CPU-bound, page faults counted as CPU time) loses
   * well under 1% (README, "Disturbed runs"), and 5% is the size of the
   * differences the comparison is there to show. */
  pb_matrix m = {.runs_per_cell = o.runs,
                 .unstable_threshold = 0.10,
                 .disturbed_threshold = 0.05,
                 .counted = o.counted,
                 .cpus = usable_cpus(),
                 .no_startup_heap = o.no_startup_heap};
  if (o.counted) pb_counting_setup(argv[0]); /* none: nothing runs */
  pb_matrix_workloads_build(&o, argv[0], &m);
  if (m.suites & PB_SUITES_DEPLOYED)
    pb_deploy_variants_build(&o.deploy, o.reference, argv[0], &m);
  else
    pb_variants_build(&o, argv[0], &m);
  if (m.suites & ~PB_SUITES_REPLAYED & ~PB_SUITES_DEPLOYED)
    pb_real_runs_prepare(&m, argv[0]);
  const char *venv = pb_virtual_env_apply(&m);
  m.options = options_json(&o, &m);
  if (m.suites & PB_SUITES_DEPLOYED) { /* configurations, not backends */
    json_object_del(m.options, "backends");
    json_object_set_new(m.options, "deploy", pb_deploy_options_json(&o.deploy));
  }
  if (venv) json_object_set_new(m.options, "virtual_env", json_string(venv));
  json_object_set_new(
      m.options, "environment",
      pb_environment_json(o.counted ? pb_pinned_environment() : NULL));
  pb_matrix_add_cells(&m);
  pb_environment_note();

  pb_interrupt_install();
  if (pb_trace_files_generate(&m, o.timeout) != 0)
    return stop_interrupted(&m, end_runs(), out);
  size_t total = m.nworkloads * m.nvariants * (size_t)o.runs;
  double run_seconds[m.nworkloads], counted_seconds[m.nworkloads];
  memset(run_seconds, 0, sizeof run_seconds);
  warm_up(&m, o.timeout, run_seconds);
  if (pb_interrupt_signal()) return stop_interrupted(&m, end_runs(), out);
  pb_progress progress;
  pb_progress_start(&progress);
  for (size_t w = 0; w < m.nworkloads; w++) {
    counted_seconds[w] = COUNTED_COST * run_seconds[w];
    pb_progress_plan(&progress, PB_WORK_TIMED, m.nvariants * (size_t)o.runs,
                     run_seconds[w] * (double)(m.nvariants * (size_t)o.runs));
    if (o.counted)
      pb_progress_plan(&progress, PB_WORK_COUNTED, m.nvariants,
                       counted_seconds[w] * (double)m.nvariants);
  }
  char duration[32];
  pb_format_duration(pb_progress_left(&progress), duration, sizeof duration);
  fprintf(
      stderr,
      "%zu runs (%zu variants x %zu workloads x %d)%s, about %s "
      "(measured by one warm-up run per workload%s)\n",
      total, m.nvariants, m.nworkloads, o.runs,
      o.counted ? " and a counted pair of runs per cell" : "", duration,
      o.counted ? "; a counted pair taken as 51 runs until some are done" : "");

  /* A SIGINT or SIGTERM ends every loop; the run it stopped is marked. */
  double *machine =
      malloc((m.nworkloads * (size_t)o.runs + 1) * sizeof *machine);
  if (!machine) pb_fail(PB_EXIT_FAILED, "out of memory");
  for (size_t k = 0; k < m.nworkloads * (size_t)o.runs; k++) machine[k] = NAN;
  for (int r = 0; r < o.runs && !pb_interrupt_signal(); r++)
    for (size_t w = 0; w < m.nworkloads && !pb_interrupt_signal(); w++) {
      sample_parallelism(&m, w, r, machine);
      for (size_t v = 0; v < m.nvariants && !pb_interrupt_signal(); v++) {
        char what[256];
        snprintf(what, sizeof what, "%s x %s (run %d/%d)", m.variants[v].label,
                 m.workloads[w].name, r + 1, o.runs);
        pb_progress_begin(&progress, PB_WORK_TIMED, run_seconds[w], what);
        pb_cell *cell = pb_matrix_cell(&m, w, v);
        pb_cell_run(cell, r, pb_workload_trace(&m, w), o.timeout);
        pb_run_mark_disturbed(&m, &cell->runs[r]);
        int unrun = m.workloads[w].failure != NULL;
        if (!cell->runs[r].ok && !cell->runs[r].interrupted && !unrun) {
          pb_progress_clear(&progress);
          pb_warn("%s failed: %s", what, cell->runs[r].failure);
          /* A program of the user's that fails on its first backend is
           * reported once, not run on the others. */
          if (m.workloads[w].user_program && r == 0 && v == 0 &&
              asprintf(&m.workloads[w].failure, "failed on %s: %s",
                       m.variants[v].label, cell->runs[r].failure) < 0)
            pb_fail(PB_EXIT_FAILED, "out of memory");
        }
        pb_progress_end(&progress);
      }
    }
  settle_parallelism(&m, machine);
  free(machine);
  pb_progress_clear(&progress);
  if (pb_interrupt_signal()) return stop_interrupted(&m, end_runs(), out);
  pb_format_duration(pb_now() - progress.started, duration, sizeof duration);
  fprintf(stderr, "%zu runs in %s\n", total, duration);
  /* The counted runs replay the same trace files. */
  size_t counted_failed =
      o.counted ? pb_counted_run_all(&m, o.timeout, &progress, counted_seconds)
                : 0;
  int stopped_by = end_runs();
  if (stopped_by) return stop_interrupted(&m, stopped_by, out);

  size_t failed = 0;
  for (size_t c = 0; c < m.nworkloads * m.nvariants; c++)
    failed += (size_t)m.cells[c].failed;
  int report_rc = report(&m, out);
  if (failed)
    pb_warn("%zu of %zu cells had failed runs", failed,
            m.nworkloads * m.nvariants);
  return failed || counted_failed || report_rc != 0 ? PB_EXIT_FAILED
                                                    : PB_EXIT_OK;
}
