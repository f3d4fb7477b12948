/* The trace format: round trip, every rejection the reader promises, the
 * profile on a hand-computed trace, and the builder's slot rules. */
#include "workloads/trace.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testing/check.h"
#include "testing/trace_v1.h"

/* A fresh path in the test's temporary directory. */
static const char *temp_path(const char *name) {
  static char path[4096];
  const char *dir = getenv("TEST_TMPDIR");
  snprintf(path, sizeof path, "%s/%s", dir ? dir : "/tmp", name);
  unlink(path);
  return path;
}

/* A small trace with every kind and touch, ending with one block live. */
static void build_sample(pb_trace *t) {
  pb_trace_init(t, "sample", 42, 0.02);
  uint32_t a = pb_trace_malloc(t, 28, PB_TOUCH_OBJECT);
  uint32_t b = pb_trace_calloc(t, 64, PB_TOUCH_ARRAY);
  pb_trace_realloc(t, b, 600, PB_TOUCH_ARRAY);
  uint32_t c = pb_trace_malloc(t, 4096, PB_TOUCH_NONE);
  pb_trace_free(t, a);
  pb_trace_free(t, c);
  uint32_t d = pb_trace_malloc(t, 0, PB_TOUCH_NONE);
  pb_trace_free(t, d);
  (void)b; /* left live: a valid trace need not free everything */
}

static void save_or_die(const pb_trace *t, const char *path) {
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_save(t, path, err) == 0, "%s", err);
}

/* Loads path expecting failure; checks the message names the path and
 * contains expected, on one line. */
static void expect_load_error(const char *path, const char *expected) {
  pb_trace t;
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_load(&t, path, err) == -1, "loaded %s", path);
  PB_CHECKF(strstr(err, expected) != NULL, "expected \"%s\" in: %s", expected,
            err);
  PB_CHECKF(strstr(err, path) != NULL, "path missing from: %s", err);
  PB_CHECKF(strchr(err, '\n') == NULL, "not one line: %s", err);
  PB_CHECK(t.ops == NULL); /* nothing left mapped */
}

static void patch(const char *path, long offset, const void *bytes,
                  size_t len) {
  int fd = open(path, O_WRONLY);
  PB_CHECK(fd >= 0);
  PB_CHECK(pwrite(fd, bytes, len, offset) == (ssize_t)len);
  close(fd);
}

static void patch_u32(const char *path, long offset, uint32_t v) {
  unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8),
                        (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
  patch(path, offset, b, 4);
}

static void test_round_trip(void) {
  pb_trace t;
  build_sample(&t);
  const char *path = temp_path("round_trip.trace");
  save_or_die(&t, path);

  struct stat st;
  PB_CHECK(stat(path, &st) == 0);
  PB_CHECK_EQ(st.st_size, PB_TRACE_HEADER_SIZE + 12 * t.count);

  pb_trace u;
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_load(&u, path, err) == 0, "%s", err);
  PB_CHECK_EQ(u.count, t.count);
  PB_CHECK_EQ(u.slots, t.slots);
  PB_CHECK_EQ(u.seed, 42);
  PB_CHECK(u.scale == 0.02);
  PB_CHECK(strcmp(u.workload, "sample") == 0);
  PB_CHECK(memcmp(u.ops, t.ops, t.count * sizeof(pb_op)) == 0);
  PB_CHECK_EQ(pb_trace_checksum(u.ops, u.count),
              pb_trace_checksum(t.ops, t.count));
  pb_trace_destroy(&u);
  PB_CHECK(u.ops == NULL);
  pb_trace_destroy(&t);
}

static void test_empty_trace_round_trip(void) {
  pb_trace t;
  pb_trace_init(&t, "empty", 0, 0);
  const char *path = temp_path("empty.trace");
  save_or_die(&t, path);
  pb_trace u;
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_load(&u, path, err) == 0, "%s", err);
  PB_CHECK_EQ(u.count, 0);
  PB_CHECK_EQ(u.slots, 0);
  pb_trace_profile p;
  pb_trace_profile_compute(&u, &p);
  PB_CHECK_EQ(p.peak_live_bytes, 0);
  pb_trace_destroy(&u);
  pb_trace_destroy(&t);
}

/* Known FNV-1a 64 values: the empty input, and 12 zero bytes. */
static void test_checksum_is_fnv1a(void) {
  PB_CHECK_EQ(pb_trace_checksum(NULL, 0), 0xcbf29ce484222325ull);
  pb_op zero = {0, 0, 0, 0, 0, 0};
  uint64_t h = 0xcbf29ce484222325ull;
  for (int i = 0; i < 12; i++) h *= 0x100000001b3ull; /* h ^= 0 each time */
  PB_CHECK_EQ(pb_trace_checksum(&zero, 1), h);
}

static void test_save_is_atomic_and_leaves_no_temp(void) {
  pb_trace t;
  build_sample(&t);
  const char *dir = getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp";
  char sub[4096];
  snprintf(sub, sizeof sub, "%s/atomic", dir);
  mkdir(sub, 0777);
  char path[4200];
  snprintf(path, sizeof path, "%s/out.trace", sub);
  save_or_die(&t, path);
  save_or_die(&t, path); /* replaces the file */
  DIR *d = opendir(sub);
  PB_CHECK(d != NULL);
  int files = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (e->d_name[0] == '.') continue;
    PB_CHECKF(strcmp(e->d_name, "out.trace") == 0, "left behind: %s",
              e->d_name);
    files++;
  }
  closedir(d);
  PB_CHECK_EQ(files, 1);

  char err[PB_TRACE_ERROR_MAX];
  PB_CHECK(pb_trace_save(&t, "/nonexistent-dir/x.trace", err) == -1);
  PB_CHECKF(strstr(err, "/nonexistent-dir/x.trace") != NULL, "%s", err);
  PB_CHECKF(strstr(err, "cannot create") != NULL, "%s", err);
  pb_trace_destroy(&t);
}

static void test_load_missing_file(void) {
  expect_load_error(temp_path("does-not-exist.trace"),
                    "cannot open: No such file or directory");
}

static void test_rejects_short_and_truncated(void) {
  pb_trace t;
  build_sample(&t);
  const char *path = temp_path("short.trace");
  save_or_die(&t, path);
  PB_CHECK(truncate(path, 100) == 0);
  expect_load_error(path, "file too short: 100 bytes");

  save_or_die(&t, path);
  PB_CHECK(truncate(path, PB_TRACE_HEADER_SIZE + 12 * 3 + 5) == 0);
  expect_load_error(path, "truncated: op count says 8 ops");

  save_or_die(&t, path);
  int fd = open(path, O_WRONLY | O_APPEND);
  PB_CHECK(fd >= 0 && write(fd, "xyz", 3) == 3);
  close(fd);
  expect_load_error(path, "3 bytes of trailing garbage after 8 ops");
  pb_trace_destroy(&t);
}

static void test_rejects_bad_header(void) {
  pb_trace t;
  build_sample(&t);
  const char *path = temp_path("header.trace");

  save_or_die(&t, path);
  patch(path, 0, "PBTRACX", 7);
  expect_load_error(path, "not a poolbench trace (wrong magic)");

  save_or_die(&t, path);
  patch_u32(path, 8, 4);
  expect_load_error(path, "trace version 4, this reader knows versions 1 to 3");

  save_or_die(&t, path);
  patch_u32(path, 8, 0);
  expect_load_error(path, "trace version 0, this reader knows versions 1 to 3");

  save_or_die(&t, path);
  patch_u32(path, 12, 64);
  expect_load_error(path, "header size 64 and op size 12");

  save_or_die(&t, path);
  patch_u32(path, 28, 16);
  expect_load_error(path, "header size 128 and op size 16");

  save_or_die(&t, path);
  patch(path, 100, "\1", 1);
  expect_load_error(path, "nonzero reserved header byte at offset 100");

  save_or_die(&t, path);
  patch(path, 56, "0123456789abcdef0123456789abcdef", 32);
  expect_load_error(path, "workload name is not NUL-terminated");
  pb_trace_destroy(&t);
}

static void test_rejects_checksum_mismatch(void) {
  pb_trace t;
  build_sample(&t);
  const char *path = temp_path("checksum.trace");
  save_or_die(&t, path);
  /* Flip one bit of the second op's size. */
  unsigned char byte = (unsigned char)(t.ops[1].size ^ 1);
  patch(path, PB_TRACE_HEADER_SIZE + 12 + 4, &byte, 1);
  expect_load_error(path, "corrupted: checksum 0x");
  pb_trace_destroy(&t);
}

/* Writes ops (with a correct checksum: save does not validate) and checks
 * that loading names the broken rule. */
static void expect_rule_error(const pb_op *ops, uint64_t count, uint32_t slots,
                              const char *expected) {
  pb_trace t;
  pb_trace_init(&t, "handmade", 0, 0);
  t.ops = (pb_op *)ops;
  t.count = count;
  t.slots = slots;
  const char *path = temp_path("rules.trace");
  save_or_die(&t, path);
  expect_load_error(path, expected);

  /* The validator says the same without the file. */
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECK(pb_trace_validate(&t, err) == -1);
  PB_CHECKF(strstr(err, expected) != NULL, "expected \"%s\" in: %s", expected,
            err);
}

static void test_rejects_slot_rule_violations(void) {
  const pb_op malloc_into_live[] = {{0, 16, PB_OP_MALLOC, 1, 0, 0},
                                    {0, 16, PB_OP_CALLOC, 1, 0, 0}};
  expect_rule_error(malloc_into_live, 2, 1,
                    "op 1: calloc into slot 0, which is live");

  const pb_op free_empty[] = {{0, 16, PB_OP_MALLOC, 1, 0, 0},
                              {0, 0, PB_OP_FREE, 0, 0, 0},
                              {0, 0, PB_OP_FREE, 0, 0, 0}};
  expect_rule_error(free_empty, 3, 1, "op 2: free of slot 0, which is empty");

  const pb_op realloc_empty[] = {{0, 16, PB_OP_MALLOC, 2, 0, 0},
                                 {1, 16, PB_OP_REALLOC, 2, 0, 0}};
  expect_rule_error(realloc_empty, 2, 2,
                    "op 1: realloc of slot 1, which is empty");

  const pb_op past_slots[] = {{0, 16, PB_OP_MALLOC, 0, 0, 0},
                              {5, 16, PB_OP_MALLOC, 0, 0, 0}};
  expect_rule_error(past_slots, 2, 2,
                    "op 1: malloc of slot 5, past the slot count 2");

  const pb_op bad_kind[] = {{0, 16, 7, 0, 0, 0}};
  expect_rule_error(bad_kind, 1, 1, "op 0: unknown kind 7");

  const pb_op bad_touch[] = {{0, 16, PB_OP_MALLOC, 3, 0, 0}};
  expect_rule_error(bad_touch, 1, 1, "op 0: unknown touch 3");
  const pb_op filled_free[] = {{0, 16, PB_OP_MALLOC, PB_TOUCH_FILLED, 0, 0},
                               {0, 0, PB_OP_FREE, PB_TOUCH_FILLED + 5, 0, 0}};
  expect_rule_error(filled_free, 2, 1, "op 1: unknown touch 133");

  const pb_op reserved[] = {{0, 16, PB_OP_MALLOC, 0, 0, 0},
                            {0, 0, PB_OP_FREE, 0, 0, 1}};
  expect_rule_error(reserved, 2, 1,
                    "op 1: nonzero reserved byte 0x01 (must be 0)");
}

/* Version 1 had one reserved u16 where version 2 has the domain and a
 * reserved byte: in a version 1 file both must be zero. */
static void test_version_1_reserved_field(void) {
  const pb_op ops[] = {{0, 16, PB_OP_MALLOC, 0, 0, 0},
                       {0, 0, PB_OP_FREE, 0, 0, 1}};
  pb_trace t;
  pb_trace_init(&t, "v1", 0, 0);
  t.ops = (pb_op *)ops;
  t.count = 2;
  t.slots = 1;
  const char *path = temp_path("v1_reserved.trace");
  pb_trace_write_v1(&t, path);
  expect_load_error(path, "op 1: nonzero reserved field 0x0100");

  const pb_op domain_in_v1[] = {{0, 16, PB_OP_MALLOC, 0, PB_DOMAIN_OBJ, 0}};
  t.ops = (pb_op *)domain_in_v1;
  t.count = 1;
  pb_trace_write_v1(&t, path);
  expect_load_error(path, "op 0: nonzero reserved field 0x0003");
}

/* The slot count is bounded by what the ops use: no more slots than ops,
 * every slot below the count used, so that neither the validator, the
 * profile nor the replay maps memory a small file does not pay for. */
static void test_rejects_slot_counts_the_ops_do_not_use(void) {
  const pb_op two_ops[] = {{0, 16, PB_OP_MALLOC, 0, 0, 0},
                           {0, 0, PB_OP_FREE, 0, 0, 0}};
  expect_rule_error(two_ops, 2, 5,
                    "slot count 5, but 2 ops cannot use that many slots");

  const pb_op gap[] = {{0, 16, PB_OP_MALLOC, 0, 0, 0},
                       {2, 16, PB_OP_MALLOC, 0, 0, 0},
                       {0, 0, PB_OP_FREE, 0, 0, 0}};
  expect_rule_error(gap, 3, 3,
                    "slot count 3, but no op uses slot 1 (slots are numbered "
                    "from 0 with no gap)");

  /* A version 1 header was not under the checksum: the 188-byte file that
   * asked for four billion slots is refused by the bound, not by a failed
   * mapping. */
  pb_trace t;
  pb_trace_init(&t, "hostile", 0, 0);
  const pb_op one[] = {{0, 16, PB_OP_MALLOC, 0, 0, 0}};
  t.ops = (pb_op *)one;
  t.count = 1;
  t.slots = 4000000000u;
  const char *path = temp_path("hostile.trace");
  pb_trace_write_v1(&t, path);
  struct stat st;
  PB_CHECK(stat(path, &st) == 0);
  PB_CHECK_EQ(st.st_size, PB_TRACE_HEADER_SIZE + 12);
  expect_load_error(path,
                    "slot count 4000000000, but 1 ops cannot use that many "
                    "slots");
}

static void test_rejects_bad_domains(void) {
  const pb_op unknown[] = {{0, 16, PB_OP_MALLOC, 0, 4, 0}};
  expect_rule_error(unknown, 1, 1, "op 0: unknown domain 4");

  const pb_op mixed[] = {{0, 16, PB_OP_MALLOC, 1, PB_DOMAIN_OBJ, 0},
                         {0, 32, PB_OP_REALLOC, 1, PB_DOMAIN_OBJ, 0},
                         {0, 0, PB_OP_FREE, 1, PB_DOMAIN_MEM, 0}};
  expect_rule_error(mixed, 3, 1,
                    "op 2: free in domain mem of slot 0, whose block was "
                    "allocated in domain obj");

  const pb_op realloc_raw[] = {{0, 16, PB_OP_MALLOC, 0, PB_DOMAIN_UNKNOWN, 0},
                               {0, 32, PB_OP_REALLOC, 0, PB_DOMAIN_RAW, 0}};
  expect_rule_error(realloc_raw, 2, 1,
                    "op 1: realloc in domain raw of slot 0, whose block was "
                    "allocated in domain unknown");
}

/* Every field of a version 2 header is under the checksum: the slot count,
 * seed, scale and name, which no other check can judge, included. */
static void test_header_is_under_the_checksum(void) {
  pb_trace t;
  build_sample(&t);
  PB_CHECK_EQ(t.slots, 3);
  const char *path = temp_path("header_checksum.trace");
  save_or_die(&t, path);
  patch_u32(path, 24, 4); /* slot count 3 -> 4 */
  expect_load_error(path, "corrupted: checksum 0x");
  static const long fields[] = {32, 40, 56}; /* seed, scale, name */
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    save_or_die(&t, path);
    patch(path, fields[i], "r", 1);
    expect_load_error(path, "the header and ops hash to 0x");
  }
  pb_trace_destroy(&t);
}

static void test_version_1_files_still_load(void) {
  pb_trace t;
  build_sample(&t);
  const char *path = temp_path("v1.trace");
  pb_trace_write_v1(&t, path);
  pb_trace u;
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_load(&u, path, err) == 0, "%s", err);
  PB_CHECK_EQ(u.version, 1);
  PB_CHECK_EQ(u.count, t.count);
  PB_CHECK_EQ(u.slots, t.slots);
  PB_CHECK_EQ(u.seed, 42);
  PB_CHECK(u.scale == 0.02);
  PB_CHECK(strcmp(u.workload, "sample") == 0);
  PB_CHECK(memcmp(u.ops, t.ops, t.count * sizeof(pb_op)) == 0);
  for (uint64_t i = 0; i < u.count; i++)
    PB_CHECK_EQ(u.ops[i].domain, PB_DOMAIN_UNKNOWN);
  PB_CHECK_EQ(u.checksum, pb_trace_checksum(t.ops, t.count));
  pb_trace_destroy(&u);

  /* A version 1 op whose checksum no longer matches. */
  unsigned char byte = (unsigned char)(t.ops[2].size ^ 4);
  patch(path, PB_TRACE_HEADER_SIZE + 2 * 12 + 4, &byte, 1);
  expect_load_error(path, "the ops hash to 0x");
  pb_trace_destroy(&t);
}

static void test_rejects_bad_names(void) {
  pb_trace t;
  build_sample(&t);
  const char *path = temp_path("names.trace");
  save_or_die(&t, path);
  patch(path, 58, "\033", 1);
  expect_load_error(path,
                    "workload name has byte 0x1b at offset 2: only printable "
                    "ASCII");
  save_or_die(&t, path);
  patch(path, 58, "\xc3", 1);
  expect_load_error(path, "workload name has byte 0xc3 at offset 2");
  save_or_die(&t, path);
  patch(path, 56 + 20, "x", 1); /* after "sample" and its NUL */
  expect_load_error(path, "nonzero byte after the workload name's NUL");
  pb_trace_destroy(&t);
}

/* A FIFO would block open() until a writer came, and has no size to check
 * the op count against; a directory is no trace either. */
static void test_rejects_what_is_not_a_regular_file(void) {
  const char *fifo = temp_path("fifo.trace");
  PB_CHECK(mkfifo(fifo, 0600) == 0);
  expect_load_error(fifo, "not a regular file");
  const char *dir = getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp";
  expect_load_error(dir, "not a regular file");
}

static void test_parse_from_memory(void) {
  pb_trace t;
  build_sample(&t);
  const char *path = temp_path("memory.trace");
  save_or_die(&t, path);
  FILE *f = fopen(path, "rb");
  PB_CHECK(f != NULL);
  size_t len = PB_TRACE_HEADER_SIZE + 12 * t.count;
  unsigned char *bytes = malloc(len + 1);
  PB_CHECK(fread(bytes, 1, len + 1, f) == len);
  fclose(f);

  pb_trace u;
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_parse(&u, bytes, len, "memory", err) == 0, "%s", err);
  PB_CHECK_EQ(u.version, PB_TRACE_VERSION_ONE_THREAD);
  PB_CHECK(memcmp(u.ops, t.ops, t.count * sizeof(pb_op)) == 0);
  pb_trace_destroy(&u); /* leaves the caller's bytes alone */
  PB_CHECK(memcmp(bytes, PB_TRACE_MAGIC, sizeof PB_TRACE_MAGIC) == 0);

  PB_CHECK(pb_trace_parse(&u, bytes, len - 1, "memory", err) == -1);
  PB_CHECKF(strstr(err, "memory: truncated: op count says 8 ops") == err, "%s",
            err);
  PB_CHECK(pb_trace_parse(&u, bytes, 20, "memory", err) == -1);
  PB_CHECKF(strstr(err, "memory: file too short: 20 bytes") == err, "%s", err);
  PB_CHECK(u.ops == NULL);
  free(bytes);
  pb_trace_destroy(&t);
}

static void test_builder_records_domains(void) {
  pb_trace t;
  pb_trace_init(&t, "domains", 0, 1);
  uint32_t unknown = pb_trace_malloc(&t, 16, PB_TOUCH_NONE);
  pb_trace_set_domain(&t, PB_DOMAIN_OBJ);
  uint32_t object = pb_trace_malloc(&t, 32, PB_TOUCH_OBJECT);
  pb_trace_set_domain(&t, PB_DOMAIN_MEM);
  uint32_t items = pb_trace_calloc(&t, 64, PB_TOUCH_ARRAY);
  pb_trace_realloc(&t, object, 48, PB_TOUCH_OBJECT); /* stays obj */
  pb_trace_free(&t, object);
  pb_trace_free(&t, items);
  pb_trace_free(&t, unknown);
  static const uint8_t expected[] = {
      PB_DOMAIN_UNKNOWN, PB_DOMAIN_OBJ, PB_DOMAIN_MEM,    PB_DOMAIN_OBJ,
      PB_DOMAIN_OBJ,     PB_DOMAIN_MEM, PB_DOMAIN_UNKNOWN};
  PB_CHECK_EQ(t.count, sizeof expected);
  for (size_t i = 0; i < sizeof expected; i++)
    PB_CHECKF(t.ops[i].domain == expected[i], "op %zu: domain %u", i,
              t.ops[i].domain);
  PB_CHECK_EQ(t.ops[4].touch, PB_TOUCH_OBJECT); /* the free's, as before */

  const char *path = temp_path("domains.trace");
  save_or_die(&t, path);
  pb_trace u;
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_load(&u, path, err) == 0, "%s", err);
  PB_CHECK(memcmp(u.ops, t.ops, t.count * sizeof(pb_op)) == 0);
  pb_trace_destroy(&u);
  pb_trace_destroy(&t);
}

/* Hand-computed: live bytes after each op are
 *   100, 150, 250, 200, 230, 270, 240, 270, 70, 40, 30, 0
 * so the peak is 270, first reached after op 5, with 3 blocks live. */
static void test_profile_by_hand(void) {
  const pb_op ops[] = {
      {0, 100, PB_OP_MALLOC, 1, 0, 0},  /* 100 */
      {1, 50, PB_OP_CALLOC, 2, 0, 0},   /* 150 */
      {0, 200, PB_OP_REALLOC, 2, 0, 0}, /* 250 */
      {1, 0, PB_OP_FREE, 0, 0, 0},      /* 200 */
      {1, 30, PB_OP_MALLOC, 1, 0, 0},   /* 230 */
      {2, 40, PB_OP_MALLOC, 0, 0, 0},   /* 270: the peak */
      {2, 10, PB_OP_REALLOC, 0, 0, 0},  /* 240 */
      {3, 30, PB_OP_MALLOC, 1, 0, 0},   /* 270 again: not a new peak */
      {0, 0, PB_OP_FREE, 0, 0, 0},      /* 70 */
      {1, 0, PB_OP_FREE, 0, 0, 0},      /* 40 */
      {2, 0, PB_OP_FREE, 0, 0, 0},      /* 30 */
      {3, 0, PB_OP_FREE, 0, 0, 0},      /* 0 */
  };
  pb_trace t;
  pb_trace_init(&t, "hand", 0, 0);
  t.ops = (pb_op *)ops;
  t.count = sizeof ops / sizeof ops[0];
  t.slots = 4;
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_validate(&t, err) == 0, "%s", err);
  pb_trace_profile p;
  pb_trace_profile_compute(&t, &p);
  PB_CHECK_EQ(p.mallocs, 4);
  PB_CHECK_EQ(p.callocs, 1);
  PB_CHECK_EQ(p.reallocs, 2);
  PB_CHECK_EQ(p.frees, 5);
  PB_CHECK_EQ(p.peak_live_bytes, 270);
  PB_CHECK_EQ(p.peak_op, 5);
  PB_CHECK_EQ(p.peak_live_blocks, 3);
  PB_CHECK_EQ(p.total_requested_bytes, 100 + 50 + 200 + 30 + 40 + 10 + 30);
}

static void test_builder_reuses_slots_lifo(void) {
  pb_trace t;
  pb_trace_init(&t, "lifo", 0, 1);
  uint32_t a = pb_trace_malloc(&t, 16, PB_TOUCH_OBJECT);
  uint32_t b = pb_trace_malloc(&t, 16, PB_TOUCH_OBJECT);
  uint32_t c = pb_trace_malloc(&t, 16, PB_TOUCH_OBJECT);
  PB_CHECK(a == 0 && b == 1 && c == 2);
  pb_trace_free(&t, b);
  pb_trace_free(&t, a);
  PB_CHECK_EQ(pb_trace_malloc(&t, 16, PB_TOUCH_OBJECT), a); /* last freed */
  PB_CHECK_EQ(pb_trace_calloc(&t, 16, PB_TOUCH_OBJECT), b);
  PB_CHECK_EQ(pb_trace_malloc(&t, 16, PB_TOUCH_OBJECT), 3); /* a new one */
  PB_CHECK_EQ(t.slots, 4);
  PB_CHECK_EQ(t.count, 8);
  PB_CHECK_EQ(t.ops[4].kind, PB_OP_FREE);
  PB_CHECK_EQ(t.ops[4].slot, a);
  PB_CHECK_EQ(t.ops[4].size, 0);
  pb_trace_destroy(&t);
}

static void test_builder_grows(void) {
  /* Enough ops and slots to make every mapping grow several times. */
  pb_trace t;
  pb_trace_init(&t, "grow", 0, 1);
  for (uint32_t i = 0; i < 300000; i++)
    PB_CHECK_EQ(pb_trace_malloc(&t, i % 512, PB_TOUCH_NONE), i);
  for (uint32_t i = 0; i < 300000; i++) pb_trace_free(&t, i);
  PB_CHECK_EQ(t.count, 600000);
  PB_CHECK_EQ(t.ops[299999].size, 299999 % 512);
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_validate(&t, err) == 0, "%s", err);
  pb_trace_destroy(&t);
}

static void free_twice(void) {
  pb_trace t;
  pb_trace_init(&t, "buggy", 0, 1);
  uint32_t a = pb_trace_malloc(&t, 16, PB_TOUCH_OBJECT);
  pb_trace_free(&t, a);
  pb_trace_free(&t, a);
}

static void realloc_unknown_slot(void) {
  pb_trace t;
  pb_trace_init(&t, "buggy", 0, 1);
  pb_trace_realloc(&t, 7, 16, PB_TOUCH_ARRAY);
}

static void long_name(void) {
  pb_trace t;
  pb_trace_init(&t, "a-workload-name-of-more-than-31-bytes", 0, 1);
}

static void unknown_domain(void) {
  pb_trace t;
  pb_trace_init(&t, "buggy", 0, 1);
  pb_trace_set_domain(&t, (pb_domain)7);
}

/* ---- version 3: threads and hand-offs ---------------------------------- */

/* Two threads: a block made on 0 handed to 1 and freed there, one freed by
 * its maker, one handed back and forth. */
static void build_threaded(pb_trace *t) {
  pb_trace_init(t, "threaded", 5, 0.5);
  uint32_t a = pb_trace_malloc(t, 32, PB_TOUCH_OBJECT);
  uint32_t b = pb_trace_malloc(t, 48, PB_TOUCH_OBJECT);
  pb_trace_handoff(t, a, 1);
  pb_trace_set_thread(t, 1);
  uint32_t c = pb_trace_malloc(t, 64, PB_TOUCH_NONE);
  pb_trace_free(t, a); /* cross-thread */
  pb_trace_realloc(t, c, 80, PB_TOUCH_NONE);
  pb_trace_handoff(t, c, 0);
  pb_trace_set_thread(t, 0);
  pb_trace_free(t, b);
  pb_trace_free(t, c); /* cross-thread: thread 1 reallocated it last */
}

static void test_version_3_round_trip(void) {
  pb_trace t;
  build_threaded(&t);
  PB_CHECK_EQ(t.threads, 2);
  const char *path = temp_path("threads.trace");
  save_or_die(&t, path);
  pb_trace u;
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_load(&u, path, err) == 0, "%s", err);
  PB_CHECK_EQ(u.version, 3);
  PB_CHECK_EQ(u.threads, 2);
  PB_CHECK_EQ(u.count, t.count);
  PB_CHECK(memcmp(u.ops, t.ops, t.count * sizeof(pb_op)) == 0);
  PB_CHECK_EQ(u.ops[2].kind, PB_OP_HANDOFF);
  PB_CHECK_EQ(u.ops[2].size, 1);
  PB_CHECK_EQ(u.ops[3].thread, 1);
  pb_trace_profile p;
  pb_trace_profile_compute(&u, &p);
  PB_CHECK_EQ(p.handoffs, 2);
  PB_CHECK_EQ(p.frees, 3);
  PB_CHECK_EQ(p.cross_thread_frees, 2);
  pb_trace_destroy(&u);
  pb_trace_destroy(&t);

  /* One thread: still written as version 2. */
  build_sample(&t);
  save_or_die(&t, path);
  PB_CHECKF(pb_trace_load(&u, path, err) == 0, "%s", err);
  PB_CHECK_EQ(u.version, 2);
  PB_CHECK_EQ(u.threads, 1);
  pb_trace_profile_compute(&u, &p);
  PB_CHECK_EQ(p.cross_thread_frees, 0);
  pb_trace_destroy(&u);
  pb_trace_destroy(&t);
}

/* Like expect_rule_error, for a two-thread trace (version 3). */
static void expect_thread_error(const pb_op *ops, uint64_t count,
                                uint32_t slots, const char *expected) {
  pb_trace t;
  pb_trace_init(&t, "handmade", 0, 0);
  t.ops = (pb_op *)ops;
  t.count = count;
  t.slots = slots;
  t.threads = 2;
  const char *path = temp_path("threads_rules.trace");
  save_or_die(&t, path);
  expect_load_error(path, expected);
}

static void test_version_3_rejects_broken_thread_rules(void) {
  const pb_op past[] = {{0, 16, PB_OP_MALLOC, 0, 0, 2}};
  expect_thread_error(past, 1, 1, "op 0: thread 2, past the thread count 2");
  const pb_op not_owner[] = {{0, 16, PB_OP_MALLOC, 0, 0, 0},
                             {0, 0, PB_OP_FREE, 0, 0, 1}};
  expect_thread_error(not_owner, 2, 1,
                      "op 1: free of slot 0 on thread 1, which thread 0 owns");
  const pb_op reuse[] = {{0, 16, PB_OP_MALLOC, 0, 0, 0},
                         {0, 0, PB_OP_FREE, 0, 0, 0},
                         {0, 16, PB_OP_MALLOC, 0, 0, 1}};
  expect_thread_error(
      reuse, 3, 1, "op 2: malloc of slot 0 on thread 1, which thread 0 owns");
  const pb_op to_self[] = {{0, 16, PB_OP_MALLOC, 0, 0, 0},
                           {0, 0, PB_OP_HANDOFF, 0, 0, 0}};
  expect_thread_error(to_self, 2, 1,
                      "op 1: hand-off from thread 0 to thread 0");
  const pb_op to_past[] = {{0, 16, PB_OP_MALLOC, 0, 0, 0},
                           {0, 9, PB_OP_HANDOFF, 0, 0, 0}};
  expect_thread_error(to_past, 2, 1,
                      "op 1: hand-off from thread 0 to thread 9");
  const pb_op empty[] = {{0, 16, PB_OP_MALLOC, 0, 0, 0},
                         {0, 0, PB_OP_FREE, 0, 0, 0},
                         {0, 1, PB_OP_HANDOFF, 0, 0, 0}};
  expect_thread_error(empty, 3, 1, "op 2: hand-off of slot 0, which is empty");
  /* A hand-off is unknown before version 3. */
  const pb_op v2[] = {{0, 16, PB_OP_MALLOC, 0, 0, 0},
                      {0, 1, PB_OP_HANDOFF, 0, 0, 0}};
  expect_rule_error(v2, 2, 1, "op 1: unknown kind 4");
  /* The thread count is 1..64. */
  pb_trace t;
  build_threaded(&t);
  const char *path = temp_path("threads_count.trace");
  save_or_die(&t, path);
  patch_u32(path, 88, 0);
  expect_load_error(path, "thread count 0, must be 1 to 64");
  patch_u32(path, 88, 65);
  expect_load_error(path, "thread count 65, must be 1 to 64");
  pb_trace_destroy(&t);
}

static void free_on_another_thread(void) {
  pb_trace t;
  pb_trace_init(&t, "buggy", 0, 1);
  uint32_t a = pb_trace_malloc(&t, 16, PB_TOUCH_NONE);
  pb_trace_set_thread(&t, 1);
  pb_trace_free(&t, a);
}

/* A filled touch says how far a block was written: the replay writes at
 * least that, and at most a 127th of the block more; a trace with filled
 * touches on its allocations loads. */
static void test_filled_touches(void) {
  static const uint64_t sizes[] = {1, 8, 16, 127, 128, 1000, 123457, 1 << 24};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    uint64_t size = sizes[i];
    for (uint64_t w = 0; w <= size; w += size / 61 + 1) {
      uint8_t touch = pb_touch_filled(w, size);
      uint64_t bytes = pb_touch_filled_bytes(touch, size);
      PB_CHECKF(touch >= PB_TOUCH_FILLED && bytes >= w && bytes <= size &&
                    bytes <= w + size / PB_TOUCH_FILLED_STEPS + 1,
                "%llu of %llu bytes written: touch %u writes %llu",
                (unsigned long long)w, (unsigned long long)size, touch,
                (unsigned long long)bytes);
    }
    PB_CHECK_EQ(pb_touch_filled_bytes(pb_touch_filled(size, size), size), size);
    PB_CHECK_EQ(pb_touch_filled_bytes(pb_touch_filled(0, size), size), 0);
  }
  pb_trace t;
  pb_trace_init(&t, "filled", 0, 0);
  uint32_t a = pb_trace_malloc(&t, 4096, PB_TOUCH_OBJECT);
  pb_trace_set_filled(&t, 0, pb_touch_filled(100, 4096));
  pb_trace_realloc(&t, a, 8192, PB_TOUCH_OBJECT);
  pb_trace_set_filled(&t, 1, pb_touch_filled(8192, 8192));
  pb_trace_free(&t, a);
  PB_CHECK_EQ(t.ops[2].touch, PB_TOUCH_OBJECT); /* the free's kind */
  const char *path = temp_path("filled.trace");
  save_or_die(&t, path);
  pb_trace loaded;
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_load(&loaded, path, err) == 0, "%s", err);
  PB_CHECK_EQ(loaded.ops[1].touch, PB_TOUCH_FILLED + PB_TOUCH_FILLED_STEPS);
  pb_trace_destroy(&loaded);
  pb_trace_destroy(&t);
}

static void test_builder_aborts_on_generator_bugs(void) {
  pb_expect_death(free_on_another_thread,
                  "free of slot 0 on thread 1, which thread 0 owns");
  pb_expect_death(unknown_domain, "workload \"buggy\"): unknown domain 7");
  pb_expect_death(free_twice,
                  "workload \"buggy\"): free of slot 0, which is empty");
  pb_expect_death(realloc_unknown_slot,
                  "realloc of slot 7, which was never handed out");
  pb_expect_death(long_name, "workload name longer than 31 bytes");
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(test_round_trip),
      PB_TEST(test_empty_trace_round_trip),
      PB_TEST(test_checksum_is_fnv1a),
      PB_TEST(test_save_is_atomic_and_leaves_no_temp),
      PB_TEST(test_load_missing_file),
      PB_TEST(test_rejects_short_and_truncated),
      PB_TEST(test_rejects_bad_header),
      PB_TEST(test_rejects_checksum_mismatch),
      PB_TEST(test_rejects_slot_rule_violations),
      PB_TEST(test_version_1_reserved_field),
      PB_TEST(test_rejects_slot_counts_the_ops_do_not_use),
      PB_TEST(test_rejects_bad_domains),
      PB_TEST(test_header_is_under_the_checksum),
      PB_TEST(test_version_1_files_still_load),
      PB_TEST(test_rejects_bad_names),
      PB_TEST(test_rejects_what_is_not_a_regular_file),
      PB_TEST(test_parse_from_memory),
      PB_TEST(test_builder_records_domains),
      PB_TEST(test_profile_by_hand),
      PB_TEST(test_builder_reuses_slots_lifo),
      PB_TEST(test_builder_grows),
      PB_TEST(test_builder_aborts_on_generator_bugs),
      PB_TEST(test_filled_touches),
      PB_TEST(test_version_3_round_trip),
      PB_TEST(test_version_3_rejects_broken_thread_rules),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
