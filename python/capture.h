/* A capture: every allocation CPython makes in the MEM and OBJ domains, as
 * a trace (workloads/trace.h).
 *
 * A PEP 445 hook wraps each domain's allocator, as tracemalloc does: each
 * call goes through to the allocator that was there before (pymalloc,
 * unless PYTHONMALLOC chose another), and each block it returns, resizes or
 * frees becomes a trace op in that domain, on the block's slot. The RAW
 * domain is not watched: its calls come without the GIL, from any thread.
 *
 * The touch of each op follows its domain: OBJ blocks are objects (their
 * header is written and read), MEM blocks are buffers and item arrays
 * (written item by item as they grow).
 *
 * Everything the capture keeps (the trace, the address table) is mmap'd, so
 * recording never calls the allocators it watches. */
#ifndef POOLBENCH_PYTHON_CAPTURE_H
#define POOLBENCH_PYTHON_CAPTURE_H

#include <stdint.h>

#include "workloads/trace.h"

typedef struct pb_capture_counts {
  /* Frees and reallocs of blocks the capture never saw allocated (from
   * before it started): not in the trace. */
  uint64_t unknown_frees, unknown_reallocs;
} pb_capture_counts;

/* Starts recording into trace (built with pb_trace_init), wrapping the MEM
 * and OBJ allocators in place now. Call once, after the interpreter's
 * pre-initialization. A request the trace cannot hold (4 GiB or more) ends
 * the program with one line and exit status 2. */
void pb_capture_start(pb_trace *trace);

/* Stops recording; the wrapped allocators keep working as before. */
void pb_capture_stop(pb_capture_counts *counts);

#endif /* POOLBENCH_PYTHON_CAPTURE_H */
