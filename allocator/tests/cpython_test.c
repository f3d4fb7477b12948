/* The cpython backend's own promises (allocator/cpython.c), beyond the
 * conformance test: usable sizes that are pymalloc's size classes for its
 * blocks and the C library's for the others, the arena table that tells the
 * two apart, statistics read from CPython's report (and the one left
 * absent), and what release can and cannot give back. Every test frees what it
 * allocates, so each starts with no pymalloc block in use. */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "allocator/allocator.h"
#include "allocator/mallocstats.h"
#include "testing/backend_test.h"
#include "testing/check.h"

static uint64_t stat_of(const char *name) {
  pb_stats stats;
  pb_stats_get(&stats);
  uint64_t value = 0;
  PB_CHECKF(pb_stats_find(&stats, name, &value), "no statistic %s", name);
  return value;
}

/* ---- pb_init on a pymalloc already in use ----------------------------------
 * Decided by a process's first pb_init, so main() checks it in a child
 * before this process's own pb_init, and the test reads the outcome. */

static struct {
  int status; /* the child's exit status */
  char message[PB_ERROR_MAX];
} early_use;

static void check_early_use_in_child(void) {
  int pipefd[2];
  PB_CHECK(pipe(pipefd) == 0);
  fflush(stdout);
  pid_t pid = fork();
  PB_CHECK(pid >= 0);
  if (pid == 0) {
    close(pipefd[0]);
    void *p = pb_malloc(16); /* pymalloc maps its first arena */
    char err[PB_ERROR_MAX] = "";
    int rc = pb_init(NULL, 0, err);
    ssize_t written = write(pipefd[1], err, strlen(err));
    (void)written;
    pb_free(p);
    _exit(rc == 0 ? 0 : 1);
  }
  close(pipefd[1]);
  ssize_t n = read(pipefd[0], early_use.message, PB_ERROR_MAX - 1);
  early_use.message[n > 0 ? n : 0] = '\0';
  close(pipefd[0]);
  int status;
  PB_CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
  early_use.status = WEXITSTATUS(status);
}

static void refuses_a_pymalloc_already_in_use(void) {
  PB_CHECKF(early_use.status == 1, "pb_init accepted a pymalloc in use");
  PB_CHECKF(strstr(early_use.message, "already mapped 1 arenas") != NULL, "%s",
            early_use.message);
}

/* ---- usable sizes -------------------------------------------------------- */

static void usable_size_is_the_size_class(void) {
  /* Every small request: its block size, read from the pool header. */
  for (size_t n = 1; n <= 512; n++) {
    void *p = pb_malloc(n);
    PB_CHECK(p != NULL);
    PB_CHECKF(pb_usable_size(p) == (n + 15) / 16 * 16, "%zu bytes: %zu", n,
              pb_usable_size(p));
    pb_free(p);
  }
  /* Zero bytes and large requests: the C library's blocks. */
  static const size_t raw[] = {0, 513, 1000, 4096, 100000, 5 << 20};
  for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++) {
    void *p = pb_malloc(raw[i]);
    PB_CHECK(p != NULL);
    PB_CHECK_EQ(pb_usable_size(p), malloc_usable_size(p));
    pb_free(p);
  }
}

static void usable_size_follows_realloc(void) {
  /* Shrinking by less than a quarter keeps the pymalloc block. */
  void *p = pb_malloc(64);
  void *q = pb_realloc(p, 50);
  PB_CHECK(q == p);
  PB_CHECK_EQ(pb_usable_size(q), 64);
  /* A large block shrunk to a small size stays with the C library
   * (pymalloc hands pointers it does not own to the raw realloc). */
  void *big = pb_malloc(1000);
  void *small = pb_realloc(big, 100);
  PB_CHECK(small != NULL);
  PB_CHECK_EQ(pb_usable_size(small), malloc_usable_size(small));
  PB_CHECK(pb_usable_size(small) != 112); /* not read as a pool block */
  pb_free(q);
  pb_free(small);
}

/* ---- arenas and statistics ----------------------------------------------- */

static void arena_table_follows_pymalloc(void) {
  uint64_t arena_size = stat_of("arena_size");
  uint64_t maps = stat_of("arena_mmap_calls");
  uint64_t unmaps = stat_of("arena_munmap_calls");
  PB_CHECK_EQ(maps - unmaps, stat_of("arenas_current"));
  /* Enough 512-byte blocks for three arenas' worth. */
  size_t n = (size_t)(3 * arena_size / 512);
  void **blocks = calloc(n, sizeof *blocks);
  PB_CHECK(blocks != NULL);
  for (size_t i = 0; i < n; i++) {
    blocks[i] = pb_malloc(512);
    PB_CHECK(blocks[i] != NULL);
  }
  uint64_t current = stat_of("arenas_current");
  PB_CHECK(current >= 3);
  PB_CHECK_EQ(stat_of("arena_mmap_calls") - stat_of("arena_munmap_calls"),
              current);
  PB_CHECK_EQ(stat_of("mapped_bytes"), current * arena_size);
  for (size_t i = 0; i < n; i++) PB_CHECK_EQ(pb_usable_size(blocks[i]), 512);
  for (size_t i = 0; i < n; i++) pb_free(blocks[i]);
  free(blocks);
  /* pymalloc unmapped every empty arena but the one it keeps. */
  PB_CHECK_EQ(stat_of("arenas_current"), 1);
  PB_CHECK_EQ(stat_of("arena_mmap_calls") - stat_of("arena_munmap_calls"), 1);
}

static void statistics_come_from_the_report(void) {
  enum { N = 1000 };
  void *blocks[N];
  PB_CHECK_EQ(stat_of("blocks_in_use"), 0);
  for (int i = 0; i < N; i++) blocks[i] = pb_malloc(24);
  void *big = pb_malloc(100000);
  PB_CHECK_EQ(stat_of("blocks_in_use"), N);
  PB_CHECK_EQ(stat_of("pool_allocated_bytes"), N * 32); /* class 32 */
  PB_CHECK_EQ(stat_of("retained_bytes"),
              stat_of("available_bytes") + stat_of("unused_pool_bytes"));
  /* Absent, not estimated: pymalloc's own metadata is in the raw domain
   * with the large blocks. */
  pb_stats stats;
  pb_stats_get(&stats);
  uint64_t value;
  PB_CHECK(!pb_stats_find(&stats, "allocated_bytes", &value));
  PB_CHECK(!pb_stats_find(&stats, "raw_allocated_bytes", &value));

  /* pb_stats_print is CPython's report, which reads back to the same. */
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  pb_stats_print(out);
  fclose(out);
  pb_mallocstats m;
  char err[256];
  PB_CHECKF(pb_mallocstats_parse(text, &m, err, sizeof err) == 0, "%s", err);
  PB_CHECK_EQ(m.blocks_in_use, N);
  PB_CHECK(m.has_arena_map); /* 3.11 has the radix tree */
  free(text);

  for (int i = 0; i < N; i++) pb_free(blocks[i]);
  pb_free(big);
  PB_CHECK_EQ(stat_of("blocks_in_use"), 0);
}

static void release_cannot_return_the_kept_arena(void) {
  void *p = pb_malloc(100);
  pb_free(p);
  PB_CHECK_EQ(stat_of("blocks_in_use"), 0);
  PB_CHECK_EQ(stat_of("arenas_current"), 1);
  /* CPython has no call that unmaps the empty arena pymalloc keeps. */
  pb_release();
  PB_CHECK_EQ(stat_of("arenas_current"), 1);
}

int main(int argc, char **argv) {
  check_early_use_in_child();
  static const pb_test tests[] = {
      PB_TEST(refuses_a_pymalloc_already_in_use),
      PB_TEST(usable_size_is_the_size_class),
      PB_TEST(usable_size_follows_realloc),
      PB_TEST(arena_table_follows_pymalloc),
      PB_TEST(statistics_come_from_the_report),
      PB_TEST(release_cannot_return_the_kept_arena),
      {NULL, NULL},
  };
  return pb_backend_test_main(tests, argc, argv);
}
