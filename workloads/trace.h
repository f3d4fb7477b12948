/* Allocation traces: what a workload asks of an allocator, as data.
 *
 * A trace is a sequence of operations on numbered slots. A slot holds at most
 * one live block: malloc/calloc fill an empty slot, realloc resizes the block
 * in a live slot, free empties it. Workload generators and (later) captures
 * from real CPython both produce traces; the runner replays them.
 *
 * Trace memory comes straight from mmap, never from malloc, so that building
 * or loading a trace does not disturb the allocator under test.
 *
 * ---- Threads (version 3) ----------------------------------------------------
 * A trace may be the work of several threads (a small index each, below the
 * header's thread count). Every op carries its thread; the replay gives each
 * thread its own stream of ops and runs them on a real thread. A slot has an
 * owner: the thread of the first op that names it. Only the owner operates on
 * the slot, until it hands it over with a hand-off op (kind 4: the slot, the
 * receiving thread in the size field), after which the receiver owns it. So a
 * block allocated by one thread and freed by another crosses by an explicit
 * hand-off, and a replay knows where to wait: the receiver's next op on the
 * slot waits for the hand-off, and nothing else waits. Every replay performs
 * the same ops on the same threads; only the interleaving of threads between
 * hand-offs varies. A free of a block whose last malloc, calloc or realloc
 * was by another thread is a cross-thread free (the profile counts them).
 *
 * ---- File format, version 3 (all integers little-endian) -----------------
 *
 *   offset  size  field
 *        0     8  magic "PBTRACE\0"
 *        8     4  version (3; versions 1 and 2 are still read)
 *       12     4  header size in bytes (128)
 *       16     8  op count
 *       24     4  slot count: slots are numbered 0..count-1 with no gap,
 *                 every one used by some op (so at most one slot per
 *                 malloc/calloc)
 *       28     4  op size in bytes (12)
 *       32     8  seed the workload was generated with (0 for captures)
 *       40     8  scale * 1e6, rounded (0 for captures)
 *       48     8  checksum: FNV-1a 64 over the whole header (this field
 *                 read as zero) and then the op records
 *       56    32  workload name: printable ASCII, NUL-padded
 *       88     4  thread count, 1..PB_TRACE_THREADS_MAX (version 3; in
 *                 versions 1 and 2 reserved, zero: one thread)
 *       92    36  reserved, zero
 *      128  12*n  op records:
 *                   +0  slot   u32
 *                   +4  size   u32  (0 for free)
 *                   +8  kind   u8   0 malloc, 1 calloc, 2 realloc, 3 free,
 *                                   4 hand-off (version 3; size: the
 *                                   receiving thread)
 *                   +9  touch  u8   0 none, 1 object, 2 array, 128-255
 *                                   filled (pb_touch; filled only on a
 *                                   malloc, calloc or realloc)
 *                  +10  domain u8   CPython's allocator domain of the block:
 *                                   0 not recorded, 1 raw (PyMem_Raw*),
 *                                   2 mem (PyMem_*), 3 obj (PyObject_*)
 *                  +11  thread u8   the thread that performs the op
 *                                   (version 3; zero before)
 *
 * pb_trace_save writes version 2, byte for byte what earlier poolbench wrote,
 * when the trace has one thread (and so no hand-off), and version 3
 * otherwise: one-thread traces and their checksums stay as they were.
 *
 * Version 2 differs from 3 in that its byte +11 of an op is a reserved zero,
 * kind 4 is unknown and the header's bytes 88..127 are all reserved.
 * Version 1 differs in two places: its checksum covers the op records only
 * (the header was not protected), and bytes +10..+11 of an op are one
 * reserved u16 that must be zero, so every version 1 op reads as domain 0.
 *
 * A reader rejects, with one line naming the problem: a short file, a path
 * that is not a regular file, a wrong magic, an unknown version, a header or
 * op size it does not know, a checksum that does not match, a malformed
 * name, a slot count the ops do not use, and ops that break the slot rules
 * (malloc into a live slot, free or realloc of an empty one, a slot past the
 * slot count, an unknown kind, touch or domain, a realloc or free in another
 * domain than the block's malloc; in version 3 a thread at or past the
 * thread count, an op on a slot by a thread that does not own it, a hand-off
 * of an empty slot, to the owner itself or to a thread past the count). Nothing
 * is mapped or allocated in proportion to a header field before the file's size
 * has vouched for it. */
#ifndef POOLBENCH_WORKLOADS_TRACE_H
#define POOLBENCH_WORKLOADS_TRACE_H

#include <stddef.h>
#include <stdint.h>

#define PB_TRACE_MAGIC "PBTRACE"
#define PB_TRACE_VERSION 3 /* the newest version pb_trace_save writes */
#define PB_TRACE_VERSION_ONE_THREAD 2 /* what it writes for one thread */
#define PB_TRACE_VERSION_MIN 1
#define PB_TRACE_HEADER_SIZE 128
#define PB_TRACE_NAME_MAX 32
#define PB_TRACE_ERROR_MAX 512
/* The most threads a trace may have: small, as the programs modelled run a
 * handful of threads (and an op's thread is one byte). */
#define PB_TRACE_THREADS_MAX 64

typedef enum pb_op_kind {
  PB_OP_MALLOC = 0,
  PB_OP_CALLOC = 1, /* replayed as calloc(1, size) */
  PB_OP_REALLOC = 2,
  PB_OP_FREE = 3,    /* size is ignored (0) */
  PB_OP_HANDOFF = 4, /* version 3: the slot's block goes to thread `size` */
  PB_OP_KIND_COUNT
} pb_op_kind;

/* How the replay touches a block, as CPython would.
 *
 * The synthetic generators say it by kind (none, object, array). A capture
 * knows more: how far the program wrote each block before freeing it
 * (python/written.h), which its allocating op records as a filled touch,
 * PB_TOUCH_FILLED + k for k in 0..PB_TOUCH_FILLED_STEPS: the replay writes
 * the first ceil(k * size / PB_TOUCH_FILLED_STEPS) bytes of the block (of a
 * realloc's, those past the old size). Rounded up, so the replay writes at
 * least what the program wrote and at most size / 127 bytes more. A free
 * keeps the kind its block's touch had when recorded. */
typedef enum pb_touch {
  PB_TOUCH_NONE = 0,   /* raw buffer: not touched */
  PB_TOUCH_OBJECT = 1, /* object: header (refcount, type) written on
                          allocation, read before free */
  PB_TOUCH_ARRAY = 2,  /* item array: every 8-byte item that a malloc or a
                          growing realloc adds is written */
  PB_TOUCH_COUNT,
  PB_TOUCH_FILLED = 128 /* ... + k: written up to k/127 of the block */
} pb_touch;

#define PB_TOUCH_FILLED_STEPS 127u

/* The filled touch of a block of size bytes written up to `written`. */
static inline uint8_t pb_touch_filled(uint64_t written, uint64_t size) {
  if (size == 0 || written == 0) return PB_TOUCH_FILLED;
  if (written > size) written = size;
  return (uint8_t)(PB_TOUCH_FILLED +
                   (written * PB_TOUCH_FILLED_STEPS + size - 1) / size);
}

/* The bytes a filled touch writes of a block of size bytes. */
static inline uint64_t pb_touch_filled_bytes(uint8_t touch, uint64_t size) {
  uint64_t k = (uint64_t)(touch - PB_TOUCH_FILLED);
  return (k * size + PB_TOUCH_FILLED_STEPS - 1) / PB_TOUCH_FILLED_STEPS;
}

/* CPython's allocator domain (PEP 445) an op's block belongs to. Issue 12's
 * captures record it; the synthetic generators leave it unknown. */
typedef enum pb_domain {
  PB_DOMAIN_UNKNOWN = 0, /* not recorded (every version 1 op) */
  PB_DOMAIN_RAW = 1,     /* PyMem_RawMalloc and friends */
  PB_DOMAIN_MEM = 2,     /* PyMem_Malloc and friends */
  PB_DOMAIN_OBJ = 3,     /* PyObject_Malloc and friends */
  PB_DOMAIN_COUNT
} pb_domain;

/* One operation: 12 bytes, the same in memory and on disk. */
typedef struct pb_op {
  uint32_t slot;
  uint32_t size;
  uint8_t kind;   /* pb_op_kind */
  uint8_t touch;  /* pb_touch */
  uint8_t domain; /* pb_domain */
  uint8_t thread; /* below the trace's thread count (0 before version 3) */
} pb_op;

/* The builder's slots known free on one thread (reused LIFO). A slot freed
 * by a thread stays that thread's: reusing it on another thread would need a
 * hand-off the program never made. */
typedef struct pb_slot_list {
  uint32_t *ids; /* mmap'd */
  uint32_t count;
  uint32_t capacity;
} pb_slot_list;

typedef struct pb_trace {
  pb_op *ops;        /* mmap'd; capacity ops long (a loaded trace: in
                        file_mapping, read-only) */
  uint64_t count;    /* ops in the trace */
  uint64_t capacity; /* ops the mapping holds */
  uint32_t slots;    /* slot count: every op's slot is below it */
  uint32_t threads;  /* thread count, 1..PB_TRACE_THREADS_MAX: every op's
                        thread is below it */
  uint64_t seed;
  double scale;
  char workload[PB_TRACE_NAME_MAX];
  uint32_t version;  /* a loaded trace's format version; 0 when built */
  uint64_t checksum; /* a loaded trace's checksum, as its header holds it */

  /* Builder state: per thread, slots known free, reused LIFO (mmap'd as
   * well, PB_TRACE_THREADS_MAX lists, on the first free). */
  pb_slot_list *free_slots;
  uint8_t *live;  /* per slot: nonzero while a block is live (builder checks) */
  uint8_t *owner; /* per slot: the thread that owns it (trace rules above) */
  uint32_t live_capacity; /* entries of live and of owner */
  pb_domain domain;       /* of the blocks malloc'd or calloc'd next */
  uint32_t thread;        /* the thread of the ops appended next */

  /* A loaded trace: the file, mapped read-only; ops point into it. */
  void *file_mapping;
  size_t file_mapping_bytes;
} pb_trace;

/* ---- building ------------------------------------------------------------
 * Generators call these; slot ids are handed out by the builder, the most
 * recently freed id reused first (LIFO), so the slot table stays as small as
 * the largest live set. The append calls abort with a message on a broken slot
 * rule: that is a bug in the generator, not bad input. */
void pb_trace_init(pb_trace *t, const char *workload, uint64_t seed,
                   double scale);
uint32_t pb_trace_malloc(pb_trace *t, uint32_t size, pb_touch touch);
uint32_t pb_trace_calloc(pb_trace *t, uint32_t size, pb_touch touch);
void pb_trace_realloc(pb_trace *t, uint32_t slot, uint32_t size,
                      pb_touch touch);
void pb_trace_free(pb_trace *t, uint32_t slot);
/* Sets the touch of op `op`, a malloc, calloc or realloc already appended,
 * to a filled one (pb_touch_filled): a capture learns how far a block was
 * written only when it is freed or resized. */
void pb_trace_set_filled(pb_trace *t, uint64_t op, uint8_t touch);
/* The domain recorded for the blocks malloc'd or calloc'd from now on
 * (PB_DOMAIN_UNKNOWN until called); a realloc or free records its block's. */
void pb_trace_set_domain(pb_trace *t, pb_domain domain);
/* The domain of the block live in slot (PB_DOMAIN_UNKNOWN when the slot
 * is empty): a capture that sees a block resized through another domain
 * records the realloc as the block's. */
pb_domain pb_trace_slot_domain(const pb_trace *t, uint32_t slot);
/* The thread of the ops appended from now on (0 until called); the trace's
 * thread count grows to include it. */
void pb_trace_set_thread(pb_trace *t, uint32_t thread);
/* Appends a hand-off of live slot `slot` from the current thread, which must
 * own it, to thread `to` (another one, below PB_TRACE_THREADS_MAX), which
 * owns it from then on. */
void pb_trace_handoff(pb_trace *t, uint32_t slot, uint32_t to);
/* Releases the builder's state (its free slot lists and slot tables); the
 * ops stay. No builder call may follow. */
void pb_trace_release_builder(pb_trace *t);
/* Releases every mapping of the trace. */
void pb_trace_destroy(pb_trace *t);

/* ---- files -----------------------------------------------------------------
 * Each returns 0, or -1 with one line (no newline) in err. Writing goes to a
 * temporary file renamed into place, so a reader never sees half a file, and
 * always writes the current version. */
int pb_trace_save(const pb_trace *t, const char *path,
                  char err[PB_TRACE_ERROR_MAX]);
int pb_trace_load(pb_trace *t, const char *path, char err[PB_TRACE_ERROR_MAX]);
/* Writes the whole file (header and ops) to fd, an empty file opened for
 * writing, and flushes it to disk; label names it in err. For a writer that
 * made the file itself and renames it into place once it knows the trace is
 * wanted (pytrace). */
int pb_trace_write(const pb_trace *t, int fd, const char *label,
                   char err[PB_TRACE_ERROR_MAX]);

/* Reads a whole trace file held in memory (len bytes at bytes, 4-byte
 * aligned), with every check pb_trace_load makes; label names it in
 * messages. The ops point into bytes, which must outlive t; pb_trace_destroy
 * leaves them alone. */
int pb_trace_parse(pb_trace *t, const void *bytes, size_t len,
                   const char *label, char err[PB_TRACE_ERROR_MAX]);

/* Checks every slot rule of t->ops (the reader calls it); 0 or -1 with err. */
int pb_trace_validate(const pb_trace *t, char err[PB_TRACE_ERROR_MAX]);

/* FNV-1a 64 of the op records: version 1's checksum. */
uint64_t pb_trace_checksum(const pb_op *ops, uint64_t count);

/* The checksum the header of a trace file held in memory should carry, as
 * its version field defines it (version 1: the ops; else the header with
 * its checksum field read as zero, then the ops); the ops are the bytes
 * after the header, whatever the count field says. len must be at least
 * PB_TRACE_HEADER_SIZE and len - PB_TRACE_HEADER_SIZE a multiple of 12. */
uint64_t pb_trace_file_checksum(const void *bytes, size_t len);

/* ---- analysis --------------------------------------------------------------
 */

typedef struct pb_trace_profile {
  uint64_t mallocs, callocs, reallocs, frees;
  uint64_t handoffs;              /* hand-off ops */
  uint64_t cross_thread_frees;    /* frees of a block whose last malloc, calloc
                                     or realloc was on another thread */
  uint64_t peak_live_bytes;       /* max over time of the sum of live sizes */
  uint64_t peak_op;               /* index of the op after which that max holds
                                     (first time reached) */
  uint64_t peak_live_blocks;      /* live blocks at peak_op */
  uint64_t total_requested_bytes; /* sum of malloc/calloc/realloc sizes */
} pb_trace_profile;

void pb_trace_profile_compute(const pb_trace *t, pb_trace_profile *profile);

#endif /* POOLBENCH_WORKLOADS_TRACE_H */
