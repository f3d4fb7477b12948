/* The threaded generators' shared state (threaded.h). */
#include "workloads/threaded.h"

#include <stdio.h>
#include <stdlib.h>

void wl_threads_init(wl_threads *w, pb_trace *t, const char *name,
                     uint64_t seed, double scale, unsigned threads) {
  if (threads < 1 || threads > WL_THREADS_MAX) {
    /* The callers check --threads: this is a bug, not bad input. */
    fprintf(stderr, "poolbench: %s: %u threads, 1 to %d\n", name, threads,
            WL_THREADS_MAX);
    abort();
  }
  pb_trace_init(t, name, seed, scale);
  w->t = t;
  w->n = threads;
  for (unsigned k = 0; k < threads; k++) py_heap_init(&w->heaps[k], t);
  /* The thread count is the trace's even if a thread does nothing. */
  pb_trace_set_thread(t, threads - 1);
  pb_trace_set_thread(t, 0);
}

py_heap *wl_on(wl_threads *w, unsigned k) {
  pb_trace_set_thread(w->t, k);
  return &w->heaps[k];
}

void wl_give(wl_threads *w, unsigned from, uint32_t slot, unsigned to) {
  if (slot == PY_NO_BLOCK || from == to) return;
  pb_trace_set_thread(w->t, from);
  pb_trace_handoff(w->t, slot, to);
}

void wl_threads_finish(wl_threads *w) {
  for (unsigned k = 0; k < w->n; k++) py_heap_finish(wl_on(w, k));
  pb_trace_set_thread(w->t, 0);
}
