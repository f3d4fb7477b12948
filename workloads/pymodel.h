/* CPython 3.11's object allocation, as trace operations (64-bit build).
 *
 * The generators describe Python code in terms of objects; this layer turns
 * each object event into what CPython would ask of its allocators, in the
 * domain it asks (PEP 445): objects, strs and dict keys tables from the OBJ
 * domain (PyObject_Malloc), list item arrays and other buffers from the MEM
 * domain (PyMem_Malloc):
 *
 *   - sizes, with the 16-byte GC header of container objects included:
 *     float 24, str 49 + len, tuple 40 + 8n, list 56 plus an item array,
 *     dict 64 plus a keys table; ints as the code that makes them sizes them
 *     (below);
 *   - objects that are never allocated: ints -5..256, the empty tuple, the
 *     empty str and 1-character strs (all cached singletons);
 *   - free lists that bypass the allocator: float (100), list (80), dict
 *     (80), dict keys tables of the minimum size with str keys (80), tuples of
 *     length 1..19 (2000 per length). A dying object goes to its free list
 *     when there is room and a new one takes from it first, so neither reaches
 *     the allocator;
 *   - list_resize (Objects/listobject.c): item arrays grown and shrunk with
 *     realloc along (n + (n >> 3) + 6) & ~3;
 *   - dict resizing (Objects/dictobject.c): a full keys table is replaced by a
 *     new one for used * 3 slots (malloc new, free old; dicts never shrink on
 *     delete).
 *
 * Refcounting stays with the caller: a container's dealloc here frees only
 * its own blocks, after the caller has released its items in CPython's order
 * (a list's items last to first, a dict's entries first to last).
 *
 * Free list storage comes from mmap, like all trace memory. */
#ifndef POOLBENCH_WORKLOADS_PYMODEL_H
#define POOLBENCH_WORKLOADS_PYMODEL_H

#include <stdint.h>

#include "common/rng.h"
#include "workloads/trace.h"

/* The "slot" of an object that owns no block: a cached small int, the empty
 * tuple, None, an interned key. Freeing it does nothing. */
#define PY_NO_BLOCK UINT32_MAX

#define PY_INT_SMALL_MIN (-5)
#define PY_INT_SMALL_MAX 256
#define PY_FLOAT_SIZE 24
#define PY_LIST_SIZE 56
#define PY_DICT_SIZE 64
#define PY_TUPLE_SIZE(n) (40u + 8u * (n))
#define PY_STR_SIZE(len) (49u + (len))
#define PY_TUPLE_MAXSAVESIZE 20 /* tuples shorter than this have free lists */

typedef struct py_freelist {
  uint32_t *slots; /* LIFO of blocks kept for reuse */
  uint32_t count, max;
} py_freelist;

typedef struct py_heap {
  pb_trace *t;
  py_freelist floats, lists, dicts, dict_keys;
  py_freelist tuples[PY_TUPLE_MAXSAVESIZE]; /* by length; [0] unused */
  void *storage;                            /* mmap'd slots of all lists */
  uint64_t reused;                          /* allocations free lists served */
} py_heap;

void py_heap_init(py_heap *h, pb_trace *t);
/* Interpreter exit: empties every free list, freeing its blocks. */
void py_heap_finish(py_heap *h);

/* Frees the block of an int or str (no free list). */
void py_free(py_heap *h, uint32_t slot);

/* A block of size bytes in the OBJ or the MEM domain, for the objects and
 * buffers the helpers below do not make (a bytes object, an iterator, a
 * temporary array). */
uint32_t py_obj_malloc(py_heap *h, uint32_t size, pb_touch touch);
uint32_t py_mem_malloc(py_heap *h, uint32_t size, pb_touch touch);

/* The block just allocated is written whole before anything else happens
 * to it: a buffer the program fills as it makes it (a big int's digits,
 * a bytes object's contents, a copy). Its replay writes it whole too
 * (trace.h's filled touch), so that its pages are resident as the
 * program's are; a kind of touch would write its header, or nothing. */
void py_written_whole(py_heap *h);

/* ---- ints -----------------------------------------------------------------
 * CPython 3.11 (Objects/longobject.c) sizes an int's block by the code that
 * makes it, in 30-bit digits of 4 bytes after a 24-byte header:
 *   - a value made from a C integer (PyLong_FromLong, the arithmetic fast
 *     paths of two medium ints, range(), len()): below 2**30 in magnitude a
 *     whole PyLongObject, 32 bytes, though its one digit needs 28
 *     (_PyLong_FromMedium); above, exactly its digits (_PyLong_FromLarge);
 *   - a result of the general algorithms, once an operand has more than one
 *     digit: the digits the algorithm may need, kept when the value turns
 *     out shorter (the object is normalized, not shrunk): a + b one more
 *     digit than the longer operand (x_add), a * b the sum of their digits
 *     (x_mul), a ^ b and a | b the longer's digits, a & b the shorter's
 *     (long_bitwise), a >> n a's less the whole digits shifted out;
 *   - an int made from an unsigned C integer (PyLong_FromUnsignedLong,
 *     random's getrandbits) or parsed from text (PyLong_FromString):
 *     exactly its digits, 28 bytes for one.
 * The general algorithms and the parser allocate even a result that turns
 * out small (-5..256), then free it for the cached one; the fast paths
 * never allocate one. */

/* 30-bit digits of a magnitude (0 for 0), and 24 + 4 per digit. */
uint32_t py_int_digits(unsigned __int128 magnitude);
uint32_t py_int_size(unsigned __int128 magnitude);
/* A value made from a C integer; PY_NO_BLOCK for the cached -5..256. */
uint32_t py_int_new(py_heap *h, int64_t value);
uint32_t py_int_new_big(py_heap *h, unsigned __int128 magnitude);
/* A value made from an unsigned C integer (PyLong_FromUnsignedLong and
 * friends count its digits: 28 bytes for one). */
uint32_t py_int_new_unsigned(py_heap *h, uint64_t value);
/* A result of a general algorithm allocated with digits digits, of that
 * magnitude: PY_NO_BLOCK when small (allocated, then freed). */
uint32_t py_int_result(py_heap *h, uint32_t digits,
                       unsigned __int128 magnitude);
/* An int parsed from text: PY_NO_BLOCK when small (allocated, then
 * freed). */
uint32_t py_int_parsed(py_heap *h, unsigned __int128 magnitude);

/* for v in range(...) or v += step: the new int is made, then the old value
 * (*slot) dies and *slot holds the new one. */
void py_int_rebind(py_heap *h, uint32_t *slot, int64_t value);

/* ---- floats, strs, tuples ------------------------------------------------ */

uint32_t py_float_new(py_heap *h);
void py_float_free(py_heap *h, uint32_t slot);

/* str(v) of a non-negative int: CPython first converts v into a scratch int
 * of base-10**9 digits (long_to_decimal_string: one more than v's digits,
 * and one per 99), then makes the str; the scratch dies. */
uint32_t py_str_of_int(py_heap *h, uint64_t v);

/* A bytes object of len bytes (33 + len), or its calloc'd form (bytes(n)). */
uint32_t py_bytes_new(py_heap *h, uint32_t len);
uint32_t py_bytes_zeros(py_heap *h, uint32_t len);

/* An ASCII str of len characters; PY_NO_BLOCK for len 0 and 1. */
uint32_t py_str_new(py_heap *h, uint32_t len);

/* len(str(v)): the length of a str made from a non-negative int. */
uint32_t py_decimal_digits(uint64_t v);

/* A tuple of n items (their objects are the caller's); PY_NO_BLOCK for n 0. */
uint32_t py_tuple_new(py_heap *h, uint32_t n);
void py_tuple_free(py_heap *h, uint32_t slot, uint32_t n);

/* ---- the random module ---------------------------------------------------
 * random.Random's randrange, randint and choice reach _randbelow(n), which
 * binds self.getrandbits (a 72-byte builtin method object, made and freed
 * in every call) and draws r = getrandbits(n.bit_length()) until r < n,
 * each draw an int made from an unsigned C integer (Lib/random.py, 3.11).
 * randint(a, b) is randrange(a, b + 1), which computes b + 1 and the width
 * b + 1 - a and returns a + r. random() makes only its float. The draws
 * come from rng, so the counts of ints follow random.py's. */
void py_random_below(py_heap *h);
/* rng.randrange(n) (n >= 1): its value in *value; the result's slot. */
uint32_t py_randrange(py_heap *h, pb_rng *rng, uint64_t n, uint64_t *value);
/* rng.randint(a, b): its value in *value; the result's slot. */
uint32_t py_randint(py_heap *h, pb_rng *rng, int64_t a, int64_t b,
                    int64_t *value);

/* ---- lists ----------------------------------------------------------------
 * The list object and its item array; items are the caller's. */
typedef struct py_list {
  uint32_t obj;   /* the 56-byte list object */
  uint32_t items; /* the item array, PY_NO_BLOCK while NULL */
  uint32_t size, allocated;
} py_list;

/* The capacity list_resize picks when it must reallocate for newsize. */
uint32_t py_list_capacity(uint32_t size, uint32_t newsize);

/* [] : the object only, no item array. */
void py_list_new(py_heap *h, py_list *l);
/* PyList_New(n), as BUILD_LIST [a, b, c] does: the array is calloc'd. */
void py_list_new_sized(py_heap *h, py_list *l, uint32_t n);
/* list.append: list_resize(size + 1). */
void py_list_append(py_heap *h, py_list *l);
/* list_resize(newsize), for pop, del l[i:] and extend. The caller frees the
 * items past newsize (CPython: after the resize for pop). */
void py_list_resize(py_heap *h, py_list *l, uint32_t newsize);
/* list.clear(): frees the array; the caller freed the items (last first). */
void py_list_clear(py_heap *h, py_list *l);
/* list_dealloc: frees the array and the object; items freed by the caller
 * first, last to first. */
void py_list_dealloc(py_heap *h, py_list *l);

/* ---- dicts ----------------------------------------------------------------
 * The dict object and its keys table (hash index plus entries); keys and
 * values are the caller's. */
typedef struct py_dict {
  uint32_t obj;
  uint32_t keys; /* PY_NO_BLOCK: the shared empty keys */
  uint32_t used;
  uint32_t usable; /* entries left before the next resize */
  uint8_t log2_size;
  uint8_t unicode; /* all keys are str: 16-byte entries, else 24 */
} py_dict;

/* Bytes of a keys table of 2**log2_size slots. */
uint32_t py_dict_keys_size(unsigned log2_size, int unicode);

/* {} or PyDict_New(). */
void py_dict_new(py_heap *h, py_dict *d, int unicode);
/* A literal {k1: v1, ...} of n items: the table is sized for n up front
 * (dict_new_presized); n <= 5 is PyDict_New(). Insert the n items after. */
void py_dict_new_presized(py_heap *h, py_dict *d, uint32_t n, int unicode);
/* d[new_key] = v: resizes the keys table when it is full. */
void py_dict_insert(py_heap *h, py_dict *d);
/* del d[k]: nothing is freed, the table does not shrink. */
void py_dict_delete(py_heap *h, py_dict *d);
/* dict_dealloc: the keys table, then the object; the caller freed the
 * entries' keys and values first, first entry first. */
void py_dict_dealloc(py_heap *h, py_dict *d);

/* ---- teardown in pieces ---------------------------------------------------
 * The final steps of list_dealloc and dict_dealloc on their own (free list
 * first), for a generator that records a teardown to perform later. */
void py_list_object_free(py_heap *h, uint32_t obj);
void py_dict_object_free(py_heap *h, uint32_t obj);
void py_dict_keys_free(py_heap *h, uint32_t keys, unsigned log2_size,
                       int unicode);

#endif /* POOLBENCH_WORKLOADS_PYMODEL_H */
