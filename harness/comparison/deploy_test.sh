#!/bin/bash
# --suite=deploy (deploy.h): the programs on real interpreters under
# deployment configurations, each run checked to have taken effect; what
# cannot run refused in one line before anything runs; a configuration that
# did not take effect fails its cells, saying why.
set -u

bin="$TEST_SRCDIR/$TEST_WORKSPACE/harness/comparison/benchmarks"
dir="$TEST_TMPDIR"
export TMPDIR="$dir/tmp"
mkdir -p "$TMPDIR"
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

small=(--suite=deploy --workloads=tuples --scale=0.05 --runs=2)
lib=/usr/lib/x86_64-linux-gnu

# check_cells JSON STATUS LABEL...: the cells of latest.json are exactly
# LABELs, in the deploy suite; STATUS ok: every run measured and verified;
# otherwise every run failed with STATUS in its failure.
check_cells() {
  python3 - "$@" <<'PY'
import json, sys
path, status, labels = sys.argv[1], sys.argv[2], sys.argv[3:]
j = json.load(open(path))
cells = j["cells"]
assert [c["variant"] for c in cells] == labels, [c["variant"] for c in cells]
for c in cells:
    assert c["suite"] == "deploy", c["suite"]
    for run in c["runs"]:
        if status == "ok":
            assert run.get("verified") is True, (c["variant"], run)
            assert run["peak_rss_bytes"] > 10 << 20, (c["variant"], run)
            assert run["program_cpu_seconds"] > 0, (c["variant"], run)
            assert run["minor_page_faults"] > 1000, (c["variant"], run)
        else:
            assert status in run.get("failed", ""), (c["variant"], run)
PY
}

# ---- the four configurations of the issue, measured and verified -----------
out="$dir/four"
"$bin" "${small[@]}" --configs=pymalloc+glibc,malloc+jemalloc,pymalloc+jemalloc,malloc+mimalloc \
  --out="$out" >"$out.out" 2>"$out.err" || fail "four: exit $?: $(cat "$out.err")"
check_cells "$out/latest.json" ok 3.11:pymalloc+glibc 3.11:malloc+jemalloc \
  3.11:pymalloc+jemalloc 3.11:malloc+mimalloc || fail "four: latest.json"
python3 - "$out/latest.json" "$lib" <<'PY' || fail "four: what each ran with"
import json, sys
j = json.load(open(sys.argv[1]))
a = j["allocators"]
assert j["reference"] == "3.11:pymalloc+glibc", j["reference"]
assert a["3.11:pymalloc+glibc"]["environment"] == {"PYTHONMALLOC": "pymalloc"}, a
assert a["3.11:malloc+jemalloc"]["environment"] == {
    "PYTHONMALLOC": "malloc", "LD_PRELOAD": sys.argv[2] + "/libjemalloc.so.2"}, a
assert a["3.11:malloc+mimalloc"]["interpreter"] == "/usr/bin/python3.11", a
PY
grep -q '^| tuples:deploy | ' "$out.out" || fail "four: no verdict row: $(cat "$out.out")"

# ---- refused at once: one line, exit 2, nothing run or written -------------
expect 2 "3.11:mimalloc+glibc: /usr/bin/python3.11 (Python 3.11.2) has no PYTHONMALLOC=mimalloc" \
  "${small[@]}" --configs=mimalloc+glibc --out="$dir/refused"
expect 2 "cannot be combined with other suites" --suite=deploy,real --workloads=tuples \
  --out="$dir/refused"
expect 2 "need --suite=deploy" --configs=pymalloc+glibc --workloads=tuples --out="$dir/refused"
expect 2 "not backends: drop --backends" "${small[@]}" --backends=pool --out="$dir/refused"
expect 2 "unknown OBJECT 'pymaloc'" "${small[@]}" --configs=pymaloc+glibc --out="$dir/refused"
expect 2 "unknown PROCESS 'pool'" "${small[@]}" --configs=malloc+pool --out="$dir/refused"
expect 2 "--python: $dir/nothing: no such interpreter" "${small[@]}" --python="$dir/nothing" \
  --out="$dir/refused"
# Bazel sets HOME to the test's directory: pyenv's are under the user's own.
home="$(getent passwd "$(id -u)" | cut -d: -f6)"
py27="$home/.pyenv/versions/2.7.18/bin/python2.7"
if [[ -x $py27 ]]; then
  expect 2 "is Python 2.7.18: PYTHONMALLOC needs 3.6 or later" "${small[@]}" \
    --python="$py27" --out="$dir/refused"
else
  echo "skipped the check of an interpreter older than 3.6: no $py27"
fi
PYTHONMALLOC=malloc expect 2 "PYTHONMALLOC is set" "${small[@]}" --out="$dir/refused"
# (--out is checked, and so made, before the interpreters are asked.)
[[ -z $(ls -A "$dir/refused" 2>/dev/null) ]] || fail "refused: wrote $(ls -A "$dir/refused")"
[[ -z $(ls -A "$TMPDIR") ]] || fail "refused: ran something: $(ls -A "$TMPDIR")"

# ---- a configuration file: tunables, and its bad lines ----------------------
cat >"$dir/configs" <<CONF
# jemalloc returning memory at once
je-nodecay malloc+jemalloc MALLOC_CONF=dirty_decay_ms:0,muzzy_decay_ms:0

glibc-mmap pymalloc+glibc GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072  # comment
CONF
out="$dir/file"
"$bin" "${small[@]}" --configs-file="$dir/configs" --configs=je-nodecay,glibc-mmap,pymalloc+glibc \
  --reference=je-nodecay --out="$out" >"$out.out" 2>"$out.err" || fail "file: exit $?: $(cat "$out.err")"
check_cells "$out/latest.json" ok 3.11:je-nodecay 3.11:glibc-mmap 3.11:pymalloc+glibc ||
  fail "file: latest.json"
python3 - "$out/latest.json" <<'PY' || fail "file: tunables not recorded"
import json, sys
a = json.load(open(sys.argv[1]))["allocators"]
assert a["3.11:je-nodecay"]["environment"]["MALLOC_CONF"] == "dirty_decay_ms:0,muzzy_decay_ms:0", a
assert a["3.11:je-nodecay"]["configuration"] == "malloc+jemalloc", a
j = json.load(open(sys.argv[1]))
assert j["reference"] == "3.11:je-nodecay", j["reference"]
assert j["options"]["deploy"]["configs"] == "je-nodecay,glibc-mmap,pymalloc+glibc", j["options"]
assert "backends" not in j["options"], j["options"]
PY
expect 2 "--reference: 'nothing' is not among the configurations compared" "${small[@]}" \
  --reference=nothing --out="$dir/refused"
bad() { # LINE PATTERN: the file's second line is LINE, refused naming line 2
  printf 'ok pymalloc+glibc\n%s\n' "$1" >"$dir/bad"
  expect 2 "--configs-file: $dir/bad:2: $2" "${small[@]}" --configs-file="$dir/bad" \
    --out="$dir/refused"
}
bad "lonely" "expected NAME OBJECT+PROCESS"
bad "ok malloc+glibc" "'ok' is named twice"
bad "x pymalloc+jemalloc MIMALLOC_RESET_DELAY=0" "MIMALLOC_RESET_DELAY tunes no allocator"
bad "x malloc+jemalloc LD_PRELOAD=$lib/libtcmalloc_minimal.so.4" "LD_PRELOAD tunes no allocator"
bad "x malloc+jemalloc MALLOC_CONF" "'MALLOC_CONF' is not VAR=VALUE"
bad "x+y malloc+glibc" "NAME 'x+y' must be"
bad "x malloc" "'malloc' is not OBJECT+PROCESS"
printf 'gone malloc+%s/libnothing.so\n' "$dir" >"$dir/gone"
expect 2 "3.11:gone: $dir/libnothing.so: no such library" "${small[@]}" \
  --configs-file="$dir/gone" --configs=gone --out="$dir/refused"
[[ -z $(ls -A "$dir/refused" 2>/dev/null) ]] || fail "bad lines: wrote $(ls -A "$dir/refused")"

# ---- configurations that do not take effect fail their cells ----------------
# A library that is preloaded (mapped) but is not an allocator: malloc still
# comes from the C library.
printf 'libz malloc+%s/libz.so.1\n' "$lib" >"$dir/libz"
out="$dir/libz_run"
"$bin" "${small[@]}" --configs-file="$dir/libz" --configs=libz,pymalloc+glibc \
  --out="$out" >"$out.out" 2>"$out.err"
rc=$?
[[ $rc == 1 ]] || fail "libz: exit $rc, expected 1: $(cat "$out.err")"
grep -q "3.11:libz x tuples:deploy (run 1/2) failed: malloc comes from .*libc.so.6, not .*libz.so.1.*: the library preloaded is mapped but is not the process's malloc" "$out.err" ||
  fail "libz: not said: $(cat "$out.err")"
python3 - "$out/latest.json" <<'PY' || fail "libz: latest.json"
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
assert cells[0]["failed"] and "not the process's malloc" in cells[0]["failure"], cells[0]
assert not cells[1]["failed"] and cells[1]["runs"][0]["verified"], cells[1]
PY
# A launcher that drops LD_PRELOAD before starting Python, and one that sets
# its own PYTHONMALLOC: what some deployments' wrappers do.
printf '#!/bin/sh\nunset LD_PRELOAD\nexec /usr/bin/python3.11 "$@"\n' >"$dir/dropping"
printf '#!/bin/sh\nPYTHONMALLOC=malloc exec /usr/bin/python3.11 "$@"\n' >"$dir/forcing"
chmod +x "$dir/dropping" "$dir/forcing"
out="$dir/dropping_run"
"$bin" "${small[@]}" --python="$dir/dropping" --configs=malloc+jemalloc --out="$out" \
  >"$out.out" 2>"$out.err"
rc=$?
[[ $rc == 1 ]] || fail "dropping: exit $rc, expected 1"
check_cells "$out/latest.json" "LD_PRELOAD=$lib/libjemalloc.so.2 did not take effect: the library is not mapped" \
  3.11:malloc+jemalloc || fail "dropping: latest.json"
out="$dir/forcing_run"
"$bin" "${small[@]}" --python="$dir/forcing" --configs=pymalloc+glibc --out="$out" \
  >"$out.out" 2>"$out.err"
rc=$?
[[ $rc == 1 ]] || fail "forcing: exit $rc, expected 1"
check_cells "$out/latest.json" "PYTHONMALLOC=pymalloc did not take effect: sys._debugmallocstats() reports no small block threshold" \
  3.11:pymalloc+glibc || fail "forcing: latest.json"
[[ -z $(ls -A "$TMPDIR") ]] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"

# ---- a second interpreter: 3.13 has PYTHONMALLOC=mimalloc -------------------
py313="$home/.pyenv/versions/3.13.0/bin/python3.13"
if [[ -x $py313 ]]; then
  out="$dir/py313"
  "$bin" "${small[@]}" --python="$py313" --python=/usr/bin/python3.11 \
    --configs=pymalloc+glibc,mimalloc+glibc --out="$out" >"$out.out" 2>"$out.err" &&
    fail "3.13 with 3.11: mimalloc+glibc accepted for 3.11"
  grep -q "3.11:mimalloc+glibc: .* has no PYTHONMALLOC=mimalloc" "$out.err" ||
    fail "3.13 with 3.11: not refused: $(cat "$out.err")"
  "$bin" "${small[@]}" --python="$py313" --configs=pymalloc+glibc,mimalloc+glibc \
    --out="$out" >"$out.out" 2>"$out.err" || fail "3.13: exit $?: $(cat "$out.err")"
  check_cells "$out/latest.json" ok 3.13:pymalloc+glibc 3.13:mimalloc+glibc ||
    fail "3.13: latest.json"
else
  echo "skipped the 3.13 checks: no $py313 on this machine"
fi

# ---- counted: whole programs under callgrind, preloads taking effect there --
out="$dir/counted"
"$bin" --suite=deploy --workloads=tuples --scale=0.01 --runs=1 --counted \
  --configs=pymalloc+glibc,malloc+jemalloc,malloc+tcmalloc,malloc+mimalloc \
  --out="$out" >"$out.out" 2>"$out.err" || fail "counted: exit $?: $(cat "$out.err")"
python3 - "$out/latest.json" <<'PY' || fail "counted: latest.json"
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
assert len(cells) == 4, cells
for c in cells:
    k = c["counted"]
    assert k.get("instructions", 0) > 10**7, (c["variant"], k)
    assert 0 < k["allocator_share"] < 1, (c["variant"], k)
PY
# A launcher dropping the preload is caught under callgrind as well.
out="$dir/counted_dropping"
"$bin" --suite=deploy --workloads=tuples --scale=0.01 --runs=1 --counted \
  --python="$dir/dropping" --configs=malloc+jemalloc --out="$out" >"$out.out" 2>"$out.err"
grep -q "counting 3.11:malloc+jemalloc x tuples:deploy failed: LD_PRELOAD=.* did not take effect" "$out.err" ||
  fail "counted, dropping: not said: $(cat "$out.err")"
[[ -z $(ls -A "$TMPDIR") ]] || fail "counted: left in TMPDIR: $(ls -A "$TMPDIR")"

finish "deploy: measured and verified, refused and failed as expected"
