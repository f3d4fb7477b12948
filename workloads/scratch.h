/* Growable arrays for the generators' own bookkeeping, in mmap'd memory.
 *
 * Generators may run in the process that then replays their trace, so their
 * scratch memory stays away from malloc just like the trace itself. */
#ifndef POOLBENCH_WORKLOADS_SCRATCH_H
#define POOLBENCH_WORKLOADS_SCRATCH_H

#include <stddef.h>
#include <stdint.h>

typedef struct wl_array {
  void *data;
  size_t len;  /* elements in use */
  size_t cap;  /* elements the mapping holds */
  size_t elem; /* bytes per element */
} wl_array;

void wl_array_init(wl_array *a, size_t elem);
/* Makes room for at least n elements (contents kept). */
void wl_array_reserve(wl_array *a, size_t n);
/* Appends one element and returns it (its bytes are not cleared). */
void *wl_array_push(wl_array *a);
void wl_array_free(wl_array *a);

#define WL_AT(a, type, i) (((type *)(a)->data)[i])

/* The common case: an array of uint32_t (slots, offsets). */
static inline void wl_push_u32(wl_array *a, uint32_t v) {
  *(uint32_t *)wl_array_push(a) = v;
}

static inline uint32_t wl_pop_u32(wl_array *a) {
  return ((uint32_t *)a->data)[--a->len];
}

#endif /* POOLBENCH_WORKLOADS_SCRATCH_H */
