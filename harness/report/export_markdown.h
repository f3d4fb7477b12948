/* The comparison as Markdown: a heading that says how to read the figures
 * (after a bold "Interrupted" line when the comparison was stopped early),
 * then one table per metric. The terminal shows the same text. */
#ifndef POOLBENCH_HARNESS_REPORT_EXPORT_MARKDOWN_H
#define POOLBENCH_HARNESS_REPORT_EXPORT_MARKDOWN_H

#include <stdio.h>

#include "harness/matrix/matrix.h"

void pb_export_markdown(const pb_matrix *m, FILE *out);

#endif /* POOLBENCH_HARNESS_REPORT_EXPORT_MARKDOWN_H */
