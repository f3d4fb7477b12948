#include "harness/report/output_set.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/fail.h"
#include "harness/report/exporter.h"

#define PROBE "latest.json" /* the member a write is tried as */

/* The directory this process holds, open (-1: none), and which. */
static int held_fd = -1;
static char *held_dir;

/* Holds dir for this process, or says who cannot: an exclusive flock on the
 * directory itself, not on a file in it, so that nothing is left behind in a
 * committed folder (results/reference) and no lock file can be removed
 * under a holder. Close-on-exec: a runner must not inherit it. */
static int hold(const char *dir, char err[PB_FILE_ERROR_MAX]) {
  if (held_fd >= 0 && strcmp(held_dir, dir) == 0) return 0; /* ours */
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, PB_FILE_ERROR_MAX, "%s: cannot open: %s", dir,
             strerror(errno));
    return -1;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int busy = errno == EWOULDBLOCK;
    snprintf(err, PB_FILE_ERROR_MAX, "%s: %s%s", dir,
             busy ? "another comparison is writing into it; wait for it, or "
                    "choose another --out"
                  : "cannot lock: ",
             busy ? "" : strerror(errno));
    close(fd);
    return -1;
  }
  if (held_fd >= 0) close(held_fd);
  free(held_dir);
  held_fd = fd;
  held_dir = strdup(dir);
  return 0;
}

/* Lets dir go once its set is written. */
static void release(void) {
  if (held_fd < 0) return;
  close(held_fd);
  held_fd = -1;
  free(held_dir);
  held_dir = NULL;
}

int pb_output_set_check(const char *dir, char err[PB_FILE_ERROR_MAX]) {
  struct stat st;
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
    snprintf(err, PB_FILE_ERROR_MAX, "%s: cannot create the directory: %s", dir,
             strerror(errno));
    return -1;
  }
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    snprintf(err, PB_FILE_ERROR_MAX, "%s: exists and is not a directory", dir);
    return -1;
  }
  if (hold(dir, err) != 0) return -1;
  char *probe;
  if (asprintf(&probe, "%s/%s", dir, PROBE) < 0) {
    snprintf(err, PB_FILE_ERROR_MAX, "out of memory");
    return -1;
  }
  int rc = pb_atomic_check(probe, err);
  free(probe);
  DIR *d = rc == 0 ? opendir(dir) : NULL;
  if (rc == 0 && !d) {
    snprintf(err, PB_FILE_ERROR_MAX, "%s: cannot list: %s", dir,
             strerror(errno));
    return -1;
  }
  for (struct dirent *e; d && rc == 0 && (e = readdir(d));) {
    if (!pb_exporters_own(e->d_name)) continue;
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        !S_ISREG(st.st_mode)) {
      snprintf(err, PB_FILE_ERROR_MAX,
               "%s/%s: exists and is not a regular file; not replacing it", dir,
               e->d_name);
      rc = -1;
    }
  }
  if (d) closedir(d);
  return rc;
}

/* Removes the files of an earlier set that this one did not write (a
 * chart of another workload, or every chart when gnuplot failed). Returns
 * how many. */
static int remove_stale(const char *dir, const pb_rendered *written) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  int removed = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (!pb_exporters_own(e->d_name)) continue;
    int kept = 0;
    for (size_t i = 0; i < written->count; i++)
      kept |= strcmp(e->d_name, written->files[i].name) == 0;
    if (!kept && unlinkat(dirfd(d), e->d_name, 0) == 0) removed++;
  }
  closedir(d);
  return removed;
}

int pb_output_set_write(const pb_report *r, const char *dir) {
  char err[PB_FILE_ERROR_MAX] = "";
  if (pb_output_set_check(dir, err) != 0) {
    pb_warn("%s; nothing was written", err);
    return -1;
  }
  pb_rendered files = {0};
  int failed = 0; /* an optional exporter failed: its files are left out */
  for (const pb_exporter *const *e = pb_exporters; *e; e++) {
    pb_rendered one = {0};
    if ((*e)->render(r, &one) != 0) {
      pb_rendered_free(&one);
      if ((*e)->optional) {
        failed = 1;
        continue;
      }
      pb_rendered_free(&files);
      pb_warn("no %s: nothing was replaced: the files already in %s were kept",
              (*e)->format, dir);
      return -1;
    }
    for (size_t i = 0; i < one.count; i++) {
      pb_rendered_add(&files, one.files[i].name, one.files[i].data,
                      one.files[i].len);
      one.files[i].data = NULL; /* now files' */
    }
    pb_rendered_free(&one);
  }

  pb_file_set set = {0};
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < files.count; i++) {
    char *path;
    if (asprintf(&path, "%s/%s", dir, files.files[i].name) < 0)
      pb_fail(PB_EXIT_FAILED, "out of memory");
    rc = pb_file_set_add(&set, path, files.files[i].data, files.files[i].len,
                         err);
    free(path);
  }
  if (rc == 0)
    rc = pb_file_set_commit(&set, err);
  else
    pb_file_set_abort(&set);
  if (rc != 0) {
    pb_rendered_free(&files);
    pb_warn("%s; nothing was replaced: the files already in %s were kept", err,
            dir);
    return -1;
  }
  int removed = remove_stale(dir, &files);
  release();
  fprintf(stderr, "wrote %s:", dir);
  for (size_t i = 0; i < files.count; i++)
    fprintf(stderr, "%s %s", i ? "," : "", files.files[i].name);
  if (removed)
    fprintf(stderr, "; removed %d file%s of the previous set", removed,
            removed > 1 ? "s" : "");
  fputc('\n', stderr);
  pb_rendered_free(&files);
  return failed ? -1 : 0;
}
