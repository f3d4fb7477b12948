/* Ctrl-C and SIGTERM during a comparison. Dying at once would lose every
 * finished run, orphan the running child and leave the traces in the
 * temporary directory; instead the driver stops the child, removes the
 * traces, writes what was measured (marked interrupted) and exits with
 * 128 + the signal's number, 130 or 143 (README, "Errors and exit codes").
 *
 * The handler only records the signal and writes a byte into a pipe, both
 * async-signal-safe. The run loop asks pb_interrupt_signal() between runs;
 * pb_spawn (spawn.h) polls pb_interrupt_fd() beside the child's output, so
 * that a child running when the signal comes is killed at once rather than
 * after its time limit (a signal that lands just before poll() blocks still
 * leaves the byte to be read). */
#ifndef POOLBENCH_HARNESS_PROCESS_INTERRUPT_H
#define POOLBENCH_HARNESS_PROCESS_INTERRUPT_H

/* Catches SIGINT and SIGTERM from now on (each unless it was ignored when
 * the program started, as a shell does for background jobs). Exits with one
 * line if the pipe cannot be made. */
void pb_interrupt_install(void);

/* The first signal caught (SIGINT or SIGTERM), or 0. */
int pb_interrupt_signal(void);

/* Readable once a signal was caught; -1 when not installed. */
int pb_interrupt_fd(void);

/* Gives SIGINT and SIGTERM their default actions back (a second Ctrl-C
 * while the results are written stops at once) and closes the pipe, so
 * that later children (gnuplot) run to the end. The signal caught stays
 * recorded. */
void pb_interrupt_restore(void);

/* 130 for SIGINT, 143 for SIGTERM (common/fail.h). */
int pb_interrupt_exit_status(int signo);

#endif /* POOLBENCH_HARNESS_PROCESS_INTERRUPT_H */
