/* The workload registry: names, one-line descriptions, generators, and how
 * the comparison runs each (workloads.h). */
#include <string.h>

#include "workloads/generators.h"
#include "workloads/startup_heap.h"
#include "workloads/workloads.h"

const pb_workload pb_workloads[] = {
    {"ints",
     "arithmetic churn: short-lived 32/36/40-byte ints, mostly LIFO, a few "
     "survivors",
     pb_generate_ints, 0.5, 0, "workloads/python/ints.py", NULL},
    {"tuples",
     "batches of 0..10-item tuples of ints and floats, mixed lifetimes, "
     "tuple and float free lists",
     pb_generate_tuples, 0.25, 0, "workloads/python/tuples.py", NULL},
    {"lists",
     "lists grown by append (realloc across 512 bytes), then popped, sliced, "
     "cleared or dropped",
     pb_generate_lists, 0.25, 0, "workloads/python/lists.py", NULL},
    {"objgraph",
     "json.loads of a ~300 MB graph from a 1,000-line feed, torn down in "
     "creation then random order, 3 times",
     pb_generate_objgraph, 0.1, 1, "workloads/python/objgraph.py", NULL},
    {"pinning",
     "many small objects, a random 1% kept, then other size classes: pools "
     "pinned",
     pb_generate_pinning, 0.2, 1, "workloads/python/pinning.py", NULL},
    {"generational",
     "request loop: heavy short-lived churn, a slowly growing long-lived "
     "cache",
     pb_generate_generational, 0.5, 0, "workloads/python/generational.py",
     NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};

const pb_workload pb_threaded_workloads[] = {
    {"parallel-churn",
     "threads each churning their own ints and tuples, sharing nothing",
     pb_generate_parallel_churn, 0.5, 0, "workloads/python/parallel_churn.py",
     pb_generate_parallel_churn_threads},
    {"producer-consumer",
     "producers build tuples, dicts, strs and lists; consumers take them "
     "from a queue and drop them",
     pb_generate_producer_consumer, 0.5, 0,
     "workloads/python/producer_consumer.py",
     pb_generate_producer_consumer_threads},
    {"shared-cache",
     "threads read and replace entries of a shared long-lived dict: values "
     "die on other threads",
     pb_generate_shared_cache, 0.5, 0, "workloads/python/shared_cache.py",
     pb_generate_shared_cache_threads},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};

const pb_workload *pb_workload_find(const char *name) {
  if (!name) return NULL;
  for (const pb_workload *w = pb_workloads; w->name; w++)
    if (strcmp(w->name, name) == 0) return w;
  for (const pb_workload *w = pb_threaded_workloads; w->name; w++)
    if (strcmp(w->name, name) == 0) return w;
  return NULL;
}

void pb_workload_generate(const pb_workload *w, pb_trace *t, uint64_t seed,
                          double scale, unsigned threads, int startup_heap) {
  if (w->generate_threads) {
    w->generate_threads(t, seed, scale,
                        threads ? threads : PB_WORKLOAD_THREADS_DEFAULT);
    return;
  }
  w->generate(t, seed, scale);
  if (startup_heap) pb_startup_heap_add(t);
}
