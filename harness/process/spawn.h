/* Runs a program as a child process with a time limit, capturing its
 * standard output and error: one benchmark cell, isolated in its own process
 * so that a crash or a hang costs only that cell. */
#ifndef POOLBENCH_HARNESS_PROCESS_SPAWN_H
#define POOLBENCH_HARNESS_PROCESS_SPAWN_H

#include <stddef.h>

typedef struct pb_spawn_result {
  int exit_status; /* valid when !signaled && !timed_out && !interrupted */
  int signaled;    /* killed by a signal (a crash) */
  int signal;
  int timed_out;   /* stopped by us after the time limit */
  int interrupted; /* stopped by us on SIGINT or SIGTERM (interrupt.h) */
  double timeout;  /* the time limit it ran under, as given */
  char *out;       /* captured stdout, NUL-terminated (malloc'd) */
  char *err;       /* captured stderr, NUL-terminated (malloc'd) */
  double seconds;
} pb_spawn_result;

/* Runs argv[0] (a path) with argv. Returns 0 when the child was started,
 * -1 (with errno) when it could not be. A child stopped early (its time
 * limit, an interrupt) gets SIGTERM, then SIGKILL half a second later.
 * Once a SIGINT or SIGTERM was caught (interrupt.h), none is started: 0,
 * with the result interrupted. What became of a child: outcome.h. */
int pb_spawn(char *const argv[], double timeout_seconds, pb_spawn_result *r);

/* pb_spawn with the environment envp instead of this process's. */
int pb_spawn_env(char *const argv[], char *const envp[], double timeout_seconds,
                 pb_spawn_result *r);

/* Frees what pb_spawn captured. */
void pb_spawn_result_free(pb_spawn_result *r);

/* "exit 3", "signal 11 (Segmentation fault)", "timeout after 0.5 s" (the
 * limit as given, not the time measured): for reports. */
void pb_spawn_describe(const pb_spawn_result *r, char *buf, size_t size);

#endif /* POOLBENCH_HARNESS_PROCESS_SPAWN_H */
