#!/bin/bash
# Each workload's Python program: present, run by /usr/bin/python3 at a small
# scale, strict about its arguments (one line, exit 2), naming its generator,
# and named by it.
set -u
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

root="$TEST_SRCDIR/$TEST_WORKSPACE"
python=/usr/bin/python3

workloads="$("$root/workloads/make_trace" --list | cut -d' ' -f1)"
[[ $(wc -w <<<"$workloads") == 9 ]] || fail "workloads: $workloads"
for name in $workloads; do
  w=${name//-/_} # parallel-churn: workloads/parallel_churn.{c,py}
  script="$root/workloads/python/$w.py"
  generator="$root/workloads/$w.c"
  [[ -f $script ]] || { fail "$w: no $script"; continue; }
  grep -q "workloads/$w.c" "$script" || fail "$w.py does not name workloads/$w.c"
  grep -q "workloads/python/$w.py" "$generator" ||
    fail "workloads/$w.c does not name workloads/python/$w.py"
  out="$("$python" "$script" 0.002 2>&1)" || fail "$w.py 0.002: $out"
  [[ -n $out ]] || fail "$w.py printed nothing"
  again="$("$python" "$script" 0.002 1 2>&1)"
  [[ $again == "$out" ]] || fail "$w.py: seed 1 is not the default"
  for bad in x 0 -1 101 "0.1 x" "0.1 -3" "0.1 1 extra"; do
    # shellcheck disable=SC2086
    err="$("$python" "$script" $bad 2>&1 >/dev/null)"
    rc=$?
    [[ $rc == 2 && $err == "usage: $w.py [SCALE [SEED"* &&
      $(wc -l <<<"$err") == 1 ]] || fail "$w.py $bad: exit $rc: $err"
  done
done

# The threaded programs take a thread count, 1..16; producer-consumer's
# result is the same at any count (the same objects, split).
for w in parallel_churn producer_consumer shared_cache; do
  script="$root/workloads/python/$w.py"
  grep -q "import threading" "$script" || fail "$w.py does not use threading"
  one="$("$python" "$script" 0.002 1 1 2>&1)" || fail "$w.py 0.002 1 1: $one"
  four="$("$python" "$script" 0.002 1 4 2>&1)" || fail "$w.py 0.002 1 4: $four"
  [[ $w != producer_consumer || $one == "$four" ]] ||
    fail "$w.py: $one at 1 thread, $four at 4"
  for bad in "0.1 1 0" "0.1 1 17" "0.1 1 x" "0.1 1 2 extra"; do
    # shellcheck disable=SC2086
    err="$("$python" "$script" $bad 2>&1 >/dev/null)"
    rc=$?
    [[ $rc == 2 && $err == "usage: $w.py [SCALE [SEED [THREADS]]]"* ]] ||
      fail "$w.py $bad: exit $rc: $err"
  done
done

finish "the nine programs run and pair with their generators"
