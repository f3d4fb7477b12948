#!/bin/bash
# measure reports its child's own figures: the peak RSS of a small program
# run from a big parent is small (ru_maxrss would carry the parent's across
# execve), a program that touches 64 MiB reports at least that, and exit
# statuses and signals pass through; a footprint the child reports is in
# the JSON, and absent when it reports none.
set -u
source "$TEST_SRCDIR/$TEST_WORKSPACE/testing/expect.sh"

measure="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"

# field NAME JSON: the number after "NAME":
field() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p" <<<"$2"; }

# A parent with 256 MiB resident runs measure /bin/true.
out="$(/usr/bin/python3 -c '
import subprocess, sys
ballast = bytearray(256 << 20)
for i in range(0, len(ballast), 4096):
    ballast[i] = 1
sys.stdout.write(subprocess.run([sys.argv[1], "/bin/true"],
                                stdout=subprocess.PIPE).stdout.decode())
' "$measure")"
peak="$(field peak_rss_bytes "$out")"
[[ -n $peak ]] && ((peak < 32 << 20)) || fail "/bin/true under a big parent: $out"

out="$("$measure" /usr/bin/python3 -c '
b = bytearray(64 << 20)
for i in range(0, len(b), 4096):
    b[i] = 1
print("this goes nowhere")')"
peak="$(field peak_rss_bytes "$out")"
[[ -n $peak ]] && ((peak >= 64 << 20)) || fail "64 MiB touched: $out"
[[ $out != *nowhere* ]] || fail "the child's stdout reached measure's: $out"
[[ $(field exit_status "$out") == 0 ]] || fail "exit status: $out"
cpu="$(field program_cpu_seconds "$out")"
wall="$(field program_wall_seconds "$out")"
user="$(field program_user_seconds "$out")"
system="$(field program_system_seconds "$out")"
[[ -n $cpu && -n $wall && -n $user && -n $system ]] || fail "no times: $out"

out="$("$measure" /bin/sh -c 'exit 7')"
rc=$?
[[ $rc == 7 && $(field exit_status "$out") == 7 ]] || fail "exit 7: $rc, $out"
out="$("$measure" /bin/sh -c 'kill -TERM $$')"
rc=$?
[[ $rc == 143 && $(field signal "$out") == 15 ]] || fail "SIGTERM: $rc, $out"
# A child that reports its footprint has it in the JSON; one that does not,
# has none.
out="$("$measure" /bin/sh -c 'echo 123456 >&"$PB_FOOTPRINT_FD"')"
[[ $(field footprint_peak_bytes "$out") == 123456 ]] || fail "reported: $out"
out="$("$measure" /bin/true)"
[[ $out != *footprint* ]] || fail "a footprint nobody reported: $out"
out="$("$measure" /bin/sh -c 'echo garbage >&"$PB_FOOTPRINT_FD"')"
[[ $out != *footprint* ]] || fail "a malformed report taken: $out"
out="$("$measure" /bin/sh -c 'echo 1; echo 2 >&"$PB_FOOTPRINT_FD"; echo 3 >&"$PB_FOOTPRINT_FD"')"
[[ $out != *footprint* ]] || fail "two reports, one taken: $out"

err="$("$measure" 2>&1 >/dev/null)"
rc=$?
[[ $rc == 2 && $err == "measure: usage:"* ]] || fail "no program: exit $rc: $err"

finish "measure reports its child's own figures"
