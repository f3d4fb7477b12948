/* Layout parameters: parsing, validation, descriptions and re-init. */
#include <string.h>

#include "allocator/allocator.h"
#include "allocator/pool/layout.h"
#include "allocator/pool/pool.h"
#include "allocator/pool/test_util.h"
#include "testing/check.h"

static int parse(const char *name, const char *value, pool_layout *out,
                 char *err) {
  pb_param p = {name, value};
  return pool_layout_parse(&p, 1, out, err);
}

/* A rejected parameter: -1, one line, naming the parameter. */
static void expect_rejected(const char *name, const char *value,
                            const char *expected) {
  pool_layout layout = {1, 2, 3, POOL_ALGORITHM_3_10};
  char err[PB_ERROR_MAX] = "";
  PB_CHECKF(parse(name, value, &layout, err) == -1, "%s=%s accepted", name,
            value);
  PB_CHECKF(strchr(err, '\n') == NULL && err[0] != '\0', "message: %s", err);
  PB_CHECKF(strstr(err, name) != NULL, "message for %s: %s", name, err);
  PB_CHECKF(strstr(err, expected) != NULL, "expected '%s' in: %s", expected,
            err);
  PB_CHECK(layout.arena_size == 1 && layout.pool_size == 2); /* untouched */
}

static void defaults_are_3_11(void) {
  pool_layout l;
  char err[PB_ERROR_MAX], desc[96];
  PB_CHECK(pool_layout_parse(NULL, 0, &l, err) == 0);
  PB_CHECK_EQ(l.arena_size, 1 << 20);
  PB_CHECK_EQ(l.pool_size, 16 << 10);
  PB_CHECK_EQ(l.threshold, 512);
  PB_CHECK(l.algorithm == POOL_ALGORITHM_3_11);
  pool_layout_describe(&l, desc, sizeof desc);
  PB_CHECKF(strcmp(desc, "3.11") == 0, "%s", desc);
}

static void named_layouts(void) {
  pool_layout l;
  char err[PB_ERROR_MAX], desc[96];
  PB_CHECK(parse("layout", "3.8", &l, err) == 0);
  PB_CHECK_EQ(l.arena_size, 256 << 10);
  PB_CHECK_EQ(l.pool_size, 4 << 10);
  PB_CHECK_EQ(l.threshold, 512);
  PB_CHECK(l.algorithm == POOL_ALGORITHM_3_8);
  pool_layout_describe(&l, desc, sizeof desc);
  PB_CHECKF(strcmp(desc, "3.8") == 0, "%s", desc);
  PB_CHECK(parse("layout", "3.10", &l, err) == 0);
  PB_CHECK(l.algorithm == POOL_ALGORITHM_3_10);
  PB_CHECK_EQ(l.arena_size, 1 << 20);
  PB_CHECK_EQ(l.pool_size, 16 << 10);
  pool_layout_describe(&l, desc, sizeof desc);
  PB_CHECKF(strcmp(desc, "3.10") == 0, "%s", desc);
  PB_CHECK(parse("layout", "3.11", &l, err) == 0);
  PB_CHECK(l.algorithm == POOL_ALGORITHM_3_11);
  PB_CHECK(pool_layout_equal(&l, &pool_layout_3_11));
  pool_layout_describe(&l, desc, sizeof desc);
  PB_CHECKF(strcmp(desc, "3.11") == 0, "%s", desc);
}

/* The radix tree of each layout (pool_types.h): 3.11 cuts 64 address bits
 * 15 / 15 / 14 / 20 and 3.10 48 bits 10 / 10 / 8 / 20 (obmalloc.c); other
 * arena sizes move the split as obmalloc.c's formula does. */
static void radix_tree_geometries(void) {
  static const struct {
    const char *spec;
    unsigned address, interior, bot, arena;
  } cases[] = {
      {"layout=3.11", 64, 15, 14, 20},
      {"layout=3.10", 48, 10, 8, 20},
      {"layout=3.8", 48, 10, 10, 18}, /* computed, never used */
      {"arena_size=4MiB pool_size=64KiB", 64, 14, 14, 22},
      {"layout=3.10 arena_size=4MiB pool_size=64KiB", 48, 9, 8, 22},
      {"arena_size=8KiB pool_size=4KiB threshold=1024", 64, 17, 17, 13},
      {"arena_size=256MiB", 64, 12, 12, 28},
      {"layout=3.10 arena_size=256MiB", 48, 7, 6, 28},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    pool_layout l = test_layout(cases[i].spec);
    pool_map_geometry g;
    pool_map_geometry_of(&l, &g);
    PB_CHECKF(g.address_bits == cases[i].address &&
                  g.root_bits == cases[i].interior &&
                  g.mid_bits == cases[i].interior &&
                  g.bot_bits == cases[i].bot && g.arena_bits == cases[i].arena,
              "%s: %u bits as %u / %u / %u / %u", cases[i].spec, g.address_bits,
              g.root_bits, g.mid_bits, g.bot_bits, g.arena_bits);
    PB_CHECK_EQ(g.root_bits + g.mid_bits + g.bot_bits + g.arena_bits,
                g.address_bits);
    PB_CHECK(pool_map_root_len(&g) <= POOL_MAP_ROOT_MAX_LEN);
  }
}

static void custom_layouts_and_descriptions(void) {
  char desc[96];
  pool_layout l = test_layout("pool_size=64KiB");
  pool_layout_describe(&l, desc, sizeof desc);
  PB_CHECKF(strcmp(desc, "arena=1MiB pool=64KiB threshold=512") == 0, "%s",
            desc);
  /* The named layout is the base whatever the order, and sizes keep its
   * algorithm. */
  l = test_layout("arena_size=1M layout=3.8");
  PB_CHECK_EQ(l.arena_size, 1 << 20);
  PB_CHECK_EQ(l.pool_size, 4 << 10);
  PB_CHECK(l.algorithm == POOL_ALGORITHM_3_8);
  pool_layout_describe(&l, desc, sizeof desc);
  PB_CHECKF(strcmp(desc, "3.8 arena=1MiB pool=4KiB threshold=512") == 0, "%s",
            desc);
  /* 3.8's sizes with 3.11's algorithm are not layout=3.8. */
  l = test_layout("arena_size=256KiB pool_size=4KiB");
  PB_CHECK(l.algorithm == POOL_ALGORITHM_3_11);
  pool_layout_describe(&l, desc, sizeof desc);
  PB_CHECKF(strcmp(desc, "arena=256KiB pool=4KiB threshold=512") == 0, "%s",
            desc);
  /* Sizes keep 3.10's algorithm too, and say so. */
  l = test_layout("pool_size=64KiB layout=3.10");
  PB_CHECK(l.algorithm == POOL_ALGORITHM_3_10);
  pool_layout_describe(&l, desc, sizeof desc);
  PB_CHECKF(strcmp(desc, "3.10 arena=1MiB pool=64KiB threshold=512") == 0, "%s",
            desc);
  l = test_layout("layout=3.11 arena_size=1M pool_size=16384");
  pool_layout_describe(&l, desc, sizeof desc);
  PB_CHECKF(strcmp(desc, "3.11") == 0, "%s", desc);
  /* Overrides equal to a named layout describe as that layout. */
  l = test_layout("layout=3.10 arena_size=1M pool_size=16384");
  pool_layout_describe(&l, desc, sizeof desc);
  PB_CHECKF(strcmp(desc, "3.10") == 0, "%s", desc);
  l = test_layout("layout=3.8 arena_size=256K threshold=512");
  pool_layout_describe(&l, desc, sizeof desc);
  PB_CHECKF(strcmp(desc, "3.8") == 0, "%s", desc);
  l = test_layout("arena_size=2MiB pool_size=64k threshold=1024");
  pool_layout_describe(&l, desc, sizeof desc);
  PB_CHECKF(strcmp(desc, "arena=2MiB pool=64KiB threshold=1024") == 0, "%s",
            desc);
  /* The largest threshold: the whole pool capacity. */
  l = test_layout("threshold=16336");
  PB_CHECK_EQ(l.threshold, 16336);
}

static void sizes_parse(void) {
  static const struct {
    const char *text;
    size_t value;
  } ok[] = {{"0", 0},          {"4096", 4096},    {"64K", 65536},
            {"64KiB", 65536},  {"64k", 65536},    {"1M", 1 << 20},
            {"1MiB", 1 << 20}, {"2mib", 2 << 20}, {"1G", (size_t)1 << 30}};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    size_t v = 1;
    PB_CHECKF(pool_parse_bytes(ok[i].text, &v) == 0, "%s", ok[i].text);
    PB_CHECKF(v == ok[i].value, "%s -> %zu", ok[i].text, v);
  }
  static const char *const bad[] = {"",
                                    "K",
                                    "-1",
                                    "+4",
                                    " 4",
                                    "4 ",
                                    "1.5M",
                                    "0x10",
                                    "12X",
                                    "4KB",
                                    "99999999999999999999",
                                    "99999999999999G"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    size_t v;
    PB_CHECKF(pool_parse_bytes(bad[i], &v) == -1, "'%s' accepted", bad[i]);
  }
  char buf[32];
  pool_format_bytes(1 << 20, buf, sizeof buf);
  PB_CHECK(strcmp(buf, "1MiB") == 0);
  pool_format_bytes(65536, buf, sizeof buf);
  PB_CHECK(strcmp(buf, "64KiB") == 0);
  pool_format_bytes(3000, buf, sizeof buf);
  PB_CHECK(strcmp(buf, "3000") == 0);
}

static void bad_parameters_are_one_line_errors(void) {
  expect_rejected("pool_size", "3000", "not a power of two");
  expect_rejected("pool_size", "2K", "below the minimum");
  expect_rejected("pool_size", "1M", "two pools"); /* arena 1 MiB */
  expect_rejected("arena_size", "3M", "not a power of two");
  expect_rejected("arena_size", "512M", "above the maximum");
  expect_rejected("arena_size", "16K", "two pools");
  expect_rejected("threshold", "520", "multiple of 16");
  expect_rejected("threshold", "0", "multiple of 16");
  expect_rejected("threshold", "16352", "16336");
  expect_rejected("threshold", "1M", "capacity");
  expect_rejected("arena_size", "lots", "not a size");
  expect_rejected("layout", "3.9", "3.11, 3.10 or 3.8");
  expect_rejected("no_such_parameter", "1", "unknown parameter");
  expect_rejected("Layout", "3.8", "unknown parameter");

  pb_param twice[2] = {{"threshold", "256"}, {"threshold", "128"}};
  pool_layout l;
  char err[PB_ERROR_MAX];
  PB_CHECK(pool_layout_parse(twice, 2, &l, err) == -1);
  PB_CHECKF(strstr(err, "twice") != NULL, "%s", err);
  pb_param layouts[2] = {{"layout", "3.8"}, {"layout", "3.10"}};
  PB_CHECK(pool_layout_parse(layouts, 2, &l, err) == -1);
  PB_CHECKF(strstr(err, "twice") != NULL, "%s", err);
  /* 3.8 reads pool headers: its pools are one page. */
  pb_param big_38[2] = {{"layout", "3.8"}, {"pool_size", "16KiB"}};
  PB_CHECK(pool_layout_parse(big_38, 2, &l, err) == -1);
  PB_CHECKF(strstr(err, "pool_size=16KiB") != NULL &&
                strstr(err, "one page") != NULL && strchr(err, '\n') == NULL,
            "%s", err);
  pb_param novalue = {"threshold", NULL};
  PB_CHECK(pool_layout_parse(&novalue, 1, &l, err) == -1);
  PB_CHECKF(strstr(err, "threshold") != NULL, "%s", err);
}

static void backend_init_and_config(void) {
  char err[PB_ERROR_MAX];
  PB_CHECKF(strcmp(pb_parameters(),
                   "layout,arena_size,pool_size,threshold,threads") == 0,
            "%s", pb_parameters());
  /* threads=: refused unless gil; without it the pool refuses threads. */
  pb_calls calls = {0};
  PB_CHECKF(pb_init(NULL, 0, err) == 0, "%s", err);
  PB_CHECK(pb_threads(2, &calls, err) == -1);
  PB_CHECKF(strstr(err, "give threads=gil or threads=per-thread") != NULL, "%s",
            err);
  pb_param gil[2] = {{"threads", "gil"}, {"layout", "3.10"}};
  PB_CHECKF(pb_init(gil, 2, err) == 0, "%s", err);
  PB_CHECKF(strcmp(pb_config(), "3.10 threads=gil") == 0, "%s", pb_config());
  PB_CHECK_EQ(pb_threads(2, &calls, err), PB_THREADS_SERIALIZE);
  pb_param bogus = {"threads", "many"};
  PB_CHECK(pb_init(&bogus, 1, err) == -1);
  PB_CHECKF(strstr(err, "threads=many") != NULL, "%s", err);
  PB_CHECK_EQ(pb_threads(2, &calls, err), PB_THREADS_SERIALIZE); /* unchanged */
  pb_param p38 = {"layout", "3.8"};
  PB_CHECKF(pb_init(&p38, 1, err) == 0, "%s", err);
  PB_CHECKF(strcmp(pb_config(), "3.8") == 0, "%s", pb_config());
  /* A failed init changes nothing. */
  pb_param bad = {"pool_size", "5K"};
  PB_CHECK(pb_init(&bad, 1, err) == -1);
  PB_CHECKF(strcmp(pb_config(), "3.8") == 0, "%s", pb_config());
  PB_CHECK_EQ(pool_g.layout.pool_size, 4096);
  pb_param big = {"pool_size", "64KiB"};
  PB_CHECKF(pb_init(&big, 1, err) == 0, "%s", err);
  PB_CHECKF(strcmp(pb_config(), "arena=1MiB pool=64KiB threshold=512") == 0,
            "%s", pb_config());
  PB_CHECK_EQ(pool_class_capacity(pool_g.layout.pool_size, 0),
              (65536 - 48) / 16);
}

static void reinit_waits_for_live_blocks(void) {
  char err[PB_ERROR_MAX];
  PB_CHECKF(pb_init(NULL, 0, err) == 0, "%s", err);
  void *p = pb_malloc(100);
  PB_CHECK(pool_owns(p));
  /* The same layout again is a no-op, blocks or not. */
  PB_CHECKF(pb_init(NULL, 0, err) == 0, "%s", err);
  pb_param p38 = {"layout", "3.8"};
  PB_CHECK(pb_init(&p38, 1, err) == -1);
  PB_CHECKF(strstr(err, "in use") != NULL && strchr(err, '\n') == NULL, "%s",
            err);
  PB_CHECKF(strcmp(pb_config(), "3.11") == 0, "%s", pb_config());
  /* A large block from the system allocator does not hold the layout. */
  void *big = pb_malloc(100000);
  pb_free(p);
  PB_CHECKF(pb_init(&p38, 1, err) == 0, "%s", err);
  PB_CHECKF(strcmp(pb_config(), "3.8") == 0, "%s", pb_config());
  PB_CHECK(!pool_owns(big));
  pb_free(big);
  expect_invariants();
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(defaults_are_3_11),
      PB_TEST(named_layouts),
      PB_TEST(radix_tree_geometries),
      PB_TEST(custom_layouts_and_descriptions),
      PB_TEST(sizes_parse),
      PB_TEST(bad_parameters_are_one_line_errors),
      PB_TEST(backend_init_and_config),
      PB_TEST(reinit_waits_for_live_blocks),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
