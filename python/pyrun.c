/* pyrun_<backend>: python3 with the backend as CPython's allocator.
 *
 *   bazel run //python:pyrun_<backend> -- script.py args...
 *   bazel run //python:pyrun_<backend> -- -c 'print(1)'
 *
 * Before the interpreter starts, the backend this binary is linked with is
 * installed for the MEM and OBJ domains with PyMem_SetAllocator (PEP 445):
 * every PyMem_Malloc and PyObject_Malloc, so every object, list item array,
 * dict table and str, is served by it. The RAW domain stays with the system
 * allocator: CPython calls it without the GIL, from any thread, and the
 * backends are single-threaded (allocator.h). A backend that tells the two
 * domains apart (pb_domain_malloc: pool-debug) is told which one each call
 * comes through, so that it can catch a block freed through the wrong one.
 * Beyond that the program is python3 (interpreter.h), and sys.executable is
 * this binary, so that a child interpreter (subprocess, multiprocessing's
 * spawn) runs on the same backend.
 *
 * A backend that is CPython's own pymalloc (PB_BACKEND_IS_PYMALLOC, declared
 * in allocator/backends.bzl) is left in place: it already is the MEM and OBJ
 * allocator, and installing it through itself would recurse.
 *
 * NAME=VALUE backend parameters are not taken (a script's arguments could
 * look like them): the backend runs with its defaults. PYTHONMALLOC, which
 * would choose another allocator (or wrap it in debug hooks), is refused:
 * any value for the backends, any value but pymalloc for pyrun_cpython.
 *
 * A backend that sizes an address-space reservation up front (pb_expect:
 * the oracle) cannot be told a program's demand, which nothing knows before
 * the program runs. pyrun asks for DEFAULT_DEMAND bytes of requests (the
 * oracle then reserves about 1.3 times that, MAP_NORESERVE, so nothing is
 * committed until used); under ulimit -v the oracle takes half of what the
 * limit leaves instead, and a program that needs more gets MemoryError.
 *
 * Asked to (PB_FOOTPRINT_FD), it reports as it ends the resident memory the
 * allocator cost the program at its peak (python/footprint.h). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocator/allocator.h"
#include "common/fail.h"
#include "python/footprint.h"
#include "python/interpreter.h"

/* 12 GiB of requests: about the 16 GiB the oracle reserves when given no
 * demand at all, which valgrind's address space still holds. */
#define DEFAULT_DEMAND ((uint64_t)12 << 30)

#ifndef PB_BACKEND_IS_PYMALLOC

static void *backend_malloc(void *ctx, size_t size) {
  (void)ctx;
  return pb_malloc(size);
}

static void *backend_calloc(void *ctx, size_t nelem, size_t elsize) {
  (void)ctx;
  return pb_calloc(nelem, elsize);
}

/* realloc(p, 0) returns a minimal block, as CPython expects: the
 * interface defines it so (allocator.h). */
static void *backend_realloc(void *ctx, void *ptr, size_t size) {
  (void)ctx;
  return pb_realloc(ptr, size);
}

static void backend_free(void *ctx, void *ptr) {
  (void)ctx;
  pb_free(ptr);
}

/* The same through the backend's domain entry points; ctx names the
 * domain. */
static pb_py_domain domain_of(void *ctx) { return *(const pb_py_domain *)ctx; }

static void *domain_malloc(void *ctx, size_t size) {
  return pb_domain_malloc(domain_of(ctx), size);
}

static void *domain_calloc(void *ctx, size_t nelem, size_t elsize) {
  return pb_domain_calloc(domain_of(ctx), nelem, elsize);
}

static void *domain_realloc(void *ctx, void *ptr, size_t size) {
  return pb_domain_realloc(domain_of(ctx), ptr, size);
}

static void domain_free(void *ctx, void *ptr) {
  pb_domain_free(domain_of(ctx), ptr);
}

static void install_backend(void) {
  static const pb_py_domain mem = PB_PY_MEM, obj = PB_PY_OBJ;
  if (pb_domain_malloc && pb_domain_calloc && pb_domain_realloc &&
      pb_domain_free) {
    PyMemAllocatorEx m = {(void *)&mem, domain_malloc, domain_calloc,
                          domain_realloc, domain_free};
    PyMemAllocatorEx o = {(void *)&obj, domain_malloc, domain_calloc,
                          domain_realloc, domain_free};
    PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &m);
    PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &o);
    return;
  }
  PyMemAllocatorEx allocator = {NULL, backend_malloc, backend_calloc,
                                backend_realloc, backend_free};
  PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &allocator);
  PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &allocator);
}

#else

static void install_backend(void) {}

#endif

/* PYTHONMALLOC would replace the allocator this program is named after (or
 * wrap it in CPython's debug hooks): refused before anything runs. An empty
 * value is unset to CPython. */
static void refuse_pythonmalloc(void) {
  const char *choice = getenv("PYTHONMALLOC");
  if (!choice || !*choice) return;
#ifdef PB_BACKEND_IS_PYMALLOC
  if (strcmp(choice, "pymalloc") == 0) return;
  pb_fail(PB_EXIT_BAD_INPUT,
          "PYTHONMALLOC=%s would replace the pymalloc this program runs "
          "Python on; unset it (or set it to pymalloc)",
          choice);
#else
  pb_fail(PB_EXIT_BAD_INPUT,
          "PYTHONMALLOC=%s would replace the %s backend this program runs "
          "Python on; unset it",
          choice, pb_name());
#endif
}

/* The process before any library's initializer, so before any allocator
 * started (footprint.h): read by the dynamic loader's first call into the
 * executable (.preinit_array). */
static pb_footprint_reading at_load;
static int at_load_read;

static void read_at_load(void) {
  at_load_read = pb_footprint_read(&at_load) == 0;
}

/* At exit, not on main's return: an uncaught SystemExit (sys.exit, as most
 * scripts end) makes CPython call exit() itself (Py_Exit). */
static int footprint_fd = -1;
static pid_t footprint_pid; /* a child of fork() inherits the handler */

static void report_footprint(void) {
  if (getpid() == footprint_pid) pb_footprint_report(footprint_fd, &at_load);
}

__attribute__((section(".preinit_array"),
               used)) static void (*const read_at_load_entry)(void) =
    read_at_load;

int main(int argc, char **argv) {
  static char name[64];
  snprintf(name, sizeof name, "pyrun_%s", pb_name());
  pb_set_program(name);
  refuse_pythonmalloc();
  char err[PB_ERROR_MAX];
  if (pb_init(NULL, 0, err) != 0) pb_fail(PB_EXIT_BAD_INPUT, "%s", err);
  if (pb_expect) {
    pb_demand demand = {.allocations = 0, .requested_bytes = DEFAULT_DEMAND};
    if (pb_expect(&demand, err) != 0) pb_fail(PB_EXIT_OUT_OF_MEMORY, "%s", err);
  }
  footprint_fd = pb_footprint_take_fd();
  footprint_pid = getpid();
  if (footprint_fd >= 0 && at_load_read && atexit(report_footprint) != 0)
    pb_fail(PB_EXIT_FAILED, "cannot register the footprint's report");
  pb_python_hooks hooks = {.setup = install_backend};
  return pb_python_main(argc, argv, &hooks);
}
