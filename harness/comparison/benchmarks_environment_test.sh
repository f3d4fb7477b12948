#!/bin/bash
# The environment that changes what is measured (issue 16 H3, L7;
# harness/comparison/environment.h): a variable that asks for another
# allocator or a hook around it is refused in one line before anything runs;
# one that tunes or loads something else is cleared before any run, and
# latest.json records what was cleared and what the driver set.
set -u

bin="$TEST_SRCDIR/$TEST_WORKSPACE/harness/comparison/benchmarks"
dir="$TEST_TMPDIR"
export TMPDIR="$dir/tmp"
mkdir -p "$TMPDIR"
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

tiny=(--workloads=ints --scale=0.0001 --runs=1)

# ---- refused: one line, exit 2, nothing run or written ----------------------
# (LD_PRELOAD names a library every process has: the loader acts on it in
# the test's own commands too. LD_AUDIT, refused alike, cannot be set
# harmlessly: the loader audits every command with it.)
for setting in PYTHONMALLOC=malloc PYTHONMALLOC=debug PYTHONDEVMODE=1 \
  PYTHONTRACEMALLOC=5 LD_PRELOAD=libc.so.6; do
  name=${setting%%=*}
  out="$dir/refused_$name"
  export "${setting?}"
  expect 2 "benchmarks: $name is set: it " --backends=pool "${tiny[@]}" \
    --suite=synthetic,real --out="$out"
  unset "$name"
  [[ ! -e $out ]] || fail "$setting: $out was created"
  [[ -z $(ls -A "$TMPDIR") ]] || fail "$setting: ran something: $(ls -A "$TMPDIR")"
done

# ---- cleared: the runs do not see them ----------------------------------------
# Each would break the runs if it reached them: a libjemalloc.so.2 that is not
# a library (the jemalloc runner cannot start), a sitecustomize that exits 7
# (every real program ends at start-up); the others tune or report.
mkdir -p "$dir/evil"
printf 'x' >"$dir/evil/libjemalloc.so.2"
echo 'raise SystemExit(7)' >"$dir/evil/sitecustomize.py"
out="$dir/cleared"
LD_LIBRARY_PATH="$dir/evil" PYTHONPATH="$dir/evil" PYTHONMALLOCSTATS=1 \
  PYTHONHASHSEED=123 MALLOC_ARENA_MAX=2 MALLOC_CONF=narenas:1 \
  MIMALLOC_SHOW_STATS=1 TCMALLOC_RELEASE_RATE=0 GLIBC_TUNABLES=glibc.malloc.tcache_count=0 \
  "$bin" --backends=jemalloc,pool "${tiny[@]}" --suite=synthetic,real --out="$out" \
  >"$out.out" 2>"$out.err" || fail "cleared: exit $?: $(cat "$out.err")"
grep -q "^benchmarks: cleared from the runs' environment: .*LD_LIBRARY_PATH" "$out.err" ||
  fail "cleared: not said: $(cat "$out.err")"
python3 - "$out/latest.json" "$dir/evil" <<'PY' || fail "cleared: latest.json"
import json, sys
j = json.load(open(sys.argv[1]))
env = j["options"]["environment"]
want = {"LD_LIBRARY_PATH": sys.argv[2], "PYTHONPATH": sys.argv[2],
        "PYTHONMALLOCSTATS": "1", "PYTHONHASHSEED": "123",
        "MALLOC_ARENA_MAX": "2", "MALLOC_CONF": "narenas:1",
        "MIMALLOC_SHOW_STATS": "1", "TCMALLOC_RELEASE_RATE": "0",
        "GLIBC_TUNABLES": "glibc.malloc.tcache_count=0"}
for k, v in want.items():
    assert env["cleared"].get(k) == v, (k, env)
# What the programs ran with: the driver's own settings.
assert env["set"] == {"PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}, env
assert "pinned" not in env, env
for cell in j["cells"]:
    for run in cell["runs"]:
        assert "failed" not in run, (cell["backend"], cell["workload"], run)
PY

# A comparison in a clean environment (Bazel's PYTHON_RUNFILES left out)
# records that nothing was cleared, and with --counted the pinned runs' own
# environment.
out="$dir/clean"
env -i PATH="$PATH" TMPDIR="$TMPDIR" \
  "$bin" --backends=pool "${tiny[@]}" --counted --out="$out" >/dev/null 2>"$out.err" ||
  fail "clean: $(cat "$out.err")"
grep -q "cleared from" "$out.err" && fail "clean: $(cat "$out.err")"
python3 - "$out/latest.json" <<'PY' || fail "clean: latest.json"
import json, sys
env = json.load(open(sys.argv[1]))["options"]["environment"]
assert env["cleared"] == {} and env["set"] == {}, env
assert env["pinned"]["LD_BIND_NOW"] == "1" and "GLIBC_TUNABLES" in env["pinned"], env
PY

finish "refused or cleared before any run, and recorded"
