#!/bin/bash
# pyrun_<backend> behaves as `python3 ARGS...` (Debian's /usr/bin/python3,
# the interpreter libpython3.11 belongs to): sys.argv, exit status, an
# uncaught exception's traceback, the standard library and sys.path, -c,
# paths resolved from BUILD_WORKING_DIRECTORY; and the backend, not
# pymalloc, serves the MEM and OBJ domains.
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
if [[ $expect_allocator == backend ]]; then
  out="$(PYTHONMALLOC=malloc "$pyrun" -c 1 2>&1)"
  rc=$?
  [[ $rc == 2 && $out == *"PYTHONMALLOC=malloc would replace"* ]] ||
    fail "PYTHONMALLOC: exit $rc: $out"
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

finish "pyrun behaves as python3"
