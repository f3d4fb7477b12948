/* How far a block was written, found again after the pattern was filled
 * in: at every length and end, for the pattern and for zero. */
#include "python/written.h"

#include <string.h>

#include "testing/check.h"

static void every_length_and_end(void) {
  unsigned char block[80];
  for (size_t size = 0; size <= sizeof block; size++)
    for (size_t written = 0; written <= size; written++) {
      pb_written_fill(block, 0, size);
      memset(block, 0x11, written);
      PB_CHECK_EQ(pb_written_extent(block, size, PB_WRITTEN_PATTERN), written);
      memset(block, 0, size);
      if (written) block[written - 1] = 7;
      PB_CHECK_EQ(pb_written_extent(block, size, 0), written);
    }
}

/* A write in the middle of the unwritten part counts up to it; the fill of
 * a realloc's new part leaves the old part alone. */
static void gaps_and_parts(void) {
  unsigned char block[4096];
  pb_written_fill(block, 0, sizeof block);
  block[1000] = 0;
  PB_CHECK_EQ(pb_written_extent(block, sizeof block, PB_WRITTEN_PATTERN), 1001);
  memset(block, 0x22, 2048);
  pb_written_fill(block, 1024, 2048);
  PB_CHECK_EQ(block[1023], 0x22);
  PB_CHECK_EQ(pb_written_extent(block, 2048, PB_WRITTEN_PATTERN), 1024);
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(every_length_and_end),
      PB_TEST(gaps_and_parts),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
