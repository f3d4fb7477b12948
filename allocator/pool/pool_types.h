/* The pool allocator's data structures, documented once.
 *
 * "pool" is CPython's small-object allocator, pymalloc, reimplemented: the
 * algorithm, the parameters and the statistics are those of
 * Objects/obmalloc.c as CPython 3.11 to 3.13 ship it on 64-bit Linux (the
 * default, layout=3.11), as CPython 3.10 did (layout=3.10: the same
 * algorithm with a radix tree over 48 address bits instead of 64, see
 * "Address ownership"), or, with layout=3.8, as CPython 3.8 shipped it (two
 * differences, marked "3.8" below: how free() tells its blocks from the
 * system's, and no empty arena kept); the code is this project's own.
 * CPython issue numbers (bpo-NNNNN) name where a behaviour comes from.
 * allocator/tests/fidelity_test checks layout=3.11 against the real one
 * (libpython3.11), report for report, radix tree included.
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
 * 3.10 on (layout=3.11, layout=3.10 and custom sizes), without reading
 * memory it may not own: a three-level radix tree answers "is this address
 * inside one of my arenas". An address is cut into four fields; the top one
 * indexes the root (static, in pool_g), the next a mid node, the next a
 * bottom node, and the low arena_bits (log2(arena_size)) are the offset in
 * an arena_size-aligned "chunk" of the address space, of which a bottom
 * node has one entry each. The two trees differ in how many address bits
 * they cover, and so in the size of their nodes:
 *
 *   layout=3.11 (CPython 3.11 to 3.13: bpo-45526 made the tree cover every
 *   bit of a pointer), 1 MiB arenas:
 *
 *      63        49 48        34 33        20 19                  0
 *     +------------+------------+------------+---------------------+
 *     | root: 15   | mid: 15    | bottom: 14 | offset in chunk: 20 |
 *     +------------+------------+------------+---------------------+
 *     root 2^15 pointers (256 KiB), mid nodes 2^15 pointers (256 KiB),
 *     bottom nodes 2^14 entries of 8 bytes (128 KiB)
 *
 *   layout=3.10 (CPython 3.10): the top 16 bits are ignored (user addresses
 *   on x86-64 are below 2^47; here an address of 2^48 or more is simply
 *   never ours), and the low 48 are cut 10 / 10 / 8 / 20: root and mid
 *   nodes of 2^10 pointers (8 KiB), bottom nodes of 2^8 entries (2 KiB).
 *
 * For other arena sizes the split is obmalloc.c's: with address_bits 64
 * (3.11) or 48 (3.10), root and mid ("interior") nodes take (address_bits -
 * arena_bits + 2) / 3 bits each and bottom nodes the rest, address_bits -
 * arena_bits - 2 x interior (pool_map_geometry_of, address.c). free's fast
 * path has the default layout's geometry compiled in (POOL_MAP_DEFAULT_*,
 * behind pool_hot.map_default), as CPython compiles its own; other layouts
 * read their shifts and masks from pool_hot.
 *
 * Every node comes from calloc when first needed, as in CPython, and stays
 * until pool_teardown(); the root is static. An all-zero entry owns
 * nothing, so a new node is never written as a whole: like CPython's, it
 * costs resident memory only for the pages that entries are stored in.
 * This matters, because the nodes are large: with 3.11's geometry a bottom
 * node is 128 KiB and a mid node 256 KiB (glibc serves both with mmap),
 * and the pages that ownership records touch show up in RSS beside
 * CPython's. The report's "arena map" lines count the nodes and their
 * bytes (root_len, mid_len and bot_len entries each).
 *
 * A bottom entry (pool_map_cover). An arena at base covers [tail,
 * arena_size) of the chunk it begins in and [0, tail) of the next one (tail
 * = base mod arena_size); when tail is 0 it covers its chunk whole and
 * nothing of the next. So a chunk is owned in at most two pieces, [0,
 * lo_end) by an arena that began in the previous chunk and [hi_start,
 * arena_size) by one that begins in this chunk, lo_end <= hi_start. Read
 * round the chunk as a circle, the pieces are one run of owned bytes that
 * starts at hi_start, or at 0 when there is no high piece. The entry holds
 * that run:
 *
 *     high piece:     start = hi_start, len = arena_size - hi_start + lo_end
 *     no high piece:  start = 0,        len = lo_end
 *
 *     chunk:  0          lo_end                hi_start      arena_size
 *             |##########|.....................|#############|
 *             ---------->                      ^ start ------>
 *             the run: from start to the chunk's end, then on from 0
 *             to lo_end (len bytes in all; # owned, . not)
 *
 * and an address a is ours iff ((a - start) mod arena_size) < len: one
 * subtraction, one mask and one compare, and the all-zero entry (start 0,
 * len 0) owns nothing. (CPython stores the two tails, tail_hi and tail_lo,
 * in the same 8 bytes and tests them with two compares; the answers are
 * the same.) The high piece is present iff start != 0 or len ==
 * arena_size (an arena that begins on a chunk boundary: start 0, the
 * whole chunk).
 *
 * 3.8 (layout=3.8), by reading the header of the pool the block would be
 * in: the block is ours iff that header's arenaindex names an allocated
 * arena whose address range holds the block (CPython 3.8's
 * address_in_range). For a system allocator's block the header is whatever
 * that heap holds there, so the range check is what answers; the read itself
 * is safe only because a live block's page is mapped and the pool boundary
 * is on that page, which is why 3.8 needs pools of one page (layout.c
 * refuses others) and why its arenas, page-aligned by mmap, never lose a
 * pool to alignment. No arena is entered in the radix tree, whose root
 * then has no entries (root_len 0), so the tree says no to every pointer
 * and free() reads the header only then, off the tree's path; the report
 * has no arena map section. The read is exempt from
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
 *      and pool_owns_block(p) agrees with it for every block (3.10 on: the
 *      radix tree; 3.8: the header of every carved pool names its arena).
 *  I11 narenas_highwater >= narenas_currently_allocated and
 *      ntimes_arena_allocated >= narenas_currently_allocated.
 *  I12 The radix tree has the layout's geometry (pool_hot's shifts, masks
 *      and root length are pool_map_geometry_of's, and map_default says
 *      whether it is the compiled-in default's) and no node off it: root
 *      entries at and beyond root_len are NULL, and map_mid_count and
 *      map_bot_count count exactly the mid and bottom nodes reachable from
 *      the root. Every bottom entry is one run, len <= arena_size and start
 *      < arena_size, that reaches the chunk's end when start != 0 (start +
 *      len >= arena_size). The runs' lengths add up to arena_size for each
 *      allocated arena, so that with I10 no byte is claimed that no arena
 *      covers (an unmapped arena left nothing behind). 3.8 has no node.
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

/* Radix tree geometry (address.c): the address bits each tree covers. */
#define POOL_MAP_ADDRESS_BITS_3_11 64 /* every bit of a pointer */
#define POOL_MAP_ADDRESS_BITS_3_10 48 /* the top 16 ignored */

/* Limits of a custom layout (layout.c). Pools are at least a page; arenas
 * at most 2^28 bytes, so that offsets in a chunk fit a bottom entry's 32
 * bits with room (CPython needs ARENA_BITS < 32) and 3.10's 48 bits still
 * leave every level at least 6 bits. */
#define POOL_MIN_POOL_SIZE ((size_t)4 << 10)
#define POOL_MIN_ARENA_BITS 13 /* two pools of the smallest size */
#define POOL_MAX_ARENA_BITS 28
#define POOL_MAX_ARENA_SIZE ((size_t)1 << POOL_MAX_ARENA_BITS)

/* The default layout's tree (3.11, 1 MiB arenas: 15 / 15 / 14 / 20),
 * compiled into the fast path as CPython compiles its own (address.h):
 * other layouts read their shifts and masks from pool_hot. */
#define POOL_MAP_DEFAULT_ARENA_BITS 20
#define POOL_MAP_DEFAULT_INTERIOR_BITS \
  ((POOL_MAP_ADDRESS_BITS_3_11 - POOL_MAP_DEFAULT_ARENA_BITS + 2) / 3)
#define POOL_MAP_DEFAULT_BOT_BITS                             \
  (POOL_MAP_ADDRESS_BITS_3_11 - POOL_MAP_DEFAULT_ARENA_BITS - \
   2 * POOL_MAP_DEFAULT_INTERIOR_BITS)
#define POOL_MAP_DEFAULT_MID_SHIFT \
  (POOL_MAP_DEFAULT_ARENA_BITS + POOL_MAP_DEFAULT_BOT_BITS)
#define POOL_MAP_DEFAULT_ROOT_SHIFT \
  (POOL_MAP_DEFAULT_MID_SHIFT + POOL_MAP_DEFAULT_INTERIOR_BITS)
_Static_assert(POOL_MAP_DEFAULT_INTERIOR_BITS == 15 &&
                   POOL_MAP_DEFAULT_BOT_BITS == 14 &&
                   POOL_MAP_DEFAULT_ROOT_SHIFT == 49,
               "CPython 3.11's radix tree for 1 MiB arenas");

/* The widest root any layout needs: interior bits are largest for the
 * smallest arenas under 3.11, (64 - 13 + 2) / 3 = 17. The root is static
 * (as CPython's): only the pages of it that entries are stored in become
 * resident. */
#define POOL_MAP_ROOT_MAX_BITS \
  ((POOL_MAP_ADDRESS_BITS_3_11 - POOL_MIN_ARENA_BITS + 2) / 3)
#define POOL_MAP_ROOT_MAX_LEN ((size_t)1 << POOL_MAP_ROOT_MAX_BITS)

/* ---- the layout ---------------------------------------------------------- */

/* Whose algorithm: 3.11 to 3.13's, 3.10's (the same but for the radix
 * tree's geometry: 48 address bits, not 64), or 3.8's (ownership read from
 * the pool header, no empty arena kept). */
typedef enum pool_algorithm {
  POOL_ALGORITHM_3_11 = 0,
  POOL_ALGORITHM_3_10,
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

/* One arena_size-aligned chunk of the address space: the run of owned bytes
 * (see above). All zero: nothing owned. */
typedef struct pool_map_cover {
  uint32_t start; /* where the run begins: hi_start, or 0 */
  uint32_t len;   /* its length, round the chunk's end to lo_end */
} pool_map_cover;

_Static_assert(sizeof(pool_map_cover) == 8,
               "a bottom entry is 8 bytes, as CPython's arena_coverage_t");

/* A bottom node is an array of bot_len pool_map_cover; a mid node an array
 * of mid_len pointers to bottom nodes; the root, root_len pointers to mid
 * nodes. */
typedef pool_map_cover *pool_map_bot_ref;

/* How a layout cuts an address (see above); pool_map_geometry_of. */
typedef struct pool_map_geometry {
  unsigned address_bits; /* 64 (3.11) or 48 (3.10) */
  unsigned root_bits;    /* = mid_bits: the interior nodes */
  unsigned mid_bits;
  unsigned bot_bits;   /* address_bits - arena_bits - 2 x interior */
  unsigned arena_bits; /* log2(arena_size): the offset in a chunk */
} pool_map_geometry;

/* ---- global state -------------------------------------------------------- */

/* What the malloc and free fast paths read, in one cache line, so that the
 * layout costs a few loads from one line rather than a walk of pool_state.
 * Before pool_init, threshold is 0 and the map is empty, so every request
 * goes to the system allocator and no pointer is owned. */
typedef struct pool_hot_s {
  size_t threshold;         /* n - 1 < threshold: small request */
  pool_header *usedpools;   /* one sentinel per size class */
  uintptr_t pool_mask;      /* ~(pool_size - 1) */
  uintptr_t arena_mask;     /* arena_size - 1 */
  uintptr_t bot_mask;       /* entries per bottom node - 1 */
  uintptr_t mid_mask;       /* entries per mid node - 1 */
  uint32_t root_len;        /* root entries in use; 0 before pool_init */
  uint8_t root_shift;       /* address bits below the root's field */
  uint8_t mid_shift;        /* ... below the mid node's */
  uint8_t arena_shift;      /* ... below the bottom node's: log2(arena_size) */
  uint8_t header_ownership; /* 3.8: free reads the pool header, no tree */
  uint8_t map_default;      /* the tree is POOL_MAP_DEFAULT_*'s */
} __attribute__((aligned(64))) pool_hot_t;

_Static_assert(sizeof(pool_hot_t) == 64, "pool_hot is one cache line");

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

  /* The radix tree (address.c): its geometry, the root (the first
   * map.root_bits worth of entries are in use) and the node counters. */
  pool_map_geometry map;
  pool_map_bot_ref *map_root[POOL_MAP_ROOT_MAX_LEN];
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

/* One pymalloc state, global, as CPython has it. The per-thread copy of the
 * pool (per_thread.h) compiles these same sources with POOL_PER_THREAD
 * defined and pool_hot and pool_g redefined as the calling thread's state
 * (per_thread_names.h). */
#ifndef POOL_PER_THREAD
extern pool_hot_t pool_hot;
extern pool_state pool_g;
#endif

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
