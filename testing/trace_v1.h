/* Version 1 trace files, laid out from version 1's format table (trace.h)
 * independently of the reader: for tests that check that version 1 files
 * still load. poolbench itself writes only the current version. */
#ifndef POOLBENCH_TESTING_TRACE_V1_H
#define POOLBENCH_TESTING_TRACE_V1_H

#include <stddef.h>

#include "workloads/trace.h"

/* t as a version 1 file: header (checksum over the ops only) and ops.
 * Returns the bytes (malloc'd, *len long). */
unsigned char *pb_trace_encode_v1(const pb_trace *t, size_t *len);

/* Writes pb_trace_encode_v1(t) to path; a failed check ends the test. */
void pb_trace_write_v1(const pb_trace *t, const char *path);

#endif /* POOLBENCH_TESTING_TRACE_V1_H */
