/* The user's own workloads: `--program='PATH ARG ...'` (a Python program,
 * run on every pyrun_<backend> and captured with pytrace) and
 * `--trace=FILE` (a saved capture, replayed on every backend).
 *
 * A program's words are split as a shell splits them (blanks; single
 * quotes keep everything; double quotes and backslashes as in sh), with no
 * expansion. Each is named after its file: `my_service` for
 * `my_service.py`, `capture` for `capture.trace`; a name that clashes with
 * a built-in workload or another program or trace is refused, as is one a
 * trace could not carry (letters, digits, '_', '-' and '.' only). Paths are
 * as the user meant them (common/user_path.h) and must be readable files. */
#ifndef POOLBENCH_HARNESS_COMPARISON_PROGRAMS_H
#define POOLBENCH_HARNESS_COMPARISON_PROGRAMS_H

#include <stddef.h>

typedef struct pb_user_workload {
  char *name;  /* its workload name */
  char *path;  /* the program or the trace (absolute) */
  char **args; /* a program's arguments after it, NULL-terminated */
  int is_trace;
} pb_user_workload;

typedef struct pb_user_workloads {
  pb_user_workload *items;
  size_t count;
} pb_user_workloads;

/* Adds a --program (is_trace 0) or --trace (1) value; one line naming the
 * option and exit status 2 when it is not usable. */
void pb_user_workload_add(pb_user_workloads *list, const char *option,
                          const char *value, int is_trace);

/* Splits text into words as sh does without expanding anything: a
 * NULL-terminated array (malloc'd, free with pb_list_free); NULL with why
 * in err when a quote is not closed. */
char **pb_split_words(const char *text, char *err, size_t size);

#endif /* POOLBENCH_HARNESS_COMPARISON_PROGRAMS_H */
