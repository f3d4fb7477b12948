#!/bin/bash
# pyrun_<backend> behaves as `python3 ARGS...` (Debian's /usr/bin/python3,
# the interpreter libpython3.11 belongs to): sys.argv, exit status, an
# uncaught exception's traceback, the standard library and sys.path, -c,
# paths resolved from BUILD_WORKING_DIRECTORY (which the program's
# environment then lacks); the backend, not pymalloc, serves the MEM and OBJ
# domains; sys.executable runs pyrun again (subprocess, multiprocessing's
# spawn); PYTHONMALLOC is refused; it starts under ulimit -v; it reports
# its allocator's footprint when asked (python/footprint.h).
#
#   pyrun_test.sh PYRUN pymalloc|backend
set -u
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

pyrun="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
expect_allocator="$2"
python=/usr/bin/python3
dir="$TEST_TMPDIR"

# same LABEL ARGS...: pyrun and python3 print the same, with the same status.
same() {
  local label="$1"
  shift
  local want got want_rc got_rc
  want="$(cd "$dir" && "$python" "$@" 2>&1)"
  want_rc=$?
  got="$(cd "$dir" && "$pyrun" "$@" 2>&1)"
  got_rc=$?
  [[ $got_rc == "$want_rc" ]] || fail "$label: exit $got_rc, python3 exits $want_rc"
  [[ $got == "$want" ]] || fail "$label: output differs from python3's:
--- python3
$want
--- pyrun
$got"
}

cat >"$dir/show.py" <<'PY'
import sys
print(sys.argv)
print(sys.path[0] == __file__.rpartition("/")[0] or sys.path[0])
PY
same "argv" show.py a 'b c' --flag -x
same "argv of -c" -c 'import sys; print(sys.argv)' one two

cat >"$dir/status.py" <<'PY'
import sys
sys.exit(int(sys.argv[1]))
PY
same "exit status 0" status.py 0
same "exit status 7" status.py 7
same "exit status of -c" -c 'raise SystemExit(42)'

cat >"$dir/boom.py" <<'PY'
def inner():
    raise ValueError("boom")

inner()
PY
same "traceback" boom.py
out="$(cd "$dir" && "$pyrun" boom.py 2>&1)"
[[ $out == *"Traceback (most recent call last)"*'line 2, in inner'*"ValueError: boom"* ]] ||
  fail "traceback: $out"

# The standard library is Debian's, found as /usr/bin/python3 finds it.
same "standard library" -c '
import sys, json, email.parser, sqlite3, decimal
print(sys.prefix, sys.exec_prefix, sys.version)
print(sys.path[1:])
print(json.__file__, decimal.Decimal("1.1") + 1)'

same "-c with stdin closed" -c 'print(sum(range(10)))'

# A script path relative to where `bazel run` was started.
mkdir -p "$dir/user/sub"
cat >"$dir/user/sub/where.py" <<'PY'
import os
print(os.getcwd())
PY
out="$(cd / && BUILD_WORKING_DIRECTORY="$dir/user" "$pyrun" sub/where.py 2>&1)"
[[ $out == "$dir/user" ]] || fail "BUILD_WORKING_DIRECTORY: printed '$out'"
out="$(BUILD_WORKING_DIRECTORY="$dir/nosuch" "$pyrun" -c 1 2>&1)"
rc=$?
[[ $rc == 2 && $out == *"cannot enter $dir/nosuch"* ]] ||
  fail "missing BUILD_WORKING_DIRECTORY: exit $rc: $out"

# sys.getallocatedblocks() counts pymalloc's blocks: none when the backend
# serves the MEM and OBJ domains, thousands when pymalloc does.
blocks="$("$pyrun" -c 'import sys; print(sys.getallocatedblocks())' 2>&1)"
case "$expect_allocator" in
  backend) [[ $blocks == 0 ]] || fail "pymalloc served $blocks blocks" ;;
  pymalloc) [[ $blocks -gt 1000 ]] || fail "pymalloc served only $blocks blocks" ;;
  *) fail "unknown expectation $expect_allocator" ;;
esac
# Any PYTHONMALLOC that would put another allocator (or CPython's debug
# hooks) under the program is refused, in one line, before it runs.
bin="$pyrun"
for choice in malloc debug pymalloc_debug malloc_debug; do
  PYTHONMALLOC=$choice expect 2 "PYTHONMALLOC=$choice would replace" -c 'print("ran")'
done
if [[ $expect_allocator == pymalloc ]]; then
  out="$(PYTHONMALLOC=pymalloc "$pyrun" -c 'print("ran")' 2>&1)"
  [[ $out == ran ]] || fail "PYTHONMALLOC=pymalloc: $out"
else
  PYTHONMALLOC=pymalloc expect 2 "PYTHONMALLOC=pymalloc would replace" -c 1
fi

# bazel's variables stay with pyrun: the program's environment, and so a
# child pyrun, do not see them.
out="$(cd / && BUILD_WORKING_DIRECTORY="$dir/user" BUILD_WORKSPACE_DIRECTORY="$dir" "$pyrun" -c '
import os
print(sorted(k for k in os.environ if k.startswith("BUILD_W")))' 2>&1)"
[[ $out == "[]" ]] || fail "bazel's variables reach the program: $out"

# sys.executable is pyrun itself, even when started by a relative path
# from a directory it then left (bazel run): a child runs on the same
# backend (sys.getallocatedblocks says which).
want="$("$pyrun" -c 'import sys; print(sys.getallocatedblocks() > 0)')"
out="$(cd "$(dirname "$pyrun")" && BUILD_WORKING_DIRECTORY="$dir" "./$(basename "$pyrun")" -c '
import subprocess, sys
subprocess.run([sys.executable, "-c",
                "import sys; print(sys.getallocatedblocks() > 0)"], check=True)' 2>&1)"
[[ $out == "$want" ]] || fail "subprocess of sys.executable printed '$out', not '$want'"
cp "$TEST_SRCDIR/$TEST_WORKSPACE/python/spawn_pool_test_program.py" "$dir/spawn.py"
out="$(cd "$dir" && timeout 60 "$pyrun" spawn.py 2>&1)"
[[ $out == "[2, 4, 6]" ]] || fail "multiprocessing's spawn: $out"

# Under a limit on address space (not under ASan, whose shadow memory does
# not fit under one): the oracle sizes its reservation from what is left.
if [[ -z ${ASAN_OPTIONS:-} ]]; then
  out="$(
    ulimit -v 4000000
    "$pyrun" -c 'print(sum(len(str(i)) for i in range(100000)))' 2>&1
  )"
  [[ $out == 488890 ]] || fail "under ulimit -v 4000000: $out"
fi

# A program that allocates in earnest: a million objects of every kind.
out="$("$pyrun" -c '
d = {i: (str(i), [i] * (i % 7), float(i)) for i in range(200000)}
s = sum(len(v[0]) + len(v[1]) for v in d.values())
del d
print(s)' 2>&1)"
want="$("$python" -c '
d = {i: (str(i), [i] * (i % 7), float(i)) for i in range(200000)}
s = sum(len(v[0]) + len(v[1]) for v in d.values())
del d
print(s)' 2>&1)"
[[ $out == "$want" ]] || fail "allocation-heavy program printed '$out', python3 '$want'"

# Asked to (PB_FOOTPRINT_FD), pyrun reports its allocator's footprint: a
# program holding 32 MiB of objects reports at least 24 MiB more than an
# empty one (and ends by sys.exit, after which CPython calls exit itself),
# its environment lacks the variable, and neither a child pyrun through
# sys.executable nor a forked child writes a second report.
footprint() {
  rm -f "$dir/footprint"
  (cd "$dir" && PB_FOOTPRINT_FD=7 "$pyrun" "$@" 7>"$dir/footprint") ||
    fail "pyrun $*: exit $?"
  cat "$dir/footprint"
}
empty="$(footprint -c pass)"
held="$(footprint -c '
import os, subprocess, sys
assert "PB_FOOTPRINT_FD" not in os.environ
subprocess.run([sys.executable, "-c", "pass"], check=True)
held = [(i, i + 1) for i in range(400000)]
if os.fork() == 0:
    sys.exit(0)
os.wait()
sys.exit(0)')"
[[ $empty =~ ^[0-9]+$ && $held =~ ^[0-9]+$ ]] ||
  fail "footprints: empty '$empty', held '$held'"
((held >= empty + (24 << 20))) || fail "held 32 MiB: $held, empty: $empty"

finish "pyrun behaves as python3"
