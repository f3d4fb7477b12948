/* The deploy suite (`benchmarks --suite=deploy`): the programs run by real
 * interpreters under deployment configurations, not on pyrun_<backend>.
 *
 * A configuration is OBJECT+PROCESS: OBJECT the PYTHONMALLOC value
 * (pymalloc, malloc, or an allocator the interpreter bundles, 3.13's
 * mimalloc), PROCESS the process's malloc: the C library's, or a library
 * preloaded (LD_PRELOAD) to replace it. What each allocator is called, which
 * library it preloads, which PYTHONMALLOC value names it and which variables
 * tune it, allocator/backends.bzl declares (allocator/registry.h); nothing
 * here names one. A configuration file adds named configurations with
 * tunables, one a line:
 *
 *   NAME OBJECT+PROCESS [VAR=VALUE ...]     # PROCESS may be a library path
 *
 * In this suite the matrix's variants are the configurations, one per
 * interpreter (--python) and configuration, labelled "3.11:pymalloc+glibc";
 * a cell is a program under one of them.
 *
 * Anything that cannot run is refused before anything runs, one line and
 * exit status 2: an interpreter that is missing or older than 3.6 (no
 * PYTHONMALLOC), a PYTHONMALLOC value the interpreter refuses, a missing
 * library, a bad line of the file (with its number).
 *
 * Every run checks that its configuration took effect: the program runs
 * under a probe (deploy_probe.py) that reports, once the program is done,
 * what sys._debugmallocstats() and sys.getallocatedblocks() say of Python's
 * allocator, which libraries are mapped and which library malloc resolves
 * to. A run whose configuration did not take effect fails, saying why. */
#ifndef POOLBENCH_HARNESS_COMPARISON_DEPLOY_H
#define POOLBENCH_HARNESS_COMPARISON_DEPLOY_H

#include <stddef.h>

#include "harness/matrix/matrix.h"

typedef struct pb_deploy_options {
  const char *configs; /* --configs=A,B; NULL: the defaults and the file's */
  char *configs_file;  /* --configs-file, as the user meant it, or NULL */
  char **pythons;      /* --python, as the user meant them */
  size_t npythons;
  int given_configs, given_file; /* each at most once */
} pb_deploy_options;

/* When argv[*i] is --configs, --configs-file or --python: records it,
 * stores its value in *value (NULL when missing, for the caller to report)
 * and returns 1; one line and exit status 2 when given twice (--python may
 * be repeated). Returns 0 otherwise. */
int pb_deploy_option(int argc, char **argv, int *i, pb_deploy_options *d,
                     const char **value);

/* Those options as given, for latest.json: {"configs": "A,B" or null,
 * "configs_file": path or null, "pythons": [path, ...]} (empty: the
 * default). */
json_t *pb_deploy_options_json(const pb_deploy_options *d);

/* 1 when any of those options was given. */
int pb_deploy_options_given(const pb_deploy_options *d);

/* Fills m->variants, one per interpreter and configuration, and
 * m->reference: the one named by reference (a label, or a configuration
 * of the first interpreter), else the first that runs CPython as shipped
 * (pymalloc on the C library's malloc, untuned), else the first. Finds
 * measure and the probe from argv0. Refuses what cannot run (above). */
void pb_deploy_variants_build(const pb_deploy_options *d, const char *reference,
                              const char *argv0, pb_matrix *m);

/* Runs cell's program under its configuration, measured (wall and CPU
 * time, peak RSS: harness/process/measure) and checked (above); fills
 * cell->runs[r] and marks the cell failed when the run failed. Returns the
 * run's wall time in seconds. */
double pb_deploy_run(pb_cell *cell, int r, double timeout);

/* For a counted run of a deploy cell (counted.c, under callgrind): the
 * words that run its program after valgrind's (the interpreter, the probe
 * and where it reports), NULL-terminated, with the probe's report emptied;
 * the settings are the variant's environment. After the run,
 * pb_deploy_verify puts in why what keeps the configuration from having
 * taken effect, or "" when it did. */
const char *const *pb_deploy_program(const pb_cell *cell);
void pb_deploy_verify(const pb_cell *cell, char *why, size_t size);

#endif /* POOLBENCH_HARNESS_COMPARISON_DEPLOY_H */
