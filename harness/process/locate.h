/* Where the driver finds the programs and files it runs: the runners
 * (harness/bench_<backend>), pyrun_<backend> and pytrace (python/), the
 * workload programs (workloads/python/).
 *
 * Under `bazel run` they are in the runfiles tree, the driver's working
 * directory; run from bazel-bin, the driver finds its runfiles beside
 * itself (argv0.runfiles/poolbench/) or, for binaries, the bazel-bin tree
 * it lives in. */
#ifndef POOLBENCH_HARNESS_PROCESS_LOCATE_H
#define POOLBENCH_HARNESS_PROCESS_LOCATE_H

/* The absolute path of path (relative to the workspace root), found as
 * described; NULL when it is nowhere. malloc'd. */
char *pb_locate(const char *argv0, const char *path);

/* pb_locate, or one line naming what is missing and exit status 2. */
char *pb_locate_or_fail(const char *argv0, const char *path, const char *what);

#endif /* POOLBENCH_HARNESS_PROCESS_LOCATE_H */
