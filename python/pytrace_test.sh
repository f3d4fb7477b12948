#!/bin/bash
# pytrace's command line: bad options (one line, exit 2), the program's exit
# status passed on with the trace written, the workload name, --out relative
# to BUILD_WORKING_DIRECTORY; and the trace loads (make_trace --info).
#
#   pytrace_test.sh PYTRACE MAKE_TRACE
set -u
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

pytrace="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
make_trace="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
bin="$pytrace"
dir="$TEST_TMPDIR"

expect 2 "give --out=FILE" -c 1
expect 2 "give --out=FILE" --out= -c 1
expect 2 "no Python program to run" --out="$dir/x.trace"
expect 2 "no Python program to run" --out="$dir/x.trace" --
expect 2 "--out given twice" --out=a --out=b -c 1
expect 2 "--workload: a name of 1 to 31 characters" --out=a \
  --workload=0123456789012345678901234567890123 -c 1

# The program's own status; the trace is written all the same.
out="$("$pytrace" --out="$dir/exit.trace" --workload=exiting -c '
import sys
print("hello", sys.argv[1:])
sys.exit(5)' one two 2>&1)"
rc=$?
[[ $rc == 5 ]] || fail "exit status $rc, expected the program's 5"
[[ $out == "hello ['one', 'two']" ]] || fail "program output: $out"
info="$("$make_trace" --info="$dir/exit.trace" 2>&1)" || fail "info: $info"
[[ $info == *"workload                 exiting"* ]] || fail "name: $info"
[[ $info == *"domain obj"* ]] || fail "no domains: $info"

# A traceback, and the default name.
"$pytrace" --out="$dir/boom.trace" -c 'raise KeyError(3)' 2>"$dir/err"
rc=$?
[[ $rc == 1 ]] || fail "uncaught exception: exit $rc"
grep -q "KeyError: 3" "$dir/err" || fail "no traceback: $(cat "$dir/err")"
info="$("$make_trace" --info="$dir/boom.trace" 2>&1)"
[[ $info == *"workload                 python"* ]] || fail "default name: $info"

# Relative paths are the user's, under bazel run.
mkdir -p "$dir/user"
echo 'print("ran")' >"$dir/user/hi.py"
out="$(cd / && BUILD_WORKING_DIRECTORY="$dir/user" "$pytrace" --out=rel.trace hi.py 2>&1)"
[[ $out == ran && -s "$dir/user/rel.trace" ]] || fail "relative paths: $out"

# An unwritable trace: one line naming it, exit 1, after the program ran.
out="$("$pytrace" --out="$dir/no/such/dir/x.trace" -c 'print("ran")' 2>&1)"
rc=$?
[[ $rc == 1 && $out == ran*"$dir/no/such/dir/x.trace"* ]] ||
  fail "unwritable trace: exit $rc: $out"

finish "pytrace checks passed"
