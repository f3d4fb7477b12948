/* The regression gate's verdicts: each cell's counted figures (harness/
 * comparison/counted.h), every metric the registry marks gated, against the
 * baseline's (harness/gate/baseline.h), one table in the spirit of
 * google/benchmark's compare.py: cell, metric, baseline, now, change,
 * threshold, verdict.
 *
 * Every figure is deterministic, so any change is a change in the code, the
 * workload or the tools; a threshold only says which changes are worth
 * stopping CI for. A change is a verdict when it is above both the
 * threshold's percentage of the baseline (which scales with the cell) and
 * its floor (an absolute amount, a few pages for memory, that keeps small
 * counts, such as one more mmap out of three, from being read as a
 * percentage). Every metric is lower-is-better: above is a regression,
 * below an improvement. A change within its threshold but past two thirds
 * of it is "near": shown, not a verdict. */
#ifndef POOLBENCH_HARNESS_GATE_VERDICTS_H
#define POOLBENCH_HARNESS_GATE_VERDICTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "harness/matrix/matrix.h"
#include "harness/metrics/metrics.h"

/* What the table shows. */
typedef enum pb_gate_rows {
  PB_GATE_CHANGES, /* verdicts, near ones, new and failed cells */
  PB_GATE_ALL,     /* every figure (--all) */
  PB_GATE_MOVED,   /* every figure that differs (what an update changes) */
} pb_gate_rows;

typedef struct pb_gate_outcome {
  size_t regressions;  /* figures above their threshold */
  size_t improvements; /* below */
  size_t near;         /* within, past two thirds of the threshold */
  size_t quiet_cells;  /* measured cells with no verdict and nothing near */
  size_t new_cells;    /* measured, not in the baseline */
  size_t failed;       /* cells whose counted runs failed */
  char *regressed;     /* "B x W (instructions/op +3.1%, ...); ..." */
  char *improved;      /* likewise (both malloc'd; free them) */
} pb_gate_outcome;

/* Compares every cell of m with the baseline's and prints on out the table
 * of the rows asked for, then (for PB_GATE_CHANGES) one line for the rest:
 * "40 cells within their thresholds". baseline: a loaded file
 * (harness/gate/baseline.h). */
pb_gate_outcome pb_gate_compare(const pb_matrix *m, json_t *baseline,
                                pb_gate_rows rows, FILE *out);

/* The ceiling (allocator/backends.bzl): on every workload, the backend
 * marked `ceiling` must run no more instructions per op than any other
 * backend measured. Returns how many cells break it, with "B x W (N
 * instructions/op, above A's M); ..." in *violations (malloc'd, or NULL). */
size_t pb_gate_check_ceiling(const pb_matrix *m, char **violations);

#endif /* POOLBENCH_HARNESS_GATE_VERDICTS_H */
