#!/bin/sh
# mkdisk.sh: build the boot test's raw disk image (the layout mbr.S expects).
#
# Usage: mkdisk.sh OUT MBR.BIN STAGE2.BIN [SIZE]
#   LBA 0     MBR.BIN (512 bytes ending 55 AA)
#   LBA 1-3   "sector K: ..." text, NUL-padded
#   LBA 4-8   STAGE2.BIN (at most 5 sectors)
#   LBA 9     scratch (the write test fills it)
#   last LBA  "last sector of the disk", NUL-padded
# SIZE is the image size for truncate(1) (default 8M); the image is sparse.
set -e
if [ $# -lt 3 ]; then
    echo "usage: $0 OUT MBR.BIN STAGE2.BIN [SIZE]" >&2
    exit 2
fi
out=$1 mbr=$2 stage2=$3 size=${4:-8M}

if [ "$(wc -c <"$mbr")" -ne 512 ]; then
    echo "mkdisk: $mbr is not 512 bytes" >&2
    exit 1
fi
if [ "$(wc -c <"$stage2")" -gt 2560 ]; then
    echo "mkdisk: $stage2 is larger than 5 sectors" >&2
    exit 1
fi

rm -f "$out"
truncate -s "$size" "$out"
dd if="$mbr" of="$out" conv=notrunc status=none
# put TEXT LBA: the text, then NULs to the end of the sector
put() {
    printf '%s' "$1" | dd of="$out" bs=512 seek="$2" conv=notrunc,sync status=none
}
put "sector 1: the quick brown fox jumps over the lazy dog" 1
put "sector 2: pack my box with five dozen liquor jugs" 2
put "sector 3: sphinx of black quartz, judge my vow" 3
dd if="$stage2" of="$out" bs=512 seek=4 conv=notrunc,sync status=none
sectors=$(( $(wc -c <"$out") / 512 ))
put "last sector of the disk (LBA $((sectors - 1)))" $((sectors - 1))
