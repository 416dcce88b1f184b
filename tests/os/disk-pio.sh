#!/bin/sh
# ata=pio: the same file tests as disk-persist.sh with the driver's PIO
# path (interrupt-driven, a sector per interrupt), the kernel given its
# command line by -append: written, checked from the host, read back in
# a second boot, also through PIO.
. "${srcdir:-.}/tests/os/disklib.sh"
disk_boot isola 'disktests write
' -kernel "$kernel" -append 'root=hda1 ata=pio'
expect '^ata: hda: [0-9]+ MiB, 48-bit LBA, PIO$'
expect '^root: ext2 on hda1$'
expect '^disktests: sync returned$'
reject 'FAILED'
expect_poweroff
grep '^disktests: cksum ' "$out" >"$sums"
fsck_clean
cksums_match
disk_boot isola 'disktests verify
' -kernel "$kernel" -append 'root=hda1 ata=pio'
[ "$(grep -c '^disktests: verify .*: ok$' "$out")" -eq 5 ] || fail "not every file read back"
reject 'FAILED'
expect_poweroff
