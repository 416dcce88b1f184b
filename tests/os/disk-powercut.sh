#!/bin/sh
# A power cut: the guest writes files and syncs, then keeps changing
# others without sync; isola is killed (SIGKILL) as soon as the guest
# says that sync returned. e2fsck -fy may repair what the cut left half
# done, but never a synced file: it names none of them, and debugfs
# finds each with the contents the guest wrote. The repaired partition
# then boots again.
. "${srcdir:-.}/tests/os/disklib.sh"
disk_boot_until isola 'disktests write
disktests churn 100000
' '^disktests: sync returned$'
grep '^disktests: cksum ' "$out" >"$sums"
[ "$(wc -l <"$sums")" -eq 5 ] || fail "not every synced file was reported"
part_out
e2fsck -fy "$part" >"$tmp/fsck" 2>&1
rc=$?
cat "$tmp/fsck"
[ "$rc" -le 1 ] || fail "e2fsck -fy could not repair the partition (exit $rc)"
! grep -q '/disk' "$tmp/fsck" || fail "e2fsck repaired something of a synced file"
part_in
cksums_match
while read -r _ _ path _ _; do
    ino=$(debugfs -R "stat $path" "$part" 2>/dev/null | sed -n 's/^Inode: \([0-9]*\).*/\1/p')
    [ -n "$ino" ] || fail "debugfs: no inode for $path"
    ! grep -Eqi "inode $ino([^0-9]|$)" "$tmp/fsck" || fail "e2fsck repaired $path (inode $ino)"
done <"$sums"
disk_boot isola 'disktests verify
'
[ "$(grep -c '^disktests: verify .*: ok$' "$out")" -eq 5 ] || fail "not every file read back"
expect_poweroff
fsck_clean
