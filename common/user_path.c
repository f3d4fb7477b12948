#include "common/user_path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fail.h"

const char *pb_env_dir(const char *name) {
  const char *dir = getenv(name);
  return dir && *dir ? dir : NULL;
}

const char *pb_temp_dir(void) {
  const char *dir = pb_env_dir("TMPDIR");
  return dir ? dir : "/tmp";
}

char *pb_user_path(const char *path) {
  const char *dir = pb_env_dir("BUILD_WORKING_DIRECTORY");
  char *full;
  if (path[0] == '/' || !dir)
    full = strdup(path);
  else if (asprintf(&full, "%s/%s", dir, path) < 0)
    full = NULL;
  if (!full) pb_fail(PB_EXIT_FAILED, "out of memory");
  return full;
}
