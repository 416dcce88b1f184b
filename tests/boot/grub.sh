#!/bin/sh
# GRUB 2 (i386-pc) booted from a raw disk by the bundled BIOS under isola:
# a real boot loader's use of INT 13h (its boot.img and diskboot.img),
# INT 10h (its console prints with AH=09h), INT 15h E820 (lsmmap), INT 16h
# (read, fed by -keys) and the clock (sleep). The image is GRUB's boot.img
# at LBA 0 and a core.img with this script's commands built in at LBA 1,
# where boot.img looks for it unpatched. Skipped (77) when GRUB's i386-pc
# files (Debian: grub-pc-bin) are not installed.
isola=${ISOLA:-./emu/isola}
bios=${BIOS:-firmware/bios.bin}
grubdir=${GRUB_DIR:-/usr/lib/grub/i386-pc}
for f in "$isola" "$bios"; do
    if [ ! -f "$f" ]; then
        echo "grub: $f not found (run from the build directory after make)" >&2
        exit 99
    fi
done
if ! command -v grub-mkimage >/dev/null 2>&1 || [ ! -f "$grubdir/boot.img" ]; then
    echo "grub: grub-mkimage or $grubdir/boot.img missing: skipped"
    exit 77
fi
tmp=${TMPDIR:-/tmp}/grub.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

cat >"$tmp/early.cfg" <<'CFG'
echo grub: hello from grub
lsmmap
echo grub: type something
read answer
echo grub: read $answer
sleep 1
echo grub: done
outb 0xf4 0x10
CFG
grub-mkimage -O i386-pc -d "$grubdir" -o "$tmp/core.img" -p '(hd0)' \
    -c "$tmp/early.cfg" biosdisk echo mmap lsmmap sleep iorw read || exit 99
disk=$tmp/disk.img
truncate -s 16M "$disk" &&
dd if="$grubdir/boot.img" of="$disk" conv=notrunc status=none &&
dd if="$tmp/core.img" of="$disk" bs=512 seek=1 conv=notrunc status=none || exit 99

set -- "$isola" -bios "$bios" -m 128 -hda "$disk" -nographic -no-reboot \
    -keys 'Hello, World!\n' -insn-limit 4G
echo "+ $*"
timeout 300 "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
status=$?
tr -d '\r' <"$tmp/out" >"$tmp/clean"
cat "$tmp/clean" "$tmp/err"
echo "--- exit status $status (want 33)"
fail=0
if [ $status -ne 33 ]; then
    echo "grub: FAIL: exit status $status, want 33"
    fail=1
fi
# GRUB echoes what it reads but not the Enter, so its next line follows.
for want in '^grub: hello from grub$' '0x100000.*0x7f00000.*available' \
        'grub: read Hello, World!$' '^grub: done$'; do
    if ! grep -E -q "$want" "$tmp/clean"; then
        echo "grub: FAIL: no line matching '$want'"
        fail=1
    fi
done
if grep -E -q 'Sanitizer|runtime error:' "$tmp/err"; then
    echo "grub: FAIL: sanitizer report on stderr"
    fail=1
fi
[ $fail -eq 0 ] && echo "grub: ok"
exit $fail
