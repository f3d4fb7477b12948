/* Minimal test support for poolbench's cc_test targets.
 *
 * Tests are built with -c opt, where assert() is compiled out, so checks
 * here are always on. A failed check prints file:line and the expression and
 * exits 1; pb_run_tests runs the listed tests in order and prints one line
 * each. */
#ifndef POOLBENCH_TESTING_CHECK_H
#define POOLBENCH_TESTING_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/rng.h" /* pb_rng, for randomized tests */

void pb_check_failed(const char *file, int line, const char *expr,
                     const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));

#define PB_CHECK(cond)                                          \
  do {                                                          \
    if (!(cond)) pb_check_failed(__FILE__, __LINE__, #cond, 0); \
  } while (0)

/* PB_CHECK with a printf-style explanation. */
#define PB_CHECKF(cond, ...)                                              \
  do {                                                                    \
    if (!(cond)) pb_check_failed(__FILE__, __LINE__, #cond, __VA_ARGS__); \
  } while (0)

#define PB_CHECK_EQ(a, b)                                                      \
  do {                                                                         \
    unsigned long long pb_a_ = (unsigned long long)(a);                        \
    unsigned long long pb_b_ = (unsigned long long)(b);                        \
    if (pb_a_ != pb_b_)                                                        \
      pb_check_failed(__FILE__, __LINE__, #a " == " #b, "%llu != %llu", pb_a_, \
                      pb_b_);                                                  \
  } while (0)

typedef struct pb_test {
  const char *name;
  void (*run)(void);
} pb_test;

/* Runs every test of the NULL-terminated list; returns the exit status. */
int pb_run_tests(const pb_test *tests, int argc, char **argv);

#define PB_TEST(fn) \
  { #fn, fn }

/* Death tests: runs fn in a child process and checks that it dies by
 * SIGABRT with a message on stderr containing expected. Returns normally
 * when it did; fails the test otherwise. */
void pb_expect_death(void (*fn)(void), const char *expected);

#endif /* POOLBENCH_TESTING_CHECK_H */
