/* One run of one workload on one backend: every figure the runner reports,
 * and its two renderings (a human-readable block, one JSON object). */
#ifndef POOLBENCH_HARNESS_RUNNER_RUN_RESULT_H
#define POOLBENCH_HARNESS_RUNNER_RUN_RESULT_H

#include <stdint.h>
#include <stdio.h>

#include "allocator/allocator.h"
#include "harness/runner/syscall_count.h"
#include "workloads/trace.h"

/* About 100 evenly spaced samples, plus the peak, plus the end points. */
#define PB_TIMELINE_MAX 128

typedef struct pb_rss_sample {
  uint64_t op;        /* ops replayed when sampled */
  uint64_t rss_bytes; /* RSS above the baseline */
} pb_rss_sample;

typedef struct pb_result {
  const char *backend;
  const char *backend_version;
  const char *config; /* pb_config(): the configuration, or "default" */
  const char *workload;
  const char *trace_file; /* NULL for a generated trace */
  double scale;
  uint64_t seed;

  pb_trace_profile profile; /* op counts, peak_live_bytes, ... */
  unsigned threads;         /* that replayed the trace (its thread count) */
  double seconds;           /* replay only, wall clock */
  double cpu_seconds;       /* replay only, this process's CPU time */
  uint64_t involuntary_context_switches; /* during the replay */
  uint64_t rss_baseline_bytes;
  uint64_t peak_rss_bytes; /* peak RSS minus the baseline */
  /* The peak sampled before every memory system call (exact), or the
   * kernel's high-water mark (harness/runner/rss.h). */
  int peak_rss_exact;
  uint64_t internal_fragmentation_bytes;
  uint64_t retained_bytes;               /* RSS after freeing everything */
  uint64_t retained_after_release_bytes; /* ... and after pb_release() */
  uint64_t minor_page_faults;
  /* The allocator's fixed overhead (overhead.h), when it could be read:
   * its parts and their sum; the allocator's own library, or NULL. */
  int overhead_measured;
  uint64_t overhead_constructors_bytes, overhead_init_bytes,
      overhead_library_bytes, allocator_overhead_bytes;
  const char *allocator_library;
  /* The replay's memory system calls, when counted (--count-syscalls). */
  int memory_syscalls_counted;
  uint64_t memory_syscalls[PB_MEMORY_SYSCALLS];

  pb_rss_sample timeline[PB_TIMELINE_MAX];
  unsigned timeline_count;

  pb_stats stats_at_peak;
  pb_stats stats_after_release;
} pb_result;

double pb_result_ns_per_op(const pb_result *r);
double pb_result_cpu_ns_per_op(const pb_result *r);
/* The share of the replay's wall time the process was not running: (wall -
 * CPU) / wall, 0 when CPU time is the larger. */
double pb_result_descheduled_share(const pb_result *r);
double pb_result_fragmentation(const pb_result *r);

void pb_result_print_text(const pb_result *r, FILE *out);
/* Returns 0, or -1 if the JSON could not be produced. */
int pb_result_print_json(const pb_result *r, FILE *out);

/* The linked backend's identity as one JSON object: backend, version,
 * configuration and the parameters it takes. */
int pb_result_print_backend(FILE *out);

#endif /* POOLBENCH_HARNESS_RUNNER_RUN_RESULT_H */
