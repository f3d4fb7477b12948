/* parallel-churn: every thread its own ints- and tuples-like churn, sharing
 * nothing (how far an allocator scales). Models, on each of --threads
 * threads (workloads/python/parallel_churn.py):
 *
 *   def work(n, a, b, start):
 *       keep = []
 *       total = 0
 *       for i in range(start, start + n):
 *           item = (i * a + b, i * 0.5)
 *           total += item[0] % 1000003
 *           if i % 64 == 0:
 *               keep.append(item)
 *               if len(keep) == 256:
 *                   keep.clear()
 *       return total
 *
 * The n iterations of the standard size are split evenly between the
 * threads, so the trace has the same work at any thread count. Per
 * iteration: i from range (32 bytes; the old i dies), i * a and + b (32
 * each, i * a dying at once), the float (24, through the thread's free
 * list) and the 2-tuple (56, its free list); the remainder (32) and the new
 * total (32; the old one dies). The previous item dies when item is rebound
 * unless keep holds it; keep.clear() frees its 256 tuples with their
 * items, last first. Threads never touch each other's blocks: no hand-off.
 * The trace interleaves the threads one iteration each in turn; a replay
 * runs each thread's ops on its own thread. */
#include "common/map.h"
#include "common/rng.h"
#include "workloads/generators.h"
#include "workloads/scratch.h"
#include "workloads/threaded.h"

/* One thread's loop state. */
typedef struct churn {
  uint64_t i, n, a, b, start;
  uint32_t i_slot, total_slot;
  uint64_t total;
  uint32_t item[3]; /* tuple, int, float of the current item */
  int item_kept;
  py_list keep;
  wl_array kept; /* 3 slots per kept item */
} churn;

static void drop_item(py_heap *h, const uint32_t item[3]) {
  py_tuple_free(h, item[0], 2);
  py_free(h, item[1]);
  py_float_free(h, item[2]);
}

static void step(py_heap *h, churn *c) {
  uint64_t i = c->start + c->i;
  py_int_rebind(h, &c->i_slot, (int64_t)i);
  uint32_t t1 = py_int_new(h, (int64_t)(i * c->a));
  uint32_t x = py_int_new(h, (int64_t)(i * c->a + c->b));
  py_free(h, t1);
  uint32_t f = py_float_new(h);
  uint32_t tuple = py_tuple_new(h, 2);
  /* item = (...): the old item dies unless keep holds it. */
  if (c->item[0] != PY_NO_BLOCK && !c->item_kept) drop_item(h, c->item);
  c->item[0] = tuple;
  c->item[1] = x;
  c->item[2] = f;
  c->item_kept = 0;
  uint64_t x_value = i * c->a + c->b;
  uint32_t rem = py_int_new(h, (int64_t)(x_value % 1000003));
  c->total += x_value % 1000003;
  uint32_t total = py_int_new(h, (int64_t)c->total);
  py_free(h, rem);
  py_free(h, c->total_slot);
  c->total_slot = total;
  if (i % 64 == 0) {
    py_list_append(h, &c->keep);
    for (int k = 0; k < 3; k++) wl_push_u32(&c->kept, c->item[k]);
    c->item_kept = 1;
    if (c->keep.size == 256) {
      while (c->kept.len > 0) {
        uint32_t slots[3];
        for (int k = 2; k >= 0; k--) slots[k] = wl_pop_u32(&c->kept);
        /* The current item is still bound to `item`: it lives on. */
        if (slots[0] == c->item[0]) continue;
        drop_item(h, slots);
      }
      c->item_kept = 0;
      py_list_clear(h, &c->keep);
    }
  }
  c->i++;
}

void pb_generate_parallel_churn_threads(pb_trace *t, uint64_t seed,
                                        double scale, unsigned threads) {
  /* Large: mmap'd, like all trace memory, neither on the stack nor in the
   * program's data (whose layout the allocator's figures should not feel). */
  wl_threads *w = pb_map_or_fail(sizeof *w, "the threads' models");
  wl_threads_init(w, t, "parallel-churn", seed, scale, threads);
  pb_rng rng = pb_rng_seeded(seed, 1);
  const uint64_t n = wl_scaled(400000, scale);
  churn *c = pb_map_or_fail(WL_THREADS_MAX * sizeof *c, "the loops");
  for (unsigned k = 0; k < threads; k++) {
    churn *ck = &c[k];
    *ck = (churn){.n = n / threads + (k < n % threads),
                  .a = pb_rng_range(&rng, 3, 999),
                  .b = pb_rng_range(&rng, 0, 999),
                  .start = 257 + pb_rng_below(&rng, 1u << 20),
                  .i_slot = PY_NO_BLOCK,
                  .total_slot = PY_NO_BLOCK,
                  .item = {PY_NO_BLOCK, PY_NO_BLOCK, PY_NO_BLOCK}};
    py_list_new(wl_on(w, k), &ck->keep);
    wl_array_init(&ck->kept, sizeof(uint32_t));
  }
  for (int busy = 1; busy;) {
    busy = 0;
    for (unsigned k = 0; k < threads; k++) {
      if (c[k].i == c[k].n) continue;
      step(wl_on(w, k), &c[k]);
      busy = 1;
    }
  }
  /* work returns on each thread: item, i and keep die, then total. */
  for (unsigned k = 0; k < threads; k++) {
    py_heap *h = wl_on(w, k);
    churn *ck = &c[k];
    if (ck->item[0] != PY_NO_BLOCK && !ck->item_kept) drop_item(h, ck->item);
    py_free(h, ck->i_slot);
    while (ck->kept.len > 0) {
      uint32_t slots[3];
      for (int j = 2; j >= 0; j--) slots[j] = wl_pop_u32(&ck->kept);
      drop_item(h, slots);
    }
    py_list_dealloc(h, &ck->keep);
    py_free(h, ck->total_slot);
    wl_array_free(&ck->kept);
  }
  wl_threads_finish(w);
  pb_unmap(w, sizeof *w);
  pb_unmap(c, WL_THREADS_MAX * sizeof *c);
}

void pb_generate_parallel_churn(pb_trace *t, uint64_t seed, double scale) {
  pb_generate_parallel_churn_threads(t, seed, scale, WL_THREADS_DEFAULT);
}
