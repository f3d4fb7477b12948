/* fidelity_test: `pool` (layout 3.11, its default) behaves exactly like the
 * real pymalloc, CPython 3.11's, linked in as the `cpython` backend.
 *
 * Each trace (every workload at FIDELITY_SCALE, the arena-thrashing loop of
 * bpo-37257, and randomized traces made here) is replayed by bench_pool and
 * by bench_cpython, in two processes, under the same arena placement
 * (below). Each runner writes its allocator's _debugmallocstats report at
 * the peak of live bytes and after the teardown (--allocator-report), and
 * the two reports must be byte-identical: the size-class table (pools, blocks
 * in use, available blocks per class), the arena counts (allocated total,
 * reclaimed, highwater, current), bytes in allocated and available blocks,
 * unused pools, bytes lost to pool headers, to quantization and to arena
 * alignment, both Totals, and the radix tree that decides ownership (the
 * lines after "arena map counts": its mid and bottom nodes, the bytes of
 * its root, mid and bottom nodes and their Total).
 *
 * Arena placement. An arena that mmap happens to put on a pool boundary has
 * 64 usable pools, any other 63, and that shows in more than the alignment
 * line: unused pools, and through the sorted usable_arenas list which pools
 * are reused and how many arenas a trace needs. mmap's choice depends on
 * everything else mapped in the process, and libpython alone moves it, so
 * unpinned, the two processes would disagree about a third of the time
 * without either allocator being at fault. Each trace therefore runs under
 * three placements chosen by libarena_placement.so (arena_placement.c),
 * preloaded into both runners: every arena aligned, every arena one page
 * past a pool boundary (what mmap gives three times in four), and a fixed
 * random mix of the two. The alignment line is then identical too, and is
 * checked to be what the placement asked for (so the test knows the
 * placement took effect).
 *
 * The radix tree's node counts depend on where the arenas are, not only on
 * how they fall on pool boundaries: 3.11's tree (obmalloc.c, 3.11, with
 * ARENA_BITS 20: every one of 64 address bits, cut 15 / 15 / 14 / 20) has a
 * bottom node per 16 GiB of address space that arenas touch, and ASLR puts
 * two processes' arenas in different places. So the placement also fixes
 * the addresses: arenas go to fixed slots from a base address, the lowest
 * free slot first. The aligned and unaligned placements start in the middle
 * of a bottom node's range (one mid node, one bottom node); the mixed one
 * starts half an arena below a bottom node's boundary, so that its first
 * arena covers chunks of two bottom nodes (one mid node, two bottom nodes:
 * the node made for an arena's second chunk). Each report's tree lines are
 * checked against those counts and 3.11's node sizes as well as against
 * the other report.
 *
 * layout=3.10 stays a layout of pool: the same algorithm with CPython
 * 3.10's tree (48 address bits cut 10 / 10 / 8 / 20). Every workload runs
 * once more with it, under the mixed placement: its report must equal the
 * real 3.11's but for the tree's values, which must be 3.10's node sizes
 * with the same node counts (3.10's bottom nodes cover 256 MiB, and the
 * slots put every arena in the same two). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator/mallocstats.h"
#include "allocator/pool/layout.h"
#include "harness/process/spawn.h"
#include "testing/check.h"
#include "workloads/trace.h"
#include "workloads/workloads.h"

/* Every workload at this scale maps a few to a few dozen arenas, and the
 * whole test takes seconds. */
#define FIDELITY_SCALE "0.05"

#define RUNNER_TIMEOUT_SECONDS 120
#define REPORT_HEADING "== allocator report: "
#define REPORTS_PER_RUN 2 /* at the peak, after teardown */

static const char *const runners[2] = {"harness/runner/bench_pool",
                                       "harness/runner/bench_cpython"};
/* The pool's layout: its default, 3.11, or 3.10 for the layout's own
 * check. */
static const char *pool_layout_arg = NULL;
static char preload[PATH_MAX];
static char tmpdir[PATH_MAX / 2]; /* room for a file name after it */

/* ---- placements ---------------------------------------------------------- */

typedef enum { ALIGNED, UNALIGNED, MIXED } placement_kind;

typedef struct placement {
  const char *name;
  placement_kind kind;
  char offsets[64];   /* arena_placement.c's POOLBENCH_ARENA_OFFSETS */
  uintptr_t base;     /* ... POOLBENCH_ARENA_BASE: the first slot */
  uint64_t bot_nodes; /* the radix tree's bottom nodes, once an arena was */
} placement;

/* 2^45 (32 TiB): far below where mmap puts things (just under 2^47), above
 * the program and its heap, and above AddressSanitizer's shadow memory. A
 * bottom node of 3.11's tree covers 2^34 bytes, one of 3.10's 2^28. */
#define SLOTS_FROM ((uintptr_t)1 << 45)
#define BOT_RANGE_3_11 ((uintptr_t)1 << 34)

static placement placements[3] = {
    /* The middle of a bottom node's range: one bottom node. */
    {"aligned", ALIGNED, "a", SLOTS_FROM + BOT_RANGE_3_11 / 2, 1},
    {"unaligned", UNALIGNED, "u", SLOTS_FROM + BOT_RANGE_3_11 / 2, 1},
    /* Half an arena below a bottom node's boundary (which is a boundary of
     * 3.10's bottom nodes too): the first arena spans two. */
    {"mixed", MIXED, "", SLOTS_FROM + BOT_RANGE_3_11 - ((uintptr_t)512 << 10),
     2},
};

/* One arena in four aligned, as a page-aligned mmap would be with 4 KiB
 * pages and 16 KiB pools; 63 entries, so the pattern does not repeat in
 * step with a trace's arena count. */
static void make_mixed_offsets(char *offsets, size_t len) {
  pb_rng rng = pb_rng_seeded(11, 0);
  for (size_t i = 0; i + 1 < len; i++)
    offsets[i] = pb_rng_below(&rng, 4) == 0 ? 'a' : 'u';
  offsets[len - 1] = '\0';
}

static void set_placement(const placement *p) {
  char value[32];
  snprintf(value, sizeof value, "%zu", pool_layout_3_11.arena_size);
  PB_CHECK(setenv("POOLBENCH_ARENA_LENGTH", value, 1) == 0);
  snprintf(value, sizeof value, "%zu", pool_layout_3_11.pool_size);
  PB_CHECK(setenv("POOLBENCH_ARENA_ALIGN", value, 1) == 0);
  PB_CHECK(setenv("POOLBENCH_ARENA_OFFSETS", p->offsets, 1) == 0);
  snprintf(value, sizeof value, "%llu", (unsigned long long)p->base);
  PB_CHECK(setenv("POOLBENCH_ARENA_BASE", value, 1) == 0);
  PB_CHECK(setenv("LD_PRELOAD", preload, 1) == 0);
}

/* ---- running the two runners --------------------------------------------- */

/* What a runner replays: "--workload=NAME" with "--scale=X", or
 * "--trace=FILE" alone. */
typedef struct trace_source {
  char trace_arg[PATH_MAX + 16];
  const char *scale_arg; /* NULL for a trace file */
} trace_source;

/* Runs one runner on source and returns its report file's text
 * (malloc'd). */
static char *run_runner(const char *runner, const trace_source *source,
                        const char *report_path) {
  char report_arg[PATH_MAX + 32];
  snprintf(report_arg, sizeof report_arg, "--allocator-report=%s", report_path);
  /* The optional arguments last, after the first NULL that ends them. */
  char *argv[6] = {(char *)runner, (char *)source->trace_arg, report_arg};
  int argc = 3;
  if (source->scale_arg != NULL) argv[argc++] = (char *)source->scale_arg;
  if (runner == runners[0] && pool_layout_arg != NULL)
    argv[argc++] = (char *)pool_layout_arg;
  argv[argc] = NULL;
  pb_spawn_result r;
  PB_CHECKF(pb_spawn(argv, RUNNER_TIMEOUT_SECONDS, &r) == 0, "cannot start %s",
            runner);
  char status[96];
  pb_spawn_describe(&r, status, sizeof status);
  PB_CHECKF(!r.signaled && !r.timed_out && r.exit_status == 0, "%s %s: %s\n%s",
            runner, source->trace_arg, status, r.err);
  pb_spawn_result_free(&r);

  FILE *in = fopen(report_path, "r");
  PB_CHECKF(in != NULL, "no report %s", report_path);
  char *text = NULL;
  size_t len = 0;
  FILE *copy = open_memstream(&text, &len);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, copy);
  fclose(in);
  fclose(copy);
  return text;
}

/* ---- comparing ----------------------------------------------------------- */

/* The radix tree of one implementation: bytes of its root and of one node. */
typedef struct tree_geometry {
  const char *name;
  uint64_t root_bytes, mid_node_bytes, bot_node_bytes;
} tree_geometry;

/* obmalloc.c, 64-bit, ARENA_BITS 20: INTERIOR_BITS = (ADDRESS_BITS - 20 +
 * 2) / 3 for the root and mid nodes (arrays of pointers), MAP_BOT_BITS =
 * ADDRESS_BITS - 20 - 2 x INTERIOR_BITS for the bottom nodes (arrays of
 * arena_coverage_t, two int32_t). ADDRESS_BITS is 64 in 3.11 (IGNORE_BITS
 * 0): 15 and 14 bits; 48 in 3.10 (IGNORE_BITS 16): 10 and 8. Written out
 * here, not taken from the pool's code, so that the test states what
 * CPython does. */
static tree_geometry obmalloc_tree(const char *name, unsigned address_bits) {
  const unsigned arena_bits = 20;
  const unsigned interior_bits = (address_bits - arena_bits + 2) / 3;
  const unsigned bot_bits = address_bits - arena_bits - 2 * interior_bits;
  return (tree_geometry){name, ((uint64_t)1 << interior_bits) * sizeof(void *),
                         ((uint64_t)1 << interior_bits) * sizeof(void *),
                         ((uint64_t)1 << bot_bits) * 2 * sizeof(int32_t)};
}

/* A report's tree lines against a geometry and the placement: one mid node
 * and the placement's bottom nodes once an arena was allocated (nodes are
 * made on first use and kept), none before. */
static void check_tree(const pb_mallocstats *m, const tree_geometry *g,
                       const placement *p, const char *where) {
  PB_CHECKF(m->has_arena_map, "%s, %s: no arena map section", where, g->name);
  PB_CHECKF(m->map_root_bytes == g->root_bytes, "%s, %s: root %llu bytes",
            where, g->name, (unsigned long long)m->map_root_bytes);
  PB_CHECKF(m->map_mid_bytes == m->map_mid_nodes * g->mid_node_bytes,
            "%s, %s: mid bytes", where, g->name);
  PB_CHECKF(m->map_bot_bytes == m->map_bot_nodes * g->bot_node_bytes,
            "%s, %s: bottom bytes", where, g->name);
  PB_CHECKF(m->map_total_bytes ==
                m->map_root_bytes + m->map_mid_bytes + m->map_bot_bytes,
            "%s, %s: map Total", where, g->name);
  uint64_t mids = m->arenas_allocated_total == 0 ? 0 : 1;
  uint64_t bots = m->arenas_allocated_total == 0 ? 0 : p->bot_nodes;
  PB_CHECKF(m->map_mid_nodes == mids && m->map_bot_nodes == bots,
            "%s, %s: %llu mid and %llu bottom nodes for %llu arenas at the "
            "%s placement, not %llu and %llu",
            where, g->name, (unsigned long long)m->map_mid_nodes,
            (unsigned long long)m->map_bot_nodes,
            (unsigned long long)m->arenas_allocated_total, p->name,
            (unsigned long long)mids, (unsigned long long)bots);
}

/* The alignment line says what the placement asked for. */
static void check_alignment(const pb_mallocstats *m, placement_kind kind,
                            const char *where) {
  uint64_t all = m->arenas_current * pool_layout_3_11.pool_size;
  uint64_t lost = m->arena_alignment_bytes;
  if (kind == ALIGNED)
    PB_CHECKF(lost == 0, "%s: %llu bytes lost to alignment", where,
              (unsigned long long)lost);
  else if (kind == UNALIGNED)
    PB_CHECKF(lost == all, "%s: %llu bytes lost to alignment, not %llu", where,
              (unsigned long long)lost, (unsigned long long)all);
  else
    PB_CHECKF(lost <= all && lost % pool_layout_3_11.pool_size == 0,
              "%s: %llu bytes lost to alignment", where,
              (unsigned long long)lost);
}

/* The next line of *s (without its newline) into line; 0 at the end. */
static int next_line(const char **s, char *line, size_t size) {
  if (**s == '\0') return 0;
  size_t len = strcspn(*s, "\n");
  PB_CHECKF(len < size, "report line too long: %.60s", *s);
  memcpy(line, *s, len);
  line[len] = '\0';
  *s += len + ((*s)[len] == '\n');
  return 1;
}

/* Where the next report starts (its heading line), or the end. */
static const char *next_heading(const char *s) {
  const char *h = strstr(s, "\n" REPORT_HEADING);
  return h ? h + 1 : s + strlen(s);
}

/* Compares one pair of reports (heading line included); returns the figures
 * of pool's. */
static pb_mallocstats compare_report(const char *pool_text,
                                     const char *cpython_text, size_t pool_len,
                                     size_t cpython_len, const placement *p,
                                     const char *what) {
  int pool_is_3_10 = pool_layout_arg != NULL;
  char *texts[2] = {strndup(pool_text, pool_len),
                    strndup(cpython_text, cpython_len)};
  PB_CHECK(texts[0] != NULL && texts[1] != NULL);
  const char *a = texts[0], *b = texts[1];
  char la[256], lb[256], heading[256] = "";
  int in_tree = 0;
  for (unsigned n = 1;; n++) {
    int more_a = next_line(&a, la, sizeof la);
    int more_b = next_line(&b, lb, sizeof lb);
    PB_CHECKF(more_a == more_b, "%s, %s: one report ends at line %u", what,
              heading, n);
    if (!more_a) break;
    if (n == 1) snprintf(heading, sizeof heading, "%s", la);
    if (!in_tree || !pool_is_3_10) {
      PB_CHECKF(strcmp(la, lb) == 0,
                "%s, %s, line %u differs:\n  pool:    %s\n  cpython: %s", what,
                heading, n, la, lb);
    } else {
      /* 3.10's tree: same labels, its own values (checked below). */
      size_t label = strcspn(la, "=");
      PB_CHECKF(label == strcspn(lb, "=") && strncmp(la, lb, label) == 0,
                "%s, %s, line %u:\n  pool:    %s\n  cpython: %s", what, heading,
                n, la, lb);
    }
    if (strcmp(la, "arena map counts") == 0) in_tree = 1;
  }
  PB_CHECKF(in_tree, "%s, %s: no arena map section", what, heading);

  char where[512], err[256];
  snprintf(where, sizeof where, "%s, %s", what, heading);
  const tree_geometry trees[2] = {
      pool_is_3_10 ? obmalloc_tree("pool (layout=3.10: 3.10's tree)", 48)
                   : obmalloc_tree("pool (layout=3.11)", 64),
      obmalloc_tree("cpython (3.11)", 64)};
  pb_mallocstats figures[2];
  for (int i = 0; i < 2; i++) {
    const char *body = strchr(texts[i], '\n') + 1; /* after the heading */
    PB_CHECKF(pb_mallocstats_parse(body, &figures[i], err, sizeof err) == 0,
              "%s, %s: %s", where, runners[i], err);
    check_tree(&figures[i], &trees[i], p, where);
    check_alignment(&figures[i], p->kind, where);
    free(texts[i]);
  }
  return figures[0];
}

/* Runs one trace source on both runners under one placement and compares
 * every report. Returns the pymalloc blocks in use at the peak, so that the
 * caller can tell a trace that exercised nothing. */
static uint64_t compare_runs(const trace_source *source, const placement *p,
                             const char *what) {
  set_placement(p);
  char *texts[2];
  char path[PATH_MAX];
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/report.%d", tmpdir, i);
    texts[i] = run_runner(runners[i], source, path);
  }
  const char *a = texts[0], *b = texts[1];
  unsigned reports = 0;
  uint64_t blocks_at_peak = 0;
  while (*a || *b) {
    PB_CHECKF(strncmp(a, REPORT_HEADING, strlen(REPORT_HEADING)) == 0 &&
                  strncmp(b, REPORT_HEADING, strlen(REPORT_HEADING)) == 0,
              "%s: a report does not start with its heading", what);
    const char *a_end = next_heading(a), *b_end = next_heading(b);
    pb_mallocstats pool =
        compare_report(a, b, (size_t)(a_end - a), (size_t)(b_end - b), p, what);
    if (reports++ == 0) blocks_at_peak = pool.blocks_in_use;
    a = a_end;
    b = b_end;
  }
  PB_CHECK_EQ(reports, REPORTS_PER_RUN);
  free(texts[0]);
  free(texts[1]);
  return blocks_at_peak;
}

/* ---- the traces ---------------------------------------------------------- */

static void workloads_match(void) {
  for (const pb_workload *w = pb_workloads; w->name; w++) {
    trace_source source = {.scale_arg = "--scale=" FIDELITY_SCALE};
    snprintf(source.trace_arg, sizeof source.trace_arg, "--workload=%s",
             w->name);
    for (size_t k = 0; k < sizeof placements / sizeof placements[0]; k++) {
      char what[160];
      snprintf(what, sizeof what, "workload %s, scale %s, %s arenas", w->name,
               FIDELITY_SCALE, placements[k].name);
      uint64_t blocks = compare_runs(&source, &placements[k], what);
      PB_CHECKF(blocks > 0, "%s: no pymalloc block at the peak", what);
    }
  }
}

/* A randomized trace: waves that grow the live set to a random size and
 * shrink it again (mapping and unmapping arenas, moving them through
 * usable_arenas), some hovering at one size (the kept empty arena), with
 * sizes of one class, of every small class, or with zero-byte and large
 * requests mixed in (the raw domain, and reallocs across the threshold).
 * Survivors of the last wave are freed by the runner's teardown. */
enum { RANDOM_WAVES = 14, RANDOM_MAX_LIVE = 40000 };

static uint32_t random_size(pb_rng *rng, unsigned mix, uint32_t hot_size) {
  if (mix == 0) return hot_size;
  uint64_t r = pb_rng_below(rng, 100);
  if (mix == 2 && r < 2) return 0;
  if (mix == 2 && r < 6) return (uint32_t)pb_rng_range(rng, 513, 70000);
  return (uint32_t)pb_rng_range(rng, 1, 512);
}

static void make_random_trace(pb_trace *t, uint64_t seed) {
  static uint32_t live[RANDOM_MAX_LIVE];
  uint32_t nlive = 0;
  pb_rng rng = pb_rng_seeded(seed, 0);
  pb_trace_init(t, "random", seed, 1.0);
  for (int wave = 0; wave < RANDOM_WAVES; wave++) {
    unsigned mix = (unsigned)pb_rng_below(&rng, 3);
    uint32_t hot_size = (uint32_t)pb_rng_range(&rng, 1, 512);
    uint32_t target = (uint32_t)pb_rng_below(&rng, RANDOM_MAX_LIVE + 1);
    /* A hovering wave swings between target and target + swing. */
    int swings = pb_rng_percent(&rng, 30) ? 20 : 1;
    uint32_t swing = (uint32_t)pb_rng_range(&rng, 1, 600);
    for (int s = 0; s < swings; s++) {
      uint32_t goal = s % 2 ? target + swing : target;
      if (goal > RANDOM_MAX_LIVE) goal = RANDOM_MAX_LIVE;
      while (nlive != goal) {
        if (nlive < goal) {
          uint32_t size = random_size(&rng, mix, hot_size);
          live[nlive++] = pb_rng_percent(&rng, 10)
                              ? pb_trace_calloc(t, size, PB_TOUCH_NONE)
                              : pb_trace_malloc(t, size, PB_TOUCH_OBJECT);
          continue;
        }
        uint32_t i = (uint32_t)pb_rng_below(&rng, nlive);
        if (pb_rng_percent(&rng, 15)) {
          pb_trace_realloc(t, live[i], random_size(&rng, 2, hot_size),
                           PB_TOUCH_NONE);
          continue;
        }
        pb_trace_free(t, live[i]);
        live[i] = live[--nlive];
      }
    }
  }
}

/* The arena-thrashing loop (bpo-37257): one long-lived object, then rounds
 * that build 2.5 arenas' worth of objects and drop them, last first (as a
 * list's items die) and then first first. Which wholly free arena is kept
 * depends on the order, so both are compared. */
static void make_thrashing_trace(pb_trace *t) {
  enum { ROUNDS = 100, BLOCK = 64 };
  size_t n = 5 * pool_layout_3_11.arena_size / 2 / BLOCK;
  uint32_t *slots = malloc(n * sizeof *slots);
  PB_CHECK(slots != NULL);
  pb_trace_init(t, "thrashing", 0, 1.0);
  pb_trace_malloc(t, 16, PB_TOUCH_OBJECT); /* lives to the end */
  for (int round = 0; round < 2 * ROUNDS; round++) {
    for (size_t i = 0; i < n; i++)
      slots[i] = pb_trace_malloc(t, BLOCK, PB_TOUCH_OBJECT);
    for (size_t i = 0; i < n; i++)
      pb_trace_free(t, slots[round < ROUNDS ? n - 1 - i : i]);
  }
  free(slots);
}

/* Saves t as NAME.trace in the temporary directory and compares the two
 * runners on it under every placement. */
static void compare_trace(pb_trace *t, const char *name) {
  char path[PATH_MAX], err[PB_TRACE_ERROR_MAX];
  snprintf(path, sizeof path, "%s/%s.trace", tmpdir, name);
  PB_CHECKF(pb_trace_save(t, path, err) == 0, "%s", err);
  pb_trace_destroy(t);
  trace_source source = {.scale_arg = NULL};
  snprintf(source.trace_arg, sizeof source.trace_arg, "--trace=%s", path);
  for (size_t k = 0; k < sizeof placements / sizeof placements[0]; k++) {
    char what[160];
    snprintf(what, sizeof what, "trace %s, %s arenas", name,
             placements[k].name);
    uint64_t blocks = compare_runs(&source, &placements[k], what);
    PB_CHECKF(blocks > 0, "%s: no pymalloc block at the peak", what);
  }
}

static void thrashing_loop_matches(void) {
  pb_trace t;
  make_thrashing_trace(&t);
  compare_trace(&t, "thrashing");
}

/* layout=3.10: every workload, under the mixed placement. */
static void layout_3_10_differs_only_in_its_tree(void) {
  pool_layout_arg = "layout=3.10";
  for (const pb_workload *w = pb_workloads; w->name; w++) {
    trace_source source = {.scale_arg = "--scale=" FIDELITY_SCALE};
    snprintf(source.trace_arg, sizeof source.trace_arg, "--workload=%s",
             w->name);
    char what[160];
    snprintf(what, sizeof what, "workload %s, scale %s, %s arenas, %s", w->name,
             FIDELITY_SCALE, placements[MIXED].name, pool_layout_arg);
    uint64_t blocks = compare_runs(&source, &placements[MIXED], what);
    PB_CHECKF(blocks > 0, "%s: no pymalloc block at the peak", what);
  }
  pool_layout_arg = NULL;
}

static void random_traces_match(void) {
  for (uint64_t seed = 1; seed <= 6; seed++) {
    pb_trace t;
    make_random_trace(&t, seed);
    char name[32];
    snprintf(name, sizeof name, "random-%llu", (unsigned long long)seed);
    compare_trace(&t, name);
  }
}

int main(int argc, char **argv) {
  make_mixed_offsets(placements[MIXED].offsets,
                     sizeof placements[MIXED].offsets);
  PB_CHECKF(realpath("allocator/tests/libarena_placement.so", preload) != NULL,
            "libarena_placement.so not in the runfiles");
  const char *dir = getenv("TEST_TMPDIR");
  PB_CHECKF((size_t)snprintf(tmpdir, sizeof tmpdir, "%s", dir ? dir : "/tmp") <
                sizeof tmpdir,
            "TEST_TMPDIR is too long");
  /* The preloaded library comes before AddressSanitizer's runtime in the
   * runners' library list, which ASan refuses unless told not to check. */
  const char *asan = getenv("ASAN_OPTIONS");
  char asan_options[1024];
  snprintf(asan_options, sizeof asan_options, "%s%sverify_asan_link_order=0",
           asan ? asan : "", asan && *asan ? ":" : "");
  PB_CHECK(setenv("ASAN_OPTIONS", asan_options, 1) == 0);
  static const pb_test tests[] = {
      PB_TEST(workloads_match),
      PB_TEST(thrashing_loop_matches),
      PB_TEST(random_traces_match),
      PB_TEST(layout_3_10_differs_only_in_its_tree),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
