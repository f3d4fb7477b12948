/* oracle: the throughput ceiling. Not a real allocator: about the least work
 * any allocator could do per call, so that a backend's ns/op and
 * instructions per op can be read as "how far from free".
 *
 * Memory is one virtual reservation (MAP_NORESERVE: no memory until
 * touched), made by pb_expect from the caller's demand, or at the first
 * allocation with a default size when no demand was given. Nothing is ever
 * returned to the OS, so the oracle bounds throughput, not memory: the
 * memory bound of a trace is its peak live bytes, which the runner reports.
 *
 *   reservation
 *   +-----------+-------------------------> . . . <--------+-------+-------+
 *   | class map | large area, grows up            chunks   | chunk | chunk |
 *   +-----------+-------------------------> . . . <--------+-------+-------+
 *               ^ large_start        large_top ^  ^ small_low             ^ end
 *
 * The class map has one byte per 64 KiB granule of the reservation: c + 1
 * when the granule is a chunk of small class c, 0 in the large area. Small
 * requests (0..512 bytes) go to 32 classes of 16-byte steps (pymalloc's);
 * each class has a LIFO free list and bumps through its current chunk, one
 * granule taken from the top end of the reservation. free finds a small
 * block's class with one load from the map, with no header and no search.
 * Large requests (up to 1 GiB) go to four classes per power of two, carved
 * from the large area behind a 16-byte header that holds the block's usable
 * size and class; each large class has a LIFO free list. The reservation is
 * full when the large area meets the chunks.
 *
 * realloc does nothing when the block already holds the new size (any
 * shrink, any growth within the class), and grows a large block in place
 * when it is the last one carved (the top of the large area, as glibc grows
 * its top chunk), so that a list that keeps appending stays where it is;
 * otherwise malloc, copy, free. calloc clears only blocks that come back
 * from a free list: carved memory is fresh from mmap, hence zero.
 *
 * Under threads the oracle runs per thread: oracle.c compiled a second time
 * (oracle_per_thread_names.h) with every free list and bump pointer each
 * thread's own, the reservation shared and carved under a lock (the slow
 * paths only), a block freed onto the freeing thread's lists whoever carved
 * it (the oracle never gives memory back, so ownership does not matter), and
 * no growth in place of the last large block (another thread may carve
 * above it at any moment). pb_threads hands the runner that copy's calls. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "allocator/allocator.h"

#ifdef ORACLE_PER_THREAD
#include <pthread.h>
/* Each thread's free lists and bump pointers; the lock over the shared
 * reservation, taken on the slow paths that carve from it. */
#define PER_THREAD _Thread_local
static pthread_mutex_t carve_lock = PTHREAD_MUTEX_INITIALIZER;
#define CARVE_LOCK() pthread_mutex_lock(&carve_lock)
#define CARVE_UNLOCK() pthread_mutex_unlock(&carve_lock)
#else
#define PER_THREAD
#define CARVE_LOCK() ((void)0)
#define CARVE_UNLOCK() ((void)0)
#endif

#define LIKELY(x) __builtin_expect(!!(x), 1)
/* Slow paths stay out of line, so that the fast paths need no stack frame. */
#define SLOW_PATH __attribute__((noinline))

#define SMALL_LIMIT 512
#define SMALL_CLASSES (SMALL_LIMIT / PB_ALIGNMENT) /* 32 */
#define LARGEST_SHIFT 30                           /* 1 GiB */
#define LARGE_CLASSES (4 * (LARGEST_SHIFT - 9))    /* 512 B .. 1 GiB */
#define GRANULE_SHIFT 16
#define GRANULE ((size_t)1 << GRANULE_SHIFT)
#define LARGE_HEADER 16 /* keeps large blocks 16-byte aligned */
/* Without a demand (tests that call the interface directly). */
#define DEFAULT_RESERVATION ((size_t)16 << 30)
/* One map granule covers 64 Ki granules (4 TiB): the sizing below relies on
 * the map fitting in a few granules. */
#define MAX_RESERVATION ((size_t)1 << 40)

typedef struct free_block {
  struct free_block *next;
} free_block;

typedef struct large_header {
  uint64_t usable;
  uint64_t large_class;
} large_header;

/* Small class c's state is at index c + 1, the value its chunks have in the
 * map, so that free indexes it with the map byte as it is. */
static PER_THREAD free_block *small_free[SMALL_CLASSES + 1];
static PER_THREAD unsigned char *small_bump[SMALL_CLASSES + 1];
static PER_THREAD unsigned char *small_end[SMALL_CLASSES + 1];
static PER_THREAD free_block *large_free[LARGE_CLASSES];

static unsigned char *reservation; /* starts with the class map */
static size_t reserved;
static unsigned char *large_start, *large_top, *small_low;
/* Counted on the slow paths only, for the statistics (in the per-thread
 * copy, under the lock, over all threads). */
static uint64_t small_chunks[SMALL_CLASSES + 1], large_blocks;

/* The map index of a small request (1..512 bytes): its class + 1. */
static inline size_t small_index(size_t n) { return ((n - 1) >> 4) + 1; }

/* 2^k < n <= 2^(k+1), split into four steps of 2^(k-2). n is 513..2^30. */
static unsigned large_class(size_t n) {
  unsigned k = 63u - (unsigned)__builtin_clzll((unsigned long long)(n - 1));
  unsigned shift = k - 2;
  size_t j = (n - ((size_t)1 << k) + ((size_t)1 << shift) - 1) >> shift;
  return (k - 9) * 4 + (unsigned)j - 1;
}

static size_t large_class_size(unsigned c) {
  unsigned k = c / 4 + 9, j = c % 4 + 1;
  return ((size_t)1 << k) + j * ((size_t)1 << (k - 2));
}

static inline unsigned map_of(const void *p) {
  return reservation[(size_t)((const unsigned char *)p - reservation) >>
                     GRANULE_SHIFT];
}

static inline large_header *header_of(void *p) {
  return (large_header *)((unsigned char *)p - LARGE_HEADER);
}

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

/* Maps the reservation: data bytes for blocks, plus the map before them. */
static int reserve(size_t data) {
  data = round_up(data, GRANULE);
  size_t map = round_up(data / GRANULE + 1, GRANULE);
  size_t bytes = map + data;
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return -1;
  reservation = p;
  reserved = bytes;
  large_start = large_top = reservation + map;
  small_low = reservation + bytes;
  return 0;
}

static int reserved_or_default(void) {
  return reservation || reserve(DEFAULT_RESERVATION) == 0;
}

int pb_init(const pb_param *params, size_t nparams, char err[PB_ERROR_MAX]) {
  /* Nothing is reserved yet: pb_expect sizes the reservation. */
  return pb_params_none("oracle", params, nparams, err);
}

/* Address space this process may still map under RLIMIT_AS (ulimit -v),
 * or SIZE_MAX when there is no limit. */
static size_t address_space_left(void) {
  struct rlimit limit;
  if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return SIZE_MAX;
  unsigned long long pages = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f) {
    if (fscanf(f, "%llu", &pages) != 1) pages = 0;
    fclose(f);
  }
  size_t used = (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
  return limit.rlim_cur > used ? (size_t)limit.rlim_cur - used : 0;
}

/* The most the replay can carve: every request of n bytes takes at most
 * 1.25 n + 16 bytes (15 bytes of rounding for a small one, a quarter of a
 * class step plus the 16-byte header for a large one; a realloc that grows
 * in place takes no more than its new class), a chunk's tail too small for
 * one more block wastes less than 1/64 of it, and each class's current
 * chunk may be nearly unused. Nothing is reused across classes, so only the
 * sum over every request bounds it. Returns 0 on overflow. */
static uint64_t demand_bound(const pb_demand *d) {
  uint64_t per_call, bytes;
  int overflow =
      __builtin_mul_overflow(d->allocations, LARGE_HEADER, &per_call) ||
      __builtin_add_overflow(d->requested_bytes, d->requested_bytes / 4,
                             &bytes) ||
      __builtin_add_overflow(bytes, per_call, &bytes) ||
      __builtin_add_overflow(bytes, bytes / 64, &bytes) ||
      __builtin_add_overflow(bytes, (uint64_t)(SMALL_CLASSES + 1) * GRANULE,
                             &bytes);
  return overflow ? 0 : bytes;
}

/* Under an address-space limit the bound may not fit: then the oracle takes
 * half of what is left (the rest of the process needs some), as long as that
 * holds the peak live bytes with room for rounding; a trace whose classes
 * shift so much that it needs more gets NULL. */
#ifndef ORACLE_PER_THREAD
/* The per-thread copy (its functions are this file's, renamed). */
void *ot_malloc(size_t size);
void *ot_calloc(size_t nelem, size_t elsize);
void *ot_realloc(void *ptr, size_t size);
void ot_free(void *ptr);
size_t ot_usable_size(void *ptr);
int ot_expect(const pb_demand *demand, char err[PB_ERROR_MAX]);
void ot_stats_get(pb_stats *stats);

static pb_demand demand_given; /* pb_expect's, for the per-thread copy */
static int have_demand, per_thread;

/* Under threads the runner calls the per-thread copy, reserved for the
 * same demand (allocator.h). */
int pb_threads(unsigned threads, pb_calls *calls, char err[PB_ERROR_MAX]) {
  (void)threads;
  if (have_demand && ot_expect(&demand_given, err) != 0) return -1;
  *calls =
      (pb_calls){ot_malloc, ot_calloc, ot_realloc, ot_free, ot_usable_size};
  per_thread = 1;
  return PB_THREADS_AS_IS;
}
#endif

int pb_expect(const pb_demand *demand, char err[PB_ERROR_MAX]) {
#ifndef ORACLE_PER_THREAD
  demand_given = *demand;
  have_demand = 1;
#endif
  uint64_t bytes = demand_bound(demand);
  if (bytes == 0 || bytes > MAX_RESERVATION) {
    snprintf(err, PB_ERROR_MAX,
             "oracle: %llu allocations of %llu bytes in all need more than "
             "the %zu GiB of address space it can reserve",
             (unsigned long long)demand->allocations,
             (unsigned long long)demand->requested_bytes,
             MAX_RESERVATION >> 30);
    return -1;
  }
  if (reservation) {
    if ((size_t)(small_low - large_top) >= bytes) return 0;
    snprintf(err, PB_ERROR_MAX,
             "oracle: the demand came after the first allocation and does "
             "not fit what is left of the reservation");
    return -1;
  }
  size_t room = address_space_left() / 2;
  uint64_t least = demand->peak_live_bytes + demand->peak_live_bytes / 4 +
                   (uint64_t)(SMALL_CLASSES + 1) * GRANULE;
  if (bytes > room) bytes = room > least ? room : least;
  if (reserve((size_t)bytes) != 0) {
    snprintf(err, PB_ERROR_MAX,
             "oracle: cannot reserve %llu MiB of address space for this "
             "trace: %s",
             (unsigned long long)(bytes >> 20), strerror(errno));
    return -1;
  }
  return 0;
}

/* ---- carving (the slow paths) ---------------------------------------------
 */

/* A new chunk for small class index m, its first block handed out. */
SLOW_PATH static void *small_new_chunk(size_t m) {
  CARVE_LOCK();
  if (!reserved_or_default() || (size_t)(small_low - large_top) < GRANULE) {
    CARVE_UNLOCK();
    return NULL;
  }
  small_low -= GRANULE;
  unsigned char *chunk = small_low;
  reservation[(size_t)(chunk - reservation) >> GRANULE_SHIFT] =
      (unsigned char)m;
  small_chunks[m]++;
  CARVE_UNLOCK();
  small_bump[m] = chunk + (m << 4);
  small_end[m] = chunk + GRANULE;
  return chunk;
}

static void *large_carve(unsigned c) {
  size_t size = large_class_size(c);
  CARVE_LOCK();
  if (!reserved_or_default() ||
      (size_t)(small_low - large_top) < LARGE_HEADER + size) {
    CARVE_UNLOCK();
    return NULL;
  }
  large_header *h = (large_header *)large_top;
  large_top += LARGE_HEADER + size;
  large_blocks++;
  CARVE_UNLOCK();
  h->usable = size;
  h->large_class = c;
  return (unsigned char *)h + LARGE_HEADER;
}

/* Requests of 0 (as 1 byte) and above 512 bytes. */
SLOW_PATH static void *large_malloc(size_t n) {
  if (n == 0) return pb_malloc(1);
  if (n > ((size_t)1 << LARGEST_SHIFT)) return NULL;
  unsigned c = large_class(n);
  free_block *b = large_free[c];
  if (b) {
    large_free[c] = b->next;
    return b;
  }
  return large_carve(c);
}

/* ---- the interface ------------------------------------------------------ */

void *pb_malloc(size_t size) {
  if (LIKELY(size - 1 < SMALL_LIMIT)) { /* size 0 wraps: large_malloc */
    size_t m = small_index(size);
    free_block *b = small_free[m];
    if (LIKELY(b != NULL)) {
      small_free[m] = b->next;
      return b;
    }
    unsigned char *p = small_bump[m];
    if (LIKELY((size_t)(small_end[m] - p) >= (m << 4))) {
      small_bump[m] = p + (m << 4);
      return p;
    }
    return small_new_chunk(m);
  }
  return large_malloc(size);
}

void pb_free(void *ptr) {
  if (!ptr) return;
  free_block *b = ptr;
  unsigned m = map_of(ptr);
  if (LIKELY(m != 0)) {
    b->next = small_free[m];
    small_free[m] = b;
    return;
  }
  uint64_t c = header_of(ptr)->large_class;
  b->next = large_free[c];
  large_free[c] = b;
}

size_t pb_usable_size(void *ptr) {
  unsigned m = map_of(ptr);
  return m ? (size_t)m << 4 : (size_t)header_of(ptr)->usable;
}

void *pb_calloc(size_t nelem, size_t elsize) {
  size_t total;
  if (__builtin_mul_overflow(nelem, elsize, &total)) return NULL;
  size_t m = total - 1 < SMALL_LIMIT ? small_index(total) : 0;
  free_block **list = m ? &small_free[m]
                        : (total && total <= ((size_t)1 << LARGEST_SHIFT)
                               ? &large_free[large_class(total)]
                               : NULL);
  if (list && *list) { /* a used block: clear it */
    free_block *b = *list;
    *list = b->next;
    return memset(b, 0, total);
  }
  return pb_malloc(total); /* carved: fresh from mmap, already zero */
}

void *pb_realloc(void *ptr, size_t size) {
  if (!ptr) return pb_malloc(size);
  size_t usable = pb_usable_size(ptr);
  if (size <= usable) return ptr;
#ifndef ORACLE_PER_THREAD /* large_top is everyone's there */
  if (map_of(ptr) == 0 && (unsigned char *)ptr + usable == large_top &&
      size <= ((size_t)1 << LARGEST_SHIFT)) {
    /* The last large block: grow it over the fresh memory above it. */
    unsigned c = large_class(size);
    size_t more = large_class_size(c) - usable;
    if ((size_t)(small_low - large_top) >= more) {
      large_top += more;
      header_of(ptr)->usable = usable + more;
      header_of(ptr)->large_class = c;
      return ptr;
    }
  }
#endif
  void *p = pb_malloc(size);
  if (!p) return NULL;
  memcpy(p, ptr, usable);
  pb_free(ptr);
  return p;
}

void pb_release(void) {} /* the oracle keeps everything, by design */

const char *pb_name(void) { return "oracle"; }
const char *pb_version(void) { return "2"; }
const char *pb_config(void) { return "default"; }
const char *pb_parameters(void) { return ""; }

/* The bytes of every block ever carved (none is returned): a chunk's tail
 * too small for another block and large headers are not counted. */
static uint64_t carved_bytes(void) {
  if (!reservation) return 0;
#ifdef ORACLE_PER_THREAD
  /* Each thread's bump pointers are its own: count whole chunks. */
  return (uint64_t)(large_top - large_start) -
         (uint64_t)LARGE_HEADER * large_blocks +
         (uint64_t)(reservation + reserved - small_low);
#endif
  uint64_t carved = (uint64_t)(large_top - large_start) -
                    (uint64_t)LARGE_HEADER * large_blocks;
  for (size_t m = 1; m <= SMALL_CLASSES; m++) {
    if (!small_chunks[m]) continue;
    size_t size = m << 4;
    carved += (small_chunks[m] - 1) * (GRANULE / size * size) +
              (uint64_t)(small_bump[m] - (small_end[m] - GRANULE));
  }
  return carved;
}

void pb_stats_get(pb_stats *stats) {
#ifndef ORACLE_PER_THREAD
  if (per_thread) { /* the copy the threads used */
    ot_stats_get(stats);
    return;
  }
#endif
  stats->count = 0;
  pb_stats_add(stats, "carved_bytes", carved_bytes());
  pb_stats_add(stats, "reserved_bytes", reserved);
}

void pb_stats_print(FILE *out) {
  pb_stats stats;
  pb_stats_get(&stats);
  fprintf(out,
          "oracle: %llu bytes carved out of %llu reserved, never returned\n",
          (unsigned long long)stats.items[0].value,
          (unsigned long long)stats.items[1].value);
}
