/* tuples: records unpacked into tuples of 0..10 ints and floats. Models
 *
 *   keep = []
 *   previous = []
 *   for batch in batches:                      # 20000..60000 records each
 *       rows = []
 *       for rec in batch:
 *           row = struct.unpack(rec.fmt, rec.data)   # 0..10 fields
 *           if row and row[0] < 0:
 *               continue                       # dropped: dies at once
 *           rows.append(row)
 *           if random.random() < 0.01:
 *               keep.append(row)               # long-lived
 *       previous = rows                        # the batch before dies now
 *
 * A tuple of n items requests 40 + 8n bytes (48..120 with its GC header); its
 * ints 28 or 32 bytes unless small (cached), its floats 24. Lifetimes are
 * mixed: a dropped row dies when the next one is unpacked, a batch when the
 * next batch is complete, a kept row at the end.
 *
 * CPython's free lists absorb part of this: up to 2000 dead tuples of each
 * length wait for reuse (so a dying batch of 40000 returns only its overflow
 * to the allocator, and the next batch takes those 2000 back first), 100
 * floats likewise, and the empty tuple is a singleton.
 *
 * The program itself is workloads/python/tuples.py: `pyrun_<backend>` runs it
 * on a backend, `pytrace` captures its allocations. */
#include "common/rng.h"
#include "workloads/generators.h"
#include "workloads/pymodel.h"
#include "workloads/scratch.h"

#define MAX_FIELDS 10

typedef struct row {
  uint32_t tuple;
  uint32_t items[MAX_FIELDS];
  uint16_t float_mask; /* bit j: item j is a float */
  uint8_t n;
  uint8_t kept; /* keep holds a second reference */
} row;

/* struct.unpack: the tuple first, then each field's object. */
static row unpack(py_heap *h, pb_rng *rng) {
  row r = {0};
  r.n = (uint8_t)pb_rng_below(rng, MAX_FIELDS + 1);
  r.tuple = py_tuple_new(h, r.n);
  for (unsigned j = 0; j < r.n; j++) {
    unsigned kind = (unsigned)pb_rng_below(rng, 10);
    if (kind < 3) { /* a double */
      r.items[j] = py_float_new(h);
      r.float_mask |= (uint16_t)(1u << j);
    } else if (kind < 6) { /* a small count or flag: cached */
      r.items[j] = py_int_new(h, (int64_t)pb_rng_below(rng, 257));
    } else if (kind < 9) { /* an id: one digit */
      r.items[j] = py_int_new(h, (int64_t)pb_rng_range(rng, 257, 1 << 29));
    } else { /* a timestamp in microseconds: two digits */
      r.items[j] =
          py_int_new(h, (int64_t)pb_rng_range(rng, 1ull << 50, 1ull << 52));
    }
  }
  return r;
}

/* tupledealloc: items last to first, then the tuple (to its free list). */
static void row_die(py_heap *h, const row *r) {
  for (unsigned j = r->n; j-- > 0;) {
    if (r->float_mask & (1u << j))
      py_float_free(h, r->items[j]);
    else
      py_free(h, r->items[j]);
  }
  py_tuple_free(h, r->tuple, r->n);
}

/* The rows list of a batch dies: rows last to first (a kept row only loses a
 * reference), then the item array and the list object. */
static void batch_die(py_heap *h, py_list *list, wl_array *rows) {
  for (size_t k = rows->len; k-- > 0;) {
    const row *r = &WL_AT(rows, row, k);
    if (!r->kept) row_die(h, r);
  }
  rows->len = 0;
  py_list_dealloc(h, list);
}

void pb_generate_tuples(pb_trace *t, uint64_t seed, double scale) {
  pb_trace_init(t, "tuples", seed, scale);
  py_heap heap, *h = &heap;
  py_heap_init(h, t);
  pb_rng rng = pb_rng_seeded(seed, 2);

  uint64_t remaining = wl_scaled(600000, scale); /* records in all batches */

  py_list keep, previous, rows;
  py_list_new(h, &keep);
  py_list_new(h, &previous);
  wl_array kept, prev_rows, cur_rows;
  wl_array_init(&kept, sizeof(row));
  wl_array_init(&prev_rows, sizeof(row));
  wl_array_init(&cur_rows, sizeof(row));
  row pending = {0}; /* a dropped row, alive until `row` is rebound */
  int have_pending = 0;

  while (remaining > 0) {
    uint64_t size = pb_rng_range(&rng, 20000, 60000);
    if (size > remaining) size = remaining;
    remaining -= size;

    py_list_new(h, &rows);
    for (uint64_t k = 0; k < size; k++) {
      row r = unpack(h, &rng);
      if (have_pending) row_die(h, &pending);
      have_pending = 0;
      if (r.n > 0 && pb_rng_percent(&rng, 25)) {
        pending = r;
        have_pending = 1;
        continue;
      }
      py_list_append(h, &rows);
      /* random.random(): a float that dies at once, so it only cycles
       * through the float free list. */
      py_float_free(h, py_float_new(h));
      if (pb_rng_below(&rng, 100) == 0) {
        r.kept = 1;
        py_list_append(h, &keep);
        *(row *)wl_array_push(&kept) = r;
      }
      *(row *)wl_array_push(&cur_rows) = r;
    }

    /* previous = rows */
    batch_die(h, &previous, &prev_rows);
    previous = rows;
    wl_array swap = prev_rows;
    prev_rows = cur_rows;
    cur_rows = swap;
  }

  /* The function returns: row, previous (the last batch), then keep. */
  if (have_pending) row_die(h, &pending);
  batch_die(h, &previous, &prev_rows);
  for (size_t k = kept.len; k-- > 0;) row_die(h, &WL_AT(&kept, row, k));
  py_list_dealloc(h, &keep);

  wl_array_free(&kept);
  wl_array_free(&prev_rows);
  wl_array_free(&cur_rows);
  py_heap_finish(h);
}
