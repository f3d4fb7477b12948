/* A trace's profile: what it asks of an allocator, in the figures that tell
 * two traces apart (a synthetic workload and the capture of the program it
 * models, say): ops by kind and by domain, requests per size class, how
 * memory is touched, block lifetimes and the peak of live memory.
 *
 * Sizes are counted per pymalloc size class (16-byte steps up to 512 bytes)
 * and in bands above, where requests leave pymalloc for the system
 * allocator. A block's lifetime is counted in ops, from the op that
 * allocates it to the op that frees it (reallocs in between do not end it);
 * blocks still live at the end have none. */
#ifndef POOLBENCH_WORKLOADS_PROFILE_H
#define POOLBENCH_WORKLOADS_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "workloads/trace.h"

/* Size bands: 32 classes of 16 bytes (1..512), then above 512 bytes. */
#define PB_PROFILE_SMALL_CLASSES 32
#define PB_PROFILE_BANDS (PB_PROFILE_SMALL_CLASSES + 7)

/* The lifetime quantiles reported, in percent. */
#define PB_PROFILE_QUANTILES 6
extern const double pb_profile_quantile_percents[PB_PROFILE_QUANTILES];

typedef struct pb_profile {
  uint64_t ops;
  uint64_t by_kind[PB_OP_KIND_COUNT];
  uint64_t by_domain[PB_DOMAIN_COUNT];
  /* Of malloc, calloc, realloc: by kind of touch, and last the filled ones
   * (a capture's, trace.h). */
  uint64_t by_touch[PB_TOUCH_COUNT + 1];
  /* malloc, calloc and realloc requests (realloc by its new size), and
   * their bytes, per band; zero-byte requests in zero_requests. */
  uint64_t requests[PB_PROFILE_BANDS];
  uint64_t request_bytes[PB_PROFILE_BANDS];
  uint64_t zero_requests;
  uint64_t reallocs_grow, reallocs_shrink; /* reallocs_same: the rest */
  uint64_t blocks;                         /* malloc'd or calloc'd */
  uint64_t live_at_end;                    /* blocks never freed */
  uint64_t lifetime[PB_PROFILE_QUANTILES]; /* of freed blocks, in ops */
  uint64_t peak_live_bytes, peak_live_blocks, peak_op;
} pb_profile;

/* Profiles a valid trace (pb_trace_validate); the lifetimes are sorted in
 * mmap'd scratch memory, one uint32 per block. */
void pb_profile_compute(const pb_trace *t, pb_profile *p);

/* The band of a request of size bytes (size > 0), and the band's bounds. */
size_t pb_profile_band(uint32_t size);
void pb_profile_band_bounds(size_t band, uint64_t *low, uint64_t *high);

#endif /* POOLBENCH_WORKLOADS_PROFILE_H */
