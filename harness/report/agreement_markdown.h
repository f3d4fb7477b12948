/* The agreement section of the Markdown report: rankings, tau_b,
 * discordant pairs, and for each workload whose synthetic and real
 * rankings disagree (decided in matrix/agreement.h), its synthetic and
 * captured profiles side by side. */
#ifndef POOLBENCH_HARNESS_REPORT_AGREEMENT_MARKDOWN_H
#define POOLBENCH_HARNESS_REPORT_AGREEMENT_MARKDOWN_H

#include <stdio.h>

#include "harness/report/report.h"

void pb_agreement_markdown(const pb_report *r, FILE *out);

#endif /* POOLBENCH_HARNESS_REPORT_AGREEMENT_MARKDOWN_H */
