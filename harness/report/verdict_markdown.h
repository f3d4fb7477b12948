/* The verdict section of the Markdown report, first in it and in the
 * terminal: per workload, the best backend on each question or "no clear
 * difference" (decided in matrix/analysis.h), and a line per real program
 * on what its best alternative changes against the reference. */
#ifndef POOLBENCH_HARNESS_REPORT_VERDICT_MARKDOWN_H
#define POOLBENCH_HARNESS_REPORT_VERDICT_MARKDOWN_H

#include <stdio.h>

#include "harness/report/report.h"

void pb_verdict_markdown(const pb_report *r, FILE *out);

#endif /* POOLBENCH_HARNESS_REPORT_VERDICT_MARKDOWN_H */
