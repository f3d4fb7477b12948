/* `make_trace --info=FILE [--info=FILE]`: what a trace file holds (its
 * header) and what it asks of an allocator (its profile, profile.h), for
 * one file or two side by side: a synthetic workload beside the capture of
 * the program it models. */
#ifndef POOLBENCH_WORKLOADS_TRACE_INFO_H
#define POOLBENCH_WORKLOADS_TRACE_INFO_H

#include <stddef.h>
#include <stdio.h>

/* Loads each of the n files (1 or 2) and prints one aligned table with a
 * column per file. Returns the exit status: 0, or 1 when standard output
 * cannot be written; a file that cannot be loaded is one line and exit
 * status 2. */
int pb_trace_info(const char *const *paths, size_t n, FILE *out);

#endif /* POOLBENCH_WORKLOADS_TRACE_INFO_H */
