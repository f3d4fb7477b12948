/* The variants a comparison runs: each selected backend once, with the
 * NAME=VALUE parameters it takes, or once per parameter set of a sweep;
 * with threaded workloads, a backend that declares thread sets
 * (allocator/registry.h) once per set.
 *
 * The driver does not read parameters. It asks each backend's runner what
 * it takes (`bench_<backend> --describe` lists pb_parameters()), gives a
 * parameter to the backends that list it, and lets the runner check the
 * values (pb_init refuses what it does not accept, with its own line). A
 * parameter no selected backend takes is refused, as is a sweep no selected
 * backend can run. */
#ifndef POOLBENCH_HARNESS_COMPARISON_VARIANTS_H
#define POOLBENCH_HARNESS_COMPARISON_VARIANTS_H

#include "harness/comparison/options.h"
#include "harness/matrix/matrix.h"

/* Fills m->variants and m->reference; exits with status 2 and one line on
 * bad parameters. argv0 locates the runners when not under bazel run. */
void pb_variants_build(const pb_comparison_options *o, const char *argv0,
                       pb_matrix *m);

/* The command line that runs v with extra options before its parameters:
 * runner, extra..., NAME=VALUE..., NULL. Free with pb_variant_argv_free. */
char **pb_variant_argv(const pb_variant *v, const char *const *extra);
void pb_variant_argv_free(char **argv);

#endif /* POOLBENCH_HARNESS_COMPARISON_VARIANTS_H */
