/* producer-consumer: producers build objects and hand them through a queue
 * to consumers that use and drop them (concurrent.futures, worker pools).
 * Models workloads/python/producer_consumer.py:
 *
 *   def produce(q, n, first):
 *       for i in range(first, first + n):
 *           kind = i % 4
 *           if kind == 0:
 *               obj = (i, str(i))
 *           elif kind == 1:
 *               obj = {"id": i, "name": str(i)}
 *           elif kind == 2:
 *               obj = str(i) * 3
 *           else:
 *               obj = [i, i + 1, i + 2]
 *           q.put(obj)
 *
 *   def consume(q, n):
 *       total = 0
 *       for _ in range(n):
 *           total += len(q.get())
 *       return total
 *
 * With --threads=N, the first N/2 threads (at least one) produce and the
 * others consume (one thread does both); item j of a producer goes to
 * consumer j mod C, and each consumer holds up to QUEUE_DEPTH items in
 * flight, as a bounded queue does. Every block of an item (tuple, ints and
 * strs; dict and its keys table; str; list and its item array and ints) is
 * made on its producer, handed to its consumer when put on the queue, and
 * freed there: a cross-thread free each, unless a consumer's free list
 * keeps it (tuples, dicts, lists; as free-threaded CPython's per-thread free
 * lists do). The queue's own deque blocks are not modelled. */
#include "common/map.h"
#include "common/rng.h"
#include "workloads/generators.h"
#include "workloads/scratch.h"
#include "workloads/threaded.h"

#define QUEUE_DEPTH 16
#define ITEM_BLOCKS 5

typedef struct item {
  unsigned kind;
  uint32_t slots[ITEM_BLOCKS]; /* the item's objects' blocks */
  py_list list;
  py_dict dict;
} item;

/* Builds item i on producer heap h. */
static item build(py_heap *h, uint64_t i) {
  item it = {.kind = (unsigned)(i % 4)};
  for (int k = 0; k < ITEM_BLOCKS; k++) it.slots[k] = PY_NO_BLOCK;
  switch (it.kind) {
    case 0:
      it.slots[0] = py_int_new(h, (int64_t)i);
      it.slots[1] = py_str_of_int(h, i);
      it.slots[2] = py_tuple_new(h, 2);
      break;
    case 1:
      py_dict_new_presized(h, &it.dict, 2, 1);
      it.slots[0] = py_int_new(h, (int64_t)i);
      py_dict_insert(h, &it.dict);
      it.slots[1] = py_str_of_int(h, i);
      py_dict_insert(h, &it.dict);
      break;
    case 2: {
      uint32_t s = py_str_of_int(h, i);
      it.slots[0] = py_str_new(h, 3 * py_decimal_digits(i));
      py_free(h, s);
      break;
    }
    default:
      it.slots[0] = py_int_new(h, (int64_t)i);
      it.slots[1] = py_int_new(h, (int64_t)i + 1);
      it.slots[2] = py_int_new(h, (int64_t)i + 2);
      py_list_new_sized(h, &it.list, 3);
      break;
  }
  return it;
}

/* q.put(obj): every block of the item goes to consumer `to`. */
static void put(wl_threads *w, unsigned from, item *it, unsigned to) {
  for (int k = 0; k < ITEM_BLOCKS; k++) wl_give(w, from, it->slots[k], to);
  if (it->kind == 1) {
    wl_give(w, from, it->dict.obj, to);
    wl_give(w, from, it->dict.keys, to);
  } else if (it->kind == 3) {
    wl_give(w, from, it->list.obj, to);
    wl_give(w, from, it->list.items, to);
  }
}

/* The consumer drops the item: CPython's dealloc order. */
static void drop(py_heap *h, item *it) {
  switch (it->kind) {
    case 0:
      py_tuple_free(h, it->slots[2], 2);
      py_free(h, it->slots[0]);
      py_free(h, it->slots[1]);
      break;
    case 1:
      py_free(h, it->slots[0]);
      py_free(h, it->slots[1]);
      py_dict_dealloc(h, &it->dict);
      break;
    case 2:
      py_free(h, it->slots[0]);
      break;
    default:
      for (int k = 2; k >= 0; k--) py_free(h, it->slots[k]);
      py_list_dealloc(h, &it->list);
      break;
  }
}

typedef struct consumer {
  item queue[QUEUE_DEPTH]; /* a ring of items in flight */
  unsigned head, count;
} consumer;

static void consume_one(wl_threads *w, unsigned self, consumer *c) {
  drop(wl_on(w, self), &c->queue[c->head]);
  c->head = (c->head + 1) % QUEUE_DEPTH;
  c->count--;
}

void pb_generate_producer_consumer_threads(pb_trace *t, uint64_t seed,
                                           double scale, unsigned threads) {
  wl_threads *w = pb_map_or_fail(sizeof *w, "the threads' models");
  wl_threads_init(w, t, "producer-consumer", seed, scale, threads);
  pb_rng rng = pb_rng_seeded(seed, 1);
  const uint64_t n = wl_scaled(200000, scale);
  unsigned producers = threads / 2 ? threads / 2 : 1;
  unsigned consumers = threads - producers ? threads - producers : 1;
  unsigned first_consumer = threads > 1 ? producers : 0;
  consumer *c = pb_map_or_fail(WL_THREADS_MAX * sizeof *c, "the queues");
  uint64_t first = 1000 + pb_rng_below(&rng, 1u << 20);
  uint64_t made[WL_THREADS_MAX] = {0}, sent = 0;
  for (unsigned k = 0; k < consumers; k++) c[k].head = c[k].count = 0;

  /* Round-robin over producers, one item each; a full queue makes its
   * consumer take the oldest item first. Consumers also drain a little
   * behind the producers, as they run concurrently. */
  while (sent < n) {
    for (unsigned p = 0; p < producers && sent < n; p++) {
      unsigned to = (unsigned)(made[p] % consumers);
      consumer *q = &c[to];
      unsigned ct = first_consumer + to;
      if (q->count == QUEUE_DEPTH) consume_one(w, ct, q);
      uint64_t i = first + p * (n + 1) + made[p]++;
      item it = build(wl_on(w, p), i);
      put(w, p, &it, ct);
      q->queue[(q->head + q->count) % QUEUE_DEPTH] = it;
      q->count++;
      sent++;
      if (pb_rng_percent(&rng, 50) && q->count > 0) consume_one(w, ct, q);
    }
  }
  for (unsigned k = 0; k < consumers; k++)
    while (c[k].count > 0) consume_one(w, first_consumer + k, &c[k]);
  wl_threads_finish(w);
  pb_unmap(w, sizeof *w);
  pb_unmap(c, WL_THREADS_MAX * sizeof *c);
}

void pb_generate_producer_consumer(pb_trace *t, uint64_t seed, double scale) {
  pb_generate_producer_consumer_threads(t, seed, scale, WL_THREADS_DEFAULT);
}
