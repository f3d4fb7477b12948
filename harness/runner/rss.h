/* What the kernel says about this process's memory: resident set size, its
 * high-water mark, and page faults. Linux only (/proc). */
#ifndef POOLBENCH_HARNESS_RUNNER_RSS_H
#define POOLBENCH_HARNESS_RUNNER_RSS_H

#include <stdint.h>

/* Resident bytes now (/proc/self/statm), or 0 if it cannot be read. */
uint64_t pb_rss_bytes(void);

/* Peak resident bytes since the last reset (VmHWM in /proc/self/status),
 * or 0 if it cannot be read. Not exact: the kernel records its high-water
 * mark (and resets it) from a quick reading of its RSS counters, which
 * leaves out what each CPU has counted but not yet folded in (up to 32
 * pages, 128 KiB, a CPU). Replaying lists at scale 0.05 on pool, pinned to
 * one CPU, it spread over 100 KiB from run to run where the exact peak
 * below did not move. */
uint64_t pb_rss_peak_bytes(void);

/* Resets the peak to the current RSS (writes 5 to /proc/self/clear_refs).
 * Returns 0, or -1 when the kernel refuses. */
int pb_rss_reset_peak(void);

/* The exact peak. /proc/self/statm is exact (it sums the per-CPU counters:
 * it matched smaps_rollup's page-table walk after each of 2,000 page
 * touches), and RSS rises only by page faults and falls only in the calls
 * that unmap or release memory (munmap, mremap, madvise, brk, and mmap
 * MAP_FIXED over a mapping): its peak
 * over a stretch is the largest of its value at the start, just before
 * each such call, and at the end. harness/runner/syscall_count.h traps
 * those calls and can make pb_rss_exact_peak_sample just before each. */

/* Starts the stretch: the peak so far is the RSS now. */
void pb_rss_exact_peak_start(void);

/* Just before a call that may release memory. Async-signal-safe. */
void pb_rss_exact_peak_sample(void);

/* The peak since pb_rss_exact_peak_start, the RSS now included; 0 if
 * /proc/self/statm cannot be read. */
uint64_t pb_rss_exact_peak_bytes(void);

/* Maps now every page of the files this process has mapped (its code, its
 * libraries, the trace), so that none is first touched during the replay:
 * the kernel maps file pages in batches whose size depends on what its page
 * cache holds at that moment, which moves RSS from run to run, and they are
 * not the allocator's memory anyway. A kernel without MADV_POPULATE_READ
 * (before Linux 5.14) leaves them as they are. */
void pb_map_file_pages(void);

/* Makes resident now the next PB_STACK_TOUCHED bytes of the calling
 * thread's stack below its caller, so that the replay's calls, and the
 * signal frames of --count-syscalls, land on pages already resident:
 * where a run's stack starts within its first page depends on the size of
 * its arguments and environment (a longer temporary path), and a call
 * that crossed into a new page in one run and not in the next moved every
 * memory figure by a page. */
#define PB_STACK_TOUCHED ((size_t)64 << 10)
void pb_map_stack_pages(void);

/* Minor page faults of this process so far (getrusage). */
uint64_t pb_minor_faults(void);

#endif /* POOLBENCH_HARNESS_RUNNER_RSS_H */
