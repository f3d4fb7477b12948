/* The generators behind the registry (workloads.h), one source file each. */
#ifndef POOLBENCH_WORKLOADS_GENERATORS_H
#define POOLBENCH_WORKLOADS_GENERATORS_H

#include <stdint.h>

#include "workloads/trace.h"

void pb_generate_ints(pb_trace *t, uint64_t seed, double scale);
void pb_generate_tuples(pb_trace *t, uint64_t seed, double scale);
void pb_generate_lists(pb_trace *t, uint64_t seed, double scale);
void pb_generate_objgraph(pb_trace *t, uint64_t seed, double scale);
void pb_generate_pinning(pb_trace *t, uint64_t seed, double scale);
void pb_generate_generational(pb_trace *t, uint64_t seed, double scale);

/* The threaded workloads, at WL_THREADS_DEFAULT threads and at any count
 * (1..WL_THREADS_MAX, threaded.h). */
void pb_generate_parallel_churn(pb_trace *t, uint64_t seed, double scale);
void pb_generate_parallel_churn_threads(pb_trace *t, uint64_t seed,
                                        double scale, unsigned threads);
void pb_generate_producer_consumer(pb_trace *t, uint64_t seed, double scale);
void pb_generate_producer_consumer_threads(pb_trace *t, uint64_t seed,
                                           double scale, unsigned threads);
void pb_generate_shared_cache(pb_trace *t, uint64_t seed, double scale);
void pb_generate_shared_cache_threads(pb_trace *t, uint64_t seed, double scale,
                                      unsigned threads);

/* count * scale, rounded, and at least 1: scale 0.0001 still makes a (tiny)
 * workload rather than an empty loop. */
static inline uint64_t wl_scaled(uint64_t count, double scale) {
  double n = (double)count * scale + 0.5;
  if (!(n >= 1)) return 1; /* also NaN */
  if (n >= 1e15) return (uint64_t)1e15;
  return (uint64_t)n;
}

#endif /* POOLBENCH_WORKLOADS_GENERATORS_H */
