/* Growable mmap'd arrays: see scratch.h. */
#include "workloads/scratch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t mapping_bytes(size_t cap, size_t elem) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t bytes = cap * elem;
  return (bytes + page - 1) / page * page;
}

void wl_array_init(wl_array *a, size_t elem) {
  a->data = NULL;
  a->len = a->cap = 0;
  a->elem = elem;
}

void wl_array_reserve(wl_array *a, size_t n) {
  if (n <= a->cap) return;
  size_t cap = a->cap ? a->cap : 65536 / a->elem;
  while (cap < n) cap *= 2;
  size_t old_bytes = mapping_bytes(a->cap, a->elem);
  size_t new_bytes = mapping_bytes(cap, a->elem);
  void *p = a->data ? mremap(a->data, old_bytes, new_bytes, MREMAP_MAYMOVE)
                    : mmap(NULL, new_bytes, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    fprintf(stderr, "workload scratch: cannot map %zu bytes: %s\n", new_bytes,
            strerror(errno));
    abort();
  }
  a->data = p;
  a->cap = new_bytes / a->elem;
}

void *wl_array_push(wl_array *a) {
  if (a->len == a->cap) wl_array_reserve(a, a->len + 1);
  return (char *)a->data + a->len++ * a->elem;
}

void wl_array_free(wl_array *a) {
  if (a->data) munmap(a->data, mapping_bytes(a->cap, a->elem));
  wl_array_init(a, a->elem);
}
