#include "harness/process/interrupt.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "common/fail.h"

static volatile sig_atomic_t caught;
static int pipe_fds[2] = {-1, -1};

static void on_signal(int signo) {
  int saved = errno; /* the interrupted code may be reading errno */
  if (!caught) caught = signo;
  if (pipe_fds[1] >= 0) {
    ssize_t ignored = write(pipe_fds[1], "", 1); /* full pipe: already set */
    (void)ignored;
  }
  errno = saved;
}

static const int caught_signals[] = {SIGINT, SIGTERM};

/* Sets the action of each signal that was not ignored when the program
 * started: a shell starts background jobs with SIGINT ignored, so that a
 * Ctrl-C meant for the foreground leaves them alone, and they keep it so. */
static void set_action(void (*handler)(int)) {
  struct sigaction action, old;
  memset(&action, 0, sizeof action);
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  /* No SA_RESTART: a blocking call returns EINTR and its loop looks. */
  for (size_t i = 0; i < sizeof caught_signals / sizeof caught_signals[0]; i++)
    if (sigaction(caught_signals[i], NULL, &old) == 0 &&
        old.sa_handler != SIG_IGN)
      sigaction(caught_signals[i], &action, NULL);
}

void pb_interrupt_install(void) {
  if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0)
    pb_fail(PB_EXIT_FAILED, "cannot make a pipe for signals: %s",
            strerror(errno));
  set_action(on_signal);
}

int pb_interrupt_signal(void) { return caught; }

int pb_interrupt_fd(void) { return pipe_fds[0]; }

void pb_interrupt_restore(void) {
  set_action(SIG_DFL);
  for (int i = 0; i < 2; i++) {
    if (pipe_fds[i] >= 0) close(pipe_fds[i]);
    pipe_fds[i] = -1;
  }
}

int pb_interrupt_exit_status(int signo) {
  return signo == SIGTERM ? PB_EXIT_TERMINATED : PB_EXIT_INTERRUPTED;
}
