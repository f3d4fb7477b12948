# Checks for the command-line tests (sh_test): source this file, set bin to
# the program under test, call expect and fail, and end with finish.

failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect STATUS PATTERN ARGS...: runs "$bin" ARGS (for at most 60 s, so that
# a hang fails instead of stalling) and checks its exit status and that
# PATTERN is in what it printed; for status 2 (bad input) also that it said
# so in exactly one line on stderr and printed nothing on stdout.
expect() {
  local status="$1" pattern="$2"
  shift 2
  local out="$TEST_TMPDIR/expect.out" err="$TEST_TMPDIR/expect.err" rc
  timeout 60 "$bin" "$@" >"$out" 2>"$err"
  rc=$?
  local said
  said="$(cat "$out" "$err")"
  [[ $rc == "$status" ]] || fail "$*: exit $rc, expected $status: $said"
  [[ $said == *"$pattern"* ]] || fail "$*: expected '$pattern' in: $said"
  if [[ $status == 2 ]]; then
    [[ $(wc -l <"$err") == 1 ]] || fail "$*: not one line on stderr: $(cat "$err")"
    [[ ! -s "$out" ]] || fail "$*: printed on stdout: $(cat "$out")"
  fi
}

# finish MESSAGE: exit 1 after any failure, else print MESSAGE.
finish() {
  if ((failures > 0)); then
    echo "$failures failures" >&2
    exit 1
  fi
  echo "$1"
}
