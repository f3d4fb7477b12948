#include "harness/process/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "harness/process/interrupt.h"

extern char **environ;

typedef struct buffer {
  char *data;
  size_t len, cap;
} buffer;

static void buffer_append(buffer *b, const char *src, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (b->len + n + 1 > cap) cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data) return; /* keep what fits; the caller sees truncated output */
    b->data = data;
    b->cap = cap;
  }
  memcpy(b->data + b->len, src, n);
  b->len += n;
  b->data[b->len] = '\0';
}

/* Grace a child stopped early (a timeout, an interrupt) has between SIGTERM
 * and SIGKILL: valgrind removes its vgdb FIFOs from the temporary directory
 * on SIGTERM but leaves them on SIGKILL; a runner dies at once either way. */
#define STOP_GRACE_SECONDS 0.5

/* Asks pid to stop, then kills it if it has not within the grace; returns
 * its wait status. */
static int stop_child(pid_t pid) {
  kill(pid, SIGTERM);
  double deadline = pb_now() + STOP_GRACE_SECONDS;
  int status;
  for (;;) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) return 0;
    if (pb_now() >= deadline) break;
    usleep(10000);
  }
  kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

int pb_spawn(char *const argv[], double timeout_seconds, pb_spawn_result *r) {
  return pb_spawn_env(argv, environ, timeout_seconds, r);
}

int pb_spawn_env(char *const argv[], char *const envp[], double timeout_seconds,
                 pb_spawn_result *r) {
  memset(r, 0, sizeof *r);
  r->timeout = timeout_seconds;
  if (pb_interrupt_fd() >= 0 && pb_interrupt_signal()) {
    /* Caught already: nothing more starts (a child stopped while it starts
     * up may not clean up after itself). */
    r->interrupted = 1;
    r->out = strdup("");
    r->err = strdup("");
    return 0;
  }
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return -1;
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return -1;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  pid_t pid;
  double start = pb_now();
  int rc = posix_spawnp(&pid, argv[0], &actions, NULL, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(err[1]);
  if (rc != 0) {
    close(out[0]);
    close(err[0]);
    errno = rc;
    return -1;
  }

  buffer bufs[2] = {{0}, {0}};
  /* The child's stdout and stderr, and the interrupt pipe (interrupt.h):
   * a Ctrl-C stops the child now, not after its time limit. */
  struct pollfd fds[3] = {
      {out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {pb_interrupt_fd(), POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    double left = timeout_seconds - (pb_now() - start);
    if (left <= 0) {
      r->timed_out = 1;
      break;
    }
    int ready = poll(fds, 3, (int)(left * 1000) + 1);
    if (ready < 0) {
      if (errno == EINTR) continue; /* revents are not valid */
      break;
    }
    if (fds[2].fd >= 0 && (fds[2].revents & POLLIN)) {
      r->interrupted = 1;
      break;
    }
    for (int k = 0; k < 2; k++) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP))) continue;
      char chunk[65536];
      ssize_t n = read(fds[k].fd, chunk, sizeof chunk);
      if (n > 0) {
        buffer_append(&bufs[k], chunk, (size_t)n);
      } else {
        close(fds[k].fd);
        fds[k].fd = -1;
        open_fds--;
      }
    }
  }
  for (int k = 0; k < 2; k++)
    if (fds[k].fd >= 0) close(fds[k].fd);
  int status = 0;
  if (r->timed_out || r->interrupted) {
    r->seconds = pb_now() - start; /* when it was stopped, grace left out */
    status = stop_child(pid);
  } else {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r->seconds = pb_now() - start;
  }
  if (!r->timed_out && !r->interrupted) {
    if (WIFSIGNALED(status)) {
      r->signaled = 1;
      r->signal = WTERMSIG(status);
    } else {
      r->exit_status = WEXITSTATUS(status);
    }
  }
  r->out = bufs[0].data ? bufs[0].data : strdup("");
  r->err = bufs[1].data ? bufs[1].data : strdup("");
  return 0;
}

void pb_spawn_result_free(pb_spawn_result *r) {
  free(r->out);
  free(r->err);
  r->out = r->err = NULL;
}

void pb_spawn_describe(const pb_spawn_result *r, char *buf, size_t size) {
  if (r->interrupted)
    snprintf(buf, size, "interrupted");
  else if (r->timed_out)
    /* The limit, not the time measured: rounding that to whole seconds
     * turned --timeout=0.001 into "timeout after 0 s". */
    snprintf(buf, size, "timeout after %g s", r->timeout);
  else if (r->signaled)
    snprintf(buf, size, "signal %d (%s)", r->signal, strsignal(r->signal));
  else
    snprintf(buf, size, "exit %d", r->exit_status);
}
