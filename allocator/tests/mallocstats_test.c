/* The _debugmallocstats figures (allocator/mallocstats.h): reading a
 * report back, refusing what is not one, and the pb_stats names. The
 * report below is CPython 3.11's for 1,000 live 24-byte blocks. */
#include "allocator/mallocstats.h"

#include <stdlib.h>
#include <string.h>

#include "testing/check.h"

static const char report_3_11[] =
    "Small block threshold = 512, in 32 size classes.\n"
    "\n"
    "class   size   num pools   blocks in use  avail blocks\n"
    "-----   ----   ---------   -------------  ------------\n"
    "    1     32           2            1000            20\n"
    "\n"
    "# arenas allocated total           =                    1\n"
    "# arenas reclaimed                 =                    0\n"
    "# arenas highwater mark            =                    1\n"
    "# arenas allocated current         =                    1\n"
    "1 arenas * 1048576 bytes/arena     =            1,048,576\n"
    "\n"
    "# bytes in allocated blocks        =               32,000\n"
    "# bytes in available blocks        =                  640\n"
    "61 unused pools * 16384 bytes      =              999,424\n"
    "# bytes lost to pool headers       =                   96\n"
    "# bytes lost to quantization       =                   32\n"
    "# bytes lost to arena alignment    =               16,384\n"
    "Total                              =            1,048,576\n"
    "\n"
    "arena map counts\n"
    "# arena map mid nodes              =                    1\n"
    "# arena map bot nodes              =                    1\n"
    "\n"
    "# bytes lost to arena map root     =              262,144\n"
    "# bytes lost to arena map mid      =              262,144\n"
    "# bytes lost to arena map bot      =              131,072\n"
    "Total                              =              655,360\n";

static pb_mallocstats parse_ok(const char *text) {
  pb_mallocstats m;
  char err[256];
  PB_CHECKF(pb_mallocstats_parse(text, &m, err, sizeof err) == 0, "%s", err);
  return m;
}

static void reads_every_figure(void) {
  pb_mallocstats m = parse_ok(report_3_11);
  PB_CHECK_EQ(m.threshold, 512);
  PB_CHECK_EQ(m.nclasses, 32);
  PB_CHECK_EQ(m.arena_size, 1048576);
  PB_CHECK_EQ(m.pool_size, 16384);
  PB_CHECK_EQ(m.arenas_allocated_total, 1);
  PB_CHECK_EQ(m.arenas_reclaimed, 0);
  PB_CHECK_EQ(m.arenas_highwater, 1);
  PB_CHECK_EQ(m.arenas_current, 1);
  PB_CHECK_EQ(m.mapped_bytes, 1048576);
  PB_CHECK_EQ(m.pools_in_use, 2);
  PB_CHECK_EQ(m.blocks_in_use, 1000);
  PB_CHECK_EQ(m.available_blocks, 20);
  PB_CHECK_EQ(m.allocated_bytes, 32000);
  PB_CHECK_EQ(m.available_bytes, 640);
  PB_CHECK_EQ(m.free_pools, 61);
  PB_CHECK_EQ(m.unused_pool_bytes, 999424);
  PB_CHECK_EQ(m.pool_header_bytes, 96);
  PB_CHECK_EQ(m.quantization_bytes, 32);
  PB_CHECK_EQ(m.arena_alignment_bytes, 16384);
  PB_CHECK_EQ(m.total_bytes, 1048576);
  PB_CHECK(m.has_arena_map);
  PB_CHECK_EQ(m.map_mid_nodes, 1);
  PB_CHECK_EQ(m.map_bot_nodes, 1);
  PB_CHECK_EQ(m.map_root_bytes, 262144);
  PB_CHECK_EQ(m.map_mid_bytes, 262144);
  PB_CHECK_EQ(m.map_bot_bytes, 131072);
  PB_CHECK_EQ(m.map_total_bytes, 655360);
  PB_CHECK(!m.counts_raw_blocks); /* counted, never in a report */
}

/* The report of a pymalloc without a radix tree (3.8) ends at the first
 * Total. */
static void reads_a_report_without_arena_map(void) {
  const char *end = strstr(report_3_11, "\narena map counts");
  PB_CHECK(end != NULL);
  char *text = strndup(report_3_11, (size_t)(end - report_3_11) + 1);
  pb_mallocstats m = parse_ok(text);
  PB_CHECK(!m.has_arena_map);
  PB_CHECK_EQ(m.total_bytes, 1048576);
  PB_CHECK_EQ(m.map_mid_nodes, 0);
  free(text);
}

/* The report with the first occurrence of from replaced by to. */
static char *edited(const char *from, const char *to) {
  const char *at = strstr(report_3_11, from);
  PB_CHECKF(at != NULL, "'%s' not in the report", from);
  size_t before = (size_t)(at - report_3_11);
  size_t size = sizeof report_3_11 - strlen(from) + strlen(to);
  char *text = malloc(size);
  PB_CHECK(text != NULL);
  snprintf(text, size, "%.*s%s%s", (int)before, report_3_11, to,
           at + strlen(from));
  return text;
}

static void expect_refused(const char *from, const char *to,
                           const char *named) {
  char *text = edited(from, to);
  pb_mallocstats m;
  char err[256] = "";
  PB_CHECKF(pb_mallocstats_parse(text, &m, err, sizeof err) != 0,
            "accepted with '%s' as '%s'", from, to);
  PB_CHECKF(strstr(err, named) != NULL, "'%s' not in: %s", named, err);
  PB_CHECK(strchr(err, '\n') == NULL);
  free(text);
}

static void refuses_what_is_not_a_report(void) {
  expect_refused("Small block threshold = 512", "Small block threshold is 512",
                 "first line");
  expect_refused("# arenas reclaimed                 =                    0\n",
                 "", "no '# arenas reclaimed' line");
  expect_refused("61 unused pools * 16384 bytes      =              999,424\n",
                 "", "no 'N unused pools * SIZE bytes' line");
  expect_refused("# arenas reclaimed ", "# arenas highwater mark ",
                 "appears twice");
  expect_refused("=               32,000", "=               32,00",
                 "not a grouped number");
  expect_refused("=               32,000", "=                32000",
                 "not a grouped number");
  expect_refused("=               32,000", "=           32,000,1234",
                 "not a grouped number");
  expect_refused("=               32,000", "=", "not a grouped number");
  expect_refused("# bytes lost to quantization ", "# bytes lost to rounding ",
                 "unknown figure");
  expect_refused("    1     32           2            1000            20",
                 "    1     32           2            1000", "unknown line");
  expect_refused("# arena map bot nodes              =                    1\n",
                 "", "in the arena map section");
  /* A map figure outside the map section. */
  expect_refused("# bytes lost to arena alignment ", "# arena map mid nodes ",
                 "unknown figure");
  pb_mallocstats m;
  char err[256];
  PB_CHECK(pb_mallocstats_parse("", &m, err, sizeof err) != 0);
  PB_CHECKF(strstr(err, "empty") != NULL, "%s", err);
}

static uint64_t stat_of(const pb_stats *stats, const char *name) {
  uint64_t value = 0;
  PB_CHECKF(pb_stats_find(stats, name, &value), "no %s", name);
  return value;
}

static void names_the_figures(void) {
  pb_mallocstats m = parse_ok(report_3_11);
  uint64_t value;
  pb_stats stats = {0};
  /* Raw blocks not counted (as read from a report): no allocated_bytes. */
  pb_mallocstats_add(&stats, &m);
  PB_CHECK(!pb_stats_find(&stats, "allocated_bytes", &value));
  PB_CHECK(!pb_stats_find(&stats, "raw_allocated_bytes", &value));
  PB_CHECK_EQ(stat_of(&stats, "pool_allocated_bytes"), 32000);

  m.counts_raw_blocks = 1;
  m.raw_allocated_bytes = 70000;
  m.arena_mmap_calls = 3;
  m.arena_munmap_calls = 2;
  stats.count = 0;
  pb_mallocstats_add(&stats, &m);
  /* The standard figures of allocator.h first. */
  PB_CHECK(strcmp(stats.items[0].name, "allocated_bytes") == 0);
  PB_CHECK_EQ(stat_of(&stats, "allocated_bytes"), 32000 + 70000);
  PB_CHECK_EQ(stat_of(&stats, "mapped_bytes"), 1048576);
  PB_CHECK_EQ(stat_of(&stats, "retained_bytes"), 640 + 999424);
  PB_CHECK_EQ(stat_of(&stats, "system_calls"), 5);
  PB_CHECK_EQ(stat_of(&stats, "pool_allocated_bytes"), 32000);
  PB_CHECK_EQ(stat_of(&stats, "raw_allocated_bytes"), 70000);
  PB_CHECK_EQ(stat_of(&stats, "arenas_current"), 1);
  PB_CHECK_EQ(stat_of(&stats, "blocks_in_use"), 1000);
  PB_CHECK_EQ(stat_of(&stats, "arena_map_bytes"), 655360);
  PB_CHECK(stats.count < PB_STATS_MAX);

  /* No map section, no map figures. */
  m.has_arena_map = 0;
  stats.count = 0;
  pb_mallocstats_add(&stats, &m);
  PB_CHECK(!pb_stats_find(&stats, "arena_map_bytes", &value));
  PB_CHECK(!pb_stats_find(&stats, "arena_map_mid_nodes", &value));
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(reads_every_figure),
      PB_TEST(reads_a_report_without_arena_map),
      PB_TEST(refuses_what_is_not_a_report),
      PB_TEST(names_the_figures),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
