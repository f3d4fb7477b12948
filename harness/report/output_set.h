/* The files a comparison leaves behind, written as one set into a
 * directory: every exporter's (exporter.h). Every file is staged first;
 * only when all are written do they replace the old ones (common/
 * atomic_file.h), so a reader never finds new tables beside old charts.
 *
 * The set owns, in its directory, the names its exporters may write, and
 * only those. A file of an earlier set that the new one does not write
 * (another workload's RSS timeline, or every chart when gnuplot failed) is
 * removed once the new set is in place; anything else in the directory
 * (a README) is never touched. */
#ifndef POOLBENCH_HARNESS_REPORT_OUTPUT_SET_H
#define POOLBENCH_HARNESS_REPORT_OUTPUT_SET_H

#include "common/atomic_file.h"
#include "harness/report/report.h"

/* Checks, before anything runs, that the set can be written into dir:
 * creates dir if it does not exist (its parent must), and refuses a dir that
 * is not a directory, one where no file can be created, an owned name that
 * is there but is not a regular file, and a dir another process holds (a
 * second comparison into the same --out would leave a mixed set). Then
 * holds dir itself (flock on the directory: nothing is left in it) until
 * pb_output_set_write has written the set, or this process ends. 0, or -1
 * with one line in err. */
int pb_output_set_check(const char *dir, char err[PB_FILE_ERROR_MAX]);

/* Renders every exporter and writes the set. Returns 0 and prints "wrote
 * DIR: ..." on stderr; or -1 with one line naming the problem (and saying
 * that the old files were kept, when none was replaced), also when an
 * optional exporter (the charts) failed and the rest was written. */
int pb_output_set_write(const pb_report *r, const char *dir);

#endif /* POOLBENCH_HARNESS_REPORT_OUTPUT_SET_H */
