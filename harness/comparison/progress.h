/* The progress line of a long comparison on stderr: a bar, runs done of
 * runs planned, what runs now, and the time left. On a terminal the line
 * redraws itself; otherwise one line per run, for logs. */
#ifndef POOLBENCH_HARNESS_COMPARISON_PROGRESS_H
#define POOLBENCH_HARNESS_COMPARISON_PROGRESS_H

#include <stddef.h>

typedef struct pb_progress {
  size_t total;    /* runs planned */
  size_t done;     /* runs finished */
  double started;  /* pb_now() when the first run started */
  double estimate; /* seconds the whole was expected to take */
  int tty;
} pb_progress;

void pb_progress_start(pb_progress *p, size_t total, double estimate);

/* Shows that run done + 1 of total starts: what it is. */
void pb_progress_show(const pb_progress *p, const char *what);

/* Clears the line (on a terminal) so that a message can be printed. */
void pb_progress_clear(const pb_progress *p);

/* "1 min 05 s", "12 s". */
void pb_format_duration(double seconds, char *buf, size_t size);

#endif /* POOLBENCH_HARNESS_COMPARISON_PROGRESS_H */
