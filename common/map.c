#include "common/map.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/fail.h"

size_t pb_map_round(size_t bytes) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  if (bytes == 0) return page;
  if (bytes > SIZE_MAX - page) return SIZE_MAX / page * page; /* mmap refuses */
  return (bytes + page - 1) / page * page;
}

void *pb_map(size_t bytes) {
  void *p = mmap(NULL, pb_map_round(bytes), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

void *pb_map_or_fail(size_t bytes, const char *what) {
  void *p = pb_map(bytes);
  if (!p)
    pb_fail(PB_EXIT_OUT_OF_MEMORY, "cannot map %zu bytes for %s: %s", bytes,
            what, strerror(errno));
  return p;
}

void *pb_remap_or_fail(void *p, size_t old_bytes, size_t new_bytes,
                       const char *what) {
  if (!p) return pb_map_or_fail(new_bytes, what);
  void *q = mremap(p, pb_map_round(old_bytes), pb_map_round(new_bytes),
                   MREMAP_MAYMOVE);
  if (q == MAP_FAILED)
    pb_fail(PB_EXIT_OUT_OF_MEMORY, "cannot grow %s to %zu bytes: %s", what,
            new_bytes, strerror(errno));
  return q;
}

void pb_unmap(void *p, size_t bytes) {
  if (p) munmap(p, pb_map_round(bytes));
}
