/* What the kernel says about this process's memory: resident set size, its
 * high-water mark, and page faults. Linux only (/proc). */
#ifndef POOLBENCH_HARNESS_RUNNER_RSS_H
#define POOLBENCH_HARNESS_RUNNER_RSS_H

#include <stdint.h>

/* Resident bytes now (/proc/self/statm), or 0 if it cannot be read. */
uint64_t pb_rss_bytes(void);

/* Peak resident bytes since the last reset (VmHWM in /proc/self/status),
 * or 0 if it cannot be read. */
uint64_t pb_rss_peak_bytes(void);

/* Resets the peak to the current RSS (writes 5 to /proc/self/clear_refs).
 * Returns 0, or -1 when the kernel refuses. */
int pb_rss_reset_peak(void);

/* Maps now every page of the files this process has mapped (its code, its
 * libraries, the trace), so that none is first touched during the replay:
 * the kernel maps file pages in batches whose size depends on what its page
 * cache holds at that moment, which moves RSS from run to run, and they are
 * not the allocator's memory anyway. A kernel without MADV_POPULATE_READ
 * (before Linux 5.14) leaves them as they are. */
void pb_map_file_pages(void);

/* Minor page faults of this process so far (getrusage). */
uint64_t pb_minor_faults(void);

#endif /* POOLBENCH_HARNESS_RUNNER_RSS_H */
