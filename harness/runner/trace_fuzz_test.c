/* The trace reader and the replay against mutated traces: a deterministic,
 * seeded mutation loop over valid version 1, 2 and 3 files (small
 * hand-built traces, tiny generated workloads, two threaded ones), fed to the
 * reader and, when it accepts one, to the profile and the replay against the
 * glibc backend. Nothing may crash, hang or read past the file; a refusal is
 * one line naming the problem; what is accepted replays without error.
 *
 * Under --config=asan the file is a malloc'd buffer of exactly its length,
 * so that a read past its end is a heap-buffer-overflow, and every block the
 * replay touches is ASan's (glibc's malloc is ASan's there). Most mutants
 * get their op count and checksum repaired, so that they reach the slot
 * rules and the replay instead of stopping at the checksum; one in a
 * thousand goes through a real file (pb_trace_load) as well, which must say
 * the same as the reader in memory.
 *
 * CI runs DEFAULT_ITERATIONS, a few seconds. By hand, a million or more:
 *   ./bazelw run --config=asan //harness/runner:trace_fuzz_test --
 * --iterations=1000000
 *   ./bazelw test --config=asan //harness/runner:trace_fuzz_test \
 *       --test_arg=--iterations=1000000 --test_timeout=3600
 * and --seed=N for another sequence of mutants. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocator/allocator.h"
#include "common/clock.h"
#include "common/number.h"
#include "harness/runner/replay.h"
#include "testing/check.h"
#include "testing/trace_v1.h"
#include "workloads/trace.h"
#include "workloads/workloads.h"

#define DEFAULT_ITERATIONS 200000
#define FILE_EVERY 1000 /* one mutant in FILE_EVERY also through a file */
/* Accepted traces that ask for more bytes than this in all are not
 * replayed: a valid trace may ask for 4 GiB blocks, which is no bug and
 * would only make the loop slow. */
#define REPLAY_MAX_REQUESTED ((uint64_t)8 << 20)

typedef struct seed_file {
  unsigned char *bytes;
  size_t len;
} seed_file;

typedef struct fuzz_counts {
  uint64_t iterations, accepted, replayed, through_files,
      by_version[PB_TRACE_VERSION + 1];
} fuzz_counts;

static seed_file seeds[16];
static size_t nseeds;
static char file_path[4096];

static void add_seed(unsigned char *bytes, size_t len) {
  PB_CHECK(nseeds < sizeof seeds / sizeof seeds[0]);
  seeds[nseeds++] = (seed_file){bytes, len};
}

/* t as pb_trace_save writes it: version 2, or 3 for a threaded trace. */
static void add_saved(const pb_trace *t) {
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_save(t, file_path, err) == 0, "%s", err);
  FILE *f = fopen(file_path, "rb");
  PB_CHECK(f != NULL);
  size_t len = PB_TRACE_HEADER_SIZE + (size_t)t->count * sizeof(pb_op);
  unsigned char *bytes = malloc(len);
  PB_CHECK(bytes && fread(bytes, 1, len, f) == len);
  fclose(f);
  add_seed(bytes, len);
}

/* t as a version 2 file (pb_trace_save) and as a version 1 file. */
static void add_both_versions(const pb_trace *t) {
  char err[PB_TRACE_ERROR_MAX];
  PB_CHECKF(pb_trace_save(t, file_path, err) == 0, "%s", err);
  FILE *f = fopen(file_path, "rb");
  PB_CHECK(f != NULL);
  size_t len = PB_TRACE_HEADER_SIZE + (size_t)t->count * sizeof(pb_op);
  unsigned char *v2 = malloc(len);
  PB_CHECK(v2 && fread(v2, 1, len, f) == len);
  fclose(f);
  add_seed(v2, len);
  size_t v1_len;
  unsigned char *v1 = pb_trace_encode_v1(t, &v1_len);
  add_seed(v1, v1_len);
}

/* Every kind, touch and domain, reallocs to 0 and back, a block left live. */
static void build_hand_made(pb_trace *t) {
  pb_trace_init(t, "fuzz", 3, 0.5);
  uint32_t raw = pb_trace_malloc(t, 0, PB_TOUCH_NONE);
  pb_trace_set_domain(t, PB_DOMAIN_OBJ);
  uint32_t obj = pb_trace_malloc(t, 56, PB_TOUCH_OBJECT);
  uint32_t big = pb_trace_calloc(t, 5000, PB_TOUCH_NONE);
  pb_trace_set_domain(t, PB_DOMAIN_MEM);
  uint32_t items = pb_trace_malloc(t, 32, PB_TOUCH_ARRAY);
  pb_trace_realloc(t, items, 600, PB_TOUCH_ARRAY);
  pb_trace_realloc(t, items, 0, PB_TOUCH_ARRAY);
  pb_trace_realloc(t, items, 72, PB_TOUCH_ARRAY);
  pb_trace_free(t, obj);
  pb_trace_set_domain(t, PB_DOMAIN_RAW);
  uint32_t again = pb_trace_malloc(t, 16, PB_TOUCH_OBJECT);
  pb_trace_free(t, big);
  pb_trace_free(t, raw);
  pb_trace_free(t, again);
  (void)items; /* live at the end */
}

static void make_seeds(void) {
  pb_trace t;
  build_hand_made(&t);
  add_both_versions(&t);
  pb_trace_destroy(&t);
  pb_trace_init(&t, "", 0, 0); /* empty: no ops, no slots, no name */
  add_both_versions(&t);
  pb_trace_destroy(&t);
  /* Two workloads at a few hundred ops: real slot reuse and list growth. */
  static const char *const names[] = {"ints", "lists"};
  for (size_t i = 0; i < 2; i++) {
    const pb_workload *w = pb_workload_find(names[i]);
    PB_CHECK(w != NULL);
    w->generate(&t, 7, i == 0 ? 0.00005 : 0.00002);
    add_both_versions(&t);
    pb_trace_destroy(&t);
  }
  /* Version 3: two threaded workloads, with hand-offs and threads. */
  static const char *const threaded[] = {"producer-consumer", "shared-cache"};
  for (size_t i = 0; i < 2; i++) {
    const pb_workload *w = pb_workload_find(threaded[i]);
    PB_CHECK(w != NULL && w->generate_threads != NULL);
    w->generate_threads(&t, 7, 0.0002, 3);
    PB_CHECK_EQ(t.threads, 3);
    add_saved(&t);
    pb_trace_destroy(&t);
  }
}

static void put_le(unsigned char *p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* Values that sit on the edges the reader checks. */
static uint64_t interesting(pb_rng *rng, size_t len) {
  uint64_t ops = len > PB_TRACE_HEADER_SIZE
                     ? (len - PB_TRACE_HEADER_SIZE) / sizeof(pb_op)
                     : 0;
  const uint64_t values[] = {
      0,          1,   2,       3,       4,          7,          8,
      12,         128, 255,     256,     0x7fffffff, 0x80000000, 0xffffffff,
      UINT64_MAX, ops, ops + 1, ops - 1, ops * 2,    4000000000u};
  return values[pb_rng_below(rng, sizeof values / sizeof values[0])];
}

/* One random change; returns the new length (the buffer has room). */
static size_t mutate(pb_rng *rng, unsigned char *b, size_t len, size_t room) {
  size_t op_bytes = len > PB_TRACE_HEADER_SIZE ? len - PB_TRACE_HEADER_SIZE : 0;
  size_t nops = op_bytes / sizeof(pb_op);
  switch (pb_rng_below(rng, 8)) {
    case 0: /* flip a bit anywhere */
      if (len)
        b[pb_rng_below(rng, len)] ^=
            (unsigned char)(1u << pb_rng_below(rng, 8));
      return len;
    case 1: /* a random byte anywhere */
      if (len) b[pb_rng_below(rng, len)] = (unsigned char)pb_rng_next(rng);
      return len;
    case 2: { /* an edge value into a header field */
      static const struct {
        int offset, bytes;
      } fields[] = {{8, 4},  {12, 4}, {16, 8}, {24, 4}, {28, 4},
                    {32, 8}, {40, 8}, {56, 1}, {88, 1}};
      size_t f = pb_rng_below(rng, sizeof fields / sizeof fields[0]);
      if ((size_t)(fields[f].offset + fields[f].bytes) <= len)
        put_le(b + fields[f].offset, interesting(rng, len), fields[f].bytes);
      return len;
    }
    case 3: { /* an edge value into one field of one op */
      if (!nops) return len;
      unsigned char *op =
          b + PB_TRACE_HEADER_SIZE + pb_rng_below(rng, nops) * sizeof(pb_op);
      static const int offsets[] = {0, 4, 8, 9, 10, 11};
      int at = offsets[pb_rng_below(rng, 6)];
      put_le(op + at, interesting(rng, len), at < 8 ? 4 : 1);
      return len;
    }
    case 4: /* cut the file anywhere */
      return len ? (size_t)pb_rng_below(rng, len + 1) : 0;
    case 5: { /* random bytes appended */
      size_t extra = (size_t)pb_rng_range(rng, 1, 40);
      if (len + extra > room) return len;
      for (size_t i = 0; i < extra; i++)
        b[len + i] = (unsigned char)pb_rng_next(rng);
      return len + extra;
    }
    case 6: { /* one op record copied over another (double frees, reuse) */
      if (nops < 2) return len;
      unsigned char *ops = b + PB_TRACE_HEADER_SIZE;
      memcpy(ops + pb_rng_below(rng, nops) * sizeof(pb_op),
             ops + pb_rng_below(rng, nops) * sizeof(pb_op), sizeof(pb_op));
      return len;
    }
    default: { /* one op record removed */
      if (!nops) return len;
      size_t at =
          PB_TRACE_HEADER_SIZE + pb_rng_below(rng, nops) * sizeof(pb_op);
      memmove(b + at, b + at + sizeof(pb_op), len - at - sizeof(pb_op));
      return len - sizeof(pb_op);
    }
  }
}

/* Makes the op count and the checksum agree with the bytes again, so that
 * the mutant gets past those checks to the slot rules and the replay. */
static void repair(unsigned char *b, size_t len) {
  if (len < PB_TRACE_HEADER_SIZE) return;
  size_t op_bytes = len - PB_TRACE_HEADER_SIZE;
  if (op_bytes % sizeof(pb_op) != 0) return;
  put_le(b + 16, op_bytes / sizeof(pb_op), 8);
  put_le(b + 48, pb_trace_file_checksum(b, len), 8);
}

static void check_refusal(const pb_trace *t, const char *err) {
  PB_CHECK(t->ops == NULL && t->count == 0);
  PB_CHECKF(strncmp(err, "fuzz: ", 6) == 0 && err[6] != '\0', "%s", err);
  PB_CHECKF(strchr(err, '\n') == NULL, "not one line: %s", err);
}

/* What the runner does with an accepted trace: profile it, replay it, free
 * what is left. */
static int replay(const pb_trace *t) {
  pb_trace_profile profile;
  pb_trace_profile_compute(t, &profile);
  PB_CHECK_EQ(profile.mallocs + profile.callocs + profile.reallocs +
                  profile.frees + profile.handoffs,
              t->count);
  if (profile.total_requested_bytes > REPLAY_MAX_REQUESTED) return 0;
  char err[PB_TRACE_ERROR_MAX];
  pb_replay r;
  PB_CHECKF(pb_replay_init(&r, t, err) == 0, "%s", err);
  PB_CHECKF(pb_replay_run(&r, t->count) == 0, "NULL at op %llu",
            (unsigned long long)r.next_op);
  pb_replay_internal_fragmentation(&r);
  pb_replay_free_all(&r);
  pb_replay_destroy(&r);
  return 1;
}

/* The same bytes through a real file: the same answer. */
static void through_a_file(const unsigned char *b, size_t len, int accepted,
                           const char *err) {
  FILE *f = fopen(file_path, "wb");
  PB_CHECK(f && fwrite(b, 1, len, f) == len && fclose(f) == 0);
  pb_trace t;
  char file_err[PB_TRACE_ERROR_MAX];
  int loaded = pb_trace_load(&t, file_path, file_err) == 0;
  PB_CHECKF(loaded == accepted, "memory: %s; file: %s", accepted ? "ok" : err,
            loaded ? "ok" : file_err);
  if (loaded) {
    pb_trace_destroy(&t);
  } else {
    /* "PATH: message" from the file, "fuzz: message" from memory. */
    const char *message = file_err + strlen(file_path);
    PB_CHECKF(strcmp(message, err + 4) == 0, "file: %s; memory: %s", file_err,
              err);
  }
}

static fuzz_counts fuzz(uint64_t iterations, uint64_t seed) {
  fuzz_counts counts = {0};
  pb_rng rng = pb_rng_seeded(seed, 0xf022);
  size_t room = 0;
  for (size_t s = 0; s < nseeds; s++)
    if (seeds[s].len > room) room = seeds[s].len;
  room += 64 * 40; /* what appending can add */
  unsigned char *work = malloc(room);
  PB_CHECK(work != NULL);
  for (uint64_t i = 0; i < iterations; i++) {
    const seed_file *from = &seeds[pb_rng_below(&rng, nseeds)];
    memcpy(work, from->bytes, from->len);
    size_t len = from->len;
    unsigned changes = (unsigned)pb_rng_range(&rng, 1, 4);
    for (unsigned c = 0; c < changes; c++) len = mutate(&rng, work, len, room);
    if (pb_rng_percent(&rng, 80)) repair(work, len);

    /* Exactly len bytes, so that a read past the end is ASan's to see. */
    unsigned char *file = malloc(len ? len : 1);
    PB_CHECK(file != NULL);
    memcpy(file, work, len);
    pb_trace t;
    char err[PB_TRACE_ERROR_MAX] = "";
    int accepted = pb_trace_parse(&t, file, len, "fuzz", err) == 0;
    if (accepted) {
      counts.accepted++;
      counts.by_version[t.version]++;
      char again[PB_TRACE_ERROR_MAX];
      PB_CHECKF(pb_trace_validate(&t, again) == 0, "%s", again);
      counts.replayed += (uint64_t)replay(&t);
      pb_trace_destroy(&t);
    } else {
      check_refusal(&t, err);
    }
    if (i % FILE_EVERY == 0) {
      through_a_file(file, len, accepted, err);
      counts.through_files++;
    }
    free(file);
    counts.iterations++;
  }
  free(work);
  return counts;
}

static uint64_t option_value(int argc, char **argv, const char *name,
                             const char *env, uint64_t fallback) {
  size_t n = strlen(name);
  const char *text = getenv(env);
  for (int i = 1; i < argc; i++)
    if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
      text = argv[i] + n + 1;
  if (!text) return fallback;
  uint64_t value;
  if (pb_parse_u64(text, &value) != 0) {
    fprintf(stderr, "%s: '%s' is not a whole number\n", name, text);
    exit(2);
  }
  return value;
}

int main(int argc, char **argv) {
  uint64_t iterations = option_value(argc, argv, "--iterations",
                                     "PB_FUZZ_ITERATIONS", DEFAULT_ITERATIONS);
  uint64_t seed = option_value(argc, argv, "--seed", "PB_FUZZ_SEED", 1);
  char err[PB_ERROR_MAX];
  PB_CHECKF(pb_init(NULL, 0, err) == 0, "%s", err);
  const char *tmp = getenv("TEST_TMPDIR");
  snprintf(file_path, sizeof file_path, "%s/fuzz.%ld.trace", tmp ? tmp : "/tmp",
           (long)getpid());
  make_seeds();

  double start = pb_now();
  fuzz_counts c = fuzz(iterations, seed);
  double seconds = pb_now() - start;
  unlink(file_path);
  printf(
      "%llu mutated traces (seed %llu) in %.1f s: %llu accepted (%llu "
      "version 1, %llu version 2, %llu version 3), %llu replayed, %llu also "
      "through a file\n",
      (unsigned long long)c.iterations, (unsigned long long)seed, seconds,
      (unsigned long long)c.accepted, (unsigned long long)c.by_version[1],
      (unsigned long long)c.by_version[2], (unsigned long long)c.by_version[3],
      (unsigned long long)c.replayed, (unsigned long long)c.through_files);
  /* A loop whose mutants never got through would test only the front door. */
  if (iterations >= 1000) {
    PB_CHECKF(c.by_version[1] > 0 && c.by_version[2] > 0 && c.by_version[3] > 0,
              "no mutant of some version was accepted");
    PB_CHECKF(c.replayed > 0, "no mutant was replayed");
    PB_CHECKF(c.accepted < c.iterations, "every mutant was accepted");
  }
  for (size_t s = 0; s < nseeds; s++) free(seeds[s].bytes);
  return 0;
}
