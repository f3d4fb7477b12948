#!/bin/bash
# make_trace's command line: strict parsing (exit 2, one line on stderr),
# a round trip through --info, and --info on malformed files (exit 1).
set -u

bin="$TEST_SRCDIR/$TEST_WORKSPACE/workloads/make_trace"
dir="$TEST_TMPDIR"
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect STATUS PATTERN ARGS...: exit status STATUS and PATTERN in the
# output; a usage error must be exactly one line on stderr.
expect() {
  local status="$1" pattern="$2"
  shift 2
  local out rc
  out="$("$bin" "$@" 2>&1)"
  rc=$?
  [[ $rc == "$status" ]] || fail "$*: exit $rc, expected $status: $out"
  [[ $out == *"$pattern"* ]] || fail "$*: expected '$pattern' in: $out"
  if [[ $status == 2 ]]; then
    local lines
    lines="$("$bin" "$@" 2>&1 >/dev/null | wc -l)"
    [[ $lines == 1 ]] || fail "$*: $lines lines on stderr"
  fi
}

expect 2 "nothing to do: give --workload, --list or --info"
expect 0 "usage:" --help
expect 2 "unknown workload 'nosuch' (known: ints, tuples, lists, objgraph," \
  --workload=nosuch --out="$dir/x.trace"
expect 2 "unknown argument '--frobnicate'" --frobnicate
expect 2 "--scale: 'abc' is not a number" --workload=ints --out="$dir/x" --scale=abc
expect 2 "--scale: '1.5x' is not a number" --workload=ints --out="$dir/x" --scale=1.5x
expect 2 "--scale: -1 is out of range" --workload=ints --out="$dir/x" --scale=-1
expect 2 "--scale: 0 is out of range" --workload=ints --out="$dir/x" --scale=0
expect 2 "--scale: nan is out of range" --workload=ints --out="$dir/x" --scale=nan
expect 2 "--scale: '' is not a number" --workload=ints --out="$dir/x" --scale=
expect 2 "--seed: '-1' is not a non-negative integer" --workload=ints --out="$dir/x" --seed=-1
expect 2 "--seed: '12x' is not a non-negative integer" --workload=ints --out="$dir/x" --seed=12x
expect 2 "--seed: 99999999999999999999 is out of range" --workload=ints --out="$dir/x" \
  --seed=99999999999999999999
expect 2 "--workload needs --out=FILE" --workload=ints
expect 2 "give exactly one of" --list --info="$dir/x"
expect 2 "--workload given twice" --workload=ints --workload=lists --out="$dir/x"
expect 2 "--out, --scale and --seed go with --workload" --list --seed=3
expect 2 "--list takes no value" --list=yes
expect 2 "--scale needs a value" --workload=ints --out="$dir/x" --scale

expect 0 "generational  request loop" --list

# A round trip, with the "--name value" spelling too.
expect 0 "wrote $dir/t.trace: tuples, seed 7, scale 0.01:" \
  --workload tuples --out "$dir/t.trace" --scale=0.01 --seed=7
expect 0 "workload               tuples" --info="$dir/t.trace"
expect 0 "live blocks at end     0" --info="$dir/t.trace"
expect 0 "seed                   7" --info="$dir/t.trace"
expect 0 "format version         2" --info="$dir/t.trace"
expect 0 "ops, domain unknown" --info="$dir/t.trace"

# Malformed files: one line naming the file and the problem, exit 1.
expect 1 "$dir/none.trace: cannot open: No such file" --info="$dir/none.trace"
head -c 100 "$dir/t.trace" >"$dir/short.trace"
expect 1 "$dir/short.trace: file too short: 100 bytes" --info="$dir/short.trace"
head -c 1000 "$dir/t.trace" >"$dir/cut.trace"
expect 1 "$dir/cut.trace: truncated: op count says" --info="$dir/cut.trace"
cp "$dir/t.trace" "$dir/v3.trace"
printf '\x03' | dd of="$dir/v3.trace" bs=1 seek=8 conv=notrunc 2>/dev/null
expect 1 "trace version 3, this reader knows versions 1 to 2" --info="$dir/v3.trace"
cp "$dir/t.trace" "$dir/flip.trace"
printf '\xff' | dd of="$dir/flip.trace" bs=1 seek=200 conv=notrunc 2>/dev/null
expect 1 "$dir/flip.trace: corrupted: checksum" --info="$dir/flip.trace"
echo "not a trace at all, but long enough to hold a whole trace header: \
0123456789012345678901234567890123456789012345678901234567890123456789" \
  >"$dir/text.trace"
expect 1 "wrong magic" --info="$dir/text.trace"

# A file that cannot be written.
expect 1 "cannot create a temporary file" --workload=ints --scale=0.001 \
  --out="$dir/no/such/dir/x.trace"

if ((failures > 0)); then
  echo "$failures failures" >&2
  exit 1
fi
echo "all make_trace checks passed"
