#include "harness/gate/verdicts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "allocator/registry.h"
#include "common/fail.h"
#include "harness/report/table.h"

/* The defaults, and why: instructions per op move by whole instructions in
 * 50 to 200 per op, so 1% is one instruction on a fast path; page faults
 * and memory figures move by pages and arenas, so small ones are judged by
 * a floor: 16 faults, and 256 KiB of RSS, twice what the kernel's RSS
 * counters may read differently on a machine with another number of CPUs
 * (harness/process/pinned.h); fragmentation follows peak RSS. System calls are
 * few (a pool run makes a handful), so one more is judged by the floor of 2,
 * not as +33%. Peak live bytes belong to the trace, not the allocator: any
 * change means the workload changed, and every other figure with it. */
const pb_gate_metric pb_gate_metrics[] = {
    {"instructions_per_op", "instructions/op", 1, "", 2, {1, 0.1}},
    {"minor_page_faults", "minor faults", 1, "", 0, {5, 16}},
    {"memory_syscalls_total", "memory syscalls", 1, "", 0, {10, 2}},
    {"peak_live_bytes", "peak live", 1024, "KiB", 0, {0, 0}},
    {"peak_rss_bytes", "peak RSS", 1024, "KiB", 0, {5, 256 << 10}},
    {"fragmentation", "fragmentation", 1, "x", 3, {10, 0.1}},
    {"retained_bytes", "retained", 1024, "KiB", 0, {10, 256 << 10}},
    {"retained_after_release_bytes",
     "retained after release",
     1024,
     "KiB",
     0,
     {10, 256 << 10}},
};
const size_t pb_gate_metric_count =
    sizeof pb_gate_metrics / sizeof pb_gate_metrics[0];

json_t *pb_gate_default_thresholds(void) {
  json_t *t = json_object();
  for (size_t k = 0; k < pb_gate_metric_count; k++)
    json_object_set_new(
        t, pb_gate_metrics[k].field,
        json_pack("{s:f, s:f}", "percent", pb_gate_metrics[k].threshold.percent,
                  "floor", pb_gate_metrics[k].threshold.floor));
  return t;
}

/* The baseline's threshold for the backend (its own, where the file gives
 * one), else the file's for every backend. */
static pb_threshold threshold_of(json_t *baseline, const char *backend,
                                 const pb_gate_metric *metric) {
  json_t *own = json_object_get(
      json_object_get(json_object_get(baseline, "backend_thresholds"), backend),
      metric->field);
  json_t *t = own ? own
                  : json_object_get(json_object_get(baseline, "thresholds"),
                                    metric->field);
  return (pb_threshold){json_number_value(json_object_get(t, "percent")),
                        json_number_value(json_object_get(t, "floor"))};
}

typedef enum verdict { SAME, WITHIN, REGRESSION, IMPROVED } verdict;

static const char *const verdict_names[] = {"same", "within", "REGRESSION",
                                            "improved"};

static verdict judge(double base, double now, pb_threshold t) {
  double change = now - base;
  if (change == 0) return SAME;
  if (fabs(change) <= t.floor || fabs(change) <= t.percent / 100 * fabs(base))
    return WITHIN;
  return change > 0 ? REGRESSION : IMPROVED;
}

static void format_shown(const pb_gate_metric *metric, double value, char *buf,
                         size_t size) {
  snprintf(buf, size, "%.*f%s%s", metric->decimals, value / metric->divisor,
           *metric->unit ? " " : "", metric->unit);
}

static void format_change(double base, double now, char *buf, size_t size) {
  if (base != 0)
    snprintf(buf, size, "%+.1f%%", 100 * (now - base) / fabs(base));
  else
    snprintf(buf, size, now == 0 ? "0.0%%" : "from 0");
}

/* Appends text to a list, after sep when it is not empty. */
static void append(char **list, const char *sep, const char *text) {
  char *old = *list;
  if (asprintf(list, "%s%s%s", old ? old : "", old ? sep : "", text) < 0)
    pb_fail(PB_EXIT_FAILED, "out of memory");
  free(old);
}

/* "metric change" into the cell's part; the cell's part, "cell (metric
 * change, ...)", into the outcome's list. */
static void note(char **cell_part, const char *metric, const char *change) {
  char *item;
  if (asprintf(&item, "%s %s", metric, change) < 0)
    pb_fail(PB_EXIT_FAILED, "out of memory");
  append(cell_part, ", ", item);
  free(item);
}

static void close_cell(char **list, const char *cell, char *part) {
  if (!part) return;
  char *item;
  if (asprintf(&item, "%s (%s)", cell, part) < 0)
    pb_fail(PB_EXIT_FAILED, "out of memory");
  append(list, "; ", item);
  free(item);
  free(part);
}

static void heading(pb_table *t) {
  static const char *const columns[] = {
      "cell", "metric", "baseline", "now", "change", "threshold", "verdict"};
  t->columns = sizeof columns / sizeof columns[0];
  pb_table_row(t);
  for (size_t c = 0; c < t->columns; c++) {
    pb_table_set(t, c, "%s", columns[c]);
    t->right[c] = c >= 2 && c <= 5;
  }
}

/* The rows of one measured cell against its baseline figures. */
static void compare_cell(const pb_cell *cell, const char *name, json_t *base,
                         json_t *baseline, int changed_only, pb_table *t,
                         pb_gate_outcome *o) {
  char *regressed = NULL, *improved = NULL;
  for (size_t k = 0; k < pb_gate_metric_count; k++) {
    const pb_gate_metric *metric = &pb_gate_metrics[k];
    json_t *b = json_object_get(base, metric->field);
    json_t *x = json_object_get(cell->counted, metric->field);
    if (!json_is_number(b) || !json_is_number(x)) continue;
    double bv = json_number_value(b), xv = json_number_value(x);
    pb_threshold th = threshold_of(baseline, cell->variant->backend, metric);
    verdict v = judge(bv, xv, th);
    if (changed_only && v == SAME) continue;
    char shown_base[48], shown_now[48], change[32], floor[48];
    format_shown(metric, bv, shown_base, sizeof shown_base);
    format_shown(metric, xv, shown_now, sizeof shown_now);
    format_change(bv, xv, change, sizeof change);
    format_shown(metric, th.floor, floor, sizeof floor);
    pb_table_row(t);
    pb_table_set(t, 0, "%s", name);
    pb_table_set(t, 1, "%s", metric->name);
    pb_table_set(t, 2, "%s", shown_base);
    pb_table_set(t, 3, "%s", shown_now);
    pb_table_set(t, 4, "%s", change);
    pb_table_set(t, 5, "%g%%, %s", th.percent, floor);
    pb_table_set(t, 6, "%s", verdict_names[v]);
    if (v == REGRESSION) {
      o->regressions++;
      note(&regressed, metric->name, change);
    } else if (v == IMPROVED) {
      o->improvements++;
      note(&improved, metric->name, change);
    }
  }
  close_cell(&o->regressed, name, regressed);
  close_cell(&o->improved, name, improved);
}

pb_gate_outcome pb_gate_compare(const pb_matrix *m, json_t *baseline,
                                int changed_only, FILE *out) {
  pb_gate_outcome o = {0};
  pb_table t = {0};
  heading(&t);
  json_t *cells = json_object_get(baseline, "cells");
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++) {
      const pb_cell *cell = pb_matrix_cell(m, w, v);
      char name[160];
      snprintf(name, sizeof name, "%s x %s", m->variants[v].label,
               m->workloads[w].name);
      json_t *base = json_object_get(
          json_object_get(cells, m->workloads[w].name), cell->variant->backend);
      if (!cell->counted || !base) {
        pb_table_row(&t);
        pb_table_set(&t, 0, "%s", name);
        if (!cell->counted) {
          pb_table_set(&t, 6, "FAILED: %s", cell->counted_failure);
          o.failed++;
        } else {
          pb_table_set(&t, 6, "new: not in the baseline");
          o.new_cells++;
        }
        continue;
      }
      compare_cell(cell, name, base, baseline, changed_only, &t, &o);
    }
  if (t.rows > 1)
    pb_table_print(&t, out);
  else
    free(t.cells); /* nothing but the heading */
  return o;
}

static double instructions_per_op(const pb_cell *cell) {
  return json_number_value(
      json_object_get(cell->counted, pb_gate_metrics[0].field));
}

size_t pb_gate_check_ceiling(const pb_matrix *m, char **violations) {
  size_t broken = 0;
  *violations = NULL;
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t c = 0; c < m->nvariants; c++) {
      const pb_cell *ceiling = pb_matrix_cell(m, w, c);
      if (!ceiling->counted ||
          !pb_backend_find(m->variants[c].backend)->ceiling)
        continue;
      for (size_t v = 0; v < m->nvariants; v++) {
        const pb_cell *other = pb_matrix_cell(m, w, v);
        if (v == c || !other->counted ||
            instructions_per_op(ceiling) <= instructions_per_op(other))
          continue;
        char *item;
        if (asprintf(&item, "%s x %s (%.2f instructions/op, above %s's %.2f)",
                     m->variants[c].label, m->workloads[w].name,
                     instructions_per_op(ceiling), m->variants[v].label,
                     instructions_per_op(other)) < 0)
          pb_fail(PB_EXIT_FAILED, "out of memory");
        append(violations, "; ", item);
        free(item);
        broken++;
        break;
      }
    }
  return broken;
}
