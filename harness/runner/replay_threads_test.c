/* The threaded replay (replay_threads.h) against the linked backend (glibc
 * here; the pool's per-thread mode has its own stress test): the split into
 * streams, a replay of each threaded workload at 2 and 4 threads that ends
 * with exactly the trace's live blocks, and a stress of many hand-offs back
 * and forth. Under --config=tsan a missing acquire/release on a hand-off is
 * a reported race: the block's header is written by its maker and read and
 * written by the thread that frees it. */
#include "harness/runner/replay_threads.h"

#include <string.h>

#include "allocator/allocator.h"
#include "testing/check.h"
#include "workloads/trace.h"
#include "workloads/workloads.h"

/* Replays t at one segment end per quarter; checks the streams and the live
 * blocks at the end against the trace. */
static void replay_and_check(const pb_trace *t) {
  char err[PB_TRACE_ERROR_MAX];
  uint64_t ends[4];
  for (unsigned k = 0; k < 4; k++) ends[k] = t->count * (k + 1) / 4;
  pb_replay_threads rt;
  PB_CHECKF(pb_replay_threads_init(&rt, t, ends, 4, err) == 0, "%s", err);
  PB_CHECK_EQ(rt.threads, t->threads);

  /* Every op in its thread's stream; one TAKE per hand-off whose receiver
   * touches the slot again (all of them, in these traces). */
  uint64_t on[PB_TRACE_THREADS_MAX] = {0}, handoffs = 0, takes = 0;
  for (uint64_t i = 0; i < t->count; i++) {
    on[t->ops[i].thread]++;
    handoffs += t->ops[i].kind == PB_OP_HANDOFF;
  }
  for (unsigned k = 0; k < rt.threads; k++) {
    uint64_t mine = 0;
    for (uint64_t j = 0; j < rt.streams[k].count; j++) {
      const pb_op *op = &rt.streams[k].ops[j];
      if (op->kind == PB_STREAM_TAKE)
        takes++;
      else
        mine++;
      PB_CHECK_EQ(op->thread, k);
    }
    PB_CHECK_EQ(mine, on[k]);
    PB_CHECK_EQ(rt.streams[k].cut[3], rt.streams[k].count);
  }
  PB_CHECK_EQ(takes, handoffs);

  uint32_t failed = 0;
  for (unsigned k = 0; k < 4; k++)
    PB_CHECKF(pb_replay_threads_segment(&rt, &failed) == 0,
              "segment %u: NULL for %u bytes", k, failed);
  pb_replay_threads_destroy(&rt);

  /* The live blocks at the end are the trace's. */
  uint8_t *live = calloc(t->slots + 1, 1);
  PB_CHECK(live != NULL);
  for (uint64_t i = 0; i < t->count; i++) {
    const pb_op *op = &t->ops[i];
    if (op->kind == PB_OP_MALLOC || op->kind == PB_OP_CALLOC)
      live[op->slot] = 1;
    else if (op->kind == PB_OP_FREE)
      live[op->slot] = 0;
  }
  for (uint32_t s = 0; s < t->slots; s++)
    PB_CHECKF((rt.base.slots[s].block != NULL) == live[s], "slot %u", s);
  free(live);
  pb_replay_threads_free_all(&rt);
  pb_replay_destroy(&rt.base);
}

static void test_workloads(void) {
  static const unsigned counts[] = {2, 4};
  for (const pb_workload *w = pb_threaded_workloads; w->name; w++)
    for (size_t k = 0; k < 2; k++) {
      pb_trace t;
      w->generate_threads(&t, 5, 0.02, counts[k]);
      replay_and_check(&t);
      pb_trace_destroy(&t);
    }
}

/* A block passed around a ring of threads, many times: every hand-off a
 * wait, every free a cross-thread free. */
static void test_hand_off_stress(void) {
  pb_trace t;
  pb_trace_init(&t, "ring", 0, 0);
  const unsigned threads = 3;
  const unsigned rounds = 100000;
  for (unsigned r = 0; r < rounds; r++) {
    unsigned from = r % threads, to = (r + 1) % threads;
    pb_trace_set_thread(&t, from);
    uint32_t a = pb_trace_malloc(&t, 16 + 16 * (r % 8), PB_TOUCH_OBJECT);
    pb_trace_handoff(&t, a, to);
    pb_trace_set_thread(&t, to);
    pb_trace_realloc(&t, a, 600, PB_TOUCH_ARRAY);
    pb_trace_free(&t, a);
  }
  PB_CHECK_EQ(t.threads, threads);
  replay_and_check(&t);
  pb_trace_destroy(&t);
}

int main(int argc, char **argv) {
  char err[PB_ERROR_MAX];
  PB_CHECKF(pb_init(NULL, 0, err) == 0, "%s", err);
  static const pb_test tests[] = {
      PB_TEST(test_workloads),
      PB_TEST(test_hand_off_stress),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
