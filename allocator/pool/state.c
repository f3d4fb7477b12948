/* The pool allocator's global state (pool_types.h documents it). */
#include <stdio.h>
#include <stdlib.h>

#include "allocator/pool/pool_types.h"

#ifndef POOL_PER_THREAD /* the per-thread copy's states: per_thread.c */
pool_hot_t pool_hot;
pool_state pool_g;
#endif

void pool_assert_failed(const char *expr, const char *file, int line) {
  fprintf(stderr, "pool: internal check failed at %s:%d: %s\n", file, line,
          expr);
  fflush(stderr);
  abort();
}
