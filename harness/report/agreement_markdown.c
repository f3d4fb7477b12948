#include "harness/report/agreement_markdown.h"

#include <math.h>
#include <string.h>

#include "common/grouped.h"
#include "harness/matrix/agreement.h"
#include "harness/report/table.h"
#include "workloads/profile_rows.h"

static void rankings_table(const pb_matrix *m, const pb_agreement *a,
                           FILE *out) {
  pb_table t = {.columns = 3};
  pb_table_row(&t);
  pb_table_set(&t, 0, "workload");
  pb_table_set(&t, 1, "suite (by)");
  pb_table_set(&t, 2, "least to most");
  for (size_t k = 0; k < a->count; k++) {
    const pb_workload_agreement *wa = &a->workloads[k];
    for (pb_suite s = 0; s < PB_SUITE_COUNT; s++) {
      if (!wa->present[s]) continue;
      const pb_ranking *r = &wa->ranking[s];
      char order[PB_TABLE_CELL_MAX] = "";
      for (size_t i = 0; i < r->n; i++) {
        size_t len = strlen(order);
        snprintf(order + len, sizeof order - len, "%s%s", i ? " < " : "",
                 m->variants[r->order[i]].label);
      }
      pb_table_row(&t);
      pb_table_set(&t, 0, "%s", wa->workload);
      const pb_metric *metric = pb_basis_metric(a->basis, s);
      pb_table_set(&t, 1, "%s (%s)", pb_suite_names[s],
                   metric ? metric->basis_unit : "-");
      pb_table_set(&t, 2, "%s", r->n ? order : "(no successful run)");
    }
  }
  pb_table_print(&t, out);
  fputc('\n', out);
}

static void tau_cell(pb_table *t, size_t column, double tau) {
  if (isnan(tau))
    pb_table_set(t, column, "-");
  else
    pb_table_set(t, column, "%.2f", tau);
}

/* The pairs a ranking pair puts in opposite order, "a/b" with * when the
 * flip is within noise; when they are too many for a cell, their count (the
 * list is in latest.json), never a list cut short. */
static void flipped_pairs(const pb_matrix *m, const pb_ranking_pair *rp,
                          char cell[PB_TABLE_CELL_MAX]) {
  char list[PB_TABLE_CELL_MAX * 8] = "";
  size_t within_noise = 0;
  for (size_t d = 0; d < rp->ndiscordant; d++) {
    size_t len = strlen(list);
    snprintf(list + len, sizeof list - len, "%s%s/%s%s", d ? ", " : "",
             m->variants[rp->discordant[d][0]].label,
             m->variants[rp->discordant[d][1]].label,
             rp->within_noise[d] ? "*" : "");
    within_noise += rp->within_noise[d] != 0;
  }
  if (rp->ndiscordant == 0)
    snprintf(cell, PB_TABLE_CELL_MAX, "none");
  else if (strlen(list) < PB_TABLE_CELL_MAX)
    snprintf(cell, PB_TABLE_CELL_MAX, "%s", list);
  else
    snprintf(cell, PB_TABLE_CELL_MAX, "%zu pairs, %zu of them within noise",
             rp->ndiscordant, within_noise);
}

/* The target's verdict on its pair's row (matrix/agreement.h decides). */
static void target_cell(pb_table *t, size_t column, pb_basis basis,
                        const pb_workload_agreement *wa) {
  pb_basis_target target = pb_basis_target_of(basis);
  if (!wa->judged) {
    pb_table_set(t, column, "not judged: no tau_b between %s and %s",
                 pb_suite_names[target.a], pb_suite_names[target.b]);
    return;
  }
  char gap[64] = "";
  if (!isnan(target.ratio_within)) {
    if (isnan(wa->target_ratio_gap))
      snprintf(gap, sizeof gap, "; no ratio");
    else
      snprintf(gap, sizeof gap, "; largest ratio gap %.3f (at most %.2f)",
               wa->target_ratio_gap, target.ratio_within);
  }
  pb_table_set(t, column, "%s: tau_b %s%.1f%s",
               wa->disagrees ? "missed" : "met",
               wa->target_tau < PB_AGREEMENT_TARGET_TAU ? "< " : ">= ",
               PB_AGREEMENT_TARGET_TAU, gap);
}

static void tau_table(const pb_matrix *m, const pb_agreement *a, FILE *out) {
  pb_basis_target target = pb_basis_target_of(a->basis);
  pb_table t = {.columns = 6};
  pb_table_row(&t);
  pb_table_set(&t, 0, "workload");
  pb_table_set(&t, 1, "suites");
  t.right[2] = t.right[3] = 1;
  pb_table_set(&t, 2, "tau_b");
  pb_table_set(&t, 3, "noise as ties");
  pb_table_set(&t, 4, "pairs in opposite order (* within noise)");
  pb_table_set(&t, 5, "target");
  for (size_t k = 0; k < a->count; k++) {
    const pb_workload_agreement *wa = &a->workloads[k];
    for (size_t p = 0; p < wa->npairs; p++) {
      const pb_ranking_pair *rp = &wa->pair[p];
      char flips[PB_TABLE_CELL_MAX];
      flipped_pairs(m, rp, flips);
      pb_table_row(&t);
      pb_table_set(&t, 0, "%s", wa->workload);
      pb_table_set(&t, 1, "%s / %s", pb_suite_names[rp->a],
                   pb_suite_names[rp->b]);
      tau_cell(&t, 2, rp->strict.tau_b);
      tau_cell(&t, 3, rp->noise.tau_b);
      pb_table_set(&t, 4, "%s", flips);
      if (rp->a == target.a && rp->b == target.b && target.a != target.b)
        target_cell(&t, 5, a->basis, wa);
    }
  }
  pb_table_print(&t, out);
  fputc('\n', out);
}

/* Each backend's ratio against the reference in each suite, and the
 * difference between the target's two suites. */
static void ratio_table(const pb_matrix *m, const pb_agreement *a, FILE *out) {
  pb_basis_target target = pb_basis_target_of(a->basis);
  int shown[PB_SUITE_COUNT] = {0};
  for (size_t k = 0; k < a->count; k++)
    for (pb_suite s = 0; s < PB_SUITE_COUNT; s++)
      shown[s] |= a->workloads[k].present[s];
  int gap = target.a != target.b && shown[target.a] && shown[target.b];
  pb_table t = {.columns = 2 + PB_SUITE_COUNT + 1};
  size_t c = 0;
  pb_table_row(&t);
  pb_table_set(&t, c++, "workload");
  pb_table_set(&t, c++, "backend");
  for (pb_suite s = 0; s < PB_SUITE_COUNT; s++)
    if (shown[s]) {
      t.right[c] = 1;
      pb_table_set(&t, c++, "%s", pb_suite_names[s]);
    }
  if (gap) {
    t.right[c] = 1;
    pb_table_set(&t, c++, "%s - %s", pb_suite_names[target.a],
                 pb_suite_names[target.b]);
  }
  t.columns = c;
  for (size_t k = 0; k < a->count; k++) {
    const pb_workload_agreement *wa = &a->workloads[k];
    for (size_t v = 0; v < m->nvariants; v++) {
      pb_table_row(&t);
      c = 0;
      pb_table_set(&t, c++, "%s", wa->workload);
      pb_table_set(&t, c++, "%s", m->variants[v].label);
      for (pb_suite s = 0; s < PB_SUITE_COUNT; s++) {
        if (!shown[s]) continue;
        double x = wa->present[s] ? wa->ranking[s].ratio[v] : NAN;
        if (isnan(x))
          pb_table_set(&t, c++, "-");
        else
          pb_table_set(&t, c++, "%.3fx", x);
      }
      if (gap) {
        double d = wa->present[target.a] && wa->present[target.b]
                       ? wa->ranking[target.a].ratio[v] -
                             wa->ranking[target.b].ratio[v]
                       : NAN;
        if (isnan(d))
          pb_table_set(&t, c++, "-");
        else
          pb_table_set(&t, c++, "%+.3f", d);
      }
    }
  }
  pb_table_print(&t, out);
  fputc('\n', out);
}

/* The real programs' counted instructions, whole program (the rankings
 * show their order; this, how far apart they are). */
static void program_instructions(const pb_matrix *m, FILE *out) {
  const pb_metric *metric = &pb_metrics[PB_METRIC_INSTRUCTIONS];
  pb_table t = {.columns = 3};
  pb_table_row(&t);
  pb_table_set(&t, 0, "program");
  pb_table_set(&t, 1, "backend");
  t.right[2] = 1;
  pb_table_set(&t, 2, "instructions");
  for (size_t w = 0; w < m->nworkloads; w++) {
    if (!pb_metric_in_counted(metric, m->workloads[w].suite)) continue;
    for (size_t v = 0; v < m->nvariants; v++) {
      const pb_cell *cell = pb_matrix_cell(m, w, v);
      json_t *n =
          cell->counted ? json_object_get(cell->counted, metric->key) : NULL;
      pb_table_row(&t);
      pb_table_set(&t, 0, "%s", m->workloads[w].name);
      pb_table_set(&t, 1, "%s", m->variants[v].label);
      char grouped[PB_GROUPED_MAX];
      if (json_is_integer(n) && json_integer_value(n) >= 0)
        pb_table_set(&t, 2, "%s",
                     pb_grouped((uint64_t)json_integer_value(n), grouped));
      else if (cell->counted_interrupted)
        pb_table_set(&t, 2, "not run (interrupted)");
      else
        pb_table_set(&t, 2, "failed: %.60s", cell->counted_failure);
    }
  }
  fputs(
      "### Instructions of the real programs (whole program, start-up "
      "included; callgrind, pinned)\n\n",
      out);
  pb_table_print(&t, out);
  fputc('\n', out);
}

static const pb_matrix_workload *profiled(const pb_matrix *m,
                                          const char *workload,
                                          pb_suite suite) {
  for (size_t w = 0; w < m->nworkloads; w++)
    if (m->workloads[w].suite == suite && m->workloads[w].profiled &&
        strcmp(m->workloads[w].workload, workload) == 0)
      return &m->workloads[w];
  return NULL;
}

static void profile_row(void *ctx, const char *label,
                        char cells[][PB_PROFILE_CELL_MAX]) {
  pb_table *t = ctx;
  pb_table_row(t);
  pb_table_set(t, 0, "%s", label);
  pb_table_set(t, 1, "%s", cells[0]);
  pb_table_set(t, 2, "%s", cells[1]);
}

/* The synthetic and captured profiles of the workloads whose synthetic and
 * real rankings disagree. */
static void profiles(const pb_matrix *m, const pb_agreement *a, FILE *out) {
  int shown = 0;
  for (size_t k = 0; k < a->count; k++) {
    const pb_workload_agreement *wa = &a->workloads[k];
    const pb_matrix_workload *syn =
        profiled(m, wa->workload, PB_SUITE_SYNTHETIC);
    const pb_matrix_workload *cap =
        profiled(m, wa->workload, PB_SUITE_CAPTURED);
    if (!wa->disagrees || !syn || !cap) continue;
    shown = 1;
    fprintf(out,
            "#### %s: the synthetic trace beside the capture of its program "
            "(tau_b %.2f)\n\n",
            wa->workload, wa->target_tau);
    pb_table t = {.columns = 3};
    t.right[1] = t.right[2] = 1;
    pb_table_row(&t);
    pb_table_set(&t, 0, "profile");
    pb_table_set(&t, 1, "%s", syn->name);
    pb_table_set(&t, 2, "%s", cap->name);
    const pb_profile *columns[2] = {&syn->profile, &cap->profile};
    pb_profile_rows(columns, 2, profile_row, &t);
    pb_table_print(&t, out);
    fputc('\n', out);
  }
  if (!shown)
    fprintf(out,
            "None: where both were run, tau_b is at least %.1f on every "
            "workload.\n\n",
            PB_AGREEMENT_TARGET_TAU);
}

void pb_agreement_markdown(const pb_report *r, FILE *out) {
  const pb_matrix *m = r->m;
  const pb_analysis *an = &r->analysis;
  int any = 0;
  for (pb_basis b = 0; b < PB_BASIS_COUNT; b++) {
    if (!an->has_agreement[b] || an->agreement[b].count == 0) continue;
    const pb_agreement *a = &an->agreement[b];
    if (!any)
      fprintf(out,
              "## Agreement of the suites' rankings\n\n"
              "Each suite ranks the backends by the median of its runs: per "
              "op for the replays (synthetic and captured traces), the whole "
              "program for the real programs; by CPU time, by wall time, "
              "with --counted by instructions (one pinned callgrind run, no "
              "noise), by peak footprint (a replay's: the allocator's fixed "
              "overhead + peak RSS above the baseline; a real program's, "
              "its private memory at the peak less its libraries' and the "
              "interpreter's own) and by retained footprint (the replays "
              "only). tau_b: Kendall's rank correlation of two rankings "
              "(1: the same order, -1: reversed; the target is %.1f between "
              "synthetic and real on time and instructions, between "
              "captured and real on peak footprint, with each backend's "
              "ratio against the reference within %.2f of its real one). "
              "\"noise as ties\": tau_b again, "
              "with every pair whose confidence intervals of the median "
              "overlap in either suite counted as a tie; a pair in opposite "
              "order marked * is such a pair: its flip is within noise.\n\n",
              PB_AGREEMENT_TARGET_TAU,
              pb_basis_target_of(PB_BASIS_FOOTPRINT_PEAK).ratio_within);
    any = 1;
    fprintf(out, "### Rankings by %s\n\n", pb_basis_names[b]);
    rankings_table(m, a, out);
    fprintf(out, "### Kendall's tau_b by %s\n\n", pb_basis_names[b]);
    tau_table(m, a, out);
    fprintf(out, "### Ratios against %s by %s, in each suite\n\n",
            m->reference->label, pb_basis_names[b]);
    ratio_table(m, a, out);
    if (pb_basis_counted(b) && (m->suites & PB_SUITE_BIT(PB_SUITE_REAL)))
      program_instructions(m, out);
  }
  if (!any) return;
  fprintf(out, "### Where synthetic and real disagree by %s: the profiles\n\n",
          pb_basis_names[an->primary]);
  profiles(m, &an->agreement[an->primary], out);
}
