#include "common/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char err[PB_FILE_ERROR_MAX], const char *path, const char *fmt,
                ...) __attribute__((format(printf, 3, 4)));
static int fail(char err[PB_FILE_ERROR_MAX], const char *path, const char *fmt,
                ...) {
  int n = snprintf(err, PB_FILE_ERROR_MAX, "%s: ", path);
  if (n >= 0 && n < PB_FILE_ERROR_MAX) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, PB_FILE_ERROR_MAX - (size_t)n, fmt, ap);
    va_end(ap);
  }
  return -1;
}

int pb_atomic_open(pb_atomic_file *f, const char *path,
                   char err[PB_FILE_ERROR_MAX]) {
  *f = (pb_atomic_file){.fd = -1};
  struct stat st;
  if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
    return fail(err, path,
                "exists and is not a regular file; not replacing it");
  f->path = strdup(path);
  /* The temporary name is in the target's directory, so that the rename
   * stays within one file system and is atomic. */
  if (!f->path || asprintf(&f->tmp, "%s.tmp.XXXXXX", path) < 0) {
    f->tmp = NULL;
    return fail(err, path, "out of memory");
  }
  f->fd = mkstemp(f->tmp);
  if (f->fd < 0) {
    int e = errno;
    free(f->tmp);
    f->tmp = NULL;
    return fail(err, path, "cannot create a temporary file: %s", strerror(e));
  }
  fchmod(f->fd, 0644); /* mkstemp makes 0600; results are for reading */
  return 0;
}

int pb_atomic_write(pb_atomic_file *f, const void *data, size_t len,
                    char err[PB_FILE_ERROR_MAX]) {
  const char *p = data;
  while (len > 0) {
    ssize_t n = write(f->fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return fail(err, f->path, "cannot write: %s",
                  n < 0 ? strerror(errno) : "no progress");
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int pb_atomic_finish(pb_atomic_file *f, char err[PB_FILE_ERROR_MAX]) {
  int rc = fsync(f->fd);
  int e = errno;
  if (close(f->fd) != 0 && rc == 0) {
    rc = -1;
    e = errno;
  }
  f->fd = -1;
  if (rc != 0) return fail(err, f->path, "cannot write: %s", strerror(e));
  return 0;
}

int pb_atomic_commit(pb_atomic_file *f, char err[PB_FILE_ERROR_MAX]) {
  if (rename(f->tmp, f->path) != 0)
    return fail(err, f->path, "cannot rename into place: %s", strerror(errno));
  free(f->tmp);
  f->tmp = NULL;
  free(f->path);
  f->path = NULL;
  return 0;
}

void pb_atomic_abort(pb_atomic_file *f) {
  if (f->fd >= 0) close(f->fd);
  if (f->tmp) unlink(f->tmp);
  free(f->tmp);
  free(f->path);
  *f = (pb_atomic_file){.fd = -1};
}

int pb_atomic_check(const char *path, char err[PB_FILE_ERROR_MAX]) {
  pb_atomic_file f;
  int rc = pb_atomic_open(&f, path, err);
  pb_atomic_abort(&f);
  return rc;
}

int pb_write_file_atomic(const char *path, const void *data, size_t len,
                         char err[PB_FILE_ERROR_MAX]) {
  pb_atomic_file f;
  if (pb_atomic_open(&f, path, err) != 0 ||
      pb_atomic_write(&f, data, len, err) != 0 ||
      pb_atomic_finish(&f, err) != 0 || pb_atomic_commit(&f, err) != 0) {
    pb_atomic_abort(&f);
    return -1;
  }
  return 0;
}

int pb_file_set_add(pb_file_set *set, const char *path, const void *data,
                    size_t len, char err[PB_FILE_ERROR_MAX]) {
  if (set->count == set->capacity) {
    size_t capacity = set->capacity ? 2 * set->capacity : 8;
    pb_atomic_file *files = realloc(set->files, capacity * sizeof *files);
    if (!files) return fail(err, path, "out of memory");
    set->files = files;
    set->capacity = capacity;
  }
  pb_atomic_file *f = &set->files[set->count];
  if (pb_atomic_open(f, path, err) != 0 ||
      pb_atomic_write(f, data, len, err) != 0 ||
      pb_atomic_finish(f, err) != 0) {
    pb_atomic_abort(f);
    return -1;
  }
  set->count++;
  return 0;
}

int pb_file_set_commit(pb_file_set *set, char err[PB_FILE_ERROR_MAX]) {
  int rc = 0;
  for (size_t i = 0; i < set->count; i++) {
    if (rc == 0 && pb_atomic_commit(&set->files[i], err) != 0) rc = -1;
    pb_atomic_abort(&set->files[i]); /* frees; unlinks what was not renamed */
  }
  free(set->files);
  *set = (pb_file_set){0};
  return rc;
}

void pb_file_set_abort(pb_file_set *set) {
  for (size_t i = 0; i < set->count; i++) pb_atomic_abort(&set->files[i]);
  free(set->files);
  *set = (pb_file_set){0};
}
