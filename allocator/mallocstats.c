/* The _debugmallocstats figures: their pb_stats names, and reading the
 * report back (mallocstats.h). */
#include "allocator/mallocstats.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void pb_mallocstats_add(pb_stats *stats, const pb_mallocstats *m) {
  if (m->counts_raw_blocks)
    pb_stats_add(stats, "allocated_bytes",
                 m->allocated_bytes + m->raw_allocated_bytes);
  pb_stats_add(stats, "mapped_bytes", m->mapped_bytes);
  pb_stats_add(stats, "retained_bytes",
               m->available_bytes + m->unused_pool_bytes);
  pb_stats_add(stats, "system_calls",
               m->arena_mmap_calls + m->arena_munmap_calls);
  pb_stats_add(stats, "arena_size", m->arena_size);
  pb_stats_add(stats, "pool_size", m->pool_size);
  pb_stats_add(stats, "small_threshold", m->threshold);
  pb_stats_add(stats, "size_classes", m->nclasses);
  /* "# bytes in allocated blocks" counts pymalloc's blocks only. */
  pb_stats_add(stats, "pool_allocated_bytes", m->allocated_bytes);
  if (m->counts_raw_blocks)
    pb_stats_add(stats, "raw_allocated_bytes", m->raw_allocated_bytes);
  pb_stats_add(stats, "arenas_allocated_total", m->arenas_allocated_total);
  pb_stats_add(stats, "arenas_reclaimed", m->arenas_reclaimed);
  pb_stats_add(stats, "arenas_highwater", m->arenas_highwater);
  pb_stats_add(stats, "arenas_current", m->arenas_current);
  pb_stats_add(stats, "pools_in_use", m->pools_in_use);
  pb_stats_add(stats, "free_pools", m->free_pools);
  pb_stats_add(stats, "blocks_in_use", m->blocks_in_use);
  pb_stats_add(stats, "available_blocks", m->available_blocks);
  pb_stats_add(stats, "available_bytes", m->available_bytes);
  pb_stats_add(stats, "unused_pool_bytes", m->unused_pool_bytes);
  pb_stats_add(stats, "pool_header_bytes", m->pool_header_bytes);
  pb_stats_add(stats, "quantization_bytes", m->quantization_bytes);
  pb_stats_add(stats, "arena_alignment_bytes", m->arena_alignment_bytes);
  if (m->has_arena_map) {
    pb_stats_add(stats, "arena_map_mid_nodes", m->map_mid_nodes);
    pb_stats_add(stats, "arena_map_bot_nodes", m->map_bot_nodes);
    pb_stats_add(stats, "arena_map_bytes", m->map_total_bytes);
  }
  pb_stats_add(stats, "arena_mmap_calls", m->arena_mmap_calls);
  pb_stats_add(stats, "arena_munmap_calls", m->arena_munmap_calls);
  pb_stats_add(stats, "arena_mmap_failures", m->arena_mmap_failures);
}

/* ---- reading the report -------------------------------------------------- */

/* The "label = value" lines. Two labels carry figures of their own (the
 * arena and pool sizes, read with their sscanf format) and "Total" ends both
 * sections; in_map says which section a line belongs to. */
typedef enum { FIXED_LABEL, ARENAS_LABEL, UNUSED_POOLS_LABEL } label_kind;

static const struct figure_line {
  const char *label; /* the text, or the sscanf format of a sized label */
  label_kind kind;
  int in_map;    /* after "arena map counts" */
  size_t offset; /* of the value in pb_mallocstats */
} figure_lines[] = {
#define FIELD(name) offsetof(pb_mallocstats, name)
    {"# arenas allocated total", FIXED_LABEL, 0, FIELD(arenas_allocated_total)},
    {"# arenas reclaimed", FIXED_LABEL, 0, FIELD(arenas_reclaimed)},
    {"# arenas highwater mark", FIXED_LABEL, 0, FIELD(arenas_highwater)},
    {"# arenas allocated current", FIXED_LABEL, 0, FIELD(arenas_current)},
    {"%llu arenas * %llu bytes/arena", ARENAS_LABEL, 0, FIELD(mapped_bytes)},
    {"# bytes in allocated blocks", FIXED_LABEL, 0, FIELD(allocated_bytes)},
    {"# bytes in available blocks", FIXED_LABEL, 0, FIELD(available_bytes)},
    {"%llu unused pools * %llu bytes", UNUSED_POOLS_LABEL, 0,
     FIELD(unused_pool_bytes)},
    {"# bytes lost to pool headers", FIXED_LABEL, 0, FIELD(pool_header_bytes)},
    {"# bytes lost to quantization", FIXED_LABEL, 0, FIELD(quantization_bytes)},
    {"# bytes lost to arena alignment", FIXED_LABEL, 0,
     FIELD(arena_alignment_bytes)},
    {"Total", FIXED_LABEL, 0, FIELD(total_bytes)},
    {"# arena map mid nodes", FIXED_LABEL, 1, FIELD(map_mid_nodes)},
    {"# arena map bot nodes", FIXED_LABEL, 1, FIELD(map_bot_nodes)},
    {"# bytes lost to arena map root", FIXED_LABEL, 1, FIELD(map_root_bytes)},
    {"# bytes lost to arena map mid", FIXED_LABEL, 1, FIELD(map_mid_bytes)},
    {"# bytes lost to arena map bot", FIXED_LABEL, 1, FIELD(map_bot_bytes)},
    {"Total", FIXED_LABEL, 1, FIELD(map_total_bytes)},
#undef FIELD
};
#define FIGURE_LINES (sizeof figure_lines / sizeof figure_lines[0])

typedef struct parser {
  pb_mallocstats *m;
  uint32_t seen; /* bit i: figure_lines[i] was read */
  int header_seen;
  unsigned line;
  char *err;
  size_t errlen;
} parser;

_Static_assert(FIGURE_LINES <= 32, "one bit of parser.seen per figure line");

static int fail(parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(parser *p, const char *fmt, ...) {
  char what[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  snprintf(p->err, p->errlen, "line %u: %s", p->line, what);
  return -1;
}

/* "1,048,576": one to three digits, then groups of three after commas. */
static int parse_grouped(const char *s, uint64_t *value) {
  const char *digits = "0123456789";
  size_t group = strspn(s, digits);
  if (group < 1 || group > 3) return -1;
  uint64_t v = 0;
  for (;;) {
    for (size_t i = 0; i < group; i++, s++)
      if (__builtin_mul_overflow(v, 10, &v) ||
          __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v))
        return -1;
    if (*s == '\0') break;
    if (*s++ != ',' || (group = strspn(s, digits)) != 3) return -1;
  }
  *value = v;
  return 0;
}

/* sscanf that must consume the whole line; the caller declares int
 * consumed. */
#define SCAN_ALL(line, fmt, ...)                                  \
  (consumed = -1, sscanf(line, fmt "%n", __VA_ARGS__, &consumed), \
   consumed == (int)strlen(line))

/* Whether label is the figure line k's; reads the sizes of a sized label. */
static int label_matches(parser *p, size_t k, const char *label) {
  const struct figure_line *f = &figure_lines[k];
  if (f->kind == FIXED_LABEL) return strcmp(label, f->label) == 0;
  unsigned long long count, size;
  int consumed;
  if (f->kind == ARENAS_LABEL) {
    if (!SCAN_ALL(label, "%llu arenas * %llu bytes/arena", &count, &size))
      return 0;
    p->m->arena_size = size;
    return 1;
  }
  if (!SCAN_ALL(label, "%llu unused pools * %llu bytes", &count, &size))
    return 0;
  p->m->free_pools = count;
  p->m->pool_size = size;
  return 1;
}

static int parse_figure_line(parser *p, char *line, char *equals) {
  uint64_t value;
  if (parse_grouped(equals + 1 + strspn(equals + 1, " "), &value) != 0)
    return fail(p, "'%s' is not a grouped number", equals + 1);
  char *end = equals;
  while (end > line && end[-1] == ' ') end--;
  *end = '\0';
  for (size_t k = 0; k < FIGURE_LINES; k++) {
    if (figure_lines[k].in_map != p->m->has_arena_map ||
        !label_matches(p, k, line))
      continue;
    if (p->seen & (UINT32_C(1) << k))
      return fail(p, "'%s' appears twice", line);
    p->seen |= UINT32_C(1) << k;
    *(uint64_t *)((char *)p->m + figure_lines[k].offset) = value;
    return 0;
  }
  return fail(p, "unknown figure '%s'", line);
}

static int parse_line(parser *p, char *line) {
  pb_mallocstats *m = p->m;
  int consumed;
  if (!p->header_seen) {
    unsigned long long threshold, nclasses;
    if (!SCAN_ALL(line, "Small block threshold = %llu, in %llu size classes.",
                  &threshold, &nclasses))
      return fail(p, "not the report's first line: '%s'", line);
    m->threshold = threshold;
    m->nclasses = nclasses;
    p->header_seen = 1;
    return 0;
  }
  if (line[0] == '\0') return 0;
  char *equals = strchr(line, '=');
  if (equals != NULL) return parse_figure_line(p, line, equals);
  if (strcmp(line, "class   size   num pools   blocks in use  avail blocks") ==
          0 ||
      strcmp(line, "-----   ----   ---------   -------------  ------------") ==
          0)
    return 0;
  if (strcmp(line, "arena map counts") == 0 && !m->has_arena_map) {
    m->has_arena_map = 1;
    return 0;
  }
  unsigned long long cls, size, pools, used, avail;
  if (SCAN_ALL(line, "%llu %llu %llu %llu %llu", &cls, &size, &pools, &used,
               &avail)) {
    m->pools_in_use += pools;
    m->blocks_in_use += used;
    m->available_blocks += avail;
    return 0;
  }
  return fail(p, "unknown line '%s'", line);
}

int pb_mallocstats_parse(const char *text, pb_mallocstats *m, char *err,
                         size_t errlen) {
  *m = (pb_mallocstats){0};
  parser p = {.m = m, .err = err, .errlen = errlen};
  char line[256];
  const char *s = text;
  while (*s) {
    size_t len = strcspn(s, "\n");
    p.line++;
    if (len >= sizeof line) return fail(&p, "longer than %zu", sizeof line);
    memcpy(line, s, len);
    line[len] = '\0';
    if (parse_line(&p, line) != 0) return -1;
    s += len + (s[len] == '\n');
  }
  if (!p.header_seen) {
    snprintf(err, errlen, "an empty report");
    return -1;
  }
  /* Every line of the main section, and of the map section if there is
   * one. */
  for (size_t k = 0; k < FIGURE_LINES; k++) {
    if (figure_lines[k].in_map > m->has_arena_map) continue;
    if (p.seen & (UINT32_C(1) << k)) continue;
    const struct figure_line *f = &figure_lines[k];
    snprintf(err, errlen, "no '%s' line%s",
             f->kind == ARENAS_LABEL         ? "N arenas * SIZE bytes/arena"
             : f->kind == UNUSED_POOLS_LABEL ? "N unused pools * SIZE bytes"
                                             : f->label,
             f->in_map ? " in the arena map section" : "");
    return -1;
  }
  return 0;
}
