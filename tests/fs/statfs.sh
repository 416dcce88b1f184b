#!/bin/sh
# statfs.sh: what statfs64 reports (test_fs statfs prints it) is what
# dumpe2fs reads from the same image: the block size, the blocks less
# those the file system keeps for itself (superblock copies, group
# descriptors, bitmaps, inode tables: summed from dumpe2fs's group
# listing, as Linux's ext2 counts them), the free blocks, the blocks
# free to users (less the reserved ones), the inodes and the free
# inodes. Then the times utimensat set are in the inode as debugfs
# reads it and after a fresh mount, and e2fsck -fn finds nothing wrong.
. "${srcdir:-.}/tests/fs/lib.sh"

DUMPE2FS=$(PATH="$PATH:/usr/sbin:/sbin" command -v dumpe2fs) || {
    echo "SKIP: dumpe2fs (e2fsprogs) is not installed" >&2
    exit 77
}
mkdir "$tmp/st"
printf 'hello\n' > "$tmp/st/hello"

# field NAME: a value from dumpe2fs -h ("Free blocks:  123")
field() {
    "$DUMPE2FS" -h "$img" 2>/dev/null | sed -n "s/^$1: *//p"
}

statfs_check() {
    name=$1 bs=$2
    shift 2
    img=$tmp/$name.img
    mkimage "$img" "$bs" 8M "$tmp/st" "$@" >/dev/null
    count=$(field 'Block count') first=$(field 'First block')
    # the blocks of each group's superblock copy, descriptors, bitmaps and table
    meta=$("$DUMPE2FS" "$img" 2>/dev/null | awk '
        function span(s,  a) { split(s, a, "-"); return a[2] == "" ? 1 : a[2] - a[1] + 1 }
        /superblock at/ { n++ }
        /Group descriptors at/ { sub(/.*Group descriptors at /, ""); n += span($1) }
        /Block bitmap at/ || /Inode bitmap at/ { n++ }
        /Inode table at/ { n += span($4) }
        END { print n }')
    want="statfs: bsize $bs blocks $((count - first - meta))"
    want="$want bfree $(field 'Free blocks')"
    want="$want bavail $(($(field 'Free blocks') - $(field 'Reserved block count')))"
    want="$want files $(field 'Inode count') ffree $(field 'Free inodes')"
    got=$("$TEST_FS" statfs "$img") || fail "$name: test_fs statfs: $got"
    echo "$got" | grep -qx "$want" ||
        fail "$name: statfs says
$(echo "$got" | grep '^statfs:')
dumpe2fs says
$want"
    fsck_clean "$img" "$name"
    st=$("$DEBUGFS" -R "stat /u/times" "$img" 2>/dev/null)
    echo "$st" | grep -q 'atime: 0x499602d2' || fail "$name: /u/times atime: $st"
    echo "$st" | grep -q 'mtime: 0x499602db' || fail "$name: /u/times mtime: $st"
    run "$TEST_FS" statfs-verify "$img"
}

statfs_check k1 1024
statfs_check k4 4096
statfs_check defaults 1024 -t ext2
exit $((failures != 0))
