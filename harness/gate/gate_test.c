/* The gate's judgement on hand-made figures: a change is a verdict only
 * above both its threshold's percentage and its floor; a backend's own
 * threshold wins over the file's; memory floors are a few pages, so small
 * cells are gated; the table shows what changed and one line for the
 * rest; a cell missing from the baseline is new;
 * and the ceiling backend (allocator/backends.bzl) must run no more
 * instructions per op than any other. */
#include "harness/gate/verdicts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/gate/baseline.h"
#include "testing/check.h"

/* One workload, the given backends; each cell's counted figures. */
static pb_variant variants[2];
static pb_matrix_workload workload = {.name = "lists", .scale = 1};
static pb_cell cells[2];
static pb_matrix m = {.variants = variants,
                      .nvariants = 2,
                      .workloads = &workload,
                      .nworkloads = 1,
                      .cells = cells};

static void measured(size_t v, const char *backend, double per_op,
                     double retained) {
  variants[v] = (pb_variant){.label = (char *)backend, .backend = backend};
  json_decref(cells[v].counted);
  cells[v] = (pb_cell){.variant = &variants[v], .workload = &workload};
  cells[v].counted = json_pack("{s:f, s:f}", "instructions_per_op", per_op,
                               "retained_bytes", retained);
}

/* A baseline with these figures for lists on each backend. */
static json_t *baseline_of(double per_op0, double per_op1, double retained) {
  json_t *b = json_pack("{s:o, s:o, s:{s:{}}}", "thresholds",
                        pb_baseline_default_thresholds(), "backend_thresholds",
                        json_object(), "cells", "lists");
  json_t *row = json_object_get(json_object_get(b, "cells"), "lists");
  json_object_set_new(
      row, variants[0].backend,
      json_pack("{s:{s:f, s:f}}", "figures", "instructions_per_op", per_op0,
                "retained_bytes", retained));
  if (per_op1 > 0)
    json_object_set_new(
        row, variants[1].backend,
        json_pack("{s:{s:f, s:f}}", "figures", "instructions_per_op", per_op1,
                  "retained_bytes", retained));
  return b;
}

static char shown[8192]; /* what the last judgement printed */

static pb_gate_outcome judged(json_t *baseline) {
  FILE *table = fmemopen(shown, sizeof shown, "w");
  pb_gate_outcome o = pb_gate_compare(&m, baseline, PB_GATE_CHANGES, table);
  fclose(table);
  json_decref(baseline);
  return o;
}

static void done(pb_gate_outcome *o) {
  free(o->regressed);
  free(o->improved);
}

static void changes_above_threshold_and_floor_are_verdicts(void) {
  /* instructions/op: 1% and 0.1 by default. */
  measured(0, "pool", 70.5, 1 << 20);
  measured(1, "glibc", 100, 1 << 20);
  pb_gate_outcome o = judged(baseline_of(70, 100.5, 1 << 20));
  PB_CHECK_EQ(o.regressions, 0); /* +0.7%: within 1% */
  PB_CHECK_EQ(o.improvements, 0);
  done(&o);
  measured(0, "pool", 71, 1 << 20);
  measured(1, "glibc", 98, 1 << 20);
  o = judged(baseline_of(70, 100, 1 << 20));
  PB_CHECK_EQ(o.regressions, 1);
  PB_CHECKF(strcmp(o.regressed, "pool x lists (instructions/op +1.4%)") == 0,
            "%s", o.regressed);
  PB_CHECK_EQ(o.improvements, 1);
  PB_CHECK(strstr(o.improved, "glibc x lists") != NULL);
  done(&o);
  /* retained: +20 KiB of 100 KiB is under the floor of 8 pages. */
  measured(0, "pool", 70, 120 << 10);
  measured(1, "glibc", 100, 100 << 10);
  o = judged(baseline_of(70, 100, 100 << 10));
  PB_CHECK_EQ(o.regressions, 0);
  done(&o);
}

/* The floor is a few pages, not 256 KiB: 64 KiB more retained by a cell of
 * 40 KiB (the gate's smallest workload) is a regression. */
static void a_small_cell_is_gated_on_memory(void) {
  measured(0, "pool", 70, 104 << 10);
  measured(1, "glibc", 100, 40 << 10);
  pb_gate_outcome o = judged(baseline_of(70, 100, 40 << 10));
  PB_CHECK_EQ(o.regressions, 1);
  PB_CHECKF(o.regressed && strstr(o.regressed, "pool x lists (retained +160"),
            "%s", o.regressed);
  done(&o);
}

/* The table shows what crossed a threshold or came within a third of it,
 * and one line for the rest. */
static void only_changes_are_shown(void) {
  measured(0, "pool", 70.6, 1 << 20);   /* +0.86% of 1%: near */
  measured(1, "glibc", 100.2, 1 << 20); /* +0.2%: within, not shown */
  pb_gate_outcome o = judged(baseline_of(70, 100, 1 << 20));
  PB_CHECK_EQ(o.regressions + o.improvements, 0);
  PB_CHECK_EQ(o.near, 1);
  PB_CHECK_EQ(o.quiet_cells, 1);
  PB_CHECKF(strstr(shown, "| pool x lists") && strstr(shown, "| near") &&
                !strstr(shown, "glibc x lists") &&
                strstr(shown, "1 cell within their thresholds"),
            "%s", shown);
  done(&o);
  measured(0, "pool", 70, 1 << 20);
  measured(1, "glibc", 100, 1 << 20);
  o = judged(baseline_of(70, 100, 1 << 20));
  PB_CHECKF(strcmp(shown, "2 cells within their thresholds\n") == 0, "%s",
            shown);
  done(&o);
}

static void a_backend_threshold_wins(void) {
  measured(0, "pool", 75, 1 << 20);
  measured(1, "glibc", 100, 1 << 20);
  json_t *b = baseline_of(70, 100, 1 << 20);
  json_object_set_new(json_object_get(b, "backend_thresholds"), "pool",
                      json_pack("{s:{s:f, s:f}}", "instructions_per_op",
                                "percent", 10.0, "floor", 0.0));
  pb_gate_outcome o = judged(b);
  PB_CHECK_EQ(o.regressions, 0); /* +7%: within pool's own 10% */
  done(&o);
}

static void a_cell_without_baseline_is_new(void) {
  measured(0, "pool", 70, 1 << 20);
  measured(1, "glibc", 100, 1 << 20);
  pb_gate_outcome o = judged(baseline_of(70, 0, 1 << 20));
  PB_CHECK_EQ(o.new_cells, 1);
  PB_CHECK_EQ(o.regressions, 0);
  done(&o);
}

static void the_ceiling_must_hold(void) {
  char *violations;
  measured(0, "oracle", 50, 0);
  measured(1, "pool", 60, 0);
  PB_CHECK_EQ(pb_gate_check_ceiling(&m, &violations), 0);
  PB_CHECK(violations == NULL);
  measured(1, "pool", 49.5, 0);
  PB_CHECK_EQ(pb_gate_check_ceiling(&m, &violations), 1);
  PB_CHECKF(strstr(violations, "oracle x lists") &&
                strstr(violations, "above pool's 49.50"),
            "%s", violations);
  free(violations);
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(changes_above_threshold_and_floor_are_verdicts),
      PB_TEST(a_small_cell_is_gated_on_memory),
      PB_TEST(only_changes_are_shown),
      PB_TEST(a_backend_threshold_wins),
      PB_TEST(a_cell_without_baseline_is_new),
      PB_TEST(the_ceiling_must_hold),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
