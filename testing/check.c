#include "testing/check.h"

#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void pb_check_failed(const char *file, int line, const char *expr,
                     const char *fmt, ...) {
  fprintf(stderr, "%s:%d: check failed: %s", file, line, expr);
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    fputs(": ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
  }
  fputc('\n', stderr);
  exit(1);
}

int pb_run_tests(const pb_test *tests, int argc, char **argv) {
  /* An optional argument runs only the test of that name. */
  const char *only = argc > 1 ? argv[1] : NULL;
  int ran = 0;
  for (const pb_test *t = tests; t->name; t++) {
    if (only && strcmp(only, t->name) != 0) continue;
    printf("[ RUN  ] %s\n", t->name);
    fflush(stdout);
    t->run();
    printf("[   OK ] %s\n", t->name);
    fflush(stdout);
    ran++;
  }
  if (ran == 0) {
    fprintf(stderr, "no test named %s\n", only ? only : "(any)");
    return 1;
  }
  printf("%d tests passed\n", ran);
  return 0;
}

void pb_expect_death(void (*fn)(void), const char *expected) {
  int pipefd[2];
  if (pipe(pipefd) != 0) pb_check_failed(__FILE__, __LINE__, "pipe", 0);
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) pb_check_failed(__FILE__, __LINE__, "fork", 0);
  if (pid == 0) {
    close(pipefd[0]);
    dup2(pipefd[1], STDERR_FILENO);
    fn();
    _exit(0); /* surviving is the failure the parent reports */
  }
  close(pipefd[1]);
  char output[4096];
  size_t len = 0;
  ssize_t n;
  while ((n = read(pipefd[0], output + len, sizeof output - 1 - len)) > 0)
    len += (size_t)n;
  output[len] = '\0';
  close(pipefd[0]);
  int status;
  waitpid(pid, &status, 0);
  if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
    pb_check_failed(__FILE__, __LINE__, "child died by SIGABRT",
                    "status %d, stderr: %s", status, output);
  if (!strstr(output, expected))
    pb_check_failed(__FILE__, __LINE__, "death message",
                    "expected \"%s\" in: %s", expected, output);
}
