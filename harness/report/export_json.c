#include "harness/report/export_json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/matrix/agreement.h"
#include "harness/matrix/summary.h"

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

static json_t *tau_json(double tau) {
  return isnan(tau) ? json_null() : json_real(tau);
}

/* The agreement on every basis, one object per basis and workload. */
static json_t *agreement_json(const pb_matrix *m) {
  json_t *all = json_array();
  for (size_t b = 0; b < pb_agreement_basis_count; b++) {
    if (pb_agreement_bases[b].counted && !m->counted) continue;
    pb_agreement a;
    pb_agreement_compute(m, &pb_agreement_bases[b], &a);
    for (size_t k = 0; k < a.count; k++) {
      const pb_workload_agreement *wa = &a.workloads[k];
      json_t *rankings = json_object();
      for (pb_suite s = 0; s < PB_SUITE_COUNT; s++) {
        if (!wa->present[s]) continue;
        json_t *order = json_array();
        for (size_t i = 0; i < wa->ranking[s].n; i++)
          json_array_append_new(
              order, json_string(m->variants[wa->ranking[s].order[i]].label));
        json_object_set_new(rankings, pb_suite_names[s], order);
      }
      json_t *pairs = json_array();
      for (size_t p = 0; p < wa->npairs; p++) {
        const pb_ranking_pair *rp = &wa->pair[p];
        json_t *flips = json_array();
        for (size_t d = 0; d < rp->ndiscordant; d++)
          json_array_append_new(
              flips, json_pack("{s:s, s:s, s:b}", "a",
                               m->variants[rp->discordant[d][0]].label, "b",
                               m->variants[rp->discordant[d][1]].label,
                               "within_noise", rp->within_noise[d]));
        json_array_append_new(
            pairs,
            json_pack("{s:s, s:s, s:o, s:o, s:o}", "a", pb_suite_names[rp->a],
                      "b", pb_suite_names[rp->b], "tau_b",
                      tau_json(rp->strict.tau_b), "tau_b_noise_as_ties",
                      tau_json(rp->noise.tau_b), "discordant", flips));
      }
      json_array_append_new(
          all,
          json_pack("{s:s, s:s, s:o, s:o}", "basis", a.basis->name, "workload",
                    wa->workload, "rankings", rankings, "pairs", pairs));
    }
    pb_agreement_free(&a);
  }
  return all;
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
  json_t *root = json_pack(
      "{s:s, s:O, s:O, s:s, s:o, s:o, s:o}", "poolbench", "1", "machine",
      machine, "options", m->options, "reference", m->reference->label,
      "allocators", allocators, "cells", cells, "agreement", agreement_json(m));
  if (m->interrupted)
    json_object_set_new(root, "interrupted", interrupted_json(m));
  return root;
}
