/* The OS interface: where the pool's memory comes from.
 *
 * Arenas come from mmap (anonymous, private, read-write), as CPython's
 * _PyObject_ArenaMmap; the pool's own metadata (the arenas vector, the
 * usedpools sentinels, the nfp2lasta fingers, radix tree nodes) comes from
 * the system malloc, as CPython takes it from PyMem_RawMalloc. Nothing
 * here is on the malloc/free fast path: these run when an arena is mapped
 * or unmapped, or at pool_init.
 *
 * Test hooks: pool_os_fail_next_mmaps(n) makes the next n arena mmaps fail
 * as if the OS were out of memory; pool_os_fail_meta(skip, n) lets skip
 * metadata allocations succeed and fails the n after them. Always compiled
 * in; they are read only on those slow paths. */
#ifndef POOLBENCH_ALLOCATOR_POOL_OS_H
#define POOLBENCH_ALLOCATOR_POOL_OS_H

#include <stddef.h>

/* An arena of size bytes, or NULL. Counts the call. */
void *pool_os_map_arena(size_t size);
void pool_os_unmap_arena(void *address, size_t size);

/* Metadata: calloc/realloc/free of the system allocator, or NULL. */
void *pool_os_meta_calloc(size_t nelem, size_t elsize);
void *pool_os_meta_realloc(void *ptr, size_t size);
void pool_os_meta_free(void *ptr);

void pool_os_fail_next_mmaps(unsigned n);
void pool_os_fail_meta(unsigned skip, unsigned n);

#endif /* POOLBENCH_ALLOCATOR_POOL_OS_H */
