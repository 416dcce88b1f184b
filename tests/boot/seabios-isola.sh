#!/bin/sh
# SeaBIOS (Debian's package, built for QEMU) as isola's firmware. It needs
# what QEMU's PC gives it beyond the bundled BIOS's needs: fw_cfg (RAM
# map, "no graphics" so it puts its console on COM1), the i440FX's PAM
# registers opening the BIOS area for writes, and port 0xCF9 to reboot.
#  1. No disk: its console must say "No bootable device." and, 60 emulated
#     seconds later, it reboots through port 0xCF9, which -no-reboot turns
#     into the end of the run (exit status 3). Its log on port 0x402 goes
#     to stderr and must hold its banner.
#  2. The test MBR (run-boot.sh isola-seabios), on a small disk and on a
#     200 GiB one (LBA48) with 1 GiB of RAM.
# Skipped (77) without /usr/share/seabios/bios-256k.bin (package seabios);
# SEABIOS names another image.
isola=${ISOLA:-./emu/isola}
seabios=${SEABIOS:-/usr/share/seabios/bios-256k.bin}
dir=${srcdir:-.}/tests/boot
if [ ! -f "$seabios" ]; then
    echo "seabios-isola: $seabios not found: skipped"
    exit 77
fi
if [ ! -f "$isola" ]; then
    echo "seabios-isola: $isola not found (run from the build directory after make)" >&2
    exit 99
fi
tmp=${TMPDIR:-/tmp}/seabios-isola.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

fail=0
echo "+ $isola -bios $seabios -nographic -no-reboot -insn-limit 100M"
timeout 120 "$isola" -bios "$seabios" -nographic -no-reboot -insn-limit 100M \
    </dev/null >"$tmp/out" 2>"$tmp/err"
status=$?
esc=$(printf '\033')
tr -d '\r' <"$tmp/out" | sed "s/$esc\[[0-9;?]*[A-Za-z]//g; s/${esc}c//g" >"$tmp/clean"
cat "$tmp/clean"
echo "--- stderr:"
cat "$tmp/err"
echo "--- exit status $status (want 3)"
if [ $status -ne 3 ]; then
    echo "seabios-isola: FAIL: exit status $status, want 3"
    fail=1
fi
if ! grep -q '^No bootable device\.' "$tmp/clean"; then
    echo "seabios-isola: FAIL: no 'No bootable device.' line on the console"
    fail=1
fi
if ! grep -q '^SeaBIOS (version' "$tmp/err"; then
    echo "seabios-isola: FAIL: no SeaBIOS banner in its port 0x402 log"
    fail=1
fi
if grep -E -q 'Sanitizer|runtime error:' "$tmp/err"; then
    echo "seabios-isola: FAIL: sanitizer report on stderr"
    fail=1
fi

export SEABIOS="$seabios"
"$dir/run-boot.sh" isola-seabios 8M 128 || fail=1
"$dir/run-boot.sh" isola-seabios 200G 1024 || fail=1
[ $fail -eq 0 ] && echo "seabios-isola: ok"
exit $fail
