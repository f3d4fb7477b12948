#include "harness/report/export_csv.h"

/* Fields of the runner's JSON that follow the metrics in every row. */
static const char *const extra_fields[] = {"ops", "peak_live_bytes"};
#define EXTRA_FIELDS (sizeof extra_fields / sizeof extra_fields[0])

static void number_field(const pb_run *run, const char *field, FILE *out) {
  json_t *x = run->ok ? json_object_get(run->result, field) : NULL;
  if (json_is_number(x))
    fprintf(out, ",%.10g", json_number_value(x));
  else
    fputs(",", out);
}

void pb_export_csv(const pb_matrix *m, FILE *out) {
  fputs("workload,backend,variant,run,status", out);
  for (size_t k = 0; k < pb_metric_count; k++)
    fprintf(out, ",%s", pb_metrics[k].field);
  for (size_t e = 0; e < EXTRA_FIELDS; e++)
    fprintf(out, ",%s", extra_fields[e]);
  fputs(",suite\n", out);
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++) {
      const pb_cell *cell = pb_matrix_cell(m, w, v);
      for (int r = 0; r < m->runs_per_cell; r++) {
        const pb_run *run = &cell->runs[r];
        fprintf(out, "%s,%s,\"%s\",%d,\"%s\"", m->workloads[w].name,
                m->variants[v].backend, m->variants[v].label, r + 1,
                run->ok            ? "ok"
                : run->interrupted ? "interrupted"
                                   : run->failure);
        for (size_t k = 0; k < pb_metric_count; k++)
          number_field(run, pb_metrics[k].field, out);
        for (size_t e = 0; e < EXTRA_FIELDS; e++)
          number_field(run, extra_fields[e], out);
        fprintf(out, ",%s\n", pb_suite_names[m->workloads[w].suite]);
      }
    }
}
