/* The regression gate's baseline, results/baseline.json: the counted
 * figures of every cell of the gate's matrix, each with the versions it was
 * measured with, the scale they were measured at, and the thresholds the
 * gate judges changes by (harness/gate/verdicts.h).
 *
 *   {"format": 2, "scale": 0.02,
 *    "thresholds": {"instructions_per_op": {"percent": 1, "floor": 0.1}, ...},
 *    "backend_thresholds": {"BACKEND": {"METRIC": {"percent": .., "floor":
 *                           ..}}},
 *    "cells": {"WORKLOAD": {"BACKEND": {
 *       "versions": {"valgrind": "valgrind-3.19.0", "callgrind": "valgrind -q
 *                    --tool=callgrind ...", "libc": "2.36", "compiler":
 *                    "12.2.0", "backend": "2.36"},
 *       "figures": {"instructions_per_op": ..., ...}}}}}
 *
 * Counts are only comparable with the same tools and libraries: each cell
 * records its own (format 1 kept one set for the file, so a partial update
 * relabelled cells it had not measured), and the gate refuses to compare a
 * cell across others. The file is validated whole before anything runs
 * (every number bounded, every cell with every gated metric and every
 * version), written atomically (common/atomic_file.h) and only on request
 * (--update-baseline): a missing or corrupt one is never silently
 * recreated. */
#ifndef POOLBENCH_HARNESS_GATE_BASELINE_H
#define POOLBENCH_HARNESS_GATE_BASELINE_H

#include <jansson.h>
#include <stddef.h>

#include "harness/matrix/matrix.h"
#include "harness/metrics/metrics.h"

#define PB_BASELINE_FORMAT 2
#define PB_BASELINE_ERROR_MAX 1024

/* The largest scale a baseline may state. The gate measures every cell
 * natively and under callgrind at it: the default (0.02) takes about a
 * minute; 1 already takes most of an hour, and 1000 once grew the gate to
 * 22 GB until the OOM killer ended it. At most the runners' PB_SCALE_MAX. */
#define PB_BASELINE_SCALE_MAX 1.0

/* Reads the file and checks all of it: format, scale (0 < scale <=
 * PB_BASELINE_SCALE_MAX), thresholds for every gated metric and only those
 * (percent 0-100, floor 0-PB_BASELINE_FIGURE_MAX), backend thresholds for
 * known backends, and every cell: a known workload and backend, every
 * version named, every gated metric and only those, each a number from 0 to
 * PB_BASELINE_FIGURE_MAX. Returns its root (json_decref it), or NULL with
 * one line in err; *missing tells a file that does not exist from one that
 * cannot be used. */
json_t *pb_baseline_load(const char *path, int *missing,
                         char err[PB_BASELINE_ERROR_MAX]);

/* Above any counted figure of a cell at PB_BASELINE_SCALE_MAX (bytes,
 * faults, calls or instructions per op): a larger one is not a measurement. */
#define PB_BASELINE_FIGURE_MAX 1e12

/* How many of m's cells the baseline holds. */
size_t pb_baseline_cells_held(json_t *baseline, const pb_matrix *m);

/* The versions variant v's counts depend on, here and now: valgrind's and
 * the callgrind command line (harness/comparison/counted.h), libc's, the
 * compiler's, and its backend's (its runner's --describe). */
json_t *pb_baseline_versions(const pb_matrix *m, size_t v);

/* Returns 1 and describes what differs ("valgrind valgrind-3.18.1 (now
 * valgrind-3.19.0) in pool x ints and 5 more cells; ...") when some cell of
 * m that the baseline holds was recorded with other versions than m's
 * variant has now; cells only in one of the two are no difference. */
int pb_baseline_versions_differ(json_t *baseline, const pb_matrix *m,
                                char *what, size_t size);

/* The new baseline: the cells m measured, each with its variant's versions
 * now, the cells of old (may be NULL) that m did not measure, as they were,
 * and old's thresholds (the defaults when old is NULL). */
json_t *pb_baseline_build(const pb_matrix *m, double scale, json_t *old);

/* The default thresholds (the registry's, harness/metrics/metrics.h), as
 * a new baseline file states them. */
json_t *pb_baseline_default_thresholds(void);

/* The figures of cell (workload, backend) in a loaded baseline, or NULL. */
json_t *pb_baseline_figures(json_t *baseline, const char *workload,
                            const char *backend);

/* Writes root to path atomically; 0, or -1 with one line in err. */
int pb_baseline_write(const char *path, json_t *root,
                      char err[PB_BASELINE_ERROR_MAX]);

#endif /* POOLBENCH_HARNESS_GATE_BASELINE_H */
