/* cpython: the real pymalloc, from Debian's libpython3.11 (CPython 3.11.2),
 * called through the object domain of its C API: PyObject_Malloc, _Calloc,
 * _Realloc and _Free. No interpreter is started: in 3.11 pymalloc's state
 * is static data of libpython, so it serves requests before Py_Initialize,
 * and its report (_PyObject_DebugMallocStats) then shows this process's
 * blocks and nothing else. pb_init checks that: pymalloc must hold no arena
 * before the backend starts.
 *
 * What CPython does with a request (Objects/obmalloc.c, 3.11): 1..512
 * bytes come from pymalloc's pools; 0 bytes and larger requests, and the
 * rare small request pymalloc cannot serve (no arena could be mapped), go to
 * the raw domain, which is the C library's malloc. realloc keeps a block in
 * the allocator that served it.
 *
 * The backend watches pymalloc's arenas through CPython's arena allocator
 * hook (PyObject_SetArenaAllocator, PEP 445), wrapping the allocator already
 * installed, so that every call still reaches the code CPython would run:
 * every arena pymalloc maps or unmaps passes through arena_alloc/arena_free,
 * which record its address in a sorted table. A pointer is pymalloc's
 * exactly when it lies inside a recorded arena: the question pymalloc itself
 * asks its radix tree. That table, which CPython does not export, is what
 * lets pb_usable_size tell pymalloc's blocks from the C library's.
 *
 * Usable size: for a pymalloc block, its size class, read from the header
 * of its pool (below); for a raw block, malloc_usable_size.
 *
 * Statistics: parsed from the text of _PyObject_DebugMallocStats, which
 * pb_stats_print writes unchanged, plus the arena mmap and munmap calls the
 * hook counts. The standard allocated_bytes is absent: pymalloc puts in the
 * raw domain both the blocks it passes on and its own metadata (the arenas
 * vector, 3.11's radix-tree nodes: about 400 KB), and nothing tells them
 * apart short of tracking every pointer; pool_allocated_bytes is pymalloc's
 * share, exactly.
 *
 * Release: pymalloc unmaps a wholly free arena by itself, except one that it
 * keeps against thrashing (bpo-37257); CPython has no call that returns that
 * one. pb_release can only trim the C library's heap, which holds the raw
 * domain's blocks (malloc_trim). */
#include <Python.h> /* first: it sets the feature macros */

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator/allocator.h"
#include "allocator/mallocstats.h"

/* Exported by libpython but declared only in an internal header
 * (Include/internal/pycore_pymem.h, 3.11). Returns 0 when pymalloc is not
 * the object allocator, 1 after writing the report. */
int _PyObject_DebugMallocStats(FILE *out);

/* ---- the pool header, as obmalloc.c 3.11 lays it out ---------------------
 *
 * Every pymalloc pool starts with struct pool_header:
 *
 *   offset  0  ref.count       (a union with a pointer: 8 bytes)
 *           8  freeblock
 *          16  nextpool
 *          24  prevpool
 *          32  arenaindex      (uint)
 *          36  szidx           (uint: the size class of every block)
 *          40  nextoffset, 44 maxnextoffset
 *
 * Pools are POOL_SIZE-aligned, so a block's pool header is its address with
 * the low bits cleared, and class szidx holds blocks of (szidx + 1) x
 * ALIGNMENT bytes. POOL_SIZE, ARENA_SIZE and ALIGNMENT (the threshold over
 * the number of classes) are read from pymalloc's own report in pb_init;
 * only the offset of szidx is taken from the source (cpython_test checks it
 * against every small request size). */
#define POOL_HEADER_SZIDX_OFFSET 36

static size_t pool_size;  /* POOL_SIZE */
static size_t arena_size; /* ARENA_SIZE */
static size_t class_step; /* ALIGNMENT */

/* ---- the arena table ----------------------------------------------------- */

/* The start addresses of the arenas pymalloc holds, ascending. Its memory
 * comes from the C library directly (not through the raw domain). */
static uintptr_t *arena_starts;
static size_t arena_count, arena_capacity;
static uint64_t arena_maps, arena_unmaps, arena_map_failures;
static PyObjectArenaAllocator system_arenas; /* CPython's own: mmap */

/* The number of arenas that start at or below a. */
static size_t arenas_at_or_below(uintptr_t a) {
  size_t lo = 0, hi = arena_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (arena_starts[mid] <= a)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static int pymalloc_owns(const void *p) {
  uintptr_t a = (uintptr_t)p;
  size_t i = arenas_at_or_below(a);
  return i > 0 && a - arena_starts[i - 1] < arena_size;
}

static void *arena_alloc(void *ctx, size_t size) {
  (void)ctx;
  if (arena_count == arena_capacity) {
    size_t capacity = arena_capacity ? 2 * arena_capacity : 64;
    uintptr_t *grown = realloc(arena_starts, capacity * sizeof *grown);
    if (grown == NULL) return NULL; /* pymalloc then goes to the raw domain */
    arena_starts = grown;
    arena_capacity = capacity;
  }
  void *arena = system_arenas.alloc(system_arenas.ctx, size);
  if (arena == NULL) {
    arena_map_failures++;
    return NULL;
  }
  arena_maps++;
  size_t i = arenas_at_or_below((uintptr_t)arena);
  memmove(&arena_starts[i + 1], &arena_starts[i],
          (arena_count - i) * sizeof *arena_starts);
  arena_starts[i] = (uintptr_t)arena;
  arena_count++;
  return arena;
}

static void arena_free(void *ctx, void *arena, size_t size) {
  (void)ctx;
  size_t i = arenas_at_or_below((uintptr_t)arena);
  if (i > 0 && arena_starts[i - 1] == (uintptr_t)arena) {
    memmove(&arena_starts[i - 1], &arena_starts[i],
            (arena_count - i) * sizeof *arena_starts);
    arena_count--;
  }
  arena_unmaps++;
  system_arenas.free(system_arenas.ctx, arena, size);
}

/* ---- the report ---------------------------------------------------------- */

/* Room for the report: about 60 bytes per line, at most 32 classes. */
#define REPORT_MAX 16384

/* Reads pymalloc's report into *m. Returns 0, or -1 with err set. */
static int read_report(pb_mallocstats *m, char err[PB_ERROR_MAX]) {
  static char text[REPORT_MAX];
  FILE *out = fmemopen(text, sizeof text, "w");
  if (out == NULL) {
    snprintf(err, PB_ERROR_MAX, "cannot open a buffer for pymalloc's report");
    return -1;
  }
  int written = _PyObject_DebugMallocStats(out);
  long length = ftell(out);
  fclose(out);
  if (!written) {
    snprintf(err, PB_ERROR_MAX, "pymalloc is not CPython's object allocator");
    return -1;
  }
  if (length < 0 || (size_t)length >= sizeof text) {
    snprintf(err, PB_ERROR_MAX, "pymalloc's report is longer than %d bytes",
             REPORT_MAX);
    return -1;
  }
  text[length] = '\0';
  char why[PB_ERROR_MAX];
  if (pb_mallocstats_parse(text, m, why, sizeof why) != 0) {
    snprintf(err, PB_ERROR_MAX, "pymalloc's report: %.200s", why);
    return -1;
  }
  return 0;
}

/* ---- allocator.h --------------------------------------------------------- */

static int initialized;

/* pymalloc is not thread-safe: CPython calls it holding the GIL. Under
 * threads the caller holds one lock around every call, as the GIL would
 * (allocator.h). */
int pb_threads(unsigned threads, pb_calls *calls, char err[PB_ERROR_MAX]) {
  (void)threads;
  (void)calls;
  (void)err;
  return PB_THREADS_SERIALIZE;
}

int pb_init(const pb_param *params, size_t nparams, char err[PB_ERROR_MAX]) {
  if (pb_params_none("cpython", params, nparams, err) != 0) return -1;
  if (initialized) return 0;
  pb_mallocstats m;
  if (read_report(&m, err) != 0) return -1;
  if (m.arenas_allocated_total != 0) {
    snprintf(err, PB_ERROR_MAX,
             "pymalloc already mapped %llu arenas before pb_init: its report "
             "would not be this backend's alone",
             (unsigned long long)m.arenas_allocated_total);
    return -1;
  }
  if (m.nclasses == 0 || m.threshold % m.nclasses != 0) {
    snprintf(err, PB_ERROR_MAX,
             "pymalloc reports %llu size classes up to %llu bytes: not "
             "classes of one step",
             (unsigned long long)m.nclasses, (unsigned long long)m.threshold);
    return -1;
  }
  pool_size = m.pool_size;
  arena_size = m.arena_size;
  class_step = m.threshold / m.nclasses;
  PyObject_GetArenaAllocator(&system_arenas);
  PyObjectArenaAllocator watched = {NULL, arena_alloc, arena_free};
  PyObject_SetArenaAllocator(&watched);
  initialized = 1;
  return 0;
}

void *pb_malloc(size_t size) { return PyObject_Malloc(size); }
void *pb_calloc(size_t nelem, size_t elsize) {
  return PyObject_Calloc(nelem, elsize);
}
void *pb_realloc(void *ptr, size_t size) { return PyObject_Realloc(ptr, size); }
void pb_free(void *ptr) { PyObject_Free(ptr); }

size_t pb_usable_size(void *ptr) {
  if (!pymalloc_owns(ptr)) return malloc_usable_size(ptr);
  const unsigned char *pool =
      (const unsigned char *)((uintptr_t)ptr & ~(uintptr_t)(pool_size - 1));
  uint32_t szidx;
  memcpy(&szidx, pool + POOL_HEADER_SZIDX_OFFSET, sizeof szidx);
  return ((size_t)szidx + 1) * class_step;
}

void pb_release(void) { malloc_trim(0); }

const char *pb_name(void) { return "cpython"; }

const char *pb_version(void) {
  /* Py_GetVersion(): "3.11.2 (main, ...) [GCC ...]"; the first word. */
  static char version[32];
  snprintf(version, sizeof version, "%s", Py_GetVersion());
  version[strcspn(version, " ")] = '\0';
  return version;
}

const char *pb_config(void) { return "default"; }
const char *pb_parameters(void) { return ""; }

void pb_stats_get(pb_stats *stats) {
  stats->count = 0;
  pb_mallocstats m;
  char err[PB_ERROR_MAX];
  if (read_report(&m, err) != 0) {
    /* The report of the linked libpython no longer parses: no figures,
     * rather than wrong ones. */
    fprintf(stderr, "cpython: %s\n", err);
    return;
  }
  m.arena_mmap_calls = arena_maps;
  m.arena_munmap_calls = arena_unmaps;
  m.arena_mmap_failures = arena_map_failures;
  pb_mallocstats_add(stats, &m);
}

void pb_stats_print(FILE *out) {
  if (!_PyObject_DebugMallocStats(out))
    fputs("cpython: pymalloc is not the object allocator\n", out);
}
