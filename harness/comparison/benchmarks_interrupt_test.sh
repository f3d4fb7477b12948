#!/bin/bash
# The comparison driver interrupted by SIGINT or SIGTERM in each of its
# phases: trace generation, capture (--suite=captured), timed runs and
# counted runs (--counted). Each time it must exit 130 or 143 within a few
# seconds of the signal, leave nothing in $TMPDIR and no process behind,
# and keep what finished, marked interrupted and never failed (README,
# "Errors and exit codes"). The signal is sent when the phase can be seen
# under way: its line on stderr, or callgrind's file in $TMPDIR.
set -u
# Job control: background jobs get their own process group and SIGINT is not
# ignored in them (without it, bash starts them with SIGINT ignored, as a
# terminal's Ctrl-C must not reach them, and benchmarks keeps it ignored).
set -m

bin="$TEST_SRCDIR/$TEST_WORKSPACE/harness/comparison/benchmarks"
dir="$TEST_TMPDIR"
# The driver's traces and callgrind's files go to $TMPDIR: a private one
# shows what it leaves.
export TMPDIR="$dir/tmp"
mkdir -p "$TMPDIR"
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

# Seconds the driver has to exit after the signal. Every phase stops its
# child at once (a SIGTERM, a SIGKILL half a second later); the rest is
# slack for a loaded machine. A phase that waited for its child to finish
# would overrun it: each child below runs for several seconds.
stop_within=5

# interrupt NAME SIGNAL STATUS TRIGGER ARGS...: runs the driver with ARGS
# (stdout in $dir/NAME.md, stderr in $dir/NAME.err), sends SIGNAL once
# TRIGGER holds (a shell condition, retried for at most 60 s), and checks
# that it exits with STATUS within $stop_within seconds, leaving nothing in
# $TMPDIR and no process in its group.
interrupt() {
  local name="$1" signal="$2" status="$3" trigger="$4"
  shift 4
  local err="$dir/$name.err"
  "$bin" "$@" >"$dir/$name.md" 2>"$err" &
  local pid=$!
  local seen=0
  for _ in $(seq 1 1200); do
    if eval "$trigger"; then
      seen=1
      break
    fi
    sleep 0.05
  done
  ((seen)) || fail "$name: never saw $trigger: $(tail -3 "$err")"
  kill "-$signal" "$pid"
  # A watchdog kills what is still running after the bound.
  (sleep "$stop_within" && kill -KILL "$pid") 2>/dev/null &
  local watchdog=$!
  wait "$pid"
  local rc=$?
  kill -- "-$watchdog" 2>/dev/null
  wait "$watchdog" 2>/dev/null
  [[ $rc == "$status" ]] ||
    fail "$name: exit $rc, expected $status within $stop_within s: $(tail -3 "$err")"
  local left
  left=$(ps -e -o pid=,pgid=,args= | awk -v group="$pid" '$2 == group')
  [[ -z $left ]] || fail "$name: processes left running: $left"
  left=$(ls -A "$TMPDIR")
  [[ -z $left ]] || fail "$name: left in \$TMPDIR: $left"
  rm -rf "${TMPDIR:?}"/* # the next case starts clean
  grep -q "failed" "$err" && fail "$name: reported as failed: $(cat "$err")"
}

# What was there before an interruption that finished no run stays.
interrupted_early() {
  local name="$1" out="$2" signal="$3"
  grep -qF "interrupted (SIG$signal) before any run finished: nothing was written; the files in $out were kept" \
    "$dir/$name.err" || fail "$name: $(cat "$dir/$name.err")"
  [[ $(cat "$out/latest.md") == "old results" ]] || fail "$name: latest.md replaced"
}

# ---- trace generation ------------------------------------------------------
# objgraph at scale 0.5 takes seconds to generate.
out="$dir/generation"
mkdir -p "$out"
echo "old results" >"$out/latest.md"
interrupt generation INT 130 \
  'grep -q "generating the trace of objgraph" "$dir/generation.err" 2>/dev/null' \
  --backends=pool --workloads=objgraph --scale=0.5 --runs=1 --out="$out"
interrupted_early generation "$out" INT

# ---- capture -------------------------------------------------------------
# pytrace runs objgraph's program for seconds. A capture cut short was once
# loaded as a trace: exit 1, "cannot open".
out="$dir/capture"
mkdir -p "$out"
echo "old results" >"$out/latest.md"
interrupt capture TERM 143 \
  'grep -q "generating the trace of objgraph:captured" "$dir/capture.err" 2>/dev/null' \
  --suite=captured --backends=pool --workloads=objgraph --runs=1 --out="$out"
interrupted_early capture "$out" TERM

# ---- timed runs ------------------------------------------------------------
# A matrix long enough that the signal lands mid-way (400 runs), sent a
# second after the runs began (the first progress line, "0/400", or "0/402"
# with the two counted cells planned too; in a log
# the next comes only after 5% of the runs and 10 s). With --counted (the
# second time), the counted runs never start: both cells are marked
# interrupted, not failed.
timed() {
  local signal="$1" status="$2" out="$dir/timed_$1"
  shift 2
  interrupt "timed_$signal" "$signal" "$status" \
    "grep -qE '\\] 0/40[02] ' '$dir/timed_$signal.err' 2>/dev/null && sleep 1" \
    --backends=pool,glibc --workloads=ints --scale=0.02 --runs=200 --out="$out" "$@"
  local err="$dir/timed_$signal.err"
  grep -qE "interrupted \(SIG$signal\) after [0-9]+ of 400 runs( and 0 of 2 cells counted)?: what they measured is written, marked interrupted" \
    "$err" || fail "timed $signal: $(tail -3 "$err")"
  head -1 "$out/latest.md" | grep -qE "^\*\*Interrupted\*\* \(SIG$signal\) after [0-9]+ of 400 runs" ||
    fail "timed $signal: latest.md: $(head -1 "$out/latest.md")"
  head -1 "$dir/timed_$signal.md" | grep -q "Interrupted" ||
    fail "timed $signal: stdout: $(head -1 "$dir/timed_$signal.md")"
  grep -q '"signal": "SIG'"$signal"'"' "$out/latest.json" || fail "timed $signal: latest.json not marked"
  grep -q '"interrupted": true' "$out/latest.json" || fail "timed $signal: no run marked in latest.json"
  grep -q '"failed": "' "$out/latest.json" && fail "timed $signal: a run failed in latest.json"
  grep -q ',interrupted,' "$out/latest.csv" || fail "timed $signal: no run marked in latest.csv"
  local ok
  ok=$(grep -c ',ok,' "$out/latest.csv")
  ((ok >= 3)) || fail "timed $signal: $ok runs kept in latest.csv"
}
timed INT 130
timed TERM 143 --counted
marked=$(grep -A1 '"counted": {' "$dir/timed_TERM/latest.json" | grep -c '"interrupted": true')
[[ $marked == 2 ]] || fail "timed TERM --counted: $marked of 2 cells marked interrupted in latest.json"

# ---- counted runs ------------------------------------------------------------
# Sent once callgrind's file appears: the first cell's callgrind run, which
# takes seconds at scale 1. Every timed run finished and is kept; no cell
# was counted to the end, and none failed: all four are marked interrupted
# (the one stopped, the three not started). Counting them once ended in
# "FAILED: garbage output", cell after cell.
out="$dir/counted"
interrupt counted TERM 143 \
  'ls "$TMPDIR" | grep -q "^poolbench-callgrind\."' \
  --counted --backends=pool,glibc --workloads=ints,tuples --scale=1 --runs=1 \
  --out="$out"
err="$dir/counted.err"
grep -qE "interrupted \(SIGTERM\) after 4 of 4 runs and 0 of 4 cells counted: what they measured is written, marked interrupted" \
  "$err" || fail "counted: $(tail -3 "$err")"
grep -q '"runs_done": 4' "$out/latest.json" || fail "counted: the timed runs were not kept"
grep -q '"failed": "' "$out/latest.json" && fail "counted: a run or a cell failed in latest.json"
marked=$(grep -A1 '"counted": {' "$out/latest.json" | grep -c '"interrupted": true')
[[ $marked == 4 ]] || fail "counted: $marked of 4 cells marked interrupted in latest.json"

finish "every phase stopped on SIGINT and SIGTERM"
