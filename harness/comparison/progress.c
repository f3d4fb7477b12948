#include "harness/comparison/progress.h"

#include <stdio.h>
#include <unistd.h>

#include "common/clock.h"

#define BAR_WIDTH 30

void pb_progress_start(pb_progress *p, size_t total, double estimate) {
  *p = (pb_progress){.total = total,
                     .started = pb_now(),
                     .estimate = estimate,
                     .tty = isatty(STDERR_FILENO)};
}

void pb_format_duration(double seconds, char *buf, size_t size) {
  int s = (int)(seconds + 0.5);
  if (s >= 60)
    snprintf(buf, size, "%d min %02d s", s / 60, s % 60);
  else
    snprintf(buf, size, "%d s", s);
}

void pb_progress_show(const pb_progress *p, const char *what) {
  double elapsed = pb_now() - p->started;
  /* Before any run has finished, the estimate; then the pace so far. */
  double left = p->done
                    ? elapsed / (double)p->done * (double)(p->total - p->done)
                    : p->estimate;
  char bar[BAR_WIDTH + 1], eta[32];
  size_t filled = p->total ? p->done * BAR_WIDTH / p->total : BAR_WIDTH;
  for (size_t i = 0; i < BAR_WIDTH; i++) bar[i] = i < filled ? '#' : '-';
  bar[BAR_WIDTH] = '\0';
  pb_format_duration(left, eta, sizeof eta);
  fprintf(stderr, "%s[%s] %zu/%zu  %s  %s left%s", p->tty ? "\r" : "", bar,
          p->done, p->total, what, eta, p->tty ? "\033[K" : "\n");
}

void pb_progress_clear(const pb_progress *p) {
  if (p->tty) fputs("\r\033[K", stderr);
}
