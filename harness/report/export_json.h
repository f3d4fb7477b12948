/* The comparison as one JSON document (latest.json): the machine, the
 * options, each variant's identity, and every run of every cell whole, with
 * each metric's summary. Everything else can be recomputed from it. An
 * interrupted comparison has "interrupted": {signal, runs_done,
 * runs_planned}, and {"interrupted": true} for each run that did not
 * finish. */
#ifndef POOLBENCH_HARNESS_REPORT_EXPORT_JSON_H
#define POOLBENCH_HARNESS_REPORT_EXPORT_JSON_H

#include <jansson.h>

#include "harness/matrix/matrix.h"

/* machine: pb_machine_json(), taken once, so that the JSON and the chart
 * titles of one comparison name the same machine and date. */
json_t *pb_export_json(const pb_matrix *m, json_t *machine);

#endif /* POOLBENCH_HARNESS_REPORT_EXPORT_JSON_H */
