/* The comparison as CSV (exporter.h), per RFC 4180: fields that hold a
 * comma, a double quote or a line break are quoted, quotes inside doubled,
 * every record ends in CRLF.
 *
 *   latest.csv          one row per run: its status ("ok", the failure, or
 *                       "interrupted" for a run that did not finish because
 *                       the comparison was stopped), whether it was
 *                       disturbed, and every metric its runs report, each
 *                       in the metric's own unit
 *   latest_summary.csv  one row per cell and metric: every summary column
 *                       latest.json has (n, median, min, max, the interval
 *                       and its level, unstable, ratio, p), with the cell's
 *                       disturbed runs, failure and interruption */
#ifndef POOLBENCH_HARNESS_REPORT_EXPORT_CSV_H
#define POOLBENCH_HARNESS_REPORT_EXPORT_CSV_H

#include <stdio.h>

#include "harness/report/report.h"

/* One field, quoted when RFC 4180 asks for it. */
void pb_csv_field(FILE *out, const char *text);

#endif /* POOLBENCH_HARNESS_REPORT_EXPORT_CSV_H */
