/* The capture records what CPython asks for, domain by domain: a program
 * with known allocations runs under it, and the trace must hold them with
 * their sizes, domains and touches (how far the program wrote each), freed
 * where the program frees them. */
#include "python/capture.h"

#include <sys/wait.h>
#include <unistd.h>

#include "python/interpreter.h"
#include "testing/check.h"

static pb_trace trace;

static void start(void) { pb_capture_start(&trace); }

/* [None] * n mallocs an item array of n pointers in the MEM domain
 * (list_repeat); a bytearray mallocs size + 1 bytes for its buffer in the
 * OBJ domain and grows it with realloc; bytes(n) callocs its object with the
 * n bytes inside (33 bytes of header and NUL). */
static const char program[] =
    "items = [None] * 54321\n"
    "buffer = bytearray(123457)\n"
    "buffer.extend(bytes(300000))\n"
    "del items, buffer\n";

/* The first op of that kind and size, or NULL. */
static const pb_op *find(pb_op_kind kind, uint32_t size, uint64_t *index) {
  for (uint64_t i = 0; i < trace.count; i++)
    if (trace.ops[i].kind == kind && trace.ops[i].size == size) {
      *index = i;
      return &trace.ops[i];
    }
  return NULL;
}

/* The index of the op that frees slot after op from, or 0. */
static uint64_t freed_after(uint32_t slot, uint64_t from) {
  for (uint64_t i = from + 1; i < trace.count; i++) {
    if (trace.ops[i].slot != slot) continue;
    if (trace.ops[i].kind == PB_OP_FREE) return i;
    if (trace.ops[i].kind != PB_OP_REALLOC) return 0;
  }
  return 0;
}

static void test_known_allocations(void) {
  char *argv[] = {"capture_test", "-c", (char *)program, NULL};
  pb_trace_init(&trace, "capture_test", 0, 0);
  pb_python_hooks hooks = {.setup = start};
  PB_CHECK_EQ(pb_python_main(3, argv, &hooks), 0);
  pb_capture_counts counts;
  pb_capture_stop(&counts);

  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_validate(&trace, err) == 0, "%s", err);
  PB_CHECKF(trace.count > 10000, "%llu ops: start-up alone makes more",
            (unsigned long long)trace.count);

  uint64_t at;
  const pb_op *items = find(PB_OP_MALLOC, 54321 * 8, &at);
  PB_CHECK(items != NULL);
  PB_CHECK_EQ(items->domain, PB_DOMAIN_MEM);
  /* [None] * n writes every item. */
  PB_CHECK_EQ(items->touch, pb_touch_filled(items->size, items->size));
  PB_CHECK(freed_after(items->slot, at) != 0);

  const pb_op *buffer = find(PB_OP_MALLOC, 123458, &at);
  PB_CHECK(buffer != NULL);
  PB_CHECK_EQ(buffer->domain, PB_DOMAIN_OBJ);
  /* bytearray(n) writes its n zeros and a NUL. */
  PB_CHECK_EQ(buffer->touch, pb_touch_filled(buffer->size, buffer->size));
  uint64_t grown = 0;
  for (uint64_t i = at + 1; i < trace.count && !grown; i++)
    if (trace.ops[i].slot == buffer->slot &&
        trace.ops[i].kind == PB_OP_REALLOC && trace.ops[i].size > 423457)
      grown = i;
  PB_CHECKF(grown, "the bytearray's buffer grows by realloc");
  PB_CHECK_EQ(trace.ops[grown].domain, PB_DOMAIN_OBJ);
  /* ... to at least 423457 bytes and their NUL, written that far and no
   * further: the capacity past them is not the program's memory yet. */
  const pb_op *g = &trace.ops[grown];
  uint64_t filled = pb_touch_filled_bytes(g->touch, g->size);
  PB_CHECKF(g->touch >= PB_TOUCH_FILLED && filled >= 423458 &&
                filled <= 423458 + g->size / PB_TOUCH_FILLED_STEPS + 1,
            "the grown buffer of %u bytes: touch %u, filled %llu bytes",
            g->size, g->touch, (unsigned long long)filled);
  PB_CHECK(freed_after(buffer->slot, grown) != 0);

  const pb_op *zeros = find(PB_OP_CALLOC, 300033, &at);
  PB_CHECK(zeros != NULL);
  PB_CHECK_EQ(zeros->domain, PB_DOMAIN_OBJ);
  /* bytes(n) is calloc'd: only its header is written, not its zeros. */
  PB_CHECKF(zeros->touch >= PB_TOUCH_FILLED &&
                pb_touch_filled_bytes(zeros->touch, zeros->size) <
                    zeros->size / PB_TOUCH_FILLED_STEPS + 64,
            "bytes(300000): touch %u", zeros->touch);

  /* Every MEM and OBJ block comes after the capture started. */
  PB_CHECK_EQ(counts.unknown_frees, 0);
  PB_CHECK_EQ(counts.unknown_reallocs, 0);
  uint64_t raw_or_unknown = 0;
  for (uint64_t i = 0; i < trace.count; i++)
    raw_or_unknown += trace.ops[i].domain != PB_DOMAIN_MEM &&
                      trace.ops[i].domain != PB_DOMAIN_OBJ;
  PB_CHECK_EQ(raw_or_unknown, 0);
  pb_trace_destroy(&trace);
}

/* Blocks that cross domains, as CPython's release build allows when the
 * allocator underneath is the same: a RAW block freed with PyObject_Free
 * (pymalloc hands it to PyMem_RawFree) and a MEM block above 512 bytes
 * (pymalloc took it from the system) freed with PyMem_RawFree, and one
 * resized with PyMem_RawRealloc first. */
static const char crossing_program[] =
    "import ctypes\n"
    "api = ctypes.pythonapi\n"
    "for f in ('PyMem_RawMalloc', 'PyMem_Malloc'):\n"
    "    getattr(api, f).restype = ctypes.c_void_p\n"
    "    getattr(api, f).argtypes = [ctypes.c_size_t]\n"
    "api.PyMem_RawRealloc.restype = ctypes.c_void_p\n"
    "api.PyMem_RawRealloc.argtypes = [ctypes.c_void_p, ctypes.c_size_t]\n"
    "for f in ('PyObject_Free', 'PyMem_RawFree'):\n"
    "    getattr(api, f).argtypes = [ctypes.c_void_p]\n"
    "api.PyObject_Free(api.PyMem_RawMalloc(98761))\n"
    "api.PyMem_RawFree(api.PyMem_Malloc(100003))\n"
    "p = api.PyMem_RawRealloc(api.PyMem_Malloc(100019), 200003)\n"
    "api.PyMem_RawFree(p)\n";

static void blocks_crossing_domains(void) {
  char *argv[] = {"capture_test", "-c", (char *)crossing_program, NULL};
  pb_trace_init(&trace, "crossing", 0, 0);
  pb_python_hooks hooks = {.setup = start};
  PB_CHECK_EQ(pb_python_main(3, argv, &hooks), 0);
  pb_capture_counts counts;
  pb_capture_stop(&counts);

  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_validate(&trace, err) == 0, "%s", err);
  /* The RAW block is not traced, and not taken for one from before the
   * capture. */
  uint64_t at;
  PB_CHECK(find(PB_OP_MALLOC, 98761, &at) == NULL);
  PB_CHECK_EQ(counts.unknown_frees, 0);
  PB_CHECK(counts.raw_through_python >= 1);
  /* The MEM blocks die in the trace, in their own domain. */
  const pb_op *freed = find(PB_OP_MALLOC, 100003, &at);
  PB_CHECK(freed != NULL && freed->domain == PB_DOMAIN_MEM);
  uint64_t end = freed_after(freed->slot, at);
  PB_CHECKF(end != 0, "a MEM block freed with PyMem_RawFree is never freed");
  PB_CHECK_EQ(trace.ops[end].domain, PB_DOMAIN_MEM);
  const pb_op *resized = find(PB_OP_MALLOC, 100019, &at);
  PB_CHECK(resized != NULL);
  uint64_t grown = 0;
  for (uint64_t i = at + 1; i < trace.count && !grown; i++)
    if (trace.ops[i].slot == resized->slot &&
        trace.ops[i].kind == PB_OP_REALLOC)
      grown = i;
  PB_CHECKF(grown && trace.ops[grown].size == 200003 &&
                trace.ops[grown].domain == PB_DOMAIN_MEM &&
                trace.ops[grown].touch == PB_TOUCH_FILLED,
            "PyMem_RawRealloc of a MEM block is its realloc (which nothing "
            "wrote)");
  PB_CHECK(freed_after(resized->slot, grown) != 0);
  PB_CHECK(counts.python_through_raw >= 3);
  pb_trace_destroy(&trace);
}

/* Blocks the capture did not see allocated or freed: a realloc of a block
 * malloc'd by the C library keeps the program's data (the capture fills no
 * pattern over it), and a 64 MiB block freed behind the capture's back
 * (free() of a PyMem block: its pages unmapped; under ASan, quarantined) is
 * not read when the capture stops. */
static const char behind_the_capture_program[] =
    "import ctypes, sys\n"
    "api, libc = ctypes.pythonapi, ctypes.CDLL(None)\n"
    "libc.malloc.restype = ctypes.c_void_p\n"
    "libc.malloc.argtypes = [ctypes.c_size_t]\n"
    "libc.free.argtypes = [ctypes.c_void_p]\n"
    "api.PyMem_Malloc.restype = ctypes.c_void_p\n"
    "api.PyMem_Malloc.argtypes = [ctypes.c_size_t]\n"
    "api.PyMem_Realloc.restype = ctypes.c_void_p\n"
    "api.PyMem_Realloc.argtypes = [ctypes.c_void_p, ctypes.c_size_t]\n"
    "p = libc.malloc(1000)\n"
    "ctypes.memset(p, 65, 1000)\n"
    "q = api.PyMem_Realloc(p, 2000)\n"
    "if ctypes.string_at(q, 1000) != b'A' * 1000: sys.exit(3)\n"
    "libc.free(api.PyMem_Malloc(64 << 20))\n";

static void blocks_behind_the_capture(void) {
  char *argv[] = {"capture_test", "-c", (char *)behind_the_capture_program,
                  NULL};
  pb_trace_init(&trace, "behind", 0, 0);
  pb_python_hooks hooks = {.setup = start};
  PB_CHECK_EQ(pb_python_main(3, argv, &hooks), 0);
  pb_capture_counts counts;
  pb_capture_stop(&counts);
  PB_CHECK(counts.unknown_reallocs >= 1);
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_validate(&trace, err) == 0, "%s", err);
  pb_trace_destroy(&trace);
}

/* Each test in a process of its own: an interpreter, and the capture's
 * hooks, are installed once per process. */
static void in_child(void (*test)(void)) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    test();
    fflush(NULL);
    _exit(0);
  }
  int status;
  PB_CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
  PB_CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == 0,
            "the test's process ended with status 0x%x", status);
}

static void known_allocations(void) { in_child(test_known_allocations); }
static void crossing_domains(void) { in_child(blocks_crossing_domains); }
static void behind_the_capture(void) { in_child(blocks_behind_the_capture); }

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(known_allocations),
      PB_TEST(crossing_domains),
      PB_TEST(behind_the_capture),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
