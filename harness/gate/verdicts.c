#include "harness/gate/verdicts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "allocator/registry.h"
#include "common/fail.h"
#include "harness/gate/baseline.h"
#include "harness/report/table.h"

/* The baseline's threshold for the backend (its own, where the file gives
 * one), else the file's for every backend. */
static pb_threshold threshold_of(json_t *baseline, const char *backend,
                                 const pb_metric *metric) {
  json_t *own = json_object_get(
      json_object_get(json_object_get(baseline, "backend_thresholds"), backend),
      metric->key);
  json_t *t = own ? own
                  : json_object_get(json_object_get(baseline, "thresholds"),
                                    metric->key);
  return (pb_threshold){json_number_value(json_object_get(t, "percent")),
                        json_number_value(json_object_get(t, "floor"))};
}

typedef enum verdict { SAME, WITHIN, NEAR, REGRESSION, IMPROVED } verdict;

static const char *const verdict_names[] = {"same", "within", "near",
                                            "REGRESSION", "improved"};

/* The change a threshold lets pass: its percentage of the baseline value,
 * or its floor, whichever is larger. */
static verdict judge(double base, double now, pb_threshold t) {
  double change = fabs(now - base);
  double allowed = fmax(t.floor, t.percent / 100 * fabs(base));
  if (change == 0) return SAME;
  if (change > allowed) return now > base ? REGRESSION : IMPROVED;
  return change > allowed * 2 / 3 ? NEAR : WITHIN;
}

static int shown(verdict v, pb_gate_rows rows) {
  switch (rows) {
    case PB_GATE_ALL:
      return 1;
    case PB_GATE_MOVED:
      return v != SAME;
    default:
      return v == NEAR || v == REGRESSION || v == IMPROVED;
  }
}

/* A figure as the gate's table shows it: bytes in KiB (a cell at the
 * gate's scale holds a few MiB at most), anything else as stored, with the
 * registry's decimals. */
static void format_shown(const pb_metric *metric, double value, char *buf,
                         size_t size) {
  if (strcmp(metric->unit, "bytes") == 0)
    snprintf(buf, size, "%.0f KiB", value / 1024);
  else if (strcmp(metric->unit, "x") == 0)
    snprintf(buf, size, "%.*f x", metric->decimals, value);
  else
    snprintf(buf, size, "%.*f", metric->decimals, value);
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
                         json_t *baseline, pb_gate_rows rows, pb_table *t,
                         pb_gate_outcome *o) {
  char *regressed = NULL, *improved = NULL;
  int quiet = 1; /* nothing beyond, nor near, a threshold */
  for (int k = 0; k < PB_METRIC_COUNT; k++) {
    const pb_metric *metric = &pb_metrics[k];
    if (!metric->gated) continue;
    json_t *b = json_object_get(base, metric->key);
    json_t *x = json_object_get(cell->counted, metric->key);
    if (!json_is_number(b) || !json_is_number(x)) continue;
    double bv = json_number_value(b), xv = json_number_value(x);
    pb_threshold th = threshold_of(baseline, cell->variant->backend, metric);
    verdict v = judge(bv, xv, th);
    quiet &= v == SAME || v == WITHIN;
    o->near += v == NEAR;
    if (!shown(v, rows)) continue;
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
  o->quiet_cells += quiet;
}

pb_gate_outcome pb_gate_compare(const pb_matrix *m, json_t *baseline,
                                pb_gate_rows rows, FILE *out) {
  pb_gate_outcome o = {0};
  pb_table t = {0};
  heading(&t);
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++) {
      const pb_cell *cell = pb_matrix_cell(m, w, v);
      char name[160];
      snprintf(name, sizeof name, "%s x %s", m->variants[v].label,
               m->workloads[w].name);
      json_t *base = pb_baseline_figures(baseline, m->workloads[w].name,
                                         cell->variant->backend);
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
      compare_cell(cell, name, base, baseline, rows, &t, &o);
    }
  if (t.rows > 1)
    pb_table_print(&t, out);
  else
    free(t.cells); /* nothing but the heading */
  if (rows == PB_GATE_CHANGES)
    fprintf(out, "%s%zu cell%s within their thresholds%s\n",
            t.rows > 1 ? "\n" : "", o.quiet_cells,
            o.quiet_cells == 1 ? "" : "s",
            t.rows > 1 ? " (not shown; --all shows every figure)" : "");
  return o;
}

static double instructions_per_op(const pb_cell *cell) {
  return json_number_value(json_object_get(
      cell->counted, pb_metric_key(PB_METRIC_INSTRUCTIONS_PER_OP)));
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
