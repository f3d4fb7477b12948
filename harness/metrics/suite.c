#include "harness/metrics/suite.h"

#include <stdio.h>
#include <string.h>

const char *const pb_suite_names[PB_SUITE_COUNT] = {"synthetic", "captured",
                                                    "real"};

int pb_suite_parse(const char *text, unsigned *mask, char *bad, size_t size) {
  *mask = 0;
  const char *p = text;
  for (;;) {
    size_t len = strcspn(p, ",");
    int known = 0;
    if (len == 3 && strncmp(p, "all", 3) == 0) {
      *mask |= PB_SUITES_ALL;
      known = 1;
    }
    for (int s = 0; s < PB_SUITE_COUNT && !known; s++)
      if (strlen(pb_suite_names[s]) == len &&
          strncmp(p, pb_suite_names[s], len) == 0) {
        *mask |= PB_SUITE_BIT(s);
        known = 1;
      }
    if (!known) {
      snprintf(bad, size, "%.*s", (int)len, p);
      return -1;
    }
    if (p[len] == '\0') return 0;
    p += len + 1;
  }
}
