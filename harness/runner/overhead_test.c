/* The allocator's overhead readings (harness/runner/overhead.h): the smaps
 * reader on canned text (what it counts, what it leaves out, what it
 * refuses), and on this process (memory written shows as growth, a file
 * mapped and only read does not). */
#include "harness/runner/overhead.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testing/check.h"

#define LIB "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4.5.12"

/* Two fields per mapping are enough; smaps has about twenty. */
static const char *const canned[] = {
    "55d0c0a00000-55d0c0a02000 r--p 00000000 fe:01 1234   /work/bench",
    "Rss:                   8 kB",
    "Anonymous:             0 kB",
    "55d0c0a02000-55d0c0a03000 rw-p 00002000 fe:01 1234   /work/bench",
    "Anonymous:             4 kB",
    "55d0c1000000-55d0c1021000 rw-p 00000000 00:00 0      [heap]",
    "Anonymous:           132 kB",
    "7f0000000000-7f0000020000 r-xp 00000000 fe:01 99     " LIB,
    "Anonymous:             0 kB",
    "7f0000020000-7f0000022000 r--p 00020000 fe:01 99     " LIB,
    "Anonymous:             8 kB",
    "7f0000022000-7f0000023000 rw-p 00022000 fe:01 99     " LIB,
    "Anonymous:             4 kB",
    /* A path with a space, and one that only starts like the library's. */
    "7f0000100000-7f0000101000 rw-p 00000000 fe:01 7      /tmp/a b.so",
    "Anonymous:            12 kB",
    "7f0000200000-7f0000201000 rw-p 00000000 fe:01 8      " LIB ".bak",
    "Anonymous:            16 kB",
    "7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0      [stack]",
    "Anonymous:            64 kB",
    "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]",
    "THPeligible:    0",
    "VmFlags: rd wr mr mw me ac sd",
    NULL,
};

static void canned_smaps_sums_private_pages(void) {
  pb_smaps_reader r = {.library = LIB};
  for (size_t i = 0; canned[i]; i++)
    PB_CHECKF(pb_smaps_line(&r, canned[i]) == 0, "refused: %s", canned[i]);
  /* Everything but the stack: 4 + 132 + 8 + 4 + 12 + 16 kB. */
  PB_CHECK_EQ(r.sum.anonymous_bytes, 176 * 1024);
  /* The library's own mappings only, its read-only relocated page too. */
  PB_CHECK_EQ(r.sum.library_bytes, 12 * 1024);
  /* Every file's written pages: 4 + 8 + 4 + 12 + 16 kB; the stack apart. */
  PB_CHECK_EQ(r.sum.file_bytes, 44 * 1024);
  PB_CHECK_EQ(r.sum.stack_bytes, 64 * 1024);
}

static void no_library_counts_none(void) {
  pb_smaps_reader r = {.library = ""};
  for (size_t i = 0; canned[i]; i++) pb_smaps_line(&r, canned[i]);
  PB_CHECK_EQ(r.sum.library_bytes, 0);
  PB_CHECK_EQ(r.sum.anonymous_bytes, 176 * 1024);
}

static void garbage_is_refused(void) {
  pb_smaps_reader r = {0};
  PB_CHECK(pb_smaps_line(&r, "Anonymous: lots") == -1);
  PB_CHECK(pb_smaps_line(&r, "Anonymous: 4 MB") == -1);
  PB_CHECK(pb_smaps_line(&r, "not a field") == -1);
  PB_CHECK(pb_smaps_line(&r, "7f00-zz rw-p 0 0:0 0") == -1);
  PB_CHECK_EQ(r.sum.anonymous_bytes, 0);
}

static void the_parts_add_up(void) {
  pb_overhead o = {0};
  o.at_load = (pb_private_memory){.anonymous_bytes = 100, .library_bytes = 30};
  o.at_main = (pb_private_memory){.anonymous_bytes = 150,
                                  .library_bytes = 30}; /* constructors: 50 */
  o.before_init =
      (pb_private_memory){.anonymous_bytes = 400, .library_bytes = 30};
  o.after_init = (pb_private_memory){.anonymous_bytes = 470,
                                     .library_bytes = 30}; /* pb_init: 70 */
  o.before_expect = o.after_expect =
      (pb_private_memory){.anonymous_bytes = 500, .library_bytes = 30};
  PB_CHECK_EQ(pb_overhead_constructors(&o), 50);
  PB_CHECK_EQ(pb_overhead_init(&o), 70);
  PB_CHECK_EQ(pb_overhead_library(&o), 30);
  PB_CHECK_EQ(pb_overhead_bytes(&o), 150);
  o.after_expect.anonymous_bytes = 600; /* pb_expect: 100 more */
  o.after_init.anonymous_bytes = 300;   /* shrank: no growth, not -100 */
  PB_CHECK_EQ(pb_overhead_init(&o), 100);
}

/* This process: 1 MiB written grows the reading by 1 MiB (and by less than
 * a quarter more: ASan's shadow of it is 128 KiB); 1 MiB of a file mapped
 * and read does not (by less than a quarter of it: ASan's shadow again). */
static void this_process_written_memory_shows(void) {
  const size_t size = 1 << 20;
  pb_private_memory before, written, read_only;
  PB_CHECK(pb_private_memory_read(NULL, &before) == 0);
  char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  PB_CHECK(p != MAP_FAILED);
  memset(p, 1, size);
  PB_CHECK(pb_private_memory_read(NULL, &written) == 0);
  PB_CHECKF(
      written.anonymous_bytes >= before.anonymous_bytes + size &&
          written.anonymous_bytes < before.anonymous_bytes + size + size / 4,
      "%llu before, %llu after writing 1 MiB",
      (unsigned long long)before.anonymous_bytes,
      (unsigned long long)written.anonymous_bytes);
  char path[] = "/tmp/overhead_test.XXXXXX";
  FILE *f = fdopen(mkstemp(path), "w+");
  PB_CHECK(f != NULL);
  for (size_t i = 0; i < size; i++) fputc('x', f);
  fflush(f);
  volatile const char *q =
      mmap(NULL, size, PROT_READ, MAP_PRIVATE, fileno(f), 0);
  PB_CHECK(q != MAP_FAILED);
  unsigned sum = 0;
  for (size_t i = 0; i < size; i += 4096) sum += (unsigned)q[i];
  PB_CHECK(sum > 0);
  PB_CHECK(pb_private_memory_read(NULL, &read_only) == 0);
  PB_CHECKF(read_only.anonymous_bytes < written.anonymous_bytes + size / 4,
            "%llu after reading 1 MiB of a file, %llu before",
            (unsigned long long)read_only.anonymous_bytes,
            (unsigned long long)written.anonymous_bytes);
  munmap((void *)q, size);
  munmap(p, size);
  fclose(f);
  unlink(path);
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(canned_smaps_sums_private_pages),
      PB_TEST(no_library_counts_none),
      PB_TEST(garbage_is_refused),
      PB_TEST(the_parts_add_up),
      PB_TEST(this_process_written_memory_shows),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
