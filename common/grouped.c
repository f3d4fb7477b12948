#include "common/grouped.h"

#include <stdio.h>

char *pb_grouped(uint64_t v, char buf[PB_GROUPED_MAX]) {
  char digits[21];
  int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
  int o = 0;
  for (int i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 == 0) buf[o++] = ',';
    buf[o++] = digits[i];
  }
  buf[o] = '\0';
  return buf;
}
