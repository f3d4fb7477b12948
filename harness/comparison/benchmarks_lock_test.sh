#!/bin/bash
# Two comparisons into one --out (issue 16 M11): the second is refused at
# once, in one line naming the folder, and the first writes its set whole.
# The folder is held with flock on the directory itself, which flock(1)
# takes the same way.
set -u

bin="$TEST_SRCDIR/$TEST_WORKSPACE/harness/comparison/benchmarks"
dir="$TEST_TMPDIR"
export TMPDIR="$dir/tmp"
mkdir -p "$TMPDIR"
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

tiny=(--backends=pool --workloads=ints --scale=0.0001)
out="$dir/shared"

# A comparison that runs a few seconds; the second starts once it has begun
# its runs.
"$bin" "${tiny[@]}" --runs=400 --out="$out" >"$dir/first.out" 2>"$dir/first.err" &
first=$!
started=0
for _ in $(seq 1 600); do
  if grep -q '^400 runs (' "$dir/first.err" 2>/dev/null; then
    started=1
    break
  fi
  sleep 0.05
done
((started)) || fail "the first comparison never started its runs: $(cat "$dir/first.err")"
expect 2 "benchmarks: $out: another comparison is writing into it" "${tiny[@]}" \
  --runs=1 --out="$out"
wait "$first" || fail "the first comparison: exit $?: $(cat "$dir/first.err")"
grep -q "^wrote $out: latest.md" "$dir/first.err" || fail "the first: $(cat "$dir/first.err")"
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["options"]["runs"] == 400, j["options"]
' "$out/latest.json" || fail "latest.json is not the first comparison's"
# Nothing left in the folder but the set.
[[ $(ls -A "$out" | wc -l) == 7 ]] || fail "left in $out: $(ls -A "$out")"

# Held by another holder (this shell, flock(1) on the folder open as fd 9):
# refused at once; free again once it lets go.
exec 9<"$out"
flock -n 9 || fail "flock(1) could not take $out"
expect 2 "$out: another comparison is writing into it" "${tiny[@]}" --runs=1 --out="$out"
exec 9<&-
expect 0 "" "${tiny[@]}" --runs=1 --out="$out"

finish "one comparison at a time in a folder"
