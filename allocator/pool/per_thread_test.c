/* threads=per-thread under stress: THREADS threads in a ring, each
 * allocating blocks of every small class (and some large ones), writing a
 * pattern into them and handing them to the next thread through a
 * single-producer single-consumer ring; the receiver checks the pattern and
 * frees the block (a cross-thread free: it goes back to its owner's delayed
 * list), or first reallocs it (a foreign realloc). Millions of hand-offs,
 * bounded by a time budget (TSan runs it several times slower). Then, with
 * every thread joined: every delayed list drained and every state checked
 * (pt_check: each thread's pymalloc invariants, the owner map), nothing
 * left in use, and the delayed frees counted as many as were sent. */
#include "allocator/pool/per_thread.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "allocator/pool/layout.h"
#include "testing/check.h"

#define THREADS 4
#define RING 1024
#define TARGET 2000000 /* hand-offs in all, if the time budget allows */
#define BUDGET_SECONDS 3.0
#define MINIMUM 200000 /* hand-offs the test insists on */

typedef struct ring {
  void *slots[RING];
  _Atomic uint64_t head, tail; /* head: next to read; tail: next to write */
} ring;

static ring rings[THREADS]; /* rings[k]: from thread k to thread k + 1 */
static _Atomic uint64_t handed, received, foreign_frees;
static _Atomic int stop;
/* Threads that have seen stop and will send no more: once all have, handed
 * is final, and a thread may leave when everything sent was received (a
 * thread that left earlier could strand a block sent to it late). */
static _Atomic unsigned done_sending;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The block's pattern: its size and a tag, then the tag's low byte. */
static void fill(unsigned char *b, size_t n, uint32_t tag) {
  memcpy(b, &n, sizeof n);
  memcpy(b + 8, &tag, sizeof tag);
  memset(b + 12, (int)(tag & 0xff), n - 12);
}

static int intact(const unsigned char *b) {
  size_t n;
  uint32_t tag;
  memcpy(&n, b, sizeof n);
  memcpy(&tag, b + 8, sizeof tag);
  for (size_t i = 12; i < n; i++)
    if (b[i] != (unsigned char)(tag & 0xff)) return 0;
  return 1;
}

static int bad; /* written by one failing thread, read after the joins */

static void *worker(void *arg) {
  unsigned k = (unsigned)(uintptr_t)arg;
  pt_enter(k);
  ring *out = &rings[k], *in = &rings[(k + THREADS - 1) % THREADS];
  uint32_t tag = k << 24;
  int sending = 1;
  for (;;) {
    int busy = 0;
    if (sending && atomic_load(&stop)) {
      sending = 0;
      atomic_fetch_add(&done_sending, 1);
    }
    /* Send one, if there is room. */
    uint64_t t = atomic_load_explicit(&out->tail, memory_order_relaxed);
    if (sending &&
        t - atomic_load_explicit(&out->head, memory_order_acquire) < RING) {
      size_t n = 16 + (size_t)(tag * 2654435761u % 520); /* 16..535 */
      unsigned char *b = pt_malloc(n);
      if (!b) {
        bad = 1;
        break;
      }
      fill(b, n, tag++);
      out->slots[t % RING] = b;
      atomic_store_explicit(&out->tail, t + 1, memory_order_release);
      atomic_fetch_add_explicit(&handed, 1, memory_order_relaxed);
      busy = 1;
    }
    /* Receive one, if any. */
    uint64_t h = atomic_load_explicit(&in->head, memory_order_relaxed);
    if (h != atomic_load_explicit(&in->tail, memory_order_acquire)) {
      unsigned char *b = in->slots[h % RING];
      atomic_store_explicit(&in->head, h + 1, memory_order_release);
      if (!intact(b)) bad = 1;
      size_t n;
      memcpy(&n, b, sizeof n);
      if (n % 7 == 0) { /* a foreign realloc first: moves or stays */
        b = pt_realloc(b, n / 2 + 16);
        if (!b || pt_usable_size(b) < n / 2 + 16) bad = 1;
      } else if (n <= 512) {
        atomic_fetch_add_explicit(&foreign_frees, 1, memory_order_relaxed);
      }
      pt_free(b);
      atomic_fetch_add_explicit(&received, 1, memory_order_relaxed);
      busy = 1;
    }
    if (!busy && atomic_load(&done_sending) == THREADS &&
        atomic_load(&received) == atomic_load(&handed))
      break;
  }
  return NULL;
}

static void test_ring_of_threads(void) {
  char err[PB_ERROR_MAX];
  PB_CHECKF(pt_start(&pool_layout_3_11, THREADS, err) == 0, "%s", err);
  pthread_t threads[THREADS];
  double start = now();
  for (unsigned k = 0; k < THREADS; k++)
    PB_CHECK(pthread_create(&threads[k], NULL, worker, (void *)(uintptr_t)k) ==
             0);
  while (atomic_load(&handed) < TARGET && now() - start < BUDGET_SECONDS) {
    struct timespec pause = {0, 10 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  atomic_store(&stop, 1);
  for (unsigned k = 0; k < THREADS; k++) pthread_join(threads[k], NULL);
  PB_CHECK(!bad);
  PB_CHECKF(atomic_load(&handed) >= MINIMUM, "only %llu hand-offs",
            (unsigned long long)atomic_load(&handed));
  PB_CHECK_EQ(atomic_load(&received), atomic_load(&handed));

  pt_enter(0);
  PB_CHECKF(pt_check(err, sizeof err) == 0, "%s", err);
  pb_stats stats;
  pt_stats(&stats);
  uint64_t in_use = 1, delayed = 0;
  PB_CHECK(pb_stats_find(&stats, "blocks_in_use", &in_use));
  PB_CHECK_EQ(in_use, 0);
  PB_CHECK(pb_stats_find(&stats, "delayed_frees", &delayed));
  /* Every small block freed by its receiver went back through a delayed
   * list (plus the reallocs' old blocks that moved). */
  PB_CHECKF(delayed >= atomic_load(&foreign_frees), "%llu delayed, %llu sent",
            (unsigned long long)delayed,
            (unsigned long long)atomic_load(&foreign_frees));
  PB_CHECK(pb_stats_find(&stats, "thread3_delayed_frees", &delayed));
  PB_CHECK(delayed > 0);
  pt_release();
  PB_CHECKF(pt_check(err, sizeof err) == 0, "%s", err);
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(test_ring_of_threads),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
