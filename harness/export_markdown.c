#include "harness/export_markdown.h"

#include <math.h>
#include <string.h>

#include "harness/agreement.h"
#include "harness/summary.h"
#include "harness/table.h"

static void metric_table(const pb_matrix *m, const pb_metric *metric,
                         FILE *out) {
  int applies = 0;
  for (size_t w = 0; w < m->nworkloads; w++)
    applies |= pb_metric_applies(metric, &m->workloads[w]);
  if (!applies) return;
  int throughput = metric == &pb_metrics[0];
  fprintf(out, "### %s (%s; %s is better)\n\n", metric->title, metric->unit,
          metric->lower_is_better ? "lower" : "higher");
  pb_table t = {.columns = throughput ? 9 : 8};
  size_t c = 0;
  pb_table_row(&t);
  pb_table_set(&t, c++, "workload");
  pb_table_set(&t, c++, "backend");
  t.right[c] = 1;
  pb_table_set(&t, c++, "median");
  if (throughput) {
    t.right[c] = 1;
    pb_table_set(&t, c++, "Mops/s");
  }
  t.right[c] = 1;
  pb_table_set(&t, c++, "min-max");
  t.right[c] = 1;
  pb_table_set(&t, c++, "CI");
  t.right[c] = 1;
  pb_table_set(&t, c++, "vs %s", m->reference->label);
  t.right[c] = 1;
  pb_table_set(&t, c++, "p");
  pb_table_set(&t, c++, "note");

  for (size_t w = 0; w < m->nworkloads; w++) {
    if (!pb_metric_applies(metric, &m->workloads[w])) continue;
    for (size_t v = 0; v < m->nvariants; v++) {
      const pb_cell *cell = pb_matrix_cell(m, w, v);
      pb_summary s;
      pb_table_row(&t);
      c = 0;
      pb_table_set(&t, c++, "%s", m->workloads[w].name);
      pb_table_set(&t, c++, "%s", m->variants[v].label);
      if (pb_summarize(m, w, v, metric, &s) != 0) {
        if (cell->failed)
          pb_table_set(&t, t.columns - 1, "FAILED: %s",
                       pb_cell_failure(m, cell));
        else
          pb_table_set(&t, t.columns - 1, "not run (interrupted)");
        continue;
      }
      char med[32], lo[32], hi[32], cl[32], ch[32];
      pb_format_value(med, sizeof med, s.median);
      pb_format_value(lo, sizeof lo, s.min);
      pb_format_value(hi, sizeof hi, s.max);
      pb_format_value(cl, sizeof cl, s.ci_low);
      pb_format_value(ch, sizeof ch, s.ci_high);
      pb_table_set(&t, c++, "%s", med);
      if (throughput)
        pb_table_set(&t, c++, "%.1f", s.median > 0 ? 1e3 / s.median : 0);
      pb_table_set(&t, c++, "%s-%s", lo, hi);
      pb_table_set(&t, c++, "%s-%s", cl, ch);
      if (isnan(s.ratio))
        pb_table_set(&t, c++, "-");
      else
        pb_table_set(&t, c++, "%.2fx", s.ratio);
      if (isnan(s.p_value))
        pb_table_set(&t, c++, "-");
      else
        pb_table_set(&t, c++, "%.3f", s.p_value);
      char note[PB_TABLE_CELL_MAX] = "";
      if (s.unstable) strcat(note, "unstable ");
      if (cell->failed) strcat(note, "some runs failed ");
      if (pb_cell_interrupted(m, cell)) strcat(note, "interrupted ");
      pb_table_set(&t, c++, "%s", note);
    }
  }
  pb_table_print(&t, out);
  fputc('\n', out);
}

/* An interrupted comparison says so before anything else. */
static void interrupted_banner(const pb_matrix *m, FILE *out) {
  if (!m->interrupted) return;
  fprintf(out,
          "**Interrupted** (SIG%s) after %zu of %zu runs: the tables hold "
          "the runs that finished; the others are marked interrupted.\n\n",
          sigabbrev_np(m->interrupted), pb_matrix_runs_done(m),
          pb_matrix_runs_planned(m));
}

void pb_export_markdown(const pb_matrix *m, FILE *out) {
  int runs = m->runs_per_cell;
  interrupted_banner(m, out);
  fprintf(out,
          "## poolbench: %zu backends x %zu workloads, %d runs each\n\n"
          "Median of the runs; min-max; a distribution-free confidence "
          "interval of the median (order statistics; with %d runs it covers "
          "%.1f%%); ratio of medians against %s; p: two-sided Mann-Whitney U "
          "against %s (small p: the difference is not noise; with fewer than "
          "4 runs a side no p reaches 0.05). \"unstable\": the runs' "
          "standard deviation exceeds %.0f%% of their mean (pyperf's "
          "check).\n\n",
          m->nvariants, m->nworkloads, runs, runs,
          pb_summary_ci_level((size_t)runs) * 100, m->reference->label,
          m->reference->label, m->unstable_threshold * 100);
  fputs("Workloads and the scale of their traces:", out);
  for (size_t w = 0; w < m->nworkloads; w++)
    fprintf(out, "%s %s %g", w ? "," : "", m->workloads[w].name,
            m->workloads[w].scale);
  fputs(".\n\n", out);
  for (size_t k = 0; k < pb_metric_count; k++)
    metric_table(m, &pb_metrics[k], out);
  pb_agreement_markdown(m, out);
}
