#!/bin/sh
# write.sh: the kernel's file system changes an image (test_fs write: its
# own checks as it goes), then e2fsck -fn finds nothing to fix, debugfs
# sees the same tree, link counts and sizes, a fresh mount reads back what
# was written (test_fs verify), and everything outside /w, /t and /many is
# as mke2fs made it.
. "${srcdir:-.}/tests/fs/lib.sh"

make_staging "$tmp/st"

# write_check NAME BLOCKSIZE [mke2fs options...]
write_check() {
    name=$1 bs=$2
    shift 2
    img=$tmp/$name.img out=$tmp/$name
    mkimage "$img" $bs 64M "$tmp/st" "$@" >/dev/null
    if [ "$name" = htree ]; then
        "$E2FSCK" -fyD "$img" >/dev/null 2>&1
    fi
    mkdir "$out"
    run "$TEST_FS" write "$img" "$out"
    fsck_clean "$img" "$name"
    "$DEBUGFS" -R "rdump /w $out" "$img" >/dev/null 2>&1 || fail "$name: debugfs rdump"
    diff -r --no-dereference "$out/tree" "$out/w" >&2 || fail "$name: debugfs sees another /w"
    st=$("$DEBUGFS" -R "stat /w/linked" "$img" 2>/dev/null)
    echo "$st" | grep -q 'Links: 2 ' || fail "$name: /w/linked should have 2 links: $st"
    st=$("$DEBUGFS" -R "stat /w/subdirs" "$img" 2>/dev/null)
    echo "$st" | grep -q 'Links: 202 ' || fail "$name: /w/subdirs should have 202 links"
    per=$((bs / 4))
    size=$(( (12 + per + per * per) * bs + 12345 + bs + 6 ))
    st=$("$DEBUGFS" -R "stat /t/triple" "$img" 2>/dev/null)
    echo "$st" | grep -q "Size: $size\$" || fail "$name: /t/triple should be $size bytes: $st"
    echo "$st" | grep -q "Blockcount: $((5 * bs / 512))\$" ||
        fail "$name: /t/triple should have 5 blocks: $st"
    # the data block behind the triple indirect one, read from the image
    lbn=$(( 12 + per + per * per + 12345 / bs ))
    pb=$("$DEBUGFS" -R "bmap /t/triple $lbn" "$img" 2>/dev/null)
    dd if="$img" bs=1 skip=$((pb * bs + 12345 % bs)) count=6 2>/dev/null | grep -q TRIPLE ||
        fail "$name: block $pb (file block $lbn of /t/triple) holds no TRIPLE"
    run "$TEST_FS" verify "$img" "$out"
    run "$TEST_FS" read "$img" "$tmp/st" w t many
}

write_check k1 1024
write_check k2 2048
write_check k4 4096
write_check defaults 4096 -t ext2
write_check htree 1024 -t ext2
write_check rev0 1024 -t ext2 -r 0
exit $((failures != 0))
