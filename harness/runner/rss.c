#include "harness/runner/rss.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/* Reads a small /proc file into buf with one read(): no stdio, so no
 * allocation from the allocator under test. Returns the length or -1. */
static ssize_t read_proc(const char *path, char *buf, size_t size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n < 0) return -1;
  buf[n] = '\0';
  return n;
}

/* Resident pages (statm: size resident shared text lib data dt, in
 * pages), or 0. Parsed by hand: async-signal-safe. */
static uint64_t resident_pages(void) {
  char buf[256];
  if (read_proc("/proc/self/statm", buf, sizeof buf) < 0) return 0;
  const char *p = strchr(buf, ' ');
  if (!p) return 0;
  uint64_t pages = 0;
  for (p++; *p >= '0' && *p <= '9'; p++)
    pages = pages * 10 + (uint64_t)(*p - '0');
  return pages;
}

static uint64_t page_size(void) {
  static uint64_t size;
  if (size == 0) size = (uint64_t)sysconf(_SC_PAGESIZE);
  return size;
}

uint64_t pb_rss_bytes(void) { return resident_pages() * page_size(); }

/* In pages; raised by the SIGSYS handler, in whichever thread made the
 * call: atomic (lock-free, so async-signal-safe). */
static _Atomic uint64_t exact_peak_pages;

void pb_rss_exact_peak_start(void) {
  page_size(); /* sysconf now, not in a signal handler */
  atomic_store(&exact_peak_pages, resident_pages());
}

void pb_rss_exact_peak_sample(void) {
  uint64_t pages = resident_pages();
  uint64_t peak = atomic_load(&exact_peak_pages);
  while (pages > peak &&
         !atomic_compare_exchange_weak(&exact_peak_pages, &peak, pages)) {
  }
}

uint64_t pb_rss_exact_peak_bytes(void) {
  pb_rss_exact_peak_sample();
  return atomic_load(&exact_peak_pages) * page_size();
}

uint64_t pb_rss_peak_bytes(void) {
  char buf[4096];
  if (read_proc("/proc/self/status", buf, sizeof buf) < 0) return 0;
  const char *p = strstr(buf, "VmHWM:");
  if (!p) return 0;
  return strtoull(p + 6, NULL, 10) * 1024; /* reported in kB */
}

int pb_rss_reset_peak(void) {
  int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = write(fd, "5", 1);
  close(fd);
  return n == 1 ? 0 : -1;
}

uint64_t pb_minor_faults(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return (uint64_t)usage.ru_minflt;
}

__attribute__((noinline)) void pb_map_stack_pages(void) {
  volatile char below[PB_STACK_TOUCHED];
  for (size_t k = 0; k < sizeof below; k += 1024) below[k] = 0;
  below[sizeof below - 1] = 0;
}

void pb_map_file_pages(void) {
  /* Static, like every buffer here: no allocation from the allocator under
   * test. Lines: "start-end perms offset dev inode path". */
  static char maps[1 << 16];
  if (read_proc("/proc/self/maps", maps, sizeof maps) < 0) return;
  for (char *line = maps; *line;) {
    char *end = strchr(line, '\n');
    if (end) *end = '\0';
    unsigned long start, stop;
    char perms[8];
    const char *path = strchr(line, '/');
    if (path && sscanf(line, "%lx-%lx %7s", &start, &stop, perms) == 3 &&
        perms[0] == 'r')
      madvise((void *)start, stop - start, MADV_POPULATE_READ);
    if (!end) break;
    line = end + 1;
  }
}
