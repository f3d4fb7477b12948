#include "python/written.h"

#include <stdint.h>
#include <string.h>

void pb_written_fill(void *block, size_t from, size_t to) {
  if (to > from)
    memset((unsigned char *)block + from, PB_WRITTEN_PATTERN, to - from);
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
