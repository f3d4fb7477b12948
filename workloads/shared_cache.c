/* shared-cache: threads read and replace entries of a shared, long-lived
 * dict, so objects die on threads other than their creators (as
 * free-threaded CPython's GC and refcounting free them). Models
 * workloads/python/shared_cache.py:
 *
 *   def work(cache, events):              # events: this thread's share
 *       total = 0
 *       for index, stamp, replace in events:
 *           key = "k" + str(index)
 *           if replace:
 *               cache[key] = (stamp, str(stamp))
 *           else:
 *               total += cache[key][0]
 *       return total
 *
 * Thread 0 first fills the cache with ENTRIES (scaled) keys, each a str
 * "k<index>" and a value (stamp, str(stamp)): a 2-tuple, an int and a str.
 * Then the events, one in four a replacement, go to the threads in turn.
 * Each event builds its lookup key (str(index), then the concatenation,
 * both temporary); a replacement builds a new value and drops the old one
 * on the replacing thread, whichever thread made it. Putting a value in the
 * dict publishes it: the trace hands its blocks, right after they are made,
 * to the thread that will replace that entry next (or to thread 0, which
 * tears the cache down at the end), so that a replay's hand-off waits only
 * where the program's causality does. Tuples go through the dropping
 * thread's free list (per thread, as in free-threaded CPython). */
#include <sys/mman.h>

#include "common/map.h"
#include "common/rng.h"
#include "workloads/generators.h"
#include "workloads/scratch.h"
#include "workloads/threaded.h"

typedef struct event {
  uint32_t index;  /* the key */
  uint8_t replace; /* 1: a replacement */
  uint8_t next;    /* a replacement: the thread that replaces its value next
                      (or 0, the teardown) */
} event;

typedef struct value {
  uint32_t tuple, stamp, str;
} value;

static value make_value(py_heap *h, uint64_t stamp) {
  value v;
  v.stamp = py_int_new(h, (int64_t)stamp);
  v.str = py_str_of_int(h, stamp);
  v.tuple = py_tuple_new(h, 2);
  return v;
}

static void give_value(wl_threads *w, unsigned from, value v, unsigned to) {
  wl_give(w, from, v.tuple, to);
  wl_give(w, from, v.stamp, to);
  wl_give(w, from, v.str, to);
}

static void drop_value(py_heap *h, value v) {
  py_tuple_free(h, v.tuple, 2);
  py_free(h, v.stamp);
  py_free(h, v.str);
}

/* key = "k" + str(index): both strs are temporaries here (a lookup), the
 * dict keeping its own key. */
static void lookup_key(py_heap *h, uint32_t index) {
  uint32_t digits = py_str_of_int(h, index);
  uint32_t key = py_str_new(h, 1 + py_decimal_digits(index));
  py_free(h, digits);
  py_free(h, key);
}

void pb_generate_shared_cache_threads(pb_trace *t, uint64_t seed, double scale,
                                      unsigned threads) {
  wl_threads *w = pb_map_or_fail(sizeof *w, "the threads' models");
  wl_threads_init(w, t, "shared-cache", seed, scale, threads);
  pb_rng rng = pb_rng_seeded(seed, 1);
  uint64_t entries = wl_scaled(4000, scale);
  if (entries < 16) entries = 16; /* a cache, even at tiny scales */
  const uint64_t n = wl_scaled(400000, scale);

  size_t event_bytes = n * sizeof(event);
  event *events = pb_map_or_fail(event_bytes, "shared-cache's events");
  size_t slot_bytes = entries * sizeof(value);
  value *values = pb_map_or_fail(slot_bytes, "shared-cache's values");
  uint32_t *keys = pb_map_or_fail(entries * sizeof(uint32_t), "its keys");
  uint8_t *next = pb_map_or_fail(entries, "its next replacers");

  for (uint64_t e = 0; e < n; e++)
    events[e] = (event){(uint32_t)pb_rng_below(&rng, entries),
                        (uint8_t)pb_rng_percent(&rng, 25), 0};
  /* Backwards: who replaces each entry after event e (next[] starts at 0:
   * the teardown on thread 0); afterwards next[] holds each entry's first
   * replacer, for the values thread 0 makes first. */
  for (uint64_t e = n; e-- > 0;) {
    if (!events[e].replace) continue;
    events[e].next = next[events[e].index];
    next[events[e].index] = (uint8_t)(e % threads);
  }

  py_heap *h0 = wl_on(w, 0);
  py_dict cache;
  py_dict_new(h0, &cache, 1);
  for (uint64_t k = 0; k < entries; k++) {
    uint32_t digits = py_str_of_int(h0, k);
    keys[k] = py_str_new(h0, 1 + py_decimal_digits(k));
    py_free(h0, digits);
    values[k] = make_value(h0, 1000000 + k);
    py_dict_insert(h0, &cache);
    give_value(w, 0, values[k], next[k]);
  }

  for (uint64_t e = 0; e < n; e++) {
    unsigned self = (unsigned)(e % threads);
    py_heap *h = wl_on(w, self);
    const event *ev = &events[e];
    lookup_key(h, ev->index);
    if (!ev->replace) continue;
    value fresh = make_value(h, 2000000 + e);
    value old = values[ev->index];
    values[ev->index] = fresh;
    give_value(w, self, fresh, ev->next);
    drop_value(wl_on(w, self), old);
  }

  /* The cache dies on thread 0: entries first to last, then its table. */
  h0 = wl_on(w, 0);
  for (uint64_t k = 0; k < entries; k++) {
    py_free(h0, keys[k]);
    drop_value(h0, values[k]);
  }
  py_dict_dealloc(h0, &cache);
  pb_unmap(events, event_bytes);
  pb_unmap(values, slot_bytes);
  pb_unmap(keys, entries * sizeof(uint32_t));
  pb_unmap(next, entries);
  wl_threads_finish(w);
  pb_unmap(w, sizeof *w);
}

void pb_generate_shared_cache(pb_trace *t, uint64_t seed, double scale) {
  pb_generate_shared_cache_threads(t, seed, scale, WL_THREADS_DEFAULT);
}
