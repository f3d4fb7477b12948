#include "harness/report/report.h"

#include <stdlib.h>
#include <string.h>

#include "harness/process/spawn.h"
#include "harness/report/machine.h"

/* git's answer to args in dir: its standard output without the last
 * newline (malloc'd), or NULL when git is missing or refused. */
static char *git(const char *dir, const char *const *args) {
  char *argv[8] = {"git", "-C", (char *)dir};
  size_t n = 3;
  for (; *args && n < 7; args++) argv[n++] = (char *)*args;
  argv[n] = NULL;
  pb_spawn_result res;
  if (pb_spawn(argv, 30, &res) != 0) return NULL;
  char *out = NULL;
  if (!res.signaled && !res.timed_out && !res.interrupted &&
      res.exit_status == 0) {
    out = res.out;
    res.out = NULL;
    size_t len = strlen(out);
    while (len && out[len - 1] == '\n') out[--len] = '\0';
  }
  pb_spawn_result_free(&res);
  return out;
}

/* The commit the workspace is at, and whether its tree differs from it
 * (tracked changes or untracked files git does not ignore). */
static json_t *provenance(const char *workspace) {
  json_t *p = json_object();
  if (!workspace) return p;
  char *commit =
      git(workspace, (const char *const[]){"rev-parse", "HEAD", NULL});
  char *status =
      commit
          ? git(workspace, (const char *const[]){"status", "--porcelain", NULL})
          : NULL;
  if (commit && status) {
    json_object_set_new(p, "commit", json_string(commit));
    json_object_set_new(p, "dirty", json_boolean(status[0] != '\0'));
  }
  free(commit);
  free(status);
  return p;
}

void pb_report_build(const pb_matrix *m, const char *workspace, pb_report *r) {
  r->m = m;
  pb_analysis_compute(m, &r->analysis);
  r->machine = pb_machine_json();
  r->provenance = provenance(workspace);
}

void pb_report_free(pb_report *r) {
  pb_analysis_free(&r->analysis);
  json_decref(r->machine);
  json_decref(r->provenance);
  memset(r, 0, sizeof *r);
}
