#!/bin/sh
# broken.sh: disks the OS's boot loader must refuse with its one line
# "isola-boot: ..." and a halt (isola: status 5, "CPU halted with
# interrupts disabled"), never a hang or a jump into garbage. Each runs
# under isola with the bundled BIOS, bounded by -insn-limit and timeout.
# Run from the build directory after make; ISOLA and BIOS override the
# programs.
isola=${ISOLA:-./emu/isola}
bios=${BIOS:-firmware/bios.bin}
srcdir=${srcdir:-.}
kernel=tests/osboot/mbtest.elf
mbr=guest-os/boot/mbr.bin stage2=guest-os/boot/stage2.bin
for f in "$isola" "$bios" $kernel $mbr $stage2; do
    if [ ! -f "$f" ]; then
        echo "broken.sh: $f not found (run from the build directory after make)" >&2
        exit 99
    fi
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/osboot-broken.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# A small root file system (no word list): the checks fail before it is read.
WORDS=none "$srcdir/disks/mkrootfs.sh" "$tmp/root.ext2" 1 || exit 99
mkimage() {
    "$srcdir/disks/mkosimage.sh" "$tmp/disk.img" $mbr $stage2 "$1" "$2" || exit 99
}
# patch OFFSET OCTAL-BYTES...: overwrite bytes of the disk image.
patch() {
    _off=$1
    shift
    printf "$*" | dd of="$tmp/disk.img" bs=1 seek="$_off" conv=notrunc status=none
}

# boot WHAT MEM LINE: the loader must print LINE, then the CPU halts.
boot() {
    timeout 120 "$isola" -bios "$bios" -m "$2" -hda "$tmp/disk.img" -display none \
        -serial stdio -no-reboot -insn-limit 2G </dev/null >"$tmp/out" 2>"$tmp/err"
    status=$?
    got=$(tr -d '\r' <"$tmp/out" | grep '^isola-boot: ')
    if [ "$status" -ne 5 ] || [ "$got" != "isola-boot: $3" ] ||
        ! grep -q '^isola: CPU halted with interrupts disabled' "$tmp/err" ||
        grep -E -q 'Sanitizer|runtime error:' "$tmp/err"; then
        echo "FAIL: $1: status $status (want 5), loader said '$got'"
        echo "      want 'isola-boot: $3'; stderr: $(head -c 300 "$tmp/err")"
        fail=1
    else
        echo "ok: $1: $got"
    fi
}

head -c 20000 /dev/urandom >"$tmp/garbage"
mkimage "$tmp/garbage" "$tmp/root.ext2"
boot "garbage kernel" 128 "the kernel is not an ELF file"

mkimage none "$tmp/root.ext2"
boot "no kernel" 128 "the disk holds no kernel"

# The Multiboot header's magic, wherever the linker put it, broken.
mkimage $kernel "$tmp/root.ext2"
at=$(LC_ALL=C grep -obUa "$(printf '\002\260\255\033')" $kernel | head -n 1 | cut -d: -f1)
if [ -n "$at" ]; then
    patch $((64 * 512 + at)) '\000'
    boot "no Multiboot header" 128 "the kernel has no Multiboot header in its first 8 KiB"
else
    echo "FAIL: no Multiboot magic found in $kernel"
    fail=1
fi

mkimage $kernel "$tmp/root.ext2"
patch 512 'XXXX'
boot "no config sector" 128 "no boot configuration at LBA 1 (this disk was not made by mkosimage.sh)"

mkimage $kernel "$tmp/root.ext2"
dd if=/dev/zero of="$tmp/disk.img" bs=512 seek=2 count=62 conv=notrunc status=none
boot "no stage 2" 128 "no stage 2 on the disk"

exit $fail
