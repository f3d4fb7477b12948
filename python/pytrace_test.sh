#!/bin/bash
# pytrace's command line: bad options (one line, exit 2), the program's exit
# status passed on with the trace written, the workload name, --out relative
# to BUILD_WORKING_DIRECTORY and fixed before the program runs; and the
# trace loads (make_trace --info). An --out that cannot be written, a
# program that does not start, ends in os._exit, runs out of memory or is
# interrupted: exit status and one line saying why, the old --out untouched.
# sys.executable runs python3's command line. pytrace_outcomes_test tries
# the outcomes together.
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
expect 2 "--workload: a name of 1 to 31 printable ASCII characters" --out=a \
  --workload=0123456789012345678901234567890123 -c 1
expect 2 "--workload given twice" --out=a --workload=a --workload=b -c 1

# Names the trace's reader would refuse: refused before anything runs.
cd "$dir"
expect 2 "--workload: byte 0x0a at offset 3" --out=names.trace \
  --workload=$'one\ntwo' -c 'open("ran", "w")'
expect 2 "--workload: byte 0xc3 at offset 1" --out=names.trace \
  --workload=$'n\xc3\xa9' -c 'open("ran", "w")'
expect 2 "--workload: byte 0x7f at offset 0" --out=names.trace \
  --workload=$'\x7fx' -c 'open("ran", "w")'
[[ ! -e ran && ! -e names.trace ]] || fail "a refused name ran the program"
cd /

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

# --out is the directory pytrace started in, not the program's (H1).
mkdir -p "$dir/start/elsewhere"
out="$(cd "$dir/start" && "$pytrace" --out=moved.trace -c '
import os
os.chdir("elsewhere")
print("moved")' 2>&1)"
[[ $out == moved && -s "$dir/start/moved.trace" && ! -e "$dir/start/elsewhere/moved.trace" ]] ||
  fail "relative --out after chdir: $out; $(ls -R "$dir/start")"
out="$(cd / && BUILD_WORKING_DIRECTORY="$dir/start" "$pytrace" --out=moved2.trace -c '
import os
os.chdir("elsewhere")' 2>&1)"
[[ -s "$dir/start/moved2.trace" && ! -e "$dir/start/elsewhere/moved2.trace" ]] ||
  fail "relative --out under bazel run after chdir: $out"

# An --out that cannot be written: exit 2 and one line naming it, before
# the program runs (M3).
bad_out() {
  rm -f "$dir/ran"
  expect 2 "$2" --out="$1" -c "open('$dir/ran', 'w')"
  [[ ! -e "$dir/ran" ]] || fail "--out=$1: the program ran"
}
bad_out "$dir/no/such/dir/x.trace" "$dir/no/such/dir/x.trace: cannot create a temporary file"
bad_out /dev/null "/dev/null: exists and is not a regular file"
bad_out "$dir/user" "$dir/user: exists and is not a regular file"
# sysfs takes no new files, even from root (when /sys is one).
if ! (: >/sys/pytrace_probe) 2>/dev/null; then
  bad_out /sys/x.trace "/sys/x.trace: cannot create a temporary file"
else
  rm -f /sys/pytrace_probe
fi
if [[ $(id -u) != 0 ]]; then
  mkdir -p "$dir/readonly" && chmod 555 "$dir/readonly"
  bad_out "$dir/readonly/x.trace" "cannot create a temporary file: Permission denied"
fi

# old_kept LABEL: the trace at $dir/kept.trace is still the one saved in
# $dir/kept.orig, and nothing else is left beside it.
printf 'an old trace' >"$dir/kept.orig"
old_kept() {
  cmp -s "$dir/kept.trace" "$dir/kept.orig" || fail "$1: the old --out was replaced"
  local stray
  stray="$(ls "$dir" | grep '^kept\.trace\.tmp')"
  [[ -z $stray ]] || fail "$1: left $stray"
}
# kept STATUS PATTERN ARGS...: pytrace --out=kept.trace ARGS exits STATUS,
# says PATTERN in one line of its own, and leaves the old file.
kept() {
  local status="$1" pattern="$2"
  shift 2
  cp "$dir/kept.orig" "$dir/kept.trace"
  timeout 60 "$pytrace" --out="$dir/kept.trace" "$@" >"$dir/out" 2>"$dir/err"
  local rc=$?
  [[ $rc == "$status" ]] || fail "$*: exit $rc, expected $status: $(cat "$dir/err")"
  [[ $(grep -c '^pytrace: ' "$dir/err") == 1 ]] && grep -q "^pytrace: .*$pattern" "$dir/err" ||
    fail "$*: expected one line with '$pattern': $(cat "$dir/err")"
  old_kept "$*"
}

# The program did not start (M1).
kept 2 "cannot open $dir/missing.py: No such file or directory" "$dir/missing.py"
mkdir -p "$dir/nomain"
kept 2 "$dir/nomain is a directory without __main__.py" "$dir/nomain"
PYTHONHOME=/nonexistent kept 2 "the program did not start (the interpreter exited with status 1)" -c 1
# ... but a directory with __main__.py is a program.
echo 'print("main")' >"$dir/nomain/__main__.py"
out="$("$pytrace" --out="$dir/main.trace" "$dir/nomain" 2>&1)"
[[ $out == main && -s "$dir/main.trace" ]] || fail "directory with __main__.py: $out"

# The capture fails: a request no trace op can hold (M1).
kept 1 "a request of 5368709121 bytes: a trace op holds at most" \
  -c 'x = bytearray(5 << 30)'

# os._exit bypasses the exit handlers: no trace, and not exit 0 (M2).
kept 1 "ended without running its exit handlers (os._exit or an exec; exit status 0)" \
  -c 'import os; os._exit(0)'
kept 1 "exit status 7" -c 'import os; os._exit(7)'

# Out of memory: the program's requests refused (M1). Not under ASan, whose
# shadow memory does not fit under ulimit -v.
if [[ -z ${ASAN_OPTIONS:-} ]]; then
  (
    ulimit -v 1000000
    kept 3 "out of memory: the allocator refused" -c 'x = [0] * (1 << 28)'
  )
  # The capture's own tables (the trace, the address table) grow past
  # the limit first.
  (
    ulimit -v 200000
    kept 3 "Cannot allocate memory" -c 'x = [object() for _ in range(3 * 10**6)]'
  )
fi

# Interrupted: 130 or 143, the old file kept (M5).
interrupt() {
  local sig="$1" status="$2"
  cp "$dir/kept.orig" "$dir/kept.trace"
  rm -f "$dir/ready"
  "$pytrace" --out="$dir/kept.trace" -c "
import time
open('$dir/ready', 'w').close()
time.sleep(60)" >/dev/null 2>"$dir/err" &
  local pid=$! i
  for ((i = 0; i < 600; i++)); do
    [[ -e "$dir/ready" ]] && break
    sleep 0.05
  done
  kill -"$sig" "$pid"
  wait "$pid"
  local rc=$?
  [[ $rc == "$status" ]] || fail "SIG$sig: exit $rc: $(cat "$dir/err")"
  grep -q "^pytrace: interrupted by SIG$sig: no trace; $dir/kept.trace left as it was" "$dir/err" ||
    fail "SIG$sig: $(cat "$dir/err")"
  old_kept "SIG$sig"
}
interrupt INT 130
interrupt TERM 143

# Killed outright, no handler runs: where the file system has unnamed files
# (O_TMPFILE), which pytrace then writes, nothing is left beside --out.
if [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c '
import os, sys
os.close(os.open(sys.argv[1], os.O_TMPFILE | os.O_WRONLY))' "$dir" 2>/dev/null; then
  cp "$dir/kept.orig" "$dir/kept.trace"
  rm -f "$dir/ready"
  "$pytrace" --out="$dir/kept.trace" -c "
import time
open('$dir/ready', 'w').close()
time.sleep(60)" >/dev/null 2>&1 &
  pid=$!
  for ((i = 0; i < 600; i++)); do
    [[ -e "$dir/ready" ]] && break
    sleep 0.05
  done
  kill -KILL "$pid"
  wait "$pid"
  old_kept "SIGKILL"
else
  echo "skipped SIGKILL: no O_TMPFILE in $dir (or no /usr/bin/python3 to tell)"
fi

# A child the program forks and that outlives it neither writes its own
# trace over --out nor spoils the parent's (H2).
rm -f "$dir/child.pid"
"$pytrace" --out="$dir/fork.trace" -c "
import os, sys, time
pid = os.fork()
if pid == 0:
    time.sleep(0.5)
    junk = [str(i) for i in range(100000)]
    sys.exit(0)
open('$dir/child.pid', 'w').write(str(pid))" 2>"$dir/err" ||
  fail "fork: exit $?: $(cat "$dir/err")"
cp "$dir/fork.trace" "$dir/fork.parent"
child="$(cat "$dir/child.pid")"
for ((i = 0; i < 200; i++)); do
  kill -0 "$child" 2>/dev/null || break
  sleep 0.05
done
cmp -s "$dir/fork.trace" "$dir/fork.parent" || fail "fork: the child rewrote --out"
"$make_trace" --info="$dir/fork.trace" >/dev/null 2>&1 || fail "fork: the trace does not load"

# Threads: RAW calls come without the GIL (thread states, from each
# thread's start and end) beside the MEM and OBJ ones; the trace loads.
"$pytrace" --out="$dir/threads.trace" -c '
import threading
def work(n):
    for _ in range(n):
        t = threading.Thread(target=lambda: [str(i) for i in range(300)])
        t.start()
        t.join()
workers = [threading.Thread(target=work, args=(50,)) for _ in range(4)]
for w in workers:
    w.start()
for w in workers:
    w.join()' 2>"$dir/err" || fail "threads: exit $?: $(cat "$dir/err")"
"$make_trace" --info="$dir/threads.trace" >/dev/null 2>&1 || fail "threads: the trace does not load"

# sys.executable takes python3's command line, on the same interpreter (M4).
out="$("$pytrace" --out="$dir/sub.trace" -c '
import subprocess, sys
subprocess.run([sys.executable, "-c", "import sys; print(sys.version_info[:2])"], check=True)' 2>&1)"
[[ $out == "(3, 11)" ]] || fail "subprocess of sys.executable: $out"
cp "$TEST_SRCDIR/$TEST_WORKSPACE/python/spawn_pool_test_program.py" "$dir/spawn.py"
out="$(timeout 60 "$pytrace" --out="$dir/spawn.trace" "$dir/spawn.py" 2>&1)"
[[ $out == "[2, 4, 6]" && -s "$dir/spawn.trace" ]] || fail "multiprocessing's spawn: $out"

# bazel's variables do not reach the program (L5).
out="$(BUILD_WORKING_DIRECTORY="$dir" BUILD_WORKSPACE_DIRECTORY="$dir" \
  "$pytrace" --out="$dir/env.trace" -c '
import os
print(sorted(k for k in os.environ if k.startswith("BUILD_W")))' 2>&1)"
[[ $out == "[]" ]] || fail "bazel's variables reach the program: $out"

finish "pytrace checks passed"
