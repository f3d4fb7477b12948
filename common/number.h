/* Numbers typed by users, parsed strictly: the whole text in plain decimal
 * notation, nothing else. strtoull and strtod alone accept leading blanks, a
 * sign on unsigned numbers (" -1" is 2^64 - 1), hexadecimal ("0x10") and
 * words ("inf", "nan"); a benchmark that silently ran something else than
 * asked would be worse than one that refused. */
#ifndef POOLBENCH_COMMON_NUMBER_H
#define POOLBENCH_COMMON_NUMBER_H

#include <stdint.h>

/* Digits only ("0", "42"), within uint64_t. Returns 0, or -1. */
int pb_parse_u64(const char *text, uint64_t *value);

/* An optional sign, digits with an optional fraction, an optional exponent
 * ("1", "-0.5", ".25", "2e-3"), finite. Returns 0, or -1. */
int pb_parse_decimal(const char *text, double *value);

#endif /* POOLBENCH_COMMON_NUMBER_H */
