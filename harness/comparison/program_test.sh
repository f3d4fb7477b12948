#!/bin/bash
# Your own program through the comparison (--program): a program the
# project has never seen runs in the real and captured suites on three
# backends, counted: measured cells everywhere, an allocator share between 0
# and 1 on every real cell, whole-program instructions within 2% of an
# independent cachegrind count of the same program, and a verdict. Bad
# programs are refused before anything runs; one that fails is reported
# once.
set -u

bin="$TEST_SRCDIR/$TEST_WORKSPACE/harness/comparison/benchmarks"
pyrun="$TEST_SRCDIR/$TEST_WORKSPACE/python/pyrun_pool"
dir="$TEST_TMPDIR"
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

mkdir -p "$dir/mine"
cat >"$dir/mine/orders.py" <<'PROGRAM'
import sys
n = int(sys.argv[1])
book = {}
for i in range(n):
    book[f"order-{i}"] = (i, i * 1.5, [i, "x" * (i % 7)])
    if i % 4 == 3:
        del book[f"order-{i // 2}"]
print(len(book), file=sys.stderr)
PROGRAM

out="$dir/out"
BUILD_WORKING_DIRECTORY="$dir/mine" "$bin" --program='orders.py 4000' \
  --backends=pool,mimalloc,glibc --runs=3 --counted --out="$out" \
  >"$dir/stdout" 2>"$dir/stderr" || fail "the comparison: $(tail -3 "$dir/stderr")"

head -1 "$dir/stdout" | grep -q '^## Verdict' || fail "the verdict is not first: $(head -3 "$dir/stdout")"
grep -q '^## Verdict' "$out/latest.md" || fail "no verdict in latest.md"
grep -q '^- orders: against ' "$out/latest.md" || fail "no line for the program"

# Every cell measured; the real cells' counted figures; the independent
# count of the pool's run.
python3 - "$out/latest.json" >"$dir/check" <<'CHECK' || fail "latest.json: $(cat "$dir/check")"
import json, sys
root = json.load(open(sys.argv[1]))
cells = root["cells"]
assert len(cells) == 6, f"{len(cells)} cells"
for c in cells:
    assert not c["failed"], f"{c['variant']} x {c['workload']} failed: {c['failure']}"
    assert c["counted"].get("failed") is None, c["counted"]
    if c["suite"] == "real":
        share = c["counted"]["allocator_share"]
        assert 0 < share < 1, f"{c['variant']}: share {share}"
        assert c["counted"]["allocator_instructions"] < c["counted"]["instructions"]
        if c["backend"] == "pool":
            print(c["counted"]["instructions"])
assert [c["workload"] for c in cells].count("orders:captured") == 3
assert root["options"]["programs"][0][1:] == ["4000"], root["options"]["programs"]
CHECK
counted=$(tail -1 "$dir/check")

# The real runs in hyperfine's export format, for its plotting scripts.
python3 - "$out/hyperfine_orders.json" <<'CHECK' || fail "hyperfine_orders.json"
import json, sys
results = json.load(open(sys.argv[1]))["results"]
assert [r["command"].split()[0] for r in results] == \
    ["pyrun_pool", "pyrun_mimalloc", "pyrun_glibc"], results
for r in results:
    assert len(r["times"]) == 3 and r["exit_codes"] == [0, 0, 0], r
    assert r["min"] <= r["median"] <= r["max"] and r["user"] > 0, r
    assert r["command"].endswith("orders.py 4000"), r["command"]
CHECK

(cd "$dir/mine" && PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 valgrind -q \
  --tool=cachegrind --cache-sim=no --cachegrind-out-file="$dir/cachegrind.out" \
  "$pyrun" orders.py 4000 2>/dev/null) || fail "cachegrind of the program"
independent=$(sed -n 's/^summary: \([0-9]*\).*/\1/p' "$dir/cachegrind.out")
python3 -c "
c, i = $counted, $independent
assert abs(c - i) <= 0.02 * i, f'counted {c}, cachegrind {i}'
" || fail "counted $counted instructions, cachegrind $independent: more than 2% apart"

# Refused before anything runs, one line each.
cp "$dir/mine/orders.py" "$dir/mine/ints.py"
mkdir -p "$dir/other"
cp "$dir/mine/orders.py" "$dir/other/orders.py"
export BUILD_WORKING_DIRECTORY="$dir/mine"
expect 2 "--program: 'ints' is the name of a built-in workload" --program=ints.py
expect 2 "--program: $dir/mine/nothere.py: No such file or directory" --program=nothere.py
expect 2 "--program: a single quote is not closed" --program="orders.py 'x"
expect 2 "--program: 'orders' names two workloads" --program=orders.py \
  --program="$dir/other/orders.py"
expect 2 "--suite: a --program runs in the captured and real suites" \
  --program=orders.py --suite=synthetic
expect 2 "--trace:" --trace=orders.py

# A virtual environment on the same Python: its packages import; on another
# Python: refused in one line, naming the one pyrun embeds.
embedded=$("$pyrun" --version | sed -n 's/^Python \([0-9]*\.[0-9]*\).*/\1/p')
venv="$dir/venv"
mkdir -p "$venv/lib/python$embedded/site-packages"
printf 'version = %s.0\n' "$embedded" >"$venv/pyvenv.cfg"
printf 'def greet():\n    return 42\n' >"$venv/lib/python$embedded/site-packages/venvlib.py"
printf 'import venvlib\nassert venvlib.greet() == 42\n' >"$dir/mine/uses_venv.py"
VIRTUAL_ENV="$venv" "$bin" --program=uses_venv.py --backends=pool --suite=real \
  --runs=1 --out="$dir/venv_out" >/dev/null 2>"$dir/venv.err" ||
  fail "a program importing from its virtual environment: $(tail -2 "$dir/venv.err")"
printf 'version = 3.99.1\n' >"$venv/pyvenv.cfg"
VIRTUAL_ENV="$venv" expect 2 "is a Python 3.99 environment, and pyrun embeds Python $embedded" \
  --program=uses_venv.py --backends=pool --suite=real --runs=1 --out="$dir/venv_out"

# A program that fails: reported once, its other cells not run.
printf 'import sys\nprint("no database here", file=sys.stderr)\nsys.exit(3)\n' \
  >"$dir/mine/broken.py"
"$bin" --program=broken.py --backends=pool,glibc --suite=real --runs=2 \
  --out="$dir/broken" >/dev/null 2>"$dir/broken.err"
rc=$?
[[ $rc == 1 ]] || fail "a failing program: exit $rc"
[[ $(grep -c 'failed: exit 3: no database here' "$dir/broken.err") == 1 ]] ||
  fail "a failing program is not reported once: $(cat "$dir/broken.err")"
grep -q 'not run: failed on pool: exit 3: no database here' "$dir/broken/latest.md" ||
  fail "the other cells: $(grep -i broken "$dir/broken/latest.md")"

finish "your own program runs through the comparison"
