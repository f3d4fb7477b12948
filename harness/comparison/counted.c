#include "harness/comparison/counted.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fail.h"
#include "common/user_path.h"
#include "harness/comparison/deploy.h"
#include "harness/comparison/progress.h"
#include "harness/comparison/real_run.h"
#include "harness/comparison/trace_files.h"
#include "harness/comparison/variants.h"
#include "harness/metrics/metrics.h"
#include "harness/process/interrupt.h"
#include "harness/process/outcome.h"
#include "harness/process/pinned.h"

/* Pinned, because options change counts: only the replay's segments are
 * collected (the runner toggles collection around them), everything else
 * runs uninstrumented; no cache or branch simulation (counts of
 * instructions only). */
static const char *const callgrind_options[] = {
    "-q",
    "--tool=callgrind",
    "--instr-atstart=no",
    "--collect-atstart=no",
    "--cache-sim=no",
    "--branch-sim=no",
};
#define CALLGRIND_OPTIONS \
  (sizeof callgrind_options / sizeof callgrind_options[0])

static char valgrind_path[4096];
static char valgrind_version[64];
static char callgrind_command[512];

static int find_on_path(const char *name, char *path, size_t size) {
  const char *dirs = getenv("PATH");
  for (const char *p = dirs ? dirs : "/usr/bin:/bin"; *p;) {
    size_t len = strcspn(p, ":");
    snprintf(path, size, "%.*s/%s", (int)len, p, name);
    if (len && access(path, X_OK) == 0) return 0;
    p += len + (p[len] == ':');
  }
  return -1;
}

void pb_counting_setup(const char *argv0) {
  pb_pinned_setup(argv0);
  if (find_on_path("valgrind", valgrind_path, sizeof valgrind_path) != 0)
    pb_fail(PB_EXIT_BAD_INPUT,
            "valgrind is not on the PATH: the counted metrics need it "
            "(./bazelw installs it)");
  char *argv[] = {valgrind_path, "--version", NULL};
  pb_spawn_result r;
  char why[256];
  switch (pb_outcome_judge(pb_spawn(argv, 30, &r), &r, why, sizeof why)) {
    case PB_OUTCOME_OK:
      break;
    case PB_OUTCOME_INTERRUPTED:
      pb_fail(pb_interrupt_exit_status(pb_interrupt_signal()),
              "interrupted while asking valgrind its version");
    case PB_OUTCOME_FAILED:
      pb_fail(PB_EXIT_BAD_INPUT, "%s --version failed: %s", valgrind_path, why);
  }
  snprintf(valgrind_version, sizeof valgrind_version, "%.*s",
           (int)strcspn(r.out, "\n"), r.out);
  pb_spawn_result_free(&r);
  int len = snprintf(callgrind_command, sizeof callgrind_command, "valgrind");
  for (size_t k = 0; k < CALLGRIND_OPTIONS; k++)
    len += snprintf(callgrind_command + len, sizeof callgrind_command - len,
                    " %s", callgrind_options[k]);
}

const char *pb_valgrind_version(void) { return valgrind_version; }
const char *pb_callgrind_command(void) { return callgrind_command; }

/* Runs argv pinned; returns the runner's JSON object, or NULL with why and
 * whether it failed or was interrupted in *outcome. */
static json_t *run_json(char **argv, double timeout, char *why, size_t size,
                        pb_outcome *outcome) {
  pb_spawn_result r;
  *outcome =
      pb_outcome_judge(pb_spawn_pinned(argv, timeout, &r), &r, why, size);
  json_t *result = NULL;
  if (*outcome == PB_OUTCOME_OK) {
    result = json_loads(r.out, 0, NULL);
    if (!json_is_object(result)) {
      json_decref(result);
      result = NULL;
      snprintf(why, size, "garbage output");
      *outcome = PB_OUTCOME_FAILED;
    }
  }
  pb_spawn_result_free(&r);
  return result;
}

/* A new empty file for callgrind's output in the temporary directory
 * (README: $TMPDIR, or /tmp), its path in *path (malloc'd); or -1 with
 * why. The caller removes it however the run ends. */
static int callgrind_file(char **path, char *why, size_t size) {
  if (asprintf(path, "%s/poolbench-callgrind.XXXXXX", pb_temp_dir()) < 0)
    pb_fail(PB_EXIT_FAILED, "out of memory");
  int fd = mkstemp(*path);
  if (fd < 0) {
    snprintf(why, size, "cannot create %s: %s", *path, strerror(errno));
    free(*path);
    *path = NULL;
    return -1;
  }
  close(fd);
  return 0;
}

/* The instructions callgrind collected ("totals:" or "summary:"), or -1. */
static long long collected_instructions(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[512];
  long long total = -1;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "totals:", 7) == 0)
      total = strtoll(line + 7, NULL, 10);
    else if (strncmp(line, "summary:", 8) == 0 && total < 0)
      total = strtoll(line + 8, NULL, 10);
  }
  fclose(f);
  return total;
}

/* The callgrind run: the replay's instructions, or -1 with why and whether
 * it failed or was interrupted in *outcome. */
static long long count_instructions(const pb_variant *v, const char *trace_opt,
                                    double timeout, char *why, size_t size,
                                    pb_outcome *outcome) {
  char *out_path;
  *outcome = PB_OUTCOME_FAILED;
  if (callgrind_file(&out_path, why, size) != 0) return -1;
  char *out_opt;
  if (asprintf(&out_opt, "--callgrind-out-file=%s", out_path) < 0)
    pb_fail(PB_EXIT_FAILED, "out of memory");
  const char *const extra[] = {trace_opt, "--json", NULL};
  char **runner = pb_variant_argv(v, extra);
  size_t n = 0;
  while (runner[n]) n++;
  char *argv[CALLGRIND_OPTIONS + 3 + n];
  size_t argc = 0;
  argv[argc++] = valgrind_path;
  for (size_t k = 0; k < CALLGRIND_OPTIONS; k++)
    argv[argc++] = (char *)callgrind_options[k];
  argv[argc++] = out_opt;
  for (size_t k = 0; k <= n; k++) argv[argc++] = runner[k];
  json_t *result = run_json(argv, timeout, why, size, outcome);
  pb_variant_argv_free(runner);
  long long instructions = result ? collected_instructions(out_path) : -1;
  if (result && instructions <= 0) {
    snprintf(why, size, "callgrind collected no instructions");
    *outcome = PB_OUTCOME_FAILED;
    instructions = -1;
  }
  json_decref(result);
  unlink(out_path);
  free(out_path);
  free(out_opt);
  return instructions;
}

/* A real program is counted whole, from exec to exit (no client request
 * toggles collection): the interpreter's start-up and its allocator's are
 * part of what a backend costs a program. Otherwise as for the replays. */
static const char *const program_options[] = {
    "-q",
    "--tool=callgrind",
    "--cache-sim=no",
    "--branch-sim=no",
};
#define PROGRAM_OPTIONS (sizeof program_options / sizeof program_options[0])

/* A Python program calls its allocator through CPython's MEM and OBJ
 * functions (PEP 445), which call the domain's allocator through a
 * function pointer: pyrun's hook into the backend, or CPython's own
 * pymalloc. Their inclusive cost under callgrind, with the backend's
 * pb_init, is every instruction the allocator runs in the program,
 * start-up included, the call's dispatch too, counted alike for every
 * backend. None calls another (pymalloc's realloc calls its own malloc and
 * free, not these), so the costs add up without counting twice. */
static const char *const allocator_entries[] = {
    "PyMem_Malloc",     "PyMem_Calloc",    "PyMem_Realloc",
    "PyMem_Free",       "PyObject_Malloc", "PyObject_Calloc",
    "PyObject_Realloc", "PyObject_Free",   "pb_init",
};

static int allocator_entry(const char *name) {
  for (size_t k = 0; k < sizeof allocator_entries / sizeof *allocator_entries;
       k++)
    if (strcmp(name, allocator_entries[k]) == 0) return 1;
  return 0;
}

/* The function a callgrind_annotate line names ("???:name [object]",
 * "file.c:name [object]"), into name; 0 when the line names none. */
static int annotated_function(const char *line, char *name, size_t size) {
  const char *end = strstr(line, " [");
  if (!end) end = line + strcspn(line, "\n");
  const char *colon = NULL;
  for (const char *c = line; c < end; c++)
    if (*c == ':') colon = c;
  if (!colon) return 0;
  snprintf(name, size, "%.*s", (int)(end - colon - 1), colon + 1);
  return 1;
}

/* The leading cost of a callgrind_annotate line ("  1,234,567 (..."), or
 * -1. */
static long long annotated_cost(const char *line) {
  long long cost = 0;
  int digits = 0;
  for (; *line == ' '; line++) {
  }
  for (; (*line >= '0' && *line <= '9') || *line == ','; line++)
    if (*line != ',') {
      cost = cost * 10 + (*line - '0');
      digits++;
    }
  return digits ? cost : -1;
}

/* The instructions inside the allocator: the inclusive cost of its entry
 * points in callgrind's file at path (callgrind_annotate --inclusive=yes),
 * or -1 with why when they cannot be read. */
static long long allocator_instructions(const char *path, double timeout,
                                        char *why, size_t size) {
  char *argv[] = {"callgrind_annotate", "--inclusive=yes", "--threshold=100",
                  (char *)path, NULL};
  pb_spawn_result r;
  if (pb_outcome_judge(pb_spawn(argv, timeout, &r), &r, why, size) !=
      PB_OUTCOME_OK) {
    pb_spawn_result_free(&r);
    return -1;
  }
  long long total = 0;
  int entries = 0;
  for (char *line = r.out; line && *line;) {
    char *next = strchr(line, '\n');
    if (next) *next++ = '\0';
    char name[256];
    long long cost = annotated_cost(line);
    if (cost >= 0 && annotated_function(line, name, sizeof name) &&
        allocator_entry(name)) {
      total += cost;
      entries++;
    }
    line = next;
  }
  pb_spawn_result_free(&r);
  if (!entries) {
    snprintf(why, size, "no allocator entry point in callgrind's profile");
    return -1;
  }
  return total;
}

/* The callgrind run of cell's program on its backend's pyrun, pinned, with
 * the settings of every run of the programs (matrix_workloads.h): sets
 * cell->counted to the whole program's instructions, the allocator's, and
 * its share. */
static pb_outcome count_program(pb_cell *cell, double timeout) {
  char *out_path, *out_opt;
  if (callgrind_file(&out_path, cell->counted_failure,
                     sizeof cell->counted_failure) != 0)
    return PB_OUTCOME_FAILED;
  if (asprintf(&out_opt, "--callgrind-out-file=%s", out_path) < 0)
    pb_fail(PB_EXIT_FAILED, "out of memory");
  const char *before[PROGRAM_OPTIONS + 6];
  size_t nbefore = 0;
  before[nbefore++] = valgrind_path;
  for (size_t k = 0; k < PROGRAM_OPTIONS; k++)
    before[nbefore++] = program_options[k];
  before[nbefore++] = out_opt;
  const pb_variant *v = cell->variant;
  if (v->deployment) /* a configuration: its interpreter under the probe */
    for (const char *const *w = pb_deploy_program(cell); *w; w++)
      before[nbefore++] = *w;
  else
    before[nbefore++] = v->pyrun;
  before[nbefore] = NULL;
  char **argv = pb_program_argv(before, cell->workload);
  pb_spawn_result r;
  long long instructions = -1, allocator = -1;
  char *python[16] = {"PYTHONHASHSEED=0", "PYTHONDONTWRITEBYTECODE=1"};
  size_t nsettings = 2;
  for (char **e = v->environment; e && *e && nsettings < 15; e++)
    python[nsettings++] = *e;
  python[nsettings] = NULL;
  pb_outcome outcome =
      pb_outcome_judge(pb_spawn_pinned_adding(argv, python, timeout, &r), &r,
                       cell->counted_failure, sizeof cell->counted_failure);
  pb_spawn_result_free(&r);
  free(argv);
  /* A configuration is checked under callgrind as in its timed runs. */
  if (outcome == PB_OUTCOME_OK && v->deployment) {
    pb_deploy_verify(cell, cell->counted_failure, sizeof cell->counted_failure);
    if (cell->counted_failure[0]) outcome = PB_OUTCOME_FAILED;
  }
  if (outcome == PB_OUTCOME_OK) {
    instructions = collected_instructions(out_path);
    if (instructions <= 0) {
      snprintf(cell->counted_failure, sizeof cell->counted_failure,
               "callgrind collected no instructions");
      outcome = PB_OUTCOME_FAILED;
    } else {
      allocator =
          allocator_instructions(out_path, timeout, cell->counted_failure,
                                 sizeof cell->counted_failure);
      if (allocator < 0) outcome = PB_OUTCOME_FAILED;
    }
  }
  unlink(out_path);
  free(out_path);
  free(out_opt);
  if (outcome == PB_OUTCOME_OK) {
    cell->counted = json_object();
    json_object_set_new(cell->counted, pb_metric_key(PB_METRIC_INSTRUCTIONS),
                        json_integer(instructions));
    json_object_set_new(cell->counted,
                        pb_metric_key(PB_METRIC_ALLOCATOR_INSTRUCTIONS),
                        json_integer(allocator));
    json_object_set_new(cell->counted, pb_metric_key(PB_METRIC_ALLOCATOR_SHARE),
                        json_real((double)allocator / (double)instructions));
  }
  return outcome;
}

pb_outcome pb_counted_run(pb_cell *cell, const char *trace_file,
                          double timeout) {
  if (cell->workload->failure) {
    snprintf(cell->counted_failure, sizeof cell->counted_failure,
             "not run: %.200s", cell->workload->failure);
    return PB_OUTCOME_FAILED;
  }
  if (!pb_suite_is(cell->workload->suite, PB_SUITES_REPLAYED))
    return count_program(cell, timeout);
  char *trace_opt;
  if (asprintf(&trace_opt, "--trace=%s", trace_file) < 0)
    pb_fail(PB_EXIT_FAILED, "out of memory");
  const char *const extra[] = {trace_opt, "--json", "--count-syscalls", NULL};
  char **argv = pb_variant_argv(cell->variant, extra);
  pb_outcome outcome;
  json_t *native = run_json(argv, timeout, cell->counted_failure,
                            sizeof cell->counted_failure, &outcome);
  pb_variant_argv_free(argv);
  long long instructions =
      native ? count_instructions(cell->variant, trace_opt, timeout,
                                  cell->counted_failure,
                                  sizeof cell->counted_failure, &outcome)
             : -1;
  free(trace_opt);
  if (instructions < 0) {
    json_decref(native);
    return outcome;
  }
  /* The native run's counted figures as they are (and a figure's detail,
   * the calls by name); then callgrind's. */
  json_t *counted = json_object();
  for (int k = 0; k < PB_METRIC_COUNT; k++) {
    const pb_metric *metric = &pb_metrics[k];
    if (!pb_metric_in_counted(metric, cell->workload->suite) ||
        metric->from_callgrind)
      continue;
    json_object_set(counted, metric->key, json_object_get(native, metric->key));
    if (metric->detail)
      json_object_set(counted, metric->detail,
                      json_object_get(native, metric->detail));
  }
  json_int_t ops =
      json_integer_value(json_object_get(native, pb_metric_key(PB_METRIC_OPS)));
  json_object_set_new(counted, pb_metric_key(PB_METRIC_INSTRUCTIONS),
                      json_integer(instructions));
  /* Four decimals: what a file keeps of it is then the figure itself, and a
   * baseline read back compares equal. */
  double per_op = ops > 0 ? (double)instructions / (double)ops : 0.0;
  json_object_set_new(counted, pb_metric_key(PB_METRIC_INSTRUCTIONS_PER_OP),
                      json_real(round(per_op * 1e4) / 1e4));
  json_decref(native);
  cell->counted = counted;
  return PB_OUTCOME_OK;
}

/* A cell whose counted run a SIGINT or SIGTERM stopped, or never let
 * start: no figures, and no failure either (matrix.h). */
static void mark_interrupted(pb_cell *cell) {
  cell->counted_interrupted = 1;
  cell->counted_failure[0] = '\0';
}

size_t pb_counted_mark_interrupted(pb_matrix *m) {
  size_t measured = 0;
  for (size_t c = 0; c < m->nworkloads * m->nvariants; c++) {
    pb_cell *cell = &m->cells[c];
    if (!cell->counted && !cell->counted_failure[0]) mark_interrupted(cell);
    measured += cell->counted != NULL;
  }
  return measured;
}

size_t pb_counted_run_all(pb_matrix *m, double timeout, pb_progress *shared,
                          const double *expected) {
  size_t failed = 0;
  pb_progress own;
  pb_progress *progress = shared ? shared : &own;
  if (!shared) {
    pb_progress_start(&own);
    /* No warm-up measured them: a second a cell, which the pace of the
     * first cells corrects. */
    pb_progress_plan(&own, PB_WORK_COUNTED, m->nworkloads * m->nvariants,
                     (double)(m->nworkloads * m->nvariants));
  }
  /* After a SIGINT or SIGTERM nothing more starts (the cells left are
   * marked by pb_counted_mark_interrupted). */
  for (size_t w = 0; w < m->nworkloads && !pb_interrupt_signal(); w++)
    for (size_t v = 0; v < m->nvariants && !pb_interrupt_signal(); v++) {
      pb_cell *cell = pb_matrix_cell(m, w, v);
      char what[256];
      snprintf(what, sizeof what, "counting %s x %s", m->variants[v].label,
               m->workloads[w].name);
      pb_progress_begin(progress, PB_WORK_COUNTED, expected ? expected[w] : 1,
                        what);
      switch (pb_counted_run(cell, pb_workload_trace(m, w), timeout)) {
        case PB_OUTCOME_OK:
          break;
        case PB_OUTCOME_INTERRUPTED:
          mark_interrupted(cell);
          break;
        case PB_OUTCOME_FAILED:
          pb_progress_clear(progress);
          pb_warn("%s failed: %s", what, cell->counted_failure);
          failed++;
          break;
      }
      pb_progress_end(progress);
    }
  pb_progress_clear(progress);
  return failed;
}
