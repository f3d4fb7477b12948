/* What every exporter renders: the matrix, its analysis (matrix/
 * analysis.h: every decision, computed once), the machine it ran on and
 * the commit it measured. Built once per set of files, so that the
 * Markdown, the CSV, the JSON and the chart titles name the same machine,
 * date and commit. */
#ifndef POOLBENCH_HARNESS_REPORT_REPORT_H
#define POOLBENCH_HARNESS_REPORT_REPORT_H

#include <jansson.h>

#include "harness/matrix/analysis.h"
#include "harness/matrix/matrix.h"

typedef struct pb_report {
  const pb_matrix *m;
  pb_analysis analysis;
  json_t *machine; /* machine.h */
  /* {"commit": "<sha>", "dirty": bool}: the workspace's git commit and
   * whether its tree differed from it; {} where it is not a git checkout or
   * git is missing (absent, never guessed). */
  json_t *provenance;
} pb_report;

/* workspace: the source tree the binaries were built from (NULL: none
 * known). */
void pb_report_build(const pb_matrix *m, const char *workspace, pb_report *r);
void pb_report_free(pb_report *r);

#endif /* POOLBENCH_HARNESS_REPORT_REPORT_H */
