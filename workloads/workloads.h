/* The workload registry: every generator, by name.
 *
 * A workload turns (seed, scale) into a trace (workloads/trace.h), the same
 * trace every time for the same seed and scale. Scale 1 is the standard size
 * the comparison runs at; --quick runs use a small fraction of it. */
#ifndef POOLBENCH_WORKLOADS_WORKLOADS_H
#define POOLBENCH_WORKLOADS_WORKLOADS_H

#include <stddef.h>
#include <stdint.h>

#include "workloads/trace.h"

typedef struct pb_workload {
  const char *name;        /* "ints", "tuples", ... */
  const char *description; /* one line, for --help and reports */
  void (*generate)(pb_trace *trace, uint64_t seed, double scale);
  /* The scale `bazel run //:benchmarks` replays it at by default: chosen so
   * that one run (a process that loads the trace, replays it and tears it
   * down) stays around a quarter of a second, page faults included, and the
   * whole default comparison fits its time budget (README). */
  double comparison_scale;
  /* 1 when its memory over time is the story (peaks and valleys, memory
   * pinned by survivors): the comparison then charts RSS over the run. */
  int rss_chart;
  /* The Python program the generator models, as a path in the workspace
   * (and in the runfiles of what depends on //workloads/python:scripts):
   * "workloads/python/NAME.py", taking [SCALE [SEED]]. */
  const char *script;
  /* A threaded workload (NULL for the others): the trace at `threads`
   * threads (1..PB_WORKLOAD_THREADS_MAX); generate is it at
   * PB_WORKLOAD_THREADS_DEFAULT. */
  void (*generate_threads)(pb_trace *trace, uint64_t seed, double scale,
                           unsigned threads);
} pb_workload;

/* --threads of a threaded workload: its default and its most. */
#define PB_WORKLOAD_THREADS_DEFAULT 2
#define PB_WORKLOAD_THREADS_MAX 16

/* The largest scale any program generates a workload at: 100 times the
 * standard size is already gigabytes of trace; more would only end in a
 * failed mapping after minutes of generating. */
#define PB_SCALE_MAX 100.0

/* All one-thread workloads, in the order reports list them;
 * NULL-terminated. The comparison, the gate and the fidelity tests run
 * these. */
extern const pb_workload pb_workloads[];

/* The threaded workloads (generate_threads set); NULL-terminated. Run by
 * name (bench_<backend> --workload=NAME --threads=N), not by default. */
extern const pb_workload pb_threaded_workloads[];

/* Generates w's trace into t: at `threads` threads for a threaded
 * workload (0: PB_WORKLOAD_THREADS_DEFAULT), and a one-thread workload's
 * from CPython 3.11's start-up heap (startup_heap.h) unless startup_heap is
 * 0. The threaded ones never have it: start-up runs before a program starts
 * its threads, and a trace cannot make the other threads wait for it. Every
 * program that generates a workload's trace calls this. */
void pb_workload_generate(const pb_workload *w, pb_trace *t, uint64_t seed,
                          double scale, unsigned threads, int startup_heap);

/* The workload of that name in either table, or NULL. */
const pb_workload *pb_workload_find(const char *name);

#endif /* POOLBENCH_WORKLOADS_WORKLOADS_H */
