#include "harness/report/export_markdown.h"

#include <math.h>
#include <string.h>

#include "common/fail.h"
#include "harness/report/agreement_markdown.h"
#include "harness/report/exporter.h"
#include "harness/report/scaling_markdown.h"
#include "harness/report/table.h"
#include "harness/report/verdict_markdown.h"

#define MARKDOWN_FILE "latest.md"

static void metric_table(const pb_report *rep, const pb_metric *metric,
                         FILE *out) {
  const pb_matrix *m = rep->m;
  int applies = 0;
  for (size_t w = 0; w < m->nworkloads; w++)
    applies |= pb_metric_applies(metric, &m->workloads[w]);
  if (!applies) return;
  int throughput = metric->per_op;
  fprintf(out, "### %s (%s; %s is better)\n\n", metric->title,
          metric->shown_unit, metric->lower_is_better ? "lower" : "higher");
  if (metric->note) fprintf(out, "%s\n\n", metric->note);
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
      const pb_cell_analysis *ca = pb_analysis_cell(&rep->analysis, w, v);
      pb_table_row(&t);
      c = 0;
      pb_table_set(&t, c++, "%s", m->workloads[w].name);
      pb_table_set(&t, c++, "%s", m->variants[v].label);
      if (!ca->summarized[metric - pb_metrics]) {
        if (*ca->failure)
          pb_table_set(&t, t.columns - 1, "FAILED: %s", ca->failure);
        else
          pb_table_set(&t, t.columns - 1, "not run (interrupted)");
        continue;
      }
      const pb_summary *s = &ca->summary[metric - pb_metrics];
      double d = metric->divisor;
      char med[32], lo[32], hi[32], cl[32], ch[32];
      pb_format_value(med, sizeof med, s->median / d);
      pb_format_value(lo, sizeof lo, s->min / d);
      pb_format_value(hi, sizeof hi, s->max / d);
      pb_format_value(cl, sizeof cl, s->ci_low / d);
      pb_format_value(ch, sizeof ch, s->ci_high / d);
      pb_table_set(&t, c++, "%s", med);
      if (throughput)
        pb_table_set(&t, c++, "%.1f", s->median > 0 ? 1e3 / s->median : 0);
      pb_table_set(&t, c++, "%s-%s", lo, hi);
      pb_table_set(&t, c++, "%s-%s", cl, ch);
      if (isnan(s->ratio))
        pb_table_set(&t, c++, "-");
      else
        pb_table_set(&t, c++, "%.2fx", s->ratio);
      if (isnan(s->p_value))
        pb_table_set(&t, c++, "-");
      else
        pb_table_set(&t, c++, "%.3f", s->p_value);
      char note[PB_TABLE_CELL_MAX] = "";
      if (s->unstable) strcat(note, "unstable ");
      if (*ca->failure) strcat(note, "some runs failed ");
      if (ca->interrupted) strcat(note, "interrupted ");
      if (ca->disturbed_runs)
        snprintf(note + strlen(note), sizeof note - strlen(note),
                 "%d disturbed ", ca->disturbed_runs);
      pb_table_set(&t, c++, "%s", note);
    }
  }
  pb_table_print(&t, out);
  fputc('\n', out);
}

/* An interrupted comparison says so before anything else. */
static void interrupted_banner(const pb_report *r, FILE *out) {
  const pb_matrix *m = r->m;
  if (!m->interrupted) return;
  fprintf(out,
          "**Interrupted** (SIG%s) after %zu of %zu runs: the tables hold "
          "the runs that finished; the others are marked interrupted.\n\n",
          sigabbrev_np(m->interrupted), r->analysis.runs_done,
          r->analysis.runs_planned);
}

/* "58 (29 mmap, 28 munmap, 1 brk)": the total and the calls made. */
static void format_syscalls(json_t *counted, char *buf, size_t size) {
  const pb_metric *calls = &pb_metrics[PB_METRIC_MEMORY_SYSCALLS];
  int len = snprintf(
      buf, size, "%lld",
      (long long)json_integer_value(json_object_get(counted, calls->key)));
  const char *name;
  json_t *n;
  int first = 1;
  json_object_foreach(json_object_get(counted, calls->detail), name, n) {
    if (json_integer_value(n) == 0 || len >= (int)size) continue;
    len +=
        snprintf(buf + len, size - (size_t)len, "%s%lld %s",
                 first ? " (" : ", ", (long long)json_integer_value(n), name);
    first = 0;
  }
  if (!first && len < (int)size) snprintf(buf + len, size - (size_t)len, ")");
}

/* One pinned pair of runs per cell (harness/comparison/counted.h): a figure,
 * not a distribution. */
static void counted_table(const pb_report *rep, FILE *out) {
  const pb_matrix *m = rep->m;
  fprintf(out,
          "### Counted metrics (one pinned run per cell; no confidence "
          "interval: every run of the same build gives the same figures)\n\n"
          "Instructions per op of the replay alone (callgrind, the replay "
          "loop included), its minor page faults and its memory system "
          "calls, with address randomization and transparent huge pages "
          "off and glibc's CPU-dependent code pinned (README, \"Counted "
          "metrics\"). They answer \"did this change make it slower\"; the "
          "timed tables above answer \"which allocator is faster on this "
          "machine\".\n\n");
  pb_table t = {.columns = 6};
  pb_table_row(&t);
  pb_table_set(&t, 0, "workload");
  pb_table_set(&t, 1, "backend");
  pb_table_set(&t, 2, "instructions/op");
  pb_table_set(&t, 3, "vs %s", m->reference->label);
  pb_table_set(&t, 4, "minor faults");
  pb_table_set(&t, 5, "memory system calls");
  for (size_t c = 2; c <= 4; c++) t.right[c] = 1;
  const pb_metric *per_op = &pb_metrics[PB_METRIC_INSTRUCTIONS_PER_OP];
  const pb_metric *faults = &pb_metrics[PB_METRIC_MINOR_FAULTS];
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++) {
      const pb_cell *cell = pb_matrix_cell(m, w, v);
      /* The real programs' counts are in the agreement section. */
      if (!pb_metric_in_counted(per_op, m->workloads[w].suite)) continue;
      pb_table_row(&t);
      pb_table_set(&t, 0, "%s", m->workloads[w].name);
      pb_table_set(&t, 1, "%s", m->variants[v].label);
      if (!cell->counted) {
        if (cell->counted_interrupted)
          pb_table_set(&t, 5, "not run (interrupted)");
        else
          pb_table_set(&t, 5, "FAILED: %s", cell->counted_failure);
        continue;
      }
      double x = json_number_value(json_object_get(cell->counted, per_op->key));
      double ratio = pb_analysis_cell(&rep->analysis, w, v)
                         ->counted_ratio[PB_METRIC_INSTRUCTIONS_PER_OP];
      pb_table_set(&t, 2, "%.1f", x);
      if (isnan(ratio))
        pb_table_set(&t, 3, "-");
      else
        pb_table_set(&t, 3, "%.2fx", ratio);
      pb_table_set(&t, 4, "%lld",
                   (long long)json_integer_value(
                       json_object_get(cell->counted, faults->key)));
      char calls[PB_TABLE_CELL_MAX];
      format_syscalls(cell->counted, calls, sizeof calls);
      pb_table_set(&t, 5, "%s", calls);
    }
  pb_table_print(&t, out);
  fputc('\n', out);
}

void pb_markdown_print(const pb_report *r, FILE *out) {
  const pb_matrix *m = r->m;
  int runs = m->runs_per_cell;
  interrupted_banner(r, out);
  pb_verdict_markdown(r, out);
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
  fprintf(out,
          "%zu of %zu runs were disturbed: descheduled for more than %.0f%% "
          "of their replay (wall time minus CPU time, over wall time). "
          "They are kept, counted in the note column and marked in "
          "latest.json; the CPU-time table is what descheduling does not "
          "inflate.\n\n",
          r->analysis.disturbed_runs, r->analysis.runs_planned,
          m->disturbed_threshold * 100);
  fputs("Workloads and the scale of their traces:", out);
  for (size_t w = 0; w < m->nworkloads; w++) {
    if (m->workloads[w].user_program)
      fprintf(out, "%s %s (yours, as given)", w ? "," : "",
              m->workloads[w].name);
    else
      fprintf(out, "%s %s %g", w ? "," : "", m->workloads[w].name,
              m->workloads[w].scale);
  }
  fputs(".\n\n", out);
  for (int k = 0; k < PB_METRIC_COUNT; k++)
    if (pb_metrics[k].title) metric_table(r, &pb_metrics[k], out);
  pb_scaling_markdown(r, out);
  pb_agreement_markdown(r, out);
  if (m->counted) counted_table(r, out);
}

static int render(const pb_report *r, pb_rendered *out) {
  size_t len;
  char *text = pb_render_to_memory(pb_markdown_print, r, &len);
  if (!text) {
    pb_warn("latest.md: out of memory");
    return -1;
  }
  pb_rendered_add(out, MARKDOWN_FILE, text, len);
  return 0;
}

static int owns(const char *name) { return strcmp(name, MARKDOWN_FILE) == 0; }

const pb_exporter pb_exporter_markdown = {"markdown", render, owns, 0};
