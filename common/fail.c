#include "common/fail.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
