#!/bin/sh
# mkosimage.sh: assemble the OS's bootable disk image from the boot
# loader, the kernel and the root file system (no root privileges, no
# loop devices: dd into a plain file).
#
# Usage: mkosimage.sh [-s SWAP_MIB] OUT MBR.BIN STAGE2.BIN KERNEL ROOT [ARGS...]
#   -s       add partition 2, SWAP_MIB MiB of swap (type 0x82) after ROOT;
#            it is a hole in the file (all zeros: the kernel needs no
#            signature), so the image stays sparse
#   KERNEL   a Multiboot ELF kernel, or "none" (the loader will say so)
#   ROOT     an ext2 image (a whole number of sectors), or "none" for a
#            disk without partitions (the loader will say so)
#   ARGS     the kernel's arguments; its command line is the kernel's
#            file name, then the arguments, as GRUB and QEMU pass it
#
# Layout (guest-os/boot/boot.h has the same; change both):
#   LBA 0        MBR.BIN with partition 1 written into its table
#   LBA 1        the config sector: "ISOLACFG", version 1, the kernel's
#                LBA and size in bytes, then at offset 64 the command line
#   LBA 2-63     STAGE2.BIN (at most 62 sectors)
#   LBA 64-2047  KERNEL, byte for byte (at most 992 KiB)
#   LBA 2048-    ROOT: partition 1, type 0x83, marked active
#   then         with -s: partition 2, type 0x82, the swap area
set -e
swap_mib=0
if [ "$1" = -s ]; then
    swap_mib=$2
    shift 2
fi
if [ $# -lt 5 ]; then
    echo "usage: $0 [-s SWAP_MIB] OUT MBR.BIN STAGE2.BIN KERNEL|none ROOT|none [ARGS...]" >&2
    exit 2
fi
out=$1 mbr=$2 stage2=$3 kernel=$4 root=$5
shift 5
args=$*

KERNEL_LBA=64 ROOT_LBA=2048 STAGE2_MAX=62 CMDLINE_MAX=447

die() {
    echo "mkosimage: $*" >&2
    exit 1
}
size_of() { wc -c <"$1" | tr -d ' '; }

[ "$(size_of "$mbr")" -eq 512 ] || die "$mbr is not 512 bytes"
[ "$(od -An -tx1 -j 510 -N 2 "$mbr" | tr -d ' ')" = 55aa ] || die "$mbr does not end in 55 AA"
[ "$(size_of "$stage2")" -le $((STAGE2_MAX * 512)) ] ||
    die "$stage2 is larger than $STAGE2_MAX sectors"
kernel_size=0 name=
if [ "$kernel" != none ]; then
    kernel_size=$(size_of "$kernel")
    max=$(((ROOT_LBA - KERNEL_LBA) * 512))
    [ "$kernel_size" -le "$max" ] ||
        die "$kernel is $kernel_size bytes; at most $max fit before partition 1 (strip its debug information)"
    name=$(basename "$kernel")
fi
root_sectors=0
if [ "$root" != none ]; then
    root_size=$(size_of "$root")
    [ $((root_size % 512)) -eq 0 ] && [ "$root_size" -gt 0 ] ||
        die "$root is not a whole number of sectors"
    root_sectors=$((root_size / 512))
fi
case $swap_mib in
'' | *[!0-9]*) die "-s $swap_mib: not a number of MiB" ;;
esac
[ "$swap_mib" -eq 0 ] || [ "$root" != none ] || die "-s needs a root partition to follow"
cmdline="$name${args:+ $args}"
[ ${#cmdline} -le $CMDLINE_MAX ] || die "the command line is longer than $CMDLINE_MAX bytes"

# bytes V N: V as N little-endian bytes.
bytes() {
    _v=$1 _n=$2 _s=
    while [ "$_n" -gt 0 ]; do
        _s="$_s$(printf '\\%03o' $((_v & 255)))"
        _v=$((_v >> 8)) _n=$((_n - 1))
    done
    printf "$_s"
}
# chs LBA: the 3-byte CHS address for a 255-head, 63-sector geometry;
# past cylinder 1023, the "use LBA" marker 1023/254/63.
chs() {
    _cyl=$(($1 / (255 * 63))) _head=$(($1 / 63 % 255)) _sec=$(($1 % 63 + 1))
    if [ $_cyl -gt 1023 ]; then
        _cyl=1023 _head=254 _sec=63
    fi
    bytes $_head 1
    bytes $((_sec | (_cyl >> 2 & 0xC0))) 1
    bytes $((_cyl & 255)) 1
}
# write FILE LBA: FILE's bytes at sector LBA of the image.
write() {
    dd if="$1" of="$tmp" bs=512 seek="$2" conv=notrunc status=none
}

tmp=$out.tmp
rm -f "$tmp"
trap 'rm -f "$tmp" "$tmp.part"' EXIT INT TERM
truncate -s $((ROOT_LBA * 512)) "$tmp"
write "$mbr" 0
if [ "$root" != none ]; then
    {
        bytes 0x80 1
        chs $ROOT_LBA
        bytes 0x83 1
        chs $((ROOT_LBA + root_sectors - 1))
        bytes $ROOT_LBA 4
        bytes $root_sectors 4
    } >"$tmp.part"
    dd if="$tmp.part" of="$tmp" bs=1 seek=446 conv=notrunc status=none
fi
swap_lba=$((ROOT_LBA + root_sectors)) swap_sectors=$((swap_mib * 2048))
if [ "$swap_sectors" -gt 0 ]; then
    {
        bytes 0 1
        chs $swap_lba
        bytes 0x82 1
        chs $((swap_lba + swap_sectors - 1))
        bytes $swap_lba 4
        bytes $swap_sectors 4
    } >"$tmp.part"
    dd if="$tmp.part" of="$tmp" bs=1 seek=462 conv=notrunc status=none
fi
{
    printf 'ISOLACFG'
    bytes 1 4
    bytes $KERNEL_LBA 4
    bytes "$kernel_size" 4
    bytes 0 44
    printf '%s' "$cmdline"
} >"$tmp.part"
write "$tmp.part" 1
write "$stage2" 2
[ "$kernel" = none ] || write "$kernel" $KERNEL_LBA
[ "$root" = none ] || cat "$root" >>"$tmp"
[ "$swap_sectors" -eq 0 ] || truncate -s $(((swap_lba + swap_sectors) * 512)) "$tmp"
mv "$tmp" "$out"
