#include "harness/process/locate.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fail.h"

/* The places path may be, in order: the working directory (the runfiles
 * tree under `bazel run`), argv0's runfiles tree, then each directory above
 * argv0's, up to bazel-bin (.../bazel-bin/harness/ROOM/PROGRAM is three
 * levels below it). */
#define LEVELS_UP 4

static int candidate(const char *argv0, const char *path, int which, char *buf,
                     size_t size) {
  if (which == 0) return snprintf(buf, size, "%s", path);
  if (which == 1)
    return snprintf(buf, size, "%s.runfiles/poolbench/%s", argv0, path);
  const char *slash = strrchr(argv0, '/');
  int n = snprintf(buf, size, "%.*s", slash ? (int)(slash - argv0) : 1,
                   slash ? argv0 : ".");
  for (int up = 1; up < which && n > 0 && (size_t)n < size; up++)
    n += snprintf(buf + n, size - (size_t)n, "/..");
  if (n > 0 && (size_t)n < size)
    n += snprintf(buf + n, size - (size_t)n, "/%s", path);
  return n;
}

char *pb_locate(const char *argv0, const char *path) {
  for (int which = 0; which < 2 + LEVELS_UP; which++) {
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
