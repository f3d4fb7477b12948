/* Where a comparison writes its results. A run never changes committed
 * files:
 *
 *   --out=DIR        DIR (relative to where `bazel run` was started), as
 *                    given: `--out=results/reference` rewrites the
 *                    committed reference run, and nothing else does;
 *   by default       a new folder results/runs/<date>T<time>Z/ of the
 *                    workspace (git-ignored), and results/latest, a
 *                    symbolic link to the newest, pointed at it once the
 *                    set is written.
 *
 * Outside `bazel run` (no workspace known) the default is results/runs/...
 * under the current directory. */
#ifndef POOLBENCH_HARNESS_COMPARISON_RESULTS_DIR_H
#define POOLBENCH_HARNESS_COMPARISON_RESULTS_DIR_H

typedef struct pb_results_dir {
  char *path;   /* where the set goes (malloc'd) */
  char *runs;   /* results/runs, for a default folder; NULL with --out */
  char *latest; /* results/latest, likewise */
} pb_results_dir;

/* Chooses the folder: out (the --out option, NULL when not given) or a new
 * dated one, which it creates (and removes at exit if nothing was written
 * into it); one line and exit status 2 when it cannot. */
pb_results_dir pb_results_dir_choose(const char *out);

/* After the set was written into a default folder: points results/latest
 * at it (replacing the link atomically). Returns 0, or -1 with one line on
 * stderr. */
int pb_results_dir_mark_latest(const pb_results_dir *d);

#endif /* POOLBENCH_HARNESS_COMPARISON_RESULTS_DIR_H */
