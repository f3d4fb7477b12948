#include "harness/runner/overhead.h"

void pb_overhead_read(pb_overhead *o, const char *library,
                      pb_private_memory *into) {
  if (pb_private_memory_read(library, into) != 0) o->failed = 1;
}

static uint64_t growth(uint64_t from, uint64_t to) {
  return to > from ? to - from : 0;
}

uint64_t pb_overhead_constructors(const pb_overhead *o) {
  return growth(o->at_load.anonymous_bytes, o->at_main.anonymous_bytes);
}

uint64_t pb_overhead_init(const pb_overhead *o) {
  return growth(o->before_init.anonymous_bytes, o->after_init.anonymous_bytes) +
         growth(o->before_expect.anonymous_bytes,
                o->after_expect.anonymous_bytes);
}

uint64_t pb_overhead_library(const pb_overhead *o) {
  return o->at_load.library_bytes;
}

uint64_t pb_overhead_bytes(const pb_overhead *o) {
  return pb_overhead_constructors(o) + pb_overhead_init(o) +
         pb_overhead_library(o);
}
