/* CPython 3.11 embedded so that it behaves exactly as `python3 ARGS...`
 * would (sys.argv, sys.path and the standard library, -c and -m, exit
 * status, tracebacks), with one moment left to the caller: after the
 * interpreter's pre-initialization and before its initialization, the only
 * time a program may replace the MEM and OBJ allocators (PEP 445;
 * "Customize Memory Allocators" in the C API documentation). */
#ifndef POOLBENCH_PYTHON_INTERPRETER_H
#define POOLBENCH_PYTHON_INTERPRETER_H

/* Called once, after pre-initialization and before any MEM or OBJ
 * allocation. */
typedef void (*pb_python_setup)(void);

/* Runs the interpreter on argv as python3 would (argv[0] is the program)
 * and returns its exit status.
 *
 * Under `bazel run` it first changes to the directory the user ran bazel in
 * (BUILD_WORKING_DIRECTORY), so that the script path and every relative path
 * the script opens mean what they mean in the user's shell. */
int pb_python_main(int argc, char **argv, pb_python_setup setup);

#endif /* POOLBENCH_PYTHON_INTERPRETER_H */
