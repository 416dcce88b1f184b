#!/bin/sh
# model.sh: random writes, truncates and name changes checked against a
# model (test_fs model), then e2fsck -fn finds the image clean; with 1 and
# 4 KiB blocks and a few seeds. Then a file system filled up (test_fs full).
. "${srcdir:-.}/tests/fs/lib.sh"

mkdir "$tmp/st"
for bs in 1024 4096; do
    for seed in 1 2 3; do
        mkimage "$tmp/img" $bs 32M "$tmp/st" >/dev/null
        run "$TEST_FS" model "$tmp/img" $seed
        fsck_clean "$tmp/img" "$bs-byte blocks, seed $seed"
    done
done
# full: a short write, -ENOSPC, and space back after removal
for bs in 1024 4096; do
    mkimage "$tmp/img" $bs 2M "$tmp/st" -t ext2 -O ^dir_index,^resize_inode,^ext_attr -N 64 >/dev/null
    run "$TEST_FS" full "$tmp/img"
    fsck_clean "$tmp/img" "full, $bs-byte blocks"
done
exit $((failures != 0))
