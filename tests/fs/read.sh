#!/bin/sh
# read.sh: images made by mke2fs -d from a staging tree read back, through
# the kernel's file system, exactly as the tree: 1, 2 and 4 KiB blocks as
# the OS's image builder makes them, mke2fs's default ext2 features
# (resize_inode, dir_index, ext_attr), and directories that e2fsck -D has
# turned into htrees.
. "${srcdir:-.}/tests/fs/lib.sh"

make_staging "$tmp/st"
for bs in 1024 2048 4096; do
    mkimage "$tmp/img" $bs 64M "$tmp/st" >/dev/null
    run "$TEST_FS" read "$tmp/img" "$tmp/st"
done
mkimage "$tmp/img" 4096 64M "$tmp/st" -t ext2 >/dev/null
run "$TEST_FS" read "$tmp/img" "$tmp/st"
mkimage "$tmp/img" 1024 64M "$tmp/st" -t ext2 >/dev/null
"$E2FSCK" -fyD "$tmp/img" >/dev/null 2>&1
"$DEBUGFS" -R "stat /many" "$tmp/img" 2>/dev/null | grep -q 'Flags: 0x1000' ||
    fail "e2fsck -D made no htree of /many"
run "$TEST_FS" read "$tmp/img" "$tmp/st"
# revision 0: no dynamic fields, 128-byte inodes, first inode 11
"$MKE2FS" -q -F -t ext2 -r 0 -b 1024 -d "$tmp/st" "$tmp/img" 64M >/dev/null 2>&1 &&
    run "$TEST_FS" read "$tmp/img" "$tmp/st"
exit $((failures != 0))
