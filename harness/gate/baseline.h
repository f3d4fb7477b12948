/* The regression gate's baseline, results/baseline.json: the counted
 * figures of every cell of the gate's matrix, the scale they were measured
 * at, the versions they were measured with, and the thresholds the gate
 * judges changes by (harness/gate/verdicts.h).
 *
 *   {"format": 1, "scale": 0.02,
 *    "versions": {"valgrind": "valgrind-3.19.0", "callgrind": "valgrind -q
 *                 --tool=callgrind ...", "libc": "2.36", "compiler":
 *                 "12.2.0", "backend glibc": "2.36", ...},
 *    "thresholds": {"instructions_per_op": {"percent": 1, "floor": 0.1}, ...},
 *    "backend_thresholds": {"BACKEND": {"METRIC": {"percent": .., "floor":
 *                           ..}}},
 *    "cells": {"WORKLOAD": {"BACKEND": {"instructions_per_op": ..., ...}}}}
 *
 * Counts are only comparable with the same tools and libraries: a baseline
 * records them, and the gate refuses to compare across others. The file is
 * written atomically (common/atomic_file.h) and only on request
 * (--update-baseline): a missing or corrupt one is never silently
 * recreated. */
#ifndef POOLBENCH_HARNESS_GATE_BASELINE_H
#define POOLBENCH_HARNESS_GATE_BASELINE_H

#include <jansson.h>
#include <stddef.h>

#include "harness/matrix/matrix.h"

#define PB_BASELINE_FORMAT 1
#define PB_BASELINE_ERROR_MAX 512

/* Reads and checks the file. Returns its root (json_decref it), or NULL
 * with one line in err; *missing tells a file that does not exist from one
 * that cannot be used. */
json_t *pb_baseline_load(const char *path, int *missing,
                         char err[PB_BASELINE_ERROR_MAX]);

/* The versions the counts depend on, here and now: valgrind's and the
 * callgrind command line (harness/comparison/counted.h), libc's, the
 * compiler's, and each variant's backend's (its runner's --describe). */
json_t *pb_baseline_versions(const pb_matrix *m);

/* Returns 1 and describes what differs ("valgrind-3.18.1 (now
 * valgrind-3.19.0), jemalloc 5.2.1 (now 5.3.0)") when the baseline was
 * recorded with other versions than the current ones; backends in only one
 * of the two are not a difference. */
int pb_baseline_versions_differ(json_t *baseline, json_t *current, char *what,
                                size_t size);

/* The new baseline: the cells m measured, the cells of old (may be NULL)
 * that m did not measure, the versions merged likewise, and old's
 * thresholds (the defaults when old is NULL). */
json_t *pb_baseline_build(const pb_matrix *m, double scale, json_t *versions,
                          json_t *old);

/* Writes root to path atomically; 0, or -1 with one line in err. */
int pb_baseline_write(const char *path, json_t *root,
                      char err[PB_BASELINE_ERROR_MAX]);

#endif /* POOLBENCH_HARNESS_GATE_BASELINE_H */
