/* Counts the system calls that map or unmap memory (mmap, munmap, mremap,
 * madvise, brk) that this process makes while counting is on: the replay
 * segments, so that start-up, trace loading and teardown are not counted.
 *
 * How: a seccomp filter sends each of those calls to a SIGSYS handler
 * (SECCOMP_RET_TRAP) unless it comes from one `syscall` instruction of our
 * own; the handler counts the call, makes it from that instruction with the
 * same arguments and puts its result where the trapped call returns it. The
 * allocator under test sees the call behave exactly as without the filter,
 * and every call is counted, however it is made: through glibc's wrappers,
 * glibc malloc's internal ones, or an allocator's own inline `syscall`. The
 * count is exact and needs no tracer process and no valgrind, whose
 * emulation changes how glibc malloc grows its heap (its brk segment), and
 * with it the very counts.
 *
 * The filter stays for the life of the process (seccomp filters cannot be
 * removed), and each counted call costs a signal: install it only in runs
 * made to count, never in timed ones. x86-64 Linux only. */
#ifndef POOLBENCH_HARNESS_RUNNER_SYSCALL_COUNT_H
#define POOLBENCH_HARNESS_RUNNER_SYSCALL_COUNT_H

#include <stdint.h>

#define PB_SYSCALL_COUNT_ERROR_MAX 256

/* The calls counted, in report order. */
typedef enum pb_memory_syscall {
  PB_SYS_MMAP,
  PB_SYS_MUNMAP,
  PB_SYS_MREMAP,
  PB_SYS_MADVISE,
  PB_SYS_BRK,
  PB_MEMORY_SYSCALLS
} pb_memory_syscall;

/* "mmap", "munmap", ... */
extern const char *const pb_memory_syscall_names[PB_MEMORY_SYSCALLS];

/* Installs the filter and the handler; counting starts off. Returns 0, or
 * -1 with one line in err (seccomp refused, another architecture). */
int pb_syscall_count_install(char err[PB_SYSCALL_COUNT_ERROR_MAX]);

/* Turns counting on or off (cheap: one store). */
void pb_syscall_count_enable(int on);

/* The calls counted so far, by pb_memory_syscall. */
void pb_syscall_counts(uint64_t counts[PB_MEMORY_SYSCALLS]);

/* Has the handler call hook (async-signal-safe) just before making each
 * trapped call, counting on or off: each of them can release memory (mmap
 * too, over a mapping with MAP_FIXED). NULL stops it. For the exact peak
 * of RSS (harness/runner/rss.h). */
void pb_syscall_before_release(void (*hook)(void));

#endif /* POOLBENCH_HARNESS_RUNNER_SYSCALL_COUNT_H */
