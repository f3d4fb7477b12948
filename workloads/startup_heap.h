/* CPython 3.11's start-up heap: the allocations the interpreter makes
 * before it runs a program's first line, as captured once by pytrace and
 * kept as a table (startup_heap_ops.c, made by startup_heap_table.c).
 *
 * A real program's peak and fragmentation include the ~10,000 blocks
 * (about 1.2 MB) that start-up leaves live, and a pool allocator finds
 * the pools they pin already there; so the one-thread synthetic traces
 * begin with these ops, keep the survivors live throughout and free them
 * at the very end (pb_startup_heap_add). */
#ifndef POOLBENCH_WORKLOADS_STARTUP_HEAP_H
#define POOLBENCH_WORKLOADS_STARTUP_HEAP_H

#include <stddef.h>
#include <stdint.h>

#include "workloads/trace.h"

/* One captured op. The table's slots are its own, 0..slots-1, numbered by
 * first use; its ops keep every slot rule of a trace (trace.h). */
typedef struct pb_startup_op {
  uint32_t size;
  uint16_t slot;
  uint8_t code; /* pb_op_kind | pb_touch << 2 | pb_domain << 4 */
} pb_startup_op;

#define PB_STARTUP_CODE(kind, touch, domain) \
  ((uint8_t)((kind) | (touch) << 2 | (domain) << 4))
#define PB_STARTUP_KIND(code) ((code)&3)
#define PB_STARTUP_TOUCH(code) (((code) >> 2) & 3)
#define PB_STARTUP_DOMAIN(code) (((code) >> 4) & 3)

/* The table (startup_heap_ops.c). */
extern const pb_startup_op pb_startup_heap_ops[];
extern const size_t pb_startup_heap_count;
extern const uint32_t pb_startup_heap_slots;

/* Puts the start-up heap around t, a finished one-thread or threaded
 * trace: the table's ops first (on thread 0, the interpreter's main
 * thread, in slots 0..slots-1; t's own slots move up past them), then t's
 * ops, then a free of every block start-up left live, the youngest first.
 * No builder call may follow: t's builder state is released. */
void pb_startup_heap_add(pb_trace *t);

/* The ops pb_startup_heap_add puts before a trace's own, and the frees
 * after them. */
uint64_t pb_startup_heap_prefix_ops(void);
uint64_t pb_startup_heap_survivors(void);

#endif /* POOLBENCH_WORKLOADS_STARTUP_HEAP_H */
