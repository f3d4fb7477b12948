#include "harness/trace_files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fail.h"
#include "common/user_path.h"
#include "harness/interrupt.h"
#include "workloads/trace.h"
#include "workloads/workloads.h"

static char *dir; /* malloc'd */
static int dir_made;
static char **paths;
static size_t count;

int pb_trace_files_generate(const pb_matrix *m) {
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
    const pb_matrix_workload *mw = &m->workloads[w];
    if (tty)
      fprintf(stderr, "\rgenerating traces: %s\033[K", mw->name);
    else if (w == 0)
      fprintf(stderr, "generating %zu traces\n", m->nworkloads);
    if (asprintf(&paths[w], "%s/%s.trace", dir, mw->name) < 0)
      pb_fail(PB_EXIT_FAILED, "out of memory");
    count = w + 1;
    pb_trace t;
    pb_workload_find(mw->name)->generate(&t, 1, mw->scale);
    char err[PB_TRACE_ERROR_MAX];
    if (pb_trace_save(&t, paths[w], err) != 0) {
      pb_trace_files_remove();
      pb_fail(PB_EXIT_FAILED, "%s", err);
    }
    pb_trace_destroy(&t);
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
