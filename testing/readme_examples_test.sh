#!/bin/bash
# Every example in README.md is run: each `./bazelw run TARGET [-- ARGS]`
# line of its sh blocks, as the built program with the same arguments, must
# exit 0. The examples stay as a reader types them; only their cost is cut
# here, and said so:
#   - the comparison's examples (//:benchmarks) run with --quick and one run
#     (replacing the example's --runs), on pool and glibc unless they choose
#     what they compare (--suite=deploy compares configurations), on ints
#     unless they name workloads or programs, into a scratch folder (a
#     program they name is written first, taking any arguments); one that
#     names an interpreter this machine lacks (--python) is skipped, saying
#     so;
#   - the gate's (//:regression) measure pool on ints, against a baseline
#     this test records first with the same build (a sanitizer build counts
#     other instructions than the committed baseline's);
#   - /tmp/ in a path is this test's scratch folder;
#   - `./bazelw test //...` is not run (it is the test run itself).
set -u

root="$TEST_SRCDIR/$TEST_WORKSPACE"
scratch="$TEST_TMPDIR/examples"
mkdir -p "$scratch/path/to"
source "$root/testing/expect.sh"
# Examples may name $HOME; bazel test gives none.
export HOME="${HOME:-$TEST_TMPDIR}"
# The examples run from a scratch folder that sees the workspace's
# programs, as `bazel run` started at the workspace's root would.
ln -s "$root/workloads" "$scratch/workloads"
"$root/harness/gate/regression" --update-baseline --backends=pool \
  --workloads=ints --baseline="$scratch/baseline.json" >"$scratch/record.out" \
  2>&1 || fail "recording a baseline: $(tail -2 "$scratch/record.out")"

# A program an example names but the workspace does not have.
provide_program() {
  local path="$1"
  [[ -e "$scratch/$path" || $path == /* ]] && return
  mkdir -p "$scratch/$(dirname "$path")"
  printf 'import sys\nitems = [str(i) * 3 for i in range(20000)]\nprint(len(items), sys.argv[1:], file=sys.stderr)\n' \
    >"$scratch/$path"
}

ran=0
while IFS= read -r line; do
  line="${line%%#*}" # the comment after a command
  [[ $line =~ ^\./bazelw\ run\ ([^ ]+)(\ --\ (.*))?\ *$ ]] || continue
  target="${BASH_REMATCH[1]}"
  args="${BASH_REMATCH[3]:-}"
  args="${args//\/tmp\//$scratch/}"
  case "$target" in
    //:benchmarks) program="harness/comparison/benchmarks" ;;
    //:regression) program="harness/gate/regression" ;;
    //*) program="${target#//}" program="${program/://}" ;;
    *) fail "$line: not a target"; continue ;;
  esac
  eval "words=($args)" || { fail "$line: the arguments do not parse"; continue; }
  extra=()
  case "$target" in
    //:benchmarks)
      kept=() skip=""
      for w in "${words[@]}"; do
        case "$w" in
          --program=*)
            read -r -a spec <<<"${w#--program=}"
            provide_program "${spec[0]}"
            ;;
          --python=*)
            [[ -x ${w#--python=} ]] || skip="${w#--python=}"
            ;;
        esac
        [[ $w == --runs=* ]] || kept+=("$w")
      done
      if [[ -n $skip ]]; then
        echo "skipped (no interpreter $skip here): $line"
        continue
      fi
      words=("${kept[@]}")
      extra=(--quick --runs=1 --out="$scratch/out$ran")
      [[ $args == *--suite=deploy* || $args == *--backends* ]] ||
        extra+=(--backends=pool,glibc)
      [[ $args == *--program* || $args == *--workloads* ]] ||
        extra+=(--workloads=ints)
      ;;
    //:regression)
      extra=(--baseline="$scratch/baseline.json" --backends=pool --workloads=ints)
      ;;
  esac
  (cd "$scratch" && BUILD_WORKING_DIRECTORY="$scratch" \
    "$root/$program" "${words[@]}" "${extra[@]}") \
    >"$scratch/run$ran.out" 2>"$scratch/run$ran.err" <<<"" ||
    fail "$line: exit $?: $(tail -2 "$scratch/run$ran.err")"
  ran=$((ran + 1))
done < <(awk '/^```sh/{f=1; next} /^```/{f=0} f' "$root/README.md" |
  sed -e ':join' -e '/\\$/{N; s/\\\n *//; b join}')

((ran >= 10)) || fail "only $ran examples found in README.md"
finish "ran the $ran examples of README.md"
