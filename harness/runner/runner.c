/* bench_<backend>: replays one workload (or trace file) on the backend this
 * binary is linked with, and reports what it cost in time and memory.
 *
 *   bazel run //harness/runner:bench_<backend> -- --workload=NAME [NAME=VALUE]
 * --json
 *
 * The measurement, in order:
 *   0. read the private resident memory before any library's initializer
 *      runs, at main's entry, and around pb_init and pb_expect: the
 *      allocator's fixed overhead (overhead.h);
 *   1. generate or load the trace (mmap'd memory, not the allocator's);
 *   2. map every page of the files already mapped (code, libraries), reset
 *      the kernel's RSS high-water mark and take the RSS baseline, so that
 *      the trace, the slot table and the code are not charged to the
 *      allocator;
 *   3. replay the trace in segments, timing only the segments; between them
 *      (never inside the timer) sample RSS about 100 times and, right after
 *      the op at which the live bytes peak, snapshot internal fragmentation
 *      and the allocator's statistics;
 *   4. free every block still live, record RSS (retained), call pb_release()
 *      and record RSS again.
 *
 * --allocator-report=FILE writes the backend's own report (pb_stats_print)
 * to FILE twice, outside the timer: at the peak snapshot and after the
 * teardown (before pb_release). Each starts with a line
 * "== allocator report: WHEN ==" (REPORT_AT_PEAK, REPORT_AFTER_TEARDOWN).
 *
 * Exit status: 0 measured, 1 the result could not be written, 2 bad input
 * (one line on stderr), 3 the allocator returned NULL or memory ran out. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator/allocator.h"
#include "allocator/registry.h"
#include "common/clock.h"
#include "common/fail.h"
#include "common/user_path.h"
#include "harness/cli.h"
#include "harness/runner/overhead.h"
#include "harness/runner/replay.h"
#include "harness/runner/replay_threads.h"
#include "harness/runner/rss.h"
#include "harness/runner/run_result.h"
#include "harness/runner/segment_meter.h"
#include "harness/runner/syscall_count.h"
#include "workloads/trace.h"
#include "workloads/workloads.h"

#define RSS_SAMPLES 100
/* A threaded replay stops its threads at every sample (replay_threads.h),
 * and each stop costs a sleep and a wake-up of every thread: with 100, the
 * workload whose threads share nothing cost the ceiling 6.3 ns of CPU per
 * op at 2 threads where one thread spent 3.5; with 8, 3.7-4.0. */
#define RSS_SAMPLES_THREADED 8

#define REPORT_AT_PEAK "== allocator report: at the peak of live bytes =="
#define REPORT_AFTER_TEARDOWN \
  "== allocator report: after teardown, every block freed =="

typedef struct options {
  const char *workload;
  char *trace_file; /* as the user meant it (common/user_path.h) */
  double scale;
  uint64_t seed;
  int json;
  int describe;
  const char *report_file;
  int count_syscalls;
  unsigned threads; /* of a threaded workload (0: its default) */
  int no_startup_heap;
  pb_param params[PB_PARAMS_MAX];
  size_t nparams;
} options;

/* Which options were given, so that none is given twice. */
typedef struct given {
  int workload, trace, report, scale, seed, json, describe, count_syscalls,
      threads, no_startup_heap;
} given;

/* The allocator's fixed overhead (overhead.h), and its own shared library
 * (registry.h's preload, links resolved as /proc shows it), or "". */
static pb_overhead overhead;
static char allocator_library[PATH_MAX];

/* Run by the dynamic loader before any library's initializer (the
 * executable's .preinit_array): the process before the allocator started. */
static void read_at_load(void) {
  /* Write what the reading fills first, so that its page is no growth. */
  volatile char *touch = (volatile char *)&overhead;
  for (size_t i = 0; i < sizeof overhead; i++) touch[i] = 0;
  const pb_backend_entry *e = pb_backend_find(pb_name());
  if (!e || !e->preload || !realpath(e->preload, allocator_library))
    allocator_library[0] = '\0';
  pb_overhead_read(&overhead, allocator_library, &overhead.at_load);
}

__attribute__((section(".preinit_array"),
               used)) static void (*const read_at_load_entry)(void) =
    read_at_load;

static void print_help(void) {
  const char *params = pb_parameters();
  printf(
      "usage: bench_%s --workload=NAME | --trace=FILE [options] "
      "[NAME=VALUE ...]\n"
      "\n"
      "Replays a Python-like allocation workload on the %s backend and\n"
      "reports throughput, peak RSS, fragmentation and retained memory.\n"
      "\n"
      "  --workload=NAME   generate and replay this workload (see below)\n"
      "  --trace=FILE      replay a trace file instead\n"
      "  --scale=X         workload size, 1 = standard (default 1; at most "
      "%g)\n"
      "  --seed=N          workload seed (default 1)\n"
      "  --threads=N       threads of a threaded workload (default %d, at\n"
      "                    most %d), each replaying its own ops on a real\n"
      "                    thread\n"
      "  --no-startup-heap leave out CPython 3.11's start-up heap, which a\n"
      "                    one-thread workload begins with by default (its\n"
      "                    survivors live to the end)\n"
      "  --json            print one JSON object instead of text\n"
      "  --allocator-report=FILE  write the allocator's own report to FILE\n"
      "                    at the peak of live bytes and after teardown\n"
      "  --describe        print the backend's name, version, configuration\n"
      "                    and parameters as JSON (after checking them)\n"
      "  --count-syscalls  count the replay's mmap, munmap, mremap, madvise\n"
      "                    and brk calls, and take the peak RSS exactly,\n"
      "                    before each of them (each then costs a signal:\n"
      "                    not for timing)\n"
      "  --help            this text\n"
      "  NAME=VALUE        a parameter for the backend: %s%s\n"
      "\nworkloads:\n",
      pb_name(), pb_name(), PB_SCALE_MAX, PB_WORKLOAD_THREADS_DEFAULT,
      PB_WORKLOAD_THREADS_MAX, *params ? "it takes " : "it takes none", params);
  for (const pb_workload *w = pb_workloads; w->name; w++)
    printf("  %-14s %s\n", w->name, w->description);
  printf("\nthreaded workloads (--threads=N):\n");
  for (const pb_workload *w = pb_threaded_workloads; w->name; w++)
    printf("  %-17s %s\n", w->name, w->description);
}

static options parse_options(int argc, char **argv) {
  options o = {.scale = 1.0, .seed = 1};
  given g = {0};
  for (int i = 1; i < argc; i++) {
    const char *value = NULL;
    const char *arg = argv[i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      print_help();
      exit(0);
    } else if (strcmp(arg, "--json") == 0) {
      pb_cli_once(&g.json, arg);
      o.json = 1;
      continue;
    } else if (strcmp(arg, "--describe") == 0) {
      pb_cli_once(&g.describe, arg);
      o.describe = 1;
      continue;
    } else if (strcmp(arg, "--no-startup-heap") == 0) {
      pb_cli_once(&g.no_startup_heap, arg);
      o.no_startup_heap = 1;
      continue;
    } else if (strcmp(arg, "--count-syscalls") == 0) {
      pb_cli_once(&g.count_syscalls, arg);
      o.count_syscalls = 1;
      continue;
    } else if (arg[0] != '-') {
      /* NAME=VALUE: the backend's, passed to pb_init unread. */
      pb_cli_param(argv[i], o.params, &o.nparams);
      continue;
    }
    if (pb_cli_option(argc, argv, &i, "--workload", &value)) {
      pb_cli_once(&g.workload, "--workload");
      o.workload = value;
    } else if (pb_cli_option(argc, argv, &i, "--trace", &value)) {
      pb_cli_once(&g.trace, "--trace");
      if (value) o.trace_file = pb_user_path(value);
    } else if (pb_cli_option(argc, argv, &i, "--allocator-report", &value)) {
      pb_cli_once(&g.report, "--allocator-report");
      if (value) o.report_file = pb_user_path(value);
    } else if (pb_cli_option(argc, argv, &i, "--scale", &value)) {
      pb_cli_once(&g.scale, "--scale");
      if (value) pb_cli_scale("--scale", value, PB_SCALE_MAX, &o.scale);
    } else if (pb_cli_option(argc, argv, &i, "--threads", &value)) {
      pb_cli_once(&g.threads, "--threads");
      uint64_t n;
      if (value &&
          (pb_cli_u64(value, &n) != 0 || n < 1 || n > PB_WORKLOAD_THREADS_MAX))
        pb_fail(PB_EXIT_BAD_INPUT,
                "--threads: '%s' is not a thread count from 1 to %d", value,
                PB_WORKLOAD_THREADS_MAX);
      if (value) o.threads = (unsigned)n;
    } else if (pb_cli_option(argc, argv, &i, "--seed", &value)) {
      pb_cli_once(&g.seed, "--seed");
      if (value && pb_cli_u64(value, &o.seed) != 0)
        pb_fail(PB_EXIT_BAD_INPUT, "--seed: '%s' is not a whole number", value);
    } else {
      pb_fail(PB_EXIT_BAD_INPUT, "unknown option '%s' (see --help)", arg);
    }
    if (!value) pb_fail(PB_EXIT_BAD_INPUT, "%s needs a value", arg);
  }
  if (o.describe) return o;
  if (!o.workload == !o.trace_file)
    pb_fail(PB_EXIT_BAD_INPUT, "give exactly one of --workload or --trace");
  if (o.trace_file && (g.scale || g.seed))
    pb_fail(PB_EXIT_BAD_INPUT,
            "--scale and --seed go with --workload: a trace file was "
            "generated with its own");
  if (o.workload && !pb_workload_find(o.workload))
    pb_fail(PB_EXIT_BAD_INPUT, "unknown workload '%s' (see --help)",
            o.workload);
  if (g.threads &&
      (!o.workload || !pb_workload_find(o.workload)->generate_threads))
    pb_fail(PB_EXIT_BAD_INPUT,
            "--threads goes with a threaded workload (see --help): a trace "
            "file has its own threads");
  if (o.no_startup_heap &&
      (!o.workload || pb_workload_find(o.workload)->generate_threads))
    pb_fail(PB_EXIT_BAD_INPUT,
            "--no-startup-heap goes with a one-thread workload (see --help): "
            "a trace file has its own ops, a threaded workload has none");
  return o;
}

static uint64_t above(uint64_t value, uint64_t baseline) {
  return value > baseline ? value - baseline : 0;
}

/* Appends the backend's report under a heading line, when asked to. */
static void write_report(FILE *report, const char *heading) {
  if (report == NULL) return;
  fprintf(report, "%s\n", heading);
  pb_stats_print(report);
}

/* Tells the backend what the replay will ask for, when it wants to know
 * (pb_expect is optional: allocator.h). */
static void expect_demand(const pb_trace_profile *p) {
  if (!pb_expect) return;
  pb_demand demand = {
      .allocations = p->mallocs + p->callocs + p->reallocs,
      .requested_bytes = p->total_requested_bytes,
      .peak_live_bytes = p->peak_live_bytes,
  };
  char err[PB_ERROR_MAX];
  pb_overhead_read(&overhead, allocator_library, &overhead.before_expect);
  if (pb_expect(&demand, err) != 0) pb_fail(PB_EXIT_OUT_OF_MEMORY, "%s", err);
  pb_overhead_read(&overhead, allocator_library, &overhead.after_expect);
}

/* The RSS baseline, and the start of the peak: exact with
 * --count-syscalls, the kernel's high-water mark otherwise (rss.h). */
static void peak_rss_start(pb_result *r) {
  r->rss_baseline_bytes = pb_rss_bytes();
  if (r->peak_rss_exact) pb_rss_exact_peak_start();
  if (pb_rss_reset_peak() != 0)
    pb_fail(PB_EXIT_BAD_INPUT,
            "cannot reset the RSS high-water mark (/proc/self/clear_refs)");
}

/* The end of the peak, before the teardown. */
static void peak_rss_stop(pb_result *r) {
  uint64_t peak =
      r->peak_rss_exact ? pb_rss_exact_peak_bytes() : pb_rss_peak_bytes();
  r->peak_rss_bytes = above(peak, r->rss_baseline_bytes);
  if (r->peak_rss_exact) pb_syscall_before_release(NULL);
}

/* After the last segment, before the teardown: what the replay cost. */
static void replay_done(pb_result *r, pb_meter *meter, uint64_t faults_before) {
  pb_meter_stop(meter);
  r->seconds = meter->wall_seconds;
  r->cpu_seconds = meter->cpu_seconds;
  r->involuntary_context_switches = meter->involuntary_switches;
  if (r->memory_syscalls_counted) pb_syscall_counts(r->memory_syscalls);
  r->minor_page_faults = pb_minor_faults() - faults_before;
  peak_rss_stop(r);
}

/* Replays the whole trace, filling the measured fields of *r; report, when
 * not NULL, receives the allocator's report at the peak and after teardown. */
static int measure(const pb_trace *trace, pb_result *r, FILE *report) {
  char err[PB_TRACE_ERROR_MAX];
  pb_replay replay;
  if (pb_replay_init(&replay, trace, err) != 0)
    pb_fail(PB_EXIT_OUT_OF_MEMORY, "%s", err);
  expect_demand(&r->profile); /* after the slot table: it must fit too */
  pb_map_file_pages();
  pb_map_stack_pages();

  peak_rss_start(r);
  uint64_t faults_before = pb_minor_faults();

  /* Segment ends: RSS_SAMPLES evenly spaced points, and the op just after
   * the peak of live bytes (where the snapshot is taken). */
  uint64_t count = trace->count;
  uint64_t peak_end = count ? r->profile.peak_op + 1 : 0;
  int peak_done = 0;
  pb_meter meter;
  pb_meter_start(&meter);
  for (unsigned k = 1; k <= RSS_SAMPLES; k++) {
    uint64_t point = count * k / RSS_SAMPLES;
    uint64_t end = !peak_done && peak_end < point ? peak_end : point;
    pb_meter_segment_begin(&meter);
    int rc = pb_replay_run(&replay, end);
    pb_meter_segment_end(&meter);
    if (rc != 0) {
      const pb_op *op = &trace->ops[replay.next_op];
      pb_warn("%s returned NULL for a %u-byte request at op %llu", pb_name(),
              op->size, (unsigned long long)replay.next_op);
      return PB_EXIT_OUT_OF_MEMORY;
    }
    if (r->timeline_count < PB_TIMELINE_MAX)
      r->timeline[r->timeline_count++] =
          (pb_rss_sample){end, above(pb_rss_bytes(), r->rss_baseline_bytes)};
    if (!peak_done && end == peak_end) {
      peak_done = 1;
      r->internal_fragmentation_bytes =
          pb_replay_internal_fragmentation(&replay);
      pb_stats_get(&r->stats_at_peak);
      write_report(report, REPORT_AT_PEAK);
    }
    if (end < point) k--; /* stopped short at the peak: finish this point */
  }
  replay_done(r, &meter, faults_before);

  pb_replay_free_all(&replay);
  r->retained_bytes = above(pb_rss_bytes(), r->rss_baseline_bytes);
  write_report(report, REPORT_AFTER_TEARDOWN);
  pb_release();
  r->retained_after_release_bytes =
      above(pb_rss_bytes(), r->rss_baseline_bytes);
  pb_stats_get(&r->stats_after_release);
  pb_replay_destroy(&replay);
  return 0;
}

/* measure() for a trace of several threads: the same measurements, the
 * replay run by one real thread per trace thread (replay_threads.h), the
 * workers stopped at every segment end while RSS and the peak snapshot are
 * taken. */
/* Not inlined: its tables would grow main's stack frame, and the one-thread
 * replay's stack would then reach pages it never touched before the RSS
 * baseline (a page of peak RSS in the smallest runs). */
__attribute__((noinline)) static int measure_threads(const pb_trace *trace,
                                                     pb_result *r,
                                                     FILE *report) {
  char err[PB_TRACE_ERROR_MAX];
  uint64_t count = trace->count;
  uint64_t peak_end = count ? r->profile.peak_op + 1 : 0;
  /* The segment ends: the RSS sample points and the op after the peak,
   * increasing, none twice (at least one, for an empty trace). */
  uint64_t ends[PB_THREADS_SEGMENTS_MAX], last = 0;
  unsigned segments = 0;
  int peak_segment = -1;
  for (unsigned k = 1; k <= RSS_SAMPLES_THREADED; k++) {
    uint64_t point = count * k / RSS_SAMPLES_THREADED;
    if (peak_end > last && peak_end < point) {
      peak_segment = (int)segments;
      ends[segments++] = last = peak_end;
    }
    if (point > last || segments == 0) ends[segments++] = last = point;
    if (point == peak_end && peak_segment < 0) peak_segment = (int)segments - 1;
  }
  pb_replay_threads rt;
  /* pb_expect before the workers start and pb_threads is called. */
  expect_demand(&r->profile);
  if (pb_replay_threads_init(&rt, trace, ends, segments, err) != 0)
    pb_fail(PB_EXIT_BAD_INPUT, "%s", err);
  pb_map_file_pages();
  pb_map_stack_pages();

  peak_rss_start(r);
  uint64_t faults_before = pb_minor_faults();
  pb_meter meter;
  pb_meter_start(&meter);
  for (unsigned k = 0; k < segments; k++) {
    uint32_t failed_size = 0;
    pb_meter_segment_begin(&meter);
    int rc = pb_replay_threads_segment(&rt, &failed_size);
    pb_meter_segment_end(&meter);
    if (rc != 0) {
      pb_warn("%s returned NULL for a %u-byte request", pb_name(), failed_size);
      return PB_EXIT_OUT_OF_MEMORY;
    }
    if (r->timeline_count < PB_TIMELINE_MAX)
      r->timeline[r->timeline_count++] = (pb_rss_sample){
          ends[k], above(pb_rss_bytes(), r->rss_baseline_bytes)};
    if ((int)k == peak_segment && count) {
      r->internal_fragmentation_bytes =
          pb_replay_threads_internal_fragmentation(&rt);
      pb_stats_get(&r->stats_at_peak);
      write_report(report, REPORT_AT_PEAK);
    }
  }
  replay_done(r, &meter, faults_before);

  pb_replay_threads_destroy(&rt); /* joins the workers; keeps the slots */
  /* The teardown runs here, as thread 0 (allocator.h). */
  if (pb_thread_enter) pb_thread_enter(0);
  pb_replay_threads_free_all(&rt);
  r->retained_bytes = above(pb_rss_bytes(), r->rss_baseline_bytes);
  write_report(report, REPORT_AFTER_TEARDOWN);
  pb_release();
  r->retained_after_release_bytes =
      above(pb_rss_bytes(), r->rss_baseline_bytes);
  pb_stats_get(&r->stats_after_release);
  pb_replay_destroy(&rt.base);
  return 0;
}

int main(int argc, char **argv) {
  pb_overhead_read(&overhead, allocator_library, &overhead.at_main);
  static char name[64];
  snprintf(name, sizeof name, "bench_%s", pb_name());
  pb_set_program(name);
  options o = parse_options(argc, argv);

  char err[PB_ERROR_MAX > PB_TRACE_ERROR_MAX ? PB_ERROR_MAX
                                             : PB_TRACE_ERROR_MAX];
  pb_overhead_read(&overhead, allocator_library, &overhead.before_init);
  if (pb_init(o.params, o.nparams, err) != 0)
    pb_fail(PB_EXIT_BAD_INPUT, "%s", err);
  pb_overhead_read(&overhead, allocator_library, &overhead.after_init);
  if (o.describe)
    return pb_result_print_backend(stdout) == 0 && pb_finish_stdout() == 0
               ? PB_EXIT_OK
               : PB_EXIT_FAILED;

  pb_trace trace;
  if (o.trace_file) {
    if (pb_trace_load(&trace, o.trace_file, err) != 0)
      pb_fail(PB_EXIT_BAD_INPUT, "%s", err);
  } else {
    pb_workload_generate(pb_workload_find(o.workload), &trace, o.seed, o.scale,
                         o.threads, !o.no_startup_heap);
  }

  static pb_result r; /* large (stats, timeline): not on the stack */
  r.backend = pb_name();
  r.backend_version = pb_version();
  r.config = pb_config();
  r.workload = trace.workload;
  r.trace_file = o.trace_file;
  r.scale = o.trace_file ? trace.scale : o.scale;
  r.seed = o.trace_file ? trace.seed : o.seed;
  pb_trace_profile_compute(&trace, &r.profile);
  r.threads = trace.threads;
  FILE *report = NULL;
  if (o.report_file && (report = fopen(o.report_file, "w")) == NULL)
    pb_fail(PB_EXIT_BAD_INPUT, "--allocator-report: cannot write '%s'",
            o.report_file);
  if (o.count_syscalls) {
    char why[PB_SYSCALL_COUNT_ERROR_MAX];
    if (pb_syscall_count_install(why) != 0) pb_fail(PB_EXIT_FAILED, "%s", why);
    r.memory_syscalls_counted = 1;
    /* The trap that counts the calls also makes the peak exact. */
    pb_syscall_before_release(pb_rss_exact_peak_sample);
    r.peak_rss_exact = 1;
  }

  int rc = trace.threads > 1 ? measure_threads(&trace, &r, report)
                             : measure(&trace, &r, report);
  if (!overhead.failed) {
    r.overhead_measured = 1;
    r.overhead_constructors_bytes = pb_overhead_constructors(&overhead);
    r.overhead_init_bytes = pb_overhead_init(&overhead);
    r.overhead_library_bytes = pb_overhead_library(&overhead);
    r.allocator_overhead_bytes = pb_overhead_bytes(&overhead);
    r.allocator_library = allocator_library[0] ? allocator_library : NULL;
  }
  if (report != NULL && fclose(report) != 0) {
    pb_warn("cannot write the allocator report '%s'", o.report_file);
    rc = rc ? rc : PB_EXIT_FAILED;
  }
  if (rc == 0) {
    if (o.json) {
      if (pb_result_print_json(&r, stdout) != 0) {
        pb_warn("cannot write the JSON result");
        rc = PB_EXIT_FAILED;
      }
    } else {
      pb_result_print_text(&r, stdout);
    }
    if (pb_finish_stdout() != 0) rc = PB_EXIT_FAILED;
  }
  pb_trace_destroy(&trace);
  free(o.trace_file);
  return rc;
}
