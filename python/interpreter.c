#include "python/interpreter.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fail.h"

/* The working directory the user meant (see interpreter.h); bazel's
 * variables then go, before the interpreter copies the environment. */
static void enter_user_directory(void) {
  const char *dir = getenv("BUILD_WORKING_DIRECTORY");
  if (dir && *dir && chdir(dir) != 0)
    pb_fail(PB_EXIT_BAD_INPUT, "cannot enter %s (BUILD_WORKING_DIRECTORY): %s",
            dir, strerror(errno));
  unsetenv("BUILD_WORKING_DIRECTORY");
  unsetenv("BUILD_WORKSPACE_DIRECTORY");
}

/* A failed step of start-up: `python3 --version` and `-h` end here too
 * (an "exit" status), as in CPython's own main (Modules/main.c). */
static int finish(PyStatus status) {
  if (PyStatus_IsExit(status)) return status.exitcode;
  Py_ExitStatusException(status); /* prints CPython's message, exits 1 */
}

/* This binary's own path: argv[0] may be relative to a directory the
 * program has since left (BUILD_WORKING_DIRECTORY), or a bare name found
 * on PATH. */
static const char *own_path(void) {
  static char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return NULL;
  path[n] = '\0';
  return path;
}

int pb_python_main(int argc, char **argv, const pb_python_hooks *hooks) {
  enter_user_directory();

  /* Pre-initialization reads what must be known before anything is
   * decoded or allocated (-E, -I, -X utf8, PYTHONMALLOC, the locale) from
   * the same command line the interpreter will see. */
  PyPreConfig preconfig;
  PyPreConfig_InitPythonConfig(&preconfig);
  PyStatus status = Py_PreInitializeFromBytesArgs(&preconfig, argc, argv);
  if (PyStatus_Exception(status)) return finish(status);

  if (hooks->setup) hooks->setup();

  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  status = PyConfig_SetBytesArgv(&config, argc, argv);
  const char *executable = hooks->executable ? hooks->executable : own_path();
  if (!PyStatus_Exception(status) && executable)
    status = PyConfig_SetBytesString(&config, &config.executable, executable);
  /* Reading the command line now tells the ready hook what will run. */
  if (!PyStatus_Exception(status)) status = PyConfig_Read(&config);
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  /* Encoded into a static buffer: through the allocators the program's
   * trace would hold it. */
  static char script[4 * PATH_MAX];
  int has_script =
      !PyStatus_Exception(status) && config.run_filename &&
      wcstombs(script, config.run_filename, sizeof script) < sizeof script;
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) return finish(status);

  if (hooks->ready) hooks->ready(has_script ? script : NULL);

  /* Runs the script, -c or -m as python3 does; prints an uncaught
   * exception's traceback; finalizes; returns the exit status. */
  return Py_RunMain();
}
