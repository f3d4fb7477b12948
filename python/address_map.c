#include "python/address_map.h"

#include <string.h>

#include "common/map.h"

#define INITIAL_CAPACITY 4096

/* Blocks are 16-byte aligned: the low four bits carry nothing. Fibonacci
 * hashing spreads the rest over the table's index bits. */
static size_t home(const pb_address_map *m, uintptr_t address) {
  uint64_t h = (uint64_t)(address >> 4) * 0x9e3779b97f4a7c15ull;
  return (size_t)(h >> 32) & (m->capacity - 1);
}

static pb_address_entry *allocate(size_t capacity) {
  return pb_map_or_fail(capacity * sizeof(pb_address_entry),
                        "the capture's address table");
}

void pb_address_map_init(pb_address_map *m) {
  m->capacity = INITIAL_CAPACITY;
  m->count = 0;
  m->entries = allocate(m->capacity);
}

void pb_address_map_destroy(pb_address_map *m) {
  pb_unmap(m->entries, m->capacity * sizeof(pb_address_entry));
  memset(m, 0, sizeof *m);
}

static void insert(pb_address_map *m, uintptr_t address, uint32_t slot) {
  size_t i = home(m, address);
  while (m->entries[i].address != 0) i = (i + 1) & (m->capacity - 1);
  m->entries[i] = (pb_address_entry){address, slot};
  m->count++;
}

static void grow(pb_address_map *m) {
  pb_address_map old = *m;
  m->capacity *= 2;
  m->count = 0;
  m->entries = allocate(m->capacity);
  for (size_t i = 0; i < old.capacity; i++)
    if (old.entries[i].address != 0)
      insert(m, old.entries[i].address, old.entries[i].slot);
  pb_unmap(old.entries, old.capacity * sizeof(pb_address_entry));
}

void pb_address_map_put(pb_address_map *m, const void *address, uint32_t slot) {
  if (2 * (m->count + 1) > m->capacity) grow(m);
  insert(m, (uintptr_t)address, slot);
}

int pb_address_map_take(pb_address_map *m, const void *address,
                        uint32_t *slot) {
  uintptr_t key = (uintptr_t)address;
  size_t mask = m->capacity - 1;
  size_t i = home(m, key);
  while (m->entries[i].address != key) {
    if (m->entries[i].address == 0) return 0;
    i = (i + 1) & mask;
  }
  *slot = m->entries[i].slot;
  m->count--;
  /* Backward shift: pull later entries of the probe run into the hole
   * unless they would move before their home position. */
  size_t hole = i;
  for (size_t j = (i + 1) & mask; m->entries[j].address != 0;
       j = (j + 1) & mask) {
    size_t h = home(m, m->entries[j].address);
    /* j's entry may fill the hole if its home is not in (hole, j]. */
    int home_between = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
    if (!home_between) {
      m->entries[hole] = m->entries[j];
      hole = j;
    }
  }
  m->entries[hole].address = 0;
  return 1;
}
