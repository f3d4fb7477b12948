/* The main() of a test linked with one backend: initializes the backend
 * with its default parameters, then runs the tests (testing/check.h). */
#ifndef POOLBENCH_TESTING_BACKEND_TEST_H
#define POOLBENCH_TESTING_BACKEND_TEST_H

#include "testing/check.h"

/* Returns the exit status: 1 when pb_init fails (with its message). */
int pb_backend_test_main(const pb_test *tests, int argc, char **argv);

#endif /* POOLBENCH_TESTING_BACKEND_TEST_H */
