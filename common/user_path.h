/* Paths as the user meant them. Under `bazel run` a program runs in its
 * runfiles tree, not where the user typed the command: a relative path is
 * taken from BUILD_WORKING_DIRECTORY (the directory bazel run was started
 * in) when that is set, as every poolbench program does for every path it
 * is given. */
#ifndef POOLBENCH_COMMON_USER_PATH_H
#define POOLBENCH_COMMON_USER_PATH_H

/* path itself when absolute or when not under bazel run, else
 * BUILD_WORKING_DIRECTORY/path (malloc'd either way; out of memory is one
 * line and exit status 1). */
char *pb_user_path(const char *path);

/* The environment variable's value, or NULL when it is unset or empty (an
 * empty directory would turn "results" into "/results"). */
const char *pb_env_dir(const char *name);

/* Where temporary files go: $TMPDIR when set and not empty, else /tmp. */
const char *pb_temp_dir(void);

#endif /* POOLBENCH_COMMON_USER_PATH_H */
