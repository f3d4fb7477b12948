/* The comparison as CSV: one row per run, every metric a column, for
 * spreadsheets and scripts. The status column says "ok", the failure, or
 * "interrupted" for a run that did not finish because the comparison was
 * stopped. */
#ifndef POOLBENCH_HARNESS_REPORT_EXPORT_CSV_H
#define POOLBENCH_HARNESS_REPORT_EXPORT_CSV_H

#include <stdio.h>

#include "harness/matrix/matrix.h"

void pb_export_csv(const pb_matrix *m, FILE *out);

#endif /* POOLBENCH_HARNESS_REPORT_EXPORT_CSV_H */
