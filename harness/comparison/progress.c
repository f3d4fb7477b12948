#include "harness/comparison/progress.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"

#define BAR_WIDTH 30
#define LOG_EVERY_SHARE 0.05 /* of the runs */
#define LOG_EVERY_SECONDS 10.0

void pb_progress_start(pb_progress *p) {
  memset(p, 0, sizeof *p);
  p->started = pb_now();
  p->last_line_at = -INFINITY;
  p->tty = isatty(STDERR_FILENO);
}

void pb_progress_plan(pb_progress *p, pb_work kind, size_t runs,
                      double seconds) {
  p->total += runs;
  p->expected[kind] += seconds;
}

/* Seconds taken per second expected, for a kind: its own runs' once some
 * finished, else the other kind's (the machine's speed), else 1. */
static double pace(const pb_progress *p, pb_work kind) {
  if (p->expected_done[kind] > 0)
    return p->taken_done[kind] / p->expected_done[kind];
  for (int k = 0; k < PB_WORK_KINDS; k++)
    if (p->expected_done[k] > 0) return p->taken_done[k] / p->expected_done[k];
  return 1;
}

double pb_progress_left(const pb_progress *p) {
  if (p->done >= p->total) return 0;
  double left = 0;
  for (int k = 0; k < PB_WORK_KINDS; k++)
    left += fmax(0, p->expected[k] - p->expected_done[k]) * pace(p, k);
  /* The run under way has already used some of its share. */
  if (p->run_started > 0)
    left -= fmin(pb_now() - p->run_started, p->run_expected * pace(p, p->kind));
  return fmax(left, 1);
}

void pb_format_duration(double seconds, char *buf, size_t size) {
  int s = (int)(seconds + 0.5);
  if (s >= 60)
    snprintf(buf, size, "%d min %02d s", s / 60, s % 60);
  else
    snprintf(buf, size, "%d s", s);
}

/* In a log: only when 5% of the runs and 10 s have passed since the last
 * line (and for the first run and the last). */
static int log_line_due(const pb_progress *p) {
  if (p->done == 0 || p->done + 1 >= p->total) return 1;
  double share = (double)(p->done - p->last_line_done) / (double)p->total;
  return share >= LOG_EVERY_SHARE &&
         pb_now() - p->last_line_at >= LOG_EVERY_SECONDS;
}

void pb_progress_begin(pb_progress *p, pb_work kind, double seconds,
                       const char *what) {
  p->kind = kind;
  p->run_expected = seconds;
  p->run_started = pb_now();
  if (!p->tty && !log_line_due(p)) return;
  char bar[BAR_WIDTH + 1], eta[32];
  size_t filled = p->total ? p->done * BAR_WIDTH / p->total : BAR_WIDTH;
  for (size_t i = 0; i < BAR_WIDTH; i++) bar[i] = i < filled ? '#' : '-';
  bar[BAR_WIDTH] = '\0';
  pb_format_duration(pb_progress_left(p), eta, sizeof eta);
  fprintf(stderr, "%s[%s] %zu/%zu  %s  about %s left%s", p->tty ? "\r" : "",
          bar, p->done, p->total, what, eta, p->tty ? "\033[K" : "\n");
  if (!p->tty) {
    p->last_line_at = pb_now();
    p->last_line_done = p->done;
  }
}

void pb_progress_end(pb_progress *p) {
  if (p->run_started <= 0) return;
  p->expected_done[p->kind] += p->run_expected;
  p->taken_done[p->kind] += pb_now() - p->run_started;
  p->run_started = 0;
  p->done++;
}

void pb_progress_clear(const pb_progress *p) {
  if (p->tty) fputs("\r\033[K", stderr);
}
