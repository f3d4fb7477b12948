/* The pool allocator's data structures, documented once.
 *
 * "pool" is CPython's small-object allocator, pymalloc, reimplemented: the
 * algorithm, the parameters and the statistics are those of
 * Objects/obmalloc.c as CPython 3.10 to 3.13 ship it on 64-bit Linux, or,
 * with layout=3.8, as CPython 3.8 shipped it (two differences, marked "3.8"
 * below: how free() tells its blocks from the system's, and no empty arena
 * kept); the code is this project's own. CPython issue numbers (bpo-NNNNN)
 * name where a behaviour comes from. allocator/tests/fidelity_test checks
 * the 3.10 algorithm against the real one (libpython3.11), report for
 * report.
 *
 * SINGLE-THREADED BY DESIGN. pymalloc runs under the GIL; so does this:
 * there are no locks and no atomics anywhere. The caller serializes.
 *
 * ======================================================================
 * Requests and size classes (size_class.h)
 * ======================================================================
 *
 * A request of 1..threshold bytes (threshold 512 unless configured) is
 * "small" and served from a pool. It is rounded up to a multiple of
 * POOL_ALIGNMENT (16), which names its size class:
 *
 *     class index  idx  = (n - 1) >> 4        1..16 -> 0, 17..32 -> 1, ...
 *     block size   size = (idx + 1) << 4      16, 32, 48, ..., threshold
 *
 * so there are threshold / 16 classes (32 by default). Everything else goes
 * to the system allocator (glibc malloc/realloc/free) untouched, as CPython
 * sends it to PyMem_RawMalloc: requests of 0 bytes (as malloc(1), like
 * CPython's raw malloc) and of more than threshold bytes, and every pointer
 * the pool does not own. Those blocks are not in the _debugmallocstats
 * accounting (as in CPython); pool.c only adds up their usable sizes for
 * the interface's allocated_bytes (stats.c).
 *
 * ======================================================================
 * Memory layout
 * ======================================================================
 *
 * ARENAS (arena.c) are arena_size bytes (1 MiB; 256 KiB in the 3.8 layout)
 * obtained with mmap. mmap only aligns to the page (4 KiB), so an arena's
 * start is usually not a multiple of pool_size:
 *
 *    address                                            address + arena_size
 *    |                                                                     |
 *    v                                                                     v
 *    +------+----------+----------+----------+-- ... --+----------+--------+
 *    | head | pool     | pool     | pool     |         | pool     | tail   |
 *    +------+----------+----------+----------+-- ... --+----------+--------+
 *           ^ first pool boundary (a multiple of pool_size)
 *
 * Pools sit on pool_size boundaries so that a block finds its pool header by
 * masking its own address: pool = p & ~(pool_size - 1). When the arena is not
 * pool-aligned, the partial pools at its two ends ("head" and "tail") are
 * unusable; together they are exactly one pool, reported as "bytes lost to
 * arena alignment": a 1 MiB arena of 16 KiB pools has 64 pools, usually 63
 * usable. Like CPython we do not over-allocate to align.
 *
 * POOLS (pool.c) are pool_size bytes (16 KiB; 4 KiB in the 3.8 layout) and
 * hold blocks of one size class:
 *
 *    pool (pool_size bytes, pool_size-aligned)
 *    +-------------+---------+---------+-- ... --+---------+--------+
 *    | pool_header | block 0 | block 1 |         | block m | slack  |
 *    |  48 bytes   |  size   |  size   |         |  size   |        |
 *    +-------------+---------+---------+-- ... --+---------+--------+
 *
 * The header takes POOL_OVERHEAD = 48 bytes ("lost to pool headers"); then
 * m + 1 = (pool_size - 48) / size blocks (1021 of 16 bytes in a 16 KiB
 * pool); the (pool_size - 48) % size bytes left over are "lost to
 * quantization". Block addresses are 16-byte aligned because pools are and
 * 48 and size are multiples of 16.
 *
 * A BLOCK is either handed out (the caller owns all of its bytes) or free;
 * a free block's first word links it into its pool's free list
 * (pool_free_block).
 *
 * ======================================================================
 * Pools: free lists, lazy carving, and the three states
 * ======================================================================
 *
 * pool_header.freeblock heads a singly linked list of the pool's free
 * blocks, threaded through the blocks themselves. A fresh pool is not
 * threaded up front (that would touch every page of it): it is carved
 * lazily. nextoffset is the offset of the first block never handed out
 * ("virgin"); when the free list runs dry, one virgin block is put on it
 * (nextoffset += size) while nextoffset <= maxnextoffset = pool_size - size.
 *
 * A carved pool is in exactly one of three states:
 *
 *   used   0 < count < capacity: on usedpools[szidx]; freeblock != NULL.
 *   full   count == capacity: on no list; freeblock == NULL.
 *   empty  count == 0: on its arena's freepools list; it keeps szidx and its
 *          free list, so reusing it for the same class needs no set-up.
 *
 * (CPython's layouts hold at least 7 blocks per pool: 512-byte blocks in
 * 4 KiB pools. A custom threshold above half the pool capacity makes
 * classes of one block per pool, which go straight from empty to full and
 * back; pool.c handles that case.)
 *
 * usedpools[c] (an array of sentinel pool_headers, one per class, made by
 * pool_init; pool_hot.usedpools points at it) heads a circular doubly linked
 * list (nextpool/prevpool) of the used pools of class c. malloc takes the first
 * pool of the list and pops its free list: a handful of loads and stores, no
 * search. A pool that fills up leaves the list; freeing a block of a full pool
 * puts the pool back at the front; a pool that empties moves to freepools and
 * can then be reused for any class.
 *
 * ======================================================================
 * Arenas: the vector, the unused list, usable_arenas and its fingers
 * ======================================================================
 *
 * pool_state.arenas is a vector of arena objects (pool_arena): 16 at first,
 * doubled when all are in use (grown with the system realloc, as CPython
 * does; pools name their arena by index, so moving the vector is safe). An
 * object with address == 0 describes no arena and sits on the singly linked
 * unused_arena_objects list; the others are allocated arenas.
 *
 * Inside an arena, pool_address is the first never-used pool: pools are
 * carved from the arena front to back, one at a time, and nfreepools counts
 * the virgin pools plus the empty pools on the arena's freepools list (a
 * LIFO, singly linked through nextpool).
 *
 * usable_arenas is a doubly linked list (nextarena/prevarena) of the arenas
 * that have at least one free pool, sorted by nfreepools ascending: new
 * pools come from the fullest arena, so nearly empty arenas get a chance to
 * drain and be returned to the OS. nfp2lasta[nf] ("search fingers",
 * bpo-37029) points at the last arena of the list with nf free pools; when
 * an arena gains a free pool it moves to just after nfp2lasta[old nf], so
 * keeping the order is O(1) instead of a walk of the list.
 *
 * When the last pool of an arena comes free, the arena is munmapped, except
 * when it is the last arena of usable_arenas: then it is kept, so that usage
 * hovering at an arena boundary does not mmap and munmap on every iteration
 * (bpo-37257, 3.9+). pb_release() returns such a kept arena too. 3.8 keeps
 * none: every arena is munmapped the moment its last pool comes free, so a
 * loop that fills and empties an arena maps and unmaps it every time (the
 * "arena thrashing" bpo-37257 fixed). (In a
 * custom layout of two pools per arena, an arena that mmap did not align
 * has a single usable pool, so it comes free while on no list; it is then
 * unmapped unless no other arena has a free pool.)
 *
 * ======================================================================
 * Address ownership (address.h, address.c)
 * ======================================================================
 *
 * free() must tell its blocks from the system allocator's in O(1).
 *
 * 3.10 on (layout=3.10 and custom sizes), without reading memory it may not
 * own: a three-level radix tree over the 48-bit address space answers "is
 * this address inside one of my arenas": the root (10 bits, static) and mid
 * nodes (10 bits) index the address's top bits; a bottom node has one entry
 * per arena_size-aligned chunk of the address range it covers (28 -
 * log2(arena_size) bits: 8 bits for 1 MiB arenas, as in 3.10). Since an
 * arena covers parts of at most two chunks, a chunk is owned in at most two
 * pieces, [0, lo_end) by an arena that began in the previous chunk and
 * [hi_start, arena_size) by one that begins in this chunk (hi_start =
 * arena_size when none does). An entry holds lo_end and gap = hi_start -
 * lo_end, so that an address at offset t in its chunk is ours iff
 * (uint32_t)(t - lo_end) >= gap: one subtraction and one compare (t < lo_end
 * wraps around to a huge value). Nodes are allocated on first use (calloc, as
 * in CPython; entries start as {0, arena_size}, nothing owned) and kept until
 * pool_teardown(). Addresses of 2^48 and above are never ours. (3.11 covers
 * all 64 bits with larger nodes; the answers are the same, the "arena map"
 * lines of the report are not.)
 *
 * 3.8 (layout=3.8), by reading the header of the pool the block would be
 * in: the block is ours iff that header's arenaindex names an allocated
 * arena whose address range holds the block (CPython 3.8's
 * address_in_range). For a system allocator's block the header is whatever
 * that heap holds there, so the range check is what answers; the read itself
 * is safe only because a live block's page is mapped and the pool boundary
 * is on that page, which is why 3.8 needs pools of one page (layout.c
 * refuses others) and why its arenas, page-aligned by mmap, never lose a
 * pool to alignment. No arena is entered in the radix tree, so the tree
 * says no to every pointer and free() reads the header only then, off the
 * 3.10 path; the report has no arena map section. The read is exempt from
 * AddressSanitizer, as CPython's is.
 *
 * ======================================================================
 * Invariants (each is checked by pool_check(), check.c)
 * ======================================================================
 *
 *  I1  A sentinel usedpools[c] with nextpool == itself means no used pool
 *      of class c. Every pool on usedpools[c] has szidx == c, 0 < count <
 *      capacity(c) and freeblock != NULL; prevpool/nextpool are mutual.
 *  I2  A carved pool with count > 0 is on usedpools[szidx] iff its
 *      freeblock is not NULL; otherwise it is full (count == capacity).
 *  I3  freeblock == NULL implies no virgin block is left (nextoffset >
 *      maxnextoffset): the free list is refilled eagerly.
 *  I4  A free list holds distinct blocks of its pool's carved region
 *      [POOL_OVERHEAD, nextoffset), each on the block grid, and
 *      free-list length + count + virgin blocks == capacity.
 *  I5  A carved pool with count == 0 is on its arena's freepools and on
 *      no usedpools list; every pool on freepools has count 0.
 *  I6  nfreepools == length of freepools + virgin pools, and ntotalpools ==
 *      arena_size / pool_size, minus one when address is not pool-aligned.
 *  I7  usable_arenas holds exactly the allocated arenas with nfreepools > 0,
 *      doubly linked (head's prevarena NULL), sorted by nfreepools.
 *  I8  nfp2lasta[nf] is the last arena of usable_arenas with nfreepools ==
 *      nf, or NULL when there is none; nfp2lasta[0] is NULL.
 *  I9  An arena object with address == 0 is on unused_arena_objects and
 *      vice versa; narenas_currently_allocated counts the others.
 *  I10 pool_owns(p) is true exactly for addresses inside allocated arenas,
 *      and pool_owns_block(p) agrees with it for every block (3.10: the
 *      radix tree; 3.8: the header of every carved pool names its arena).
 *  I11 narenas_highwater >= narenas_currently_allocated and
 *      ntimes_arena_allocated >= narenas_currently_allocated.
 *
 * Internal consistency checks in the code (POOL_ASSERT) are compiled out
 * unless POOL_INTERNAL_CHECKS is defined; tests never rely on assert().
 */
#ifndef POOLBENCH_ALLOCATOR_POOL_POOL_TYPES_H
#define POOLBENCH_ALLOCATOR_POOL_POOL_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* ---- fixed parameters ---------------------------------------------------- */

/* Block alignment and size-class granularity (CPython's ALIGNMENT, 64-bit). */
#define POOL_ALIGNMENT 16
#define POOL_ALIGNMENT_SHIFT 4

/* Bytes of pool header at the start of every pool (CPython's POOL_OVERHEAD:
 * sizeof(struct pool_header) rounded up to ALIGNMENT). */
#define POOL_OVERHEAD 48

/* szidx of a pool carved from its arena but never initialized for a class. */
#define POOL_NO_CLASS UINT32_MAX

/* The arenas vector starts with this many objects and doubles. */
#define POOL_INITIAL_ARENA_OBJECTS 16

/* Radix tree geometry (address.c): 48 address bits, as CPython 3.10. */
#define POOL_MAP_ADDRESS_BITS 48
#define POOL_MAP_ROOT_BITS 10
#define POOL_MAP_MID_BITS 10
#define POOL_MAP_ROOT_LEN (1u << POOL_MAP_ROOT_BITS)
#define POOL_MAP_MID_LEN (1u << POOL_MAP_MID_BITS)
#define POOL_MAP_ROOT_SHIFT (POOL_MAP_ADDRESS_BITS - POOL_MAP_ROOT_BITS) /*38*/
#define POOL_MAP_MID_SHIFT (POOL_MAP_ROOT_SHIFT - POOL_MAP_MID_BITS)     /*28*/

/* Limits of a custom layout (layout.c). Pools are at least a page; arenas
 * at most 2^28 bytes so that a bottom node covers at least one chunk and
 * offsets fit in 32 bits. */
#define POOL_MIN_POOL_SIZE ((size_t)4 << 10)
#define POOL_MAX_ARENA_SIZE ((size_t)1 << POOL_MAP_MID_SHIFT)

/* ---- the layout ---------------------------------------------------------- */

/* Whose algorithm: 3.10 to 3.13's, or 3.8's (ownership read from the pool
 * header, no empty arena kept). */
typedef enum pool_algorithm {
  POOL_ALGORITHM_3_10 = 0,
  POOL_ALGORITHM_3_8,
} pool_algorithm;

/* What pb_init's parameters choose: the algorithm and the three sizes,
 * validated by pool_layout_parse (layout.c). */
typedef struct pool_layout {
  size_t arena_size; /* power of two, >= 2 pools, <= POOL_MAX_ARENA_SIZE */
  size_t pool_size;  /* power of two, >= POOL_MIN_POOL_SIZE; 3.8: a page */
  size_t threshold;  /* multiple of 16, 16 .. pool_size - POOL_OVERHEAD */
  pool_algorithm algorithm;
} pool_layout;

/* ---- blocks and pools ---------------------------------------------------- */

/* The first word of a free block: the next free block of its pool. */
typedef struct pool_free_block {
  struct pool_free_block *next;
} pool_free_block;

/* The header at the start of every carved pool, and the usedpools
 * sentinels. The fields malloc and free touch come first. */
typedef struct pool_header {
  uint32_t count;               /* blocks handed out (CPython's ref.count) */
  uint32_t szidx;               /* size class, or POOL_NO_CLASS */
  pool_free_block *freeblock;   /* free list; NULL when none */
  struct pool_header *nextpool; /* usedpools list, or freepools (singly) */
  struct pool_header *prevpool; /* usedpools list only */
  uint32_t arenaindex;          /* index of its arena in pool_state.arenas */
  uint32_t nextoffset;          /* offset of the first virgin block */
  uint32_t maxnextoffset;       /* largest offset a whole block fits at */
  uint32_t unused;              /* pads the header to POOL_OVERHEAD */
} pool_header;

_Static_assert(sizeof(pool_header) == POOL_OVERHEAD,
               "the pool header is 48 bytes, as CPython's");

/* ---- arenas -------------------------------------------------------------- */

typedef struct pool_arena {
  uintptr_t address;            /* the mmap'd arena; 0: object unused */
  uint8_t *pool_address;        /* first virgin pool */
  uint32_t nfreepools;          /* virgin pools + pools on freepools */
  uint32_t ntotalpools;         /* usable pools of this arena */
  pool_header *freepools;       /* empty pools, LIFO through nextpool */
  struct pool_arena *nextarena; /* usable_arenas, or unused_arena_objects */
  struct pool_arena *prevarena; /* usable_arenas only */
} pool_arena;

/* ---- the ownership radix tree -------------------------------------------- */

/* One arena_size-aligned chunk of the address space (see above). */
typedef struct pool_map_cover {
  uint32_t lo_end; /* [0, lo_end) is owned */
  uint32_t gap;    /* [lo_end, lo_end + gap) is not; the rest is */
} pool_map_cover;

/* A mid node: bottom nodes (arrays of pool_map_cover, sized by the layout),
 * indexed by address bits 28..37. */
typedef struct pool_map_mid {
  pool_map_cover *bot[POOL_MAP_MID_LEN];
} pool_map_mid;

/* ---- global state -------------------------------------------------------- */

/* What the malloc and free fast paths read, in one cache line, so that the
 * layout costs a few loads from one line rather than a walk of pool_state.
 * Before pool_init, threshold is 0 and the map is empty, so every request
 * goes to the system allocator and no pointer is owned. */
typedef struct pool_hot {
  size_t threshold;       /* n - 1 < threshold: small request */
  pool_header *usedpools; /* one sentinel per size class */
  uintptr_t pool_mask;    /* ~(pool_size - 1) */
  uintptr_t arena_mask;   /* arena_size - 1 */
  uintptr_t bot_mask;     /* entries per bottom node - 1 */
  unsigned arena_shift;   /* log2(arena_size) */
  int header_ownership;   /* 3.8: free reads the pool header, no tree */
} __attribute__((aligned(64))) pool_hot_t;

/* Everything else: the slow paths, statistics and the checker. */
typedef struct pool_state {
  int initialized;
  pool_layout layout;
  uint32_t nclasses; /* threshold / 16 */
  uint32_t maxpools; /* arena_size / pool_size */

  /* Arenas (arena.c). */
  pool_arena *arenas; /* the vector */
  uint32_t maxarenas; /* its length */
  pool_arena *unused_arena_objects;
  pool_arena *usable_arenas;
  pool_arena **nfp2lasta; /* maxpools + 1 fingers */
  size_t narenas_currently_allocated;
  size_t ntimes_arena_allocated;
  size_t narenas_highwater;

  /* The radix tree (address.c). */
  pool_map_mid *map_root[POOL_MAP_ROOT_LEN];
  size_t map_mid_count;
  size_t map_bot_count;

  /* Bytes (malloc_usable_size) of the blocks the system allocator serves
   * for pool_malloc and friends (pool.c). Not reset by pool_teardown:
   * those blocks outlive it. */
  uint64_t raw_allocated_bytes;

  /* The OS interface (os.c). */
  uint64_t arena_mmap_calls;
  uint64_t arena_munmap_calls;
  uint64_t arena_mmap_failures;
  unsigned fail_next_mmaps; /* test hook: fail this many arena mmaps */
  unsigned meta_skip;       /* test hook: let this many metadata allocs */
  unsigned fail_next_meta;  /* succeed, then fail this many */
} pool_state;

extern pool_hot_t pool_hot;
extern pool_state pool_g;

/* ---- internal checks ----------------------------------------------------- */

void pool_assert_failed(const char *expr, const char *file, int line)
    __attribute__((noreturn));

#ifdef POOL_INTERNAL_CHECKS
#define POOL_ASSERT(cond) \
  ((cond) ? (void)0 : pool_assert_failed(#cond, __FILE__, __LINE__))
#else
#define POOL_ASSERT(cond) ((void)0)
#endif

#define POOL_LIKELY(x) __builtin_expect(!!(x), 1)
#define POOL_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---- deliberate regressions, for the regression gate's own test ----------
 * Never defined in a normal build: harness/BUILD builds the pool's runner
 * once more with one of them (a copt added by a configuration transition),
 * and harness/gate/regression_test.c checks that `bazel run //:regression`
 * catches it. */
#ifdef POOL_TEST_MALLOC_COST
/* Eight instructions that do nothing, on malloc's fast path. */
#define POOL_TEST_COST() \
  __asm__ volatile("nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop")
#else
#define POOL_TEST_COST() ((void)0)
#endif

#ifdef POOL_TEST_KEEP_EMPTY_ARENAS
/* Every wholly free arena is kept (until pb_release), not only the last. */
#define POOL_UNMAPS_EMPTY_ARENAS 0
#else
#define POOL_UNMAPS_EMPTY_ARENAS 1
#endif

#endif /* POOLBENCH_ALLOCATOR_POOL_POOL_TYPES_H */
