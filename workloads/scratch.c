/* Growable mmap'd arrays: see scratch.h. */
#include "workloads/scratch.h"

#include "common/map.h"

void wl_array_init(wl_array *a, size_t elem) {
  a->data = NULL;
  a->len = a->cap = 0;
  a->elem = elem;
}

void wl_array_reserve(wl_array *a, size_t n) {
  if (n <= a->cap) return;
  size_t cap = a->cap ? a->cap : 65536 / a->elem;
  while (cap < n) cap *= 2;
  size_t new_bytes = pb_map_round(cap * a->elem);
  a->data = pb_remap_or_fail(a->data, a->cap * a->elem, new_bytes,
                             "a workload generator's scratch array");
  a->cap = new_bytes / a->elem;
}

void *wl_array_push(wl_array *a) {
  if (a->len == a->cap) wl_array_reserve(a, a->len + 1);
  return (char *)a->data + a->len++ * a->elem;
}

void wl_array_free(wl_array *a) {
  pb_unmap(a->data, a->cap * a->elem);
  wl_array_init(a, a->elem);
}
