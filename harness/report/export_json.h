/* The comparison as one JSON document (latest.json; exporter.h): the
 * machine, the commit measured (and whether the tree was dirty), the
 * options, each variant's identity, every run of every cell whole, each
 * metric's summary in the metric's own unit (harness/metrics/metrics.h),
 * and every decision the Markdown shows: unstable, disturbed, failed and
 * interrupted cells, the agreement with its flipped pairs and the
 * workloads that disagree. An interrupted comparison has "interrupted":
 * {signal, runs_done, runs_planned}, and {"interrupted": true} for each run
 * that did not finish. */
#ifndef POOLBENCH_HARNESS_REPORT_EXPORT_JSON_H
#define POOLBENCH_HARNESS_REPORT_EXPORT_JSON_H

#include <jansson.h>

#include "harness/report/report.h"

json_t *pb_export_json(const pb_report *r);

#endif /* POOLBENCH_HARNESS_REPORT_EXPORT_JSON_H */
