/* Private resident memory, mapping by mapping, from /proc/self/smaps: the
 * `Anonymous` pages of each mapping (anonymous mappings, and the pages of a
 * file mapping written to since it was mapped, such as a library's
 * relocated and written data). What an allocator's fixed overhead
 * (harness/runner/overhead.h) and a real program's footprint
 * (python/footprint.h) are measured from. */
#ifndef POOLBENCH_COMMON_PRIVATE_MEMORY_H
#define POOLBENCH_COMMON_PRIVATE_MEMORY_H

#include <stdint.h>

/* One reading of /proc/self/smaps. */
typedef struct pb_private_memory {
  uint64_t anonymous_bytes; /* Anonymous of every mapping but [stack] */
  uint64_t library_bytes;   /* Anonymous of the mappings of `library` */
  uint64_t file_bytes;      /* Anonymous of every mapping of a file: the
                               libraries' and the program's written data */
  uint64_t stack_bytes;     /* Anonymous of [stack] */
} pb_private_memory;

/* A line-by-line reader of smaps text: `library` is the path whose
 * mappings library_bytes sums (as /proc shows it: links resolved), or
 * NULL. Start it zeroed but for library. */
typedef struct pb_smaps_reader {
  const char *library;
  int in_stack, in_library, in_file;
  pb_private_memory sum;
} pb_smaps_reader;

/* One line (without its newline). Returns 0, or -1 when the line is
 * neither a mapping's header nor a "Name: value" field. */
int pb_smaps_line(pb_smaps_reader *r, const char *line);

/* Reads /proc/self/smaps into *out. No allocation (the allocator under
 * test may not be started): a small buffer on the stack. Returns 0, or -1
 * when it cannot be read or parsed. */
int pb_private_memory_read(const char *library, pb_private_memory *out);

#endif /* POOLBENCH_COMMON_PRIVATE_MEMORY_H */
