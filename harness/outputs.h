/* The files a comparison leaves behind, written as one set into a directory
 * (the workspace's results/ by default): latest.md, latest.csv, latest.json
 * and the charts. Every file is staged first; only when all are written do
 * they replace the old ones (common/atomic_file.h), so a reader never finds
 * new tables beside old charts. */
#ifndef POOLBENCH_HARNESS_OUTPUTS_H
#define POOLBENCH_HARNESS_OUTPUTS_H

#include "harness/matrix.h"

/* Creates dir if needed and writes the set. Returns 0 and prints "wrote ..."
 * on stderr; or -1 with one line naming the problem (and saying that the
 * old files were kept). */
int pb_outputs_write(const pb_matrix *m, const char *dir);

#endif /* POOLBENCH_HARNESS_OUTPUTS_H */
