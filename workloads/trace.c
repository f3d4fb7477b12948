/* Allocation traces: the builder, the v1 file format and the profile.
 *
 * Every buffer here comes from mmap (and grows with mremap), never from
 * malloc: the allocator under test may be the process's malloc, and building
 * or loading a trace must not warm it up or fragment it. */
#include "workloads/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/map.h"

/* Ops are written to disk exactly as they sit in memory. */
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "trace.c writes op records as they are in memory: little-endian only"
#endif
_Static_assert(sizeof(pb_op) == 12, "an op record is 12 bytes on disk");

#define OP_SIZE 12u

/* Header field offsets (see the table in trace.h). */
enum {
  H_MAGIC = 0,
  H_VERSION = 8,
  H_HEADER_SIZE = 12,
  H_COUNT = 16,
  H_SLOTS = 24,
  H_OP_SIZE = 28,
  H_SEED = 32,
  H_SCALE = 40,
  H_CHECKSUM = 48,
  H_NAME = 56,
  H_RESERVED = 88,
};

/* ---- mappings ------------------------------------------------------------ */

/* A broken slot rule while building is a bug in the generator, not bad
 * input: say which workload, and abort. */
static void die(const char *workload, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

static void die(const char *workload, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "poolbench trace builder (workload \"%s\"): ", workload);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  abort();
}

/* Grows the array at *base from *capacity to at least need elements of elem
 * bytes, doubling; the new capacity uses the whole last page. No memory
 * left is one line and exit status 3 (common/map.h). */
static void grow(void **base, uint64_t *capacity, uint64_t need, size_t elem,
                 const char *what) {
  uint64_t want = *capacity ? *capacity : 4096 / elem;
  while (want < need) want *= 2;
  size_t new_bytes = pb_map_round(want * elem);
  *base = pb_remap_or_fail(*base, *capacity * elem, new_bytes, what);
  *capacity = new_bytes / elem;
}

/* ---- building ------------------------------------------------------------ */

void pb_trace_init(pb_trace *t, const char *workload, uint64_t seed,
                   double scale) {
  memset(t, 0, sizeof *t);
  if (!workload) workload = "";
  if (strlen(workload) >= PB_TRACE_NAME_MAX)
    die(workload, "workload name longer than %d bytes", PB_TRACE_NAME_MAX - 1);
  strcpy(t->workload, workload);
  t->seed = seed;
  t->scale = scale;
}

static void append(pb_trace *t, uint32_t slot, uint32_t size, pb_op_kind kind,
                   pb_touch touch, pb_domain domain) {
  if (t->count == t->capacity) {
    void *base = t->ops;
    grow(&base, &t->capacity, t->count + 1, sizeof(pb_op), "the trace's ops");
    t->ops = base;
  }
  pb_op *op = &t->ops[t->count++];
  op->slot = slot;
  op->size = size;
  op->kind = (uint8_t)kind;
  op->touch = (uint8_t)touch;
  op->domain = (uint8_t)domain;
  op->reserved = 0;
}

static uint32_t take_slot(pb_trace *t) {
  uint32_t slot;
  if (t->free_count > 0) {
    slot = t->free_slots[--t->free_count];
    if (t->live[slot])
      die(t->workload, "slot %u is on the free list but live", slot);
  } else {
    if (t->slots == UINT32_MAX) die(t->workload, "out of slot ids");
    slot = t->slots++;
    if (slot >= t->live_capacity) {
      void *base = t->live;
      uint64_t cap = t->live_capacity;
      grow(&base, &cap, (uint64_t)slot + 1, 1, "the trace's live table");
      t->live = base;
      t->live_capacity = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
    }
  }
  return slot;
}

/* A live slot's byte holds its block's touch + 1 (0: empty) in the low
 * nibble and its domain in the high one, so that the free records how the
 * block is touched before it dies, and in which domain. */
static void mark_live(pb_trace *t, uint32_t slot, pb_touch touch,
                      pb_domain domain) {
  t->live[slot] = (uint8_t)((touch + 1) | domain << 4);
}

static pb_touch live_touch(const pb_trace *t, uint32_t slot) {
  return (pb_touch)((t->live[slot] & 15) - 1);
}

static pb_domain live_domain(const pb_trace *t, uint32_t slot) {
  return (pb_domain)(t->live[slot] >> 4);
}

void pb_trace_set_domain(pb_trace *t, pb_domain domain) {
  if ((unsigned)domain >= PB_DOMAIN_COUNT)
    die(t->workload, "unknown domain %u", (unsigned)domain);
  t->domain = domain;
}

static void check_live(const pb_trace *t, uint32_t slot, const char *what) {
  if (slot >= t->slots)
    die(t->workload, "%s of slot %u, which was never handed out (%u slots)",
        what, slot, t->slots);
  if (!t->live[slot])
    die(t->workload, "%s of slot %u, which is empty", what, slot);
}

static void check_touch(const pb_trace *t, pb_touch touch) {
  if ((unsigned)touch >= PB_TOUCH_COUNT)
    die(t->workload, "unknown touch %u", (unsigned)touch);
}

uint32_t pb_trace_malloc(pb_trace *t, uint32_t size, pb_touch touch) {
  check_touch(t, touch);
  uint32_t slot = take_slot(t);
  mark_live(t, slot, touch, t->domain);
  append(t, slot, size, PB_OP_MALLOC, touch, t->domain);
  return slot;
}

uint32_t pb_trace_calloc(pb_trace *t, uint32_t size, pb_touch touch) {
  check_touch(t, touch);
  uint32_t slot = take_slot(t);
  mark_live(t, slot, touch, t->domain);
  append(t, slot, size, PB_OP_CALLOC, touch, t->domain);
  return slot;
}

void pb_trace_realloc(pb_trace *t, uint32_t slot, uint32_t size,
                      pb_touch touch) {
  check_touch(t, touch);
  check_live(t, slot, "realloc");
  pb_domain domain = live_domain(t, slot);
  mark_live(t, slot, touch, domain);
  append(t, slot, size, PB_OP_REALLOC, touch, domain);
}

void pb_trace_free(pb_trace *t, uint32_t slot) {
  check_live(t, slot, "free");
  append(t, slot, 0, PB_OP_FREE, live_touch(t, slot), live_domain(t, slot));
  t->live[slot] = 0;
  if (t->free_count == t->free_capacity) {
    void *base = t->free_slots;
    uint64_t cap = t->free_capacity;
    grow(&base, &cap, (uint64_t)t->free_count + 1, sizeof(uint32_t),
         "the trace's free slot list");
    t->free_slots = base;
    t->free_capacity = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
  }
  t->free_slots[t->free_count++] = slot;
}

void pb_trace_destroy(pb_trace *t) {
  if (t->file_mapping)
    munmap(t->file_mapping, t->file_mapping_bytes);
  else
    pb_unmap(t->ops, t->capacity * sizeof(pb_op));
  pb_unmap(t->free_slots, (size_t)t->free_capacity * sizeof(uint32_t));
  pb_unmap(t->live, t->live_capacity);
  memset(t, 0, sizeof *t);
}

/* ---- checksum and validation ----------------------------------------------
 */

uint64_t pb_trace_checksum(const pb_op *ops, uint64_t count) {
  uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 offset basis */
  if (count == 0) return h;
  const unsigned char *p = (const unsigned char *)ops;
  const unsigned char *end = p + count * OP_SIZE;
  for (; p < end; p++) {
    h ^= *p;
    h *= 0x100000001b3ull; /* FNV-1a 64 prime */
  }
  return h;
}

static const char *const kind_names[PB_OP_KIND_COUNT] = {"malloc", "calloc",
                                                         "realloc", "free"};

int pb_trace_validate(const pb_trace *t, char err[PB_TRACE_ERROR_MAX]) {
  /* One bit per slot: live or empty. */
  size_t bitmap_bytes = ((size_t)t->slots + 7) / 8;
  uint8_t *live = pb_map(bitmap_bytes);
  if (!live) {
    snprintf(err, PB_TRACE_ERROR_MAX,
             "cannot map %zu bytes to check %u slots: %s", bitmap_bytes,
             t->slots, strerror(errno));
    return -1;
  }
  int rc = 0;
  for (uint64_t i = 0; i < t->count; i++) {
    const pb_op *op = &t->ops[i];
    unsigned long long n = (unsigned long long)i;
    if (op->kind >= PB_OP_KIND_COUNT) {
      snprintf(err, PB_TRACE_ERROR_MAX, "op %llu: unknown kind %u", n,
               op->kind);
      rc = -1;
      break;
    }
    if (op->touch >= PB_TOUCH_COUNT) {
      snprintf(err, PB_TRACE_ERROR_MAX, "op %llu: unknown touch %u", n,
               op->touch);
      rc = -1;
      break;
    }
    if (op->domain >= PB_DOMAIN_COUNT) {
      snprintf(err, PB_TRACE_ERROR_MAX, "op %llu: unknown domain %u", n,
               op->domain);
      rc = -1;
      break;
    }
    if (op->reserved != 0) {
      snprintf(err, PB_TRACE_ERROR_MAX,
               "op %llu: nonzero reserved byte 0x%02x (must be 0)", n,
               op->reserved);
      rc = -1;
      break;
    }
    if (op->slot >= t->slots) {
      snprintf(err, PB_TRACE_ERROR_MAX,
               "op %llu: %s of slot %u, past the slot count %u", n,
               kind_names[op->kind], op->slot, t->slots);
      rc = -1;
      break;
    }
    uint8_t bit = (uint8_t)(1u << (op->slot & 7));
    uint8_t *byte = &live[op->slot >> 3];
    int is_live = (*byte & bit) != 0;
    switch ((pb_op_kind)op->kind) {
      case PB_OP_MALLOC:
      case PB_OP_CALLOC:
        if (is_live) {
          snprintf(err, PB_TRACE_ERROR_MAX,
                   "op %llu: %s into slot %u, which is live", n,
                   kind_names[op->kind], op->slot);
          rc = -1;
        }
        *byte |= bit;
        break;
      case PB_OP_REALLOC:
      case PB_OP_FREE:
        if (!is_live) {
          snprintf(err, PB_TRACE_ERROR_MAX,
                   "op %llu: %s of slot %u, which is empty", n,
                   kind_names[op->kind], op->slot);
          rc = -1;
        }
        if (op->kind == PB_OP_FREE) *byte &= (uint8_t)~bit;
        break;
      case PB_OP_KIND_COUNT:
        break;
    }
    if (rc) break;
  }
  pb_unmap(live, bitmap_bytes);
  return rc;
}

/* ---- files ----------------------------------------------------------------
 */

static void put_u32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

static uint64_t get_u64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

/* Reads up to len bytes; returns how many (fewer only at end of file), or -1.
 */
static ssize_t read_all(int fd, void *buf, size_t len) {
  char *p = buf;
  size_t got = 0;
  while (got < len) {
    ssize_t n = read(fd, p + got, len - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (n == 0) break;
    got += (size_t)n;
  }
  return (ssize_t)got;
}

static uint64_t scale_to_field(double scale) {
  if (!(scale > 0)) return 0; /* also NaN */
  double micro = scale * 1e6 + 0.5;
  return micro >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)micro;
}

/* err = "path: " + the message; the path is cut short, never the message. */
static int fail(char err[PB_TRACE_ERROR_MAX], const char *path, const char *fmt,
                ...) __attribute__((format(printf, 3, 4)));

static int fail(char err[PB_TRACE_ERROR_MAX], const char *path, const char *fmt,
                ...) {
  char msg[PB_TRACE_ERROR_MAX / 2]; /* messages are short; paths may not be */
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  size_t mlen = strlen(msg), plen = strlen(path);
  size_t room = PB_TRACE_ERROR_MAX - 1 - 2 - mlen; /* for the path */
  char *out = err;
  if (plen > room) { /* keep the end of the path: the file name */
    memcpy(out, "...", 3);
    out += 3;
    path += plen - (room - 3);
    plen = room - 3;
  }
  memcpy(out, path, plen);
  out += plen;
  memcpy(out, ": ", 2);
  memcpy(out + 2, msg, mlen + 1);
  return -1;
}

_Static_assert(PB_TRACE_ERROR_MAX == PB_FILE_ERROR_MAX,
               "pb_trace_save hands its err to common/atomic_file.h");

int pb_trace_save(const pb_trace *t, const char *path,
                  char err[PB_TRACE_ERROR_MAX]) {
  unsigned char h[PB_TRACE_HEADER_SIZE];
  memset(h, 0, sizeof h);
  memcpy(h + H_MAGIC, PB_TRACE_MAGIC, sizeof PB_TRACE_MAGIC);
  put_u32(h + H_VERSION, PB_TRACE_VERSION);
  put_u32(h + H_HEADER_SIZE, PB_TRACE_HEADER_SIZE);
  put_u64(h + H_COUNT, t->count);
  put_u32(h + H_SLOTS, t->slots);
  put_u32(h + H_OP_SIZE, OP_SIZE);
  put_u64(h + H_SEED, t->seed);
  put_u64(h + H_SCALE, scale_to_field(t->scale));
  put_u64(h + H_CHECKSUM, pb_trace_checksum(t->ops, t->count));
  memcpy(h + H_NAME, t->workload, strnlen(t->workload, PB_TRACE_NAME_MAX));

  /* Written beside the target and renamed into place (common/atomic_file.h):
   * a reader never sees half a trace, and a path that is not a regular file
   * (/dev/null, a directory) is refused rather than replaced. */
  pb_atomic_file f;
  if (pb_atomic_open(&f, path, err) != 0 ||
      pb_atomic_write(&f, h, sizeof h, err) != 0 ||
      pb_atomic_write(&f, t->ops, t->count * OP_SIZE, err) != 0 ||
      pb_atomic_finish(&f, err) != 0 || pb_atomic_commit(&f, err) != 0) {
    pb_atomic_abort(&f);
    return -1;
  }
  return 0;
}

int pb_trace_load(pb_trace *t, const char *path, char err[PB_TRACE_ERROR_MAX]) {
  memset(t, 0, sizeof *t);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(err, path, "cannot open: %s", strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return fail(err, path, "cannot stat: %s", strerror(e));
  }
  uint64_t file_bytes = (uint64_t)st.st_size;
  unsigned char h[PB_TRACE_HEADER_SIZE];
  ssize_t got = read_all(fd, h, sizeof h);
  if (got < 0) {
    int e = errno;
    close(fd);
    return fail(err, path, "cannot read: %s", strerror(e));
  }
  if ((size_t)got < sizeof h) {
    close(fd);
    return fail(err, path,
                "file too short: %zd bytes, a trace header alone is %d", got,
                PB_TRACE_HEADER_SIZE);
  }
  if (memcmp(h + H_MAGIC, PB_TRACE_MAGIC, sizeof PB_TRACE_MAGIC) != 0) {
    close(fd);
    return fail(err, path, "not a poolbench trace (wrong magic)");
  }
  uint32_t version = get_u32(h + H_VERSION);
  if (version < PB_TRACE_VERSION_MIN || version > PB_TRACE_VERSION) {
    close(fd);
    return fail(err, path,
                "trace version %u, this reader knows versions %d to %d",
                version, PB_TRACE_VERSION_MIN, PB_TRACE_VERSION);
  }
  uint32_t header_size = get_u32(h + H_HEADER_SIZE);
  uint32_t op_size = get_u32(h + H_OP_SIZE);
  if (header_size != PB_TRACE_HEADER_SIZE || op_size != OP_SIZE) {
    close(fd);
    return fail(err, path,
                "header size %u and op size %u, version %u has %d and %u",
                header_size, op_size, version, PB_TRACE_HEADER_SIZE, OP_SIZE);
  }
  const unsigned char *name = h + H_NAME;
  if (!memchr(name, 0, PB_TRACE_NAME_MAX)) {
    close(fd);
    return fail(err, path, "workload name is not NUL-terminated");
  }
  for (int i = H_RESERVED; i < PB_TRACE_HEADER_SIZE; i++) {
    if (h[i] != 0) {
      close(fd);
      return fail(err, path, "nonzero reserved header byte at offset %d", i);
    }
  }
  uint64_t count = get_u64(h + H_COUNT);
  uint64_t body =
      file_bytes - PB_TRACE_HEADER_SIZE; /* wraps if the file shrank */
  if (file_bytes < PB_TRACE_HEADER_SIZE || count > body / OP_SIZE) {
    close(fd);
    return fail(err, path,
                "truncated: op count says %llu ops but the file has %llu "
                "bytes, room for %llu",
                (unsigned long long)count, (unsigned long long)file_bytes,
                (unsigned long long)(body / OP_SIZE));
  }
  if (body != count * OP_SIZE) {
    close(fd);
    return fail(err, path, "%llu bytes of trailing garbage after %llu ops",
                (unsigned long long)(body - count * OP_SIZE),
                (unsigned long long)count);
  }

  /* The ops are replayed straight from the page cache: a private read-only
   * mapping of the file, populated at once, so that loading a trace costs no
   * page fault per page and no anonymous memory (on machines where faults
   * are slow, that was most of a short run's faults). */
  size_t bytes = (size_t)count * OP_SIZE;
  pb_op *ops = NULL;
  if (count > 0) {
    size_t mapped = PB_TRACE_HEADER_SIZE + bytes;
    void *file =
        mmap(NULL, mapped, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (file == MAP_FAILED) {
      int e = errno;
      close(fd);
      return fail(err, path, "cannot map %zu bytes for %llu ops: %s", mapped,
                  (unsigned long long)count, strerror(e));
    }
    t->file_mapping = file;
    t->file_mapping_bytes = mapped;
    ops = (pb_op *)((unsigned char *)file + PB_TRACE_HEADER_SIZE);
  }
  close(fd);

  t->ops = ops;
  t->count = count;
  t->capacity = 0; /* the ops belong to the file mapping */
  t->slots = get_u32(h + H_SLOTS);
  t->seed = get_u64(h + H_SEED);
  t->scale = (double)get_u64(h + H_SCALE) / 1e6;
  memcpy(t->workload, name, PB_TRACE_NAME_MAX);

  uint64_t stored = get_u64(h + H_CHECKSUM);
  uint64_t actual = pb_trace_checksum(ops, count);
  char msg[PB_TRACE_ERROR_MAX];
  int rc = 0;
  if (stored != actual) {
    rc = fail(err, path,
              "corrupted: checksum 0x%016llx in the header, the ops hash to "
              "0x%016llx",
              (unsigned long long)stored, (unsigned long long)actual);
  } else if (pb_trace_validate(t, msg) != 0) {
    rc = fail(err, path, "%s", msg);
  }
  if (rc) pb_trace_destroy(t);
  return rc;
}

/* ---- analysis -------------------------------------------------------------
 */

void pb_trace_profile_compute(const pb_trace *t, pb_trace_profile *profile) {
  memset(profile, 0, sizeof *profile);
  size_t size_bytes = (size_t)t->slots * sizeof(uint32_t);
  uint32_t *sizes = /* live block size per slot */
      pb_map_or_fail(size_bytes, "the trace profile's slot sizes");
  uint64_t live_bytes = 0, live_blocks = 0;
  for (uint64_t i = 0; i < t->count; i++) {
    const pb_op *op = &t->ops[i];
    if (op->slot >= t->slots) continue; /* invalid: validate reports it */
    uint32_t *size = &sizes[op->slot];
    switch (op->kind) {
      case PB_OP_MALLOC:
      case PB_OP_CALLOC:
        if (op->kind == PB_OP_MALLOC)
          profile->mallocs++;
        else
          profile->callocs++;
        profile->total_requested_bytes += op->size;
        live_bytes += op->size;
        live_blocks++;
        *size = op->size;
        break;
      case PB_OP_REALLOC:
        profile->reallocs++;
        profile->total_requested_bytes += op->size;
        live_bytes = live_bytes - *size + op->size;
        *size = op->size;
        break;
      case PB_OP_FREE:
        profile->frees++;
        live_bytes -= *size;
        live_blocks--;
        *size = 0;
        break;
      default:
        continue;
    }
    if (live_bytes > profile->peak_live_bytes) {
      profile->peak_live_bytes = live_bytes;
      profile->peak_op = i;
      profile->peak_live_blocks = live_blocks;
    }
  }
  pb_unmap(sizes, size_bytes);
}
