#include "python/written.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void pb_written_fill(void *block, size_t from, size_t to) {
  if (to > from)
    memset((unsigned char *)block + from, PB_WRITTEN_PATTERN, to - from);
}

/* msync says ENOMEM when a page of the range is not mapped, and does
 * nothing else with MS_ASYNC. */
int pb_written_readable(const void *block, size_t size) {
  if (size == 0) return 1;
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t start = (uintptr_t)block & ~(page - 1);
  uintptr_t end = ((uintptr_t)block + size + page - 1) & ~(page - 1);
  return msync((void *)start, end - start, MS_ASYNC) == 0;
}

/* From the end: byte by byte to a whole word from the block's start, then
 * word by word (most of a block is either written or not), then byte by
 * byte within the word that differs. */
size_t pb_written_extent(const void *block, size_t size,
                         unsigned char unwritten) {
  const unsigned char *b = block;
  size_t end = size;
  while (end % 8 != 0)
    if (b[--end] != unwritten) return end + 1;
  uint64_t blank;
  memset(&blank, unwritten, sizeof blank);
  while (end >= 8) {
    uint64_t word;
    memcpy(&word, b + end - 8, sizeof word);
    if (word != blank) {
      while (b[end - 1] == unwritten) end--;
      return end;
    }
    end -= 8;
  }
  return 0;
}
