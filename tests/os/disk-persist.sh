#!/bin/sh
# The root file system lives on the disk (root=hda1, the kernel's own
# ATA driver with DMA): files written and synced in one boot are there
# in the next boot of the same image, and between the two boots the host
# finds the partition clean (e2fsck -fn) and each file's contents right
# (debugfs cat, against the cksum the guest computed from what it meant
# to write: small, one block, indirect, double-indirect, sparse).
. "${srcdir:-.}/tests/os/disklib.sh"
disk_boot isola 'disktests write
'
expect '^ata: hda: [0-9]+ MiB, 48-bit LBA, DMA$'
expect '^root: ext2 on hda1$'
expect '^disktests: sync returned$'
reject 'FAILED'
expect_poweroff
grep '^disktests: cksum ' "$out" >"$sums"
fsck_clean
cksums_match
disk_boot isola 'disktests verify
'
[ "$(grep -c '^disktests: verify .*: ok$' "$out")" -eq 5 ] || fail "not every file read back"
reject 'FAILED'
expect_poweroff
fsck_clean
