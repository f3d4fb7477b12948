#include "harness/comparison/results_dir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fail.h"
#include "common/user_path.h"

static char *joined(const char *a, const char *b) {
  char *s;
  if (asprintf(&s, "%s/%s", a, b) < 0) pb_fail(PB_EXIT_FAILED, "out of memory");
  return s;
}

static void make_dir(const char *path) {
  if (mkdir(path, 0755) != 0 && errno != EEXIST)
    pb_fail(PB_EXIT_BAD_INPUT, "%s: cannot create the directory: %s", path,
            strerror(errno));
}

static char *made; /* the dated folder this process created */

/* At exit, a dated folder left empty (the run failed or was stopped before
 * anything was written) goes: rmdir refuses a folder that holds files. */
static void remove_if_empty(void) {
  if (made) rmdir(made);
}

pb_results_dir pb_results_dir_choose(const char *out) {
  pb_results_dir d = {0};
  if (out) {
    d.path = strdup(out);
    if (!d.path) pb_fail(PB_EXIT_FAILED, "out of memory");
    return d;
  }
  const char *workspace = pb_env_dir("BUILD_WORKSPACE_DIRECTORY");
  char *results = joined(workspace ? workspace : ".", "results");
  make_dir(results);
  d.runs = joined(results, "runs");
  d.latest = joined(results, "latest");
  free(results);
  make_dir(d.runs);
  char stamp[64];
  time_t now = time(NULL);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H-%M-%SZ", gmtime(&now));
  /* Two runs in one second get -2, -3, ...: a folder is never shared. */
  for (int n = 1;; n++) {
    char name[80];
    if (n == 1)
      snprintf(name, sizeof name, "%s", stamp);
    else
      snprintf(name, sizeof name, "%s-%d", stamp, n);
    d.path = joined(d.runs, name);
    if (mkdir(d.path, 0755) == 0) {
      made = d.path;
      atexit(remove_if_empty);
      return d;
    }
    if (errno != EEXIST || n == 100)
      pb_fail(PB_EXIT_BAD_INPUT, "%s: cannot create the directory: %s", d.path,
              strerror(errno));
    free(d.path);
  }
}

int pb_results_dir_mark_latest(const pb_results_dir *d) {
  if (!d->latest) return 0;
  /* A relative link ("runs/<stamp>") survives moving the checkout. */
  const char *name = strrchr(d->path, '/') + 1;
  char *target = joined("runs", name), *tmp;
  if (asprintf(&tmp, "%s.%ld.tmp", d->latest, (long)getpid()) < 0)
    pb_fail(PB_EXIT_FAILED, "out of memory");
  int rc = 0;
  unlink(tmp);
  if (symlink(target, tmp) != 0 || rename(tmp, d->latest) != 0) {
    pb_warn("%s: cannot point it at %s: %s", d->latest, target,
            strerror(errno));
    unlink(tmp);
    rc = -1;
  }
  free(target);
  free(tmp);
  return rc;
}
