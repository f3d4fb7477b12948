#include "harness/report/export_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fail.h"
#include "harness/report/exporter.h"

#define JSON_FILE "latest.json"

static json_t *real_or_null(double x) {
  return isnan(x) ? json_null() : json_real(x);
}

/* Each metric's summary, in the metric's own unit (metrics.h). */
static json_t *summary_json(const pb_cell_analysis *c) {
  json_t *obj = json_object();
  for (int k = 0; k < PB_METRIC_COUNT; k++) {
    if (!c->summarized[k]) continue;
    const pb_summary *s = &c->summary[k];
    json_t *x =
        json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:b}", "n",
                  (json_int_t)s->n, "median", s->median, "min", s->min, "max",
                  s->max, "ci_low", s->ci_low, "ci_high", s->ci_high,
                  "ci_level", s->ci_level, "unstable", s->unstable);
    if (!isnan(s->ratio)) json_object_set_new(x, "ratio", json_real(s->ratio));
    if (!isnan(s->p_value))
      json_object_set_new(x, "p_value", json_real(s->p_value));
    json_object_set_new(x, "unit", json_string(pb_metrics[k].unit));
    json_object_set_new(obj, pb_metrics[k].key, x);
  }
  return obj;
}

/* The counted figures' ratios against the reference's. */
static json_t *counted_ratios_json(const pb_cell_analysis *c) {
  json_t *obj = json_object();
  for (int k = 0; k < PB_METRIC_COUNT; k++)
    if (!isnan(c->counted_ratio[k]))
      json_object_set_new(obj, pb_metrics[k].key,
                          json_real(c->counted_ratio[k]));
  return obj;
}

/* One object per basis and workload: the rankings, each backend's ratio
 * against the reference in each suite, tau_b of every two suites with the
 * pairs they flip, the basis's target and whether the workload misses it
 * ("disagrees"). */
static json_t *agreement_json(const pb_report *r) {
  const pb_matrix *m = r->m;
  json_t *all = json_array();
  for (pb_basis b = 0; b < PB_BASIS_COUNT; b++) {
    if (!r->analysis.has_agreement[b]) continue;
    const pb_agreement *a = &r->analysis.agreement[b];
    for (size_t k = 0; k < a->count; k++) {
      const pb_workload_agreement *wa = &a->workloads[k];
      json_t *rankings = json_object(), *ratios = json_object();
      for (pb_suite s = 0; s < PB_SUITE_COUNT; s++) {
        if (!wa->present[s]) continue;
        json_t *order = json_array(), *ratio = json_object();
        for (size_t i = 0; i < wa->ranking[s].n; i++) {
          size_t v = wa->ranking[s].order[i];
          json_array_append_new(order, json_string(m->variants[v].label));
          json_object_set_new(ratio, m->variants[v].label,
                              real_or_null(wa->ranking[s].ratio[v]));
        }
        json_object_set_new(rankings, pb_suite_names[s], order);
        json_object_set_new(ratios, pb_suite_names[s], ratio);
      }
      pb_basis_target target = pb_basis_target_of(b);
      json_t *target_json =
          target.a == target.b
              ? json_null()
              : json_pack("{s:s, s:s, s:b, s:o, s:f, s:o, s:o}", "a",
                          pb_suite_names[target.a], "b",
                          pb_suite_names[target.b], "judged", wa->judged,
                          "tau_b", real_or_null(wa->target_tau),
                          "tau_b_at_least", PB_AGREEMENT_TARGET_TAU,
                          "ratio_within", real_or_null(target.ratio_within),
                          "ratio_gap", real_or_null(wa->target_ratio_gap));
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
                      real_or_null(rp->strict.tau_b), "tau_b_noise_as_ties",
                      real_or_null(rp->noise.tau_b), "discordant", flips));
      }
      json_array_append_new(
          all, json_pack(
                   "{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:b}",
                   "basis", pb_basis_names[b], "reference", m->reference->label,
                   "workload", wa->workload, "rankings", rankings, "ratios",
                   ratios, "pairs", pairs, "synthetic_real_tau_b",
                   real_or_null(wa->synthetic_real_tau), "target", target_json,
                   "disagrees", wa->disagrees, "profiles_shown",
                   wa->disagrees && b == r->analysis.primary));
    }
  }
  return all;
}

/* The verdict, as latest.md's section shows it (matrix/analysis.h). */
static json_t *verdict_json(const pb_report *r) {
  const pb_matrix *m = r->m;
  const pb_analysis *a = &r->analysis;
  json_t *questions = json_array();
  for (size_t w = 0; w < m->nworkloads; w++)
    for (pb_question q = 0; q < PB_QUESTION_COUNT; q++) {
      const pb_verdict *v = &a->verdicts[w][q];
      if (!v->metric || v->best < 0) continue;
      json_array_append_new(
          questions,
          json_pack(
              "{s:s, s:s, s:s, s:s, s:o, s:o, s:b, s:o, s:o}", "workload",
              m->workloads[w].name, "question", pb_question_names[q], "metric",
              v->metric->key, "best", m->variants[v->best].label, "runner_up",
              v->runner_up >= 0 ? json_string(m->variants[v->runner_up].label)
                                : json_null(),
              "best_if_clear",
              v->clear ? json_string(m->variants[v->best].label) : json_null(),
              "clear", v->clear, "margin", real_or_null(v->margin), "p_value",
              real_or_null(v->p_value)));
    }
  json_t *programs = json_array();
  for (size_t p = 0; p < a->nprograms; p++) {
    const pb_program_verdict *pv = &a->programs[p];
    if (pv->alternative < 0) continue;
    json_array_append_new(
        programs,
        json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "program",
                  m->workloads[pv->w].workload, "against", m->reference->label,
                  "alternative", m->variants[pv->alternative].label,
                  "instructions_change", real_or_null(pv->instructions_change),
                  "peak_rss_change", real_or_null(pv->peak_rss_change),
                  "allocator_share", real_or_null(pv->allocator_share)));
  }
  return json_pack("{s:o, s:o, s:f, s:f}", "questions", questions, "programs",
                   programs, "p_below", PB_VERDICT_P, "counted_within",
                   PB_VERDICT_COUNTED_SHARE);
}

/* Present only when the comparison was stopped early. */
/* matrix/scaling.h: null figures where a cell had no good run. */
static json_t *scaling_json(const pb_report *r) {
  const pb_scaling *s = &r->analysis.scaling;
  json_t *series = json_array();
  for (size_t k = 0; k < s->nseries; k++) {
    const pb_scaling_series *one = &s->series[k];
    json_t *points = json_array();
    for (size_t p = 0; p < one->npoints; p++) {
      const pb_scaling_point *pt = &one->points[p];
      json_t *point = json_pack(
          "{s:I, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "threads",
          (json_int_t)pt->threads, "oversubscribed", pt->oversubscribed,
          "ops_per_second", real_or_null(pt->ops_per_second), "speedup",
          real_or_null(pt->speedup), "machine_speedup",
          real_or_null(pt->machine_speedup), "cpu_ns_per_op",
          real_or_null(pt->cpu_ns_per_op), "peak_rss_bytes",
          real_or_null(pt->peak_rss_bytes), "cross_thread_frees",
          real_or_null(pt->cross_thread_frees), "cross_thread_free_share",
          real_or_null(pt->cross_thread_free_share));
      json_array_append_new(points, point);
    }
    json_array_append_new(
        series,
        json_pack("{s:s, s:s, s:I, s:o}", "workload", one->workload, "variant",
                  r->m->variants[one->v].label, "base_threads",
                  (json_int_t)one->base_threads, "points", points));
  }
  return json_pack("{s:I, s:o}", "cpus", (json_int_t)s->cpus, "series", series);
}

static json_t *interrupted_json(const pb_report *r) {
  char signal[32];
  snprintf(signal, sizeof signal, "SIG%s", sigabbrev_np(r->m->interrupted));
  return json_pack("{s:s, s:I, s:I}", "signal", signal, "runs_done",
                   (json_int_t)r->analysis.runs_done, "runs_planned",
                   (json_int_t)r->analysis.runs_planned);
}

static json_t *cell_json(const pb_report *r, size_t w, size_t v) {
  const pb_matrix *m = r->m;
  const pb_cell *cell = pb_matrix_cell(m, w, v);
  const pb_cell_analysis *c = pb_analysis_cell(&r->analysis, w, v);
  json_t *runs = json_array();
  for (int k = 0; k < m->runs_per_cell; k++) {
    const pb_run *run = &cell->runs[k];
    json_array_append_new(
        runs, run->ok            ? json_incref(run->result)
              : run->interrupted ? json_pack("{s:b}", "interrupted", 1)
                                 : json_pack("{s:s}", "failed", run->failure));
  }
  json_t *j = json_pack(
      "{s:s, s:s, s:f, s:s, s:s, s:b, s:s, s:b, s:i, s:o, s:o}", "workload",
      m->workloads[w].name, "suite", pb_suite_names[m->workloads[w].suite],
      "scale", m->workloads[w].scale, "backend", m->variants[v].backend,
      "variant", m->variants[v].label, "failed", cell->failed, "failure",
      c->failure, "interrupted", c->interrupted, "disturbed_runs",
      c->disturbed_runs, "runs", runs, "summary", summary_json(c));
  if (m->counted) {
    json_object_set_new(
        j, "counted",
        cell->counted ? json_incref(cell->counted)
        : cell->counted_interrupted
            ? json_pack("{s:b}", "interrupted", 1)
            : json_pack("{s:s}", "failed", cell->counted_failure));
    json_object_set_new(j, "counted_ratio", counted_ratios_json(c));
  }
  return j;
}

json_t *pb_export_json(const pb_report *r) {
  const pb_matrix *m = r->m;
  json_t *allocators = json_object();
  for (size_t v = 0; v < m->nvariants; v++)
    json_object_set(allocators, m->variants[v].label, m->variants[v].identity);
  json_t *cells = json_array();
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++)
      json_array_append_new(cells, cell_json(r, w, v));
  json_t *root = json_pack(
      "{s:s, s:O, s:O, s:O, s:s, s:o, s:o, s:f, s:f, s:I, s:I, s:o}",
      "poolbench", "1", "machine", r->machine, "provenance", r->provenance,
      "options", m->options, "reference", m->reference->label, "allocators",
      allocators, "cells", cells, "unstable_threshold", m->unstable_threshold,
      "disturbed_threshold", m->disturbed_threshold, "disturbed_runs",
      (json_int_t)r->analysis.disturbed_runs, "failed_cells",
      (json_int_t)r->analysis.failed_cells, "agreement", agreement_json(r));
  json_object_set_new(root, "verdict", verdict_json(r));
  json_object_set_new(root, "agreement_target_tau_b",
                      json_real(PB_AGREEMENT_TARGET_TAU));
  if (r->analysis.scaling.nseries)
    json_object_set_new(root, "scaling", scaling_json(r));
  if (m->interrupted)
    json_object_set_new(root, "interrupted", interrupted_json(r));
  return root;
}

static int render(const pb_report *r, pb_rendered *out) {
  json_t *root = pb_export_json(r);
  char *text = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
  json_decref(root);
  if (!text) {
    pb_warn(JSON_FILE ": out of memory");
    return -1;
  }
  pb_rendered_add(out, JSON_FILE, text, strlen(text));
  return 0;
}

static int owns(const char *name) { return strcmp(name, JSON_FILE) == 0; }

const pb_exporter pb_exporter_json = {"json", render, owns, 0};
