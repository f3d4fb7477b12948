/* pinning: many small objects, 99% freed at random, then other sizes. Models
 *
 *   rows = [(i, str(i)) for i in range(start, start + n)]
 *   survivors = [row for row in rows if rng.random() < 0.01]
 *   del rows                      # 99% die; 1% stay, scattered over pools
 *   texts = ["x" * rng.randint(100, 400) for _ in range(max(1, n // 2))]
 *   total = sum(map(len, texts))
 *   del texts
 *   kept = len(survivors)
 *   del survivors
 *
 * The rows fill pymalloc's 32-byte class (ints, 28 bytes) and 64-byte class
 * (2-tuples, 56 bytes, and strs of 7 digits, 56 bytes). A pool that keeps one
 * survivor can neither be freed nor serve another size class, so after
 * `del rows` pymalloc holds on to nearly all of its arenas although 99% of the
 * bytes are free, and the texts (149..449 bytes: the 160..464-byte classes)
 * need new arenas: the case where pymalloc cannot give memory back. An
 * allocator that reuses free pages across size classes recycles the space.
 * random.random() and randint() results above 256 are real objects too, but
 * short-lived (the float free list absorbs the floats).
 *
 * The program itself is workloads/python/pinning.py: `pyrun_<backend>` runs it
 * on a backend, `pytrace` captures its allocations. */
#include "common/rng.h"
#include "workloads/generators.h"
#include "workloads/pymodel.h"
#include "workloads/scratch.h"

#define ITERATOR_SIZE 48       /* range, range and list iterators */
#define COMPREHENSION_SIZE 152 /* the function object of [... for ...] */
#define MAP_SIZE 48            /* a map object with its GC header */

typedef struct row {
  uint32_t num, text, tuple;
  uint32_t survives;
} row;

/* The objects a comprehension (or map) holds while it runs: n of them,
 * allocated in order; comprehension_end frees them. */
static void comprehension_start(py_heap *h, uint32_t *held, size_t n,
                                const uint32_t *sizes) {
  for (size_t k = 0; k < n; k++)
    held[k] = py_obj_malloc(h, sizes[k], PB_TOUCH_OBJECT);
}

static void comprehension_end(py_heap *h, const uint32_t *held, size_t n) {
  for (size_t k = n; k-- > 0;) py_free(h, held[k]);
}

static void row_die(py_heap *h, const row *r) {
  py_free(h, r->text); /* tupledealloc: items last to first */
  py_free(h, r->num);
  py_tuple_free(h, r->tuple, 2);
}

void pb_generate_pinning(pb_trace *t, uint64_t seed, double scale) {
  pb_trace_init(t, "pinning", seed, scale);
  py_heap heap, *h = &heap;
  py_heap_init(h, t);
  pb_rng rng = pb_rng_seeded(seed, 5);

  const uint64_t n = wl_scaled(1000000, scale);
  const uint64_t start = 1000000 + pb_rng_below(&rng, 1000000);
  wl_array rows;
  wl_array_init(&rows, sizeof(row));
  wl_array_reserve(&rows, n);

  static const uint32_t over_range[] = {COMPREHENSION_SIZE, ITERATOR_SIZE,
                                        ITERATOR_SIZE};
  static const uint32_t over_list[] = {COMPREHENSION_SIZE, ITERATOR_SIZE};
  uint32_t held[3];

  /* rows = [(i, str(i)) for i in range(start, start + n)] */
  comprehension_start(h, held, 3, over_range);
  py_list rows_list;
  py_list_new(h, &rows_list);
  for (uint64_t k = 0; k < n; k++) {
    row *r = wl_array_push(&rows);
    r->num = py_int_new(h, (int64_t)(start + k));
    r->text = py_str_of_int(h, start + k);
    r->tuple = py_tuple_new(h, 2);
    r->survives = 0;
    py_list_append(h, &rows_list);
  }
  comprehension_end(h, held, 3);

  /* survivors = [row for row in rows if rng.random() < 0.01] */
  comprehension_start(h, held, 2, over_list);
  py_list survivors;
  py_list_new(h, &survivors);
  uint64_t kept = 0;
  for (uint64_t k = 0; k < n; k++) {
    py_float_free(h, py_float_new(h));
    if (pb_rng_below(&rng, 100) == 0) {
      WL_AT(&rows, row, k).survives = 1;
      py_list_append(h, &survivors);
      kept++;
    }
  }
  comprehension_end(h, held, 2);

  /* del rows: last to first; a survivor only loses a reference. */
  for (uint64_t k = n; k-- > 0;) {
    const row *r = &WL_AT(&rows, row, k);
    if (!r->survives) row_die(h, r);
  }
  py_list_dealloc(h, &rows_list);

  /* texts = ["x" * rng.randint(100, 400) for _ in range(max(1, n // 2))] */
  const uint64_t m = n / 2 ? n / 2 : 1;
  wl_array texts, lengths;
  wl_array_init(&texts, sizeof(uint32_t));
  wl_array_init(&lengths, sizeof(uint32_t));
  wl_array_reserve(&texts, m);
  wl_array_reserve(&lengths, m);
  comprehension_start(h, held, 3, over_range);
  py_list texts_list;
  py_list_new(h, &texts_list);
  uint32_t counter = PY_NO_BLOCK; /* _ */
  for (uint64_t k = 0; k < m; k++) {
    py_int_rebind(h, &counter, (int64_t)k);
    int64_t len;
    uint32_t len_obj = py_randint(h, &rng, 100, 400, &len);
    uint32_t text = py_str_new(h, (uint32_t)len);
    py_free(h, len_obj);
    py_list_append(h, &texts_list);
    wl_push_u32(&texts, text);
    wl_push_u32(&lengths, (uint32_t)len);
  }
  py_free(h, counter);
  comprehension_end(h, held, 3);

  /* total = sum(map(len, texts)): each len() an int, the sum a C long */
  static const uint32_t mapping[] = {MAP_SIZE, ITERATOR_SIZE};
  comprehension_start(h, held, 2, mapping);
  uint64_t total = 0;
  for (size_t k = 0; k < lengths.len; k++) {
    uint32_t len = WL_AT(&lengths, uint32_t, k);
    py_free(h, py_int_new_unsigned(h, len)); /* len(): exact digits */
    total += len;
  }
  comprehension_end(h, held, 2);
  uint32_t total_obj = py_int_new(h, (int64_t)total);

  /* del texts; kept = len(survivors); del survivors */
  while (texts.len > 0) py_free(h, wl_pop_u32(&texts));
  py_list_dealloc(h, &texts_list);
  uint32_t kept_obj = py_int_new_unsigned(h, kept);
  for (uint64_t k = n; k-- > 0;) {
    const row *r = &WL_AT(&rows, row, k);
    if (r->survives) row_die(h, r);
  }
  py_list_dealloc(h, &survivors);
  py_free(h, kept_obj);
  py_free(h, total_obj);

  wl_array_free(&rows);
  wl_array_free(&texts);
  wl_array_free(&lengths);
  py_heap_finish(h);
}
