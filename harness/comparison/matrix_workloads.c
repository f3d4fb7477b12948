#include "harness/comparison/matrix_workloads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fail.h"
#include "harness/process/locate.h"
#include "workloads/workloads.h"

static size_t suites_in(unsigned mask) {
  size_t n = 0;
  for (int s = 0; s < PB_SUITE_COUNT; s++) n += (mask >> s) & 1;
  return n;
}

/* "NAME" in the synthetic suite, "NAME:suite" in the others. */
static const char *shown_name(const char *name, pb_suite s) {
  if (s == PB_SUITE_SYNTHETIC) return name;
  char *shown;
  if (asprintf(&shown, "%s:%s", name, pb_suite_names[s]) < 0)
    pb_fail(PB_EXIT_FAILED, "out of memory");
  return shown;
}

/* A built-in workload's program takes its scale as its one argument. */
static char **scale_argument(double scale) {
  char **args = calloc(2, sizeof *args);
  if (!args || asprintf(&args[0], "%.17g", scale) < 0)
    pb_fail(PB_EXIT_FAILED, "out of memory");
  return args;
}

/* A threaded workload: once per thread count, "NAME@N", in the synthetic
 * suite alone (options.h). */
static pb_matrix_workload *add_threaded(const pb_comparison_options *o,
                                        const pb_workload *entry, double scale,
                                        pb_matrix_workload *mw) {
  for (size_t t = 0; t < o->nthread_counts; t++) {
    char *shown;
    if (asprintf(&shown, "%s@%u", entry->name, o->thread_counts[t]) < 0)
      pb_fail(PB_EXIT_FAILED, "out of memory");
    *mw++ = (pb_matrix_workload){
        .name = shown,
        .scale = scale,
        .workload = entry->name,
        .suite = PB_SUITE_SYNTHETIC,
        .threads = o->thread_counts[t],
    };
  }
  return mw;
}

void pb_matrix_workloads_build(const pb_comparison_options *o,
                               const char *argv0, pb_matrix *m) {
  unsigned builtin = o->workloads.count ? o->suites : 0;
  m->suites = builtin | o->program_suites | o->trace_suites;
  m->nworkloads = 0;
  for (size_t w = 0; w < o->workloads.count; w++)
    m->nworkloads += pb_workload_find(o->workloads.names[w])->generate_threads
                         ? o->nthread_counts
                         : suites_in(o->suites);
  for (size_t u = 0; u < o->user.count; u++)
    m->nworkloads += suites_in(o->user.items[u].is_trace ? o->trace_suites
                                                         : o->program_suites);
  m->workloads =
      calloc(m->nworkloads ? m->nworkloads : 1, sizeof *m->workloads);
  if (!m->workloads) pb_fail(PB_EXIT_FAILED, "out of memory");
  pb_matrix_workload *mw = m->workloads;
  for (size_t w = 0; w < o->workloads.count; w++) {
    const pb_workload *entry = pb_workload_find(o->workloads.names[w]);
    double scale = o->scale > 0 ? o->scale : entry->comparison_scale;
    if (entry->generate_threads) {
      mw = add_threaded(o, entry, scale, mw);
      continue;
    }
    for (pb_suite s = 0; s < PB_SUITE_COUNT; s++) {
      if (!(o->suites & PB_SUITE_BIT(s))) continue;
      *mw = (pb_matrix_workload){
          .name = shown_name(entry->name, s),
          .scale = scale,
          .rss_chart = s == PB_SUITE_SYNTHETIC && entry->rss_chart,
          .workload = entry->name,
          .suite = s,
      };
      if (pb_suite_is(s, PB_SUITES_WITH_PROGRAM)) {
        mw->script = pb_locate_or_fail(argv0, entry->script, entry->script);
        mw->args = scale_argument(scale);
      }
      mw++;
    }
  }
  /* The user's programs and traces: they have no scale of ours (0). */
  for (size_t u = 0; u < o->user.count; u++) {
    const pb_user_workload *user = &o->user.items[u];
    unsigned suites = user->is_trace ? o->trace_suites : o->program_suites;
    for (pb_suite s = 0; s < PB_SUITE_COUNT; s++) {
      if (!(suites & PB_SUITE_BIT(s))) continue;
      *mw = (pb_matrix_workload){
          .name = shown_name(user->name, s),
          .workload = user->name,
          .suite = s,
          .user_program = 1,
      };
      if (user->is_trace) {
        mw->trace_given = user->path;
      } else {
        mw->script = user->path;
        mw->args = user->args;
      }
      mw++;
    }
  }
  if (m->suites & PB_SUITES_WITH_PROGRAM) {
    setenv("PYTHONHASHSEED", "0", 1);
    setenv("PYTHONDONTWRITEBYTECODE", "1", 1);
  }
  if ((builtin | o->program_suites) & PB_SUITES_CAPTURED)
    m->pytrace = pb_locate_or_fail(argv0, "python/pytrace", "pytrace");
}
