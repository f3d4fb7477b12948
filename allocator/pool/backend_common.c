/* What the pool and pool-debug backends share: the layout parameters, the
 * threads parameter, the configuration text, release and statistics. Each
 * backend's own file adds the allocation calls and its name. */
#include <stdio.h>
#include <string.h>

#include "allocator/allocator.h"
#include "allocator/pool/layout.h"
#include "allocator/pool/per_thread.h"
#include "allocator/pool/pool.h"
#include "allocator/pool/stats.h"

static char config[96] = "3.11"; /* POOL_DEFAULT_LAYOUT */

/* threads=: how the pool runs when the caller calls it from several
 * threads (allocator.h, pb_threads). Without it the pool refuses threads:
 * it is single-threaded by design, like pymalloc under the GIL. */
typedef enum threads_mode {
  THREADS_NONE,
  THREADS_GIL,        /* one lock around every call (the caller's) */
  THREADS_PER_THREAD, /* each thread its own state (per_thread.h) */
} threads_mode;

static threads_mode mode = THREADS_NONE;
static pool_layout layout_in_use;
static int per_thread_started; /* pb_threads set the states up */

int pb_init(const pb_param *params, size_t nparams, char err[PB_ERROR_MAX]) {
  /* threads= is read here; the rest is the layout's. */
  pb_param layout_params[PB_PARAMS_MAX];
  size_t n = 0;
  threads_mode new_mode = THREADS_NONE;
  for (size_t i = 0; i < nparams && i < PB_PARAMS_MAX; i++) {
    if (strcmp(params[i].name, "threads") != 0) {
      layout_params[n++] = params[i];
    } else if (params[i].value && strcmp(params[i].value, "gil") == 0) {
      new_mode = THREADS_GIL;
    } else if (params[i].value && strcmp(params[i].value, "per-thread") == 0) {
      new_mode = THREADS_PER_THREAD;
    } else {
      snprintf(err, PB_ERROR_MAX,
               "threads=%s: the pool runs under threads as threads=gil or "
               "threads=per-thread",
               params[i].value ? params[i].value : "");
      return -1;
    }
  }
  pool_layout layout;
  if (pool_layout_parse(layout_params, n, &layout, err) != 0) return -1;
  if (pool_init(&layout, err) != 0) return -1;
  pool_layout_describe(&layout, config, sizeof config);
  mode = new_mode; /* a failed init changes nothing */
  layout_in_use = layout;
  if (mode != THREADS_NONE)
    strncat(config,
            mode == THREADS_GIL ? " threads=gil" : " threads=per-thread",
            sizeof config - strlen(config) - 1);
  return 0;
}

int pb_threads(unsigned threads, pb_calls *calls, char err[PB_ERROR_MAX]) {
  switch (mode) {
    case THREADS_GIL:
      return PB_THREADS_SERIALIZE;
    case THREADS_PER_THREAD:
      if (pt_start(&layout_in_use, threads, err) != 0) return -1;
      per_thread_started = 1;
      *calls =
          (pb_calls){pt_malloc, pt_calloc, pt_realloc, pt_free, pt_usable_size};
      return PB_THREADS_AS_IS;
    default:
      snprintf(err, PB_ERROR_MAX,
               "the pool is single-threaded, as pymalloc is under the GIL: "
               "for %u threads give threads=gil or threads=per-thread",
               threads);
      return -1;
  }
}

void pb_thread_enter(unsigned index) {
  if (per_thread_started) pt_enter(index);
}

/* Under threads=per-thread, the states' figures, summed and per thread. */
void pb_release(void) {
  if (per_thread_started) pt_release();
  pool_release();
}
const char *pb_config(void) { return config; }
const char *pb_parameters(void) { return POOL_PARAMETER_NAMES ",threads"; }
void pb_stats_get(pb_stats *stats) {
  if (per_thread_started)
    pt_stats(stats);
  else
    pool_stats_fill(stats);
}
void pb_stats_print(FILE *out) {
  if (per_thread_started)
    pt_stats_print(out);
  else
    pool_stats_print(out);
}
