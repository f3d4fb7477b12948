/* The allocator interface: what every poolbench backend provides.
 *
 * One backend per executable. Each backend is one source file that defines
 * these functions under these exact names, and the build links exactly one of
 * them into each test and runner binary (allocator/backends.bzl). A call to
 * pb_malloc is therefore a direct call to the backend's code: there is no
 * table of function pointers and no per-call indirection. Backends that
 * replace the process's malloc (tcmalloc, jemalloc) cannot share a process
 * with another backend anyway, which is why the choice is made at link time.
 *
 * Lifecycle: call pb_init once, before any other call. pb_init takes the
 * backend's parameters as name=value strings (for example the pool's
 * "layout=3.8"); a backend rejects any parameter it does not know, so the
 * harness passes options through without knowing which backend takes what.
 *
 * Threading: backends are driven from one thread unless the caller says
 * otherwise with pb_threads (below). The pool allocator is single-threaded
 * by design, like pymalloc under the GIL.
 */
#ifndef POOLBENCH_ALLOCATOR_H
#define POOLBENCH_ALLOCATOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every block the interface returns is aligned to at least this. */
#define PB_ALIGNMENT 16

/* mimalloc, tcmalloc and jemalloc serve requests below 16 bytes from an
 * 8-byte size class, so those blocks are only 8-byte aligned. The interface
 * promises 16 (C11's max_align_t on x86-64, and what pymalloc gives), so
 * those backends ask for at least PB_ALIGNMENT bytes: one compare, and never
 * taken for Python's requests (its smallest object is 16 bytes). */
static inline size_t pb_aligned_request(size_t size) {
  return size < PB_ALIGNMENT ? PB_ALIGNMENT : size;
}

/* The same for calloc; a product that overflows is passed on unchanged, for
 * the allocator to refuse. */
static inline void pb_aligned_calloc_request(size_t *nelem, size_t *elsize) {
  size_t total;
  if (!__builtin_mul_overflow(*nelem, *elsize, &total) &&
      total < PB_ALIGNMENT) {
    *nelem = 1;
    *elsize = PB_ALIGNMENT;
  }
}

/* ---- parameters ----------------------------------------------------------
 * Users give a backend's parameters as NAME=VALUE ("layout=3.8",
 * "pool_size=64KiB"); the harness hands them to pb_init without reading
 * them. */

typedef struct pb_param {
  const char *name;  /* "layout", "arena_size", ... */
  const char *value; /* as the user typed it */
} pb_param;

/* The most parameters one backend is given (more is a usage error). */
#define PB_PARAMS_MAX 16

/* Room for the one-line messages pb_init writes on failure. */
#define PB_ERROR_MAX 256

/* The parameter names the backend takes, comma-separated ("layout,
 * arena_size,pool_size,threshold"), or "" when it takes none. The harness
 * passes a user's parameter only to the backends that list it. */
const char *pb_parameters(void);

/* Splits "NAME=VALUE" in place (the first '=' becomes a NUL) into *param.
 * Returns 0, or -1 when text has no '=' or an empty name or value. */
int pb_param_split(char *text, pb_param *param);

/* Initialize the backend. Returns 0 on success; on failure returns -1 and
 * writes one line (no newline) naming the problem into err. Parameters the
 * backend does not take are an error. */
int pb_init(const pb_param *params, size_t nparams, char err[PB_ERROR_MAX]);

/* ---- what the program will ask for (optional) -----------------------------
 * A caller that knows its requests in advance (the runner has the whole
 * trace before it replays it) can tell the backend, so that a backend which
 * must size something up front (the oracle's address-space reservation)
 * sizes it from the work instead of from a guess. */
typedef struct pb_demand {
  uint64_t allocations;     /* malloc, calloc and realloc calls */
  uint64_t requested_bytes; /* the sum of their sizes */
  uint64_t peak_live_bytes; /* the most requested bytes live at once */
} pb_demand;

/* Optional, and therefore declared weak: a backend with no use for it does
 * not define it, and a caller tests `if (pb_expect)` before calling. A backend
 * that defines it does so in the file that defines pb_init (a weak reference
 * does not pull a file out of a library by itself). Called at most once,
 * after pb_init and before the first allocation. Returns 0, or -1 with one
 * line (no newline) in err when the backend cannot meet the demand. */
int pb_expect(const pb_demand *demand, char err[PB_ERROR_MAX])
    __attribute__((weak));

/* ---- CPython's domains (optional) ----------------------------------------
 * pyrun_<backend> serves CPython's MEM and OBJ domains (PEP 445) with the
 * backend. A backend that tells them apart (pool-debug keeps each block's
 * domain and aborts on a block freed through another one, as
 * PYTHONMALLOC=pymalloc_debug does) defines these four, weak as pb_expect
 * is and in the file that defines pb_malloc; pyrun calls them when they are
 * there, and pb_malloc and the others for both domains when not. */
typedef enum pb_py_domain {
  PB_PY_MEM = 'm', /* PyMem_Malloc and friends */
  PB_PY_OBJ = 'o', /* PyObject_Malloc and friends (pb_malloc's domain) */
} pb_py_domain;

void *pb_domain_malloc(pb_py_domain domain, size_t size) __attribute__((weak));
void *pb_domain_calloc(pb_py_domain domain, size_t nelem, size_t elsize)
    __attribute__((weak));
void *pb_domain_realloc(pb_py_domain domain, void *ptr, size_t size)
    __attribute__((weak));
void pb_domain_free(pb_py_domain domain, void *ptr) __attribute__((weak));

/* ---- threads (optional) ---------------------------------------------------
 * A caller that will call the backend from several threads at once (the
 * runner replaying a threaded trace) says so first, once, after pb_init and
 * pb_expect and before the first allocation, with the number of threads,
 * and from then on calls through *calls (on entry: pb_malloc and friends;
 * a backend with per-thread state may put its threaded versions there, so
 * that its one-thread calls pay nothing for threads). The backend answers
 * how it must be called:
 *
 *   PB_THREADS_AS_IS      its calls are thread-safe as they are (the
 *                         system allocators; a backend with no pb_threads
 *                         is taken to answer this);
 *   PB_THREADS_SERIALIZE  the caller holds one lock around every call
 *                         (malloc, calloc, realloc, free, usable_size): a
 *                         backend whose state is not thread-safe (CPython's
 *                         pymalloc; the pool's threads=gil,
 *                         pymalloc as free-threaded CPython would have had
 *                         to run it without a redesign). The lock is the
 *                         caller's, so the one-thread path pays nothing;
 *   -1                    it cannot run threaded as configured (one line,
 *                         no newline, in err).
 *
 * Declared weak, like pb_expect: test `if (pb_threads)`. pb_release,
 * pb_stats_get and pb_stats_print are only ever called while no other
 * thread calls the backend. Each thread that will call the backend calls
 * pb_thread_enter (weak too: a backend with per-thread state defines it)
 * with its index, 0..threads-1, before its first call; an index is never
 * on two threads at once, and may move to another thread once its thread
 * has made its last call (the runner's main thread takes index 0 for the
 * teardown, after every worker has finished). */
typedef struct pb_calls {
  void *(*malloc)(size_t size);
  void *(*calloc)(size_t nelem, size_t elsize);
  void *(*realloc)(void *ptr, size_t size);
  void (*free)(void *ptr);
  size_t (*usable_size)(void *ptr);
} pb_calls;

enum { PB_THREADS_AS_IS = 0, PB_THREADS_SERIALIZE = 1 };
int pb_threads(unsigned threads, pb_calls *calls, char err[PB_ERROR_MAX])
    __attribute__((weak));
void pb_thread_enter(unsigned index) __attribute__((weak));

/* ---- allocation: the C standard's contract --------------------------------
 * pb_malloc(0) returns a unique non-NULL pointer; pb_calloc returns NULL when
 * nelem * elsize overflows; pb_realloc(NULL, n) is pb_malloc(n);
 * pb_free(NULL) does nothing.
 *
 * pb_realloc(p, 0) frees p and returns a minimal valid block, which the
 * caller frees later (it may be p itself, shrunk): what CPython's allocators
 * do (PyObject_Realloc, and PyMem_RawRealloc, which asks the C library for
 * one byte). C11 leaves realloc(p, 0) to the implementation and glibc
 * frees p and returns NULL, which a replay would read as out of memory; so
 * the interface defines it once, as Python sees it, and every backend
 * agrees. NULL means out of memory, with p untouched, as for any size. */
void *pb_malloc(size_t size);
void *pb_calloc(size_t nelem, size_t elsize);
void *pb_realloc(void *ptr, size_t size);
void pb_free(void *ptr);

/* Bytes the allocator really reserved for the block (>= the request). */
size_t pb_usable_size(void *ptr);

/* Give free memory back to the operating system, as far as the backend can:
 * malloc_trim, mi_collect, ReleaseFreeMemory, arena purge. Live blocks are
 * untouched. */
void pb_release(void);

/* ---- identity ------------------------------------------------------------ */

const char *pb_name(void);    /* "glibc", "pool", ... */
const char *pb_version(void); /* the allocator's own version, e.g. "2.36" */

/* The active configuration, for reports ("default", "3.8", "arena=1MiB ...").
 * Backends without parameters return "default". */
const char *pb_config(void);

/* ---- statistics ------------------------------------------------------------
 * Only what the allocator itself reports: a figure it cannot report is absent
 * from the list, never estimated. Standard names, used where the allocator
 * has the figure:
 *
 *   allocated_bytes  bytes in blocks handed out and not yet freed
 *   active_bytes     bytes in pages that hold at least one live block
 *   resident_bytes   bytes the allocator knows to be resident
 *   mapped_bytes     bytes the allocator has mapped from the OS
 *   retained_bytes   bytes mapped (or committed) but free, kept for reuse
 *   system_calls     mmap/munmap/brk calls the allocator made
 *
 * Backends add their own figures after these (the pool's arena counts, ...). */
#define PB_STATS_MAX 64
#define PB_STAT_NAME_MAX 48

typedef struct pb_stat {
  char name[PB_STAT_NAME_MAX];
  uint64_t value;
} pb_stat;

typedef struct pb_stats {
  size_t count;
  pb_stat items[PB_STATS_MAX];
} pb_stats;

/* Fill *stats with what the allocator reports now. */
void pb_stats_get(pb_stats *stats);

/* Print the allocator's own statistics report, in its own format
 * (mi_stats_print, malloc_stats_print, the pool's _debugmallocstats text). */
void pb_stats_print(FILE *out);

/* Helpers for backends and readers of pb_stats (allocator/stats.c). */
void pb_stats_add(pb_stats *stats, const char *name, uint64_t value);
/* Returns 1 and sets *value when the figure is present, 0 when absent. */
int pb_stats_find(const pb_stats *stats, const char *name, uint64_t *value);

/* Helper for backends that take no parameters: 0 when nparams is 0,
 * otherwise -1 with "backend NAME takes no parameter 'X'" in err. */
int pb_params_none(const char *backend, const pb_param *params, size_t nparams,
                   char err[PB_ERROR_MAX]);

#ifdef __cplusplus
}
#endif

#endif /* POOLBENCH_ALLOCATOR_H */
