#include "harness/gate/baseline.h"

#include <errno.h>
#include <gnu/libc-version.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allocator/registry.h"
#include "common/atomic_file.h"
#include "harness/comparison/counted.h"
#include "workloads/workloads.h"

_Static_assert(PB_BASELINE_SCALE_MAX <= PB_SCALE_MAX,
               "a baseline's scale must be one the runners take");

/* Far above any baseline (42 cells take about 20 KB): a larger file is not
 * one, and is not read into memory. */
#define FILE_MAX (16 << 20)

/* What a cell's counts depend on, as each cell records it. */
static const char *const version_keys[] = {"valgrind", "callgrind", "libc",
                                           "compiler", "backend"};
#define VERSION_KEYS (sizeof version_keys / sizeof version_keys[0])
#define VERSION_MAX 256 /* characters; the callgrind command is about 100 */

static json_t *refuse(char err[PB_BASELINE_ERROR_MAX], const char *path,
                      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static json_t *refuse(char err[PB_BASELINE_ERROR_MAX], const char *path,
                      const char *fmt, ...) {
  int len = snprintf(err, PB_BASELINE_ERROR_MAX, "%s: ", path);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err + len, PB_BASELINE_ERROR_MAX - (size_t)len, fmt, ap);
  va_end(ap);
  return NULL;
}

/* A finite number from 0 to max. */
static int bounded(json_t *v, double max) {
  if (!json_is_number(v)) return 0;
  double x = json_number_value(v);
  return isfinite(x) && x >= 0 && x <= max;
}

/* {"percent": 0-100, "floor": 0-PB_BASELINE_FIGURE_MAX} and nothing else: a
 * threshold above 100% lets a figure double unjudged. */
static int valid_threshold(json_t *t) {
  return json_is_object(t) && json_object_size(t) == 2 &&
         bounded(json_object_get(t, "percent"), 100) &&
         bounded(json_object_get(t, "floor"), PB_BASELINE_FIGURE_MAX);
}

/* A gated metric of the registry, by key. */
static int gated(const char *key) {
  const pb_metric *m = pb_metric_find(key);
  return m && m->gated;
}

/* Every gated metric has a valid threshold in t; a backend's own (all=0) may
 * give only some. Any other key is refused: a misspelt metric would be a
 * threshold that never applies. Returns what is wrong, or NULL. */
static const char *invalid_thresholds(json_t *t, int all, char *why,
                                      size_t size) {
  if (!json_is_object(t)) return "not an object";
  const char *key;
  json_t *one;
  json_object_foreach(t, key, one) {
    if (!gated(key)) {
      snprintf(why, size, "\"%.64s\" is not a gated metric", key);
      return why;
    }
    if (!valid_threshold(one)) {
      snprintf(why, size,
               "%s is not {\"percent\": 0 to 100, \"floor\": 0 to %g}", key,
               PB_BASELINE_FIGURE_MAX);
      return why;
    }
  }
  for (int k = 0; all && k < PB_METRIC_COUNT; k++)
    if (pb_metrics[k].gated && !json_object_get(t, pb_metrics[k].key)) {
      snprintf(why, size, "%s has no threshold", pb_metrics[k].key);
      return why;
    }
  return NULL;
}

/* A cell's versions: every one of version_keys, a non-empty string of
 * bounded length, and nothing else. */
static const char *invalid_versions(json_t *v, char *why, size_t size) {
  if (!json_is_object(v)) return "no \"versions\" object";
  for (size_t k = 0; k < VERSION_KEYS; k++) {
    json_t *s = json_object_get(v, version_keys[k]);
    if (!json_is_string(s) || json_string_length(s) == 0 ||
        json_string_length(s) > VERSION_MAX) {
      snprintf(why, size, "no %s version", version_keys[k]);
      return why;
    }
  }
  if (json_object_size(v) != VERSION_KEYS) return "an unknown version";
  return NULL;
}

/* A cell's figures: every gated metric, bounded, and nothing else. */
static const char *invalid_figures(json_t *f, char *why, size_t size) {
  if (!json_is_object(f)) return "no \"figures\" object";
  const char *key;
  json_t *value;
  json_object_foreach(f, key, value) {
    if (!gated(key)) {
      snprintf(why, size, "\"%.64s\" is not a gated metric", key);
      return why;
    }
    if (!bounded(value, PB_BASELINE_FIGURE_MAX)) {
      snprintf(why, size, "%s is not a number from 0 to %g", key,
               PB_BASELINE_FIGURE_MAX);
      return why;
    }
  }
  for (int k = 0; k < PB_METRIC_COUNT; k++)
    if (pb_metrics[k].gated && !json_object_get(f, pb_metrics[k].key)) {
      snprintf(why, size, "no %s", pb_metrics[k].key);
      return why;
    }
  return NULL;
}

/* cells: {workload: {backend: {"versions": ..., "figures": ...}}}, every
 * name known (a misspelt or removed one would never be compared), at least
 * one cell. Writes "where: what" into why and returns it, or NULL. */
static const char *invalid_cells(json_t *cells, char *why, size_t size) {
  const char *workload, *backend;
  json_t *row, *cell;
  char what[160];
  if (!json_is_object(cells)) return "not an object";
  if (json_object_size(cells) == 0) return "no cell";
  json_object_foreach(cells, workload, row) {
    if (!pb_workload_find(workload)) {
      snprintf(why, size, "unknown workload \"%.64s\"", workload);
      return why;
    }
    if (!json_is_object(row) || json_object_size(row) == 0) {
      snprintf(why, size, "%s: no backend's cell", workload);
      return why;
    }
    json_object_foreach(row, backend, cell) {
      const char *bad = NULL;
      if (!pb_backend_find(backend))
        bad = "unknown backend";
      else if (!json_is_object(cell))
        bad = "not {\"versions\": ..., \"figures\": ...}";
      else if (!(bad = invalid_versions(json_object_get(cell, "versions"), what,
                                        sizeof what)) &&
               !(bad = invalid_figures(json_object_get(cell, "figures"), what,
                                       sizeof what)) &&
               json_object_size(cell) != 2)
        bad = "more than {\"versions\": ..., \"figures\": ...}";
      if (bad) {
        snprintf(why, size, "%.64s x %s: %s", backend, workload, bad);
        return why;
      }
    }
  }
  return NULL;
}

/* The file itself: a regular file of a baseline's size. */
static int readable_file(const char *path, char err[PB_BASELINE_ERROR_MAX]) {
  struct stat st;
  if (stat(path, &st) != 0)
    refuse(err, path, "cannot read: %s", strerror(errno));
  else if (S_ISDIR(st.st_mode))
    refuse(err, path, "is a directory, not a baseline file");
  else if (!S_ISREG(st.st_mode))
    refuse(err, path, "not a regular file");
  else if (st.st_size > FILE_MAX)
    refuse(err, path, "%lld bytes: larger than any baseline",
           (long long)st.st_size);
  else
    return 0;
  return -1;
}

json_t *pb_baseline_load(const char *path, int *missing,
                         char err[PB_BASELINE_ERROR_MAX]) {
  *missing = access(path, F_OK) != 0 && errno == ENOENT;
  if (*missing) return refuse(err, path, "no such file");
  if (readable_file(path, err) != 0) return NULL;
  json_error_t error;
  json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &error);
  if (!root)
    return refuse(err, path, "not a baseline: line %d: %s", error.line,
                  error.text);
  json_t *format = json_object_get(root, "format");
  json_t *scale = json_object_get(root, "scale");
  json_t *per_backend = json_object_get(root, "backend_thresholds");
  char why[256];
  const char *bad;
  if (!json_is_object(root))
    refuse(err, path, "not a baseline: not a JSON object");
  else if (json_is_integer(format) && json_integer_value(format) == 1)
    refuse(err, path,
           "format 1 (one set of versions for every cell): not read since "
           "format %d",
           PB_BASELINE_FORMAT);
  else if (!json_is_integer(format) ||
           json_integer_value(format) != PB_BASELINE_FORMAT)
    refuse(err, path, "not a baseline of format %d", PB_BASELINE_FORMAT);
  else if (!bounded(scale, PB_BASELINE_SCALE_MAX) ||
           json_number_value(scale) == 0)
    refuse(err, path, "\"scale\" is not a number above 0 and at most %g",
           PB_BASELINE_SCALE_MAX);
  else if ((bad = invalid_thresholds(json_object_get(root, "thresholds"), 1,
                                     why, sizeof why)))
    refuse(err, path, "\"thresholds\": %s", bad);
  else if (per_backend && !json_is_object(per_backend))
    refuse(err, path, "\"backend_thresholds\" is not an object");
  else if ((bad =
                invalid_cells(json_object_get(root, "cells"), why, sizeof why)))
    refuse(err, path, "\"cells\": %s", bad);
  else {
    const char *backend;
    json_t *t;
    char what[200];
    json_object_foreach(per_backend, backend, t) {
      if (!pb_backend_find(backend))
        bad = "unknown backend";
      else
        bad = invalid_thresholds(t, 0, what, sizeof what);
      if (bad) {
        json_decref(root);
        return refuse(err, path, "\"backend_thresholds\": %.64s: %s", backend,
                      bad);
      }
    }
    return root;
  }
  json_decref(root);
  return NULL;
}

json_t *pb_baseline_default_thresholds(void) {
  json_t *t = json_object();
  for (int k = 0; k < PB_METRIC_COUNT; k++)
    if (pb_metrics[k].gated)
      json_object_set_new(
          t, pb_metrics[k].key,
          json_pack("{s:f, s:f}", "percent", pb_metrics[k].gate.percent,
                    "floor", pb_metrics[k].gate.floor));
  return t;
}

json_t *pb_baseline_figures(json_t *baseline, const char *workload,
                            const char *backend) {
  return json_object_get(
      json_object_get(
          json_object_get(json_object_get(baseline, "cells"), workload),
          backend),
      "figures");
}

size_t pb_baseline_cells_held(json_t *baseline, const pb_matrix *m) {
  size_t held = 0;
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++)
      held += pb_baseline_figures(baseline, m->workloads[w].name,
                                  m->variants[v].backend) != NULL;
  return held;
}

json_t *pb_baseline_versions(const pb_matrix *m, size_t v) {
  json_t *backend = json_object_get(m->variants[v].identity, "version");
  return json_pack(
      "{s:s, s:s, s:s, s:s, s:s}", "valgrind", pb_valgrind_version(),
      "callgrind", pb_callgrind_command(), "libc", gnu_get_libc_version(),
      "compiler", __VERSION__, "backend",
      json_is_string(backend) ? json_string_value(backend) : "unknown");
}

/* One difference and the cells it was found in. */
typedef struct difference {
  char text[400];
  char first[160];
  size_t cells;
} difference;

#define DIFFERENCES_MAX 16

int pb_baseline_versions_differ(json_t *baseline, const pb_matrix *m,
                                char *what, size_t size) {
  difference found[DIFFERENCES_MAX];
  size_t nfound = 0;
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++) {
      json_t *cell =
          json_object_get(json_object_get(json_object_get(baseline, "cells"),
                                          m->workloads[w].name),
                          m->variants[v].backend);
      if (!cell) continue;
      json_t *then = json_object_get(cell, "versions");
      json_t *now = pb_baseline_versions(m, v);
      for (size_t k = 0; k < VERSION_KEYS; k++) {
        const char *a =
            json_string_value(json_object_get(then, version_keys[k]));
        const char *b =
            json_string_value(json_object_get(now, version_keys[k]));
        if (strcmp(a, b) == 0) continue;
        char text[400];
        if (k == VERSION_KEYS - 1) /* the backend's: name it */
          snprintf(text, sizeof text, "%s %s (now %s)", m->variants[v].backend,
                   a, b);
        else
          snprintf(text, sizeof text, "%s %s (now %s)", version_keys[k], a, b);
        size_t i = 0;
        while (i < nfound && strcmp(found[i].text, text) != 0) i++;
        if (i == nfound) {
          if (nfound == DIFFERENCES_MAX) continue;
          nfound++;
          snprintf(found[i].text, sizeof found[i].text, "%s", text);
          snprintf(found[i].first, sizeof found[i].first, "%s x %s",
                   m->variants[v].label, m->workloads[w].name);
          found[i].cells = 0;
        }
        found[i].cells++;
      }
      json_decref(now);
    }
  size_t len = 0;
  what[0] = '\0';
  for (size_t i = 0; i < nfound && len < size; i++) {
    char more[64] = "";
    if (found[i].cells > 1)
      snprintf(more, sizeof more, " and %zu more cell%s", found[i].cells - 1,
               found[i].cells > 2 ? "s" : "");
    len += (size_t)snprintf(what + len, size - len, "%s%s in %s%s",
                            i ? "; " : "", found[i].text, found[i].first, more);
  }
  return nfound > 0;
}

json_t *pb_baseline_build(const pb_matrix *m, double scale, json_t *old) {
  json_t *cells =
      old ? json_deep_copy(json_object_get(old, "cells")) : json_object();
  for (size_t w = 0; w < m->nworkloads; w++)
    for (size_t v = 0; v < m->nvariants; v++) {
      const pb_cell *cell = pb_matrix_cell(m, w, v);
      if (!cell->counted) continue;
      json_t *row = json_object_get(cells, m->workloads[w].name);
      if (!row) {
        row = json_object();
        json_object_set_new(cells, m->workloads[w].name, row);
      }
      json_t *figures = json_object();
      for (int k = 0; k < PB_METRIC_COUNT; k++)
        if (pb_metrics[k].gated)
          json_object_set(figures, pb_metrics[k].key,
                          json_object_get(cell->counted, pb_metrics[k].key));
      /* This cell's versions only: the cells not measured keep theirs. */
      json_object_set_new(
          row, cell->variant->backend,
          json_pack("{s:o, s:o}", "versions", pb_baseline_versions(m, v),
                    "figures", figures));
    }
  json_t *thresholds = old ? json_incref(json_object_get(old, "thresholds"))
                           : pb_baseline_default_thresholds();
  json_t *per_backend = old ? json_object_get(old, "backend_thresholds") : NULL;
  return json_pack(
      "{s:i, s:f, s:o, s:o, s:o}", "format", PB_BASELINE_FORMAT, "scale", scale,
      "thresholds", thresholds, "backend_thresholds",
      per_backend ? json_incref(per_backend) : json_object(), "cells", cells);
}

int pb_baseline_write(const char *path, json_t *root,
                      char err[PB_BASELINE_ERROR_MAX]) {
  char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
  char *with_newline = NULL;
  if (!text || asprintf(&with_newline, "%s\n", text) < 0) {
    free(text);
    snprintf(err, PB_BASELINE_ERROR_MAX, "%s: out of memory", path);
    return -1;
  }
  free(text);
  char why[PB_FILE_ERROR_MAX];
  int rc = pb_write_file_atomic(path, with_newline, strlen(with_newline), why);
  free(with_newline);
  if (rc != 0) snprintf(err, PB_BASELINE_ERROR_MAX, "%s", why);
  return rc;
}
