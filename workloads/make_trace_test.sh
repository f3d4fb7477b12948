#!/bin/bash
# make_trace's command line: strict parsing (exit 2, one line on stderr),
# a round trip through --info, --info on malformed files and --out paths that
# cannot be written (exit 2, before generating), paths relative to where
# bazel run started, and a standard output that cannot be written (exit 1).
set -u

bin="$TEST_SRCDIR/$TEST_WORKSPACE/workloads/make_trace"
dir="$TEST_TMPDIR"
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

expect 2 "nothing to do: give --workload, --list or --info"
expect 0 "usage:" --help
expect 2 "unknown workload 'nosuch' (known: ints, tuples, lists, objgraph," \
  --workload=nosuch --out="$dir/x.trace"
expect 2 "unknown argument '--frobnicate'" --frobnicate
expect 2 "--scale: 'abc' is not a number" --workload=ints --out="$dir/x" --scale=abc
expect 2 "--scale: '1.5x' is not a number" --workload=ints --out="$dir/x" --scale=1.5x
expect 2 "--scale: -1 is out of range" --workload=ints --out="$dir/x" --scale=-1
expect 2 "--scale: 0 is out of range" --workload=ints --out="$dir/x" --scale=0
expect 2 "--scale: 'nan' is not a number" --workload=ints --out="$dir/x" --scale=nan
expect 2 "--scale: '0x10' is not a number" --workload=ints --out="$dir/x" --scale=0x10
expect 2 "--scale: ' 1' is not a number" --workload=ints --out="$dir/x" --scale=' 1'
expect 2 "--scale: 1e6 is out of range: 0 < scale <= 100" --workload=ints --out="$dir/x" \
  --scale=1e6
expect 2 "--scale: '' is not a number" --workload=ints --out="$dir/x" --scale=
expect 2 "--seed: '-1' is not a non-negative integer" --workload=ints --out="$dir/x" --seed=-1
expect 2 "--seed: '12x' is not a non-negative integer" --workload=ints --out="$dir/x" --seed=12x
expect 2 "--seed: ' -1' is not a non-negative integer" --workload=ints --out="$dir/x" \
  --seed=' -1'
expect 2 "--seed: 99999999999999999999 is out of range" --workload=ints --out="$dir/x" \
  --seed=99999999999999999999
expect 2 "--workload needs --out=FILE" --workload=ints
expect 2 "give exactly one of" --list --info="$dir/x"
expect 2 "--workload given twice" --workload=ints --workload=lists --out="$dir/x"
expect 2 "--out, --scale, --seed, --threads and --no-startup-heap go with --workload" \
  --list --seed=3
expect 2 "--out, --scale, --seed, --threads and --no-startup-heap go with --workload" \
  --list --no-startup-heap
expect 2 "--no-startup-heap takes no value" --workload=ints --out="$dir/x" \
  --no-startup-heap=1
expect 2 "--no-startup-heap given twice" --workload=ints --out="$dir/x" \
  --no-startup-heap --no-startup-heap
expect 2 "--no-startup-heap: workload 'shared-cache' is threaded and has no" \
  --workload=shared-cache --out="$dir/x" --no-startup-heap
expect 2 "--list takes no value" --list=yes
expect 2 "--scale needs a value" --workload=ints --out="$dir/x" --scale

expect 0 "generational  request loop" --list

# A round trip, with the "--name value" spelling too.
expect 0 "wrote $dir/t.trace: tuples, seed 7, scale 0.01:" \
  --workload tuples --out "$dir/t.trace" --scale=0.01 --seed=7
expect 0 "workload                 tuples" --info="$dir/t.trace"
expect 0 "blocks never freed       0 (0.0%)" --info="$dir/t.trace"
expect 0 "seed                     7" --info="$dir/t.trace"
expect 0 "format version           2" --info="$dir/t.trace"
expect 0 "domain unknown           " --info="$dir/t.trace"
expect 0 "lifetime p50 (ops)" --info="$dir/t.trace"

# The start-up heap: a one-thread trace begins with it by default (its
# 33,000 ops and the frees of its 10,000 survivors at the end, at any
# scale); --no-startup-heap leaves it out.
"$bin" --workload=ints --out="$dir/with.trace" --scale=0.001 >/dev/null
expect 0 "scale 0.001, no start-up heap: " --workload=ints \
  --out="$dir/bare.trace" --scale=0.001 --no-startup-heap
ops() { "$bin" --info="$1" | sed -n 's/^ops  *//p' | tr -d ,; }
with="$(ops "$dir/with.trace")" bare="$(ops "$dir/bare.trace")"
((with - bare > 40000 && with - bare < 50000)) ||
  fail "ops with the start-up heap $with, without $bare"
expect 0 "blocks never freed       0 (0.0%)" --info="$dir/with.trace"

# Two profiles side by side: a row holds both traces' figures.
"$bin" --workload=ints --out="$dir/i.trace" --scale=0.01 >/dev/null
expect 0 "workload                 tuples                         ints" \
  --info="$dir/t.trace" --info="$dir/i.trace"
expect 0 "file 2                   $dir/i.trace" --info="$dir/t.trace" \
  --info="$dir/i.trace"
expect 2 "--info given more than twice" --info="$dir/t.trace" \
  --info="$dir/t.trace" --info="$dir/t.trace"

# Malformed files: one line naming the file and the problem, exit 2 (bad
# input, as for the runner's --trace).
expect 2 "$dir/none.trace: cannot open: No such file" --info="$dir/none.trace"
head -c 100 "$dir/t.trace" >"$dir/short.trace"
expect 2 "$dir/short.trace: file too short: 100 bytes" --info="$dir/short.trace"
head -c 1000 "$dir/t.trace" >"$dir/cut.trace"
expect 2 "$dir/cut.trace: truncated: op count says" --info="$dir/cut.trace"
cp "$dir/t.trace" "$dir/v4.trace"
printf '\x04' | dd of="$dir/v4.trace" bs=1 seek=8 conv=notrunc 2>/dev/null
expect 2 "trace version 4, this reader knows versions 1 to 3" --info="$dir/v4.trace"
cp "$dir/t.trace" "$dir/flip.trace"
printf '\xff' | dd of="$dir/flip.trace" bs=1 seek=200 conv=notrunc 2>/dev/null
expect 2 "$dir/flip.trace: corrupted: checksum" --info="$dir/flip.trace"
echo "not a trace at all, but long enough to hold a whole trace header: \
0123456789012345678901234567890123456789012345678901234567890123456789" \
  >"$dir/text.trace"
expect 2 "wrong magic" --info="$dir/text.trace"
# A FIFO with no writer: refused at once, not waited on.
mkfifo "$dir/fifo.trace"
expect 2 "$dir/fifo.trace: not a regular file" --info="$dir/fifo.trace"
expect 2 "not a regular file" --info=/dev/null

# Paths that cannot be written, refused before generating: nothing is
# replaced, /dev/null stays a device (it was once renamed over, as root).
expect 2 "cannot create a temporary file" --workload=ints --scale=0.001 \
  --out="$dir/no/such/dir/x.trace"
expect 2 "/dev/null: exists and is not a regular file" --workload=ints \
  --scale=0.001 --out=/dev/null
[[ -c /dev/null ]] || fail "/dev/null is no longer a character device"
mkdir -p "$dir/a_directory"
expect 2 "$dir/a_directory: exists and is not a regular file" --workload=ints \
  --scale=0.001 --out="$dir/a_directory"
[[ -d "$dir/a_directory" ]] || fail "the directory was replaced"
expect 2 "$dir/fifo.trace: exists and is not a regular file" --workload=ints \
  --scale=0.001 --out="$dir/fifo.trace"
[[ -p "$dir/fifo.trace" ]] || fail "the FIFO was replaced"

# Relative paths start where bazel run was started (BUILD_WORKING_DIRECTORY),
# for --out and --info alike.
mkdir -p "$dir/user"
BUILD_WORKING_DIRECTORY="$dir/user" expect 0 "wrote $dir/user/rel.trace" \
  --workload=ints --scale=0.001 --out=rel.trace
BUILD_WORKING_DIRECTORY="$dir/user" expect 0 "workload                 ints" \
  --info=rel.trace

# A standard output that cannot be written (/dev/full: every write fails
# with ENOSPC) is a failure, not success.
out="$("$bin" --info="$dir/t.trace" 2>&1 >/dev/full)"
rc=$?
[[ $rc == 1 ]] || fail "--info >/dev/full: exit $rc"
[[ $out == *"cannot write to standard output: No space left on device"* ]] ||
  fail "--info >/dev/full: $out"

# Threaded workloads: --threads, only for them; the header shows threads.
expect 0 "wrote" --workload=producer-consumer --threads=3 --scale=0.001 --out="$dir/pc.trace"
expect 0 "threads                  3 (" --info="$dir/pc.trace"
expect 0 "hand-off" --info="$dir/pc.trace"
expect 2 "--threads: workload 'ints' is not threaded" --workload=ints --threads=2 --out="$dir/x.trace"
expect 2 "--threads: '17' is not a thread count from 1 to 16" --workload=shared-cache --threads=17 --out="$dir/x.trace"
expect 2 "--threads: '0' is not a thread count" --workload=shared-cache --threads=0 --out="$dir/x.trace"
finish "all make_trace checks passed"
