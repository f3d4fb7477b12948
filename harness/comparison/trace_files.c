#include "harness/comparison/trace_files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fail.h"
#include "common/user_path.h"
#include "harness/comparison/capture.h"
#include "harness/process/interrupt.h"
#include "workloads/trace.h"
#include "workloads/workloads.h"

static char *dir; /* malloc'd */
static int dir_made;
static char **paths;
static size_t count;

/* The trace of mw into path: generated, or captured from its program. */
static void make_trace(pb_matrix *m, pb_matrix_workload *mw, const char *path,
                       double timeout) {
  int profile = (m->suites & ~PB_SUITE_BIT(PB_SUITE_SYNTHETIC)) != 0;
  char err[PB_TRACE_ERROR_MAX];
  pb_trace t;
  if (mw->suite == PB_SUITE_CAPTURED) {
    if (pb_capture_run(m->pytrace, mw, path, timeout, err, sizeof err) != 0 ||
        (profile && pb_trace_load(&t, path, err) != 0)) {
      pb_trace_files_remove();
      pb_fail(PB_EXIT_FAILED, "%s", err);
    }
  } else {
    pb_workload_find(mw->workload)->generate(&t, 1, mw->scale);
    if (pb_trace_save(&t, path, err) != 0) {
      pb_trace_files_remove();
      pb_fail(PB_EXIT_FAILED, "%s", err);
    }
    if (!profile) pb_trace_destroy(&t);
  }
  if (profile) {
    pb_profile_compute(&t, &mw->profile);
    mw->profiled = 1;
    pb_trace_destroy(&t);
  }
}

int pb_trace_files_generate(pb_matrix *m, double timeout) {
  if (asprintf(&dir, "%s/poolbench-traces.XXXXXX", pb_temp_dir()) < 0)
    pb_fail(PB_EXIT_FAILED, "out of memory");
  if (!mkdtemp(dir))
    pb_fail(PB_EXIT_FAILED, "cannot create %s: %s", dir, strerror(errno));
  dir_made = 1;
  /* pb_fail exits: a generator that runs out of memory (exit 3) must not
   * leave hundreds of megabytes of traces behind. */
  atexit(pb_trace_files_remove);
  paths = calloc(m->nworkloads, sizeof *paths);
  if (!paths) pb_fail(PB_EXIT_FAILED, "out of memory");
  int tty = isatty(STDERR_FILENO);
  for (size_t w = 0; w < m->nworkloads; w++) {
    if (pb_interrupt_signal()) return -1;
    pb_matrix_workload *mw = &m->workloads[w];
    count = w + 1;
    if (mw->suite == PB_SUITE_REAL) continue;
    if (tty)
      fprintf(stderr, "\rgenerating traces: %s\033[K", mw->name);
    else
      fprintf(stderr, "generating the trace of %s\n", mw->name);
    if (asprintf(&paths[w], "%s/%s.trace", dir, mw->name) < 0)
      pb_fail(PB_EXIT_FAILED, "out of memory");
    make_trace(m, mw, paths[w], timeout);
  }
  if (tty) fprintf(stderr, "\r\033[K");
  return pb_interrupt_signal() ? -1 : 0;
}

const char *pb_trace_file(size_t w) { return paths[w]; }

void pb_trace_files_remove(void) {
  for (size_t w = 0; w < count; w++) {
    if (paths[w]) unlink(paths[w]);
    free(paths[w]);
    paths[w] = NULL;
  }
  count = 0;
  if (dir_made) rmdir(dir);
  dir_made = 0;
  free(dir);
  dir = NULL;
}
