/* The comparison's charts, drawn by gnuplot as SVG:
 *
 *   throughput.svg     the replays' throughput on CPU time relative to the
 *                      reference (reference CPU ns/op over the variant's),
 *                      one group of bars per workload, on a log scale:
 *                      every workload readable whatever its absolute speed,
 *                      2x faster as tall as 2x slower is deep (how
 *                      allocator suites plot it)
 *   peak_rss.svg       the replays' peak RSS above the runner's baseline
 *                      relative to the reference, likewise
 *   footprint_peak.svg the peak footprint, likewise: the replays' (the
 *                      allocator's fixed overhead + peak RSS above the
 *                      baseline) and the real programs' (what pyrun
 *                      measures of its allocator), side by side
 *   real_cpu.svg       the real programs' speed (1 / CPU time) relative to
 *                      the reference, likewise
 *   real_peak_rss.svg  the real programs' whole-process peak RSS, likewise
 *   rss_NAME.svg     RSS over the run, one line per variant, for each
 *                    workload whose registry entry asks for it
 *
 * Every bar has whiskers: the confidence interval of its median (the one
 * the tables print) over the reference's median; the reference is the line
 * at 1x. Titles name the machine, the allocators' versions and the date;
 * each backend has one colour in every chart. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocator/registry.h"
#include "common/fail.h"
#include "common/user_path.h"
#include "harness/process/outcome.h"
#include "harness/process/spawn.h"
#include "harness/report/exporter.h"

#define MAX_CHARTS 16

/* The charts' file names: the relative charts, and one RSS timeline per
 * workload that asks for it (prefix, workload, suffix). */
#define THROUGHPUT_CHART "throughput.svg"
#define PEAK_RSS_CHART "peak_rss.svg"
#define FOOTPRINT_CHART "footprint_peak.svg"
#define REAL_PEAK_RSS_CHART "real_peak_rss.svg"
#define REAL_CPU_CHART "real_cpu.svg"
#define TIMELINE_PREFIX "rss_"
#define TIMELINE_SUFFIX ".svg"
#define SCALING_PREFIX "scaling_" /* then the threaded workload's name */

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

/* Tick marks for a ratio axis from lo to hi, on a log scale: the round
 * ratios within the range, thinned evenly to at most about ten, and never
 * fewer than the range holds of the coarse ones (a range of 0.9x to 2.3x
 * gets 0.9x, 1x, 1.25x, 1.5x, 2x, not just 1x and 2x). */
static void ratio_ticks(FILE *script, double lo, double hi) {
  static const double round[] = {
      1.0 / 64, 1.0 / 32, 1.0 / 16, 0.1,  0.125, 0.15, 0.2, 0.25,
      0.3,      0.4,      0.5,      0.6,  0.7,   0.8,  0.9, 1,
      1.1,      1.25,     1.5,      1.75, 2,     2.5,  3,   4,
      5,        6,        8,        10,   16,    32,   64};
  const size_t count = sizeof round / sizeof round[0];
  size_t in = 0;
  for (size_t i = 0; i < count; i++) in += round[i] >= lo && round[i] <= hi;
  size_t step = in > 10 ? (in + 9) / 10 : 1;
  fputs("set ytics (", script);
  int first = 1;
  size_t k = 0;
  for (size_t i = 0; i < count; i++) {
    if (round[i] < lo || round[i] > hi) continue;
    /* Every step-th, counted from 1x so that 1x is always a tick. */
    size_t from_one = 0;
    for (size_t j = 0; j < count; j++)
      if (round[j] >= lo && round[j] <= hi && round[j] < 1) from_one++;
    int keep = ((k + step * count - from_one) % step) == 0;
    k++;
    if (!keep) continue;
    fprintf(script, "%s\"%.3gx\" %.6g", first ? "" : ", ", round[i], round[i]);
    first = 0;
  }
  fputs(")\n", script);
}

/* One colour per backend, the same in every chart of every run: its place
 * in the backend registry picks it from a palette told apart also by
 * readers with colour-blindness (Okabe and Ito's); a backend's second and
 * later variants (a sweep) are lighter shades of it. */
static void variant_colour(const pb_matrix *m, size_t v, char rgb[8]) {
  static const unsigned palette[] = {0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7,
                                     0x56B4E9, 0xD55E00, 0x000000, 0x999999};
  const size_t colours = sizeof palette / sizeof palette[0];
  size_t index = 0;
  for (const pb_backend_entry *b = pb_backend_registry; b->name; b++, index++)
    if (strcmp(b->name, m->variants[v].backend) == 0) break;
  size_t shade = 0; /* earlier variants of the same backend */
  for (size_t u = 0; u < v; u++)
    shade += strcmp(m->variants[u].backend, m->variants[v].backend) == 0;
  unsigned c = palette[index % colours];
  double keep = 1.0 / (1.0 + 0.6 * (double)shade); /* mixed with white */
  unsigned r = (c >> 16) & 0xff, g = (c >> 8) & 0xff, b = c & 0xff;
  r = (unsigned)(255 - (255 - r) * keep);
  g = (unsigned)(255 - (255 - g) * keep);
  b = (unsigned)(255 - (255 - b) * keep);
  snprintf(rgb, 8, "#%02x%02x%02x", r & 0xff, g & 0xff, b & 0xff);
}

/* Bars from 1 to each variant's ratio against the reference, grouped by
 * workload, on a log axis, for the workloads of the suites in `suites`;
 * whiskers span the confidence interval of the variant's median over the
 * reference's median (the interval the tables print). The reference is
 * the line at 1x, not a bar of no height. invert: plot reference / variant
 * (a speed from a time: higher is better) instead of variant / reference. */
static void relative_chart(const pb_analysis *analysis, FILE *script,
                           FILE *data, const char *data_path,
                           const pb_metric *metric, unsigned suites, int invert,
                           const char *title, const char *ylabel,
                           const char *subtitle, const char *output) {
  const pb_matrix *m = analysis->m;
  size_t ref = (size_t)(m->reference - m->variants);
  size_t k = (size_t)(metric - pb_metrics);
  size_t bars = m->nvariants > 1 ? m->nvariants - 1 : 1;
  double width = 0.8 / (double)bars;
  double lo = 1, hi = 1;
  size_t charted = 0; /* workloads charted */
  for (size_t v = 0, slot = 0; v < m->nvariants; v++) {
    if (v == ref) continue;
    charted = 0;
    for (size_t w = 0; w < m->nworkloads; w++) {
      if (!pb_metric_applies(metric, &m->workloads[w]) ||
          !(suites & PB_SUITE_BIT(m->workloads[w].suite)))
        continue;
      size_t position = charted++;
      const pb_cell_analysis *c = pb_analysis_cell(analysis, w, v);
      const pb_cell_analysis *rc = pb_analysis_cell(analysis, w, ref);
      const pb_summary *s = &c->summary[k];
      double ratio = s->ratio, base = rc->summary[k].median;
      if (!c->summarized[k] || !rc->summarized[k] || !isfinite(ratio) ||
          ratio <= 0 || base <= 0 || s->ci_low <= 0)
        continue;
      double low = s->ci_low / base, high = s->ci_high / base;
      if (invert) {
        ratio = 1 / ratio;
        double t = 1 / low;
        low = 1 / high;
        high = t;
      }
      double x = (double)position - 0.4 + ((double)slot + 0.5) * width;
      fprintf(data, "%.6g\t%.6g\t%.6g\t%.6g\n", x, ratio, low, high);
      lo = fmin(lo, fmin(ratio, low));
      hi = fmax(hi, fmax(ratio, high));
    }
    fputs("\n\n", data); /* one gnuplot data block per variant */
    slot++;
  }
  lo /= 1.15;
  hi *= 1.15;
  fputs(chart_style, script);
  fprintf(script, "set output '%s'\n", output);
  set_title(script, title, subtitle);
  fputs("set logscale y 2\n", script);
  fprintf(script, "set yrange [%.6g:%.6g]\nset xrange [-0.6:%.6g]\nset ylabel ",
          lo, hi, (double)charted - 0.4);
  put_quoted(script, ylabel);
  fputs("\nset style fill solid 0.85 border -1\n", script);
  ratio_ticks(script, lo, hi);
  fputs("set xtics (", script);
  charted = 0;
  for (size_t w = 0; w < m->nworkloads; w++) {
    if (!pb_metric_applies(metric, &m->workloads[w]) ||
        !(suites & PB_SUITE_BIT(m->workloads[w].suite)))
      continue;
    fputs(charted ? ", " : "", script);
    put_quoted(script, m->workloads[w].name);
    fprintf(script, " %zu", charted++);
  }
  /* Slanted, so that long names ("<workload>:captured") do not overlap. */
  fputs(") rotate by -25\nplot ", script);
  for (size_t v = 0, block = 0; v < m->nvariants; v++) {
    if (v == ref) continue;
    char rgb[8];
    variant_colour(m, v, rgb);
    fprintf(script,
            "'%s' index %zu using 1:2:($1-%.6g):($1+%.6g):(1):2 "
            "with boxxyerror lc rgb '%s' title ",
            data_path, block, width / 2, width / 2, rgb);
    put_quoted(script, m->variants[v].label);
    fprintf(script,
            ", '%s' index %zu using 1:3:(0):($4-$3) with vectors nohead "
            "lw 1.2 lc rgb 'black' notitle, ",
            data_path, block);
    block++;
  }
  char ref_title[160];
  snprintf(ref_title, sizeof ref_title, "%s (reference, 1x)",
           m->reference->label);
  char rgb[8];
  variant_colour(m, ref, rgb);
  fprintf(script, "1 with lines lw 2.5 lc rgb '%s' title ", rgb);
  put_quoted(script, ref_title);
  fputs(
      "\nunset logscale y\nunset ylabel\nset ytics auto\n"
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
    char rgb[8];
    variant_colour(m, v, rgb);
    fprintf(script, "%s'%s' index %d with lines lw 2 lc rgb '%s' title ",
            blocks ? ", " : "", data_path, blocks, rgb);
    put_quoted(script, m->variants[v].label);
    blocks++;
  }
  fputs(blocks ? "\n" : "0 notitle\n", script);
  fputs("unset xlabel\nunset ylabel\nset yrange [*:*]\n", script);
}

/* Speedup against threads for the threaded workload whose series start
 * at first (matrix/scaling.h): a line per variant, the ideal (as many
 * times more threads) dashed, the counts past the machine's CPUs marked
 * oversubscribed. */
static void scaling_chart(const pb_report *r, size_t first, FILE *script,
                          FILE *data, const char *data_path,
                          const char *subtitle, const char *output) {
  const pb_matrix *m = r->m;
  const pb_scaling *s = &r->analysis.scaling;
  const char *name = s->series[first].workload;
  char title[256];
  snprintf(title, sizeof title,
           "Scaling with threads: %s (throughput over that at the fewest)",
           name);
  fputs(chart_style, script);
  fprintf(script, "set output '%s'\n", output);
  set_title(script, title, subtitle);
  unsigned most = 1;
  double top = 1;
  for (size_t k = first;
       k < s->nseries && strcmp(s->series[k].workload, name) == 0; k++)
    for (size_t p = 0; p < s->series[k].npoints; p++) {
      const pb_scaling_point *pt = &s->series[k].points[p];
      most = pt->threads > most ? pt->threads : most;
      if (isfinite(pt->speedup)) top = fmax(top, pt->speedup);
      if (isfinite(pt->machine_speedup)) top = fmax(top, pt->machine_speedup);
    }
  unsigned base = s->series[first].base_threads;
  top = fmax(top, (double)most / base) * 1.1;
  fprintf(script,
          "set xlabel 'threads'\nset ylabel 'speedup over %u thread%s'\n"
          "set xrange [0.5:%u.5]\nset yrange [0:%.6g]\nset xtics 1\n",
          base, base == 1 ? "" : "s", most, top);
  if (s->cpus > 0 && s->cpus < most)
    fprintf(script,
            "set arrow 1 from %u.5, graph 0 to %u.5, graph 1 nohead dt 2\n"
            "set label 1 'oversubscribed (%u CPUs)' at %u.6, graph 0.95\n",
            s->cpus, s->cpus, s->cpus, s->cpus);
  fprintf(script, "plot x / %u with lines dt 2 lc rgb 'gray40' title 'ideal'",
          base);
  /* Block 0: this machine's own speedup, the same for every series. */
  const pb_scaling_series *first_series = &s->series[first];
  for (size_t p = 0; p < first_series->npoints; p++)
    if (isfinite(first_series->points[p].machine_speedup))
      fprintf(data, "%u\t%.6g\n", first_series->points[p].threads,
              first_series->points[p].machine_speedup);
  fputs("\n\n", data);
  fprintf(script,
          ", '%s' index 0 with linespoints lw 2 dt 3 pt 6 lc rgb 'black' "
          "title 'this machine, sharing nothing'",
          data_path);
  int block = 1;
  for (size_t k = first;
       k < s->nseries && strcmp(s->series[k].workload, name) == 0; k++) {
    const pb_scaling_series *series = &s->series[k];
    for (size_t p = 0; p < series->npoints; p++)
      if (isfinite(series->points[p].speedup))
        fprintf(data, "%u\t%.6g\n", series->points[p].threads,
                series->points[p].speedup);
    fputs("\n\n", data);
    char rgb[8];
    variant_colour(m, series->v, rgb);
    fprintf(script,
            ", '%s' index %d with linespoints lw 2 pt 7 lc rgb '%s' title ",
            data_path, block++, rgb);
    put_quoted(script, m->variants[series->v].label);
  }
  fputs(
      "\nunset arrow 1\nunset label 1\nunset xlabel\nunset ylabel\n"
      "set xtics auto\nset xrange [*:*]\nset yrange [*:*]\n",
      script);
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

/* Draws every chart into out; -1 (one line on stderr) when gnuplot could
 * not draw them. */
static int render(const pb_report *r, pb_rendered *out) {
  const pb_matrix *m = r->m;
  json_t *machine = r->machine;
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

  const unsigned replays = PB_SUITES_REPLAYED;
  const unsigned real = PB_SUITES_ALL & ~PB_SUITES_REPLAYED;
  /* Time on CPU time: what a descheduled run does not inflate. Peak RSS of
   * replays and real programs apart: the replays' is above the runner's
   * baseline, the programs' is the whole process's; their footprints
   * measure the same thing, and share a chart. */
  struct {
    const char *name, *title, *ylabel;
    const pb_metric *metric;
    unsigned suites;
    int invert;
  } relative[] = {
      {THROUGHPUT_CHART,
       "Replays: throughput on CPU time (1 / CPU ns per op) relative to %s "
       "(higher is better)",
       "speed relative to the reference (log scale)",
       &pb_metrics[PB_METRIC_CPU_NS_PER_OP], replays, 1},
      {PEAK_RSS_CHART,
       "Replays: peak RSS above the runner's baseline, relative to %s "
       "(lower is better)",
       "peak RSS relative to the reference (log scale)",
       &pb_metrics[PB_METRIC_PEAK_RSS], replays, 0},
      {FOOTPRINT_CHART,
       "Peak footprint (replays: the allocator's fixed overhead + peak RSS "
       "above the baseline; real programs: their allocator's), relative to "
       "%s (lower is better)",
       "peak footprint relative to the reference (log scale)",
       &pb_metrics[PB_METRIC_FOOTPRINT_PEAK],
       replays | PB_SUITE_BIT(PB_SUITE_REAL), 0},
      {REAL_CPU_CHART,
       "Real programs: speed (1 / CPU time) relative to %s (higher is "
       "better)",
       "speed relative to the reference (log scale)",
       &pb_metrics[PB_METRIC_PROGRAM_CPU], real, 1},
      {REAL_PEAK_RSS_CHART,
       "Real programs: the whole process's peak RSS relative to %s (lower "
       "is better)",
       "peak RSS relative to the reference (log scale)",
       &pb_metrics[PB_METRIC_PEAK_RSS], real, 0},
  };
  for (size_t k = 0; k < sizeof relative / sizeof relative[0]; k++) {
    int applies = 0;
    for (size_t w = 0; w < m->nworkloads; w++)
      applies |= pb_metric_applies(relative[k].metric, &m->workloads[w]) &&
                 (relative[k].suites & PB_SUITE_BIT(m->workloads[w].suite));
    if (!applies) continue;
    snprintf(data_path, sizeof data_path, "%s/relative%zu.dat", scratch, k);
    FILE *data = fopen(data_path, "w");
    if (!data) continue;
    snprintf(names[count], sizeof names[count], "%s", relative[k].name);
    snprintf(output, sizeof output, "%s/%s", scratch, names[count]);
    char title[256];
    snprintf(title, sizeof title, relative[k].title, m->reference->label);
    relative_chart(&r->analysis, script, data, data_path, relative[k].metric,
                   relative[k].suites, relative[k].invert, title,
                   relative[k].ylabel, subtitle, output);
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
  const pb_scaling *scaling = &r->analysis.scaling;
  for (size_t k = 0; k < scaling->nseries && count < MAX_CHARTS; k++) {
    if (k > 0 && strcmp(scaling->series[k].workload,
                        scaling->series[k - 1].workload) == 0)
      continue;
    snprintf(data_path, sizeof data_path, "%s/scaling%zu.dat", scratch, k);
    FILE *data = fopen(data_path, "w");
    if (!data) continue;
    snprintf(names[count], sizeof names[count], SCALING_PREFIX "%.40s.svg",
             scaling->series[k].workload);
    snprintf(output, sizeof output, "%s/%s", scratch, names[count]);
    scaling_chart(r, k, script, data, data_path, subtitle, output);
    fclose(data);
    count++;
  }
  fclose(script);

  char *argv[] = {"gnuplot", script_path, NULL};
  pb_spawn_result res;
  char why[256];
  pb_outcome outcome =
      pb_outcome_judge(pb_spawn(argv, 60, &res), &res, why, sizeof why);
  pb_spawn_result_free(&res);
  int ok = outcome == PB_OUTCOME_OK;
  if (!ok) pb_warn("gnuplot: %s: no charts", why);
  pb_rendered drawn = {0};
  for (int i = 0; ok && i < count; i++) {
    snprintf(output, sizeof output, "%s/%s", scratch, names[i]);
    size_t len;
    char *svg = read_file(output, &len);
    if (!svg) {
      pb_warn("gnuplot did not draw %s", names[i]);
      ok = 0;
      break;
    }
    pb_rendered_add(&drawn, names[i], svg, len);
  }
  remove_scratch_dir(scratch);
  for (size_t i = 0; ok && i < drawn.count; i++) {
    pb_rendered_add(out, drawn.files[i].name, drawn.files[i].data,
                    drawn.files[i].len);
    drawn.files[i].data = NULL; /* now out's */
  }
  pb_rendered_free(&drawn);
  return ok ? 0 : -1;
}

static int owns(const char *name) {
  size_t len = strlen(name), prefix = strlen(TIMELINE_PREFIX),
         suffix = strlen(TIMELINE_SUFFIX);
  return strcmp(name, THROUGHPUT_CHART) == 0 ||
         strcmp(name, PEAK_RSS_CHART) == 0 ||
         strcmp(name, FOOTPRINT_CHART) == 0 ||
         strcmp(name, REAL_CPU_CHART) == 0 ||
         strcmp(name, REAL_PEAK_RSS_CHART) == 0 ||
         (len > prefix + suffix &&
          strncmp(name, TIMELINE_PREFIX, prefix) == 0 &&
          strcmp(name + len - suffix, TIMELINE_SUFFIX) == 0) ||
         (len > strlen(SCALING_PREFIX) + suffix &&
          strncmp(name, SCALING_PREFIX, strlen(SCALING_PREFIX)) == 0 &&
          strcmp(name + len - suffix, TIMELINE_SUFFIX) == 0);
}

const pb_exporter pb_exporter_charts = {"charts", render, owns, 1};
