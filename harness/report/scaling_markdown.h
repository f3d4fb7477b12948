/* The scaling section of the Markdown report: per threaded workload, a
 * table of each variant at each thread count (decided in
 * matrix/scaling.h), oversubscribed counts labelled. Nothing when the
 * comparison has no threaded workload. */
#ifndef POOLBENCH_HARNESS_REPORT_SCALING_MARKDOWN_H
#define POOLBENCH_HARNESS_REPORT_SCALING_MARKDOWN_H

#include <stdio.h>

#include "harness/report/report.h"

void pb_scaling_markdown(const pb_report *r, FILE *out);

#endif /* POOLBENCH_HARNESS_REPORT_SCALING_MARKDOWN_H */
