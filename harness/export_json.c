#include "harness/export_json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/agreement.h"
#include "harness/summary.h"

static json_t *summary_json(const pb_matrix *m, size_t w, size_t v) {
  json_t *obj = json_object();
  for (size_t k = 0; k < pb_metric_count; k++) {
    pb_summary s;
    if (pb_summarize(m, w, v, &pb_metrics[k], &s) != 0) continue;
    json_t *x = json_pack(
        "{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:b}", "n", (json_int_t)s.n,
        "median", s.median, "min", s.min, "max", s.max, "ci_low", s.ci_low,
        "ci_high", s.ci_high, "ci_level", s.ci_level, "unstable", s.unstable);
    if (!isnan(s.ratio)) json_object_set_new(x, "ratio", json_real(s.ratio));
    if (!isnan(s.p_value))
      json_object_set_new(x, "p_value", json_real(s.p_value));
    json_object_set_new(x, "unit", json_string(pb_metrics[k].unit));
    json_object_set_new(obj, pb_metrics[k].field, x);
  }
  return obj;
}

/* Present only when the comparison was stopped early. */
static json_t *interrupted_json(const pb_matrix *m) {
  char signal[32];
  snprintf(signal, sizeof signal, "SIG%s", sigabbrev_np(m->interrupted));
  return json_pack("{s:s, s:I, s:I}", "signal", signal, "runs_done",
                   (json_int_t)pb_matrix_runs_done(m), "runs_planned",
                   (json_int_t)pb_matrix_runs_planned(m));
}

json_t *pb_export_json(const pb_matrix *m, json_t *machine) {
  json_t *allocators = json_object();
  for (size_t v = 0; v < m->nvariants; v++)
    json_object_set(allocators, m->variants[v].label, m->variants[v].identity);
  json_t *cells = json_array();
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++) {
      const pb_cell *cell = pb_matrix_cell(m, w, v);
      json_t *runs = json_array();
      for (int r = 0; r < m->runs_per_cell; r++) {
        const pb_run *run = &cell->runs[r];
        json_array_append_new(runs,
                              run->ok ? json_incref(run->result)
                              : run->interrupted
                                  ? json_pack("{s:b}", "interrupted", 1)
                                  : json_pack("{s:s}", "failed", run->failure));
      }
      json_array_append_new(
          cells,
          json_pack("{s:s, s:s, s:f, s:s, s:s, s:b, s:o, s:o}", "workload",
                    m->workloads[w].name, "suite",
                    pb_suite_names[m->workloads[w].suite], "scale",
                    m->workloads[w].scale, "backend", m->variants[v].backend,
                    "variant", m->variants[v].label, "failed", cell->failed,
                    "runs", runs, "summary", summary_json(m, w, v)));
      json_t *last = json_array_get(cells, json_array_size(cells) - 1);
      if (m->counted)
        json_object_set_new(last, "counted",
                            cell->counted ? json_incref(cell->counted)
                                          : json_pack("{s:s}", "failed",
                                                      cell->counted_failure));
    }
  json_t *root =
      json_pack("{s:s, s:O, s:O, s:s, s:o, s:o, s:o}", "poolbench", "1",
                "machine", machine, "options", m->options, "reference",
                m->reference->label, "allocators", allocators, "cells", cells,
                "agreement", pb_agreement_json(m));
  if (m->interrupted)
    json_object_set_new(root, "interrupted", interrupted_json(m));
  return root;
}
