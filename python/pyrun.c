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
 * backends are single-threaded (allocator.h). Beyond that the program is
 * python3 (interpreter.h).
 *
 * A backend that is CPython's own pymalloc (PB_BACKEND_IS_PYMALLOC, declared
 * in allocator/backends.bzl) is left in place: it already is the MEM and OBJ
 * allocator, and installing it through itself would recurse.
 *
 * NAME=VALUE backend parameters are not taken (a script's arguments could
 * look like them): the backend runs with its defaults. PYTHONMALLOC, which
 * would choose another allocator, is refused. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdio.h>
#include <stdlib.h>

#include "allocator/allocator.h"
#include "common/fail.h"
#include "python/interpreter.h"

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

static void install_backend(void) {
  PyMemAllocatorEx allocator = {NULL, backend_malloc, backend_calloc,
                                backend_realloc, backend_free};
  PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &allocator);
  PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &allocator);
}

#else

static void install_backend(void) {}

#endif

int main(int argc, char **argv) {
  static char name[64];
  snprintf(name, sizeof name, "pyrun_%s", pb_name());
  pb_set_program(name);
#ifndef PB_BACKEND_IS_PYMALLOC
  const char *choice = getenv("PYTHONMALLOC");
  if (choice && *choice)
    pb_fail(PB_EXIT_BAD_INPUT,
            "PYTHONMALLOC=%s would replace the %s backend this program runs "
            "Python on; unset it",
            choice, pb_name());
#endif
  char err[PB_ERROR_MAX];
  if (pb_init(NULL, 0, err) != 0) pb_fail(PB_EXIT_BAD_INPUT, "%s", err);
  return pb_python_main(argc, argv, install_backend);
}
