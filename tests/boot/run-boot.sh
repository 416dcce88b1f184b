#!/bin/sh
# run-boot.sh: boot the test MBR (tests/boot/mbr.S) from a fresh disk and
# judge the lines it prints.
#
# Usage: run-boot.sh HOST [DISK_SIZE [MEM_MIB]]     (from the build directory)
#   HOST isola      $ISOLA -bios $BIOS -hda DISK -nographic
#        qemu-bios  $QEMU -bios $BIOS ... -nographic: the bundled BIOS on
#                   QEMU's PC, so it is not tied to isola's quirks
#        seabios    $QEMU with its own BIOS: the oracle for the MBR's lines
#        isola-seabios  $ISOLA -bios $SEABIOS -hda DISK -nographic: SeaBIOS
#                   (default /usr/share/seabios/bios-256k.bin) on isola
#   DISK_SIZE       the disk image's size for truncate(1) (default 8M; the
#                   image is sparse, so 200G is cheap and exercises LBA48)
#   MEM_MIB         guest RAM (default 128)
#
# Passes (exit 0) when the emulator exits with status 33 (the MBR wrote
# 0x10 to port 0xF4) and the lines starting "mbr: " are exactly the ones
# expected from the disk's contents and MEM_MIB. For the bundled BIOS it
# also checks its banner, its disk line and the E820 map's size.
# Exit 77 (skip) when QEMU or SeaBIOS is needed and missing; 99 when a build product
# is missing. ISOLA, QEMU, BIOS override the programs; BOOT_TIMEOUT the
# wall-clock limit in seconds.

host=$1
size=${2:-8M}
mem=${3:-128}
isola=${ISOLA:-./emu/isola}
qemu=${QEMU:-qemu-system-i386}
bios=${BIOS:-firmware/bios.bin}
seabios=${SEABIOS:-/usr/share/seabios/bios-256k.bin}
timeout_s=${BOOT_TIMEOUT:-300}
srcdir=${srcdir:-.}

case $host in
isola) need="$isola $bios" ;;
qemu-bios) need=$bios ;;
seabios) need= ;;
isola-seabios)
    need=$isola
    if [ ! -f "$seabios" ]; then
        echo "run-boot: $seabios not found: skipped"
        exit 77
    fi ;;
*) echo "usage: $0 isola|qemu-bios|seabios|isola-seabios [DISK_SIZE [MEM_MIB]]" >&2; exit 99 ;;
esac
for f in tests/boot/mbr.bin tests/boot/stage2.bin $need; do
    if [ ! -f "$f" ]; then
        echo "run-boot: $f not found (run from the build directory after make)" >&2
        exit 99
    fi
done
if [ "$host" != isola ] && [ "$host" != isola-seabios ] && ! command -v "$qemu" >/dev/null 2>&1; then
    echo "run-boot: $qemu not found: skipped"
    exit 77
fi

tmp=${TMPDIR:-/tmp}/run-boot.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
disk=$tmp/disk.img
"$srcdir/tests/boot/mkdisk.sh" "$disk" tests/boot/mbr.bin tests/boot/stage2.bin "$size" || exit 99

# The text of sector $1 up to its first NUL.
sector_text() {
    dd if="$disk" bs=512 skip="$1" count=1 status=none | tr -d '\000'
}

# The MBR's checksum of LBA 1-8: per little-endian dword, rotate left 5, add.
checksum() {
    od -An -v -tu1 -j 512 -N 4096 "$disk" | tr -s ' \n' '\n\n' | grep -v '^$' | {
        sum=0 n=0 word=0
        while read -r byte; do
            word=$(( word | (byte << (8 * n)) ))
            n=$((n + 1))
            if [ $n -eq 4 ]; then
                sum=$(( ((sum << 5) | (sum >> 27)) & 0xFFFFFFFF ))
                sum=$(( (sum + word) & 0xFFFFFFFF ))
                n=0 word=0
            fi
        done
        printf '%08x\n' "$sum"
    }
}

sectors=$(( $(wc -c <"$disk") / 512 ))
cat >"$tmp/want" <<EOF
mbr: hello, boot drive 80
mbr: int13 extensions ok
mbr: sectors 1-8 checksum $(checksum)
mbr: sector 1 says: $(sector_text 1)
mbr: last sector says: $(sector_text $((sectors - 1)))
mbr: chs read ok
mbr: write and read back ok
mbr: usable memory $((mem - 1)) MiB
mbr: done
EOF

qemu_args="-m $mem -drive file=$disk,format=raw,if=ide -nographic -no-reboot \
 -net none -device isa-debug-exit,iobase=0xf4,iosize=4"
case $host in
isola)
    set -- "$isola" -bios "$bios" -m "$mem" -hda "$disk" -nographic -no-reboot \
        -rtc base=2025-01-01T12:00:00 -insn-limit 4G ;;
isola-seabios)
    set -- "$isola" -bios "$seabios" -m "$mem" -hda "$disk" -nographic -no-reboot \
        -rtc base=2025-01-01T12:00:00 -insn-limit 4G ;;
qemu-bios)
    set -- "$qemu" -bios "$bios" $qemu_args ;;
seabios)
    set -- "$qemu" $qemu_args ;;
esac
echo "+ $*"
timeout "$timeout_s" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
status=$?

# Serial consoles may add CRs and (SeaBIOS) ANSI escape sequences.
esc=$(printf '\033')
tr -d '\r' <"$tmp/out" | sed "s/$esc\[[0-9;?]*[A-Za-z]//g; s/${esc}c//g" >"$tmp/clean"
cat "$tmp/clean"
if [ -s "$tmp/err" ]; then
    echo "--- stderr:"
    cat "$tmp/err"
fi
echo "--- exit status $status (want 33)"
sed -n 's/^.*\(mbr: \)/\1/p' "$tmp/clean" >"$tmp/got"

fail=0
if [ "$status" -eq 124 ]; then
    echo "run-boot: FAIL: timed out after $timeout_s s"
    fail=1
elif [ "$status" -ne 33 ]; then
    echo "run-boot: FAIL: exit status $status, want 33"
    fail=1
fi
if ! diff -u "$tmp/want" "$tmp/got"; then
    echo "run-boot: FAIL: the MBR's lines differ from the expected ones (- want, + got)"
    fail=1
fi
if grep -E -q 'Sanitizer|runtime error:' "$tmp/err"; then
    echo "run-boot: FAIL: sanitizer report on stderr"
    fail=1
fi

# The bundled BIOS: banner, disk line, E820 map (5 entries below 4 GiB).
expect_line() {
    if ! grep -E -q -x "$1" "$tmp/clean"; then
        echo "run-boot: FAIL: no line matching '$1'"
        fail=1
    fi
}
if [ "$host" = isola ] || [ "$host" = qemu-bios ]; then
    expect_line "isola BIOS [^:]*: $mem MiB RAM"
    expect_line "isola BIOS: disk 80: $((sectors / 2048)) MiB, $sectors sectors( \(LBA48\))?"
    expect_line "isola BIOS: booting from disk 80"
    expect_line "mbr-info: e820 entries 5"
fi
[ $fail -eq 0 ] && echo "run-boot: ok"
exit $fail
