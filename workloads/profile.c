#include "workloads/profile.h"

#include <stdlib.h>
#include <string.h>

#include "common/map.h"

const double pb_profile_quantile_percents[PB_PROFILE_QUANTILES] = {10, 25, 50,
                                                                   75, 90, 99};

/* Upper bounds of the bands above the small classes. */
static const uint64_t
    large_bounds[PB_PROFILE_BANDS - PB_PROFILE_SMALL_CLASSES] = {
        1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, UINT32_MAX};

size_t pb_profile_band(uint32_t size) {
  if (size <= 16 * PB_PROFILE_SMALL_CLASSES) return (size - 1) >> 4;
  size_t band = PB_PROFILE_SMALL_CLASSES;
  while (size > large_bounds[band - PB_PROFILE_SMALL_CLASSES]) band++;
  return band;
}

void pb_profile_band_bounds(size_t band, uint64_t *low, uint64_t *high) {
  if (band < PB_PROFILE_SMALL_CLASSES) {
    *low = 16 * band + 1;
    *high = 16 * (band + 1);
  } else {
    size_t k = band - PB_PROFILE_SMALL_CLASSES;
    *low = (k ? large_bounds[k - 1] : 16 * PB_PROFILE_SMALL_CLASSES) + 1;
    *high = large_bounds[k];
  }
}

static void count_request(pb_profile *p, uint32_t size) {
  if (size == 0) {
    p->zero_requests++;
    return;
  }
  size_t band = pb_profile_band(size);
  p->requests[band]++;
  p->request_bytes[band] += size;
}

static int by_value(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Nearest-rank quantiles of the sorted lifetimes. */
static void quantiles(pb_profile *p, uint32_t *lifetimes, uint64_t n) {
  if (n == 0) return;
  qsort(lifetimes, n, sizeof *lifetimes, by_value);
  for (size_t q = 0; q < PB_PROFILE_QUANTILES; q++) {
    uint64_t rank =
        (uint64_t)(pb_profile_quantile_percents[q] / 100 * (double)n +
                   0.999999);
    p->lifetime[q] = lifetimes[(rank ? rank : 1) - 1];
  }
}

void pb_profile_compute(const pb_trace *t, pb_profile *p) {
  memset(p, 0, sizeof *p);
  p->ops = t->count;
  /* Per slot: the live block's size and the op that allocated it. */
  size_t slots = (size_t)t->slots + 1;
  uint32_t *size = pb_map_or_fail(slots * sizeof *size, "a profile's sizes");
  uint64_t *born = pb_map_or_fail(slots * sizeof *born, "a profile's births");
  uint64_t allocations = 0;
  for (uint64_t i = 0; i < t->count; i++)
    allocations +=
        t->ops[i].kind == PB_OP_MALLOC || t->ops[i].kind == PB_OP_CALLOC;
  size_t lifetime_bytes = (size_t)(allocations + 1) * sizeof(uint32_t);
  uint32_t *lifetimes = pb_map_or_fail(lifetime_bytes, "a profile's lifetimes");
  uint64_t freed = 0, live_bytes = 0, live_blocks = 0;

  for (uint64_t i = 0; i < t->count; i++) {
    const pb_op *op = &t->ops[i];
    p->by_kind[op->kind]++;
    p->by_domain[op->domain]++;
    switch ((pb_op_kind)op->kind) {
      case PB_OP_MALLOC:
      case PB_OP_CALLOC:
        p->blocks++;
        live_blocks++;
        live_bytes += op->size;
        size[op->slot] = op->size;
        born[op->slot] = i;
        break;
      case PB_OP_REALLOC:
        if (op->size > size[op->slot])
          p->reallocs_grow++;
        else if (op->size < size[op->slot])
          p->reallocs_shrink++;
        live_bytes = live_bytes - size[op->slot] + op->size;
        size[op->slot] = op->size;
        break;
      case PB_OP_HANDOFF: /* the block lives on, on another thread */
        continue;
      default: /* PB_OP_FREE */
        live_blocks--;
        live_bytes -= size[op->slot];
        size[op->slot] = 0;
        uint64_t age = i - born[op->slot];
        lifetimes[freed++] = age > UINT32_MAX ? UINT32_MAX : (uint32_t)age;
        break;
    }
    if (op->kind != PB_OP_FREE) {
      p->by_touch[op->touch < PB_TOUCH_COUNT ? op->touch : PB_TOUCH_COUNT]++;
      count_request(p, op->size);
    }
    if (live_bytes > p->peak_live_bytes) {
      p->peak_live_bytes = live_bytes;
      p->peak_live_blocks = live_blocks;
      p->peak_op = i;
    }
  }
  p->live_at_end = live_blocks;
  quantiles(p, lifetimes, freed);
  pb_unmap(lifetimes, lifetime_bytes);
  pb_unmap(born, slots * sizeof *born);
  pb_unmap(size, slots * sizeof *size);
}
