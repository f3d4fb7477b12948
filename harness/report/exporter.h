/* One exporter per format (hyperfine's Exporter and ExportManager are the
 * model): each renders the report (report.h) into the files it owns, and
 * the set writer (output_set.h) iterates over the list below, stages every
 * file and replaces the old set at once.
 *
 *   markdown  latest.md: how to read the figures, one table per metric,
 *             the agreement of the suites, the counted metrics (the
 *             terminal shows the same text)
 *   csv       latest.csv, one row per run; latest_summary.csv, one row per
 *             cell and metric with every summary column the JSON has
 *             (RFC 4180)
 *   json      latest.json: everything, runs whole, every decision
 *   charts    throughput.svg, peak_rss.svg, real_cpu.svg,
 *             real_peak_rss.svg, rss_NAME.svg (gnuplot)
 *   hyperfine hyperfine_NAME.json: each real program's runs in hyperfine's
 *             export format, for hyperfine's plotting scripts */
#ifndef POOLBENCH_HARNESS_REPORT_EXPORTER_H
#define POOLBENCH_HARNESS_REPORT_EXPORTER_H

#include <stddef.h>
#include <stdio.h>

#include "harness/report/report.h"

/* The files an exporter rendered: names and their whole contents. */
typedef struct pb_rendered {
  size_t count;
  struct pb_rendered_file {
    char *name;
    char *data;
    size_t len;
  } * files;
} pb_rendered;

/* Adds a file, taking data (malloc'd); exits with status 1 when out of
 * memory. */
void pb_rendered_add(pb_rendered *out, const char *name, char *data,
                     size_t len);
void pb_rendered_free(pb_rendered *out);

typedef struct pb_exporter {
  const char *format;
  /* Renders r into out. Returns 0, or -1 with one line on stderr. */
  int (*render)(const pb_report *r, pb_rendered *out);
  /* 1 when a set may hold a file of this name from this exporter: the set
   * owns those names in its directory, and only those. */
  int (*owns)(const char *name);
  /* A failure leaves this exporter's files out of the set (and removes an
   * earlier set's) instead of keeping the whole set from being written:
   * the charts, when gnuplot is missing. */
  int optional;
} pb_exporter;

extern const pb_exporter pb_exporter_markdown;
extern const pb_exporter pb_exporter_csv;
extern const pb_exporter pb_exporter_json;
extern const pb_exporter pb_exporter_charts;
extern const pb_exporter pb_exporter_hyperfine;

/* Every exporter, in the order a set is written; NULL-terminated. */
extern const pb_exporter *const pb_exporters[];

/* 1 when some exporter owns name. */
int pb_exporters_own(const char *name);

/* Renders with a function that prints to a FILE, into memory. Returns the
 * text (malloc'd) and its length, or NULL when out of memory. */
char *pb_render_to_memory(void (*print)(const pb_report *, FILE *),
                          const pb_report *r, size_t *len);

#endif /* POOLBENCH_HARNESS_REPORT_EXPORTER_H */
