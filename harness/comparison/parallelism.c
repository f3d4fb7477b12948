#include "harness/comparison/parallelism.h"

#include <math.h>
#include <pthread.h>

#include "common/clock.h"
#include "workloads/workloads.h"

/* About 10 ms of one core's work: enough to dwarf starting a thread. */
#define SPIN_ITERATIONS 20000000UL

static void *spin(void *arg) {
  (void)arg;
  volatile unsigned long sum = 0;
  for (unsigned long i = 0; i < SPIN_ITERATIONS; i++) sum += i;
  return NULL;
}

/* Seconds for `threads` threads to do their spins; -1 when one cannot
 * start. */
static double timed(unsigned threads) {
  pthread_t t[PB_WORKLOAD_THREADS_MAX];
  double start = pb_now();
  unsigned started = 0;
  for (; started < threads; started++)
    if (pthread_create(&t[started], NULL, spin, NULL) != 0) break;
  for (unsigned k = 0; k < started; k++) pthread_join(t[k], NULL);
  return started == threads ? pb_now() - start : -1;
}

double pb_parallel_speedup(unsigned threads) {
  if (threads <= 1) return 1;
  if (threads > PB_WORKLOAD_THREADS_MAX) return NAN;
  double one = timed(1), many = timed(threads);
  return one > 0 && many > 0 ? threads * one / many : NAN;
}
