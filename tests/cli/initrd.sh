#!/bin/sh
# initrd.sh: -initrd, Multiboot modules (docs/cli.md, -initrd). mbinfo.S
# prints each module's start, end, checksum and string; they must match
# the files, lie page aligned after the kernel and its module list, and
# (when qemu-system-i386 is there) carry the strings QEMU gives. Then the
# ways -initrd must be refused: one line, status 2.
. "${srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"

guest mbinfo.elf mbinfo.S 0x100000
guest flat.bin exit.S 0x300000 -DFLAT

# The guest's checksum of a file: per byte, sum = rol(sum, 5) + byte.
modsum() {
    od -An -v -tu1 "$1" | tr -s ' \n' '\n\n' | grep -v '^$' | {
        s=0
        while read -r b; do
            s=$(( ((((s << 5) | (s >> 27)) & 0xFFFFFFFF) + b) & 0xFFFFFFFF ))
        done
        printf '%08X\n' "$s"
    }
}
page_up() { echo $(( ($1 + 4095) & ~4095 )); }
hex() { printf '%08X' "$1"; }
# field N LINE: the Nth comma-separated field of "mod=..." (1-based).
field() { printf '%s\n' "$2" | sed 's/^mod=//' | cut -d, -f"$1"; }

# Three modules: one with arguments, one whose name holds a comma
# (written ",,"), one empty.
head -c 300 /dev/urandom >"$tmp/m1"
head -c 5000 /dev/urandom >"$tmp/b,c"
: >"$tmp/empty"
spec="$tmp/m1 root=x  two,$tmp/b,,c,$tmp/empty"
s1="$tmp/m1 root=x  two" s2="$tmp/b,c" s3="$tmp/empty"

if run 1 -m 64 -kernel "$tmp/mbinfo.elf" -initrd "$spec"; then
    grep -q '^flags=0000024D$' "$tmp/out" || fail "flags: $(grep '^flags=' "$tmp/out")"
    grep -q '^mods_count=00000003$' "$tmp/out" || fail "mods_count: $(grep mods_count "$tmp/out")"
    addr=0x$(sed -n 's/^mods_addr=//p' "$tmp/out")
    # The list sits on the first page after the kernel's last byte.
    kend=0
    if command -v readelf >/dev/null 2>&1; then
        for e in $(readelf -lW "$tmp/mbinfo.elf" | awk '$1 == "LOAD" { print $4 "+" $6 }'); do
            [ $(( $e )) -gt "$kend" ] && kend=$(( $e ))
        done
        [ "$((addr))" -eq "$(page_up "$kend")" ] ||
            fail "mods_addr $addr is not the page after the kernel's end $(hex "$kend")"
    fi
    end=$((addr + 3 * 16 + ${#s1} + 1 + ${#s2} + 1 + ${#s3} + 1))
    n=0
    for f in "$tmp/m1" "$tmp/b,c" "$tmp/empty"; do
        n=$((n + 1))
        eval "want_str=\$s$n"
        line=$(grep '^mod=' "$tmp/out" | sed -n "${n}p")
        start=$(page_up "$end")
        end=$((start + $(wc -c <"$f")))
        want="mod=$(hex "$start"),$(hex "$end"),$(modsum "$f"),$want_str"
        [ "$line" = "$want" ] || fail "module $n: '$line', expected '$want'"
    done
fi

# QEMU 7.2 is the oracle for what a module's string is (the whole item,
# file name first, ",," read as a comma) and for the bytes; its addresses
# differ (it counts the kernel's ELF header page), so only those compare.
qemu=${QEMU:-qemu-system-i386}
if command -v "$qemu" >/dev/null 2>&1 && run 1 -m 64 -kernel "$tmp/mbinfo.elf" -initrd "$spec"; then
    grep '^mod=' "$tmp/out" >"$tmp/isola-mods"
    $limit "$qemu" -m 64 -display none -no-reboot -net none \
        -serial none -device isa-debug-exit,iobase=0xf4,iosize=4 -debugcon "file:$tmp/qemu-out" \
        -kernel "$tmp/mbinfo.elf" -initrd "$spec" </dev/null >/dev/null 2>"$tmp/qemu-err"
    grep '^mod=' "$tmp/qemu-out" >"$tmp/qemu-mods"
    sizes() {
        while IFS= read -r l; do
            echo "$(( 0x$(field 2 "$l") - 0x$(field 1 "$l") )),$(field 3 "$l"),$(printf '%s\n' "$l" | cut -d, -f4-)"
        done <"$1"
    }
    if [ "$(sizes "$tmp/isola-mods")" != "$(sizes "$tmp/qemu-mods")" ]; then
        fail "modules differ from QEMU's: isola $(cat "$tmp/isola-mods") / qemu $(cat "$tmp/qemu-mods" "$tmp/qemu-err")"
    fi
else
    echo "initrd.sh: $qemu not found: the comparison with QEMU is skipped"
fi

# Without -initrd nothing changes: flag 3 stays clear.
run 1 "$tmp/mbinfo.elf" && ! grep -q '^mods_count' "$tmp/out" || fail "modules without -initrd"

# Refusals: one line, status 2.
usage_error "-initrd $tmp/nope: No such file or directory" -kernel "$tmp/mbinfo.elf" -initrd "$tmp/nope"
usage_error "-initrd $tmp/nope: No such file or directory" -kernel "$tmp/mbinfo.elf" \
    -initrd "$tmp/m1,$tmp/nope arg"
usage_error "-initrd $tmp: is a directory" -kernel "$tmp/mbinfo.elf" -initrd "$tmp"
usage_error "-initrd $tmp/m1: modules need a Multiboot kernel (-kernel FILE)" -initrd "$tmp/m1"
usage_error "-initrd: modules need a Multiboot kernel, and $tmp/flat.bin is a flat binary" \
    -initrd "$tmp/m1" "$tmp/flat.bin"
usage_error "-initrd: a module has no file name" -kernel "$tmp/mbinfo.elf" -initrd " x"
usage_error "-initrd: a module has no file name" -kernel "$tmp/mbinfo.elf" -initrd "$tmp/m1,"
usage_error "-initrd given twice" -kernel "$tmp/mbinfo.elf" -initrd "$tmp/m1" -initrd "$tmp/m1"
usage_error "option -initrd needs an argument" -kernel "$tmp/mbinfo.elf" -initrd
# 1.5 MiB after a kernel at 1 MiB does not fit in 2 MiB of RAM.
head -c 1572864 /dev/zero >"$tmp/big"
usage_error "-initrd: module '$tmp/big' (1572864 bytes) would load at 0x" \
    -m 2 -kernel "$tmp/mbinfo.elf" -initrd "$tmp/big"
run 1 -m 3 -kernel "$tmp/mbinfo.elf" -initrd "$tmp/big" || fail "1.5 MiB module in 3 MiB"

finish
