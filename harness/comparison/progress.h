/* The progress of a long comparison on stderr: a bar, runs done of runs
 * planned, what runs now, and the time left. On a terminal the line redraws
 * itself; in a log (stderr not a terminal, as hyperfine decides) a line is
 * printed every 5% of the work or every 10 s, whichever comes later, so a
 * CI log holds a dozen lines, not one per run.
 *
 * One estimate covers the whole run: each phase's work (timed runs,
 * counted runs) is planned with its expected seconds (the warm-up's
 * measure of a run of each workload, times what a counted run costs more),
 * and as runs of a phase finish, its own pace (seconds taken over seconds
 * expected) corrects what is left of it. The time left is never "0 s"
 * while work remains. */
#ifndef POOLBENCH_HARNESS_COMPARISON_PROGRESS_H
#define POOLBENCH_HARNESS_COMPARISON_PROGRESS_H

#include <stddef.h>

typedef enum pb_work { PB_WORK_TIMED, PB_WORK_COUNTED, PB_WORK_KINDS } pb_work;

typedef struct pb_progress {
  size_t total, done;                  /* runs planned, runs finished */
  double expected[PB_WORK_KINDS];      /* seconds, every run of a kind */
  double expected_done[PB_WORK_KINDS]; /* ... of those finished */
  double taken_done[PB_WORK_KINDS];    /* what those took */
  double started;                      /* pb_now() at the start */
  int tty;
  /* the run under way */
  pb_work kind;
  double run_expected, run_started;
  /* the last line printed in a log */
  double last_line_at;
  size_t last_line_done;
} pb_progress;

/* Before anything is planned. */
void pb_progress_start(pb_progress *p);

/* Adds runs of a kind, expected to take seconds in all. */
void pb_progress_plan(pb_progress *p, pb_work kind, size_t runs,
                      double seconds);

/* A run of kind, expected to take seconds, starts: shows what it is. */
void pb_progress_begin(pb_progress *p, pb_work kind, double seconds,
                       const char *what);

/* The run that began has finished (well or not). */
void pb_progress_end(pb_progress *p);

/* Seconds the planned work still needs, at the pace seen so far; at least
 * 1 while work remains. */
double pb_progress_left(const pb_progress *p);

/* Clears the line (on a terminal) so that a message can be printed. */
void pb_progress_clear(const pb_progress *p);

/* "1 min 05 s", "12 s". */
void pb_format_duration(double seconds, char *buf, size_t size);

#endif /* POOLBENCH_HARNESS_COMPARISON_PROGRESS_H */
