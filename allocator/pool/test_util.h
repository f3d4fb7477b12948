/* Helpers shared by the pool's tests (testonly). */
#ifndef POOLBENCH_ALLOCATOR_POOL_TEST_UTIL_H
#define POOLBENCH_ALLOCATOR_POOL_TEST_UTIL_H

#include <string.h>

#include "allocator/allocator.h"
#include "allocator/pool/check.h"
#include "allocator/pool/layout.h"
#include "allocator/pool/pool.h"
#include "allocator/pool/stats.h"
#include "testing/check.h"

/* Parses "name=value name=value ..." into a layout; dies on errors. */
static inline pool_layout test_layout(const char *spec) {
  enum { MAX = 8 };
  static char buf[256];
  pb_param params[MAX];
  size_t n = 0;
  snprintf(buf, sizeof buf, "%s", spec);
  for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok != NULL;
       tok = strtok_r(NULL, " ", &save)) {
    char *eq = strchr(tok, '=');
    PB_CHECKF(eq != NULL && n < MAX, "bad spec %s", spec);
    *eq = '\0';
    params[n].name = tok;
    params[n].value = eq + 1;
    n++;
  }
  pool_layout layout;
  char err[PB_ERROR_MAX];
  PB_CHECKF(pool_layout_parse(params, n, &layout, err) == 0, "%s: %s", spec,
            err);
  return layout;
}

/* A pool in a fresh state with that layout: everything unmapped first, so
 * that arena counts start from zero. No pool block may be live. */
static inline void fresh_pool(const char *spec) {
  pool_layout layout = test_layout(spec);
  char err[PB_ERROR_MAX];
  pool_teardown();
  PB_CHECKF(pool_init(&layout, err) == 0, "%s: %s", spec, err);
}

/* A figure of pool_stats_fill, which must be present. */
static inline uint64_t stat_of(const char *name) {
  pb_stats stats;
  pool_stats_fill(&stats);
  uint64_t value = 0;
  PB_CHECKF(pb_stats_find(&stats, name, &value), "no statistic %s", name);
  return value;
}

/* pb_stats_print's report, as a malloc'd string. */
static inline char *report_text(void) {
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  PB_CHECK(out != NULL);
  pb_stats_print(out);
  PB_CHECK(fclose(out) == 0);
  return text;
}

static inline void expect_invariants(void) {
  char err[512];
  PB_CHECKF(pool_check(err, sizeof err) == 0, "%s", err);
}

/* The _debugmallocstats accounting: the six kinds of bytes add up to the
 * arenas. */
static inline void expect_accounting(void) {
  pb_mallocstats u;
  pool_usage_get(&u, NULL);
  PB_CHECK_EQ(u.total_bytes, u.arenas_current * pool_g.layout.arena_size);
  PB_CHECK_EQ(u.mapped_bytes, u.arenas_current * pool_g.layout.arena_size);
}

#endif /* POOLBENCH_ALLOCATOR_POOL_TEST_UTIL_H */
