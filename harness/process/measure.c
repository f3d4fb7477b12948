/* measure: runs a program and reports what it used, from wait4.
 *
 *   measure PROGRAM ARGS...
 *
 * PROGRAM runs as a child with its standard output discarded (standard
 * input and error are measure's). When it ends, measure prints one JSON
 * object on stdout,
 *
 *   {"program_wall_seconds": W, "program_cpu_seconds": C,
 *    "program_user_seconds": U, "program_system_seconds": S,
 *    "peak_rss_bytes": R, "minor_page_faults": F,
 *    ["footprint_peak_bytes": P,] "exit_status": E}
 *    (or "signal": N when killed)
 *
 * with C = U + S its user and system time, R its ru_maxrss and F its
 * ru_minflt, the pages it faulted in (the keys are the metric registry's,
 * harness/metrics/metrics.h), and exits with
 * the child's status (128 + N when killed by signal N). P is what the
 * program itself reports of its allocator's footprint: the child gets a
 * file to write it to (python/footprint.h; pyrun_<backend> does), and P is
 * absent when it wrote nothing.
 *
 * Why a process of its own: Linux keeps a process's peak RSS across execve
 * (ru_maxrss is the largest of every address space the process had), so a
 * program spawned straight from the comparison driver would report the
 * driver's peak, traces and all. measure is small: its child starts with
 * measure's address space, a megabyte or so, and reports its own peak above
 * that. If measure dies, the kernel kills the child too (PR_SET_PDEATHSIG),
 * so a run the driver times out leaves nothing behind. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/fail.h"
#include "harness/metrics/metrics.h"
#include "python/footprint.h"

static double seconds(struct timeval tv) {
  return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

/* The footprint the child wrote to fd ("N\n", one line and nothing else),
 * into *bytes; -1 when it wrote none or anything else. */
static int footprint_reported(int fd, unsigned long long *bytes) {
  char text[32];
  ssize_t got = pread(fd, text, sizeof text - 1, 0);
  if (got <= 0) return -1;
  text[got] = '\0';
  char *end;
  *bytes = strtoull(text, &end, 10);
  return end != text && end[0] == '\n' && end[1] == '\0' ? 0 : -1;
}

int main(int argc, char **argv) {
  pb_set_program("measure");
  if (argc < 2 || argv[1][0] == '-')
    pb_fail(PB_EXIT_BAD_INPUT, "usage: measure PROGRAM ARGS...");
  pid_t parent = getpid();
  /* Inherited through exec: the child's to write its footprint to. */
  int footprint_fd = memfd_create("footprint", 0);
  if (footprint_fd < 0)
    pb_fail(PB_EXIT_FAILED, "memfd_create: %s", strerror(errno));
  char fd_text[16];
  snprintf(fd_text, sizeof fd_text, "%d", footprint_fd);
  double start = pb_now();
  pid_t pid = fork();
  if (pid < 0) pb_fail(PB_EXIT_FAILED, "cannot fork: %s", strerror(errno));
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent ||
        null < 0 || dup2(null, STDOUT_FILENO) < 0 ||
        setenv(PB_FOOTPRINT_FD_ENV, fd_text, 1) != 0)
      _exit(127);
    execv(argv[1], argv + 1);
    pb_warn("cannot run %s: %s", argv[1], strerror(errno));
    _exit(127);
  }
  int status;
  struct rusage usage;
  while (wait4(pid, &status, 0, &usage) < 0)
    if (errno != EINTR) pb_fail(PB_EXIT_FAILED, "wait4: %s", strerror(errno));
  double wall = pb_now() - start;
  double user = seconds(usage.ru_utime), system = seconds(usage.ru_stime);
  printf(
      "{\"%s\": %.9f, \"%s\": %.6f, \"%s\": %.6f, \"%s\": %.6f, "
      "\"%s\": %llu, \"%s\": %ld, ",
      pb_metric_key(PB_METRIC_PROGRAM_WALL), wall,
      pb_metric_key(PB_METRIC_PROGRAM_CPU), user + system,
      pb_metric_key(PB_METRIC_PROGRAM_USER), user,
      pb_metric_key(PB_METRIC_PROGRAM_SYSTEM), system,
      pb_metric_key(PB_METRIC_PEAK_RSS),
      (unsigned long long)usage.ru_maxrss * 1024, /* KiB on Linux */
      pb_metric_key(PB_METRIC_MINOR_FAULTS), usage.ru_minflt);
  unsigned long long footprint;
  if (footprint_reported(footprint_fd, &footprint) == 0)
    printf("\"%s\": %llu, ", pb_metric_key(PB_METRIC_FOOTPRINT_PEAK),
           footprint);
  if (WIFSIGNALED(status)) {
    printf("\"signal\": %d}\n", WTERMSIG(status));
    return 128 + WTERMSIG(status);
  }
  printf("\"exit_status\": %d}\n", WEXITSTATUS(status));
  return WEXITSTATUS(status);
}
