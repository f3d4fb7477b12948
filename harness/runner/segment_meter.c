#include "harness/runner/segment_meter.h"

#include <sys/resource.h>

static uint64_t involuntary_switches(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return (uint64_t)usage.ru_nivcsw;
}

void pb_meter_start(pb_meter *m) {
  *m = (pb_meter){.switches_start = involuntary_switches()};
  CALLGRIND_START_INSTRUMENTATION;
}

void pb_meter_stop(pb_meter *m) {
  CALLGRIND_STOP_INSTRUMENTATION;
  m->involuntary_switches = involuntary_switches() - m->switches_start;
}
