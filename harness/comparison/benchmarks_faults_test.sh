#!/bin/bash
# The comparison driver under faults: a write that fails midway, results of
# an earlier set, generation running out of memory, and where results go
# when paths are relative or the workspace is unset. Each case once lost
# runs, clobbered files or leaked traces. Interrupted:
# benchmarks_interrupt_test.sh.
set -u

bin="$TEST_SRCDIR/$TEST_WORKSPACE/harness/comparison/benchmarks"
dir="$TEST_TMPDIR"
# The driver's traces go to $TMPDIR: a private one shows what it leaves.
export TMPDIR="$dir/tmp"
mkdir -p "$TMPDIR"
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

no_traces_left() {
  local left
  left=$(ls -A "$TMPDIR")
  [[ -z $left ]] || fail "$1: left in \$TMPDIR: $left"
}

# A matrix of tiny runs (oracle and pool replay a few hundred ops: without
# the start-up heap, whose 500 KB of trace would reach the file size limit
# below before the results do).
tiny=(--backends=pool,oracle --workloads=ints --scale=0.0001 --no-startup-heap)

# ---- progress in a log ------------------------------------------------------
# Not a terminal: a line for the first run, then one every 5% of the runs
# and 10 s, whichever comes later, and the last; not one per run (a default
# run printed 249). None says "0 s left".
out="$dir/progress"
"$bin" "${tiny[@]}" --runs=100 --out="$out" >/dev/null 2>"$out.err" ||
  fail "progress: $(cat "$out.err")"
lines=$(grep -c '^\[' "$out.err")
((lines >= 2 && lines <= 4)) || fail "progress: $lines lines for 200 quick runs: $(cat "$out.err")"
grep -q '^\[.* 0/200 .*about [0-9]' "$out.err" || fail "progress: no first line: $(cat "$out.err")"
grep -q ' 0 s left' "$out.err" && fail "progress: says 0 s left: $(cat "$out.err")"

# ---- a write that fails midway (a full disk) -----------------------------
# A file size limit between the tables and the JSON makes the JSON's write
# fail after the Markdown and CSV were written: the set is all or nothing.
ref="$dir/write_ref"
"$bin" "${tiny[@]}" --runs=3 --out="$ref" >/dev/null 2>"$ref.err" ||
  fail "reference run: $(cat "$ref.err")"
md=$(stat -c %s "$ref/latest.md")
csv=$(stat -c %s "$ref/latest.csv")
summary=$(stat -c %s "$ref/latest_summary.csv")
json=$(stat -c %s "$ref/latest.json")
limit=$(((md + json) / 2 / 1024)) # KiB, as ulimit -f counts in bash
((md < limit * 1024 && csv < limit * 1024 && summary < limit * 1024 &&
  json > limit * 1024)) ||
  fail "sizes md $md, csv $csv, summary $summary, json $json leave no limit between them"
out="$dir/write_fails"
cp -r "$ref" "$out"
(
  trap '' XFSZ # a write past the limit fails with EFBIG instead of killing
  ulimit -f "$limit"
  exec "$bin" "${tiny[@]}" --runs=3 --out="$out"
) >/dev/null 2>"$out.err"
rc=$?
[[ $rc == 1 ]] || fail "write failure: exit $rc: $(cat "$out.err")"
grep -qE "latest.json: cannot write: File too large; nothing was replaced: the files already in $out were kept" \
  "$out.err" || fail "write failure: $(cat "$out.err")"
grep -q "^wrote " "$out.err" && fail "write failure: a 'wrote' line: $(cat "$out.err")"
for f in latest.md latest.csv latest_summary.csv latest.json throughput.svg peak_rss.svg footprint_peak.svg; do
  cmp -s "$ref/$f" "$out/$f" || fail "write failure: $f was replaced"
done
[[ $(ls -A "$out" | wc -l) == 7 ]] || fail "write failure: left behind: $(ls -A "$out")"
no_traces_left "write failure"

# ---- charts of an earlier set --------------------------------------------
# A new set owns the chart names: an RSS chart the new workloads do not draw
# goes; files that are not the set's stay.
out="$dir/stale"
cp -r "$ref" "$out"
echo "<svg>old</svg>" >"$out/rss_objgraph.svg"
echo "kept" >"$out/README.md"
echo "<svg>mine</svg>" >"$out/notes.svg"
"$bin" "${tiny[@]}" --runs=1 --out="$out" >/dev/null 2>"$out.err" ||
  fail "stale charts: $(cat "$out.err")"
[[ ! -e "$out/rss_objgraph.svg" ]] || fail "stale charts: rss_objgraph.svg survived"
[[ $(cat "$out/README.md") == "kept" && -e "$out/notes.svg" ]] ||
  fail "stale charts: a file that is not the set's was touched"
grep -q "removed 1 file of the previous set" "$out.err" || fail "stale charts: $(cat "$out.err")"
cmp -s "$ref/throughput.svg" "$out/throughput.svg" && fail "stale charts: throughput.svg not rewritten"

# ---- generation out of memory ----------------------------------------------
# Exit 3 with one line, and the trace directory removed (it was left).
out="$dir/oom"
(
  ulimit -v 600000
  exec "$bin" --backends=pool --workloads=ints --scale=60 --runs=1 --out="$out"
) >/dev/null 2>"$out.err"
rc=$?
[[ $rc == 3 ]] || fail "generation out of memory: exit $rc: $(cat "$out.err")"
grep -q "^benchmarks: cannot grow the trace's ops to [0-9]* bytes: Cannot allocate memory$" \
  "$out.err" || fail "generation out of memory: $(cat "$out.err")"
no_traces_left "generation out of memory"
# The runner says the same (it once aborted with status 134).
(
  ulimit -v 600000
  exec "$TEST_SRCDIR/$TEST_WORKSPACE/harness/runner/bench_pool" --workload=ints --scale=60
) >/dev/null 2>"$out.runner.err"
rc=$?
[[ $rc == 3 ]] || fail "runner out of memory: exit $rc: $(cat "$out.runner.err")"
grep -q "^bench_pool: cannot grow the trace's ops to [0-9]* bytes: Cannot allocate memory$" \
  "$out.runner.err" || fail "runner out of memory: $(cat "$out.runner.err")"

# ---- a standard output that cannot be written -------------------------------
# The tables on stdout did not arrive: exit 1, though the files are written.
out="$dir/full"
"$bin" "${tiny[@]}" --runs=1 --out="$out" >/dev/full 2>"$out.err"
rc=$?
[[ $rc == 1 ]] || fail "stdout /dev/full: exit $rc: $(cat "$out.err")"
grep -q "cannot write to standard output: No space left on device" "$out.err" ||
  fail "stdout /dev/full: $(cat "$out.err")"
[[ -s "$out/latest.md" ]] || fail "stdout /dev/full: the files were not written"

# ---- where results go ------------------------------------------------------
# A relative --out starts where bazel run was started.
mkdir -p "$dir/user"
(cd / && BUILD_WORKING_DIRECTORY="$dir/user" "$bin" "${tiny[@]}" --runs=1 \
  --out=rel >/dev/null 2>"$dir/rel.err") || fail "relative --out: $(cat "$dir/rel.err")"
[[ -s "$dir/user/rel/latest.md" ]] || fail "relative --out: nothing in $dir/user/rel"

# By default a run writes a new dated folder under the workspace's
# results/runs/ and points results/latest at it, never touching a file
# already there (a committed reference run).
mkdir -p "$dir/ws/results/reference"
echo "committed" >"$dir/ws/results/reference/latest.md"
for run in 1 2; do
  BUILD_WORKSPACE_DIRECTORY="$dir/ws" "$bin" "${tiny[@]}" --runs=1 \
    >/dev/null 2>"$dir/ws.err" || fail "default folder: $(cat "$dir/ws.err")"
done
[[ $(ls "$dir/ws/results/runs" | wc -l) == 2 ]] ||
  fail "default folder: two runs did not make two folders: $(ls "$dir/ws/results/runs")"
newest=$(ls "$dir/ws/results/runs" | sort | tail -1)
[[ $(readlink "$dir/ws/results/latest") == "runs/$newest" ]] ||
  fail "default folder: results/latest is $(readlink "$dir/ws/results/latest"), not runs/$newest"
[[ -s "$dir/ws/results/latest/latest.md" ]] || fail "default folder: nothing in results/latest"
grep -q "^wrote $dir/ws/results/runs/$newest: latest.md" "$dir/ws.err" ||
  fail "default folder: it does not say where it wrote: $(cat "$dir/ws.err")"
[[ $(cat "$dir/ws/results/reference/latest.md") == "committed" ]] ||
  fail "default folder: the reference run was touched"

# An empty BUILD_WORKSPACE_DIRECTORY is no workspace: results/ here, not
# /results.
mkdir -p "$dir/here"
(cd "$dir/here" && BUILD_WORKSPACE_DIRECTORY= "$bin" "${tiny[@]}" --runs=1 \
  >/dev/null 2>"$dir/here.err") || fail "empty workspace: $(cat "$dir/here.err")"
[[ -s "$dir/here/results/latest/latest.md" ]] || fail "empty workspace: nothing in $dir/here/results"
grep -q "wrote ./results/runs/" "$dir/here.err" ||
  fail "empty workspace: $(cat "$dir/here.err")"

# A run stopped before it wrote anything leaves no empty dated folder.
BUILD_WORKSPACE_DIRECTORY="$dir/ws" "$bin" "${tiny[@]}" --runs=1 nosuch_parameter=1 \
  >/dev/null 2>&1
[[ $(ls "$dir/ws/results/runs" | wc -l) == 2 ]] ||
  fail "a refused run left a folder: $(ls "$dir/ws/results/runs")"

finish "all fault checks passed"
