/* common/: grouped numbers, page rounding, atomic files and file sets
 * (replaced whole or not at all, never over something that is not a regular
 * file), strict numbers, user paths and lists. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/grouped.h"
#include "common/list.h"
#include "common/map.h"
#include "common/number.h"
#include "common/user_path.h"
#include "testing/check.h"

static char dir[4096];

static void grouped_puts_commas_every_three_digits(void) {
  char buf[PB_GROUPED_MAX];
  PB_CHECK(strcmp(pb_grouped(0, buf), "0") == 0);
  PB_CHECK(strcmp(pb_grouped(999, buf), "999") == 0);
  PB_CHECK(strcmp(pb_grouped(1000, buf), "1,000") == 0);
  PB_CHECK(strcmp(pb_grouped(23847965, buf), "23,847,965") == 0);
  PB_CHECK(strcmp(pb_grouped(UINT64_MAX, buf), "18,446,744,073,709,551,615") ==
           0);
}

static void map_rounds_to_pages(void) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  PB_CHECK_EQ(pb_map_round(0), page);
  PB_CHECK_EQ(pb_map_round(1), page);
  PB_CHECK_EQ(pb_map_round(page + 1), 2 * page);
  unsigned char *p = pb_map_or_fail(3 * page, "the test");
  PB_CHECK(p[3 * page - 1] == 0);
  p = pb_remap_or_fail(p, 3 * page, 9 * page, "the test");
  p[9 * page - 1] = 1;
  pb_unmap(p, 9 * page);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  static char buf[256];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static char *path_in_dir(const char *name) {
  static char paths[4][4200];
  static int next;
  char *p = paths[next++ % 4];
  snprintf(p, sizeof paths[0], "%s/%s", dir, name);
  return p;
}

/* Nothing but the named files: no temporary file left behind. */
static size_t files_in_dir(void) {
  DIR *d = opendir(dir);
  PB_CHECK(d != NULL);
  size_t n = 0;
  for (struct dirent *e; (e = readdir(d));)
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

static void atomic_file_replaces_a_file_whole(void) {
  char err[PB_FILE_ERROR_MAX];
  const char *a = path_in_dir("a.txt");
  PB_CHECKF(pb_write_file_atomic(a, "old", 3, err) == 0, "%s", err);
  PB_CHECKF(pb_write_file_atomic(a, "new!", 4, err) == 0, "%s", err);
  PB_CHECK(strcmp(slurp(a), "new!") == 0);
  struct stat st;
  PB_CHECK(stat(a, &st) == 0 && (st.st_mode & 0777) == 0644);
  PB_CHECK_EQ(files_in_dir(), 1);
  unlink(a);
}

static void atomic_file_refuses_what_is_not_a_regular_file(void) {
  char err[PB_FILE_ERROR_MAX];
  const char *fifo = path_in_dir("fifo");
  PB_CHECK(mkfifo(fifo, 0600) == 0);
  PB_CHECK(pb_write_file_atomic(fifo, "x", 1, err) != 0);
  PB_CHECKF(strstr(err, "not a regular file") && strstr(err, fifo), "%s", err);
  struct stat st;
  PB_CHECK(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
  const char *sub = path_in_dir("sub");
  PB_CHECK(mkdir(sub, 0755) == 0);
  PB_CHECK(pb_write_file_atomic(sub, "x", 1, err) != 0);
  PB_CHECK(pb_write_file_atomic("/dev/null", "x", 1, err) != 0);
  PB_CHECK_EQ(files_in_dir(), 2);
  unlink(fifo);
  rmdir(sub);
}

static void file_set_is_all_or_nothing(void) {
  char err[PB_FILE_ERROR_MAX];
  const char *a = path_in_dir("set_a"), *b = path_in_dir("set_b");
  PB_CHECK(pb_write_file_atomic(a, "old a", 5, err) == 0);
  PB_CHECK(pb_write_file_atomic(b, "old b", 5, err) == 0);

  /* The second member cannot be written: neither file changes. */
  pb_file_set set = {0};
  PB_CHECK(pb_file_set_add(&set, a, "new a", 5, err) == 0);
  PB_CHECK(pb_file_set_add(&set, path_in_dir("missing/x"), "x", 1, err) != 0);
  PB_CHECKF(strstr(err, "missing/x") != NULL, "%s", err);
  pb_file_set_abort(&set);
  PB_CHECK(strcmp(slurp(a), "old a") == 0);
  PB_CHECK(strcmp(slurp(b), "old b") == 0);
  PB_CHECK_EQ(files_in_dir(), 2);

  /* Every member written: both replaced. */
  PB_CHECK(pb_file_set_add(&set, a, "new a", 5, err) == 0);
  PB_CHECK(pb_file_set_add(&set, b, "new b", 5, err) == 0);
  PB_CHECK(strcmp(slurp(a), "old a") == 0); /* staged, not yet in place */
  PB_CHECKF(pb_file_set_commit(&set, err) == 0, "%s", err);
  PB_CHECK(strcmp(slurp(a), "new a") == 0);
  PB_CHECK(strcmp(slurp(b), "new b") == 0);
  PB_CHECK_EQ(files_in_dir(), 2);
  unlink(a);
  unlink(b);
}

static void atomic_check_tries_without_touching(void) {
  char err[PB_FILE_ERROR_MAX];
  const char *a = path_in_dir("check_a");
  PB_CHECKF(pb_atomic_check(a, err) == 0, "%s", err);
  PB_CHECK_EQ(files_in_dir(), 0); /* neither the file nor a temporary one */
  PB_CHECK(pb_write_file_atomic(a, "old", 3, err) == 0);
  PB_CHECKF(pb_atomic_check(a, err) == 0, "%s", err);
  PB_CHECK(strcmp(slurp(a), "old") == 0);
  PB_CHECK(pb_atomic_check("/dev/null", err) != 0);
  PB_CHECKF(strstr(err, "/dev/null: exists and is not a regular file"), "%s",
            err);
  PB_CHECK(pb_atomic_check(path_in_dir("missing/x"), err) != 0);
  PB_CHECKF(strstr(err, "cannot create a temporary file"), "%s", err);
  PB_CHECK_EQ(files_in_dir(), 1);
  unlink(a);
}

static void numbers_are_plain_decimal(void) {
  uint64_t u;
  PB_CHECK(pb_parse_u64("0", &u) == 0 && u == 0);
  PB_CHECK(pb_parse_u64("18446744073709551615", &u) == 0 && u == UINT64_MAX);
  static const char *const not_u64[] = {
      "",   " 1",   "1 ",  "-1",  " -1",
      "+1", "0x10", "1e3", "1.0", "18446744073709551616",
  };
  for (size_t i = 0; i < sizeof not_u64 / sizeof not_u64[0]; i++)
    PB_CHECKF(pb_parse_u64(not_u64[i], &u) != 0, "'%s' parsed", not_u64[i]);

  double d;
  PB_CHECK(pb_parse_decimal("1", &d) == 0 && d == 1);
  PB_CHECK(pb_parse_decimal("-0.5", &d) == 0 && d == -0.5);
  PB_CHECK(pb_parse_decimal(".25", &d) == 0 && d == 0.25);
  PB_CHECK(pb_parse_decimal("2e-3", &d) == 0 && d == 2e-3);
  PB_CHECK(pb_parse_decimal("1E2", &d) == 0 && d == 100);
  PB_CHECK(pb_parse_decimal("3.", &d) == 0 && d == 3);
  static const char *const not_decimal[] = {
      "",    ".",  "-",   " 1",   "1 ",    "0x10", "inf",
      "nan", "1e", "1e+", "1.5x", "1e999", "--1",  "1,5",
  };
  for (size_t i = 0; i < sizeof not_decimal / sizeof not_decimal[0]; i++)
    PB_CHECKF(pb_parse_decimal(not_decimal[i], &d) != 0, "'%s' parsed",
              not_decimal[i]);
}

static void user_paths_start_where_bazel_run_did(void) {
  PB_CHECK(setenv("BUILD_WORKING_DIRECTORY", "/where/the/user/was", 1) == 0);
  char *p = pb_user_path("out/x.trace");
  PB_CHECK(strcmp(p, "/where/the/user/was/out/x.trace") == 0);
  free(p);
  p = pb_user_path("/abs/x.trace");
  PB_CHECK(strcmp(p, "/abs/x.trace") == 0);
  free(p);
  PB_CHECK(setenv("BUILD_WORKING_DIRECTORY", "", 1) == 0);
  p = pb_user_path("x.trace"); /* empty: not under bazel run */
  PB_CHECK(strcmp(p, "x.trace") == 0);
  free(p);
  PB_CHECK(pb_env_dir("BUILD_WORKING_DIRECTORY") == NULL);
  PB_CHECK(unsetenv("BUILD_WORKING_DIRECTORY") == 0);
  PB_CHECK(pb_env_dir("BUILD_WORKING_DIRECTORY") == NULL);
}

/* Every item, in order; empty items kept for the caller to refuse. */
static void lists_keep_every_item(void) {
  size_t n;
  char **items = pb_list_split("a,,b,", ',', &n);
  PB_CHECK_EQ(n, 4);
  PB_CHECK(strcmp(items[0], "a") == 0 && strcmp(items[1], "") == 0 &&
           strcmp(items[2], "b") == 0 && strcmp(items[3], "") == 0);
  PB_CHECK(items[4] == NULL);
  pb_list_free(items);
  items = pb_list_split("", ';', &n);
  PB_CHECK_EQ(n, 1);
  PB_CHECK(strcmp(items[0], "") == 0);
  pb_list_free(items);
  items = pb_list_split("x=1,y=2;x=3", ';', &n);
  PB_CHECK_EQ(n, 2);
  PB_CHECK(strcmp(items[0], "x=1,y=2") == 0 && strcmp(items[1], "x=3") == 0);
  pb_list_free(items);
}

int main(int argc, char **argv) {
  const char *tmp = getenv("TEST_TMPDIR");
  snprintf(dir, sizeof dir, "%s/util_test", tmp ? tmp : "/tmp");
  mkdir(dir, 0755);
  static const pb_test tests[] = {
      PB_TEST(grouped_puts_commas_every_three_digits),
      PB_TEST(map_rounds_to_pages),
      PB_TEST(atomic_file_replaces_a_file_whole),
      PB_TEST(atomic_file_refuses_what_is_not_a_regular_file),
      PB_TEST(file_set_is_all_or_nothing),
      PB_TEST(atomic_check_tries_without_touching),
      PB_TEST(numbers_are_plain_decimal),
      PB_TEST(user_paths_start_where_bazel_run_did),
      PB_TEST(lists_keep_every_item),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
