/* The machine a comparison ran on, for the JSON record and chart titles:
 * kernel, CPU model, cores, memory, and the date of the run. */
#ifndef POOLBENCH_HARNESS_REPORT_MACHINE_H
#define POOLBENCH_HARNESS_REPORT_MACHINE_H

#include <jansson.h>

/* {"system", "kernel", "arch", "cpu", "cpus", "memory_bytes", "date"}. */
json_t *pb_machine_json(void);

#endif /* POOLBENCH_HARNESS_REPORT_MACHINE_H */
