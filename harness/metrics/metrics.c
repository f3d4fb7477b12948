#include "harness/metrics/metrics.h"

#include <math.h>
#include <string.h>

/* Replays (synthetic and captured traces) and real programs. */
#define REPLAYS PB_SUITES_REPLAYED
#define REAL (PB_SUITES_ALL & ~PB_SUITES_REPLAYED)
#define MIB (1 << 20)

/* The gate's default thresholds, and why: instructions per op move by
 * whole instructions in 50 to 200 per op, so 1% is one instruction on a
 * fast path; page faults and memory figures move by pages and arenas, so
 * small ones are judged by a floor: 16 faults, and 8 pages (32 KiB) of RSS,
 * which a small cell's figures do not move by between checkouts and
 * machines (the counted runs are pinned to one CPU, process/pinned.h; a
 * larger floor, 256 KiB, left every cell of the gate's smallest workload,
 * about 40 KiB, ungated), while the percentage governs the larger cells
 * (above 640 KiB of peak RSS at 5%); fragmentation follows peak RSS. System
 * calls are few (a pool run makes a handful), so one more is judged by the
 * floor of 2, not as +33%. Peak live bytes belong to the trace, not the
 * allocator: any change means the workload changed, and every other figure with
 * it. */
const pb_metric pb_metrics[PB_METRIC_COUNT] = {
    [PB_METRIC_NS_PER_OP] = {.key = "ns_per_op",
                             .unit = "ns",
                             .name = "ns/op",
                             .title = "Throughput",
                             .shown_unit = "ns/op",
                             .divisor = 1,
                             .lower_is_better = 1,
                             .per_op = 1,
                             .suites = REPLAYS,
                             .basis = PB_BASIS_WALL,
                             .basis_unit = "ns/op"},
    [PB_METRIC_CPU_NS_PER_OP] =
        {.key = "cpu_ns_per_op",
         .unit = "ns",
         .name = "CPU ns/op",
         .title = "Throughput on CPU time (the replay's CPU time: what a "
                  "descheduled run does not inflate)",
         .shown_unit = "ns/op",
         .divisor = 1,
         .lower_is_better = 1,
         .per_op = 1,
         .suites = REPLAYS,
         .basis = PB_BASIS_CPU,
         .basis_unit = "ns/op"},
    [PB_METRIC_INSTRUCTIONS_PER_OP] = {.key = "instructions_per_op",
                                       .unit = "instructions",
                                       .name = "instructions/op",
                                       .shown_unit = "",
                                       .divisor = 1,
                                       .decimals = 2,
                                       .lower_is_better = 1,
                                       .counted_suites = REPLAYS,
                                       .from_callgrind = 1,
                                       .basis = PB_BASIS_INSTRUCTIONS,
                                       .basis_unit = "per op",
                                       .gated = 1,
                                       .gate = {1, 0.1}},
    [PB_METRIC_MINOR_FAULTS] = {.key = "minor_page_faults",
                                .unit = "faults",
                                .name = "minor faults",
                                .shown_unit = "",
                                .divisor = 1,
                                .lower_is_better = 1,
                                /* A whole program's too (measure). */
                                .suites = REPLAYS | REAL,
                                .counted_suites = REPLAYS,
                                .gated = 1,
                                .gate = {5, 16}},
    [PB_METRIC_MEMORY_SYSCALLS] = {.key = "memory_syscalls_total",
                                   .unit = "calls",
                                   .name = "memory syscalls",
                                   .shown_unit = "",
                                   .divisor = 1,
                                   .lower_is_better = 1,
                                   .counted_suites = REPLAYS,
                                   .detail = "memory_syscalls",
                                   .gated = 1,
                                   .gate = {10, 2}},
    [PB_METRIC_PEAK_LIVE] = {.key = "peak_live_bytes",
                             .unit = "bytes",
                             .name = "peak live",
                             .shown_unit = "MiB",
                             .divisor = MIB,
                             .lower_is_better = 1,
                             .suites = REPLAYS,
                             .counted_suites = REPLAYS,
                             .gated = 1,
                             .gate = {0, 0}},
    [PB_METRIC_PEAK_RSS] = {.key = "peak_rss_bytes",
                            .unit = "bytes",
                            .name = "peak RSS",
                            .title = "Peak RSS",
                            .note = "Replays: above the runner's baseline "
                                    "(the RSS before the replay), what the "
                                    "allocator holds for the workload's "
                                    "blocks; real programs: the whole "
                                    "process's.",
                            .shown_unit = "MiB",
                            .divisor = MIB,
                            .lower_is_better = 1,
                            .suites = REPLAYS | REAL,
                            .counted_suites = REPLAYS,
                            .gated = 1,
                            .gate = {5, 32 << 10}},
    /* Replays: the allocator's fixed overhead plus peak RSS above the
     * baseline (harness/runner/overhead.h); counted: the pinned run's
     * overhead readings and its exact peak. Real programs: their private
     * resident memory at the peak above what the libraries' loading left
     * (python/footprint.h), as pyrun reports it. */
    [PB_METRIC_FOOTPRINT_PEAK] =
        {.key = "footprint_peak_bytes",
         .unit = "bytes",
         .name = "peak footprint",
         .title = "Peak footprint: the allocator's fixed overhead + peak "
                  "RSS above the baseline (real programs: private memory "
                  "at the peak)",
         .note = "Read the peak footprint for what choosing the allocator "
                 "costs a process in resident memory at its peak, and peak "
                 "RSS above the baseline for how tightly it holds the "
                 "workload's blocks; the overhead is the private resident "
                 "memory that loading and starting the allocator adds, "
                 "measured in each run (allocator_overhead_bytes in "
                 "latest.json). A real program's is its private resident "
                 "memory at its peak less what loading its libraries wrote: "
                 "its allocator's, and the interpreter's own data.",
         .shown_unit = "MiB",
         .divisor = MIB,
         .lower_is_better = 1,
         .suites = REPLAYS | PB_SUITE_BIT(PB_SUITE_REAL),
         .counted_suites = REPLAYS,
         .may_be_absent = 1,
         .basis = PB_BASIS_FOOTPRINT_PEAK,
         .basis_unit = "allocator footprint"},
    [PB_METRIC_FRAGMENTATION] =
        {.key = "fragmentation",
         .unit = "x",
         .name = "fragmentation",
         .title = "Fragmentation: peak RSS / peak live bytes",
         .shown_unit = "x",
         .divisor = 1,
         .decimals = 3,
         .lower_is_better = 1,
         .suites = REPLAYS,
         .counted_suites = REPLAYS,
         .gated = 1,
         .gate = {10, 0.1}},
    [PB_METRIC_RETAINED] = {.key = "retained_bytes",
                            .unit = "bytes",
                            .name = "retained",
                            .title = "Retained after teardown (all blocks "
                                     "freed)",
                            .shown_unit = "MiB",
                            .divisor = MIB,
                            .lower_is_better = 1,
                            .suites = REPLAYS,
                            .counted_suites = REPLAYS,
                            .gated = 1,
                            .gate = {10, 32 << 10}},
    [PB_METRIC_FOOTPRINT_RETAINED] =
        {.key = "footprint_retained_bytes",
         .unit = "bytes",
         .name = "retained footprint",
         .title = "Retained footprint: the allocator's fixed overhead + "
                  "retained after teardown",
         .note = "What the process still pays for the allocator once every "
                 "block is freed, its fixed overhead included; retained "
                 "after teardown alone is what the allocator keeps of the "
                 "workload's memory.",
         .shown_unit = "MiB",
         .divisor = MIB,
         .lower_is_better = 1,
         .suites = REPLAYS,
         .counted_suites = REPLAYS,
         .basis = PB_BASIS_FOOTPRINT_RETAINED,
         .basis_unit = "overhead + retained"},
    [PB_METRIC_RETAINED_AFTER_RELEASE] = {.key = "retained_after_release_bytes",
                                          .unit = "bytes",
                                          .name = "retained after release",
                                          .title = "Retained after release()",
                                          .shown_unit = "MiB",
                                          .divisor = MIB,
                                          .lower_is_better = 1,
                                          .suites = REPLAYS,
                                          .counted_suites = REPLAYS,
                                          .gated = 1,
                                          .gate = {10, 32 << 10}},
    [PB_METRIC_PROGRAM_CPU] = {.key = "program_cpu_seconds",
                               .unit = "s",
                               .name = "CPU time",
                               .title = "Real programs: CPU time (user + "
                                        "system)",
                               .shown_unit = "s",
                               .divisor = 1,
                               .lower_is_better = 1,
                               .suites = REAL,
                               .basis = PB_BASIS_CPU,
                               .basis_unit = "s"},
    [PB_METRIC_PROGRAM_WALL] = {.key = "program_wall_seconds",
                                .unit = "s",
                                .name = "wall time",
                                .title = "Real programs: wall time",
                                .shown_unit = "s",
                                .divisor = 1,
                                .lower_is_better = 1,
                                .suites = REAL,
                                .basis = PB_BASIS_WALL,
                                .basis_unit = "s"},
    [PB_METRIC_PROGRAM_USER] = {.key = "program_user_seconds",
                                .unit = "s",
                                .name = "user time",
                                .shown_unit = "s",
                                .divisor = 1,
                                .lower_is_better = 1,
                                .suites = REAL},
    [PB_METRIC_PROGRAM_SYSTEM] = {.key = "program_system_seconds",
                                  .unit = "s",
                                  .name = "system time",
                                  .shown_unit = "s",
                                  .divisor = 1,
                                  .lower_is_better = 1,
                                  .suites = REAL},
    [PB_METRIC_INSTRUCTIONS] = {.key = "instructions",
                                .unit = "instructions",
                                .name = "instructions",
                                .shown_unit = "",
                                .divisor = 1,
                                .lower_is_better = 1,
                                .counted_suites = REPLAYS | REAL,
                                .from_callgrind = 1,
                                .basis = PB_BASIS_INSTRUCTIONS,
                                .basis_unit = "whole program"},
    [PB_METRIC_ALLOCATOR_INSTRUCTIONS] = {.key = "allocator_instructions",
                                          .unit = "instructions",
                                          .name = "allocator instructions",
                                          .shown_unit = "",
                                          .divisor = 1,
                                          .lower_is_better = 1,
                                          .counted_suites = REAL,
                                          .from_callgrind = 1},
    /* allocator_instructions over instructions: the share of the whole
     * program that switching allocators can change at all. */
    [PB_METRIC_ALLOCATOR_SHARE] = {.key = "allocator_share",
                                   .unit = "share",
                                   .name = "allocator share",
                                   .shown_unit = "%",
                                   .divisor = 0.01,
                                   .lower_is_better = 1,
                                   .counted_suites = REAL,
                                   .from_callgrind = 1},
    /* The private resident memory loading and starting the allocator adds
     * (harness/runner/overhead.h): in both footprints. */
    [PB_METRIC_ALLOCATOR_OVERHEAD] = {.key = "allocator_overhead_bytes",
                                      .unit = "bytes",
                                      .name = "allocator overhead",
                                      .shown_unit = "MiB",
                                      .divisor = MIB,
                                      .lower_is_better = 1,
                                      .suites = REPLAYS,
                                      .counted_suites = REPLAYS},
    [PB_METRIC_DESCHEDULED] = {.key = "descheduled_share",
                               .unit = "share",
                               .name = "descheduled",
                               .shown_unit = "",
                               .divisor = 1,
                               .lower_is_better = 1,
                               .suites = REPLAYS},
    [PB_METRIC_OPS] = {.key = "ops",
                       .unit = "ops",
                       .name = "ops",
                       .shown_unit = "",
                       .divisor = 1,
                       .suites = REPLAYS,
                       .counted_suites = REPLAYS},
    /* A property of the trace, the same on every run and backend: the
     * threads that replayed it, and the frees of a block made on another
     * thread, and their share of the frees (trace.h, "Threads"). Shown in
     * the scaling table (matrix/scaling.h), not in tables of their own. */
    [PB_METRIC_THREADS] = {.key = "threads",
                           .unit = "threads",
                           .name = "threads",
                           .shown_unit = "",
                           .divisor = 1,
                           .suites = REPLAYS},
    [PB_METRIC_CROSS_THREAD_FREES] = {.key = "cross_thread_frees",
                                      .unit = "frees",
                                      .name = "cross-thread frees",
                                      .shown_unit = "",
                                      .divisor = 1,
                                      .suites = REPLAYS},
    [PB_METRIC_CROSS_THREAD_FREE_SHARE] = {.key = "cross_thread_free_share",
                                           .unit = "share",
                                           .name = "cross-thread free share",
                                           .shown_unit = "",
                                           .divisor = 1,
                                           .suites = REPLAYS},
};

const pb_metric *pb_metric_find(const char *key) {
  for (int k = 0; k < PB_METRIC_COUNT; k++)
    if (strcmp(pb_metrics[k].key, key) == 0) return &pb_metrics[k];
  return NULL;
}

int pb_metric_in_runs(const pb_metric *metric, pb_suite s) {
  return (metric->suites & PB_SUITE_BIT(s)) != 0;
}

int pb_metric_in_counted(const pb_metric *metric, pb_suite s) {
  return (metric->counted_suites & PB_SUITE_BIT(s)) != 0;
}

const char *const pb_basis_names[PB_BASIS_COUNT] = {
    [PB_BASIS_NONE] = "none",
    [PB_BASIS_CPU] = "CPU time",
    [PB_BASIS_WALL] = "wall time",
    [PB_BASIS_INSTRUCTIONS] = "instructions",
    [PB_BASIS_FOOTPRINT_PEAK] = "peak footprint",
    [PB_BASIS_FOOTPRINT_RETAINED] = "retained footprint",
};

int pb_basis_counted(pb_basis basis) { return basis == PB_BASIS_INSTRUCTIONS; }

const pb_metric *pb_basis_metric(pb_basis basis, pb_suite s) {
  for (int k = 0; k < PB_METRIC_COUNT; k++) {
    const pb_metric *m = &pb_metrics[k];
    if (m->basis != basis) continue;
    if (m->basis_suites && !(m->basis_suites & PB_SUITE_BIT(s))) continue;
    if (pb_basis_counted(basis) ? pb_metric_in_counted(m, s)
                                : pb_metric_in_runs(m, s))
      return m;
  }
  return NULL;
}

pb_basis_target pb_basis_target_of(pb_basis basis) {
  switch (basis) {
    case PB_BASIS_FOOTPRINT_PEAK:
      return (pb_basis_target){PB_SUITE_CAPTURED, PB_SUITE_REAL, 0.05};
    case PB_BASIS_FOOTPRINT_RETAINED:
      return (pb_basis_target){PB_SUITE_SYNTHETIC, PB_SUITE_SYNTHETIC, NAN};
    default:
      return (pb_basis_target){PB_SUITE_SYNTHETIC, PB_SUITE_REAL, NAN};
  }
}
