/* Runs a program from a test and captures what it printed, and reads the
 * files it wrote: the binaries under test (the runner, the driver, the
 * gate) are tested from the outside, by their output, files and exit
 * status. */
#ifndef POOLBENCH_TESTING_RUN_PROGRAM_H
#define POOLBENCH_TESTING_RUN_PROGRAM_H

#include <stddef.h>

typedef struct pb_program_output {
  int status; /* exit status, or 128 + signal */
  char *out;  /* what it wrote on stdout, NUL-terminated (malloc'd) */
  char *err;  /* and on stderr */
} pb_program_output;

/* Runs argv (argv[0] a path) to completion; fails the test when it cannot
 * be started. */
pb_program_output pb_run_program(const char *const *argv);

void pb_program_output_free(pb_program_output *o);

/* The whole file, NUL-terminated (malloc'd); fails the test when it cannot
 * be read. */
char *pb_read_output_file(const char *path);

#endif /* POOLBENCH_TESTING_RUN_PROGRAM_H */
