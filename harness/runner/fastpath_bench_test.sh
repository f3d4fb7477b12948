#!/bin/bash
# fastpath_bench: the loop runs and reports a time per pair; bad numbers and
# parameters are one line and exit 2 (it once read them with atol, so that
# "--ring=1e3" ran a ring of 1).
set -u

bin="$TEST_SRCDIR/$TEST_WORKSPACE/harness/runner/fastpath_bench_pool"
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

expect 0 "pool       1000 pairs, ring 1000:" --pairs=1000
expect 0 "ring 1024:" --pairs=1000 --ring=1024 layout=3.8
expect 2 "--pairs: '1e6' is not a positive count" --pairs=1e6
expect 2 "--pairs: '0' is not a positive count" --pairs=0
expect 2 "--ring: '1e3' is not a multiple of 8" --ring=1e3
expect 2 "--ring: '12' is not a multiple of 8" --ring=12
expect 2 "--ring given twice" --ring=8 --ring=16
expect 2 "'nonsense' is neither an option nor a NAME=VALUE parameter" nonsense
expect 2 "unknown option '--fast'" --fast
expect 2 "layout" layout=2.7

finish "fastpath_bench checks passed"
