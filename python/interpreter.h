/* CPython 3.11 embedded so that it behaves exactly as `python3 ARGS...`
 * would (sys.argv, sys.path and the standard library, -c and -m, exit
 * status, tracebacks), with two moments left to the caller: after the
 * interpreter's pre-initialization and before its initialization, the only
 * time a program may replace the MEM and OBJ allocators (PEP 445;
 * "Customize Memory Allocators" in the C API documentation); and once it is
 * initialized, just before the program runs. */
#ifndef POOLBENCH_PYTHON_INTERPRETER_H
#define POOLBENCH_PYTHON_INTERPRETER_H

typedef struct pb_python_hooks {
  /* Called once, after pre-initialization and before any MEM or OBJ
   * allocation. */
  void (*setup)(void);
  /* Called once the interpreter is initialized, before the program's first
   * line, with what python3 will run: the script's path as given (NULL for
   * -c, -m and standard input). May be NULL. */
  void (*ready)(const char *script);
  /* sys.executable: a program that runs this same interpreter on this same
   * allocator, so that subprocess.run([sys.executable, ...]) and
   * multiprocessing's spawn start method do what they do under python3.
   * NULL: this binary itself (/proc/self/exe), which must then take
   * python3's command line. */
  const char *executable;
} pb_python_hooks;

/* Runs the interpreter on argv as python3 would (argv[0] is the program)
 * and returns its exit status.
 *
 * Under `bazel run` it first changes to the directory the user ran bazel in
 * (BUILD_WORKING_DIRECTORY), so that the script path and every relative path
 * the script opens mean what they mean in the user's shell; then it removes
 * BUILD_WORKING_DIRECTORY and BUILD_WORKSPACE_DIRECTORY from the
 * environment, so that the program's os.environ and its child processes (a
 * pyrun started through sys.executable) do not see them and do not change
 * directory again. */
int pb_python_main(int argc, char **argv, const pb_python_hooks *hooks);

#endif /* POOLBENCH_PYTHON_INTERPRETER_H */
