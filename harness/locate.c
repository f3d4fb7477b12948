#include "harness/locate.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fail.h"

/* argv0 is .../bazel-bin/harness/benchmarks: two levels up is bazel-bin. */
static int candidate(const char *argv0, const char *path, int which, char *buf,
                     size_t size) {
  const char *slash = strrchr(argv0, '/');
  int dir = slash ? (int)(slash - argv0) : 1;
  const char *base = slash ? argv0 : ".";
  switch (which) {
    case 0:
      return snprintf(buf, size, "%s", path);
    case 1:
      return snprintf(buf, size, "%s.runfiles/poolbench/%s", argv0, path);
    default:
      return snprintf(buf, size, "%.*s/../%s", dir, base, path);
  }
}

char *pb_locate(const char *argv0, const char *path) {
  for (int which = 0; which < 3; which++) {
    char buf[PATH_MAX];
    int n = candidate(argv0, path, which, buf, sizeof buf);
    if (n < 0 || (size_t)n >= sizeof buf || access(buf, F_OK) != 0) continue;
    char *absolute = realpath(buf, NULL);
    if (absolute) return absolute;
  }
  return NULL;
}

char *pb_locate_or_fail(const char *argv0, const char *path, const char *what) {
  char *found = pb_locate(argv0, path);
  if (!found)
    pb_fail(PB_EXIT_BAD_INPUT,
            "cannot find %s (%s, in the runfiles or beside "
            "%s)",
            what, path, argv0);
  return found;
}
