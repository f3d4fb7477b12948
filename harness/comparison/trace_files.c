#include "harness/comparison/trace_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fail.h"
#include "common/user_path.h"
#include "harness/comparison/capture.h"
#include "harness/process/interrupt.h"
#include "harness/process/outcome.h"
#include "workloads/trace.h"
#include "workloads/workloads.h"

static char *dir; /* malloc'd */
static int dir_made;
static char **paths;
static size_t count;

/* Generates mw's trace into path in a child process: a generator runs for
 * seconds on a large workload and cannot be stopped half-way, its child can
 * (Ctrl-C, SIGTERM: interrupt.h). Returns 0; or -1 when a SIGINT or SIGTERM
 * stopped it (a partial file in the directory is removed with the rest).
 * When the generator fails (no memory: status 3), the child has said why in
 * one line and this process exits with its status. */
static int generate_in_child(const pb_matrix *m, const pb_matrix_workload *mw,
                             const char *path) {
  int done[2]; /* the child holds the write end: hung up when it exits */
  if (pipe2(done, O_CLOEXEC) != 0)
    pb_fail(PB_EXIT_FAILED, "cannot make a pipe: %s", strerror(errno));
  fflush(NULL); /* nothing buffered is written twice */
  pid_t pid = fork();
  if (pid < 0) pb_fail(PB_EXIT_FAILED, "cannot fork: %s", strerror(errno));
  if (pid == 0) {
    pb_interrupt_restore(); /* a signal ends the child, as any other */
    close(done[0]);
    char err[PB_TRACE_ERROR_MAX];
    pb_trace t;
    pb_workload_generate(pb_workload_find(mw->workload), &t, 1, mw->scale,
                         mw->threads, !m->no_startup_heap);
    if (pb_trace_save(&t, path, err) != 0) pb_fail(PB_EXIT_FAILED, "%s", err);
    _exit(PB_EXIT_OK); /* not exit: the parent's atexit removes the traces */
  }
  close(done[1]);
  pb_spawn_result r = {0};
  struct pollfd fds[2] = {{done[0], POLLIN, 0}, {pb_interrupt_fd(), POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].fd >= 0 && (fds[1].revents & POLLIN)) {
      kill(pid, SIGKILL);
      r.interrupted = 1;
      break;
    }
    if (fds[0].revents & (POLLIN | POLLHUP)) break;
  }
  close(done[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!r.interrupted) {
    r.signaled = WIFSIGNALED(status);
    r.signal = r.signaled ? WTERMSIG(status) : 0;
    r.exit_status = r.signaled ? 0 : WEXITSTATUS(status);
  }
  char why[256];
  switch (pb_outcome_judge(0, &r, why, sizeof why)) {
    case PB_OUTCOME_OK:
      return 0;
    case PB_OUTCOME_INTERRUPTED:
      return -1;
    case PB_OUTCOME_FAILED:
      break;
  }
  pb_trace_files_remove();
  if (!r.signaled) exit(r.exit_status); /* the child said why */
  pb_fail(PB_EXIT_FAILED, "generating the trace of %s: %s", mw->name, why);
}

/* The trace of mw into path: generated, or captured from its program.
 * Returns 0, or -1 when a SIGINT or SIGTERM stopped it (what it left in
 * path is a partial trace: never loaded, removed with the rest). */
static int make_trace(pb_matrix *m, pb_matrix_workload *mw, const char *path,
                      double timeout) {
  /* The agreement sets a synthetic trace's profile beside its program's
   * capture: kept whenever a suite with a program is compared. */
  int profile = (m->suites & PB_SUITES_WITH_PROGRAM) != 0;
  char err[PB_TRACE_ERROR_MAX];
  pb_trace t;
  if (mw->trace_given) {
    /* Checked whole before anything runs: a runner would refuse it later. */
    if (pb_trace_load(&t, mw->trace_given, err) != 0) {
      pb_trace_files_remove();
      pb_fail(PB_EXIT_BAD_INPUT, "--trace: %s", err);
    }
    if (!profile) pb_trace_destroy(&t);
  } else if (pb_suite_is(mw->suite, PB_SUITES_CAPTURED)) {
    pb_outcome captured =
        pb_capture_run(m->pytrace, mw, path, timeout, err, sizeof err);
    if (captured == PB_OUTCOME_INTERRUPTED) return -1;
    if (captured != PB_OUTCOME_OK && mw->user_program) {
      /* The user's program: its cells fail with why, the others run. */
      pb_warn("%s", err);
      if (!(mw->failure = strdup(err)))
        pb_fail(PB_EXIT_FAILED, "out of memory");
      return 0;
    }
    if (captured != PB_OUTCOME_OK ||
        (profile && pb_trace_load(&t, path, err) != 0)) {
      pb_trace_files_remove();
      pb_fail(PB_EXIT_FAILED, "%s", err);
    }
  } else {
    if (generate_in_child(m, mw, path) != 0) return -1;
    if (profile && pb_trace_load(&t, path, err) != 0) {
      pb_trace_files_remove();
      pb_fail(PB_EXIT_FAILED, "%s", err);
    }
  }
  if (profile) {
    pb_profile_compute(&t, &mw->profile);
    mw->profiled = 1;
    pb_trace_destroy(&t);
  }
  return 0;
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
    if (pb_interrupt_signal()) break;
    pb_matrix_workload *mw = &m->workloads[w];
    count = w + 1;
    if (!pb_suite_is(mw->suite, PB_SUITES_REPLAYED)) continue;
    if (tty)
      fprintf(stderr, "\rgenerating traces: %s\033[K", mw->name);
    else
      fprintf(stderr, "generating the trace of %s\n", mw->name);
    if (asprintf(&paths[w], "%s/%s.trace", dir, mw->name) < 0)
      pb_fail(PB_EXIT_FAILED, "out of memory");
    if (make_trace(m, mw, paths[w], timeout) != 0) break;
    if (mw->trace_given) {
      free(paths[w]); /* nothing made: the given file is replayed */
      paths[w] = NULL;
    }
  }
  if (tty) fprintf(stderr, "\r\033[K");
  return pb_interrupt_signal() ? -1 : 0;
}

const char *pb_workload_trace(const pb_matrix *m, size_t w) {
  if (m->workloads[w].failure) return NULL;
  return m->workloads[w].trace_given ? m->workloads[w].trace_given : paths[w];
}

void pb_trace_files_remove(void) {
  for (size_t w = 0; w < count; w++) {
    if (paths[w]) unlink(paths[w]);
    free(paths[w]);
    paths[w] = NULL;
  }
  count = 0;
  if (dir_made) {
    /* The directory is ours alone: whatever else is in it goes too (the
     * temporary file of a capture stopped while it saved its trace). */
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
      if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
        unlinkat(dirfd(d), e->d_name, 0);
    if (d) closedir(d);
    rmdir(dir);
  }
  dir_made = 0;
  free(dir);
  dir = NULL;
}
