/* How the threaded workloads scale with their threads: what a comparison
 * run with --threads=N,M decides from the cells of "NAME@N" workloads
 * (harness/comparison/options.h), once, for every exporter to render.
 *
 * A series is one threaded workload on one variant, a point per thread
 * count in increasing order. A point holds the medians of its cell's runs:
 *   - throughput: ops per second of wall time, all threads together (the
 *     trace's ops over the replay's wall time);
 *   - speedup: that over the series' first point's throughput (its fewest
 *     threads, 1 when --threads has 1);
 *   - the machine's speedup between the same counts, on work that shares
 *     nothing (comparison/parallelism.h): what a perfectly parallel
 *     allocator on perfectly parallel work would reach here; threads /
 *     base_threads on a machine whose cores are its own;
 *   - CPU time per op, all threads together: what the threads spent, where
 *     throughput is what they got done (busy-waiting on a lock costs the one,
 *     not the other);
 *   - peak RSS above the baseline;
 *   - cross-thread frees, and their share of the frees: a property of the
 *     trace (the same on every backend), how much of the workload frees a
 *     block on another thread than the one that allocated it.
 * A thread count above the CPUs the runs could use (pb_matrix.cpus) is
 * oversubscribed: the threads then take turns on the cores, and what its
 * points measure is how the allocator behaves when a thread is preempted
 * (holding a lock, say), not how it runs in parallel.
 *
 * A figure a cell has no successful run for is NAN. */
#ifndef POOLBENCH_HARNESS_MATRIX_SCALING_H
#define POOLBENCH_HARNESS_MATRIX_SCALING_H

#include <stddef.h>

#include "harness/matrix/matrix.h"

typedef struct pb_scaling_point {
  size_t w; /* the matrix workload, "NAME@N" */
  unsigned threads;
  int oversubscribed;
  double ops_per_second;
  double speedup;
  double machine_speedup; /* NAN when not measured */
  double cpu_ns_per_op;
  double peak_rss_bytes;
  double cross_thread_frees;
  double cross_thread_free_share;
} pb_scaling_point;

typedef struct pb_scaling_series {
  const char *workload; /* its registry name ("NAME") */
  size_t v;             /* the variant */
  unsigned base_threads;
  pb_scaling_point *points;
  size_t npoints;
} pb_scaling_series;

typedef struct pb_scaling {
  unsigned cpus;             /* what oversubscribed is judged against */
  pb_scaling_series *series; /* workload-major, variants in matrix order */
  size_t nseries;
} pb_scaling;

/* Fills *s from m (empty when m has no threaded workload); exits with
 * status 1 when out of memory. */
void pb_scaling_compute(const pb_matrix *m, pb_scaling *s);
void pb_scaling_free(pb_scaling *s);

#endif /* POOLBENCH_HARNESS_MATRIX_SCALING_H */
