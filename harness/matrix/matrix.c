/* The cells of the comparison, and reading a metric out of their runs. */
#include "harness/matrix/matrix.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/fail.h"

void pb_matrix_add_cells(pb_matrix *m) {
  m->cells = calloc(m->nworkloads * m->nvariants, sizeof *m->cells);
  if (!m->cells) pb_fail(PB_EXIT_FAILED, "out of memory");
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++) {
      pb_cell *cell = pb_matrix_cell(m, w, v);
      cell->variant = &m->variants[v];
      cell->workload = &m->workloads[w];
      if (m->runs_per_cell == 0) continue;
      cell->runs = calloc((size_t)m->runs_per_cell, sizeof *cell->runs);
      if (!cell->runs) pb_fail(PB_EXIT_FAILED, "out of memory");
    }
}

size_t pb_cell_values(const pb_matrix *m, const pb_cell *cell,
                      const pb_metric *metric, double *values) {
  size_t n = 0;
  for (int r = 0; r < m->runs_per_cell; r++) {
    if (!cell->runs[r].ok) continue;
    json_t *v = json_object_get(cell->runs[r].result, metric->key);
    if (json_is_number(v)) values[n++] = json_number_value(v);
  }
  return n;
}

double pb_cell_counted(const pb_cell *cell, const pb_metric *metric) {
  json_t *x =
      cell->counted ? json_object_get(cell->counted, metric->key) : NULL;
  return json_is_number(x) ? json_number_value(x) : NAN;
}

int pb_metric_applies(const pb_metric *metric, const pb_matrix_workload *w) {
  return pb_metric_in_runs(metric, w->suite);
}

const char *pb_cell_failure(const pb_matrix *m, const pb_cell *cell) {
  for (int r = 0; r < m->runs_per_cell; r++)
    if (!cell->runs[r].ok && !cell->runs[r].interrupted)
      return cell->runs[r].failure;
  return "";
}

size_t pb_matrix_runs_planned(const pb_matrix *m) {
  return m->nworkloads * m->nvariants * (size_t)m->runs_per_cell;
}

size_t pb_matrix_runs_done(const pb_matrix *m) {
  size_t done = 0;
  for (size_t c = 0; c < m->nworkloads * m->nvariants; c++)
    for (int r = 0; r < m->runs_per_cell; r++)
      done += !m->cells[c].runs[r].interrupted;
  return done;
}

size_t pb_matrix_mark_interrupted(pb_matrix *m, int signo) {
  m->interrupted = signo;
  for (size_t c = 0; c < m->nworkloads * m->nvariants; c++)
    for (int r = 0; r < m->runs_per_cell; r++) {
      pb_run *run = &m->cells[c].runs[r];
      /* A run that finished is ok or has a failure; the rest never did. */
      if (!run->ok && !run->failure[0]) run->interrupted = 1;
    }
  return pb_matrix_runs_done(m);
}

int pb_cell_interrupted(const pb_matrix *m, const pb_cell *cell) {
  for (int r = 0; r < m->runs_per_cell; r++)
    if (cell->runs[r].interrupted) return 1;
  return 0;
}

int pb_run_mark_disturbed(const pb_matrix *m, pb_run *run) {
  if (!run->ok) return 0;
  json_t *share =
      json_object_get(run->result, pb_metric_key(PB_METRIC_DESCHEDULED));
  int disturbed = json_is_number(share) &&
                  json_number_value(share) > m->disturbed_threshold;
  json_object_set_new(run->result, "disturbed", json_boolean(disturbed));
  return disturbed;
}

static int run_disturbed(const pb_run *run) {
  return run->ok && json_is_true(json_object_get(run->result, "disturbed"));
}

int pb_cell_disturbed(const pb_matrix *m, const pb_cell *cell) {
  int n = 0;
  for (int r = 0; r < m->runs_per_cell; r++) n += run_disturbed(&cell->runs[r]);
  return n;
}

size_t pb_matrix_disturbed(const pb_matrix *m) {
  size_t n = 0;
  for (size_t c = 0; c < m->nworkloads * m->nvariants; c++)
    n += (size_t)pb_cell_disturbed(m, &m->cells[c]);
  return n;
}
