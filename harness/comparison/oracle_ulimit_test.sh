#!/bin/bash
# Issue 9, item 18: under a limit on virtual memory (ulimit -v, as shared
# machines and CI runners set), the default comparison must run. The oracle
# reserved 3,712 GiB of address space up front, so `benchmarks` exited 2
# before running anything. The oracle now sizes its reservation from the
# trace (pb_expect): every backend on every workload, at the quick scale,
# runs under the limit.
set -u

bin="$TEST_SRCDIR/$TEST_WORKSPACE/harness/comparison/benchmarks"
export TMPDIR="$TEST_TMPDIR/tmp"
mkdir -p "$TMPDIR"

(
  ulimit -v 4194304 # 4 GiB
  exec "$bin" --quick --runs=1 --out="$TEST_TMPDIR/out"
) >/dev/null 2>"$TEST_TMPDIR/err"
rc=$?
if [[ $rc != 0 ]]; then
  echo "FAIL: under ulimit -v 4194304, benchmarks exited $rc: $(tail -1 "$TEST_TMPDIR/err")" >&2
  exit 1
fi
grep -q "^wrote " "$TEST_TMPDIR/err" || {
  echo "FAIL: nothing written: $(cat "$TEST_TMPDIR/err")" >&2
  exit 1
}
echo "the default comparison runs under ulimit -v 4194304"
