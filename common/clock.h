/* The clocks poolbench reads: monotonic wall time for timing, and this
 * process's CPU time. */
#ifndef POOLBENCH_COMMON_CLOCK_H
#define POOLBENCH_COMMON_CLOCK_H

#include <time.h>

/* Seconds on the monotonic clock (an arbitrary origin: take differences). */
static inline double pb_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds this process has used, user and system. */
static inline double pb_cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif /* POOLBENCH_COMMON_CLOCK_H */
