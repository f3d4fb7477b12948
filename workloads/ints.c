/* ints: arithmetic churn on Python ints. Models
 *
 *   def churn(n, a, b, h, start):        # a, b, h, start drawn from the seed
 *       keep = []
 *       total = 0
 *       for i in range(start, start + n):
 *           x = i * a + b
 *           total += x * x % 1000003
 *           h = (h * 1000003 ^ x) & 0xFFFFFFFFFFFFFFFF
 *           if h >> 56 == 0:
 *               keep.append(h)
 *       return total
 *
 * Every operation makes a new int object: 28 bytes below 2**30, 32 below
 * 2**60, 36 below 2**90 (pymalloc's 32- and 48-byte classes), unless the
 * result is a cached small int (-5..256). A temporary operand dies as soon as
 * the operation that consumed it returns, and a variable's old value when the
 * variable is rebound: short-lived blocks, freed in nearly LIFO order. About
 * one h in 256 (those below 2**56) survives in keep until the function returns.
 *
 * The program itself is workloads/python/ints.py: `pyrun_<backend>` runs it
 * on a backend, `pytrace` captures its allocations. */
#include "common/rng.h"
#include "workloads/generators.h"
#include "workloads/pymodel.h"
#include "workloads/scratch.h"

typedef unsigned __int128 u128;

typedef struct pyint {
  u128 value;
  uint32_t slot; /* PY_NO_BLOCK for a cached small int */
} pyint;

static pyint make(py_heap *h, u128 value) {
  pyint r = {value, py_int_new_big(h, value)};
  return r;
}

static void drop(py_heap *h, pyint x) { py_free(h, x.slot); }

void pb_generate_ints(pb_trace *t, uint64_t seed, double scale) {
  pb_trace_init(t, "ints", seed, scale);
  py_heap heap, *h = &heap;
  py_heap_init(h, t);
  pb_rng rng = pb_rng_seeded(seed, 1);

  const uint64_t n = wl_scaled(300000, scale);
  const u128 a = pb_rng_range(&rng, 3, 999);
  const u128 b = pb_rng_range(&rng, 0, 999);
  const u128 start = 257 + pb_rng_below(&rng, 1u << 20);
  const u128 mask = UINT64_MAX;

  py_list keep;
  py_list_new(h, &keep);
  wl_array kept; /* the slots of keep's items, in order */
  wl_array_init(&kept, sizeof(uint32_t));

  /* The argument h is the caller's (a constant, say): not ours to free. */
  pyint hv = {pb_rng_next(&rng), PY_NO_BLOCK};
  int h_in_keep = 0;
  pyint total = {0, PY_NO_BLOCK};
  pyint i = {0, PY_NO_BLOCK}, x = {0, PY_NO_BLOCK};

  for (uint64_t k = 0; k < n; k++) {
    /* for i in range(...): the iterator makes i, then the old i dies. */
    pyint i_new = make(h, start + k);
    drop(h, i);
    i = i_new;

    /* x = i * a + b */
    pyint t1 = make(h, i.value * a);
    pyint t2 = make(h, t1.value + b);
    drop(h, t1);
    drop(h, x);
    x = t2;

    /* total += x * x % 1000003 */
    pyint t3 = make(h, x.value * x.value);
    pyint t4 = make(h, t3.value % 1000003);
    drop(h, t3);
    pyint t5 = make(h, total.value + t4.value);
    drop(h, t4);
    drop(h, total);
    total = t5;

    /* h = (h * 1000003 ^ x) & 0xFFFFFFFFFFFFFFFF */
    pyint t6 = make(h, hv.value * 1000003);
    pyint t7 = make(h, t6.value ^ x.value);
    drop(h, t6);
    pyint t8 = make(h, t7.value & mask);
    drop(h, t7);
    if (!h_in_keep) drop(h, hv); /* kept values live on in keep */
    hv = t8;
    h_in_keep = 0;

    /* if h >> 56 == 0: keep.append(h)   (h >> 56 is a cached small int) */
    if (hv.value >> 56 == 0) {
      py_list_append(h, &keep);
      wl_push_u32(&kept, hv.slot);
      h_in_keep = 1;
    }
  }

  /* churn returns: its locals die (i, x, h unless keep holds it, then keep
   * with its items last to first), and the caller drops total. */
  drop(h, i);
  drop(h, x);
  if (!h_in_keep) drop(h, hv);
  while (kept.len > 0) py_free(h, wl_pop_u32(&kept));
  py_list_dealloc(h, &keep);
  drop(h, total);

  wl_array_free(&kept);
  py_heap_finish(h);
}
