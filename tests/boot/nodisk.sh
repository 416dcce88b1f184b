#!/bin/sh
# The bundled BIOS under isola with nothing to boot: no disk at all, then a
# disk whose first sector lacks the 55 AA signature. Both times it must
# print its banner and "isola BIOS: no bootable disk" and then wait (the
# run ends at the instruction limit: exit status 4).
isola=${ISOLA:-./emu/isola}
bios=${BIOS:-firmware/bios.bin}
for f in "$isola" "$bios"; do
    if [ ! -f "$f" ]; then
        echo "nodisk: $f not found (run from the build directory after make)" >&2
        exit 99
    fi
done
tmp=${TMPDIR:-/tmp}/nodisk.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
truncate -s 1M "$tmp/blank.img" || exit 99

fail=0
run() {
    echo "+ $isola -bios $bios -nographic -no-reboot -insn-limit 20M $*"
    timeout 120 "$isola" -bios "$bios" -nographic -no-reboot -insn-limit 20M "$@" \
        </dev/null >"$tmp/out" 2>"$tmp/err"
    status=$?
    tr -d '\r' <"$tmp/out" >"$tmp/clean"
    cat "$tmp/clean" "$tmp/err"
    echo "--- exit status $status (want 4)"
    if [ $status -ne 4 ]; then
        echo "nodisk: FAIL: exit status $status, want 4"
        fail=1
    fi
    for want in 'isola BIOS [^:]*: 128 MiB RAM' 'isola BIOS: no bootable disk'; do
        if ! grep -E -q -x "$want" "$tmp/clean"; then
            echo "nodisk: FAIL: no line matching '$want'"
            fail=1
        fi
    done
    if grep -E -q 'Sanitizer|runtime error:' "$tmp/err"; then
        echo "nodisk: FAIL: sanitizer report on stderr"
        fail=1
    fi
}
run -m 128
run -m 128 -hda "$tmp/blank.img"
[ $fail -eq 0 ] && echo "nodisk: ok"
exit $fail
