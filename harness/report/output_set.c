#include "harness/report/output_set.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/fail.h"
#include "harness/report/export_charts.h"
#include "harness/report/export_csv.h"
#include "harness/report/export_json.h"
#include "harness/report/export_markdown.h"
#include "harness/report/machine.h"

#define TABLES_PROBE "latest.json" /* the member a write is tried as */

static const char *const table_files[] = {"latest.md", "latest.csv",
                                          "latest.json"};

/* The names the set owns in its directory (outputs.h). */
static int owned(const char *name) {
  for (size_t i = 0; i < sizeof table_files / sizeof table_files[0]; i++)
    if (strcmp(name, table_files[i]) == 0) return 1;
  return pb_chart_file(name);
}

int pb_outputs_check(const char *dir, char err[PB_FILE_ERROR_MAX]) {
  struct stat st;
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
    snprintf(err, PB_FILE_ERROR_MAX, "%s: cannot create the directory: %s", dir,
             strerror(errno));
    return -1;
  }
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    snprintf(err, PB_FILE_ERROR_MAX, "%s: exists and is not a directory", dir);
    return -1;
  }
  char *probe;
  if (asprintf(&probe, "%s/%s", dir, TABLES_PROBE) < 0) {
    snprintf(err, PB_FILE_ERROR_MAX, "out of memory");
    return -1;
  }
  int rc = pb_atomic_check(probe, err);
  free(probe);
  DIR *d = rc == 0 ? opendir(dir) : NULL;
  if (rc == 0 && !d) {
    snprintf(err, PB_FILE_ERROR_MAX, "%s: cannot list: %s", dir,
             strerror(errno));
    return -1;
  }
  for (struct dirent *e; d && rc == 0 && (e = readdir(d));) {
    if (!owned(e->d_name)) continue;
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        !S_ISREG(st.st_mode)) {
      snprintf(err, PB_FILE_ERROR_MAX,
               "%s/%s: exists and is not a regular file; not replacing it", dir,
               e->d_name);
      rc = -1;
    }
  }
  if (d) closedir(d);
  return rc;
}

/* Removes the charts of an earlier set that this one did not write. Returns
 * how many. */
static int remove_stale_charts(const char *dir, const pb_chart *charts,
                               int ncharts) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  int removed = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (!pb_chart_file(e->d_name)) continue;
    int written = 0;
    for (int i = 0; i < ncharts; i++)
      written |= strcmp(e->d_name, charts[i].name) == 0;
    if (!written && unlinkat(dirfd(d), e->d_name, 0) == 0) removed++;
  }
  closedir(d);
  return removed;
}

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
  char err[PB_FILE_ERROR_MAX] = "";
  if (pb_outputs_check(dir, err) != 0) {
    pb_warn("%s; nothing was written", err);
    return -1;
  }
  json_t *machine = pb_machine_json();
  pb_chart *charts;
  int ncharts = pb_charts_draw(m, machine, &charts);

  pb_file_set set = {0};
  size_t len;
  char *md = render(pb_export_markdown, m, &len);
  int rc = stage(&set, dir, table_files[0], md, len, err);
  free(md);
  char *csv = render(pb_export_csv, m, &len);
  if (rc == 0) rc = stage(&set, dir, table_files[1], csv, len, err);
  free(csv);
  json_t *json = pb_export_json(m, machine);
  char *text = json_dumps(json, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
  if (rc == 0)
    rc = stage(&set, dir, table_files[2], text, text ? strlen(text) : 0, err);
  free(text);
  json_decref(json);
  json_decref(machine);
  for (int i = 0; rc == 0 && i < ncharts; i++)
    rc = stage(&set, dir, charts[i].name, charts[i].svg, charts[i].len, err);

  if (rc == 0)
    rc = pb_file_set_commit(&set, err);
  else
    pb_file_set_abort(&set);
  int removed = rc == 0 ? remove_stale_charts(dir, charts, ncharts) : 0;
  pb_charts_free(charts, ncharts);
  if (rc != 0) {
    pb_warn("%s; nothing was replaced: the files already in %s were kept", err,
            dir);
    return -1;
  }
  fprintf(stderr, "wrote %s/latest.{md,csv,json} and %d charts", dir,
          ncharts < 0 ? 0 : ncharts);
  if (removed)
    fprintf(stderr, "; removed %d chart%s of the previous set", removed,
            removed > 1 ? "s" : "");
  fputc('\n', stderr);
  return ncharts < 0 ? -1 : 0;
}
