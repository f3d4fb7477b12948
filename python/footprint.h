/* A real program's footprint: the resident memory its allocator costs it at
 * its peak, measured from inside pyrun_<backend>, so that a real program is
 * compared with its capture's replay (whose footprint is the allocator's
 * fixed overhead plus its peak RSS above the runner's baseline,
 * harness/runner/overhead.h) on what the allocator costs, not on the whole
 * process.
 *
 *   footprint = VmHWM - RssFile - RssShmem          (at the end)
 *               - RssAnon                          (at load)
 *               - the growth, from load to the end, of the written pages
 *                 of file mappings and of the stack
 *
 * from /proc/self/status and /proc/self/smaps (common/private_memory.h).
 * The high-water mark less the file-backed pages leaves the private memory
 * at the peak: file pages (libpython's code, the standard library's
 * extension modules) only grow during a run, so those resident at the end
 * are at least those resident at the peak. RssAnon at load, read by the
 * executable's .preinit_array before any library's initializer runs, is the
 * libraries' relocated data: the process before any allocator started.
 * What the interpreter then writes of its own is no allocator's either:
 * its static data (libpython's .data) and its stack, about 150 KB over a
 * short program; both only grow, so their growth to the end bounds what
 * they held at the peak. What is left is the allocator's memory, its
 * fixed overhead included (constructors, pb_init), and a little that the
 * capture does not replay: the RAW domain (the system malloc in every
 * pyrun), a library's .bss; results/README.md says how large.
 *
 * Two differences from the runner's overhead, both small: the allocator's
 * own shared library's relocated data (8-28 KiB here) is in the load
 * reading, so not counted, nor what it writes into its own .data; and
 * VmHWM is the kernel's high-water mark, not
 * the exact peak (harness/runner/rss.h: up to 128 KiB a CPU off), since an
 * exact one would need a seccomp filter that the program's own child
 * processes would inherit and die of.
 *
 * The report: when PB_FOOTPRINT_FD names an open file descriptor, pyrun
 * writes the footprint in bytes, in decimal and a newline, to it as it ends
 * (harness/process/ measure.c reads it). A program that ends by os._exit
 * reports nothing, and its figure is absent. */
#ifndef POOLBENCH_PYTHON_FOOTPRINT_H
#define POOLBENCH_PYTHON_FOOTPRINT_H

#include <stdint.h>

#include "common/private_memory.h"

#define PB_FOOTPRINT_FD_ENV "PB_FOOTPRINT_FD"

/* The fields of /proc/self/status the footprint is made of, in bytes. */
typedef struct pb_status_memory {
  uint64_t rss_anon, rss_file, rss_shmem, peak;
} pb_status_memory;

/* Parses status text (NUL-terminated). Returns 0, or -1 when a field is
 * missing. */
int pb_status_memory_parse(const char *text, pb_status_memory *out);

/* Reads /proc/self/status without allocating (it runs before any allocator
 * has started). Returns 0, or -1. */
int pb_status_memory_read(pb_status_memory *out);

/* One reading of both files; at load and at the end. */
typedef struct pb_footprint_reading {
  pb_status_memory status;
  pb_private_memory mappings;
} pb_footprint_reading;

/* Reads both, without allocating. Returns 0, or -1. */
int pb_footprint_read(pb_footprint_reading *out);

/* The footprint from the reading at load and the one at the end; 0 when it
 * would be negative. */
uint64_t pb_footprint(const pb_footprint_reading *at_load,
                      const pb_footprint_reading *at_end);

/* Takes the report's descriptor from the environment and removes the
 * variable, and marks the descriptor close-on-exec, so that the program's
 * own children (a pyrun through sys.executable) neither see nor write it.
 * Returns the descriptor, or -1 when none was asked for. */
int pb_footprint_take_fd(void);

/* Writes the report to fd: the footprint since at_load, read now. */
void pb_footprint_report(int fd, const pb_footprint_reading *at_load);

#endif /* POOLBENCH_PYTHON_FOOTPRINT_H */
