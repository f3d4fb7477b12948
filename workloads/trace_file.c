/* Trace files (the format table is in trace.h): writing version 2 (one
 * thread) or 3, reading versions 1 to 3, whether from a file or from memory.
 *
 * The reader trusts nothing in a header until the file's size vouches for
 * it: the op count must match the bytes that follow the header exactly, and
 * the slot count may not exceed the op count (trace_validate.c checks that
 * before it maps anything), so a small hostile file cannot make the reader,
 * the profile or the replay map more than a small multiple of its own size. */
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
#include "workloads/trace.h"

/* Ops are written to disk exactly as they sit in memory. */
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "trace_file.c writes op records as they are in memory: little-endian"
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
  H_THREADS = 88,     /* version 3; reserved before */
  H_RESERVED_V2 = 88, /* versions 1 and 2: reserved from here */
  H_RESERVED = 92,
};

/* ---- checksums ------------------------------------------------------------
 */

#define FNV_OFFSET_BASIS 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t fnv1a(uint64_t h, const void *data, size_t len) {
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= FNV_PRIME;
  }
  return h;
}

uint64_t pb_trace_checksum(const pb_op *ops, uint64_t count) {
  return count ? fnv1a(FNV_OFFSET_BASIS, ops, count * OP_SIZE)
               : FNV_OFFSET_BASIS;
}

/* Version 2's checksum: the header with its checksum field read as zero,
 * then the ops. */
static uint64_t checksum_v2(const unsigned char *header, const pb_op *ops,
                            uint64_t count) {
  static const unsigned char zero[8];
  uint64_t h = fnv1a(FNV_OFFSET_BASIS, header, H_CHECKSUM);
  h = fnv1a(h, zero, sizeof zero);
  h = fnv1a(h, header + H_CHECKSUM + 8, PB_TRACE_HEADER_SIZE - H_CHECKSUM - 8);
  return count ? fnv1a(h, ops, count * OP_SIZE) : h;
}

/* ---- little-endian fields --------------------------------------------------
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

uint64_t pb_trace_file_checksum(const void *bytes, size_t len) {
  const unsigned char *h = bytes;
  const pb_op *ops = (const pb_op *)(h + PB_TRACE_HEADER_SIZE);
  uint64_t count = (len - PB_TRACE_HEADER_SIZE) / OP_SIZE;
  return get_u32(h + H_VERSION) == 1 ? pb_trace_checksum(ops, count)
                                     : checksum_v2(h, ops, count);
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

/* ---- writing ---------------------------------------------------------------
 */

_Static_assert(PB_TRACE_ERROR_MAX == PB_FILE_ERROR_MAX,
               "pb_trace_save hands its err to common/atomic_file.h");

static void encode_header(const pb_trace *t,
                          unsigned char h[PB_TRACE_HEADER_SIZE]) {
  memset(h, 0, PB_TRACE_HEADER_SIZE);
  memcpy(h + H_MAGIC, PB_TRACE_MAGIC, sizeof PB_TRACE_MAGIC);
  /* One thread: version 2, the very bytes earlier poolbench wrote. */
  int threaded = t->threads > 1;
  put_u32(h + H_VERSION,
          threaded ? PB_TRACE_VERSION : PB_TRACE_VERSION_ONE_THREAD);
  if (threaded) put_u32(h + H_THREADS, t->threads);
  put_u32(h + H_HEADER_SIZE, PB_TRACE_HEADER_SIZE);
  put_u64(h + H_COUNT, t->count);
  put_u32(h + H_SLOTS, t->slots);
  put_u32(h + H_OP_SIZE, OP_SIZE);
  put_u64(h + H_SEED, t->seed);
  put_u64(h + H_SCALE, scale_to_field(t->scale));
  memcpy(h + H_NAME, t->workload, strnlen(t->workload, PB_TRACE_NAME_MAX));
  put_u64(h + H_CHECKSUM, checksum_v2(h, t->ops, t->count));
}

int pb_trace_save(const pb_trace *t, const char *path,
                  char err[PB_TRACE_ERROR_MAX]) {
  unsigned char h[PB_TRACE_HEADER_SIZE];
  encode_header(t, h);

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

int pb_trace_write(const pb_trace *t, int fd, const char *label,
                   char err[PB_TRACE_ERROR_MAX]) {
  unsigned char h[PB_TRACE_HEADER_SIZE];
  encode_header(t, h);
  /* pb_atomic_write's loop, on a file someone else named and will rename. */
  pb_atomic_file f = {.fd = fd, .path = (char *)label};
  if (pb_atomic_write(&f, h, sizeof h, err) != 0 ||
      pb_atomic_write(&f, t->ops, t->count * OP_SIZE, err) != 0)
    return -1;
  if (fsync(fd) != 0)
    return fail(err, label, "cannot write: %s", strerror(errno));
  return 0;
}

/* ---- reading ---------------------------------------------------------------
 */

/* A name is printable ASCII, NUL-terminated and NUL-padded: it is printed
 * in reports and written into JSON as it stands. */
static int check_name(const unsigned char *name, const char *label,
                      char err[PB_TRACE_ERROR_MAX]) {
  const unsigned char *nul = memchr(name, 0, PB_TRACE_NAME_MAX);
  if (!nul) return fail(err, label, "workload name is not NUL-terminated");
  for (const unsigned char *p = name; p < nul; p++)
    if (*p < 0x20 || *p > 0x7e)
      return fail(err, label,
                  "workload name has byte 0x%02x at offset %d: only "
                  "printable ASCII",
                  *p, (int)(p - name));
  for (const unsigned char *p = nul; p < name + PB_TRACE_NAME_MAX; p++)
    if (*p != 0)
      return fail(err, label, "nonzero byte after the workload name's NUL");
  return 0;
}

/* Every check a header allows on its own, given the length of the whole
 * file: the caller may then map header + count ops. */
static int check_header(const unsigned char *h, uint64_t file_bytes,
                        const char *label, char err[PB_TRACE_ERROR_MAX]) {
  if (file_bytes < PB_TRACE_HEADER_SIZE)
    return fail(err, label,
                "file too short: %llu bytes, a trace header alone is %d",
                (unsigned long long)file_bytes, PB_TRACE_HEADER_SIZE);
  if (memcmp(h + H_MAGIC, PB_TRACE_MAGIC, sizeof PB_TRACE_MAGIC) != 0)
    return fail(err, label, "not a poolbench trace (wrong magic)");
  uint32_t version = get_u32(h + H_VERSION);
  if (version < PB_TRACE_VERSION_MIN || version > PB_TRACE_VERSION)
    return fail(err, label,
                "trace version %u, this reader knows versions %d to %d",
                version, PB_TRACE_VERSION_MIN, PB_TRACE_VERSION);
  uint32_t header_size = get_u32(h + H_HEADER_SIZE);
  uint32_t op_size = get_u32(h + H_OP_SIZE);
  if (header_size != PB_TRACE_HEADER_SIZE || op_size != OP_SIZE)
    return fail(err, label,
                "header size %u and op size %u, version %u has %d and %u",
                header_size, op_size, version, PB_TRACE_HEADER_SIZE, OP_SIZE);
  if (check_name(h + H_NAME, label, err) != 0) return -1;
  if (version >= 3) {
    uint32_t threads = get_u32(h + H_THREADS);
    if (threads < 1 || threads > PB_TRACE_THREADS_MAX)
      return fail(err, label, "thread count %u, must be 1 to %d", threads,
                  PB_TRACE_THREADS_MAX);
  }
  for (int i = version >= 3 ? H_RESERVED : H_RESERVED_V2;
       i < PB_TRACE_HEADER_SIZE; i++)
    if (h[i] != 0)
      return fail(err, label, "nonzero reserved header byte at offset %d", i);
  uint64_t count = get_u64(h + H_COUNT);
  uint64_t body = file_bytes - PB_TRACE_HEADER_SIZE;
  if (count > body / OP_SIZE)
    return fail(err, label,
                "truncated: op count says %llu ops but the file has %llu "
                "bytes, room for %llu",
                (unsigned long long)count, (unsigned long long)file_bytes,
                (unsigned long long)(body / OP_SIZE));
  if (body != count * OP_SIZE)
    return fail(err, label, "%llu bytes of trailing garbage after %llu ops",
                (unsigned long long)(body - count * OP_SIZE),
                (unsigned long long)count);
  return 0;
}

int pb_trace_parse(pb_trace *t, const void *bytes, size_t len,
                   const char *label, char err[PB_TRACE_ERROR_MAX]) {
  memset(t, 0, sizeof *t);
  const unsigned char *h = bytes;
  if (check_header(h, len, label, err) != 0) return -1;
  uint64_t count = get_u64(h + H_COUNT);
  const pb_op *ops = count ? (const pb_op *)(h + PB_TRACE_HEADER_SIZE) : NULL;
  uint32_t version = get_u32(h + H_VERSION);
  uint64_t stored = get_u64(h + H_CHECKSUM);
  uint64_t actual = pb_trace_file_checksum(bytes, len);
  if (stored != actual)
    return fail(err, label,
                "corrupted: checksum 0x%016llx in the header, the %s hash to "
                "0x%016llx",
                (unsigned long long)stored,
                version == 1 ? "ops" : "header and ops",
                (unsigned long long)actual);

  pb_trace parsed = {
      .ops = (pb_op *)ops, /* read-only: capacity 0 marks them borrowed */
      .count = count,
      .slots = get_u32(h + H_SLOTS),
      .threads = version >= 3 ? get_u32(h + H_THREADS) : 1,
      .seed = get_u64(h + H_SEED),
      .scale = (double)get_u64(h + H_SCALE) / 1e6,
      .version = version,
      .checksum = stored,
  };
  memcpy(parsed.workload, h + H_NAME, PB_TRACE_NAME_MAX);
  char msg[PB_TRACE_ERROR_MAX];
  if (pb_trace_validate(&parsed, msg) != 0) return fail(err, label, "%s", msg);
  *t = parsed;
  return 0;
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

/* The header, read and checked against the file's size before anything is
 * mapped. A path that is not a regular file is refused: the ops are mapped
 * from the file, and a FIFO or a pipe has no size to check them against
 * (it is opened without blocking, so that a FIFO with no writer cannot hang
 * the reader). */
static int open_checked(const char *path, int *fd, uint64_t *file_bytes,
                        char err[PB_TRACE_ERROR_MAX]) {
  *fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (*fd < 0) return fail(err, path, "cannot open: %s", strerror(errno));
  struct stat st;
  unsigned char h[PB_TRACE_HEADER_SIZE];
  ssize_t got = 0;
  int rc = 0;
  if (fstat(*fd, &st) != 0) {
    rc = fail(err, path, "cannot stat: %s", strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    rc = fail(err, path,
              "not a regular file (a directory, pipe or device): a trace is "
              "read from a file");
  } else if ((got = read_all(*fd, h, sizeof h)) < 0) {
    rc = fail(err, path, "cannot read: %s", strerror(errno));
  } else {
    *file_bytes = (uint64_t)st.st_size;
    /* A file that shrank under us reads short: its size then says so. */
    rc = check_header(h, (size_t)got < sizeof h ? (uint64_t)got : *file_bytes,
                      path, err);
  }
  if (rc != 0) close(*fd);
  return rc;
}

int pb_trace_load(pb_trace *t, const char *path, char err[PB_TRACE_ERROR_MAX]) {
  memset(t, 0, sizeof *t);
  int fd;
  uint64_t file_bytes;
  if (open_checked(path, &fd, &file_bytes, err) != 0) return -1;

  /* The ops are replayed straight from the page cache: a private read-only
   * mapping of the file, populated at once, so that loading a trace costs no
   * page fault per page and no anonymous memory (on machines where faults
   * are slow, that was most of a short run's faults). The header check has
   * made the file exactly header + ops, every byte of which the checksum
   * reads and the replay uses. */
  size_t mapped = (size_t)file_bytes;
  void *file = mmap(NULL, mapped, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  int map_errno = errno;
  close(fd);
  if (file == MAP_FAILED)
    return fail(err, path, "cannot map %zu bytes: %s", mapped,
                strerror(map_errno));
  if (pb_trace_parse(t, file, mapped, path, err) != 0) {
    munmap(file, mapped);
    return -1;
  }
  t->file_mapping = file;
  t->file_mapping_bytes = mapped;
  return 0;
}
