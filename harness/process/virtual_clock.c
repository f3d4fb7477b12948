/* virtual_clock.so, preloaded into counted runs (harness/process/pinned.h): the
 * clocks every library reads through libc's clock_gettime and gettimeofday
 * become one that advances by a fixed step at each reading. Time then
 * passes as the process works, not as the machine is loaded, so decisions
 * that depend on elapsed time (jemalloc's decay-based purging, mimalloc's
 * delayed page resets) come out the same on every run, natively and under
 * callgrind, whose 50-fold slowdown would otherwise make them purge far
 * more often than a native run does. CPU-time clocks are left alone.
 *
 * The step, 10 us, is about the native time between two readings of
 * jemalloc's, which reads the clock once per 1000 operations at roughly
 * 100 million operations a second. */
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define STEP_NS 10000ull
#define START_NS (1600000000ull * 1000000000ull) /* a fixed date, 2020 */

static uint64_t readings;

static int is_virtual(clockid_t id) {
  switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_BOOTTIME:
      return 1;
    default:
      return 0;
  }
}

static uint64_t next_reading(void) {
  return START_NS +
         STEP_NS * __atomic_fetch_add(&readings, 1, __ATOMIC_RELAXED);
}

int clock_gettime(clockid_t id, struct timespec *ts) {
  if (!is_virtual(id)) return (int)syscall(SYS_clock_gettime, id, ts);
  uint64_t ns = next_reading();
  ts->tv_sec = (time_t)(ns / 1000000000u);
  ts->tv_nsec = (long)(ns % 1000000000u);
  return 0;
}

int gettimeofday(struct timeval *tv, void *tz) {
  (void)tz;
  uint64_t ns = next_reading();
  tv->tv_sec = (time_t)(ns / 1000000000u);
  tv->tv_usec = (suseconds_t)(ns % 1000000000u / 1000u);
  return 0;
}
