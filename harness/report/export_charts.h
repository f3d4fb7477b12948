/* The comparison's charts, drawn by gnuplot as SVG:
 *
 *   throughput.svg   throughput of each variant relative to the reference
 *                    (reference ns/op over the variant's), one group of bars
 *                    per workload, on a log scale: every workload readable
 *                    whatever its absolute speed, 2x faster as tall as 2x
 *                    slower is deep (how allocator suites plot it)
 *   peak_rss.svg     peak RSS relative to the reference, likewise
 *   rss_NAME.svg     RSS over the run, one line per variant, for each
 *                    workload whose registry entry asks for it
 *
 * Titles name the machine, the allocators' versions and the date. */
#ifndef POOLBENCH_HARNESS_REPORT_EXPORT_CHARTS_H
#define POOLBENCH_HARNESS_REPORT_EXPORT_CHARTS_H

#include <jansson.h>
#include <stddef.h>

#include "harness/matrix/matrix.h"

typedef struct pb_chart {
  char *name; /* file name, "throughput.svg" */
  char *svg;  /* the whole file */
  size_t len;
} pb_chart;

/* Draws every chart into memory. machine: pb_machine_json(). Returns the
 * number drawn (*charts malloc'd), or -1 with one line on stderr when
 * gnuplot could not draw them. */
int pb_charts_draw(const pb_matrix *m, json_t *machine, pb_chart **charts);

void pb_charts_free(pb_chart *charts, int count);

/* 1 when name is one a chart can be written as: throughput.svg,
 * peak_rss.svg, rss_*.svg. */
int pb_chart_file(const char *name);

#endif /* POOLBENCH_HARNESS_REPORT_EXPORT_CHARTS_H */
