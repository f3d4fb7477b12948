/* The invariant checker: walks every arena, pool and list and verifies the
 * invariants I1 to I12 of pool_types.h. For tests; it reads every carved
 * pool and every entry of the radix tree, so it costs O(arenas x pools +
 * blocks + tree entries). */
#ifndef POOLBENCH_ALLOCATOR_POOL_CHECK_H
#define POOLBENCH_ALLOCATOR_POOL_CHECK_H

#include <stddef.h>

/* Returns 0 when every invariant holds; otherwise -1 with the first
 * violation, one line, in err. */
int pool_check(char *err, size_t len);

#endif /* POOLBENCH_ALLOCATOR_POOL_CHECK_H */
