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
} pb_backend_entry;

/* Every backend, in BACKENDS order; ends with an entry whose name is NULL. */
extern const pb_backend_entry pb_backend_registry[];

/* The entry of that name, or NULL. */
const pb_backend_entry *pb_backend_find(const char *name);

/* The default reference backend's entry. */
const pb_backend_entry *pb_backend_reference(void);

#endif /* POOLBENCH_ALLOCATOR_REGISTRY_H */
