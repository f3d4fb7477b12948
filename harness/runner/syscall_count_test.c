/* The system-call counter: every counted call is counted once, whichever
 * way it is made, only while counting is on, and behaves as without the
 * counter (its result, its errno); and the exact peak of RSS it makes
 * possible (harness/runner/rss.h) sees memory released in between. */
#include "harness/runner/syscall_count.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness/runner/rss.h"
#include "testing/check.h"

static uint64_t counts_before[PB_MEMORY_SYSCALLS];

static void start(void) {
  pb_syscall_counts(counts_before);
  pb_syscall_count_enable(1);
}

static uint64_t counted(pb_memory_syscall k) {
  uint64_t now[PB_MEMORY_SYSCALLS];
  pb_syscall_counts(now);
  return now[k] - counts_before[k];
}

static void install(void) {
  char err[PB_SYSCALL_COUNT_ERROR_MAX];
  PB_CHECKF(pb_syscall_count_install(err) == 0, "%s", err);
}

static void each_call_is_counted_once_and_works(void) {
  start();
  unsigned char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  PB_CHECK(p != MAP_FAILED);
  memset(p, 1, 1 << 20);
  PB_CHECK(madvise(p, 1 << 20, MADV_DONTNEED) == 0);
  PB_CHECK(p[4096] == 0); /* the advice really happened */
  unsigned char *q = mremap(p, 1 << 20, 2 << 20, MREMAP_MAYMOVE);
  PB_CHECK(q != MAP_FAILED);
  q[(2 << 20) - 1] = 3;
  PB_CHECK(munmap(q, 2 << 20) == 0);
  PB_CHECK(syscall(SYS_brk, 0) > 0); /* the current break */
  /* A raw system call, as an allocator may make it. */
  long raw = syscall(SYS_mmap, NULL, 4096, PROT_READ,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  PB_CHECK(raw > 0);
  PB_CHECK(syscall(SYS_munmap, raw, 4096) == 0);
  pb_syscall_count_enable(0);
  PB_CHECK_EQ(counted(PB_SYS_MMAP), 2);
  PB_CHECK_EQ(counted(PB_SYS_MADVISE), 1);
  PB_CHECK_EQ(counted(PB_SYS_MREMAP), 1);
  PB_CHECK_EQ(counted(PB_SYS_MUNMAP), 2);
  PB_CHECK_EQ(counted(PB_SYS_BRK), 1);
}

static void a_failing_call_keeps_its_error(void) {
  start();
  errno = 0;
  void *p = mmap((void *)4096, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED, -1, 0);
  PB_CHECK(p == MAP_FAILED && errno == EBADF);
  pb_syscall_count_enable(0);
  PB_CHECK_EQ(counted(PB_SYS_MMAP), 1);
}

static void nothing_is_counted_while_off(void) {
  pb_syscall_counts(counts_before);
  void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  PB_CHECK(p != MAP_FAILED && munmap(p, 4096) == 0);
  for (int k = 0; k < PB_MEMORY_SYSCALLS; k++)
    PB_CHECK_EQ(counted((pb_memory_syscall)k), 0);
}

/* 4 MiB touched then unmapped: the RSS now is back where it was, the
 * exact peak is 4 MiB above it, sampled just before the munmap. */
static void the_exact_peak_sees_released_memory(void) {
  const size_t length = 4 << 20;
  pb_syscall_before_release(pb_rss_exact_peak_sample);
  uint64_t start_bytes = pb_rss_bytes();
  pb_rss_exact_peak_start();
  unsigned char *p = mmap(NULL, length, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  PB_CHECK(p != MAP_FAILED);
  memset(p, 1, length);
  PB_CHECK(munmap(p, length) == 0);
  uint64_t now = pb_rss_bytes(), peak = pb_rss_exact_peak_bytes();
  pb_syscall_before_release(NULL);
  PB_CHECKF(now < start_bytes + length / 2,
            "RSS %llu after the munmap, %llu before the mmap",
            (unsigned long long)now, (unsigned long long)start_bytes);
  PB_CHECKF(peak >= start_bytes + length,
            "exact peak %llu, not 4 MiB above %llu", (unsigned long long)peak,
            (unsigned long long)start_bytes);
}

int main(int argc, char **argv) {
  install();
  static const pb_test tests[] = {
      PB_TEST(each_call_is_counted_once_and_works),
      PB_TEST(a_failing_call_keeps_its_error),
      PB_TEST(nothing_is_counted_while_off),
      PB_TEST(the_exact_peak_sees_released_memory),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
