/* The conditions counted runs happen in, so that two runs of the same build
 * give the same counts, byte for byte (README, "What can still move a
 * count"):
 *
 *  - no address-space randomization (personality ADDR_NO_RANDOMIZE, as
 *    `setarch -R`): where mmap and brk put memory decides, for example,
 *    whether a pool arena is aligned to a pool boundary (one pool more or
 *    less), and the alignment that memcpy's path depends on;
 *  - no transparent huge pages (PR_SET_THP_DISABLE): whether a first touch
 *    maps 4 KiB or 2 MiB depends on alignment and on whether the kernel
 *    finds a free huge page at that moment, and moves page faults and RSS;
 *  - a fixed, minimal environment, so that the stack starts at the same
 *    place and no user setting (MALLOC_CONF, MIMALLOC_*, TCMALLOC_*,
 *    GLIBC_TUNABLES) reaches the allocator: GLIBC_TUNABLES pins glibc's
 *    CPU-dependent choices (memcpy and memset variants and the sizes at
 *    which they change strategy) to the plain SSE2 versions that every
 *    x86-64 CPU has, and LD_BIND_NOW resolves every symbol at start-up, not
 *    in the middle of a replay through the lazy resolver (whose register
 *    saving is chosen by CPU);
 *  - a virtual clock (harness/process/virtual_clock.c, preloaded): time
 * advances by a fixed step at each reading, so that an allocator's
 * time-dependent decisions (jemalloc's decay, mimalloc's delayed resets)
 * repeat;
 *  - one CPU (sched_setaffinity): since Linux 6.2 a process's RSS counters
 *    are per-CPU, and the kernel records the RSS high-water mark (peak RSS)
 *    from a reading that leaves out the deltas not yet folded in; a process
 *    that moves between CPUs folds them at different moments and records a
 *    different peak each run (by up to 32 pages per CPU). On one CPU too
 *    it moved (by 100 KiB, lists on pool): the counted run's peak is taken
 *    exactly instead (harness/runner/rss.h, with --count-syscalls).
 *
 * The personality, huge-page and affinity settings are inherited across
 * execve; they are set in this process only around the spawn, so that the
 * runs timed afterwards are not affected. */
#ifndef POOLBENCH_HARNESS_PROCESS_PINNED_H
#define POOLBENCH_HARNESS_PROCESS_PINNED_H

#include "harness/process/spawn.h"

/* Finds virtual_clock.so (locate.h) and builds the pinned environment;
 * exits with status 2 and one line when the library is missing. Call once
 * before pb_spawn_pinned. */
void pb_pinned_setup(const char *argv0);

/* pb_spawn under the conditions above; -1 with errno also when the
 * kernel refuses one of them (a container's seccomp profile may forbid
 * personality(ADDR_NO_RANDOMIZE)). */
int pb_spawn_pinned(char *const argv[], double timeout_seconds,
                    pb_spawn_result *r);

/* The environment of every pinned run, NAME=VALUE, NULL-terminated (after
 * pb_pinned_setup): what reports record the counted runs saw. */
char *const *pb_pinned_environment(void);

/* pb_spawn_pinned with more NAME=VALUE settings in the environment
 * (NULL-terminated; at most 16): a Python program's PYTHONHASHSEED, a
 * deployment's settings. One that names a pinned variable (LD_PRELOAD,
 * GLIBC_TUNABLES) is appended to its value after a ':'. */
int pb_spawn_pinned_adding(char *const argv[], char *const settings[],
                           double timeout_seconds, pb_spawn_result *r);

#endif /* POOLBENCH_HARNESS_PROCESS_PINNED_H */
