/* How far a program wrote a block: what a capture records as the block's
 * filled touch (workloads/trace.h), so that the replay makes resident what
 * the program made resident (a buffer as far as it was filled, an item
 * array as far as it was used, a small object as its type initialized it).
 *
 * The capture fills each block it sees malloc'd, and the part a realloc
 * adds, with PB_WRITTEN_PATTERN before the program gets it (as CPython's
 * debug hooks fill new blocks with 0xCD); a calloc'd block is zero. When the
 * block is freed or resized, the last
 * byte that no longer holds what was put there is how far the program
 * wrote. A program that wrote 0xcb bytes itself at the very end of a block
 * is seen as not having written them (and so, at worst, a page less): such
 * a byte is rare as the last an object or buffer holds, and a zero written
 * at the end of a calloc'd block changes nothing resident that was not
 * already. */
#ifndef POOLBENCH_PYTHON_WRITTEN_H
#define POOLBENCH_PYTHON_WRITTEN_H

#include <stddef.h>

#define PB_WRITTEN_PATTERN 0xcb

/* Fills bytes from..to of block with the pattern. */
void pb_written_fill(void *block, size_t from, size_t to);

/* The length of the shortest prefix of block[0..size) past which every byte
 * still holds `unwritten` (PB_WRITTEN_PATTERN, or 0 for a calloc'd block). */
size_t pb_written_extent(const void *block, size_t size,
                         unsigned char unwritten);

#endif /* POOLBENCH_PYTHON_WRITTEN_H */
