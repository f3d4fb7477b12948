/* make_trace: writes a workload's trace to a file, lists the workloads, or
 * describes a trace file.
 *
 *   bazel run //workloads:make_trace -- --workload=NAME --out=FILE
 *                                       [--scale=X] [--seed=N] [--threads=N]
 *                                       [--no-startup-heap]
 *   bazel run //workloads:make_trace -- --list
 *   bazel run //workloads:make_trace -- --info=FILE [--info=FILE]
 *
 * Bad input (an unknown option or workload, a malformed number, a trace file
 * that cannot be read, an --out path that cannot be written, checked before
 * generating) prints one line on stderr and exits 2; a write that fails
 * midway (a full disk) exits 1; no memory to generate, 3. Relative paths are
 * taken from the directory bazel run was started in. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/atomic_file.h"
#include "common/clock.h"
#include "common/fail.h"
#include "common/grouped.h"
#include "common/number.h"
#include "common/user_path.h"
#include "workloads/trace.h"
#include "workloads/trace_info.h"
#include "workloads/workloads.h"

static const char usage[] =
    "usage: make_trace --workload=NAME --out=FILE [--scale=X] [--seed=N]\n"
    "                  [--threads=N] [--no-startup-heap]\n"
    "       make_trace --list\n"
    "       make_trace --info=FILE [--info=FILE]\n"
    "\n"
    "  --workload=NAME  the workload to generate (see --list)\n"
    "  --out=FILE       where to write the trace (atomically)\n"
    "  --scale=X        size, 1 = standard (default 1; 0 < X <= 100)\n"
    "  --seed=N         random seed, a non-negative integer (default 1)\n"
    "  --threads=N      threads of a threaded workload (default 2; 1..16)\n"
    "  --no-startup-heap  leave out CPython 3.11's start-up heap, which a\n"
    "                   one-thread workload's trace begins with by default\n"
    "                   (threaded workloads never have it)\n"
    "  --list           print the workloads with their descriptions\n"
    "  --info=FILE      load a trace file; print its header and profile (ops\n"
    "                   by kind and domain, requests per size class,\n"
    "                   lifetimes, peak live); twice: two side by side\n";

static void usage_error(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

static void usage_error(const char *fmt, ...) {
  char message[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  pb_fail(PB_EXIT_BAD_INPUT, "%s (see --help)", message);
}

static double parse_scale(const char *s) {
  double v;
  if (pb_parse_decimal(s, &v) != 0)
    usage_error("--scale: '%s' is not a number", s);
  if (!(v > 0) || v > PB_SCALE_MAX)
    usage_error("--scale: %s is out of range: 0 < scale <= %g", s,
                PB_SCALE_MAX);
  return v;
}

static uint64_t parse_seed(const char *s) {
  uint64_t v;
  if (pb_parse_u64(s, &v) == 0) return v;
  /* Digits only, then, but too many of them. */
  if (*s && strspn(s, "0123456789") == strlen(s))
    usage_error("--seed: %s is out of range", s);
  usage_error("--seed: '%s' is not a non-negative integer", s);
}

/* Matches "--name=value" or "--name value"; sets *value (NULL when the
 * option takes none). Returns 1 when argv[*i] is that option. */
static int option(int argc, char **argv, int *i, const char *name,
                  int takes_value, const char **value) {
  const char *arg = argv[*i];
  size_t len = strlen(name);
  if (strncmp(arg, name, len) != 0) return 0;
  if (arg[len] == '\0') {
    if (!takes_value) return 1;
    if (*i + 1 >= argc) usage_error("%s needs a value", name);
    *value = argv[++*i];
    return 1;
  }
  if (arg[len] != '=') return 0;
  if (!takes_value) usage_error("%s takes no value", name);
  *value = arg + len + 1;
  return 1;
}

static unsigned parse_threads(const char *s) {
  uint64_t v;
  if (pb_parse_u64(s, &v) != 0 || v < 1 || v > PB_WORKLOAD_THREADS_MAX)
    usage_error("--threads: '%s' is not a thread count from 1 to %d", s,
                PB_WORKLOAD_THREADS_MAX);
  return (unsigned)v;
}

static int list_workloads(void) {
  for (const pb_workload *w = pb_workloads; w->name; w++)
    printf("%-13s %s\n", w->name, w->description);
  for (const pb_workload *w = pb_threaded_workloads; w->name; w++)
    printf("%-13s (threaded) %s\n", w->name, w->description);
  return pb_finish_stdout() == 0 ? PB_EXIT_OK : PB_EXIT_FAILED;
}

static int make(const pb_workload *w, const char *out, double scale,
                uint64_t seed, unsigned threads, int startup_heap) {
  char err[PB_TRACE_ERROR_MAX];
  /* Before generating, which can take a while: a path that could never be
   * written (a directory, /dev/null, a missing directory) is bad input. */
  if (pb_atomic_check(out, err) != 0) pb_fail(PB_EXIT_BAD_INPUT, "%s", err);
  pb_trace t;
  double t0 = pb_now();
  pb_workload_generate(w, &t, seed, scale, threads, startup_heap);
  double generated = pb_now() - t0;
  t0 = pb_now();
  if (pb_trace_save(&t, out, err) != 0) {
    pb_warn("%s", err);
    pb_trace_destroy(&t);
    return 1;
  }
  double saved = pb_now() - t0;
  pb_trace_profile p;
  pb_trace_profile_compute(&t, &p);
  char ops[PB_GROUPED_MAX];
  printf(
      "wrote %s: %s, seed %llu, scale %g%s: %s ops, peak live %.1f MiB; "
      "generated in %.2f s, saved in %.2f s\n",
      out, w->name, (unsigned long long)seed, scale,
      startup_heap || w->generate_threads ? "" : ", no start-up heap",
      pb_grouped(t.count, ops), (double)p.peak_live_bytes / (1 << 20),
      generated, saved);
  pb_trace_destroy(&t);
  return pb_finish_stdout() == 0 ? PB_EXIT_OK : PB_EXIT_FAILED;
}

int main(int argc, char **argv) {
  const char *workload = NULL, *out = NULL, *info_files[2] = {NULL, NULL};
  size_t ninfo = 0;
  const char *scale_arg = NULL, *seed_arg = NULL, *threads_arg = NULL;
  int list = 0, no_startup_heap = 0;
  pb_set_program("make_trace");
  if (argc < 2) usage_error("nothing to do: give --workload, --list or --info");
  for (int i = 1; i < argc; i++) {
    const char *v = NULL;
    const char *arg = argv[i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      fputs(usage, stdout);
      return 0;
    } else if (option(argc, argv, &i, "--workload", 1, &v)) {
      if (workload) usage_error("--workload given twice");
      workload = v;
    } else if (option(argc, argv, &i, "--out", 1, &v)) {
      if (out) usage_error("--out given twice");
      out = v;
    } else if (option(argc, argv, &i, "--scale", 1, &v)) {
      if (scale_arg) usage_error("--scale given twice");
      scale_arg = v;
    } else if (option(argc, argv, &i, "--seed", 1, &v)) {
      if (seed_arg) usage_error("--seed given twice");
      seed_arg = v;
    } else if (option(argc, argv, &i, "--threads", 1, &v)) {
      if (threads_arg) usage_error("--threads given twice");
      threads_arg = v;
    } else if (option(argc, argv, &i, "--info", 1, &v)) {
      if (ninfo == 2) usage_error("--info given more than twice");
      if (!*v) usage_error("--info: empty file name");
      info_files[ninfo++] = v;
    } else if (option(argc, argv, &i, "--list", 0, &v)) {
      list = 1;
    } else if (option(argc, argv, &i, "--no-startup-heap", 0, &v)) {
      if (no_startup_heap) usage_error("--no-startup-heap given twice");
      no_startup_heap = 1;
    } else {
      usage_error("unknown argument '%s'", arg);
    }
  }

  if (list + (ninfo > 0) + (workload != NULL) != 1)
    usage_error("give exactly one of --workload, --list and --info");
  if (!workload &&
      (out || scale_arg || seed_arg || threads_arg || no_startup_heap))
    usage_error(
        "--out, --scale, --seed, --threads and --no-startup-heap go with "
        "--workload");
  if (list) return list_workloads();
  if (ninfo) {
    const char *paths[2] = {pb_user_path(info_files[0]),
                            ninfo > 1 ? pb_user_path(info_files[1]) : NULL};
    return pb_trace_info(paths, ninfo, stdout);
  }

  const pb_workload *w = pb_workload_find(workload);
  if (!w) {
    char known[512] = "";
    for (const pb_workload *k = pb_workloads; k->name; k++)
      snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
               known[0] ? ", " : "", k->name);
    for (const pb_workload *k = pb_threaded_workloads; k->name; k++)
      snprintf(known + strlen(known), sizeof known - strlen(known), ", %s",
               k->name);
    usage_error("unknown workload '%s' (known: %s)", workload, known);
  }
  if (!out || !*out) usage_error("--workload needs --out=FILE");
  double scale = scale_arg ? parse_scale(scale_arg) : 1.0;
  uint64_t seed = seed_arg ? parse_seed(seed_arg) : 1;
  if (threads_arg && !w->generate_threads)
    usage_error("--threads: workload '%s' is not threaded", w->name);
  /* Refused rather than ignored: the trace would not be what was asked. */
  if (no_startup_heap && w->generate_threads)
    usage_error(
        "--no-startup-heap: workload '%s' is threaded and has no start-up "
        "heap to leave out",
        w->name);
  unsigned threads =
      threads_arg ? parse_threads(threads_arg) : PB_WORKLOAD_THREADS_DEFAULT;
  return make(w, pb_user_path(out), scale, seed, threads, !no_startup_heap);
}
