/* The pool under threads=per-thread: each thread its own pymalloc state, a
 * block freed by another thread sent back to its owner through a lock-free
 * delayed-free list (the design mimalloc describes for its pages'
 * xthread_free lists: pushed with a compare-and-swap by any thread, taken
 * whole by the owner when it next allocates).
 *
 * The states are the one-thread pool's code compiled a second time
 * (per_thread_names.h): every pt_pool_* function is its pool_* twin working
 * on the calling thread's state. This file adds what only threads need:
 *
 *  - pt_state: one thread's state (the hot line, the rest, the delayed
 *    list); an array of them, mmap'd, one per thread index;
 *  - the owner map: one byte per arena-sized piece of the address space
 *    (arenas are mapped aligned to their size here, so each piece is one
 *    arena or none), 0 for none or the owner's index + 1. It answers "whose
 *    block is this?" for a pointer the calling thread's radix tree does not
 *    claim, without reading another thread's tree.
 *
 * Invariants (checked by pt_check):
 *  P1 each state satisfies the one-thread pool's invariants (pool_types.h)
 *     once its delayed list is drained;
 *  P2 owner_map[a >> arena_shift] == k + 1 exactly while state k has an
 *     arena at a;
 *  P3 a block on state k's delayed list is a block of one of k's arenas,
 *     allocated (counted in its pool) and referenced by nobody else: freeing
 *     it there is the free its last holder asked for;
 *  P4 only the thread that entered index k touches state k, except for
 *     pushes onto its delayed list; pt_stats, pt_release, pt_check and the
 *     teardown read every state only while no other thread calls the pool.
 */
#ifndef POOLBENCH_ALLOCATOR_POOL_PER_THREAD_H
#define POOLBENCH_ALLOCATOR_POOL_PER_THREAD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "allocator/allocator.h"
#include "allocator/pool/pool_types.h"

typedef struct pt_state {
  pool_hot_t hot; /* first: its 64-byte alignment is the struct's */
  pool_state g;
  _Atomic(pool_free_block *) delayed; /* pushed by others (P3) */
  _Atomic uint64_t delayed_frees;     /* blocks ever pushed onto it */
} pt_state;

/* Sets up `threads` states of the layout (each pool_init'ed) and the owner
 * map. 0, or -1 with one line in err. */
int pt_start(const pool_layout *layout, unsigned threads,
             char err[PB_ERROR_MAX]);

/* The calling thread uses state `index` from now on (allocator.h's
 * pb_thread_enter). */
void pt_enter(unsigned index);

/* The allocation calls, as allocator.h defines them, on the calling
 * thread's state. */
void *pt_malloc(size_t n);
void *pt_calloc(size_t nelem, size_t elsize);
void *pt_realloc(void *p, size_t n);
void pt_free(void *p);
size_t pt_usable_size(void *p);

/* Only while no other thread calls the pool (P4): every delayed list
 * drained, then each state's release. */
void pt_release(void);
/* Statistics summed over the states, plus per-thread figures
 * (thread<k>_blocks_in_use, thread<k>_delayed_frees; the layout's figures
 * once, not summed). */
void pt_stats(pb_stats *stats);
/* Each thread's report, under a line naming it. */
void pt_stats_print(FILE *out);
/* Drains every delayed list and checks P1 and P2 on every state: 0, or -1
 * with the first broken invariant in err. */
int pt_check(char *err, size_t len);

#endif /* POOLBENCH_ALLOCATOR_POOL_PER_THREAD_H */
