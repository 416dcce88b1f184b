#!/bin/sh
# The bundled BIOS's other services (svc.S) under isola, whose clock
# (-rtc base) and keyboard (-keys) are deterministic: the "svc: " lines
# must equal svc.expected.
isola=${ISOLA:-./emu/isola}
bios=${BIOS:-firmware/bios.bin}
srcdir=${srcdir:-.}
for f in "$isola" "$bios" tests/boot/svc.bin tests/boot/svc2.bin; do
    if [ ! -f "$f" ]; then
        echo "svc: $f not found (run from the build directory after make)" >&2
        exit 99
    fi
done
tmp=${TMPDIR:-/tmp}/svc.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
disk=$tmp/disk.img
truncate -s 1M "$disk" &&
dd if=tests/boot/svc.bin of="$disk" conv=notrunc status=none &&
dd if=tests/boot/svc2.bin of="$disk" bs=512 seek=1 conv=notrunc status=none || exit 99

set -- "$isola" -bios "$bios" -m 128 -hda "$disk" -nographic -no-reboot \
    -rtc base=2025-01-01T12:00:00 -keys 'aB\n' -insn-limit 2G
echo "+ $*"
timeout 300 "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
status=$?
tr -d '\r' <"$tmp/out" >"$tmp/clean"
cat "$tmp/clean" "$tmp/err"
echo "--- exit status $status (want 33)"
# AH=13h's text reaches the serial port too, ahead of the next line.
sed -n 's/^.*\(svc: \)/\1/p' "$tmp/clean" >"$tmp/got"
fail=0
if [ $status -ne 33 ]; then
    echo "svc: FAIL: exit status $status, want 33"
    fail=1
fi
if ! diff -u "$srcdir/tests/boot/svc.expected" "$tmp/got"; then
    echo "svc: FAIL: the lines differ from svc.expected (- want, + got)"
    fail=1
fi
if grep -E -q 'Sanitizer|runtime error:' "$tmp/err"; then
    echo "svc: FAIL: sanitizer report on stderr"
    fail=1
fi
[ $fail -eq 0 ] && echo "svc: ok"
exit $fail
