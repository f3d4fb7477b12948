/* Force-included (-include) into the oracle's per-thread copy (oracle.c
 * compiled again with ORACLE_PER_THREAD, BUILD's :oracle_per_thread): its
 * free lists and bump pointers are each thread's own (_Thread_local), the
 * shared reservation is carved under a lock, and its interface functions
 * are named ot_* so that both copies link into the oracle's programs. The
 * one-thread oracle runs exactly the code it always did. */
#ifndef POOLBENCH_ALLOCATOR_ORACLE_PER_THREAD_NAMES_H
#define POOLBENCH_ALLOCATOR_ORACLE_PER_THREAD_NAMES_H

#define ORACLE_PER_THREAD 1

#define pb_malloc ot_malloc
#define pb_calloc ot_calloc
#define pb_realloc ot_realloc
#define pb_free ot_free
#define pb_usable_size ot_usable_size
#define pb_init ot_init
#define pb_expect ot_expect
#define pb_threads ot_threads
#define pb_release ot_release
#define pb_name ot_name
#define pb_version ot_version
#define pb_config ot_config
#define pb_parameters ot_parameters
#define pb_stats_get ot_stats_get
#define pb_stats_print ot_stats_print

#endif /* POOLBENCH_ALLOCATOR_ORACLE_PER_THREAD_NAMES_H */
