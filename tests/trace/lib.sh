# lib.sh: what the tracing tests share. Sourced from the build directory
# (after make) by the tests in tests/trace/.
#
#   need FILE...            exit 99 (a hard error) when a file is missing
#   fail MESSAGE            note a failure (the test goes on, then fails)
#   finish                  exit 1 after any failure, else 0
#   pattern_run NAME [ISOLA OPTIONS...]   run pattern.elf with the TLB the
#       test was worked out for; stdout, stderr and status in
#       $tmp/NAME.out, $tmp/NAME.err, $tmp/NAME.status
#   clean_stderr FILE       fail if FILE holds a sanitizer report

isola=${ISOLA:-./emu/isola}
itrace=${ISOLA_TRACE:-./emu/isola-trace}
srcdir=${srcdir:-.}
pattern=tests/trace/pattern.elf
tmp=$(mktemp -d "${TMPDIR:-/tmp}/trace-test.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
failed=0

need() {
    for f in "$@"; do
        [ -e "$f" ] || { echo "$f not found (run from the build directory after make)"; exit 99; }
    done
}

fail() {
    echo "FAIL: $*"
    failed=1
}

finish() {
    [ $failed -eq 0 ] && echo "all checks passed"
    exit $failed
}

clean_stderr() {
    if grep -E -q 'Sanitizer|runtime error:' "$1"; then
        fail "sanitizer report in $1:"
        head -30 "$1"
    fi
}

pattern_run() {
    name=$1
    shift
    st=0
    timeout 120 "$isola" -no-reboot -insn-limit 50M -tlb d=4:2,i=1:1 "$@" -kernel "$pattern" \
        >"$tmp/$name.out" 2>"$tmp/$name.err" || st=$?
    echo $st >"$tmp/$name.status"
    clean_stderr "$tmp/$name.err"
    if [ $st -ne 33 ] || ! grep -q -x PASS "$tmp/$name.out"; then
        fail "$name: pattern.elf exited $st:"
        cat "$tmp/$name.out" "$tmp/$name.err"
    fi
}

need "$isola" "$itrace" "$pattern"
