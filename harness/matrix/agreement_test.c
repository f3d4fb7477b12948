/* The agreement of the suites on memory, on a hand-built matrix: the
 * replays are ranked by their peak footprint (not their peak RSS above the
 * baseline), the real programs by their whole peak RSS; each backend's
 * ratio against the reference is given in each suite; the target (tau_b at
 * least PB_AGREEMENT_TARGET_TAU between captured and real, every ratio
 * within 0.05) is decided here, and retained footprint ranks the replays
 * alone, with no target. */
#include "harness/matrix/agreement.h"

#include <math.h>
#include <string.h>

#include "testing/check.h"

#define RUNS 3
#define NV 3
#define NW 3
#define MIB (1 << 20)

static pb_variant variants[NV] = {
    {.label = "ref", .backend = "ref"},
    {.label = "b", .backend = "b"},
    {.label = "c", .backend = "c"},
};
static pb_matrix_workload workloads[NW] = {
    {.name = "w", .workload = "w", .suite = PB_SUITE_SYNTHETIC},
    {.name = "w:captured", .workload = "w", .suite = PB_SUITE_CAPTURED},
    {.name = "w:real", .workload = "w", .suite = PB_SUITE_REAL},
};
static pb_matrix m = {.variants = variants,
                      .nvariants = NV,
                      .workloads = workloads,
                      .nworkloads = NW,
                      .runs_per_cell = RUNS,
                      .reference = &variants[0],
                      .unstable_threshold = 0.1};

/* Every run of cell (w, v) reports these, the same three times over (one
 * KiB apart, so that intervals are not points). */
static void replayed(size_t w, size_t v, double peak_rss, double footprint,
                     double retained) {
  pb_cell *cell = pb_matrix_cell(&m, w, v);
  for (int r = 0; r < RUNS; r++) {
    json_decref(cell->runs[r].result);
    cell->runs[r].ok = 1;
    cell->runs[r].result = json_pack(
        "{s:f, s:f, s:f}", "peak_rss_bytes", peak_rss, "footprint_peak_bytes",
        footprint + r * 1024, "footprint_retained_bytes", retained + r * 1024);
  }
}

/* A real program's whole peak RSS ranks the backends the other way round
 * from its footprint: only the footprint is ranked. */
static void real(size_t v, double footprint) {
  pb_cell *cell = pb_matrix_cell(&m, 2, v);
  for (int r = 0; r < RUNS; r++) {
    json_decref(cell->runs[r].result);
    cell->runs[r].ok = 1;
    cell->runs[r].result =
        json_pack("{s:f, s:f}", "peak_rss_bytes", 100.0 * MIB - footprint,
                  "footprint_peak_bytes", footprint + r * 1024);
  }
}

/* The replays' peak RSS above the baseline ranks c < b < ref, their
 * footprint ref < b < c, as the real programs' footprint does. */
static void fill(double captured_c_footprint) {
  for (size_t w = 0; w < 2; w++) {
    replayed(w, 0, 30.0 * MIB, 31.0 * MIB, 2.0 * MIB);
    replayed(w, 1, 20.0 * MIB, 33.0 * MIB, 5.0 * MIB);
    replayed(w, 2, 10.0 * MIB, w == 1 ? captured_c_footprint : 37.2 * MIB,
             1.0 * MIB);
  }
  real(0, 31.0 * MIB);
  real(1, 33.0 * MIB);
  real(2, 37.2 * MIB);
}

static const pb_workload_agreement *only(const pb_agreement *a) {
  PB_CHECK_EQ(a->count, 1);
  PB_CHECK(strcmp(a->workloads[0].workload, "w") == 0);
  return &a->workloads[0];
}

static void the_bases_name_each_suites_metric(void) {
  PB_CHECK(pb_basis_metric(PB_BASIS_FOOTPRINT_PEAK, PB_SUITE_SYNTHETIC) ==
           &pb_metrics[PB_METRIC_FOOTPRINT_PEAK]);
  PB_CHECK(pb_basis_metric(PB_BASIS_FOOTPRINT_PEAK, PB_SUITE_CAPTURED) ==
           &pb_metrics[PB_METRIC_FOOTPRINT_PEAK]);
  PB_CHECK(pb_basis_metric(PB_BASIS_FOOTPRINT_PEAK, PB_SUITE_REAL) ==
           &pb_metrics[PB_METRIC_FOOTPRINT_PEAK]);
  PB_CHECK(pb_basis_metric(PB_BASIS_FOOTPRINT_RETAINED, PB_SUITE_CAPTURED) ==
           &pb_metrics[PB_METRIC_FOOTPRINT_RETAINED]);
  PB_CHECK(pb_basis_metric(PB_BASIS_FOOTPRINT_RETAINED, PB_SUITE_REAL) == NULL);
  /* The time bases are as they were. */
  PB_CHECK(pb_basis_metric(PB_BASIS_CPU, PB_SUITE_REAL) ==
           &pb_metrics[PB_METRIC_PROGRAM_CPU]);
  pb_basis_target t = pb_basis_target_of(PB_BASIS_FOOTPRINT_PEAK);
  PB_CHECK(t.a == PB_SUITE_CAPTURED && t.b == PB_SUITE_REAL);
  PB_CHECK(t.ratio_within == 0.05);
  t = pb_basis_target_of(PB_BASIS_CPU);
  PB_CHECK(t.a == PB_SUITE_SYNTHETIC && t.b == PB_SUITE_REAL);
  PB_CHECK(isnan(t.ratio_within));
}

static void footprint_agreeing_meets_the_target(void) {
  fill(37.2 * MIB);
  pb_agreement a;
  pb_agreement_compute(&m, PB_BASIS_FOOTPRINT_PEAK, &a);
  const pb_workload_agreement *wa = only(&a);
  PB_CHECK(wa->present[PB_SUITE_SYNTHETIC] && wa->present[PB_SUITE_CAPTURED] &&
           wa->present[PB_SUITE_REAL]);
  PB_CHECK_EQ(wa->npairs, 3);
  /* By footprint, not by peak RSS above the baseline (reversed). */
  const pb_ranking *cap = &wa->ranking[PB_SUITE_CAPTURED];
  PB_CHECK(cap->order[0] == 0 && cap->order[1] == 1 && cap->order[2] == 2);
  PB_CHECKF(
      fabs(cap->ratio[2] - (37.2 + 1.0 / 1024) / (31.0 + 1.0 / 1024)) < 1e-9,
      "captured ratio of c %f", cap->ratio[2]);
  PB_CHECK(cap->ratio[0] == 1.0);
  PB_CHECKF(wa->target_tau == 1.0, "tau_b %f", wa->target_tau);
  PB_CHECKF(wa->target_ratio_gap < 1e-9, "gap %f", wa->target_ratio_gap);
  PB_CHECK(wa->judged && !wa->disagrees);
  pb_agreement_free(&a);
}

/* The same order, but c's captured ratio 0.1 above its real one. */
static void a_ratio_too_far_misses_the_target(void) {
  fill(37.2 * MIB + 3.1 * MIB);
  pb_agreement a;
  pb_agreement_compute(&m, PB_BASIS_FOOTPRINT_PEAK, &a);
  const pb_workload_agreement *wa = only(&a);
  PB_CHECK(wa->target_tau == 1.0);
  PB_CHECKF(fabs(wa->target_ratio_gap - 0.1) < 1e-3, "gap %f",
            wa->target_ratio_gap);
  PB_CHECK(wa->disagrees);
  pb_agreement_free(&a);
}

/* c's captured footprint below ref's: the order flips, tau_b below 0.8. */
static void a_flipped_order_misses_the_target(void) {
  fill(30.0 * MIB);
  pb_agreement a;
  pb_agreement_compute(&m, PB_BASIS_FOOTPRINT_PEAK, &a);
  const pb_workload_agreement *wa = only(&a);
  PB_CHECKF(wa->target_tau < PB_AGREEMENT_TARGET_TAU, "tau_b %f",
            wa->target_tau);
  PB_CHECK(wa->disagrees);
  pb_agreement_free(&a);
}

/* Real programs that reported no footprint (ended by os._exit): the target
 * is not judged, neither met nor missed. */
static void no_real_footprint_is_not_judged(void) {
  fill(37.2 * MIB);
  for (size_t v = 0; v < NV; v++) {
    pb_cell *cell = pb_matrix_cell(&m, 2, v);
    for (int r = 0; r < RUNS; r++)
      json_object_del(cell->runs[r].result, "footprint_peak_bytes");
  }
  pb_agreement a;
  pb_agreement_compute(&m, PB_BASIS_FOOTPRINT_PEAK, &a);
  const pb_workload_agreement *wa = only(&a);
  PB_CHECK(isnan(wa->target_tau));
  PB_CHECK(!wa->judged && !wa->disagrees);
  pb_agreement_free(&a);
}

/* Retained: no real figure, so the real suite is left out, one pair
 * remains, and no target is asked. */
static void retained_ranks_the_replays_alone(void) {
  fill(37.2 * MIB);
  pb_agreement a;
  pb_agreement_compute(&m, PB_BASIS_FOOTPRINT_RETAINED, &a);
  const pb_workload_agreement *wa = only(&a);
  PB_CHECK(!wa->present[PB_SUITE_REAL]);
  PB_CHECK_EQ(wa->npairs, 1);
  PB_CHECK(wa->pair[0].a == PB_SUITE_SYNTHETIC &&
           wa->pair[0].b == PB_SUITE_CAPTURED);
  PB_CHECK(wa->pair[0].strict.tau_b == 1.0);
  const pb_ranking *syn = &wa->ranking[PB_SUITE_SYNTHETIC];
  PB_CHECK(syn->order[0] == 2 && syn->order[2] == 1); /* c < ref < b */
  PB_CHECK(fabs(syn->ratio[1] - (5.0 * MIB + 1024) / (2.0 * MIB + 1024)) <
           1e-9);
  PB_CHECK(isnan(wa->target_tau) && isnan(wa->target_ratio_gap));
  PB_CHECK(!wa->disagrees);
  pb_agreement_free(&a);
}

int main(int argc, char **argv) {
  pb_matrix_add_cells(&m);
  static const pb_test tests[] = {
      PB_TEST(the_bases_name_each_suites_metric),
      PB_TEST(footprint_agreeing_meets_the_target),
      PB_TEST(a_ratio_too_far_misses_the_target),
      PB_TEST(a_flipped_order_misses_the_target),
      PB_TEST(no_real_footprint_is_not_judged),
      PB_TEST(retained_ranks_the_replays_alone),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
