/* Files replaced atomically: written under a temporary name beside the
 * target, flushed to disk, then renamed over it, so that a reader sees the
 * old file or the new one and never half of one.
 *
 * A set of files that belong together (a report's Markdown, CSV, JSON and
 * charts) is staged whole first and renamed only once every member has been
 * written and flushed: a full disk or an unwritable directory then leaves
 * every old file in place, not a mix of old and new.
 *
 * A target that exists and is not a regular file (a device such as
 * /dev/null, a directory, a FIFO, a symbolic link) is refused: renaming over
 * it would replace it. */
#ifndef POOLBENCH_COMMON_ATOMIC_FILE_H
#define POOLBENCH_COMMON_ATOMIC_FILE_H

#include <stddef.h>

#define PB_FILE_ERROR_MAX 512

typedef struct pb_atomic_file {
  int fd;     /* the temporary file while writing; -1 once finished */
  char *path; /* the target (malloc'd) */
  char *tmp;  /* the temporary file beside it (malloc'd) */
} pb_atomic_file;

/* Each returns 0, or -1 with one line (no newline) naming the file and the
 * problem in err; after a failure, call pb_atomic_abort. */
int pb_atomic_open(pb_atomic_file *f, const char *path,
                   char err[PB_FILE_ERROR_MAX]);
int pb_atomic_write(pb_atomic_file *f, const void *data, size_t len,
                    char err[PB_FILE_ERROR_MAX]);
/* Flushes and closes the temporary file; the target is not touched yet. */
int pb_atomic_finish(pb_atomic_file *f, char err[PB_FILE_ERROR_MAX]);
/* Renames the finished temporary file over the target. */
int pb_atomic_commit(pb_atomic_file *f, char err[PB_FILE_ERROR_MAX]);
/* Removes the temporary file, if any, and frees f's strings. */
void pb_atomic_abort(pb_atomic_file *f);

/* Whether path can be written by this module, checked without touching it:
 * absent or a regular file, in a directory where a temporary file can be
 * created (one is, and removed). For programs that check their outputs
 * before long work rather than lose that work at the end. 0, or -1 with
 * err. */
int pb_atomic_check(const char *path, char err[PB_FILE_ERROR_MAX]);

/* open + write + finish + commit of one buffer. */
int pb_write_file_atomic(const char *path, const void *data, size_t len,
                         char err[PB_FILE_ERROR_MAX]);

/* ---- a set of files, all or none ----------------------------------------- */

typedef struct pb_file_set {
  pb_atomic_file *files; /* finished, not yet committed */
  size_t count, capacity;
} pb_file_set;

/* Writes and finishes one member (its target untouched). On failure the
 * caller aborts the whole set. */
int pb_file_set_add(pb_file_set *set, const char *path, const void *data,
                    size_t len, char err[PB_FILE_ERROR_MAX]);
/* Renames every member into place; 0, or -1 with err (renames within one
 * directory do not fail for want of space, so in practice: all). Frees the
 * set either way. */
int pb_file_set_commit(pb_file_set *set, char err[PB_FILE_ERROR_MAX]);
/* Removes every staged member; no target is touched. */
void pb_file_set_abort(pb_file_set *set);

#endif /* POOLBENCH_COMMON_ATOMIC_FILE_H */
