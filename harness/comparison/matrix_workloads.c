#include "harness/comparison/matrix_workloads.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/fail.h"
#include "harness/process/locate.h"
#include "workloads/workloads.h"

static size_t suites_in(unsigned mask) {
  size_t n = 0;
  for (int s = 0; s < PB_SUITE_COUNT; s++) n += (mask >> s) & 1;
  return n;
}

void pb_matrix_workloads_build(const pb_comparison_options *o,
                               const char *argv0, pb_matrix *m) {
  m->suites = o->suites;
  m->nworkloads = o->workloads.count * suites_in(o->suites);
  m->workloads = calloc(m->nworkloads, sizeof *m->workloads);
  if (!m->workloads) pb_fail(PB_EXIT_FAILED, "out of memory");
  pb_matrix_workload *mw = m->workloads;
  for (size_t w = 0; w < o->workloads.count; w++) {
    const pb_workload *entry = pb_workload_find(o->workloads.names[w]);
    for (pb_suite s = 0; s < PB_SUITE_COUNT; s++) {
      if (!(o->suites & PB_SUITE_BIT(s))) continue;
      *mw = (pb_matrix_workload){
          .name = entry->name,
          .scale = o->scale > 0 ? o->scale : entry->comparison_scale,
          .rss_chart = s == PB_SUITE_SYNTHETIC && entry->rss_chart,
          .workload = entry->name,
          .suite = s,
      };
      if (pb_suite_is(s, PB_SUITES_WITH_PROGRAM)) {
        char *name;
        if (asprintf(&name, "%s:%s", entry->name, pb_suite_names[s]) < 0)
          pb_fail(PB_EXIT_FAILED, "out of memory");
        mw->name = name;
        mw->script = pb_locate_or_fail(argv0, entry->script, entry->script);
      }
      mw++;
    }
  }
  if (o->suites & PB_SUITES_WITH_PROGRAM) {
    setenv("PYTHONHASHSEED", "0", 1);
    setenv("PYTHONDONTWRITEBYTECODE", "1", 1);
  }
  if (o->suites & PB_SUITES_CAPTURED)
    m->pytrace = pb_locate_or_fail(argv0, "python/pytrace", "pytrace");
}
