/* The options of the comparison driver (`bazel run //:benchmarks -- ...`):
 * what to compare, how often, at what size, and where to write.
 *
 * Names are checked against the registries (allocator/registry.h,
 * workloads/workloads.h), numbers strictly; anything wrong is one line and
 * exit status 2 before anything runs. Backend parameters are NAME=VALUE
 * arguments, kept unread: the driver later gives each to the selected
 * backends that take it (variants.h). */
#ifndef POOLBENCH_HARNESS_COMPARISON_OPTIONS_H
#define POOLBENCH_HARNESS_COMPARISON_OPTIONS_H

#include <stddef.h>

#include "allocator/allocator.h"
#include "harness/comparison/deploy.h"
#include "harness/comparison/programs.h"
#include "workloads/workloads.h"

typedef struct pb_name_list {
  char **names;
  size_t count;
} pb_name_list;

typedef struct pb_comparison_options {
  pb_name_list backends;  /* default: every backend the registry compares */
  pb_name_list workloads; /* default: every workload, or none when
                             --program or --trace is given */
  int runs;               /* runs per cell */
  double scale;           /* 0: each workload's comparison_scale */
  double timeout;         /* seconds before a run counts as hung */
  char *out;              /* NULL: a new dated folder (results_dir.h);
                             else as the user meant it (common/
                             user_path.h) */
  const char *reference;  /* NULL: the registry's reference backend */
  int sweep;              /* --sweep given */
  const char *sweep_sets; /* --sweep=SETS; NULL: each backend's own sets */
  pb_param params[PB_PARAMS_MAX];
  size_t nparams;
  int quick;
  int no_startup_heap;     /* the synthetic traces without CPython's start-up
                              heap (workloads.h) */
  unsigned suites;         /* the built-in workloads' PB_SUITE_BITs (suite.h);
                              default: synthetic */
  pb_user_workloads user;  /* --program and --trace (programs.h) */
  unsigned program_suites; /* --program's: captured and real by default */
  unsigned trace_suites;   /* --trace's: captured */
  int counted;             /* --counted: the counted metrics too */
  const char *runners;     /* the directory of bench_<backend>; NULL: beside
                              this program */
  /* The thread counts the threaded workloads run at (workloads.h), each a
   * workload "NAME@N" of the synthetic suite, increasing: --threads, or
   * the workloads' default when --workloads names a threaded one without
   * it; none when no threaded workload is compared. */
  unsigned thread_counts[PB_WORKLOAD_THREADS_MAX];
  size_t nthread_counts;
  /* --configs, --configs-file, --python (--suite=deploy) */
  pb_deploy_options deploy;
} pb_comparison_options;

/* Parses argv (argv strings may be modified); exits with status 2 and one
 * line on bad input, with status 0 after --help. */
pb_comparison_options pb_comparison_options_parse(int argc, char **argv);

/* The names of a --backends or --workloads value ("a,b"), each known to
 * its registry and given once, into list; one line naming option and exit
 * status 2 otherwise. */
void pb_parse_backend_names(const char *option, const char *text,
                            pb_name_list *list);
void pb_parse_workload_names(const char *option, const char *text,
                             pb_name_list *list);

/* Fills the lists not given: every backend the registry compares, every
 * workload. */
void pb_select_defaults(pb_comparison_options *o);

/* 1 when the list holds name. */
int pb_name_list_has(const pb_name_list *list, const char *name);

/* "a,b,c" (malloc'd). */
char *pb_name_list_join(const pb_name_list *list);

#endif /* POOLBENCH_HARNESS_COMPARISON_OPTIONS_H */
