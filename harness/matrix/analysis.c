#include "harness/matrix/analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/fail.h"

/* The cell's counted figure, or NAN. */
static double counted(const pb_cell *cell, const pb_metric *metric) {
  json_t *x =
      cell->counted ? json_object_get(cell->counted, metric->key) : NULL;
  return json_is_number(x) ? json_number_value(x) : NAN;
}

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
    double x = counted(cell, metric), base = counted(ref, metric);
    c->counted_ratio[k] =
        pb_metric_in_counted(metric, suite) && base != 0 ? x / base : NAN;
  }
  c->disturbed_runs = pb_cell_disturbed(m, cell);
  c->interrupted = pb_cell_interrupted(m, cell);
  c->failure = pb_cell_failure(m, cell);
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
}

void pb_analysis_free(pb_analysis *a) {
  for (pb_basis b = 0; b < PB_BASIS_COUNT; b++)
    if (a->has_agreement[b]) pb_agreement_free(&a->agreement[b]);
  free(a->cells);
  memset(a, 0, sizeof *a);
}
