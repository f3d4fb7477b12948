/* What the threaded generators share: one object model per thread, as
 * free-threaded CPython keeps its free lists per thread, and the thread
 * every op is recorded on (trace.h, "Threads").
 *
 * Invariants: heaps[k] is initialized for k < n and only ever records ops
 * on thread k (wl_on sets the trace's thread before handing it out); a
 * block moves to another thread's heap only through pb_trace_handoff. */
#ifndef POOLBENCH_WORKLOADS_THREADED_H
#define POOLBENCH_WORKLOADS_THREADED_H

#include <stdint.h>

#include "workloads/pymodel.h"
#include "workloads/trace.h"
#include "workloads/workloads.h"

/* The default of --threads, and the most a threaded workload takes. */
#define WL_THREADS_DEFAULT PB_WORKLOAD_THREADS_DEFAULT
#define WL_THREADS_MAX PB_WORKLOAD_THREADS_MAX

typedef struct wl_threads {
  pb_trace *t;
  unsigned n;
  py_heap heaps[WL_THREADS_MAX];
} wl_threads;

/* Starts the trace (pb_trace_init) and one object model per thread. */
void wl_threads_init(wl_threads *w, pb_trace *t, const char *name,
                     uint64_t seed, double scale, unsigned threads);

/* The object model of thread k, with the trace recording on thread k. */
py_heap *wl_on(wl_threads *w, unsigned k);

/* Hands the block in slot (none for PY_NO_BLOCK) from thread `from`, which
 * owns it, to thread `to` (nothing when they are the same). */
void wl_give(wl_threads *w, unsigned from, uint32_t slot, unsigned to);

/* Interpreter exit: each thread's free lists emptied on its own thread. */
void wl_threads_finish(wl_threads *w);

#endif /* POOLBENCH_WORKLOADS_THREADED_H */
