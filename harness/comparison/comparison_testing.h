/* What the tests of the comparison driver share: running it, reading the
 * files it wrote, and the consistency every set of results must have. */
#ifndef POOLBENCH_HARNESS_COMPARISON_COMPARISON_TESTING_H
#define POOLBENCH_HARNESS_COMPARISON_COMPARISON_TESTING_H

#include <jansson.h>
#include <stddef.h>

/* Runs harness/benchmarks with args (NULL-terminated); its stderr in err.
 * Returns its exit status. */
int pb_benchmarks_run(const char *const *args, char *err, size_t err_size);

/* The whole of file name in dir (malloc'd); fails the test when absent. */
char *pb_results_file(const char *dir, const char *name);

/* latest.json in dir, parsed; fails the test when absent or malformed. */
json_t *pb_results_json(const char *dir);

/* Runs benchmarks with args (which write into dir) and checks what it
 * wrote: variants x workloads cells, every metric of each cell's suite in
 * every run and summary, the same medians in the Markdown as in the JSON,
 * one CSV line per run, and the ncharts charts. */
void pb_check_results(const char *dir, const char *const *args,
                      const char *const *charts, size_t ncharts,
                      size_t variants, size_t workloads);

/* Runs benchmarks with args, --quick and one run, into dir; returns
 * latest.json's root. */
json_t *pb_quick_json(const char *const *args, const char *dir);

#endif /* POOLBENCH_HARNESS_COMPARISON_COMPARISON_TESTING_H */
