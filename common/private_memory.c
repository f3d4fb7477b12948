#include "common/private_memory.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* "start-end perms offset dev inode [path]": the path, or "" when the
 * mapping has none; NULL when the line is no header. */
static const char *header_path(const char *line) {
  const char *p = line;
  if (!is_hex(*p)) return NULL;
  while (is_hex(*p)) p++;
  if (*p++ != '-' || !is_hex(*p)) return NULL;
  /* Five fields after the range's start: the range, perms, offset, dev,
   * inode; then spaces and the path. */
  for (int field = 0; field < 5; field++) {
    while (*p && *p != ' ') p++;
    if (field < 4 && *p != ' ') return NULL;
    while (*p == ' ') p++;
  }
  return p;
}

int pb_smaps_line(pb_smaps_reader *r, const char *line) {
  const char *path = header_path(line);
  if (path) {
    r->in_stack = strcmp(path, "[stack]") == 0;
    r->in_file = *path == '/';
    r->in_library = r->library && *r->library && strcmp(path, r->library) == 0;
    return 0;
  }
  const char *colon = strchr(line, ':');
  if (!colon || colon == line) return -1;
  for (const char *c = line; c < colon; c++)
    if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
          (*c >= '0' && *c <= '9') || *c == '_'))
      return -1;
  static const char anonymous[] = "Anonymous:";
  if (strncmp(line, anonymous, sizeof anonymous - 1) != 0) return 0;
  unsigned long long kb;
  char unit[4];
  if (sscanf(colon + 1, "%llu %3s", &kb, unit) != 2 || strcmp(unit, "kB") != 0)
    return -1;
  uint64_t bytes = (uint64_t)kb * 1024;
  if (r->in_stack)
    r->sum.stack_bytes += bytes;
  else
    r->sum.anonymous_bytes += bytes;
  if (r->in_library) r->sum.library_bytes += bytes;
  if (r->in_file) r->sum.file_bytes += bytes;
  return 0;
}

int pb_private_memory_read(const char *library, pb_private_memory *out) {
  int fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  pb_smaps_reader r = {.library = library};
  char buf[4096];
  size_t have = 0; /* bytes of a line not yet complete, at buf's start */
  int rc = 0;
  for (;;) {
    ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
    if (n < 0) {
      rc = -1;
      break;
    }
    have += (size_t)n;
    buf[have] = '\0';
    char *line = buf, *end;
    while ((end = strchr(line, '\n')) != NULL) {
      *end = '\0';
      if (pb_smaps_line(&r, line) != 0) rc = -1;
      line = end + 1;
    }
    size_t rest = have - (size_t)(line - buf);
    if (n == 0) {
      if (rest && pb_smaps_line(&r, line) != 0) rc = -1;
      break;
    }
    if (rest == sizeof buf - 1) { /* a line longer than the buffer */
      rc = -1;
      break;
    }
    memmove(buf, line, rest);
    have = rest;
  }
  close(fd);
  *out = r.sum;
  return rc;
}
