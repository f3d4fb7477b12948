#!/bin/bash
# The runners on the threaded workloads at 2 and 3 threads: pool's two
# thread modes, cpython (serialized), the oracle (per thread) and glibc. Each
# reports the threads it ran and, on producer-consumer and shared-cache,
# cross-thread frees; the pool refuses threads without a mode. The counted
# run's options (--count-syscalls: a seccomp trap on the memory system calls
# of every thread) work with threads too: an exiting thread's stack used to
# be given back under a blocked SIGSYS, which killed the process. Tagged
# threads: under --config=tsan every replay here is race-checked.
set -u
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"
dir="$TEST_SRCDIR/$TEST_WORKSPACE/harness/runner"

run() { # backend threads workload [params...]
  local backend=$1 threads=$2 workload=$3
  shift 3
  local out
  out="$(timeout 120 "$dir/bench_$backend" --workload="$workload" \
    --threads="$threads" --scale=0.02 --json "$@" 2>&1)" || {
    fail "$backend $workload $*: $out"
    return
  }
  [[ $out == *"\"threads\":$threads,"* ]] || fail "$backend $workload: $out"
  if [[ $workload == parallel-churn ]]; then
    [[ $out == *'"cross_thread_frees":0,'* ]] ||
      fail "$backend $workload: cross-thread frees in $out"
  else
    [[ $out =~ \"cross_thread_frees\":[1-9] ]] ||
      fail "$backend $workload: no cross-thread frees in $out"
  fi
}

for w in parallel-churn producer-consumer shared-cache; do
  for n in 2 3; do
    run pool $n $w threads=gil
    run pool $n $w threads=per-thread
    run glibc $n $w
    run oracle $n $w
    run cpython $n $w
  done
done

if [[ -n ${TSAN_OPTIONS:-} ]]; then # --config=tsan (.bazelrc) sets it
  bin="$dir/bench_glibc"
  expect 1 "cannot count system calls under ThreadSanitizer" \
    --workload=shared-cache --scale=0.01 --count-syscalls
else
  for n in 2 3; do
    run pool $n producer-consumer threads=per-thread --count-syscalls
    run glibc $n shared-cache --count-syscalls
  done
fi

bin="$dir/bench_pool"
expect 2 "the pool is single-threaded" --workload=shared-cache --scale=0.01
expect 2 "threads=many: the pool runs under threads as threads=gil or threads=per-thread" \
  --workload=shared-cache threads=many
expect 0 "threads=per-thread" --workload=ints --scale=0.01 threads=per-thread

finish "the threaded workloads run on every mode"
