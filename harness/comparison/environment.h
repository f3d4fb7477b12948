/* The environment the comparison's runs see (README, "Environment").
 *
 * Every run but the counted ones (which are pinned to a fixed environment of
 * their own, process/pinned.h) inherits the driver's environment, and some
 * variables change what is measured: which allocator a program runs on
 * (PYTHONMALLOC, LD_PRELOAD), hooks around it (PYTHONDEVMODE,
 * PYTHONTRACEMALLOC), how it is tuned (MALLOC_*, MIMALLOC_*, TCMALLOC_*,
 * GLIBC_TUNABLES) or which libraries and modules are loaded
 * (LD_LIBRARY_PATH, PYTHONPATH). Each is either refused before anything
 * runs, when it asks for another allocator or a hook around the one measured
 * (a request the comparison cannot honour, so dropping it silently would
 * mislead), or cleared, when it tunes or reports (the comparison measures
 * each allocator's defaults; backend parameters are NAME=VALUE). What was
 * cleared, and what the driver sets for the programs itself, goes into
 * latest.json. */
#ifndef POOLBENCH_HARNESS_COMPARISON_ENVIRONMENT_H
#define POOLBENCH_HARNESS_COMPARISON_ENVIRONMENT_H

#include <jansson.h>

/* Refuses (one line, exit status 2) the first variable that asks for
 * another allocator or a hook around it; clears the others that change what
 * is measured, remembering them. Call before anything runs and before the
 * driver sets its own (PYTHONHASHSEED, matrix_workloads.h). */
void pb_environment_clean(void);

/* One line on stderr naming the variables cleared, if any: said once every
 * other check has passed, so that a refusal stays the only line. */
void pb_environment_note(void);

/* What the runs saw, for latest.json's options: {"cleared": {NAME: VALUE,
 * ...}, "set": {NAME: VALUE, ...}}: the variables cleared, and those of the
 * same families set by the driver itself for the programs. With counted
 * runs (pinned_env: their NULL-terminated NAME=VALUE list, or NULL), also
 * "pinned": that environment. */
json_t *pb_environment_json(char *const *pinned_env);

#endif /* POOLBENCH_HARNESS_COMPARISON_ENVIRONMENT_H */
