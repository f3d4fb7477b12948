/* Reports of the comparison matrix: the per-metric tables (Markdown, which is
 * also what the terminal shows), CSV, the full JSON record and the charts. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "harness/matrix.h"
#include "harness/spawn.h"
#include "harness/stats/statistics.h"

const pb_metric pb_metrics[] = {
    {"ns_per_op", "Throughput", "ns/op", 1, 1},
    {"peak_rss_bytes", "Peak RSS", "MiB", 1 << 20, 1},
    {"fragmentation", "Fragmentation: peak RSS / peak live bytes", "x", 1, 1},
    {"retained_bytes", "Retained after teardown (all blocks freed)", "MiB",
     1 << 20, 1},
    {"retained_after_release_bytes", "Retained after release()", "MiB", 1 << 20,
     1},
};
const size_t pb_metric_count = sizeof pb_metrics / sizeof pb_metrics[0];

/* ---- statistics of a cell ------------------------------------------------ */

/* The metric's values over the cell's successful runs, in run order. */
static size_t cell_values(const pb_matrix *m, const pb_cell *cell,
                          const pb_metric *metric, double *values) {
  size_t n = 0;
  for (int r = 0; r < m->runs_per_cell; r++) {
    if (!cell->runs[r].ok) continue;
    json_t *v = json_object_get(cell->runs[r].result, metric->field);
    if (json_is_number(v)) values[n++] = json_number_value(v) / metric->divisor;
  }
  return n;
}

int pb_summarize(const pb_matrix *m, size_t w, size_t v,
                 const pb_metric *metric, pb_summary *s) {
  double values[m->runs_per_cell], ref[m->runs_per_cell];
  memset(s, 0, sizeof *s);
  s->n = cell_values(m, pb_matrix_cell(m, w, v), metric, values);
  if (s->n == 0) return -1;
  s->median = pb_median(values, s->n);
  s->min = pb_min(values, s->n);
  s->max = pb_max(values, s->n);
  pb_interval ci = pb_median_ci(values, s->n, 0.95);
  s->ci_low = ci.low;
  s->ci_high = ci.high;
  s->ci_level = ci.level;
  s->unstable = pb_unstable(values, s->n, m->unstable_threshold);
  s->ratio = NAN;
  s->p_value = NAN;
  size_t r = (size_t)(m->reference - m->variants);
  size_t nref = cell_values(m, pb_matrix_cell(m, w, r), metric, ref);
  if (nref > 0) {
    double ref_median = pb_median(ref, nref);
    if (ref_median != 0) s->ratio = s->median / ref_median;
    if (r != v) s->p_value = pb_mann_whitney(values, s->n, ref, nref).p_value;
  }
  return 0;
}

/* ---- aligned Markdown tables ----------------------------------------------
 */

#define MAX_COLUMNS 10
#define CELL_MAX 96

typedef struct table {
  size_t columns, rows, capacity;
  char (*cells)[MAX_COLUMNS][CELL_MAX]; /* row 0 is the heading */
  int right[MAX_COLUMNS];               /* right-aligned (numbers) */
} table;

static char *table_row(table *t) {
  if (t->rows == t->capacity) {
    t->capacity = t->capacity ? 2 * t->capacity : 16;
    t->cells = realloc(t->cells, t->capacity * sizeof *t->cells);
    if (!t->cells) {
      perror("benchmarks");
      exit(1);
    }
  }
  memset(t->cells[t->rows], 0, sizeof *t->cells);
  return t->cells[t->rows++][0];
}

static void table_set(table *t, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void table_set(table *t, size_t column, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t->cells[t->rows - 1][column], CELL_MAX, fmt, ap);
  va_end(ap);
}

static void table_print(const table *t, FILE *out) {
  size_t width[MAX_COLUMNS] = {0};
  for (size_t r = 0; r < t->rows; r++)
    for (size_t c = 0; c < t->columns; c++) {
      size_t len = strlen(t->cells[r][c]);
      if (len > width[c]) width[c] = len;
    }
  for (size_t r = 0; r < t->rows; r++) {
    for (size_t c = 0; c < t->columns; c++)
      fprintf(out, t->right[c] ? "| %*s " : "| %-*s ", (int)width[c],
              t->cells[r][c]);
    fputs("|\n", out);
    if (r == 0) {
      for (size_t c = 0; c < t->columns; c++) {
        fputs("|", out);
        for (size_t k = 0; k < width[c] + 1; k++) fputc('-', out);
        fputc(t->right[c] ? ':' : '-', out);
      }
      fputs("|\n", out);
    }
  }
  free(t->cells);
}

static const char *failure_of(const pb_matrix *m, const pb_cell *cell) {
  for (int r = 0; r < m->runs_per_cell; r++)
    if (!cell->runs[r].ok) return cell->runs[r].failure;
  return "";
}

/* Numbers with three significant digits or so, as a person reads them. */
static void format_value(char *buf, size_t size, double x) {
  double a = fabs(x);
  if (a >= 100)
    snprintf(buf, size, "%.0f", x);
  else if (a >= 10)
    snprintf(buf, size, "%.1f", x);
  else if (a >= 1)
    snprintf(buf, size, "%.2f", x);
  else
    snprintf(buf, size, "%.3f", x);
}

static void metric_table(const pb_matrix *m, const pb_metric *metric,
                         FILE *out) {
  int throughput = strcmp(metric->field, "ns_per_op") == 0;
  fprintf(out, "### %s (%s; %s is better)\n\n", metric->title, metric->unit,
          metric->lower_is_better ? "lower" : "higher");
  table t = {.columns = throughput ? 9 : 8};
  size_t c = 0;
  table_row(&t);
  table_set(&t, c++, "workload");
  table_set(&t, c++, "backend");
  t.right[c] = 1;
  table_set(&t, c++, "median");
  if (throughput) {
    t.right[c] = 1;
    table_set(&t, c++, "Mops/s");
  }
  t.right[c] = 1;
  table_set(&t, c++, "min-max");
  t.right[c] = 1;
  table_set(&t, c++, "CI");
  t.right[c] = 1;
  table_set(&t, c++, "vs %s", m->reference->label);
  t.right[c] = 1;
  table_set(&t, c++, "p");
  table_set(&t, c++, "note");

  for (size_t w = 0; w < m->nworkloads; w++) {
    for (size_t v = 0; v < m->nvariants; v++) {
      const pb_cell *cell = pb_matrix_cell(m, w, v);
      pb_summary s;
      table_row(&t);
      c = 0;
      table_set(&t, c++, "%s", m->workloads[w]);
      table_set(&t, c++, "%s", m->variants[v].label);
      if (pb_summarize(m, w, v, metric, &s) != 0) {
        table_set(&t, t.columns - 1, "FAILED: %s", failure_of(m, cell));
        continue;
      }
      char med[32], lo[32], hi[32], cl[32], ch[32];
      format_value(med, sizeof med, s.median);
      format_value(lo, sizeof lo, s.min);
      format_value(hi, sizeof hi, s.max);
      format_value(cl, sizeof cl, s.ci_low);
      format_value(ch, sizeof ch, s.ci_high);
      table_set(&t, c++, "%s", med);
      if (throughput)
        table_set(&t, c++, "%.1f", s.median > 0 ? 1e3 / s.median : 0);
      table_set(&t, c++, "%s-%s", lo, hi);
      table_set(&t, c++, "%s-%s", cl, ch);
      if (isnan(s.ratio))
        table_set(&t, c++, "-");
      else
        table_set(&t, c++, "%.2fx", s.ratio);
      if (isnan(s.p_value))
        table_set(&t, c++, "-");
      else
        table_set(&t, c++, "%.3f", s.p_value);
      char note[CELL_MAX] = "";
      if (s.unstable) strcat(note, "unstable ");
      if (cell->failed) strcat(note, "some runs failed ");
      table_set(&t, c++, "%s", note);
    }
  }
  table_print(&t, out);
  fputc('\n', out);
}

void pb_report_markdown(const pb_matrix *m, FILE *out) {
  /* The coverage an order-statistic interval achieves depends only on the
   * number of runs: below 6 runs no pair reaches 95%, and the interval is
   * [min, max] with less coverage. */
  double ranks[m->runs_per_cell];
  for (int r = 0; r < m->runs_per_cell; r++) ranks[r] = r;
  pb_interval ci = pb_median_ci(ranks, (size_t)m->runs_per_cell, 0.95);
  fprintf(out,
          "## poolbench: %zu backends x %zu workloads, %d runs each\n\n"
          "Median of the runs; min-max; a distribution-free confidence "
          "interval of the median (order statistics; with %d runs it covers "
          "%.1f%%); ratio of medians against %s; p: two-sided Mann-Whitney U "
          "against %s (small p: the difference is not noise; with fewer than "
          "4 runs a side no p reaches 0.05). \"unstable\": the runs' "
          "standard deviation exceeds %.0f%% of their mean (pyperf's "
          "check).\n\n",
          m->nvariants, m->nworkloads, m->runs_per_cell, m->runs_per_cell,
          ci.level * 100, m->reference->label, m->reference->label,
          m->unstable_threshold * 100);
  for (size_t k = 0; k < pb_metric_count; k++)
    metric_table(m, &pb_metrics[k], out);
}

/* ---- CSV: one row per run -------------------------------------------------
 */

void pb_report_csv(const pb_matrix *m, FILE *out) {
  fputs("workload,backend,variant,run,status", out);
  for (size_t k = 0; k < pb_metric_count; k++)
    fprintf(out, ",%s", pb_metrics[k].field);
  fputs(",ops,peak_live_bytes\n", out);
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++) {
      const pb_cell *cell = pb_matrix_cell(m, w, v);
      for (int r = 0; r < m->runs_per_cell; r++) {
        const pb_run *run = &cell->runs[r];
        fprintf(out, "%s,%s,\"%s\",%d,\"%s\"", m->workloads[w],
                m->variants[v].backend, m->variants[v].label, r + 1,
                run->ok ? "ok" : run->failure);
        for (size_t k = 0; k < pb_metric_count; k++) {
          json_t *x = run->ok
                          ? json_object_get(run->result, pb_metrics[k].field)
                          : NULL;
          if (json_is_number(x))
            fprintf(out, ",%.10g", json_number_value(x));
          else
            fputs(",", out);
        }
        const char *extra[] = {"ops", "peak_live_bytes"};
        for (int e = 0; e < 2; e++) {
          json_t *x = run->ok ? json_object_get(run->result, extra[e]) : NULL;
          if (json_is_number(x))
            fprintf(out, ",%.10g", json_number_value(x));
          else
            fputs(",", out);
        }
        fputc('\n', out);
      }
    }
}

/* ---- JSON: everything ------------------------------------------------------
 */

static json_t *machine_json(void) {
  struct utsname u;
  uname(&u);
  char model[256] = "unknown";
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f) {
    char line[512];
    while (fgets(line, sizeof line, f)) {
      if (strncmp(line, "model name", 10) == 0) {
        char *colon = strchr(line, ':');
        if (colon) {
          snprintf(model, sizeof model, "%s", colon + 2);
          model[strcspn(model, "\n")] = '\0';
        }
        break;
      }
    }
    fclose(f);
  }
  time_t now = time(NULL);
  char date[64];
  strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  return json_pack(
      "{s:s, s:s, s:s, s:s, s:I, s:I, s:s}", "system", u.sysname, "kernel",
      u.release, "arch", u.machine, "cpu", model, "cpus",
      (json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "memory_bytes",
      (json_int_t)sysconf(_SC_PHYS_PAGES) * (json_int_t)sysconf(_SC_PAGESIZE),
      "date", date);
}

static json_t *summary_json(const pb_matrix *m, size_t w, size_t v) {
  json_t *obj = json_object();
  for (size_t k = 0; k < pb_metric_count; k++) {
    pb_summary s;
    if (pb_summarize(m, w, v, &pb_metrics[k], &s) != 0) continue;
    json_t *x = json_pack(
        "{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:b}", "n", (json_int_t)s.n,
        "median", s.median, "min", s.min, "max", s.max, "ci_low", s.ci_low,
        "ci_high", s.ci_high, "ci_level", s.ci_level, "unstable", s.unstable);
    if (!isnan(s.ratio)) json_object_set_new(x, "ratio", json_real(s.ratio));
    if (!isnan(s.p_value))
      json_object_set_new(x, "p_value", json_real(s.p_value));
    json_object_set_new(x, "unit", json_string(pb_metrics[k].unit));
    json_object_set_new(obj, pb_metrics[k].field, x);
  }
  return obj;
}

json_t *pb_report_json(const pb_matrix *m) {
  json_t *allocators = json_object();
  for (size_t v = 0; v < m->nvariants; v++)
    json_object_set(allocators, m->variants[v].label, m->variants[v].identity);
  json_t *cells = json_array();
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++) {
      const pb_cell *cell = pb_matrix_cell(m, w, v);
      json_t *runs = json_array();
      for (int r = 0; r < m->runs_per_cell; r++) {
        const pb_run *run = &cell->runs[r];
        json_array_append_new(
            runs, run->ok ? json_incref(run->result)
                          : json_pack("{s:s}", "failed", run->failure));
      }
      json_array_append_new(
          cells,
          json_pack("{s:s, s:s, s:s, s:b, s:o, s:o}", "workload",
                    m->workloads[w], "backend", m->variants[v].backend,
                    "variant", m->variants[v].label, "failed", cell->failed,
                    "runs", runs, "summary", summary_json(m, w, v)));
    }
  return json_pack("{s:s, s:o, s:O, s:s, s:o, s:o}", "poolbench", "1",
                   "machine", machine_json(), "options", m->options,
                   "reference", m->reference->label, "allocators", allocators,
                   "cells", cells);
}

/* ---- files ------------------------------------------------------------------
 */

int pb_write_file_atomic(const char *dir, const char *name, const char *data,
                         size_t len) {
  char path[4096], tmp[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    fprintf(stderr, "benchmarks: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, data + done, len - done);
    if (n <= 0) break;
    done += (size_t)n;
  }
  fchmod(fd, 0644);
  int ok = done == len && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok || rename(tmp, path) != 0) {
    fprintf(stderr, "benchmarks: cannot write %s: %s\n", path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

/* ---- charts
 * ------------------------------------------------------------------ */

static const char chart_style[] =
    "set terminal svg size 960,540 dynamic noenhanced font 'sans,12' "
    "background rgb 'white'\n"
    "set key outside right top\n"
    "set grid ytics\n"
    "set border 3\n"
    "set tics nomirror\n";

/* A clustered bar chart: one group per workload, one bar per variant. */
static void bar_chart(const pb_matrix *m, FILE *script, FILE *data,
                      const char *data_path, const char *field, double scale,
                      int reciprocal, const char *title, const char *ylabel,
                      const char *output) {
  fputs("workload", data);
  for (size_t v = 0; v < m->nvariants; v++)
    fprintf(data, "\t\"%s\"", m->variants[v].label);
  fputc('\n', data);
  pb_metric metric = {field, "", "", 1, 1};
  for (size_t w = 0; w < m->nworkloads; w++) {
    fprintf(data, "%s", m->workloads[w]);
    for (size_t v = 0; v < m->nvariants; v++) {
      pb_summary s;
      if (pb_summarize(m, w, v, &metric, &s) != 0)
        fputs("\tNaN", data);
      else
        fprintf(data, "\t%.6g",
                reciprocal ? (s.median > 0 ? scale / s.median : 0)
                           : s.median / scale);
    }
    fputc('\n', data);
  }
  fprintf(script,
          "%sset output '%s'\nset title '%s'\nset ylabel '%s'\n"
          "set yrange [0:*]\nset style data histograms\n"
          "set style histogram clustered gap 1\n"
          "set style fill solid 0.85 border -1\nset boxwidth 0.9\n"
          "set xtics rotate by -20\n"
          "plot for [i=2:%zu] '%s' using i:xtic(1) title columnheader(i)\n"
          "unset style\nset xtics norotate\n",
          chart_style, output, title, ylabel, m->nvariants + 1, data_path);
}

/* RSS over the run, one line per variant, from each cell's first good run. */
static int timeline_chart(const pb_matrix *m, size_t w, FILE *script,
                          FILE *data, const char *data_path,
                          const char *output) {
  int blocks = 0;
  fprintf(script,
          "%sset output '%s'\nset title 'RSS over time: %s'\n"
          "set xlabel 'operations replayed (millions)'\n"
          "set ylabel 'RSS above baseline (MiB)'\nset yrange [0:*]\nplot ",
          chart_style, output, m->workloads[w]);
  for (size_t v = 0; v < m->nvariants; v++) {
    const pb_cell *cell = pb_matrix_cell(m, w, v);
    json_t *timeline = NULL;
    for (int r = 0; r < m->runs_per_cell && !timeline; r++)
      if (cell->runs[r].ok)
        timeline = json_object_get(cell->runs[r].result, "rss_timeline");
    if (!json_is_array(timeline)) continue;
    size_t i;
    json_t *point;
    json_array_foreach(timeline, i, point) {
      fprintf(data, "%.6g\t%.6g\n",
              (double)json_integer_value(json_array_get(point, 0)) / 1e6,
              (double)json_integer_value(json_array_get(point, 1)) / (1 << 20));
    }
    fputs("\n\n", data);
    fprintf(script, "%s'%s' index %d with lines lw 2 title '%s'",
            blocks ? ", " : "", data_path, blocks, m->variants[v].label);
    blocks++;
  }
  fputs(blocks ? "\n" : "0 notitle\n", script);
  fputs("unset xlabel\n", script);
  return blocks;
}

/* Removes a scratch directory of plain files (data, script, charts). */
static void remove_scratch_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    char path[4200];
    for (struct dirent *e; (e = readdir(d));) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      unlink(path);
    }
    closedir(d);
  }
  rmdir(dir);
}

int pb_report_charts(const pb_matrix *m, const char *dir) {
  char tmpdir[] = "/tmp/poolbench-charts.XXXXXX";
  if (!mkdtemp(tmpdir)) {
    perror("benchmarks: charts");
    return -1;
  }
  typedef struct chart {
    char name[64];     /* file in dir */
    char output[4200]; /* where gnuplot writes it */
  } chart;
  chart charts[16];
  int ncharts = 0;
  char path[4200], script_path[4200];
  snprintf(script_path, sizeof script_path, "%s/charts.gp", tmpdir);
  FILE *script = fopen(script_path, "w");
  if (!script) return -1;

  struct {
    const char *name, *field, *title, *ylabel;
    double scale;
    int reciprocal;
  } bars[] = {
      {"throughput.svg", "ns_per_op",
       "Throughput by workload (higher is better)", "Mops/s", 1e3, 1},
      {"peak_rss.svg", "peak_rss_bytes",
       "Peak RSS by workload (lower is better)", "MiB", 1 << 20, 0},
  };
  for (size_t b = 0; b < sizeof bars / sizeof bars[0]; b++) {
    snprintf(path, sizeof path, "%s/bars%zu.dat", tmpdir, b);
    FILE *data = fopen(path, "w");
    if (!data) continue;
    chart *c = &charts[ncharts++];
    snprintf(c->name, sizeof c->name, "%s", bars[b].name);
    snprintf(c->output, sizeof c->output, "%s/%s", tmpdir, bars[b].name);
    bar_chart(m, script, data, path, bars[b].field, bars[b].scale,
              bars[b].reciprocal, bars[b].title, bars[b].ylabel, c->output);
    fclose(data);
  }
  /* The workloads whose memory over time is the story: peaks and valleys,
   * and memory pinned by survivors. */
  const char *over_time[] = {"objgraph", "pinning"};
  for (size_t k = 0; k < 2; k++) {
    for (size_t w = 0; w < m->nworkloads; w++) {
      if (strcmp(m->workloads[w], over_time[k]) != 0) continue;
      snprintf(path, sizeof path, "%s/timeline_%s.dat", tmpdir, over_time[k]);
      FILE *data = fopen(path, "w");
      if (!data) continue;
      chart *c = &charts[ncharts++];
      snprintf(c->name, sizeof c->name, "rss_%s.svg", over_time[k]);
      snprintf(c->output, sizeof c->output, "%s/rss_%s.svg", tmpdir,
               over_time[k]);
      timeline_chart(m, w, script, data, path, c->output);
      fclose(data);
    }
  }
  fclose(script);

  char *argv[] = {"gnuplot", script_path, NULL};
  pb_spawn_result r;
  int written = 0;
  if (pb_spawn(argv, 60, &r) != 0) {
    fprintf(stderr, "benchmarks: cannot run gnuplot (%s): no charts\n",
            strerror(errno));
    written = -1;
  } else {
    if (r.exit_status != 0 || r.signaled || r.timed_out) {
      fprintf(stderr, "benchmarks: gnuplot failed: %s\n", r.err);
      written = -1;
    }
    pb_spawn_result_free(&r);
  }
  /* Move each finished chart into place: rename is atomic within a file
   * system; across file systems, copy through a temporary file. */
  for (int i = 0; i < ncharts && written >= 0; i++) {
    FILE *f = fopen(charts[i].output, "rb");
    if (!f) continue;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    if (buf && fread(buf, 1, (size_t)len, f) == (size_t)len &&
        pb_write_file_atomic(dir, charts[i].name, buf, (size_t)len) == 0)
      written++;
    free(buf);
    fclose(f);
  }
  remove_scratch_dir(tmpdir);
  return written;
}
