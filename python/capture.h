/* A capture: every allocation CPython makes in the MEM and OBJ domains, as
 * a trace (workloads/trace.h).
 *
 * A PEP 445 hook wraps each domain's allocator, as tracemalloc does: each
 * call goes through to the allocator that was there before (pymalloc,
 * unless PYTHONMALLOC chose another), and each block it returns, resizes or
 * frees becomes a trace op in that domain, on the block's slot.
 *
 * The RAW domain is wrapped too, but not traced: its blocks are kept in a
 * set of their own, so that a block that crosses domains is told apart from
 * one allocated before the capture. Release builds of CPython allow it where
 * the block's allocator is the same underneath: pymalloc's free and realloc
 * hand a pointer they do not own to PyMem_RawFree and PyMem_RawRealloc, so
 * PyObject_Free of a RAW block frees it (the RAW set forgets it; nothing is
 * traced), and PyMem_RawFree or PyMem_RawRealloc of a MEM or OBJ block that
 * pymalloc passed to the system (above 512 bytes) frees or resizes it (the
 * trace records the free or realloc, in the block's own domain). The RAW
 * calls a MEM or OBJ allocator makes underneath (pymalloc's large blocks,
 * its arena table) are its own business and not looked at.
 *
 * RAW calls come without the GIL, from any thread, so the capture's state
 * is behind a spin lock (uncontended, as MEM and OBJ calls hold the GIL).
 * A process forked from the captured one stops recording in the child (it
 * keeps a copy-on-write copy of the trace, which it never writes).
 *
 * The touch of each allocating op is how far the program wrote the block
 * (python/written.h): each new block is filled with a pattern, and where
 * the pattern ends, when the block is freed or resized, is recorded as the
 * op's filled touch. A block still held when the capture stops is not
 * read: it may have been freed behind the capture's back (above), its
 * memory no longer the program's. Its op keeps the kind of its domain, as
 * a free records it: OBJ blocks are objects (their header written, and
 * read before they die), MEM blocks buffers and item arrays (written
 * whole).
 *
 * Everything the capture keeps (the trace, the address tables) is mmap'd, so
 * recording never calls the allocators it watches. */
#ifndef POOLBENCH_PYTHON_CAPTURE_H
#define POOLBENCH_PYTHON_CAPTURE_H

#include <stdint.h>

#include "workloads/trace.h"

typedef struct pb_capture_counts {
  /* Frees and reallocs of blocks the capture never saw allocated (from
   * before it started): not in the trace. */
  uint64_t unknown_frees, unknown_reallocs;
  /* RAW blocks freed or resized through MEM or OBJ, and MEM or OBJ blocks
   * through RAW (see above). */
  uint64_t raw_through_python, python_through_raw;
  /* MEM and OBJ requests the allocator underneath refused (NULL, a
   * MemoryError in the program), and the largest of them: the trace cannot
   * say that a request failed, so it lacks them. */
  uint64_t refused, largest_refused;
} pb_capture_counts;

/* Starts recording into trace (built with pb_trace_init), wrapping the RAW,
 * MEM and OBJ allocators in place now. Call once, after the interpreter's
 * pre-initialization. A request the trace cannot hold (4 GiB or more) ends
 * the program with one line and exit status 1, no memory left for the
 * capture's own tables with exit status 3 (common/map.h); pb_capture_busy
 * tells an exit handler so. */
void pb_capture_start(pb_trace *trace);

/* Stops recording; the wrapped allocators keep working as before. */
void pb_capture_stop(pb_capture_counts *counts);

/* 1 when the calling thread is inside the capture, recording an op: an exit
 * handler that sees it knows that the process is ending because the capture
 * failed (and must not call pb_capture_stop, whose lock that thread
 * holds). */
int pb_capture_busy(void);

#endif /* POOLBENCH_PYTHON_CAPTURE_H */
