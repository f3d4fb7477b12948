#!/bin/bash
# Fidelity of capture: replaying a program's captured trace on the real
# pymalloc (bench_cpython) reaches the arena high-water mark that the
# program's own run on CPython's pymalloc (pyrun_cpython) reports in
# sys._debugmallocstats(), within one arena (mmap aligns arenas to 4 KiB,
# not to a pool, so an arena holds 63 or 64 pools depending on where it
# lands). For each workload's program, at a small scale.
#
#   capture_fidelity_test.sh PYRUN_CPYTHON PYTRACE BENCH_CPYTHON HELPER SCRIPTS...
set -u
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

absolute() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
pyrun="$(absolute "$1")"
pytrace="$(absolute "$2")"
bench="$(absolute "$3")"
helper="$(absolute "$4")"
shift 4
scale=0.05
dir="$TEST_TMPDIR"
export PYTHONHASHSEED=0 # the same str hashes in every run

# The "# arenas highwater mark" of a _debugmallocstats report.
highwater_of() { sed -n 's/^# arenas highwater mark *= *//p' | tr -d ','; }

checked=0
for script in "$@"; do
  [[ $script == *command_line.py ]] && continue
  name="$(basename "$script" .py)"
  script="$(absolute "$script")"
  real="$("$pyrun" "$helper" "$script" "$scale" 2>&1 >/dev/null | highwater_of)"
  [[ $real =~ ^[0-9]+$ ]] || { fail "$name: no high-water mark in the real run's report"; continue; }
  "$pytrace" --out="$dir/$name.trace" --workload="$name" "$helper" "$script" \
    "$scale" >/dev/null 2>"$dir/$name.err" ||
    { fail "$name: pytrace: $(tail -1 "$dir/$name.err")"; continue; }
  replay="$("$bench" --trace="$dir/$name.trace" --json |
    sed -n 's/.*"after_release":{[^}]*"arenas_highwater":\([0-9]*\).*/\1/p')"
  [[ $replay =~ ^[0-9]+$ ]] || { fail "$name: no arenas_highwater from the replay"; continue; }
  diff=$((replay - real))
  echo "$name: high-water mark $real arenas in the real run, $replay in the replay of its capture"
  ((diff >= -1 && diff <= 1)) || fail "$name: replay $replay arenas, real run $real"
  ((real >= 2)) || fail "$name: only $real arena: the scale proves nothing"
  checked=$((checked + 1))
done
# The six workloads' programs and the three threaded ones (captured under
# the GIL, as one thread's trace).
[[ $checked == 9 ]] || fail "checked $checked programs, expected the nine workloads'"

finish "the replays reach the real runs' arena high-water marks"
