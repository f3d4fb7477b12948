/* pytrace: runs a Python program and records its allocations as a trace.
 *
 *   bazel run //python:pytrace -- --out=FILE [--workload=NAME] [--]
 *                                 script.py args...     (or -c CODE, -m MOD)
 *
 * The program runs as under python3 (interpreter.h), on CPython's own
 * allocator, with every MEM and OBJ allocation recorded from before the
 * interpreter starts until it has finalized (capture.h). The trace is then
 * written to FILE, named NAME ("python" by default), with the domain of
 * every op. `bench_<backend> --trace=FILE` replays it; `make_trace
 * --info=FILE` describes it.
 *
 * A capture is all or nothing. pytrace checks its options and FILE first
 * (a relative FILE is taken from the directory pytrace started in, or
 * BUILD_WORKING_DIRECTORY under bazel run), creates the trace's file in
 * FILE's directory (unnamed where the file system allows, see below), and
 * then runs the program in a child process of its own, which writes the
 * trace into that file from an exit handler, only in that process (not in
 * processes the program forks, which stop recording), and says how far it
 * got in a page shared with pytrace. pytrace waits for it and puts the file
 * at FILE (a rename) only when the program ended normally; otherwise FILE
 * is left as it was, the file dropped, and one line says why. Running the
 * program in a child is what lets pytrace see the ends no exit handler sees
 * (os._exit, an exec, a signal, a crash) and keep FILE's directory whatever the
 * program does with its own.
 *
 * The program ended normally when: the interpreter started, the script
 * could be opened (a directory: one holding __main__.py), and the process
 * pytrace started then left through exit() (a return from the program,
 * sys.exit, an uncaught exception), with every MEM and OBJ request served
 * (none refused: the trace cannot say that a request failed) and the
 * capture able to record every op. The trace is then written and pytrace
 * exits with the program's own status.
 *
 * Exit status (README, "Errors and exit codes"):
 *   the program's own  it ended normally; the trace is written
 *   1    the trace could not be written; the capture could not record an
 *        op (a request of 4 GiB or more); the program ended without its
 *        exit handlers (os._exit, an exec)
 *   2    bad options or FILE (nothing run); the program did not start (the
 *        interpreter failed to start, no such script, a directory without
 *        __main__.py)
 *   3    out of memory: the program's requests refused (MemoryError), or
 *        no memory for the capture's own tables
 *   128 + N  the program was killed by signal N (a crash, abort, the OOM
 *        killer)
 *   130, 143  pytrace was interrupted by SIGINT or SIGTERM (passed on to
 *        the program, which pytrace waits for). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/fail.h"
#include "common/user_path.h"
#include "python/capture.h"
#include "python/interpreter.h"
#include "workloads/trace.h"

static const char usage[] =
    "usage: pytrace --out=FILE [--workload=NAME] [--] PYTHON-ARGS...\n"
    "\n"
    "Runs python3 PYTHON-ARGS (a script and its arguments, -c CODE, -m\n"
    "MODULE) and writes every allocation of the MEM and OBJ domains to FILE\n"
    "as a poolbench trace, with each op's domain. FILE is replaced only when\n"
    "the program ended normally (pytrace.c says when); the exit status is\n"
    "then the program's.\n"
    "\n"
    "  --out=FILE       the trace to write (relative to where pytrace, or\n"
    "                   bazel run, was started)\n"
    "  --workload=NAME  the name the trace carries, 1 to 31 printable ASCII\n"
    "                   characters (default: python)\n";

/* What the program's process tells pytrace, in memory both share. */
typedef struct shared_state {
  int started; /* the interpreter is up and the program about to run */
  int ended;   /* the program's process ran its exit handlers */
  int said;    /* and printed the one line that says what went wrong */
  int written; /* the trace is in the temporary file, flushed */
  pb_capture_counts counts;
  char error[PB_TRACE_ERROR_MAX]; /* why it could not be written */
} shared_state;

static shared_state *state;
static pb_trace trace;
static pid_t traced; /* the process whose trace is written */

/* ---- the trace's file -------------------------------------------------------
 * Made in --out's directory before the program runs, and given --out's name
 * only once the trace is wanted. Unnamed (O_TMPFILE) where the file system
 * has unnamed files: then nothing is left behind even when pytrace is
 * killed outright (SIGKILL, a harness's timeout); elsewhere a temporary file
 * beside --out (common/atomic_file.h), removed on every end pytrace sees. */
static struct {
  char *path; /* --out, absolute */
  int fd;     /* the file the program's process writes; -1 when closed */
  int named;  /* 1: named, in atomic */
  pb_atomic_file atomic;
} file = {.fd = -1};

/* err = "--out's path: what[: strerror(e)]", the path cut at its start
 * when long, so that the reason stays. */
static int fail_on(char err[PB_FILE_ERROR_MAX], const char *what, int e) {
  const char *path = file.path;
  size_t len = strlen(path), keep = PB_FILE_ERROR_MAX / 2;
  snprintf(err, PB_FILE_ERROR_MAX, "%s%s: %s%s%s", len > keep ? "..." : "",
           len > keep ? path + len - keep : path, what, e ? ": " : "",
           e ? strerror(e) : "");
  return -1;
}

static int out_open(const char *path, char err[PB_FILE_ERROR_MAX]) {
  file.path = strdup(path);
  if (!file.path) pb_fail(PB_EXIT_FAILED, "out of memory");
  if (strlen(path) >= PATH_MAX)
    return fail_on(err, "longer than the system's PATH_MAX", 0);
  struct stat st;
  if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
    return fail_on(err, "exists and is not a regular file; not replacing it",
                   0);
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/'); /* path is absolute */
  slash[slash == dir] = '\0';
  int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
  if (fd >= 0) {
    fchmod(fd, 0644); /* as atomic_file's, whatever the umask */
    file.fd = fd;
    return 0;
  }
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
    return fail_on(err, "cannot create a temporary file", errno);
  if (pb_atomic_open(&file.atomic, path, err) != 0) {
    pb_atomic_abort(&file.atomic);
    return -1;
  }
  file.named = 1;
  file.fd = file.atomic.fd;
  /* Not for programs the captured one executes. */
  fcntl(file.fd, F_SETFD, FD_CLOEXEC);
  return 0;
}

/* Leaves --out as it was. */
static void out_abort(void) {
  if (file.named)
    pb_atomic_abort(&file.atomic);
  else if (file.fd >= 0)
    close(file.fd);
  file.fd = -1;
}

/* Puts the finished trace at --out, atomically. */
static int out_commit(char err[PB_FILE_ERROR_MAX]) {
  if (file.named) {
    if (pb_atomic_finish(&file.atomic, err) != 0 ||
        pb_atomic_commit(&file.atomic, err) != 0)
      return -1;
    file.fd = -1;
    return 0;
  }
  if (fsync(file.fd) != 0) return fail_on(err, "cannot write", errno);
  /* A name of its own first: linkat does not replace, rename does. */
  char proc[64], tmp[PATH_MAX + 32];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", file.fd);
  int linked = -1;
  for (int i = 0; i < 100 && linked != 0; i++) {
    /* A name left by a pytrace killed between these two steps is kept. */
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%d", file.path, (long)getpid(), i);
    linked = linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW);
    if (linked != 0 && errno != EEXIST) break;
  }
  if (linked != 0) return fail_on(err, "cannot name the finished trace", errno);
  if (rename(tmp, file.path) != 0) {
    int e = errno;
    unlink(tmp);
    return fail_on(err, "cannot rename into place", e);
  }
  close(file.fd);
  file.fd = -1;
  return 0;
}

/* ---- the program's process ----------------------------------------------- */

static void start_capture(void) { pb_capture_start(&trace); }

/* What python3 does with a script it cannot run is an error message and a
 * status that a program could also have given (2, 1): refused here, before
 * the program counts as started. */
static void check_script(const char *script) {
  struct stat st;
  if (script && stat(script, &st) == 0 && S_ISDIR(st.st_mode)) {
    char main_py[PATH_MAX + 16];
    snprintf(main_py, sizeof main_py, "%s/__main__.py", script);
    if (access(main_py, R_OK) == 0) return;
    state->said = 1;
    pb_fail(PB_EXIT_BAD_INPUT,
            "%s is a directory without __main__.py: nothing to run; nothing "
            "captured",
            script);
  }
  if (script) {
    int fd = open(script, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      state->said = 1;
      pb_fail(PB_EXIT_BAD_INPUT, "cannot open %s: %s; nothing captured", script,
              strerror(errno));
    }
    close(fd);
  }
}

static void ready(const char *script) {
  check_script(script);
  state->started = 1;
}

/* Writes the trace once the interpreter has finalized: an exit handler,
 * because the process may end in exit() without returning to main
 * (CPython's Py_Exit, an extension calling exit()). Only in the process
 * pytrace started: a child the program forked inherits this handler. */
static void write_trace(void) {
  if (getpid() != traced) return;
  state->ended = 1;
  /* The capture failed and said why (pb_fail inside it). */
  if (pb_capture_busy()) {
    state->said = 1;
    return;
  }
  if (!state->started) return;
  pb_capture_counts counts;
  pb_capture_stop(&counts);
  state->counts = counts;
  if (counts.refused) return;
  if (pb_trace_write(&trace, file.fd, file.path, state->error) == 0)
    state->written = 1;
}

/* sys.executable: pyrun_cpython, built beside pytrace (python/BUILD), runs
 * the same interpreter on the same pymalloc; a child it starts is not
 * captured. NULL when it is not there: then sys.executable is pytrace,
 * which does not take python3's command line. */
static const char *python_executable(void) {
  static char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return NULL;
  path[n] = '\0';
  char *slash = strrchr(path, '/');
  const char name[] = "pyrun_cpython";
  if (!slash || (size_t)(slash + 1 - path) + sizeof name > sizeof path)
    return NULL;
  memcpy(slash + 1, name, sizeof name);
  return access(path, X_OK) == 0 ? path : NULL;
}

static int run_program(int argc, char **argv, pid_t parent) {
  /* The program takes signals as python3 would; it dies with pytrace. */
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(PB_EXIT_FAILED);

  traced = getpid();
  if (atexit(write_trace) != 0)
    pb_fail(PB_EXIT_FAILED, "cannot register the trace's writer");
  pb_python_hooks hooks = {.setup = start_capture,
                           .ready = ready,
                           .executable = python_executable()};
  return pb_python_main(argc, argv, &hooks);
}

/* ---- pytrace itself ------------------------------------------------------ */

static volatile sig_atomic_t interrupted;
static volatile pid_t program;

/* The first signal is the one pytrace reports; each goes on to the program,
 * which decides how to end (KeyboardInterrupt, or dying of SIGTERM). */
static void on_signal(int sig) {
  if (!interrupted) interrupted = sig;
  if (program > 0) kill(program, sig);
}

/* Leaves --out as it was and ends with one line. */
static void give_up(int status, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

static void give_up(int status, const char *fmt, ...) {
  char why[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  out_abort();
  pb_fail(status, "%s; %s left as it was", why, file.path);
}

/* Matches --name=VALUE; returns VALUE or NULL. */
static const char *option(const char *arg, const char *name) {
  size_t len = strlen(name);
  return strncmp(arg, name, len) == 0 && arg[len] == '=' ? arg + len + 1 : NULL;
}

/* What a trace's reader accepts as a name (workloads/trace.h): 1 to 31
 * printable ASCII characters. */
static void check_workload(const char *name) {
  size_t len = strlen(name);
  if (len == 0 || len >= PB_TRACE_NAME_MAX)
    pb_fail(PB_EXIT_BAD_INPUT,
            "--workload: a name of 1 to %d printable ASCII characters",
            PB_TRACE_NAME_MAX - 1);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c < 0x20 || c > 0x7e)
      pb_fail(PB_EXIT_BAD_INPUT,
              "--workload: byte 0x%02x at offset %zu; a name of 1 to %d "
              "printable ASCII characters",
              c, i, PB_TRACE_NAME_MAX - 1);
  }
}

/* --out as an absolute path, fixed now: the program may change directory,
 * and pytrace itself never does. */
static char *absolute_out(const char *value) {
  char *path = pb_user_path(value);
  if (path[0] == '/') return path;
  char cwd[PATH_MAX], *full;
  if (!getcwd(cwd, sizeof cwd))
    pb_fail(PB_EXIT_BAD_INPUT,
            "--out=%s: cannot tell the current directory: %s", value,
            strerror(errno));
  if (asprintf(&full, "%s/%s", cwd, path) < 0)
    pb_fail(PB_EXIT_FAILED, "out of memory");
  free(path);
  return full;
}

static const char *signal_name(int sig) {
  const char *name = strsignal(sig);
  return name ? name : "unknown signal";
}

int main(int argc, char **argv) {
  pb_set_program("pytrace");
  const char *out_value = NULL, *workload = NULL, *value;
  int first = 1; /* argv[first] starts the Python command line */
  for (; first < argc; first++) {
    const char *arg = argv[first];
    if (strcmp(arg, "--help") == 0) {
      fputs(usage, stdout);
      return pb_finish_stdout() == 0 ? PB_EXIT_OK : PB_EXIT_FAILED;
    } else if ((value = option(arg, "--out"))) {
      if (out_value) pb_fail(PB_EXIT_BAD_INPUT, "--out given twice");
      out_value = value;
    } else if ((value = option(arg, "--workload"))) {
      if (workload) pb_fail(PB_EXIT_BAD_INPUT, "--workload given twice");
      workload = value;
    } else {
      if (strcmp(arg, "--") == 0) first++;
      break;
    }
  }
  if (!out_value || !*out_value)
    pb_fail(PB_EXIT_BAD_INPUT, "give --out=FILE (see --help)");
  if (!workload) workload = "python";
  check_workload(workload);
  if (first >= argc)
    pb_fail(PB_EXIT_BAD_INPUT, "no Python program to run (see --help)");

  /* From here an interrupt is noted and passed on, never the default
   * death that would leave the temporary file behind. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);

  /* --out is checked by creating its temporary file: nothing runs when it
   * cannot be written. */
  char err[PB_FILE_ERROR_MAX];
  char *out = absolute_out(out_value);
  if (out_open(out, err) != 0)
    pb_fail(PB_EXIT_BAD_INPUT, "--out: %s; nothing run", err);
  free(out);
  state = mmap(NULL, sizeof *state, PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (state == MAP_FAILED) give_up(PB_EXIT_OUT_OF_MEMORY, "cannot map a page");
  if (interrupted) give_up(128 + interrupted, "interrupted; nothing run");

  /* The interpreter sees `pytrace PYTHON-ARGS...`. */
  argv[first - 1] = argv[0];
  pb_trace_init(&trace, workload, 0, 0);
  fflush(NULL);
  sigset_t stop, old;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop, &old);
  pid_t parent = getpid(), pid = fork();
  if (pid == 0) return run_program(argc - first + 1, argv + first - 1, parent);
  if (pid < 0) give_up(PB_EXIT_FAILED, "cannot fork: %s", strerror(errno));
  program = pid;
  sigprocmask(SIG_SETMASK, &old, NULL);

  int wstatus;
  while (waitpid(pid, &wstatus, 0) < 0)
    if (errno != EINTR) give_up(PB_EXIT_FAILED, "waitpid: %s", strerror(errno));
  /* A signal from here on no longer reaches the program: the decision
   * below stands. */
  program = 0;
  sigprocmask(SIG_BLOCK, &stop, NULL);

  if (interrupted)
    give_up(128 + interrupted, "interrupted by %s: no trace",
            interrupted == SIGINT ? "SIGINT" : "SIGTERM");
  if (WIFSIGNALED(wstatus)) {
    int sig = WTERMSIG(wstatus);
    give_up(
        128 + sig, "the %s was killed by signal %d (%s): no trace",
        state->started ? "program" : "interpreter, before the program started,",
        sig, signal_name(sig));
  }
  int status = WEXITSTATUS(wstatus);
  if (state->said) { /* it said why in one line */
    out_abort();
    return status;
  }
  if (!state->started)
    give_up(PB_EXIT_BAD_INPUT,
            "the program did not start (the interpreter exited with status "
            "%d): nothing captured",
            status);
  if (!state->ended)
    give_up(PB_EXIT_FAILED,
            "the program ended without running its exit handlers (os._exit or "
            "an exec; exit status %d): no trace",
            status);
  const pb_capture_counts *counts = &state->counts;
  if (counts->refused)
    give_up(PB_EXIT_OUT_OF_MEMORY,
            "out of memory: the allocator refused %llu of the program's "
            "requests (the largest %llu bytes), which a trace cannot hold: "
            "no trace",
            (unsigned long long)counts->refused,
            (unsigned long long)counts->largest_refused);
  if (!state->written) give_up(PB_EXIT_FAILED, "%s", state->error);
  if (out_commit(err) != 0) give_up(PB_EXIT_FAILED, "%s", err);
  if (counts->unknown_frees || counts->unknown_reallocs)
    pb_warn(
        "%llu frees and %llu reallocs of blocks from before the capture "
        "are not in the trace",
        (unsigned long long)counts->unknown_frees,
        (unsigned long long)counts->unknown_reallocs);
  return status;
}
