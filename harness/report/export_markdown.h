/* The comparison as Markdown (latest.md; exporter.h): a heading that says
 * how to read the figures (after a bold "Interrupted" line when the
 * comparison was stopped early), one table per metric that has a title in
 * the registry, the agreement of the suites, the counted metrics. The
 * terminal shows the same text. */
#ifndef POOLBENCH_HARNESS_REPORT_EXPORT_MARKDOWN_H
#define POOLBENCH_HARNESS_REPORT_EXPORT_MARKDOWN_H

#include <stdio.h>

#include "harness/report/report.h"

void pb_markdown_print(const pb_report *r, FILE *out);

#endif /* POOLBENCH_HARNESS_REPORT_EXPORT_MARKDOWN_H */
