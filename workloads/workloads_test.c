/* Every workload at a small scale: a valid trace, the same for the same
 * seed, another for another seed, everything freed by the end, sizes where
 * CPython puts them, and the shape each workload promises; CPython's
 * start-up heap around each one-thread trace by default, and only then. */
#include "workloads/workloads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testing/check.h"
#include "workloads/startup_heap.h"

#define SCALE 0.02

static const char *const expected_names[] = {
    "ints", "tuples", "lists", "objgraph", "pinning", "generational", NULL};

/* A walk over a trace that knows each op's block's previous size. */
typedef struct walker {
  const pb_trace *t;
  uint32_t *size; /* per slot */
  uint64_t i;
  uint32_t old_size; /* of the current op's slot, before the op */
  uint64_t live_bytes;
} walker;

static walker walk_start(const pb_trace *t) {
  walker w = {t, calloc(t->slots + 1, sizeof(uint32_t)), 0, 0, 0};
  PB_CHECK(w.size != NULL);
  return w;
}

/* Applies op i and returns it, or NULL at the end. */
static const pb_op *walk_next(walker *w) {
  if (w->i == w->t->count) {
    free(w->size);
    w->size = NULL;
    return NULL;
  }
  const pb_op *op = &w->t->ops[w->i++];
  w->old_size = w->size[op->slot];
  uint32_t new_size = op->kind == PB_OP_FREE ? 0 : op->size;
  w->live_bytes = w->live_bytes - w->old_size + new_size;
  w->size[op->slot] = new_size;
  return op;
}

static int is_alloc(const pb_op *op) {
  return op->kind == PB_OP_MALLOC || op->kind == PB_OP_CALLOC;
}

/* The generator's own ops, without the start-up heap: what the shapes
 * below are about. */
static void generate(const char *name, uint64_t seed, double scale,
                     pb_trace *t) {
  const pb_workload *w = pb_workload_find(name);
  PB_CHECKF(w != NULL, "no workload %s", name);
  pb_workload_generate(w, t, seed, scale, 0, 0);
}

/* The trace every program replays by default: with the start-up heap. */
static void generate_default(const char *name, uint64_t seed, double scale,
                             pb_trace *t) {
  const pb_workload *w = pb_workload_find(name);
  PB_CHECKF(w != NULL, "no workload %s", name);
  pb_workload_generate(w, t, seed, scale, 0, 1);
}

/* with is bare inside the start-up heap: the table's ops first, then
 * bare's, their slots past the table's, then a free of each block the
 * table leaves live. */
static void check_startup_heap(const char *name, const pb_trace *with,
                               const pb_trace *bare) {
  uint64_t before = pb_startup_heap_prefix_ops();
  uint64_t after = pb_startup_heap_survivors();
  uint32_t slots = pb_startup_heap_slots;
  PB_CHECKF(with->count == before + bare->count + after,
            "%s: %llu ops with the start-up heap, %llu without", name,
            (unsigned long long)with->count, (unsigned long long)bare->count);
  PB_CHECK_EQ(with->slots, bare->slots + slots);
  for (uint64_t i = 0; i < before; i++) {
    const pb_op *op = &with->ops[i];
    const pb_startup_op *s = &pb_startup_heap_ops[i];
    PB_CHECK(op->slot == s->slot && op->size == s->size &&
             op->kind == PB_STARTUP_KIND(s->code) &&
             op->touch == PB_STARTUP_TOUCH(s->code) &&
             op->domain == PB_STARTUP_DOMAIN(s->code) && op->thread == 0);
  }
  for (uint64_t i = 0; i < bare->count; i++) {
    pb_op moved = bare->ops[i];
    moved.slot += slots;
    PB_CHECKF(memcmp(&with->ops[before + i], &moved, sizeof moved) == 0,
              "%s: op %llu of the workload moved", name, (unsigned long long)i);
  }
  for (uint64_t i = before + bare->count; i < with->count; i++)
    PB_CHECK(with->ops[i].kind == PB_OP_FREE && with->ops[i].slot < slots);
}

/* The table: start-up's ~10,000 survivors (about 1.2 MB) among some 33,000
 * ops, every slot of the table used. */
static void test_startup_heap_table(void) {
  PB_CHECK(pb_startup_heap_prefix_ops() > 30000);
  PB_CHECK(pb_startup_heap_survivors() > 9000);
  PB_CHECK(pb_startup_heap_survivors() < 11000);
  uint8_t *used = calloc(pb_startup_heap_slots, 1);
  PB_CHECK(used != NULL);
  for (size_t i = 0; i < pb_startup_heap_count; i++)
    used[pb_startup_heap_ops[i].slot] = 1;
  for (uint32_t k = 0; k < pb_startup_heap_slots; k++) PB_CHECK(used[k]);
  free(used);
}

static void test_registry(void) {
  size_t n = 0;
  for (const pb_workload *w = pb_workloads; w->name; w++, n++) {
    PB_CHECKF(expected_names[n] && strcmp(w->name, expected_names[n]) == 0,
              "workload %zu is %s", n, w->name);
    PB_CHECK(w->description && strlen(w->description) > 10);
    PB_CHECK(strchr(w->description, '\n') == NULL);
    PB_CHECK(w->generate != NULL);
    PB_CHECK(pb_workload_find(w->name) == w);
    char script[64];
    snprintf(script, sizeof script, "workloads/python/%s.py", w->name);
    PB_CHECKF(w->script && strcmp(w->script, script) == 0, "%s's script: %s",
              w->name, w->script ? w->script : "none");
  }
  PB_CHECK_EQ(n, 6);
  PB_CHECK(pb_workload_find("nosuch") == NULL);
  PB_CHECK(pb_workload_find("") == NULL);
  PB_CHECK(pb_workload_find(NULL) == NULL);
}

/* The properties every workload shares. */
static void check_common(const char *name) {
  pb_trace a, b, c, e;
  generate_default(name, 1, SCALE, &a);
  generate_default(name, 1, SCALE, &b);
  generate_default(name, 2, SCALE, &c);
  generate(name, 1, SCALE, &e);
  check_startup_heap(name, &a, &e);

  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_validate(&a, err) == 0, "%s: %s", name, err);
  PB_CHECKF(pb_trace_validate(&c, err) == 0, "%s: %s", name, err);
  PB_CHECK(strcmp(a.workload, name) == 0);
  PB_CHECK_EQ(a.seed, 1);
  PB_CHECK(a.scale == SCALE);
  PB_CHECKF(a.count > 1000, "%s: only %llu ops", name,
            (unsigned long long)a.count);

  /* Deterministic for a seed, different for another. */
  PB_CHECK_EQ(a.count, b.count);
  PB_CHECK_EQ(a.slots, b.slots);
  PB_CHECK_EQ(pb_trace_checksum(a.ops, a.count),
              pb_trace_checksum(b.ops, b.count));
  PB_CHECKF(
      pb_trace_checksum(a.ops, a.count) != pb_trace_checksum(c.ops, c.count),
      "%s: seeds 1 and 2 give the same trace", name);

  /* Everything is freed by the end (valid + as many frees as allocations
   * means every slot ends empty). */
  pb_trace_profile p;
  pb_trace_profile_compute(&a, &p);
  PB_CHECKF(p.mallocs + p.callocs == p.frees, "%s: %llu allocs, %llu frees",
            name, (unsigned long long)(p.mallocs + p.callocs),
            (unsigned long long)p.frees);
  PB_CHECK(p.peak_live_bytes > 0);

  /* The generator's own ops: touches follow the kind of block (arrays are
   * arrays, and a free carries the touch of the block it frees: the replay
   * reads an object's header before freeing it), or say it was written
   * whole. */
  PB_CHECKF(pb_trace_validate(&e, err) == 0, "%s: %s", name, err);
  pb_trace_profile_compute(&e, &p);
  PB_CHECK_EQ(p.mallocs + p.callocs, p.frees);
  uint8_t *touch_of = calloc(e.slots ? e.slots : 1, 1);
  PB_CHECK(touch_of != NULL);
  walker w = walk_start(&e);
  uint64_t filled = 0;
  for (const pb_op *op; (op = walk_next(&w));) {
    /* A block written whole (a filled touch: py_written_whole) is freed
     * with a kind of touch. */
    if (op->kind == PB_OP_FREE && touch_of[op->slot] >= PB_TOUCH_FILLED)
      PB_CHECK(op->touch < PB_TOUCH_COUNT);
    else if (op->kind == PB_OP_FREE)
      PB_CHECK_EQ(op->touch, touch_of[op->slot]);
    filled += op->touch >= PB_TOUCH_FILLED;
    if (op->kind == PB_OP_REALLOC) PB_CHECK_EQ(op->touch, PB_TOUCH_ARRAY);
    /* Only a PyMem buffer may be empty (the SRE marks of objgraph's
     * regular expressions); every block has its domain. */
    PB_CHECK(op->kind == PB_OP_FREE || op->size > 0 ||
             op->domain == PB_DOMAIN_MEM);
    PB_CHECK(op->domain == PB_DOMAIN_MEM || op->domain == PB_DOMAIN_OBJ);
    touch_of[op->slot] = op->touch;
  }
  free(touch_of);
  /* tuples' records are made from four buffers its program fills whole:
   * the random words, the big int made of them, its bytes, the bytearray's
   * copy. */
  PB_CHECK_EQ(filled, strcmp(name, "tuples") == 0 ? 4 : 0);
  uint64_t ops = e.count;
  pb_trace_destroy(&a);
  pb_trace_destroy(&b);
  pb_trace_destroy(&c);
  pb_trace_destroy(&e);

  /* Scale is linear: twice the scale, about twice the ops (the generator's
   * own: the start-up heap is the same at every scale). */
  pb_trace d;
  generate(name, 1, 2 * SCALE, &d);
  double ratio = (double)d.count / (double)ops;
  pb_trace_destroy(&d);
  PB_CHECKF(ratio > 1.5 && ratio < 2.5, "%s: scale x2 gives ops x%.2f", name,
            ratio);

  /* A tiny scale still makes a small, complete workload. */
  pb_trace tiny;
  generate_default(name, 7, 0.0001, &tiny);
  PB_CHECKF(pb_trace_validate(&tiny, err) == 0, "%s: %s", name, err);
  pb_trace_profile_compute(&tiny, &p);
  PB_CHECK_EQ(p.mallocs + p.callocs, p.frees);
  pb_trace_destroy(&tiny);
}

static void test_all_common(void) {
  for (const char *const *n = expected_names; *n; n++) check_common(*n);
}

/* ints: objects are 32 bytes (medium ints and two digits), 36 or 40 (the
 * digits x_add and x_mul allocate), 28 (a shift's result), plus the one
 * list object that keeps the survivors; most die almost at once. */
static void test_ints_shape(void) {
  pb_trace t;
  generate("ints", 3, SCALE, &t);
  uint64_t by_size[41] = {0}, lists = 0, objects = 0, quick = 0;
  uint32_t *born = calloc(t.slots, sizeof *born);
  walker w = walk_start(&t);
  for (const pb_op *op; (op = walk_next(&w));) {
    if (is_alloc(op) && op->touch == PB_TOUCH_OBJECT) {
      objects++;
      born[op->slot] = (uint32_t)w.i;
      if (op->size == 56)
        lists++;
      else
        PB_CHECKF(op->size == 28 || op->size == 32 || op->size == 36 ||
                      op->size == 40,
                  "int of %u bytes", op->size);
      if (op->size <= 40) by_size[op->size]++;
    }
    if (op->kind == PB_OP_FREE && w.i - born[op->slot] <= 8) quick++;
  }
  PB_CHECK_EQ(lists, 1);
  PB_CHECK(by_size[32] > 0 && by_size[36] > 0 && by_size[40] > 0);
  /* A few survivors (about 1 in 256 iterations) fill keep's item array. */
  pb_trace_profile p;
  pb_trace_profile_compute(&t, &p);
  PB_CHECKF(p.reallocs >= 3, "keep grew %llu times",
            (unsigned long long)p.reallocs);
  PB_CHECK(p.peak_live_bytes > 20 * 32);
  /* Temporaries: most ints die within a few ops of their birth. */
  PB_CHECKF(quick > objects / 2, "%llu of %llu die young",
            (unsigned long long)quick, (unsigned long long)objects);
  free(born);
  pb_trace_destroy(&t);
}

/* tuples: every tuple size 48..120 occurs; items are floats (24) and ints
 * (32); randrange's bound methods are 72 bytes; the rows lists are 56-byte
 * objects like 2-tuples; the records are big buffers. */
static void test_tuples_shape(void) {
  pb_trace t;
  generate("tuples", 3, SCALE, &t);
  uint64_t by_size[128] = {0};
  walker w = walk_start(&t);
  for (const pb_op *op; (op = walk_next(&w));) {
    if (!is_alloc(op) || op->touch != PB_TOUCH_OBJECT) continue;
    uint32_t s = op->size;
    PB_CHECKF(s == 24 || s == 28 || s == 32 || s == 72 ||
                  (s >= 48 && s <= 120 && s % 8 == 0) || s > 512,
              "object of %u bytes", s);
    if (s < 128) by_size[s]++;
  }
  for (uint32_t n = 1; n <= 10; n++)
    PB_CHECKF(by_size[40 + 8 * n] > 0, "no tuple of %u items", n);
  PB_CHECK(by_size[24] > 0 && by_size[32] > 0 && by_size[72] > 0);
  pb_trace_destroy(&t);
}

/* lists: item arrays grow by realloc across 512 bytes and shrink back. */
static void test_lists_shape(void) {
  pb_trace t;
  generate("lists", 3, SCALE, &t);
  uint64_t crossing = 0, shrinking = 0, arrays = 0;
  walker w = walk_start(&t);
  for (const pb_op *op; (op = walk_next(&w));) {
    if (op->touch == PB_TOUCH_ARRAY) arrays++;
    if (op->kind != PB_OP_REALLOC) continue;
    if (w.old_size <= 512 && op->size > 512) crossing++;
    if (op->size < w.old_size) shrinking++;
    PB_CHECK_EQ(op->size % 8, 0);
  }
  PB_CHECK(arrays > 0);
  PB_CHECKF(crossing > 0, "no realloc crosses 512 bytes");
  PB_CHECKF(shrinking > 0, "no list shrinks");
  pb_trace_destroy(&t);
}

/* Counts the times live bytes fall from above half the peak to below a
 * third of it (the feed's lines stay live throughout). */
static int valleys(const pb_trace *t, uint64_t peak) {
  int count = 0, high = 0;
  walker w = walk_start(t);
  while (walk_next(&w)) {
    if (w.live_bytes > peak / 2) high = 1;
    if (high && w.live_bytes < peak / 3) {
      count++;
      high = 0;
    }
  }
  return count;
}

/* objgraph: big requests (lines, bios, blobs), and three peaks with valleys
 * between them. */
static void test_objgraph_shape(void) {
  pb_trace t;
  generate("objgraph", 3, SCALE, &t);
  pb_trace_profile p;
  pb_trace_profile_compute(&t, &p);
  uint64_t big = 0;
  walker w = walk_start(&t);
  for (const pb_op *op; (op = walk_next(&w));)
    if (op->kind != PB_OP_FREE && op->size > 512) big++;
  PB_CHECK(big > 0);
  /* ~300 MB at scale 1: a few MB at 0.02. */
  PB_CHECKF(p.peak_live_bytes > 3000000 && p.peak_live_bytes < 12000000,
            "peak %llu", (unsigned long long)p.peak_live_bytes);
  PB_CHECK_EQ(valleys(&t, p.peak_live_bytes), 3);
  pb_trace_destroy(&t);
}

/* pinning: ~99% of the small objects die before the texts (149..449 bytes)
 * are allocated. */
static void test_pinning_shape(void) {
  pb_trace t;
  generate("pinning", 3, SCALE, &t);
  uint64_t live_blocks = 0, max_blocks = 0, at_first_text = 0, texts = 0;
  walker w = walk_start(&t);
  for (const pb_op *op; (op = walk_next(&w));) {
    if (is_alloc(op)) live_blocks++;
    if (op->kind == PB_OP_FREE) live_blocks--;
    if (live_blocks > max_blocks) max_blocks = live_blocks;
    if (is_alloc(op) && op->size >= 149 && op->size <= 449)
      if (texts++ == 0) at_first_text = live_blocks;
  }
  PB_CHECK(texts > 0);
  /* The survivors (1%), and the 2000 dead 2-tuples the tuple free list
   * keeps: CPython never frees those before exit. */
  PB_CHECKF(at_first_text < max_blocks / 50 + 2100,
            "%llu of %llu blocks live at the first text",
            (unsigned long long)at_first_text, (unsigned long long)max_blocks);
  pb_trace_destroy(&t);
}

/* generational: the live heap grows over the run under the churn. */
static void test_generational_shape(void) {
  pb_trace t;
  generate("generational", 3, SCALE, &t);
  uint64_t at_tenth = 0, at_nine_tenths = 0;
  walker w = walk_start(&t);
  while (walk_next(&w)) {
    if (w.i == t.count / 10) at_tenth = w.live_bytes;
    if (w.i == t.count / 10 * 9) at_nine_tenths = w.live_bytes;
  }
  PB_CHECKF(at_nine_tenths > 3 * at_tenth, "live %llu then %llu",
            (unsigned long long)at_tenth, (unsigned long long)at_nine_tenths);
  pb_trace_destroy(&t);
}

/* The threaded workloads: valid at every thread count, deterministic,
 * every block freed, the thread count honoured; producer-consumer and
 * shared-cache free across threads, parallel-churn never does. */
static void test_threaded(void) {
  static const char *const names[] = {"parallel-churn", "producer-consumer",
                                      "shared-cache"};
  static const unsigned counts[] = {1, 2, 3, 4, 16};
  for (size_t i = 0; i < 3; i++) {
    const pb_workload *w = pb_workload_find(names[i]);
    PB_CHECKF(w && w->generate_threads, "%s", names[i]);
    PB_CHECK(w == &pb_threaded_workloads[i]);
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
      pb_trace a, b;
      w->generate_threads(&a, 3, 0.01, counts[k]);
      w->generate_threads(&b, 3, 0.01, counts[k]);
      PB_CHECK_EQ(a.threads, counts[k]);
      PB_CHECK_EQ(a.count, b.count);
      PB_CHECK(memcmp(a.ops, b.ops, a.count * sizeof(pb_op)) == 0);
      char err[PB_TRACE_ERROR_MAX];
      PB_CHECKF(pb_trace_validate(&a, err) == 0, "%s at %u: %s", names[i],
                counts[k], err);
      pb_trace_profile p;
      pb_trace_profile_compute(&a, &p);
      PB_CHECK_EQ(p.mallocs + p.callocs, p.frees); /* everything freed */
      uint64_t on[PB_TRACE_THREADS_MAX] = {0};
      for (uint64_t j = 0; j < a.count; j++) on[a.ops[j].thread]++;
      for (unsigned th = 0; th < counts[k]; th++)
        PB_CHECKF(on[th] > 0, "%s: thread %u of %u idle", names[i], th,
                  counts[k]);
      if (counts[k] == 1 || i == 0)
        PB_CHECK_EQ(p.cross_thread_frees, 0);
      else
        PB_CHECKF(p.cross_thread_frees > p.frees / 50,
                  "%s at %u threads: %llu cross-thread frees of %llu", names[i],
                  counts[k], (unsigned long long)p.cross_thread_frees,
                  (unsigned long long)p.frees);
      pb_trace_destroy(&a);
      pb_trace_destroy(&b);
    }
    /* generate is the default thread count; no start-up heap, asked for
     * or not. */
    pb_trace d, with;
    w->generate(&d, 3, 0.01);
    PB_CHECK_EQ(d.threads, PB_WORKLOAD_THREADS_DEFAULT);
    pb_workload_generate(w, &with, 3, 0.01, 0, 1);
    PB_CHECK_EQ(with.count, d.count);
    PB_CHECK(memcmp(with.ops, d.ops, d.count * sizeof(pb_op)) == 0);
    pb_trace_destroy(&d);
    pb_trace_destroy(&with);
  }
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(test_registry),
      PB_TEST(test_startup_heap_table),
      PB_TEST(test_all_common),
      PB_TEST(test_ints_shape),
      PB_TEST(test_tuples_shape),
      PB_TEST(test_lists_shape),
      PB_TEST(test_objgraph_shape),
      PB_TEST(test_pinning_shape),
      PB_TEST(test_generational_shape),
      PB_TEST(test_threaded),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
