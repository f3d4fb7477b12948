#include "workloads/profile_rows.h"

#include <stdio.h>
#include <string.h>

#include "common/grouped.h"

typedef struct rows {
  size_t n;
  pb_profile_row_fn row;
  void *ctx;
  char cells[PB_PROFILE_COLUMNS_MAX][PB_PROFILE_CELL_MAX];
} rows;

/* One row: each column's count, with its share of whole[k] when that is
 * not 0. */
static void emit(rows *r, const char *label, const uint64_t *value,
                 const uint64_t *whole) {
  for (size_t k = 0; k < r->n; k++) {
    char grouped[PB_GROUPED_MAX];
    pb_grouped(value[k], grouped);
    if (whole[k])
      snprintf(r->cells[k], PB_PROFILE_CELL_MAX, "%s (%.1f%%)", grouped,
               100.0 * (double)value[k] / (double)whole[k]);
    else
      snprintf(r->cells[k], PB_PROFILE_CELL_MAX, "%s", grouped);
  }
  r->row(r->ctx, label, r->cells);
}

/* A row whose cells are VALUE and WHOLE evaluated for each profile q. */
#define ROW(label, VALUE, WHOLE)       \
  do {                                 \
    for (size_t k = 0; k < r.n; k++) { \
      const pb_profile *q = p[k];      \
      value[k] = (VALUE);              \
      whole[k] = (WHOLE);              \
      (void)q;                         \
    }                                  \
    emit(&r, label, value, whole);     \
  } while (0)

static uint64_t total_requests(const pb_profile *p) {
  uint64_t n = p->zero_requests;
  for (size_t b = 0; b < PB_PROFILE_BANDS; b++) n += p->requests[b];
  return n;
}

static uint64_t total_bytes(const pb_profile *p, size_t first_band) {
  uint64_t n = 0;
  for (size_t b = first_band; b < PB_PROFILE_BANDS; b++)
    n += p->request_bytes[b];
  return n;
}

static void band_label(size_t b, char *label, size_t size) {
  uint64_t low, high;
  pb_profile_band_bounds(b, &low, &high);
  if (high == UINT32_MAX)
    snprintf(label, size, "requests > %llu", (unsigned long long)low - 1);
  else
    snprintf(label, size, "requests %llu-%llu", (unsigned long long)low,
             (unsigned long long)high);
}

void pb_profile_rows(const pb_profile *const *p, size_t n,
                     pb_profile_row_fn row, void *ctx) {
  static const char *const kinds[PB_OP_KIND_COUNT] = {
      "malloc", "calloc", "realloc", "free", "hand-off"};
  static const char *const domains[PB_DOMAIN_COUNT] = {
      "domain unknown", "domain raw", "domain mem", "domain obj"};
  static const char *const touches[PB_TOUCH_COUNT + 1] = {
      "touch none", "touch object", "touch array", "touch filled"};
  rows r = {.n = n < PB_PROFILE_COLUMNS_MAX ? n : PB_PROFILE_COLUMNS_MAX,
            .row = row,
            .ctx = ctx};
  uint64_t value[PB_PROFILE_COLUMNS_MAX], whole[PB_PROFILE_COLUMNS_MAX];
  char label[64];

  ROW("ops", q->ops, 0);
  for (size_t kind = 0; kind < PB_OP_KIND_COUNT; kind++) {
    /* Hand-offs exist only in threaded traces: a one-thread profile reads
     * as it always did. */
    int used = kind != PB_OP_HANDOFF;
    for (size_t k = 0; k < r.n; k++) used |= p[k]->by_kind[kind] != 0;
    if (used) ROW(kinds[kind], q->by_kind[kind], q->ops);
  }
  ROW("realloc growing", q->reallocs_grow, q->ops);
  ROW("realloc shrinking", q->reallocs_shrink, q->ops);
  for (size_t d = 0; d < PB_DOMAIN_COUNT; d++)
    ROW(domains[d], q->by_domain[d], q->ops);
  for (size_t t = 0; t <= PB_TOUCH_COUNT; t++) {
    /* Filled touches are a capture's: other profiles read as before. */
    int used = t != PB_TOUCH_COUNT;
    for (size_t k = 0; k < r.n; k++) used |= p[k]->by_touch[t] != 0;
    if (used) ROW(touches[t], q->by_touch[t], total_requests(q));
  }

  ROW("requests of 0 bytes", q->zero_requests, total_requests(q));
  for (size_t b = 0; b < PB_PROFILE_BANDS; b++) {
    int used = 0;
    for (size_t k = 0; k < r.n; k++) used |= p[k]->requests[b] != 0;
    if (!used) continue;
    band_label(b, label, sizeof label);
    ROW(label, q->requests[b], total_requests(q));
  }
  ROW("bytes requested > 512", total_bytes(q, PB_PROFILE_SMALL_CLASSES),
      total_bytes(q, 0));

  for (size_t i = 0; i < PB_PROFILE_QUANTILES; i++) {
    snprintf(label, sizeof label, "lifetime p%g (ops)",
             pb_profile_quantile_percents[i]);
    ROW(label, q->lifetime[i], 0);
  }
  ROW("blocks never freed", q->live_at_end, q->blocks);
  ROW("peak live bytes", q->peak_live_bytes, 0);
  ROW("peak live blocks", q->peak_live_blocks, 0);
  ROW("peak at op", q->peak_op, q->ops);
}
