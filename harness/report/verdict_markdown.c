#include "harness/report/verdict_markdown.h"

#include <math.h>
#include <string.h>

#include "harness/report/table.h"

/* "mimalloc (12% lower than pool)", "no clear difference (p 0.20)",
 * "-" when the question does not apply or nothing was measured. */
static void verdict_cell(const pb_matrix *m, const pb_verdict *v, char *buf,
                         size_t size) {
  if (!v->metric || v->best < 0) {
    snprintf(buf, size, "-");
  } else if (v->runner_up < 0) {
    snprintf(buf, size, "%s (alone)", m->variants[v->best].label);
  } else if (!v->clear) {
    if (isnan(v->p_value))
      snprintf(buf, size, "no clear difference (within 1%%)");
    else
      snprintf(buf, size, "no clear difference (p %.2f)", v->p_value);
  } else {
    snprintf(buf, size, "%s (%.0f%% below %s)", m->variants[v->best].label,
             100 * v->margin / (1 + v->margin),
             m->variants[v->runner_up].label);
  }
}

static void percent(char *buf, size_t size, double change) {
  if (isnan(change))
    snprintf(buf, size, "(not measured)");
  else
    snprintf(buf, size, "%+.1f%%", 100 * change);
}

void pb_verdict_markdown(const pb_report *r, FILE *out) {
  const pb_matrix *m = r->m;
  const pb_analysis *a = &r->analysis;
  /* The deploy suite's variants are configurations (suite.h). */
  const char *what =
      m->suites & PB_SUITES_DEPLOYED ? "configuration" : "backend";
  fprintf(out,
          "## Verdict\n\n"
          "The best %s on each question, or \"no clear difference\" "
          "when the runs do not tell the best from the next (their "
          "intervals overlap or Mann-Whitney's p is %.2f or more; counted "
          "figures within %.0f%%). Lower is better on every question.",
          what, PB_VERDICT_P, 100 * PB_VERDICT_COUNTED_SHARE);
  int ceilings = 0;
  for (size_t v = 0; v < m->nvariants; v++)
    if (m->variants[v].ceiling)
      fprintf(out, "%s%s", ceilings++ ? ", " : " A ceiling, never a winner: ",
              m->variants[v].label);
  fputs(ceilings ? " (it bounds what any allocator could do)." : "", out);
  /* Mann-Whitney's smallest two-sided p with n runs a side is 2/C(2n, n):
   * 0.10 for 3, 0.029 for 4. */
  if (m->runs_per_cell < 4)
    fprintf(out,
            " With %d run%s a cell no p can fall below %.2f (it takes 4 a "
            "side): only counted figures can decide here; give --runs=5 or "
            "more, or --counted.",
            m->runs_per_cell, m->runs_per_cell == 1 ? "" : "s", PB_VERDICT_P);
  fputs("\n\n", out);
  int counted = m->counted;
  pb_table t = {.columns = counted ? 5 : 4};
  pb_table_row(&t);
  pb_table_set(&t, 0, "workload");
  for (pb_question q = 0; q < PB_QUESTION_COUNT; q++)
    if (q != PB_QUESTION_INSTRUCTIONS || counted)
      pb_table_set(&t, 1 + q, "%s", pb_question_names[q]);
  for (size_t w = 0; w < m->nworkloads; w++) {
    pb_table_row(&t);
    pb_table_set(&t, 0, "%s", m->workloads[w].name);
    for (pb_question q = 0; q < PB_QUESTION_COUNT; q++) {
      if (q == PB_QUESTION_INSTRUCTIONS && !counted) continue;
      char cell[PB_TABLE_CELL_MAX];
      verdict_cell(m, &a->verdicts[w][q], cell, sizeof cell);
      pb_table_set(&t, 1 + q, "%s", cell);
    }
  }
  pb_table_print(&t, out);
  fputc('\n', out);
  for (size_t p = 0; p < a->nprograms; p++) {
    const pb_program_verdict *pv = &a->programs[p];
    if (pv->alternative < 0) continue;
    char instructions[32], peak[32];
    percent(instructions, sizeof instructions, pv->instructions_change);
    percent(peak, sizeof peak, pv->peak_rss_change);
    fprintf(out,
            "- %s: against %s%s, %s changes the whole program's "
            "instructions by %s and its peak RSS by %s.",
            m->workloads[pv->w].workload, m->reference->label,
            m->reference->pymalloc ? " (what CPython runs today)" : "",
            m->variants[pv->alternative].label, instructions, peak);
    if (!isnan(pv->allocator_share))
      fprintf(out,
              " The allocator runs %.1f%% of its instructions on %s: the "
              "share times the per-op difference bounds what switching "
              "allocators can change in this program.",
              100 * pv->allocator_share, m->reference->label);
    fputc('\n', out);
  }
  if (a->nprograms) fputc('\n', out);
}
