/* pytrace: runs a Python program and records its allocations as a trace.
 *
 *   bazel run //python:pytrace -- --out=FILE [--workload=NAME] [--]
 *                                 script.py args...     (or -c CODE, -m MOD)
 *
 * The program runs as under python3 (interpreter.h), on CPython's own
 * allocator, with every MEM and OBJ allocation recorded from before the
 * interpreter starts until it has finalized (capture.h). The trace is then
 * written to FILE (atomically), named NAME ("python" by default), with the
 * domain of every op. `bench_<backend> --trace=FILE` replays it;
 * `make_trace --info=FILE` describes it.
 *
 * Exit status: the program's own, once the trace is written; 1 when it
 * cannot be written; 2 bad options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fail.h"
#include "python/capture.h"
#include "python/interpreter.h"
#include "workloads/trace.h"

static const char usage[] =
    "usage: pytrace --out=FILE [--workload=NAME] [--] PYTHON-ARGS...\n"
    "\n"
    "Runs python3 PYTHON-ARGS (a script and its arguments, -c CODE, -m\n"
    "MODULE) and writes every allocation of the MEM and OBJ domains to FILE\n"
    "as a poolbench trace, with each op's domain.\n"
    "\n"
    "  --out=FILE       the trace to write (relative to where bazel run\n"
    "                   was started)\n"
    "  --workload=NAME  the name the trace carries (default: python)\n";

static pb_trace trace;
static const char *out;

static void start_capture(void) { pb_capture_start(&trace); }

/* Writes the trace once the interpreter has finalized. An exit handler,
 * because a program that raises SystemExit ends in exit() inside CPython
 * (Py_Exit), never returning here. A trace that cannot be written makes the
 * exit status 1. */
static void write_trace(void) {
  pb_capture_counts counts;
  pb_capture_stop(&counts);
  char err[PB_TRACE_ERROR_MAX];
  if (pb_trace_save(&trace, out, err) != 0) {
    pb_warn("%s", err);
    fflush(NULL);
    _exit(PB_EXIT_FAILED);
  }
  if (counts.unknown_frees || counts.unknown_reallocs)
    pb_warn(
        "%llu frees and %llu reallocs of blocks from before the capture "
        "are not in the trace",
        (unsigned long long)counts.unknown_frees,
        (unsigned long long)counts.unknown_reallocs);
  pb_trace_destroy(&trace);
}

/* Matches --name=VALUE; returns VALUE or NULL. */
static const char *option(const char *arg, const char *name) {
  size_t len = strlen(name);
  return strncmp(arg, name, len) == 0 && arg[len] == '=' ? arg + len + 1 : NULL;
}

int main(int argc, char **argv) {
  pb_set_program("pytrace");
  const char *workload = "python", *value;
  int first = 1; /* argv[first] starts the Python command line */
  for (; first < argc; first++) {
    const char *arg = argv[first];
    if (strcmp(arg, "--help") == 0) {
      fputs(usage, stdout);
      return 0;
    } else if ((value = option(arg, "--out"))) {
      if (out) pb_fail(PB_EXIT_BAD_INPUT, "--out given twice");
      out = value;
    } else if ((value = option(arg, "--workload"))) {
      workload = value;
    } else {
      if (strcmp(arg, "--") == 0) first++;
      break;
    }
  }
  if (!out || !*out) pb_fail(PB_EXIT_BAD_INPUT, "give --out=FILE (see --help)");
  if (!*workload || strlen(workload) >= PB_TRACE_NAME_MAX)
    pb_fail(PB_EXIT_BAD_INPUT, "--workload: a name of 1 to %d characters",
            PB_TRACE_NAME_MAX - 1);
  if (first >= argc)
    pb_fail(PB_EXIT_BAD_INPUT, "no Python program to run (see --help)");

  /* The interpreter sees `pytrace PYTHON-ARGS...`. */
  argv[first - 1] = argv[0];
  pb_trace_init(&trace, workload, 0, 0);
  if (atexit(write_trace) != 0)
    pb_fail(PB_EXIT_FAILED, "cannot register the trace's writer");
  pb_python_hooks hooks = {.setup = start_capture};
  return pb_python_main(argc - first + 1, argv + first - 1, &hooks);
}
