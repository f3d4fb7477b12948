/* lists: lists built by append, then shrunk, cleared or dropped. Models
 *
 *   recent = []
 *   for g in range(groups):
 *       cols = [[] for _ in range(random.randint(1, 8))]
 *       base = random.randrange(1000, 10**9)
 *       for i in range(length()):            # mostly short, some very long
 *           for c, col in enumerate(cols):
 *               col.append((base + i, c) if c % 2 == 0 else base + i)
 *       for col in cols:
 *           r = random.random()
 *           if r < 0.2:
 *               while len(col) > 2:
 *                   col.pop()                 # shrinks step by step
 *           elif r < 0.3:
 *               del col[len(col) // 4:]       # one shrink
 *           elif r < 0.4:
 *               col.clear()
 *       recent.append(cols)
 *       if len(recent) > 4:
 *           del recent[0]                     # the oldest group dies
 *
 * Each list is a 56-byte object plus an item array that list_resize grows
 * with realloc along 4, 8, 16, 24, 32, 40, 52, 64, 76, ... items, so long
 * lists cross pymalloc's 512-byte threshold (76 items) into the system
 * allocator, and shrinks back (realloc down when fewer than half the slots
 * are used). Columns of several lists grow together, so their reallocs
 * interleave. Items are ints (28 bytes) and 2-tuples (56 bytes; the tuple
 * free list absorbs some); list objects come from the list free list.
 * Python-level details that allocate are kept: len() of a list longer than
 * 256 makes an int, and deleting more than 8 items through a slice mallocs a
 * temporary array of the removed items (list_ass_slice).
 *
 * The program itself is workloads/python/lists.py: `pyrun_<backend>` runs it
 * on a backend, `pytrace` captures its allocations. */
#include "common/rng.h"
#include "workloads/generators.h"
#include "workloads/pymodel.h"
#include "workloads/scratch.h"

#define MAX_COLS 8
#define KEEP_GROUPS 4

typedef struct item {
  uint32_t num;   /* the int base + i */
  uint32_t tuple; /* the 2-tuple holding it, or PY_NO_BLOCK */
} item;

typedef struct column {
  py_list list;
  wl_array items; /* item, in list order */
} column;

typedef struct group {
  py_list cols; /* the outer list */
  unsigned ncols;
  column col[MAX_COLS];
} group;

static void item_die(py_heap *h, item it) {
  if (it.tuple != PY_NO_BLOCK) {
    /* tupledealloc: (base + i, c) loses c (cached), then base + i. */
    py_free(h, it.num);
    py_tuple_free(h, it.tuple, 2);
  } else {
    py_free(h, it.num);
  }
}

/* len(col) as a Python int: allocated above 256, dies after use. */
static void len_int(py_heap *h, uint32_t len) {
  py_free(h, py_int_new(h, len));
}

static void column_clear(py_heap *h, column *c) {
  for (size_t k = c->items.len; k-- > 0;)
    item_die(h, WL_AT(&c->items, item, k));
  c->items.len = 0;
}

static void group_die(py_heap *h, group *g) {
  for (unsigned k = g->ncols; k-- > 0;) {
    column *c = &g->col[k];
    column_clear(h, c);
    py_list_dealloc(h, &c->list);
  }
  py_list_dealloc(h, &g->cols);
}

static uint32_t list_length(pb_rng *rng) {
  unsigned r = (unsigned)pb_rng_below(rng, 100);
  if (r < 70) return (uint32_t)pb_rng_range(rng, 1, 16);
  if (r < 90) return (uint32_t)pb_rng_range(rng, 17, 200);
  if (r < 99) return (uint32_t)pb_rng_range(rng, 201, 2000);
  return (uint32_t)pb_rng_range(rng, 2001, 20000);
}

static void shrink_or_clear(py_heap *h, pb_rng *rng, column *c) {
  py_float_free(h, py_float_new(h)); /* r = random.random() */
  unsigned r = (unsigned)pb_rng_below(rng, 10);
  if (r < 2) {
    /* while len(col) > 2: col.pop()  -- resize first, then the item dies */
    for (;;) {
      len_int(h, c->list.size);
      if (c->list.size <= 2) break;
      item it = WL_AT(&c->items, item, --c->items.len);
      py_list_resize(h, &c->list, c->list.size - 1);
      item_die(h, it);
    }
  } else if (r < 3) {
    /* del col[len(col) // 4:] */
    uint32_t size = c->list.size, low = size / 4, removed = size - low;
    uint32_t len = py_int_new(h, size);
    uint32_t quarter = py_int_new(h, low);
    py_free(h, len);
    /* list_ass_slice copies the doomed items aside: on the stack up to 8,
     * else into a malloc'd array; resizes; then drops them last first. */
    uint32_t recycle = PY_NO_BLOCK;
    if (removed > 8)
      recycle = pb_trace_malloc(h->t, 8 * removed, PB_TOUCH_ARRAY);
    py_list_resize(h, &c->list, low);
    while (c->items.len > low)
      item_die(h, WL_AT(&c->items, item, --c->items.len));
    py_free(h, recycle);
    py_free(h, quarter);
  } else if (r < 4) {
    /* col.clear(): items last first, then the array; the list stays */
    column_clear(h, c);
    py_list_clear(h, &c->list);
  }
}

void pb_generate_lists(pb_trace *t, uint64_t seed, double scale) {
  pb_trace_init(t, "lists", seed, scale);
  py_heap heap, *h = &heap;
  py_heap_init(h, t);
  pb_rng rng = pb_rng_seeded(seed, 3);

  /* Groups live in a ring: KEEP_GROUPS in recent plus the one being built. */
  static const size_t ring = KEEP_GROUPS + 1;
  group groups[KEEP_GROUPS + 1];
  for (size_t g = 0; g < ring; g++)
    for (unsigned k = 0; k < MAX_COLS; k++)
      wl_array_init(&groups[g].col[k].items, sizeof(item));

  py_list recent;
  py_list_new(h, &recent);
  uint32_t base = PY_NO_BLOCK, i = PY_NO_BLOCK; /* the locals base and i */
  uint64_t budget = wl_scaled(1600000, scale);  /* items appended in all */
  size_t oldest = 0, live_groups = 0;

  for (uint64_t appended = 0, next = 0; appended < budget; next++) {
    group *g = &groups[next % ring];

    /* cols = [[] for _ in range(k)] */
    g->ncols = (unsigned)pb_rng_range(&rng, 1, MAX_COLS);
    py_list_new(h, &g->cols);
    for (unsigned k = 0; k < g->ncols; k++) {
      py_list_new(h, &g->col[k].list);
      g->col[k].items.len = 0;
      py_list_append(h, &g->cols);
    }

    /* base = random.randrange(1000, 10**9): the old base dies. */
    uint64_t base_value = pb_rng_range(&rng, 1000, 999999999);
    uint32_t new_base = py_int_new(h, (int64_t)base_value);
    py_free(h, base);
    base = new_base;

    /* The last group stops at the budget, so that size stays linear in
     * scale even at small scales (one list can have 20000 items). */
    uint64_t length = list_length(&rng);
    uint64_t room = (budget - appended + g->ncols - 1) / g->ncols;
    if (length > room) length = room;
    for (uint64_t n = 0; n < length; n++) {
      uint32_t new_i = py_int_new(h, n); /* range yields i; old i dies */
      py_free(h, i);
      i = new_i;
      for (unsigned k = 0; k < g->ncols; k++) {
        column *c = &g->col[k];
        item it = {py_int_new(h, (int64_t)(base_value + n)), PY_NO_BLOCK};
        if (k % 2 == 0) it.tuple = py_tuple_new(h, 2);
        py_list_append(h, &c->list);
        *(item *)wl_array_push(&c->items) = it;
      }
    }
    appended += length * g->ncols;

    for (unsigned k = 0; k < g->ncols; k++)
      shrink_or_clear(h, &rng, &g->col[k]);

    /* recent.append(cols); if len(recent) > 4: del recent[0] */
    py_list_append(h, &recent);
    live_groups++;
    if (live_groups > KEEP_GROUPS) {
      py_list_resize(h, &recent, recent.size - 1);
      group_die(h, &groups[oldest]);
      oldest = (oldest + 1) % ring;
      live_groups--;
    }
  }

  /* The function returns: recent dies (groups last to first), base, i. */
  for (size_t k = live_groups; k-- > 0;)
    group_die(h, &groups[(oldest + k) % ring]);
  py_list_dealloc(h, &recent);
  py_free(h, base);
  py_free(h, i);

  for (size_t g = 0; g < ring; g++)
    for (unsigned k = 0; k < MAX_COLS; k++)
      wl_array_free(&groups[g].col[k].items);
  py_heap_finish(h);
}
