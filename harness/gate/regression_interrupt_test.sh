#!/bin/bash
# The gate interrupted while it counts: SIGINT stops the callgrind run at
# once, exit 130 within a few seconds, nothing left in $TMPDIR (the traces,
# callgrind's file), nothing compared and the baseline not rewritten, even
# with --update-baseline (an update from a partial matrix would drop cells).
set -u
# Job control: the gate runs in a process group of its own, where a child it
# left behind would be found, and SIGINT is not ignored in it.
set -m

bin="$TEST_SRCDIR/$TEST_WORKSPACE/harness/gate/regression"
dir="$TEST_TMPDIR"
export TMPDIR="$dir/tmp"
mkdir -p "$TMPDIR"
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

# A baseline of this build (so that the versions match), then moved to
# scale 1: its callgrind run takes seconds, long enough to be interrupted.
baseline="$dir/baseline.json"
gate=(--backends=pool --workloads=ints --baseline="$baseline")
"$bin" "${gate[@]}" --update-baseline >"$dir/record.out" 2>&1 ||
  fail "recording the baseline: $(cat "$dir/record.out")"
sed -i 's/^  "scale": .*,$/  "scale": 1,/' "$baseline"
grep -q '^  "scale": 1,$' "$baseline" || fail "baseline: no scale to set: $(head -5 "$baseline")"
cp "$baseline" "$dir/before.json"
rm -rf "${TMPDIR:?}"/*

"$bin" "${gate[@]}" --update-baseline >"$dir/gate.out" 2>"$dir/gate.err" &
pid=$!
# Sent once callgrind's file appears: the callgrind run has started.
seen=0
for _ in $(seq 1 1200); do
  if ls "$TMPDIR" | grep -q '^poolbench-callgrind\.'; then
    seen=1
    break
  fi
  sleep 0.05
done
((seen)) || fail "callgrind's file never appeared: $(cat "$dir/gate.err")"
kill -INT "$pid"
(sleep 5 && kill -KILL "$pid") 2>/dev/null &
watchdog=$!
wait "$pid"
rc=$?
kill -- "-$watchdog" 2>/dev/null
wait "$watchdog" 2>/dev/null

[[ $rc == 130 ]] || fail "exit $rc, expected 130 within 5 s: $(cat "$dir/gate.err")"
left=$(ps -e -o pid=,pgid=,args= | awk -v group="$pid" '$2 == group')
[[ -z $left ]] || fail "processes left running: $left"
left=$(ls -A "$TMPDIR")
[[ -z $left ]] || fail "left in \$TMPDIR: $left"
grep -qF "interrupted (SIGINT): nothing compared, $baseline not written" "$dir/gate.err" ||
  fail "$(cat "$dir/gate.err")"
grep -q "failed" "$dir/gate.err" && fail "reported as failed: $(cat "$dir/gate.err")"
[[ ! -s "$dir/gate.out" ]] || fail "compared or wrote: $(cat "$dir/gate.out")"
cmp -s "$baseline" "$dir/before.json" || fail "the baseline was rewritten"

finish "the gate stopped on SIGINT"
