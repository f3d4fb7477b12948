/* The suites of the comparison: three ways to put the same six workloads
 * to each backend.
 *
 *   synthetic  the generator's trace (workloads/), replayed by
 *              bench_<backend>: the model of a Python program;
 *   captured   the trace pytrace records from the program itself
 *              (workloads/python/NAME.py), replayed the same way;
 *   real       the program itself, run by pyrun_<backend>: what the models
 *              claim to predict;
 *   deploy     the program itself, run by a real interpreter under a
 *              deployment configuration (PYTHONMALLOC and a preloaded
 *              malloc, comparison/deploy.h): its variants are
 *              configurations, not backends, so it runs alone.
 *
 * `benchmarks --suite=synthetic,captured,real` runs them side by side: each
 * selected workload appears once per suite, as "NAME", "NAME:captured" and
 * "NAME:real", at the same scale, in the same tables, JSON and CSV. */
#ifndef POOLBENCH_HARNESS_METRICS_SUITE_H
#define POOLBENCH_HARNESS_METRICS_SUITE_H

#include <stddef.h>

typedef enum pb_suite {
  PB_SUITE_SYNTHETIC,
  PB_SUITE_CAPTURED,
  PB_SUITE_REAL,
  PB_SUITE_DEPLOY,
  PB_SUITE_COUNT
} pb_suite;

#define PB_SUITE_BIT(s) (1u << (s))
#define PB_SUITES_ALL ((1u << PB_SUITE_COUNT) - 1)
/* What "all" names: the suites whose variants are backends, side by side. */
#define PB_SUITES_SIDE_BY_SIDE                                          \
  (PB_SUITE_BIT(PB_SUITE_SYNTHETIC) | PB_SUITE_BIT(PB_SUITE_CAPTURED) | \
   PB_SUITE_BIT(PB_SUITE_REAL))

extern const char *const pb_suite_names[PB_SUITE_COUNT];

/* What a suite's workloads are, asked by property rather than by name:
 *   replayed  a trace that bench_<backend> replays (synthetic, captured);
 *   captured  a trace pytrace records from the program (captured);
 *   program   the workload's Python program is run (captured, real,
 *             deploy);
 *   deployed  run by a real interpreter under configurations, not on
 *             pyrun_<backend> (deploy). */
#define PB_SUITES_REPLAYED \
  (PB_SUITE_BIT(PB_SUITE_SYNTHETIC) | PB_SUITE_BIT(PB_SUITE_CAPTURED))
#define PB_SUITES_CAPTURED PB_SUITE_BIT(PB_SUITE_CAPTURED)
#define PB_SUITES_WITH_PROGRAM                                     \
  (PB_SUITE_BIT(PB_SUITE_CAPTURED) | PB_SUITE_BIT(PB_SUITE_REAL) | \
   PB_SUITE_BIT(PB_SUITE_DEPLOY))
#define PB_SUITES_DEPLOYED PB_SUITE_BIT(PB_SUITE_DEPLOY)

static inline int pb_suite_is(pb_suite s, unsigned suites) {
  return (PB_SUITE_BIT(s) & suites) != 0;
}

/* Parses a ','-separated list of suite names, or "all" (the suites side by
 * side, not deploy), into a mask of
 * PB_SUITE_BITs. Returns 0; -1 with an unknown name in bad; -2 with a name
 * given twice (or already covered by "all") in bad. */
int pb_suite_parse(const char *text, unsigned *mask, char *bad, size_t size);

#endif /* POOLBENCH_HARNESS_METRICS_SUITE_H */
