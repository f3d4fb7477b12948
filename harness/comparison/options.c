#include "harness/comparison/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator/registry.h"
#include "common/fail.h"
#include "common/list.h"
#include "common/user_path.h"
#include "harness/cli.h"
#include "harness/metrics/suite.h"
#include "workloads/workloads.h"

/* The defaults, as --help states them. */
#define DEFAULT_RUNS 5
#define DEFAULT_TIMEOUT 300
#define QUICK_RUNS 2
#define QUICK_SCALE 0.02

static void print_backends(int compared_only) {
  int first = 1;
  for (const pb_backend_entry *b = pb_backend_registry; b->name; b++) {
    if (compared_only && !b->compared) continue;
    printf("%s%s", first ? "" : ",", b->name);
    first = 0;
  }
}

static void print_help(void) {
  printf(
      "usage: benchmarks [options] [NAME=VALUE ...]\n"
      "\n"
      "Runs every backend on every workload in fresh processes, several\n"
      "times, interleaved; prints the comparison and writes results/.\n"
      "\n"
      "  --backends=A,B     backends to compare (default: ");
  print_backends(1);
  printf(
      ")\n"
      "  --workloads=X,Y    built-in workloads to run (default: all, or none\n"
      "                     with --program or --trace)\n"
      "  --runs=N           runs per cell (default %d)\n"
      "  --scale=X          workload size for every workload, 1 = standard,\n"
      "                     at most %g (default: each workload's own\n"
      "                     comparison scale)\n"
      "  --quick            scale %g, %d runs: a smoke test\n"
      "  --no-startup-heap  the synthetic suite's one-thread traces without\n"
      "                     CPython 3.11's start-up heap, which they begin\n"
      "                     with by default (its survivors live to the end)\n"
      "  --reference=B      the backend ratios are against (default %s)\n"
      "  --out=DIR          where to write (default: a new folder\n"
      "                     results/runs/<date-time>/, with results/latest\n"
      "                     pointing at the newest)\n"
      "  --timeout=S        seconds before a run counts as hung (default %d)\n"
      "  --threads=N,M      the threaded workloads (below) at each thread\n"
      "                     count, side by side, with a scaling table and\n"
      "                     chart (default: none; with --workloads naming\n"
      "                     one, %d); not with --sweep\n"
      "  --counted          also measure the counted metrics, one pinned pair\n"
      "                     of runs per cell after the timed ones: the\n"
      "                     replay's instructions per op (callgrind), minor\n"
      "                     page faults and memory system calls\n"
      "  --sweep[=SETS]     run each backend once per parameter set, side by\n"
      "                     side; SETS: ';'-separated, each a ','-list of\n"
      "                     NAME=VALUE (default: the sets each backend\n"
      "                     declares in allocator/backends.bzl)\n"
      "  --program='PATH [ARG ...]'\n"
      "                     your own Python program (repeatable), named after\n"
      "                     its file: run on every backend (the real suite)\n"
      "                     and captured once, its capture replayed on every\n"
      "                     backend (the captured suite); alone unless\n"
      "                     --workloads adds built-in ones\n"
      "  --trace=FILE       a saved capture (pytrace --out=FILE), replayed on\n"
      "                     every backend in the captured suite (repeatable)\n"
      "  --suite=S,T        synthetic (the generators' traces), captured\n"
      "                     (traces pytrace records from each workload's\n"
      "                     program), real (the programs on pyrun_<backend>),\n"
      "                     or all; several side by side, with the agreement\n"
      "                     of their rankings (default: synthetic); or\n"
      "                     deploy, alone: the programs on real interpreters\n"
      "                     under deployment configurations\n"
      "  --configs=A,B      deploy: configurations OBJECT+PROCESS (OBJECT the\n"
      "                     PYTHONMALLOC value, PROCESS the malloc preloaded,\n"
      "                     or the C library's) or names of --configs-file\n"
      "                     (default: the common ones, and the file's)\n"
      "  --configs-file=FILE  deploy: named configurations with tunables, one\n"
      "                     a line: NAME OBJECT+PROCESS [VAR=VALUE ...]\n"
      "  --python=PATH      deploy: an interpreter (repeatable; default\n"
      "                     /usr/bin/python3.11)\n"
      "  NAME=VALUE         a backend parameter, given to every selected\n"
      "                     backend that takes it (bench_<backend> --help)\n"
      "  --help             this text\n",
      DEFAULT_RUNS, PB_SCALE_MAX, QUICK_SCALE, QUICK_RUNS,
      pb_backend_reference()->name, DEFAULT_TIMEOUT,
      PB_WORKLOAD_THREADS_DEFAULT);
  printf("\nbackends: ");
  print_backends(0);
  printf("\nworkloads: ");
  for (const pb_workload *w = pb_workloads; w->name; w++)
    printf("%s%s", w == pb_workloads ? "" : ",", w->name);
  printf("\nthreaded workloads (--threads): ");
  for (const pb_workload *w = pb_threaded_workloads; w->name; w++)
    printf("%s%s", w == pb_threaded_workloads ? "" : ",", w->name);
  printf("\n");
}

static void add_name(pb_name_list *list, const char *name) {
  list->names = realloc(list->names, (list->count + 1) * sizeof *list->names);
  if (!list->names || !(list->names[list->count] = strdup(name)))
    pb_fail(PB_EXIT_FAILED, "out of memory");
  list->count++;
}

/* Splits "a,b" into the list, checking each name: known, and given once. */
static void parse_names(const char *option, const char *text,
                        pb_name_list *list, int (*known)(const char *),
                        const char *what) {
  list->count = 0;
  size_t n;
  char **names = pb_list_split(text, ',', &n);
  for (size_t i = 0; i < n; i++) {
    if (!*names[i])
      pb_fail(PB_EXIT_BAD_INPUT, "%s: empty %s name in '%s'", option, what,
              text);
    if (!known(names[i]))
      pb_fail(PB_EXIT_BAD_INPUT, "%s: unknown %s '%s'", option, what, names[i]);
    if (pb_name_list_has(list, names[i]))
      pb_fail(PB_EXIT_BAD_INPUT, "%s: %s '%s' is named twice", option, what,
              names[i]);
    add_name(list, names[i]);
  }
  pb_list_free(names);
}

static int known_backend(const char *name) {
  return pb_backend_find(name) != NULL;
}

static int known_workload(const char *name) {
  return pb_workload_find(name) != NULL;
}

void pb_parse_backend_names(const char *option, const char *text,
                            pb_name_list *list) {
  parse_names(option, text, list, known_backend, "backend");
}

void pb_parse_workload_names(const char *option, const char *text,
                             pb_name_list *list) {
  parse_names(option, text, list, known_workload, "workload");
}

/* The suites the user's programs and traces run in: a program in the
 * captured and real suites, a trace in the captured one, or those of them
 * --suite names; one line and exit status 2 when --suite leaves one none. */
static void suites_of_user_workloads(pb_comparison_options *o,
                                     int suite_given) {
  int programs = 0, traces = 0;
  for (size_t i = 0; i < o->user.count; i++) {
    traces += o->user.items[i].is_trace;
    programs += !o->user.items[i].is_trace;
  }
  o->program_suites =
      programs ? PB_SUITES_WITH_PROGRAM & ~PB_SUITES_DEPLOYED : 0;
  o->trace_suites = traces ? PB_SUITES_CAPTURED : 0;
  if (!suite_given) return;
  /* --suite=deploy runs the programs too, when named. */
  o->program_suites = programs ? PB_SUITES_WITH_PROGRAM & o->suites : 0;
  o->trace_suites &= o->suites;
  if (programs && !o->program_suites)
    pb_fail(PB_EXIT_BAD_INPUT,
            "--suite: a --program runs in the captured and real suites, and "
            "--suite names neither");
  if (traces && !o->trace_suites)
    pb_fail(PB_EXIT_BAD_INPUT,
            "--suite: a --trace is replayed in the captured suite, and "
            "--suite does not name it");
}

/* --threads=N,M: counts from 1 to PB_WORKLOAD_THREADS_MAX, each once,
 * kept in increasing order. */
static void parse_thread_counts(const char *text, pb_comparison_options *o) {
  size_t n;
  char **items = pb_list_split(text, ',', &n);
  o->nthread_counts = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t count;
    if (pb_cli_u64(items[i], &count) != 0 || count < 1 ||
        count > PB_WORKLOAD_THREADS_MAX)
      pb_fail(PB_EXIT_BAD_INPUT,
              "--threads: '%s' is not a thread count from 1 to %d", items[i],
              PB_WORKLOAD_THREADS_MAX);
    size_t at = o->nthread_counts;
    while (at > 0 && o->thread_counts[at - 1] > count) at--;
    if (at > 0 && o->thread_counts[at - 1] == count)
      pb_fail(PB_EXIT_BAD_INPUT, "--threads: %llu is named twice",
              (unsigned long long)count);
    memmove(&o->thread_counts[at + 1], &o->thread_counts[at],
            (o->nthread_counts - at) * sizeof *o->thread_counts);
    o->thread_counts[at] = (unsigned)count;
    o->nthread_counts++;
  }
  pb_list_free(items);
}

static int is_threaded(const char *name) {
  return pb_workload_find(name)->generate_threads != NULL;
}

/* The threaded workloads: those --workloads names, or every one when
 * --threads is given and it names none; at --threads' counts, or their
 * default. They run in the synthetic suite only: their programs hold the
 * GIL, so a capture of one is one thread's trace and its real run one
 * thread's allocations at a time. */
static void select_threaded(pb_comparison_options *o, int threads_given) {
  size_t threaded = 0;
  for (size_t w = 0; w < o->workloads.count; w++)
    threaded += is_threaded(o->workloads.names[w]);
  if (threads_given && threaded == 0)
    for (const pb_workload *w = pb_threaded_workloads; w->name; w++, threaded++)
      add_name(&o->workloads, w->name);
  if (threaded && !threads_given) {
    o->thread_counts[0] = PB_WORKLOAD_THREADS_DEFAULT;
    o->nthread_counts = 1;
  }
  if (threaded == 0) o->nthread_counts = 0;
  if (threaded && !pb_suite_is(PB_SUITE_SYNTHETIC, o->suites))
    pb_fail(PB_EXIT_BAD_INPUT,
            "--threads: the threaded workloads run in the synthetic suite "
            "only, and --suite leaves it out");
}

/* --suite=deploy compares configurations, not backends (deploy.h): alone,
 * since its variants are not the other suites', and without what only
 * backends take; its options mean nothing without it. */
static void check_deploy(const pb_comparison_options *o, int backends_given) {
  if (!pb_suite_is(PB_SUITE_DEPLOY, o->suites)) {
    if (pb_deploy_options_given(&o->deploy))
      pb_fail(PB_EXIT_BAD_INPUT,
              "--configs, --configs-file and --python need --suite=deploy");
    return;
  }
  if (o->suites != PB_SUITES_DEPLOYED)
    pb_fail(PB_EXIT_BAD_INPUT,
            "--suite=deploy compares configurations, not backends: it cannot "
            "be combined with other suites in one run");
  if (backends_given || o->sweep || o->nparams)
    pb_fail(PB_EXIT_BAD_INPUT,
            "--suite=deploy compares configurations (--configs), not "
            "backends: drop --backends, --sweep and NAME=VALUE");
}

/* Which options were given, so that none is given twice. */
typedef struct given {
  int backends, workloads, runs, scale, timeout, out, reference, sweep, quick,
      suite, threads, no_startup_heap;
} given;

pb_comparison_options pb_comparison_options_parse(int argc, char **argv) {
  pb_comparison_options o = {.runs = DEFAULT_RUNS,
                             .timeout = DEFAULT_TIMEOUT,
                             .suites = PB_SUITE_BIT(PB_SUITE_SYNTHETIC)};
  given g = {0};
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i], *value = "";
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      print_help();
      exit(0);
    } else if (strcmp(arg, "--quick") == 0) {
      pb_cli_once(&g.quick, "--quick");
      o.quick = 1;
    } else if (strcmp(arg, "--no-startup-heap") == 0) {
      pb_cli_once(&g.no_startup_heap, "--no-startup-heap");
      o.no_startup_heap = 1;
    } else if (strcmp(arg, "--counted") == 0) {
      o.counted = 1;
    } else if (strcmp(arg, "--sweep") == 0) {
      pb_cli_once(&g.sweep, "--sweep");
      o.sweep = 1;
    } else if (strncmp(arg, "--sweep=", 8) == 0) {
      pb_cli_once(&g.sweep, "--sweep");
      o.sweep = 1;
      o.sweep_sets = arg + 8;
    } else if (arg[0] != '-') {
      pb_cli_param(argv[i], o.params, &o.nparams);
    } else if (pb_cli_option(argc, argv, &i, "--backends", &value)) {
      pb_cli_once(&g.backends, "--backends");
      if (value)
        parse_names("--backends", value, &o.backends, known_backend, "backend");
    } else if (pb_cli_option(argc, argv, &i, "--workloads", &value)) {
      pb_cli_once(&g.workloads, "--workloads");
      if (value)
        parse_names("--workloads", value, &o.workloads, known_workload,
                    "workload");
    } else if (pb_cli_option(argc, argv, &i, "--threads", &value)) {
      pb_cli_once(&g.threads, "--threads");
      if (value) parse_thread_counts(value, &o);
    } else if (pb_cli_option(argc, argv, &i, "--runs", &value)) {
      pb_cli_once(&g.runs, "--runs");
      uint64_t runs;
      if (value && (pb_cli_u64(value, &runs) != 0 || runs < 1 || runs > 1000))
        pb_fail(PB_EXIT_BAD_INPUT, "--runs: '%s' is not a count from 1 to 1000",
                value);
      if (value) o.runs = (int)runs;
    } else if (pb_cli_option(argc, argv, &i, "--scale", &value)) {
      pb_cli_once(&g.scale, "--scale");
      if (value) pb_cli_scale("--scale", value, PB_SCALE_MAX, &o.scale);
    } else if (pb_cli_option(argc, argv, &i, "--timeout", &value)) {
      pb_cli_once(&g.timeout, "--timeout");
      if (value) pb_cli_positive("--timeout", value, &o.timeout);
    } else if (pb_cli_option(argc, argv, &i, "--out", &value)) {
      pb_cli_once(&g.out, "--out");
      if (value && !*value) pb_fail(PB_EXIT_BAD_INPUT, "--out: empty path");
      if (value) o.out = pb_user_path(value);
    } else if (pb_cli_option(argc, argv, &i, "--reference", &value)) {
      pb_cli_once(&g.reference, "--reference");
      o.reference = value;
    } else if (pb_cli_option(argc, argv, &i, "--program", &value)) {
      if (value) pb_user_workload_add(&o.user, "--program", value, 0);
    } else if (pb_cli_option(argc, argv, &i, "--trace", &value)) {
      if (value) pb_user_workload_add(&o.user, "--trace", value, 1);
    } else if (pb_deploy_option(argc, argv, &i, &o.deploy, &value)) {
      /* recorded by deploy.c */
    } else if (pb_cli_option(argc, argv, &i, "--suite", &value)) {
      pb_cli_once(&g.suite, "--suite");
      char bad[64];
      int rc = value ? pb_suite_parse(value, &o.suites, bad, sizeof bad) : 0;
      if (rc == -2)
        pb_fail(PB_EXIT_BAD_INPUT, "--suite: '%s' is named twice", bad);
      if (rc != 0)
        pb_fail(PB_EXIT_BAD_INPUT,
                "--suite: unknown suite '%s' (synthetic, captured, real, all; "
                "or deploy)",
                bad);
    } else {
      pb_fail(PB_EXIT_BAD_INPUT, "unknown option '%s' (see --help)", arg);
    }
    if (!value) pb_fail(PB_EXIT_BAD_INPUT, "%s needs a value", arg);
  }
  if (o.quick) {
    if (!g.runs) o.runs = QUICK_RUNS;
    if (o.scale == 0) o.scale = QUICK_SCALE;
  }
  if (!g.backends)
    for (const pb_backend_entry *b = pb_backend_registry; b->name; b++)
      if (b->compared) add_name(&o.backends, b->name);
  /* Your own programs alone, unless --workloads adds built-in ones. */
  if (!g.workloads && o.user.count == 0)
    for (const pb_workload *w = pb_workloads; w->name; w++)
      add_name(&o.workloads, w->name);
  suites_of_user_workloads(&o, g.suite);
  if (o.workloads.count || g.threads) select_threaded(&o, g.threads);
  check_deploy(&o, g.backends);
  if (o.reference && !pb_suite_is(PB_SUITE_DEPLOY, o.suites) &&
      !pb_name_list_has(&o.backends, o.reference)) {
    char *names = pb_name_list_join(&o.backends);
    pb_fail(PB_EXIT_BAD_INPUT,
            "--reference: '%s' is not among the backends compared (%s)",
            o.reference, names);
  }
  unsigned all_suites =
      (o.workloads.count ? o.suites : 0) | o.program_suites | o.trace_suites;
  if (o.no_startup_heap &&
      !(o.workloads.count && pb_suite_is(PB_SUITE_SYNTHETIC, o.suites)))
    pb_fail(PB_EXIT_BAD_INPUT,
            "--no-startup-heap goes with the synthetic suite's built-in "
            "workloads: nothing compared here is generated");
  if ((all_suites & ~PB_SUITES_REPLAYED) && (o.sweep || o.nparams))
    pb_fail(PB_EXIT_BAD_INPUT,
            "--suite=real runs each backend as pyrun_<backend>, which takes no "
            "parameters: drop --sweep and NAME=VALUE");
  if (o.sweep && o.nparams)
    pb_fail(PB_EXIT_BAD_INPUT,
            "--sweep and NAME=VALUE parameters exclude each other (give the "
            "parameters as sweep sets)");
  /* A swept backend runs its sets as they are: one that runs threads only
   * as a parameter says (registry.h, thread_sets) would fail every
   * threaded cell. */
  if (o.sweep && o.nthread_counts)
    pb_fail(PB_EXIT_BAD_INPUT,
            "--sweep and the threaded workloads exclude each other (a sweep "
            "set does not say how a backend runs threads): run them apart");
  return o;
}

void pb_select_defaults(pb_comparison_options *o) {
  if (o->backends.count == 0)
    for (const pb_backend_entry *b = pb_backend_registry; b->name; b++)
      if (b->compared) add_name(&o->backends, b->name);
  if (o->workloads.count == 0)
    for (const pb_workload *w = pb_workloads; w->name; w++)
      add_name(&o->workloads, w->name);
}

int pb_name_list_has(const pb_name_list *list, const char *name) {
  for (size_t i = 0; i < list->count; i++)
    if (strcmp(list->names[i], name) == 0) return 1;
  return 0;
}

char *pb_name_list_join(const pb_name_list *list) {
  size_t len = 1;
  for (size_t i = 0; i < list->count; i++) len += strlen(list->names[i]) + 1;
  char *s = malloc(len);
  if (!s) pb_fail(PB_EXIT_FAILED, "out of memory");
  s[0] = '\0';
  for (size_t i = 0; i < list->count; i++) {
    if (i) strcat(s, ",");
    strcat(s, list->names[i]);
  }
  return s;
}
