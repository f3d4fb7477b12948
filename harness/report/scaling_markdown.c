#include "harness/report/scaling_markdown.h"

#include <math.h>
#include <string.h>

#include "harness/report/table.h"

static void value(pb_table *t, size_t column, double x, const char *fmt) {
  if (isnan(x))
    pb_table_set(t, column, "-");
  else
    pb_table_set(t, column, fmt, x);
}

/* The table of one workload: its series are consecutive in s. */
static void workload_table(const pb_report *r, size_t first, FILE *out) {
  const pb_matrix *m = r->m;
  const pb_scaling *s = &r->analysis.scaling;
  const char *name = s->series[first].workload;
  fprintf(out, "#### %s\n\n", name);
  pb_table t = {.columns = 10};
  pb_table_row(&t);
  const char *heading[] = {
      "backend", "threads",   "Mops/s",       "speedup",
      "machine", "CPU ns/op", "peak RSS MiB", "cross-thread frees",
      "share",   "note"};
  for (size_t c = 0; c < t.columns; c++) {
    pb_table_set(&t, c, "%s", heading[c]);
    t.right[c] = c >= 1 && c <= 8;
  }
  for (size_t k = first;
       k < s->nseries && strcmp(s->series[k].workload, name) == 0; k++) {
    const pb_scaling_series *series = &s->series[k];
    for (size_t p = 0; p < series->npoints; p++) {
      const pb_scaling_point *pt = &series->points[p];
      pb_table_row(&t);
      pb_table_set(&t, 0, "%s", m->variants[series->v].label);
      pb_table_set(&t, 1, "%u", pt->threads);
      value(&t, 2, pt->ops_per_second / 1e6, "%.1f");
      value(&t, 3, pt->speedup, "%.2fx");
      value(&t, 4, pt->machine_speedup, "%.2fx");
      value(&t, 5, pt->cpu_ns_per_op, "%.2f");
      value(&t, 6, pt->peak_rss_bytes / (1 << 20), "%.2f");
      value(&t, 7, pt->cross_thread_frees, "%.0f");
      value(&t, 8, 100 * pt->cross_thread_free_share, "%.1f%%");
      if (pt->oversubscribed)
        pb_table_set(&t, 9, "oversubscribed (%u CPUs)", s->cpus);
    }
  }
  pb_table_print(&t, out);
  fputc('\n', out);
}

void pb_scaling_markdown(const pb_report *r, FILE *out) {
  const pb_scaling *s = &r->analysis.scaling;
  if (s->nseries == 0) return;
  fprintf(out,
          "### Scaling with threads\n\n"
          "Each threaded workload at each thread count, on every backend. "
          "Mops/s: the trace's ops over the replay's wall time, all threads "
          "together; speedup: that over the same backend's at its fewest "
          "threads; machine: this machine's own speedup between the same "
          "counts on work that shares nothing, measured before the runs, "
          "which no allocator can beat (as many times more threads where "
          "the cores are the machine's own; on a virtual machine whose host "
          "is busy, less); CPU ns/op: the CPU "
          "time all threads spent per op, which busy-waiting on a lock raises "
          "and throughput does not show; cross-thread frees: blocks freed "
          "on another thread than the one that allocated them, a property "
          "of the trace. Medians of the runs. The runs could use %u CPUs: a "
          "count above that is oversubscribed, its threads take turns on the "
          "cores, and it measures how the allocator fares when a thread is "
          "preempted (holding a lock), not parallelism.\n\n",
          s->cpus);
  for (size_t k = 0; k < s->nseries; k++)
    if (k == 0 || strcmp(s->series[k].workload, s->series[k - 1].workload))
      workload_table(r, k, out);
}
