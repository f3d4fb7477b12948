/* tuples: fixed-size binary records unpacked into tuples of 0..10 fields.
 * Models
 *
 *   formats = layouts(rng, 64)         # 64 struct.Structs: 0..10 fields of
 *                                      # d (double), B7x (count), H6x (id),
 *                                      # Q (timestamp), weights 3:3:3:1
 *   data = records(rng, remaining)     # bytearray(rng.randbytes(80 * n)),
 *                                      # then data[6::8] = data[7::8] = zeros
 *   keep = []
 *   previous = []
 *   offset = 0
 *   while remaining > 0:
 *       size = min(rng.randint(20000, 60000), remaining)
 *       remaining -= size
 *       rows = []
 *       for _ in range(size):
 *           row = formats[rng.randrange(64)].unpack_from(data, offset)
 *           offset += 80
 *           if row and rng.random() < 0.25:
 *               continue               # dropped: dies when row is rebound
 *           rows.append(row)
 *           if rng.random() < 0.01:
 *               keep.append(row)       # long-lived
 *       previous = rows                # the batch before dies now
 *
 * A tuple of n items requests 40 + 8n bytes (48..120 with its GC header):
 * the tuple first, then its items: doubles as floats (24 bytes), counts as
 * cached small ints, ids as medium ints, timestamps (below 2**48) as
 * two-digit ints, both 32 bytes (pymodel.h). Each record also makes the loop
 * counter and the new offset (32-byte ints that die a record later) and, in
 * randrange, a bound method (72 bytes, freed at once). Lifetimes are mixed:
 * a dropped row dies when the next one is unpacked, a batch when the next
 * batch is complete, a kept row at the end. The records are one bytearray
 * of 80 bytes each, live from the start to the end (80 x 600,000 bytes at
 * scale 1), made from an int and a bytes object of the same size and two
 * zeroed bytes objects of an eighth.
 *
 * CPython's free lists absorb part of this: up to 2000 dead tuples of each
 * length wait for reuse (so a dying batch of 40000 returns only its overflow
 * to the allocator, and the next batch takes those 2000 back first), 100
 * floats likewise, and the empty tuple is a singleton.
 *
 * The program itself is workloads/python/tuples.py: `pyrun_<backend>` runs
 * it on a backend, `pytrace` captures its allocations. */
#include "common/rng.h"
#include "workloads/generators.h"
#include "workloads/pymodel.h"
#include "workloads/scratch.h"

#define MAX_FIELDS 10
#define LAYOUTS 64
#define RECORD 80
#define BYTEARRAY_SIZE 56 /* PyByteArrayObject */

enum { DOUBLE, COUNT, ID, TIMESTAMP };

typedef struct layout {
  uint8_t n;
  uint8_t field[MAX_FIELDS];
} layout;

typedef struct row {
  uint32_t tuple;
  uint32_t items[MAX_FIELDS];
  uint16_t float_mask; /* bit j: item j is a float */
  uint8_t n;
  uint8_t kept; /* keep holds a second reference */
} row;

/* rng.choices(FIELDS, WEIGHTS, k=rng.randint(0, 10)) */
static void draw_layouts(pb_rng *rng, layout *layouts) {
  for (int k = 0; k < LAYOUTS; k++) {
    layouts[k].n = (uint8_t)pb_rng_below(rng, MAX_FIELDS + 1);
    for (unsigned j = 0; j < layouts[k].n; j++) {
      unsigned w = (unsigned)pb_rng_below(rng, 10);
      layouts[k].field[j] = w < 3   ? DOUBLE
                            : w < 6 ? COUNT
                            : w < 9 ? ID
                                    : TIMESTAMP;
    }
  }
}

/* unpack_from: the tuple first, then each field's object. */
static row unpack(py_heap *h, pb_rng *rng, const layout *l) {
  row r = {0};
  r.n = l->n;
  r.tuple = py_tuple_new(h, r.n);
  for (unsigned j = 0; j < r.n; j++) {
    switch (l->field[j]) {
      case DOUBLE:
        r.items[j] = py_float_new(h);
        r.float_mask |= (uint16_t)(1u << j);
        break;
      case COUNT: /* one byte: a cached small int */
        r.items[j] = PY_NO_BLOCK;
        break;
      case ID: /* two bytes */
        r.items[j] = py_int_new(h, (int64_t)pb_rng_below(rng, 1 << 16));
        break;
      default: /* six bytes */
        r.items[j] = py_int_new(h, (int64_t)pb_rng_below(rng, 1ull << 48));
        break;
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

/* The records' bytearray: made from rng.randbytes' bytes (which random.py
 * makes as getrandbits(8 * n).to_bytes(n): an array of words, then an int
 * of 8n bits); the
 * zeroed slices assigned to every eighth byte, twice. The words, the int,
 * the bytes and the bytearray's buffer are each written whole as they are
 * made (the random words, the digits, their bytes, the copy), about 12 MB
 * each at the comparison scale: resident in the program, so in the
 * replay. */
static void make_records(py_heap *h, uint64_t count, uint32_t *object,
                         uint32_t *buffer) {
  uint32_t bytes = (uint32_t)(RECORD * count);
  /* getrandbits fills an array of 32-bit words (PyMem) and makes the int
   * from it: glibc maps and unmaps the array, which raises its dynamic
   * mmap threshold above the blocks that follow. */
  uint32_t words = py_mem_malloc(h, 4 * ((8 * bytes + 31) / 32), PB_TOUCH_NONE);
  py_written_whole(h);
  uint32_t bits =
      py_obj_malloc(h, 24 + 4 * ((8 * bytes + 29) / 30), PB_TOUCH_NONE);
  py_written_whole(h);
  py_free(h, words);
  uint32_t random = py_bytes_new(h, bytes);
  py_written_whole(h);
  py_free(h, bits);
  *object = py_obj_malloc(h, BYTEARRAY_SIZE, PB_TOUCH_OBJECT);
  *buffer = py_obj_malloc(h, bytes + 1, PB_TOUCH_NONE);
  py_written_whole(h);
  py_free(h, random);
  for (int k = 0; k < 2; k++) py_free(h, py_bytes_zeros(h, bytes / 8));
}

void pb_generate_tuples(pb_trace *t, uint64_t seed, double scale) {
  pb_trace_init(t, "tuples", seed, scale);
  py_heap heap, *h = &heap;
  py_heap_init(h, t);
  pb_rng rng = pb_rng_seeded(seed, 2);

  uint64_t remaining = wl_scaled(600000, scale); /* records in all batches */
  layout layouts[LAYOUTS];
  draw_layouts(&rng, layouts);
  uint32_t data_object, data_buffer;
  make_records(h, remaining, &data_object, &data_buffer);

  py_list keep, previous, rows;
  py_list_new(h, &keep);
  py_list_new(h, &previous);
  wl_array kept, prev_rows, cur_rows;
  wl_array_init(&kept, sizeof(row));
  wl_array_init(&prev_rows, sizeof(row));
  wl_array_init(&cur_rows, sizeof(row));
  row pending = {0}; /* a dropped row, alive until `row` is rebound */
  int have_pending = 0;
  uint32_t offset = PY_NO_BLOCK, counter = PY_NO_BLOCK, size_int = PY_NO_BLOCK;
  uint64_t offset_value = 0;

  while (remaining > 0) {
    int64_t drawn;
    py_free(h, py_randint(h, &rng, 20000, 60000, &drawn));
    uint64_t size = (uint64_t)drawn < remaining ? (uint64_t)drawn : remaining;
    py_int_rebind(h, &size_int, (int64_t)size); /* min(...) */
    remaining -= size;

    py_list_new(h, &rows);
    for (uint64_t k = 0; k < size; k++) {
      py_int_rebind(h, &counter, (int64_t)k); /* for _ in range(size) */
      uint64_t which; /* rng.randrange(64): a cached small int */
      py_randrange(h, &rng, LAYOUTS, &which);
      row r = unpack(h, &rng, &layouts[which]);
      if (have_pending) row_die(h, &pending);
      have_pending = 0;
      offset_value += RECORD;
      py_int_rebind(h, &offset, (int64_t)offset_value);
      py_float_free(h, py_float_new(h)); /* rng.random() */
      if (r.n > 0 && pb_rng_percent(&rng, 25)) {
        pending = r;
        have_pending = 1;
        continue;
      }
      py_list_append(h, &rows);
      py_float_free(h, py_float_new(h)); /* rng.random() */
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

  /* main returns: its locals die (data, formats' users, row, previous,
   * keep, the ints). */
  if (have_pending) row_die(h, &pending);
  batch_die(h, &previous, &prev_rows);
  for (size_t k = kept.len; k-- > 0;) row_die(h, &WL_AT(&kept, row, k));
  py_list_dealloc(h, &keep);
  py_free(h, data_buffer);
  py_free(h, data_object);
  py_free(h, offset);
  py_free(h, counter);
  py_free(h, size_int);

  wl_array_free(&kept);
  wl_array_free(&prev_rows);
  wl_array_free(&cur_rows);
  py_heap_finish(h);
}
