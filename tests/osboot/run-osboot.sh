#!/bin/sh
# run-osboot.sh: boot the test kernel (tests/osboot/mbtest.elf) one of
# five ways, from a disk with a root file system in partition 1 or with
# a root image as Multiboot module 0, and judge what it prints.
#
# Usage: run-osboot.sh HOST        (from the build directory, after make)
#   isola-disk   a disk made by disks/mkosimage.sh with the OS's boot
#                loader, booted by isola with the bundled BIOS
#   qemu-disk    the same disk under qemu-system-i386 and its SeaBIOS
#   qemu-bios-disk  the same disk under QEMU with the bundled BIOS
#   isola-kernel isola -kernel mbtest.elf -initrd ROOT -append ARGS
#   qemu-kernel  qemu-system-i386 -kernel mbtest.elf -initrd ROOT -append ARGS
#
# Passes (exit 0) when the kernel powered off with status 33 and said:
# the Multiboot magic; protected mode, no paging, IF = 0; its data and
# .bss as they should be; flags with memory, command line and memory
# map; the command line "NAME ARGS" (NAME: "mbtest.elf" on the disk, the
# path given to -kernel otherwise); mem_lower 639 and a mem_upper that
# matches the memory map's RAM at 1 MiB; the loader's name. Kernel boots:
# one module, page aligned, with the root image's size and cksum(1) CRC
# and the -initrd item as its string. Disk boots: no module at all (the
# OS's loader leaves the root file system on the disk for the kernel's
# driver) and the boot device naming partition 1.
# Exit 77 (skip) when QEMU is needed and missing, 99 when a build product
# is. ISOLA, QEMU, BIOS override the programs, BOOT_TIMEOUT the limit in
# seconds.

host=$1
isola=${ISOLA:-./emu/isola}
qemu=${QEMU:-qemu-system-i386}
bios=${BIOS:-firmware/bios.bin}
timeout_s=${BOOT_TIMEOUT:-300}
srcdir=${srcdir:-.}
kernel=tests/osboot/mbtest.elf
ARGS="console=ttyS0 quiet  x=1,2"

case $host in
isola-disk | isola-kernel) need="$isola $bios" ;;
qemu-disk | qemu-kernel) need= ;;
qemu-bios-disk) need=$bios ;;
*) echo "usage: $0 isola-disk|qemu-disk|qemu-bios-disk|isola-kernel|qemu-kernel" >&2; exit 99 ;;
esac
for f in $kernel guest-os/boot/mbr.bin guest-os/boot/stage2.bin $need; do
    if [ ! -f "$f" ]; then
        echo "run-osboot: $f not found (run from the build directory after make)" >&2
        exit 99
    fi
done
case $host in
qemu-*)
    if ! command -v "$qemu" >/dev/null 2>&1; then
        echo "run-osboot: $qemu not found: skipped"
        exit 77
    fi ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-osboot.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
# A root file system as the build makes it, with two files in it.
"$srcdir/disks/mkrootfs.sh" "$tmp/root.ext2" 16 "$kernel" "$srcdir/disks/mkosimage.sh" || exit 99
"$srcdir/disks/mkosimage.sh" "$tmp/disk.img" guest-os/boot/mbr.bin guest-os/boot/stage2.bin \
    "$kernel" "$tmp/root.ext2" $ARGS || exit 99
root_size=$(wc -c <"$tmp/root.ext2" | tr -d ' ')
root_sum=$(cksum <"$tmp/root.ext2" | cut -d' ' -f1)
# mkosimage.sh joins the arguments with single spaces, as the shell split them.
disk_args=$(echo $ARGS)

qemu_args="-m 128 -display none -serial none -no-reboot -net none \
 -device isa-debug-exit,iobase=0xf4,iosize=4 -debugcon file:$tmp/out"
isola_args="-m 128 -display none -serial stdio -no-reboot -insn-limit 4G \
 -rtc base=2025-01-01T12:00:00"
case $host in
isola-disk)
    set -- "$isola" -bios "$bios" $isola_args -hda "$tmp/disk.img"
    want_cmdline="mbtest.elf $disk_args" want_loader=isola-boot want_string= ;;
qemu-disk)
    set -- "$qemu" $qemu_args -drive "file=$tmp/disk.img,format=raw,if=ide"
    want_cmdline="mbtest.elf $disk_args" want_loader=isola-boot want_string= ;;
qemu-bios-disk)
    set -- "$qemu" -bios "$bios" $qemu_args -drive "file=$tmp/disk.img,format=raw,if=ide"
    want_cmdline="mbtest.elf $disk_args" want_loader=isola-boot want_string= ;;
isola-kernel)
    set -- "$isola" $isola_args -kernel "$kernel" -initrd "$tmp/root.ext2 root" -append "$ARGS"
    want_cmdline="$kernel $ARGS" want_loader=isola want_string="$tmp/root.ext2 root" ;;
qemu-kernel)
    set -- "$qemu" $qemu_args -kernel "$kernel" -initrd "$tmp/root.ext2 root" -append "$ARGS"
    want_cmdline="$kernel $ARGS" want_loader=qemu want_string="$tmp/root.ext2 root" ;;
esac
echo "+ $*"
case $host in
isola-*) timeout "$timeout_s" "$@" </dev/null >"$tmp/out" 2>"$tmp/err" ;;
*) timeout "$timeout_s" "$@" </dev/null >/dev/null 2>"$tmp/err" ;;
esac
status=$?
tr -d '\r' <"$tmp/out" >"$tmp/clean"
cat "$tmp/clean"
if [ -s "$tmp/err" ]; then
    echo "--- stderr:"
    cat "$tmp/err"
fi
echo "--- exit status $status (want 33)"

fail=0
bad() {
    echo "run-osboot: FAIL: $*"
    fail=1
}
# expect LINE: mbtest printed exactly this line.
expect() {
    grep -F -x -q -e "mbtest: $1" "$tmp/clean" || bad "no line 'mbtest: $1'"
}
# value WORD: what follows "mbtest: WORD " on its line.
value() {
    sed -n "s/^mbtest: $1 //p" "$tmp/clean" | head -n 1
}

if [ "$status" -eq 124 ]; then
    bad "timed out after $timeout_s s"
elif [ "$status" -ne 33 ]; then
    bad "exit status $status, want 33"
fi
grep -E -q 'Sanitizer|runtime error:' "$tmp/err" && bad "sanitizer report on stderr"
expect "magic 2badb002"
expect "state ok"
expect "data ok"
expect "bss ok"
flags=0x$(value flags)
[ $((flags & 0x245)) -eq $((0x245)) ] ||
    bad "flags $flags lack memory, command line, memory map or loader name (0x245)"
expect "cmdline $want_cmdline|"
expect "loader $want_loader"
if [ -n "$want_string" ]; then
    expect "mods 1"
    expect "mod 0 aligned size $root_size cksum $root_sum string $want_string"
else
    [ $((flags & 0x8)) -eq 0 ] || bad "flags $flags say modules on a disk boot"
    grep -q '^mbtest: mods' "$tmp/clean" && bad "a module on a disk boot"
fi
# mem_upper is the RAM from 1 MiB up to the first hole (spec 3.3).
mem=$(value mem_lower)
[ "${mem%% *}" = 639 ] || bad "mem_lower ${mem%% *}, want 639"
upper=${mem##* }
ram=$(sed -n 's/^mbtest: mmap 0000000000100000 \([0-9a-f]*\) 1$/\1/p' "$tmp/clean")
[ -n "$ram" ] && [ $((0x$ram)) -eq $((upper * 1024)) ] ||
    bad "mem_upper $upper KiB does not match the memory map's RAM at 1 MiB (0x$ram bytes)"
case $host in
*-disk) expect "boot_device 8000ffff" ;;
esac
expect "done"
[ $fail -eq 0 ] && echo "run-osboot: ok"
exit $fail
