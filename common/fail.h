/* How every poolbench program stops on what it cannot go on with: one line on
 * stderr, "PROGRAM: what is wrong", and an exit status that says which kind
 * of problem it was. The statuses are the same in every program (README,
 * "Errors and exit codes"). */
#ifndef POOLBENCH_COMMON_FAIL_H
#define POOLBENCH_COMMON_FAIL_H

enum {
  PB_EXIT_OK = 0,
  PB_EXIT_FAILED = 1,        /* some runs failed; a file could not be written */
  PB_EXIT_BAD_INPUT = 2,     /* bad option, number, name or file: nothing run */
  PB_EXIT_OUT_OF_MEMORY = 3, /* the allocator returned NULL, or no memory */
  /* Stopped by a signal, after keeping what was measured: 128 + the
   * signal's number, as a shell reports a process the signal killed. */
  PB_EXIT_INTERRUPTED = 130, /* SIGINT (Ctrl-C) */
  PB_EXIT_TERMINATED = 143,  /* SIGTERM */
};

/* The name the lines start with ("benchmarks", "bench_pool"); set once in
 * main. Until then, "poolbench". */
void pb_set_program(const char *name);
const char *pb_program(void);

/* Writes "PROGRAM: MESSAGE\n" on stderr and exits with status. */
void pb_fail(int status, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

/* The same line without exiting. */
void pb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Flushes stdout. Returns 0, or -1 after one line when what was written
 * could not be (a full disk, /dev/full): a result that did not reach its
 * reader is a failure, not success. */
int pb_finish_stdout(void);

#endif /* POOLBENCH_COMMON_FAIL_H */
