/* Profiles as rows of text, one column per profile, so that two traces
 * (a synthetic workload and the capture of its program) read side by side.
 * make_trace prints them as aligned text; the comparison's report puts them
 * in its Markdown. Counts are shown with their share (of ops, of requests,
 * of requested bytes), since two traces rarely have the same length. */
#ifndef POOLBENCH_WORKLOADS_PROFILE_ROWS_H
#define POOLBENCH_WORKLOADS_PROFILE_ROWS_H

#include <stddef.h>

#include "workloads/profile.h"

#define PB_PROFILE_COLUMNS_MAX 4
#define PB_PROFILE_CELL_MAX 48

/* Receives one row: its label and one cell per profile. */
typedef void (*pb_profile_row_fn)(void *ctx, const char *label,
                                  char cells[][PB_PROFILE_CELL_MAX]);

/* Calls row for every row of the profiles p[0..n) (n at most
 * PB_PROFILE_COLUMNS_MAX); size bands appear where any profile has a
 * request. */
void pb_profile_rows(const pb_profile *const *p, size_t n,
                     pb_profile_row_fn row, void *ctx);

#endif /* POOLBENCH_WORKLOADS_PROFILE_ROWS_H */
