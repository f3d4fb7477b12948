/* The metrics of the comparison, and reading them out of a cell's runs. */
#include "harness/matrix/matrix.h"

#include <stdlib.h>
#include <string.h>

#include "common/fail.h"

/* Replays (synthetic and captured traces) and real programs. */
#define REPLAYS \
  (PB_SUITE_BIT(PB_SUITE_SYNTHETIC) | PB_SUITE_BIT(PB_SUITE_CAPTURED))
#define REAL PB_SUITE_BIT(PB_SUITE_REAL)

const pb_metric pb_metrics[] = {
    {"ns_per_op", "Throughput", "ns/op", 1, 1, 1, REPLAYS},
    {"cpu_ns_per_op",
     "Throughput on CPU time (the replay's CPU time: what a descheduled run "
     "does not inflate)",
     "ns/op", 1, 1, 1, REPLAYS},
    {"peak_rss_bytes", "Peak RSS", "MiB", 1 << 20, 1, 0, REPLAYS | REAL},
    {"fragmentation", "Fragmentation: peak RSS / peak live bytes", "x", 1, 1, 0,
     REPLAYS},
    {"retained_bytes", "Retained after teardown (all blocks freed)", "MiB",
     1 << 20, 1, 0, REPLAYS},
    {"retained_after_release_bytes", "Retained after release()", "MiB", 1 << 20,
     1, 0, REPLAYS},
    {"program_cpu_seconds", "Real programs: CPU time (user + system)", "s", 1,
     1, 0, REAL},
    {"program_wall_seconds", "Real programs: wall time", "s", 1, 1, 0, REAL},
};
const size_t pb_metric_count = sizeof pb_metrics / sizeof pb_metrics[0];

const pb_metric *pb_metric_find(const char *field) {
  for (size_t k = 0; k < pb_metric_count; k++)
    if (strcmp(pb_metrics[k].field, field) == 0) return &pb_metrics[k];
  return NULL;
}

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
    json_t *v = json_object_get(cell->runs[r].result, metric->field);
    if (json_is_number(v)) values[n++] = json_number_value(v) / metric->divisor;
  }
  return n;
}

int pb_metric_applies(const pb_metric *metric, const pb_matrix_workload *w) {
  return (metric->suites & PB_SUITE_BIT(w->suite)) != 0;
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
  json_t *share = json_object_get(run->result, "descheduled_share");
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
