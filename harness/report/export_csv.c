#include "harness/report/export_csv.h"

#include <math.h>
#include <string.h>

#include "common/fail.h"
#include "harness/report/exporter.h"

#define RUNS_FILE "latest.csv"
#define SUMMARY_FILE "latest_summary.csv"
#define SCALING_FILE "latest_scaling.csv" /* with threaded workloads */
#define EOL "\r\n"

void pb_csv_field(FILE *out, const char *text) {
  if (!text[strcspn(text, ",\"\r\n")]) {
    fputs(text, out);
    return;
  }
  fputc('"', out);
  for (const char *p = text; *p; p++) {
    if (*p == '"') fputc('"', out);
    fputc(*p, out);
  }
  fputc('"', out);
}

/* A comma, then the number, or nothing when there is none. */
static void number(FILE *out, double x) {
  if (isnan(x))
    fputs(",", out);
  else
    fprintf(out, ",%.10g", x);
}

static void text(FILE *out, const char *s) {
  fputc(',', out);
  pb_csv_field(out, s);
}

/* The metrics some run of the matrix reports: the runs file's columns. */
static int in_any_run(const pb_matrix *m, const pb_metric *metric) {
  for (size_t w = 0; w < m->nworkloads; w++)
    if (pb_metric_applies(metric, &m->workloads[w])) return 1;
  return 0;
}

static void print_runs(const pb_report *r, FILE *out) {
  const pb_matrix *m = r->m;
  fputs("workload,suite,backend,variant,run,status,disturbed", out);
  for (int k = 0; k < PB_METRIC_COUNT; k++)
    if (in_any_run(m, &pb_metrics[k])) text(out, pb_metrics[k].key);
  fputs(EOL, out);
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++) {
      const pb_cell *cell = pb_matrix_cell(m, w, v);
      for (int k = 0; k < m->runs_per_cell; k++) {
        const pb_run *run = &cell->runs[k];
        pb_csv_field(out, m->workloads[w].name);
        text(out, pb_suite_names[m->workloads[w].suite]);
        text(out, m->variants[v].backend);
        text(out, m->variants[v].label);
        fprintf(out, ",%d", k + 1);
        text(out, run->ok            ? "ok"
                  : run->interrupted ? "interrupted"
                                     : run->failure);
        text(out, run->ok
                      ? (json_is_true(json_object_get(run->result, "disturbed"))
                             ? "true"
                             : "false")
                      : "");
        for (int j = 0; j < PB_METRIC_COUNT; j++) {
          if (!in_any_run(m, &pb_metrics[j])) continue;
          json_t *x =
              run->ok ? json_object_get(run->result, pb_metrics[j].key) : NULL;
          number(out, json_is_number(x) ? json_number_value(x) : NAN);
        }
        fputs(EOL, out);
      }
    }
}

static void print_summary(const pb_report *r, FILE *out) {
  const pb_matrix *m = r->m;
  fputs(
      "workload,suite,backend,variant,metric,unit,n,median,min,max,ci_low,"
      "ci_high,ci_level,unstable,ratio,p_value,disturbed_runs,interrupted,"
      "failure" EOL,
      out);
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++) {
      const pb_cell_analysis *c = pb_analysis_cell(&r->analysis, w, v);
      for (int k = 0; k < PB_METRIC_COUNT; k++) {
        if (!pb_metric_applies(&pb_metrics[k], &m->workloads[w])) continue;
        const pb_summary *s = &c->summary[k];
        int ok = c->summarized[k];
        pb_csv_field(out, m->workloads[w].name);
        text(out, pb_suite_names[m->workloads[w].suite]);
        text(out, m->variants[v].backend);
        text(out, m->variants[v].label);
        text(out, pb_metrics[k].key);
        text(out, pb_metrics[k].unit);
        fprintf(out, ",%zu", ok ? s->n : 0);
        number(out, ok ? s->median : NAN);
        number(out, ok ? s->min : NAN);
        number(out, ok ? s->max : NAN);
        number(out, ok ? s->ci_low : NAN);
        number(out, ok ? s->ci_high : NAN);
        number(out, ok ? s->ci_level : NAN);
        text(out, ok ? (s->unstable ? "true" : "false") : "");
        number(out, ok ? s->ratio : NAN);
        number(out, ok ? s->p_value : NAN);
        fprintf(out, ",%d", c->disturbed_runs);
        text(out, c->interrupted ? "true" : "false");
        text(out, c->failure);
        fputs(EOL, out);
      }
    }
}

/* One row per threaded workload, variant and thread count
 * (matrix/scaling.h). */
static void print_scaling(const pb_report *r, FILE *out) {
  const pb_scaling *s = &r->analysis.scaling;
  fputs(
      "workload,backend,variant,threads,oversubscribed,ops_per_second,"
      "speedup,base_threads,machine_speedup,cpu_ns_per_op,peak_rss_bytes,"
      "cross_thread_frees,"
      "cross_thread_free_share" EOL,
      out);
  for (size_t k = 0; k < s->nseries; k++) {
    const pb_scaling_series *series = &s->series[k];
    const pb_variant *v = &r->m->variants[series->v];
    for (size_t p = 0; p < series->npoints; p++) {
      const pb_scaling_point *pt = &series->points[p];
      pb_csv_field(out, series->workload);
      text(out, v->backend);
      text(out, v->label);
      fprintf(out, ",%u", pt->threads);
      text(out, pt->oversubscribed ? "true" : "false");
      number(out, pt->ops_per_second);
      number(out, pt->speedup);
      fprintf(out, ",%u", series->base_threads);
      number(out, pt->machine_speedup);
      number(out, pt->cpu_ns_per_op);
      number(out, pt->peak_rss_bytes);
      number(out, pt->cross_thread_frees);
      number(out, pt->cross_thread_free_share);
      fputs(EOL, out);
    }
  }
}

static int render(const pb_report *r, pb_rendered *out) {
  size_t len;
  char *runs = pb_render_to_memory(print_runs, r, &len);
  if (runs) pb_rendered_add(out, RUNS_FILE, runs, len);
  char *summary = runs ? pb_render_to_memory(print_summary, r, &len) : NULL;
  if (!summary) {
    pb_warn("the CSV files: out of memory");
    return -1;
  }
  pb_rendered_add(out, SUMMARY_FILE, summary, len);
  if (r->analysis.scaling.nseries) {
    char *scaling = pb_render_to_memory(print_scaling, r, &len);
    if (!scaling) {
      pb_warn(SCALING_FILE ": out of memory");
      return -1;
    }
    pb_rendered_add(out, SCALING_FILE, scaling, len);
  }
  return 0;
}

static int owns(const char *name) {
  return strcmp(name, RUNS_FILE) == 0 || strcmp(name, SUMMARY_FILE) == 0 ||
         strcmp(name, SCALING_FILE) == 0;
}

const pb_exporter pb_exporter_csv = {"csv", render, owns, 0};
