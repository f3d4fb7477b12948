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
 * Every operation makes a new int object unless the result is a cached
 * small int (-5..256), sized as CPython 3.11 sizes it (pymodel.h): i, i * a,
 * + b, x * x and the remainder are medium ints of two operands below 2**30,
 * 32 bytes each; total outgrows 2**30 and is then summed by x_add (one digit
 * more than total: 36 bytes); h is 64-bit, so h * 1000003 takes x_mul's
 * four digits (40 bytes), ^ x and & mask three (36), and h >> 56, below
 * 256, is allocated and freed for the cached int. A temporary operand dies
 * as soon as the operation that consumed it returns, and a variable's old
 * value when the variable is rebound: short-lived blocks, freed in nearly
 * LIFO order. About one h in 256 (those below 2**56) survives in keep until
 * the function returns.
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

/* A value made from C integers: the fast paths of two medium operands. */
static pyint make(py_heap *h, u128 value) {
  pyint r = {value, py_int_new_big(h, value)};
  return r;
}

/* A result of a general algorithm, allocated with digits digits. */
static pyint general(py_heap *h, uint32_t digits, u128 value) {
  pyint r = {value, py_int_result(h, digits, value)};
  return r;
}

static uint32_t digits(u128 v) { return py_int_digits(v); }
static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }
static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* Both operands below 2**30: the arithmetic fast paths apply. */
static int medium(u128 a, u128 b) { return digits(a) <= 1 && digits(b) <= 1; }

static pyint add(py_heap *h, u128 a, u128 b) {
  u128 r = a + b;
  return medium(a, b) ? make(h, r)
                      : general(h, max_u32(digits(a), digits(b)) + 1, r);
}

static pyint mul(py_heap *h, u128 a, u128 b) {
  u128 r = a * b;
  return medium(a, b) ? make(h, r) : general(h, digits(a) + digits(b), r);
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
    pyint t1 = mul(h, i.value, a);
    pyint t2 = add(h, t1.value, b);
    drop(h, t1);
    drop(h, x);
    x = t2;

    /* total += x * x % 1000003: the remainder by one digit is made from a
     * C integer (rem1, fast_mod) */
    pyint t3 = mul(h, x.value, x.value);
    pyint t4 = make(h, t3.value % 1000003);
    drop(h, t3);
    pyint t5 = add(h, total.value, t4.value);
    drop(h, t4);
    drop(h, total);
    total = t5;

    /* h = (h * 1000003 ^ x) & 0xFFFFFFFFFFFFFFFF */
    pyint t6 = mul(h, hv.value, 1000003);
    pyint t7 = general(h, max_u32(digits(t6.value), digits(x.value)),
                       t6.value ^ x.value);
    drop(h, t6);
    pyint t8 =
        general(h, min_u32(digits(t7.value), digits(mask)), t7.value & mask);
    drop(h, t7);
    if (!h_in_keep) drop(h, hv); /* kept values live on in keep */
    hv = t8;
    h_in_keep = 0;

    /* if h >> 56 == 0: keep.append(h). long_rshift allocates h's digits
     * less the one shifted out whole, then finds a small int. */
    uint32_t shifted = digits(hv.value) > 1 ? digits(hv.value) - 1 : 1;
    if (digits(hv.value) > 1) drop(h, general(h, shifted, hv.value >> 56));
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
