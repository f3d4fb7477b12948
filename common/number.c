#include "common/number.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

static const char *skip_digits(const char *p, int *count) {
  *count = 0;
  while (isdigit((unsigned char)*p)) {
    p++;
    ++*count;
  }
  return p;
}

int pb_parse_u64(const char *text, uint64_t *value) {
  int digits;
  if (!text || *skip_digits(text, &digits) != '\0' || digits == 0) return -1;
  errno = 0;
  unsigned long long v = strtoull(text, NULL, 10);
  if (errno == ERANGE) return -1;
  *value = v;
  return 0;
}

/* Whether text is decimal notation: strtod then only has to convert. */
static int is_decimal(const char *p) {
  int integer, fraction, exponent;
  if (*p == '+' || *p == '-') p++;
  p = skip_digits(p, &integer);
  fraction = 0;
  if (*p == '.') p = skip_digits(p + 1, &fraction);
  if (integer + fraction == 0) return 0;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    p = skip_digits(p, &exponent);
    if (exponent == 0) return 0;
  }
  return *p == '\0';
}

int pb_parse_decimal(const char *text, double *value) {
  if (!text || !is_decimal(text)) return -1;
  errno = 0;
  double v = strtod(text, NULL);
  if (errno == ERANGE || !isfinite(v)) return -1;
  *value = v;
  return 0;
}
