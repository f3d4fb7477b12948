/* pinning: many small objects, 99% freed at random, then other sizes. Models
 *
 *   rows = [(i, str(i)) for i in range(start, start + n)]
 *   survivors = [row for row in rows if random.random() < 0.01]
 *   del rows                      # 99% die; 1% stay, scattered over pools
 *   texts = ["x" * random.randint(100, 400) for _ in range(n // 2)]
 *   del texts
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

typedef struct row {
  uint32_t num, text, tuple;
  uint32_t survives;
} row;

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

  /* rows = [(i, str(i)) for i in range(start, start + n)] */
  py_list rows_list;
  py_list_new(h, &rows_list);
  for (uint64_t k = 0; k < n; k++) {
    row *r = wl_array_push(&rows);
    r->num = py_int_new(h, (int64_t)(start + k));
    r->text = py_str_new(h, py_decimal_digits(start + k));
    r->tuple = py_tuple_new(h, 2);
    r->survives = 0;
    py_list_append(h, &rows_list);
  }

  /* survivors = [row for row in rows if random.random() < 0.01] */
  py_list survivors;
  py_list_new(h, &survivors);
  for (uint64_t k = 0; k < n; k++) {
    py_float_free(h, py_float_new(h));
    if (pb_rng_below(&rng, 100) == 0) {
      WL_AT(&rows, row, k).survives = 1;
      py_list_append(h, &survivors);
    }
  }

  /* del rows: last to first; a survivor only loses a reference. */
  for (uint64_t k = n; k-- > 0;) {
    const row *r = &WL_AT(&rows, row, k);
    if (!r->survives) row_die(h, r);
  }
  py_list_dealloc(h, &rows_list);

  /* texts = ["x" * random.randint(100, 400) for _ in range(n // 2)] */
  const uint64_t m = n / 2 ? n / 2 : 1;
  wl_array texts;
  wl_array_init(&texts, sizeof(uint32_t));
  wl_array_reserve(&texts, m);
  py_list texts_list;
  py_list_new(h, &texts_list);
  for (uint64_t k = 0; k < m; k++) {
    uint32_t len = (uint32_t)pb_rng_range(&rng, 100, 400);
    uint32_t len_obj = py_int_new(h, len); /* randint's result */
    uint32_t text = py_str_new(h, len);
    py_free(h, len_obj);
    py_list_append(h, &texts_list);
    wl_push_u32(&texts, text);
  }

  /* del texts; del survivors */
  while (texts.len > 0) py_free(h, wl_pop_u32(&texts));
  py_list_dealloc(h, &texts_list);
  for (uint64_t k = n; k-- > 0;) {
    const row *r = &WL_AT(&rows, row, k);
    if (r->survives) row_die(h, r);
  }
  py_list_dealloc(h, &survivors);

  wl_array_free(&rows);
  wl_array_free(&texts);
  py_heap_finish(h);
}
