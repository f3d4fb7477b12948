/* Layouts: parsing and validating pb_init's parameters (layout.h). */
#include "allocator/pool/layout.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* CPython 3.10 to 3.13, 64-bit: ARENA_BITS 20, POOL_BITS 14
 * (Objects/obmalloc.c, USE_LARGE_ARENAS/USE_LARGE_POOLS). 3.11 and 3.10
 * differ in the radix tree only (pool_types.h). */
const pool_layout pool_layout_3_11 = {(size_t)1 << 20, (size_t)16 << 10, 512,
                                      POOL_ALGORITHM_3_11};
const pool_layout pool_layout_3_10 = {(size_t)1 << 20, (size_t)16 << 10, 512,
                                      POOL_ALGORITHM_3_10};

/* CPython 3.8: ARENA_SIZE 256 KiB, POOL_SIZE = SYSTEM_PAGE_SIZE, and its
 * algorithm (3.9 has these sizes and 3.10's algorithm). */
const pool_layout pool_layout_3_8 = {(size_t)256 << 10, (size_t)4 << 10, 512,
                                     POOL_ALGORITHM_3_8};

int pool_parse_bytes(const char *text, size_t *out) {
  if (text == NULL || *text < '0' || *text > '9') return -1;
  size_t value = 0;
  const char *s = text;
  for (; *s >= '0' && *s <= '9'; s++) {
    if (__builtin_mul_overflow(value, 10, &value) ||
        __builtin_add_overflow(value, (size_t)(*s - '0'), &value))
      return -1;
  }
  static const struct {
    const char *suffix;
    unsigned shift;
  } units[] = {{"", 0},     {"K", 10}, {"KiB", 10}, {"M", 20},
               {"MiB", 20}, {"G", 30}, {"GiB", 30}};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    if (strcasecmp(s, units[i].suffix) != 0) continue;
    if (units[i].shift && value > (SIZE_MAX >> units[i].shift)) return -1;
    *out = value << units[i].shift;
    return 0;
  }
  return -1;
}

void pool_format_bytes(size_t n, char *buf, size_t len) {
  if (n != 0 && n % ((size_t)1 << 30) == 0)
    snprintf(buf, len, "%zuGiB", n >> 30);
  else if (n != 0 && n % ((size_t)1 << 20) == 0)
    snprintf(buf, len, "%zuMiB", n >> 20);
  else if (n != 0 && n % ((size_t)1 << 10) == 0)
    snprintf(buf, len, "%zuKiB", n >> 10);
  else
    snprintf(buf, len, "%zu", n);
}

int pool_layout_equal(const pool_layout *a, const pool_layout *b) {
  return a->arena_size == b->arena_size && a->pool_size == b->pool_size &&
         a->threshold == b->threshold && a->algorithm == b->algorithm;
}

void pool_layout_describe(const pool_layout *layout, char *buf, size_t len) {
  if (pool_layout_equal(layout, &pool_layout_3_11)) {
    snprintf(buf, len, "3.11");
  } else if (pool_layout_equal(layout, &pool_layout_3_10)) {
    snprintf(buf, len, "3.10");
  } else if (pool_layout_equal(layout, &pool_layout_3_8)) {
    snprintf(buf, len, "3.8");
  } else {
    /* Other sizes: the algorithm named unless it is the default's. */
    static const char *const prefix[] = {
        [POOL_ALGORITHM_3_11] = "",
        [POOL_ALGORITHM_3_10] = "3.10 ",
        [POOL_ALGORITHM_3_8] = "3.8 ",
    };
    char arena[32], pool[32];
    pool_format_bytes(layout->arena_size, arena, sizeof arena);
    pool_format_bytes(layout->pool_size, pool, sizeof pool);
    snprintf(buf, len, "%sarena=%s pool=%s threshold=%zu",
             prefix[layout->algorithm], arena, pool, layout->threshold);
  }
}

static int is_power_of_two(size_t n) { return n != 0 && (n & (n - 1)) == 0; }

static int validate(const pool_layout *l, char err[PB_ERROR_MAX]) {
  char arena[32], pool[32], limit[32];
  pool_format_bytes(l->arena_size, arena, sizeof arena);
  pool_format_bytes(l->pool_size, pool, sizeof pool);
  if (!is_power_of_two(l->pool_size)) {
    snprintf(err, PB_ERROR_MAX, "pool_size=%s is not a power of two", pool);
    return -1;
  }
  if (l->pool_size < POOL_MIN_POOL_SIZE) {
    snprintf(err, PB_ERROR_MAX, "pool_size=%s is below the minimum 4KiB", pool);
    return -1;
  }
  if (!is_power_of_two(l->arena_size)) {
    snprintf(err, PB_ERROR_MAX, "arena_size=%s is not a power of two", arena);
    return -1;
  }
  if (l->arena_size > POOL_MAX_ARENA_SIZE) {
    pool_format_bytes(POOL_MAX_ARENA_SIZE, limit, sizeof limit);
    snprintf(err, PB_ERROR_MAX, "arena_size=%s is above the maximum %s", arena,
             limit);
    return -1;
  }
  /* Both are powers of two, so the pool divides the arena when it is not
   * larger. Two pools at least: an arena that is not pool-aligned loses one
   * to alignment and must still have one. */
  if (l->arena_size < 2 * l->pool_size) {
    snprintf(err, PB_ERROR_MAX,
             "arena_size=%s must hold at least two pools of pool_size=%s",
             arena, pool);
    return -1;
  }
  /* 3.8 reads a block's pool header, which must be on the block's own
   * page (pool_types.h, address ownership). */
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  if (l->algorithm == POOL_ALGORITHM_3_8 && l->pool_size != page) {
    char page_text[32];
    pool_format_bytes(page, page_text, sizeof page_text);
    snprintf(err, PB_ERROR_MAX,
             "pool_size=%s with layout=3.8: 3.8 finds a block's owner by "
             "reading its pool header, which needs pools of one page (%s)",
             pool, page_text);
    return -1;
  }
  size_t capacity = l->pool_size - POOL_OVERHEAD;
  if (l->threshold == 0 || l->threshold % POOL_ALIGNMENT != 0 ||
      l->threshold > capacity) {
    snprintf(err, PB_ERROR_MAX,
             "threshold=%zu must be a multiple of 16 from 16 to %zu (the "
             "capacity of a %s pool: its size minus the %d-byte header)",
             l->threshold, capacity, pool, POOL_OVERHEAD);
    return -1;
  }
  return 0;
}

int pool_layout_parse(const pb_param *params, size_t nparams, pool_layout *out,
                      char err[PB_ERROR_MAX]) {
  pool_layout layout = POOL_DEFAULT_LAYOUT;
  size_t *overrides[3] = {NULL, NULL, NULL};
  size_t values[3] = {0, 0, 0};
  static const char *const size_names[3] = {"arena_size", "pool_size",
                                            "threshold"};
  int seen_layout = 0;
  for (size_t i = 0; i < nparams; i++) {
    const char *name = params[i].name ? params[i].name : "(null)";
    const char *value = params[i].value;
    if (value == NULL) {
      snprintf(err, PB_ERROR_MAX, "parameter '%s' has no value", name);
      return -1;
    }
    if (strcmp(name, "layout") == 0) {
      if (seen_layout++) {
        snprintf(err, PB_ERROR_MAX, "parameter 'layout' is given twice");
        return -1;
      }
      if (strcmp(value, "3.11") == 0) {
        layout = pool_layout_3_11;
      } else if (strcmp(value, "3.10") == 0) {
        layout = pool_layout_3_10;
      } else if (strcmp(value, "3.8") == 0) {
        layout = pool_layout_3_8;
      } else {
        snprintf(err, PB_ERROR_MAX,
                 "layout=%.64s is not a layout (3.11, 3.10 or 3.8)", value);
        return -1;
      }
      continue;
    }
    int k;
    for (k = 0; k < 3; k++)
      if (strcmp(name, size_names[k]) == 0) break;
    if (k == 3) {
      snprintf(err, PB_ERROR_MAX,
               "unknown parameter '%.64s' (the pool takes %s)", name,
               POOL_PARAMETER_NAMES);
      return -1;
    }
    if (overrides[k] != NULL) {
      snprintf(err, PB_ERROR_MAX, "parameter '%s' is given twice", name);
      return -1;
    }
    if (pool_parse_bytes(value, &values[k]) != 0) {
      snprintf(err, PB_ERROR_MAX,
               "%s=%.64s is not a size (bytes, or a number with K, KiB, M or "
               "MiB)",
               name, value);
      return -1;
    }
    overrides[k] = &values[k];
  }
  if (overrides[0]) layout.arena_size = values[0];
  if (overrides[1]) layout.pool_size = values[1];
  if (overrides[2]) layout.threshold = values[2];
  if (validate(&layout, err) != 0) return -1;
  *out = layout;
  return 0;
}
