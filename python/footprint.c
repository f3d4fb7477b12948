#include "python/footprint.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "Name:   1234 kB" -> bytes, into *out; 0 when the line is that field. */
static int field(const char *line, const char *name, uint64_t *out) {
  size_t n = strlen(name);
  if (strncmp(line, name, n) != 0 || line[n] != ':') return -1;
  char *end;
  unsigned long long kib = strtoull(line + n + 1, &end, 10);
  if (end == line + n + 1) return -1;
  *out = (uint64_t)kib * 1024;
  return 0;
}

int pb_status_memory_parse(const char *text, pb_status_memory *out) {
  int found = 0;
  for (const char *line = text; line && *line;) {
    found |= (field(line, "RssAnon", &out->rss_anon) == 0) << 0;
    found |= (field(line, "RssFile", &out->rss_file) == 0) << 1;
    found |= (field(line, "RssShmem", &out->rss_shmem) == 0) << 2;
    found |= (field(line, "VmHWM", &out->peak) == 0) << 3;
    line = strchr(line, '\n');
    if (line) line++;
  }
  return found == 15 ? 0 : -1;
}

int pb_status_memory_read(pb_status_memory *out) {
  char text[4096];
  int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t used = 0;
  ssize_t got;
  while (used + 1 < sizeof text &&
         (got = read(fd, text + used, sizeof text - 1 - used)) > 0)
    used += (size_t)got;
  close(fd);
  text[used] = '\0';
  return pb_status_memory_parse(text, out);
}

int pb_footprint_read(pb_footprint_reading *out) {
  return pb_status_memory_read(&out->status) == 0 &&
                 pb_private_memory_read(NULL, &out->mappings) == 0
             ? 0
             : -1;
}

static uint64_t growth(uint64_t from, uint64_t to) {
  return to > from ? to - from : 0;
}

uint64_t pb_footprint(const pb_footprint_reading *at_load,
                      const pb_footprint_reading *at_end) {
  const pb_status_memory *end = &at_end->status;
  uint64_t not_allocator =
      end->rss_file + end->rss_shmem + at_load->status.rss_anon +
      growth(at_load->mappings.file_bytes, at_end->mappings.file_bytes) +
      growth(at_load->mappings.stack_bytes, at_end->mappings.stack_bytes);
  return end->peak > not_allocator ? end->peak - not_allocator : 0;
}

int pb_footprint_take_fd(void) {
  const char *value = getenv(PB_FOOTPRINT_FD_ENV);
  if (!value) return -1;
  char *end;
  long fd = strtol(value, &end, 10);
  unsetenv(PB_FOOTPRINT_FD_ENV);
  if (end == value || *end || fd < 0 || fd > 1 << 20 ||
      fcntl((int)fd, F_SETFD, FD_CLOEXEC) != 0)
    return -1;
  return (int)fd;
}

void pb_footprint_report(int fd, const pb_footprint_reading *at_load) {
  pb_footprint_reading at_end;
  if (fd < 0 || pb_footprint_read(&at_end) != 0) return;
  dprintf(fd, "%llu\n", (unsigned long long)pb_footprint(at_load, &at_end));
}
