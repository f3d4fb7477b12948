/* libarena_placement.so: chooses where mmap places an arena, for the
 * fidelity test (fidelity_test.c), which preloads it into both runners.
 *
 * Why: pymalloc maps each arena with mmap, which aligns it to a page only.
 * An arena that happens to start on a pool boundary has 64 usable pools,
 * any other 63 (one pool is lost to alignment). That changes the report's
 * unused pools and alignment lines, and through the sorted usable_arenas
 * list it can change which pools are reused and how many arenas a trace
 * needs. Where mmap puts an arena depends on everything else in the
 * process (libpython alone moves the other mappings), so two processes
 * running the same trace get different placements. This library makes the
 * placement a choice of the test, the same in both processes, so that their
 * reports can be compared byte for byte. It changes nothing but where the
 * mapping lands, which mmap was free to choose anyway.
 *
 * What it interposes: mmap(NULL, LENGTH, PROT_READ | PROT_WRITE,
 * MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) with LENGTH the arena size, exactly
 * the call pymalloc's arenas come from (obmalloc.c's _PyObject_ArenaMmap,
 * pool/os.c), under both of its names: mmap, and mmap64, which is what
 * libpython (built with 64-bit file offsets) calls. Such a call maps LENGTH +
 * ALIGN bytes and unmaps the excess around a start at the chosen offset past an
 * ALIGN boundary. Every other call goes straight to the next mmap (the C
 * library's, or AddressSanitizer's interceptor). Calls inside the C library
 * (malloc's own mmaps) never reach here.
 *
 * Where in the address space. The radix tree that tells pymalloc's blocks
 * from others (3.11: bottom nodes of 16 GiB of address space each) needs a
 * node for every such range an arena touches, and the report counts them.
 * Left to mmap, the arenas of two processes lie at different addresses
 * (ASLR), and now and then one process's arenas straddle a 16 GiB boundary
 * and the other's do not. With POOLBENCH_ARENA_BASE, arenas are instead
 * placed in fixed slots from that address up, LENGTH + ALIGN bytes apart:
 * each arena goes to the lowest slot that is free (MAP_FIXED_NOREPLACE
 * says which are not), so an unmapped arena's slot is reused, as mmap
 * would reuse the hole. Both processes then have their arenas at the same
 * addresses, and the same radix-tree nodes.
 *
 * Environment (the first three, or the library does nothing):
 *   POOLBENCH_ARENA_LENGTH   the arena size in bytes (1048576)
 *   POOLBENCH_ARENA_ALIGN    the pool size in bytes (16384)
 *   POOLBENCH_ARENA_OFFSETS  the offset past an ALIGN boundary of each
 *                            arena, as a sequence of "a" (0: aligned) and
 *                            "u" (one page past: unaligned) used in turn
 *                            and repeated, e.g. "a", "u", "uuau"
 *   POOLBENCH_ARENA_BASE     optional: the address of the first slot, in
 *                            decimal, a multiple of ALIGN; unset, mmap
 *                            chooses where */
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef void *mmap_fn(void *, size_t, int, int, int, off_t);

static struct {
  int ready; /* configured; until then, every call looks again */
  size_t length;
  size_t align;
  const char *offsets;
  uintptr_t base;     /* the first slot; 0: where mmap puts it */
  size_t next;        /* index into offsets of the next arena */
  mmap_fn *next_mmap; /* what mmap and mmap64 call when not placing */
  mmap_fn *next_mmap64;
} placement;

static size_t env_size(const char *name) {
  const char *text = getenv(name);
  if (text == NULL || *text == '\0') return 0;
  char *end;
  unsigned long long v = strtoull(text, &end, 10);
  return *end == '\0' ? (size_t)v : 0;
}

/* The environment can be read only once the process is far enough along:
 * under AddressSanitizer the first mmap comes while its runtime starts, when
 * getenv finds nothing yet. So a call that finds no configuration does not
 * conclude there is none. */
static void configure(void) {
  if (placement.next_mmap == NULL) {
    placement.next_mmap = (mmap_fn *)dlsym(RTLD_NEXT, "mmap");
    placement.next_mmap64 = (mmap_fn *)dlsym(RTLD_NEXT, "mmap64");
  }
  placement.length = env_size("POOLBENCH_ARENA_LENGTH");
  placement.align = env_size("POOLBENCH_ARENA_ALIGN");
  placement.offsets = getenv("POOLBENCH_ARENA_OFFSETS");
  placement.base = env_size("POOLBENCH_ARENA_BASE");
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  int valid = placement.next_mmap != NULL && placement.next_mmap64 != NULL &&
              placement.length != 0 && placement.align > page &&
              placement.align % page == 0 && placement.offsets != NULL &&
              placement.offsets[0] != '\0' &&
              strspn(placement.offsets, "au") == strlen(placement.offsets) &&
              placement.base % placement.align == 0;
  placement.ready = valid;
}

/* The mapping of LENGTH + ALIGN bytes in the lowest free slot from
 * placement.base, or MAP_FAILED. */
enum { MAX_SLOTS = 1 << 16 };

static unsigned char *map_in_a_slot(mmap_fn *next_mmap, size_t size) {
  for (uintptr_t k = 0; k < MAX_SLOTS; k++) {
    void *want = (void *)(placement.base + k * size);
    void *got =
        next_mmap(want, size, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (got == want) return got;
    /* Taken (EEXIST); a kernel that ignores the flag may put it
     * elsewhere: give that back and look further. */
    if (got != MAP_FAILED) munmap(got, size);
  }
  return MAP_FAILED;
}

/* An arena's mapping at the next offset of the sequence. */
static void *place_arena(mmap_fn *next_mmap, size_t length) {
  size_t align = placement.align;
  char kind = placement.offsets[placement.next];
  placement.next =
      placement.offsets[placement.next + 1] != '\0' ? placement.next + 1 : 0;
  uintptr_t want = kind == 'a' ? 0 : (uintptr_t)sysconf(_SC_PAGESIZE);
  unsigned char *base =
      placement.base != 0
          ? map_in_a_slot(next_mmap, length + align)
          : next_mmap(NULL, length + align, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return MAP_FAILED;
  /* The first address at or after base that is want past a boundary. */
  size_t head = (size_t)((want - (uintptr_t)base) & (align - 1));
  unsigned char *start = base + head;
  if (head != 0) munmap(base, head);
  munmap(start + length, align - head);
  return start;
}

static int is_arena_call(void *addr, size_t length, int prot, int flags, int fd,
                         off_t offset) {
  if (!placement.ready) configure();
  return placement.ready && addr == NULL && length == placement.length &&
         prot == (PROT_READ | PROT_WRITE) &&
         flags == (MAP_PRIVATE | MAP_ANONYMOUS) && fd == -1 && offset == 0;
}

void *mmap(void *addr, size_t length, int prot, int flags, int fd,
           off_t offset) {
  if (is_arena_call(addr, length, prot, flags, fd, offset))
    return place_arena(placement.next_mmap, length);
  return placement.next_mmap(addr, length, prot, flags, fd, offset);
}

void *mmap64(void *addr, size_t length, int prot, int flags, int fd,
             off_t offset) {
  if (is_arena_call(addr, length, prot, flags, fd, offset))
    return place_arena(placement.next_mmap64, length);
  return placement.next_mmap64(addr, length, prot, flags, fd, offset);
}
