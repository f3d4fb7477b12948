#include "common/fail.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *program = "poolbench";

void pb_set_program(const char *name) { program = name; }
const char *pb_program(void) { return program; }

static void vline(const char *fmt, va_list ap) {
  /* One fprintf call builds the whole line, so that a line from a child and
   * one from its parent do not interleave mid-line. */
  char message[1024];
  vsnprintf(message, sizeof message, fmt, ap);
  fprintf(stderr, "%s: %s\n", program, message);
}

void pb_fail(int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vline(fmt, ap);
  va_end(ap);
  exit(status);
}

void pb_warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vline(fmt, ap);
  va_end(ap);
}

int pb_finish_stdout(void) {
  errno = 0;
  if (fflush(stdout) == 0 && !ferror(stdout)) return 0;
  /* errno names the cause when this flush failed; an earlier write that
   * failed left only the stream's error flag. */
  pb_warn("cannot write to standard output%s%s", errno ? ": " : "",
          errno ? strerror(errno) : "");
  return -1;
}
