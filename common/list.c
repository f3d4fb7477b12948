#include "common/list.h"

#include <stdlib.h>
#include <string.h>

#include "common/fail.h"

char **pb_list_split(const char *text, char sep, size_t *count) {
  size_t n = 1;
  for (const char *p = text; *p; p++) n += *p == sep;
  char **items = calloc(n + 1, sizeof *items);
  if (!items) pb_fail(PB_EXIT_FAILED, "out of memory");
  const char *p = text;
  for (size_t i = 0; i < n; i++) {
    const char *end = strchr(p, sep);
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (!(items[i] = strndup(p, len))) pb_fail(PB_EXIT_FAILED, "out of memory");
    p += len + 1;
  }
  *count = n;
  return items;
}

void pb_list_free(char **items) {
  for (char **i = items; i && *i; i++) free(*i);
  free(items);
}
