/* The debug layer (debug.h): CPython's debug hooks (Objects/obmalloc.c,
 * _PyMem_DebugRawAlloc and _PyMem_DebugCheckAddress), over the pool. */
#include "allocator/pool/debug.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator/pool/pool.h"

const char *pool_domain_name(int domain) {
  switch (domain) {
    case POOL_DOMAIN_RAW:
      return "raw";
    case POOL_DOMAIN_MEM:
      return "mem";
    case POOL_DOMAIN_OBJ:
      return "obj";
    default:
      return "?";
  }
}

static uint8_t *base_of(const void *p) {
  return (uint8_t *)p - POOL_DEBUG_HEADER;
}

static size_t read_size(const uint8_t *base) {
  size_t n;
  memcpy(&n, base, sizeof n);
  return n;
}

/* The underlying allocators: the system for raw, the pool for the others. */
static void *under_malloc(pool_domain domain, size_t n) {
  return domain == POOL_DOMAIN_RAW ? malloc(n) : pool_malloc(n);
}

static void under_free(pool_domain domain, void *p) {
  if (domain == POOL_DOMAIN_RAW)
    free(p);
  else
    pool_free(p);
}

static size_t under_usable(pool_domain domain, void *p) {
  return domain == POOL_DOMAIN_RAW ? malloc_usable_size(p)
                                   : pool_usable_size(p);
}

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt,
                                                                ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("pool-debug: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fflush(stderr);
  abort();
}

static int valid_domain(int id) {
  return id == POOL_DOMAIN_RAW || id == POOL_DOMAIN_MEM ||
         id == POOL_DOMAIN_OBJ;
}

/* Writes the header and the tail guard of a block of n bytes. */
static void mark(uint8_t *base, pool_domain domain, size_t n) {
  memcpy(base, &n, sizeof n);
  base[sizeof n] = (uint8_t)domain;
  memset(base + sizeof n + 1, POOL_DEBUG_FORBIDDEN,
         POOL_DEBUG_HEADER - sizeof n - 1);
  memset(base + POOL_DEBUG_HEADER + n, POOL_DEBUG_FORBIDDEN,
         POOL_DEBUG_OVERHEAD - POOL_DEBUG_HEADER);
}

/* Checks the block p handed to api through domain; returns its size or
 * dies with one line naming the problem. */
static size_t check_block(pool_domain domain, const void *p, const char *api) {
  const uint8_t *base = base_of(p);
  const uint8_t *guard = base + sizeof(size_t) + 1;
  const size_t nguard = POOL_DEBUG_HEADER - sizeof(size_t) - 1;
  int id = base[sizeof(size_t)];

  /* Freed blocks are all DD but for the first word (the free list). */
  int dead = id == POOL_DEBUG_DEAD;
  for (size_t i = 0; dead && i < nguard; i++)
    dead = guard[i] == POOL_DEBUG_DEAD;
  if (dead) {
    if (domain != POOL_DOMAIN_RAW && pool_owns_block(base))
      die("double free: %s(%s) of block %p, already freed (its %zu-byte "
          "pool block holds the dead pattern 0xDD)",
          api, pool_domain_name(domain), p, pool_usable_size((void *)base));
    die("double free: %s(%s) of block %p, already freed (it holds the dead "
        "pattern 0xDD)",
        api, pool_domain_name(domain), p);
  }
  size_t n = read_size(base);
  for (size_t i = nguard; i-- > 0;) {
    if (guard[i] != POOL_DEBUG_FORBIDDEN)
      die("buffer underrun: %s(%s) of block %p (%zu bytes): byte p[%d] is "
          "0x%02X, not the guard 0xFD",
          api, pool_domain_name(domain), p, n, (int)i - (int)nguard, guard[i]);
  }
  if (!valid_domain(id))
    die("bad header: %s(%s) of block %p: API id byte 0x%02X names no "
        "domain (not a debug block, or its header was overwritten)",
        api, pool_domain_name(domain), p, id);
  if (id != (int)domain)
    die("wrong domain: block %p (%zu bytes) was allocated through the %s "
        "domain and handed to %s(%s)",
        p, n, pool_domain_name(id), api, pool_domain_name(domain));
  size_t usable = under_usable(domain, (void *)base);
  if (n > usable || usable - n < POOL_DEBUG_OVERHEAD)
    die("bad header: %s(%s) of block %p: size field %zu does not fit its "
        "%zu-byte block",
        api, pool_domain_name(domain), p, n, usable);
  const uint8_t *tail = base + POOL_DEBUG_HEADER + n;
  for (size_t i = 0; i < POOL_DEBUG_OVERHEAD - POOL_DEBUG_HEADER; i++) {
    if (tail[i] != POOL_DEBUG_FORBIDDEN)
      die("buffer overrun: %s(%s) of block %p (%zu bytes): byte p[%zu] is "
          "0x%02X, not the guard 0xFD",
          api, pool_domain_name(domain), p, n, n + i, tail[i]);
  }
  return n;
}

static void *debug_alloc(pool_domain domain, size_t n, int zero) {
  if (n > SIZE_MAX - POOL_DEBUG_OVERHEAD) return NULL;
  uint8_t *base = under_malloc(domain, n + POOL_DEBUG_OVERHEAD);
  if (base == NULL) return NULL;
  mark(base, domain, n);
  memset(base + POOL_DEBUG_HEADER, zero ? 0 : POOL_DEBUG_CLEAN, n);
  return base + POOL_DEBUG_HEADER;
}

void *pool_debug_malloc(pool_domain domain, size_t n) {
  return debug_alloc(domain, n, 0);
}

void *pool_debug_calloc(pool_domain domain, size_t nelem, size_t elsize) {
  size_t n;
  if (__builtin_mul_overflow(nelem, elsize, &n)) return NULL;
  return debug_alloc(domain, n, 1);
}

/* Fills a checked block of n bytes with DD and frees it. */
static void release(pool_domain domain, void *p, size_t n) {
  uint8_t *base = base_of(p);
  memset(base, POOL_DEBUG_DEAD, n + POOL_DEBUG_OVERHEAD);
  under_free(domain, base);
}

void pool_debug_free(pool_domain domain, void *p) {
  if (p == NULL) return;
  release(domain, p, check_block(domain, p, "free"));
}

void *pool_debug_realloc(pool_domain domain, void *p, size_t n) {
  if (p == NULL) return pool_debug_malloc(domain, n);
  size_t old = check_block(domain, p, "realloc");
  if (n > SIZE_MAX - POOL_DEBUG_OVERHEAD) return NULL;
  uint8_t *base = base_of(p);
  if (domain != POOL_DOMAIN_RAW &&
      pool_realloc_keeps(base, n + POOL_DEBUG_OVERHEAD)) {
    /* The pool keeps the block: new bytes are CD, dropped ones DD. */
    if (n > old)
      memset(base + POOL_DEBUG_HEADER + old, POOL_DEBUG_CLEAN, n - old);
    else
      memset(base + POOL_DEBUG_HEADER + n, POOL_DEBUG_DEAD,
             old + POOL_DEBUG_OVERHEAD - POOL_DEBUG_HEADER - n);
    mark(base, domain, n);
    return p;
  }
  uint8_t *q = pool_debug_malloc(domain, n);
  if (q == NULL) return NULL;
  memcpy(q, p, old < n ? old : n);
  release(domain, p, old);
  return q;
}

size_t pool_debug_requested_size(const void *p) {
  return read_size(base_of(p));
}
