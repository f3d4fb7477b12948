/* Anonymous memory straight from mmap, for what must stay out of the
 * allocator under test: traces, the generators' scratch arrays, the replay's
 * slot table. */
#ifndef POOLBENCH_COMMON_MAP_H
#define POOLBENCH_COMMON_MAP_H

#include <stddef.h>

/* bytes rounded up to whole pages (at least one page). */
size_t pb_map_round(size_t bytes);

/* Maps pb_map_round(bytes) zeroed, private bytes. Returns NULL on failure,
 * with errno set. */
void *pb_map(size_t bytes);

/* pb_map, or one line naming what the memory was for and exit status 3
 * (PB_EXIT_OUT_OF_MEMORY). */
void *pb_map_or_fail(size_t bytes, const char *what);

/* Grows (or maps, when p is NULL) a mapping from old_bytes to new_bytes,
 * keeping its contents; one line and exit status 3 on failure. */
void *pb_remap_or_fail(void *p, size_t old_bytes, size_t new_bytes,
                       const char *what);

/* Unmaps what pb_map(bytes) returned; NULL is ignored. */
void pb_unmap(void *p, size_t bytes);

#endif /* POOLBENCH_COMMON_MAP_H */
