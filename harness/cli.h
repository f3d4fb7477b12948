/* Command-line parsing shared by the runner and the comparison driver:
 * strict numbers (the whole string must parse) and --name=value options.
 * Backend parameters are not options: they are NAME=VALUE arguments,
 * split with pb_param_split (allocator.h) and passed on unread. */
#ifndef POOLBENCH_HARNESS_CLI_H
#define POOLBENCH_HARNESS_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "allocator/allocator.h"

/* If argv[*i] is "--name=VALUE" or "--name" followed by VALUE, stores VALUE,
 * advances *i past what it used and returns 1; otherwise returns 0. A
 * "--name" with nothing after it is an error: *value is set to NULL and 1 is
 * returned, for the caller to report. */
int pb_cli_option(int argc, char **argv, int *i, const char *name,
                  const char **value);

/* Each returns 0, or -1 when text is not a number of that kind, in plain
 * decimal (common/number.h: no blanks, signs on counts, hex or words). */
int pb_cli_u64(const char *text, uint64_t *value);
int pb_cli_positive_double(const char *text, double *value);

/* A workload scale, 0 < scale <= max; one line naming option and exit
 * status 2 when text is not one. */
void pb_cli_scale(const char *option, const char *text, double max,
                  double *scale);

/* A positive number (--timeout's seconds, a scale); one line naming option
 * and exit status 2 when text is not one. */
void pb_cli_positive(const char *option, const char *text, double *value);

/* Marks an option given; one line and exit status 2 when it already was (the
 * last of two values silently winning hides a typo). */
void pb_cli_once(int *given, const char *option);

/* Takes arg, a NAME=VALUE backend parameter, as params[*nparams] (split in
 * place) and counts it; one line and exit status 2 when arg is not one, its
 * NAME is already given, or PB_PARAMS_MAX are. */
void pb_cli_param(char *arg, pb_param params[PB_PARAMS_MAX], size_t *nparams);

#endif /* POOLBENCH_HARNESS_CLI_H */
