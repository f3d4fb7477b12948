/* The size_classes tool: its table for several layouts, and its errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator/pool/size_class.h"
#include "testing/check.h"

typedef struct run {
  int status;
  char *out;
  char *err;
} run;

static run run_tool(int argc, const char **args) {
  char *argv[16] = {"size_classes"};
  /* Writable copies: the tool splits NAME=VALUE in place, as argv allows. */
  for (int i = 0; i < argc; i++) argv[i + 1] = strdup(args[i]);
  run r;
  size_t out_len, err_len;
  FILE *out = open_memstream(&r.out, &out_len);
  FILE *err = open_memstream(&r.err, &err_len);
  PB_CHECK(out != NULL && err != NULL);
  r.status = pool_size_classes_main(argc + 1, argv, out, err);
  fclose(out);
  fclose(err);
  for (int i = 0; i < argc; i++) free(argv[i + 1]);
  return r;
}

/* Every row "lo-hi size idx", in order, for nclasses classes. */
static void expect_table(const run *r, unsigned nclasses, const char *head) {
  PB_CHECKF(r->status == 0, "status %d: %s", r->status, r->err);
  PB_CHECKF(strncmp(r->out, head, strlen(head)) == 0, "table:\n%s", r->out);
  PB_CHECK(strstr(r->out, "request in bytes") != NULL);
  PB_CHECK(strstr(r->out, "size of allocated block") != NULL);
  PB_CHECK(strstr(r->out, "size class index") != NULL);
  unsigned rows = 0;
  for (char *line = r->out; line != NULL && *line;) {
    size_t lo, hi, size;
    unsigned idx;
    char tail;
    if (sscanf(line, " %zu-%zu %zu %u%c", &lo, &hi, &size, &idx, &tail) == 5 &&
        tail == '\n') {
      PB_CHECK_EQ(idx, rows);
      PB_CHECK_EQ(lo, 16 * idx + 1);
      PB_CHECK_EQ(hi, 16 * (idx + 1));
      PB_CHECK_EQ(size, hi);
      rows++;
    }
    line = strchr(line, '\n');
    if (line) line++;
  }
  PB_CHECK_EQ(rows, nclasses);
  free(r->out);
  free(r->err);
}

static void tables(void) {
  run r = run_tool(0, NULL);
  expect_table(&r, 32, "layout 3.11: 1MiB arenas, 16KiB pools, threshold 512");
  const char *a310[] = {"layout=3.10"};
  r = run_tool(1, a310);
  expect_table(&r, 32, "layout 3.10: 1MiB arenas, 16KiB pools, threshold 512");
  const char *a38[] = {"layout=3.8"};
  r = run_tool(1, a38);
  expect_table(&r, 32, "layout 3.8: 256KiB arenas, 4KiB pools, threshold 512");
  const char *small[] = {"--threshold=256"};
  r = run_tool(1, small);
  expect_table(&r, 16, "layout arena=1MiB pool=16KiB threshold=256");
  const char *big[] = {"--pool_size=64K", "threshold=1024"};
  r = run_tool(2, big);
  expect_table(&r, 64, "layout arena=1MiB pool=64KiB threshold=1024");
}

static void first_rows_read_as_in_the_docs(void) {
  run r = run_tool(0, NULL);
  PB_CHECK(strstr(r.out,
                  "\n              1-16                       16"
                  "                 0\n") != NULL);
  PB_CHECK(strstr(r.out,
                  "\n           497-512                      512"
                  "                31\n") != NULL);
  free(r.out);
  free(r.err);
}

static void bad_arguments_exit_2(void) {
  static const char *const bad[][2] = {
      {"layout=3.9", "layout=3.9"},
      {"--threshold=250", "threshold=250"},
      {"foo=1", "foo"},
      {"nonsense", "nonsense"},
      {"pool_size=3000", "pool_size=3000"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *args[] = {bad[i][0]};
    run r = run_tool(1, args);
    PB_CHECKF(r.status == 2, "%s: status %d", bad[i][0], r.status);
    PB_CHECKF(r.out[0] == '\0', "%s printed a table", bad[i][0]);
    PB_CHECKF(strncmp(r.err, "size_classes: ", 14) == 0, "%s", r.err);
    PB_CHECKF(strstr(r.err, bad[i][1]) != NULL, "%s", r.err);
    char *nl = strchr(r.err, '\n');
    PB_CHECKF(nl != NULL && nl[1] == '\0', "not one line: %s", r.err);
    free(r.out);
    free(r.err);
  }
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(tables),
      PB_TEST(first_rows_read_as_in_the_docs),
      PB_TEST(bad_arguments_exit_2),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
