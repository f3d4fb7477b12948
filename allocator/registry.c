/* Lookups in the generated backend table (registry.h). */
#include "allocator/registry.h"

#include <string.h>

const pb_backend_entry *pb_backend_find(const char *name) {
  for (const pb_backend_entry *b = pb_backend_registry; b->name; b++)
    if (strcmp(b->name, name) == 0) return b;
  return NULL;
}

const pb_backend_entry *pb_backend_reference(void) {
  for (const pb_backend_entry *b = pb_backend_registry; b->name; b++)
    if (b->reference) return b;
  return pb_backend_registry; /* backend_registry() guarantees one */
}
