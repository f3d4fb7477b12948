#include "python/interpreter.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fail.h"

/* The working directory the user meant (see interpreter.h). */
static void enter_user_directory(void) {
  const char *dir = getenv("BUILD_WORKING_DIRECTORY");
  if (dir && *dir && chdir(dir) != 0)
    pb_fail(PB_EXIT_BAD_INPUT, "cannot enter %s (BUILD_WORKING_DIRECTORY): %s",
            dir, strerror(errno));
}

/* A failed step of start-up: `python3 --version` and `-h` end here too
 * (an "exit" status), as in CPython's own main (Modules/main.c). */
static int finish(PyStatus status) {
  if (PyStatus_IsExit(status)) return status.exitcode;
  Py_ExitStatusException(status); /* prints CPython's message, exits 1 */
}

int pb_python_main(int argc, char **argv, pb_python_setup setup) {
  enter_user_directory();

  /* Pre-initialization reads what must be known before anything is
   * decoded or allocated (-E, -I, -X utf8, PYTHONMALLOC, the locale) from
   * the same command line the interpreter will see. */
  PyPreConfig preconfig;
  PyPreConfig_InitPythonConfig(&preconfig);
  PyStatus status = Py_PreInitializeFromBytesArgs(&preconfig, argc, argv);
  if (PyStatus_Exception(status)) return finish(status);

  setup();

  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  status = PyConfig_SetBytesArgv(&config, argc, argv);
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) return finish(status);

  /* Runs the script, -c or -m as python3 does; prints an uncaught
   * exception's traceback; finalizes; returns the exit status. */
  return Py_RunMain();
}
