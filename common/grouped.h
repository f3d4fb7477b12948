/* Numbers with thousands separators ("23,847,965"), as CPython's
 * _debugmallocstats and poolbench's reports print them. */
#ifndef POOLBENCH_COMMON_GROUPED_H
#define POOLBENCH_COMMON_GROUPED_H

#include <stdint.h>

/* Room for UINT64_MAX grouped, and the NUL. */
#define PB_GROUPED_MAX 27

/* Writes v grouped into buf and returns buf. */
char *pb_grouped(uint64_t v, char buf[PB_GROUPED_MAX]);

#endif /* POOLBENCH_COMMON_GROUPED_H */
