#!/bin/bash
# pyrun_pool-debug keeps each block's domain, as CPython's pymalloc_debug
# does: a block from PyObject_Malloc freed with PyMem_Free (and the other
# way round) aborts with one line naming both domains; blocks freed through
# their own domain are fine. Beside it, python3 under
# PYTHONMALLOC=pymalloc_debug aborts on the same program (when python3 is
# there).
#
#   pyrun_domains_test.sh PYRUN_POOL_DEBUG
set -u
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

pyrun="$1"
dir="$TEST_TMPDIR"

# program ALLOC FREE: allocates 40 bytes with ALLOC, frees them with FREE.
program() {
  cat <<PY
import ctypes
api = ctypes.pythonapi
api.$1.restype = ctypes.c_void_p
api.$1.argtypes = [ctypes.c_size_t]
api.$2.argtypes = [ctypes.c_void_p]
api.$2(api.$1(40))
print("freed")
PY
}

# Through their own domains: nothing to say.
for pair in "PyObject_Malloc PyObject_Free" "PyMem_Malloc PyMem_Free"; do
  out="$("$pyrun" -c "$(program $pair)" 2>&1)"
  [[ $out == freed ]] || fail "$pair: $out"
done

# wrong ALLOC FREE ALLOCATED HANDED: the abort and its line.
wrong() {
  "$pyrun" -c "$(program "$1" "$2")" >"$dir/out" 2>&1
  local rc=$?
  [[ $rc == 134 ]] || fail "$1 then $2: exit $rc, not SIGABRT's 134: $(cat "$dir/out")"
  grep -q "^pool-debug: wrong domain: block .* (40 bytes) was allocated through the $3 domain and handed to free($4)$" \
    "$dir/out" || fail "$1 then $2: $(cat "$dir/out")"
  ! grep -q freed "$dir/out" || fail "$1 then $2: went on after the free"
}
wrong PyObject_Malloc PyMem_Free obj mem
wrong PyMem_Malloc PyObject_Free mem obj

if [[ -x /usr/bin/python3 ]]; then
  PYTHONMALLOC=pymalloc_debug /usr/bin/python3 -c "$(program PyObject_Malloc PyMem_Free)" \
    >"$dir/out" 2>&1
  rc=$?
  [[ $rc == 134 ]] && grep -q "bad ID: Allocated using API 'o', verified using API 'm'" "$dir/out" ||
    fail "python3 under pymalloc_debug (exit $rc) did not abort as expected: $(cat "$dir/out")"
else
  echo "skipped the comparison with python3: /usr/bin/python3 is not there"
fi

finish "pyrun_pool-debug catches blocks freed through the wrong domain"
