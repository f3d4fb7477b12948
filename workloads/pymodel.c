/* CPython 3.11's object allocation as trace operations: see pymodel.h. */
#include "workloads/pymodel.h"

#include <string.h>

#include "common/map.h"

/* Free list bounds of CPython 3.11 (PyFloat_MAXFREELIST, PyList_MAXFREELIST,
 * PyDict_MAXFREELIST, PyTuple_MAXFREELIST). */
#define FLOAT_FREELIST 100
#define LIST_FREELIST 80
#define DICT_FREELIST 80
#define TUPLE_FREELIST 2000
#define DICT_LOG_MINSIZE 3

static size_t storage_slots(void) {
  return FLOAT_FREELIST + LIST_FREELIST + 2 * DICT_FREELIST +
         (PY_TUPLE_MAXSAVESIZE - 1) * TUPLE_FREELIST;
}

static void carve(py_freelist *fl, uint32_t **next, uint32_t max) {
  fl->slots = *next;
  fl->count = 0;
  fl->max = max;
  *next += max;
}

void py_heap_init(py_heap *h, pb_trace *t) {
  memset(h, 0, sizeof *h);
  h->t = t;
  size_t bytes = storage_slots() * sizeof(uint32_t);
  void *p = pb_map_or_fail(bytes, "the object model's free lists");
  h->storage = p;
  uint32_t *next = p;
  carve(&h->floats, &next, FLOAT_FREELIST);
  carve(&h->lists, &next, LIST_FREELIST);
  carve(&h->dicts, &next, DICT_FREELIST);
  carve(&h->dict_keys, &next, DICT_FREELIST);
  for (int n = 1; n < PY_TUPLE_MAXSAVESIZE; n++)
    carve(&h->tuples[n], &next, TUPLE_FREELIST);
}

static void drain(py_heap *h, py_freelist *fl) {
  while (fl->count > 0) pb_trace_free(h->t, fl->slots[--fl->count]);
}

void py_heap_finish(py_heap *h) {
  /* CPython's order (clear_freelists): tuples, floats, lists, dicts (the
   * objects, then the keys tables); each free list most recent first. */
  for (int n = 1; n < PY_TUPLE_MAXSAVESIZE; n++) drain(h, &h->tuples[n]);
  drain(h, &h->floats);
  drain(h, &h->lists);
  drain(h, &h->dicts);
  drain(h, &h->dict_keys);
  pb_unmap(h->storage, storage_slots() * sizeof(uint32_t));
  memset(h, 0, sizeof *h);
}

uint32_t py_obj_malloc(py_heap *h, uint32_t size, pb_touch touch) {
  pb_trace_set_domain(h->t, PB_DOMAIN_OBJ);
  return pb_trace_malloc(h->t, size, touch);
}

uint32_t py_mem_malloc(py_heap *h, uint32_t size, pb_touch touch) {
  pb_trace_set_domain(h->t, PB_DOMAIN_MEM);
  return pb_trace_malloc(h->t, size, touch);
}

void py_written_whole(py_heap *h) {
  uint64_t op = h->t->count - 1;
  uint32_t size = h->t->ops[op].size;
  pb_trace_set_filled(h->t, op, pb_touch_filled(size, size));
}

static uint32_t mem_calloc(py_heap *h, uint32_t size, pb_touch touch) {
  pb_trace_set_domain(h->t, PB_DOMAIN_MEM);
  return pb_trace_calloc(h->t, size, touch);
}

/* An object of size bytes, from the free list when it has one. */
static uint32_t take(py_heap *h, py_freelist *fl, uint32_t size,
                     pb_touch touch) {
  if (fl->count > 0) {
    h->reused++;
    return fl->slots[--fl->count];
  }
  return py_obj_malloc(h, size, touch);
}

/* A dying block goes to the free list when it has room. */
static void give(py_heap *h, py_freelist *fl, uint32_t slot) {
  if (fl->count < fl->max)
    fl->slots[fl->count++] = slot;
  else
    pb_trace_free(h->t, slot);
}

void py_free(py_heap *h, uint32_t slot) {
  if (slot != PY_NO_BLOCK) pb_trace_free(h->t, slot);
}

/* ---- ints, floats, strs, tuples ------------------------------------------ */

#define PY_MEDIUM_INT_SIZE 32    /* sizeof(PyLongObject), one digit */
#define PY_BOUND_BUILTIN_SIZE 72 /* PyCFunctionObject with its GC header */

uint32_t py_int_digits(unsigned __int128 magnitude) {
  uint32_t digits = 0;
  for (; magnitude; magnitude >>= 30) digits++;
  return digits;
}

uint32_t py_int_size(unsigned __int128 magnitude) {
  return 24 + 4 * py_int_digits(magnitude);
}

/* An int that is not cached, made from a C integer. */
static uint32_t from_c_integer(py_heap *h, unsigned __int128 magnitude) {
  uint32_t size = py_int_digits(magnitude) <= 1 ? PY_MEDIUM_INT_SIZE
                                                : py_int_size(magnitude);
  return py_obj_malloc(h, size, PB_TOUCH_OBJECT);
}

uint32_t py_int_new_big(py_heap *h, unsigned __int128 magnitude) {
  if (magnitude <= PY_INT_SMALL_MAX) return PY_NO_BLOCK;
  return from_c_integer(h, magnitude);
}

uint32_t py_int_new(py_heap *h, int64_t value) {
  if (value >= PY_INT_SMALL_MIN && value <= PY_INT_SMALL_MAX)
    return PY_NO_BLOCK;
  return from_c_integer(h, value < 0 ? 0 - (uint64_t)value : (uint64_t)value);
}

uint32_t py_int_new_unsigned(py_heap *h, uint64_t value) {
  if (value <= PY_INT_SMALL_MAX) return PY_NO_BLOCK;
  return py_obj_malloc(h, py_int_size(value), PB_TOUCH_OBJECT);
}

uint32_t py_int_result(py_heap *h, uint32_t digits,
                       unsigned __int128 magnitude) {
  uint32_t slot =
      py_obj_malloc(h, 24 + 4 * (digits ? digits : 1), PB_TOUCH_OBJECT);
  if (magnitude > PY_INT_SMALL_MAX) return slot;
  pb_trace_free(h->t, slot); /* maybe_small_long: the cached one instead */
  return PY_NO_BLOCK;
}

uint32_t py_int_parsed(py_heap *h, unsigned __int128 magnitude) {
  return py_int_result(h, py_int_digits(magnitude), magnitude);
}

void py_int_rebind(py_heap *h, uint32_t *slot, int64_t value) {
  uint32_t made = py_int_new(h, value);
  py_free(h, *slot);
  *slot = made;
}

void py_random_below(py_heap *h) {
  pb_trace_free(h->t, py_obj_malloc(h, PY_BOUND_BUILTIN_SIZE, PB_TOUCH_OBJECT));
}

uint32_t py_randrange(py_heap *h, pb_rng *rng, uint64_t n, uint64_t *value) {
  uint32_t method = py_obj_malloc(h, PY_BOUND_BUILTIN_SIZE, PB_TOUCH_OBJECT);
  unsigned bits = 0;
  while (bits < 64 && n >> bits) bits++;
  uint64_t r;
  uint32_t slot;
  for (;;) {
    r = bits >= 64 ? pb_rng_next(rng) : pb_rng_below(rng, 1ull << bits);
    slot = py_int_new_unsigned(h, r);
    if (r < n) break;
    py_free(h, slot); /* while r >= n: r = getrandbits(k) */
  }
  py_free(h, method);
  *value = r;
  return slot;
}

uint32_t py_randint(py_heap *h, pb_rng *rng, int64_t a, int64_t b,
                    int64_t *value) {
  uint32_t stop = py_int_new(h, b + 1);
  uint32_t width = py_int_new(h, b + 1 - a);
  uint64_t r;
  uint32_t below = py_randrange(h, rng, (uint64_t)(b + 1 - a), &r);
  *value = a + (int64_t)r;
  uint32_t result = a == 0 ? below : py_int_new(h, *value);
  if (a != 0) py_free(h, below);
  py_free(h, width);
  py_free(h, stop);
  return result;
}

uint32_t py_float_new(py_heap *h) {
  return take(h, &h->floats, PY_FLOAT_SIZE, PB_TOUCH_OBJECT);
}

void py_float_free(py_heap *h, uint32_t slot) { give(h, &h->floats, slot); }

#define PY_BYTES_SIZE(len) (33u + (len))

uint32_t py_str_of_int(py_heap *h, uint64_t v) {
  uint32_t digits = py_int_digits(v) ? py_int_digits(v) : 1;
  uint32_t scratch = py_int_result(h, 1 + digits + digits / 99, UINT64_MAX);
  uint32_t str = py_str_new(h, py_decimal_digits(v));
  py_free(h, scratch);
  return str;
}

uint32_t py_bytes_new(py_heap *h, uint32_t len) {
  return py_obj_malloc(h, PY_BYTES_SIZE(len), PB_TOUCH_OBJECT);
}

uint32_t py_bytes_zeros(py_heap *h, uint32_t len) {
  pb_trace_set_domain(h->t, PB_DOMAIN_OBJ);
  return pb_trace_calloc(h->t, PY_BYTES_SIZE(len), PB_TOUCH_OBJECT);
}

uint32_t py_str_new(py_heap *h, uint32_t len) {
  if (len <= 1) return PY_NO_BLOCK; /* "" and latin-1 chars are singletons */
  return py_obj_malloc(h, PY_STR_SIZE(len), PB_TOUCH_OBJECT);
}

uint32_t py_tuple_new(py_heap *h, uint32_t n) {
  if (n == 0) return PY_NO_BLOCK; /* () is a singleton */
  if (n < PY_TUPLE_MAXSAVESIZE)
    return take(h, &h->tuples[n], PY_TUPLE_SIZE(n), PB_TOUCH_OBJECT);
  return py_obj_malloc(h, PY_TUPLE_SIZE(n), PB_TOUCH_OBJECT);
}

void py_tuple_free(py_heap *h, uint32_t slot, uint32_t n) {
  if (n == 0) return;
  if (n < PY_TUPLE_MAXSAVESIZE)
    give(h, &h->tuples[n], slot);
  else
    pb_trace_free(h->t, slot);
}

/* ---- lists ----------------------------------------------------------------
 */

uint32_t py_list_capacity(uint32_t size, uint32_t newsize) {
  if (newsize == 0) return 0;
  uint64_t cap = ((uint64_t)newsize + (newsize >> 3) + 6) & ~(uint64_t)3;
  /* A large extend gets exactly what it asked for, rounded up to 4. */
  if (newsize > size && (uint64_t)newsize - size > cap - newsize)
    cap = ((uint64_t)newsize + 3) & ~(uint64_t)3;
  return cap > UINT32_MAX / 8 ? UINT32_MAX / 8 : (uint32_t)cap;
}

void py_list_new(py_heap *h, py_list *l) {
  l->obj = take(h, &h->lists, PY_LIST_SIZE, PB_TOUCH_OBJECT);
  l->items = PY_NO_BLOCK;
  l->size = l->allocated = 0;
}

void py_list_new_sized(py_heap *h, py_list *l, uint32_t n) {
  py_list_new(h, l);
  if (n > 0) {
    l->items = mem_calloc(h, 8 * n, PB_TOUCH_ARRAY);
    l->size = l->allocated = n;
  }
}

void py_list_resize(py_heap *h, py_list *l, uint32_t newsize) {
  /* Room already, and not less than half used: only the size changes. */
  if (l->allocated >= newsize && newsize >= (l->allocated >> 1)) {
    l->size = newsize;
    return;
  }
  uint32_t cap = py_list_capacity(l->size, newsize);
  if (cap == 0) {
    /* CPython reallocs to 0 bytes here; a replay of realloc(p, 0) is not
     * portable (glibc frees), so the empty array is freed instead. */
    py_free(h, l->items);
    l->items = PY_NO_BLOCK;
  } else if (l->items == PY_NO_BLOCK) {
    l->items = py_mem_malloc(h, 8 * cap, PB_TOUCH_ARRAY); /* realloc(NULL) */
  } else {
    pb_trace_realloc(h->t, l->items, 8 * cap, PB_TOUCH_ARRAY);
  }
  l->size = newsize;
  l->allocated = cap;
}

void py_list_append(py_heap *h, py_list *l) {
  py_list_resize(h, l, l->size + 1);
}

void py_list_clear(py_heap *h, py_list *l) {
  py_free(h, l->items);
  l->items = PY_NO_BLOCK;
  l->size = l->allocated = 0;
}

void py_list_dealloc(py_heap *h, py_list *l) {
  py_list_clear(h, l);
  py_list_object_free(h, l->obj);
  l->obj = PY_NO_BLOCK;
}

void py_list_object_free(py_heap *h, uint32_t obj) { give(h, &h->lists, obj); }

/* ---- dicts ----------------------------------------------------------------
 */

static uint32_t usable_fraction(unsigned log2_size) {
  return (uint32_t)(((uint64_t)2 << log2_size) / 3);
}

uint32_t py_dict_keys_size(unsigned log2_size, int unicode) {
  unsigned log2_index_bytes = log2_size < 8    ? log2_size
                              : log2_size < 16 ? log2_size + 1
                              : log2_size < 32 ? log2_size + 2
                                               : log2_size + 3;
  uint64_t entry = unicode ? 16 : 24; /* (key, value) or (hash, key, value) */
  uint64_t bytes = 32 + ((uint64_t)1 << log2_index_bytes) +
                   entry * usable_fraction(log2_size);
  return bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
}

/* Smallest table of at least minsize slots, never below 8. */
static unsigned log2_keysize(uint64_t minsize) {
  unsigned log2 = DICT_LOG_MINSIZE;
  while (((uint64_t)1 << log2) < minsize) log2++;
  return log2;
}

static uint32_t new_keys(py_heap *h, unsigned log2_size, int unicode) {
  uint32_t size = py_dict_keys_size(log2_size, unicode);
  /* The table is initialized in full (memset), hence PB_TOUCH_ARRAY. */
  if (log2_size == DICT_LOG_MINSIZE && unicode)
    return take(h, &h->dict_keys, size, PB_TOUCH_ARRAY);
  return py_obj_malloc(h, size, PB_TOUCH_ARRAY); /* new_keys_object */
}

void py_dict_keys_free(py_heap *h, uint32_t keys, unsigned log2_size,
                       int unicode) {
  if (keys == PY_NO_BLOCK) return;
  if (log2_size == DICT_LOG_MINSIZE && unicode)
    give(h, &h->dict_keys, keys);
  else
    pb_trace_free(h->t, keys);
}

void py_dict_new(py_heap *h, py_dict *d, int unicode) {
  d->obj = take(h, &h->dicts, PY_DICT_SIZE, PB_TOUCH_OBJECT);
  d->keys = PY_NO_BLOCK;
  d->used = d->usable = 0;
  d->log2_size = 0;
  d->unicode = (uint8_t)(unicode != 0);
}

void py_dict_new_presized(py_heap *h, py_dict *d, uint32_t n, int unicode) {
  if (n <= usable_fraction(DICT_LOG_MINSIZE)) {
    py_dict_new(h, d, unicode);
    return;
  }
  /* estimate_log2_keysize, capped at 2**17 like dict_new_presized. */
  unsigned log2 =
      n > usable_fraction(17) ? 17 : log2_keysize(((uint64_t)n * 3 + 1) / 2);
  d->keys = new_keys(h, log2, unicode); /* the table first, then the dict */
  d->obj = take(h, &h->dicts, PY_DICT_SIZE, PB_TOUCH_OBJECT);
  d->used = 0;
  d->usable = usable_fraction(log2);
  d->log2_size = (uint8_t)log2;
  d->unicode = (uint8_t)(unicode != 0);
}

void py_dict_insert(py_heap *h, py_dict *d) {
  if (d->usable == 0) {
    /* insertion_resize: a table for used * 3 (GROWTH_RATE); the entries move
     * to the new table and the old one is freed. */
    unsigned log2 = log2_keysize((uint64_t)d->used * 3);
    uint32_t keys = new_keys(h, log2, d->unicode);
    py_dict_keys_free(h, d->keys, d->log2_size, d->unicode);
    d->keys = keys;
    d->log2_size = (uint8_t)log2;
    d->usable = usable_fraction(log2) - d->used;
  }
  d->usable--;
  d->used++;
}

void py_dict_delete(py_heap *h, py_dict *d) {
  (void)h;
  d->used--; /* the entry becomes a dummy: usable does not come back */
}

void py_dict_dealloc(py_heap *h, py_dict *d) {
  py_dict_keys_free(h, d->keys, d->log2_size, d->unicode);
  py_dict_object_free(h, d->obj);
  d->keys = d->obj = PY_NO_BLOCK;
}

void py_dict_object_free(py_heap *h, uint32_t obj) { give(h, &h->dicts, obj); }

uint32_t py_decimal_digits(uint64_t v) {
  uint32_t d = 1;
  while (v >= 10) {
    v /= 10;
    d++;
  }
  return d;
}
