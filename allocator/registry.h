/* The backends poolbench knows, as allocator/backends.bzl declares them.
 *
 * The table is generated from BACKENDS at build time, so this list and the
 * runners that are built (bench_<backend>) cannot disagree. The comparison
 * driver learns from it everything that differs between backends and that it
 * must know before running one: which backends it compares by default, which
 * one its ratios are against, which parameter sets --sweep compares, which
 * one is the instruction ceiling the regression gate checks. What a
 * backend is and takes once it runs (its version, configuration, parameter
 * names) the driver asks the runner itself (`bench_<backend> --describe`). */
#ifndef POOLBENCH_ALLOCATOR_REGISTRY_H
#define POOLBENCH_ALLOCATOR_REGISTRY_H

#include <stddef.h>

typedef struct pb_backend_entry {
  const char *name; /* as users type it, and bench_<name> */
  int compared;     /* in the default comparison */
  int reference;    /* the default reference: exactly one backend */
  int ceiling;      /* the regression gate checks that no backend runs fewer
                       instructions per op than this one */
  int pymalloc;     /* CPython's own pymalloc: what CPython runs today */
  /* Parameter sets --sweep compares ("layout=3.8", "a=1,b=2"), NULL-
   * terminated; NULL when the backend has nothing to sweep. */
  const char *const *sweep;
  /* In a deployment (benchmarks --suite=deploy, backends.bzl says more):
   * the C library's own malloc, nothing preloaded; the library preloaded
   * to make it the process's malloc (a path), or NULL; the PYTHONMALLOC
   * value under which CPython runs its objects on a copy of its own, or
   * NULL, and the "Small block threshold" sys._debugmallocstats() then
   * prints; the environment variables that tune it (a name ending in '_'
   * is a prefix), NULL-terminated. */
  int libc;
  const char *preload;
  const char *pythonmalloc;
  int pythonmalloc_threshold;
  const char *const *tunables;
  /* The parameter sets the comparison runs the backend with when it
   * compares threaded workloads, side by side ("threads=gil"), NULL-
   * terminated; NULL when it runs threads as it comes. */
  const char *const *thread_sets;
} pb_backend_entry;

/* Every backend, in BACKENDS order; ends with an entry whose name is NULL. */
extern const pb_backend_entry pb_backend_registry[];

/* The configurations a deployment comparison runs by default,
 * "OBJECT+PROCESS", NULL-terminated. */
extern const char *const pb_deploy_defaults[];

/* The entry of that name, or NULL. */
const pb_backend_entry *pb_backend_find(const char *name);

/* The default reference backend's entry. */
const pb_backend_entry *pb_backend_reference(void);

#endif /* POOLBENCH_ALLOCATOR_REGISTRY_H */
