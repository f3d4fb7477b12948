/* The workload registry: names, one-line descriptions, generators, and how
 * the comparison runs each (workloads.h). */
#include <string.h>

#include "workloads/generators.h"
#include "workloads/workloads.h"

const pb_workload pb_workloads[] = {
    {"ints",
     "arithmetic churn: short-lived 32/36/40-byte ints, mostly LIFO, a few "
     "survivors",
     pb_generate_ints, 0.5, 0, "workloads/python/ints.py"},
    {"tuples",
     "batches of 0..10-item tuples of ints and floats, mixed lifetimes, "
     "tuple and float free lists",
     pb_generate_tuples, 0.25, 0, "workloads/python/tuples.py"},
    {"lists",
     "lists grown by append (realloc across 512 bytes), then popped, sliced, "
     "cleared or dropped",
     pb_generate_lists, 0.25, 0, "workloads/python/lists.py"},
    {"objgraph",
     "json.loads of a ~300 MB graph from a 1,000-line feed, torn down in "
     "creation then random order, 3 times",
     pb_generate_objgraph, 0.1, 1, "workloads/python/objgraph.py"},
    {"pinning",
     "many small objects, a random 1% kept, then other size classes: pools "
     "pinned",
     pb_generate_pinning, 0.2, 1, "workloads/python/pinning.py"},
    {"generational",
     "request loop: heavy short-lived churn, a slowly growing long-lived "
     "cache",
     pb_generate_generational, 0.5, 0, "workloads/python/generational.py"},
    {NULL, NULL, NULL, 0, 0, NULL},
};

const pb_workload *pb_workload_find(const char *name) {
  if (!name) return NULL;
  for (const pb_workload *w = pb_workloads; w->name; w++)
    if (strcmp(w->name, name) == 0) return w;
  return NULL;
}
