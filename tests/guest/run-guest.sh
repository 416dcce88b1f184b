#!/bin/sh
# run-guest.sh: run one directed guest test under isola and judge it.
#
# Usage: run-guest.sh [--stderr TEXT] [--no-pass] ELF STATUS [isola options...]
#
# Runs `isola -no-reboot -insn-limit 200M [options] -kernel ELF` from the
# build directory and passes (exit 0) only if
#   - isola's exit status is STATUS (33 = the guest wrote 0x10 to 0xF4),
#   - stdout has a line "PASS" and no "FAIL" or "not ok" (unless --no-pass:
#     then stdout must not say PASS),
#   - stderr contains TEXT (--stderr), and no sanitizer report.
# Exit 99 (a hard error for the test harness) when isola or ELF is missing.
# ISOLA overrides the emulator's path, GUEST_TIMEOUT the wall-clock limit.

expect_stderr=
want_pass=yes
while [ $# -gt 0 ]; do
    case $1 in
    --stderr) expect_stderr=$2; shift 2 ;;
    --no-pass) want_pass=no; shift ;;
    *) break ;;
    esac
done
if [ $# -lt 2 ]; then
    echo "usage: $0 [--stderr TEXT] [--no-pass] ELF STATUS [isola options...]" >&2
    exit 99
fi
elf=$1
want_status=$2
shift 2

isola=${ISOLA:-./emu/isola}
timeout_s=${GUEST_TIMEOUT:-300}
for f in "$isola" "$elf"; do
    if [ ! -f "$f" ]; then
        echo "run-guest: $f not found (run from the build directory after make)" >&2
        exit 99
    fi
done

tmp=${TMPDIR:-/tmp}/run-guest.$$
trap 'rm -f "$tmp.out" "$tmp.err"' EXIT INT TERM

echo "+ $isola -no-reboot -insn-limit 200M $* -kernel $elf"
timeout "$timeout_s" "$isola" -no-reboot -insn-limit 200M "$@" -kernel "$elf" >"$tmp.out" 2>"$tmp.err"
status=$?
cat "$tmp.out"
if [ -s "$tmp.err" ]; then
    echo "--- stderr:"
    cat "$tmp.err"
fi
echo "--- exit status $status (want $want_status)"

fail=0
if [ "$status" -eq 124 ]; then
    echo "run-guest: FAIL: timed out after $timeout_s s"
    fail=1
elif [ "$status" -ne "$want_status" ]; then
    echo "run-guest: FAIL: exit status $status, want $want_status"
    fail=1
fi
if grep -E -q 'Sanitizer|runtime error:' "$tmp.err"; then
    echo "run-guest: FAIL: sanitizer report on stderr"
    fail=1
fi
if [ $want_pass = yes ]; then
    if ! grep -q -x 'PASS' "$tmp.out"; then
        echo "run-guest: FAIL: no PASS line"
        fail=1
    fi
    if grep -q -e '^not ok' -e 'FAIL' "$tmp.out"; then
        echo "run-guest: FAIL: a check failed (see 'not ok' above)"
        fail=1
    fi
elif grep -q -x 'PASS' "$tmp.out"; then
    echo "run-guest: FAIL: the guest says PASS but should not have finished"
    fail=1
fi
if [ -n "$expect_stderr" ] && ! grep -q -F -e "$expect_stderr" "$tmp.err"; then
    echo "run-guest: FAIL: stderr lacks '$expect_stderr'"
    fail=1
fi
[ $fail -eq 0 ] && echo "run-guest: ok"
exit $fail
