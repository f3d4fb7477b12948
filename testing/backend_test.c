#include "testing/backend_test.h"

#include "allocator/allocator.h"

int pb_backend_test_main(const pb_test *tests, int argc, char **argv) {
  char err[PB_ERROR_MAX];
  if (pb_init(NULL, 0, err) != 0) {
    fprintf(stderr, "pb_init: %s\n", err);
    return 1;
  }
  return pb_run_tests(tests, argc, argv);
}
