#!/bin/bash
# The runner's command line against hostile input: every bad argument is one
# line on stderr and exit 2 before anything runs; nothing is silently cut,
# dropped, reinterpreted or read from the wrong place; a FIFO does not hang
# it; a result that cannot be written is exit 1, not 0.
set -u

bin="$TEST_SRCDIR/$TEST_WORKSPACE/harness/runner/bench_oracle"
dir="$TEST_TMPDIR"
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

tiny=(--workload=ints --scale=0.001)

# Numbers in plain decimal only: no hexadecimal, no blanks, no sign on a count
# (' -1' once ran with seed 2^64-1).
expect 2 "--scale: '0x10' is not a positive number" --workload=ints --scale=0x10
expect 2 "--scale: ' 1' is not a positive number" --workload=ints --scale=' 1'
expect 2 "--scale: 'inf' is not a positive number" --workload=ints --scale=inf
expect 2 "--seed: ' -1' is not a whole number" "${tiny[@]}" --seed=' -1'
expect 2 "--seed: '+1' is not a whole number" "${tiny[@]}" --seed=+1
expect 2 "--seed: '0x10' is not a whole number" "${tiny[@]}" --seed=0x10

# The scale is bounded as make_trace bounds it (1e6 once ran out of memory
# minutes into generating).
expect 2 "--scale: 1e6 is out of range: 0 < scale <= 100" --workload=ints --scale=1e6
expect 2 "--scale: 100.5 is out of range" --workload=ints --scale=100.5

# Options given twice, and options that would be ignored, are refused.
expect 2 "--scale given twice" --workload=ints --scale=0.001 --scale=0.002
expect 2 "--workload given twice" --workload=ints --workload=lists
expect 2 "--json given twice" "${tiny[@]}" --json --json
expect 2 "parameter 'a' given twice" "${tiny[@]}" a=1 a=2
timeout 60 "$bin" "${tiny[@]}" --json >"$dir/ints.json" 2>"$dir/err" ||
  fail "making a trace: $(cat "$dir/err")"
"$TEST_SRCDIR/$TEST_WORKSPACE/workloads/make_trace" --workload=ints \
  --scale=0.001 --out="$dir/ints.trace" >/dev/null 2>"$dir/err" ||
  fail "make_trace: $(cat "$dir/err")"
expect 2 "--scale and --seed go with --workload" --trace="$dir/ints.trace" --scale=2
expect 2 "--scale and --seed go with --workload" --trace="$dir/ints.trace" --seed=3

# Backend parameters: none past the limit, and an option-like argument is an
# unknown option (benchmarks_test checks that a fifth parameter and a long
# value reach the backend whole).
many=()
for i in $(seq 1 17); do many+=("p$i=1"); done
expect 2 "more than 16 backend parameters" "${tiny[@]}" "${many[@]}"
expect 2 "unknown option '--pool-size=garbage'" "${tiny[@]}" --pool-size=garbage

# Traces that are not regular files: refused at once (a FIFO blocked open()
# forever; a pipe reported a nonsense size).
mkfifo "$dir/fifo.trace"
expect 2 "$dir/fifo.trace: not a regular file" --trace="$dir/fifo.trace"
expect 2 "/dev/null: not a regular file" --trace=/dev/null
echo "not a trace" | {
  timeout 60 "$bin" --trace=/dev/stdin >/dev/null 2>"$dir/err"
  rc=$?
  [[ $rc == 2 ]] || fail "piped trace: exit $rc"
  grep -qF "not a regular file" "$dir/err" || fail "piped trace: $(cat "$dir/err")"
}

# A relative --trace starts where bazel run was started, as make_trace's
# --out does.
mkdir -p "$dir/user"
cp "$dir/ints.trace" "$dir/user/rel.trace"
(cd / && BUILD_WORKING_DIRECTORY="$dir/user" timeout 60 "$bin" \
  --trace=rel.trace --json >"$dir/out" 2>"$dir/err") ||
  fail "relative --trace: $(cat "$dir/err")"
grep -qF "\"trace_file\":\"$dir/user/rel.trace\"" "$dir/out" ||
  fail "relative --trace: $(cat "$dir/out")"

# A path that is not UTF-8 stays in the JSON (it vanished): the byte that is
# not UTF-8 becomes U+FFFD.
odd="$dir/"$'\xff'".trace"
cp "$dir/ints.trace" "$odd"
timeout 60 "$bin" --trace="$odd" --json >"$dir/out" 2>"$dir/err" ||
  fail "non-UTF-8 path: $(cat "$dir/err")"
grep -qF "\"trace_file\":\"$dir/"$'\xef\xbf\xbd'".trace\"" "$dir/out" ||
  fail "non-UTF-8 path: $(head -c 300 "$dir/out")"

# A result that cannot be written is a failure (it was exit 0).
timeout 60 "$bin" "${tiny[@]}" --json >/dev/full 2>"$dir/err"
rc=$?
[[ $rc == 1 ]] || fail "--json >/dev/full: exit $rc"
grep -qF "cannot write to standard output: No space left on device" "$dir/err" ||
  fail "--json >/dev/full: $(cat "$dir/err")"
timeout 60 "$bin" --describe >/dev/full 2>/dev/null
rc=$?
[[ $rc == 1 ]] || fail "--describe >/dev/full: exit $rc"

# --no-startup-heap: with a one-thread --workload only; it leaves out the
# start-up heap's 33,000 ops and the frees of its 10,000 survivors.
expect 2 "--no-startup-heap goes with a one-thread workload" \
  --trace="$dir/ints.trace" --no-startup-heap
expect 2 "--no-startup-heap goes with a one-thread workload" \
  --workload=shared-cache --scale=0.005 --no-startup-heap
expect 2 "--no-startup-heap given twice" "${tiny[@]}" --no-startup-heap \
  --no-startup-heap
ops_of() {
  timeout 60 "$bin" "${tiny[@]}" --json "$@" 2>"$dir/err" |
    sed -n 's/.*"ops":\([0-9]*\),.*/\1/p'
}
with="$(ops_of)" bare="$(ops_of --no-startup-heap)"
[[ -n $with && -n $bare ]] && ((with - bare > 40000 && with - bare < 50000)) ||
  fail "ops with the start-up heap '$with', without '$bare': $(cat "$dir/err")"

# --threads: with a threaded workload only, 1..16; the JSON says how many
# threads replayed it and how many frees crossed threads.
expect 2 "--threads goes with a threaded workload" --workload=ints --threads=2
expect 2 "--threads: '0' is not a thread count from 1 to 16" --workload=shared-cache --threads=0
expect 2 "--threads: '17' is not a thread count" --workload=shared-cache --threads=17
expect 2 "--threads given twice" --workload=shared-cache --threads=2 --threads=2
expect 0 '"threads":3' --workload=producer-consumer --threads=3 --scale=0.005 --json
expect 0 '"cross_thread_frees":0,' --workload=parallel-churn --scale=0.005 --json
expect 0 '"threads":1,"cross_thread_frees":0,' --workload=ints --scale=0.005 --json
expect 0 "threads        2:" --workload=shared-cache --scale=0.005

finish "all runner command-line checks passed"
