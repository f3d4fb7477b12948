#include "harness/report/export_charts.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fail.h"
#include "common/user_path.h"
#include "harness/matrix/summary.h"
#include "harness/process/outcome.h"
#include "harness/process/spawn.h"

#define MAX_CHARTS 16

/* The charts' file names: the two relative charts, and one RSS timeline per
 * workload that asks for it (prefix, workload, suffix). */
#define THROUGHPUT_CHART "throughput.svg"
#define PEAK_RSS_CHART "peak_rss.svg"
#define REAL_CPU_CHART "real_cpu.svg"
#define TIMELINE_PREFIX "rss_"
#define TIMELINE_SUFFIX ".svg"

static const char chart_style[] =
    "set terminal svg size 1100,580 dynamic noenhanced font 'sans,12' "
    "background rgb 'white'\n"
    "set key outside right top\n"
    "set grid ytics\n"
    "set border 3\n"
    "set tics nomirror\n";

/* Text as a double-quoted gnuplot string (where \n is a line break). */
static void put_quoted(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '\n') {
      fputs("\\n", f);
      continue;
    }
    if (*s == '"' || *s == '\\') fputc('\\', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

/* The title, and under it the machine, the versions and the date. */
static void set_title(FILE *script, const char *title, const char *subtitle) {
  char both[4096];
  snprintf(both, sizeof both, "%s\n%s", title, subtitle);
  fputs("set title ", script);
  put_quoted(script, both);
  fputc('\n', script);
}

/* Two lines under a chart's title: "<cpu>, 2 cores, 2026-11-26" and the
 * allocators with their versions. */
static void make_subtitle(const pb_matrix *m, json_t *machine, char *buf,
                          size_t size) {
  const char *cpu = json_string_value(json_object_get(machine, "cpu"));
  const char *date = json_string_value(json_object_get(machine, "date"));
  int n = snprintf(
      buf, size, "%s, %lld cores, %.10s%s\n", cpu && *cpu ? cpu : "unknown CPU",
      (long long)json_integer_value(json_object_get(machine, "cpus")),
      date ? date : "",
      m->interrupted ? " (interrupted: partial results)" : "");
  for (size_t v = 0; v < m->nvariants && n > 0 && (size_t)n < size; v++) {
    const pb_variant *variant = &m->variants[v];
    int seen = 0; /* a sweep lists one backend several times */
    for (size_t u = 0; u < v; u++)
      seen |= strcmp(m->variants[u].backend, variant->backend) == 0;
    if (seen) continue;
    const char *version =
        json_string_value(json_object_get(variant->identity, "version"));
    if (!version) version = "?";
    /* A git-describe version, "5.3.0-0-g54eaed1d...", reads as 5.3.0. */
    const char *git = strstr(version, "-0-g");
    int len = git ? (int)(git - version) : (int)strlen(version);
    n += snprintf(buf + n, size - (size_t)n, "%s%s %.*s", v ? ", " : "",
                  variant->backend, len, version);
  }
}

/* Tick marks for a ratio axis from lo to hi, on a log scale. */
static void ratio_ticks(FILE *script, double lo, double hi) {
  static const double fine[] = {0.5, 0.6,  0.7, 0.8,  0.9, 1,
                                1.1, 1.25, 1.5, 1.75, 2};
  static const double medium[] = {0.2, 0.25, 0.33, 0.5, 0.67, 1,
                                  1.5, 2,    3,    4,   5};
  static const double coarse[] = {
      1.0 / 64, 1.0 / 32, 1.0 / 16, 0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64};
  const double *ticks = fine;
  size_t count = sizeof fine / sizeof fine[0];
  if (hi / lo > 6) {
    ticks = coarse;
    count = sizeof coarse / sizeof coarse[0];
  } else if (hi / lo > 2) {
    ticks = medium;
    count = sizeof medium / sizeof medium[0];
  }
  fputs("set ytics (", script);
  int first = 1;
  for (size_t i = 0; i < count; i++) {
    if (ticks[i] < lo || ticks[i] > hi) continue;
    fprintf(script, "%s\"%.3gx\" %.6g", first ? "" : ", ", ticks[i], ticks[i]);
    first = 0;
  }
  fputs(")\n", script);
}

/* Bars from 1 to each variant's ratio against the reference, grouped by
 * workload, on a log axis. invert: plot reference / variant (throughput
 * from ns/op: higher is better) instead of variant / reference. */
static void relative_chart(const pb_matrix *m, FILE *script, FILE *data,
                           const char *data_path, const pb_metric *metric,
                           int invert, const char *title, const char *subtitle,
                           const char *output) {
  double width = 0.8 / (double)m->nvariants;
  double lo = 1, hi = 1;
  size_t charted = 0; /* workloads whose runs report the metric */
  for (size_t v = 0; v < m->nvariants; v++) {
    charted = 0;
    for (size_t w = 0; w < m->nworkloads; w++) {
      if (!pb_metric_applies(metric, &m->workloads[w])) continue;
      size_t position = charted++;
      pb_summary s;
      if (pb_summarize(m, w, v, metric, &s) != 0 || !isfinite(s.ratio) ||
          s.ratio <= 0)
        continue;
      double ratio = invert ? 1 / s.ratio : s.ratio;
      double x = (double)position - 0.4 + ((double)v + 0.5) * width;
      fprintf(data, "%.6g\t%.6g\n", x, ratio);
      lo = fmin(lo, ratio);
      hi = fmax(hi, ratio);
    }
    fputs("\n\n", data); /* one gnuplot data block per variant */
  }
  lo /= 1.15;
  hi *= 1.15;
  fputs(chart_style, script);
  fprintf(script, "set output '%s'\n", output);
  set_title(script, title, subtitle);
  fprintf(script,
          "set logscale y 2\nset yrange [%.6g:%.6g]\n"
          "set xrange [-0.6:%.6g]\nset ylabel 'ratio to %s (log scale)'\n"
          "set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead "
          "lw 1.5 lc rgb 'black' front\n"
          "set style fill solid 0.85 border -1\n",
          lo, hi, (double)charted - 0.4, m->reference->label);
  ratio_ticks(script, lo, hi);
  fputs("set xtics (", script);
  charted = 0;
  for (size_t w = 0; w < m->nworkloads; w++) {
    if (!pb_metric_applies(metric, &m->workloads[w])) continue;
    fputs(charted ? ", " : "", script);
    put_quoted(script, m->workloads[w].name);
    fprintf(script, " %zu", charted++);
  }
  /* Slanted, so that long names ("<workload>:captured") do not overlap. */
  fputs(") rotate by -25\nplot ", script);
  for (size_t v = 0; v < m->nvariants; v++) {
    fprintf(script,
            "%s'%s' index %zu using 1:2:($1-%.6g):($1+%.6g):(1):2 "
            "with boxxyerror lc %zu title ",
            v ? ", " : "", data_path, v, width / 2, width / 2, v + 1);
    put_quoted(script, m->variants[v].label);
  }
  fputs(
      "\nunset logscale y\nunset arrow 1\nunset ylabel\nset ytics auto\n"
      "set xtics auto norotate\nset xrange [*:*]\nset yrange [*:*]\n",
      script);
}

/* RSS over the run, one line per variant, from each cell's first good run. */
static void timeline_chart(const pb_matrix *m, size_t w, FILE *script,
                           FILE *data, const char *data_path,
                           const char *subtitle, const char *output) {
  char title[256];
  snprintf(title, sizeof title, "RSS over time: %s", m->workloads[w].name);
  fputs(chart_style, script);
  fprintf(script, "set output '%s'\n", output);
  set_title(script, title, subtitle);
  fputs(
      "set xlabel 'operations replayed (millions)'\n"
      "set ylabel 'RSS above baseline (MiB)'\nset yrange [0:*]\nplot ",
      script);
  int blocks = 0;
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
    fprintf(script, "%s'%s' index %d with lines lw 2 lc %zu title ",
            blocks ? ", " : "", data_path, blocks, v + 1);
    put_quoted(script, m->variants[v].label);
    blocks++;
  }
  fputs(blocks ? "\n" : "0 notitle\n", script);
  fputs("unset xlabel\nunset ylabel\nset yrange [*:*]\n", script);
}

/* Reads a whole file into memory; NULL when it cannot. */
static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  if (fseek(f, 0, SEEK_END) == 0) {
    long size = ftell(f);
    if (size >= 0 && fseek(f, 0, SEEK_SET) == 0) {
      buf = malloc((size_t)size + 1);
      if (buf && fread(buf, 1, (size_t)size, f) == (size_t)size) {
        buf[size] = '\0';
        *len = (size_t)size;
      } else {
        free(buf);
        buf = NULL;
      }
    }
  }
  fclose(f);
  return buf;
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

int pb_charts_draw(const pb_matrix *m, json_t *machine, pb_chart **charts) {
  *charts = NULL;
  char scratch[2048]; /* and file names: the paths below fit 4200 */
  snprintf(scratch, sizeof scratch, "%s/poolbench-charts.XXXXXX",
           pb_temp_dir());
  if (!mkdtemp(scratch)) {
    pb_warn("cannot create a directory for the charts: %s", strerror(errno));
    return -1;
  }
  char subtitle[2048];
  make_subtitle(m, machine, subtitle, sizeof subtitle);
  char names[MAX_CHARTS][64];
  int count = 0;
  char script_path[4200], data_path[4200], output[4200];
  snprintf(script_path, sizeof script_path, "%s/charts.gp", scratch);
  FILE *script = fopen(script_path, "w");
  if (!script) {
    pb_warn("cannot write the chart script: %s", strerror(errno));
    remove_scratch_dir(scratch);
    return -1;
  }

  struct {
    const char *name, *title;
    const pb_metric *metric;
    int invert;
  } relative[] = {
      {THROUGHPUT_CHART, "Throughput relative to %s (higher is better)",
       pb_metric_find("ns_per_op"), 1},
      {PEAK_RSS_CHART, "Peak RSS relative to %s (lower is better)",
       pb_metric_find("peak_rss_bytes"), 0},
      {REAL_CPU_CHART,
       "Real programs: speed (1 / CPU time) relative to %s (higher is "
       "better)",
       pb_metric_find("program_cpu_seconds"), 1},
  };
  for (size_t k = 0; k < sizeof relative / sizeof relative[0]; k++) {
    int applies = 0;
    for (size_t w = 0; w < m->nworkloads; w++)
      applies |= pb_metric_applies(relative[k].metric, &m->workloads[w]);
    if (!applies) continue;
    snprintf(data_path, sizeof data_path, "%s/relative%zu.dat", scratch, k);
    FILE *data = fopen(data_path, "w");
    if (!data) continue;
    snprintf(names[count], sizeof names[count], "%s", relative[k].name);
    snprintf(output, sizeof output, "%s/%s", scratch, names[count]);
    char title[256];
    snprintf(title, sizeof title, relative[k].title, m->reference->label);
    relative_chart(m, script, data, data_path, relative[k].metric,
                   relative[k].invert, title, subtitle, output);
    fclose(data);
    count++;
  }
  for (size_t w = 0; w < m->nworkloads && count < MAX_CHARTS; w++) {
    if (!m->workloads[w].rss_chart) continue;
    snprintf(data_path, sizeof data_path, "%s/timeline%zu.dat", scratch, w);
    FILE *data = fopen(data_path, "w");
    if (!data) continue;
    snprintf(names[count], sizeof names[count],
             TIMELINE_PREFIX "%.50s" TIMELINE_SUFFIX, m->workloads[w].name);
    snprintf(output, sizeof output, "%s/%s", scratch, names[count]);
    timeline_chart(m, w, script, data, data_path, subtitle, output);
    fclose(data);
    count++;
  }
  fclose(script);

  char *argv[] = {"gnuplot", script_path, NULL};
  pb_spawn_result r;
  char why[256];
  pb_outcome outcome =
      pb_outcome_judge(pb_spawn(argv, 60, &r), &r, why, sizeof why);
  pb_spawn_result_free(&r);
  int ok = outcome == PB_OUTCOME_OK;
  if (!ok) pb_warn("gnuplot: %s: no charts", why);
  pb_chart *drawn = ok ? calloc((size_t)count, sizeof *drawn) : NULL;
  int n = 0;
  for (int i = 0; drawn && i < count; i++) {
    snprintf(output, sizeof output, "%s/%s", scratch, names[i]);
    drawn[n].svg = read_file(output, &drawn[n].len);
    if (!drawn[n].svg) {
      pb_warn("gnuplot did not draw %s", names[i]);
      ok = 0;
      break;
    }
    drawn[n++].name = strdup(names[i]);
  }
  remove_scratch_dir(scratch);
  if (!ok) {
    pb_charts_free(drawn, n);
    return -1;
  }
  *charts = drawn;
  return n;
}

void pb_charts_free(pb_chart *charts, int count) {
  for (int i = 0; charts && i < count; i++) {
    free(charts[i].name);
    free(charts[i].svg);
  }
  free(charts);
}

int pb_chart_file(const char *name) {
  size_t len = strlen(name), prefix = strlen(TIMELINE_PREFIX),
         suffix = strlen(TIMELINE_SUFFIX);
  return strcmp(name, THROUGHPUT_CHART) == 0 ||
         strcmp(name, PEAK_RSS_CHART) == 0 ||
         strcmp(name, REAL_CPU_CHART) == 0 ||
         (len > prefix + suffix &&
          strncmp(name, TIMELINE_PREFIX, prefix) == 0 &&
          strcmp(name + len - suffix, TIMELINE_SUFFIX) == 0);
}
