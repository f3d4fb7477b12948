#!/bin/bash
# The gate on hostile baselines and options (issue 16): every baseline is
# checked whole before anything runs, so a bad one is one line and exit 2,
# at once, with nothing measured (nothing in $TMPDIR): a scale that once grew
# the gate to 22 GB, a cell without figures, no cell at all, a cell without
# its versions; a partial update keeps the other cells' versions; an update
# into a folder it cannot write is refused before measuring; options given
# twice are refused; a directory as the baseline and a tiny timeout are named
# as such.
set -u

bin="$TEST_SRCDIR/$TEST_WORKSPACE/harness/gate/regression"
dir="$TEST_TMPDIR"
export TMPDIR="$dir/tmp"
mkdir -p "$TMPDIR"
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

nothing_measured() {
  local left
  left=$(ls -A "$TMPDIR")
  [[ -z $left ]] || fail "$1: measured something: $left in \$TMPDIR"
}

# edit FILE PYTHON: FILE is the good baseline changed by the statement PYTHON
# on its root, b (cells in c = b["cells"]).
good="$dir/good.json"
edit() {
  python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))
c = b["cells"]
exec(sys.argv[3])
json.dump(b, open(sys.argv[2], "w"), indent=2)
' "$good" "$1" "$2" || fail "edit: $2"
}

pool=(--backends=pool --workloads=ints,tuples)
"$bin" "${pool[@]}" --baseline="$good" --update-baseline >"$dir/record.out" 2>&1 ||
  fail "recording: $(cat "$dir/record.out")"
rm -rf "${TMPDIR:?}"/*

# refused BASELINE-EDIT PATTERN: the gate on the edited baseline is refused
# at once with PATTERN in its one line.
bad="$dir/bad.json"
refused() {
  edit "$bad" "$1"
  expect 2 "$2" "${pool[@]}" --baseline="$bad"
  nothing_measured "$1"
}

# ---- H4: every number bounded ------------------------------------------------
refused 'b["scale"] = 1000' '"scale" is not a number above 0 and at most 1'
refused 'b["scale"] = 1e300' '"scale" is not a number above 0 and at most 1'
refused 'b["scale"] = 0' '"scale"'
refused 'b["scale"] = -0.02' '"scale"'
refused 'b["scale"] = "0.02"' '"scale"'
refused 'b["thresholds"]["instructions_per_op"]["percent"] = 1e9' \
  '"thresholds": instructions_per_op is not'
refused 'b["thresholds"]["peak_rss_bytes"]["floor"] = -1' '"thresholds": peak_rss_bytes'
refused 'b["backend_thresholds"] = {"pool": {"instructions_per_0p": {"percent": 5, "floor": 1}}}' \
  '"backend_thresholds": pool: "instructions_per_0p" is not a gated metric'
refused 'b["backend_thresholds"] = {"pol": {}}' '"backend_thresholds": pol: unknown backend'
refused 'c["ints"]["pool"]["figures"]["peak_rss_bytes"] = 1e300' \
  'pool x ints: peak_rss_bytes is not a number from 0 to'
refused 'c["ints"]["pool"]["figures"]["minor_page_faults"] = -3' 'pool x ints: minor_page_faults'

# ---- M8: every cell with every gated metric; some cell ---------------------------
refused 'c["ints"]["pool"] = {}' 'pool x ints: no "versions" object'
refused 'c["ints"]["pool"] = 3' 'pool x ints: not {"versions": ..., "figures": ...}'
refused 'del c["ints"]["pool"]["figures"]["instructions_per_op"]' 'pool x ints: no instructions_per_op'
refused 'c["ints"]["pool"]["figures"] = {}' 'pool x ints: no instructions_per_op'
refused 'b["cells"] = {}' '"cells": no cell'
refused 'c["ints"] = {}' '"cells": ints: no backend'
refused 'c["intz"] = c.pop("ints")' 'unknown workload "intz"'
# A partial baseline: the cells it lacks are new (exit 0, listed), but one
# holding none of the cells measured has nothing to compare with.
edit "$dir/partial.json" 'del c["tuples"]'
expect 0 "1 cells are not in $dir/partial.json" "${pool[@]}" --baseline="$dir/partial.json"
rm -rf "${TMPDIR:?}"/*
expect 2 "holds none of the 1 cells measured" --backends=pool --workloads=lists \
  --baseline="$good"
nothing_measured "none held"

# ---- M9: versions per cell -----------------------------------------------------
refused 'del c["ints"]["pool"]["versions"]["compiler"]' 'pool x ints: no compiler version'
refused 'del c["ints"]["pool"]["versions"]["libc"]' 'pool x ints: no libc version'
refused 'del c["tuples"]["pool"]["versions"]["backend"]' 'pool x tuples: no backend version'
refused 'del c["ints"]["pool"]["versions"]' 'pool x ints: no "versions" object'
refused 'b["format"] = 1' 'format 1'
# Both cells recorded with another valgrind; an update of one cell relabels
# that cell only, and the gate still refuses the other.
edit "$dir/old.json" '
for row in c.values():
  for cell in row.values(): cell["versions"]["valgrind"] = "valgrind-3.1.0"'
expect 2 "valgrind valgrind-3.1.0 (now valgrind-" "${pool[@]}" --baseline="$dir/old.json"
"$bin" --backends=pool --workloads=ints --baseline="$dir/old.json" --update-baseline \
  >"$dir/update.out" 2>&1 || fail "partial update: $(cat "$dir/update.out")"
python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["cells"]
assert c["ints"]["pool"]["versions"]["valgrind"] != "valgrind-3.1.0", "ints not updated"
assert c["tuples"]["pool"]["versions"]["valgrind"] == "valgrind-3.1.0", "tuples relabelled"
' "$dir/old.json" || fail "partial update: $(cat "$dir/old.json")"
expect 2 "in pool x tuples" "${pool[@]}" --baseline="$dir/old.json"
rm -rf "${TMPDIR:?}"/*

# ---- M12: an update into a folder it cannot write, refused before measuring --
expect 2 "$dir/missing/b.json: cannot create a temporary file" "${pool[@]}" \
  --baseline="$dir/missing/b.json" --update-baseline
nothing_measured "missing folder"
touch "$dir/a_file"
expect 2 "$dir/a_file/b.json" "${pool[@]}" --baseline="$dir/a_file/b.json" --update-baseline
nothing_measured "a file as the folder"
if (($(id -u) != 0)); then # root writes into a read-only folder
  mkdir -p "$dir/read_only" && cp "$good" "$dir/read_only/b.json" && chmod 555 "$dir/read_only"
  expect 2 "$dir/read_only/b.json" "${pool[@]}" --baseline="$dir/read_only/b.json" --update-baseline
  nothing_measured "read-only folder"
fi

# ---- L2: options given twice ---------------------------------------------------
expect 2 "--baseline given twice" --baseline="$good" --baseline="$good"
expect 2 "--runners given twice" --runners=/a --runners=/b --baseline="$good"
expect 2 "--update-baseline given twice" --update-baseline --update-baseline
expect 2 "--all given twice" --all --all
expect 2 "--timeout given twice" --timeout=1 --timeout=2
expect 2 "--backends given twice" --backends=pool --backends=pool

# ---- L6: clear messages --------------------------------------------------------
expect 2 "$dir: is a directory, not a baseline file" --baseline="$dir"
expect 1 "FAILED: timeout after 0.001 s" --backends=pool --workloads=ints \
  --baseline="$good" --timeout=0.001
nothing_measured "tiny timeout"

finish "every hostile baseline refused before anything ran"
