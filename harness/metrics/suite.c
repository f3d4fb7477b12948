#include "harness/metrics/suite.h"

#include <stdio.h>
#include <string.h>

#include "common/list.h"

const char *const pb_suite_names[PB_SUITE_COUNT] = {"synthetic", "captured",
                                                    "real", "deploy"};

int pb_suite_parse(const char *text, unsigned *mask, char *bad, size_t size) {
  *mask = 0;
  size_t n;
  char **names = pb_list_split(text, ',', &n);
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    unsigned bits = strcmp(names[i], "all") == 0 ? PB_SUITES_SIDE_BY_SIDE : 0;
    for (int s = 0; s < PB_SUITE_COUNT; s++)
      if (strcmp(names[i], pb_suite_names[s]) == 0) bits = PB_SUITE_BIT(s);
    /* A suite named twice is a typo, as a backend named twice is. */
    if (!bits || (*mask & bits)) {
      snprintf(bad, size, "%s", names[i]);
      rc = bits ? -2 : -1;
    }
    *mask |= bits;
  }
  pb_list_free(names);
  return rc;
}
