#include "harness/comparison/real_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fail.h"
#include "harness/comparison/child_run.h"
#include "harness/process/locate.h"
#include "harness/process/outcome.h"
#include "harness/process/spawn.h"

static char *measure;

void pb_real_runs_prepare(pb_matrix *m, const char *argv0) {
  measure = pb_locate_or_fail(argv0, "harness/process/measure",
                              "harness/process/measure");
  for (size_t v = 0; v < m->nvariants; v++) {
    pb_variant *variant = &m->variants[v];
    char path[128], what[128];
    snprintf(path, sizeof path, "python/pyrun_%s", variant->backend);
    snprintf(what, sizeof what, "the Python of backend %s", variant->backend);
    variant->pyrun = pb_locate_or_fail(argv0, path, what);
  }
}

/* measure's report holds the program's own figures, every metric of the
 * real suite's runs; the run's JSON adds what ran. */
static int measured(const pb_cell *cell, json_t *result) {
  for (int k = 0; k < PB_METRIC_COUNT; k++)
    if (pb_metric_applies(&pb_metrics[k], cell->workload) &&
        !pb_metrics[k].may_be_absent &&
        !json_is_number(json_object_get(result, pb_metrics[k].key)))
      return 0;
  json_object_set_new(result, "backend", json_string(cell->variant->backend));
  json_object_set_new(result, "workload",
                      json_string(cell->workload->workload));
  json_object_set_new(result, "program", json_string(cell->workload->script));
  if (!cell->workload->user_program)
    json_object_set_new(result, "scale", json_real(cell->workload->scale));
  return 1;
}

/* "3.11" from pyvenv.cfg's "version = 3.11.2" (or "version_info ="), into
 * out; -1 when it says none. */
static int venv_version(const char *venv, char *out, size_t size) {
  char *path;
  if (asprintf(&path, "%s/pyvenv.cfg", venv) < 0)
    pb_fail(PB_EXIT_FAILED, "out of memory");
  FILE *f = fopen(path, "r");
  free(path);
  if (!f) return -1;
  char line[512];
  int found = -1;
  while (found < 0 && fgets(line, sizeof line, f)) {
    unsigned major, minor;
    if (sscanf(line, " version = %u.%u", &major, &minor) == 2 ||
        sscanf(line, " version_info = %u.%u", &major, &minor) == 2) {
      snprintf(out, size, "%u.%u", major, minor);
      found = 0;
    }
  }
  fclose(f);
  return found;
}

/* "3.11" from `pyrun --version` ("Python 3.11.2"). */
static void embedded_version(const char *pyrun, char *out, size_t size) {
  char *argv[] = {(char *)pyrun, "--version", NULL};
  pb_spawn_result r;
  char why[256];
  unsigned major = 0, minor = 0;
  if (pb_outcome_judge(pb_spawn(argv, 60, &r), &r, why, sizeof why) !=
          PB_OUTCOME_OK ||
      sscanf(r.out, "Python %u.%u", &major, &minor) != 2)
    pb_fail(PB_EXIT_FAILED, "%s --version: %s", pyrun, why);
  pb_spawn_result_free(&r);
  snprintf(out, size, "%u.%u", major, minor);
}

const char *pb_virtual_env_apply(const pb_matrix *m) {
  const char *venv = getenv("VIRTUAL_ENV");
  if (!venv || !*venv || !(m->suites & PB_SUITES_WITH_PROGRAM) ||
      !m->nvariants || !m->variants[0].pyrun)
    return NULL;
  char theirs[32], ours[32];
  if (venv_version(venv, theirs, sizeof theirs) != 0)
    pb_fail(PB_EXIT_BAD_INPUT,
            "VIRTUAL_ENV=%s: no pyvenv.cfg naming its Python version", venv);
  embedded_version(m->variants[0].pyrun, ours, sizeof ours);
  if (strcmp(theirs, ours) != 0)
    pb_fail(PB_EXIT_BAD_INPUT,
            "VIRTUAL_ENV=%s is a Python %s environment, and pyrun embeds "
            "Python %s: use a %s environment, or deactivate it",
            venv, theirs, ours, ours);
  char *site;
  if (asprintf(&site, "%s/lib/python%s/site-packages", venv, ours) < 0)
    pb_fail(PB_EXIT_FAILED, "out of memory");
  setenv("PYTHONPATH", site, 1);
  free(site);
  return venv;
}

char **pb_program_argv(const char *const *before,
                       const pb_matrix_workload *mw) {
  size_t nbefore = 0, nargs = 0;
  while (before[nbefore]) nbefore++;
  while (mw->args && mw->args[nargs]) nargs++;
  char **argv = calloc(nbefore + nargs + 2, sizeof *argv);
  if (!argv) pb_fail(PB_EXIT_FAILED, "out of memory");
  size_t n = 0;
  for (size_t k = 0; k < nbefore; k++) argv[n++] = (char *)before[k];
  argv[n++] = mw->script;
  for (size_t k = 0; k < nargs; k++) argv[n++] = mw->args[k];
  return argv;
}

double pb_real_run(pb_cell *cell, int r, double timeout) {
  const char *const before[] = {measure, cell->variant->pyrun, NULL};
  char **argv = pb_program_argv(before, cell->workload);
  double seconds = pb_child_run(cell, r, argv, timeout, measured);
  free(argv);
  return seconds;
}
