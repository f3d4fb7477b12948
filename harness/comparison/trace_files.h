/* The traces a comparison replays: each workload generated once, up front,
 * at its scale, into a private directory under $TMPDIR (or /tmp); every
 * runner replays the same file, and the directory is removed at the end,
 * also when the driver exits early on an error or an interrupt. A workload
 * of the captured suite is its program's capture (capture.h); one of the
 * real suite has no trace.
 *
 * When the comparison holds more than the synthetic suite, each trace's
 * profile (workloads/profile.h) is kept in its matrix workload, for the
 * agreement report to set synthetic and captured side by side. */
#ifndef POOLBENCH_HARNESS_COMPARISON_TRACE_FILES_H
#define POOLBENCH_HARNESS_COMPARISON_TRACE_FILES_H

#include <stddef.h>

#include "harness/matrix/matrix.h"

/* Generates (or captures, within timeout seconds) m's workloads into a new
 * temporary directory (progress on stderr); a --trace is loaded and
 * checked whole (one line and exit status 2 when it is malformed); a
 * --program whose capture fails gets its failure (matrix.h), warned once,
 * and the rest goes on. Returns 0; or -1 when
 * interrupted (interrupt.h) before every trace was made. Exits with one
 * line if the directory or a file cannot be written, or a capture fails. */
int pb_trace_files_generate(pb_matrix *m, double timeout);

/* The trace workload w replays: a --trace file as given, else the file
 * made for it (valid until pb_trace_files_remove); NULL for a real
 * program, or one whose capture failed. */
const char *pb_workload_trace(const pb_matrix *m, size_t w);

/* Removes the files and the directory; safe to call more than once (a
 * --trace file is never touched). */
void pb_trace_files_remove(void);

#endif /* POOLBENCH_HARNESS_COMPARISON_TRACE_FILES_H */
