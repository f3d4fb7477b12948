/* The allocator's fixed overhead: the resident memory that loading and
 * initializing the allocator adds to the process, measured, in the same
 * run as its replay (harness/runner/runner.c).
 *
 * What counts is private, non-code resident memory: the `Anonymous` pages
 * of /proc/self/smaps (anonymous mappings, and the pages of a file mapping
 * written to since it was mapped: a library's relocated and written data),
 * in every mapping but the main thread's stack (the harness's). Code and
 * read-only data (the pages of files as they are on disk: a library's
 * text, the mmap'd trace) are never counted: they are shared with the page
 * cache, and a library's code is no allocator's overhead.
 *
 * The overhead is the sum of:
 *   - the growth of that memory from before any library's initializer runs
 *     (the runner's .preinit_array entry, which the dynamic loader runs
 *     first) to the entry of main: what the allocators that start in a
 *     constructor (and replace malloc before main) set up;
 *   - its growth across pb_init, and across pb_expect for a backend that
 *     has it: what a backend sets up when it is started and told the
 *     demand;
 *   - the private pages, at the first reading, of the allocator's own
 *     shared library when it is one (allocator/registry.h's `preload`,
 *     the library a deployment preloads): its relocated data, written by
 *     the loader before anything ran. Another library's (libpython's, for
 *     CPython's pymalloc, whose interpreter is no part of the allocator)
 *     is not counted; what pymalloc's own start writes into it is, by the
 *     growth above.
 * What the harness does between main's entry and pb_init (reading its
 * options) is not counted, nor the memory the allocator sets up lazily, at
 * its first call: that call comes after the RSS baseline, so peak RSS above
 * the baseline counts it already, and the footprint (overhead + peak RSS
 * above the baseline) counts it once. No warm-up call is made: it would
 * move those pages out of every peak RSS figure into the baseline, and
 * break allocator.h's order (pb_expect and pb_threads come before the first
 * allocation). */
#ifndef POOLBENCH_HARNESS_RUNNER_OVERHEAD_H
#define POOLBENCH_HARNESS_RUNNER_OVERHEAD_H

#include <stdint.h>

#include "common/private_memory.h"

/* The overhead, from its readings (above); a growth that came out
 * negative counts as 0. */
typedef struct pb_overhead {
  pb_private_memory at_load;     /* before every library's initializer */
  pb_private_memory at_main;     /* at main's entry */
  pb_private_memory before_init; /* just before pb_init */
  pb_private_memory after_init;  /* just after it */
  /* Around pb_expect; equal when the backend has none. */
  pb_private_memory before_expect, after_expect;
  int failed; /* a reading failed: no overhead is reported */
} pb_overhead;

/* Reads into *into; a failure marks o failed. */
void pb_overhead_read(pb_overhead *o, const char *library,
                      pb_private_memory *into);

/* The parts, in bytes: the constructors' growth, pb_init's and
 * pb_expect's, the allocator library's own pages; and their sum. */
uint64_t pb_overhead_constructors(const pb_overhead *o);
uint64_t pb_overhead_init(const pb_overhead *o);
uint64_t pb_overhead_library(const pb_overhead *o);
uint64_t pb_overhead_bytes(const pb_overhead *o);

#endif /* POOLBENCH_HARNESS_RUNNER_OVERHEAD_H */
