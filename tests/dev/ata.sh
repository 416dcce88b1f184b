#!/bin/sh
# The IDE disk from a guest (see tests/dev/ata.c): makes the raw image it
# expects, runs it with -hda, then checks that its DMA write reached the
# image file.
img=${TMPDIR:-/tmp}/isola-ata-test.$$.img
trap 'rm -f "$img"' EXIT INT TERM

if ! command -v python3 >/dev/null 2>&1; then
    echo "ata.sh: python3 not found, skipped"
    exit 77
fi
# 2048 sectors; sector k: k as a little-endian dword, then (k*7 + i*3 + 1) & 255.
python3 - "$img" <<'PY' || exit 99
import struct, sys
with open(sys.argv[1], "wb") as f:
    for k in range(2048):
        f.write(struct.pack("<I", k) + bytes((k * 7 + i * 3 + 1) & 255 for i in range(4, 512)))
PY

"${srcdir:-.}/tests/guest/run-guest.sh" tests/dev/ata.elf 33 -hda "$img" || exit 1

python3 - "$img" <<'PY'
import sys
with open(sys.argv[1], "rb") as f:
    f.seek(100 * 512)
    got = f.read(512)
magic = b"isola DMA write"
want = magic + bytes((1100 * 7 + i * 3 + 1) & 255 for i in range(len(magic), 512))
if got != want:
    print("ata.sh: FAIL: sector 100 of the image is not what the guest wrote by DMA")
    sys.exit(1)
print("ata.sh: sector 100 of the image holds the DMA write")
PY
