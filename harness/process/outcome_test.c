/* pb_outcome_judge: the one failure line for each way a child can end, and
 * an interrupted child never taken for a success or a failure. The
 * interrupt tests come last: once a signal is caught, it stays caught. */
#include "harness/process/outcome.h"

#include <signal.h>
#include <string.h>

#include "harness/process/interrupt.h"
#include "testing/check.h"

static pb_outcome judge(char *const argv[], double timeout, char *why,
                        size_t size) {
  pb_spawn_result r;
  pb_outcome o = pb_outcome_judge(pb_spawn(argv, timeout, &r), &r, why, size);
  pb_spawn_result_free(&r);
  return o;
}

static void success_is_ok_with_no_line(void) {
  char why[256] = "x";
  char *argv[] = {"/bin/sh", "-c", "echo out; echo err >&2", NULL};
  PB_CHECK_EQ(judge(argv, 30, why, sizeof why), PB_OUTCOME_OK);
  PB_CHECKF(why[0] == '\0', "%s", why);
}

static void an_exit_status_with_the_last_line(void) {
  char why[256];
  char *argv[] = {"/bin/sh", "-c", "echo first >&2; echo last >&2; exit 3",
                  NULL};
  PB_CHECK_EQ(judge(argv, 30, why, sizeof why), PB_OUTCOME_FAILED);
  PB_CHECKF(strcmp(why, "exit 3: last") == 0, "%s", why);
  char *silent[] = {"/bin/sh", "-c", "exit 1", NULL};
  PB_CHECK_EQ(judge(silent, 30, why, sizeof why), PB_OUTCOME_FAILED);
  PB_CHECKF(strcmp(why, "exit 1") == 0, "%s", why);
}

static void a_signal_named(void) {
  char why[256];
  char *argv[] = {"/bin/sh", "-c", "kill -SEGV $$", NULL};
  PB_CHECK_EQ(judge(argv, 30, why, sizeof why), PB_OUTCOME_FAILED);
  PB_CHECKF(strcmp(why, "signal 11 (Segmentation fault)") == 0, "%s", why);
}

static void a_timeout(void) {
  char why[256];
  char *argv[] = {"/bin/sh", "-c", "exec sleep 30", NULL};
  PB_CHECK_EQ(judge(argv, 1, why, sizeof why), PB_OUTCOME_FAILED);
  PB_CHECKF(strcmp(why, "timeout after 1 s") == 0, "%s", why);
  /* The limit as given, not rounded to whole seconds ("after 0 s"). */
  PB_CHECK_EQ(judge(argv, 0.001, why, sizeof why), PB_OUTCOME_FAILED);
  PB_CHECKF(strcmp(why, "timeout after 0.001 s") == 0, "%s", why);
}

static void cannot_start(void) {
  char why[256];
  char *argv[] = {"/nonexistent/program", NULL};
  PB_CHECK_EQ(judge(argv, 30, why, sizeof why), PB_OUTCOME_FAILED);
  PB_CHECKF(strcmp(why, "cannot start: No such file or directory") == 0, "%s",
            why);
}

/* A child the same Ctrl-C killed (it reaches the whole process group) is
 * interrupted once this process caught the signal; before, it is a crash. */
static void killed_by_sigint_is_interrupted_once_caught(void) {
  char why[256];
  char *argv[] = {"/bin/sh", "-c", "kill -INT $$", NULL};
  PB_CHECK_EQ(judge(argv, 30, why, sizeof why), PB_OUTCOME_FAILED);
  PB_CHECKF(strncmp(why, "signal 2 ", 9) == 0, "%s", why);
  pb_interrupt_install();
  raise(SIGINT);
  PB_CHECK_EQ(pb_interrupt_signal(), SIGINT);
  pb_spawn_result r = {.signaled = 1, .signal = SIGINT};
  PB_CHECK_EQ(pb_outcome_judge(0, &r, why, sizeof why), PB_OUTCOME_INTERRUPTED);
  PB_CHECKF(strcmp(why, "interrupted") == 0, "%s", why);
}

/* After the signal, a child is stopped at once, not after its time limit. */
static void a_child_after_the_signal_is_interrupted(void) {
  char why[256];
  char *argv[] = {"/bin/sh", "-c", "exec sleep 30", NULL};
  pb_spawn_result r;
  pb_outcome o = pb_outcome_judge(pb_spawn(argv, 30, &r), &r, why, sizeof why);
  double seconds = r.seconds;
  pb_spawn_result_free(&r);
  PB_CHECK_EQ(o, PB_OUTCOME_INTERRUPTED);
  PB_CHECKF(seconds < 5, "stopped after %.1f s", seconds);
}

int main(int argc, char **argv) {
  static const pb_test tests[] = {
      PB_TEST(success_is_ok_with_no_line),
      PB_TEST(an_exit_status_with_the_last_line),
      PB_TEST(a_signal_named),
      PB_TEST(a_timeout),
      PB_TEST(cannot_start),
      PB_TEST(killed_by_sigint_is_interrupted_once_caught),
      PB_TEST(a_child_after_the_signal_is_interrupted),
      {NULL, NULL},
  };
  return pb_run_tests(tests, argc, argv);
}
