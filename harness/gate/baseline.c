#include "harness/gate/baseline.h"

#include <errno.h>
#include <gnu/libc-version.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "harness/comparison/counted.h"
#include "harness/gate/verdicts.h"

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

/* {"percent": P, "floor": F}, both numbers >= 0. */
static int valid_threshold(json_t *t) {
  json_t *p = json_object_get(t, "percent"), *f = json_object_get(t, "floor");
  return json_is_number(p) && json_is_number(f) && json_number_value(p) >= 0 &&
         json_number_value(f) >= 0;
}

/* Every gate metric has a valid threshold in t; a backend's own (all=0) may
 * give only some. Returns the first metric that fails, or NULL. */
static const char *invalid_thresholds(json_t *t, int all) {
  if (!json_is_object(t)) return "(not an object)";
  for (int k = 0; k < PB_METRIC_COUNT; k++) {
    if (!pb_metrics[k].gated) continue;
    json_t *one = json_object_get(t, pb_metrics[k].key);
    if ((all || one) && !valid_threshold(one)) return pb_metrics[k].key;
  }
  return NULL;
}

static int strings_only(json_t *obj) {
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    if (!json_is_string(v)) return 0;
  }
  return 1;
}

/* cells: {workload: {backend: {metric: number, ...}}}. */
static int valid_cells(json_t *cells, char *where, size_t size) {
  const char *workload, *backend, *field;
  json_t *row, *cell, *value;
  if (!json_is_object(cells)) return 0;
  json_object_foreach(cells, workload, row) {
    if (!json_is_object(row)) {
      snprintf(where, size, "%s", workload);
      return 0;
    }
    json_object_foreach(row, backend, cell) {
      snprintf(where, size, "%s x %s", backend, workload);
      if (!json_is_object(cell)) return 0;
      json_object_foreach(cell, field, value) {
        if (!json_is_number(value)) return 0;
      }
    }
  }
  return 1;
}

json_t *pb_baseline_load(const char *path, int *missing,
                         char err[PB_BASELINE_ERROR_MAX]) {
  *missing = access(path, F_OK) != 0 && errno == ENOENT;
  if (*missing) return refuse(err, path, "no such file");
  json_error_t error;
  json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &error);
  if (!root)
    return refuse(err, path, "not a baseline: line %d: %s", error.line,
                  error.text);
  json_t *format = json_object_get(root, "format");
  json_t *scale = json_object_get(root, "scale");
  json_t *versions = json_object_get(root, "versions");
  json_t *per_backend = json_object_get(root, "backend_thresholds");
  char where[256] = "";
  const char *bad;
  if (!json_is_integer(format) ||
      json_integer_value(format) != PB_BASELINE_FORMAT)
    refuse(err, path, "not a baseline of format %d", PB_BASELINE_FORMAT);
  else if (!json_is_number(scale) || json_number_value(scale) <= 0)
    refuse(err, path, "\"scale\" is not a positive number");
  else if (!json_is_object(versions) || !strings_only(versions) ||
           !json_is_string(json_object_get(versions, "valgrind")))
    refuse(err, path,
           "\"versions\" does not name valgrind's and the libraries'");
  else if ((bad = invalid_thresholds(json_object_get(root, "thresholds"), 1)))
    refuse(err, path, "\"thresholds\": %s has no percent and floor >= 0", bad);
  else if (per_backend && !json_is_object(per_backend))
    refuse(err, path, "\"backend_thresholds\" is not an object");
  else if (!valid_cells(json_object_get(root, "cells"), where, sizeof where))
    refuse(err, path, "\"cells\": %s is not a set of figures",
           *where ? where : "(not an object)");
  else {
    const char *backend;
    json_t *t;
    json_object_foreach(per_backend, backend, t) {
      if ((bad = invalid_thresholds(t, 0))) {
        json_decref(root);
        return refuse(err, path,
                      "\"backend_thresholds\": %s: %s has no percent and "
                      "floor >= 0",
                      backend, bad);
      }
    }
    return root;
  }
  json_decref(root);
  return NULL;
}

json_t *pb_baseline_versions(const pb_matrix *m) {
  json_t *v =
      json_pack("{s:s, s:s, s:s, s:s}", "valgrind", pb_valgrind_version(),
                "callgrind", pb_callgrind_command(), "libc",
                gnu_get_libc_version(), "compiler", __VERSION__);
  for (size_t k = 0; k < m->nvariants; k++) {
    char key[128];
    snprintf(key, sizeof key, "backend %s", m->variants[k].backend);
    json_object_set(v, key,
                    json_object_get(m->variants[k].identity, "version"));
  }
  return v;
}

int pb_baseline_versions_differ(json_t *baseline, json_t *current, char *what,
                                size_t size) {
  json_t *recorded = json_object_get(baseline, "versions");
  size_t len = 0;
  const char *key;
  json_t *now;
  what[0] = '\0';
  json_object_foreach(current, key, now) {
    json_t *then = json_object_get(recorded, key);
    if (!then || json_equal(then, now) || len >= size) continue;
    len += (size_t)snprintf(what + len, size - len, "%s%s %s (now %s)",
                            len ? ", " : "", key, json_string_value(then),
                            json_string_value(now));
  }
  return what[0] != '\0';
}

json_t *pb_baseline_build(const pb_matrix *m, double scale, json_t *versions,
                          json_t *old) {
  json_t *merged =
      old ? json_deep_copy(json_object_get(old, "versions")) : json_object();
  json_object_update(merged, versions);
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
      json_object_set_new(row, cell->variant->backend, figures);
    }
  json_t *thresholds = old ? json_incref(json_object_get(old, "thresholds"))
                           : pb_gate_default_thresholds();
  json_t *per_backend = old ? json_object_get(old, "backend_thresholds") : NULL;
  return json_pack(
      "{s:i, s:f, s:o, s:o, s:o, s:o}", "format", PB_BASELINE_FORMAT, "scale",
      scale, "versions", merged, "thresholds", thresholds, "backend_thresholds",
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
