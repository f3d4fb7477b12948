/* Force-included (-include) into every source of the pool's per-thread copy
 * (per_thread.h): the same pymalloc code, its state the calling thread's.
 *
 * pool_hot and pool_g, the global state of the one-thread pool, become the
 * state the calling thread entered (pt_hot and pt_g, thread-local pointers
 * set by per_thread.c), and every external symbol of the pool gets the
 * prefix pt_, so that both copies link into one program: the one-thread
 * pool runs exactly the code it always did. Keep the list complete: a
 * missing name is a duplicate symbol at link time. */
#ifndef POOLBENCH_ALLOCATOR_POOL_PER_THREAD_NAMES_H
#define POOLBENCH_ALLOCATOR_POOL_PER_THREAD_NAMES_H

#define POOL_PER_THREAD 1

struct pool_hot_s;
struct pool_state;
extern _Thread_local struct pool_hot_s *pt_hot;
extern _Thread_local struct pool_state *pt_g;
#define pool_hot (*pt_hot)
#define pool_g (*pt_g)

#define pool_arena_any_in_use pt_pool_arena_any_in_use
#define pool_arena_init pt_pool_arena_init
#define pool_arena_release_free pt_pool_arena_release_free
#define pool_arena_return_pool pt_pool_arena_return_pool
#define pool_arena_take_pool pt_pool_arena_take_pool
#define pool_arena_teardown pt_pool_arena_teardown
#define pool_assert_failed pt_pool_assert_failed
#define pool_calloc pt_pool_calloc
#define pool_format_bytes pt_pool_format_bytes
#define pool_free_slow pt_pool_free_slow
#define pool_free_unclaimed pt_pool_free_unclaimed
#define pool_init pt_pool_init
#define pool_layout_3_10 pt_pool_layout_3_10
#define pool_layout_3_11 pt_pool_layout_3_11
#define pool_layout_3_8 pt_pool_layout_3_8
#define pool_layout_describe pt_pool_layout_describe
#define pool_layout_equal pt_pool_layout_equal
#define pool_layout_parse pt_pool_layout_parse
#define pool_malloc_from_new_pool pt_pool_malloc_from_new_pool
#define pool_map_bot_len pt_pool_map_bot_len
#define pool_map_geometry_of pt_pool_map_geometry_of
#define pool_map_init pt_pool_map_init
#define pool_map_is_default pt_pool_map_is_default
#define pool_map_mark_unused pt_pool_map_mark_unused
#define pool_map_mark_used pt_pool_map_mark_used
#define pool_map_mid_len pt_pool_map_mid_len
#define pool_map_root_len pt_pool_map_root_len
#define pool_map_teardown pt_pool_map_teardown
#define pool_os_fail_meta pt_pool_os_fail_meta
#define pool_os_fail_next_mmaps pt_pool_os_fail_next_mmaps
#define pool_os_map_arena pt_pool_os_map_arena
#define pool_os_meta_calloc pt_pool_os_meta_calloc
#define pool_os_meta_free pt_pool_os_meta_free
#define pool_os_meta_realloc pt_pool_os_meta_realloc
#define pool_os_unmap_arena pt_pool_os_unmap_arena
#define pool_out_of_free_blocks pt_pool_out_of_free_blocks
#define pool_owns pt_pool_owns
#define pool_parse_bytes pt_pool_parse_bytes
#define pool_print_size_classes pt_pool_print_size_classes
#define pool_raw_free pt_pool_raw_free
#define pool_raw_malloc pt_pool_raw_malloc
#define pool_realloc pt_pool_realloc
#define pool_realloc_keeps pt_pool_realloc_keeps
#define pool_release pt_pool_release
#define pool_size_classes_main pt_pool_size_classes_main
#define pool_stats_fill pt_pool_stats_fill
#define pool_stats_print pt_pool_stats_print
#define pool_stats_print_line pt_pool_stats_print_line
#define pool_teardown pt_pool_teardown
#define pool_usable_size pt_pool_usable_size
#define pool_usage_get pt_pool_usage_get
#define pool_check pt_pool_check

#endif /* POOLBENCH_ALLOCATOR_POOL_PER_THREAD_NAMES_H */
