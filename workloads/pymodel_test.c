/* The CPython model: sizes, list growth and shrink, dict tables, free lists,
 * checked against the figures of CPython 3.11 (workloads/pymodel.h). */
#include "workloads/pymodel.h"

#include <string.h>

#include "testing/check.h"

static pb_trace trace;
static py_heap heap;

static py_heap *fresh(void) {
  pb_trace_init(&trace, "pymodel", 0, 1);
  py_heap_init(&heap, &trace);
  return &heap;
}

/* Finishes the heap and checks every block was freed exactly once. */
static void finish(void) {
  py_heap_finish(&heap);
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_validate(&trace, err) == 0, "%s", err);
  pb_trace_profile p;
  pb_trace_profile_compute(&trace, &p);
  PB_CHECK_EQ(p.mallocs + p.callocs, p.frees);
  pb_trace_destroy(&trace);
}

static const pb_op *last_op(void) { return &trace.ops[trace.count - 1]; }

static void test_object_sizes(void) {
  py_heap *h = fresh();
  PB_CHECK_EQ(py_int_size(0), 24);
  PB_CHECK_EQ(py_int_size(257), 28);
  PB_CHECK_EQ(py_int_size((1u << 30) - 1), 28);
  PB_CHECK_EQ(py_int_size(1u << 30), 32);
  PB_CHECK_EQ(py_int_size((1ull << 60) - 1), 32);
  PB_CHECK_EQ(py_int_size(1ull << 60), 36);
  PB_CHECK_EQ(py_int_size((unsigned __int128)1 << 90), 40);

  /* -5..256 are cached: no block, no op. */
  PB_CHECK_EQ(py_int_new(h, -5), PY_NO_BLOCK);
  PB_CHECK_EQ(py_int_new(h, 256), PY_NO_BLOCK);
  PB_CHECK_EQ(trace.count, 0);
  /* From a C integer: a whole PyLongObject below 2**30, else the digits. */
  uint32_t a = py_int_new(h, 257), b = py_int_new(h, -6);
  uint32_t c = py_int_new(h, (int64_t)1 << 40);
  PB_CHECK_EQ(trace.ops[0].size, 32);
  PB_CHECK_EQ(trace.ops[1].size, 32);
  PB_CHECK_EQ(trace.ops[1].touch, PB_TOUCH_OBJECT);
  PB_CHECK_EQ(trace.ops[1].domain, PB_DOMAIN_OBJ);
  PB_CHECK_EQ(trace.ops[2].size, 32);
  /* A general algorithm's result keeps the digits it was allocated with;
   * a small one is freed at once; parsed ints have exact digits. */
  uint32_t d = py_int_result(h, 4, (unsigned __int128)1 << 70);
  PB_CHECK_EQ(last_op()->size, 40);
  uint64_t before = trace.count;
  PB_CHECK_EQ(py_int_result(h, 2, 7), PY_NO_BLOCK);
  PB_CHECK_EQ(trace.count, before + 2);
  PB_CHECK_EQ(last_op()->kind, PB_OP_FREE);
  uint32_t e = py_int_parsed(h, 300);
  PB_CHECK_EQ(last_op()->size, 28);
  /* random.randrange and friends bind self.getrandbits for the call. */
  before = trace.count;
  py_random_below(h);
  PB_CHECK_EQ(trace.count, before + 2);
  PB_CHECK_EQ(trace.ops[before].size, 72);
  PB_CHECK_EQ(last_op()->kind, PB_OP_FREE);

  /* str: 49 + len; "" and one character are singletons. */
  PB_CHECK_EQ(py_str_new(h, 0), PY_NO_BLOCK);
  PB_CHECK_EQ(py_str_new(h, 1), PY_NO_BLOCK);
  uint32_t s = py_str_new(h, 10);
  PB_CHECK_EQ(last_op()->size, 59);

  /* tuple: 40 + 8n; () is a singleton. */
  PB_CHECK_EQ(py_tuple_new(h, 0), PY_NO_BLOCK);
  uint32_t t1 = py_tuple_new(h, 1);
  PB_CHECK_EQ(last_op()->size, 48);
  uint32_t t10 = py_tuple_new(h, 10);
  PB_CHECK_EQ(last_op()->size, 120);
  uint32_t f = py_float_new(h);
  PB_CHECK_EQ(last_op()->size, 24);

  py_free(h, a);
  py_free(h, b);
  py_free(h, c);
  py_free(h, d);
  py_free(h, e);
  py_free(h, s);
  py_tuple_free(h, t1, 1);
  py_tuple_free(h, t10, 10);
  py_float_free(h, f);
  finish();
}

/* The capacities of the notes: 0, 4, 8, 16, 24, 32, 40, 52, 64, 76, 92,
 * 108, 128, 148, 172, 200. */
static void test_list_growth_sequence(void) {
  static const uint32_t expected[] = {4,  8,  16,  24,  32,  40,  52, 64,
                                      76, 92, 108, 128, 148, 172, 200};
  py_heap *h = fresh();
  py_list l;
  py_list_new(h, &l);
  PB_CHECK_EQ(trace.count, 1);
  PB_CHECK_EQ(trace.ops[0].size, 56);
  PB_CHECK_EQ(l.items, PY_NO_BLOCK);
  size_t seen = 0;
  for (uint32_t n = 1; n <= 200; n++) {
    uint64_t before = trace.count;
    py_list_append(h, &l);
    if (trace.count == before) continue;
    const pb_op *op = last_op();
    PB_CHECK(seen < sizeof expected / sizeof expected[0]);
    PB_CHECK_EQ(op->size, 8 * expected[seen]);
    PB_CHECK_EQ(op->kind, seen == 0 ? PB_OP_MALLOC : PB_OP_REALLOC);
    PB_CHECK_EQ(op->touch, PB_TOUCH_ARRAY);
    seen++;
  }
  PB_CHECK_EQ(seen, 15);
  PB_CHECK_EQ(l.allocated, 200);
  /* 76 items is the first array past pymalloc's 512 bytes. */
  PB_CHECK(8 * 64 <= 512 && 8 * 76 > 512);
  py_list_dealloc(h, &l);
  finish();
}

static void test_list_shrinks_below_half(void) {
  py_heap *h = fresh();
  py_list l;
  py_list_new(h, &l);
  for (int i = 0; i < 100; i++) py_list_append(h, &l);
  PB_CHECK_EQ(l.allocated, 108);
  /* pop down to 54 (not below half of 108): no realloc. */
  uint64_t before = trace.count;
  py_list_resize(h, &l, 54);
  PB_CHECK_EQ(trace.count, before);
  /* 53 < 54: realloc to (53 + 6 + 6) & ~3 = 64 items. */
  py_list_resize(h, &l, 53);
  PB_CHECK_EQ(trace.count, before + 1);
  PB_CHECK_EQ(last_op()->kind, PB_OP_REALLOC);
  PB_CHECK_EQ(last_op()->size, 8 * 64);
  PB_CHECK_EQ(l.allocated, 64);
  /* Down to empty: the array goes. */
  py_list_resize(h, &l, 0);
  PB_CHECK_EQ(last_op()->kind, PB_OP_FREE);
  PB_CHECK_EQ(l.items, PY_NO_BLOCK);
  /* A big extend gets exactly its size, rounded up to 4. */
  PB_CHECK_EQ(py_list_capacity(0, 1001), 1004);
  py_list_dealloc(h, &l);
  finish();
}

static void test_list_literal_callocs(void) {
  py_heap *h = fresh();
  py_list l;
  py_list_new_sized(h, &l, 3); /* [a, b, c] */
  PB_CHECK_EQ(last_op()->kind, PB_OP_CALLOC);
  PB_CHECK_EQ(last_op()->size, 24);
  /* The item array is PyMem's, the list object PyObject's. */
  PB_CHECK_EQ(last_op()->domain, PB_DOMAIN_MEM);
  PB_CHECK_EQ(trace.ops[trace.count - 2].domain, PB_DOMAIN_OBJ);
  PB_CHECK_EQ(l.size, 3);
  py_list_dealloc(h, &l);
  finish();
}

static void test_dict_tables(void) {
  /* 32-byte header + index bytes + entries (16 with str keys, else 24). */
  PB_CHECK_EQ(py_dict_keys_size(3, 1), 120);
  PB_CHECK_EQ(py_dict_keys_size(4, 1), 208);
  PB_CHECK_EQ(py_dict_keys_size(5, 1), 400);
  PB_CHECK_EQ(py_dict_keys_size(3, 0), 160);
  PB_CHECK_EQ(py_dict_keys_size(8, 0), 32 + 512 + 24 * 170);

  py_heap *h = fresh();
  py_dict d;
  py_dict_new(h, &d, 1);
  PB_CHECK_EQ(trace.count, 1); /* the dict; the empty keys are shared */
  PB_CHECK_EQ(trace.ops[0].size, 64);
  uint32_t sizes[8];
  int resizes = 0;
  for (int i = 0; i < 22; i++) {
    uint64_t before = trace.count;
    py_dict_insert(h, &d);
    for (uint64_t j = before; j < trace.count; j++)
      if (trace.ops[j].kind == PB_OP_MALLOC)
        sizes[resizes++] = trace.ops[j].size;
  }
  /* Tables for 8, 16, 32, 64 slots: at the 1st, 6th, 11th, 22nd insert. */
  PB_CHECK_EQ(resizes, 4);
  PB_CHECK_EQ(sizes[0], 120);
  PB_CHECK_EQ(sizes[1], 208);
  PB_CHECK_EQ(sizes[2], 400);
  PB_CHECK_EQ(sizes[3], 768);
  py_dict_dealloc(h, &d);

  /* A literal of 6 items is presized for 16 slots; of 5, it is {}. */
  py_dict_new_presized(h, &d, 6, 1);
  PB_CHECK_EQ(d.log2_size, 4);
  for (int i = 0; i < 6; i++) py_dict_insert(h, &d);
  PB_CHECK_EQ(d.log2_size, 4);
  py_dict_dealloc(h, &d);
  py_dict_new_presized(h, &d, 5, 1);
  PB_CHECK_EQ(d.keys, PY_NO_BLOCK);
  py_dict_dealloc(h, &d);
  finish();
}

static void test_free_lists_bypass_the_allocator(void) {
  py_heap *h = fresh();
  uint32_t f[150];
  for (int i = 0; i < 150; i++) f[i] = py_float_new(h);
  PB_CHECK_EQ(trace.count, 150);
  for (int i = 0; i < 150; i++) py_float_free(h, f[i]);
  PB_CHECK_EQ(trace.count, 200); /* 100 kept, 50 freed */
  for (int i = 0; i < 120; i++) f[i] = py_float_new(h);
  PB_CHECK_EQ(trace.count, 220); /* 100 reused, 20 new */
  PB_CHECK_EQ(heap.reused, 100);
  for (int i = 0; i < 120; i++) py_float_free(h, f[i]);

  /* Tuples: a free list per length below 20, none above. */
  uint32_t t = py_tuple_new(h, 3);
  py_tuple_free(h, t, 3);
  uint64_t before = trace.count;
  PB_CHECK_EQ(py_tuple_new(h, 3), t);
  PB_CHECK_EQ(trace.count, before);
  py_tuple_free(h, t, 3);
  uint32_t big = py_tuple_new(h, 20);
  py_tuple_free(h, big, 20);
  PB_CHECK_EQ(last_op()->kind, PB_OP_FREE);

  /* Lists and dicts: the object is reused, not the array or table. */
  py_list l;
  py_list_new(h, &l);
  py_list_append(h, &l);
  uint32_t obj = l.obj;
  py_list_dealloc(h, &l);
  py_list_new(h, &l);
  PB_CHECK_EQ(l.obj, obj);
  py_list_dealloc(h, &l);
  finish(); /* the free lists are emptied into frees */
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(test_object_sizes),
      PB_TEST(test_list_growth_sequence),
      PB_TEST(test_list_shrinks_below_half),
      PB_TEST(test_list_literal_callocs),
      PB_TEST(test_dict_tables),
      PB_TEST(test_free_lists_bypass_the_allocator),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
