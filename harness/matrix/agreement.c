#include "harness/matrix/agreement.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/fail.h"
#include "harness/matrix/summary.h"

static void *zeroed(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) pb_fail(PB_EXIT_FAILED, "out of memory");
  return p;
}

static const pb_ranking *sorting; /* qsort has no context argument */

static int faster_first(const void *a, const void *b) {
  double x = sorting->median[*(const size_t *)a];
  double y = sorting->median[*(const size_t *)b];
  return (x > y) - (x < y);
}

static void rank(const pb_matrix *m, size_t w, pb_basis basis, pb_ranking *r) {
  const pb_metric *metric = pb_basis_metric(basis, m->workloads[w].suite);
  int counted = pb_basis_counted(basis);
  r->w = w;
  r->order = zeroed(m->nvariants, sizeof *r->order);
  r->median = zeroed(4 * m->nvariants, sizeof *r->median);
  r->ci_low = r->median + m->nvariants;
  r->ci_high = r->ci_low + m->nvariants;
  r->ratio = r->ci_high + m->nvariants;
  r->n = 0;
  for (size_t v = 0; v < m->nvariants; v++) {
    pb_summary s;
    r->median[v] = NAN;
    if (!metric) continue;
    if (counted) {
      double x = pb_cell_counted(pb_matrix_cell(m, w, v), metric);
      if (isnan(x)) continue;
      s.median = s.ci_low = s.ci_high = x; /* one run, no noise */
    } else if (pb_summarize(m, w, v, metric, &s) != 0) {
      continue;
    }
    r->median[v] = s.median;
    r->ci_low[v] = s.ci_low;
    r->ci_high[v] = s.ci_high;
    r->order[r->n++] = v;
  }
  double ref = r->median[m->reference - m->variants];
  for (size_t v = 0; v < m->nvariants; v++)
    r->ratio[v] = ref > 0 ? r->median[v] / ref : NAN; /* NAN stays NAN */
  sorting = r;
  qsort(r->order, r->n, sizeof *r->order, faster_first);
}

static signed char order_of(const pb_ranking *r, size_t i, size_t j,
                            int noise) {
  if (noise && r->ci_low[i] <= r->ci_high[j] && r->ci_low[j] <= r->ci_high[i])
    return 0; /* the intervals overlap */
  return (r->median[i] > r->median[j]) - (r->median[i] < r->median[j]);
}

static void compare(const pb_matrix *m, const pb_ranking *ra,
                    const pb_ranking *rb, pb_ranking_pair *p) {
  size_t *common = zeroed(m->nvariants, sizeof *common), n = 0;
  for (size_t v = 0; v < m->nvariants; v++)
    if (!isnan(ra->median[v]) && !isnan(rb->median[v])) common[n++] = v;
  size_t npairs = pb_kendall_npairs(n);
  signed char *s = zeroed(4 * npairs, 1);
  p->discordant = zeroed(npairs, sizeof *p->discordant);
  p->within_noise = zeroed(npairs, sizeof *p->within_noise);
  p->ndiscordant = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++) {
      size_t k = pb_kendall_pair_index(i, j, n), a = common[i], b = common[j];
      s[k] = order_of(ra, a, b, 0);
      s[npairs + k] = order_of(rb, a, b, 0);
      s[2 * npairs + k] = order_of(ra, a, b, 1);
      s[3 * npairs + k] = order_of(rb, a, b, 1);
      if (s[k] * s[npairs + k] < 0) {
        p->discordant[p->ndiscordant][0] = a;
        p->discordant[p->ndiscordant][1] = b;
        p->within_noise[p->ndiscordant++] =
            s[2 * npairs + k] == 0 || s[3 * npairs + k] == 0;
      }
    }
  p->strict = pb_kendall_pairs(s, s + npairs, npairs);
  p->noise = pb_kendall_pairs(s + 2 * npairs, s + 3 * npairs, npairs);
  free(s);
  free(common);
}

/* tau_b of the rankings of suites a and b, or NAN. */
static double pair_tau(const pb_workload_agreement *wa, pb_suite a,
                       pb_suite b) {
  for (size_t p = 0; p < wa->npairs; p++)
    if (wa->pair[p].a == a && wa->pair[p].b == b)
      return wa->pair[p].strict.tau_b;
  return NAN;
}

/* The largest difference between a backend's ratio in suite a and in b. */
static double ratio_gap(const pb_matrix *m, const pb_workload_agreement *wa,
                        pb_suite a, pb_suite b) {
  double gap = NAN;
  if (a == b || !wa->present[a] || !wa->present[b]) return NAN;
  for (size_t v = 0; v < m->nvariants; v++) {
    double d = fabs(wa->ranking[a].ratio[v] - wa->ranking[b].ratio[v]);
    if (!isnan(d) && (isnan(gap) || d > gap)) gap = d;
  }
  return gap;
}

void pb_agreement_compute(const pb_matrix *m, pb_basis basis, pb_agreement *a) {
  a->basis = basis;
  a->count = 0;
  a->workloads = zeroed(m->nworkloads, sizeof *a->workloads);
  for (size_t w = 0; w < m->nworkloads; w++) {
    const pb_matrix_workload *mw = &m->workloads[w];
    pb_workload_agreement *wa = NULL;
    for (size_t k = 0; k < a->count; k++)
      if (strcmp(a->workloads[k].workload, mw->workload) == 0)
        wa = &a->workloads[k];
    if (!wa) {
      wa = &a->workloads[a->count++];
      wa->workload = mw->workload;
    }
    /* A suite with no metric on this basis is left out of it. */
    if (!pb_basis_metric(basis, mw->suite)) continue;
    wa->present[mw->suite] = 1;
    rank(m, w, basis, &wa->ranking[mw->suite]);
  }
  /* Only workloads in two suites or more compare anything. */
  size_t kept = 0;
  for (size_t k = 0; k < a->count; k++) {
    pb_workload_agreement *wa = &a->workloads[k];
    for (pb_suite x = 0; x < PB_SUITE_COUNT; x++)
      for (pb_suite y = x + 1; y < PB_SUITE_COUNT; y++) {
        if (!wa->present[x] || !wa->present[y]) continue;
        pb_ranking_pair *p = &wa->pair[wa->npairs++];
        p->a = x;
        p->b = y;
        compare(m, &wa->ranking[x], &wa->ranking[y], p);
      }
    pb_basis_target target = pb_basis_target_of(basis);
    wa->synthetic_real_tau = pair_tau(wa, PB_SUITE_SYNTHETIC, PB_SUITE_REAL);
    wa->target_tau = pair_tau(wa, target.a, target.b);
    wa->target_ratio_gap =
        isnan(target.ratio_within) ? NAN : ratio_gap(m, wa, target.a, target.b);
    wa->judged = !isnan(wa->target_tau);
    wa->disagrees = wa->judged && (wa->target_tau < PB_AGREEMENT_TARGET_TAU ||
                                   wa->target_ratio_gap > target.ratio_within);
    if (wa->npairs)
      a->workloads[kept++] = *wa;
    else
      for (pb_suite s = 0; s < PB_SUITE_COUNT; s++)
        if (wa->present[s]) {
          free(wa->ranking[s].order);
          free(wa->ranking[s].median);
        }
  }
  a->count = kept;
}

void pb_agreement_free(pb_agreement *a) {
  for (size_t k = 0; k < a->count; k++) {
    pb_workload_agreement *wa = &a->workloads[k];
    for (pb_suite s = 0; s < PB_SUITE_COUNT; s++) {
      free(wa->ranking[s].order);
      free(wa->ranking[s].median);
    }
    for (size_t p = 0; p < wa->npairs; p++) {
      free(wa->pair[p].discordant);
      free(wa->pair[p].within_noise);
    }
  }
  free(a->workloads);
  memset(a, 0, sizeof *a);
}
