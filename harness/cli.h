/* Command-line parsing shared by the runner and the comparison driver:
 * strict numbers (the whole string must parse) and --name=value options. */
#ifndef POOLBENCH_HARNESS_CLI_H
#define POOLBENCH_HARNESS_CLI_H

#include <stdint.h>

#include "allocator/allocator.h"

/* If argv[*i] is "--name=VALUE" or "--name" followed by VALUE, stores VALUE,
 * advances *i past what it used and returns 1; otherwise returns 0. A
 * "--name" with nothing after it is an error: *value is set to NULL and 1 is
 * returned, for the caller to report. */
int pb_cli_option(int argc, char **argv, int *i, const char *name,
                  const char **value);

/* Each returns 0, or -1 when text is not a number of that kind. */
int pb_cli_u64(const char *text, uint64_t *value);
int pb_cli_positive_double(const char *text, double *value);

/* The options every runner passes to its backend as parameters:
 * --layout, --arena-size, --pool-size, --threshold (parameters layout,
 * arena_size, pool_size, threshold). If argv[*i] is one of them, sets
 * *param (value NULL when it is missing), advances *i like pb_cli_option
 * and returns 1; otherwise returns 0. */
int pb_cli_backend_option(int argc, char **argv, int *i, pb_param *param);
#define PB_CLI_BACKEND_OPTIONS 4 /* how many there are */

/* "--arena-size" for "arena_size"; NULL for a parameter with no option. */
const char *pb_cli_backend_option_name(const char *param);

/* Prints "PROGRAM: MESSAGE" on stderr and exits with status 2. */
void pb_cli_usage_error(const char *program, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

#endif /* POOLBENCH_HARNESS_CLI_H */
