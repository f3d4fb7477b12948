/* The traces a comparison replays: each workload generated once, up front,
 * at its scale, into a private directory under $TMPDIR (or /tmp); every
 * runner replays the same file, and the directory is removed at the end,
 * also when the driver exits early on an error or an interrupt. */
#ifndef POOLBENCH_HARNESS_TRACE_FILES_H
#define POOLBENCH_HARNESS_TRACE_FILES_H

#include <stddef.h>

#include "harness/matrix.h"

/* Generates m's workloads into a new temporary directory (progress on
 * stderr). Returns 0; or -1 when interrupted (interrupt.h) before every
 * trace was made. Exits with one line if the directory or a file cannot be
 * written. */
int pb_trace_files_generate(const pb_matrix *m);

/* The file of workload w (valid until pb_trace_files_remove). */
const char *pb_trace_file(size_t w);

/* Removes the files and the directory; safe to call more than once. */
void pb_trace_files_remove(void);

#endif /* POOLBENCH_HARNESS_TRACE_FILES_H */
