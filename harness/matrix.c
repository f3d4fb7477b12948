/* The metrics of the comparison, and reading them out of a cell's runs. */
#include "harness/matrix.h"

const pb_metric pb_metrics[] = {
    {"ns_per_op", "Throughput", "ns/op", 1, 1},
    {"peak_rss_bytes", "Peak RSS", "MiB", 1 << 20, 1},
    {"fragmentation", "Fragmentation: peak RSS / peak live bytes", "x", 1, 1},
    {"retained_bytes", "Retained after teardown (all blocks freed)", "MiB",
     1 << 20, 1},
    {"retained_after_release_bytes", "Retained after release()", "MiB", 1 << 20,
     1},
};
const size_t pb_metric_count = sizeof pb_metrics / sizeof pb_metrics[0];

size_t pb_cell_values(const pb_matrix *m, const pb_cell *cell,
                      const pb_metric *metric, double *values) {
  size_t n = 0;
  for (int r = 0; r < m->runs_per_cell; r++) {
    if (!cell->runs[r].ok) continue;
    json_t *v = json_object_get(cell->runs[r].result, metric->field);
    if (json_is_number(v)) values[n++] = json_number_value(v) / metric->divisor;
  }
  return n;
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
