/* The footprint's arithmetic on canned /proc/self/status text and smaps
 * sums, and a reading of this process: touching 8 MiB raises it by
 * 8 MiB (and by ASan's shadow of them). */
#include "python/footprint.h"

#include <string.h>
#include <sys/mman.h>

#include "testing/check.h"

static const char status[] =
    "Name:\tpyrun_pool\n"
    "VmPeak:\t  300000 kB\n"
    "VmHWM:\t   40000 kB\n"
    "VmRSS:\t   30000 kB\n"
    "RssAnon:\t   20000 kB\n"
    "RssFile:\t    9000 kB\n"
    "RssShmem:\t       8 kB\n"
    "Threads:\t1\n";

static void canned_text(void) {
  pb_status_memory m;
  PB_CHECK_EQ(pb_status_memory_parse(status, &m), 0);
  PB_CHECK_EQ(m.peak, 40000u * 1024);
  PB_CHECK_EQ(m.rss_anon, 20000u * 1024);
  PB_CHECK_EQ(m.rss_file, 9000u * 1024);
  PB_CHECK_EQ(m.rss_shmem, 8u * 1024);
  pb_footprint_reading at_load = {
      .status.rss_anon = 1000 * 1024,
      .mappings = {.file_bytes = 1200 * 1024, .stack_bytes = 40 * 1024}};
  pb_footprint_reading at_end = {
      .status = m,
      .mappings = {.file_bytes = 1300 * 1024, .stack_bytes = 60 * 1024}};
  /* 40000 - 9000 - 8 - 1000 - (1300 - 1200) - (60 - 40) kB */
  PB_CHECK_EQ(pb_footprint(&at_load, &at_end), 29872u * 1024);
  /* What shrank counts as no growth, not as a negative one. */
  at_end.mappings.stack_bytes = 0;
  PB_CHECK_EQ(pb_footprint(&at_load, &at_end), 29892u * 1024);
  at_load.status.rss_anon = 40000 * 1024;
  PB_CHECK_EQ(pb_footprint(&at_load, &at_end), 0);
  /* A field missing: no reading. */
  char cut[sizeof status];
  strcpy(cut, status);
  *strstr(cut, "RssShmem") = '\0';
  PB_CHECK_EQ(pb_status_memory_parse(cut, &m), -1);
  PB_CHECK_EQ(pb_status_memory_parse("VmHWM: x kB\n", &m), -1);
}

static void this_process(void) {
  pb_footprint_reading before, after;
  PB_CHECK_EQ(pb_footprint_read(&before), 0);
  size_t bytes = (size_t)8 << 20;
  char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  PB_CHECK(p != MAP_FAILED);
  memset(p, 1, bytes);
  PB_CHECK_EQ(pb_footprint_read(&after), 0);
  uint64_t grown =
      pb_footprint(&before, &after) - pb_footprint(&before, &before);
  /* At least the 8 MiB, less the kernel's high-water mark's slack; at most
   * a quarter more (ASan's shadow of them is 1 MiB). */
  PB_CHECKF(grown >= bytes - (256 << 10) && grown <= bytes + bytes / 4,
            "8 MiB touched: the footprint grew by %llu",
            (unsigned long long)grown);
  munmap(p, bytes);
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(canned_text),
      PB_TEST(this_process),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
