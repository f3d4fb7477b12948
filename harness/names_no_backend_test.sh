#!/bin/bash
# The harness knows no backend: outside its tests, no harness source names a
# backend, a backend parameter or a workload. Everything that differs between
# backends is declared in allocator/backends.bzl (and reaches the harness
# through allocator/registry.h or a runner's --describe); every workload
# through the registry in workloads/.
#
# Names are looked for as C strings ("name") and as parameters (name=, not
# an option --name= of another program), and
# workload names also as whole words in code and comments. Plain English
# words are not looked for where they read as English: the workloads
# "ints", "tuples", "lists" outside strings, and the parameter "threshold" as
# a string (the gate's table has a threshold column). "threads" is the
# pool's parameter (threads=gil) and also the harness's own word for the
# thread count of a run (the runner's --threads=N, the metric "threads"),
# which means the same for every backend: it is not looked for at all. Backend names may
# appear in comments that explain a measure (glibc is also the C library
# whose tunables the pinned runs set).
#
# Arguments: the harness sources to check. Environment: BACKENDS, the
# backend names from backends.bzl, comma-separated.
set -u

runfiles="$TEST_SRCDIR/$TEST_WORKSPACE"
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

IFS=, read -r -a backends <<<"$BACKENDS"
mapfile -t workloads < <("$runfiles/workloads/make_trace" --list | cut -d' ' -f1)
params=()
for b in "${backends[@]}"; do
  describe="$("$runfiles/harness/runner/bench_$b" --describe)" || fail "bench_$b --describe"
  list="$(sed -n 's/.*"parameters":\[\([^]]*\)\].*/\1/p' <<<"$describe" | tr -d '"')"
  IFS=, read -r -a taken <<<"$list"
  params+=("${taken[@]}")
done
mapfile -t params < <(printf '%s\n' "${params[@]}" | sort -u)
[[ ${#backends[@]} -ge 5 && ${#workloads[@]} -ge 6 && ${#params[@]} -ge 4 ]] ||
  fail "found too few names: ${#backends[@]} backends, ${#workloads[@]} workloads, ${#params[@]} parameters"

english=" ints tuples lists "
english_strings=" threshold threads "
harness_words=" threads "
# One pattern file per kind of look, so that each source is read three
# times, not three times per name.
patterns="$TEST_TMPDIR/patterns"
mkdir -p "$patterns"
for name in "${backends[@]}" "${workloads[@]}" "${params[@]}"; do
  [[ $english_strings == *" $name "* ]] || printf '"%s"\n' "$name"
done >"$patterns/strings"
for name in "${params[@]}"; do
  [[ $harness_words == *" $name "* ]] || printf '(^|[^A-Za-z0-9_-])%s=\n' "$name"
done >"$patterns/params"
for name in "${workloads[@]}"; do
  [[ $english == *" $name "* ]] || printf '%s\n' "$name"
done >"$patterns/words"
for src in "$@"; do
  file="$runfiles/$src"
  hits="$(grep -nF -f "$patterns/strings" "$file")"
  [[ -z $hits ]] || fail "$src names a backend, workload or parameter: $hits"
  hits="$(grep -nE -f "$patterns/params" "$file")"
  [[ -z $hits ]] || fail "$src names a parameter: $hits"
  hits="$(grep -nwF -f "$patterns/words" "$file" | grep -v 'poolbench')"
  [[ -z $hits ]] || fail "$src names a workload: $hits"
done

echo "checked $# files against ${#backends[@]} backends, ${#workloads[@]} workloads, ${#params[@]} parameters"
exit $((failures > 0))
