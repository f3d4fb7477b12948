/* lists: lists built by append, then shrunk, cleared or dropped. Models
 *
 *   recent = []
 *   while appended < budget:                  # budget: items to append
 *       cols = [[] for _ in range(rng.randint(1, 8))]
 *       base = rng.randrange(1000, 10**9)
 *       room = -(-(budget - appended) // len(cols))
 *       n = min(length(rng), room)            # mostly short, some very long
 *       for i in range(n):
 *           for c, col in enumerate(cols):
 *               col.append((base + i, c) if c % 2 == 0 else base + i)
 *       appended += n * len(cols)
 *       for col in cols:
 *           r = rng.random()
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
#define ITERATOR_SIZE 48       /* range, range and list iterators */
#define ENUMERATE_SIZE 72      /* an enumerate object with its GC header */
#define COMPREHENSION_SIZE 152 /* the function object of [... for ...] */

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

/* An object the loop holds while it runs (an iterator). */
static uint32_t loop_object(py_heap *h, uint32_t size) {
  return py_obj_malloc(h, size, PB_TOUCH_OBJECT);
}

/* A medium int made and dropped by an expression. */
static void temporary_int(py_heap *h, int64_t value) {
  py_free(h, py_int_new(h, value));
}

/* len(col) as a Python int: allocated above 256, dies after use. */
static void len_int(py_heap *h, uint32_t len) {
  py_free(h, py_int_new_unsigned(h, len)); /* len(): exact digits */
}

/* A random draw the program makes and drops: rng.randint(a, b). */
static int64_t randint(py_heap *h, pb_rng *rng, int64_t a, int64_t b) {
  int64_t value;
  py_free(h, py_randint(h, rng, a, b, &value));
  return value;
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

static uint32_t list_length(py_heap *h, pb_rng *rng) {
  uint64_t r;
  py_free(h, py_randrange(h, rng, 100, &r));
  if (r < 70) return (uint32_t)randint(h, rng, 1, 16);
  if (r < 90) return (uint32_t)randint(h, rng, 17, 200);
  if (r < 99) return (uint32_t)randint(h, rng, 201, 2000);
  return (uint32_t)randint(h, rng, 2001, 20000);
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
    if (removed > 8) recycle = py_mem_malloc(h, 8 * removed, PB_TOUCH_ARRAY);
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
  /* The locals that hold ints: base, i, room, n, appended. */
  uint32_t base = PY_NO_BLOCK, i = PY_NO_BLOCK, room_int = PY_NO_BLOCK;
  uint32_t n_int = PY_NO_BLOCK, appended_int = PY_NO_BLOCK;
  uint64_t budget = wl_scaled(1600000, scale); /* items appended in all */
  size_t oldest = 0, live_groups = 0;

  for (uint64_t appended = 0, next = 0; appended < budget; next++) {
    group *g = &groups[next % ring];

    /* cols = [[] for _ in range(rng.randint(1, 8))] */
    g->ncols = (unsigned)randint(h, &rng, 1, MAX_COLS);
    uint32_t function = loop_object(h, COMPREHENSION_SIZE);
    uint32_t range = loop_object(h, ITERATOR_SIZE);
    uint32_t iterator = loop_object(h, ITERATOR_SIZE);
    py_list_new(h, &g->cols);
    for (unsigned k = 0; k < g->ncols; k++) {
      py_list_new(h, &g->col[k].list);
      g->col[k].items.len = 0;
      py_list_append(h, &g->cols);
    }
    py_free(h, iterator);
    py_free(h, range);
    py_free(h, function);

    /* base = rng.randrange(1000, 10**9): the old base dies. */
    int64_t base_value; /* randrange(a, b) draws as randint(a, b - 1) */
    uint32_t new_base = py_randint(h, &rng, 1000, 999999999, &base_value);
    py_free(h, base);
    base = new_base;

    /* room = -(-(budget - appended) // len(cols)); n = min(length(), room).
     * The last group stops at the budget, so that size stays linear in
     * scale even at small scales (one list can have 20000 items). */
    int64_t left = (int64_t)(budget - appended);
    temporary_int(h, left);
    temporary_int(h, -left);
    temporary_int(h, -left / (int64_t)g->ncols);
    uint64_t room = (budget - appended + g->ncols - 1) / g->ncols;
    py_int_rebind(h, &room_int, (int64_t)room);
    uint64_t length = list_length(h, &rng);
    if (length > room) length = room;
    py_int_rebind(h, &n_int, (int64_t)length);
    range = loop_object(h, ITERATOR_SIZE);
    iterator = loop_object(h, ITERATOR_SIZE);
    for (uint64_t n = 0; n < length; n++) {
      py_int_rebind(h, &i, (int64_t)n); /* range yields i; old i dies */
      /* for c, col in enumerate(cols) */
      uint32_t enumerate = loop_object(h, ENUMERATE_SIZE);
      uint32_t columns = loop_object(h, ITERATOR_SIZE);
      for (unsigned k = 0; k < g->ncols; k++) {
        column *c = &g->col[k];
        item it = {py_int_new(h, (int64_t)(base_value + n)), PY_NO_BLOCK};
        if (k % 2 == 0) it.tuple = py_tuple_new(h, 2);
        py_list_append(h, &c->list);
        *(item *)wl_array_push(&c->items) = it;
      }
      py_free(h, columns);
      py_free(h, enumerate);
    }
    py_free(h, iterator);
    py_free(h, range);
    /* appended += n * len(cols) */
    temporary_int(h, (int64_t)(length * g->ncols));
    appended += length * g->ncols;
    py_int_rebind(h, &appended_int, (int64_t)appended);

    /* for col in cols: ... */
    uint32_t columns = loop_object(h, ITERATOR_SIZE);
    for (unsigned k = 0; k < g->ncols; k++)
      shrink_or_clear(h, &rng, &g->col[k]);
    py_free(h, columns);

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
  py_free(h, room_int);
  py_free(h, n_int);
  py_free(h, appended_int);

  for (size_t g = 0; g < ring; g++)
    for (unsigned k = 0; k < MAX_COLS; k++)
      wl_array_free(&groups[g].col[k].items);
  py_heap_finish(h);
}
