/* Which trace slot holds the block at an address: the table a capture keeps
 * while CPython allocates, so that a free or realloc of a pointer finds the
 * slot its malloc was given.
 *
 * Open addressing with linear probing over a power-of-two table, at most
 * half full, deleting by backward shift (no tombstones: a capture frees as
 * often as it allocates). The table lives in mmap'd memory, outside every
 * allocator a capture watches. */
#ifndef POOLBENCH_PYTHON_ADDRESS_MAP_H
#define POOLBENCH_PYTHON_ADDRESS_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct pb_address_entry {
  uintptr_t address; /* 0: empty (no block lives at address 0) */
  uint32_t slot;
} pb_address_entry;

typedef struct pb_address_map {
  pb_address_entry *entries;
  size_t capacity; /* a power of two */
  size_t count;
} pb_address_map;

void pb_address_map_init(pb_address_map *m);
void pb_address_map_destroy(pb_address_map *m);

/* Records that the block at address (not NULL, not already present) is in
 * slot. Grows the table; no memory left is one line and exit status 3. */
void pb_address_map_put(pb_address_map *m, const void *address, uint32_t slot);

/* Removes address; returns 1 and its slot, or 0 when it is not present. */
int pb_address_map_take(pb_address_map *m, const void *address, uint32_t *slot);

#endif /* POOLBENCH_PYTHON_ADDRESS_MAP_H */
