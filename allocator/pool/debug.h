/* The debug layer: CPython's PYTHONMALLOC=pymalloc_debug, over the pool.
 *
 * Every block carries 3 x 8 = 24 bytes more than asked for, so debug blocks
 * fall in larger size classes than plain ones (as in CPython):
 *
 *    base                 p = base + 16                      p + n
 *    |                    |                                  |
 *    v                    v                                  v
 *    +--------+---+-------+----------------------------------+----------+
 *    | n      |id | FD x7 | the caller's n bytes             | FD x 8   |
 *    +--------+---+-------+----------------------------------+----------+
 *     size_t   API id      new: CD ... CD (calloc: zeros)     tail guard
 *              'r' 'm' 'o'
 *
 * On free, the whole block (header, data, tail) is filled with DD before it
 * goes back to its allocator, whose free list then overwrites the first
 * word. On free and realloc the block is checked, and a problem is one line
 * on stderr ("pool-debug: <what>: block <p> (<size>) ...") and abort():
 *
 *   double free     the id byte and guard bytes hold the dead pattern DD
 *                   (detected until the pool reuses the block, as in
 *                   CPython; raw-domain blocks go back to glibc, which
 *                   reuses their header at once, so theirs show up as a
 *                   bad header instead)
 *   buffer underrun a leading guard byte is not FD
 *   bad header      the id byte names no domain, or the size field is
 *                   larger than the block
 *   wrong domain    the block was allocated through another domain
 *   buffer overrun  a trailing guard byte is not FD
 *
 * Domains, as PEP 445's: raw (the system malloc; CPython's PyMem_RawMalloc),
 * mem (PyMem_Malloc) and obj (PyObject_Malloc), the last two served by the
 * pool. The pool-debug backend's pb_malloc is the obj domain. */
#ifndef POOLBENCH_ALLOCATOR_POOL_DEBUG_H
#define POOLBENCH_ALLOCATOR_POOL_DEBUG_H

#include <stddef.h>

typedef enum pool_domain {
  POOL_DOMAIN_RAW = 'r',
  POOL_DOMAIN_MEM = 'm',
  POOL_DOMAIN_OBJ = 'o',
} pool_domain;

/* The patterns (CPython's PYMEM_CLEANBYTE, PYMEM_DEADBYTE,
 * PYMEM_FORBIDDENBYTE). */
#define POOL_DEBUG_CLEAN 0xCD
#define POOL_DEBUG_DEAD 0xDD
#define POOL_DEBUG_FORBIDDEN 0xFD

/* Bytes a debug block adds: size, id and 7 guard bytes before, 8 after. */
#define POOL_DEBUG_HEADER 16
#define POOL_DEBUG_OVERHEAD 24

void *pool_debug_malloc(pool_domain domain, size_t n);
void *pool_debug_calloc(pool_domain domain, size_t nelem, size_t elsize);
/* Checks p, then resizes it: in place when the pool would keep the
 * underlying block (mem and obj domains), otherwise a new block, the data
 * copied, and the old block checked, filled with DD and freed. */
void *pool_debug_realloc(pool_domain domain, void *p, size_t n);
/* Checks p, fills it with DD and frees it. NULL does nothing. */
void pool_debug_free(pool_domain domain, void *p);

/* The size the caller asked for (all the caller may use). */
size_t pool_debug_requested_size(const void *p);

/* "raw", "mem", "obj", or "?" */
const char *pool_domain_name(int domain);

#endif /* POOLBENCH_ALLOCATOR_POOL_DEBUG_H */
