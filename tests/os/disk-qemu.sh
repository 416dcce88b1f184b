#!/bin/sh
# The disk tests under qemu-system-i386 (SeaBIOS, QEMU's PIIX3 IDE):
# every disktests test in one boot (its disk throttled, so DMA takes
# time as with isola -disk-latency), the host's e2fsck and debugfs
# checks, and a second boot that reads the files back. Skipped without
# QEMU.
. "${srcdir:-.}/tests/os/disklib.sh"
need_qemu
disk_boot qemu 'disktests all
'
expect '^ata: hda: [0-9]+ MiB, 48-bit LBA, DMA$'
expect '^ALL TESTS PASSED$'
reject 'FAILED'
expect_poweroff
grep '^disktests: cksum ' "$out" >"$sums"
fsck_clean
cksums_match
disk_boot qemu 'disktests verify
'
[ "$(grep -c '^disktests: verify .*: ok$' "$out")" -eq 5 ] || fail "not every file read back"
expect_poweroff
