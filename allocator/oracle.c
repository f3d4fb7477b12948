/* oracle: the throughput ceiling. Not a real allocator: the least work any
 * allocator could do per call, so that a backend's ns/op can be read as
 * "how far from free".
 *
 * One virtual reservation (MAP_NORESERVE, no memory until touched) split into
 * equal regions, one per size class. A block's class is its region, found by
 * a subtraction and a shift; each class has a LIFO free list and a bump
 * pointer. Nothing is ever returned to the OS and there is no metadata to
 * keep, so the oracle bounds throughput, not memory: the memory bound of a
 * trace is its peak live bytes, which the runner reports.
 *
 * Classes: 16-byte steps up to 512 bytes (as pymalloc), then four classes per
 * power of two up to 1 GiB. Larger requests fail (return NULL). */
#include <string.h>
#include <sys/mman.h>

#include "allocator/allocator.h"

#define SMALL_LIMIT 512
#define SMALL_CLASSES (SMALL_LIMIT / PB_ALIGNMENT) /* 32 */
#define LARGEST_SHIFT 30                           /* 1 GiB */
#define LARGE_CLASSES (4 * (LARGEST_SHIFT - 9))    /* 512 B .. 1 GiB */
#define CLASSES (SMALL_CLASSES + LARGE_CLASSES)
#define REGION_SHIFT 35 /* 32 GiB of address space per class */

typedef struct free_block {
  struct free_block *next;
} free_block;

static unsigned char *reservation; /* CLASSES regions */
static free_block *free_lists[CLASSES];
static unsigned char *bump[CLASSES];

static unsigned class_of_size(size_t n) {
  if (n <= SMALL_LIMIT) return n ? (unsigned)((n - 1) >> 4) : 0;
  /* 2^k < n <= 2^(k+1), split into four steps of 2^(k-2). */
  unsigned k = 63u - (unsigned)__builtin_clzll((unsigned long long)(n - 1));
  size_t step = (size_t)1 << (k - 2);
  unsigned j = (unsigned)((n - ((size_t)1 << k) + step - 1) / step); /* 1..4 */
  return SMALL_CLASSES + (k - 9) * 4 + (j - 1);
}

static size_t class_size(unsigned c) {
  if (c < SMALL_CLASSES) return (size_t)(c + 1) * PB_ALIGNMENT;
  unsigned k = (c - SMALL_CLASSES) / 4 + 9, j = (c - SMALL_CLASSES) % 4 + 1;
  return ((size_t)1 << k) + j * ((size_t)1 << (k - 2));
}

static unsigned class_of_block(const void *p) {
  return (unsigned)(((const unsigned char *)p - reservation) >> REGION_SHIFT);
}

int pb_init(const pb_param *params, size_t nparams, char err[PB_ERROR_MAX]) {
  if (pb_params_none("oracle", params, nparams, err) != 0) return -1;
  if (reservation) return 0;
  size_t bytes = (size_t)CLASSES << REGION_SHIFT;
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    snprintf(err, PB_ERROR_MAX,
             "oracle: cannot reserve %zu GiB of address "
             "space",
             bytes >> 30);
    return -1;
  }
  reservation = p;
  for (unsigned c = 0; c < CLASSES; c++)
    bump[c] = reservation + ((size_t)c << REGION_SHIFT);
  return 0;
}

void *pb_malloc(size_t size) {
  if (__builtin_expect(size > ((size_t)1 << LARGEST_SHIFT), 0)) return NULL;
  unsigned c = class_of_size(size);
  free_block *b = free_lists[c];
  if (__builtin_expect(b != NULL, 1)) {
    free_lists[c] = b->next;
    return b;
  }
  size_t n = class_size(c);
  unsigned char *p = bump[c];
  if (p + n > reservation + ((size_t)(c + 1) << REGION_SHIFT)) return NULL;
  bump[c] = p + n;
  return p;
}

void pb_free(void *ptr) {
  if (!ptr) return;
  free_block *b = ptr;
  unsigned c = class_of_block(ptr);
  b->next = free_lists[c];
  free_lists[c] = b;
}

void *pb_calloc(size_t nelem, size_t elsize) {
  size_t total;
  if (__builtin_mul_overflow(nelem, elsize, &total)) return NULL;
  void *p = pb_malloc(total);
  if (p) memset(p, 0, total);
  return p;
}

size_t pb_usable_size(void *ptr) { return class_size(class_of_block(ptr)); }

void *pb_realloc(void *ptr, size_t size) {
  if (!ptr) return pb_malloc(size);
  size_t old = pb_usable_size(ptr);
  if (size <= old && class_of_size(size) == class_of_block(ptr)) return ptr;
  void *p = pb_malloc(size);
  if (!p) return NULL;
  memcpy(p, ptr, old < size ? old : size);
  pb_free(ptr);
  return p;
}

void pb_release(void) {} /* the oracle keeps everything, by design */

const char *pb_name(void) { return "oracle"; }
const char *pb_version(void) { return "1"; }
const char *pb_config(void) { return "default"; }
const char *pb_parameters(void) { return ""; }

void pb_stats_get(pb_stats *stats) {
  stats->count = 0;
  uint64_t touched = 0;
  for (unsigned c = 0; c < CLASSES; c++)
    touched +=
        (uint64_t)(bump[c] - (reservation + ((size_t)c << REGION_SHIFT)));
  /* Address space carved so far: every byte ever handed out, none returned. */
  pb_stats_add(stats, "carved_bytes", touched);
}

void pb_stats_print(FILE *out) {
  pb_stats stats;
  pb_stats_get(&stats);
  fprintf(out, "oracle: %llu bytes carved, never returned\n",
          (unsigned long long)stats.items[0].value);
}
