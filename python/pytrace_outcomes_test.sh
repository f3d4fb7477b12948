#!/bin/bash
# pytrace's output path under every way a program can end (issue 16, item 6):
# programs that fork (a child that exits, one that calls os._exit, one that
# outlives its parent), change directory, and end normally, with sys.exit,
# with an exception, in os._exit, out of memory (ulimit -v), with a request
# no trace can hold, by SIGINT or SIGTERM sent to pytrace once the program
# says it is ready, or by abort(). Each outcome is either a complete trace
# at --out (it loads, named as asked) with the program's own status, or the
# old file there byte for byte, with the status that says why; and nothing
# else is left in --out's directory or in $TMPDIR. Every end meets every
# kind of fork, each pair with or without changing directory by turns: a
# fixed list, the same every time, 40 runs of about a tenth of a second.
#
#   pytrace_outcomes_test.sh PYTRACE MAKE_TRACE
set -u
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

absolute() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
pytrace="$(absolute "$1")"
make_trace="$(absolute "$2")"
root="$TEST_TMPDIR/outcomes"
mkdir -p "$root"

# ulimit -v cannot hold ASan's shadow memory: the out-of-memory end is
# skipped under it (the test's ASAN_OPTIONS tells).
asan=0
[[ -n ${ASAN_OPTIONS:-} ]] && asan=1

forks=(none exits os_exit outlives)
# end: STATUS (the program's own when a trace is written, pytrace's when
# not) and whether a trace is written.
ends=(normal exit3 raise os_exit0 os_exit5 memory huge sigint sigterm abort)
declare -A status=([normal]=0 [exit3]=3 [raise]=1 [os_exit0]=1 [os_exit5]=1
  [memory]=3 [huge]=1 [sigint]=130 [sigterm]=143 [abort]=134)
declare -A traced=([normal]=1 [exit3]=1 [raise]=1)

# program FORK CHDIR END: the program's text. sys.argv[1] is a file to
# create when it is ready to be interrupted, sys.argv[2] one for the pid of
# a child that outlives it.
program() {
  echo "import os, sys, time"
  echo "objects = [str(i) * 3 for i in range(5000)]"
  case "$1" in
    exits | os_exit)
      local leave="sys.exit(0)"
      [[ $1 == os_exit ]] && leave="os._exit(0)"
      cat <<PY
pid = os.fork()
if pid == 0:
    more = [float(i) for i in range(20000)]
    $leave
os.waitpid(pid, 0)
PY
      ;;
    outlives)
      cat <<'PY'
pid = os.fork()
if pid == 0:
    time.sleep(0.2)
    more = [float(i) for i in range(20000)]
    sys.exit(0)
open(sys.argv[2], "w").write(str(pid))
PY
      ;;
  esac
  [[ $2 == 1 ]] && echo 'os.chdir("elsewhere")'
  echo "objects.append({i: str(i) for i in range(1000)})"
  case "$3" in
    exit3) echo "sys.exit(3)" ;;
    raise) echo "raise ValueError('the end')" ;;
    os_exit0) echo "os._exit(0)" ;;
    os_exit5) echo "os._exit(5)" ;;
    memory) echo "hog = [0] * (1 << 28)" ;;
    huge) echo "hog = bytearray(5 << 30)" ;;
    sigint | sigterm)
      echo 'open(sys.argv[1], "w").close()'
      echo "time.sleep(60)"
      ;;
    abort) echo "os.abort()" ;;
  esac
}

printf 'the old trace, to be kept byte for byte\n' >"$root/old"
run=0 e=0
for end in "${ends[@]}"; do
  e=$((e + 1))
  if [[ $end == memory && $asan == 1 ]]; then
    echo "skipped the out-of-memory end: ulimit -v does not fit ASan"
    continue
  fi
  for f in "${!forks[@]}"; do
    fork="${forks[$f]}"
    run=$((run + 1))
    chdir=$(((e + f) % 2)) # each fork both ways across the ends
    label="fork=$fork chdir=$chdir end=$end"
    dir="$root/$run/out" signals="$root/$run/signals" tmp="$root/$run/tmp"
    mkdir -p "$dir/elsewhere" "$signals" "$tmp"
    cp "$root/old" "$dir/t.trace"
    program "$fork" "$chdir" "$end" >"$signals/program.py"
    (
      cd "$dir" || exit 99
      [[ $end == memory ]] && ulimit -v 1000000
      exec env TMPDIR="$tmp" "$pytrace" --out=t.trace --workload=fuzz -- \
        "$signals/program.py" "$signals/ready" "$signals/child"
    ) >"$root/$run/stdout" 2>"$root/$run/stderr" &
    pid=$!
    if [[ $end == sigint || $end == sigterm ]]; then
      for ((i = 0; i < 600; i++)); do
        [[ -e "$signals/ready" ]] && break
        sleep 0.05
      done
      [[ $end == sigint ]] && kill -INT "$pid" || kill -TERM "$pid"
    fi
    wait "$pid"
    rc=$?
    # A child that outlives the program could still write: wait for it,
    # then look.
    if [[ -s "$signals/child" ]]; then
      child="$(cat "$signals/child")"
      for ((i = 0; i < 200; i++)); do
        kill -0 "$child" 2>/dev/null || break
        sleep 0.05
      done
    fi
    said="$(tail -1 "$root/$run/stderr")"
    [[ $rc == "${status[$end]}" ]] || fail "$label: exit $rc, expected ${status[$end]}: $said"
    if [[ -n ${traced[$end]:-} ]]; then
      info="$("$make_trace" --info="$dir/t.trace" 2>&1)" ||
        fail "$label: the trace does not load: $info"
      [[ $info == *"workload                 fuzz"* ]] || fail "$label: $info"
    else
      cmp -s "$dir/t.trace" "$root/old" || fail "$label: the old trace was replaced"
      [[ $said == "pytrace: "* ]] || fail "$label: no line from pytrace: $said"
    fi
    left="$(cd "$dir" && find . -mindepth 1 ! -path ./t.trace ! -path ./elsewhere | sort)"
    [[ -z $left ]] || fail "$label: left in --out's directory: $left"
    left="$(ls -A "$tmp")"
    [[ -z $left ]] || fail "$label: left in \$TMPDIR: $left"
  done
done

finish "$run outcomes: each a complete trace or the old file untouched"
