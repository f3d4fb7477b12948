#include "harness/matrix/analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/fail.h"
#include "harness/statistics/statistics.h"

static void analyze_cell(const pb_matrix *m, size_t w, size_t v,
                         pb_cell_analysis *c) {
  const pb_cell *cell = pb_matrix_cell(m, w, v);
  const pb_cell *ref =
      pb_matrix_cell(m, w, (size_t)(m->reference - m->variants));
  pb_suite suite = m->workloads[w].suite;
  for (int k = 0; k < PB_METRIC_COUNT; k++) {
    const pb_metric *metric = &pb_metrics[k];
    c->summarized[k] = pb_metric_in_runs(metric, suite) &&
                       pb_summarize(m, w, v, metric, &c->summary[k]) == 0;
    double x = pb_cell_counted(cell, metric),
           base = pb_cell_counted(ref, metric);
    c->counted_ratio[k] =
        pb_metric_in_counted(metric, suite) && base != 0 ? x / base : NAN;
  }
  c->disturbed_runs = pb_cell_disturbed(m, cell);
  c->interrupted = pb_cell_interrupted(m, cell);
  c->failure = pb_cell_failure(m, cell);
}

const char *const pb_question_names[PB_QUESTION_COUNT] = {
    [PB_QUESTION_TIME] = "time",
    [PB_QUESTION_PEAK_RSS] = "peak RSS",
    [PB_QUESTION_RETAINED] = "retained",
    [PB_QUESTION_INSTRUCTIONS] = "instructions",
};

/* The metric a question asks of workload w's suite, and whether it is
 * counted; NULL when the question does not apply. */
static const pb_metric *question_metric(const pb_matrix *m, size_t w,
                                        pb_question q, int *counted) {
  pb_suite suite = m->workloads[w].suite;
  const pb_metric *metric = NULL;
  *counted = 0;
  switch (q) {
    case PB_QUESTION_TIME:
      metric = pb_basis_metric(PB_BASIS_CPU, suite);
      break;
    case PB_QUESTION_PEAK_RSS:
      metric = &pb_metrics[PB_METRIC_PEAK_RSS];
      break;
    case PB_QUESTION_RETAINED:
      metric = &pb_metrics[PB_METRIC_RETAINED];
      break;
    default:
      *counted = 1;
      return m->counted ? pb_basis_metric(PB_BASIS_INSTRUCTIONS, suite) : NULL;
  }
  return metric && pb_metric_in_runs(metric, suite) ? metric : NULL;
}

/* The figure a verdict compares: a timed metric's median, a counted one's
 * value; NAN when there is none. */
static double figure(const pb_analysis *a, size_t w, size_t v,
                     const pb_metric *metric, int is_counted) {
  const pb_cell_analysis *c = &a->cells[w * a->m->nvariants + v];
  if (is_counted) return pb_cell_counted(pb_matrix_cell(a->m, w, v), metric);
  int k = (int)(metric - pb_metrics);
  return c->summarized[k] ? c->summary[k].median : NAN;
}

static void judge(const pb_analysis *a, size_t w, pb_question q,
                  pb_verdict *out) {
  const pb_matrix *m = a->m;
  int is_counted;
  *out =
      (pb_verdict){.best = -1, .runner_up = -1, .p_value = NAN, .margin = NAN};
  out->metric = question_metric(m, w, q, &is_counted);
  if (!out->metric) return;
  for (size_t v = 0; v < m->nvariants; v++) {
    double x = figure(a, w, v, out->metric, is_counted);
    if (m->variants[v].ceiling || isnan(x)) continue;
    if (out->best < 0 ||
        x < figure(a, w, (size_t)out->best, out->metric, is_counted)) {
      out->runner_up = out->best;
      out->best = (long)v;
    } else if (out->runner_up < 0 || x < figure(a, w, (size_t)out->runner_up,
                                                out->metric, is_counted)) {
      out->runner_up = (long)v;
    }
  }
  if (out->best < 0 || out->runner_up < 0) return;
  double best = figure(a, w, (size_t)out->best, out->metric, is_counted);
  double next = figure(a, w, (size_t)out->runner_up, out->metric, is_counted);
  out->margin = best > 0 ? next / best - 1 : NAN;
  if (is_counted) {
    out->clear = out->margin > PB_VERDICT_COUNTED_SHARE;
    return;
  }
  int k = (int)(out->metric - pb_metrics);
  const pb_summary *b =
      &a->cells[w * m->nvariants + (size_t)out->best].summary[k];
  const pb_summary *r =
      &a->cells[w * m->nvariants + (size_t)out->runner_up].summary[k];
  double bv[m->runs_per_cell], rv[m->runs_per_cell];
  size_t nb = pb_cell_values(m, pb_matrix_cell(m, w, (size_t)out->best),
                             out->metric, bv);
  size_t nr = pb_cell_values(m, pb_matrix_cell(m, w, (size_t)out->runner_up),
                             out->metric, rv);
  out->p_value = pb_mann_whitney(bv, nb, rv, nr).p_value;
  out->clear = b->ci_high < r->ci_low && out->p_value < PB_VERDICT_P;
}

/* A real program's line: the best alternative to the reference. */
static void judge_program(const pb_analysis *a, size_t w,
                          pb_program_verdict *p) {
  const pb_matrix *m = a->m;
  size_t ref = (size_t)(m->reference - m->variants);
  pb_question q = m->counted ? PB_QUESTION_INSTRUCTIONS : PB_QUESTION_TIME;
  int is_counted;
  const pb_metric *metric = question_metric(m, w, q, &is_counted);
  *p = (pb_program_verdict){.w = w,
                            .alternative = -1,
                            .instructions_change = NAN,
                            .peak_rss_change = NAN,
                            .allocator_share = NAN};
  for (size_t v = 0; metric && v < m->nvariants; v++) {
    double x = figure(a, w, v, metric, is_counted);
    if (v == ref || m->variants[v].ceiling || isnan(x)) continue;
    if (p->alternative < 0 ||
        x < figure(a, w, (size_t)p->alternative, metric, is_counted))
      p->alternative = (long)v;
  }
  if (p->alternative < 0) return;
  const pb_metric *instructions = &pb_metrics[PB_METRIC_INSTRUCTIONS];
  const pb_metric *peak = &pb_metrics[PB_METRIC_PEAK_RSS];
  size_t alt = (size_t)p->alternative;
  double ri = pb_cell_counted(pb_matrix_cell(m, w, ref), instructions);
  double ai = pb_cell_counted(pb_matrix_cell(m, w, alt), instructions);
  if (ri > 0) p->instructions_change = ai / ri - 1;
  double rp = figure(a, w, ref, peak, 0), ap = figure(a, w, alt, peak, 0);
  if (rp > 0) p->peak_rss_change = ap / rp - 1;
  p->allocator_share = pb_cell_counted(pb_matrix_cell(m, w, ref),
                                       &pb_metrics[PB_METRIC_ALLOCATOR_SHARE]);
}

void pb_analysis_compute(const pb_matrix *m, pb_analysis *a) {
  memset(a, 0, sizeof *a);
  a->m = m;
  size_t ncells = m->nworkloads * m->nvariants;
  a->cells = calloc(ncells ? ncells : 1, sizeof *a->cells);
  if (!a->cells) pb_fail(PB_EXIT_FAILED, "out of memory");
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++)
      analyze_cell(m, w, v, &a->cells[w * m->nvariants + v]);
  a->runs_done = pb_matrix_runs_done(m);
  a->runs_planned = pb_matrix_runs_planned(m);
  a->disturbed_runs = pb_matrix_disturbed(m);
  for (size_t c = 0; c < ncells; c++)
    a->failed_cells += m->cells[c].failed != 0;
  a->primary = m->counted ? PB_BASIS_INSTRUCTIONS : PB_BASIS_CPU;
  for (pb_basis b = PB_BASIS_NONE + 1; b < PB_BASIS_COUNT; b++) {
    if (pb_basis_counted(b) && !m->counted) continue;
    pb_agreement_compute(m, b, &a->agreement[b]);
    a->has_agreement[b] = 1;
  }
  a->verdicts = calloc(m->nworkloads ? m->nworkloads : 1, sizeof *a->verdicts);
  a->programs = calloc(m->nworkloads ? m->nworkloads : 1, sizeof *a->programs);
  if (!a->verdicts || !a->programs) pb_fail(PB_EXIT_FAILED, "out of memory");
  for (size_t w = 0; w < m->nworkloads; w++) {
    for (pb_question q = 0; q < PB_QUESTION_COUNT; q++)
      judge(a, w, q, &a->verdicts[w][q]);
    if (!pb_suite_is(m->workloads[w].suite, PB_SUITES_REPLAYED))
      judge_program(a, w, &a->programs[a->nprograms++]);
  }
  pb_scaling_compute(m, &a->scaling);
}

void pb_analysis_free(pb_analysis *a) {
  for (pb_basis b = 0; b < PB_BASIS_COUNT; b++)
    if (a->has_agreement[b]) pb_agreement_free(&a->agreement[b]);
  free(a->cells);
  free(a->verdicts);
  free(a->programs);
  pb_scaling_free(&a->scaling);
  memset(a, 0, sizeof *a);
}
