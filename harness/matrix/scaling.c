#include "harness/matrix/scaling.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/fail.h"
#include "harness/matrix/summary.h"

static double median_of(const pb_matrix *m, size_t w, size_t v,
                        pb_metric_id id) {
  pb_summary s;
  return pb_summarize(m, w, v, &pb_metrics[id], &s) == 0 ? s.median : NAN;
}

static void fill_point(const pb_matrix *m, size_t w, size_t v,
                       pb_scaling_point *p) {
  double ns = median_of(m, w, v, PB_METRIC_NS_PER_OP);
  *p = (pb_scaling_point){
      .w = w,
      .threads = m->workloads[w].threads,
      .oversubscribed = m->cpus > 0 && m->workloads[w].threads > m->cpus,
      .ops_per_second = ns > 0 ? 1e9 / ns : NAN,
      .speedup = NAN,
      .machine_speedup = NAN,
      .cpu_ns_per_op = median_of(m, w, v, PB_METRIC_CPU_NS_PER_OP),
      .peak_rss_bytes = median_of(m, w, v, PB_METRIC_PEAK_RSS),
      .cross_thread_frees = median_of(m, w, v, PB_METRIC_CROSS_THREAD_FREES),
      .cross_thread_free_share =
          median_of(m, w, v, PB_METRIC_CROSS_THREAD_FREE_SHARE),
  };
}

/* Has an earlier threaded workload the same registry name? */
static int seen_before(const pb_matrix *m, size_t w) {
  for (size_t k = 0; k < w; k++)
    if (m->workloads[k].threads &&
        strcmp(m->workloads[k].workload, m->workloads[w].workload) == 0)
      return 1;
  return 0;
}

static void add_series(const pb_matrix *m, size_t first, size_t v,
                       pb_scaling *s) {
  pb_scaling_series *series = &s->series[s->nseries++];
  *series =
      (pb_scaling_series){.workload = m->workloads[first].workload, .v = v};
  series->points = calloc(m->nworkloads, sizeof *series->points);
  if (!series->points) pb_fail(PB_EXIT_FAILED, "out of memory");
  /* Its points in increasing thread count (the matrix has them so; kept
   * in that order whatever it is). */
  for (size_t w = first; w < m->nworkloads; w++) {
    if (!m->workloads[w].threads ||
        strcmp(m->workloads[w].workload, series->workload) != 0)
      continue;
    size_t at = series->npoints;
    while (at > 0 && series->points[at - 1].threads > m->workloads[w].threads)
      at--;
    memmove(&series->points[at + 1], &series->points[at],
            (series->npoints - at) * sizeof *series->points);
    fill_point(m, w, v, &series->points[at]);
    series->npoints++;
  }
  const pb_scaling_point *base = &series->points[0];
  series->base_threads = base->threads;
  double machine_base = m->workloads[base->w].machine_speedup;
  for (size_t p = 0; p < series->npoints; p++) {
    pb_scaling_point *pt = &series->points[p];
    if (base->ops_per_second > 0)
      pt->speedup = pt->ops_per_second / base->ops_per_second;
    pt->machine_speedup =
        machine_base > 0 ? m->workloads[pt->w].machine_speedup / machine_base
                         : NAN;
  }
}

void pb_scaling_compute(const pb_matrix *m, pb_scaling *s) {
  memset(s, 0, sizeof *s);
  s->cpus = m->cpus;
  size_t workloads = 0;
  for (size_t w = 0; w < m->nworkloads; w++)
    workloads += m->workloads[w].threads && !seen_before(m, w);
  if (workloads == 0) return;
  s->series = calloc(workloads * m->nvariants, sizeof *s->series);
  if (!s->series) pb_fail(PB_EXIT_FAILED, "out of memory");
  for (size_t w = 0; w < m->nworkloads; w++)
    if (m->workloads[w].threads && !seen_before(m, w))
      for (size_t v = 0; v < m->nvariants; v++) add_series(m, w, v, s);
}

void pb_scaling_free(pb_scaling *s) {
  for (size_t k = 0; k < s->nseries; k++) free(s->series[k].points);
  free(s->series);
  memset(s, 0, sizeof *s);
}
