#include "harness/outputs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/atomic_file.h"
#include "common/fail.h"
#include "harness/charts.h"
#include "harness/export_csv.h"
#include "harness/export_json.h"
#include "harness/export_markdown.h"
#include "harness/machine.h"

/* Renders an exporter into memory. */
static char *render(void (*export)(const pb_matrix *, FILE *),
                    const pb_matrix *m, size_t *len) {
  char *buf = NULL;
  FILE *f = open_memstream(&buf, len);
  if (!f) return NULL;
  export(m, f);
  if (fclose(f) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

static int stage(pb_file_set *set, const char *dir, const char *name,
                 const char *data, size_t len, char err[PB_FILE_ERROR_MAX]) {
  if (!data) {
    snprintf(err, PB_FILE_ERROR_MAX, "%s: out of memory", name);
    return -1;
  }
  char *path;
  if (asprintf(&path, "%s/%s", dir, name) < 0) {
    snprintf(err, PB_FILE_ERROR_MAX, "%s: out of memory", name);
    return -1;
  }
  int rc = pb_file_set_add(set, path, data, len, err);
  free(path);
  return rc;
}

int pb_outputs_write(const pb_matrix *m, const char *dir) {
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
    pb_warn("cannot create %s: %s", dir, strerror(errno));
    return -1;
  }
  json_t *machine = pb_machine_json();
  pb_chart *charts;
  int ncharts = pb_charts_draw(m, machine, &charts);

  char err[PB_FILE_ERROR_MAX] = "";
  pb_file_set set = {0};
  size_t len;
  char *md = render(pb_export_markdown, m, &len);
  int rc = stage(&set, dir, "latest.md", md, len, err);
  free(md);
  char *csv = render(pb_export_csv, m, &len);
  if (rc == 0) rc = stage(&set, dir, "latest.csv", csv, len, err);
  free(csv);
  json_t *json = pb_export_json(m, machine);
  char *text = json_dumps(json, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
  if (rc == 0)
    rc = stage(&set, dir, "latest.json", text, text ? strlen(text) : 0, err);
  free(text);
  json_decref(json);
  json_decref(machine);
  for (int i = 0; rc == 0 && i < ncharts; i++)
    rc = stage(&set, dir, charts[i].name, charts[i].svg, charts[i].len, err);
  pb_charts_free(charts, ncharts);

  if (rc == 0)
    rc = pb_file_set_commit(&set, err);
  else
    pb_file_set_abort(&set);
  if (rc != 0) {
    pb_warn("%s; the files already in %s were kept", err, dir);
    return -1;
  }
  fprintf(stderr, "wrote %s/latest.{md,csv,json} and %d charts\n", dir,
          ncharts < 0 ? 0 : ncharts);
  return ncharts < 0 ? -1 : 0;
}
