/* benchmarks: every backend on every workload, several times, interleaved;
 * tables on stdout, and results/ written with JSON, Markdown, CSV and charts.
 *
 *   bazel run //:benchmarks                      the standard comparison
 *   bazel run //:benchmarks -- --quick           small and fast (CI, smoke)
 *   bazel run //:benchmarks -- --sweep           pool layouts side by side
 *
 * Each (variant, workload) cell runs as its own process (the variant's
 * bench_<backend> runner), so a crash or a hang fails that cell only. Traces
 * are generated once, up front, and every runner replays the same file.
 *
 * Exit status: 0 every cell measured; 1 some cell failed (the others are
 * still reported and written); 2 bad options (nothing run). */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness/cli.h"
#include "harness/matrix.h"
#include "harness/spawn.h"
#include "workloads/trace.h"
#include "workloads/workloads.h"

/* Set by the BUILD file from allocator/backends.bzl. */
#ifndef PB_BACKENDS
#error "PB_BACKENDS must list the backends"
#endif

static const char *program = "benchmarks";

/* The pool layouts --sweep compares when given no list: CPython 3.10+,
 * CPython 3.8, and the larger pools of bpo-37211 in 1 MiB and 4 MiB arenas. */
static const char default_sweep[] =
    "layout=3.10;layout=3.8;pool_size=64KiB;arena_size=4MiB,pool_size=64KiB";

typedef struct options {
  char backends[1024];
  char workloads[1024];
  int runs;
  double scale;
  double timeout;
  const char *out;
  const char *reference;
  const char *sweep; /* NULL: no sweep */
  pb_param params[PB_MAX_PARAMS];
  size_t nparams;
  int quick;
} options;

static void print_help(void) {
  printf(
      "usage: benchmarks [options]\n"
      "\n"
      "Runs every backend on every workload in fresh processes, several\n"
      "times, interleaved; prints the comparison and writes results/.\n"
      "\n"
      "  --backends=A,B     backends to compare (default: %s)\n"
      "  --workloads=X,Y    workloads to run (default: all)\n"
      "  --runs=N           runs per cell (default 5)\n"
      "  --scale=X          workload size, 1 = standard (default 0.5)\n"
      "  --quick            scale 0.02, 2 runs: a smoke test\n"
      "  --reference=B      the backend ratios are against (default pool)\n"
      "  --out=DIR          where to write (default: the workspace's "
      "results/)\n"
      "  --timeout=S        seconds before a run counts as hung (default 300)\n"
      "  --layout=L         pool layout (3.10, 3.8) for backends that take it\n"
      "  --arena-size=N     custom arena size, for backends that take it\n"
      "  --pool-size=N      custom pool size, for backends that take it\n"
      "  --threshold=N      custom small-request threshold, likewise\n"
      "  --sweep[=SETS]     compare pool layouts side by side as if they were\n"
      "                     backends; SETS: ';'-separated, each a ','-list of\n"
      "                     name=value (default: %s)\n"
      "  --help             this text\n"
      "\nbackends: %s\nworkloads:",
      PB_DEFAULT_BACKENDS, default_sweep, PB_BACKENDS);
  for (const pb_workload *w = pb_workloads; w->name; w++)
    printf(" %s", w->name);
  printf("\n");
}

/* Is name in the comma-separated list? */
static int listed(const char *list, const char *name) {
  size_t len = strlen(name);
  for (const char *p = list; *p;) {
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    if (n == len && strncmp(p, name, len) == 0) return 1;
    if (!comma) break;
    p = comma + 1;
  }
  return 0;
}

static void check_names(const char *list, const char *known, const char *what) {
  char copy[1024];
  snprintf(copy, sizeof copy, "%s", list);
  if (!copy[0]) pb_cli_usage_error(program, "--%ss is empty", what);
  for (char *save, *name = strtok_r(copy, ",", &save); name;
       name = strtok_r(NULL, ",", &save))
    if (!listed(known, name))
      pb_cli_usage_error(program, "unknown %s '%s' (known: %s)", what, name,
                         known);
}

static options parse_options(int argc, char **argv, const char *all_workloads) {
  options o = {.runs = 5, .scale = 0.5, .timeout = 300, .reference = NULL};
  snprintf(o.backends, sizeof o.backends, "%s", PB_DEFAULT_BACKENDS);
  snprintf(o.workloads, sizeof o.workloads, "%s", all_workloads);
  int runs_given = 0, scale_given = 0;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i], *value = "";
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      print_help();
      exit(0);
    } else if (strcmp(arg, "--quick") == 0) {
      o.quick = 1;
    } else if (strcmp(arg, "--sweep") == 0) {
      o.sweep = default_sweep;
    } else if (strncmp(arg, "--sweep=", 8) == 0) {
      o.sweep = arg + 8;
    } else if (pb_cli_option(argc, argv, &i, "--backends", &value)) {
      if (value) snprintf(o.backends, sizeof o.backends, "%s", value);
    } else if (pb_cli_option(argc, argv, &i, "--workloads", &value)) {
      if (value) snprintf(o.workloads, sizeof o.workloads, "%s", value);
    } else if (pb_cli_option(argc, argv, &i, "--runs", &value)) {
      uint64_t runs;
      if (value && (pb_cli_u64(value, &runs) != 0 || runs < 1 || runs > 1000))
        pb_cli_usage_error(program,
                           "--runs: '%s' is not a count from 1 to 1000", value);
      if (value) o.runs = (int)runs;
      runs_given = 1;
    } else if (pb_cli_option(argc, argv, &i, "--scale", &value)) {
      if (value && pb_cli_positive_double(value, &o.scale) != 0)
        pb_cli_usage_error(program, "--scale: '%s' is not a positive number",
                           value);
      scale_given = 1;
    } else if (pb_cli_option(argc, argv, &i, "--timeout", &value)) {
      if (value && pb_cli_positive_double(value, &o.timeout) != 0)
        pb_cli_usage_error(program, "--timeout: '%s' is not a positive number",
                           value);
    } else if (pb_cli_option(argc, argv, &i, "--out", &value)) {
      o.out = value;
    } else if (pb_cli_option(argc, argv, &i, "--reference", &value)) {
      o.reference = value;
    } else {
      pb_param param;
      if (!pb_cli_backend_option(argc, argv, &i, &param))
        pb_cli_usage_error(program, "unknown option '%s' (see --help)", arg);
      value = param.value;
      if (value && o.nparams < PB_MAX_PARAMS) o.params[o.nparams++] = param;
    }
    if (!value) pb_cli_usage_error(program, "%s needs a value", arg);
  }
  if (o.quick) {
    if (!runs_given) o.runs = 2;
    if (!scale_given) o.scale = 0.02;
  }
  check_names(o.backends, PB_BACKENDS, "backend");
  check_names(o.workloads, all_workloads, "workload");
  if (o.reference && !listed(o.backends, o.reference))
    pb_cli_usage_error(program,
                       "--reference: '%s' is not among the backends "
                       "compared (%s)",
                       o.reference, o.backends);
  if (o.sweep && o.nparams)
    pb_cli_usage_error(program,
                       "--sweep and layout options exclude each other");
  return o;
}

/* ---- backends: where their runners are, what they take ------------------- */

/* Runners live beside this binary: in the runfiles tree under `bazel run`
 * (harness/bench_X), or in the same directory as bazel-bin/harness/benchmarks.
 */
static void find_runner(const char *argv0, const char *backend, char *path,
                        size_t size) {
  snprintf(path, size, "harness/bench_%s", backend);
  if (access(path, X_OK) == 0) return;
  const char *slash = strrchr(argv0, '/');
  int dir = slash ? (int)(slash - argv0) : 1;
  snprintf(path, size, "%.*s/bench_%s", dir, slash ? argv0 : ".", backend);
  if (access(path, X_OK) != 0)
    pb_cli_usage_error(program, "no runner for backend %s (looked for %s)",
                       backend, path);
}

/* Runs the runner's --describe with the variant's parameters: checks them
 * and returns the backend's identity (version, layout, parameters). */
static json_t *describe(const pb_variant *v) {
  char *argv[4 + 2 * PB_MAX_PARAMS];
  char opts[PB_MAX_PARAMS][256];
  int argc = 0;
  argv[argc++] = (char *)v->runner;
  argv[argc++] = "--describe";
  for (size_t k = 0; k < v->nparams; k++) {
    const char *option = pb_cli_backend_option_name(v->params[k].name);
    if (!option)
      pb_cli_usage_error(program, "%s: unknown parameter '%s'", v->label,
                         v->params[k].name);
    snprintf(opts[k], sizeof opts[k], "%s=%s", option, v->params[k].value);
    argv[argc++] = opts[k];
  }
  argv[argc] = NULL;
  pb_spawn_result r;
  if (pb_spawn(argv, 30, &r) != 0)
    pb_cli_usage_error(program, "cannot run %s: %s", v->runner,
                       strerror(errno));
  if (r.exit_status != 0 || r.signaled || r.timed_out) {
    /* The runner's own one-line message names the problem. */
    fprintf(stderr, "%s: %s", program, r.err[0] ? r.err : "describe failed\n");
    exit(2);
  }
  json_t *identity = json_loads(r.out, 0, NULL);
  pb_spawn_result_free(&r);
  if (!identity)
    pb_cli_usage_error(program, "%s --describe printed no JSON", v->runner);
  return identity;
}

static int takes(json_t *identity, const char *param) {
  size_t i;
  json_t *name;
  json_array_foreach(json_object_get(identity, "parameters"), i, name) {
    if (strcmp(json_string_value(name), param) == 0) return 1;
  }
  return 0;
}

/* Parses "a=1,b=2" into the variant's parameters. */
static void parse_param_set(char *set, pb_variant *v) {
  for (char *save, *item = strtok_r(set, ",", &save); item;
       item = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(item, '=');
    if (!eq || eq == item || !eq[1] || v->nparams == PB_MAX_PARAMS)
      pb_cli_usage_error(program, "--sweep: '%s' is not name=value", item);
    *eq = '\0';
    v->params[v->nparams++] = (pb_param){item, eq + 1};
  }
}

static void label_variant(pb_variant *v) {
  int n = snprintf(v->label, sizeof v->label, "%s", v->backend);
  for (size_t k = 0; k < v->nparams && n < (int)sizeof v->label; k++)
    n += snprintf(v->label + n, sizeof v->label - (size_t)n, "%s%s=%s",
                  k ? "," : "[", v->params[k].name, v->params[k].value);
  if (v->nparams && n < (int)sizeof v->label - 1) strcat(v->label, "]");
}

static void build_variants(const options *o, const char *argv0, pb_matrix *m) {
  char names[1024];
  snprintf(names, sizeof names, "%s", o->backends);
  m->variants = calloc(64, sizeof *m->variants);
  for (char *save, *name = strtok_r(names, ",", &save); name;
       name = strtok_r(NULL, ",", &save)) {
    pb_variant base = {.backend = strdup(name)};
    find_runner(argv0, name, base.runner, sizeof base.runner);
    json_t *identity = describe(&base);
    if (o->sweep && takes(identity, "layout")) {
      /* One variant per parameter set. */
      char *sets = strdup(o->sweep);
      for (char *save2, *set = strtok_r(sets, ";", &save2); set;
           set = strtok_r(NULL, ";", &save2)) {
        if (m->nvariants == 64)
          pb_cli_usage_error(program, "too many variants");
        pb_variant *v = &m->variants[m->nvariants++];
        *v = base;
        parse_param_set(strdup(set), v);
        label_variant(v);
        v->identity = describe(v);
      }
      json_decref(identity);
      continue;
    }
    pb_variant *v = &m->variants[m->nvariants++];
    *v = base;
    for (size_t k = 0; k < o->nparams; k++)
      if (takes(identity, o->params[k].name))
        v->params[v->nparams++] = o->params[k];
    label_variant(v);
    if (v->nparams) {
      json_decref(identity);
      identity = describe(v); /* rejects a bad value with the runner's line */
    }
    v->identity = identity;
  }
  /* A layout option that no compared backend takes is a mistake. */
  for (size_t k = 0; k < o->nparams; k++) {
    int used = 0;
    for (size_t v = 0; v < m->nvariants; v++)
      used |= takes(m->variants[v].identity, o->params[k].name);
    if (!used)
      pb_cli_usage_error(program, "no backend among %s takes '%s'", o->backends,
                         o->params[k].name);
  }
}

/* ---- traces -----------------------------------------------------------------
 */

static char trace_dir[] = "/tmp/poolbench-traces.XXXXXX";

static void trace_path(const char *workload, char *path, size_t size) {
  snprintf(path, size, "%s/%s.trace", trace_dir, workload);
}

static void generate_traces(const pb_matrix *m, double scale) {
  if (!mkdtemp(trace_dir))
    pb_cli_usage_error(program, "cannot create %s: %s", trace_dir,
                       strerror(errno));
  int tty = isatty(STDERR_FILENO);
  for (size_t w = 0; w < m->nworkloads; w++) {
    if (tty)
      fprintf(stderr, "\rgenerating traces: %s\033[K", m->workloads[w]);
    else if (w == 0)
      fprintf(stderr, "generating %zu traces at scale %g\n", m->nworkloads,
              scale);
    pb_trace t;
    pb_workload_find(m->workloads[w])->generate(&t, 1, scale);
    char path[4096], err[PB_TRACE_ERROR_MAX];
    trace_path(m->workloads[w], path, sizeof path);
    if (pb_trace_save(&t, path, err) != 0)
      pb_cli_usage_error(program, "%s", err);
    pb_trace_destroy(&t);
  }
  if (tty) fprintf(stderr, "\r\033[K");
}

static void remove_traces(const pb_matrix *m) {
  for (size_t w = 0; w < m->nworkloads; w++) {
    char path[4096];
    trace_path(m->workloads[w], path, sizeof path);
    unlink(path);
  }
  rmdir(trace_dir);
}

/* ---- running ----------------------------------------------------------------
 */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void progress(size_t done, size_t total, const char *label,
                     const char *workload, int run, int runs, double started) {
  static int tty = -1;
  if (tty < 0) tty = isatty(STDERR_FILENO);
  double elapsed = now() - started;
  double left = done ? elapsed / (double)done * (double)(total - done) : 0;
  char bar[31];
  size_t filled = total ? done * 30 / total : 30;
  for (size_t i = 0; i < 30; i++) bar[i] = i < filled ? '#' : '-';
  bar[30] = '\0';
  fprintf(stderr, "%s[%s] %zu/%zu  %s x %s (run %d/%d)  %02d:%02d left%s",
          tty ? "\r" : "", bar, done, total, label, workload, run, runs,
          (int)left / 60, (int)left % 60, tty ? "\033[K" : "\n");
}

static void run_cell(const pb_matrix *m, pb_cell *cell, int r, double timeout) {
  char path[4096];
  trace_path(cell->workload, path, sizeof path);
  const pb_variant *v = cell->variant;
  char *argv[5 + PB_MAX_PARAMS];
  char opts[PB_MAX_PARAMS][256], trace_opt[4200];
  int argc = 0;
  argv[argc++] = (char *)v->runner;
  snprintf(trace_opt, sizeof trace_opt, "--trace=%s", path);
  argv[argc++] = trace_opt;
  argv[argc++] = "--json";
  for (size_t k = 0; k < v->nparams; k++) {
    /* describe() has checked that every parameter has an option. */
    snprintf(opts[k], sizeof opts[k], "%s=%s",
             pb_cli_backend_option_name(v->params[k].name), v->params[k].value);
    argv[argc++] = opts[k];
  }
  argv[argc] = NULL;
  (void)m;

  pb_run *run = &cell->runs[r];
  pb_spawn_result res;
  if (pb_spawn(argv, timeout, &res) != 0) {
    snprintf(run->failure, sizeof run->failure, "cannot start: %s",
             strerror(errno));
    cell->failed = 1;
    return;
  }
  if (res.exit_status == 0 && !res.signaled && !res.timed_out) {
    json_error_t error;
    run->result = json_loads(res.out, 0, &error);
    if (json_is_object(run->result) &&
        json_is_number(json_object_get(run->result, "ns_per_op"))) {
      run->ok = 1;
    } else {
      json_decref(run->result);
      run->result = NULL;
      snprintf(run->failure, sizeof run->failure, "garbage output");
    }
  } else {
    char what[64];
    pb_spawn_describe(&res, what, sizeof what);
    /* The runner's own last line says why, when it said anything. */
    char *msg = res.err;
    size_t len = strlen(msg);
    while (len && msg[len - 1] == '\n') msg[--len] = '\0';
    char *last = strrchr(msg, '\n');
    snprintf(run->failure, sizeof run->failure, "%s%s%.90s", what,
             len ? ": " : "", last ? last + 1 : msg);
  }
  if (!run->ok) {
    cell->failed = 1;
    fprintf(stderr, "%s%s x %s run %d failed: %s\n",
            isatty(STDERR_FILENO) ? "\r\033[K" : "", v->label, cell->workload,
            r + 1, run->failure);
  }
  pb_spawn_result_free(&res);
}

/* ---- output
 * ------------------------------------------------------------------- */

static const char *output_dir(const options *o) {
  if (o->out) return o->out;
  static char dir[4096];
  const char *workspace = getenv("BUILD_WORKSPACE_DIRECTORY");
  snprintf(dir, sizeof dir, "%s/results", workspace ? workspace : ".");
  return dir;
}

static char *render(void (*report)(const pb_matrix *, FILE *),
                    const pb_matrix *m, size_t *len) {
  char *buf = NULL;
  FILE *f = open_memstream(&buf, len);
  report(m, f);
  fclose(f);
  return buf;
}

static int write_outputs(const pb_matrix *m, const char *dir) {
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, "%s: cannot create %s: %s\n", program, dir,
            strerror(errno));
    return -1;
  }
  int rc = 0;
  size_t len;
  char *md = render(pb_report_markdown, m, &len);
  rc |= pb_write_file_atomic(dir, "latest.md", md, len);
  free(md);
  char *csv = render(pb_report_csv, m, &len);
  rc |= pb_write_file_atomic(dir, "latest.csv", csv, len);
  free(csv);
  json_t *json = pb_report_json(m);
  char *text = json_dumps(json, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
  rc |= pb_write_file_atomic(dir, "latest.json", text, strlen(text));
  free(text);
  json_decref(json);
  int charts = pb_report_charts(m, dir);
  if (charts < 0) rc = -1;
  fprintf(stderr, "wrote %s/latest.{md,csv,json} and %d charts\n", dir,
          charts < 0 ? 0 : charts);
  return rc;
}

int main(int argc, char **argv) {
  char all_workloads[1024] = "";
  for (const pb_workload *w = pb_workloads; w->name; w++)
    snprintf(all_workloads + strlen(all_workloads),
             sizeof all_workloads - strlen(all_workloads), "%s%s",
             all_workloads[0] ? "," : "", w->name);
  options o = parse_options(argc, argv, all_workloads);

  pb_matrix m = {.runs_per_cell = o.runs, .unstable_threshold = 0.10};
  build_variants(&o, argv[0], &m);
  const char *reference = o.reference ? o.reference : "pool";
  m.reference = &m.variants[0];
  for (size_t v = 0; v < m.nvariants; v++)
    if (strcmp(m.variants[v].backend, reference) == 0) {
      m.reference = &m.variants[v];
      break;
    }

  char names[1024];
  snprintf(names, sizeof names, "%s", o.workloads);
  m.workloads = calloc(64, sizeof *m.workloads);
  for (char *save, *name = strtok_r(names, ",", &save);
       name && m.nworkloads < 64; name = strtok_r(NULL, ",", &save))
    m.workloads[m.nworkloads++] = strdup(name);

  m.options = json_pack("{s:s, s:s, s:i, s:f, s:b, s:s, s:f}", "backends",
                        o.backends, "workloads", o.workloads, "runs", o.runs,
                        "scale", o.scale, "quick", o.quick, "reference",
                        m.reference->label, "timeout", o.timeout);
  if (o.sweep) json_object_set_new(m.options, "sweep", json_string(o.sweep));
  for (size_t k = 0; k < o.nparams; k++)
    json_object_set_new(m.options, o.params[k].name,
                        json_string(o.params[k].value));

  m.cells = calloc(m.nworkloads * m.nvariants, sizeof *m.cells);
  for (size_t w = 0; w < m.nworkloads; w++)
    for (size_t v = 0; v < m.nvariants; v++) {
      pb_cell *cell = pb_matrix_cell(&m, w, v);
      cell->variant = &m.variants[v];
      cell->workload = m.workloads[w];
      cell->runs = calloc((size_t)o.runs, sizeof *cell->runs);
    }

  generate_traces(&m, o.scale);
  size_t total = m.nworkloads * m.nvariants * (size_t)o.runs, done = 0;
  double started = now();
  for (int r = 0; r < o.runs; r++)
    for (size_t w = 0; w < m.nworkloads; w++)
      for (size_t v = 0; v < m.nvariants; v++) {
        progress(done, total, m.variants[v].label, m.workloads[w], r + 1,
                 o.runs, started);
        run_cell(&m, pb_matrix_cell(&m, w, v), r, o.timeout);
        done++;
      }
  fprintf(stderr, "%s%zu runs in %.0f s\n",
          isatty(STDERR_FILENO) ? "\r\033[K" : "", total, now() - started);
  remove_traces(&m);

  pb_report_markdown(&m, stdout);
  fflush(stdout);
  int failed = 0;
  for (size_t c = 0; c < m.nworkloads * m.nvariants; c++)
    failed += m.cells[c].failed;
  int write_rc = write_outputs(&m, output_dir(&o));
  if (failed)
    fprintf(stderr, "%s: %d of %zu cells had failed runs\n", program, failed,
            m.nworkloads * m.nvariants);
  return failed || write_rc != 0 ? 1 : 0;
}
